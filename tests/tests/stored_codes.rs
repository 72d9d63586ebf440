//! A stored code that is not one of its type's codes fails loudly where it is read: the entity
//! read is an error naming the type, the column and the value, and a request that reads it
//! answers an opaque 500 — never a silent default (a product's kind used to fall back to `drug`,
//! a request's kind to `information`, a bad ⑫ to a drug shown without status) — on SQLite and
//! PostgreSQL.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use supplywatch::db::entity::{product, product_status, supply_status_report, user};
use supplywatch_tests::{TestApp, backends};

async fn execute(app: &TestApp, sql: &str) -> anyhow::Result<()> {
    let backend = app.db.get_database_backend();
    let done = app.db.execute(Statement::from_string(backend, sql)).await?;
    anyhow::ensure!(
        done.rows_affected() == 1,
        "{sql} changed {} rows",
        done.rows_affected()
    );
    Ok(())
}

#[tokio::test]
async fn a_stored_code_that_is_not_valid_fails_where_it_is_read() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let maker = app.token("maker@demo.example").await?;
        let answer = app.get("/api/v1/products/2171022F5180", &maker).await?;
        assert_eq!(answer.status(), StatusCode::OK, "{name}");

        execute(
            &app,
            "UPDATE products SET kind = 'gadget' WHERE code = '2171022F5180'",
        )
        .await?;
        let read = product::Entity::find()
            .filter(product::Column::Code.eq("2171022F5180"))
            .one(&app.db)
            .await;
        let error = read
            .expect_err("a product kind that is no code must not read")
            .to_string();
        for part in ["ProductKind", "kind", "gadget"] {
            assert!(error.contains(part), "{name}: {error}");
        }
        let answer = app.get("/api/v1/products/2171022F5180", &maker).await?;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        let body: Value = answer.json().await?;
        assert!(
            !body.to_string().contains("gadget"),
            "{name}: the cause stays in the log, not in the answer: {body}"
        );
        let list = app.get("/api/v1/products?q=2171022F5180", &maker).await?;
        assert_eq!(list.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");

        execute(
            &app,
            "UPDATE users SET role = 'pharmacist' WHERE email = 'maker2@demo.example'",
        )
        .await?;
        let read = user::Entity::find()
            .filter(user::Column::Email.eq("maker2@demo.example"))
            .one(&app.db)
            .await;
        let error = read
            .expect_err("a role that is no code must not read")
            .to_string();
        assert!(
            error.contains("Role") && error.contains("pharmacist"),
            "{name}: {error}"
        );
        // A code must be exactly a code: surrounding blanks are not forgiven in storage.
        execute(
            &app,
            "UPDATE users SET role = ' ministry' WHERE email = 'ministry@demo.example'",
        )
        .await?;
        let read = user::Entity::find()
            .filter(user::Column::Email.eq("ministry@demo.example"))
            .one(&app.db)
            .await;
        assert!(
            read.is_err(),
            "{name}: a blank before the code reads as an error"
        );
    }
    Ok(())
}

/// Sawai's amlodipine 10 mg, the demo maker@'s product.
const OWN: &str = "2171022F5180";

#[tokio::test]
async fn a_stored_supply_status_that_is_not_valid_fails_where_it_is_read() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let maker = app.token("maker@demo.example").await?;
        let filed = json!({"product_code": OWN, "shipping_status": "2", "reason": "3", "volume_status": "B"});
        let (status, receipt) = app
            .post_json("/api/v1/supply-status-reports", &maker, &filed)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{name}: {receipt}");
        let receipt = receipt["receipt_number"].as_str().unwrap_or_default();
        let list = app
            .get(&format!("/api/v1/products?q={OWN}"), &maker)
            .await?;
        assert_eq!(list.status(), StatusCode::OK, "{name}");

        // ⑫ of the current status: the search, which shows it, answers an error.
        let own_status = format!("product_id = (SELECT id FROM products WHERE code = '{OWN}')");
        execute(
            &app,
            &format!("UPDATE product_statuses SET shipping_status = '9' WHERE {own_status}"),
        )
        .await?;
        let read = product_status::Entity::find().all(&app.db).await;
        let error = read
            .expect_err("a ⑫ that is no code must not read")
            .to_string();
        for part in ["ShippingStatus", "shipping_status", "\"9\""] {
            assert!(error.contains(part), "{name}: {error}");
        }
        let list = app
            .get(&format!("/api/v1/products?q={OWN}"), &maker)
            .await?;
        assert_eq!(list.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        // The dashboard counts drugs by ⑫ in its own SQL: the drug is not counted under no status.
        let ministry = app.token("ministry@demo.example").await?;
        let dashboard = app.get("/api/v1/dashboard", &ministry).await?;
        assert_eq!(
            dashboard.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{name}"
        );
        execute(
            &app,
            &format!("UPDATE product_statuses SET shipping_status = '2' WHERE {own_status}"),
        )
        .await?;
        let list = app
            .get(&format!("/api/v1/products?q={OWN}"), &maker)
            .await?;
        assert_eq!(
            list.status(),
            StatusCode::OK,
            "{name}: mended, it reads again"
        );
        let dashboard = app.get("/api/v1/dashboard", &ministry).await?;
        assert_eq!(dashboard.status(), StatusCode::OK, "{name}");

        // ⑰ of a filed report: the product's history, on the API and the page, is an error.
        execute(
            &app,
            &format!(
                "UPDATE supply_status_reports SET volume_status = 'Q9' \
                 WHERE receipt_number = '{receipt}'"
            ),
        )
        .await?;
        let read = supply_status_report::Entity::find()
            .filter(supply_status_report::Column::ReceiptNumber.eq(receipt))
            .one(&app.db)
            .await;
        let error = read
            .expect_err("a ⑰ that is no code must not read")
            .to_string();
        for part in ["VolumeStatus", "volume_status", "Q9"] {
            assert!(error.contains(part), "{name}: {error}");
        }
        let answer = app.get(&format!("/api/v1/products/{OWN}"), &maker).await?;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        let body: Value = answer.json().await?;
        assert!(
            !body.to_string().contains("Q9"),
            "{name}: the cause stays in the log, not in the answer: {body}"
        );
        app.log_in_session("maker@demo.example").await?;
        let (status, page) = app.page(&format!("/products/{OWN}")).await?;
        assert_eq!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{name}: the page does not show the drug without its history"
        );
        assert!(!page.contains("Q9"), "{name}");
    }
    Ok(())
}

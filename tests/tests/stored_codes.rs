//! A stored code that is not one of its type's codes fails loudly where it is read: the entity
//! read is an error naming the type, the column and the value, and a request that reads it
//! answers an opaque 500 — never a silent default (a product's kind used to fall back to `drug`,
//! a request's kind to `information`) — on SQLite and PostgreSQL.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::Value;
use supplywatch::db::entity::{product, user};
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

//! A stored code that is not one of its type's codes fails loudly where it is read: the entity
//! read is an error naming the type, the column and the value, and a request that reads it
//! answers an opaque 500 — never a silent default (a product's kind used to fall back to `drug`,
//! a request's kind to `information`, a bad ⑫ to a drug shown without status, a mail's status
//! compared as a raw string, a report's unreadable fields to an empty report) — on SQLite and
//! PostgreSQL.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use supplywatch::db::entity::{
    case_report, outbox_message, product, product_status, public_subscription,
    supply_status_report, user,
};
use supplywatch::domain::outbox_status::OutboxStatus;
use supplywatch::mail::MailContent;
use supplywatch::mail::content::Notice;
use supplywatch::services::outbox::{self, NewMessage};
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

fn notice(key: &str) -> NewMessage {
    NewMessage {
        idempotency_key: key.to_owned(),
        organization_id: None,
        recipient_name: "安定供給窓口".into(),
        recipient_email: format!("{key}@example.test"),
        digest: false,
        content: MailContent::Notice(Notice {
            subject: format!("【SupplyWatch】{key}"),
            recipient_org: "テスト".into(),
            lead: "テスト".into(),
            lines: Vec::new(),
            link_path: "/".into(),
        }),
    }
}

#[tokio::test]
async fn a_stored_mail_status_that_is_not_valid_fails_where_it_is_read() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let now = chrono::Utc::now();
        outbox::enqueue(&app.db, vec![notice("bounced"), notice("good")], now).await?;
        app.log_in_session("admin@demo.example").await?;
        let (status, page) = app.page("/admin/outbox").await?;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(
            !page.contains("id=\"mail-failing\""),
            "{name}: no banner yet"
        );

        execute(
            &app,
            "UPDATE outbox_messages SET status = 'bounced' WHERE idempotency_key = 'bounced'",
        )
        .await?;
        let read = outbox_message::Entity::find().all(&app.db).await;
        let error = read
            .expect_err("a mail status that is no code must not read")
            .to_string();
        for part in ["OutboxStatus", "status", "bounced"] {
            assert!(error.contains(part), "{name}: {error}");
        }
        // The admin's list of every mail reads the row: an opaque error page, not a list that
        // leaves the mail out or shows it without a status.
        let (status, page) = app.page("/admin/outbox").await?;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        assert!(
            !page.contains("bounced"),
            "{name}: the cause stays in the log"
        );
        // The banner on every admin page counts it among the mail that will not go out.
        let (status, users) = app.page("/admin/users").await?;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert!(
            users.contains("id=\"mail-failing\"") && users.contains("（1件）"),
            "{name}: {users}"
        );

        // The dispatcher claims by status code: it delivers the good mail and never sends the
        // broken one, which keeps its stored text for an admin to mend.
        let jobs = app.jobs()?;
        let summary = outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        assert_eq!(summary.sent, 1, "{name}: {summary:?}");
        let good = outbox_message::Entity::find()
            .filter(outbox_message::Column::IdempotencyKey.eq("good"))
            .one(&app.db)
            .await?
            .map(|m| m.status);
        assert_eq!(good, Some(OutboxStatus::Sent), "{name}");
        let bounced = outbox_message::Entity::find()
            .filter(outbox_message::Column::IdempotencyKey.eq("bounced"))
            .one(&app.db)
            .await;
        assert!(bounced.is_err(), "{name}: still unreadable, never claimed");

        execute(
            &app,
            "UPDATE outbox_messages SET status = 'failed' WHERE idempotency_key = 'bounced'",
        )
        .await?;
        let (status, page) = app.page("/admin/outbox").await?;
        assert_eq!(status, StatusCode::OK, "{name}: mended, it reads again");
        assert!(
            page.contains("status-failed") && page.contains("送信失敗"),
            "{name}"
        );
        // Its kind likewise: a kind that is none fails the read (a subscriber's mail is known
        // by its kind, and is never shown with its address).
        execute(
            &app,
            "UPDATE outbox_messages SET kind = 'case_reminder' WHERE idempotency_key = 'bounced'",
        )
        .await?;
        let error = outbox_message::Entity::find()
            .all(&app.db)
            .await
            .expect_err("a mail kind that is no code must not read")
            .to_string();
        for part in ["MailKind", "kind", "case_reminder"] {
            assert!(error.contains(part), "{name}: {error}");
        }
        let (status, _) = app.page("/admin/outbox").await?;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
    }
    Ok(())
}

#[tokio::test]
async fn a_stored_subscription_delivery_that_is_not_valid_fails_where_it_is_read()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let body = json!({"product_code": OWN, "email": "follower@example.jp", "delivery": "daily_digest"});
        let answer = app
            .client
            .post(app.url("/api/v1/public/subscriptions"))
            .json(&body)
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::ACCEPTED, "{name}");
        execute(
            &app,
            "UPDATE public_subscriptions SET delivery = 'weekly' \
             WHERE email = 'follower@example.jp'",
        )
        .await?;
        let error = public_subscription::Entity::find()
            .all(&app.db)
            .await
            .expect_err("a delivery that is no code must not read")
            .to_string();
        for part in ["Delivery", "delivery", "weekly"] {
            assert!(error.contains(part), "{name}: {error}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_stored_report_whose_fields_do_not_read_fails_where_it_is_read() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let filed = json!({"product_code": OWN, "details": "原薬メーカーの査察で出荷保留", "market_share": "30"});
        let (status, filed) = app
            .post_json("/api/v1/supply-risk-reports", &maker, &filed)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{name}: {filed}");
        let case = filed["case_id"].as_i64().unwrap_or_default();
        let receipt = filed["receipt_number"].as_str().unwrap_or_default();
        let path = format!("/api/v1/cases/{case}");
        let detail = app.get_json(&path, &ministry).await?;
        assert_eq!(
            detail["reports"][0]["fields"]["market_share"], "30",
            "{name}: {detail}"
        );

        // Cut short: the stored object does not parse.
        execute(
            &app,
            &format!(
                "UPDATE case_reports SET fields = '{{\"market_share\":\"30\"' \
                 WHERE receipt_number = '{receipt}'"
            ),
        )
        .await?;
        let error = case_report::Entity::find()
            .filter(case_report::Column::ReceiptNumber.eq(receipt))
            .one(&app.db)
            .await
            .expect_err("fields that are no JSON object must not read")
            .to_string();
        for part in ["ReportFields", "fields"] {
            assert!(error.contains(part), "{name}: {error}");
        }
        // The case, its page and the list of reports are errors, not a report with no fields.
        let answer = app.get(&path, &ministry).await?;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        let list = app.get("/api/v1/supply-risk-reports", &ministry).await?;
        assert_eq!(list.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        app.log_in_session("ministry@demo.example").await?;
        let (status, _) = app.page(&format!("/cases/{case}")).await?;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");

        // A value that is not a text is not a field as filed either.
        execute(
            &app,
            &format!(
                "UPDATE case_reports SET fields = '{{\"market_share\":30}}' \
                 WHERE receipt_number = '{receipt}'"
            ),
        )
        .await?;
        let answer = app.get(&path, &ministry).await?;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        // A coded field whose text is none of its codes is not shown raw either.
        execute(
            &app,
            &format!(
                "UPDATE case_reports SET fields = '{{\"market_share\":\"30\",\"cause\":\"9\"}}' \
                 WHERE receipt_number = '{receipt}'"
            ),
        )
        .await?;
        let answer = app.get(&path, &ministry).await?;
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        let (status, page) = app.page(&format!("/cases/{case}")).await?;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{name}");
        assert!(
            !page.contains("原因"),
            "{name}: no report shown with a raw code"
        );

        execute(
            &app,
            &format!(
                "UPDATE case_reports SET fields = '{{\"market_share\":\"30\"}}' \
                 WHERE receipt_number = '{receipt}'"
            ),
        )
        .await?;
        let detail = app.get_json(&path, &ministry).await?;
        assert_eq!(
            detail["reports"][0]["fields"]["market_share"], "30",
            "{name}: mended, it reads again"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_stored_reason_list_with_a_code_that_is_no_reason_fails_where_it_is_read()
-> anyhow::Result<()> {
    use sea_orm::{ActiveModelTrait, Set};
    use supplywatch::db::entity::{organization, substitute_request, substitute_response};
    use supplywatch::domain::substitute_answer::{NotPossibleReason, NotPossibleReasons};
    use supplywatch::domain::substitute_request::RequestKind;
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let now = chrono::Utc::now();
        let drug = product::Entity::find()
            .filter(product::Column::Code.eq(OWN))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no {OWN} in the demo"))?;
        let asked = organization::Entity::find()
            .filter(organization::Column::Name.eq("東和薬品"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no 東和薬品 in the demo"))?;
        let request = substitute_request::ActiveModel {
            event_key: Set("test:reasons".into()),
            kind: Set(RequestKind::Information),
            product_id: Set(drug.id),
            organization_id: Set(asked.id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
        let answer = substitute_response::ActiveModel {
            request_id: Set(request.id),
            organization_id: Set(asked.id),
            can_increase: Set(Some(false)),
            not_possible_reason: Set(Some(NotPossibleReasons(vec![
                NotPossibleReason::RawMaterials,
                NotPossibleReason::Staff,
            ]))),
            submitted_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
        let read = substitute_response::Entity::find_by_id(answer.id)
            .one(&app.db)
            .await?
            .and_then(|a| a.not_possible_reason);
        assert_eq!(
            read.map(|r| r.code()).as_deref(),
            Some("raw_materials,staff"),
            "{name}"
        );

        execute(
            &app,
            &format!(
                "UPDATE substitute_responses SET not_possible_reason = 'staff,weather' \
                 WHERE id = {}",
                answer.id
            ),
        )
        .await?;
        let error = substitute_response::Entity::find_by_id(answer.id)
            .one(&app.db)
            .await
            .expect_err("a reason that is no code must not read (nor be left out)")
            .to_string();
        for part in ["NotPossibleReasons", "not_possible_reason", "weather"] {
            assert!(error.contains(part), "{name}: {error}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_held_mail_whose_stored_content_does_not_read_fails_instead_of_leaving_the_digest()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let name = backend.name();
        let now = chrono::Utc::now();
        let held = |key: &str| NewMessage {
            recipient_email: "desk@example.test".into(),
            digest: true,
            ..notice(key)
        };
        outbox::enqueue(&app.db, vec![held("kept"), held("broken")], now).await?;
        execute(
            &app,
            "UPDATE outbox_messages SET payload = '{\"kind\":' WHERE idempotency_key = 'broken'",
        )
        .await?;
        let digests = outbox::send_daily_digests(&app.db, now).await?;
        assert_eq!(digests, 1, "{name}: the readable mail is still bundled");
        let row = |key: &'static str| {
            outbox_message::Entity::find()
                .filter(outbox_message::Column::IdempotencyKey.eq(key))
                .one(&app.db)
        };
        let kept = row("kept").await?.map(|m| m.status);
        assert_eq!(kept, Some(OutboxStatus::Digested), "{name}");
        let broken = row("broken")
            .await?
            .ok_or_else(|| anyhow::anyhow!("{name}: the broken mail is gone"))?;
        assert_eq!(
            broken.status,
            OutboxStatus::Failed,
            "{name}: not marked digested as if it had been sent"
        );
        assert!(
            broken
                .last_error
                .is_some_and(|e| e.starts_with("本文データを読めません")),
            "{name}"
        );
    }
    Ok(())
}

//! The mail pages over plain HTTP: the admin sees a failed message with its error and resends it;
//! a maker switches its contact to the daily digest and cannot touch another maker's contact.

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use supplywatch::db::entity::{contact, organization, outbox_message};
use supplywatch::domain::mail_kind::MailKind;
use supplywatch::domain::outbox_status::OutboxStatus;
use supplywatch::mail::MailContent;
use supplywatch::mail::content::Notice;
use supplywatch::services::outbox::{self, NewMessage};
use supplywatch_tests::app::csrf_token;
use supplywatch_tests::{TestApp, backends};

/// Logs in through the form with a fresh client; returns it and the contacts page's form token.
async fn log_in(app: &TestApp, email: &str) -> anyhow::Result<(reqwest::Client, String)> {
    app.log_in_client(email, "/my/contacts").await
}

#[tokio::test]
async fn an_admin_sees_a_failed_mail_with_its_error_and_resends_it() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let now = chrono::Utc::now();
        let message = NewMessage {
            idempotency_key: "test:failed".into(),
            organization_id: None,
            recipient_name: "安定供給窓口".into(),
            recipient_email: "desk@example.test".into(),
            digest: false,
            content: MailContent::Notice(Notice {
                subject: "【SupplyWatch】送信失敗のテスト".into(),
                recipient_org: "テスト".into(),
                lead: "テスト".into(),
                lines: Vec::new(),
                link_path: "/".into(),
            }),
        };
        outbox::enqueue(&app.db, vec![message], now).await?;
        let row = outbox_message::Entity::find()
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no row"))?;
        let mut failed: outbox_message::ActiveModel = row.clone().into();
        failed.status = Set(OutboxStatus::Failed);
        failed.attempts = Set(8);
        failed.last_error = Set(Some("SMTP サーバーに送れません: connection refused".into()));
        failed.update(&app.db).await?;

        let (admin, token) = log_in(&app, "admin@demo.example").await?;
        let page = admin
            .get(app.url("/admin/outbox?status=failed"))
            .send()
            .await?
            .text()
            .await?;
        assert!(page.contains("送信失敗のテスト") && page.contains("connection refused"));
        assert!(page.contains(&format!("/admin/outbox/{}/resend", row.id)));
        let response = admin
            .post(app.url(&format!("/admin/outbox/{}/resend", row.id)))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            backend.name()
        );
        let after = outbox_message::Entity::find_by_id(row.id)
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("row gone"))?;
        assert_eq!(after.status, OutboxStatus::Pending);

        let (maker, _) = log_in(&app, "maker@demo.example").await?;
        let response = maker.get(app.url("/admin/outbox")).send().await?;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    Ok(())
}

#[tokio::test]
async fn a_maker_chooses_the_daily_digest_for_its_own_contact_only() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let contact_of = |name: &'static str| {
            let db = app.db.clone();
            async move {
                let org = organization::Entity::find()
                    .filter(organization::Column::Name.eq(name))
                    .one(&db)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no {name}"))?;
                contact::Entity::find()
                    .filter(contact::Column::OrganizationId.eq(org.id))
                    .one(&db)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no contact of {name}"))
            }
        };
        let own = contact_of("東和薬品").await?;
        let other = contact_of("沢井製薬").await?;
        let (client, token) = log_in(&app, "maker2@demo.example").await?;
        let page = client
            .get(app.url("/my/contacts"))
            .send()
            .await?
            .text()
            .await?;
        assert!(page.contains(&own.email) && !page.contains(&other.email));
        let response = client
            .post(app.url(&format!("/my/contacts/{}/delivery", own.id)))
            .form(&[("csrf_token", token.as_str()), ("delivery", "daily_digest")])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            contact_of("東和薬品").await?.delivery.code(),
            "daily_digest"
        );
        let response = client
            .post(app.url(&format!("/my/contacts/{}/delivery", other.id)))
            .form(&[("csrf_token", token.as_str()), ("delivery", "daily_digest")])
            .send()
            .await?;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{}",
            backend.name()
        );
        assert_eq!(contact_of("沢井製薬").await?.delivery.code(), "immediate");
    }
    Ok(())
}

#[tokio::test]
async fn an_admin_is_warned_of_mail_failing_for_long_on_every_page_and_resends_all_failed_mail_of_a_kind()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let now = chrono::Utc::now();
        let notices = (0..4)
            .map(|n| NewMessage {
                idempotency_key: format!("test:kind:{n}"),
                organization_id: None,
                recipient_name: "安定供給窓口".into(),
                recipient_email: format!("desk{n}@example.test"),
                digest: false,
                content: MailContent::Notice(Notice {
                    subject: format!("【SupplyWatch】種類別の再送 {n}"),
                    recipient_org: "テスト".into(),
                    lead: "テスト".into(),
                    lines: Vec::new(),
                    link_path: "/".into(),
                }),
            })
            .collect();
        outbox::enqueue(&app.db, notices, now).await?;
        let rows = outbox_message::Entity::find().all(&app.db).await?;
        let kind = rows[0].kind;
        // Two failed for good, one of another kind failed too, one retried for 20 minutes.
        for (i, row) in rows.into_iter().enumerate() {
            let mut model: outbox_message::ActiveModel = row.into();
            match i {
                0 | 1 => model.status = Set(OutboxStatus::Failed),
                2 => {
                    model.status = Set(OutboxStatus::Failed);
                    model.kind = Set(MailKind::HeadsUp);
                }
                _ => model.attempts = Set(7),
            }
            model.update(&app.db).await?;
        }

        let (admin, token) = log_in(&app, "admin@demo.example").await?;
        let page = admin
            .get(app.url("/admin/outbox"))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            page.contains("id=\"mail-failing\"") && page.contains("15分以上失敗しています（4件）"),
            "{}",
            backend.name()
        );
        the_banner_is_on_every_admin_page(&app, &admin, 4).await?;
        let token = csrf_token(&page).unwrap_or(token);
        let response = admin
            .post(app.url("/admin/outbox/resend-failed"))
            .form(&[("kind", kind.code()), ("csrf_token", &token)])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let rows = outbox_message::Entity::find().all(&app.db).await?;
        let mut statuses: Vec<(MailKind, OutboxStatus, i32)> = rows
            .iter()
            .map(|r| (r.kind, r.status, r.attempts))
            .collect();
        statuses.sort();
        assert_eq!(
            statuses,
            vec![
                (MailKind::HeadsUp, OutboxStatus::Failed, 0),
                (kind, OutboxStatus::Pending, 0),
                (kind, OutboxStatus::Pending, 0),
                (kind, OutboxStatus::Pending, 7),
            ],
            "only the failed mail of that kind is queued again, with a fresh retry window"
        );
        let page = admin
            .get(app.url("/admin/outbox"))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            page.contains("15分以上失敗しています（2件）"),
            "{}",
            backend.name()
        );
    }
    Ok(())
}

/// The failing-mail banner is on every page an administrator opens, not only the outbox; nobody
/// else sees it.
async fn the_banner_is_on_every_admin_page(
    app: &TestApp,
    admin: &reqwest::Client,
    failing: usize,
) -> anyhow::Result<()> {
    let backend = &app.backend;
    for path in ["/admin/users", "/dashboard", "/products"] {
        let other = admin.get(app.url(path)).send().await?.text().await?;
        assert!(
            other.contains("id=\"mail-failing\"")
                && other.contains(&format!("15分以上失敗しています（{failing}件）"))
                && other.contains("/admin/outbox?status=failed"),
            "{path} on {}",
            backend.name()
        );
    }
    let (ministry, _) = log_in(app, "ministry@demo.example").await?;
    let dashboard = ministry
        .get(app.url("/dashboard"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        dashboard.contains("ダッシュボード") && !dashboard.contains("mail-failing"),
        "the ministry is not shown the administrators' mail banner on {}",
        backend.name()
    );
    Ok(())
}

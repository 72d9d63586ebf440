//! The scheduled mail jobs, each run twice to show it is idempotent: overdue case reminders (a
//! device 第一報 without 追加報告: to the reporting maker, a summary to the ministry; drug cases
//! are in `drug_cases.rs`), the stale status reminder, and the cleanup of
//! expired sessions; every mail goes through the outbox.

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use supplywatch::db::entity::{case, outbox_message, session};
use supplywatch::jobs::Job;
use supplywatch_tests::{TestApp, backends};

async fn mails_to(app: &TestApp, email: &str) -> anyhow::Result<Vec<outbox_message::Model>> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::RecipientEmail.eq(email))
        .all(&app.db)
        .await?)
}

#[tokio::test]
async fn an_overdue_case_reminds_its_maker_and_the_ministry_once_a_day() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let jobs = app.jobs()?;
        let maker = app.token("maker@demo.example").await?;
        let (status, filed) = app
            .post_json(
                "/api/v1/device-reports",
                &maker,
                &json!({"kind": "first", "product_code": "4569991000018", "event_type": "supply_risk"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        Job::CaseReminders.run(&jobs).await?;
        assert!(
            mails_to(&app, "supply@maker.demo.example")
                .await?
                .is_empty(),
            "not overdue yet"
        );

        let id = i32::try_from(filed["case_id"].as_i64().unwrap_or_default())?;
        let found = case::Entity::find_by_id(id)
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no case"))?;
        let mut old: case::ActiveModel = found.into();
        // Twenty days after the 第一報 (the clock counts from it).
        old.state_entered_at = Set(chrono::Utc::now() - chrono::Duration::days(20));
        old.opened_at = Set(chrono::Utc::now() - chrono::Duration::days(20));
        old.update(&app.db).await?;
        Job::CaseReminders.run(&jobs).await?;
        Job::CaseReminders.run(&jobs).await?;
        let to_maker = mails_to(&app, "supply@maker.demo.example").await?;
        assert_eq!(to_maker.len(), 1, "{}", backend.name());
        assert!(
            to_maker[0]
                .subject
                .contains("追加報告の提出期限を過ぎています")
        );
        let to_ministry = mails_to(&app, "supply-desk@ministry.demo.example").await?;
        assert_eq!(to_ministry.len(), 1);
        assert!(to_ministry[0].subject.contains("期限超過の事案 1件"));

        Job::OutboxDispatch.run(&jobs).await?;
        let supplywatch::mail::MailSettings::Memory(mailbox) = &jobs.settings.mail else {
            anyhow::bail!("tests use the memory mailer");
        };
        let sent = mailbox.messages();
        assert_eq!(sent.len(), 2);
        assert!(
            sent.iter()
                .any(|m| m.raw.contains("Content-Type: multipart/alternative"))
        );
    }
    Ok(())
}

#[tokio::test]
async fn makers_are_reminded_once_a_month_of_statuses_not_confirmed_this_month()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let jobs = app.jobs()?;
        Job::StaleStatusReminder.run(&jobs).await?;
        let first = outbox_message::Entity::find().count(&app.db).await?;
        assert!(first >= 3, "every maker with drugs: {first}");
        let to_maker = mails_to(&app, "supply@maker.demo.example").await?;
        assert_eq!(to_maker.len(), 1);
        assert!(
            to_maker[0]
                .subject
                .contains("今月の供給状況の確認をお願いします")
        );
        Job::StaleStatusReminder.run(&jobs).await?;
        assert_eq!(
            outbox_message::Entity::find().count(&app.db).await?,
            first,
            "{}",
            backend.name()
        );
    }
    Ok(())
}

#[tokio::test]
async fn expired_sessions_are_cleaned_up_and_live_ones_kept() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let jobs = app.jobs()?;
        app.token("maker@demo.example").await?;
        let now = chrono::Utc::now();
        for (id, expires) in [
            ("expired", now - chrono::Duration::hours(1)),
            ("live", now + chrono::Duration::hours(1)),
        ] {
            session::ActiveModel {
                id: Set(id.to_owned()),
                user_id: Set(1),
                csrf_token: Set("t".to_owned()),
                created_at: Set(now),
                expires_at: Set(expires),
            }
            .insert(&app.db)
            .await?;
        }
        let outcome = Job::CleanupSessions.run(&jobs).await?;
        assert!(outcome.contains("セッション 1件"), "{outcome}");
        let left: Vec<String> = session::Entity::find()
            .all(&app.db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(left, ["live"], "{}", backend.name());
    }
    Ok(())
}

//! The outbox against a real SMTP server: with the server down mail waits (attempts and the
//! error recorded) and after it returns every message is delivered exactly once; a message that
//! keeps failing is retried for 72 hours, then marked failed and can be resent; two server
//! instances on one database deliver each message once.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use supplywatch::db::entity::outbox_message;
use supplywatch::domain::outbox_status::OutboxStatus;
use supplywatch::jobs::Job;
use supplywatch::mail::MailContent;
use supplywatch::mail::content::Notice;
use supplywatch::services::outbox::{self, NewMessage};
use supplywatch_tests::smtp::{SmtpServer, job_context};
use supplywatch_tests::{TestApp, backends};

const CSV: &str = "product_code,shipping_status,reason,causing_product_code,resolution_outlook,resolution_month,volume_status\n\
2171022F5180,2,3,,,,B\n2171022F6128,5,8,,,,C\n6241013F2209,2,1,,,,B\n";

fn unique(values: Vec<String>) -> usize {
    let mut v = values;
    v.sort();
    v.dedup();
    v.len()
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_smtp_is_down_and_is_delivered_exactly_once_after()
-> anyhow::Result<()> {
    for backend in backends()? {
        let Some(mut smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        smtp.stop().await?;
        let maker = app.token("maker@demo.example").await?;
        let (status, body) = app
            .upload(
                "/api/v1/supply-status-reports/upload",
                &maker,
                "status.csv",
                CSV.as_bytes().to_vec(),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // Three worse products, each with two other makers of same-spec products; 東和薬品's
        // own レボフロキサシン is 供給停止, so it is not asked about 沢井's: five mails.
        let queued = outbox_message::Entity::find().all(&app.db).await?;
        assert_eq!(queued.len(), 5, "{}", backend.name());

        let now = Utc::now();
        let down = outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        assert_eq!((down.sent, down.retrying), (0, 5));
        for row in outbox_message::Entity::find().all(&app.db).await? {
            assert_eq!((row.status, row.attempts), (OutboxStatus::Pending, 1));
            assert!(row.last_error.is_some_and(|e| e.contains("SMTP")));
        }

        smtp.resume().await?;
        let early = outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        assert_eq!(early.sent, 0, "the retry waits for its back-off");
        let back = outbox::dispatch(&jobs.db, &jobs.mailer, now + Duration::seconds(31)).await?;
        assert_eq!(back.sent, 5);
        outbox::dispatch(&jobs.db, &jobs.mailer, now + Duration::minutes(5)).await?;
        let mails = smtp.messages().await?;
        assert_eq!(mails.len(), 5, "{}", backend.name());
        assert_eq!(
            unique(mails.iter().map(|m| m.message_id.clone()).collect()),
            5
        );
        assert_eq!(
            unique(
                mails
                    .iter()
                    .map(|m| format!("{} {}", m.to, m.subject))
                    .collect()
            ),
            5,
            "no recipient got the same heads-up twice"
        );
        for row in outbox_message::Entity::find().all(&app.db).await? {
            assert_eq!((row.status, row.attempts), (OutboxStatus::Sent, 2));
        }
    }
    Ok(())
}

fn notice(n: usize) -> NewMessage {
    NewMessage {
        idempotency_key: format!("test:{n}"),
        organization_id: None,
        recipient_name: format!("受信者 {n}"),
        recipient_email: format!("user{n}@example.test"),
        digest: false,
        content: MailContent::Notice(Notice {
            subject: format!("【SupplyWatch】テスト通知 {n}"),
            recipient_org: "テスト組織".into(),
            lead: "テストです。".into(),
            lines: vec![format!("{n} 行目")],
            link_path: "/".into(),
        }),
    }
}

#[tokio::test]
async fn a_message_that_keeps_failing_is_marked_failed_and_an_admin_resend_delivers_it()
-> anyhow::Result<()> {
    for backend in backends()? {
        let Some(mut smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        let mut now = Utc::now();
        let added = outbox::enqueue(&app.db, vec![notice(1), notice(1)], now).await?;
        assert_eq!(added, 1, "the same idempotency key is queued once");
        smtp.stop().await?;
        // Retried with a back-off of at most 30 minutes for 72 hours, then failed.
        let started = now;
        let mut last_pending = now;
        for _ in 0..1000 {
            outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
            let row = outbox_message::Entity::find()
                .one(&app.db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no row"))?;
            if row.status == OutboxStatus::Failed {
                break;
            }
            assert!(row.next_attempt_at - now <= Duration::minutes(30));
            last_pending = now;
            now = row.next_attempt_at;
        }
        let row = outbox_message::Entity::find()
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no row"))?;
        let last = (1..10_000)
            .find(|n| supplywatch::domain::alerts::retry_delay(*n).is_none())
            .unwrap_or_default();
        assert_eq!((row.status, row.attempts), (OutboxStatus::Failed, last));
        assert!(
            last_pending - started >= Duration::hours(71),
            "still retried after 71 h"
        );
        assert!(
            now - started >= Duration::hours(72),
            "failed only after 72 h"
        );
        outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;

        smtp.resume().await?;
        outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        assert!(smtp.messages().await?.is_empty(), "failed stays failed");
        outbox::resend(&app.db, row.id, now).await?;
        assert!(
            outbox::resend(&app.db, row.id, now).await.is_err(),
            "409 once pending"
        );
        outbox::dispatch(&jobs.db, &jobs.mailer, now).await?;
        assert_eq!(smtp.messages().await?.len(), 1, "{}", backend.name());
    }
    Ok(())
}

#[tokio::test]
async fn two_server_instances_on_one_database_deliver_each_message_once() -> anyhow::Result<()> {
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn_empty(&backend).await?;
        let one = job_context(app.database_url(), &smtp.url()).await?;
        let two = job_context(app.database_url(), &smtp.url()).await?;
        let now = Utc::now();
        outbox::enqueue(&app.db, (0..300).map(notice).collect(), now).await?;

        // Both dispatch at once (no lock): the row claims keep every message to one of them.
        let (a, b) = tokio::join!(
            outbox::dispatch(&one.db, &one.mailer, now),
            outbox::dispatch(&two.db, &two.mailer, now)
        );
        let (a, b) = (a?, b?);
        assert_eq!(a.sent + b.sent, 300, "{a:?} {b:?}");
        // The scheduled dispatcher runs on both instances at once: nothing goes twice either.
        let (x, y) = tokio::join!(
            Job::OutboxDispatch.run_exclusive(&one),
            Job::OutboxDispatch.run_exclusive(&two)
        );
        assert!(x?.is_some() && y?.is_some());
        let mails = smtp.messages().await?;
        assert_eq!(mails.len(), 300, "{}", backend.name());
        assert_eq!(unique(mails.iter().map(|m| m.to.clone()).collect()), 300);
    }
    Ok(())
}

//! The outbox across a crash and a stop, against a real SMTP server (aiosmtpd): kill -9 in the
//! middle of a dispatch, then a restart with a short claim lease, delivers every queued mail and
//! repeats at most the ones that were on the wire (one per SMTP connection); SIGTERM in the
//! middle of a dispatch waits for the mail on the wire and repeats none.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use supplywatch::mail::MailContent;
use supplywatch::mail::content::Notice;
use supplywatch::services::outbox::{self, NewMessage};
use support::{Server, Smtp};

const QUEUED: usize = 1500;

fn notice(n: usize) -> NewMessage {
    NewMessage {
        idempotency_key: format!("crash-test:{n}"),
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

async fn unsent(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) FROM outbox_messages WHERE status <> 'sent'",
        ))
        .await?
        .context("no count")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Starts a server over `dir`'s database sending to `smtp` with a 2 s claim lease.
async fn serve(dir: &std::path::Path, smtp: &Smtp) -> anyhow::Result<Server> {
    Server::start(
        dir,
        &[],
        &[
            ("SUPPLYWATCH_SMTP_URL", smtp.url()),
            ("SUPPLYWATCH_OUTBOX_STALE_CLAIM_SECONDS", "2".to_owned()),
        ],
    )
    .await
}

/// Queues [`QUEUED`] mails, starts a server, and `signal`s it once 20 have arrived; then
/// restarts it and waits until every mail is marked sent. Returns the Message-IDs received.
async fn interrupt_a_dispatch(signal: &str) -> anyhow::Result<Option<(Vec<String>, usize)>> {
    let dir = tempfile::tempdir()?;
    let Some(smtp) = Smtp::start(dir.path()).await? else {
        return Ok(None);
    };
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("data/supplywatch.db").display()
    );
    let db = supplywatch::db::connect(&url).await?;
    supplywatch::db::migrate(&db).await?;
    outbox::enqueue(&db, (0..QUEUED).map(notice).collect(), chrono::Utc::now()).await?;

    let mut first = serve(dir.path(), &smtp).await?;
    let mut arrived = 0;
    for _ in 0..1200 {
        arrived = smtp.message_ids().len();
        if arrived >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    first.signal(signal).await?;
    first
        .wait_exit(Duration::from_secs(30))
        .await
        .context("the server did not exit")?;
    if arrived < 20 {
        bail!("no mail arrived before the {signal}: {}", first.log_text());
    }
    let at_stop = smtp.message_ids().len();

    let mut second = serve(dir.path(), &smtp).await?;
    let mut left = unsent(&db).await?;
    for _ in 0..2400 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = unsent(&db).await?;
    }
    second.signal("TERM").await?;
    second.wait_exit(Duration::from_secs(30)).await;
    assert_eq!(
        left,
        0,
        "mail left unsent after the restart: {}",
        second.log_text()
    );
    let ids = smtp.message_ids();
    smtp.stop().await;
    Ok(Some((ids, at_stop)))
}

fn repeats(ids: &[String]) -> (usize, usize) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in ids {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    (seen.len(), seen.values().map(|n| n - 1).sum())
}

#[tokio::test]
async fn kill_9_mid_dispatch_then_a_restart_delivers_everything_repeating_only_mail_in_flight()
-> anyhow::Result<()> {
    let Some((ids, at_kill)) = interrupt_a_dispatch("KILL").await? else {
        return Ok(());
    };
    let (distinct, doubled) = repeats(&ids);
    assert_eq!(
        distinct, QUEUED,
        "every queued mail arrived ({at_kill} before the kill)"
    );
    assert!(
        doubled <= supplywatch::mail::SMTP_POOL_SIZE as usize,
        "{doubled} mails went twice; at most the {} in flight may",
        supplywatch::mail::SMTP_POOL_SIZE
    );
    assert!(
        ids.iter().all(|id| id.contains("@127.0.0.1>")),
        "{:?}",
        ids.first()
    );
    Ok(())
}

#[tokio::test]
async fn sigterm_mid_dispatch_waits_for_the_mail_in_flight_and_repeats_none() -> anyhow::Result<()>
{
    let Some((ids, at_stop)) = interrupt_a_dispatch("TERM").await? else {
        return Ok(());
    };
    let (distinct, doubled) = repeats(&ids);
    assert_eq!(
        distinct, QUEUED,
        "every queued mail arrived ({at_stop} before the stop)"
    );
    assert_eq!(doubled, 0, "a graceful stop repeats no mail");
    Ok(())
}

//! The heads-up to substitute makers, against a real SMTP server (aiosmtpd): exactly the other
//! makers' contacts get one mail each, in Japanese with a link to answer; the reporting maker gets
//! none; a report that is not worse sends nothing; a contact who chose the daily digest gets one
//! digest instead.

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use supplywatch::db::entity::{contact, organization};
use supplywatch::domain::contact::Delivery;
use supplywatch::jobs::Job;
use supplywatch_tests::smtp::{ReceivedMail, SmtpServer, job_context};
use supplywatch_tests::{TestApp, backends};

/// maker@'s drug; its same-spec group has products of 東和薬品 (maker2@) and 住友ファーマ.
const DRUG: &str = "2171022F5180";

fn address(to: &str) -> String {
    to.rsplit('<')
        .next()
        .unwrap_or(to)
        .trim_end_matches('>')
        .to_owned()
}

fn recipients(mails: &[ReceivedMail]) -> Vec<String> {
    let mut list: Vec<String> = mails.iter().map(|m| address(&m.to)).collect();
    list.sort();
    list
}

async fn report(
    app: &TestApp,
    token: &str,
    status: &str,
    volume: &str,
) -> anyhow::Result<serde_json::Value> {
    let reason = if status == "1" { None } else { Some("3") };
    let (code, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            token,
            &json!({"product_code": DRUG, "shipping_status": status, "reason": reason, "volume_status": volume}),
        )
        .await?;
    anyhow::ensure!(code == StatusCode::CREATED, "report gave {code}: {body}");
    Ok(body)
}

async fn add_contact(
    app: &TestApp,
    org_name: &str,
    email: &str,
    delivery: Delivery,
) -> anyhow::Result<()> {
    let org = organization::Entity::find()
        .filter(organization::Column::Name.eq(org_name))
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no organisation {org_name}"))?;
    contact::ActiveModel {
        organization_id: Set(org.id),
        name: Set("需給調整担当 小林".to_owned()),
        email: Set(email.to_owned()),
        delivery: Set(delivery),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_heads_up_reaches_every_contact_of_the_substitute_makers_once_and_never_the_reporting_maker()
-> anyhow::Result<()> {
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        add_contact(
            &app,
            "東和薬品",
            "supply-2@maker2.demo.example",
            Delivery::Immediate,
        )
        .await?;
        let maker = app.token("maker@demo.example").await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;

        report(&app, &maker, "2", "B").await?;
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let mails = smtp.messages().await?;
        assert_eq!(
            recipients(&mails),
            [
                "supply-2@maker2.demo.example",
                "supply@maker2.demo.example",
                "supply@maker4.demo.example"
            ],
            "{}",
            backend.name()
        );
        for mail in &mails {
            assert_eq!(mail.content_type, "multipart/alternative");
            assert!(
                mail.subject
                    .contains("同一規格品の供給状況が悪化しました：アムロジピン錠１０ｍｇ「サワイ」（沢井製薬）"),
                "{}",
                mail.subject
            );
            for body in [&mail.text, &mail.html] {
                assert!(body.contains(DRUG), "{body}");
                assert!(body.contains("通常出荷 → 限定出荷（自社の事情）"), "{body}");
                assert!(body.contains("https://supplywatch.test/my/substitute-requests/"));
            }
            assert!(!mail.to.contains("maker.demo.example") && !mail.to.contains("maker@"));
        }

        // The link opens the recipient's own request, and nobody else's.
        let request_of = |to: &str| -> String {
            mails
                .iter()
                .find(|m| address(&m.to) == to)
                .and_then(|m| m.text.split("/my/substitute-requests/").nth(1))
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default()
                .to_owned()
        };
        let (own, other) = (
            request_of("supply@maker2.demo.example"),
            request_of("supply@maker4.demo.example"),
        );
        let maker2 = app.token("maker2@demo.example").await?;
        let request = app
            .get_json(&format!("/api/v1/substitute-requests/{own}"), &maker2)
            .await?;
        assert_eq!(
            (
                request["product"]["code"].as_str(),
                request["kind"].as_str()
            ),
            (Some(DRUG), Some("heads_up"))
        );
        assert_eq!(request["organization_name"], "東和薬品");
        let response = app
            .get(&format!("/api/v1/substitute-requests/{other}"), &maker2)
            .await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        // Dispatching again, or a report that is not worse, sends nothing more.
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        report(&app, &maker, "3", "B").await?;
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        assert_eq!(smtp.messages().await?.len(), 3, "{}", backend.name());

        // A stoppage is worse again: one more mail per contact.
        report(&app, &maker, "5", "C").await?;
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let mails = smtp.messages().await?;
        assert_eq!(mails.len(), 6);
        assert!(
            mails
                .iter()
                .filter(|m| m.text.contains("限定出荷（他社品の影響） → 供給停止"))
                .count()
                == 3
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_contact_who_chose_the_daily_digest_gets_one_digest_instead_of_each_mail()
-> anyhow::Result<()> {
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        add_contact(
            &app,
            "東和薬品",
            "digest@maker2.demo.example",
            Delivery::DailyDigest,
        )
        .await?;
        let maker = app.token("maker@demo.example").await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        report(&app, &maker, "2", "B").await?;
        report(&app, &maker, "5", "C").await?;
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let immediate = smtp.messages().await?;
        assert!(
            !recipients(&immediate).contains(&"digest@maker2.demo.example".to_owned()),
            "held for the digest"
        );
        assert_eq!(immediate.len(), 4, "two reports × two immediate contacts");

        Job::DailyDigest.run_exclusive(&jobs).await?;
        Job::DailyDigest.run_exclusive(&jobs).await?;
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let mails = smtp.messages().await?;
        let digests: Vec<&ReceivedMail> = mails
            .iter()
            .filter(|m| m.to.contains("digest@maker2"))
            .collect();
        assert_eq!(digests.len(), 1, "{}", backend.name());
        assert_eq!(digests[0].subject, "【SupplyWatch】本日のお知らせ（2件）");
        assert_eq!(
            digests[0]
                .text
                .matches("https://supplywatch.test/my/substitute-requests/")
                .count(),
            2
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_maker_whose_own_same_spec_product_is_stopped_gets_no_heads_up() -> anyhow::Result<()> {
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        // 東和薬品 (maker2@) stops its own product of the group first.
        let maker2 = app.token("maker2@demo.example").await?;
        let (code, body) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker2,
                &json!({"product_code": "2171022F5075", "shipping_status": "5", "reason": "3", "volume_status": "C"}),
            )
            .await?;
        assert_eq!(code, StatusCode::CREATED, "{body}");
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let before = smtp.messages().await?.len();

        let maker = app.token("maker@demo.example").await?;
        report(&app, &maker, "2", "B").await?;
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let mails = smtp.messages().await?;
        let new = recipients(&mails[before..]);
        assert!(
            new.contains(&"supply@maker4.demo.example".to_owned()),
            "the maker still in normal supply is told: {new:?}"
        );
        assert!(
            new.iter().all(|to| !to.contains("maker2")),
            "a maker that cannot make up for the shortfall is not asked: {new:?}"
        );
    }
    Ok(())
}

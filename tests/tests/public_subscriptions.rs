//! Following a drug (issue 21), over a real SMTP server: the request mails only a confirmation
//! (double opt-in); its link starts the subscription; each change of ⑫–⑰ is mailed with a
//! one-click unsubscribe link and the RFC 8058 headers; one POST to that link ends it. The daily
//! digest of changes, the rate limits, and that no page or answer ever shows the address.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch::db::entity::outbox_message;
use supplywatch::jobs::{Job, JobContext};
use supplywatch_tests::smtp::{ReceivedMail, SmtpServer, job_context};
use supplywatch_tests::{Backend, TestApp, backends};

const DRUG: &str = "2171022F5180";
const MAIL_BASE: &str = "https://supplywatch.test";

async fn file(app: &TestApp, status: &str, volume: &str) -> anyhow::Result<()> {
    let maker = app.token("maker@demo.example").await?;
    let reason = if status == "1" { None } else { Some("3") };
    let (code, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            &maker,
            &json!({"product_code": DRUG, "shipping_status": status, "reason": reason, "volume_status": volume}),
        )
        .await?;
    anyhow::ensure!(code == StatusCode::CREATED, "report gave {code}: {body}");
    Ok(())
}

async fn subscribe(
    app: &TestApp,
    email: &str,
    delivery: Option<&str>,
) -> anyhow::Result<(StatusCode, String)> {
    let mut body = json!({"email": email, "product_code": DRUG});
    if let Some(d) = delivery {
        body["delivery"] = json!(d);
    }
    let response = app
        .client
        .post(app.url("/api/v1/public/subscriptions"))
        .json(&body)
        .send()
        .await?;
    Ok((response.status(), response.text().await?))
}

async fn to(
    smtp: &SmtpServer,
    jobs: &JobContext,
    address: &str,
) -> anyhow::Result<Vec<ReceivedMail>> {
    Job::OutboxDispatch.run_exclusive(jobs).await?;
    Ok(smtp
        .messages()
        .await?
        .into_iter()
        .filter(|m| m.to.contains(address))
        .collect())
}

/// The first link of `text` starting with `path`, pointed at the test server.
fn link(app: &TestApp, text: &str, path: &str) -> anyhow::Result<String> {
    let start = text
        .find(&format!("{MAIL_BASE}{path}"))
        .ok_or_else(|| anyhow::anyhow!("no {path} link in {text}"))?;
    let url: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '<' && *c != '>' && *c != '"')
        .collect();
    Ok(url.replacen(MAIL_BASE, &app.base_url, 1))
}

#[tokio::test]
async fn a_pharmacist_confirms_hears_of_each_change_and_leaves_with_one_click() -> anyhow::Result<()>
{
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        let (status, answer) = subscribe(&app, "Yakuzai@Example.jp", None).await?;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        assert!(
            !answer.to_lowercase().contains("yakuzai"),
            "the answer never repeats the address"
        );

        // Before the click only the confirmation is sent, whatever happens to the drug.
        file(&app, "2", "B").await?;
        let mails = to(&smtp, &jobs, "yakuzai@example.jp").await?;
        assert_eq!(mails.len(), 1, "only the confirmation ({})", backend.name());
        let confirmation = &mails[0];
        assert!(
            confirmation.subject.contains("登録確認"),
            "{}",
            confirmation.subject
        );
        assert!(
            confirmation
                .text
                .contains("アムロジピン錠１０ｍｇ「サワイ」")
        );
        assert!(
            confirmation.list_unsubscribe.is_empty(),
            "nothing to unsubscribe from yet"
        );

        let confirm = link(&app, &confirmation.text, "/public/subscriptions/confirm")?;
        let page = app.client.get(&confirm).send().await?;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await?;
        assert!(page.contains("登録が完了しました") && !page.to_lowercase().contains("yakuzai"));

        // A change of ⑫ is mailed, with the one-click link and its headers.
        file(&app, "5", "C").await?;
        let mails = to(&smtp, &jobs, "yakuzai@example.jp").await?;
        assert_eq!(mails.len(), 2, "{}", backend.name());
        let change = &mails[1];
        assert!(
            change.subject.contains("供給状況が変わりました"),
            "{}",
            change.subject
        );
        for body in [&change.text, &change.html] {
            assert!(
                body.contains("⑫ 限定出荷（自社の事情） → 供給停止"),
                "{body}"
            );
            assert!(body.contains("/public/subscriptions/unsubscribe?t="));
        }
        assert!(
            change
                .list_unsubscribe
                .starts_with(&format!("<{MAIL_BASE}/public/subscriptions/unsubscribe?t="))
                && change.list_unsubscribe.ends_with('>'),
            "{}",
            change.list_unsubscribe
        );
        assert_eq!(change.list_unsubscribe_post, "List-Unsubscribe=One-Click");

        // The same status again is no change: no mail.
        file(&app, "5", "C").await?;
        assert_eq!(to(&smtp, &jobs, "yakuzai@example.jp").await?.len(), 2);

        // One click, as a mail client does it (RFC 8058).
        let one_click =
            change
                .list_unsubscribe
                .trim_matches(['<', '>'])
                .replacen(MAIL_BASE, &app.base_url, 1);
        let left = app
            .client
            .post(&one_click)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await?;
        assert_eq!(left.status(), StatusCode::OK);
        let (_, after) = app.page(&one_click.replacen(&app.base_url, "", 1)).await?;
        assert!(after.contains("停止済み"), "the link now says it is over");
        file(&app, "1", "A").await?;
        assert_eq!(
            to(&smtp, &jobs, "yakuzai@example.jp").await?.len(),
            2,
            "no mail after leaving"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_daily_subscriber_gets_one_digest_with_its_own_unsubscribe_headers() -> anyhow::Result<()>
{
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        let (status, _) = subscribe(&app, "asa@example.jp", Some("daily_digest")).await?;
        assert_eq!(status, StatusCode::ACCEPTED);
        let mails = to(&smtp, &jobs, "asa@example.jp").await?;
        let confirm = link(&app, &mails[0].text, "/public/subscriptions/confirm")?;
        assert_eq!(
            app.client.get(&confirm).send().await?.status(),
            StatusCode::OK
        );
        file(&app, "2", "B").await?;
        file(&app, "5", "C").await?;
        assert_eq!(
            to(&smtp, &jobs, "asa@example.jp").await?.len(),
            1,
            "held for the morning"
        );
        Job::DailyDigest.run(&jobs).await?;
        let mails = to(&smtp, &jobs, "asa@example.jp").await?;
        assert_eq!(mails.len(), 2, "{}", backend.name());
        let digest = &mails[1];
        assert!(
            digest.subject.contains("本日の供給状況の変更（2件）"),
            "{}",
            digest.subject
        );
        assert!(digest.text.contains("→ 供給停止") && digest.text.contains("通常出荷 → 限定出荷"));
        assert_eq!(digest.list_unsubscribe_post, "List-Unsubscribe=One-Click");
        let one_click =
            digest
                .list_unsubscribe
                .trim_matches(['<', '>'])
                .replacen(MAIL_BASE, &app.base_url, 1);
        let left = app
            .client
            .post(&one_click)
            .body("List-Unsubscribe=One-Click")
            .send()
            .await?;
        assert_eq!(left.status(), StatusCode::OK);
        file(&app, "1", "A").await?;
        Job::DailyDigest.run(&jobs).await?;
        assert_eq!(to(&smtp, &jobs, "asa@example.jp").await?.len(), 2);
    }
    Ok(())
}

#[tokio::test]
async fn requests_are_limited_per_address_and_per_client_and_never_echo_the_address()
-> anyhow::Result<()> {
    for backend in backends()? {
        requests_are_limited_per_address_and_per_client_and_never_echo_the_address_on(backend)
            .await?;
    }
    Ok(())
}

async fn requests_are_limited_per_address_and_per_client_and_never_echo_the_address_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    for _ in 0..5 {
        assert_eq!(
            subscribe(&app, "same@example.jp", None).await?.0,
            StatusCode::ACCEPTED
        );
    }
    let response = app
        .client
        .post(app.url("/api/v1/public/subscriptions"))
        .json(&json!({"email": "same@example.jp", "product_code": DRUG}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    // The same client with other addresses: 30 requests an hour in all (6 so far).
    let mut refused_at = None;
    for n in 0..30 {
        let (status, _) = subscribe(&app, &format!("other{n}@example.jp"), None).await?;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused_at = Some(n);
            break;
        }
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    assert_eq!(
        refused_at,
        Some(25),
        "the 31st request of the client is refused"
    );

    let other = TestApp::spawn(&backend).await?;
    let (status, body) = subscribe(&other, "not an address", None).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!body.contains("not an address"), "{body}");
    let unknown = other
        .client
        .post(other.url("/api/v1/public/subscriptions"))
        .json(&json!({"email": "a@example.jp", "product_code": "9999999X9999"}))
        .send()
        .await?;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = unknown.json().await?;
    assert_eq!(problem["errors"][0]["field"], "product_code");
    let (status, _) = other
        .page("/public/subscriptions/unsubscribe?t=not-a-token")
        .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn the_page_form_subscribes_like_the_api() -> anyhow::Result<()> {
    for backend in backends()? {
        the_page_form_subscribes_like_the_api_on(backend).await?;
    }
    Ok(())
}

async fn the_page_form_subscribes_like_the_api_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let response = app
        .client
        .post(app.url(&format!("/public/products/{DRUG}/subscriptions")))
        .form(&[("email", "form@example.jp"), ("delivery", "immediate")])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await?;
    assert!(page.contains("確認メールを送りました") && !page.contains("form@example.jp"));
    let queued = <outbox_message::Entity as sea_orm::EntityTrait>::find()
        .all(&app.db)
        .await?
        .into_iter()
        .filter(|m| m.recipient_email == "form@example.jp")
        .count();
    assert_eq!(queued, 1);
    Ok(())
}

//! The substitute makers' pages in a real browser: a maker opens the heads-up from its list and
//! answers with stock and capacity; the ministry sees the answers of a case side by side with
//! the totals; the admin sees the outbox. On SQLite and PostgreSQL; screenshots land in
//! `target/screenshots/`.

use anyhow::Context;
use fantoccini::Locator;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use supplywatch::db::entity::{organization, substitute_request};
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, TestApp, backends};

async fn fill(browser: &Browser, name: &str, value: &str) -> anyhow::Result<()> {
    browser
        .client
        .find(Locator::Css(&format!("#answer-form [name={name}]")))
        .await?
        .send_keys(value)
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_substitute_maker_answers_a_heads_up_and_the_ministry_sees_the_totals()
-> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        a_substitute_maker_answers_a_heads_up_and_the_ministry_sees_the_totals_on(
            &browser, backend,
        )
        .await
        .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

#[expect(
    clippy::too_many_lines,
    reason = "one journey: the maker answers, the ministry reads"
)]
async fn a_substitute_maker_answers_a_heads_up_and_the_ministry_sees_the_totals_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let c = &browser.client;
    let maker = app.token("maker@demo.example").await?;
    let (status, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            &maker,
            &json!({"product_code": "2171022F5180", "shipping_status": "2", "reason": "3", "volume_status": "B"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{on}: {body}");
    let towa = organization::Entity::find()
        .filter(organization::Column::Name.eq("東和薬品"))
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no 東和薬品"))?;
    let request = substitute_request::Entity::find()
        .filter(substitute_request::Column::OrganizationId.eq(towa.id))
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no heads-up request"))?;

    browser.log_in(&app, "maker2@demo.example").await?;
    c.goto(&app.url("/my/substitute-requests")).await?;
    browser.wait_for("#requests").await?;
    browser
        .screenshot(&format!("substitute-requests-{on}"))
        .await?;
    c.find(Locator::Css("#requests tbody a"))
        .await?
        .click()
        .await?;
    browser.wait_for("#answer-form").await?;
    let page = c.source().await?;
    assert!(
        page.contains("アムロジピン錠１０ｍｇ「サワイ」"),
        "{on}: the short product is named"
    );
    assert!(
        page.contains("2171022F5075"),
        "{on}: and the maker's own substitute"
    );
    // Saying it can increase without how much is refused, naming the field.
    c.find(Locator::Css(
        "#answer-form input[name=can_increase][value=true]",
    ))
    .await?
    .click()
    .await?;
    c.find(Locator::Css("#answer-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser.wait_for(".field-error").await?;
    fill(browser, "stock_months", "2.5").await?;
    fill(browser, "production_change_percent", "10").await?;
    fill(browser, "increase_percent", "30").await?;
    fill(browser, "lead_time_months", "2").await?;
    fill(browser, "extra_units_per_month", "1200").await?;
    browser
        .screenshot(&format!("substitute-answer-form-{on}"))
        .await?;
    c.find(Locator::Css("#answer-form button[type=submit]"))
        .await?
        .click()
        .await?;
    browser
        .wait_for_text(
            ".alert-ok",
            "回答を受け付けました。ありがとうございました。",
        )
        .await?;
    let latest = c.find(Locator::Css("#latest-answer")).await?.text().await?;
    assert!(
        latest.contains("2.5か月") && latest.contains("+30%"),
        "{on}: {latest}"
    );
    browser
        .screenshot(&format!("substitute-answered-{on}"))
        .await?;

    // The ministry's case page: a device case whose substitute maker answers an information request.
    let ministry = app.token("ministry@demo.example").await?;
    let (status, filed) = app
        .post_json(
            "/api/v1/device-reports",
            &maker,
            &json!({"kind": "first", "product_code": "4569991000018", "event_type": "stockout"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{on}: {filed}");
    let case = filed["case_id"].as_i64().unwrap_or_default();
    let (status, sent) = app
        .post_json(
            &format!("/api/v1/cases/{case}/requests"),
            &ministry,
            &json!({"kind": "information"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{on}: {sent}");
    let id = sent["items"][0]["id"].as_i64().unwrap_or_default();
    let maker2 = app.token("maker2@demo.example").await?;
    let (status, _) = app
        .post_json(
            &format!("/api/v1/substitute-requests/{id}/responses"),
            &maker2,
            &json!({"stock_months": "3", "can_increase": true, "increase_percent": 15, "lead_time_months": 1, "extra_units_per_month": 400}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{on}");
    browser.log_in(&app, "ministry@demo.example").await?;
    c.goto(&app.url(&format!("/cases/{case}"))).await?;
    let totals = browser.wait_for("#answer-totals").await?.text().await?;
    c.execute(
        "document.getElementById('substitute-answers').scrollIntoView()",
        vec![],
    )
    .await?;
    assert!(
        totals.contains("1 / 1") && totals.contains("400"),
        "{on}: {totals}"
    );
    browser
        .screenshot(&format!("case-substitute-answers-{on}"))
        .await?;

    browser.log_in(&app, "admin@demo.example").await?;
    c.goto(&app.url("/admin/outbox")).await?;
    let outbox = browser.wait_for("#outbox").await?.text().await?;
    assert!(outbox.contains("送信待ち"), "{on}: {outbox}");
    browser.screenshot(&format!("admin-outbox-{on}")).await?;
    assert_eq!(request.kind.code(), "heads_up", "{on}");
    Ok(())
}

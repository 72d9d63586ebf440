//! A drug 供給不安報告 followed in a real browser, as each person would, on both databases: the
//! maker files it, the ministry requests a report (報告徴収), the maker answers with its follow-up,
//! the ministry decides and sends a 協力要請, a substitute maker answers in its form (two reasons
//! ticked at once), the association answers in its own form from its menu, and the ministry reads
//! the answers with per-maker months of stock; a maker whose own same-spec product stops is then
//! greyed out with the reason. Screenshots land in `target/screenshots/`.

use fantoccini::Locator;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{TestApp, backends};

/// maker@'s (沢井製薬) drug; 東和薬品 (maker2@) makes a same-spec product.
const DRUG: &str = "2171022F5180";
/// 東和薬品's same-spec product.
const TOWA_DRUG: &str = "2171022F5075";

async fn click(browser: &Browser, css: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.click().await?;
    Ok(())
}

async fn type_into(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.send_keys(text).await?;
    Ok(())
}

async fn scroll_to(browser: &Browser, id: &str) -> anyhow::Result<()> {
    browser
        .client
        .execute(
            &format!("document.getElementById('{id}').scrollIntoView()"),
            vec![],
        )
        .await?;
    Ok(())
}

/// The submit button of the case page's action form for `action`.
async fn submit_step(browser: &Browser, action: &str) -> anyhow::Result<()> {
    browser
        .wait_for(&format!("#actions form input[value={action}]"))
        .await?
        .find(Locator::XPath(".."))
        .await?
        .find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one journey through every step the law gives the ministry"
)]
async fn a_drug_shortage_is_followed_from_the_report_to_the_answers_in_a_browser()
-> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    let c = &browser.client;
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let shot = |name: &str| format!("drug-case-{}-{name}", backend.name());

        // The maker files its 供給不安報告.
        browser.log_in(&app, "maker@demo.example").await?;
        c.goto(&app.url("/my/supply-risk-reports/new")).await?;
        browser
            .wait_for("#supply-risk-form select[name=product_code]")
            .await?
            .select_by_value(DRUG)
            .await?;
        type_into(&browser, "#supply-risk-form [name=stock_months]", "1.5").await?;
        type_into(
            &browser,
            "#supply-risk-form [name=details]",
            "原薬の入荷遅延により出荷を調整中",
        )
        .await?;
        browser.screenshot(&shot("1-filing")).await?;
        click(&browser, "#supply-risk-form button[type=submit]").await?;
        browser.wait_for_text("#case-state", "報告受付").await?;
        let case_url = c.current_url().await?;

        // The ministry requests a report (報告徴収).
        browser.log_in(&app, "ministry@demo.example").await?;
        c.goto(case_url.as_str()).await?;
        type_into(
            &browser,
            "#request-report-form textarea[name=note]",
            "在庫と今後3か月の出荷見込みを報告してください",
        )
        .await?;
        click(&browser, "#request-report-form button[type=submit]").await?;
        browser
            .wait_for_text("#case-state", "報告徴収中（製造販売業者の報告待ち）")
            .await?;
        browser.screenshot(&shot("2-report-requested")).await?;

        // The maker answers with its follow-up from the case page.
        browser.log_in(&app, "maker@demo.example").await?;
        c.goto(case_url.as_str()).await?;
        click(&browser, "#follow-up a.button").await?;
        browser.wait_for("#follow-up-of").await?;
        type_into(&browser, "#supply-risk-form [name=stock_months]", "1.2").await?;
        click(&browser, "#supply-risk-form button[type=submit]").await?;
        browser
            .wait_for_text("#case-state", "追加報告受付（判断待ち）")
            .await?;

        // The ministry decides and sends a 協力要請 (no consent needed for a drug).
        browser.log_in(&app, "ministry@demo.example").await?;
        c.goto(case_url.as_str()).await?;
        submit_step(&browser, "decide").await?;
        browser.wait_for_text("#case-state", "対応必要").await?;
        type_into(
            &browser,
            "#cooperation-request-form input[name=message]",
            "増産についてご協力をお願いします",
        )
        .await?;
        click(&browser, "#cooperation-request-form button[type=submit]").await?;
        browser.wait_for("#answers-table").await?;
        let makers = browser.wait_for("#substitute-makers").await?.text().await?;
        assert!(makers.contains("東和薬品"), "{makers}");
        scroll_to(&browser, "substitute-answers").await?;
        browser.screenshot(&shot("3-cooperation-sent")).await?;

        // The substitute maker answers in its form: it cannot increase, for two reasons.
        browser.log_in(&app, "maker2@demo.example").await?;
        c.goto(&app.url("/my/substitute-requests")).await?;
        click(&browser, "#requests tbody tr:first-child a").await?;
        browser.wait_for("#answer-form").await?;
        let page = c.source().await?;
        assert!(page.contains("増産等の協力依頼"), "the request's kind");
        assert!(
            !page.contains("原薬の入荷遅延"),
            "the confidential report is never shown"
        );
        type_into(&browser, "#answer-form [name=stock_months]", "1.0").await?;
        click(
            &browser,
            "#answer-form input[name=can_increase][value=false]",
        )
        .await?;
        click(
            &browser,
            "#answer-form input[name=not_possible_reason][value=raw_materials]",
        )
        .await?;
        click(
            &browser,
            "#answer-form input[name=not_possible_reason][value=staff]",
        )
        .await?;
        scroll_to(&browser, "not-possible-reasons").await?;
        browser.screenshot(&shot("4-maker-answer-form")).await?;
        click(&browser, "#answer-form button[type=submit]").await?;
        let latest = browser.wait_for("#latest-answer").await?.text().await?;
        assert!(latest.contains("不可（原材料・人員）"), "{latest}");
        assert!(latest.contains("1.0か月"), "{latest}");

        // The association opens its requests from its menu and answers in its own form.
        browser.log_in(&app, "association@demo.example").await?;
        c.find(Locator::LinkText("協力依頼")).await?.click().await?;
        click(&browser, "#requests tbody tr:first-child a").await?;
        browser.wait_for("#association-answer-form").await?;
        assert!(
            c.find(Locator::Css("#association-answer-form [name=stock_months]"))
                .await
                .is_err(),
            "no maker's field on the association's form"
        );
        click(
            &browser,
            "#association-answer-form input[name=relayed_to_members][value=true]",
        )
        .await?;
        type_into(
            &browser,
            "#association-answer-form [name=members_reached]",
            "85",
        )
        .await?;
        type_into(
            &browser,
            "#association-answer-form [name=note]",
            "会員各社へ一斉メールで周知しました",
        )
        .await?;
        browser.screenshot(&shot("5-association-form")).await?;
        click(&browser, "#association-answer-form button[type=submit]").await?;
        let latest = browser.wait_for("#latest-answer").await?.text().await?;
        assert!(
            latest.contains("周知した") && latest.contains("85社"),
            "{latest}"
        );

        // The ministry reads the answers side by side.
        browser.log_in(&app, "ministry@demo.example").await?;
        c.goto(case_url.as_str()).await?;
        let totals = browser.wait_for("#answer-totals").await?.text().await?;
        assert!(
            totals.contains("東和薬品 1.0か月") && totals.contains("中央値 1.0か月"),
            "{totals}"
        );
        let relays = browser
            .wait_for("#association-answers")
            .await?
            .text()
            .await?;
        assert!(
            relays.contains("デモ医薬品供給協議会") && relays.contains("85社"),
            "{relays}"
        );
        scroll_to(&browser, "substitute-answers").await?;
        browser
            .screenshot(&shot("6-ministry-reads-answers"))
            .await?;

        // 東和's own same-spec product stops: it is greyed out with the reason, no longer asked.
        let towa = app.token("maker2@demo.example").await?;
        let (status, body) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &towa,
                &serde_json::json!({"product_code": TOWA_DRUG, "shipping_status": "5", "reason": "3", "volume_status": "D"}),
            )
            .await?;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
        c.goto(case_url.as_str()).await?;
        let left_out = browser
            .wait_for("#substitute-makers .excluded-recipient")
            .await?
            .text()
            .await?;
        assert_eq!(
            left_out,
            "東和薬品（依頼の対象外：自社の同一規格品が供給停止中）"
        );
        scroll_to(&browser, "substitute-answers").await?;
        browser.screenshot(&shot("7-maker-left-out")).await?;
    }
    browser.close().await
}

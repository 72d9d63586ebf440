//! Case pages an official can read: every report kind shown with its form's labels in the
//! form's order and no raw code (the codes of each field are listed here and none may show),
//! dates in Japan time with the Japanese era, 終結 only with a reason and a confirmation, and
//! nothing offered on a closed case.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch_tests::{Backend, TestApp, backends};

/// maker@'s device and IVD (GTIN), and its drug.
const DEVICE: &str = "4569991000018";
const IVD: &str = "4569991000025";
const DRUG: &str = "2171022F5180";

/// The coded fields of the forms and every code each may hold.
const CODES: &[(&str, &[&str])] = &[
    ("event_type", &["supply_risk", "stockout", "termination"]),
    ("clinical_impact", &["large", "possibly_large", "small"]),
    ("reason", &["1", "2", "3", "4", "5", "6", "7", "8"]),
    ("cause", &["1", "2", "3", "4", "5", "6", "7", "8"]),
    ("information_provided", &["true", "false"]),
    ("risk_resolved", &["true", "false"]),
];

fn complete(kind: &str, product: &str, event_type: &str) -> Value {
    json!({
        "kind": kind, "product_code": product, "event_type": event_type, "reason": "3", "reason_text": "滅菌工程の設備故障",
        "occurred_on": "2026-11", "clinical_impact": "possibly_large", "impact_basis": "取引先・学会への聞き取り",
        "recovery_month": "2027-04", "stock_months": "1.5",
        "shipments_last_12_months": "120,118,125,130,128,119,121,124,126,127,122,50",
        "alternatives": "デモ輸液セット スタンダード（東和薬品）", "information_provided": true,
        "information_provided_on": "2026-11-20", "information_content": "主要取引先に出荷調整を連絡"
    })
}

/// (field name, label, shown text) of every report field row on a case page.
fn report_rows(html: &str) -> Vec<(String, String, String)> {
    html.split("<tr data-field=\"")
        .skip(1)
        .filter_map(|row| {
            let (name, rest) = row.split_once('"')?;
            let label = rest.split_once("<th>")?.1.split_once("</th>")?.0;
            let text = rest.split_once("<td>")?.1.split_once("</td>")?.0;
            Some((name.to_owned(), label.to_owned(), text.to_owned()))
        })
        .collect()
}

/// The ministry's requests section of a case page, as htmx loads it.
async fn substitutes_partial(app: &TestApp, case: i64) -> anyhow::Result<String> {
    Ok(app
        .client
        .get(app.url(&format!("/cases/{case}/substitutes")))
        .header("HX-Request", "true")
        .send()
        .await?
        .text()
        .await?)
}

fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    html.split_once(marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_report_kind_reads_with_its_forms_labels_and_no_raw_code() -> anyhow::Result<()> {
    for backend in backends()? {
        every_report_kind_reads_with_its_forms_labels_and_no_raw_code_on(backend).await?;
    }
    Ok(())
}

async fn every_report_kind_reads_with_its_forms_labels_and_no_raw_code_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let ministry = app.token("ministry@demo.example").await?;
    let mut cases = Vec::new();
    let mut simplified = complete("simplified", IVD, "termination");
    if let Some(fields) = simplified.as_object_mut() {
        fields.remove("recovery_month");
    }
    for body in [complete("first", DEVICE, "stockout"), simplified.clone()] {
        let (status, filed) = app
            .post_json("/api/v1/device-reports", &maker, &body)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        cases.push(filed["case_id"].as_i64().unwrap_or_default());
    }
    let device_case = cases[0];
    let (status, body) = app
        .post_json(
            &format!("/api/v1/cases/{device_case}/transitions"),
            &ministry,
            &json!({"action": "judge_impact", "impact": "large"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    for body in [complete("additional", DEVICE, "stockout")] {
        let (status, filed) = app
            .post_json("/api/v1/device-reports", &maker, &body)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
    }
    let (status, filed) = app
        .post_json("/api/v1/termination-notices", &maker, &simplified)
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let (status, filed) = app
        .post_json(
            "/api/v1/supply-risk-reports",
            &maker,
            &json!({"product_code": DRUG, "market_share": "30", "stock_months": "1.5", "cause": "2",
                    "cause_date": "2026-10-15", "improvement_month": "2027-03", "risk_resolved": "false"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    cases.push(filed["case_id"].as_i64().unwrap_or_default());

    app.log_in_session("ministry@demo.example").await?;
    let mut seen = std::collections::BTreeSet::new();
    for case in &cases {
        let (status, html) = app.page(&format!("/cases/{case}")).await?;
        assert_eq!(status, StatusCode::OK);
        let rows = report_rows(&html);
        assert!(!rows.is_empty(), "case {case} shows its reports");
        for (name, label, text) in &rows {
            seen.insert(name.clone());
            assert_ne!(name, label, "{name} has the form's label");
            if let Some((_, codes)) = CODES.iter().find(|(field, _)| field == name) {
                assert!(
                    !codes.contains(&text.as_str()),
                    "case {case}: {label} shows the raw code {text}"
                );
            }
        }
        for raw in [
            "possibly_large",
            "stockout",
            "supply_risk",
            ">true<",
            ">false<",
        ] {
            assert!(!html.contains(raw), "case {case} shows {raw}");
        }
    }
    for (field, _) in CODES {
        assert!(
            seen.contains(*field),
            "{field} was shown somewhere: {seen:?}"
        );
    }
    // The device form's order: 事象区分, 原因, …, 臨床現場への影響, …, 在庫, …, 情報提供.
    let (_, html) = app.page(&format!("/cases/{device_case}")).await?;
    let labels: Vec<String> = report_rows(&html)
        .into_iter()
        .take_while(|(name, _, _)| name != "information_content")
        .map(|(_, label, _)| label)
        .collect();
    assert_eq!(
        labels.first().map(String::as_str),
        Some("事象区分"),
        "{labels:?}"
    );
    let at = |label: &str| labels.iter().position(|l| l == label);
    assert!(at("原因") < at("臨床現場への影響") && at("臨床現場への影響") < at("在庫（月数）"));
    assert!(
        html.contains("2026-11-20（令和8年11月20日）"),
        "和暦 beside ISO"
    );
    let (_, drug_page) = app.page(&format!("/cases/{}", cases[2])).await?;
    assert!(drug_page.contains("原材料調達上の問題") && drug_page.contains("30%"));
    Ok(())
}

#[tokio::test]
async fn the_case_list_dates_cases_in_japan_time_with_the_era() -> anyhow::Result<()> {
    for backend in backends()? {
        the_case_list_dates_cases_in_japan_time_with_the_era_on(backend).await?;
    }
    Ok(())
}

async fn the_case_list_dates_cases_in_japan_time_with_the_era_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    app.post_json(
        "/api/v1/supply-risk-reports",
        &maker,
        &json!({"product_code": DRUG}),
    )
    .await?;
    app.log_in_session("ministry@demo.example").await?;
    let (_, html) = app.page("/cases").await?;
    let today = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive();
    assert!(html.contains(&format!("{today}（令和")), "{html}");
    assert!(!html.contains(">D ") && html.contains("医薬品の供給不安"));
    Ok(())
}

#[tokio::test]
async fn closing_a_case_needs_a_reason_and_a_confirmation_and_then_nothing_can_be_sent()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let (_, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG}),
            )
            .await?;
        let case = filed["case_id"].as_i64().unwrap_or_default();
        let (status, body) = app
            .post_json(
                &format!("/api/v1/cases/{case}/transitions"),
                &ministry,
                &json!({"action": "resolve"}),
            )
            .await?;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("note")),
            "{body}"
        );

        app.log_in_session("ministry@demo.example").await?;
        let (_, html) = app.page(&format!("/cases/{case}")).await?;
        assert!(
            html.contains("name=\"confirm\""),
            "the form asks to confirm"
        );
        let token = csrf_token(&html);
        let steps = app.url(&format!("/cases/{case}/steps"));
        let unconfirmed = app
            .client
            .post(&steps)
            .form(&[
                ("csrf_token", token.as_str()),
                ("action", "resolve"),
                ("note", "供給回復"),
            ])
            .send()
            .await?;
        assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unconfirmed.text().await?.contains("確認のチェック"));
        let confirmed = app
            .client
            .post(&steps)
            .form(&[
                ("csrf_token", token.as_str()),
                ("action", "resolve"),
                ("note", "供給回復"),
                ("confirm", "yes"),
            ])
            .send()
            .await?;
        assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);

        let (_, closed) = app.page(&format!("/cases/{case}")).await?;
        assert!(!closed.contains("id=\"actions\""), "no step is offered");
        let partial = substitutes_partial(&app, case).await?;
        assert!(
            partial.contains("送れません：終結した事案です"),
            "{partial} on {}",
            backend.name()
        );
        assert_eq!(partial.matches("disabled aria-disabled").count(), 2);
        let (status, _) = app
            .post_json(
                &format!("/api/v1/cases/{case}/requests"),
                &ministry,
                &json!({"kind": "information"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CONFLICT);
    }
    Ok(())
}

#[tokio::test]
async fn a_device_cooperation_request_is_greyed_out_until_the_reporter_consents()
-> anyhow::Result<()> {
    for backend in backends()? {
        a_device_cooperation_request_is_greyed_out_until_the_reporter_consents_on(backend).await?;
    }
    Ok(())
}

async fn a_device_cooperation_request_is_greyed_out_until_the_reporter_consents_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let ministry = app.token("ministry@demo.example").await?;
    let (_, filed) = app
        .post_json(
            "/api/v1/device-reports",
            &maker,
            &complete("first", DEVICE, "stockout"),
        )
        .await?;
    let case = filed["case_id"].as_i64().unwrap_or_default();
    let path = format!("/api/v1/cases/{case}/transitions");
    app.post_json(
        &path,
        &ministry,
        &json!({"action": "judge_impact", "impact": "large"}),
    )
    .await?;
    app.post_json(
        "/api/v1/device-reports",
        &maker,
        &complete("additional", DEVICE, "stockout"),
    )
    .await?;
    let (status, body) = app
        .post_json(
            &path,
            &ministry,
            &json!({"action": "decide", "decision": "response_needed"}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["requests"][1]["refused_because"], "報告者の同意待ち");
    app.log_in_session("ministry@demo.example").await?;
    let partial = substitutes_partial(&app, case).await?;
    assert!(
        partial.contains("送れません：報告者の同意待ち"),
        "{partial}"
    );
    assert_eq!(partial.matches("disabled aria-disabled").count(), 1);
    Ok(())
}

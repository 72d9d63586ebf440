//! Confidential reports and the ministry's cases over the API: every step of flows A and B,
//! required fields per report kind, 409 and 403 for steps that do not fit, and no leak.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch_tests::{Backend, TestApp, backends};

/// maker@'s device and IVD (GTIN), and its drug.
const DEVICE: &str = "4569991000018";
const IVD: &str = "4569991000025";
const DRUG: &str = "2171022F5180";

/// Every field of 様式10-2 filled in.
fn complete(kind: &str, event_type: &str) -> Value {
    json!({
        "kind": kind, "product_code": DEVICE, "event_type": event_type, "reason": "3", "reason_text": "滅菌工程の設備故障",
        "occurred_on": "2026-11", "clinical_impact": "large", "impact_basis": "取引先・学会への聞き取り",
        "recovery_month": "2027-04", "stock_months": "1.5",
        "shipments_last_12_months": "120,118,125,130,128,119,121,124,126,127,122,50",
        "alternatives": "デモ輸液セット スタンダード（東和薬品）", "information_provided": true,
        "information_provided_on": "2026-11-20", "information_content": "主要取引先に出荷調整を連絡"
    })
}

async fn step(
    app: &TestApp,
    token: &str,
    case: i64,
    body: Value,
) -> anyhow::Result<(StatusCode, Value)> {
    app.post_json(&format!("/api/v1/cases/{case}/transitions"), token, &body)
        .await
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one journey through flow B, step by step"
)]
async fn a_device_maker_goes_from_a_first_report_to_the_end_of_supply() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        // 第一報 with blanks: only the event type.
        let (status, filed) = app
            .post_json(
                "/api/v1/device-reports",
                &maker,
                &json!({"kind": "first", "product_code": DEVICE, "event_type": "termination"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        let case = filed["case_id"].as_i64().unwrap_or_default();
        assert!(
            filed["receipt_number"]
                .as_str()
                .is_some_and(|r| r.starts_with('R'))
        );
        let opened = app
            .get_json(&format!("/api/v1/cases/{case}"), &ministry)
            .await?;
        assert_eq!(
            (opened["flow"].as_str(), opened["state"].as_str()),
            (Some("B"), Some("reported"))
        );
        assert!(
            opened["allowed_actions"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("judge_impact")))
        );

        let (status, _) = step(
            &app,
            &ministry,
            case,
            json!({"action": "judge_impact", "impact": "large"}),
        )
        .await?;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app
            .post_json(
                "/api/v1/device-reports",
                &maker,
                &complete("additional", "termination"),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = step(&app, &ministry, case, json!({"action": "decide", "decision": "response_needed", "note": "学会と協議のうえ決定"})).await?;
        assert_eq!(
            (status, body["state"].as_str()),
            (StatusCode::OK, Some("response_needed"))
        );
        let (_, body) = step(&app, &maker, case, json!({"action": "consent"})).await?;
        assert_eq!(body["consented"], true);
        let (status, body) = step(&app, &maker, case, json!({"action": "announce"})).await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "announcing needs what was told: {body}"
        );
        let (status, body) = step(
            &app,
            &maker,
            case,
            json!({"action": "announce", "note": "2027年3月末で販売終了、代替品を案内"}),
        )
        .await?;
        assert_eq!(
            (status, body["state"].as_str()),
            (StatusCode::OK, Some("announced"))
        );
        let mut notice = complete("", "termination");
        if let Some(o) = notice.as_object_mut() {
            o.remove("kind");
            o.remove("recovery_month");
        }
        let (status, body) = app
            .post_json("/api/v1/termination-notices", &maker, &notice)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let done = app
            .get_json(&format!("/api/v1/cases/{case}"), &ministry)
            .await?;
        assert_eq!(
            done["state"],
            "terminated",
            "{} on {}",
            done,
            backend.name()
        );
        let transitions = done["transitions"].as_array().cloned().unwrap_or_default();
        let events: Vec<&str> = transitions
            .iter()
            .filter_map(|t| t["event"].as_str())
            .collect();
        assert_eq!(
            events,
            [
                "first",
                "judge_impact",
                "additional",
                "decide",
                "consent",
                "announce",
                "termination_notice"
            ]
        );
        assert_eq!(transitions[3]["user"], "厚労 花子");
        assert_eq!(transitions[3]["note"], "学会と協議のうえ決定");
        assert_eq!(done["reports"].as_array().map(Vec::len), Some(3));
        // A closed case takes nothing more.
        let (status, body) = step(&app, &ministry, case, json!({"action": "resolve"})).await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    }
    Ok(())
}

#[tokio::test]
async fn a_small_termination_ends_with_the_simplified_report_and_the_notice() -> anyhow::Result<()>
{
    for backend in backends()? {
        a_small_termination_ends_with_the_simplified_report_and_the_notice_on(backend).await?;
    }
    Ok(())
}

async fn a_small_termination_ends_with_the_simplified_report_and_the_notice_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let mut simplified = complete("simplified", "termination");
    if let Some(o) = simplified.as_object_mut() {
        o.remove("recovery_month");
        o.insert("product_code".into(), json!(IVD));
        o.insert("clinical_impact".into(), json!("small"));
    }
    let (status, filed) = app
        .post_json("/api/v1/device-reports", &maker, &simplified)
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    if let Some(o) = simplified.as_object_mut() {
        o.remove("kind");
    }
    let (status, body) = app
        .post_json("/api/v1/termination-notices", &maker, &simplified)
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let case = app
        .get_json(&format!("/api/v1/cases/{}", filed["case_id"]), &maker)
        .await?;
    assert_eq!(case["state"], "terminated");
    Ok(())
}

#[tokio::test]
async fn an_additional_report_with_blank_fields_is_refused_naming_each_one() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        app.post_json(
            "/api/v1/device-reports",
            &maker,
            &json!({"kind": "first", "product_code": DEVICE, "event_type": "stockout"}),
        )
        .await?;
        let mut partial = complete("additional", "stockout");
        for field in ["stock_months", "alternatives", "information_content"] {
            if let Some(o) = partial.as_object_mut() {
                o.remove(field);
            }
        }
        let (status, body) = app
            .post_json("/api/v1/device-reports", &maker, &partial)
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let mut fields: Vec<&str> = body["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        fields.sort_unstable();
        assert_eq!(
            fields,
            ["alternatives", "information_content", "stock_months"],
            "{} on {}",
            body,
            backend.name()
        );
        // A complete 追加報告 without a 第一報 opens its own case (seed 004 ※3).
        let mut orphan = complete("additional", "stockout");
        if let Some(o) = orphan.as_object_mut() {
            o.insert("product_code".into(), json!(IVD));
        }
        let (status, body) = app
            .post_json("/api/v1/device-reports", &maker, &orphan)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    Ok(())
}

#[tokio::test]
async fn steps_that_do_not_fit_are_409_naming_the_state_and_others_steps_403() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let (_, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "stock_months": "2", "cause": "3"}),
            )
            .await?;
        let case = filed["case_id"].as_i64().unwrap_or_default();
        // A drug case has no impact judgement: the ministry requests a report or decides.
        let (status, body) = step(
            &app,
            &ministry,
            case,
            json!({"action": "judge_impact", "impact": "large"}),
        )
        .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("報告受付") && detail.contains("報告徴収（request_report）"),
            "{detail}"
        );
        let (status, _) = step(
            &app,
            &maker,
            case,
            json!({"action": "judge_impact", "impact": "small"}),
        )
        .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "the maker does not judge");
        let (status, _) = step(&app, &ministry, case, json!({"action": "consent"})).await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the ministry does not consent for the maker"
        );
        let (status, body) = step(&app, &ministry, case, json!({"action": "judge_impact"})).await?;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("impact"))
        );
        // An update of the supply-risk report joins the same case; the ministry may close it.
        let (_, update) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "risk_resolved": "true"}),
            )
            .await?;
        assert_eq!(
            update["case_id"].as_i64(),
            Some(case),
            "{} on {}",
            update,
            backend.name()
        );
        let (status, body) = step(
            &app,
            &ministry,
            case,
            json!({"action": "resolve", "note": "供給不安は解消"}),
        )
        .await?;
        assert_eq!(
            (status, body["state"].as_str()),
            (StatusCode::OK, Some("resolved"))
        );
    }
    Ok(())
}

#[tokio::test]
async fn confidential_reports_and_cases_never_leak() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let (_, filed) = app.post_json("/api/v1/supply-risk-reports", &maker, &json!({"product_code": DRUG, "details": "原薬メーカーの査察で出荷保留", "market_share": "30"})).await?;
        let case = filed["case_id"].as_i64().unwrap_or_default();
        let receipt = filed["receipt_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let path = format!("/api/v1/cases/{case}");
        for outsider in [
            "maker2@demo.example",
            "wholesaler@demo.example",
            "association@demo.example",
        ] {
            let token = app.token(outsider).await?;
            assert_eq!(
                app.get(&path, &token).await?.status(),
                StatusCode::NOT_FOUND,
                "{outsider} on {}",
                backend.name()
            );
            let list = app.get("/api/v1/cases", &token).await?;
            let text = list.text().await?;
            assert!(
                !text.contains(&receipt) && !text.contains(DRUG),
                "{outsider} sees the case in the list: {text}"
            );
            let risk = app
                .get("/api/v1/supply-risk-reports", &token)
                .await?
                .text()
                .await?;
            assert!(
                !risk.contains(&receipt) && !risk.contains("原薬メーカー"),
                "{outsider}: {risk}"
            );
            let (status, _) = step(&app, &token, case, json!({"action": "resolve"})).await?;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{outsider} cannot act on it either"
            );
        }
        assert_eq!(
            app.client.get(app.url(&path)).send().await?.status(),
            StatusCode::UNAUTHORIZED
        );
        for public in [
            "/api/v1/public/supply-status?format=csv",
            "/api/v1/public/supply-status",
            "/public?q=2171022F5180",
            "/public/products/2171022F5180",
        ] {
            let text = app.client.get(app.url(public)).send().await?.text().await?;
            assert!(
                !text.contains("原薬メーカー") && !text.contains(&receipt),
                "{public} leaks the confidential report"
            );
        }
        // The reporting maker and the ministry see it.
        assert_eq!(
            app.get_json(&path, &maker).await?["reports"][0]["fields"]["market_share"],
            "30"
        );
        let all = app
            .get_json(
                "/api/v1/supply-risk-reports",
                &app.token("ministry@demo.example").await?,
            )
            .await?;
        assert!(
            all["items"]
                .as_array()
                .is_some_and(|i| i.iter().any(|r| r["receipt_number"] == receipt.as_str()))
        );
        // An association sees a case once asked to support it.
        let associations = supplywatch::services::accounts::organizations_of_kind(
            &app.db,
            supplywatch::domain::OrganizationKind::Association,
        )
        .await?;
        let association_id = associations
            .first()
            .map(|a| a.id)
            .ok_or_else(|| anyhow::anyhow!("no association"))?;
        supplywatch::services::cases::add_supporter(
            &app.db,
            i32::try_from(case)?,
            association_id,
            chrono::Utc::now(),
        )
        .await?;
        let association = app.token("association@demo.example").await?;
        assert_eq!(app.get(&path, &association).await?.status(), StatusCode::OK);
    }
    Ok(())
}

#[tokio::test]
async fn a_first_report_left_without_additional_report_is_flagged_overdue() -> anyhow::Result<()> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use supplywatch::db::entity::case;
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let first = json!({"kind": "first", "product_code": DEVICE, "event_type": "stockout"});
        let (_, filed) = app
            .post_json("/api/v1/device-reports", &maker, &first)
            .await?;
        let id = i32::try_from(filed["case_id"].as_i64().unwrap_or_default())?;
        let fresh = app
            .get_json("/api/v1/cases?state=reported", &ministry)
            .await?;
        assert_eq!(fresh["items"][0]["overdue"], false);
        // Fifteen days pass without a 追加報告 (the limit is 14).
        let fifteen_days_ago = chrono::Utc::now() - chrono::Duration::days(15);
        case::Entity::update_many()
            .col_expr(case::Column::StateEnteredAt, Expr::value(fifteen_days_ago))
            .col_expr(case::Column::OpenedAt, Expr::value(fifteen_days_ago))
            .filter(case::Column::Id.eq(id))
            .exec(&app.db)
            .await?;
        let late = app
            .get_json("/api/v1/cases?flow=A&kind=device", &ministry)
            .await?;
        assert_eq!(
            (
                late["items"][0]["overdue"].as_bool(),
                late["items"][0]["days_in_state"].as_i64()
            ),
            (Some(true), Some(15)),
            "{} on {}",
            late,
            backend.name()
        );
        let none = app.get_json("/api/v1/cases?kind=drug", &ministry).await?;
        assert_eq!(
            none["items"].as_array().map(Vec::len),
            Some(0),
            "filtered by product kind"
        );
        let bad = app.get("/api/v1/cases?state=sleeping", &ministry).await?;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    Ok(())
}

#[tokio::test]
async fn each_report_kind_requires_the_fields_of_its_column() -> anyhow::Result<()> {
    for backend in backends()? {
        each_report_kind_requires_the_fields_of_its_column_on(backend).await?;
    }
    Ok(())
}

async fn each_report_kind_requires_the_fields_of_its_column_on(
    backend: Backend,
) -> anyhow::Result<()> {
    use supplywatch::domain::device_report::{DeviceReportKind, FIELDS, Requirement};
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    for kind in DeviceReportKind::ALL.iter().copied() {
        let (path, body) = if kind == DeviceReportKind::TerminationNotice {
            (
                "/api/v1/termination-notices",
                json!({"product_code": IVD, "event_type": "termination"}),
            )
        } else {
            (
                "/api/v1/device-reports",
                json!({"kind": kind.code(), "product_code": IVD, "event_type": "termination"}),
            )
        };
        let (status, answer) = app.post_json(path, &maker, &body).await?;
        let mut missing: Vec<&str> = answer["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        missing.sort_unstable();
        let mut required: Vec<&str> = FIELDS
            .iter()
            .filter(|f| {
                f.name != "event_type"
                    && !f.only_if_information_provided
                    && f.requirement(kind) == Requirement::Required
            })
            .map(|f| f.name)
            .collect();
        required.sort_unstable();
        if required.is_empty() {
            assert_eq!(status, StatusCode::CREATED, "{}: {answer}", kind.code());
        } else {
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {answer}",
                kind.code()
            );
            assert_eq!(missing, required, "{}", kind.code());
        }
    }
    Ok(())
}

#[tokio::test]
async fn an_additional_report_may_open_a_case_and_a_response_decision_asks_the_maker_by_mail()
-> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use supplywatch::db::entity::outbox_message;
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        // Seed 004 ※3: a 追加報告 without a prior 第一報.
        let (status, filed) = app
            .post_json(
                "/api/v1/device-reports",
                &maker,
                &complete("additional", "stockout"),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        let case = filed["case_id"].as_i64().unwrap_or_default();
        let opened = app
            .get_json(&format!("/api/v1/cases/{case}"), &ministry)
            .await?;
        assert_eq!(
            (opened["flow"].as_str(), opened["state"].as_str()),
            (Some("A"), Some("additional_reported")),
            "{opened}"
        );
        let (status, body) = step(
            &app,
            &ministry,
            case,
            json!({"action": "decide", "decision": "response_needed", "note": "代替品の確保策を検討してください"}),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mails = outbox_message::Entity::find()
            .filter(outbox_message::Column::RecipientEmail.eq("supply@maker.demo.example"))
            .all(&app.db)
            .await?;
        assert_eq!(mails.len(), 1, "{}", backend.name());
        assert!(
            mails[0].subject.contains("対応の検討依頼"),
            "{}",
            mails[0].subject
        );
        let content: supplywatch::mail::MailContent = serde_json::from_str(&mails[0].payload)?;
        let text = content.render("http://test")?.text;
        assert!(
            text.contains("代替品の確保策を検討してください") && text.contains("同意"),
            "{text}"
        );
        app.log_in_session("maker@demo.example").await?;
        let (_, home) = app.page("/").await?;
        assert!(
            home.contains("対応の検討依頼"),
            "a task on the maker's home"
        );
    }
    Ok(())
}

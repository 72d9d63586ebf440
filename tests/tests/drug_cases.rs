//! A drug 供給不安報告 followed through the steps the 2025 law gives the ministry, over the API on
//! both databases: 報告徴収 (a mail and a task for the maker), the maker's follow-up with
//! `case_id`, the decision, 協力要請 to other makers and wholesalers without the reporting maker's
//! consent (never revealing the report), their answers, and reminders that follow the drug flow.

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use supplywatch::db::entity::{case, outbox_message};
use supplywatch::jobs::Job;
use supplywatch::mail::MailContent;
use supplywatch_tests::{TestApp, backends};

/// maker@'s drug; 東和薬品 (maker2@) makes a same-spec product (2171022F5075).
const DRUG: &str = "2171022F5180";
/// Text only the confidential report holds.
const SECRET: &str = "原薬工場の査察で出荷保留（社外秘）";

async fn mails_to(app: &TestApp, email: &str) -> anyhow::Result<Vec<outbox_message::Model>> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::RecipientEmail.eq(email))
        .all(&app.db)
        .await?)
}

/// The plain-text body of a queued mail.
fn text_of(mail: &outbox_message::Model) -> anyhow::Result<String> {
    let content: MailContent = serde_json::from_str(&mail.payload)?;
    Ok(content.render("http://test")?.text)
}

/// Today in Japan (UTC+9, no summer time).
fn tokyo_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
}

async fn step(
    app: &TestApp,
    token: &str,
    case: i64,
    body: &Value,
) -> anyhow::Result<(StatusCode, Value)> {
    app.post_json(&format!("/api/v1/cases/{case}/transitions"), token, body)
        .await
}

async fn org_id(app: &TestApp, token: &str) -> anyhow::Result<i64> {
    let me = app.get_json("/api/v1/me", token).await?;
    Ok(me["organization"]["id"].as_i64().unwrap_or_default())
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one drug case from the report to its close, step by step"
)]
async fn a_drug_report_goes_through_report_request_decision_and_cooperation_without_consent()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let wholesaler_id = org_id(&app, &wholesaler).await?;

        // The maker's own 供給状況報告 of the drug, to be linked on the case.
        let (status, status_report) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker,
                &json!({"product_code": DRUG, "shipping_status": "2", "reason": "2", "volume_status": "B"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{status_report}");

        let (status, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "cause": "2", "details": SECRET, "stock_months": "1.5"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        let case = filed["case_id"].as_i64().unwrap_or_default();
        let opened = app
            .get_json(&format!("/api/v1/cases/{case}"), &ministry)
            .await?;
        assert_eq!(
            (opened["flow"].as_str(), opened["state"].as_str()),
            (Some("D"), Some("reported")),
            "{opened}"
        );
        assert!(
            opened["waits_for"]
                .as_str()
                .is_some_and(|w| w.contains("報告徴収")),
            "{opened}"
        );
        assert_eq!(
            opened["allowed_actions"],
            json!(["request_report", "decide", "resolve"])
        );
        assert_eq!(
            opened["status_reports"][0]["receipt_number"], status_report["receipt_number"],
            "the maker's own 供給状況報告 is linked"
        );
        let requests = format!("/api/v1/cases/{case}/requests");
        let (status, body) = app
            .post_json(&requests, &ministry, &json!({"kind": "cooperation"}))
            .await?;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "協力要請 comes after the decision: {body}"
        );

        // 報告徴収: a due day in the past is refused; a good one mails the maker.
        let (status, body) = step(
            &app,
            &ministry,
            case,
            &json!({"action": "request_report", "due_on": tokyo_today().to_string()}),
        )
        .await?;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("due_on")),
            "{body}"
        );
        let due = tokyo_today() + chrono::Duration::days(7);
        let (status, body) = step(
            &app,
            &ministry,
            case,
            &json!({"action": "request_report", "due_on": due.to_string(), "note": "在庫と今後3か月の出荷見込みを報告してください"}),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "report_requested");
        assert_eq!(body["report_due_on"], due.to_string());
        let asked = mails_to(&app, "supply@maker.demo.example").await?;
        assert_eq!(asked.len(), 1, "{}", backend.name());
        assert!(
            asked[0].subject.contains("報告徴収"),
            "{}",
            asked[0].subject
        );
        let text = text_of(&asked[0])?;
        assert!(text.contains("在庫と今後3か月の出荷見込み"), "{text}");
        assert!(text.contains(&due.to_string()), "{text}");
        assert!(text.contains(&format!("/cases/{case}")), "{text}");
        let mine = app.get_json("/api/v1/cases", &maker).await?;
        assert_eq!(
            mine["items"][0]["state_label"],
            "報告徴収中（製造販売業者の報告待ち）"
        );

        // The follow-up names the case; another drug's case or an unknown one is refused.
        let (status, body) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "case_id": 999_999, "cause": "2"}),
            )
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, body) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "case_id": case, "cause": "2", "stock_months": "1.2", "shipments": "通常の7割"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["case_id"].as_i64(), Some(case));
        let (status, body) = step(
            &app,
            &ministry,
            case,
            &json!({"action": "decide", "decision": "response_needed"}),
        )
        .await?;
        assert_eq!(
            (status, body["state"].as_str()),
            (StatusCode::OK, Some("response_needed")),
            "{body}"
        );
        assert_eq!(body["consented"], false);
        assert_eq!(
            body["requests"],
            json!([{"kind": "information", "refused_because": null}, {"kind": "cooperation", "refused_because": null}])
        );

        // 協力要請 without consent, to the other maker and a wholesaler.
        let (status, sent) = app
            .post_json(
                &requests,
                &ministry,
                &json!({"kind": "cooperation", "organization_ids": [], "wholesaler_ids": [wholesaler_id],
                        "message": "増産と適正な流通についてご協力をお願いします"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        let items = sent["items"].as_array().cloned().unwrap_or_default();
        let names: Vec<&str> = items
            .iter()
            .filter_map(|i| i["organization_name"].as_str())
            .collect();
        assert_eq!(
            items.len(),
            4,
            "three makers of same-spec products and one wholesaler: {sent}"
        );
        assert!(
            names.contains(&"東和薬品") && names.contains(&"デモ北日本薬品卸"),
            "{names:?}"
        );
        // (maker2@ also had the heads-up of the status report above.)
        let cooperation = |mails: Vec<outbox_message::Model>| -> Vec<outbox_message::Model> {
            mails
                .into_iter()
                .filter(|m| m.kind == supplywatch::domain::mail_kind::MailKind::CooperationRequest)
                .collect()
        };
        let to_maker2 = cooperation(mails_to(&app, "supply@maker2.demo.example").await?);
        let to_wholesaler =
            cooperation(mails_to(&app, "allocation@wholesaler.demo.example").await?);
        assert_eq!((to_maker2.len(), to_wholesaler.len()), (1, 1));
        for mail in to_maker2.iter().chain(&to_wholesaler) {
            let text = text_of(mail)?;
            assert!(
                text.contains("医薬品医療機器等法に基づく協力要請"),
                "{text}"
            );
            assert!(!text.contains("同意を得て"), "{text}");
            assert!(text.contains(DRUG), "{text}");
            assert!(
                !text.contains(SECRET) && !mail.payload.contains(SECRET),
                "the report stays confidential"
            );
        }
        assert!(text_of(&to_wholesaler[0])?.contains("流通"));

        // The recipients answer; the ministry sees both.
        for (token, answer) in [
            (
                &maker2,
                json!({"stock_months": 2.5, "can_increase": true, "increase_percent": 20, "lead_time_months": 2, "extra_units_per_month": 800}),
            ),
            (
                &wholesaler,
                json!({"stock_units": 240, "shipped_last_month": 300, "shipment_limited": true, "remarks": "卸在庫の範囲で分配します"}),
            ),
        ] {
            let listed = app.get_json("/api/v1/substitute-requests", token).await?;
            let id = listed["items"][0]["id"].as_i64().unwrap_or_default();
            assert_eq!(listed["items"][0]["kind"], "cooperation", "{listed}");
            let (status, body) = app
                .post_json(
                    &format!("/api/v1/substitute-requests/{id}/responses"),
                    token,
                    &answer,
                )
                .await?;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let side = app.get_json(&requests, &ministry).await?;
        assert_eq!(side["totals"]["answered"], 2, "{side}");
        let (status, body) = app
            .post_json(&requests, &ministry, &json!({"kind": "information"}))
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // Closed: nothing more can be sent or filed on it.
        let (status, _) = step(
            &app,
            &ministry,
            case,
            &json!({"action": "resolve", "note": "代替品の増産で供給が回復"}),
        )
        .await?;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app
            .post_json(&requests, &ministry, &json!({"kind": "information"}))
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "case_id": case}),
            )
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    }
    Ok(())
}

#[tokio::test]
async fn a_drug_case_reminds_only_of_the_report_the_ministry_asked_for() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let jobs = app.jobs()?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let (_, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG}),
            )
            .await?;
        let id = i32::try_from(filed["case_id"].as_i64().unwrap_or_default())?;
        let found = case::Entity::find_by_id(id)
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no case"))?;
        let mut old: case::ActiveModel = found.into();
        old.state_entered_at = Set(chrono::Utc::now() - chrono::Duration::days(40));
        old.update(&app.db).await?;
        Job::CaseReminders.run(&jobs).await?;
        assert!(
            mails_to(&app, "supply@maker.demo.example")
                .await?
                .is_empty(),
            "a drug has no 追加報告 to be late with ({})",
            backend.name()
        );

        let due = tokyo_today() + chrono::Duration::days(3);
        let (status, body) = step(
            &app,
            &ministry,
            i64::from(id),
            &json!({"action": "request_report", "due_on": due.to_string()}),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        Job::CaseReminders.run(&jobs).await?;
        let before_due = mails_to(&app, "supply@maker.demo.example").await?;
        assert_eq!(before_due.len(), 1, "only the 報告徴収 itself");

        let found = case::Entity::find_by_id(id)
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no case"))?;
        let mut late: case::ActiveModel = found.into();
        late.report_due_on = Set(Some(tokyo_today() - chrono::Duration::days(1)));
        late.update(&app.db).await?;
        Job::CaseReminders.run(&jobs).await?;
        Job::CaseReminders.run(&jobs).await?;
        let mails = mails_to(&app, "supply@maker.demo.example").await?;
        assert_eq!(mails.len(), 2, "one reminder, once a day");
        let reminder = mails
            .iter()
            .find(|m| m.subject.contains("報告徴収の報告期限を過ぎています"))
            .ok_or_else(|| anyhow::anyhow!("no reminder among {mails:?}"))?;
        let text = text_of(reminder)?;
        assert!(text.contains("報告期限の"), "{text}");
        assert!(
            mails.iter().all(|m| !m.subject.contains("追加報告")),
            "never the device flow's 追加報告 mail"
        );
        let listed = app.get_json("/api/v1/cases", &ministry).await?;
        assert_eq!(listed["items"][0]["overdue"], true);
    }
    Ok(())
}

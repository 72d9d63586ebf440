//! The ministry's requests to substitute makers on a case and their answers, over the API and a
//! real SMTP server: an information request needs no consent and reveals only the product; a
//! cooperation request is 409 until the reporting maker consented, then reaches the makers and
//! the association (which may then see the case); answers add up side by side.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch::jobs::Job;
use supplywatch_tests::smtp::{SmtpServer, job_context};
use supplywatch_tests::{TestApp, backends};

/// maker@'s device; 東和薬品 (maker2@) makes its declared substitute.
const DEVICE: &str = "4569991000018";
/// Text only the confidential report holds.
const SECRET: &str = "滅菌工程の設備故障（社外秘）";

fn report(kind: &str) -> Value {
    json!({
        "kind": kind, "product_code": DEVICE, "event_type": "supply_risk", "reason": "3", "reason_text": SECRET,
        "occurred_on": "2026-11", "clinical_impact": "large", "impact_basis": "取引先・学会への聞き取り",
        "recovery_month": "2027-04", "stock_months": "1.5",
        "shipments_last_12_months": "120,118,125,130,128,119,121,124,126,127,122,50",
        "alternatives": "デモ輸液セット スタンダード（東和薬品）", "information_provided": true,
        "information_provided_on": "2026-11-20", "information_content": "主要取引先に出荷調整を連絡"
    })
}

async fn open_case(app: &TestApp, maker: &str, ministry: &str) -> anyhow::Result<i64> {
    let (status, filed) = app
        .post_json("/api/v1/device-reports", maker, &report("first"))
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "first report: {filed}");
    let case = filed["case_id"].as_i64().unwrap_or_default();
    let step = |body: Value| {
        let path = format!("/api/v1/cases/{case}/transitions");
        async move { app.post_json(&path, ministry, &body).await }
    };
    step(json!({"action": "judge_impact", "impact": "large"})).await?;
    let (status, body) = app
        .post_json("/api/v1/device-reports", maker, &report("additional"))
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "additional report: {body}");
    let (status, body) = step(json!({"action": "decide", "decision": "response_needed"})).await?;
    anyhow::ensure!(status == StatusCode::OK, "decide: {body}");
    Ok(case)
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one case from request to totals")]
async fn a_cooperation_request_waits_for_consent_and_the_answers_add_up_side_by_side()
-> anyhow::Result<()> {
    for backend in backends()? {
        let Some(smtp) = SmtpServer::start().await? else {
            return Ok(());
        };
        let app = TestApp::spawn(&backend).await?;
        let jobs = job_context(app.database_url(), &smtp.url()).await?;
        let maker = app.token("maker@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let association = app.token("association@demo.example").await?;
        let case = open_case(&app, &maker, &ministry).await?;
        let path = format!("/api/v1/cases/{case}/requests");

        let (status, body) = app
            .post_json(&path, &ministry, &json!({"kind": "cooperation"}))
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["detail"].as_str().is_some_and(|d| d.contains("同意")));
        let (status, _) = app
            .post_json(&path, &maker, &json!({"kind": "information"}))
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the ministry asks");

        let (status, sent) = app
            .post_json(
                &path,
                &ministry,
                &json!({"kind": "information", "message": "今月末時点の在庫をご回答ください"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        let items = sent["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "one substitute maker: {sent}");
        assert_eq!(items[0]["organization_name"], "東和薬品");
        let info_id = items[0]["id"].as_i64().unwrap_or_default();

        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        // (The reporting maker also had the ministry's 対応の検討依頼.)
        let mails: Vec<_> = smtp
            .messages()
            .await?
            .into_iter()
            .filter(|m| !m.to.contains("supply@maker.demo.example"))
            .collect();
        assert_eq!(mails.len(), 1, "{}", backend.name());
        assert!(mails[0].to.contains("supply@maker2.demo.example"));
        assert!(mails[0].subject.contains("在庫・生産状況のご報告のお願い"));
        assert!(mails[0].text.contains(DEVICE));
        assert!(mails[0].text.contains("今月末時点の在庫をご回答ください"));
        assert!(
            mails[0]
                .text
                .contains(&format!("/my/substitute-requests/{info_id}"))
        );
        assert!(
            !mails[0].text.contains(SECRET) && !mails[0].html.contains(SECRET),
            "the confidential report is never revealed"
        );

        let (status, body) = app
            .post_json(
                &format!("/api/v1/cases/{case}/transitions"),
                &maker,
                &json!({"action": "consent"}),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let orgs = app.get_json("/api/v1/me", &association).await?;
        let association_id = orgs["organization"]["id"].as_i64().unwrap_or_default();
        assert_eq!(
            app.get(&format!("/api/v1/cases/{case}"), &association)
                .await?
                .status(),
            StatusCode::NOT_FOUND,
            "not yet asked to support"
        );
        let (status, sent) = app
            .post_json(
                &path,
                &ministry,
                &json!({"kind": "cooperation", "association_ids": [association_id]}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(sent["items"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            app.get(&format!("/api/v1/cases/{case}"), &association)
                .await?
                .status(),
            StatusCode::OK,
            "a supporting association sees the case"
        );
        Job::OutboxDispatch.run_exclusive(&jobs).await?;
        let mails: Vec<_> = smtp
            .messages()
            .await?
            .into_iter()
            .filter(|m| !m.to.contains("supply@maker.demo.example"))
            .collect();
        assert_eq!(mails.len(), 3);
        assert!(
            mails
                .iter()
                .any(|m| m.to.contains("office@association.demo.example")
                    && m.subject.contains("増産等のご協力のお願い"))
        );

        let answer = format!("/api/v1/substitute-requests/{info_id}/responses");
        let (status, body) = app
            .post_json(&answer, &maker2, &json!({"can_increase": true}))
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = app
            .post_json(
                &answer,
                &maker,
                &json!({"can_increase": false, "not_possible_reason": "staff"}),
            )
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "another maker's request");
        let (status, body) = app
            .post_json(
                &answer,
                &maker2,
                &json!({"stock_months": 2.5, "production_change_percent": 10, "can_increase": true,
                        "increase_percent": 30, "lead_time_months": 2, "extra_units_per_month": 1200}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["response"]["stock_months"], "2.5");

        let side = app.get_json(&path, &ministry).await?;
        assert_eq!(side["items"].as_array().map(Vec::len), Some(3));
        let totals = &side["totals"];
        assert_eq!(
            [
                &totals["asked"],
                &totals["answered"],
                &totals["can_increase"],
                &totals["extra_units_per_month"],
                &totals["shortest_lead_time_months"],
                &totals["stock_months_min"],
                &totals["stock_months_median"],
                &totals["stock_months_by_maker"][0]["stock_months"],
            ],
            [
                &json!(2),
                &json!(1),
                &json!(1),
                &json!(1200),
                &json!("2.0"),
                &json!("2.5"),
                &json!("2.5"),
                &json!("2.5"),
            ],
            "{totals}"
        );
        assert_eq!(
            app.get(&path, &maker).await?.status(),
            StatusCode::FORBIDDEN,
            "the reporting maker does not see its competitors' answers"
        );
    }
    Ok(())
}

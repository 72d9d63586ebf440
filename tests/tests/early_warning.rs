//! Early warning end to end, on SQLite and PostgreSQL: the dispensing-data import (refused files
//! change nothing), a group's signals with their inputs, the knock-on forecast to the unit, its
//! stored runs with the subscription mail, and information requests carrying the forecast's
//! figure without revealing the confidential report.

use std::fmt::Write as _;

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use supplywatch::db::entity::outbox_message;
use supplywatch_tests::{TestApp, backends};

/// アムロジピン錠10mg「サワイ」 (maker@).
const STOPPING: &str = "2171022F5180";
/// アムロジピン錠10mg「トーワ」 (maker2@), same group.
const SUBSTITUTE: &str = "2171022F5075";
/// Text only the confidential report holds.
const SECRET: &str = "原薬工場の火災（社外秘）";

/// `YYYY-MM` of the month `back` months before this one.
fn month_back(back: u32) -> String {
    let d = Utc::now()
        .date_naive()
        .checked_sub_months(Months::new(back))
        .unwrap_or(NaiveDate::MIN);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Actual shipments of the last three months: `stopping` and `substitute` packages a month.
async fn ship(app: &TestApp, stopping: u64, substitute: u64) -> anyhow::Result<()> {
    for (email, code, quantity) in [
        ("maker@demo.example", STOPPING, stopping),
        ("maker2@demo.example", SUBSTITUTE, substitute),
    ] {
        let token = app.token(email).await?;
        let csv: String = std::iter::once("product_code,month,kind,quantity\n".to_owned())
            .chain((1..=3).map(|b| format!("{code},{},actual,{quantity}\n", month_back(b))))
            .collect();
        let (status, body) = app
            .upload(
                "/api/v1/shipments/upload",
                &token,
                "s.csv",
                csv.into_bytes(),
            )
            .await?;
        anyhow::ensure!(status == StatusCode::CREATED, "shipments: {body}");
    }
    Ok(())
}

async fn report_status(app: &TestApp, shipping: &str, volume: &str) -> anyhow::Result<()> {
    let maker = app.token("maker@demo.example").await?;
    let reason = if shipping == "1" {
        Value::Null
    } else {
        json!("3")
    };
    let (status, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            &maker,
            &json!({"product_code": STOPPING, "shipping_status": shipping, "reason": reason, "volume_status": volume}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "status report: {body}");
    Ok(())
}

fn outlook<'a>(signals: &'a Value, code: &str) -> &'a Value {
    signals["outlooks"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["code"] == code))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn a_stopped_product_sends_its_volume_to_the_substitute_which_is_named_short_next()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        ship(&app, 1_000, 3_000).await?;
        let path = format!("/api/v1/products/{SUBSTITUTE}/signals");
        let calm = app.get_json(&path, &ministry).await?;
        assert_eq!(calm["lost_units"], 0, "{calm}");
        assert_eq!(outlook(&calm, SUBSTITUTE)["likely_next"], false);

        report_status(&app, "5", "C").await?;
        let signals = app.get_json(&path, &ministry).await?;
        assert_eq!(signals["group_code"], "2171022F5");
        assert_eq!(signals["lost_units"], 1_000, "{signals}");
        // Only the substitute has shipments among the members in normal supply.
        assert_eq!(signals["remaining_shipments"], 3_000);
        let sub = outlook(&signals, SUBSTITUTE);
        assert_eq!(sub["monthly_shipments"], 3_000);
        assert_eq!(sub["extra_demand"], 1_000);
        assert_eq!(sub["expected_demand"], 4_000);
        assert_eq!(sub["capacity"], 3_300);
        assert_eq!(sub["capacity_source"], "assumed");
        assert_eq!(sub["shortfall"], 700);
        assert_eq!(sub["short_from_weeks"], 4);
        assert_eq!(sub["likely_next"], true);
        let members = signals["members"].as_array().cloned().unwrap_or_default();
        let stopping = members.iter().find(|m| m["code"] == STOPPING);
        let stopping = stopping.unwrap_or(&Value::Null);
        assert_eq!(stopping["loss_permille"], 1_000);
        assert_eq!(stopping["share_permille"], 250);
        assert_eq!(
            stopping["shipment_months"].as_array().map(Vec::len),
            Some(3)
        );

        let (status, run) = app
            .post_json("/api/v1/forecasts/runs", &ministry, &json!({}))
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{run}");
        // This one and the demo's two levofloxacin products (their neighbour stopped).
        assert_eq!(run["likely_next"], 3, "{run}");
        let list = app
            .get_json("/api/v1/forecasts/likely-next", &ministry)
            .await?;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = items.iter().filter_map(|i| i["code"].as_str()).collect();
        // Largest shortfall first: 700, then the demo's 360 and 180.
        assert_eq!(
            codes,
            [SUBSTITUTE, "6241013F2020", "6241013F2209"],
            "{list}"
        );
        assert_eq!(items[0]["source_code"], STOPPING);
        assert_eq!(items[0]["shortfall"], 700);
        assert_eq!(items[0]["confidential"], false);
    }
    Ok(())
}

#[tokio::test]
async fn only_the_ministry_sees_signals_and_forecasts() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        for email in ["maker@demo.example", "wholesaler@demo.example"] {
            let token = app.token(email).await?;
            for path in [
                format!("/api/v1/products/{SUBSTITUTE}/signals"),
                "/api/v1/forecasts/likely-next".to_owned(),
            ] {
                let status = app.get(&path, &token).await?.status();
                assert_eq!(status, StatusCode::FORBIDDEN, "{email} {path}");
            }
            let (status, _) = app
                .post_json("/api/v1/forecasts/runs", &token, &json!({}))
                .await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
            let (status, _) = app
                .upload(
                    "/api/v1/dispensing/upload",
                    &token,
                    "d.csv",
                    format!("product_code,week,quantity\n{SUBSTITUTE},2026-W01,5\n").into_bytes(),
                )
                .await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        }
        let status = app
            .client
            .get(app.url("/api/v1/forecasts/likely-next"))
            .send()
            .await?
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

/// Mondays `weeks` weeks before the Monday of this week.
fn monday_back(weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let monday = today
        .checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_monday())))
        .unwrap_or(today);
    monday
        .checked_sub_days(Days::new(7 * weeks))
        .unwrap_or(NaiveDate::MIN)
}

#[tokio::test]
async fn dispensing_counts_give_the_trend_against_the_same_weeks_a_year_earlier()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        ship(&app, 1_000, 3_000).await?;
        // Four recent weeks of 300 (one as an ISO week name, one as a Wednesday), the same
        // four weeks a year earlier at 250: trend 1,200 ÷ 1,000 = 120.0%.
        let mut csv = String::from("product_code,week,quantity\n");
        for k in 0..4 {
            let recent = monday_back(k);
            let written = match k {
                0 => {
                    let iso = recent.iso_week();
                    format!("{}-W{:02}", iso.year(), iso.week())
                }
                1 => recent
                    .checked_add_days(Days::new(2))
                    .unwrap_or(recent)
                    .to_string(),
                _ => recent.to_string(),
            };
            writeln!(csv, "{SUBSTITUTE},{written},300")?;
            writeln!(csv, "{SUBSTITUTE},{},250", monday_back(k + 52))?;
        }
        let (status, body) = app
            .upload(
                "/api/v1/dispensing/upload",
                &ministry,
                "d.csv",
                csv.into_bytes(),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["rows"], 8);
        let signals = app
            .get_json(&format!("/api/v1/products/{SUBSTITUTE}/signals"), &ministry)
            .await?;
        let members = signals["members"].as_array().cloned().unwrap_or_default();
        let sub = members.iter().find(|m| m["code"] == SUBSTITUTE);
        let sub = sub.unwrap_or(&Value::Null);
        assert_eq!(sub["demand_recent"], 1_200, "{sub}");
        assert_eq!(sub["demand_year_before"], 1_000);
        assert_eq!(sub["demand_trend_permille"], 1_200);
        // 3,000 shipped a month against 1,200 × 52 ÷ (4 × 12) = 1,300 dispensed: 230.7%.
        assert_eq!(sub["supply_cover_permille"], 2_307);
    }
    Ok(())
}

#[tokio::test]
async fn a_dispensing_file_with_errors_is_refused_whole_naming_rows_and_columns()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let week = monday_back(0).to_string();
        let csv = format!(
            "product_code,week,quantity\n{SUBSTITUTE},{week},10\n9999999X9999,{week},1\n{SUBSTITUTE},next week,5\n{SUBSTITUTE},{week},-3\n{SUBSTITUTE},{week},7\n"
        );
        let (status, body) = app
            .upload(
                "/api/v1/dispensing/upload",
                &ministry,
                "d.csv",
                csv.into_bytes(),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        let found: Vec<(i64, String)> = errors
            .iter()
            .map(|e| {
                (
                    e["row"].as_i64().unwrap_or_default(),
                    e["field"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        for expected in [
            (3, "product_code"),
            (4, "week"),
            (5, "quantity"),
            (6, "week"),
        ] {
            assert!(
                found.contains(&(expected.0, expected.1.to_owned())),
                "{expected:?} missing in {found:?}"
            );
        }
        let signals = app
            .get_json(&format!("/api/v1/products/{SUBSTITUTE}/signals"), &ministry)
            .await?;
        let members = signals["members"].as_array().cloned().unwrap_or_default();
        assert!(
            members.iter().all(|m| m["demand_recent"].is_null()),
            "nothing was stored: {signals}"
        );

        // The same data as Shift_JIS with Japanese headings is accepted.
        let text = format!("製品コード,週,調剤数量\n{SUBSTITUTE},{week},\"1,200\"\n");
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (status, body) = app
            .upload(
                "/api/v1/dispensing/upload",
                &ministry,
                "sjis.csv",
                bytes.into_owned(),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let signals = app
            .get_json(&format!("/api/v1/products/{SUBSTITUTE}/signals"), &ministry)
            .await?;
        let members = signals["members"].as_array().cloned().unwrap_or_default();
        let sub = members.iter().find(|m| m["code"] == SUBSTITUTE);
        assert_eq!(sub.map(|m| m["demand_recent"].clone()), Some(json!(1_200)));
    }
    Ok(())
}

#[tokio::test]
async fn a_confidential_risk_drives_the_forecast_and_the_request_carries_only_the_figure()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let maker = app.token("maker@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        ship(&app, 1_000, 3_000).await?;
        let (status, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": STOPPING, "details": SECRET, "market_share": "25"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        let case = filed["case_id"].as_i64().unwrap_or_default();
        // An open 供給不安報告 counts as losing 30%: 300 packages go to the substitute.
        let signals = app
            .get_json(&format!("/api/v1/products/{SUBSTITUTE}/signals"), &ministry)
            .await?;
        assert_eq!(signals["lost_units"], 300, "{signals}");
        assert_eq!(outlook(&signals, SUBSTITUTE)["shortfall"], 0);
        // With a stop on top it loses everything; the forecast row is marked as public.
        report_status(&app, "5", "C").await?;
        let (status, sent) = app
            .post_json(
                &format!("/api/v1/cases/{case}/forecast-requests"),
                &ministry,
                &json!({}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        let items = sent["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "{sent}");
        let message = items[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("1000 包装の追加需要"), "{message}");
        assert!(
            !message.contains(SECRET) && !message.contains("供給不安"),
            "{message}"
        );

        // maker2 answers with 800 extra packages a month: the shortfall shrinks to 200.
        let request = items[0]["id"].as_i64().unwrap_or_default();
        let (status, answer) = app
            .post_json(
                &format!("/api/v1/substitute-requests/{request}/responses"),
                &maker2,
                &json!({"stock_months": 0, "can_increase": true, "increase_percent": 20,
                        "lead_time_months": 1, "extra_units_per_month": 800}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let signals = app
            .get_json(&format!("/api/v1/products/{SUBSTITUTE}/signals"), &ministry)
            .await?;
        let sub = outlook(&signals, SUBSTITUTE);
        assert_eq!(sub["capacity"], 3_800, "{signals}");
        assert_eq!(sub["capacity_source"], "declared_units");
        assert_eq!(sub["shortfall"], 200);
        // No stock declared as 0 months: the shortfall bites at once.
        assert_eq!(sub["short_from_weeks"], 0);
    }
    Ok(())
}

#[tokio::test]
async fn subscribers_are_mailed_when_the_likely_next_list_changes() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        ship(&app, 1_000, 3_000).await?;
        let response = app
            .client
            .put(app.url("/api/v1/forecasts/subscription"))
            .bearer_auth(&ministry)
            .json(&json!({"subscribed": true}))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let mails = || async {
            anyhow::Ok(
                outbox_message::Entity::find()
                    .filter(outbox_message::Column::RecipientEmail.eq("ministry@demo.example"))
                    .filter(outbox_message::Column::Subject.contains("次に不足しそう"))
                    .all(&app.db)
                    .await?,
            )
        };
        report_status(&app, "5", "C").await?;
        let jobs = app.jobs()?;
        let outcome = supplywatch::jobs::Job::KnockOnForecast.run(&jobs).await?;
        assert!(outcome.contains("追加 1"), "{outcome}");
        let first = mails().await?;
        assert_eq!(first.len(), 1);
        assert!(
            first[0].payload.contains(SUBSTITUTE),
            "{}",
            first[0].payload
        );
        // The same list again: no new mail.
        supplywatch::jobs::Job::KnockOnForecast.run(&jobs).await?;
        assert_eq!(mails().await?.len(), 1);
        // Supply restored: the substitute leaves the list, one more mail says so.
        report_status(&app, "1", "A").await?;
        let outcome = supplywatch::jobs::Job::KnockOnForecast.run(&jobs).await?;
        assert!(outcome.contains("解除 1"), "{outcome}");
        let all = mails().await?;
        assert_eq!(all.len(), 2);
        assert!(all.iter().any(|m| m.payload.contains("見込みから外れた")));
    }
    Ok(())
}

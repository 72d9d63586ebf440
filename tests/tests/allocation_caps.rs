//! Allocation caps end to end: makers' shipments and wholesalers' purchase history in, the
//! ministry's plan, each wholesaler's caps out — exact to the unit, on SQLite and PostgreSQL.

use std::fmt::Write as _;

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch_tests::{TestApp, backends};

/// アムロジピン錠10mg「サワイ」 (maker@) and its same-spec group.
const PRODUCT: &str = "2171022F5180";
const GROUP: &str = "2171022F5";
/// アムロジピン錠10mg「トーワ」 (maker2@), same group.
const OTHER_MAKERS_PRODUCT: &str = "2171022F5075";

async fn upload_csv(
    app: &TestApp,
    path: &str,
    token: &str,
    csv: &str,
) -> anyhow::Result<(StatusCode, Value)> {
    app.upload(path, token, "data.csv", csv.as_bytes().to_vec())
        .await
}

/// Shipments of `PRODUCT`: `baseline` actual in 2018-05, `planned` in 2018-06.
async fn ship(app: &TestApp, baseline: u64, planned: u64) -> anyhow::Result<()> {
    let maker = app.token("maker@demo.example").await?;
    let csv = format!(
        "product_code,month,kind,quantity\n{PRODUCT},2018-05,actual,{baseline}\n{PRODUCT},2018-06,planned,{planned}\n"
    );
    let (status, body) = upload_csv(app, "/api/v1/shipments/upload", &maker, &csv).await?;
    anyhow::ensure!(
        status == StatusCode::CREATED,
        "shipments gave {status}: {body}"
    );
    Ok(())
}

async fn history(
    app: &TestApp,
    wholesaler: &str,
    rows: &[(&str, &str, u64)],
) -> anyhow::Result<Value> {
    let token = app.token(wholesaler).await?;
    let mut csv = String::from("customer_code,customer_name,product_code,month,quantity\n");
    for (code, name, quantity) in rows {
        let _ = writeln!(csv, "{code},\"{name}\",{PRODUCT},2018-05,{quantity}");
    }
    let (status, body) = upload_csv(app, "/api/v1/purchase-history/upload", &token, &csv).await?;
    anyhow::ensure!(
        status == StatusCode::CREATED,
        "purchase history gave {status}: {body}"
    );
    Ok(body)
}

/// A plan of `PRODUCT` for 2018-06; a later one supersedes the earlier (plans do not overlap).
async fn plan(app: &TestApp, reserve: u8) -> anyhow::Result<Value> {
    let ministry = app.token("ministry@demo.example").await?;
    let listed = app.get_json("/api/v1/allocation-plans", &ministry).await?;
    let active = listed["items"].as_array().and_then(|items| {
        items
            .iter()
            .find(|p| p["target_month"] == "2018-06" && p["superseded_by"].is_null())
            .map(|p| p["id"].clone())
    });
    let body = json!({"name": "アムロジピンOD5mg 2018年6月", "product_codes": [PRODUCT],
        "target_month": "2018-06", "baseline_month": "2018-05", "reserve_percent": reserve,
        "supersedes": active});
    let (status, plan) = app
        .post_json("/api/v1/allocation-plans", &ministry, &body)
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "plan gave {status}: {plan}");
    Ok(plan)
}

async fn caps_csv(
    app: &TestApp,
    plan_id: &Value,
    token: &str,
    extra: &str,
) -> anyhow::Result<Vec<u8>> {
    let response = app
        .get(
            &format!("/api/v1/allocation-plans/{plan_id}/caps?format=csv{extra}"),
            token,
        )
        .await?;
    anyhow::ensure!(
        response.status() == StatusCode::OK,
        "caps gave {}",
        response.status()
    );
    Ok(response.bytes().await?.to_vec())
}

fn caps_of(items: &Value) -> Vec<(String, u64)> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            (
                i["customer_code"].as_str().unwrap_or_default().to_owned(),
                i["cap"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_worked_example_gives_7_7_1_0_with_every_figure_a_customer_needs_to_check_it()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 1000, 730).await?;
        let uploaded = history(
            &app,
            "wholesaler@demo.example",
            &[
                ("C001", "甲病院", 10),
                ("C002", "乙薬局", 10),
                ("C003", "丙診療所", 1),
                ("C004", "丁薬局", 0),
            ],
        )
        .await?;
        assert_eq!(uploaded["rows"], 4);
        let plan = plan(&app, 0).await?;
        assert_eq!(plan["coverage_ratio_text"], "0.7300");
        assert_eq!(
            (
                plan["planned_total"].as_i64(),
                plan["baseline_total"].as_i64()
            ),
            (Some(730), Some(1000))
        );
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let csv = caps_csv(&app, &plan["id"], &wholesaler, "").await?;
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
        let text = String::from_utf8(csv[3..].to_vec())?;
        assert_eq!(
            text,
            "customer_code,customer_name,baseline_quantity,coverage_ratio,quota,cap\n\
             C001,甲病院,10,0.7300,7.142,7\nC002,乙薬局,10,0.7300,7.142,7\n\
             C003,丙診療所,1,0.7300,0.714,1\nC004,丁薬局,0,0.7300,0.000,0\n",
            "{}",
            backend.name()
        );
        let json = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &wholesaler,
            )
            .await?;
        let figures = &json["wholesalers"][0];
        assert_eq!(
            (
                figures["baseline_total"].as_i64(),
                figures["supply"].as_i64()
            ),
            (Some(21), Some(15))
        );
        let xlsx = app
            .get(
                &format!("/api/v1/allocation-plans/{}/caps?format=xlsx", plan["id"]),
                &wholesaler,
            )
            .await?;
        assert_eq!(xlsx.status(), StatusCode::OK);
        caps_workbook_says_what_the_csv_says(&xlsx.bytes().await?)?;
    }
    Ok(())
}

/// The worked example's workbook read back as Excel opens it: the plan's figures on top, the
/// wholesaler's H and S as numbers, and each customer's row with baseline and cap as numbers.
fn caps_workbook_says_what_the_csv_says(bytes: &[u8]) -> anyhow::Result<()> {
    let sheets = supplywatch_tests::xlsx::sheets(bytes)?;
    assert_eq!(sheets.len(), 1);
    let sheet = &sheets[0];
    assert_eq!(sheet.name, "上限量");
    assert!(
        sheet.cell(0, 0).starts_with("上限量の目安 — "),
        "{}",
        sheet.cell(0, 0)
    );
    let fact = |label: &str| sheet.row_starting(label).map(|r| r[1].clone());
    assert_eq!(fact("対象月").as_deref(), Some("2018-06"));
    assert_eq!(fact("基準月").as_deref(), Some("2018-05"));
    assert_eq!(fact("カバー率 r = P ÷ B").as_deref(), Some("0.7300"));
    assert_eq!(
        fact("出荷予定 P ／ 基準月出荷実績 B").as_deref(),
        Some("730 ／ 1000")
    );
    let headings = sheet
        .rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "得意先コード"))
        .expect("the customers' headings");
    assert_eq!(
        sheet.rows[headings][..5],
        [
            "得意先コード",
            "得意先名",
            "基準月の購入数量 h",
            "按分値 S×h÷H",
            "上限量"
        ]
    );
    let customers: Vec<[&str; 5]> = sheet.rows[headings + 1..]
        .iter()
        .map(|r| [0, 1, 2, 3, 4].map(|c| r.get(c).map_or("", String::as_str)))
        .collect();
    assert_eq!(
        customers,
        [
            ["C001", "甲病院", "10", "7.142", "7"],
            ["C002", "乙薬局", "10", "7.142", "7"],
            ["C003", "丙診療所", "1", "0.714", "1"],
            ["C004", "丁薬局", "0", "0.000", "0"],
        ]
    );
    let wholesaler = sheet
        .rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "卸売業者"))
        .expect("the wholesalers' headings");
    assert_eq!(
        (sheet.cell(wholesaler + 1, 1), sheet.cell(wholesaler + 1, 2)),
        ("21", "15"),
        "H and S of the wholesaler"
    );
    Ok(())
}

#[tokio::test]
async fn reserve_ties_and_a_ratio_above_one_follow_the_rules_to_the_unit() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        // r = 1300 / 1000; H = 2+1+1+1+1 = 6; reserve 10 %: S = ⌊1300·6·90 ÷ 100000⌋ = 7,
        // reserve ⌊1300·6 ÷ 1000⌋ − 7 = 0. Quotas 7·2/6 = 2.333, 7/6 = 1.166: floors 2,1,1,1,1
        // (6), one unit left; remainders 2, 1, 1, 1, 1 → the h = 2 customer gets it.
        ship(&app, 1000, 1300).await?;
        history(
            &app,
            "wholesaler@demo.example",
            &[
                ("E5", "戊薬局", 1),
                ("A1", "甲病院", 2),
                ("D4", "丁薬局", 1),
                ("B2", "乙薬局", 1),
                ("C3", "丙薬局", 1),
            ],
        )
        .await?;
        let plan = plan(&app, 10).await?;
        assert_eq!(plan["coverage_ratio_text"], "1.3000");
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let json = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &wholesaler,
            )
            .await?;
        assert_eq!(json["wholesalers"][0]["supply"], 7);
        assert_eq!(json["wholesalers"][0]["reserve"], 0);
        assert_eq!(
            caps_of(&json["items"]),
            [
                ("A1".into(), 3),
                ("B2".into(), 1),
                ("C3".into(), 1),
                ("D4".into(), 1),
                ("E5".into(), 1)
            ]
        );
        // Without the h = 2 customer, four customers tie on remainder and baseline: by code.
        // H = 4, S = ⌊1300·4·90 ÷ 100000⌋ = 4 → exactly 1 each; make it 5 with no reserve:
        // S = ⌊1300·4 ÷ 1000⌋ = 5 → one unit left, to the smallest code B2.
        history(&app, "wholesaler@demo.example", &[("A1", "甲病院", 0)]).await?;
        let plan = plan_of(&app, 0).await?;
        let json = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &wholesaler,
            )
            .await?;
        assert_eq!(json["wholesalers"][0]["supply"], 5, "{}", backend.name());
        assert_eq!(
            caps_of(&json["items"]),
            [
                ("A1".into(), 0),
                ("B2".into(), 2),
                ("C3".into(), 1),
                ("D4".into(), 1),
                ("E5".into(), 1)
            ]
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_customer_added_after_an_earlier_tie_takes_its_place_by_its_own_code()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let caps = |plan: Value| {
            let (app, token) = (&app, &wholesaler);
            async move {
                let url = format!("/api/v1/allocation-plans/{}/caps", plan["id"]);
                anyhow::Ok(caps_of(&app.get_json(&url, token).await?["items"]))
            }
        };
        ship(&app, 1000, 1300).await?;
        // H = 4, S = ⌊1300·4 ÷ 1000⌋ = 5: one unit each and one left over, four tied → C3.
        let tied = [
            ("C3", "丙薬局", 1),
            ("D4", "丁薬局", 1),
            ("E5", "戊薬局", 1),
            ("F6", "己薬局", 1),
        ];
        history(&app, "wholesaler@demo.example", &tied).await?;
        let first = caps(plan_of(&app, 0).await?).await?;
        assert_eq!(first[0], ("C3".into(), 2), "{}", backend.name());
        // The server has now read this wholesaler's codes. Two customers arrive in a later file,
        // one before every code and one after: H = 6, S = 7, six tied, the unit goes to B2.
        history(
            &app,
            "wholesaler@demo.example",
            &[("Z9", "庚薬局", 1), ("B2", "乙薬局", 1)],
        )
        .await?;
        let second = caps(plan_of(&app, 0).await?).await?;
        let expected: Vec<(String, u64)> = ["B2", "C3", "D4", "E5", "F6", "Z9"]
            .iter()
            .map(|code| ((*code).to_owned(), if *code == "B2" { 2 } else { 1 }))
            .collect();
        assert_eq!(second, expected, "{}", backend.name());
        // And once more with B2 gone: the unit goes back to C3, not to the newcomer Z9.
        history(&app, "wholesaler@demo.example", &[("B2", "乙薬局", 0)]).await?;
        let third = caps(plan_of(&app, 0).await?).await?;
        assert_eq!(third[1], ("C3".into(), 2), "{}", backend.name());
        assert_eq!(third[5], ("Z9".into(), 1), "{}", backend.name());
    }
    Ok(())
}

async fn plan_of(app: &TestApp, reserve: u8) -> anyhow::Result<Value> {
    plan(app, reserve).await
}

#[tokio::test]
async fn a_plan_without_baseline_shipments_is_refused_with_a_clear_message() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 0, 500).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let body = json!({"name": "基準なし", "group_code": GROUP, "target_month": "2018-06"});
        let (status, problem) = app
            .post_json("/api/v1/allocation-plans", &ministry, &body)
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let error = &problem["errors"][0];
        assert_eq!(error["field"], "baseline_month");
        assert_eq!(error["code"], "no_baseline_shipments");
        assert!(
            error["message"]
                .as_str()
                .unwrap_or_default()
                .contains("2017-06"),
            "the default baseline is a year earlier: {error}"
        );
        let (status, _) = app
            .post_json(
                "/api/v1/allocation-plans",
                &ministry,
                &json!({"name": "x", "product_codes": ["2171022F5181"], "target_month": "2018-13"}),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let maker = app.token("maker@demo.example").await?;
        let (status, _) = app
            .post_json("/api/v1/allocation-plans", &maker, &body)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the ministry plans");
    }
    Ok(())
}

#[tokio::test]
async fn a_wholesaler_sees_only_its_own_customers_and_the_ministry_sees_all_with_wholesaler_ids()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 1000, 500).await?;
        history(&app, "wholesaler@demo.example", &[("C001", "甲病院", 60)]).await?;
        history(
            &app,
            "wholesaler2@demo.example",
            &[("K900", "秘密薬局", 40)],
        )
        .await?;
        let plan = plan(&app, 0).await?;
        let first = app.token("wholesaler@demo.example").await?;
        let second = app.token("wholesaler2@demo.example").await?;
        let own = String::from_utf8(caps_csv(&app, &plan["id"], &first, "").await?)?;
        assert!(
            own.contains("C001,甲病院,60,0.5000,30.000,30") && !own.contains("K900"),
            "{own}"
        );
        let theirs = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &second,
            )
            .await?;
        assert_eq!(caps_of(&theirs["items"]), [("K900".into(), 20)]);
        assert_eq!(
            theirs["wholesalers"].as_array().map(Vec::len),
            Some(1),
            "only its own figures"
        );
        let searched = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps?q=C00", plan["id"]),
                &second,
            )
            .await?;
        assert_eq!(
            searched["total"], 0,
            "a search never reaches another wholesaler's customers"
        );
        let ministry = app.token("ministry@demo.example").await?;
        let all = String::from_utf8(caps_csv(&app, &plan["id"], &ministry, "").await?)?;
        assert!(all.contains(
            "wholesaler_id,customer_code,customer_name,baseline_quantity,coverage_ratio,quota,cap"
        ));
        assert!(all.contains(",C001,") && all.contains(",K900,"), "{all}");
        let maker = app.token("maker@demo.example").await?;
        let response = app
            .get(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &maker,
            )
            .await?;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let listed = app.get_json("/api/v1/allocation-plans", &second).await?;
        let ids: Vec<&Value> = listed["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| &p["id"])
            .collect();
        assert!(
            ids.contains(&&plan["id"]),
            "the plan affecting it is listed: {listed}"
        );
        let response = app
            .client
            .get(app.url(&format!("/api/v1/allocation-plans/{}/caps", plan["id"])))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

#[tokio::test]
async fn a_file_with_errors_is_refused_whole_naming_row_and_column_and_changes_nothing()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 1000, 1000).await?;
        history(&app, "wholesaler@demo.example", &[("C001", "甲病院", 10)]).await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let bad = format!(
            "customer_code,customer_name,product_code,month,quantity\n\
             C001,甲病院,{PRODUCT},2018-05,99\n\
             C002,乙薬局,2171022F5181,2018-05,5\n\
             \n\
             C003,丙薬局,{PRODUCT},2018-5x,5\n\
             C004,丁薬局,{PRODUCT},2018-05,-3\n\
             C001,甲病院,{PRODUCT},2018-05,1\n"
        );
        let (status, problem) =
            upload_csv(&app, "/api/v1/purchase-history/upload", &wholesaler, &bad).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let errors: Vec<(u64, String, String)> = problem["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["row"].as_u64().unwrap_or(0),
                    e["field"].as_str().unwrap_or_default().to_owned(),
                    e["code"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            errors,
            [
                (3, "product_code".to_owned(), "check_digit".to_owned()),
                (5, "month".to_owned(), "month".to_owned()),
                (6, "quantity".to_owned(), "quantity".to_owned()),
                (7, "customer_code".to_owned(), "duplicate".to_owned()),
            ],
            "{}",
            backend.name()
        );
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("2171022F5181")
        );
        let duplicate = problem["errors"][3]["message"].as_str().unwrap_or_default();
        assert!(
            duplicate.contains("C001")
                && duplicate.contains(PRODUCT)
                && duplicate.contains("2018-05"),
            "the duplicate names its customer, product and month: {duplicate}"
        );
        let plan = plan(&app, 0).await?;
        let caps = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &wholesaler,
            )
            .await?;
        assert_eq!(
            caps["items"][0]["baseline_quantity"], 10,
            "the refused file changed nothing"
        );
        let maker = app.token("maker@demo.example").await?;
        let (status, problem) = upload_csv(&app, "/api/v1/shipments/upload", &maker,
            &format!("product_code,month,kind,quantity\n{OTHER_MAKERS_PRODUCT},2018-05,actual,10\n{PRODUCT},2018-05,予定外,1\n")).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["code"], "not_own_product");
        assert_eq!(problem["errors"][1]["field"], "kind");
        let (status, _) = upload_csv(
            &app,
            "/api/v1/purchase-history/upload",
            &maker,
            "customer_code\n",
        )
        .await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "makers do not upload purchase history"
        );
    }
    Ok(())
}

#[tokio::test]
async fn shift_jis_files_with_japanese_headings_are_accepted() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 100, 100).await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let text = format!(
            "医療機関コード,医療機関名,YJコード,年月,数量\r\n1310000001,医療法人社団 健康会 中央病院,{PRODUCT},2018/05,\"1,200\"\r\n"
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (status, body) = app
            .upload(
                "/api/v1/purchase-history/upload",
                &wholesaler,
                "販売実績.csv",
                sjis.into_owned(),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let plan = plan(&app, 0).await?;
        let caps = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &wholesaler,
            )
            .await?;
        assert_eq!(
            caps["items"][0]["customer_name"],
            "医療法人社団 健康会 中央病院"
        );
        assert_eq!(caps["items"][0]["baseline_quantity"], 1200);
    }
    Ok(())
}

#[tokio::test]
async fn a_published_version_downloads_the_same_caps_after_new_uploads_and_a_recompute_is_a_new_version()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 1000, 730).await?;
        history(
            &app,
            "wholesaler@demo.example",
            &[("C001", "甲病院", 10), ("C002", "乙薬局", 11)],
        )
        .await?;
        let plan = plan(&app, 0).await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let before = caps_csv(&app, &plan["id"], &wholesaler, "").await?;
        // Later uploads replace the values at their keys …
        history(
            &app,
            "wholesaler@demo.example",
            &[("C002", "乙薬局", 50), ("C003", "丙薬局", 7)],
        )
        .await?;
        ship(&app, 1000, 900).await?;
        // … but version 1 stays as published.
        assert_eq!(caps_csv(&app, &plan["id"], &wholesaler, "").await?, before);
        let ministry = app.token("ministry@demo.example").await?;
        let (status, v2) = app
            .post_json(
                &format!("/api/v1/allocation-plans/{}/computations", plan["id"]),
                &ministry,
                &json!({}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{v2}");
        assert_eq!(v2["version"], 2);
        assert_eq!(v2["planned_total"], 900);
        let json = app
            .get_json(
                &format!("/api/v1/allocation-plans/{}/caps", plan["id"]),
                &wholesaler,
            )
            .await?;
        // H = 10 + 50 + 7 = 67, S = ⌊900·67 ÷ 1000⌋ = 60 → 8.955, 44.776, 6.268 → 8, 44, 6 (+2 to
        // the largest remainders: 0.955 and 0.776) → 9, 45, 6.
        assert_eq!(
            caps_of(&json["items"]),
            [("C001".into(), 9), ("C002".into(), 45), ("C003".into(), 6)],
            "{}",
            backend.name()
        );
        assert_eq!(
            caps_csv(&app, &plan["id"], &wholesaler, "&version=1").await?,
            before
        );
        let response = app
            .get(
                &format!("/api/v1/allocation-plans/{}/caps?version=9", plan["id"]),
                &wholesaler,
            )
            .await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let (status, _) = app
            .post_json(
                &format!("/api/v1/allocation-plans/{}/computations", plan["id"]),
                &wholesaler,
                &json!({}),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    Ok(())
}

#[tokio::test]
async fn reserve_grants_never_exceed_the_reserve_and_show_in_the_downloads() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        // P = B = 1000, H = 100, reserve 10 %: S = 90, reserve 10.
        ship(&app, 1000, 1000).await?;
        history(&app, "wholesaler@demo.example", &[("C001", "甲病院", 100)]).await?;
        let plan = plan(&app, 10).await?;
        let id = &plan["id"];
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let path = format!("/api/v1/allocation-plans/{id}/reserve-requests");
        let (status, first) = app.post_json(&path, &wholesaler, &json!({"customer_code": "N001", "customer_name": "新規薬局", "requested": 8, "note": "新規開局"})).await?;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, second) = app
            .post_json(
                &path,
                &wholesaler,
                &json!({"customer_code": "N002", "customer_name": "新規診療所", "requested": 5}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        let (status, _) = app
            .post_json(
                &path,
                &wholesaler,
                &json!({"customer_code": "C001", "customer_name": "甲病院", "requested": 5}),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a customer with history has its cap"
        );
        let grant = |r: &Value| format!("{path}/{}/grant", r["id"]);
        let (status, granted) = app
            .post_json(&grant(&first), &wholesaler, &json!({"granted": 8}))
            .await?;
        assert_eq!((status, &granted["granted"]), (StatusCode::OK, &json!(8)));
        let (status, problem) = app
            .post_json(&grant(&second), &wholesaler, &json!({"granted": 5}))
            .await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "8 + 5 > 10: {problem}"
        );
        assert_eq!(problem["errors"][0]["code"], "beyond_reserve");
        let (status, _) = app
            .post_json(&grant(&second), &wholesaler, &json!({"granted": 2}))
            .await?;
        assert_eq!(status, StatusCode::OK);
        let other = app.token("wholesaler2@demo.example").await?;
        let (status, _) = app
            .post_json(&grant(&second), &other, &json!({"granted": 0}))
            .await?;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another wholesaler's request"
        );
        let csv = String::from_utf8(caps_csv(&app, id, &wholesaler, "").await?)?;
        assert!(csv.contains("C001,甲病院,100,1.0000,90.000,90\n"), "{csv}");
        assert!(
            csv.contains("N001,新規薬局,0,1.0000,0.000,8\n")
                && csv.contains("N002,新規診療所,0,1.0000,0.000,2\n"),
            "{csv}"
        );
        let theirs = app.get_json(&path, &other).await?;
        assert_eq!(
            theirs["items"].as_array().map(Vec::len),
            Some(0),
            "{}",
            backend.name()
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_month_export_holds_every_plan_of_the_month_for_the_wholesaler_only()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        ship(&app, 1000, 500).await?;
        history(
            &app,
            "wholesaler@demo.example",
            &[("C001", "甲病院", 60), ("C002", "乙病院, 本院", 2)],
        )
        .await?;
        history(
            &app,
            "wholesaler2@demo.example",
            &[("K900", "秘密薬局", 40)],
        )
        .await?;
        let first = plan(&app, 0).await?;
        // A second plan of the same month for other products (another maker's of the group).
        let ministry = app.token("ministry@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let csv = format!(
            "product_code,month,kind,quantity\n{OTHER_MAKERS_PRODUCT},2018-05,actual,1000\n{OTHER_MAKERS_PRODUCT},2018-06,planned,500\n"
        );
        let (status, body) = upload_csv(&app, "/api/v1/shipments/upload", &maker2, &csv).await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let csv = format!(
            "customer_code,customer_name,product_code,month,quantity\nC001,甲病院,{OTHER_MAKERS_PRODUCT},2018-05,30\nC002,\"乙病院, 本院\",{OTHER_MAKERS_PRODUCT},2018-05,5\n"
        );
        let (status, body) =
            upload_csv(&app, "/api/v1/purchase-history/upload", &wholesaler, &csv).await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let body = json!({"name": "アムロジピン「トーワ」 2018年6月", "product_codes": [OTHER_MAKERS_PRODUCT],
            "target_month": "2018-06", "baseline_month": "2018-05", "reserve_percent": 50});
        let (status, second) = app
            .post_json("/api/v1/allocation-plans", &ministry, &body)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        let response = app
            .get("/api/v1/allocation-caps?month=2018-06", &wholesaler)
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await?;
        let text = String::from_utf8(
            bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(&bytes)
                .to_vec(),
        )?;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "plan_id,plan_name,customer_code,customer_name,baseline_quantity,coverage_ratio,quota,cap"
        );
        assert_eq!(lines.len(), 5, "two plans × two customers: {text}");
        assert!(
            lines[1].starts_with(&format!("{},", first["id"]))
                && lines[4].starts_with(&format!("{},", second["id"]))
        );
        assert!(
            text.contains("\"乙病院, 本院\""),
            "a comma in a name is quoted"
        );
        assert!(!text.contains("K900"), "{}", backend.name());
    }
    Ok(())
}

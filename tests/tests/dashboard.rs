//! The ministry's dashboard over the API: every drug counted once, filters, reasons, knock-on
//! chains, cases, the cache following new reports, who may read it, and the product list behind
//! each number.

use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch_tests::{Backend, TestApp, backends};

fn sum(object: &Value) -> u64 {
    object
        .as_object()
        .map(|o| o.values().filter_map(Value::as_u64).sum())
        .unwrap_or_default()
}

fn n(value: &Value, key: &str) -> u64 {
    value[key].as_u64().unwrap_or(u64::MAX)
}

#[tokio::test]
async fn the_dashboard_counts_every_listed_drug_once_as_the_public_status_does()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let d = app.get_json("/api/v1/dashboard", &ministry).await?;
        let public = app
            .get_json("/api/v1/public/supply-status?format=json", &ministry)
            .await?;
        let total = public["total"].as_u64().unwrap_or_default();
        assert!(total > 0);
        assert_eq!(sum(&d["shipping_status_counts"]), total, "{d}");
        assert_eq!(sum(&d["volume_status_counts"]), total);
        assert_eq!(n(&d, "drugs_total"), total);
        // The demo: one 限定出荷（その他） and one 供給停止 today, eleven drugs never reported.
        let counts = &d["shipping_status_counts"];
        assert_eq!(
            (n(counts, "4"), n(counts, "5"), n(counts, "unreported")),
            (1, 1, 11)
        );
        assert_eq!((n(&d, "limited_total"), n(&d, "short_total")), (1, 2));
        assert_eq!(
            sum(&d["reasons"]),
            n(&d, "short_total"),
            "each short drug has one reason group"
        );
        let classes: u64 = d["by_product_class"]
            .as_array()
            .map(|rows| rows.iter().map(|r| n(r, "total")).sum())
            .unwrap_or_default();
        assert_eq!(classes, total);
        // The price list holds no 安定確保医薬品 category: the tile says so instead of inventing one.
        assert_eq!(n(&d["stable_supply"], "registered"), 0);
        // The demo's one plan targets this month; no request awaits an answer yet.
        assert_eq!(
            d["allocation_plans_in_force"]["count"], 1,
            "{}",
            d["allocation_plans_in_force"]
        );
        assert_eq!(d["substitute_answers_awaiting"]["count"], 0);
        assert!(
            d["trend"].as_array().is_some_and(|t| t.len() >= 10),
            "the demo's weeks are backfilled"
        );
    }
    Ok(())
}

#[tokio::test]
async fn only_the_ministry_and_operators_read_the_dashboard() -> anyhow::Result<()> {
    for backend in backends()? {
        only_the_ministry_and_operators_read_the_dashboard_on(backend).await?;
    }
    Ok(())
}

async fn only_the_ministry_and_operators_read_the_dashboard_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    for (email, expected) in [
        ("maker@demo.example", StatusCode::FORBIDDEN),
        ("wholesaler@demo.example", StatusCode::FORBIDDEN),
        ("association@demo.example", StatusCode::FORBIDDEN),
        ("admin@demo.example", StatusCode::OK),
    ] {
        let token = app.token(email).await?;
        let got = app.get("/api/v1/dashboard", &token).await?.status();
        assert_eq!(got, expected, "{email}");
        let chart = app
            .get("/api/v1/dashboard/charts/status-trend.svg", &token)
            .await?
            .status();
        assert_eq!(chart, expected, "{email} chart");
    }
    let anonymous = app.client.get(app.url("/api/v1/dashboard")).send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let page = app.client.get(app.url("/dashboard")).send().await?;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    Ok(())
}

#[tokio::test]
async fn a_new_report_moves_its_drug_between_the_counts_at_once() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let before = app.get_json("/api/v1/dashboard", &ministry).await?;
        // 東和薬品's OD tablet is held back because 沢井製薬's tablet stopped: a knock-on chain.
        let (status, body) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker2,
                &json!({"product_code": "2171022F6047", "shipping_status": "3", "reason": "1",
                        "causing_product_code": "2171022F6128", "volume_status": "B"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let after = app.get_json("/api/v1/dashboard", &ministry).await?;
        let c = |d: &Value, k: &str| n(&d["shipping_status_counts"], k);
        assert_eq!(
            c(&after, "3"),
            c(&before, "3") + 1,
            "the cache saw the new report"
        );
        assert_eq!(c(&after, "1"), c(&before, "1") - 1);
        let chain = &after["knock_on"][0];
        assert_eq!(chain["causing_product_code"], "2171022F6128");
        assert_eq!(chain["causing_shipping_status"], "1");
        assert_eq!(chain["items"][0]["code"], "2171022F6047");
        // レボフロキサシン has two short drugs in the demo, アムロジピン now one.
        let ingredients = &after["top_ingredients"];
        assert_eq!(ingredients[0]["ingredient"], "レボフロキサシン水和物");
        assert_eq!(n(&ingredients[0], "short"), 2);
        assert_eq!(ingredients[1]["ingredient"], "アムロジピンベシル酸塩");
        assert_eq!(n(&ingredients[1], "short"), 1);
        assert_eq!(
            n(&after["reasons"], "other"),
            n(&before["reasons"], "other") + 1,
            "需要増 is その他"
        );
    }
    Ok(())
}

#[tokio::test]
async fn filters_narrow_every_count_and_a_bad_filter_is_refused() -> anyhow::Result<()> {
    for backend in backends()? {
        filters_narrow_every_count_and_a_bad_filter_is_refused_on(backend).await?;
    }
    Ok(())
}

async fn filters_narrow_every_count_and_a_bad_filter_is_refused_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let ministry = app.token("ministry@demo.example").await?;
    let generic = app
        .get_json("/api/v1/dashboard?product_class=generic", &ministry)
        .await?;
    let all = app.get_json("/api/v1/dashboard", &ministry).await?;
    let generic_row = all["by_product_class"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["key"] == "generic").cloned())
        .unwrap_or_default();
    assert_eq!(n(&generic, "drugs_total"), n(&generic_row, "total"));
    assert!(n(&generic, "drugs_total") < n(&all, "drugs_total"));
    assert_eq!(
        generic["by_product_class"].as_array().map(Vec::len),
        Some(1),
        "only 後発品 remain"
    );
    let injection = app
        .get_json("/api/v1/dashboard?category=注射薬", &ministry)
        .await?;
    assert_eq!(
        n(&injection, "drugs_total"),
        0,
        "the demo's drugs are all 内用薬"
    );
    let amlodipine = app
        .get_json("/api/v1/dashboard?ingredient=アムロジピン", &ministry)
        .await?;
    assert!(
        n(&amlodipine, "drugs_total") > 0 && n(&amlodipine, "drugs_total") < n(&all, "drugs_total")
    );
    let bad = app
        .get("/api/v1/dashboard?category=漢方", &ministry)
        .await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}

#[tokio::test]
async fn each_number_links_to_a_product_list_of_exactly_that_many_drugs() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let d = app
            .get_json("/api/v1/dashboard?product_class=generic", &ministry)
            .await?;
        app.log_in_session("ministry@demo.example").await?;
        let (status, page) = app.page("/dashboard?class=generic").await?;
        assert_eq!(status, StatusCode::OK);
        // Follow every link of the ⑫ table and compare the list's count with the number.
        let table = page
            .split("id=\"shipping-counts\"")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .unwrap_or_default();
        let mut followed = 0;
        for cell in table.split("<a href=\"").skip(1) {
            let href = cell
                .split('"')
                .next()
                .unwrap_or_default()
                .replace("&#38;", "&")
                .replace("&amp;", "&");
            let key = cell
                .split("data-key=\"")
                .nth(1)
                .and_then(|k| k.split('"').next())
                .unwrap_or_default();
            let (status, list) = app.page(&href).await?;
            assert_eq!(status, StatusCode::OK, "{href}");
            let expected = n(&d["shipping_status_counts"], key);
            assert!(
                list.contains(&format!("<p class=\"result-count\">{expected}件")),
                "{href} should list {expected} drugs"
            );
            followed += 1;
        }
        assert_eq!(followed, 6, "⑫ 1–5 and 未報告 are links");
    }
    Ok(())
}

#[tokio::test]
async fn open_cases_are_counted_by_state_and_product_kind() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let ministry = app.token("ministry@demo.example").await?;
        let maker = app.token("maker@demo.example").await?;
        let (status, _) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": "2171022F5180", "details": "原薬の入荷遅延"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = app
            .post_json(
                "/api/v1/device-reports",
                &maker,
                &json!({"kind": "first", "product_code": "4569991000018", "event_type": "stockout"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let d = app.get_json("/api/v1/dashboard", &ministry).await?;
        assert_eq!(n(&d["open_cases_by_state"], "reported"), 2, "{d}");
        assert_eq!(
            n(&d["overdue_cases_by_state"], "reported"),
            0,
            "not yet 14 days old"
        );
        assert_eq!(
            (
                n(&d["open_cases_by_kind"], "drug"),
                n(&d["open_cases_by_kind"], "device")
            ),
            (1, 1)
        );
    }
    Ok(())
}

//! The public search a pharmacist uses (issue 21): `/` shows it to visitors; words match whatever
//! the width, kana or case; the filters (⑫ several, 供給確保医薬品, maker, changed since,
//! 「本日の更新」) agree in the JSON, the page and the CSV, and stay in every link; a drug's page
//! lists its same-spec alternatives and its ingredient's other forms with their status.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use supplywatch::db::entity::product;
use supplywatch_tests::{Backend, TestApp, backends};

async fn public_json(app: &TestApp, query: &[(&str, &str)]) -> anyhow::Result<Value> {
    let response = app
        .client
        .get(app.url("/api/v1/public/supply-status"))
        .query(query)
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == StatusCode::OK,
        "{query:?} gave {}",
        response.status()
    );
    Ok(response.json().await?)
}

fn codes(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["code"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn visitors_land_on_the_public_search_and_users_keep_their_home() -> anyhow::Result<()> {
    for backend in backends()? {
        visitors_land_on_the_public_search_and_users_keep_their_home_on(backend).await?;
    }
    Ok(())
}

async fn visitors_land_on_the_public_search_and_users_keep_their_home_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let (status, home) = app.page("/").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("医療用医薬品の供給状況") && home.contains("id=\"public-results\""));
    assert!(
        home.contains("本日の更新"),
        "the day's updates are on the landing page"
    );
    // The live search swaps the card out of band: gone while something is asked, back when the
    // words are cleared.
    let live = |query: &str| {
        reqwest::Client::new()
            .get(app.url(&format!("/public?{query}")))
            .header("HX-Request", "true")
            .send()
    };
    let asked = live("q=%E3%81%8B%E3%82%8B%E3%81%BC").await?.text().await?;
    assert!(
        asked.contains("id=\"public-results\"")
            && asked.contains("<div id=\"todays\" hx-swap-oob=\"true\">")
            && !asked.contains("todays-updates"),
        "{asked}"
    );
    let cleared = live("q=").await?.text().await?;
    assert!(
        cleared.contains("hx-swap-oob") && cleared.contains("id=\"todays-updates\""),
        "{cleared}"
    );
    app.log_in_session("wholesaler@demo.example").await?;
    let (_, own) = app.page("/").await?;
    assert!(
        own.contains("ダウンロードできる上限量") && !own.contains("id=\"public-results\""),
        "a wholesaler keeps its home"
    );
    Ok(())
}

#[tokio::test]
async fn width_kana_and_case_do_not_matter_in_the_api_the_page_or_the_product_search()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let katakana = public_json(&app, &[("q", "カルボシステイン")]).await?;
        assert_eq!(katakana["total"], 2, "{}", backend.name());
        for typed in [
            "ｶﾙﾎﾞｼｽﾃｲﾝ",
            "かるぼしすていん",
            "ｶﾙﾎﾞ　しすていん",
            "KaruboSisutein",
        ] {
            let found = public_json(&app, &[("q", typed)]).await?;
            assert_eq!(
                codes(&found),
                codes(&katakana),
                "{typed} ({})",
                backend.name()
            );
        }
        // Full-width letters in the store, half-width lower case typed (and the reverse).
        let od = public_json(&app, &[("q", "od錠10mg さわい")]).await?;
        assert_eq!(codes(&od), ["2171022F6128"]);
        let code = public_json(&app, &[("q", "２１７１０２２ｆ５１８０")]).await?;
        assert_eq!(codes(&code), ["2171022F5180"]);
        let (_, page) = app.page("/public?q=%E3%81%8B%E3%82%8B%E3%81%BC").await?;
        assert!(page.contains("2233002Q1124"), "the page finds かるぼ too");
        // The signed-in product search folds the same way.
        let ministry = app.token("ministry@demo.example").await?;
        let products = app
            .get_json(
                "/api/v1/products?q=%EF%BD%B6%EF%BE%99%EF%BE%8E%EF%BE%9E",
                &ministry,
            )
            .await?;
        assert_eq!(products["total"], 2, "ｶﾙﾎﾞ in the product search");
    }
    Ok(())
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one data set, every filter checked against it"
)]
async fn the_filters_agree_in_json_page_and_csv_and_stay_in_the_links() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let (filed, _) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker,
                &json!({"product_code": "6241013F2209", "shipping_status": "5", "reason": "3", "volume_status": "C"}),
            )
            .await?;
        assert_eq!(filed, StatusCode::CREATED);

        // ⑫: several codes, comma-separated; nothing outside them.
        let everything = public_json(&app, &[]).await?;
        let short = public_json(&app, &[("status", "2,3,4,5"), ("per_page", "200")]).await?;
        let expected: Vec<String> = everything["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| matches!(i["shipping_status"].as_str(), Some("2" | "3" | "4" | "5")))
            .filter_map(|i| i["code"].as_str().map(str::to_owned))
            .collect();
        assert!(expected.contains(&"6241013F2209".to_owned()));
        assert_eq!(codes(&short), expected, "{}", backend.name());
        assert_eq!(short["filters"]["status"], "2,3,4,5");
        let stopped = public_json(&app, &[("status", "5")]).await?;
        assert!(
            stopped["items"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|i| i["shipping_status"] == "5")
                && codes(&stopped).contains(&"6241013F2209".to_owned())
        );

        // Maker: part of the name, with the words and the status together.
        let sawai = public_json(&app, &[("maker", "沢井"), ("status", "5")]).await?;
        assert_eq!(codes(&sawai), ["6241013F2209"]);
        let all_sawai = public_json(&app, &[("maker", "沢井")]).await?;
        assert!(
            all_sawai["items"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|i| i["maker_name"] == "沢井製薬")
                && all_sawai["total"].as_u64().unwrap_or(0) >= 4
        );

        // Changed since: today finds the new report; a later day finds nothing.
        // Report days are days in Japan (UTC+9).
        let today = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive();
        let since = public_json(&app, &[("changed_since", &today.to_string())]).await?;
        assert!(codes(&since).contains(&"6241013F2209".to_owned()));
        let tomorrow = (today + chrono::Days::new(1)).to_string();
        let none = public_json(&app, &[("changed_since", &tomorrow)]).await?;
        assert_eq!(none["total"], 0);

        // 「本日の更新」: the rows the ministry's list marks New.
        let new = public_json(&app, &[("updated", "today")]).await?;
        assert!(codes(&new).contains(&"6241013F2209".to_owned()));

        // 供給確保医薬品 A/B/C, as the ministry's list records it.
        let marked = product::Entity::find()
            .filter(product::Column::Code.eq("2233002Q1035"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no demo drug"))?;
        let mut active: product::ActiveModel = marked.into();
        active.stable_supply_category = sea_orm::Set(Some("A".into()));
        sea_orm::ActiveModelTrait::update(active, &app.db).await?;
        let category = public_json(&app, &[("category", "a,B")]).await?;
        assert_eq!(codes(&category), ["2233002Q1035"]);
        assert_eq!(category["items"][0]["stable_supply_category"], "A");
        assert_eq!(public_json(&app, &[("category", "C")]).await?["total"], 0);

        // A bad filter is 422 naming it.
        let bad = app
            .client
            .get(app.url("/api/v1/public/supply-status?status=9&changed_since=12%2F01"))
            .send()
            .await?;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = bad.json().await?;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["status", "changed_since"]);

        // The page: ticked boxes as the form sends them (repeated), kept in the download links.
        let (status, page) = app
            .page("/public?q=&status=5&status=4&maker=%E6%B2%A2%E4%BA%95")
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("6241013F2209") && !page.contains("2171022F5180"));
        assert!(page.contains("value=\"5\" checked") && page.contains("value=\"4\" checked"));
        let csv_link = page
            .split("href=\"/api/v1/public/supply-status?format=csv")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        assert_eq!(
            csv_link, "&status=4%2C5&maker=%E6%B2%A2%E4%BA%95",
            "the CSV link keeps the filters"
        );
        let csv = app
            .client
            .get(app.url(
                "/api/v1/public/supply-status?format=csv&status=4%2C5&maker=%E6%B2%A2%E4%BA%95",
            ))
            .send()
            .await?
            .text()
            .await?;
        let rows: Vec<&str> = csv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(rows.len(), 1, "{csv}");
        assert!(rows[0].contains("6241013F2209") && rows[0].contains("供給停止"));
    }
    Ok(())
}

#[tokio::test]
async fn a_drug_page_lists_its_same_spec_alternatives_and_other_forms_with_their_status()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let (filed, _) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker2,
                &json!({"product_code": "2171022F5075", "shipping_status": "2", "reason": "1", "volume_status": "B"}),
            )
            .await?;
        assert_eq!(filed, StatusCode::CREATED);
        let (status, page) = app.page("/public/products/2171022F5180").await?;
        assert_eq!(status, StatusCode::OK);
        let section = |id: &str| -> String {
            page.split(&format!("id=\"{id}\""))
                .nth(1)
                .and_then(|rest| rest.split("</section>").next())
                .unwrap_or_default()
                .to_owned()
        };
        let same = section("alternatives");
        for code in ["2171022F5024", "2171022F5032", "2171022F5075"] {
            assert!(
                same.contains(code),
                "{code} is a same-spec alternative ({})",
                backend.name()
            );
        }
        assert!(!same.contains("2171022F6128") && !same.contains("2171022F5180\""));
        let row = same
            .split("<tr>")
            .find(|r| r.contains("2171022F5075"))
            .unwrap_or_default();
        assert!(
            row.contains("限定出荷（自社の事情）") && row.contains("B 減少"),
            "{row}"
        );
        let other = section("other-forms");
        for code in [
            "2171022F6020",
            "2171022F6039",
            "2171022F6047",
            "2171022F6128",
        ] {
            assert!(other.contains(code), "{code} is another form of amlodipine");
        }
        assert!(!other.contains("2171022F5075"));
        assert!(page.contains("id=\"follow\"") && page.contains("feed.atom"));
    }
    Ok(())
}

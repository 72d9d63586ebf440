//! The pages of the ministry's list: the ministry's form for an edition (the transfer's progress
//! bar, an edition imported, a wrong file refused naming its row and column, other roles
//! refused), and a maker's pre-filled download in the ministry's layout, uploaded back as it is.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use supplywatch_reports::ministry_list::HEADINGS;
use supplywatch_tests::{Backend, TestApp, backends};

const PAGE: &str = "/supply-list/upload";

fn token(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    page.find(marker)
        .and_then(|start| {
            let start = start + marker.len();
            page[start..]
                .find('"')
                .map(|end| page[start..start + end].to_owned())
        })
        .unwrap_or_default()
}

async fn post(
    app: &TestApp,
    token: &str,
    name: &str,
    text: String,
) -> anyhow::Result<(StatusCode, String)> {
    let form = Form::new().text("csrf_token", token.to_owned()).part(
        "file",
        Part::bytes(text.into_bytes()).file_name(name.to_owned()),
    );
    let response = app
        .client
        .post(app.url(PAGE))
        .multipart(form)
        .send()
        .await?;
    Ok((response.status(), response.text().await?))
}

#[tokio::test]
async fn the_ministry_imports_an_edition_on_its_page() -> anyhow::Result<()> {
    for backend in backends()? {
        the_ministry_imports_an_edition_on_its_page_on(backend).await?;
    }
    Ok(())
}

async fn the_ministry_imports_an_edition_on_its_page_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    app.log_in_session("ministry@demo.example").await?;
    let (status, page) = app.page(PAGE).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("医療用医薬品供給状況") && page.contains("id=\"upload-bar\""),
        "{page}"
    );
    let csrf = token(&page);
    let list = format!(
        "{}\r\n1：内用薬,抗ヒスタミン剤,ｄ－クロルフェニラミンマレイン酸塩,２ｍｇ１錠,4419002F1027,ポララミン錠２ｍｇ,高田製薬,5：その他医薬品,2：対象外,,1976-09-01,①通常出荷,,７．－,エ. －,,A．出荷量通常,,,2024-08-05,\r\n3：注射薬,その他,酸素,１０Ｌ,X00110,酸素,大陽日酸,6：未収載医薬品,2：対象外,,薬価基準未収載,⑤供給停止,2026-08-18,６．薬価削除,イ. なし,2026年9月在庫消尽見込み,D．薬価削除予定,,,2026-08-18,New\r\n",
        HEADINGS.join(",")
    );
    let (status, body) = post(&app, &csrf, "260818iyakuhinkyoukyu.csv", list).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("id=\"upload-result\"") && body.contains("2 行"),
        "{body}"
    );
    let csv = app
        .client
        .get(app.url("/api/v1/public/supply-status?format=csv&q=X00110"))
        .send()
        .await?
        .text()
        .await?;
    assert!(csv.contains(",X00110,酸素,大陽日酸,6：未収載医薬品,2：対象外,,薬価基準未収載,⑤供給停止,2026-08-18,６．薬価削除,イ. なし,"), "{csv}");

    let wrong = format!(
        "{}\r\n1：内用薬,,,,4419002F1027,ポララミン錠２ｍｇ,高田製薬,,,,,⑥出荷調整,,,,,,,,,\r\n",
        HEADINGS.join(",")
    );
    let (status, body) = post(&app, &csrf, "wrong.csv", wrong).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("⑫出荷対応の状況「⑥出荷調整」は使えません")
            && body.contains("⑫製造販売業者の「出荷対応」の状況"),
        "{body}"
    );

    let maker = TestApp::spawn(&backend).await?;
    maker.log_in_session("maker@demo.example").await?;
    assert_eq!(maker.page(PAGE).await?.0, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn a_maker_downloads_its_drugs_in_the_ministrys_layout_and_uploads_it_unchanged()
-> anyhow::Result<()> {
    for backend in backends()? {
        template_round_trip_on(&backend).await?;
    }
    Ok(())
}

async fn template_round_trip_on(backend: &Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(backend).await?;
    app.log_in_session("maker@demo.example").await?;
    let response = app
        .client
        .get(app.url("/my/supply-status/template.xlsx"))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await?.to_vec();
    let maker = app.token("maker@demo.example").await?;
    // Read back as Excel opens it: the ministry's sheet, its headings in row 2, and one row for
    // each of the maker's drugs, named by ⑤ and ⑥ as the product master has them.
    let sheets = supplywatch_tests::xlsx::sheets(&bytes)?;
    let sheet = sheets
        .iter()
        .find(|s| s.name == "供給状況一覧表")
        .expect("the sheet 供給状況一覧表");
    assert_eq!(
        sheet.rows[1][..supplywatch_reports::ministry_list::HEADINGS.len()],
        supplywatch_reports::ministry_list::HEADINGS
    );
    let me = app.get_json("/api/v1/me", &maker).await?;
    let mine = app
        .get_json(
            &format!(
                "/api/v1/products?maker_id={}&per_page=100",
                me["organization"]["id"]
            ),
            &maker,
        )
        .await?;
    let rows = &sheet.rows[2..];
    assert!(!rows.is_empty(), "the maker's drugs are filled in");
    for row in rows {
        let (code, name) = (&row[4], &row[5]);
        let known = mine["items"].as_array().into_iter().flatten().any(|p| {
            p["code"].as_str() == Some(code.as_str()) && p["name"].as_str() == Some(name.as_str())
        });
        assert!(known, "{code} {name} is one of the maker's drugs");
    }
    let (status, body) = app
        .upload(
            "/api/v1/supply-status-reports/upload",
            &maker,
            "iyakuhinkyoukyu.xlsx",
            bytes,
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["applied"].as_u64().unwrap_or(0) >= 2, "{body}");
    Ok(())
}

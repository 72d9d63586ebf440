//! The pages of the ministry's list: the ministry's form for an edition (the transfer's progress
//! bar, an edition imported, a wrong file refused naming its row and column, other roles
//! refused), and a maker's pre-filled download in the ministry's layout, uploaded back as it is.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use supplywatch_reports::ministry_list::HEADINGS;
use supplywatch_tests::{TestApp, backends};

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
    let app = TestApp::spawn(&backends()?.remove(0)).await?;
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

    let maker = TestApp::spawn(&backends()?.remove(0)).await?;
    maker.log_in_session("maker@demo.example").await?;
    assert_eq!(maker.page(PAGE).await?.0, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn a_maker_downloads_its_drugs_in_the_ministrys_layout_and_uploads_it_unchanged()
-> anyhow::Result<()> {
    let app = TestApp::spawn(&backends()?.remove(0)).await?;
    app.log_in_session("maker@demo.example").await?;
    let response = app
        .client
        .get(app.url("/my/supply-status/template.xlsx"))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await?.to_vec();
    assert!(bytes.starts_with(b"PK"));
    let maker = app.token("maker@demo.example").await?;
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

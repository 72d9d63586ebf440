//! Whole-file uploads: CSV (UTF-8, BOM, Shift_JIS) and the ministry's XLSX; a file with any error
//! is refused whole with every error listed, and changes nothing.

use reqwest::StatusCode;
use serde_json::Value;
use supplywatch_reports::status_sheet::{SheetRow, write_xlsx};
use supplywatch_tests::{Backend, TestApp, backends};

const HEADER: &str = "product_code,shipping_status,reason,causing_product_code,resolution_outlook,resolution_month,volume_status";
const UPLOAD: &str = "/api/v1/supply-status-reports/upload";

fn errors(body: &Value) -> Vec<(u64, String, String)> {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|x| {
                    (
                        x["row"].as_u64().unwrap_or(0),
                        x["field"].as_str().unwrap_or("").to_owned(),
                        x["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_file_with_errors_is_refused_whole_listing_every_row_and_column() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let before = app.shipping_status("2171022F5180", &ministry).await?;
        assert_ne!(before.as_deref(), Some("5"));
        let file = format!(
            "{HEADER}\n2171022F5180,5,3,,,2027-01,C\n2171022F5075,2,3,,,,B\n1123001X1013,2,3,,,,B\n2171022F6128,2,,,,,B\n2171022F6128,1,,,,,C\n"
        );
        let (status, body) = app
            .upload(UPLOAD, &maker, "status.csv", file.into_bytes())
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let found = errors(&body);
        let expected = [
            (3, "product_code", "not_own_product"),
            (4, "product_code", "check_digit"),
            (5, "reason", "required"),
            (6, "product_code", "duplicate"),
            (6, "volume_status", "contradiction"),
        ];
        for (row, field, code) in expected {
            assert!(
                found
                    .iter()
                    .any(|(r, f, c)| *r == row && f == field && c == code),
                "missing {row}/{field}/{code} in {found:?} on {}",
                backend.name()
            );
        }
        assert_eq!(
            body["errors"][0]["column"], "product_code",
            "the file's own heading is named"
        );
        assert_eq!(
            app.shipping_status("2171022F5180", &ministry).await?,
            before,
            "the valid first row was not applied"
        );

        let good = format!(
            "{HEADER}\n2171022F5180,5,3,,,2027-01,C\n2171022F6128,3,1,2171022F6020,未定,,B\n"
        );
        let (status, body) = app
            .upload(UPLOAD, &maker, "status.csv", good.into_bytes())
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["applied"], 2);
        assert_eq!(
            app.shipping_status("2171022F5180", &ministry)
                .await?
                .as_deref(),
            Some("5")
        );
        let knock_on = app
            .get_json("/api/v1/products/2171022F6128", &ministry)
            .await?;
        assert_eq!(
            knock_on["history"][0]["causing_product_code"],
            "2171022F6020"
        );
    }
    Ok(())
}

#[tokio::test]
async fn shift_jis_and_bom_files_are_read() -> anyhow::Result<()> {
    for backend in backends()? {
        shift_jis_and_bom_files_are_read_on(backend).await?;
    }
    Ok(())
}

async fn shift_jis_and_bom_files_are_read_on(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let ministry = app.token("ministry@demo.example").await?;
    // The ministry's headings in Shift_JIS, with labels instead of codes.
    let text = "⑤YJコード,⑫出荷対応の状況,⑬限定出荷／供給停止の理由,⑯出荷量の状況\r\n2171022F5180,限定出荷（自社の事情）,製造トラブル,B\r\n";
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let (status, body) = app
        .upload(UPLOAD, &maker, "sjis.csv", sjis.into_owned())
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let product = app
        .get_json("/api/v1/products/2171022F5180", &ministry)
        .await?;
    assert_eq!(product["status"]["reason"], "3");

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(format!("{HEADER}\r\n2171022F5180,1,,,,,A\r\n").as_bytes());
    let (status, body) = app.upload(UPLOAD, &maker, "bom.csv", bom).await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        app.shipping_status("2171022F5180", &ministry)
            .await?
            .as_deref(),
        Some("1")
    );
    Ok(())
}

fn sheet_row(code: &str, name: &str, shipping: &str, reason: &str, volume: &str) -> SheetRow {
    SheetRow {
        category: "内用薬".into(),
        code: code.into(),
        name: name.into(),
        maker_name: "沢井製薬".into(),
        shipping_status: shipping.into(),
        reason: reason.into(),
        volume_status: volume.into(),
        ..SheetRow::default()
    }
}

#[tokio::test]
async fn the_ministrys_xlsx_layout_is_read_and_its_master_columns_checked() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let wrong_name = write_xlsx(
            "供給状況報告",
            &[sheet_row(
                "2171022F5180",
                "アムロジピン錠５ｍｇ「サワイ」",
                "2. 限定出荷（自社の事情）",
                "3",
                "B",
            )],
        )?;
        let (status, body) = app
            .upload(UPLOAD, &maker, "report.xlsx", wrong_name)
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "⑥品名");
        assert_eq!(body["errors"][0]["code"], "master_mismatch");
        assert_eq!(
            body["errors"][0]["row"], 4,
            "the spreadsheet's own row number (title, blank, heading, data)"
        );

        let rows = [
            sheet_row(
                "2171022F5180",
                "アムロジピン錠１０ｍｇ「サワイ」",
                "2. 限定出荷（自社の事情）",
                "3. 製造トラブル",
                "B",
            ),
            sheet_row(
                "6241013F2209",
                "レボフロキサシン錠２５０ｍｇ「サワイ」",
                "5",
                "2",
                "C",
            ),
        ];
        let (status, body) = app
            .upload(
                UPLOAD,
                &maker,
                "report.xlsx",
                write_xlsx("供給状況報告", &rows)?,
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body} on {}", backend.name());
        assert_eq!(body["applied"], 2);
        assert_eq!(
            app.shipping_status("6241013F2209", &ministry)
                .await?
                .as_deref(),
            Some("5")
        );
    }
    Ok(())
}

#[tokio::test]
async fn files_that_cannot_be_read_are_refused_with_a_reason() -> anyhow::Result<()> {
    for backend in backends()? {
        files_that_cannot_be_read_are_refused_with_a_reason_on(backend).await?;
    }
    Ok(())
}

async fn files_that_cannot_be_read_are_refused_with_a_reason_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let (status, body) = app
        .upload(UPLOAD, &maker, "x.csv", b"name,status\nx,1\n".to_vec())
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["code"], "missing_column");
    let (status, body) = app
        .upload(
            UPLOAD,
            &maker,
            "x.xlsx",
            b"PK\x03\x04 not really a zip".to_vec(),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["code"], "xlsx");
    let (status, body) = app
        .upload(UPLOAD, &maker, "x.csv", format!("{HEADER}\n").into_bytes())
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["code"], "empty");
    Ok(())
}

/// The page's upload form, posted with the session's form token; the status and the page.
async fn upload_through_page(
    app: &TestApp,
    bytes: Vec<u8>,
) -> anyhow::Result<(StatusCode, String)> {
    let (_, form) = app.page("/my/supply-status/upload").await?;
    let csrf = form
        .split_once("name=\"csrf_token\" value=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(t, _)| t.to_owned())
        .unwrap_or_default();
    let part = reqwest::multipart::Part::bytes(bytes).file_name("状況報告.csv");
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .part("file", part);
    let response = app
        .client
        .post(app.url("/my/supply-status/upload"))
        .multipart(form)
        .send()
        .await?;
    Ok((response.status(), response.text().await?))
}

#[tokio::test]
async fn the_template_has_japanese_headings_and_is_accepted_back_unchanged() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        app.log_in_session("maker@demo.example").await?;
        let response = app
            .client
            .get(app.url("/my/supply-status/template.csv"))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let template = response.bytes().await?.to_vec();
        let text = String::from_utf8(template.clone())?;
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headings: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
        assert_eq!(
            headings,
            [
                "⑤YJコード",
                "⑫出荷対応の状況",
                "⑭限定出荷／供給停止の理由",
                "原因医薬品のコード",
                "⑮限定出荷の解除見込み／供給停止の解消見込み",
                "解消見込み月（YYYY-MM）",
                "⑰出荷量の状況",
                "⑥品名",
            ]
        );
        let mut rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| Ok(r?.iter().map(str::to_owned).collect()))
            .collect::<anyhow::Result<_>>()?;
        assert!(rows.len() >= 2, "the maker's drugs: {text}");

        // Back unchanged: accepted whole.
        let (status, page) = upload_through_page(&app, template).await?;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains(&format!("の {} 件を受け付けました", rows.len())),
            "{page}"
        );

        // A slip in ⑫ is named by the file's own heading.
        rows[0][1] = "9".into();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&headings)?;
        for row in &rows {
            writer.write_record(row)?;
        }
        let (status, page) = upload_through_page(&app, writer.into_inner()?).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("<td class=\"num\">2</td><td>⑫出荷対応の状況</td>"),
            "{page}"
        );
    }
    Ok(())
}

//! Makers upload the file they already fill in: the ministry's current layout (①–⑳, its words,
//! ⑬⑳ dates ignored), the 2025 layout (①–⑱) and our own codes all read by the same row parser;
//! ①–⑪ are checked only where they identify the drug.

use reqwest::StatusCode;
use serde_json::Value;
use supplywatch_reports::ministry_list::HEADINGS;
use supplywatch_tests::{Backend, TestApp, backends};

const UPLOAD: &str = "/api/v1/supply-status-reports/upload";

async fn public_line(app: &TestApp, code: &str) -> anyhow::Result<String> {
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/public/supply-status?format=csv&q={code}")))
        .send()
        .await?
        .text()
        .await?;
    Ok(csv
        .lines()
        .find(|l| l.contains(code))
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test]
async fn the_current_layout_in_the_ministrys_words_is_read_and_published_back() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        // ①② and ⑧ in the ministry's wording differ from our master: never a reason to refuse.
        let file = format!(
            "{}\r\n1：内用薬,血圧降下剤,アムロジピンベシル酸塩,１０ｍｇ１錠,2171022F5180,アムロジピン錠１０ｍｇ「サワイ」,沢井製薬,2：後発品,2：対象外,,2009-05-15,②限定出荷（自社の事情）,2026-08-18,３．製造トラブル（製造委託を含む）,ウ. 未定,2026年10月頃出荷再開見込み,B．出荷量減少,e．３か月超,110,2026-08-18,New\r\n",
            HEADINGS.join(",")
        );
        let (status, body) = app
            .upload(UPLOAD, &maker, "iyakuhinkyoukyu.csv", file.into_bytes())
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body} on {}", backend.name());
        let product: Value = app
            .get_json("/api/v1/products/2171022F5180", &ministry)
            .await?;
        assert_eq!(product["status"]["shipping_status"], "2");
        assert_eq!(product["status"]["reason"], "3");
        assert_eq!(product["history"][0]["improvement_timing"], "e");
        assert_eq!(product["history"][0]["improvement_percent"], 110);
        assert_eq!(
            product["history"][0]["resolution_note"],
            "2026年10月頃出荷再開見込み"
        );
        assert_eq!(product["history"][0]["resolution_outlook"], "未定");
        assert_eq!(
            product["history"][0]["resolution_month"], "2026-10",
            "the month of ⑯'s text"
        );
        let line = public_line(&app, "2171022F5180").await?;
        assert!(
            line.contains(",②限定出荷（自社の事情）,")
                && line.contains(",３．製造トラブル（製造委託を含む）,ウ. 未定,2026年10月頃出荷再開見込み,B．出荷量減少,e．３か月超,110,"),
            "{line}"
        );

        // A wrong ⑥ still names the row and the column.
        let wrong = format!(
            "{}\r\n1：内用薬,血圧降下剤,アムロジピンベシル酸塩,５ｍｇ１錠,2171022F5180,アムロジピン錠５ｍｇ「サワイ」,沢井製薬,2：後発品,2：対象外,,2009-05-15,①通常出荷,,７．－,エ. －,,A．出荷量通常,,,2026-08-18,\r\n",
            HEADINGS.join(",")
        );
        let (status, body) = app
            .upload(UPLOAD, &maker, "wrong.csv", wrong.into_bytes())
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "⑥品名");
        assert_eq!(body["errors"][0]["row"], 2);
    }
    Ok(())
}

#[tokio::test]
async fn the_2025_layout_and_our_own_codes_are_read_by_the_same_parser() -> anyhow::Result<()> {
    for backend in backends()? {
        the_2025_layout_and_our_own_codes_are_read_by_the_same_parser_on(backend).await?;
    }
    Ok(())
}

async fn the_2025_layout_and_our_own_codes_are_read_by_the_same_parser_on(
    backend: Backend,
) -> anyhow::Result<()> {
    let app = TestApp::spawn(&backend).await?;
    let maker = app.token("maker@demo.example").await?;
    let ministry = app.token("ministry@demo.example").await?;
    let older = "①薬剤区分,②薬効分類,③成分名,④規格単位,⑤YJコード,⑥品名,⑦製造販売業者名,⑧製品区分,⑨基礎的医薬品,⑩安定確保医薬品,⑪薬価収載年月日,⑫製造販売業者の\n「出荷対応」の状況,⑬限定出荷／供給停止の理由,⑭限定出荷の解除見込み／供給停止の解消見込み,⑮限定出荷の解除見込み時期／供給停止の解消見込み時期／販売中止品の在庫消尽時期,⑯製造販売業者の「出荷量」の状況,⑰当該品目の情報を更新した日,⑱今回掲載時の更新有無\r\n内用薬,214,アムロジピンベシル酸塩,１０ｍｇ１錠,2171022F5180,アムロジピン錠１０ｍｇ「サワイ」,沢井製薬,後発品,,,,⑤供給停止,２．原材料調達上の問題,ア．あり,2027年1月,C．出荷停止,2025-04-01,\r\n";
    let quoted = older.replacen(
        "⑫製造販売業者の\n「出荷対応」の状況",
        "\"⑫製造販売業者の\n「出荷対応」の状況\"",
        1,
    );
    let (status, body) = app
        .upload(UPLOAD, &maker, "2025.csv", quoted.into_bytes())
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let product: Value = app
        .get_json("/api/v1/products/2171022F5180", &ministry)
        .await?;
    assert_eq!(product["status"]["shipping_status"], "5");
    assert_eq!(product["status"]["reason"], "2");
    assert_eq!(product["history"][0]["resolution_outlook"], "あり");
    assert_eq!(product["history"][0]["resolution_month"], "2027-01");
    assert_eq!(product["status"]["volume_status"], "C");

    let ours = "product_code,shipping_status,reason,resolution_outlook,volume_status,improvement_timing,improvement_percent\r\n2171022F5180,1,7,－,A+,a,120\r\n";
    let (status, body) = app
        .upload(UPLOAD, &maker, "ours.csv", ours.as_bytes().to_vec())
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let line = public_line(&app, "2171022F5180").await?;
    assert!(
        line.contains(",①通常出荷,") && line.contains(",Aプラス．出荷量増加,a．即時,120,"),
        "{line}"
    );
    Ok(())
}

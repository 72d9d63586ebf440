//! A maker names its 特定医薬品供給体制管理責任者 on its contacts page (every broken rule beside its
//! field, nothing stored then); the ministry's 報告徴収 reaches that person too, and the drug case
//! names the person to the ministry and the maker — on both databases.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use supplywatch::db::entity::{audit_log, organization, outbox_message};
use supplywatch_tests::app::browser_like_client;
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, backends};

/// maker@'s drug.
const DRUG: &str = "2171022F5180";
const MANAGER_EMAIL: &str = "sekinin@maker.demo.example";

fn csrf_token(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Logs in through the form; returns the client and the contacts page's form token.
async fn log_in(app: &TestApp, email: &str) -> anyhow::Result<(reqwest::Client, String)> {
    let client = browser_like_client()?;
    let page = client.get(app.url("/login")).send().await?.text().await?;
    let token = csrf_token(&page).ok_or_else(|| anyhow::anyhow!("no form token"))?;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &token),
            ("next", "/"),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == StatusCode::SEE_OTHER,
        "login gave {}",
        response.status()
    );
    let contacts = client
        .get(app.url("/my/contacts"))
        .send()
        .await?
        .text()
        .await?;
    let token = csrf_token(&contacts).ok_or_else(|| anyhow::anyhow!("no page token"))?;
    Ok((client, token))
}

async fn maker_org(app: &TestApp) -> anyhow::Result<organization::Model> {
    organization::Entity::find()
        .filter(organization::Column::Name.eq("沢井製薬"))
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no 沢井製薬"))
}

#[tokio::test]
async fn a_maker_names_its_responsible_person_and_a_bad_form_stores_nothing() -> anyhow::Result<()>
{
    for backend in backends()? {
        names_its_responsible_person_on(backend).await?;
    }
    Ok(())
}

#[expect(
    clippy::too_many_lines,
    reason = "one maker's journey: naming, refusals, the mail and the case"
)]
async fn names_its_responsible_person_on(backend: Backend) -> anyhow::Result<()> {
    let name = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let (maker, token) = log_in(&app, "maker@demo.example").await?;
    let page = maker
        .get(app.url("/my/contacts"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains("特定医薬品供給体制管理責任者") && page.contains("まだ登録されていません"),
        "{name}"
    );

    let refused = maker
        .post(app.url("/my/supply-manager"))
        .form(&[
            ("name", "  "),
            ("title", "信頼性保証部長"),
            ("email", "sekinin@"),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
    let page = refused.text().await?;
    assert!(
        page.contains("氏名を入力してください")
            && page.contains("メールアドレス「sekinin@」の形式が正しくありません")
            && page.contains("value=\"信頼性保証部長\""),
        "the form comes back with what was typed and each field's rule on {name}"
    );
    assert_eq!(
        maker_org(&app).await?.supply_manager_name,
        None,
        "nothing stored on {name}"
    );

    let stored = maker
        .post(app.url("/my/supply-manager"))
        .form(&[
            ("name", "山田 太郎"),
            ("title", "信頼性保証部長"),
            ("email", "Sekinin@Maker.Demo.Example"),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    assert_eq!(stored.status(), StatusCode::SEE_OTHER, "{name}");
    let org = maker_org(&app).await?;
    assert_eq!(
        (
            org.supply_manager_name.as_deref(),
            org.supply_manager_title.as_deref(),
            org.supply_manager_email.as_deref()
        ),
        (
            Some("山田 太郎"),
            Some("信頼性保証部長"),
            Some(MANAGER_EMAIL)
        ),
        "{name}"
    );
    let page = maker
        .get(app.url("/my/contacts?saved=1"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains("登録しました") && page.contains(&format!("value=\"{MANAGER_EMAIL}\"")),
        "{name}"
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("organization.supply_manager"))
        .all(&app.db)
        .await?;
    assert_eq!(audited.len(), 1, "{name}");
    assert_eq!(
        audited[0].detail.as_deref(),
        Some("山田 太郎（信頼性保証部長）")
    );

    // Without the form's token, or as another role, nothing changes.
    let forged = maker
        .post(app.url("/my/supply-manager"))
        .form(&[("name", "偽者"), ("email", "x@example.jp")])
        .send()
        .await?;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{name}");
    let (wholesaler, wholesaler_token) = log_in(&app, "wholesaler@demo.example").await?;
    let page = wholesaler
        .get(app.url("/my/contacts"))
        .send()
        .await?
        .text()
        .await?;
    assert!(!page.contains("supply-manager"), "{name}");
    let refused = wholesaler
        .post(app.url("/my/supply-manager"))
        .form(&[
            ("name", "卸の担当"),
            ("email", "x@example.jp"),
            ("csrf_token", &wholesaler_token),
        ])
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{name}");
    assert_eq!(
        maker_org(&app).await?.supply_manager_name.as_deref(),
        Some("山田 太郎"),
        "{name}"
    );
    Ok(())
}

#[tokio::test]
async fn a_report_request_reaches_the_responsible_person_and_the_case_names_the_person()
-> anyhow::Result<()> {
    for backend in backends()? {
        reaches_the_responsible_person_on(backend).await?;
    }
    Ok(())
}

async fn reaches_the_responsible_person_on(backend: Backend) -> anyhow::Result<()> {
    let name = backend.name();
    let app = TestApp::spawn(&backend).await?;
    let (maker_page, token) = log_in(&app, "maker@demo.example").await?;
    let stored = maker_page
        .post(app.url("/my/supply-manager"))
        .form(&[
            ("name", "山田 太郎"),
            ("title", ""),
            ("email", MANAGER_EMAIL),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    assert_eq!(stored.status(), StatusCode::SEE_OTHER, "{name}");

    let maker = app.token("maker@demo.example").await?;
    let ministry = app.token("ministry@demo.example").await?;
    let (status, filed) = app
        .post_json(
            "/api/v1/supply-risk-reports",
            &maker,
            &json!({"product_code": DRUG, "cause": "2", "details": "原薬の入荷遅延", "stock_months": "1.5"}),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let case = filed["case_id"].as_i64().unwrap_or_default();
    let due =
        (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive() + chrono::Duration::days(7);
    let (status, body) = app
        .post_json(
            &format!("/api/v1/cases/{case}/transitions"),
            &ministry,
            &json!({"action": "request_report", "due_on": due.to_string()}),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");

    let asked = outbox_message::Entity::find()
        .filter(outbox_message::Column::Subject.contains("報告徴収"))
        .all(&app.db)
        .await?;
    let mut recipients: Vec<(&str, &str)> = asked
        .iter()
        .map(|m| (m.recipient_email.as_str(), m.recipient_name.as_str()))
        .collect();
    recipients.sort_unstable();
    assert!(
        recipients.contains(&(MANAGER_EMAIL, "特定医薬品供給体制管理責任者 山田 太郎")),
        "{recipients:?} on {name}"
    );
    assert!(
        recipients
            .iter()
            .any(|(email, _)| *email == "supply@maker.demo.example"),
        "the supply contact is still asked: {recipients:?}"
    );

    let (ministry_page, _) = log_in(&app, "ministry@demo.example").await?;
    for client in [&ministry_page, &maker_page] {
        let page = client
            .get(app.url(&format!("/cases/{case}")))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            page.contains("特定医薬品供給体制管理責任者")
                && page.contains("山田 太郎")
                && page.contains(MANAGER_EMAIL),
            "case {case} on {name}"
        );
    }
    Ok(())
}

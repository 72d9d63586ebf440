//! The answers to the ministry's requests on a drug case, over the API and the pages on both
//! databases: a lead time of 1.5 months, several "not possible" reasons at once (an array, a
//! single string, checkboxes), totals that sum only what adds up and give months of stock per
//! maker with their minimum and median (never a sum), makers whose own same-spec product is
//! stopped left out of requests and shown greyed with the reason, and the association's own form.

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{Value, json};
use supplywatch::domain::Role;
use supplywatch::services::accounts::{self, NewUser};
use supplywatch::services::audit::Actor;
use supplywatch_tests::{DEMO_PASSWORD, TestApp, backends};

/// maker@'s (沢井製薬) drug; 東和薬品 (maker2@), 住友ファーマ and ヴィアトリス製薬 make same-spec
/// products.
const DRUG: &str = "2171022F5180";
/// 東和薬品's same-spec product.
const TOWA_DRUG: &str = "2171022F5075";
/// A login for 住友ファーマ, made by the test (the demo has none).
const SUMITOMO: &str = "supply@sumitomo.test.example";

async fn org_id(app: &TestApp, token: &str) -> anyhow::Result<i64> {
    let me = app.get_json("/api/v1/me", token).await?;
    Ok(me["organization"]["id"].as_i64().unwrap_or_default())
}

/// A user for 住友ファーマ with the demo password.
async fn sumitomo_login(app: &TestApp) -> anyhow::Result<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use supplywatch::db::entity::organization;
    let org = organization::Entity::find()
        .filter(organization::Column::Name.eq("住友ファーマ"))
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no 住友ファーマ in the demo"))?;
    accounts::create_user(
        &app.db,
        &NewUser {
            email: SUMITOMO,
            display_name: "住友ファーマ 供給担当",
            role: Role::Manufacturer,
            organization_id: org.id,
            password: DEMO_PASSWORD,
        },
        &Actor::system("test"),
        Utc::now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    app.token(SUMITOMO).await
}

/// A drug case of `DRUG` taken to the decision, so that 協力要請 may be sent without consent.
async fn decided_case(app: &TestApp, maker: &str, ministry: &str) -> anyhow::Result<i64> {
    let (status, filed) = app
        .post_json(
            "/api/v1/supply-risk-reports",
            maker,
            &json!({"product_code": DRUG, "cause": "2"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{filed}");
    let case = filed["case_id"].as_i64().unwrap_or_default();
    let transitions = format!("/api/v1/cases/{case}/transitions");
    let (status, body) = app
        .post_json(&transitions, ministry, &json!({"action": "request_report"}))
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "request_report: {body}");
    let (status, body) = app
        .post_json(
            "/api/v1/supply-risk-reports",
            maker,
            &json!({"product_code": DRUG, "case_id": case, "cause": "2"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "follow-up: {body}");
    let (status, body) = app
        .post_json(
            &transitions,
            ministry,
            &json!({"action": "decide", "decision": "response_needed"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::OK, "decide: {body}");
    Ok(case)
}

/// The id of the newest request to the caller's organisation.
async fn newest_request(app: &TestApp, token: &str) -> anyhow::Result<i64> {
    let listed = app.get_json("/api/v1/substitute-requests", token).await?;
    listed["items"][0]["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("no request: {listed}"))
}

async fn answer(
    app: &TestApp,
    token: &str,
    request: i64,
    body: &Value,
) -> anyhow::Result<(StatusCode, Value)> {
    app.post_json(
        &format!("/api/v1/substitute-requests/{request}/responses"),
        token,
        body,
    )
    .await
}

/// The ministry's section of the case page, as htmx loads it (with the app client's session).
async fn case_partial(app: &TestApp, case: i64) -> anyhow::Result<String> {
    Ok(app
        .client
        .get(app.url(&format!("/cases/{case}/substitutes")))
        .header("HX-Request", "true")
        .send()
        .await?
        .text()
        .await?)
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one case: three makers asked, two answer, the totals read back"
)]
async fn totals_give_months_per_maker_with_minimum_and_median_and_never_their_sum()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let sumitomo = sumitomo_login(&app).await?;
        let case = decided_case(&app, &maker, &ministry).await?;
        let requests = format!("/api/v1/cases/{case}/requests");
        let (status, sent) = app
            .post_json(&requests, &ministry, &json!({"kind": "cooperation"}))
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(sent["items"].as_array().map(Vec::len), Some(3), "{sent}");

        // 東和: 1.0 month of stock, can increase after 1.5 months by 800 a month.
        let towa_request = newest_request(&app, &maker2).await?;
        let (status, body) = answer(
            &app,
            &maker2,
            towa_request,
            &json!({"stock_months": 1.0, "can_increase": true, "increase_percent": 20,
                    "lead_time_months": 1.5, "extra_units_per_month": 800}),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["response"]["lead_time_months"], "1.5", "{body}");
        // A lead time with two decimals is refused, naming the field.
        let (status, body) = answer(
            &app,
            &maker2,
            towa_request,
            &json!({"can_increase": true, "increase_percent": 20, "lead_time_months": "1.55"}),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "lead_time_months", "{body}");

        // 住友: 2.5 months, cannot increase for two reasons at once (an array).
        let sumitomo_request = newest_request(&app, &sumitomo).await?;
        let (status, body) = answer(
            &app,
            &sumitomo,
            sumitomo_request,
            &json!({"stock_months": "2.5", "can_increase": false,
                    "not_possible_reason": ["staff", "raw_materials"]}),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            (
                &body["response"]["not_possible_reasons"],
                &body["response"]["not_possible_reason"]
            ),
            (
                &json!(["raw_materials", "staff"]),
                &json!("raw_materials,staff")
            ),
            "{body}"
        );
        // A single string is still accepted (older clients).
        let (status, body) = answer(
            &app,
            &sumitomo,
            sumitomo_request,
            &json!({"stock_months": "2.5", "can_increase": false, "not_possible_reason": "equipment"}),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            body["response"]["not_possible_reasons"],
            json!(["equipment"])
        );
        let (status, body) = answer(
            &app,
            &sumitomo,
            sumitomo_request,
            &json!({"stock_months": "2.5", "can_increase": false,
                    "not_possible_reason": ["raw_materials", "staff"]}),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        let side = app.get_json(&requests, &ministry).await?;
        let totals = &side["totals"];
        assert_eq!(
            (&totals["asked"], &totals["answered"]),
            (&json!(3), &json!(2)),
            "{side}"
        );
        assert_eq!(totals["can_increase"], 1, "{totals}");
        assert_eq!(totals["extra_units_per_month"], 800, "{totals}");
        assert_eq!(totals["shortest_lead_time_months"], "1.5", "{totals}");
        assert_eq!(totals["stock_months_min"], "1.0", "{totals}");
        assert_eq!(totals["stock_months_median"], "1.75", "{totals}");
        let per_maker: Vec<(&str, &str)> = totals["stock_months_by_maker"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                (
                    m["organization_name"].as_str().unwrap_or_default(),
                    m["stock_months"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(per_maker.len(), 2, "{totals}");
        assert!(per_maker.contains(&("東和薬品", "1.0")), "{totals}");
        assert!(per_maker.contains(&("住友ファーマ", "2.5")), "{totals}");
        assert!(
            !totals.to_string().contains("3.5"),
            "months of stock are never summed: {totals}"
        );

        // The case page: per maker, minimum and median; the two reasons as labels.
        app.log_in_session("ministry@demo.example").await?;
        let partial = case_partial(&app, case).await?;
        let footer = partial
            .split_once("id=\"answer-totals\"")
            .map(|(_, rest)| rest.split_once("</tr>").map_or(rest, |(row, _)| row))
            .unwrap_or_default();
        for expected in [
            "東和薬品 1.0か月",
            "住友ファーマ 2.5か月",
            "最小 1.0か月",
            "中央値 1.75か月",
            "最短 1.5か月",
            "800",
        ] {
            assert!(footer.contains(expected), "{expected}: {footer}");
        }
        assert!(!footer.contains("3.5か月"), "{footer}");
        assert!(partial.contains("原材料・人員"), "{partial}");
        assert!(!partial.contains("raw_materials"), "{partial}");
    }
    Ok(())
}

#[tokio::test]
async fn makers_whose_own_same_spec_product_is_stopped_are_left_out_and_shown_greyed()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let maker2 = app.token("maker2@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let towa = org_id(&app, &maker2).await?;
        // 東和's own same-spec product stops (⑫ ⑤).
        let (status, body) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker2,
                &json!({"product_code": TOWA_DRUG, "shipping_status": "5", "reason": "3", "volume_status": "D"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let case = decided_case(&app, &maker, &ministry).await?;
        let requests = format!("/api/v1/cases/{case}/requests");
        let (status, sent) = app
            .post_json(&requests, &ministry, &json!({"kind": "cooperation"}))
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        let asked: Vec<&str> = sent["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["organization_name"].as_str())
            .collect();
        assert_eq!(
            asked,
            ["住友ファーマ", "ヴィアトリス製薬"],
            "東和 is left out: {sent}"
        );
        let towa_requests = app.get_json("/api/v1/substitute-requests", &maker2).await?;
        assert!(
            towa_requests["items"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|r| r["case_id"] != json!(case)),
            "{towa_requests}"
        );
        // Named, it is refused with the reason.
        let (status, body) = app
            .post_json(
                &requests,
                &ministry,
                &json!({"kind": "information", "organization_ids": [towa]}),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body.to_string().contains("自社の同一規格品が供給停止中"),
            "{body}"
        );

        app.log_in_session("ministry@demo.example").await?;
        let partial = case_partial(&app, case).await?;
        let listed_makers = partial
            .split_once("id=\"substitute-makers\"")
            .and_then(|(_, rest)| rest.split_once("</p>"))
            .map(|(line, _)| line)
            .unwrap_or_default();
        assert!(
            listed_makers.contains(
                "<span class=\"excluded-recipient\" title=\"依頼の対象外：自社の同一規格品が供給停止中\">東和薬品（依頼の対象外：自社の同一規格品が供給停止中）</span>"
            ),
            "{listed_makers}"
        );
        assert!(
            listed_makers.contains("<span class=\"recipient\">住友ファーマ</span>"),
            "{listed_makers}"
        );
        // Back in normal supply, 東和 is asked again.
        let (status, body) = app
            .post_json(
                "/api/v1/supply-status-reports",
                &maker2,
                &json!({"product_code": TOWA_DRUG, "shipping_status": "1", "volume_status": "A"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = app
            .post_json(
                &requests,
                &ministry,
                &json!({"kind": "information", "organization_ids": [towa]}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    Ok(())
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "the association's page, refusals, its form and the ministry's view"
)]
async fn an_association_answers_in_its_own_form_and_the_ministry_sees_it() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let association = app.token("association@demo.example").await?;
        let association_id = org_id(&app, &association).await?;
        let case = decided_case(&app, &maker, &ministry).await?;
        let requests = format!("/api/v1/cases/{case}/requests");
        let (status, sent) = app
            .post_json(
                &requests,
                &ministry,
                &json!({"kind": "cooperation", "association_ids": [association_id]}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        let request = newest_request(&app, &association).await?;

        // Its page: the association's form, not the maker's; a menu entry to its requests.
        app.log_in_session("association@demo.example").await?;
        let (status, page) = app
            .page(&format!("/my/substitute-requests/{request}"))
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("id=\"association-answer-form\""), "{page}");
        assert!(page.contains("name=\"members_reached\""), "{page}");
        assert!(!page.contains("name=\"stock_months\""), "{page}");
        assert!(!page.contains("name=\"increase_percent\""), "{page}");
        assert!(
            page.contains("<a href=\"/my/substitute-requests\">協力依頼</a>"),
            "the association's menu entry"
        );
        let (_, list) = app.page("/my/substitute-requests").await?;
        assert!(
            list.contains("会員企業への周知状況をご回答ください"),
            "{list}"
        );
        assert!(!list.contains("増産の可否をご回答ください"), "{list}");
        let (_, home) = app.page("/").await?;
        assert!(home.contains("回答待ちの協力依頼"), "{home}");
        assert!(
            home.contains(&format!("/my/substitute-requests/{request}")),
            "{home}"
        );

        // A maker's figures are refused; relayed without a count too.
        let (status, body) = answer(
            &app,
            &association,
            request,
            &json!({"stock_months": 2, "can_increase": true}),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = answer(
            &app,
            &association,
            request,
            &json!({"relayed_to_members": true}),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "members_reached", "{body}");

        // Through its form, as a browser posts it.
        let token_marker = "name=\"csrf_token\" value=\"";
        let csrf = page
            .split_once(token_marker)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(t, _)| t.to_owned())
            .unwrap_or_default();
        let response = app
            .client
            .post(app.url(&format!("/my/substitute-requests/{request}/responses")))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("relayed_to_members", "true"),
                ("members_reached", "85"),
                ("note", "会員各社へ一斉メールで周知しました"),
            ])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let shown = app
            .get_json(
                &format!("/api/v1/substitute-requests/{request}"),
                &association,
            )
            .await?;
        assert_eq!(
            shown["response"]["relay"],
            json!({"relayed_to_members": true, "members_reached": 85, "note": "会員各社へ一斉メールで周知しました"}),
            "{shown}"
        );
        assert_eq!(shown["response"]["stock_months"], Value::Null);

        // The ministry sees it on the case page, apart from the makers' figures.
        let side = app.get_json(&requests, &ministry).await?;
        assert_eq!(side["totals"]["associations_relayed"], 1, "{side}");
        assert_eq!(side["totals"]["stock_months_by_maker"], json!([]), "{side}");
        app.log_in_session("ministry@demo.example").await?;
        let partial = case_partial(&app, case).await?;
        let table = partial
            .split_once("id=\"association-answers\"")
            .map(|(_, rest)| rest.split_once("</table>").map_or(rest, |(t, _)| t))
            .unwrap_or_default();
        for expected in [
            "デモ医薬品供給協議会",
            "周知した",
            "85社",
            "会員各社へ一斉メールで周知しました",
        ] {
            assert!(table.contains(expected), "{expected}: {table}");
        }
    }
    Ok(())
}

/// How many answers are stored, whoever gave them.
async fn stored_answers(app: &TestApp) -> anyhow::Result<u64> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use supplywatch::db::entity::substitute_response;
    Ok(substitute_response::Entity::find().count(&app.db).await?)
}

/// The CSRF token of a page's form.
fn csrf_of(page: &str) -> String {
    page.split_once("name=\"csrf_token\" value=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(t, _)| t.to_owned())
        .unwrap_or_default()
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one case: two wholesalers asked, the form, refusals, answers and the ministry's view"
)]
async fn a_wholesaler_answers_with_its_stock_and_shipments_and_the_ministry_sees_their_sums()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let ministry = app.token("ministry@demo.example").await?;
        let north = app.token("wholesaler@demo.example").await?;
        let south = app.token("wholesaler2@demo.example").await?;
        let wholesaler_ids = [org_id(&app, &north).await?, org_id(&app, &south).await?];
        let case = decided_case(&app, &maker, &ministry).await?;
        let requests = format!("/api/v1/cases/{case}/requests");
        let (status, sent) = app
            .post_json(
                &requests,
                &ministry,
                &json!({"kind": "information", "wholesaler_ids": wholesaler_ids,
                        "message": "在庫と出荷の状況をお知らせください"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        let request = newest_request(&app, &north).await?;
        let shown = app
            .get_json(&format!("/api/v1/substitute-requests/{request}"), &north)
            .await?;
        assert_eq!(shown["organization_kind"], "wholesaler", "{shown}");
        let before = stored_answers(&app).await?;

        // Its page: the wholesaler's form, not the maker's; a menu entry to its requests.
        app.log_in_session("wholesaler@demo.example").await?;
        let page_path = format!("/my/substitute-requests/{request}");
        let (_, home) = app.page("/").await?;
        let waiting = home
            .split_once("id=\"wholesaler-requests\"")
            .map(|(_, rest)| rest.split("</section>").next().unwrap_or_default())
            .unwrap_or_default();
        assert!(
            waiting.contains(&page_path) && waiting.contains("在庫数量と直近1か月の出荷数量"),
            "the request waits on the wholesaler's home: {home}"
        );
        let (status, page) = app.page(&page_path).await?;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("id=\"wholesaler-answer-form\""), "{page}");
        for field in ["stock_units", "shipped_last_month", "stock_outlook_months"] {
            assert!(
                page.contains(&format!("name=\"{field}\"")),
                "{field}: {page}"
            );
        }
        for field in ["stock_months", "increase_percent", "members_reached"] {
            assert!(
                !page.contains(&format!("name=\"{field}\"")),
                "{field}: {page}"
            );
        }
        assert!(
            page.contains("<a href=\"/my/substitute-requests\">照会・協力依頼</a>"),
            "the wholesaler's menu entry"
        );

        // A maker's figures are refused, and so is a negative stock, each named; nothing stored.
        let (status, body) = answer(
            &app,
            &north,
            request,
            &json!({"stock_months": 2, "can_increase": true}),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "stock_months", "{body}");
        let (status, body) = answer(
            &app,
            &north,
            request,
            &json!({"stock_units": -5, "shipped_last_month": 300, "shipment_limited": false}),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "stock_units", "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("在庫数量「-5」"), "{body}");
        let csrf = csrf_of(&page);
        let response = app
            .client
            .post(app.url(&format!("{page_path}/responses")))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("stock_units", "1200"),
                ("shipped_last_month", "八百"),
                ("shipment_limited", "true"),
            ])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused = response.text().await?;
        assert!(
            refused.contains("直近1か月の出荷数量「八百」は 0～"),
            "{refused}"
        );
        assert!(
            refused.contains("出荷調整を行っている場合は、その内容"),
            "{refused}"
        );
        assert!(
            refused.contains("value=\"1200\""),
            "kept as typed: {refused}"
        );
        assert_eq!(stored_answers(&app).await?, before, "nothing stored");

        // Through its form, as a browser posts it; the other wholesaler through the API.
        let response = app
            .client
            .post(app.url(&format!("{page_path}/responses")))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("stock_units", "１,２００"),
                ("shipped_last_month", "800"),
                ("stock_outlook_months", "1.5"),
                ("shipment_limited", "true"),
                ("remarks", "既存の取引先のみ、前年同月実績の8割まで"),
            ])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, page) = app.page(&page_path).await?;
        assert!(page.contains("1200包装"), "{page}");
        let (_, home) = app.page("/").await?;
        assert!(
            home.contains("id=\"wholesaler-requests\"") && !home.contains(&page_path),
            "an answered request leaves the home"
        );
        let south_request = newest_request(&app, &south).await?;
        let (status, body) = answer(
            &app,
            &south,
            south_request,
            &json!({"stock_units": 300, "shipped_last_month": "200", "shipment_limited": false}),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            body["response"]["stock"],
            json!({"stock_units": 300, "shipped_last_month": 200, "stock_outlook_months": null,
                   "shipment_limited": false, "remarks": null}),
            "{body}"
        );
        assert_eq!(body["response"]["stock_months"], Value::Null);

        // The ministry: both answers, the stock and shipments summed, no months mixed with the
        // makers'.
        let side = app.get_json(&requests, &ministry).await?;
        let totals = &side["totals"];
        assert_eq!(
            [
                &totals["wholesalers_reported"],
                &totals["wholesaler_stock_units"],
                &totals["wholesaler_shipped_last_month"],
                &totals["wholesalers_limiting"],
            ],
            [&json!(2), &json!(1500), &json!(1000), &json!(1)],
            "{side}"
        );
        assert_eq!(totals["stock_months_by_maker"], json!([]), "{side}");
        let north_item = side["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["id"] == request))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            north_item["response"]["stock"]["stock_outlook_months"], "1.5",
            "{north_item}"
        );
        app.log_in_session("ministry@demo.example").await?;
        let partial = case_partial(&app, case).await?;
        let table = partial
            .split_once("id=\"wholesaler-answers\"")
            .map(|(_, rest)| rest.split_once("</table>").map_or(rest, |(t, _)| t))
            .unwrap_or_default();
        for expected in [
            "デモ北日本薬品卸",
            "デモ南海メディカル",
            "<td>1200</td>",
            "<td>800</td>",
            "1.5か月",
            "行っている",
            "既存の取引先のみ、前年同月実績の8割まで",
            "<strong>1500</strong>",
            "<strong>1000</strong>",
        ] {
            assert!(table.contains(expected), "{expected}: {table}");
        }
        let makers = partial
            .split_once("id=\"answers-table\"")
            .map(|(_, rest)| rest.split_once("</table>").map_or(rest, |(t, _)| t))
            .unwrap_or_default();
        assert!(!makers.contains("デモ北日本薬品卸"), "{makers}");
    }
    Ok(())
}

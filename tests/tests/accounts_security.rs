//! Accounts as the ministry's security guideline asks, over the API and the pages, on every
//! configured database: the administrator kept out of confidential cases, reads of them audited
//! and filtered on the audit page, tokens revocable, password change with policy and history,
//! and the TOTP second factor (enrolment, replay refused, recovery codes, two-step login page,
//! enrolment forced for the roles that need it, reset by an administrator).

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use supplywatch::db::entity::{audit_log, user};
use supplywatch::domain::Role;
use supplywatch_tests::{DEMO_PASSWORD, TestApp, backends};
use totp_rs::{Algorithm, Secret, TOTP};

const DRUG: &str = "2171022F5180";

async fn login(app: &TestApp, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(body)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

/// The code of `secret` `steps` time steps from now.
fn code(secret: &str, steps: i64) -> anyhow::Result<String> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes, None, "t".into())?;
    let time = chrono::Utc::now().timestamp() + steps * 30;
    Ok(totp.generate(u64::try_from(time)?))
}

async fn delete(app: &TestApp, path: &str, token: &str) -> anyhow::Result<StatusCode> {
    Ok(app
        .client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await?
        .status())
}

/// Logs in through the form with its own cookie jar; the client and the session's form token.
async fn page_login(
    app: &TestApp,
    email: &str,
) -> anyhow::Result<(reqwest::Client, reqwest::Response)> {
    let client = supplywatch_tests::app::browser_like_client()?;
    let page = client.get(app.url("/login")).send().await?.text().await?;
    let token = form_token(&page)?;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &token),
            ("next", "/products"),
        ])
        .send()
        .await?;
    Ok((client, response))
}

fn form_token(html: &str) -> anyhow::Result<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no form token in {html}"))?
        + marker.len();
    let end = html[start..]
        .find('"')
        .ok_or_else(|| anyhow::anyhow!("no form token"))?
        + start;
    Ok(html[start..end].to_owned())
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_administrator_is_kept_out_of_cases_and_every_read_is_audited() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let maker = app.token("maker@demo.example").await?;
        let (status, filed) = app
            .post_json(
                "/api/v1/supply-risk-reports",
                &maker,
                &json!({"product_code": DRUG, "details": "原薬の入荷遅延", "market_share": "30"}),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        let case = filed["case_id"].as_i64().unwrap_or_default();
        let admin = app.token("admin@demo.example").await?;
        for path in [
            format!("/api/v1/cases/{case}"),
            "/api/v1/cases".to_owned(),
            "/api/v1/supply-risk-reports".to_owned(),
        ] {
            let response = app.get(&path, &admin).await?;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{path} on {}",
                backend.name()
            );
            let body: Value = response.json().await?;
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("システム管理者")
            );
        }
        let ministry = app.token("ministry@demo.example").await?;
        let read = app
            .get_json(&format!("/api/v1/cases/{case}"), &ministry)
            .await?;
        assert_eq!(read["id"].as_i64(), Some(case));

        let views = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("case.view"))
            .all(&app.db)
            .await?;
        assert_eq!(views.len(), 1, "one read, one entry: {views:?}");
        assert_eq!(views[0].actor_email, "ministry@demo.example");
        assert_eq!(views[0].target, format!("case:{case}"));
        assert_eq!(views[0].remote_addr.as_deref(), Some("127.0.0.1"));

        // The audit page: Japanese names, filtered by action and organisation; the CSV export
        // is itself audited.
        app.log_in_session("admin@demo.example").await?;
        let (status, html) = app.page("/admin/audit-log?action=case.view").await?;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("事案の閲覧") && html.contains("1件"),
            "{html}"
        );
        assert!(
            !html.contains("maker@demo.example"),
            "filtered to case.view"
        );
        let maker_org = app.get_json("/api/v1/me", &maker).await?["organization"]["id"]
            .as_i64()
            .unwrap_or_default();
        let (_, html) = app
            .page(&format!("/admin/audit-log?organization_id={maker_org}"))
            .await?;
        assert!(html.contains("maker@demo.example") && !html.contains("ministry@demo.example"));
        let (status, _) = app.page("/admin/audit-log?from=2026-13-01").await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, csv) = app
            .page("/admin/audit-log.csv?action=case.view&from=2000-01-01")
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert!(
            csv.contains("事案の閲覧,case.view,") && !csv.contains(",login,"),
            "{csv}"
        );
        let exports = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("audit.export"))
            .all(&app.db)
            .await?;
        assert_eq!(exports.len(), 1, "{}", backend.name());
        assert!(
            exports[0]
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains("action=case.view")
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_token_is_revoked_by_delete_and_from_the_account_page() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let first = app.token("wholesaler@demo.example").await?;
        let second = app.token("wholesaler@demo.example").await?;
        assert_eq!(
            delete(&app, "/api/v1/auth/token", &first).await?,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.get("/api/v1/me", &first).await?.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get("/api/v1/me", &second).await?.status(),
            StatusCode::OK
        );
        assert_eq!(
            delete(&app, "/api/v1/auth/token", &first).await?,
            StatusCode::UNAUTHORIZED
        );

        app.log_in_session("wholesaler@demo.example").await?;
        let (status, html) = app.page("/me").await?;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("このブラウザ") && html.contains("APIトークン"));
        let id = supplywatch::db::entity::api_token::Entity::find()
            .one(&app.db)
            .await?
            .map(|t| t.id)
            .unwrap_or_default();
        assert!(html.contains(&format!("/me/tokens/{id}/revoke")), "{html}");
        let revoked = app
            .client
            .post(app.url(&format!("/me/tokens/{id}/revoke")))
            .form(&[("csrf_token", form_token(&html)?.as_str())])
            .send()
            .await?;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.get("/api/v1/me", &second).await?.status(),
            StatusCode::UNAUTHORIZED
        );
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("token.revoke"))
            .all(&app.db)
            .await?;
        assert_eq!(audited.len(), 2, "{}", backend.name());
    }
    Ok(())
}

#[tokio::test]
async fn a_password_change_checks_the_policy_and_history_and_ends_other_credentials()
-> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let caller = app.token("maker@demo.example").await?;
        let other = app.token("maker@demo.example").await?;
        for (weak, rule) in [
            ("aaaaaaaaaaaaa", "password_repeated"),
            ("1111111111111", "password_repeated"),
            ("Password1!", "password_common"),
            ("abcdefghijklmn", "password_sequence"),
            ("Maker-2026-Kusuri", "password_contains_email"),
            ("Kus-26x", "password_too_short"),
        ] {
            let (status, body) = app
                .post_json(
                    "/api/v1/me/password",
                    &caller,
                    &json!({"current_password": DEMO_PASSWORD, "new_password": weak}),
                )
                .await?;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
            assert_eq!(body["errors"][0]["code"], rule, "{weak}: {body}");
            assert_eq!(body["errors"][0]["field"], "new_password");
        }
        let (status, body) = app
            .post_json(
                "/api/v1/me/password",
                &caller,
                &json!({"current_password": "Wrong-pass-2026!", "new_password": "Kusuri-Antei-2026-xyz"}),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["code"], "current_password_wrong");

        let mut current = DEMO_PASSWORD.to_owned();
        for n in 1..=5 {
            let next = format!("Kusuri-Antei-{n}-xyz!");
            let (status, body) = app
                .post_json(
                    "/api/v1/me/password",
                    &caller,
                    &json!({"current_password": current, "new_password": next}),
                )
                .await?;
            assert_eq!(
                status,
                StatusCode::NO_CONTENT,
                "{body} on {}",
                backend.name()
            );
            current = next;
        }
        assert_eq!(
            app.get("/api/v1/me", &other).await?.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get("/api/v1/me", &caller).await?.status(),
            StatusCode::OK
        );
        // The last five (the current one and four before it) may not come back; the sixth may.
        for reused in ["Kusuri-Antei-2-xyz!", "Kusuri-Antei-5-xyz!"] {
            let (status, body) = app
                .post_json(
                    "/api/v1/me/password",
                    &caller,
                    &json!({"current_password": current, "new_password": reused}),
                )
                .await?;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reused}");
            assert_eq!(body["errors"][0]["code"], "password_reused");
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("直近5回")
            );
        }
        let (status, _) = app
            .post_json(
                "/api/v1/me/password",
                &caller,
                &json!({"current_password": current, "new_password": DEMO_PASSWORD}),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::NO_CONTENT,
            "six changes ago may come back"
        );
        let (status, _) = login(
            &app,
            &json!({"email": "maker@demo.example", "password": DEMO_PASSWORD}),
        )
        .await?;
        assert_eq!(status, StatusCode::OK);
    }
    Ok(())
}

#[tokio::test]
async fn the_account_page_changes_the_password_and_says_which_rule_was_broken() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let other = app.token("maker@demo.example").await?;
        // The page: a mismatch and a weak password are shown; a change ends other sessions.
        app.log_in_session("maker@demo.example").await?;
        let (_, html) = app.page("/me").await?;
        let token = form_token(&html)?;
        let weak = app
            .client
            .post(app.url("/me/password"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("current_password", DEMO_PASSWORD),
                ("new_password", "aaaaaaaaaaaaa"),
                ("new_password_confirm", "aaaaaaaaaaaaa"),
            ])
            .send()
            .await?;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(weak.text().await?.contains("同じ文字"));
        let mismatch = app
            .client
            .post(app.url("/me/password"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("current_password", DEMO_PASSWORD),
                ("new_password", "Iyakuhin-Kyokyu-77"),
                ("new_password_confirm", "Iyakuhin-Kyokyu-78"),
            ])
            .send()
            .await?;
        assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mismatch.text().await?.contains("一致しません"));
        let done = app
            .client
            .post(app.url("/me/password"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("current_password", DEMO_PASSWORD),
                ("new_password", "Iyakuhin-Kyokyu-77"),
                ("new_password_confirm", "Iyakuhin-Kyokyu-77"),
            ])
            .send()
            .await?;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&done), "/me?changed=1");
        let (status, html) = app.page("/me?changed=1").await?;
        assert_eq!(
            status,
            StatusCode::OK,
            "the changing browser stays logged in"
        );
        assert!(html.contains("パスワードを変更しました"));
        let changes = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("password.change"))
            .count(&app.db)
            .await?;
        assert_eq!(changes, 1, "{}", backend.name());
        assert_eq!(
            app.get("/api/v1/me", &other).await?.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    Ok(())
}

#[tokio::test]
async fn totp_once_confirmed_is_required_and_a_code_is_taken_only_once() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("ministry@demo.example").await?;
        let (status, enrolment) = app
            .post_json("/api/v1/me/mfa/totp", &token, &json!({}))
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let secret = enrolment["secret"].as_str().unwrap_or_default().to_owned();
        assert!(
            enrolment["otpauth_uri"].as_str().is_some_and(|u| u
                .starts_with("otpauth://totp/SupplyWatch:")
                && u.contains(&secret))
        );
        let (status, body) = app
            .post_json(
                "/api/v1/me/mfa/totp/confirm",
                &token,
                &json!({"code": "000000"}),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, confirmed) = app
            .post_json(
                "/api/v1/me/mfa/totp/confirm",
                &token,
                &json!({"code": code(&secret, 0)?}),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{confirmed}");
        let recovery: Vec<String> = confirmed["recovery_codes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(recovery.len(), 10);
        let (status, _) = app
            .post_json("/api/v1/me/mfa/totp", &token, &json!({}))
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "enabled stays enabled");

        let password = json!({"email": "ministry@demo.example", "password": DEMO_PASSWORD});
        let (status, body) = login(&app, &password).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["errors"][0]["code"], "mfa_required", "{body}");
        // The next step's code is accepted (clock skew) once; the same code again is a replay.
        let next = code(&secret, 1)?;
        let with =
            json!({"email": "ministry@demo.example", "password": DEMO_PASSWORD, "totp": next});
        let (status, body) = login(&app, &with).await?;
        assert_eq!(status, StatusCode::OK, "{body} on {}", backend.name());
        let (status, body) = login(&app, &with).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body["errors"][0]["code"], "mfa_invalid",
            "replay refused: {body}"
        );
        // An earlier step, though inside the window, is older than the one taken: refused.
        let earlier = json!({"email": "ministry@demo.example", "password": DEMO_PASSWORD, "totp": code(&secret, 0)?});
        assert_eq!(login(&app, &earlier).await?.0, StatusCode::UNAUTHORIZED);
        // A recovery code works once.
        let with_recovery = json!({"email": "ministry@demo.example", "password": DEMO_PASSWORD, "totp": recovery[3].to_uppercase()});
        assert_eq!(login(&app, &with_recovery).await?.0, StatusCode::OK);
        let stored = user::Entity::find()
            .filter(user::Column::Email.eq("ministry@demo.example"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no ministry user"))?;
        assert_eq!(stored.failed_attempts, 0, "a good login resets the count");
        assert_eq!(
            login(&app, &with_recovery).await?.0,
            StatusCode::UNAUTHORIZED
        );
        let actions: Vec<String> = audit_log::Entity::find()
            .filter(audit_log::Column::Action.starts_with("mfa."))
            .order_by_asc(audit_log::Column::Id)
            .all(&app.db)
            .await?
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["mfa.enroll", "mfa.confirm", "mfa.recovery_code"]);

        // The administrator's reset: the password alone works again until a new enrolment.
        let admin = supplywatch::services::audit::Actor::system("test");
        supplywatch::services::accounts::mfa::reset(&app.db, stored.id, &admin, chrono::Utc::now())
            .await?;
        assert_eq!(login(&app, &password).await?.0, StatusCode::OK);
    }
    Ok(())
}

#[tokio::test]
async fn the_login_page_asks_for_the_code_as_a_second_step() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("association@demo.example").await?;
        let (_, enrolment) = app
            .post_json("/api/v1/me/mfa/totp", &token, &json!({}))
            .await?;
        let secret = enrolment["secret"].as_str().unwrap_or_default().to_owned();
        let (status, _) = app
            .post_json(
                "/api/v1/me/mfa/totp/confirm",
                &token,
                &json!({"code": code(&secret, 0)?}),
            )
            .await?;
        assert_eq!(status, StatusCode::OK);

        let (client, first) = page_login(&app, "association@demo.example").await?;
        assert_eq!(first.status(), StatusCode::OK, "no session yet");
        let step = first.text().await?;
        assert!(
            step.contains("確認コード") && step.contains("/login/mfa"),
            "{step}"
        );
        assert_eq!(
            client.get(app.url("/products")).send().await?.status(),
            StatusCode::SEE_OTHER,
            "the password alone opens no session"
        );
        let wrong = client
            .post(app.url("/login/mfa"))
            .form(&[
                ("code", "000000"),
                ("csrf_token", form_token(&step)?.as_str()),
            ])
            .send()
            .await?;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let again = wrong.text().await?;
        assert!(again.contains("確認コードが正しくない"), "{again}");
        let done = client
            .post(app.url("/login/mfa"))
            .form(&[
                ("code", code(&secret, 1)?.as_str()),
                ("csrf_token", form_token(&again)?.as_str()),
            ])
            .send()
            .await?;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{}", backend.name());
        assert_eq!(location(&done), "/products");
        assert_eq!(
            client.get(app.url("/products")).send().await?.status(),
            StatusCode::OK
        );
    }
    Ok(())
}

#[tokio::test]
async fn roles_that_need_a_second_factor_are_led_to_enrolment() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn_with(&backend, |s| {
            s.mfa_required_roles = vec![Role::Ministry, Role::Admin];
        })
        .await?;
        let (status, body) = login(
            &app,
            &json!({"email": "ministry@demo.example", "password": DEMO_PASSWORD}),
        )
        .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body["errors"][0]["code"], "mfa_enrolment_required",
            "{body}"
        );
        assert_eq!(
            login(
                &app,
                &json!({"email": "maker@demo.example", "password": DEMO_PASSWORD})
            )
            .await?
            .0,
            StatusCode::OK,
            "makers are not required to"
        );

        let (client, first) = page_login(&app, "ministry@demo.example").await?;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&first), "/me/mfa");
        let elsewhere = client.get(app.url("/cases")).send().await?;
        assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&elsewhere), "/me/mfa");
        let page = client.get(app.url("/me/mfa")).send().await?.text().await?;
        assert!(
            page.contains("<svg") && page.contains("id=\"totp-secret\""),
            "QR code shown"
        );
        let start =
            page.find("id=\"totp-secret\">").unwrap_or_default() + "id=\"totp-secret\">".len();
        let secret: String = page[start..].chars().take_while(|c| *c != '<').collect();
        let confirmed = client
            .post(app.url("/me/mfa/confirm"))
            .form(&[
                ("code", code(&secret, 0)?.as_str()),
                ("csrf_token", form_token(&page)?.as_str()),
            ])
            .send()
            .await?;
        assert_eq!(confirmed.status(), StatusCode::OK);
        let shown = confirmed.text().await?;
        assert_eq!(
            shown.matches("<li><code>").count(),
            10,
            "ten recovery codes shown once"
        );
        assert_eq!(
            client.get(app.url("/cases")).send().await?.status(),
            StatusCode::OK,
            "enrolled, the ministry user reaches the cases on {}",
            backend.name()
        );
    }
    Ok(())
}

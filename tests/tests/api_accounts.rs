//! Accounts over the API: tokens, `/me`, the login policy (same error, lockout, deactivation),
//! and how secrets are stored — on every configured database.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use supplywatch::db::entity::{api_token, audit_log, user};
use supplywatch_tests::{DEMO_PASSWORD, TestApp, backends};

async fn login(app: &TestApp, email: &str, password: &str) -> anyhow::Result<(StatusCode, Value)> {
    let response = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await?;
    Ok((response.status(), response.json().await?))
}

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let response = app.client.get(app.url("/healthz")).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "{}", backend.name());
        assert_eq!(response.json::<Value>().await?, json!({ "status": "ok" }));
    }
    Ok(())
}

#[tokio::test]
async fn every_demo_account_gets_a_token_and_sees_its_role_and_organisation() -> anyhow::Result<()>
{
    let expected = [
        ("ministry@demo.example", "ministry", "ministry"),
        ("maker@demo.example", "manufacturer", "manufacturer"),
        ("maker2@demo.example", "manufacturer", "manufacturer"),
        ("wholesaler@demo.example", "wholesaler", "wholesaler"),
        ("wholesaler2@demo.example", "wholesaler", "wholesaler"),
        ("association@demo.example", "association", "association"),
        ("admin@demo.example", "admin", "ministry"),
    ];
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        for (email, role, kind) in expected {
            let token = app.token(email).await?;
            let me = app.get_json("/api/v1/me", &token).await?;
            assert_eq!(me["email"], email);
            assert_eq!(me["role"], role, "{email} on {}", backend.name());
            assert_eq!(me["organization"]["kind"], kind, "{email}");
            assert!(me["organization"]["id"].as_i64().is_some());
        }
        let maker = app
            .get_json("/api/v1/me", &app.token("maker@demo.example").await?)
            .await?;
        assert_eq!(maker["organization"]["name"], "沢井製薬");
    }
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let (wrong_status, wrong) = login(&app, "maker@demo.example", "Wrong-pass-1!").await?;
        let (unknown_status, unknown) = login(&app, "nobody@demo.example", "Wrong-pass-1!").await?;
        assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong, unknown, "the two failures must be indistinguishable");
        assert!(
            wrong["detail"]
                .as_str()
                .is_some_and(|d| d.contains("メールアドレスまたはパスワード"))
        );
    }
    Ok(())
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_even_against_the_right_password() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        for _ in 0..5 {
            let (status, _) = login(&app, "maker2@demo.example", "Wrong-pass-1!").await?;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, body) = login(&app, "maker2@demo.example", DEMO_PASSWORD).await?;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a locked account must not log in ({})",
            backend.name()
        );
        let (_, wrong) = login(&app, "maker2@demo.example", "Wrong-pass-1!").await?;
        assert_eq!(body, wrong, "a locked account gives the same message");
        let locked = user::Entity::find()
            .filter(user::Column::Email.eq("maker2@demo.example"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("user missing"))?;
        let until = locked
            .locked_until
            .ok_or_else(|| anyhow::anyhow!("not locked"))?;
        let minutes = (until - chrono::Utc::now()).num_minutes();
        assert!((13..=15).contains(&minutes), "locked for {minutes} minutes");
        // Other accounts are unaffected.
        assert!(app.token("maker@demo.example").await.is_ok());
    }
    Ok(())
}

#[tokio::test]
async fn a_deactivated_user_can_neither_log_in_nor_use_an_earlier_token() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("wholesaler@demo.example").await?;
        let actor = supplywatch::services::audit::Actor::system("test");
        supplywatch::services::accounts::set_user_active(
            &app.db,
            "wholesaler@demo.example",
            false,
            &actor,
            chrono::Utc::now(),
        )
        .await?;
        let (status, _) = login(&app, "wholesaler@demo.example", DEMO_PASSWORD).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let me = app.get("/api/v1/me", &token).await?;
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{}", backend.name());
    }
    Ok(())
}

#[tokio::test]
async fn calls_without_valid_credentials_get_401_problem_json() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        for path in [
            "/api/v1/me",
            "/api/v1/products",
            "/api/v1/products/1124001F1022",
        ] {
            let response = app.client.get(app.url(path)).send().await?;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            assert_eq!(content_type, "application/problem+json");
            let body: Value = response.json().await?;
            assert_eq!(body["status"], 401);
        }
        let forged = app.get("/api/v1/me", "sw_forged-token").await?;
        assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

#[tokio::test]
async fn tokens_and_passwords_are_stored_only_as_hashes() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let token = app.token("ministry@demo.example").await?;
        let stored = api_token::Entity::find().all(&app.db).await?;
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].token_hash, token);
        assert_eq!(
            stored[0].token_hash,
            supplywatch::services::auth::secret_hash(&token)
        );
        let users = user::Entity::find().all(&app.db).await?;
        assert!(
            users
                .iter()
                .all(|u| u.password_hash.starts_with("$argon2id$")
                    && !u.password_hash.contains(DEMO_PASSWORD))
        );
    }
    Ok(())
}

#[tokio::test]
async fn every_login_attempt_is_in_the_audit_log_with_its_address() -> anyhow::Result<()> {
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        login(&app, "ministry@demo.example", "Wrong-pass-1!").await?;
        login(&app, "ministry@demo.example", DEMO_PASSWORD).await?;
        let logins = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("login"))
            .order_by_asc(audit_log::Column::Id)
            .all(&app.db)
            .await?;
        assert_eq!(logins.len(), 2, "{}", backend.name());
        assert!(!logins[0].success && logins[1].success);
        assert_eq!(logins[0].actor_email, "ministry@demo.example");
        assert_eq!(logins[1].remote_addr.as_deref(), Some("127.0.0.1"));
        let issued = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("token.issue"))
            .all(&app.db)
            .await?;
        assert_eq!(
            issued.len(),
            1,
            "issuing a token is a write and is recorded"
        );
    }
    Ok(())
}

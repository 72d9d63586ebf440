//! User management for system administrators, on every configured database: the invitation
//! mail (through a real SMTP server) with its one-time 72-hour link, the dormant list,
//! deactivation ending every session and token, audited role and organisation changes, and the
//! second factor's reset.

use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use supplywatch::db::entity::{audit_log, invitation, user};
use supplywatch::jobs::Job;
use supplywatch_tests::smtp::{SmtpServer, job_context};
use supplywatch_tests::{DEMO_PASSWORD, TestApp, backends};

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

async fn user_id(app: &TestApp, email: &str) -> anyhow::Result<i32> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no {email}"))?
        .id)
}

/// Invites `email` into organisation `org` as a maker.
async fn invite(
    app: &TestApp,
    admin: &str,
    email: &str,
    org: i64,
) -> anyhow::Result<(StatusCode, Value)> {
    send(
        app,
        reqwest::Method::POST,
        "/api/v1/admin/users",
        admin,
        Some(json!({"email": email, "display_name": "新人 太郎", "role": "manufacturer", "organization_id": org})),
    )
    .await
}

/// The path of the invitation link in the mail to `email`.
async fn link_in_mail(smtp: &SmtpServer, email: &str) -> anyhow::Result<String> {
    let mails = smtp.messages().await?;
    let mail = mails
        .iter()
        .find(|m| m.to.contains(email))
        .ok_or_else(|| anyhow::anyhow!("no invitation mail to {email} in {mails:?}"))?;
    assert!(
        mail.subject.contains("パスワードの設定"),
        "{}",
        mail.subject
    );
    let start = mail
        .text
        .find("/invitations/")
        .ok_or_else(|| anyhow::anyhow!("no link in {}", mail.text))?;
    Ok(mail.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect())
}

#[tokio::test]
async fn an_invited_user_sets_the_password_once_through_the_mailed_link() -> anyhow::Result<()> {
    let Some(smtp) = SmtpServer::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let admin = app.token("admin@demo.example").await?;
        let maker = app
            .get_json("/api/v1/me", &app.token("maker@demo.example").await?)
            .await?;
        let org = maker["organization"]["id"].as_i64().unwrap_or_default();
        let email = format!("new.{}@maker.example", backend.name());
        let (status, created) = invite(&app, &admin, &email, org).await?;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["role"], "manufacturer");
        let (status, _) = invite(&app, &admin, &email, org).await?;
        assert_eq!(status, StatusCode::CONFLICT, "the e-mail is taken");
        let ctx = job_context(app.database_url(), &smtp.url()).await?;
        Job::OutboxDispatch.run(&ctx).await?;
        let path = link_in_mail(&smtp, &email).await?;
        let page = app.client.get(app.url(&path)).send().await?;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await?.contains(&email));
        let weak = app
            .client
            .post(app.url(&path))
            .form(&[
                ("password", "aaaaaaaaaaaaa"),
                ("password_confirm", "aaaaaaaaaaaaa"),
            ])
            .send()
            .await?;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let set = app
            .client
            .post(app.url(&path))
            .form(&[
                ("password", "Shinjin-Kusuri-2026"),
                ("password_confirm", "Shinjin-Kusuri-2026"),
            ])
            .send()
            .await?;
        assert_eq!(set.status(), StatusCode::SEE_OTHER, "{}", backend.name());
        let login = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"email": email, "password": "Shinjin-Kusuri-2026"}))
            .send()
            .await?;
        assert_eq!(login.status(), StatusCode::OK);
        let again = app.client.get(app.url(&path)).send().await?;
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "used once");

        // A second invitation expires after 72 hours.
        let late_email = format!("late.{}@maker.example", backend.name());
        invite(&app, &admin, &late_email, org).await?;
        Job::OutboxDispatch.run(&ctx).await?;
        let late_path = link_in_mail(&smtp, &late_email).await?;
        let invited = user_id(&app, &format!("late.{}@maker.example", backend.name())).await?;
        let stored = invitation::Entity::find()
            .filter(invitation::Column::UserId.eq(invited))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no invitation"))?;
        assert_eq!((stored.expires_at - stored.created_at).num_hours(), 72);
        let mut expired: invitation::ActiveModel = stored.into();
        expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
        expired.update(&app.db).await?;
        let gone = app.client.get(app.url(&late_path)).send().await?;
        assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    }
    Ok(())
}

#[tokio::test]
async fn dormant_accounts_are_listed_and_deactivation_ends_every_credential() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let admin = app.token("admin@demo.example").await?;
        let wholesaler = app.token("wholesaler@demo.example").await?;
        let (status, _) = send(
            &app,
            reqwest::Method::GET,
            "/api/v1/admin/users",
            &wholesaler,
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let id = user_id(&app, "wholesaler2@demo.example").await?;
        let found = user::Entity::find_by_id(id)
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no user"))?;
        let mut old: user::ActiveModel = found.into();
        old.last_login_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(91)));
        old.created_at = Set(chrono::Utc::now() - chrono::Duration::days(400));
        old.update(&app.db).await?;
        let (status, list) = send(
            &app,
            reqwest::Method::GET,
            "/api/v1/admin/users?dormant=true",
            &admin,
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::OK);
        let dormant: Vec<&str> = list["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["email"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(dormant, ["wholesaler2@demo.example"], "{}", backend.name());

        // The page lists it with a one-click deactivation.
        app.log_in_session("admin@demo.example").await?;
        let (status, html) = app.page("/admin/users?dormant=1").await?;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("休眠") && html.contains(&format!("/admin/users/{id}/deactivate")),
            "{html}"
        );

        let token = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"email": "wholesaler2@demo.example", "password": DEMO_PASSWORD}))
            .send()
            .await?
            .json::<Value>()
            .await?["token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/admin/users/{id}/deactivate"),
            &admin,
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get("/api/v1/me", &token).await?.status(),
            StatusCode::UNAUTHORIZED
        );
        let admin_id = user_id(&app, "admin@demo.example").await?;
        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/admin/users/{admin_id}/deactivate"),
            &admin,
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::CONFLICT, "not oneself");
        let entry = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("user.deactivate"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("not audited"))?;
        assert_eq!(entry.target, format!("user:{id}"));
        assert!(entry.detail.unwrap_or_default().contains("1 件を終了"));
    }
    Ok(())
}

#[tokio::test]
async fn role_and_organisation_changes_and_a_second_factor_reset_are_audited() -> anyhow::Result<()>
{
    for backend in backends()? {
        let app = TestApp::spawn(&backend).await?;
        let admin = app.token("admin@demo.example").await?;
        let id = user_id(&app, "maker2@demo.example").await?;
        let maker_org = app
            .get_json("/api/v1/me", &app.token("maker@demo.example").await?)
            .await?["organization"]["id"]
            .as_i64()
            .unwrap_or_default();
        let (status, body) = send(
            &app,
            reqwest::Method::PATCH,
            &format!("/api/v1/admin/users/{id}"),
            &admin,
            Some(json!({"role": "wholesaler"})),
        )
        .await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a maker's organisation takes no wholesaler"
        );
        assert_eq!(body["errors"][0]["code"], "role_mismatch");
        let (status, _) = send(
            &app,
            reqwest::Method::PATCH,
            &format!("/api/v1/admin/users/{id}"),
            &admin,
            Some(json!({"organization_id": maker_org})),
        )
        .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let me = app
            .get_json("/api/v1/me", &app.token("maker2@demo.example").await?)
            .await?;
        assert_eq!(
            me["organization"]["id"].as_i64(),
            Some(maker_org),
            "{}",
            backend.name()
        );
        let update = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("user.update"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("not audited"))?;
        assert!(
            update
                .detail
                .unwrap_or_default()
                .contains(&format!("→ {maker_org}"))
        );

        let (status, _) = send(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/admin/users/{id}/mfa-reset"),
            &admin,
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let reset = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("mfa.reset"))
            .one(&app.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("not audited"))?;
        assert_eq!(reset.actor_email, "admin@demo.example");
    }
    Ok(())
}

//! In a real headless Chromium: a ministry user, who must have a second factor, is led to
//! enrolment at the first login, sees the QR code, types the app's code and gets the ten
//! recovery codes; the next login asks for the code as a second step. On SQLite and PostgreSQL.

use anyhow::Context;
use fantoccini::Locator;
use supplywatch::domain::Role;
use supplywatch_tests::browser::Browser;
use supplywatch_tests::{Backend, DEMO_PASSWORD, TestApp, backends};
use totp_rs::{Algorithm, Secret, TOTP};

/// The code of `secret` `steps` time steps from now.
fn code(secret: &str, steps: i64) -> anyhow::Result<String> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes, None, "t".into())?;
    let time = chrono::Utc::now().timestamp() + steps * 30;
    Ok(totp.generate(u64::try_from(time)?))
}

async fn type_into(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.send_keys(text).await?;
    Ok(())
}

#[tokio::test]
async fn enrolment_with_the_qr_code_then_a_two_step_login() -> anyhow::Result<()> {
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for backend in backends()? {
        let on = backend.name();
        enrolment_with_the_qr_code_then_a_two_step_login_on(&browser, backend)
            .await
            .with_context(|| format!("on {on}"))?;
    }
    browser.close().await
}

async fn enrolment_with_the_qr_code_then_a_two_step_login_on(
    browser: &Browser,
    backend: Backend,
) -> anyhow::Result<()> {
    let on = backend.name();
    let app =
        TestApp::spawn_with(&backend, |s| s.mfa_required_roles = vec![Role::Ministry]).await?;
    let c = &browser.client;
    browser.log_in(&app, "ministry@demo.example").await?;
    assert!(
        c.current_url().await?.path().ends_with("/me/mfa"),
        "{on}: led to enrolment"
    );
    let qr = browser.wait_for("#totp-qr svg").await?;
    let (_, _, width, height) = qr.rectangle().await?;
    assert!(
        width >= 200.0 && height >= 200.0,
        "{on}: the QR code is drawn ({width}×{height})"
    );
    browser.screenshot(&format!("mfa-enrolment-{on}")).await?;
    let secret = browser.wait_for("#totp-secret").await?.text().await?;
    // Any other page leads back here until enrolment is done.
    c.goto(&app.url("/cases")).await?;
    assert!(c.current_url().await?.path().ends_with("/me/mfa"), "{on}");
    browser.wait_for("#totp-qr svg").await?;
    assert_eq!(
        browser.wait_for("#totp-secret").await?.text().await?,
        secret,
        "{on}: the same secret until confirmed"
    );
    type_into(browser, "input[name=code]", &code(&secret, 0)?).await?;
    c.find(Locator::Css("button[type=submit].primary"))
        .await?
        .click()
        .await?;
    browser.wait_for("#recovery-codes").await?;
    let codes = c.find_all(Locator::Css("#recovery-codes li code")).await?;
    assert_eq!(codes.len(), 10, "{on}");
    browser
        .screenshot(&format!("mfa-recovery-codes-{on}"))
        .await?;

    // Log out, log in again: the password, then the code.
    c.find(Locator::Css("form[action='/logout'] button"))
        .await?
        .click()
        .await?;
    browser.wait_for("form[action='/login']").await?;
    type_into(browser, "input[name=email]", "ministry@demo.example").await?;
    type_into(browser, "input[name=password]", DEMO_PASSWORD).await?;
    c.find(Locator::Css("button[type=submit].primary"))
        .await?
        .click()
        .await?;
    browser.wait_for("form[action='/login/mfa']").await?;
    browser
        .screenshot(&format!("login-second-step-{on}"))
        .await?;
    type_into(browser, "input[name=code]", "123456").await?;
    c.find(Locator::Css("button[type=submit].primary"))
        .await?
        .click()
        .await?;
    let refused = browser.wait_for(".alert-error").await?.text().await?;
    assert!(refused.contains("確認コード"), "{on}: {refused}");
    type_into(browser, "input[name=code]", &code(&secret, 1)?).await?;
    c.find(Locator::Css("button[type=submit].primary"))
        .await?
        .click()
        .await?;
    browser.wait_for(".user-name").await?;
    c.goto(&app.url("/cases")).await?;
    browser.wait_for("h1").await?;
    assert!(
        c.current_url().await?.path().ends_with("/cases"),
        "{on}: enrolled and logged in"
    );
    Ok(())
}

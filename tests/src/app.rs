//! `TestApp`: the real server on port 0 over a fresh, migrated database with the demo data.

use anyhow::Context;
use reqwest::{Client, Response, StatusCode};
use secrecy::SecretString;
use serde_json::Value;
use supplywatch::settings::Settings;
use supplywatch::startup::Application;

use crate::backends::{Backend, FreshDatabase};

/// How long the client keeps an idle connection for reuse: well under the server's keep-alive
/// (actix's 5 s), so that a test pausing between requests never sends on a connection the
/// server is closing at that moment.
const IDLE_CONNECTION: std::time::Duration = std::time::Duration::from_secs(2);

/// The form token (`csrf_token`) of a page, if it has a form.
pub fn csrf_token(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A client that keeps cookies and does not follow redirects, like one browser.
pub fn browser_like_client() -> anyhow::Result<Client> {
    Ok(Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .pool_idle_timeout(IDLE_CONNECTION)
        .build()?)
}

/// Sends a login as a person would: when the server answers 429 (its password-hashing queue is
/// full, e.g. while another test of the same process sends a crowd of logins), waits the
/// `Retry-After` it gives and tries again, a few times. Any other answer is returned as it is.
async fn patiently<F, Fut>(send: F) -> anyhow::Result<Response>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<Response>>,
{
    const TRIES: usize = 10;
    let mut response = send().await?;
    for _ in 1..TRIES {
        if response.status() != StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        let wait = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1);
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        response = send().await?;
    }
    Ok(response)
}

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// A connection to the server's database, for checks from outside.
    pub db: sea_orm::DatabaseConnection,
    /// An HTTP client that keeps cookies and does not follow redirects.
    pub client: Client,
    /// Which backend this app runs on.
    pub backend: Backend,
    _database: FreshDatabase,
}

impl TestApp {
    /// Starts a server with the demo data (password [`crate::DEMO_PASSWORD`]).
    pub async fn spawn(backend: &Backend) -> anyhow::Result<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server with the demo data and settings adjusted by `adjust` (e.g. short timeouts).
    pub async fn spawn_with(
        backend: &Backend,
        adjust: impl FnOnce(&mut Settings),
    ) -> anyhow::Result<Self> {
        let app = Self::spawn_empty_with(backend, adjust).await?;
        supplywatch::seeding::demo::load_if_empty(
            &app.db,
            Some(SecretString::from(crate::DEMO_PASSWORD)),
            chrono::Utc::now(),
        )
        .await
        .context("Failed to load the demo data")?;
        Ok(app)
    }

    /// Starts a server over an empty, migrated database.
    pub async fn spawn_empty(backend: &Backend) -> anyhow::Result<Self> {
        Self::spawn_empty_with(backend, |_| {}).await
    }

    /// Starts a server over an empty, migrated database with adjusted settings.
    pub async fn spawn_empty_with(
        backend: &Backend,
        adjust: impl FnOnce(&mut Settings),
    ) -> anyhow::Result<Self> {
        let database = FreshDatabase::create(backend).await?;
        let db = supplywatch::db::connect(&database.url)
            .await
            .context("Failed to connect")?;
        supplywatch::db::migrate(&db)
            .await
            .context("Failed to migrate")?;
        let mut settings = Settings::for_tests(database.url.clone());
        adjust(&mut settings);
        let application = Application::build(settings, db.clone())?;
        let base_url = format!("http://127.0.0.1:{}", application.port());
        tokio::spawn(application.run_until_stopped());
        let client = browser_like_client()?;
        Ok(Self {
            base_url,
            db,
            client,
            backend: backend.clone(),
            _database: database,
        })
    }

    /// The URL of the server's database (for a second connection, e.g. another instance).
    #[expect(
        clippy::used_underscore_binding,
        reason = "the field is named for keeping the database alive; this reads its URL"
    )]
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// A job context over the server's database, with the memory mailer.
    pub fn jobs(&self) -> anyhow::Result<supplywatch::jobs::JobContext> {
        let settings = Settings::for_tests(self.database_url().to_owned());
        Ok(supplywatch::jobs::JobContext::new(
            self.db.clone(),
            settings,
        )?)
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Logs in over the API and returns a bearer token.
    pub async fn token(&self, email: &str) -> anyhow::Result<String> {
        let body = serde_json::json!({ "email": email, "password": crate::DEMO_PASSWORD });
        let response = patiently(|| {
            self.client
                .post(self.url("/api/v1/auth/token"))
                .json(&body)
                .send()
        })
        .await?;
        anyhow::ensure!(
            response.status() == StatusCode::OK,
            "login of {email} gave {}",
            response.status()
        );
        let body: Value = response.json().await?;
        body["token"]
            .as_str()
            .map(str::to_owned)
            .context("no token in the answer")
    }

    /// GET with a bearer token.
    pub async fn get(&self, path: &str, token: &str) -> anyhow::Result<Response> {
        Ok(self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await?)
    }

    /// POST JSON with a bearer token; returns the status and the JSON body (null when empty).
    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &Value,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Uploads `bytes` as the multipart field `file`; returns the status and the JSON body.
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// The current ⑫ of a product as the API reports it (`None` before any report).
    pub async fn shipping_status(&self, code: &str, token: &str) -> anyhow::Result<Option<String>> {
        let product = self
            .get_json(&format!("/api/v1/products/{code}"), token)
            .await?;
        Ok(product["status"]["shipping_status"]
            .as_str()
            .map(str::to_owned))
    }

    /// GET with a bearer token, expecting 200 and JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        let response = self.get(path, token).await?;
        anyhow::ensure!(
            response.status() == StatusCode::OK,
            "GET {path} gave {}",
            response.status()
        );
        Ok(response.json().await?)
    }

    /// Logs `email` in through the login form with the app's client (a browser session).
    pub async fn log_in_session(&self, email: &str) -> anyhow::Result<()> {
        self.log_in_with(&self.client, email).await
    }

    /// Logs `email` in through the login form with a fresh client of its own (several people at
    /// once); the client and the form token of the page at `landing`.
    pub async fn log_in_client(
        &self,
        email: &str,
        landing: &str,
    ) -> anyhow::Result<(Client, String)> {
        let client = browser_like_client()?;
        self.log_in_with(&client, email).await?;
        let page = client.get(self.url(landing)).send().await?.text().await?;
        let token = csrf_token(&page).with_context(|| format!("no form token on {landing}"))?;
        Ok((client, token))
    }

    async fn log_in_with(&self, client: &Client, email: &str) -> anyhow::Result<()> {
        let page = client.get(self.url("/login")).send().await?.text().await?;
        let token = csrf_token(&page).context("no form token")?;
        let form = [
            ("email", email),
            ("password", crate::DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
            ("next", "/"),
        ];
        let response = patiently(|| client.post(self.url("/login")).form(&form).send()).await?;
        anyhow::ensure!(
            response.status() == StatusCode::SEE_OTHER,
            "login of {email} gave {}",
            response.status()
        );
        Ok(())
    }

    /// GET a page with the app's client (its session): the status and the body.
    pub async fn page(&self, path: &str) -> anyhow::Result<(StatusCode, String)> {
        let response = self.client.get(self.url(path)).send().await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }
}

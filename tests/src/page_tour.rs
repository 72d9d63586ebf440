//! Every page template of the application as the role that sees it: the data each needs is
//! made first (a case, a heads-up, an uploaded file with errors), then the tour lists one address
//! per template, logged in as that role. The phone-width, accessibility and wording tests walk it.

use anyhow::Context;
use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::json;

use crate::TestApp;
use crate::browser::Browser;

/// Who looks at a page: `None` is an anonymous visitor.
pub type Role = Option<&'static str>;

/// One page of the tour.
#[derive(Debug, Clone)]
pub struct Stop {
    /// Who is logged in.
    pub role: Role,
    /// The address (path and query).
    pub path: String,
    /// What the page shows (the template), for messages and screenshot names.
    pub name: &'static str,
    /// Something to do on the page before it is checked (open a form, upload a file).
    pub action: Action,
}

/// What a stop does after the page loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing: the page as loaded.
    None,
    /// Opens the first status form of the maker's products (htmx swaps it into the row).
    OpenStatusForm,
    /// Uploads a status file with errors and waits for the error table.
    UploadBadStatusFile,
    /// Uploads a shipments file with errors and waits for the outcome.
    UploadBadShipmentsFile,
    /// Submits the login form as [`MFA_USER`] (who has a second factor) and waits for the
    /// second step, which asks for the authenticator's code.
    LogInAwaitingSecondFactor,
}

/// A maker's user with TOTP enrolled, made by [`prepare`]: after its password, the login asks
/// for the code.
pub const MFA_USER: &str = "second.factor@maker.demo.example";

/// The demo's accounts, one per role.
pub const MINISTRY: Role = Some("ministry@demo.example");
/// The demo maker (沢井製薬).
pub const MAKER: Role = Some("maker@demo.example");
/// The second maker (東和薬品), a substitute maker.
pub const MAKER2: Role = Some("maker2@demo.example");
/// A wholesaler.
pub const WHOLESALER: Role = Some("wholesaler@demo.example");
/// An association.
pub const ASSOCIATION: Role = Some("association@demo.example");
/// The system administrator.
pub const ADMIN: Role = Some("admin@demo.example");

fn stop(role: Role, path: impl Into<String>, name: &'static str) -> Stop {
    Stop {
        role,
        path: path.into(),
        name,
        action: Action::None,
    }
}

fn stop_doing(role: Role, path: &str, name: &'static str, action: Action) -> Stop {
    Stop {
        action,
        ..stop(role, path, name)
    }
}

/// Makes what the pages need (a drug case the association supports, a device case, a heads-up
/// to the second maker, an information request to the wholesalers, a user with a second factor,
/// an invitation) and returns the tour, grouped by role.
pub async fn prepare(app: &TestApp) -> anyhow::Result<Vec<Stop>> {
    let maker = app.token("maker@demo.example").await?;
    let (status, body) = app
        .post_json(
            "/api/v1/supply-status-reports",
            &maker,
            &json!({"product_code": "2171022F5180", "shipping_status": "2", "reason": "3", "volume_status": "B"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "status report: {body}");
    let (status, drug_case) = app
        .post_json(
            "/api/v1/supply-risk-reports",
            &maker,
            &json!({"product_code": "2171022F5180", "details": "原薬の入荷遅延"}),
        )
        .await?;
    anyhow::ensure!(
        status == StatusCode::CREATED,
        "supply risk report: {drug_case}"
    );
    let drug_case = i32::try_from(drug_case["case_id"].as_i64().context("no case id")?)?;
    let (status, device_case) = app
        .post_json(
            "/api/v1/device-reports",
            &maker,
            &json!({"kind": "first", "product_code": "4569991000018", "event_type": "stockout"}),
        )
        .await?;
    anyhow::ensure!(
        status == StatusCode::CREATED,
        "device report: {device_case}"
    );
    let device_case = device_case["case_id"].as_i64().context("no case id")?;
    let association = supplywatch::services::accounts::organizations_of_kind(
        &app.db,
        supplywatch::domain::OrganizationKind::Association,
    )
    .await?
    .into_iter()
    .next()
    .context("no demo association")?;
    supplywatch::services::cases::add_supporter(
        &app.db,
        drug_case,
        association.id,
        chrono::Utc::now(),
    )
    .await?;
    let request = first_request_of(app, "maker2@demo.example").await?;
    let wholesaler_request = ask_wholesalers(app, drug_case).await?;
    let maker_org = i32::try_from(
        app.get_json("/api/v1/me", &maker).await?["organization"]["id"]
            .as_i64()
            .context("no organisation")?,
    )?;
    enrol_second_factor_user(app, maker_org).await?;
    let invitation = invitation_link(app, maker_org).await?;
    Ok(tour(
        drug_case,
        device_case,
        [request, wholesaler_request],
        &invitation,
    ))
}

/// The ministry asks both demo wholesalers about their stock of the drug case's product (an
/// information request, which leaves the case's state as it is); the second answers, so the
/// case page shows a wholesaler's figures, and the first's request is returned unanswered, so its
/// page shows the wholesaler's form.
async fn ask_wholesalers(app: &TestApp, drug_case: i32) -> anyhow::Result<i64> {
    let ministry = app.token("ministry@demo.example").await?;
    let north = app.token("wholesaler@demo.example").await?;
    let south = app.token("wholesaler2@demo.example").await?;
    let mut ids = Vec::new();
    for token in [&north, &south] {
        ids.push(
            app.get_json("/api/v1/me", token).await?["organization"]["id"]
                .as_i64()
                .context("no organisation")?,
        );
    }
    let (status, body) = app
        .post_json(
            &format!("/api/v1/cases/{drug_case}/requests"),
            &ministry,
            &json!({"kind": "information", "wholesaler_ids": ids}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "information request: {body}");
    let answered = first_request_of(app, "wholesaler2@demo.example").await?;
    let (status, body) = app
        .post_json(
            &format!("/api/v1/substitute-requests/{answered}/responses"),
            &south,
            &json!({"stock_units": 300, "shipped_last_month": 200, "stock_outlook_months": 1.5,
                    "shipment_limited": true, "remarks": "既存の取引先のみ、前年同月実績の8割まで"}),
        )
        .await?;
    anyhow::ensure!(status == StatusCode::CREATED, "wholesaler's answer: {body}");
    first_request_of(app, "wholesaler@demo.example").await
}

/// [`MFA_USER`], with the demo password and a confirmed TOTP secret.
async fn enrol_second_factor_user(app: &TestApp, organization_id: i32) -> anyhow::Result<()> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    use supplywatch::services::accounts::{self, NewUser};
    let created = accounts::create_user(
        &app.db,
        &NewUser {
            email: MFA_USER,
            display_name: "二要素 太郎",
            role: supplywatch::domain::Role::Manufacturer,
            organization_id,
            password: crate::DEMO_PASSWORD,
        },
        &supplywatch::services::audit::Actor::system("page tour"),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let found = supplywatch::db::entity::user::Entity::find_by_id(created.user_id)
        .one(&app.db)
        .await?
        .context("the user just made")?;
    let mut enrolled: supplywatch::db::entity::user::ActiveModel = found.into();
    enrolled.totp_secret = Set(Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()));
    enrolled.totp_enabled_at = Set(Some(chrono::Utc::now()));
    enrolled.update(&app.db).await?;
    Ok(())
}

/// The path of a fresh invitation's link, as the invitation mail gives it.
async fn invitation_link(app: &TestApp, organization_id: i32) -> anyhow::Result<String> {
    use supplywatch::services::accounts::user_admin::{Invitee, invite};
    let (_, link) = invite(
        &app.db,
        &Invitee {
            email: "invited@maker.demo.example",
            display_name: "招待 花子",
            role: supplywatch::domain::Role::Manufacturer,
            organization_id,
        },
        &supplywatch::services::audit::Actor::system("page tour"),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(link)
}

/// The id of the first substitute request `email`'s organisation received.
async fn first_request_of(app: &TestApp, email: &str) -> anyhow::Result<i64> {
    let token = app.token(email).await?;
    let list = app.get_json("/api/v1/substitute-requests", &token).await?;
    let items = list
        .get("items")
        .and_then(|v| v.as_array())
        .or_else(|| list.as_array())
        .context("no request list")?;
    items
        .first()
        .and_then(|r| r["id"].as_i64())
        .with_context(|| format!("no request reached {email}"))
}

#[expect(
    clippy::too_many_lines,
    reason = "one stop per page template: the tour reads as one list"
)]
fn tour(drug_case: i32, device_case: i64, requests: [i64; 2], invitation: &str) -> Vec<Stop> {
    let [request, wholesaler_request] = requests;
    let drug = "2171022F5180";
    let device = "4569991000018";
    vec![
        stop(None, "/login", "login"),
        stop(None, "/public", "public-search"),
        stop(None, "/public?q=アムロジピン", "public-results"),
        stop(None, format!("/public/products/{drug}"), "public-product"),
        stop(None, "/public/publications", "publications"),
        stop(None, "/no-such-page", "not-found"),
        stop(None, invitation, "invitation"),
        // Last of the anonymous stops: it leaves a login half done.
        stop_doing(
            None,
            "/login",
            "login-mfa",
            Action::LogInAwaitingSecondFactor,
        ),
        stop(MINISTRY, "/dashboard", "dashboard"),
        stop(MINISTRY, "/dashboard?class=generic", "dashboard-filtered"),
        stop(MINISTRY, "/products", "products"),
        stop(MINISTRY, "/products?q=アムロジピン", "product-results"),
        stop(
            MINISTRY,
            "/products?maker=2&pick=shipping:1",
            "product-slice",
        ),
        stop(MINISTRY, format!("/products/{drug}"), "product"),
        stop(MINISTRY, format!("/products/{device}"), "device"),
        stop(MINISTRY, "/early-warning", "early-warning"),
        stop(MINISTRY, "/cases", "cases"),
        stop(MINISTRY, format!("/cases/{drug_case}"), "drug-case"),
        stop(MINISTRY, format!("/cases/{device_case}"), "device-case"),
        stop(
            MINISTRY,
            format!("/cases/{device_case}/substitutes"),
            "case-substitutes",
        ),
        stop(MINISTRY, "/allocation-plans", "plans"),
        stop(MINISTRY, "/allocation-plans/1", "plan"),
        stop(MINISTRY, "/supply-list/upload", "supply-list-upload"),
        stop(
            MINISTRY,
            "/early-warning/dispensing/upload",
            "dispensing-upload",
        ),
        stop(MINISTRY, "/me", "account"),
        stop(MINISTRY, "/me/mfa", "mfa"),
        stop(MAKER, "/", "maker-home"),
        stop(MAKER, "/my/products", "my-products"),
        stop_doing(
            MAKER,
            "/my/products",
            "my-products-editing",
            Action::OpenStatusForm,
        ),
        stop(MAKER, "/my/supply-status/upload", "status-upload"),
        stop_doing(
            MAKER,
            "/my/supply-status/upload",
            "status-upload-errors",
            Action::UploadBadStatusFile,
        ),
        stop(MAKER, "/my/supply-risk-reports/new", "supply-risk-form"),
        stop(MAKER, "/my/device-reports/new", "device-report-form"),
        stop(MAKER, "/my/substitute-requests", "maker-requests"),
        stop(MAKER, "/my/shipments/upload", "shipments-upload"),
        stop_doing(
            MAKER,
            "/my/shipments/upload",
            "shipments-upload-errors",
            Action::UploadBadShipmentsFile,
        ),
        stop(MAKER, "/my/contacts", "contacts"),
        stop(MAKER, "/cases", "maker-cases"),
        stop(MAKER, format!("/cases/{drug_case}"), "maker-case"),
        stop(MAKER2, "/my/substitute-requests", "heads-ups"),
        stop(
            MAKER2,
            format!("/my/substitute-requests/{request}"),
            "heads-up",
        ),
        stop(WHOLESALER, "/", "wholesaler-home"),
        stop(WHOLESALER, "/allocation-plans", "wholesaler-plans"),
        stop(WHOLESALER, "/allocation-plans/1", "wholesaler-plan"),
        stop(
            WHOLESALER,
            "/allocation-plans/1/customers",
            "wholesaler-caps",
        ),
        stop(WHOLESALER, "/my/purchase-history/upload", "purchase-upload"),
        stop(WHOLESALER, "/my/substitute-requests", "wholesaler-requests"),
        stop(
            WHOLESALER,
            format!("/my/substitute-requests/{wholesaler_request}"),
            "wholesaler-request",
        ),
        stop(ASSOCIATION, "/", "association-home"),
        stop(
            ASSOCIATION,
            format!("/cases/{drug_case}"),
            "association-case",
        ),
        stop(ADMIN, "/admin/users", "users"),
        stop(ADMIN, "/admin/audit-log", "audit-log"),
        stop(ADMIN, "/admin/outbox", "outbox"),
    ]
}

/// Walks the tour: remembers who is logged in and logs in again only when the role changes.
#[derive(Debug)]
pub struct Walker {
    current: Option<Role>,
}

impl Default for Walker {
    fn default() -> Self {
        Self::new()
    }
}

impl Walker {
    /// Nobody logged in yet.
    pub fn new() -> Self {
        Self { current: None }
    }

    /// Opens `stop` in `browser` as its role and does its action.
    pub async fn open(
        &mut self,
        browser: &Browser,
        app: &TestApp,
        stop: &Stop,
    ) -> anyhow::Result<()> {
        let c = &browser.client;
        if self.current != Some(stop.role) {
            match stop.role {
                Some(email) => browser.log_in(app, email).await?,
                None => c.delete_all_cookies().await?,
            }
            self.current = Some(stop.role);
        }
        if stop.action == Action::LogInAwaitingSecondFactor {
            // A login half done before would lead straight to its second step.
            c.delete_all_cookies().await?;
        }
        c.goto(&app.url(&stop.path)).await?;
        browser.wait_for("main").await?;
        act(browser, stop.action)
            .await
            .with_context(|| format!("{} ({})", stop.name, stop.path))
    }
}

async fn act(browser: &Browser, action: Action) -> anyhow::Result<()> {
    match action {
        Action::None => {}
        Action::OpenStatusForm => {
            browser
                .wait_for("table tbody button[hx-get], table tbody a[hx-get]")
                .await?
                .click()
                .await?;
            browser.wait_for("tr.editing select").await?;
        }
        Action::UploadBadStatusFile => {
            let file = temp_file(
                "状況報告.csv",
                "product_code,shipping_status,reason\n2171022F5180,9,8\n1234,1,\n",
            )?;
            upload(browser, &file).await?;
            browser.wait_for("main table").await?;
        }
        Action::UploadBadShipmentsFile => {
            let file = temp_file("出荷数量.csv", "month,product_code,quantity\nx,y,z\n")?;
            upload(browser, &file).await?;
            browser.wait_for("main .alert-error, main table").await?;
        }
        Action::LogInAwaitingSecondFactor => {
            let c = &browser.client;
            for (field, text) in [("email", MFA_USER), ("password", crate::DEMO_PASSWORD)] {
                c.find(Locator::Css(&format!("main input[name={field}]")))
                    .await?
                    .send_keys(text)
                    .await?;
            }
            c.find(Locator::Css("main button[type=submit].primary"))
                .await?
                .click()
                .await?;
            browser.wait_for("form[action='/login/mfa']").await?;
        }
    }
    Ok(())
}

async fn upload(browser: &Browser, file: &std::path::Path) -> anyhow::Result<()> {
    let c = &browser.client;
    c.find(Locator::Css("main input[type=file]"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    c.find(Locator::Css("main form button[type=submit]"))
        .await?
        .click()
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    Ok(())
}

fn temp_file(name: &str, text: &str) -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("supplywatch-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

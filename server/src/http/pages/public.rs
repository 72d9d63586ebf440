//! Public pages (no login): the live supply status search, a drug's public history with its
//! alternatives and the form to follow it, the subscription links, the Atom feeds, and the
//! weekly publications. Only public columns; nothing confidential is read here.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Nav, render};
use crate::domain::ProductKind;
use crate::domain::contact::Delivery;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{MaybePageUser, remote_addr};
use crate::services::products::{self, ProductDetail, ProductSummary};
use crate::services::publication::{self, PublicationSummary};
use crate::services::subscriptions::{self, Followed, NewSubscription};
use crate::services::{ServiceError, feeds};

/// A drug's public page with its history.
#[derive(Template)]
#[template(path = "public/product.html")]
pub struct PublicProductPage {
    nav: Nav,
    product: ProductDetail,
    /// Same ingredient and route, another form or strength.
    other_forms: Vec<ProductSummary>,
    /// The delivery choices of the subscription form (code, label).
    deliveries: Vec<(&'static str, &'static str)>,
}

impl PublicProductPage {
    /// The same-spec alternatives: drugs of the same first 9 characters of the code.
    fn same_spec(&self) -> Vec<&ProductSummary> {
        let group = &self.product.summary.group_code;
        self.product
            .substitutes
            .iter()
            .filter(|s| group.is_some() && s.group_code == *group)
            .collect()
    }
}

/// What a subscription link did, and the drugs it is about.
#[derive(Template)]
#[template(path = "public/subscription.html")]
pub struct SubscriptionPage {
    nav: Nav,
    heading: &'static str,
    message: &'static str,
    followed: Vec<Followed>,
    /// The unsubscribe form's target, when the page asks to confirm unsubscribing.
    unsubscribe_action: Option<String>,
}

/// The publications page.
#[derive(Template)]
#[template(path = "public/publications.html")]
pub struct PublicationsPage {
    nav: Nav,
    publications: Vec<PublicationSummary>,
}

fn nav(user: &MaybePageUser) -> Nav {
    user.0.as_ref().map(Nav::for_user).unwrap_or_default()
}

/// Searches the live public status.
pub async fn list_public_status(
    req: HttpRequest,
    user: MaybePageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    super::public_search::public_search(&req, nav(&user), &state).await
}

/// A drug's public status history, its alternatives and the form to follow it.
pub async fn show_public_product(
    user: MaybePageUser,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let product = products::find(&state.db, &code)
        .await
        .map_err(AppError::page)?;
    if product.summary.kind != ProductKind::Drug.code() {
        return Err(AppError::page(ServiceError::NotFound(format!(
            "{} の公開情報はありません",
            product.summary.code
        ))));
    }
    let other_forms = products::related::other_forms(&state.db, &product.summary.code)
        .await
        .map_err(AppError::page)?;
    render(&PublicProductPage {
        nav: nav(&user),
        product,
        other_forms,
        deliveries: Delivery::ALL
            .iter()
            .map(|d| (d.code(), d.label_ja()))
            .collect(),
    })
}

/// The subscription form's fields.
#[derive(Debug, Deserialize)]
pub struct SubscriptionForm {
    email: String,
    delivery: Option<String>,
}

/// Asks to follow a drug from its page: the same as the API, answered with a page.
pub async fn create_subscription(
    req: HttpRequest,
    user: MaybePageUser,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: web::Form<SubscriptionForm>,
) -> Result<HttpResponse, AppError> {
    let request = NewSubscription {
        email: &form.email,
        product_code: &code,
        delivery: form.delivery.as_deref(),
    };
    subscriptions::subscribe(
        &state.db,
        &request,
        remote_addr(&req).as_deref(),
        chrono::Utc::now(),
    )
    .await
    .map_err(AppError::page)?;
    let followed = products::find(&state.db, &code)
        .await
        .map(|p| Followed {
            product: crate::mail::content::ProductLine {
                code: p.summary.code,
                name: p.summary.name,
            },
        })
        .map_err(AppError::page)?;
    render(&SubscriptionPage {
        nav: nav(&user),
        heading: "確認メールを送りました",
        message: "メールのリンクを開くと登録が完了します。開くまでお知らせはお送りしません。",
        followed: vec![followed],
        unsubscribe_action: None,
    })
}

/// The token(s) of a subscription link.
#[derive(Debug, Deserialize)]
pub struct LinkParams {
    t: String,
}

/// The confirmation link: the subscription starts.
pub async fn confirm_subscription(
    user: MaybePageUser,
    state: web::Data<AppState>,
    params: web::Query<LinkParams>,
) -> Result<HttpResponse, AppError> {
    let followed = subscriptions::confirm(&state.db, &params.t, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    render(&SubscriptionPage {
        nav: nav(&user),
        heading: "登録が完了しました",
        message: "この医薬品の供給状況（⑫〜⑰）が変わるたびにメールでお知らせします。各メールのリンクからいつでも停止できます。",
        followed: vec![followed],
        unsubscribe_action: None,
    })
}

/// The unsubscribe link as a page: names the drugs and asks for one click.
pub async fn show_unsubscribe(
    user: MaybePageUser,
    state: web::Data<AppState>,
    params: web::Query<LinkParams>,
) -> Result<HttpResponse, AppError> {
    let followed = subscriptions::following(&state.db, &params.t)
        .await
        .map_err(AppError::page)?;
    let active = !followed.is_empty();
    render(&SubscriptionPage {
        nav: nav(&user),
        heading: if active {
            "お知らせの停止"
        } else {
            "お知らせは停止済みです"
        },
        message: if active {
            "次の医薬品のお知らせを停止します。"
        } else {
            "このリンクのお知らせはすでに停止しています。"
        },
        followed,
        unsubscribe_action: active.then(|| {
            format!(
                "{}?t={}",
                crate::paths::SUBSCRIPTION_UNSUBSCRIBE,
                crate::http::error::encode_query(&params.t)
            )
        }),
    })
}

/// One-click unsubscribe (RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click`; the page's
/// button POSTs the same address): the subscriptions end at once.
pub async fn unsubscribe(
    user: MaybePageUser,
    state: web::Data<AppState>,
    params: web::Query<LinkParams>,
) -> Result<HttpResponse, AppError> {
    subscriptions::unsubscribe(&state.db, &params.t, chrono::Utc::now())
        .await
        .map_err(AppError::page)?;
    render(&SubscriptionPage {
        nav: nav(&user),
        heading: "お知らせを停止しました",
        message: "今後この医薬品のお知らせはお送りしません。もう一度受け取るには、医薬品のページから登録し直してください。",
        followed: Vec::new(),
        unsubscribe_action: None,
    })
}

fn atom(xml: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"))
        .body(xml)
}

/// A drug's reports as an Atom feed.
pub async fn show_product_feed(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = crate::domain::search_fold::fold(&code).to_ascii_uppercase();
    let xml = feeds::product_feed(&state.db, &state.settings.base_url, &code)
        .await
        .map_err(AppError::page)?;
    Ok(atom(xml))
}

/// The newest 200 reports of every drug as an Atom feed.
pub async fn show_changes_feed(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let xml = feeds::changes_feed(&state.db, &state.settings.base_url)
        .await
        .map_err(AppError::page)?;
    Ok(atom(xml))
}

/// The weekly publications, newest first.
pub async fn list_publications(
    user: MaybePageUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let publications = publication::list(&state.db).await.map_err(AppError::page)?;
    render(&PublicationsPage {
        nav: nav(&user),
        publications,
    })
}

//! `POST /api/v1/public/subscriptions`: anyone may ask to follow a drug by e-mail; only the
//! confirmation is mailed until its link is opened (double opt-in).

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::remote_addr;
use crate::services::subscriptions::{self, NewSubscription};

/// A request to follow a drug.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubscription {
    /// Where to mail the confirmation and, once confirmed, the changes.
    pub email: String,
    /// The drug's YJ code.
    pub product_code: String,
    /// `immediate` (default) or `daily_digest` (one mail each morning).
    pub delivery: Option<String>,
}

/// The same answer for every accepted request (it never says whether an address was known).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionAccepted {
    /// What happens next, in Japanese.
    pub message: String,
}

/// The answer of every accepted request.
pub const ACCEPTED_MESSAGE: &str = "確認メールを送りました。メールのリンクを開くと登録が完了します（開くまでお知らせは届きません）。";

/// Asks to follow a drug: 202 and a confirmation mail; nothing else is mailed before its link
/// is opened. Limited per address and per client (429 with `Retry-After`).
#[utoipa::path(
    tag = "public",
    security(()),
    request_body = CreateSubscription,
    responses(
        (status = 202, description = "Accepted; the confirmation mail is queued", body = SubscriptionAccepted),
        (status = 422, description = "The address or the code does not read", content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this address or client", content_type = "application/problem+json")
    )
)]
#[post("/public/subscriptions")]
pub async fn create_public_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<CreateSubscription>,
) -> Result<HttpResponse, AppError> {
    let request = NewSubscription {
        email: &body.email,
        product_code: &body.product_code,
        delivery: body.delivery.as_deref(),
    };
    subscriptions::subscribe(
        &state.db,
        &request,
        remote_addr(&req).as_deref(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(SubscriptionAccepted {
        message: ACCEPTED_MESSAGE.to_owned(),
    }))
}

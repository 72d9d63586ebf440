//! Guards around every request: the browser-side security headers of every response, no caching
//! of what a signed-in user receives or of any download, and API writes authenticated by the
//! session cookie refused when they come from another site (bearer-token calls are unaffected),
//! and request bodies that must keep arriving.

use std::time::Duration;

use actix_web::HttpMessage as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use futures_util::StreamExt as _;

use super::identity::SESSION_COOKIE;
use super::pages::tokens_match;
use super::{AppError, AppState};
use crate::services::{ServiceError, auth};

/// Scripts and styles only from this site (the vendored htmx, no inline script), no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The header an API client using the session cookie sends the session's form token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Adds the security headers to every response, and `Cache-Control: no-store` to every answer
/// to a request carrying credentials (static assets aside) and to every download.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let credentials =
        req.headers().contains_key(header::AUTHORIZATION) || req.cookie(SESSION_COOKIE).is_some();
    let asset = req.path().starts_with("/static/");
    let mut response = next.call(req).await?;
    let download = response.headers().contains_key(header::CONTENT_DISPOSITION);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if (credentials && !asset) || download {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// Refuses (403) an API write that rides on the session cookie unless it carries the session's
/// form token in [`CSRF_HEADER`] or the browser says it comes from this site
/// (`Sec-Fetch-Site: same-origin`, else an `Origin` equal to this host).
pub async fn api_cross_site_writes<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    // The token endpoint takes credentials in its body and never reads the session.
    let checked = req.path().starts_with("/api/")
        && req.path() != "/api/v1/auth/token"
        && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !req.headers().contains_key(header::AUTHORIZATION);
    let Some(cookie) = req.cookie(SESSION_COOKIE).filter(|_| checked) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if from_this_site(&req) == Some(true) || carries_session_token(&req, cookie.value()).await {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let refusal = AppError::from(ServiceError::Forbidden(
        "他のサイトからの送信は受け付けません。X-CSRF-Token ヘッダーにフォームのトークンを付けるか、Authorization: Bearer トークンを使ってください".into(),
    ));
    let (request, _) = req.into_parts();
    Ok(ServiceResponse::new(request, refusal.error_response()).map_into_right_body())
}

/// What the browser says of where the request comes from: `Sec-Fetch-Site` when sent, else
/// whether `Origin` is this host; `None` when it says nothing.
fn from_this_site(req: &ServiceRequest) -> Option<bool> {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return Some(matches!(site.to_str(), Ok("same-origin" | "none")));
    }
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    Some(authority.is_some() && authority == host)
}

async fn carries_session_token(req: &ServiceRequest, session: &str) -> bool {
    let Some(sent) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return false;
    };
    match auth::session_user(&state.db, session, chrono::Utc::now()).await {
        Ok(Some((_, token))) => tokens_match(&token, sent),
        _ => false,
    }
}

/// Ends a request body that stalls longer than the idle timeout between pieces or takes longer
/// than the body timeout in all (a slow client cannot hold a worker and a connection forever);
/// the handler reading it sees a payload error.
pub async fn body_deadlines(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let (idle, total) = req
        .app_data::<web::Data<AppState>>()
        .map_or((Duration::from_secs(30), Duration::from_secs(900)), |s| {
            (s.settings.body_idle_timeout, s.settings.body_timeout)
        });
    let deadline = tokio::time::Instant::now() + total;
    let body = req.take_payload();
    // Fused: a multipart reader may poll again after the end, which a bare unfold forbids.
    let timed = futures_util::stream::unfold(Some(body), move |body| async move {
        let mut body = body?;
        let wait = idle.min(deadline.saturating_duration_since(tokio::time::Instant::now()));
        match tokio::time::timeout(wait, body.next()).await {
            Ok(Some(piece)) => Some((piece, Some(body))),
            Ok(None) => None,
            Err(_) => Some((
                Err(PayloadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "リクエスト本文の受信が時間内に終わりませんでした",
                ))),
                None,
            )),
        }
    });
    let timed: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = Result<actix_web::web::Bytes, PayloadError>>>,
    > = Box::pin(timed.fuse());
    req.set_payload(Payload::from(timed));
    next.call(req).await
}

/// The largest JSON or form body looked at for NUL characters (the JSON extractor's own limit).
const MAX_CHECKED_BODY: usize = 1 << 20;

/// Refuses (400) a request carrying a NUL character in its URL, JSON or form body: no input has
/// a use for it, PostgreSQL cannot store it in text, and it would fail deep inside a query
/// instead of at the door.
pub async fn refuse_nul(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let refusal = |req: ServiceRequest, detail: &str| {
        let (request, _) = req.into_parts();
        let error = AppError::bad_request(detail.to_owned());
        let error = if request.path().starts_with("/api/") {
            error
        } else {
            AppError::page(error)
        };
        Ok(ServiceResponse::new(request, error.error_response()).map_into_right_body())
    };
    let uri = req.uri().to_string();
    if uri.contains("%00") || uri.contains('\0') {
        return refusal(req, "URL に NUL 文字（%00）は使えません");
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (json, form) = (
        kind.starts_with("application/json"),
        kind.starts_with("application/x-www-form-urlencoded"),
    );
    if json || form {
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        while let Some(piece) = payload.next().await {
            body.extend_from_slice(&piece?);
            if body.len() > MAX_CHECKED_BODY {
                return refusal(req, "リクエスト本文が大きすぎます（上限 1 MB）");
            }
        }
        let nul: &[u8] = if json { b"\\u0000" } else { b"%00" };
        if body.windows(nul.len()).any(|w| w.eq_ignore_ascii_case(nul)) || body.contains(&0) {
            return refusal(req, "NUL 文字は使えません");
        }
        let body = body.freeze();
        let once: std::pin::Pin<
            Box<dyn futures_util::Stream<Item = Result<actix_web::web::Bytes, PayloadError>>>,
        > = Box::pin(futures_util::stream::once(async move { Ok(body) }));
        req.set_payload(Payload::from(once));
    }
    Ok(next.call(req).await?.map_into_left_body())
}

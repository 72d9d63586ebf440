//! Who is calling: the bearer token or session cookie of a request, resolved to a user.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, dev::Payload, web};
use futures_util::FutureExt as _;
use futures_util::future::{LocalBoxFuture, Shared};

use super::AppState;
use super::error::{AppError, ErrorKind};
use crate::domain::Role;
use crate::services::ServiceError;
use crate::services::accounts::UserContext;
use crate::services::audit::Actor;
use crate::services::{auth, outbox};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "sw_session";

/// A user authenticated by bearer token or browser session (API handlers; 401 otherwise).
#[derive(Debug, Clone)]
pub struct ApiUser(pub UserContext);

/// A user with a browser session and its form token (page handlers; redirect to login otherwise).
#[derive(Debug, Clone)]
pub struct PageUser {
    /// The user.
    pub user: UserContext,
    /// The session's CSRF token, put into every form.
    pub csrf_token: String,
    /// For administrators: mail failed for good or failing for over 15 minutes (a banner on every
    /// page while not zero); 0 for everyone else.
    pub mail_failing: u64,
}

/// The page user, if someone is logged in (pages open to everyone).
#[derive(Debug, Clone)]
pub struct MaybePageUser(pub Option<PageUser>);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req)?;
            let now = chrono::Utc::now();
            if let Some(token) = bearer_token(&req) {
                return auth::token_user(&state.db, &token, now)
                    .await?
                    .map(ApiUser)
                    .ok_or_else(|| unauthenticated("トークンが無効か、有効期限が切れています"));
            }
            match session_user(&req, &state).await? {
                Some(page) => Ok(ApiUser(page.user)),
                None => Err(unauthenticated(
                    "認証情報がありません。Authorization: Bearer トークンを指定してください",
                )),
            }
        })
    }
}

impl FromRequest for PageUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req).map_err(AppError::page)?;
            let page = session_user(&req, &state)
                .await
                .map_err(AppError::page)?
                .ok_or_else(|| {
                    let next = req
                        .uri()
                        .path_and_query()
                        .map_or("/", |p| p.as_str())
                        .to_owned();
                    AppError::page(ErrorKind::LoginRequired { next })
                })?;
            let must_enrol = state.settings.mfa_required_roles.contains(&page.user.role)
                && !page.user.mfa_enabled;
            let path = req.path();
            if must_enrol && !path.starts_with("/me/mfa") && path != "/logout" {
                return Err(AppError::page(ErrorKind::EnrolmentRequired));
            }
            Ok(page)
        })
    }
}

impl FromRequest for MaybePageUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req).map_err(AppError::page)?;
            Ok(Self(
                session_user(&req, &state).await.map_err(AppError::page)?,
            ))
        })
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ServiceError::Internal("application state missing".into()).into())
}

fn unauthenticated(message: &str) -> AppError {
    ServiceError::Unauthenticated(message.to_owned()).into()
}

/// The bearer token of a request, if it has one.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The session lookup of one request, shared by every extractor of it (a handler taking a role and
/// a checked form reads the session once).
type SessionLookup = Shared<LocalBoxFuture<'static, Result<Option<PageUser>, Rc<AppError>>>>;

async fn session_user(req: &HttpRequest, state: &AppState) -> Result<Option<PageUser>, AppError> {
    let lookup = req.extensions().get::<SessionLookup>().cloned();
    let lookup = lookup.unwrap_or_else(|| {
        // Only the cookie and the pool go into the future: it is kept in the request's extensions.
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let db = state.db.clone();
        let lookup = async move {
            let Some(secret) = cookie else {
                return Ok(None);
            };
            let found = auth::session_user(&db, &secret, chrono::Utc::now())
                .await
                .map_err(|e| Rc::new(AppError::from(e)))?;
            let Some((user, csrf_token)) = found else {
                return Ok(None);
            };
            let mail_failing = if user.role == Role::Admin {
                outbox::failing_for_long(&db)
                    .await
                    .map_err(|e| Rc::new(AppError::from(e)))?
            } else {
                0
            };
            Ok(Some(PageUser {
                user,
                csrf_token,
                mail_failing,
            }))
        }
        .boxed_local()
        .shared();
        req.extensions_mut().insert(lookup.clone());
        lookup
    });
    lookup.await.map_err(|shared| {
        Rc::try_unwrap(shared)
            .unwrap_or_else(|e| ServiceError::Internal(format!("session lookup: {e}")).into())
    })
}

/// The session cookie: HttpOnly, SameSite=Lax, expiring with the session.
pub fn session_cookie(secret: String, hours: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, secret)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::hours(hours))
        .finish()
}

/// A cookie that removes the session cookie.
pub fn expired_session_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// The client's address as seen on the socket (not a header a client could forge).
pub fn remote_addr(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

/// The audit actor of a request by `user`.
pub fn actor(req: &HttpRequest, user: &UserContext) -> Actor {
    user.actor(remote_addr(req))
}

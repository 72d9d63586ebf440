//! `AppError`, the one error type at the HTTP edge: RFC 9457 problem+json for the API, a Japanese
//! error page (or a redirect to the login page) for the browser.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::services::{FieldProblem, ServiceError};

/// Seconds a client is asked to wait while the database is unavailable (503).
pub const UNAVAILABLE_RETRY_AFTER: u64 = 5;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// A use case refused or failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The request itself is malformed (unreadable JSON, bad query parameter).
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or expired ones.
    #[error("ログインが必要です")]
    LoginRequired {
        /// Where to come back to after logging in.
        next: String,
    },
    /// A user whose role must have a second factor has none yet: to the enrolment page.
    #[error("二要素認証の登録が必要です")]
    EnrolmentRequired,
    /// A form arrived without the token of the session that showed it.
    #[error("フォームの有効期限が切れました。もう一度お試しください")]
    CsrfMismatch,
    /// A template failed to render.
    #[error("Failed to render a page")]
    Render(#[from] askama::Error),
}

/// The error of every handler; `html` selects the browser rendering.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct AppError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Render as a page (browser) instead of problem+json (API).
    pub html: bool,
}

impl AppError {
    /// The same error, rendered for the browser.
    pub fn page(error: impl Into<Self>) -> Self {
        Self {
            html: true,
            ..error.into()
        }
    }

    /// A malformed request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ErrorKind::BadRequest(detail.into()).into()
    }

    fn title(&self) -> &'static str {
        match self.status_code() {
            StatusCode::UNAUTHORIZED => "認証が必要です",
            StatusCode::FORBIDDEN => "権限がありません",
            StatusCode::NOT_FOUND => "見つかりません",
            StatusCode::CONFLICT => "現在の状態では実行できません",
            StatusCode::UNPROCESSABLE_ENTITY => "入力内容に誤りがあります",
            StatusCode::BAD_REQUEST => "リクエストが正しくありません",
            StatusCode::PAYLOAD_TOO_LARGE => "上限を超えています",
            StatusCode::TOO_MANY_REQUESTS => "混み合っています",
            StatusCode::SERVICE_UNAVAILABLE => "一時的に利用できません",
            _ => "サーバーでエラーが発生しました",
        }
    }

    /// What the user may read: the message, except for internal failures, which stay opaque.
    fn detail(&self) -> String {
        if self.status_code() == StatusCode::SERVICE_UNAVAILABLE {
            "データベースに一時的に接続できないため、処理できませんでした（何も保存していません）。しばらくしてからもう一度お試しください。".to_owned()
        } else if self.status_code().is_server_error() {
            "しばらくしてからもう一度お試しください。解決しない場合はシステム管理者にお問い合わせください。".to_owned()
        } else {
            self.kind.to_string()
        }
    }

    fn problems(&self) -> &[FieldProblem] {
        match &self.kind {
            ErrorKind::Service(
                ServiceError::Invalid(problems)
                | ServiceError::TooLarge(problems)
                | ServiceError::SecondFactor(problems),
            ) => problems,
            _ => &[],
        }
    }
}

impl<E: Into<ErrorKind>> From<E> for AppError {
    fn from(error: E) -> Self {
        Self {
            kind: error.into(),
            html: false,
        }
    }
}

/// RFC 9457 body.
#[derive(serde::Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    status: u16,
    title: &'static str,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldProblem],
}

/// The browser's error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'static str,
    detail: String,
    problems: &'a [FieldProblem],
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match &self.kind {
            ErrorKind::Service(error) => match error {
                ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                ServiceError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                ServiceError::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
                ServiceError::Unauthenticated(_) | ServiceError::SecondFactor(_) => {
                    StatusCode::UNAUTHORIZED
                }
                ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
                ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
                ServiceError::Conflict(_) => StatusCode::CONFLICT,
                e @ ServiceError::Database { .. } if e.is_unavailable() => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                ServiceError::Database { .. } | ServiceError::Internal(_) => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            },
            ErrorKind::BadRequest(_) => StatusCode::BAD_REQUEST,
            ErrorKind::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            ErrorKind::EnrolmentRequired | ErrorKind::CsrfMismatch => StatusCode::FORBIDDEN,
            ErrorKind::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, cause = ?self.kind, "request failed");
        }
        if self.html {
            if matches!(self.kind, ErrorKind::EnrolmentRequired) {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/me/mfa"))
                    .finish();
            }
            if let ErrorKind::LoginRequired { next } = &self.kind {
                let location = format!("{}?next={}", crate::paths::LOGIN, encode_query(next));
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .finish();
            }
            let page = ErrorPage {
                status: status.as_u16(),
                title: self.title(),
                detail: self.detail(),
                problems: self.problems(),
            };
            return match page.render() {
                Ok(body) => HttpResponse::build(status)
                    .content_type(ContentType::html())
                    .body(body),
                Err(e) => {
                    tracing::error!(error = %e, "Failed to render the error page");
                    HttpResponse::build(status).body(self.detail())
                }
            };
        }
        let problem = Problem {
            kind: "about:blank",
            status: status.as_u16(),
            title: self.title(),
            detail: self.detail(),
            errors: self.problems(),
        };
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let ErrorKind::Service(ServiceError::Busy { retry_after, .. }) = &self.kind {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER.to_string()));
        }
        response
            .content_type("application/problem+json")
            .json(problem)
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

//! The error type of the service layer; the HTTP edge maps it to problem+json or an error page.

use crate::db::packed::PackError;
use crate::domain::FieldError;

/// One broken rule in some input: which field (and row of a file), which rule, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    /// The input field (JSON name, or the column name of a file).
    pub field: String,
    /// 1-based row of an uploaded file, as a spreadsheet numbers it (the header row included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The column's heading in the uploaded file (e.g. `⑬限定出荷／供給停止の理由`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Stable machine code of the rule.
    pub code: String,
    /// Japanese explanation naming the value and the rule.
    pub message: String,
}

impl FieldProblem {
    /// The column or field as a page names it: the file's own Japanese heading, or the Japanese
    /// name of a code (`product_code` → 医薬品・製品コード).
    pub fn column_label(&self) -> &str {
        crate::domain::field_names::field_label(self.column.as_deref().unwrap_or(&self.field))
    }

    /// A problem with `field` described by a domain validation error.
    pub fn from_field_error(field: &str, error: &FieldError) -> Self {
        Self {
            field: field.to_owned(),
            row: None,
            column: None,
            code: error.code.to_owned(),
            message: error.message.clone(),
        }
    }

    /// A problem with `field` with the given rule code and message.
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            row: None,
            column: None,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// The same problem, located at a row of a file.
    #[must_use]
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
}

/// Why a use case did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input broke one or more rules; nothing was changed.
    #[error("入力内容に誤りがあります（{}件）", .0.len())]
    Invalid(Vec<FieldProblem>),
    /// The input is larger than a limit allows (413): each problem's code names the limit.
    #[error("{}", .0.first().map_or("上限を超えています", |p| p.message.as_str()))]
    TooLarge(Vec<FieldProblem>),
    /// Too many of these requests are running; try again after `retry_after` seconds (429).
    #[error("{message}")]
    Busy {
        /// What is busy, in Japanese.
        message: String,
        /// Seconds to wait before trying again.
        retry_after: u64,
    },
    /// Wrong e-mail, wrong password, locked or deactivated: deliberately one message.
    #[error("{0}")]
    Unauthenticated(String),
    /// The password was right but the second factor is missing or wrong (401; the problem's
    /// code says which: `mfa_required`, `mfa_invalid`, `mfa_enrolment_required`).
    #[error("{}", .0.first().map_or("二要素認証が必要です", |p| p.message.as_str()))]
    SecondFactor(Vec<FieldProblem>),
    /// The caller may not touch this (another organisation's data, wrong role).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing with that key.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state (duplicate, wrong workflow step).
    #[error("{0}")]
    Conflict(String),
    /// The database failed; the cause is logged, the user sees an opaque error.
    #[error("{context}")]
    Database {
        /// What was being done.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: sea_orm::DbErr,
    },
    /// Another unexpected failure (hashing, a worker thread), logged with its cause.
    #[error("{0}")]
    Internal(String),
}

/// Stored bytes that do not read are a failure of the server, never of the caller.
impl From<PackError> for ServiceError {
    fn from(error: PackError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl ServiceError {
    /// A single-field validation error.
    pub fn invalid(problem: FieldProblem) -> Self {
        Self::Invalid(vec![problem])
    }

    /// The database cannot be reached or cannot store anything now (no connection within the
    /// acquire timeout, a lost connection, a full disk): worth retrying later, unlike a bug.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Database { source, .. } if crate::db::unavailable::is_unavailable(source))
    }
}

/// Attaches a "what failed" context to database errors: `.context("Failed to …")`.
pub trait DbContext<T> {
    /// Wraps the error with the description of the failed step.
    fn context(self, context: &'static str) -> Result<T, ServiceError>;
}

impl<T> DbContext<T> for Result<T, sea_orm::DbErr> {
    fn context(self, context: &'static str) -> Result<T, ServiceError> {
        self.map_err(|source| ServiceError::Database { context, source })
    }
}

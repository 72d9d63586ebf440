//! The audit log: every login (success and failure) and every write — who, when, what, from where.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set,
};

use super::{DbContext, ServiceError};
use crate::db::entity::audit_log;

/// Who did something, as far as is known.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// The user's id, when logged in.
    pub user_id: Option<i64>,
    /// The e-mail given or logged in with (`system` for the CLI and jobs).
    pub email: String,
    /// The client's address.
    pub remote_addr: Option<String>,
}

impl Actor {
    /// The command line or a job acting without a user.
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            email: format!("system:{what}"),
            remote_addr: None,
        }
    }
}

/// One thing to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// What kind of act, e.g. `login`, `user.create`, `price_list.import`.
    pub action: &'a str,
    /// What it was done to, e.g. `user:3` or a product code.
    pub target: String,
    /// Free detail (why a login failed, counts of an import).
    pub detail: Option<String>,
    /// Whether the act succeeded.
    pub success: bool,
}

/// Writes one entry, inside the caller's transaction when given one.
pub async fn record(
    db: &impl ConnectionTrait,
    entry: AuditEntry<'_>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    audit_log::ActiveModel {
        occurred_at: Set(now),
        user_id: Set(entry.actor.user_id),
        actor_email: Set(entry.actor.email.clone()),
        action: Set(entry.action.to_owned()),
        target: Set(entry.target),
        detail: Set(entry.detail),
        remote_addr: Set(entry.actor.remote_addr.clone()),
        success: Set(entry.success),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to write the audit log")?;
    Ok(())
}

/// A page of the audit log, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), ServiceError> {
    let total = audit_log::Entity::find()
        .count(db)
        .await
        .context("Failed to count the audit log")?;
    let rows = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .offset(crate::domain::paging::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await
        .context("Failed to read the audit log")?;
    Ok((rows, total))
}

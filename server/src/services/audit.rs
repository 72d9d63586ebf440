//! The audit log: every login (success and failure), every write and every read of confidential
//! data (cases, report downloads, caps and audit-log exports) — who, when, what, from where.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};

use super::{DbContext, ServiceError};
use crate::db::entity::{audit_log, user};

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

/// Records a read of confidential data (`case.view`, `report.download`, `caps.export`,
/// `audit.export`): who read what, when and from where.
pub async fn record_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: String,
    detail: Option<String>,
) -> Result<(), ServiceError> {
    let entry = AuditEntry {
        actor,
        action,
        target,
        detail,
        success: true,
    };
    record(db, entry, chrono::Utc::now()).await
}

/// What the audit page narrows the log to; every part optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Part of the actor's e-mail.
    pub actor: Option<String>,
    /// Only acts of this organisation's users.
    pub organization_id: Option<i32>,
    /// Only this action code.
    pub action: Option<String>,
    /// From this day (Asia/Tokyo), inclusive.
    pub from: Option<NaiveDate>,
    /// Up to this day (Asia/Tokyo), inclusive.
    pub to: Option<NaiveDate>,
}

/// The first instant of a day in Japan.
fn tokyo_start(day: NaiveDate) -> DateTime<Utc> {
    let offset = chrono::Duration::hours(9);
    DateTime::<Utc>::from_naive_utc_and_offset(day.and_time(chrono::NaiveTime::MIN), Utc) - offset
}

impl AuditFilter {
    fn apply(&self, select: Select<audit_log::Entity>) -> Select<audit_log::Entity> {
        let mut select = select;
        if let Some(actor) = self
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            select = select.filter(
                audit_log::Column::ActorEmail.contains(crate::domain::search_fold::fold(actor)),
            );
        }
        if let Some(org) = self.organization_id {
            select = select.filter(
                audit_log::Column::UserId.in_subquery(
                    Query::select()
                        .column(user::Column::Id)
                        .from(user::Entity)
                        .and_where(user::Column::OrganizationId.eq(org))
                        .to_owned(),
                ),
            );
        }
        if let Some(action) = self.action.as_deref().filter(|a| !a.is_empty()) {
            select = select.filter(audit_log::Column::Action.eq(action));
        }
        if let Some(from) = self.from {
            select = select.filter(audit_log::Column::OccurredAt.gte(tokyo_start(from)));
        }
        if let Some(to) = self.to.and_then(|d| d.succ_opt()) {
            select = select.filter(audit_log::Column::OccurredAt.lt(tokyo_start(to)));
        }
        select
    }
}

/// A page of the audit log, newest first, narrowed by `filter`; and how many entries match.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), ServiceError> {
    let total = filter
        .apply(audit_log::Entity::find())
        .count(db)
        .await
        .context("Failed to count the audit log")?;
    let rows = filter
        .apply(audit_log::Entity::find())
        .order_by_desc(audit_log::Column::Id)
        .offset(crate::domain::paging::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await
        .context("Failed to read the audit log")?;
    Ok((rows, total))
}

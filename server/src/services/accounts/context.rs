//! The one query behind every logged-in request: a user joined to its organisation (callers
//! join their session or token table), and the [`UserContext`] read from its row.

use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};

use super::{OrganizationRef, UserContext};
use crate::db::entity::{organization, user};
use crate::domain::{OrganizationKind, Role};
use crate::services::{DbContext, ServiceError};

/// Loads the context of an active user by id.
pub async fn user_context(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<UserContext>, ServiceError> {
    let statement = context_select()
        .and_where(Expr::col((user::Entity, user::Column::Id)).eq(user_id))
        .to_owned();
    let row = db
        .query_one(db.get_database_backend().build(&statement))
        .await
        .context("Failed to load the user")?;
    match row {
        Some(row) => context_from_row(&row),
        None => Ok(None),
    }
}

/// `SELECT` of what a [`UserContext`] needs, users joined to their organisation, so that every
/// request's identity is one round trip; callers join their own table (sessions, tokens).
pub(crate) fn context_select() -> SelectStatement {
    Query::select()
        .expr_as(
            Expr::col((user::Entity, user::Column::Id)),
            Alias::new("u_id"),
        )
        .expr_as(
            Expr::col((user::Entity, user::Column::Email)),
            Alias::new("u_email"),
        )
        .expr_as(
            Expr::col((user::Entity, user::Column::DisplayName)),
            Alias::new("u_name"),
        )
        .expr_as(
            Expr::col((user::Entity, user::Column::Role)),
            Alias::new("u_role"),
        )
        .expr_as(
            Expr::col((user::Entity, user::Column::Active)),
            Alias::new("u_active"),
        )
        .expr_as(
            Expr::col((user::Entity, user::Column::TotpEnabledAt)),
            Alias::new("u_totp"),
        )
        .expr_as(
            Expr::col((organization::Entity, organization::Column::Id)),
            Alias::new("o_id"),
        )
        .expr_as(
            Expr::col((organization::Entity, organization::Column::Name)),
            Alias::new("o_name"),
        )
        .expr_as(
            Expr::col((organization::Entity, organization::Column::Kind)),
            Alias::new("o_kind"),
        )
        .from(user::Entity)
        .inner_join(
            organization::Entity,
            Expr::col((organization::Entity, organization::Column::Id))
                .equals((user::Entity, user::Column::OrganizationId)),
        )
        .to_owned()
}

/// The context of a row of [`context_select`]; `None` for a deactivated user.
pub(crate) fn context_from_row(row: &QueryResult) -> Result<Option<UserContext>, ServiceError> {
    let read = |e: sea_orm::DbErr| ServiceError::Database {
        context: "Failed to read the user",
        source: e,
    };
    if !row.try_get::<bool>("", "u_active").map_err(read)? {
        return Ok(None);
    }
    let id: i32 = row.try_get("", "u_id").map_err(read)?;
    Ok(Some(UserContext {
        user_id: id,
        email: row.try_get("", "u_email").map_err(read)?,
        display_name: row.try_get("", "u_name").map_err(read)?,
        role: row.try_get::<Role>("", "u_role").map_err(read)?,
        organization: OrganizationRef {
            id: row.try_get("", "o_id").map_err(read)?,
            name: row.try_get("", "o_name").map_err(read)?,
            kind: row
                .try_get::<OrganizationKind>("", "o_kind")
                .map_err(read)?,
        },
        mfa_enabled: row
            .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", "u_totp")
            .map_err(read)?
            .is_some(),
    }))
}

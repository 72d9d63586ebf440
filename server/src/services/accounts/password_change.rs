//! Changing one's own password: the current one proves who asks, the new one must meet the
//! policy and differ from the last [`HISTORY`] passwords, and every other session and token
//! of the user ends (whoever may have learnt the old password is logged out).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use super::credentials::{self, Keep};
use super::password::{hash_password, verify_password};
use crate::db::entity::{password_history, user};
use crate::domain::password::check_password_policy;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// Passwords that may not come back: the current one and the ones before it.
pub const HISTORY: usize = 5;

/// What a password change needs.
#[derive(Debug, Clone, Copy)]
pub struct PasswordChange<'a> {
    /// The password now in use.
    pub current: &'a str,
    /// The new password.
    pub new: &'a str,
}

/// Changes the user's password; returns how many other sessions and tokens ended.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i32,
    change: PasswordChange<'_>,
    keep: Keep<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let found = user::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("Failed to load the user")?
        .ok_or_else(|| ServiceError::NotFound("利用者が見つかりません".into()))?;
    if !verify_password(change.current.to_owned(), Some(found.password_hash.clone())).await? {
        return Err(ServiceError::invalid(FieldProblem::new(
            "current_password",
            "current_password_wrong",
            "現在のパスワードが正しくありません",
        )));
    }
    check_password_policy(change.new, &found.email)
        .map_err(|e| ServiceError::invalid(FieldProblem::from_field_error("new_password", &e)))?;
    let earlier: Vec<String> = password_history::Entity::find()
        .filter(password_history::Column::UserId.eq(user_id))
        .order_by_desc(password_history::Column::Id)
        .limit(u64::try_from(HISTORY - 1).unwrap_or(4))
        .all(db)
        .await
        .context("Failed to read the password history")?
        .into_iter()
        .map(|h| h.password_hash)
        .collect();
    for stored in std::iter::once(found.password_hash.clone()).chain(earlier) {
        if verify_password(change.new.to_owned(), Some(stored)).await? {
            return Err(ServiceError::invalid(FieldProblem::new(
                "new_password",
                "password_reused",
                format!("直近{HISTORY}回に使ったパスワードは再利用できません"),
            )));
        }
    }
    let new_hash = hash_password(change.new.to_owned()).await?;
    let txn = db
        .begin()
        .await
        .context("Failed to start the password change")?;
    password_history::ActiveModel {
        user_id: Set(user_id),
        password_hash: Set(found.password_hash.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("Failed to keep the old password's hash")?;
    let stale: Vec<i32> = password_history::Entity::find()
        .filter(password_history::Column::UserId.eq(user_id))
        .order_by_desc(password_history::Column::Id)
        .all(&txn)
        .await
        .context("Failed to read the password history")?
        .into_iter()
        .skip(HISTORY)
        .map(|h| h.id)
        .collect();
    password_history::Entity::delete_many()
        .filter(password_history::Column::Id.is_in(stale))
        .exec(&txn)
        .await
        .context("Failed to trim the password history")?;
    let mut model: user::ActiveModel = found.into();
    model.password_hash = Set(new_hash);
    model.password_changed_at = Set(Some(now));
    model
        .update(&txn)
        .await
        .context("Failed to store the new password")?;
    let ended = credentials::end_all_but(&txn, user_id, keep).await?;
    let entry = AuditEntry {
        actor,
        action: "password.change",
        target: format!("user:{user_id}"),
        detail: Some(format!("他のセッション・トークン {ended} 件を終了")),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit()
        .await
        .context("Failed to commit the password change")?;
    Ok(ended)
}

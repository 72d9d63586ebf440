//! The administrator's user management: the list (with the dormant accounts: no login for N
//! days), invitations by mail with a one-time link to set the first password (72 hours),
//! deactivation (ending every session and token), role and organisation changes. Every change
//! is audited.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::credentials::{self, Keep};
use super::password::hash_password;
use super::secrets::{random_secret, secret_hash};
use super::{NewUser, OrganizationRef, UserContext, create_user};
use crate::db::entity::{invitation, organization, user};
use crate::domain::Role;
use crate::domain::password::check_password_policy;
use crate::mail::MailContent;
use crate::mail::content::Notice;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::outbox::{self, NewMessage};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// Hours an invitation link works.
pub const INVITATION_HOURS: i64 = 72;

/// A user as the administrator's list shows it.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Id.
    pub id: i32,
    /// Login e-mail.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub organization: OrganizationRef,
    /// Can log in.
    pub active: bool,
    /// Last login.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Has a confirmed second factor.
    pub mfa_enabled: bool,
    /// Active, and no login (or, never logged in, no creation) for the dormant period.
    pub dormant: bool,
}

async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    user_id: i32,
    detail: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let entry = AuditEntry {
        actor,
        action,
        target: format!("user:{user_id}"),
        detail,
        success: true,
    };
    audit::record(db, entry, now).await
}

/// Every user (or only the dormant ones), by organisation and e-mail.
pub async fn list(
    db: &impl ConnectionTrait,
    only_dormant: bool,
    dormant_days: i64,
    now: DateTime<Utc>,
) -> Result<Vec<UserRow>, ServiceError> {
    let since = now - Duration::days(dormant_days);
    let orgs: std::collections::HashMap<i32, OrganizationRef> = organization::Entity::find()
        .all(db)
        .await
        .context("Failed to load the organisations")?
        .into_iter()
        .map(|o| (o.id, OrganizationRef::from(o)))
        .collect();
    let users = user::Entity::find()
        .order_by_asc(user::Column::OrganizationId)
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
        .context("Failed to list the users")?;
    Ok(users
        .into_iter()
        .filter_map(|u| {
            let organization = orgs.get(&u.organization_id)?.clone();
            let dormant = u.active && u.last_login_at.unwrap_or(u.created_at) < since;
            (!only_dormant || dormant).then(|| UserRow {
                id: u.id,
                email: u.email,
                display_name: u.display_name,
                role: u.role,
                organization,
                active: u.active,
                last_login_at: u.last_login_at,
                mfa_enabled: u.totp_enabled_at.is_some(),
                dormant,
            })
        })
        .collect())
}

/// Who is invited.
#[derive(Debug, Clone)]
pub struct Invitee<'a> {
    /// Login e-mail.
    pub email: &'a str,
    /// Name.
    pub display_name: &'a str,
    /// Role; must fit the organisation.
    pub role: Role,
    /// Organisation id.
    pub organization_id: i32,
}

/// Creates the user (with a password nobody knows) and queues the invitation mail with a
/// one-time link to set the password; returns the user and the link's path.
pub async fn invite(
    db: &DatabaseConnection,
    invitee: &Invitee<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(UserContext, String), ServiceError> {
    let unknown = format!("Inv1-{}", random_secret());
    let txn = db.begin().await.context("Failed to start the invitation")?;
    let created = create_user(
        &txn,
        &NewUser {
            email: invitee.email,
            display_name: invitee.display_name,
            role: invitee.role,
            organization_id: invitee.organization_id,
            password: &unknown,
        },
        actor,
        now,
    )
    .await?;
    let secret = random_secret();
    invitation::ActiveModel {
        user_id: Set(created.user_id),
        token_hash: Set(secret_hash(&secret)),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(INVITATION_HOURS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("Failed to store the invitation")?;
    let link_path = crate::paths::invitation(&secret);
    let content = MailContent::Notice(Notice {
        subject: "【SupplyWatch】アカウントのご案内（パスワードの設定）".to_owned(),
        recipient_org: created.organization.name.clone(),
        lead: format!(
            "{} 様、SupplyWatch（医薬品等供給モニタリング）のアカウントを作成しました。次のリンクから{INVITATION_HOURS}時間以内にパスワードを設定してください。リンクは1回だけ使えます。",
            created.display_name
        ),
        lines: vec![
            format!("ログインID: {}", created.email),
            format!("ロール: {}", created.role.label_ja()),
        ],
        link_path: link_path.clone(),
    });
    outbox::enqueue(
        &txn,
        vec![NewMessage {
            idempotency_key: format!("invitation:{}:{}", created.user_id, secret_hash(&secret)),
            organization_id: Some(created.organization.id),
            recipient_name: created.display_name.clone(),
            recipient_email: created.email.clone(),
            digest: false,
            content,
        }],
        now,
    )
    .await?;
    record(
        &txn,
        actor,
        "user.invite",
        created.user_id,
        Some(created.email.clone()),
        now,
    )
    .await?;
    txn.commit()
        .await
        .context("Failed to commit the invitation")?;
    Ok((created, link_path))
}

/// The user an invitation link is for, while it works (unused, not expired).
pub async fn invitation_user(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ServiceError> {
    let gone = || {
        ServiceError::NotFound(
            "この招待リンクは使用済みか、有効期限（72時間）が切れています。システム管理者に再発行を依頼してください".into(),
        )
    };
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(secret_hash(secret)))
        .one(db)
        .await
        .context("Failed to read the invitation")?
        .filter(|i| i.used_at.is_none() && i.expires_at > now)
        .ok_or_else(gone)?;
    user::Entity::find_by_id(found.user_id)
        .one(db)
        .await
        .context("Failed to load the invited user")?
        .filter(|u| u.active)
        .ok_or_else(gone)
}

/// Sets the first password through an invitation link, which is then used up.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    secret: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let found = invitation_user(db, secret, now).await?;
    check_password_policy(password, &found.email)
        .map_err(|e| ServiceError::invalid(FieldProblem::from_field_error("password", &e)))?;
    let hash = hash_password(password.to_owned()).await?;
    let txn = db.begin().await.context("Failed to start the invitation")?;
    let used = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(invitation::Column::TokenHash.eq(secret_hash(secret)))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .context("Failed to use the invitation")?;
    if used.rows_affected != 1 {
        return Err(ServiceError::Conflict(
            "この招待リンクは使用済みです".into(),
        ));
    }
    let email = found.email.clone();
    let id = found.id;
    let mut model: user::ActiveModel = found.into();
    model.password_hash = Set(hash);
    model.password_changed_at = Set(Some(now));
    model
        .update(&txn)
        .await
        .context("Failed to set the password")?;
    let actor = Actor {
        user_id: Some(i64::from(id)),
        email: email.clone(),
        remote_addr: None,
    };
    record(&txn, &actor, "invitation.accept", id, None, now).await?;
    txn.commit()
        .await
        .context("Failed to commit the password")?;
    Ok(email)
}

/// Deactivates a user by id: no more logins; every session and token ends.
pub async fn deactivate(
    db: &DatabaseConnection,
    user_id: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let txn = db
        .begin()
        .await
        .context("Failed to start the deactivation")?;
    let found = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await
        .context("Failed to load the user")?
        .ok_or_else(|| ServiceError::NotFound(format!("利用者 {user_id} は存在しません")))?;
    if actor.user_id == Some(i64::from(user_id)) {
        return Err(ServiceError::Conflict(
            "自分自身のアカウントは無効にできません".into(),
        ));
    }
    let email = found.email.clone();
    let mut model: user::ActiveModel = found.into();
    model.active = Set(false);
    model
        .update(&txn)
        .await
        .context("Failed to deactivate the user")?;
    let ended = credentials::end_all_but(&txn, user_id, Keep::Nothing).await?;
    record(
        &txn,
        actor,
        "user.deactivate",
        user_id,
        Some(format!("{email}（セッション・トークン {ended} 件を終了）")),
        now,
    )
    .await?;
    txn.commit()
        .await
        .context("Failed to commit the deactivation")?;
    Ok(ended)
}

/// A change of role and/or organisation.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserChange {
    /// New role.
    pub role: Option<Role>,
    /// New organisation id.
    pub organization_id: Option<i32>,
}

/// Changes a user's role and/or organisation (the role must fit the organisation's kind);
/// audited with the before and after.
pub async fn change(
    db: &DatabaseConnection,
    user_id: i32,
    change: UserChange,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let txn = db.begin().await.context("Failed to start the change")?;
    let found = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await
        .context("Failed to load the user")?
        .ok_or_else(|| ServiceError::NotFound(format!("利用者 {user_id} は存在しません")))?;
    let role = change.role.unwrap_or(found.role);
    let org_id = change.organization_id.unwrap_or(found.organization_id);
    let org = organization::Entity::find_by_id(org_id)
        .one(&txn)
        .await
        .context("Failed to load the organisation")?
        .map(OrganizationRef::from)
        .ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "organization_id",
                "not_found",
                format!("組織 {org_id} は存在しません"),
            ))
        })?;
    if !role.fits(org.kind) {
        return Err(ServiceError::invalid(FieldProblem::new(
            "role",
            "role_mismatch",
            format!(
                "ロール「{}」は{}「{}」の利用者には設定できません",
                role.label_ja(),
                org.kind.label_ja(),
                org.name
            ),
        )));
    }
    let detail = format!(
        "ロール {} → {}、組織 {} → {}",
        found.role.code(),
        role.code(),
        found.organization_id,
        org.id
    );
    let mut model: user::ActiveModel = found.into();
    model.role = Set(role);
    model.organization_id = Set(org.id);
    model
        .update(&txn)
        .await
        .context("Failed to change the user")?;
    record(&txn, actor, "user.update", user_id, Some(detail), now).await?;
    txn.commit().await.context("Failed to commit the change")
}

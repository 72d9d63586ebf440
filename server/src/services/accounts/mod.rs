//! Organisations, their supply contacts and users: creation with validation, and look-ups.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

mod context;
pub mod credentials;
pub mod login_challenge;
pub mod mfa;
pub mod password;
pub mod password_change;
pub mod secrets;
pub mod user_admin;

pub use context::user_context;
pub(crate) use context::{context_from_row, context_select};

use super::audit::{self, Actor, AuditEntry};
use super::{DbContext, FieldProblem, ServiceError};
use crate::db::entity::{contact, organization, user};
use crate::domain::contact::Delivery;
use crate::domain::password::check_password_policy;
use crate::domain::{CorporateNumber, EmailAddress, OrganizationKind, Role};
use password::hash_password;

/// An organisation as the rest of the application sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRef {
    /// Database id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrganizationKind,
}

/// The logged-in user and their organisation.
#[derive(Debug, Clone)]
pub struct UserContext {
    /// Database id.
    pub user_id: i32,
    /// Login e-mail.
    pub email: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub organization: OrganizationRef,
    /// Whether a TOTP second factor is confirmed.
    pub mfa_enabled: bool,
}

impl UserContext {
    /// The actor to record in the audit log.
    pub fn actor(&self, remote_addr: Option<String>) -> Actor {
        Actor {
            user_id: Some(i64::from(self.user_id)),
            email: self.email.clone(),
            remote_addr,
        }
    }
}

/// What is needed to register an organisation.
#[derive(Debug, Clone)]
pub struct NewOrganization<'a> {
    /// Kind.
    pub kind: OrganizationKind,
    /// Name, unique within its kind.
    pub name: &'a str,
    /// 法人番号 (checked), or none for makers known only by name from the price list.
    pub corporate_number: Option<&'a str>,
    /// Supply contacts: (name, e-mail).
    pub contacts: &'a [(&'a str, &'a str)],
}

/// Registers an organisation with its contacts, checking the 法人番号 and every e-mail.
pub async fn create_organization(
    db: &impl ConnectionTrait,
    new: &NewOrganization<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<OrganizationRef, ServiceError> {
    let mut problems = Vec::new();
    if new.name.trim().is_empty() {
        problems.push(FieldProblem::new(
            "name",
            "required",
            "組織名を入力してください",
        ));
    }
    let corporate_number = match new.corporate_number.map(CorporateNumber::parse).transpose() {
        Ok(number) => number,
        Err(e) => {
            problems.push(FieldProblem::from_field_error("corporate_number", &e));
            None
        }
    };
    let mut contacts = Vec::new();
    for (name, email) in new.contacts {
        match EmailAddress::parse(email) {
            Ok(email) => contacts.push(((*name).to_owned(), email)),
            Err(e) => problems.push(FieldProblem::from_field_error("contacts.email", &e)),
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let existing = organization::Entity::find()
        .filter(organization::Column::Kind.eq(new.kind))
        .filter(organization::Column::Name.eq(new.name.trim()))
        .one(db)
        .await
        .context("Failed to look up the organisation")?;
    if existing.is_some() {
        return Err(ServiceError::Conflict(format!(
            "{}「{}」は既に登録されています",
            new.kind.label_ja(),
            new.name.trim()
        )));
    }
    let org = organization::ActiveModel {
        kind: Set(new.kind),
        name: Set(new.name.trim().to_owned()),
        corporate_number: Set(corporate_number.map(|n| n.as_str().to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to store the organisation")?;
    for (name, email) in contacts {
        contact::ActiveModel {
            organization_id: Set(org.id),
            name: Set(name),
            email: Set(email.as_str().to_owned()),
            delivery: Set(Delivery::Immediate),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("Failed to store a supply contact")?;
    }
    let entry = AuditEntry {
        actor,
        action: "organization.create",
        target: format!("organization:{}", org.id),
        detail: Some(format!("{} {}", new.kind.label_ja(), org.name)),
        success: true,
    };
    audit::record(db, entry, now).await?;
    Ok(org.into())
}

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login e-mail.
    pub email: &'a str,
    /// Name shown in the app.
    pub display_name: &'a str,
    /// Role; must fit the organisation's kind.
    pub role: Role,
    /// Organisation id.
    pub organization_id: i32,
    /// Initial password; must meet the policy.
    pub password: &'a str,
}

/// Creates a user after checking e-mail, password policy and that the role fits the organisation.
pub async fn create_user(
    db: &impl ConnectionTrait,
    new: &NewUser<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UserContext, ServiceError> {
    let mut problems = Vec::new();
    let email = EmailAddress::parse(new.email)
        .map_err(|e| problems.push(FieldProblem::from_field_error("email", &e)))
        .ok();
    if let Err(e) = check_password_policy(new.password, new.email) {
        problems.push(FieldProblem::from_field_error("password", &e));
    }
    let org = organization::Entity::find_by_id(new.organization_id)
        .one(db)
        .await
        .context("Failed to look up the organisation")?;
    let org = if let Some(org) = org {
        Some(OrganizationRef::from(org))
    } else {
        problems.push(FieldProblem::new(
            "organization_id",
            "not_found",
            format!("組織 {} は存在しません", new.organization_id),
        ));
        None
    };
    if let Some(org) = &org {
        if !new.role.fits(org.kind) {
            problems.push(FieldProblem::new(
                "role",
                "role_mismatch",
                format!(
                    "ロール「{}」は{}「{}」の利用者には設定できません",
                    new.role.label_ja(),
                    org.kind.label_ja(),
                    org.name
                ),
            ));
        }
    }
    let (Some(email), Some(org), true) = (email, org, problems.is_empty()) else {
        return Err(ServiceError::Invalid(problems));
    };
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await
        .context("Failed to look up the e-mail")?;
    if taken.is_some() {
        return Err(ServiceError::Conflict(format!(
            "{email} は既に登録されています"
        )));
    }
    let password_hash = hash_password(new.password.to_owned()).await?;
    let created = user::ActiveModel {
        organization_id: Set(org.id),
        email: Set(email.as_str().to_owned()),
        display_name: Set(new.display_name.trim().to_owned()),
        role: Set(new.role),
        password_hash: Set(password_hash),
        active: Set(true),
        failed_attempts: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("Failed to store the user")?;
    let entry = AuditEntry {
        actor,
        action: "user.create",
        target: format!("user:{}", created.id),
        detail: Some(format!(
            "{} ({}) @ {}",
            created.email, created.role, org.name
        )),
        success: true,
    };
    audit::record(db, entry, now).await?;
    Ok(UserContext {
        user_id: created.id,
        email: created.email,
        display_name: created.display_name,
        role: new.role,
        organization: org,
        mfa_enabled: false,
    })
}

/// Turns a user on or off; a deactivated user can neither log in nor use a token, and every
/// session and token of theirs ends.
pub async fn set_user_active(
    db: &impl ConnectionTrait,
    email: &str,
    active: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
        .context("Failed to look up the user")?
        .ok_or_else(|| ServiceError::NotFound(format!("利用者 {email} は存在しません")))?;
    let id = found.id;
    let mut model: user::ActiveModel = found.into();
    model.active = Set(active);
    model
        .update(db)
        .await
        .context("Failed to update the user")?;
    if !active {
        credentials::end_all_but(db, id, credentials::Keep::Nothing).await?;
    }
    let entry = AuditEntry {
        actor,
        action: if active {
            "user.activate"
        } else {
            "user.deactivate"
        },
        target: format!("user:{id}"),
        detail: None,
        success: true,
    };
    audit::record(db, entry, now).await
}

/// The id of the user with `email`, or 404.
pub async fn user_id_by_email(db: &impl ConnectionTrait, email: &str) -> Result<i32, ServiceError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
        .context("Failed to look up the user")?
        .map(|u| u.id)
        .ok_or_else(|| ServiceError::NotFound(format!("利用者 {email} は存在しません")))
}

/// The name of organisation `id`, or 404.
pub async fn organization_name(db: &impl ConnectionTrait, id: i32) -> Result<String, ServiceError> {
    organization::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to look up the organisation")?
        .map(|org| org.name)
        .ok_or_else(|| ServiceError::NotFound(format!("組織 {id} は存在しません")))
}

/// Every organisation, by kind and name.
pub async fn all_organizations(
    db: &impl ConnectionTrait,
) -> Result<Vec<OrganizationRef>, ServiceError> {
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Kind)
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await
        .context("Failed to list organisations")?
        .into_iter()
        .map(OrganizationRef::from)
        .collect())
}

/// Every organisation of a kind, by name.
pub async fn organizations_of_kind(
    db: &impl ConnectionTrait,
    kind: OrganizationKind,
) -> Result<Vec<OrganizationRef>, ServiceError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Kind.eq(kind))
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await
        .context("Failed to list organisations")?
        .into_iter()
        .map(OrganizationRef::from)
        .collect())
}

impl From<organization::Model> for OrganizationRef {
    fn from(org: organization::Model) -> Self {
        Self {
            id: org.id,
            name: org.name,
            kind: org.kind,
        }
    }
}

//! An organisation's supply contacts as its own users manage them: how each wants its mail
//! (every message at once, or one daily digest); and a maker's 特定医薬品供給体制管理責任者, to whom
//! the ministry's 報告徴収 is addressed.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::accounts::UserContext;
use super::audit::{self, Actor, AuditEntry};
use super::{DbContext, FieldProblem, ServiceError};
use crate::db::entity::{contact, organization};
use crate::domain::contact::Delivery;
use crate::domain::supply_manager::{self, SupplyManager, SupplyManagerInput};
use crate::domain::{OrganizationKind, Role};

/// The contacts of the user's organisation.
pub async fn list_own(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<Vec<contact::Model>, ServiceError> {
    contact::Entity::find()
        .filter(contact::Column::OrganizationId.eq(user.organization.id))
        .order_by_asc(contact::Column::Id)
        .all(db)
        .await
        .context("Failed to load the contacts")
}

/// Sets how contact `id` of the user's organisation receives mail (404 for another's).
pub async fn set_delivery(
    db: &impl ConnectionTrait,
    user: &UserContext,
    id: i32,
    delivery: &str,
) -> Result<(), ServiceError> {
    let delivery = Delivery::from_code(delivery)
        .filter(|d| d.code() == delivery)
        .ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "delivery",
                "code",
                "受信方法は「即時」か「1日1回まとめて」を選んでください",
            ))
        })?;
    let found = contact::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to load the contact")?
        .filter(|c| c.organization_id == user.organization.id)
        .ok_or_else(|| ServiceError::NotFound(format!("連絡先 {id} はありません")))?;
    let mut model: contact::ActiveModel = found.into();
    model.delivery = Set(delivery);
    model
        .update(db)
        .await
        .context("Failed to update the contact")?;
    Ok(())
}

/// The 特定医薬品供給体制管理責任者 organisation `organization_id` named, if any.
pub async fn supply_manager(
    db: &impl ConnectionTrait,
    organization_id: i32,
) -> Result<Option<SupplyManager>, ServiceError> {
    let found = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await
        .context("Failed to load the organisation")?;
    Ok(found.and_then(|o| {
        Some(SupplyManager {
            name: o.supply_manager_name?,
            title: o.supply_manager_title,
            email: o.supply_manager_email?,
        })
    }))
}

/// Names (or renames) the maker's 特定医薬品供給体制管理責任者: only a maker's own users, every
/// broken rule named and nothing stored then; recorded in the audit log in the same transaction.
pub async fn set_supply_manager(
    db: &DatabaseConnection,
    user: &UserContext,
    input: &SupplyManagerInput,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<SupplyManager, ServiceError> {
    if user.role != Role::Manufacturer || user.organization.kind != OrganizationKind::Manufacturer {
        return Err(ServiceError::Forbidden(
            "特定医薬品供給体制管理責任者を登録できるのは製造販売業者の利用者だけです".into(),
        ));
    }
    let manager = supply_manager::validate(input).map_err(|errors| {
        ServiceError::Invalid(
            errors
                .iter()
                .map(|(field, e)| FieldProblem::from_field_error(field, e))
                .collect(),
        )
    })?;
    let txn = db
        .begin()
        .await
        .context("Failed to start naming the responsible person")?;
    organization::ActiveModel {
        id: Set(user.organization.id),
        supply_manager_name: Set(Some(manager.name.clone())),
        supply_manager_title: Set(manager.title.clone()),
        supply_manager_email: Set(Some(manager.email.clone())),
        ..Default::default()
    }
    .update(&txn)
    .await
    .context("Failed to store the responsible person")?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "organization.supply_manager",
            target: format!("organization:{}", user.organization.id),
            detail: Some(manager.name_with_title()),
            success: true,
        },
        now,
    )
    .await?;
    txn.commit()
        .await
        .context("Failed to commit the responsible person")?;
    Ok(manager)
}

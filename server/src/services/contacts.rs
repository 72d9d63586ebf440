//! An organisation's supply contacts as its own users manage them: how each wants its mail
//! (every message at once, or one daily digest).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::accounts::UserContext;
use super::{DbContext, FieldProblem, ServiceError};
use crate::db::entity::contact;
use crate::domain::contact::Delivery;

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

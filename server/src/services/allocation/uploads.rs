//! The record of every shipment and purchase-history upload (who, when, which file, how many
//! rows), and the product look-up both uploads share.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::db::entity::{data_upload, product};
use crate::domain::uploads::UploadKind;
use crate::services::accounts::UserContext;
use crate::services::{DbContext, ServiceError};

/// An accepted upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOutcome {
    /// Its record.
    pub upload_id: i32,
    /// Data rows stored.
    pub rows: u64,
    /// Distinct customers (purchase history) or products (shipments) in it.
    pub customers: usize,
}

/// Writes the record of a user's upload inside its transaction; returns its id.
pub async fn record(
    txn: &impl ConnectionTrait,
    kind: UploadKind,
    user: &UserContext,
    file_name: &str,
    rows: u64,
    now: DateTime<Utc>,
) -> Result<i32, ServiceError> {
    record_for(
        txn,
        kind,
        user.organization.id,
        Some(user.user_id),
        file_name,
        rows,
        now,
    )
    .await
}

/// Writes the record of an upload for an organisation (by a user, or by the seed without one).
pub async fn record_for(
    txn: &impl ConnectionTrait,
    kind: UploadKind,
    organization_id: i32,
    user_id: Option<i32>,
    file_name: &str,
    rows: u64,
    now: DateTime<Utc>,
) -> Result<i32, ServiceError> {
    let model = data_upload::ActiveModel {
        kind: Set(kind),
        organization_id: Set(organization_id),
        user_id: Set(user_id),
        file_name: Set(file_name.chars().take(200).collect()),
        rows: Set(i64::try_from(rows).unwrap_or(i64::MAX)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .context("Failed to record the upload")?;
    Ok(model.id)
}

/// The newest upload of `kind`, if any (a computation records it as its input's version).
pub async fn latest(
    db: &impl ConnectionTrait,
    kind: UploadKind,
) -> Result<Option<i32>, ServiceError> {
    data_upload::Entity::find()
        .filter(data_upload::Column::Kind.eq(kind))
        .order_by_desc(data_upload::Column::Id)
        .select_only()
        .column(data_upload::Column::Id)
        .into_tuple::<i32>()
        .one(db)
        .await
        .context("Failed to read the latest upload")
}

/// The uploads of an organisation, newest first.
pub async fn list_for(
    db: &impl ConnectionTrait,
    organization_id: i32,
    kind: UploadKind,
    limit: u64,
) -> Result<Vec<data_upload::Model>, ServiceError> {
    data_upload::Entity::find()
        .filter(data_upload::Column::OrganizationId.eq(organization_id))
        .filter(data_upload::Column::Kind.eq(kind))
        .order_by_desc(data_upload::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .context("Failed to list uploads")
}

/// Every product code → id.
pub async fn product_ids(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>, ServiceError> {
    let rows: Vec<(String, i32)> = product::Entity::find()
        .select_only()
        .column(product::Column::Code)
        .column(product::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .context("Failed to load product codes")?;
    Ok(rows.into_iter().collect())
}

//! The other forms and strengths of a drug's ingredient: the drugs sharing the first 7
//! characters of its YJ code (ingredient and route) but not the first 9 (its same-spec group),
//! each with its current status — what a pharmacist may switch to when no same-spec drug is left.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{ProductSummary, with_statuses};
use crate::db::entity::product;
use crate::domain::ProductKind;
use crate::services::{DbContext, ServiceError};

/// Most drugs listed.
pub const MAX_RELATED: u64 = 200;

/// The drugs of `code`'s ingredient in another form or strength, by code.
pub async fn other_forms(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Vec<ProductSummary>, ServiceError> {
    let Some(found) = product::Entity::find()
        .filter(product::Column::Code.eq(code))
        .one(db)
        .await
        .context("Failed to load the drug")?
    else {
        return Ok(Vec::new());
    };
    let (Some(related), Some(group)) = (found.related_code, found.group_code) else {
        return Ok(Vec::new());
    };
    let rows = product::Entity::find()
        .filter(product::Column::RelatedCode.eq(related))
        .filter(product::Column::GroupCode.ne(group))
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .order_by_asc(product::Column::Code)
        .limit(MAX_RELATED)
        .all(db)
        .await
        .context("Failed to load the other forms of the ingredient")?;
    with_statuses(db, rows).await
}

//! The dashboard's SQL: drugs left-joined with their current status, grouped, in statements
//! both SQLite and PostgreSQL read.

use sea_orm::sea_query::{Expr, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};

use super::{Count, IngredientRow, share};
use crate::db::codes::read_code;
use crate::db::entity::{product, product_status};
use crate::domain::coded::Coded;
use crate::domain::supply_status::{Reason, ShippingStatus, VolumeStatus};
use crate::domain::{DrugCategory, ProductClass};
use crate::services::products::slice::{Filter, Pick, Slice};
use crate::services::{DbContext, ServiceError};

/// One group of the scan.
pub(super) struct CubeRow {
    pub(super) category: Option<DrugCategory>,
    pub(super) class: Option<ProductClass>,
    pub(super) stable: Option<char>,
    pub(super) shipping: Option<ShippingStatus>,
    pub(super) volume: Option<VolumeStatus>,
    pub(super) reason: Option<Reason>,
    pub(super) n: u64,
}

/// Drugs joined with their current status (none for unreported drugs), filtered.
pub(super) fn drugs_with_status(filter: &Filter) -> SelectStatement {
    Query::select()
        .from(product::Entity)
        .join(
            JoinType::LeftJoin,
            product_status::Entity,
            Expr::col((product_status::Entity, product_status::Column::ProductId))
                .equals((product::Entity, product::Column::Id)),
        )
        .cond_where(filter.condition())
        .to_owned()
}

pub(super) async fn rows(
    db: &impl ConnectionTrait,
    statement: &SelectStatement,
    context: &'static str,
) -> Result<Vec<QueryResult>, ServiceError> {
    let built = db.get_database_backend().build(statement);
    db.query_all(built).await.context(context)
}

pub(super) fn text(row: &QueryResult, index: usize) -> Option<String> {
    row.try_get_by_index::<Option<String>>(index).ok().flatten()
}

/// The code in column `index` (`column` in the error), `None` for NULL; a text that is not
/// exactly one of its codes is an error, not a drug counted under no status.
fn code<T: Coded>(
    row: &QueryResult,
    index: usize,
    column: &'static str,
) -> Result<Option<T>, ServiceError> {
    row.try_get_by_index::<Option<String>>(index)
        .and_then(|text| text.map(|t| read_code(&t, &column)).transpose())
        .context("Failed to read a status code of the drugs by status")
}

fn number(row: &QueryResult, index: usize) -> u64 {
    row.try_get_by_index::<Option<i64>>(index)
        .ok()
        .flatten()
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}

pub(super) async fn cube(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<CubeRow>, ServiceError> {
    let p = |c: product::Column| (product::Entity, c);
    let s = |c: product_status::Column| (product_status::Entity, c);
    let columns = [
        Expr::col(p(product::Column::Category)),
        Expr::col(p(product::Column::ProductClass)),
        Expr::col(p(product::Column::StableSupplyCategory)),
        Expr::col(s(product_status::Column::ShippingStatus)),
        Expr::col(s(product_status::Column::VolumeStatus)),
        Expr::col(s(product_status::Column::Reason)),
    ];
    let mut statement = drugs_with_status(filter);
    for column in columns.clone() {
        statement.expr(column.clone());
        statement.add_group_by([column.into()]);
    }
    statement.expr(Expr::cust("COUNT(*)"));
    let context = "Failed to count the drugs by status";
    let found = rows(db, &statement, context).await?;
    found
        .iter()
        .map(|row| {
            Ok(CubeRow {
                category: row.try_get_by_index(0).context(context)?,
                class: row.try_get_by_index(1).context(context)?,
                stable: text(row, 2).and_then(|c| c.trim().chars().next()),
                shipping: code::<ShippingStatus>(row, 3, "product_statuses.shipping_status")?,
                volume: code::<VolumeStatus>(row, 4, "product_statuses.volume_status")?,
                reason: code::<Reason>(row, 5, "product_statuses.reason")?,
                n: number(row, 6),
            })
        })
        .collect()
}

/// `"product_statuses"."shipping_status" IN ('2','3','4','5')` as SQL both backends read.
const SHORT_SQL: &str = "\"product_statuses\".\"shipping_status\" IN ('2', '3', '4', '5')";

pub(super) async fn ingredients(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<IngredientRow>, ServiceError> {
    let short_sum = format!("SUM(CASE WHEN {SHORT_SQL} THEN 1 ELSE 0 END)");
    let ingredient = Expr::col((product::Entity, product::Column::Ingredient));
    let statement = drugs_with_status(filter)
        .expr(ingredient.clone())
        .expr(Expr::cust(short_sum.clone()))
        .expr(Expr::cust("COUNT(*)"))
        .add_group_by([ingredient.clone().into()])
        .and_having(Expr::cust(format!("{short_sum} > 0")))
        .order_by_expr(Expr::cust(short_sum), Order::Desc)
        .order_by_expr(ingredient.into(), Order::Asc)
        .limit(10)
        .to_owned();
    let found = rows(db, &statement, "Failed to count the ingredients").await?;
    Ok(found
        .iter()
        .filter_map(|row| {
            let name = text(row, 0)?;
            let short = number(row, 1);
            let f = Filter {
                ingredient: Some(name.clone()),
                ..filter.clone()
            };
            Some(IngredientRow {
                short: Count {
                    key: name.clone(),
                    label: name.clone(),
                    value: short,
                    share: share(short, number(row, 2)),
                    href: Slice {
                        filter: f,
                        pick: Some(Pick::Short),
                    }
                    .href(),
                    tone: "limited",
                },
                total: number(row, 2),
                ingredient: name,
            })
        })
        .collect())
}

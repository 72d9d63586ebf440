//! The cases part of the dashboard: open cases by state with overdue counts, and by product kind.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{CaseStateRow, CaseTiles};
use crate::db::entity::{case, product};
use crate::domain::ProductKind;
use crate::domain::case_flow::{self, CaseState};
use crate::services::products::slice::Filter;
use crate::services::{DbContext, ServiceError};

/// Open cases by state (with overdue counts) and by product kind, of the filter's maker if any.
pub(super) async fn tiles(
    db: &impl ConnectionTrait,
    filter: &Filter,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<CaseTiles, ServiceError> {
    let open_states: Vec<&str> = CaseState::ALL
        .iter()
        .filter(|s| !s.is_final())
        .map(|s| s.code())
        .collect();
    let mut select = case::Entity::find().filter(case::Column::State.is_in(open_states));
    if let Some(maker) = filter.maker_id {
        select = select.filter(case::Column::MakerId.eq(maker));
    }
    let open = select
        .all(db)
        .await
        .context("Failed to load the open cases")?;
    let kinds: HashMap<i32, ProductKind> = product::Entity::find()
        .filter(product::Column::Id.is_in(open.iter().map(|c| c.product_id)))
        .all(db)
        .await
        .context("Failed to load the cases' products")?
        .into_iter()
        .map(|p| (p.id, p.kind))
        .collect();
    let mut tiles = CaseTiles::default();
    let mut by_state: HashMap<CaseState, (u64, u64)> = HashMap::new();
    for c in &open {
        let snapshot = crate::services::cases::snapshot(c);
        let waited = crate::services::cases::waited(c, now);
        let overdue = case_flow::is_overdue(&snapshot, &waited, overdue_days);
        let entry = by_state.entry(snapshot.state).or_default();
        entry.0 += 1;
        tiles.open += 1;
        if overdue {
            entry.1 += 1;
            tiles.overdue += 1;
        }
        match kinds.get(&c.product_id) {
            Some(ProductKind::Device) => tiles.device += 1,
            Some(ProductKind::Ivd) => tiles.ivd += 1,
            _ => tiles.drug += 1,
        }
    }
    let maker = filter
        .maker_id
        .map(|m| format!("&maker_id={m}"))
        .unwrap_or_default();
    tiles.by_state = CaseState::ALL
        .iter()
        .filter_map(|state| {
            let (open, overdue) = by_state.get(state).copied()?;
            Some(CaseStateRow {
                state: *state,
                open,
                overdue,
                href: format!("/cases?state={}{maker}", state.code()),
            })
        })
        .collect();
    Ok(tiles)
}

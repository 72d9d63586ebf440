//! Customer codes kept in memory for the last tie-break of the caps (smaller code first). A
//! customer's code never changes and customers are never deleted, so a code once read stays
//! right for the life of the server, and for other instances' writes too (ids are never reused).
//! The first tie at a wholesaler loads all of its customers' codes in one query; later ties read
//! from the database only customers added since.

use std::collections::{HashMap, HashSet};
use std::sync::{PoisonError, RwLock};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::db::entity::customer;
use crate::services::{DbContext, ServiceError};

/// Codes by customer id, filled as ties need them; shared by every request of a server.
#[derive(Debug, Default)]
pub struct CustomerCodes {
    known: RwLock<Known>,
}

#[derive(Debug, Default)]
struct Known {
    codes: HashMap<i32, Box<str>>,
    /// Wholesalers whose customers were all loaded once.
    wholesalers: HashSet<i32>,
}

impl CustomerCodes {
    /// Makes sure the codes of `ids`, customers of `wholesaler_id`, are known.
    pub async fn load(
        &self,
        db: &impl ConnectionTrait,
        wholesaler_id: i32,
        ids: &[i32],
    ) -> Result<(), ServiceError> {
        let (missing, whole) = {
            let known = self.known.read().unwrap_or_else(PoisonError::into_inner);
            let missing: Vec<i32> = ids
                .iter()
                .copied()
                .filter(|id| !known.codes.contains_key(id))
                .collect();
            (missing, !known.wholesalers.contains(&wholesaler_id))
        };
        if missing.is_empty() {
            return Ok(());
        }
        let found = if whole {
            read_codes(db, customer::Column::WholesalerId.eq(wholesaler_id)).await?
        } else {
            let mut found = Vec::with_capacity(missing.len());
            // At 5,000 ids a statement PostgreSQL scanned the whole customer table; at 1,000 it
            // looks them up in the primary key.
            for chunk in missing.chunks(1000) {
                found.extend(
                    read_codes(db, customer::Column::Id.is_in(chunk.iter().copied())).await?,
                );
            }
            found
        };
        let mut known = self.known.write().unwrap_or_else(PoisonError::into_inner);
        known.codes.extend(
            found
                .into_iter()
                .map(|(id, code)| (id, code.into_boxed_str())),
        );
        if whole {
            known.wholesalers.insert(wholesaler_id);
        }
        Ok(())
    }

    /// Calls `f` with the codes known so far.
    pub fn with<R>(&self, f: impl FnOnce(&Lookup<'_>) -> R) -> R {
        let known = self.known.read().unwrap_or_else(PoisonError::into_inner);
        f(&Lookup(&known.codes))
    }
}

/// The codes known at one moment.
pub struct Lookup<'a>(&'a HashMap<i32, Box<str>>);

impl Lookup<'_> {
    /// The code of customer `id` ("" if it was not loaded).
    pub fn code(&self, id: i32) -> &str {
        self.get(id).unwrap_or("")
    }

    /// The code of customer `id`, if it was loaded.
    pub fn get(&self, id: i32) -> Option<&str> {
        self.0.get(&id).map(|code| &**code)
    }
}

async fn read_codes(
    db: &impl ConnectionTrait,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Vec<(i32, String)>, ServiceError> {
    customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::Code)
        .filter(condition)
        .into_tuple()
        .all(db)
        .await
        .context("Failed to read customer codes")
}

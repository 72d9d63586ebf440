//! Every search folds width, kana and case the same way (`domain::search_fold`): the stored
//! `products.search_text` is folded again so that half-width katakana and hiragana meet it, and
//! an index on (`kind`, `search_text`) lets the substring match scan the narrow index, not the table.
//! An index on `related_code` serves a drug's other forms and strengths (its public page).

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use crate::domain::search_fold::fold;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    Kind,
    SearchText,
    RelatedCode,
}

const INDEX: &str = "ix_products_kind_search_text";
const RELATED_INDEX: &str = "ix_products_related_code";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all(Statement::from_string(
                backend,
                "SELECT id, search_text FROM products ORDER BY id",
            ))
            .await?;
        let update = match backend {
            DbBackend::Postgres => "UPDATE products SET search_text = $1 WHERE id = $2",
            _ => "UPDATE products SET search_text = ? WHERE id = ?",
        };
        for row in &rows {
            let id: i32 = row.try_get_by_index(0)?;
            let stored: String = row.try_get_by_index(1)?;
            // Already folded text folds to itself; the old form (half-width, lower case) folds
            // to what the new writers store.
            let folded = fold(&stored);
            if folded != stored {
                db.execute(Statement::from_sql_and_values(
                    backend,
                    update,
                    [folded.into(), id.into()],
                ))
                .await?;
            }
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Products::Table)
                    .col(Products::Kind)
                    .col(Products::SearchText)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(RELATED_INDEX)
                    .table(Products::Table)
                    .col(Products::RelatedCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [RELATED_INDEX, INDEX] {
            manager
                .drop_index(Index::drop().name(name).table(Products::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}

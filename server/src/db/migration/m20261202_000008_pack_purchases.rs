//! Purchases as one row per (product, month, wholesaler) holding every customer's quantity packed
//! (format 1 of `db::packed::purchases`), in place of one row per customer: at national scale
//! that is ≈18,000 rows a month instead of ≈12 million, which the uploads and the plans were
//! spending their time on. Rows already stored are packed here, one product at a time; `down`
//! unpacks them again. On PostgreSQL packed bytes (these and the caps) are stored uncompressed.
//! The migration carries its own frozen copy of format 1 (`format_1`), so what it writes never
//! changes with the live codec.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, MigrationTrait, SchemaManager, async_trait,
};

use format_1::Purchase;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PACKS_SQLITE: &str = "CREATE TABLE purchase_packs (
    product_id INTEGER NOT NULL REFERENCES products (id),
    month INTEGER NOT NULL,
    wholesaler_id INTEGER NOT NULL REFERENCES organizations (id),
    customers INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    purchases BLOB NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, month, wholesaler_id)
) WITHOUT ROWID";

const PACKS_POSTGRES: &str = "CREATE TABLE purchase_packs (
    product_id INTEGER NOT NULL REFERENCES products (id),
    month INTEGER NOT NULL,
    wholesaler_id INTEGER NOT NULL REFERENCES organizations (id),
    customers INTEGER NOT NULL,
    quantity BIGINT NOT NULL,
    purchases BYTEA NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, month, wholesaler_id)
)";

const ROWS_SQLITE: &str = "CREATE TABLE purchases (
    product_id INTEGER NOT NULL REFERENCES products (id),
    month INTEGER NOT NULL,
    wholesaler_id INTEGER NOT NULL REFERENCES organizations (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    quantity INTEGER NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, month, wholesaler_id, customer_id)
) WITHOUT ROWID";

const ROWS_POSTGRES: &str = "CREATE TABLE purchases (
    product_id INTEGER NOT NULL REFERENCES products (id),
    month INTEGER NOT NULL,
    wholesaler_id INTEGER NOT NULL REFERENCES organizations (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    quantity BIGINT NOT NULL,
    upload_id INTEGER NOT NULL,
    PRIMARY KEY (product_id, month, wholesaler_id, customer_id)
)";

fn mark(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

async fn product_ids_in(db: &impl ConnectionTrait, table: &str) -> Result<Vec<i32>, DbErr> {
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT DISTINCT product_id FROM {table} ORDER BY product_id"),
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index(0)).collect()
}

/// (month, wholesaler, upload) and its purchases, for every pack of one product.
type PackRows = Vec<((i32, i32, i32), Vec<Purchase>)>;

async fn pack_product(db: &impl ConnectionTrait, product_id: i32) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT month, wholesaler_id, upload_id, customer_id, quantity FROM purchases \
                 WHERE product_id = {} ORDER BY month, wholesaler_id, customer_id",
                mark(backend, 1)
            ),
            [product_id.into()],
        ))
        .await?;
    let mut packs: PackRows = Vec::new();
    for row in &rows {
        let key: (i32, i32, i32) = (
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        );
        let purchase = Purchase {
            customer_id: row.try_get_by_index(3)?,
            quantity: u64::try_from(row.try_get_by_index::<i64>(4)?).unwrap_or(0),
        };
        match packs.last_mut() {
            // Rows of one pack may carry different uploads; the newest is the pack's.
            Some((last, purchases)) if (last.0, last.1) == (key.0, key.1) => {
                last.2 = last.2.max(key.2);
                purchases.push(purchase);
            }
            _ => packs.push((key, vec![purchase])),
        }
    }
    for ((month, wholesaler_id, upload_id), purchases) in packs {
        let total: u64 = purchases.iter().map(|p| p.quantity).sum();
        let values: Vec<Value> = vec![
            product_id.into(),
            month.into(),
            wholesaler_id.into(),
            i32::try_from(purchases.len()).unwrap_or(i32::MAX).into(),
            i64::try_from(total).unwrap_or(i64::MAX).into(),
            format_1::pack(&purchases).into(),
            upload_id.into(),
        ];
        let marks: Vec<String> = (1..=values.len()).map(|n| mark(backend, n)).collect();
        db.execute(Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO purchase_packs (product_id, month, wholesaler_id, customers, quantity, purchases, upload_id) VALUES ({})",
                marks.join(",")
            ),
            values,
        ))
        .await?;
    }
    Ok(())
}

async fn unpack_product(db: &impl ConnectionTrait, product_id: i32) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT month, wholesaler_id, upload_id, purchases FROM purchase_packs WHERE product_id = {}",
                mark(backend, 1)
            ),
            [product_id.into()],
        ))
        .await?;
    for row in &rows {
        let (month, wholesaler_id, upload_id): (i32, i32, i32) = (
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        );
        let bytes: Vec<u8> = row.try_get_by_index(3)?;
        let purchases = format_1::unpack(&bytes).map_err(|e| DbErr::Custom(e.to_owned()))?;
        for p in purchases {
            let values: Vec<Value> = vec![
                product_id.into(),
                month.into(),
                wholesaler_id.into(),
                p.customer_id.into(),
                i64::try_from(p.quantity).unwrap_or(i64::MAX).into(),
                upload_id.into(),
            ];
            let marks: Vec<String> = (1..=values.len()).map(|n| mark(backend, n)).collect();
            db.execute(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO purchases (product_id, month, wholesaler_id, customer_id, quantity, upload_id) VALUES ({})",
                    marks.join(",")
                ),
                values,
            ))
            .await?;
        }
    }
    Ok(())
}

/// Format 1 of packed purchases as it stood when this migration was written: a version byte,
/// then per customer in ascending id order the id's distance from the previous one (the first:
/// the id) and the quantity, both as LEB128 varints. Frozen: never change it with the live codec.
mod format_1 {
    /// One customer's purchases in a pack.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Purchase {
        /// The wholesaler's customer.
        pub customer_id: i32,
        /// Sales packages in the month.
        pub quantity: u64,
    }

    const FORMAT: u8 = 1;

    /// Packs `purchases`, in strictly ascending customer order.
    pub fn pack(purchases: &[Purchase]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(1 + purchases.len() * 4);
        bytes.push(FORMAT);
        let mut previous = 0i64;
        for p in purchases {
            let id = i64::from(p.customer_id);
            put_varint(&mut bytes, u64::try_from(id - previous).unwrap_or(0));
            put_varint(&mut bytes, p.quantity);
            previous = id;
        }
        bytes
    }

    /// Unpacks what [`pack`] wrote.
    pub fn unpack(bytes: &[u8]) -> Result<Vec<Purchase>, &'static str> {
        let corrupt = || "Stored purchases are not readable (format 1)";
        let (&format, mut rest) = bytes.split_first().ok_or_else(corrupt)?;
        if format != FORMAT {
            return Err(corrupt());
        }
        let mut purchases = Vec::with_capacity(rest.len() / 3);
        let mut id = 0i64;
        while !rest.is_empty() {
            let (step, after) = take_varint(rest).ok_or_else(corrupt)?;
            let (quantity, after) = take_varint(after).ok_or_else(corrupt)?;
            id += i64::try_from(step).map_err(|_| corrupt())?;
            purchases.push(Purchase {
                customer_id: i32::try_from(id).map_err(|_| corrupt())?,
                quantity,
            });
            rest = after;
        }
        Ok(purchases)
    }

    fn put_varint(bytes: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            bytes.push(u8::try_from(value & 0x7F).unwrap_or(0) | 0x80);
            value >>= 7;
        }
        bytes.push(u8::try_from(value).unwrap_or(0));
    }

    fn take_varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
        let mut value = 0u64;
        for (i, byte) in bytes.iter().enumerate().take(10) {
            value |= u64::from(byte & 0x7F) << (7 * i);
            if byte & 0x80 == 0 {
                return Some((value, &bytes[i + 1..]));
            }
        }
        None
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let create = match manager.get_database_backend() {
            DbBackend::Sqlite => PACKS_SQLITE,
            _ => PACKS_POSTGRES,
        };
        db.execute_unprepared(create).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // Packed bytes hardly compress; PostgreSQL's default (compress, then store aside)
            // made 300 plans take 8.97 s against 7.21 s without it (caps alone).
            db.execute_unprepared(
                "ALTER TABLE purchase_packs ALTER COLUMN purchases SET STORAGE EXTERNAL; \
                 ALTER TABLE allocation_results ALTER COLUMN caps SET STORAGE EXTERNAL",
            )
            .await?;
        }
        for product_id in product_ids_in(db, "purchases").await? {
            pack_product(db, product_id).await?;
        }
        db.execute_unprepared("DROP TABLE purchases").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let create = match manager.get_database_backend() {
            DbBackend::Sqlite => ROWS_SQLITE,
            _ => ROWS_POSTGRES,
        };
        db.execute_unprepared(create).await?;
        for product_id in product_ids_in(db, "purchase_packs").await? {
            unpack_product(db, product_id).await?;
        }
        db.execute_unprepared("DROP TABLE purchase_packs").await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE allocation_results ALTER COLUMN caps SET STORAGE EXTENDED",
            )
            .await?;
        }
        Ok(())
    }
}

//! Caps as CSV (UTF-8 with BOM, a header row, opens in Excel): one plan's rows, and the export
//! of every plan of a month, written plan by plan into chunks so that a wholesaler's millions of
//! rows stream out in constant memory.

use std::collections::HashMap;
use std::io::Write as _;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use tokio::sync::mpsc::Sender;

use super::caps::{self, CapRow, customers_by_id};
use super::plan_view::{Scope, ratio};
use crate::db::entity::{allocation_computation, allocation_plan, allocation_result, customer};
use crate::db::packed::{self, PackedCap};
use crate::domain::allocation::{Fraction, quota};
use crate::services::{DbContext, ServiceError};

/// The columns of a plan's caps for a wholesaler (DESIGN §9.1), in order.
pub const COLUMNS: [&str; 6] = [
    "customer_code",
    "customer_name",
    "baseline_quantity",
    "coverage_ratio",
    "quota",
    "cap",
];

/// Decimals of the ratio and of the quota (cut, not rounded).
pub const RATIO_PLACES: u32 = 4;
/// Decimals of the quota.
pub const QUOTA_PLACES: u32 = 3;

/// Bytes per chunk of a streamed export.
const CHUNK: usize = 256 * 1024;

/// The UTF-8 byte order mark Excel needs to read UTF-8 CSV.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One CSV field: the one cell writer of every CSV (formulas neutralised, quoted as needed).
fn field(out: &mut Vec<u8>, text: &str) {
    supplywatch_reports::csv_excel::write_cell(out, text);
}

/// One customer's line of a download.
struct Line<'a> {
    code: &'a str,
    name: &'a str,
    baseline: u64,
    quota: Fraction,
    cap: u64,
}

/// Writes one row: `[prefix,]code,name,baseline,ratio,quota,cap`.
fn write_row(out: &mut Vec<u8>, prefix: &[&str], ratio: &str, line: &Line<'_>) {
    for p in prefix {
        field(out, p);
        out.push(b',');
    }
    field(out, line.code);
    out.push(b',');
    field(out, line.name);
    // Writing into a Vec cannot fail.
    let _ = write!(out, ",{},{ratio},", line.baseline);
    let _ = line.quota.write_decimal(out, QUOTA_PLACES);
    let _ = writeln!(out, ",{}", line.cap);
}

fn header(out: &mut Vec<u8>, prefix: &[&str]) {
    out.extend_from_slice(BOM);
    let names: Vec<&str> = prefix.iter().copied().chain(COLUMNS).collect();
    out.extend_from_slice(names.join(",").as_bytes());
    out.push(b'\n');
}

fn line_of(r: &CapRow) -> Line<'_> {
    Line {
        code: &r.customer_code,
        name: &r.customer_name,
        baseline: r.baseline,
        quota: r.quota,
        cap: r.cap,
    }
}

/// One plan's rows as CSV; with `wholesaler_id` first for the ministry.
pub fn plan_csv(rows: &[CapRow], ratio: Fraction, with_wholesaler: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + rows.len() * 48);
    header(
        &mut out,
        if with_wholesaler {
            &["wholesaler_id"]
        } else {
            &[]
        },
    );
    let ratio = ratio.to_decimal(RATIO_PLACES);
    for r in rows {
        let id = r.wholesaler_id.to_string();
        let prefix: &[&str] = if with_wholesaler { &[id.as_str()] } else { &[] };
        write_row(&mut out, prefix, &ratio, &line_of(r));
    }
    out
}

/// A month export being written: the chunk in progress, where it goes, and the rows so far.
struct MonthWriter {
    out: Vec<u8>,
    sender: Sender<Vec<u8>>,
    written: u64,
    scope: Scope,
}

impl MonthWriter {
    /// Adds a row; hands the chunk over when full. `false` once the client has gone.
    async fn row(&mut self, prefix: &[&str], ratio: &str, line: &Line<'_>) -> bool {
        write_row(&mut self.out, prefix, ratio, line);
        self.written += 1;
        if self.out.len() < CHUNK {
            return true;
        }
        let full = std::mem::replace(&mut self.out, Vec::with_capacity(CHUNK + 4096));
        self.sender.send(full).await.is_ok()
    }

    /// `plan_id,plan_name[,wholesaler_id]` of a row.
    fn prefix<'a>(
        &self,
        plan_id: &'a str,
        plan_name: &'a str,
        wholesaler: &'a str,
    ) -> Vec<&'a str> {
        match self.scope {
            Scope::All => vec![plan_id, plan_name, wholesaler],
            Scope::Wholesaler(_) => vec![plan_id, plan_name],
        }
    }
}

/// Streams every plan whose target month is `month` (newest version of each) as one CSV with
/// `plan_id,plan_name` first (and `wholesaler_id` for the ministry). Returns the rows written.
pub async fn stream_month(
    db: &impl ConnectionTrait,
    scope: Scope,
    month: i32,
    sender: Sender<Vec<u8>>,
) -> Result<u64, ServiceError> {
    // Only active plans: a superseded plan's caps are no longer the month's caps.
    let plans = allocation_plan::Entity::find()
        .filter(allocation_plan::Column::TargetMonth.eq(month))
        .filter(allocation_plan::Column::SupersededBy.is_null())
        .order_by_asc(allocation_plan::Column::Id)
        .all(db)
        .await
        .context("Failed to list the month's plans")?;
    // A wholesaler's customers are read once; for the ministry, per part.
    let own_customers: Option<HashMap<i32, (String, String)>> = match scope {
        Scope::Wholesaler(w) => Some(
            customer::Entity::find()
                .filter(customer::Column::WholesalerId.eq(w))
                .all(db)
                .await
                .context("Failed to read customers")?
                .into_iter()
                .map(|c| (c.id, (c.code, c.name)))
                .collect(),
        ),
        Scope::All => None,
    };
    let mut writer = MonthWriter {
        out: Vec::with_capacity(CHUNK + 4096),
        sender,
        written: 0,
        scope,
    };
    let prefix_names: &[&str] = match scope {
        Scope::All => &["plan_id", "plan_name", "wholesaler_id"],
        Scope::Wholesaler(_) => &["plan_id", "plan_name"],
    };
    header(&mut writer.out, prefix_names);
    for plan in plans {
        if !write_plan(db, &mut writer, &plan, own_customers.as_ref()).await? {
            return Ok(writer.written);
        }
    }
    if !writer.out.is_empty() {
        let _ = writer.sender.send(std::mem::take(&mut writer.out)).await;
    }
    Ok(writer.written)
}

/// One plan's rows (its newest version, then its reserve grants); `false` once the client has gone.
async fn write_plan(
    db: &impl ConnectionTrait,
    writer: &mut MonthWriter,
    plan: &allocation_plan::Model,
    own_customers: Option<&HashMap<i32, (String, String)>>,
) -> Result<bool, ServiceError> {
    let Some(computation) = allocation_computation::Entity::find()
        .filter(allocation_computation::Column::PlanId.eq(plan.id))
        .order_by_desc(allocation_computation::Column::Version)
        .one(db)
        .await
        .context("Failed to read the plan's version")?
    else {
        return Ok(true);
    };
    let ratio_text = ratio(&computation).to_decimal(RATIO_PLACES);
    let plan_id = plan.id.to_string();
    let mut parts = allocation_result::Entity::find()
        .filter(allocation_result::Column::ComputationId.eq(computation.id));
    if let Scope::Wholesaler(w) = writer.scope {
        parts = parts.filter(allocation_result::Column::WholesalerId.eq(w));
    }
    for part in parts
        .order_by_asc(allocation_result::Column::WholesalerId)
        .all(db)
        .await
        .context("Failed to read the caps")?
    {
        let unpacked = packed::caps::unpack(&part.caps)?;
        let fetched;
        let names = if let Some(own) = own_customers {
            own
        } else {
            fetched = customers_by_id(db, unpacked.iter().map(|c| c.customer_id).collect()).await?;
            &fetched
        };
        let supply = u128::try_from(part.supply).unwrap_or(0);
        let h_w = u64::try_from(part.baseline_total).unwrap_or(0);
        let wholesaler = part.wholesaler_id.to_string();
        let prefix = writer.prefix(&plan_id, &plan.name, &wholesaler);
        // Stored in customer id order; written in code order (one look-up per customer).
        let mut in_code_order: Vec<(&str, &str, PackedCap)> = unpacked
            .into_iter()
            .map(|c| {
                let (code, name) = names
                    .get(&c.customer_id)
                    .map_or(("", ""), |(code, name)| (code.as_str(), name.as_str()));
                (code, name, c)
            })
            .collect();
        in_code_order.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        for (code, name, c) in in_code_order {
            let line = Line {
                code,
                name,
                baseline: c.baseline,
                quota: quota(supply, c.baseline, h_w),
                cap: c.cap,
            };
            if !writer.row(&prefix, &ratio_text, &line).await {
                return Ok(false);
            }
        }
    }
    // Reserve grants of the plan follow its apportioned rows.
    for r in caps::grant_rows(db, writer.scope, plan.id).await? {
        let wholesaler = r.wholesaler_id.to_string();
        let prefix = writer.prefix(&plan_id, &plan.name, &wholesaler);
        if !writer.row(&prefix, &ratio_text, &line_of(&r)).await {
            return Ok(false);
        }
    }
    Ok(true)
}

//! `supplywatch seed --scale national`: three years of weekly status history for every drug of a
//! real price list, generated deterministically (seed crate) and stored through the same rules
//! as makers' reports, with the weekly counts of the trend.

pub mod allocation;

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use supplywatch_seed::national::{self, GeneratedReport, NationalParams, NationalProduct};

use crate::db::entity::{product, status_trend, supply_status_report};
use crate::domain::ProductKind;
use crate::domain::supply_status::{
    ShippingStatus, StatusInput, SupplyStatus, VolumeStatus, validate,
};
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::supply_status::{self, Source};
use crate::services::{DbContext, ServiceError, publication, receipts};

/// Rows per insert statement.
const BATCH: usize = 500;

/// What was generated.
#[derive(Debug, Clone)]
pub struct NationalSummary {
    /// Reports stored.
    pub reports: usize,
    /// Drugs with a status (those with a maker).
    pub products: usize,
    /// Weeks of trend stored.
    pub weeks: usize,
    /// The first and last Friday of the history.
    pub span: (NaiveDate, NaiveDate),
}

/// Generates and stores the history ending the week of `last_friday`. Refuses a database that
/// already holds supply status reports, so it never mixes with real ones.
pub async fn seed(
    db: &DatabaseConnection,
    last_friday: NaiveDate,
    seed: u64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<NationalSummary, ServiceError> {
    if supply_status_report::Entity::find()
        .count(db)
        .await
        .context("Failed to count reports")?
        > 0
    {
        return Err(ServiceError::Conflict("供給状況報告が既にあるため、全国規模の履歴は生成しません（空のデータベースで実行してください）".into()));
    }
    // Products with a maker: a report is always some maker's (統一名収載品 stay unreported).
    let drugs = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .filter(product::Column::MakerId.is_not_null())
        .order_by_asc(product::Column::Code)
        .all(db)
        .await
        .context("Failed to load the drugs")?;
    if drugs.is_empty() {
        return Err(ServiceError::Conflict(
            "医薬品が登録されていません。先に薬価基準を取り込んでください".into(),
        ));
    }
    let inputs: Vec<NationalProduct<'_>> = drugs
        .iter()
        .map(|p| NationalProduct {
            code: &p.code,
            maker_name: p.maker_name.as_deref(),
        })
        .collect();
    let params = NationalParams::three_years_before(last_friday, seed);
    let generated = national::generate(&inputs, &params);
    let statuses = generated
        .iter()
        .map(|g| to_status(g, &drugs))
        .collect::<Result<Vec<_>, _>>()?;

    let txn = db
        .begin()
        .await
        .context("Failed to start storing the history")?;
    let (receipt_numbers, ids) = store_reports(&txn, &generated, &statuses, &drugs, now).await?;
    let mut latest: HashMap<usize, usize> = HashMap::new();
    for (i, g) in generated.iter().enumerate() {
        latest.insert(g.product_index, i);
    }
    let current: Vec<_> = latest
        .values()
        .filter_map(|&i| {
            let g = &generated[i];
            let id = *ids.get(&receipt_numbers[i])?;
            Some(supply_status::status_model(
                drugs[g.product_index].id,
                id,
                &statuses[i],
                g.reported_on,
            ))
        })
        .collect();
    supply_status::upsert_statuses(&txn, current).await?;
    // The denominator is every listed drug, as in the weekly publication (統一名収載品 included).
    let all_drugs = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .count(db)
        .await
        .context("Failed to count the drugs")?;
    let trend = weekly_trend(
        &generated,
        &statuses,
        usize::try_from(all_drugs).unwrap_or(usize::MAX),
        &params,
    );
    let weeks = trend.len();
    publication::upsert_trend(&txn, trend).await?;
    let entry = AuditEntry {
        actor,
        action: "seed.national",
        target: format!("weeks:{}..{last_friday}", params.first_week),
        detail: Some(format!(
            "{} reports for {} drugs, seed {seed}",
            generated.len(),
            drugs.len()
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the history")?;
    Ok(NationalSummary {
        reports: generated.len(),
        products: latest.len(),
        weeks,
        span: (params.first_week, last_friday),
    })
}

/// Stores the reports with receipt numbers of their year; returns the numbers, in order, and the
/// stored ids by number.
async fn store_reports(
    txn: &impl ConnectionTrait,
    generated: &[GeneratedReport],
    statuses: &[SupplyStatus],
    drugs: &[product::Model],
    now: DateTime<Utc>,
) -> Result<(Vec<String>, HashMap<String, i32>), ServiceError> {
    let mut by_year: HashMap<i32, usize> = HashMap::new();
    for g in generated {
        *by_year.entry(g.reported_on.year()).or_default() += 1;
    }
    let mut numbers: HashMap<i32, std::vec::IntoIter<String>> = HashMap::new();
    for (year, count) in &by_year {
        let at = Utc
            .with_ymd_and_hms(*year, 6, 30, 0, 0, 0)
            .single()
            .unwrap_or(now);
        numbers.insert(
            *year,
            receipts::allocate(txn, *count, at).await?.into_iter(),
        );
    }
    let mut receipt_numbers = Vec::with_capacity(generated.len());
    let mut models = Vec::with_capacity(generated.len());
    for (g, status) in generated.iter().zip(statuses) {
        let number = numbers
            .get_mut(&g.reported_on.year())
            .and_then(Iterator::next)
            .ok_or_else(|| ServiceError::Internal("ran out of receipt numbers".into()))?;
        let p = &drugs[g.product_index];
        let maker = p.maker_id.unwrap_or_default();
        models.push(supply_status::report_model(
            &number,
            p.id,
            maker,
            None,
            status,
            tokyo_morning(g.reported_on),
            g.reported_on,
            Source::Seed,
        ));
        receipt_numbers.push(number);
    }
    for chunk in models.chunks(BATCH) {
        supply_status_report::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await
            .context("Failed to store generated reports")?;
    }
    let mut ids = HashMap::new();
    // Numbers of one year form one contiguous block (reports are in date order).
    for year_numbers in receipt_numbers.chunk_by(|a, b| a[..5] == b[..5]) {
        ids.extend(supply_status::report_ids(txn, year_numbers).await?);
    }
    Ok((receipt_numbers, ids))
}

/// Checks a generated report with the same rules as a maker's.
fn to_status(g: &GeneratedReport, drugs: &[product::Model]) -> Result<SupplyStatus, ServiceError> {
    let input = StatusInput {
        shipping_status: g.shipping_status.to_owned(),
        reason: g.reason.unwrap_or_default().to_owned(),
        causing_product_code: g
            .causing_product_index
            .map(|i| drugs[i].code.clone())
            .unwrap_or_default(),
        resolution_outlook: g.resolution_outlook.unwrap_or_default().to_owned(),
        resolution_month: g.resolution_month.clone().unwrap_or_default(),
        volume_status: g.volume_status.to_owned(),
        ..StatusInput::default()
    };
    validate(&input).map_err(|errors| {
        ServiceError::Internal(format!(
            "a generated report breaks the rules: {:?}",
            errors.first().map(|(f, e)| (f, &e.message))
        ))
    })
}

/// 10:00 in Japan on `day`, as UTC.
fn tokyo_morning(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_hms_opt(10, 0, 0).unwrap_or_default();
    chrono_tz::Asia::Tokyo
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// Counts by ⑫ and ⑯ as they stood each Friday of the history.
fn weekly_trend(
    generated: &[GeneratedReport],
    statuses: &[SupplyStatus],
    drugs: usize,
    params: &NationalParams,
) -> Vec<status_trend::ActiveModel> {
    let mut current: HashMap<usize, &SupplyStatus> = HashMap::new();
    let mut next = 0;
    let mut weeks = Vec::new();
    for week in 0..params.weeks {
        let friday = params.first_week + Duration::weeks(i64::from(week));
        while next < generated.len() && generated[next].reported_on <= friday {
            current.insert(generated[next].product_index, &statuses[next]);
            next += 1;
        }
        let shipping =
            |s: ShippingStatus| count(current.values().filter(|x| x.shipping_status == s));
        let volume =
            |v: VolumeStatus| count(current.values().filter(|x| x.volume_status == Some(v)));
        weeks.push(status_trend::ActiveModel {
            week_ending: Set(friday),
            drugs: Set(i32::try_from(drugs).unwrap_or(i32::MAX)),
            shipping1: Set(shipping(ShippingStatus::Normal)),
            shipping2: Set(shipping(ShippingStatus::LimitedOwn)),
            shipping3: Set(shipping(ShippingStatus::LimitedByOthers)),
            shipping4: Set(shipping(ShippingStatus::LimitedOther)),
            shipping5: Set(shipping(ShippingStatus::Stopped)),
            volume_a_plus: Set(volume(VolumeStatus::APlus)),
            volume_a: Set(volume(VolumeStatus::A)),
            volume_b: Set(volume(VolumeStatus::B)),
            volume_c: Set(volume(VolumeStatus::C)),
            volume_d: Set(volume(VolumeStatus::D)),
        });
    }
    weeks
}

fn count<T>(items: impl Iterator<Item = T>) -> i32 {
    i32::try_from(items.count()).unwrap_or(i32::MAX)
}

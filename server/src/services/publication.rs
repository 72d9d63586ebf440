//! Publications: every working day in Japan at 17:00 (public holidays and the year-end closure
//! skipped, `domain::holidays`) every drug's row of the ministry's list (①–⑳ and `New`, the
//! ministry's words) is frozen and kept forever; Friday's — the weekly one of the meeting summary —
//! is also counted by ⑫ and ⑰ for the trend. Publishing a day twice changes nothing.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use supplywatch_reports::ministry_list::ListRow;

use super::audit::{self, Actor, AuditEntry};
use super::supply_status::public::{self, PublicEntry};
use super::{DbContext, ServiceError};
use crate::db::entity::{publication, publication_row, status_trend};
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};

/// Rows per insert statement.
const BATCH: usize = 500;

/// The Friday that names the week of `now` in Japan: today on a Friday, else the last Friday.
pub fn week_ending(now: DateTime<Utc>) -> NaiveDate {
    let today = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    let back =
        (today.weekday().num_days_from_monday() + 7 - Weekday::Fri.num_days_from_monday()) % 7;
    today - Duration::days(i64::from(back))
}

/// A publication as listed.
#[derive(Debug, Clone)]
pub struct PublicationSummary {
    /// Id.
    pub id: i32,
    /// The Friday of the week.
    pub week_ending: NaiveDate,
    /// When it was frozen.
    pub published_at: DateTime<Utc>,
    /// Drugs in it.
    pub row_count: i32,
    /// Counts by ⑫ (index 0 = code 1) and ⑯ (A+, A, B, C, D), and drugs never reported.
    pub trend: Option<status_trend::Model>,
}

/// Freezes this week's publication (its Friday's) unless it exists. Returns it and whether it
/// was created now.
pub async fn publish_week(
    db: &DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(PublicationSummary, bool), ServiceError> {
    publish_on(db, actor, now, week_ending(now)).await
}

/// Freezes today's publication when today is a working day in Japan; `None` on a weekend, a
/// public holiday or the year-end closure.
pub async fn publish_day(
    db: &DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<(PublicationSummary, bool)>, ServiceError> {
    let today = now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive();
    if !crate::domain::holidays::is_working_day(today) {
        return Ok(None);
    }
    publish_on(db, actor, now, today).await.map(Some)
}

/// Freezes the publication of an edition of the ministry's list as of `day` 17:00 Japan time, the
/// hour the ministry publishes (the national seed freezes each real edition it loads). A day
/// already published is left as it is.
pub async fn publish_edition(
    db: &DatabaseConnection,
    actor: &Actor,
    day: NaiveDate,
) -> Result<(PublicationSummary, bool), ServiceError> {
    let at = day
        .and_hms_opt(17, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono_tz::Asia::Tokyo).single())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    publish_on(db, actor, at, day).await
}

/// Freezes the publication of `week` (a day) unless it exists; a Friday's also stores the
/// weekly counts.
async fn publish_on(
    db: &DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    week: NaiveDate,
) -> Result<(PublicationSummary, bool), ServiceError> {
    if let Some(existing) = find_week(db, week).await? {
        return Ok((existing, false));
    }
    let entries = public::all_matching(db, None, None).await?;
    let previous = list(db).await?.first().map(|p| {
        p.published_at
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .date_naive()
    });
    let marks = public::changed_marks(&entries, previous);
    let txn = db
        .begin()
        .await
        .context("Failed to start the publication")?;
    let created = publication::ActiveModel {
        week_ending: Set(week),
        published_at: Set(now),
        row_count: Set(i32::try_from(entries.len()).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let created = match created {
        Ok(created) => created,
        // Another instance published the same week a moment ago: its publication stands.
        Err(source) => {
            if let Some(existing) = find_week(db, week).await? {
                return Ok((existing, false));
            }
            return Err(ServiceError::Database {
                context: "Failed to store the publication",
                source,
            });
        }
    };
    let rows: Vec<publication_row::ActiveModel> = entries
        .iter()
        .zip(&marks)
        .zip(0..)
        .map(|((entry, changed), position)| {
            row_model(created.id, position, &entry.list_row(*changed))
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        publication_row::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .context("Failed to store the publication's rows")?;
    }
    if week.weekday() == Weekday::Fri {
        store_trend(&txn, week, &entries).await?;
    }
    let entry = AuditEntry {
        actor,
        action: "publication.publish",
        target: format!("publication:{}", created.id),
        detail: Some(format!("{week} 締めの週・{} 品目", entries.len())),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit()
        .await
        .context("Failed to commit the publication")?;
    Ok((summary(db, created).await?, true))
}

/// Counts by ⑫ and ⑯ for the week (replacing a count stored for it before).
pub(crate) async fn store_trend(
    db: &impl ConnectionTrait,
    week: NaiveDate,
    entries: &[PublicEntry],
) -> Result<(), ServiceError> {
    let shipping = |s: ShippingStatus| {
        count(
            entries
                .iter()
                .filter(|e| e.status.as_ref().is_some_and(|x| x.shipping_status == s)),
        )
    };
    let volume = |v: VolumeStatus| {
        count(entries.iter().filter(|e| {
            e.status
                .as_ref()
                .is_some_and(|x| x.volume_status == Some(v))
        }))
    };
    let model = status_trend::ActiveModel {
        week_ending: Set(week),
        drugs: Set(count(entries.iter())),
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
    };
    upsert_trend(db, vec![model]).await
}

/// Inserts or replaces weekly counts.
pub(crate) async fn upsert_trend(
    db: &impl ConnectionTrait,
    models: Vec<status_trend::ActiveModel>,
) -> Result<(), ServiceError> {
    use status_trend::Column as C;
    for chunk in models.chunks(BATCH) {
        status_trend::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(C::WeekEnding)
                    .update_columns([
                        C::Drugs,
                        C::Shipping1,
                        C::Shipping2,
                        C::Shipping3,
                        C::Shipping4,
                        C::Shipping5,
                        C::VolumeAPlus,
                        C::VolumeA,
                        C::VolumeB,
                        C::VolumeC,
                        C::VolumeD,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await
            .context("Failed to store the weekly counts")?;
    }
    Ok(())
}

fn count<T>(items: impl Iterator<Item = T>) -> i32 {
    i32::try_from(items.count()).unwrap_or(i32::MAX)
}

/// Every publication, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<PublicationSummary>, ServiceError> {
    let publications = publication::Entity::find()
        .order_by_desc(publication::Column::WeekEnding)
        .all(db)
        .await
        .context("Failed to list publications")?;
    let trends = status_trend::Entity::find()
        .filter(status_trend::Column::WeekEnding.is_in(publications.iter().map(|p| p.week_ending)))
        .all(db)
        .await
        .context("Failed to load the weekly counts")?;
    Ok(publications
        .into_iter()
        .map(|p| PublicationSummary {
            trend: trends
                .iter()
                .find(|t| t.week_ending == p.week_ending)
                .cloned(),
            id: p.id,
            week_ending: p.week_ending,
            published_at: p.published_at,
            row_count: p.row_count,
        })
        .collect())
}

/// The publication of `week`, if it was published.
async fn find_week(
    db: &impl ConnectionTrait,
    week: NaiveDate,
) -> Result<Option<PublicationSummary>, ServiceError> {
    let found = publication::Entity::find()
        .filter(publication::Column::WeekEnding.eq(week))
        .one(db)
        .await
        .context("Failed to look up the week's publication")?;
    match found {
        Some(p) => summary(db, p).await.map(Some),
        None => Ok(None),
    }
}

/// A stored publication with its weekly counts.
async fn summary(
    db: &impl ConnectionTrait,
    p: publication::Model,
) -> Result<PublicationSummary, ServiceError> {
    let trend = status_trend::Entity::find_by_id(p.week_ending)
        .one(db)
        .await
        .context("Failed to load the weekly counts")?;
    Ok(PublicationSummary {
        trend,
        id: p.id,
        week_ending: p.week_ending,
        published_at: p.published_at,
        row_count: p.row_count,
    })
}

/// One publication and its frozen rows (the ministry's layout), in the published order.
pub async fn rows(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<(PublicationSummary, Vec<ListRow>), ServiceError> {
    let found = publication::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to load the publication")?
        .ok_or_else(|| ServiceError::NotFound(format!("公表 {id} はありません")))?;
    let summary = summary(db, found).await?;
    let rows = publication_row::Entity::find()
        .filter(publication_row::Column::PublicationId.eq(id))
        .order_by_asc(publication_row::Column::Position)
        .all(db)
        .await
        .context("Failed to load the publication's rows")?
        .into_iter()
        .map(list_row)
        .collect();
    Ok((summary, rows))
}

fn row_model(publication_id: i32, position: i32, row: &ListRow) -> publication_row::ActiveModel {
    let text = |s: &str| Set(Some(s.to_owned()).filter(|s| !s.is_empty()));
    publication_row::ActiveModel {
        publication_id: Set(publication_id),
        position: Set(position),
        category: text(&row.category),
        therapeutic_class: text(&row.therapeutic_class),
        ingredient: text(&row.ingredient),
        specification: text(&row.specification),
        code: Set(row.code.clone()),
        name: Set(row.name.clone()),
        maker_name: text(&row.maker_name),
        product_class: text(&row.product_class),
        basic_drug: text(&row.basic_drug),
        stable_supply: text(&row.stable_supply),
        listed_on: Set(row.listed_on),
        shipping_status: text(&row.shipping_status),
        shipping_changed_on: Set(row.shipping_changed_on),
        reason: text(&row.reason),
        resolution_outlook: text(&row.resolution_outlook),
        resolution_note: text(&row.resolution_note),
        volume_status: text(&row.volume_status),
        improvement_timing: text(&row.improvement_timing),
        improvement_percent: Set(row.improvement_percent.parse().ok()),
        other_changed_on: Set(row.other_changed_on),
        changed: Set(Some(row.changed)),
        resolution_month: Set(None),
        reported_on: Set(None),
        confirmed: Set(None),
        ..Default::default()
    }
}

/// A frozen row as the ministry's layout; rows frozen before it (①–⑱) give their ⑮ month as ⑯
/// and their ⑰ report day as ⑳.
fn list_row(row: publication_row::Model) -> ListRow {
    ListRow {
        category: row.category.unwrap_or_default(),
        therapeutic_class: row.therapeutic_class.unwrap_or_default(),
        ingredient: row.ingredient.unwrap_or_default(),
        specification: row.specification.unwrap_or_default(),
        code: row.code,
        name: row.name,
        maker_name: row.maker_name.unwrap_or_default(),
        product_class: row.product_class.unwrap_or_default(),
        basic_drug: row.basic_drug.unwrap_or_default(),
        stable_supply: row.stable_supply.unwrap_or_default(),
        listed_on: row.listed_on,
        shipping_status: row.shipping_status.unwrap_or_default(),
        shipping_changed_on: row.shipping_changed_on,
        reason: row.reason.unwrap_or_default(),
        resolution_outlook: row.resolution_outlook.unwrap_or_default(),
        resolution_note: row
            .resolution_note
            .or(row.resolution_month)
            .unwrap_or_default(),
        volume_status: row.volume_status.unwrap_or_default(),
        improvement_timing: row.improvement_timing.unwrap_or_default(),
        improvement_percent: row
            .improvement_percent
            .map(|p| p.to_string())
            .unwrap_or_default(),
        other_changed_on: row.other_changed_on.or(row.reported_on),
        changed: row.changed == Some(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokyo(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("a valid Tokyo time")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_week_is_named_by_its_friday_in_japan() {
        let friday = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        assert_eq!(week_ending(tokyo(2026, 11, 20, 17)), friday);
        assert_eq!(
            week_ending(tokyo(2026, 11, 24, 9)),
            friday,
            "Tuesday belongs to last Friday's week"
        );
        assert_eq!(week_ending(tokyo(2026, 11, 26, 23)), friday);
        // 01:00 on Saturday in Tokyo is still Friday in UTC; Japan's date decides.
        assert_eq!(week_ending(tokyo(2026, 11, 21, 1)), friday);
        assert_eq!(
            week_ending(tokyo(2026, 11, 27, 8)),
            NaiveDate::from_ymd_opt(2026, 11, 27).expect("date")
        );
    }
}

//! The ministry's published list 「医療用医薬品供給状況」 (layout ①–⑳) as SupplyWatch's own
//! input: every drug of an edition becomes or updates a product (①–⑪ as master data, makers named
//! in ⑦ created when missing, any code kept), and ⑫–⑳ become its current status, recorded in its
//! history as a report of source `ministry_list` dated with the edition — only where they changed,
//! so importing an edition twice changes nothing.

mod check;
pub mod read;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};

pub use check::{ListEntry, NOT_LISTED, check, parse_date};
pub use read::{ListColumn, ListFile, ListRow, read_list};

use super::accounts::UserContext;
use super::allocation::{UploadOutcome, uploads};
use super::audit::{self, Actor, AuditEntry};
use super::products::search_text;
use super::subscriptions::{self, StatusChanged};
use super::supply_status::history::{self, StatusView};
use super::supply_status::{self, Source};
use super::{DbContext, ServiceError, receipts};
use crate::db::entity::{organization, product, supply_status_report};
use crate::domain::supply_status::ministry::key;
use crate::domain::uploads::UploadKind;
use crate::domain::{OrganizationKind, ProductKind, Role, YjCode};
use crate::services::table_file::{self, TableLimits};

/// Rows per insert statement.
const BATCH: usize = 500;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Drugs in the file.
    pub rows: usize,
    /// Products new to the master.
    pub products_created: usize,
    /// Products whose ①–⑪ changed.
    pub products_updated: usize,
    /// Makers created from ⑦.
    pub makers_created: usize,
    /// Drugs whose ⑫–⑳ changed (one report each).
    pub reports: usize,
    /// Drugs of the file by ⑫ (index 0 = ①通常出荷).
    pub by_shipping: [usize; 5],
}

/// The ministry's upload of an edition (the web page): the file read and checked whole on the
/// blocking pool, refused naming every row and column, else imported; the edition from the
/// title row, else the file name, else today in Japan.
pub async fn upload(
    db: &sea_orm::DatabaseConnection,
    user: &UserContext,
    path: &std::path::Path,
    file_name: &str,
    limits: &TableLimits,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UploadOutcome, ServiceError> {
    if user.role != Role::Ministry {
        return Err(ServiceError::Forbidden(
            "医療用医薬品供給状況を取り込めるのは厚生労働省の利用者のみです".into(),
        ));
    }
    let (entries, edition) = table_file::check_on_pool(path, limits, |file| {
        let source = std::fs::File::open(file.path)
            .map_err(|e| ServiceError::Internal(format!("Failed to open the upload: {e}")))?;
        let list = read_list(std::io::BufReader::new(source), file.format, file.limits)?;
        let entries = check(&list).map_err(ServiceError::Invalid)?;
        Ok((entries, list.edition))
    })
    .await?;
    let edition = edition
        .or_else(|| read::edition_in_file_name(file_name))
        .unwrap_or_else(|| now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive());
    let summary = import(db, &entries, edition, file_name, actor, now, &|_| {}).await?;
    let upload_id = uploads::record(
        db,
        UploadKind::SupplyList,
        user,
        file_name,
        summary.rows as u64,
        now,
    )
    .await?;
    Ok(UploadOutcome {
        upload_id,
        rows: summary.rows as u64,
        customers: summary.reports,
    })
}

/// Applies checked entries as the edition of `edition` in one transaction. `progress` is told
/// how many rows are done, for a progress bar.
pub async fn import<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    entries: &[ListEntry],
    edition: NaiveDate,
    file_name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportSummary, ServiceError> {
    let txn = db.begin().await.context("Failed to start the import")?;
    let mut summary = ImportSummary {
        rows: entries.len(),
        ..ImportSummary::default()
    };
    for entry in entries {
        if let Some(i) = crate::domain::supply_status::ShippingStatus::ALL
            .iter()
            .position(|s| *s == entry.status.shipping_status)
        {
            summary.by_shipping[i] += 1;
        }
    }
    store_products(&txn, entries, edition, now, &mut summary).await?;
    progress(entries.len() / 3);
    summary.reports = file_reports(&txn, entries, edition, now, progress).await?;
    let entry = AuditEntry {
        actor,
        action: "supply_list.import",
        target: format!("edition:{edition}"),
        detail: Some(format!(
            "{file_name}：{} 品目（新規 {}・更新 {}・製造販売業者の新規登録 {}・状況の変更 {}）",
            summary.rows,
            summary.products_created,
            summary.products_updated,
            summary.makers_created,
            summary.reports
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the import")?;
    progress(entries.len());
    Ok(summary)
}

/// Files a report of source `ministry_list` for each drug whose ⑫–⑳ differ from its current
/// status, and makes it current; returns how many.
async fn file_reports(
    txn: &impl ConnectionTrait,
    entries: &[ListEntry],
    edition: NaiveDate,
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<usize, ServiceError> {
    let ids: HashMap<String, (i32, Option<i32>)> = product::Entity::find()
        .select_only()
        .column(product::Column::Code)
        .column(product::Column::Id)
        .column(product::Column::MakerId)
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .into_tuple::<(String, i32, Option<i32>)>()
        .all(txn)
        .await
        .context("Failed to load product ids")?
        .into_iter()
        .map(|(code, id, maker)| (code, (id, maker)))
        .collect();
    let product_ids: Vec<i32> = entries
        .iter()
        .filter_map(|e| ids.get(&e.code).map(|(id, _)| *id))
        .collect();
    let current = history::current(txn, &product_ids).await?;
    let changed: Vec<(&ListEntry, i32, i32)> = entries
        .iter()
        .filter_map(|e| {
            let (id, maker) = ids.get(&e.code)?;
            let same = current.get(id).is_some_and(|view| same_status(view, e));
            (!same).then_some((e, *id, (*maker)?))
        })
        .collect();
    let numbers = receipts::allocate(txn, changed.len(), now).await?;
    let reports: Vec<supply_status_report::ActiveModel> = changed
        .iter()
        .zip(&numbers)
        .map(|((entry, product_id, maker_id), number)| {
            let mut model = supply_status::report_model(
                number,
                *product_id,
                *maker_id,
                None,
                &entry.status,
                now,
                edition,
                Source::MinistryList,
            );
            model.shipping_changed_on = Set(entry.shipping_changed_on);
            model.other_changed_on = Set(entry.other_changed_on);
            model
        })
        .collect();
    let mut done = entries.len() / 3;
    for chunk in reports.chunks(BATCH) {
        supply_status_report::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await
            .context("Failed to store the list's reports")?;
        done += chunk.len() / 2;
        progress(done.min(entries.len()));
    }
    let report_ids = supply_status::report_ids(txn, &numbers).await?;
    let statuses = changed
        .iter()
        .zip(&numbers)
        .filter_map(|((entry, product_id, _), number)| {
            let mut model = supply_status::status_model(
                *product_id,
                *report_ids.get(number)?,
                &entry.status,
                edition,
            );
            model.shipping_changed_on = Set(entry.shipping_changed_on);
            model.other_changed_on = Set(entry.other_changed_on);
            Some(model)
        })
        .collect();
    supply_status::upsert_statuses(txn, statuses).await?;
    // The drugs' public subscribers learn of each change of the edition.
    let followed: Vec<StatusChanged> = changed
        .iter()
        .zip(&numbers)
        .map(|((entry, product_id, _), number)| StatusChanged {
            product_id: *product_id,
            receipt_number: number,
            previous: current.get(product_id),
            status: &entry.status,
            reported_on: edition,
        })
        .collect();
    subscriptions::queue_change_mails(txn, &followed, now).await?;
    Ok(changed.len())
}

/// Creates or updates the products of the list (and the makers ⑦ names).
async fn store_products(
    txn: &impl ConnectionTrait,
    entries: &[ListEntry],
    edition: NaiveDate,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<(), ServiceError> {
    let makers = ensure_makers(txn, entries, now, summary).await?;
    let existing: HashMap<String, product::Model> = product::Entity::find()
        .filter(product::Column::Kind.eq(ProductKind::Drug))
        .all(txn)
        .await
        .context("Failed to load the current product master")?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let mut new_products = Vec::new();
    let mut changed_products = Vec::new();
    for entry in entries {
        let maker_id = makers.get(&key(&entry.maker_name)).copied();
        match existing.get(&entry.code) {
            None => new_products.push(new_product(entry, maker_id, edition, now)),
            Some(current) if master_differs(current, entry, maker_id) => {
                // Every column set (the stored values, then ①–⑪ over them): the whole row goes
                // into one multi-row upsert with the others.
                let mut model = current.clone().into_active_model().reset_all();
                set_master(&mut model, entry, maker_id, now);
                changed_products.push(model);
            }
            Some(_) => {}
        }
    }
    summary.products_created = new_products.len();
    summary.products_updated = changed_products.len();
    for chunk in new_products.chunks(BATCH) {
        product::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await
            .context("Failed to insert new products")?;
    }
    // Thousands of products change at a first import over the price list: one statement per
    // 500 (an upsert on the id, which exists, rewriting only ①–⑪'s columns), not one each.
    for chunk in changed_products.chunks(BATCH) {
        product::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(product::Column::Id)
                    .update_columns(MASTER_COLUMNS)
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .context("Failed to update products")?;
    }
    Ok(())
}

/// The product columns `set_master` writes.
const MASTER_COLUMNS: [product::Column; 15] = [
    product::Column::Name,
    product::Column::Ingredient,
    product::Column::Specification,
    product::Column::MakerId,
    product::Column::MakerName,
    product::Column::ListCategory,
    product::Column::ListTherapeuticClass,
    product::Column::ListProductClass,
    product::Column::BasicDrug,
    product::Column::StableSupplyCategory,
    product::Column::ListedOn,
    product::Column::Category,
    product::Column::ProductClass,
    product::Column::SearchText,
    product::Column::UpdatedAt,
];

/// Whether the stored status already says what the list says (the edition's date aside).
fn same_status(view: &StatusView, entry: &ListEntry) -> bool {
    let s = &entry.status;
    view.shipping_status == s.shipping_status
        && view.reason == s.reason
        && view.causing_product_code.is_none()
        && view.resolution_outlook == s.resolution_outlook
        && view.resolution_month == s.resolution_month.map(|m| m.to_string())
        && view.volume_status == s.volume_status
        && view.extra.resolution_note == s.resolution_note
        && view.extra.improvement_timing == s.improvement_timing
        && view.extra.improvement_percent == s.improvement_percent.map(i32::from)
        && view.extra.shipping_changed_on == entry.shipping_changed_on
        && view.extra.other_changed_on == entry.other_changed_on
}

/// Manufacturers by normalised name (NFKC, no spaces), creating those ⑦ names that are missing.
async fn ensure_makers(
    db: &impl ConnectionTrait,
    entries: &[ListEntry],
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<HashMap<String, i32>, ServiceError> {
    let mut makers: HashMap<String, i32> = organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::Manufacturer))
        .all(db)
        .await
        .context("Failed to load makers")?
        .into_iter()
        .map(|o| (key(&o.name), o.id))
        .collect();
    for entry in entries {
        let name_key = key(&entry.maker_name);
        if makers.contains_key(&name_key) {
            continue;
        }
        let created = organization::ActiveModel {
            kind: Set(OrganizationKind::Manufacturer),
            name: Set(entry.maker_name.clone()),
            corporate_number: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .context("Failed to create a maker")?;
        summary.makers_created += 1;
        makers.insert(name_key, created.id);
    }
    Ok(makers)
}

fn master_differs(current: &product::Model, entry: &ListEntry, maker_id: Option<i32>) -> bool {
    current.name != entry.name
        || current.ingredient.as_deref() != Some(entry.ingredient.as_str())
        || current.specification.as_deref() != Some(entry.specification.as_str())
        || current.maker_id != maker_id
        || current.maker_name.as_deref() != Some(entry.maker_name.as_str())
        || current.list_category.as_deref() != Some(entry.category_text.as_str())
        || current.list_therapeutic_class.as_deref() != Some(entry.therapeutic_class.as_str())
        || current.list_product_class.as_deref() != Some(entry.class_text.as_str())
        || current.basic_drug != entry.basic_drug
        || current.stable_supply_category != entry.stable_supply
        || current.listed_on != entry.listed_on
}

/// Sets ①–⑪ of the list on a product (the price list's own columns stay as they are).
fn set_master(
    model: &mut product::ActiveModel,
    entry: &ListEntry,
    maker_id: Option<i32>,
    now: DateTime<Utc>,
) {
    model.name = Set(entry.name.clone());
    model.ingredient = Set(Some(entry.ingredient.clone()));
    model.specification = Set(Some(entry.specification.clone()));
    model.maker_id = Set(maker_id);
    model.maker_name = Set(Some(entry.maker_name.clone()));
    model.list_category = Set(Some(entry.category_text.clone()));
    model.list_therapeutic_class = Set(Some(entry.therapeutic_class.clone()));
    model.list_product_class = Set(Some(entry.class_text.clone()));
    model.basic_drug = Set(entry.basic_drug);
    model.stable_supply_category = Set(entry.stable_supply.clone());
    model.listed_on = Set(entry.listed_on);
    if entry.category.is_some() {
        model.category = Set(entry.category);
    }
    if entry.product_class.is_some() {
        model.product_class = Set(entry.product_class);
    }
    model.search_text = Set(search_text(&[
        Some(&entry.code),
        Some(&entry.name),
        Some(&entry.ingredient),
        Some(&entry.specification),
        Some(&entry.maker_name),
    ]));
    model.updated_at = Set(now);
}

fn new_product(
    entry: &ListEntry,
    maker_id: Option<i32>,
    edition: NaiveDate,
    now: DateTime<Utc>,
) -> product::ActiveModel {
    // Codes that are not YJ codes (X00000… gases, blood bags) are kept as given, without the
    // groupings a YJ code carries.
    let yj = YjCode::parse(&entry.code).ok();
    let mut model = product::ActiveModel {
        code: Set(entry.code.clone()),
        kind: Set(ProductKind::Drug),
        group_code: Set(yj.as_ref().map(|c| c.group_code().to_owned())),
        related_code: Set(yj.as_ref().map(|c| c.related_code().to_owned())),
        therapeutic_class: Set(yj.as_ref().map(|c| c.therapeutic_class().to_owned())),
        category: Set(None),
        product_class: Set(None),
        pharmacopoeia: Set(false),
        narcotic: Set(false),
        price: Set(None),
        transitional_until: Set(None),
        jmdn: Set(None),
        approval_number: Set(None),
        edition: Set(Some(format!("list:{edition}"))),
        created_at: Set(now),
        ..Default::default()
    };
    set_master(&mut model, entry, maker_id, now);
    model
}

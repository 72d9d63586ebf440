//! Checking reports before anything is stored: the rules of each row, the product and its
//! owner, duplicates within a file, and ⑥⑦ of a file against the master.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::StatusRow;
use crate::db::entity::product;
use crate::domain::ProductKind;
use crate::domain::supply_status::{SupplyStatus, validate};
use crate::domain::{ProductCode, Role};
use crate::services::accounts::UserContext;
use crate::services::{DbContext, FieldProblem, ServiceError};

/// A row that passed every check, with its product.
pub(super) struct CheckedRow {
    pub(super) product: product::Model,
    pub(super) status: SupplyStatus,
}

/// Validates every row against the rules and the master; collects all problems.
/// `single` makes another maker's product a 403 (one report) instead of a row problem (a file).
pub(super) async fn check(
    db: &impl ConnectionTrait,
    user: &UserContext,
    rows: Vec<StatusRow>,
    single: bool,
) -> Result<Vec<CheckedRow>, ServiceError> {
    if user.role != Role::Manufacturer {
        return Err(ServiceError::Forbidden(
            "供給状況報告は製造販売業者の利用者のみ提出できます".into(),
        ));
    }
    let mut codes: Vec<String> = Vec::new();
    for row in &rows {
        codes.push(
            crate::domain::validation::normalize_width(&row.product_code).to_ascii_uppercase(),
        );
        codes.push(
            crate::domain::validation::normalize_width(&row.input.causing_product_code)
                .to_ascii_uppercase(),
        );
    }
    let products = products_by_code(db, codes).await?;
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut seen: HashMap<i32, Option<usize>> = HashMap::new();
    for row in rows {
        let at = |p: FieldProblem| match row.row {
            Some(r) => p.at_row(r),
            None => p,
        };
        let before = problems.len();
        let product = match resolve_product(&row.product_code, &products) {
            Ok(found) => Some(found),
            Err(problem) => {
                problems.push(at(problem));
                None
            }
        };
        if let Some(found) = product {
            if found.maker_id != Some(user.organization.id) {
                let message = format!(
                    "{}（{}）は自社（{}）の製品ではありません",
                    found.code, found.name, user.organization.name
                );
                if single {
                    return Err(ServiceError::Forbidden(message));
                }
                problems.push(at(FieldProblem::new(
                    "product_code",
                    "not_own_product",
                    message,
                )));
            }
            if let Some(first) = seen.insert(found.id, row.row) {
                let first = first.map_or_else(String::new, |r| format!("（{r}行目）"));
                problems.push(at(FieldProblem::new(
                    "product_code",
                    "duplicate",
                    format!("{} が同じファイルに2回あります{first}", found.code),
                )));
            }
            problems.extend(
                master_mismatches(found, &row.master_columns)
                    .into_iter()
                    .map(at),
            );
        }
        let status = match validate(&row.input) {
            Ok(status) => Some(status),
            Err(errors) => {
                problems.extend(
                    errors
                        .iter()
                        .map(|(field, e)| at(FieldProblem::from_field_error(field, e))),
                );
                None
            }
        };
        if let Some(cause) = status
            .as_ref()
            .and_then(|s| s.causing_product_code.as_ref())
        {
            if !products.contains_key(cause.as_str()) {
                problems.push(at(FieldProblem::new(
                    "causing_product_code",
                    "not_found",
                    format!("原因医薬品 {cause} は製品マスタにありません"),
                )));
            }
        }
        if let (Some(product), Some(status), true) = (product, status, problems.len() == before) {
            checked.push(CheckedRow {
                product: product.clone(),
                status,
            });
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(ServiceError::Invalid(problems))
    }
}

/// The drug a typed code names, or why it names none.
fn resolve_product<'p>(
    typed: &str,
    products: &'p HashMap<String, product::Model>,
) -> Result<&'p product::Model, FieldProblem> {
    match ProductCode::parse(typed) {
        Ok(ProductCode::Drug(code)) => products.get(code.as_str()).ok_or_else(|| {
            FieldProblem::new(
                "product_code",
                "not_found",
                format!("医薬品コード {code} は製品マスタにありません"),
            )
        }),
        Ok(ProductCode::Device(code)) => Err(FieldProblem::new(
            "product_code",
            "not_a_drug",
            format!(
                "{code} は医療機器・体外診断用医薬品のコードです。供給状況報告は医療用医薬品が対象です"
            ),
        )),
        Err(e) => Err(FieldProblem::from_field_error("product_code", &e)),
    }
}

/// Compares ⑥ and ⑦ given in a file — what identifies the drug besides ⑤ — with the master
/// (NFKC, spaces ignored). The list's wording of ①, ② or ⑧ is never a reason to refuse a file.
fn master_mismatches(
    found: &product::Model,
    columns: &[(&'static str, String)],
) -> Vec<FieldProblem> {
    let key = crate::domain::supply_status::ministry::key;
    columns
        .iter()
        .filter(|(_, given)| !given.trim().is_empty())
        .filter_map(|(label, given)| {
            let master = match *label {
                "⑥品名" => Some(found.name.clone()),
                "⑦製造販売業者名" => found.maker_name.clone(),
                _ => return None,
            }
            .unwrap_or_default();
            let matches = key(given) == key(&master);
            (!matches).then(|| {
                FieldProblem::new(
                    label,
                    "master_mismatch",
                    format!(
                        "{label}「{}」が製品マスタの「{master}」と一致しません",
                        given.trim()
                    ),
                )
            })
        })
        .collect()
}

/// Drug products by code, for the given codes (looked up in chunks).
async fn products_by_code(
    db: &impl ConnectionTrait,
    mut codes: Vec<String>,
) -> Result<HashMap<String, product::Model>, ServiceError> {
    codes.retain(|c| !c.is_empty());
    codes.sort_unstable();
    codes.dedup();
    let mut found = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(2_000) {
        let rows = product::Entity::find()
            .filter(product::Column::Code.is_in(chunk.iter().cloned()))
            .filter(product::Column::Kind.eq(ProductKind::Drug))
            .all(db)
            .await
            .context("Failed to look up products")?;
        found.extend(rows.into_iter().map(|p| (p.code.clone(), p)));
    }
    Ok(found)
}

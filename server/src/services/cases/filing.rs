//! Filing confidential reports: the drug 供給不安報告 and the device 様式10-2 / 様式10-3. Each is
//! immutable with a receipt number and joins its product's open case, or opens one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::actions::flow_error;
use super::snapshot;
use super::store::{self, Step};
use crate::db::entity::{case, case_report, product};
use crate::domain::case_flow::{self, CaseEvent, CaseState, Impact, Party, ReportKind};
use crate::domain::device_report::{self, DeviceEventType, DeviceReportKind};
use crate::domain::report_fields::ReportFields;
use crate::domain::{ProductCode, ProductKind, Role, supply_risk};
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::{DbContext, FieldProblem, ServiceError, receipts};

/// An accepted confidential report.
#[derive(Debug, Clone)]
pub struct Filed {
    /// 受付番号.
    pub receipt_number: String,
    /// The case it belongs to.
    pub case_id: i32,
}

/// Files a drug 供給不安報告: every field optional. Joins the product's open case (flow D), or
/// the case `case_id` names — the follow-up a 報告徴収 asks for — which must be the maker's own
/// open case of the same drug.
pub async fn file_supply_risk(
    db: &DatabaseConnection,
    user: &UserContext,
    product_code: &str,
    case_id: Option<i32>,
    values: &BTreeMap<String, String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Filed, ServiceError> {
    let found = own_product(db, user, product_code, true).await?;
    let fields = supply_risk::validate(values).map_err(|e| problems(&e))?;
    let fields: BTreeMap<String, String> =
        fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    file(
        db,
        user,
        &found,
        case_id,
        ReportKind::SupplyRisk,
        None,
        None,
        &fields,
        actor,
        now,
    )
    .await
}

/// Files a device or IVD 様式10-2 (`kind`) or 様式10-3, after checking the fields each kind requires.
pub async fn file_device_report(
    db: &DatabaseConnection,
    user: &UserContext,
    kind: DeviceReportKind,
    product_code: &str,
    values: &BTreeMap<String, String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Filed, ServiceError> {
    let found = own_product(db, user, product_code, false).await;
    let checked = device_report::validate(kind, values);
    let (found, fields) = match (found, checked) {
        (Ok(found), Ok(fields)) => (found, fields),
        (Err(ServiceError::Invalid(mut a)), Err(b)) => {
            a.extend(problems_list(&b));
            return Err(ServiceError::Invalid(a));
        }
        (Err(e), _) => return Err(e),
        (_, Err(b)) => return Err(problems(&b)),
    };
    let report_kind = match kind {
        DeviceReportKind::First => ReportKind::First,
        DeviceReportKind::Additional => ReportKind::Additional,
        DeviceReportKind::Simplified => ReportKind::Simplified,
        DeviceReportKind::ReReport => ReportKind::ReReport,
        DeviceReportKind::TerminationNotice => ReportKind::TerminationNotice,
    };
    let termination = fields.event_type == DeviceEventType::Termination;
    let stored: BTreeMap<String, String> = fields
        .to_values()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    file(
        db,
        user,
        &found,
        None,
        report_kind,
        Some((termination, fields.event_type)),
        fields.clinical_impact,
        &stored,
        actor,
        now,
    )
    .await
}

/// The caller's own product of the right kind, or every problem with it.
async fn own_product(
    db: &impl ConnectionTrait,
    user: &UserContext,
    code: &str,
    drug: bool,
) -> Result<product::Model, ServiceError> {
    if user.role != Role::Manufacturer {
        return Err(ServiceError::Forbidden(
            "この報告は製造販売業者の利用者のみ提出できます".into(),
        ));
    }
    let field = |message: String, rule: &str| {
        ServiceError::invalid(FieldProblem::new("product_code", rule, message))
    };
    let parsed = ProductCode::parse(code)
        .map_err(|e| ServiceError::invalid(FieldProblem::from_field_error("product_code", &e)))?;
    match (&parsed, drug) {
        (ProductCode::Drug(_), false) => {
            return Err(field(
                format!(
                    "{code} は医療用医薬品のコードです。様式10-2・10-3 は医療機器・体外診断用医薬品（GTIN）が対象です"
                ),
                "not_a_device",
            ));
        }
        (ProductCode::Device(_), true) => {
            return Err(field(
                format!(
                    "{code} は医療機器のコードです。供給不安報告は医療用医薬品（YJコード）が対象です"
                ),
                "not_a_drug",
            ));
        }
        _ => {}
    }
    let found = product::Entity::find()
        .filter(product::Column::Code.eq(parsed.as_str()))
        .one(db)
        .await
        .context("Failed to look up the product")?
        .ok_or_else(|| {
            field(
                format!("{} は製品マスタにありません", parsed.as_str()),
                "not_found",
            )
        })?;
    if drug != (found.kind == ProductKind::Drug) {
        return Err(field(
            format!("{} はこの報告の対象の製品ではありません", found.code),
            "wrong_kind",
        ));
    }
    if found.maker_id != Some(user.organization.id) {
        return Err(ServiceError::Forbidden(format!(
            "{}（{}）は自社の製品ではありません",
            found.code, found.name
        )));
    }
    Ok(found)
}

/// Stores the report and moves (or opens) the product's case, in one transaction.
#[expect(clippy::too_many_arguments, reason = "a report carries this much")]
async fn file(
    db: &DatabaseConnection,
    user: &UserContext,
    found: &product::Model,
    case_id: Option<i32>,
    kind: ReportKind,
    event: Option<(bool, DeviceEventType)>,
    impact: Option<Impact>,
    fields: &BTreeMap<String, String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Filed, ServiceError> {
    let termination = event.is_some_and(|(t, _)| t);
    let txn = db
        .begin()
        .await
        .context("Failed to start storing the report")?;
    let open_case = match case_id {
        Some(id) => Some(named_case(&txn, user, found, id).await?),
        None => case::Entity::find()
            .filter(case::Column::ProductId.eq(found.id))
            .filter(case::Column::MakerId.eq(user.organization.id))
            .filter(case::Column::State.is_not_in([CaseState::Resolved, CaseState::Terminated]))
            .order_by_desc(case::Column::Id)
            .one(&txn)
            .await
            .context("Failed to look up the product's open case")?,
    };
    let step = Step {
        event: kind.into(),
        party: Party::ReportingMaker,
        user_id: Some(user.user_id),
        note: None,
        decision: None,
        report_due_on: None,
    };
    let moved = if let Some(existing) = open_case {
        let before = snapshot(&existing);
        let event = CaseEvent::Report { kind, termination };
        let next =
            case_flow::apply(&before, &event, Party::ReportingMaker).map_err(|e| flow_error(&e))?;
        store::record(&txn, existing, Some(&before), &next, &step, now).await?
    } else {
        let opened = case_flow::open(kind, termination, impact).map_err(|e| flow_error(&e))?;
        let created = store::open(&txn, &opened, found.id, user.organization.id, now).await?;
        store::record(&txn, created, None, &opened, &step, now).await?
    };
    let receipt_number = receipts::allocate(&txn, 1, now).await?.remove(0);
    case_report::ActiveModel {
        case_id: Set(moved.id),
        receipt_number: Set(receipt_number.clone()),
        kind: Set(kind),
        product_id: Set(found.id),
        maker_id: Set(user.organization.id),
        submitted_by: Set(Some(user.user_id)),
        submitted_at: Set(now),
        event_type: Set(event.map(|(_, e)| e)),
        fields: Set(ReportFields(fields.clone())),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("Failed to store the report")?;
    let entry = AuditEntry {
        actor,
        action: "case_report.file",
        target: format!("case:{}", moved.id),
        detail: Some(format!(
            "{} {} {receipt_number}",
            kind.label_ja(),
            found.code
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the report")?;
    Ok(Filed {
        receipt_number,
        case_id: moved.id,
    })
}

/// The case a follow-up report names: the maker's own (404 otherwise), of the same product (422),
/// still open (409).
async fn named_case(
    db: &impl ConnectionTrait,
    user: &UserContext,
    found: &product::Model,
    id: i32,
) -> Result<case::Model, ServiceError> {
    let named = case::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to look up the named case")?
        .filter(|c| c.maker_id == user.organization.id)
        .ok_or_else(|| ServiceError::NotFound(format!("事案 {id} はありません")))?;
    if named.product_id != found.id {
        return Err(ServiceError::invalid(FieldProblem::new(
            "case_id",
            "other_product",
            format!(
                "事案 {id} は {}（{}）の事案ではありません",
                found.name, found.code
            ),
        )));
    }
    if named.state.is_final() {
        return Err(ServiceError::Conflict(format!(
            "事案 {id} は「{}」で終結しているため、報告を追加できません。新しい供給不安報告は case_id を付けずに提出してください",
            named.state.label_ja()
        )));
    }
    Ok(named)
}

fn problems_list(errors: &[(&'static str, crate::domain::FieldError)]) -> Vec<FieldProblem> {
    errors
        .iter()
        .map(|(f, e)| FieldProblem::from_field_error(f, e))
        .collect()
}

fn problems(errors: &[(&'static str, crate::domain::FieldError)]) -> ServiceError {
    ServiceError::Invalid(problems_list(errors))
}

/// 供給不安報告 as listed: the maker's own, or every one for the ministry; nobody else.
pub async fn list_supply_risk(
    db: &impl ConnectionTrait,
    user: &UserContext,
) -> Result<Vec<serde_json::Value>, ServiceError> {
    super::refuse_admin(user)?;
    let mut select = case_report::Entity::find()
        .filter(case_report::Column::Kind.eq(ReportKind::SupplyRisk))
        .order_by_desc(case_report::Column::Id);
    match user.role {
        Role::Ministry | Role::Admin => {}
        Role::Manufacturer => {
            select = select.filter(case_report::Column::MakerId.eq(user.organization.id));
        }
        Role::Wholesaler | Role::Association => {
            return Err(ServiceError::Forbidden(
                "供給不安報告は報告した製造販売業者と厚生労働省のみ閲覧できます".into(),
            ));
        }
    }
    let reports = select
        .all(db)
        .await
        .context("Failed to list supply-risk reports")?;
    let codes: std::collections::HashMap<i32, String> = product::Entity::find()
        .filter(product::Column::Id.is_in(reports.iter().map(|r| r.product_id)))
        .all(db)
        .await
        .context("Failed to load the reports' products")?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    Ok(reports
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "receipt_number": r.receipt_number,
                "case_id": r.case_id,
                "product_code": codes.get(&r.product_id),
                "submitted_at": r.submitted_at.to_rfc3339(),
                "fields": r.fields.0,
            })
        })
        .collect())
}

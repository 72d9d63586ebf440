//! The ministry's cases (事案): confidential reports grouped by supply problem, their workflow
//! and who may see them. Nothing here is ever shown publicly.

pub mod actions;
pub mod filing;
mod store;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::accounts::UserContext;
use super::contacts;
use super::{DbContext, ServiceError};
use crate::db::entity::{
    case, case_report, case_supporter, case_transition, organization, product,
    supply_status_report, user,
};
use crate::domain::Role;
use crate::domain::case_flow::{
    self, CaseRequest, CaseSnapshot, CaseState, EventName, Flow, Impact, Party, ReportKind, Waited,
};
use crate::domain::device_report::DeviceEventType;
use crate::domain::report_display::{self, ShownField};
use crate::domain::supply_manager::SupplyManager;
use crate::domain::supply_status::{ShippingStatus, VolumeStatus};

/// A case as a list shows it.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    /// Id.
    pub id: i32,
    /// Flow A, B or D.
    pub flow: Flow,
    /// Current state.
    pub state: CaseState,
    /// The product's code, name and kind.
    pub product_code: String,
    /// 品名 / 販売名.
    pub product_name: String,
    /// `drug`, `device` or `ivd`.
    pub product_kind: String,
    /// The reporting maker.
    pub maker_id: i32,
    /// Its name.
    pub maker_name: String,
    /// The impact as last judged.
    pub impact: Option<Impact>,
    /// Whether the maker consented to cooperation requests.
    pub consented: bool,
    /// When the case was opened.
    pub opened_at: DateTime<Utc>,
    /// Whole days the case has waited in its state.
    pub days_in_state: i64,
    /// Whether the maker's next report (追加報告, or the report the ministry asked for) is overdue.
    pub overdue: bool,
    /// The day a requested report (報告徴収) is due.
    pub report_due_on: Option<NaiveDate>,
    /// What the case waits for, in Japanese (none once closed).
    pub waits_for: Option<&'static str>,
}

/// One report of a case.
#[derive(Debug, Clone)]
pub struct CaseReportView {
    /// 受付番号.
    pub receipt_number: String,
    /// Report kind.
    pub kind: ReportKind,
    /// Event type of device reports.
    pub event_type: Option<DeviceEventType>,
    /// When filed.
    pub submitted_at: DateTime<Utc>,
    /// Who filed it.
    pub submitted_by: Option<String>,
    /// The fields as filed (name → text).
    pub fields: BTreeMap<String, String>,
    /// The fields as an official reads them: the form's order and labels, codes as labels.
    pub shown: Vec<ShownField>,
}

/// One recorded step.
#[derive(Debug, Clone)]
pub struct TransitionView {
    /// The action or report.
    pub event: EventName,
    /// Who took the step.
    pub party: Party,
    /// State before (none when the case was opened).
    pub from_state: Option<CaseState>,
    /// State after.
    pub to_state: CaseState,
    /// Flow after.
    pub to_flow: Flow,
    /// Who.
    pub user: Option<String>,
    /// Note given with the step.
    pub note: Option<String>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

/// A case with its reports, its history and what the viewer may do next.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    /// The list fields.
    pub summary: CaseSummary,
    /// Reports, oldest first.
    pub reports: Vec<CaseReportView>,
    /// Steps, oldest first.
    pub transitions: Vec<TransitionView>,
    /// Action names the viewer may take now.
    pub allowed_actions: Vec<&'static str>,
    /// For the ministry: each request and why it cannot be sent now (none when it can).
    pub requests: Vec<(CaseRequest, Option<String>)>,
    /// The reporting maker's own 供給状況報告 of the case's drug, newest first.
    pub status_reports: Vec<StatusReportLink>,
    /// The reporting maker's 特定医薬品供給体制管理責任者, when it named one (for the ministry and
    /// the maker).
    pub supply_manager: Option<SupplyManager>,
    /// Who is looking: the ministry, the reporting maker or another (a supporting association).
    pub viewer: Party,
}

/// A 供給状況報告 of the case's product by its maker, linked on the case.
#[derive(Debug, Clone)]
pub struct StatusReportLink {
    /// 受付番号.
    pub receipt_number: String,
    /// ⑫ as filed.
    pub shipping_status: ShippingStatus,
    /// ⑯ as filed.
    pub volume_status: Option<VolumeStatus>,
    /// When filed.
    pub submitted_at: DateTime<Utc>,
}

/// How long `case` has waited by `now`, as the overdue rule needs it.
pub(crate) fn waited(case: &case::Model, now: DateTime<Utc>) -> Waited {
    Waited {
        days_in_state: (now - case.state_entered_at).num_days(),
        days_since_opened: (now - case.opened_at).num_days(),
        report_due_on: case.report_due_on,
        today: tokyo_date(now),
    }
}

/// Today in Japan.
pub(crate) fn tokyo_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Tokyo).date_naive()
}

/// Filters of the ministry's list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this flow.
    pub flow: Option<Flow>,
    /// Only this state.
    pub state: Option<CaseState>,
    /// Only this product kind (`drug`, `device`, `ivd`).
    pub product_kind: Option<String>,
    /// Only this maker.
    pub maker_id: Option<i32>,
}

/// The Japanese label of a report field (様式10-2/10-3 or 供給不安報告), or its name.
pub fn field_label(name: &str) -> &str {
    crate::domain::device_report::FieldSpec::find(name)
        .map_or_else(|| crate::domain::supply_risk::label(name), |s| s.label_ja)
}

/// The party a user is on a case: the ministry, its reporting maker, or anyone else.
pub fn party(user: &UserContext, case: &case::Model) -> Party {
    match user.role {
        Role::Ministry => Party::Ministry,
        Role::Manufacturer if user.organization.id == case.maker_id => Party::ReportingMaker,
        _ => Party::Other,
    }
}

/// What a system administrator is told: running the system gives no right to read cases
/// (医薬品医療機器等法 第18条の3 keeps them to the ministry, the maker and its supporters).
pub const ADMIN_KEPT_OUT: &str = "システム管理者は非公開の事案・報告を閲覧できません（厚生労働省・報告した製造販売業者・支援を依頼された団体のみ）";

/// Refuses (403) a system administrator: cases and reports are confidential.
pub fn refuse_admin(user: &UserContext) -> Result<(), ServiceError> {
    if user.role == Role::Admin {
        Err(ServiceError::Forbidden(ADMIN_KEPT_OUT.to_owned()))
    } else {
        Ok(())
    }
}

/// Whether `user` may see `case`: the ministry, the reporting maker, and associations asked
/// to support it (administrators are refused before).
async fn may_see(
    db: &impl ConnectionTrait,
    user: &UserContext,
    case: &case::Model,
) -> Result<bool, ServiceError> {
    Ok(match user.role {
        Role::Ministry => true,
        Role::Manufacturer => user.organization.id == case.maker_id,
        Role::Association => case_supporter::Entity::find_by_id((case.id, user.organization.id))
            .one(db)
            .await
            .context("Failed to check the case's supporters")?
            .is_some(),
        Role::Wholesaler | Role::Admin => false,
    })
}

/// The snapshot the workflow reasons about.
pub(crate) fn snapshot(case: &case::Model) -> CaseSnapshot {
    CaseSnapshot {
        flow: case.flow,
        state: case.state,
        impact: case.impact,
        consented: case.consented,
    }
}

/// A case the user may see, or 404 (a case the user may not see does not exist for them).
pub(crate) async fn visible_case(
    db: &impl ConnectionTrait,
    user: &UserContext,
    id: i32,
) -> Result<case::Model, ServiceError> {
    refuse_admin(user)?;
    let found = case::Entity::find_by_id(id)
        .one(db)
        .await
        .context("Failed to load the case")?;
    match found {
        Some(found) if may_see(db, user, &found).await? => Ok(found),
        _ => Err(ServiceError::NotFound(format!("事案 {id} はありません"))),
    }
}

/// The cases the user may see, newest first, filtered.
pub async fn list(
    db: &impl ConnectionTrait,
    user: &UserContext,
    filter: &CaseFilter,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<Vec<CaseSummary>, ServiceError> {
    refuse_admin(user)?;
    let mut select = case::Entity::find().order_by_desc(case::Column::Id);
    match user.role {
        Role::Ministry | Role::Admin => {}
        Role::Manufacturer => {
            select = select.filter(case::Column::MakerId.eq(user.organization.id));
        }
        Role::Association => {
            let ids: Vec<i32> = case_supporter::Entity::find()
                .filter(case_supporter::Column::OrganizationId.eq(user.organization.id))
                .all(db)
                .await
                .context("Failed to load supported cases")?
                .into_iter()
                .map(|s| s.case_id)
                .collect();
            select = select.filter(case::Column::Id.is_in(ids));
        }
        Role::Wholesaler => return Err(ServiceError::Forbidden("事案は閲覧できません".into())),
    }
    if let Some(flow) = filter.flow {
        select = select.filter(case::Column::Flow.eq(flow));
    }
    if let Some(state) = filter.state {
        select = select.filter(case::Column::State.eq(state));
    }
    if let Some(maker) = filter.maker_id {
        select = select.filter(case::Column::MakerId.eq(maker));
    }
    let cases = select.all(db).await.context("Failed to list cases")?;
    let mut summaries = summaries(db, &cases, overdue_days, now).await?;
    if let Some(kind) = &filter.product_kind {
        summaries.retain(|c| &c.product_kind == kind);
    }
    Ok(summaries)
}

/// One case with everything the viewer may see of it.
pub async fn detail(
    db: &impl ConnectionTrait,
    user: &UserContext,
    id: i32,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<CaseDetail, ServiceError> {
    let found = visible_case(db, user, id).await?;
    let snapshot = snapshot(&found);
    let reports = case_report::Entity::find()
        .filter(case_report::Column::CaseId.eq(id))
        .order_by_asc(case_report::Column::Id)
        .all(db)
        .await
        .context("Failed to load the case's reports")?;
    let transitions = case_transition::Entity::find()
        .filter(case_transition::Column::CaseId.eq(id))
        .order_by_asc(case_transition::Column::Id)
        .all(db)
        .await
        .context("Failed to load the case's steps")?;
    let user_ids: Vec<i32> = reports
        .iter()
        .filter_map(|r| r.submitted_by)
        .chain(transitions.iter().filter_map(|t| t.user_id))
        .collect();
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await
        .context("Failed to load names")?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let summary = summaries(db, std::slice::from_ref(&found), overdue_days, now)
        .await?
        .pop()
        .ok_or_else(|| ServiceError::Internal("a case vanished".into()))?;
    let reports = reports
        .into_iter()
        .map(|r| {
            // A coded field that is none of its codes fails here, with the report it is in.
            let shown = report_display::shown(r.kind, &r.fields.0)
                .map_err(|e| ServiceError::Internal(format!("report {}: {e}", r.receipt_number)))?;
            Ok(CaseReportView {
                shown,
                fields: r.fields.0,
                submitted_by: r.submitted_by.and_then(|id| names.get(&id).cloned()),
                receipt_number: r.receipt_number,
                kind: r.kind,
                event_type: r.event_type,
                submitted_at: r.submitted_at,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(CaseDetail {
        summary,
        reports,
        transitions: transitions
            .into_iter()
            .map(|t| TransitionView {
                user: t.user_id.and_then(|id| names.get(&id).cloned()),
                event: t.event,
                party: t.party,
                from_state: t.from_state,
                to_state: t.to_state,
                to_flow: t.to_flow,
                note: t.note,
                occurred_at: t.occurred_at,
            })
            .collect(),
        allowed_actions: case_flow::allowed_actions(&snapshot, party(user, &found)),
        requests: if party(user, &found) == Party::Ministry {
            CaseRequest::ALL
                .iter()
                .map(|&r| (r, case_flow::request_refusal_ja(&snapshot, r)))
                .collect()
        } else {
            Vec::new()
        },
        status_reports: status_reports(db, &found).await?,
        // Named to the ministry and the maker itself, not to the associations supporting the case.
        viewer: party(user, &found),
        supply_manager: if party(user, &found) == Party::Other {
            None
        } else {
            contacts::supply_manager(db, found.maker_id).await?
        },
    })
}

async fn summaries(
    db: &impl ConnectionTrait,
    cases: &[case::Model],
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<Vec<CaseSummary>, ServiceError> {
    let products: HashMap<i32, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(cases.iter().map(|c| c.product_id)))
        .all(db)
        .await
        .context("Failed to load the cases' products")?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let makers: HashMap<i32, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(cases.iter().map(|c| c.maker_id)))
        .all(db)
        .await
        .context("Failed to load the cases' makers")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    cases
        .iter()
        .map(|c| {
            let snap = snapshot(c);
            let waited = waited(c, now);
            let days_in_state = waited.days_in_state;
            let p = products.get(&c.product_id);
            Ok(CaseSummary {
                id: c.id,
                flow: snap.flow,
                state: snap.state,
                product_code: p.map(|p| p.code.clone()).unwrap_or_default(),
                product_name: p.map(|p| p.name.clone()).unwrap_or_default(),
                product_kind: p.map(|p| p.kind.code().to_owned()).unwrap_or_default(),
                maker_id: c.maker_id,
                maker_name: makers.get(&c.maker_id).cloned().unwrap_or_default(),
                impact: snap.impact,
                consented: snap.consented,
                opened_at: c.opened_at,
                days_in_state,
                overdue: case_flow::is_overdue(&snap, &waited, overdue_days),
                report_due_on: c.report_due_on,
                waits_for: case_flow::waits_for_ja(&snap),
            })
        })
        .collect()
}

/// The maker's own 供給状況報告 of the case's product, newest first (at most 20).
async fn status_reports(
    db: &impl ConnectionTrait,
    found: &case::Model,
) -> Result<Vec<StatusReportLink>, ServiceError> {
    use sea_orm::QuerySelect;
    let reports = supply_status_report::Entity::find()
        .filter(supply_status_report::Column::ProductId.eq(found.product_id))
        .filter(supply_status_report::Column::MakerId.eq(found.maker_id))
        .order_by_desc(supply_status_report::Column::Id)
        .limit(20)
        .all(db)
        .await
        .context("Failed to load the product's supply status reports")?;
    Ok(reports
        .into_iter()
        .map(|r| StatusReportLink {
            receipt_number: r.receipt_number,
            shipping_status: r.shipping_status,
            volume_status: r.volume_status,
            submitted_at: r.submitted_at,
        })
        .collect())
}

/// Records that an association was asked to support a case, so that its users may see it.
/// (Cooperation requests, which make this call, come with the substitute-maker workflow.)
pub async fn add_supporter(
    db: &impl ConnectionTrait,
    case_id: i32,
    organization_id: i32,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use sea_orm::{ActiveModelTrait, Set};
    let org = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await
        .context("Failed to look up the association")?;
    if org.is_none_or(|o| o.kind != crate::domain::OrganizationKind::Association) {
        return Err(ServiceError::NotFound(format!(
            "業界団体 {organization_id} はありません"
        )));
    }
    case_supporter::ActiveModel {
        case_id: Set(case_id),
        organization_id: Set(organization_id),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .context("Failed to record the supporting association")?;
    Ok(())
}

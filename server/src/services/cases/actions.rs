//! Steps on a case through `POST /cases/{id}/transitions`: the workflow decides, the step is
//! recorded, and a 報告徴収 or (devices) a 対応の検討依頼 mails the reporting maker in the same
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};

use super::store::{self, Step};
use super::{party, snapshot, visible_case};
use crate::db::entity::{case, organization, product};
use crate::domain::case_flow::{self, CaseAction, CaseEvent, Decision, Flow, FlowError};
use crate::domain::dates::iso_and_era;
use crate::mail::MailContent;
use crate::mail::content::Notice;
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::contacts;
use crate::services::outbox::{self, NewMessage};
use crate::services::{DbContext, FieldProblem, ServiceError};

/// One step as asked for: the action, an optional note (for `announce`: what the institutions
/// were told; for `request_report`: what the ministry asks) and, for `request_report`, the day
/// the report is due (Japan time).
#[derive(Debug, Clone, Copy)]
pub struct StepRequest<'a> {
    /// The action.
    pub action: CaseAction,
    /// The note.
    pub note: Option<&'a str>,
    /// `request_report` only: when the report is due.
    pub due_on: Option<NaiveDate>,
}

/// Takes `step` on case `id` as `user`. 409 when it does not fit the state, 403 when it is not
/// the user's step, 422 for a missing note (`announce`, and `resolve`: closing is irreversible
/// and needs its reason) or a due day that is not in the future.
/// `overdue_days` is the setting a 報告徴収 without a due day falls back on.
pub async fn take(
    db: &DatabaseConnection,
    user: &UserContext,
    id: i32,
    step: StepRequest<'_>,
    overdue_days: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    check_step(&step, now)?;
    let action = step.action;
    let txn = db.begin().await.context("Failed to start the step")?;
    let found = visible_case(&txn, user, id).await?;
    let before = snapshot(&found);
    let who = party(user, &found);
    let next =
        case_flow::apply(&before, &CaseEvent::Action(action), who).map_err(|e| flow_error(&e))?;
    if action == CaseAction::Resolve && step.note.is_none_or(|n| n.trim().is_empty()) {
        return Err(ServiceError::invalid(FieldProblem::new(
            "note",
            "required",
            "終結には理由（note）を入力してください。終結した事案では報告・照会・協力依頼を受け付けません",
        )));
    }
    let decision = match action {
        CaseAction::Decide(d) => Some(d),
        _ => None,
    };
    let record = Step {
        event: action.into(),
        party: who,
        user_id: Some(user.user_id),
        note: step.note,
        decision,
        report_due_on: step.due_on,
    };
    let moved = store::record(&txn, found, Some(&before), &next, &record, now).await?;
    match action {
        CaseAction::RequestReport => {
            mail_report_request(&txn, &moved, step.note, overdue_days, now).await?;
        }
        CaseAction::Decide(Decision::ResponseNeeded) if moved.flow != Flow::D => {
            mail_response_request(&txn, &moved, step.note, now).await?;
        }
        _ => {}
    }
    let entry = AuditEntry {
        actor,
        action: "case.transition",
        target: format!("case:{id}"),
        detail: Some(format!(
            "{}：{} → {}",
            action.label_ja(),
            before.state.label_ja(),
            next.state.label_ja()
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await.context("Failed to commit the step")
}

fn check_step(step: &StepRequest<'_>, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let blank_note = step.note.is_none_or(|n| n.trim().is_empty());
    if step.action == CaseAction::Announce && blank_note {
        return Err(ServiceError::invalid(FieldProblem::new(
            "note",
            "required",
            "周知の報告には、医療機関等に伝えた内容（note）を入力してください",
        )));
    }
    if let Some(due) = step.due_on {
        if step.action != CaseAction::RequestReport {
            return Err(ServiceError::invalid(FieldProblem::new(
                "due_on",
                "not_applicable",
                "報告期限（due_on）は報告徴収（request_report）にのみ指定できます",
            )));
        }
        let today = super::tokyo_date(now);
        if due <= today {
            return Err(ServiceError::invalid(FieldProblem::new(
                "due_on",
                "not_in_future",
                format!("報告期限（due_on）は明日以降の日付にしてください（本日は {today}）"),
            )));
        }
    }
    Ok(())
}

/// The 報告徴収 mail to every supply contact of the reporting maker: which drug, by when, what
/// the ministry asks, and the case page where the maker answers with a follow-up 供給不安報告.
async fn mail_report_request(
    db: &impl sea_orm::ConnectionTrait,
    case: &case::Model,
    note: Option<&str>,
    overdue_days: i64,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (product, maker) = product_and_maker(db, case).await?;
    let due = case.report_due_on.map_or_else(
        || format!("指定なし（{overdue_days}日を過ぎると督促のお知らせが届きます）"),
        iso_and_era,
    );
    let mut lines = vec![
        format!("事案 #{}：{}（{}）", case.id, product.name, product.code),
        format!("報告期限：{due}"),
    ];
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        lines.push(format!("厚生労働省からの依頼事項：{note}"));
    }
    let content = MailContent::Notice(Notice {
        subject: format!("【SupplyWatch】報告徴収：{}の供給状況の報告のお願い", product.name),
        recipient_org: maker,
        lead: "厚生労働省は、医薬品医療機器等法に基づき、下記の医薬品の供給状況について報告を求めます。事案のページから供給不安報告（続報）として報告してください。".to_owned(),
        lines,
        link_path: crate::paths::case(case.id),
    });
    let key = format!("case-report-request:{}:{}", case.id, now.timestamp_micros());
    let contacts = outbox::contacts_of(db, &[case.maker_id]).await?;
    let mut messages: Vec<NewMessage> = contacts
        .iter()
        .map(|contact| NewMessage::to_contact(&key, contact, content.clone()))
        .collect();
    // The law addresses the request to the maker's responsible person too (once, when not
    // already one of its contacts).
    if let Some(manager) = contacts::supply_manager(db, case.maker_id).await?
        && !contacts
            .iter()
            .any(|c| c.email.eq_ignore_ascii_case(&manager.email))
    {
        messages.push(NewMessage {
            idempotency_key: format!("{key}:{}", manager.email),
            organization_id: Some(case.maker_id),
            recipient_name: format!("特定医薬品供給体制管理責任者 {}", manager.name),
            recipient_email: manager.email,
            digest: false,
            content,
        });
    }
    outbox::enqueue(db, messages, now).await?;
    Ok(())
}

/// The 対応の検討依頼 to the reporting maker of a device case the ministry judged to need a
/// response: what it asks, and the request for consent to cooperation requests to other makers
/// and associations (which wait for it).
async fn mail_response_request(
    db: &impl sea_orm::ConnectionTrait,
    case: &case::Model,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (product, maker) = product_and_maker(db, case).await?;
    let mut lines = vec![format!(
        "事案 #{}：{}（{}）",
        case.id, product.name, product.code
    )];
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        lines.push(format!("厚生労働省からの依頼事項：{note}"));
    }
    lines.push("代替品の製造販売業者・業界団体への協力依頼には、貴社の同意が必要です。事案のページで「協力依頼に同意する」を押すと、厚生労働省が協力依頼を送れるようになります（報告の内容は伝えません）。".to_owned());
    let content = MailContent::Notice(Notice {
        subject: format!("【SupplyWatch】対応の検討依頼と協力依頼への同意のお願い：{}", product.name),
        recipient_org: maker,
        lead: "厚生労働省は下記の事案について対応が必要と判断しました。対応をご検討のうえ、事案のページから対応状況をご報告ください。".to_owned(),
        lines,
        link_path: crate::paths::case(case.id),
    });
    let key = format!(
        "case-response-request:{}:{}",
        case.id,
        now.timestamp_micros()
    );
    let messages = outbox::contacts_of(db, &[case.maker_id])
        .await?
        .iter()
        .map(|contact| NewMessage::to_contact(&key, contact, content.clone()))
        .collect();
    outbox::enqueue(db, messages, now).await?;
    Ok(())
}

/// The case's product and the name of its reporting maker.
async fn product_and_maker(
    db: &impl sea_orm::ConnectionTrait,
    case: &case::Model,
) -> Result<(product::Model, String), ServiceError> {
    let product = product::Entity::find_by_id(case.product_id)
        .one(db)
        .await
        .context("Failed to load the case's product")?
        .ok_or_else(|| ServiceError::Internal("a case without its product".into()))?;
    let maker = organization::Entity::find_by_id(case.maker_id)
        .one(db)
        .await
        .context("Failed to load the reporting maker")?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok((product, maker))
}

/// The service error of a refused step: 409, 403 or 422.
pub(crate) fn flow_error(error: &FlowError) -> ServiceError {
    match error {
        FlowError::NotAllowed { .. } | FlowError::AwaitingConsent => {
            ServiceError::Conflict(error.message_ja())
        }
        FlowError::NotYourStep { .. } => ServiceError::Forbidden(error.message_ja()),
        FlowError::CannotOpen { .. } => {
            ServiceError::invalid(FieldProblem::new("kind", error.code(), error.message_ja()))
        }
    }
}

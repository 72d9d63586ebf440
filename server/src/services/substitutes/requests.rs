//! The ministry's requests on a case: information requests to substitute makers and wholesalers
//! (no consent needed; only the product is named, never the confidential report) and cooperation
//! requests to substitute makers, wholesalers and associations. On a device case a cooperation
//! request waits for the reporting maker's consent (409); on a drug case (flow D) it is the law's
//! 協力要請 and needs none. Which request fits which state is the case workflow's table. Makers
//! whose own same-spec products are at ⑫ ② or ⑤ are not asked (`recipients`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};

use super::RequestView;
use super::recipients::substitute_makers_of;
use super::views::views;
use crate::db::entity::{case, case_supporter, organization, product, substitute_request};
use crate::domain::case_flow::{self, CaseEvent, CaseRequest, Flow};
use crate::domain::substitute_request::RequestKind;
use crate::domain::{OrganizationKind, Role};
use crate::mail::MailContent;
use crate::mail::content::{ProductLine, Request};
use crate::services::accounts::UserContext;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::outbox::{self, NewMessage};
use crate::services::{DbContext, FieldProblem, ServiceError, cases};

/// Requests to send.
#[derive(Debug, Clone)]
pub struct NewRequests {
    /// Information or cooperation.
    pub kind: RequestKind,
    /// Substitute makers to ask; empty asks every maker of a substitute.
    pub organization_ids: Vec<i32>,
    /// Associations to ask (cooperation only); each becomes a supporter of the case.
    pub association_ids: Vec<i32>,
    /// Wholesalers to ask (stock and shipments, or cooperation in distributing the product).
    pub wholesaler_ids: Vec<i32>,
    /// The ministry's message.
    pub message: Option<String>,
}

/// The makers of `product`'s substitutes with those products, as the mails name them, and why
/// each maker left out of requests is.
async fn substitute_lines(
    db: &impl ConnectionTrait,
    product: &product::Model,
) -> Result<(BTreeMap<i32, Vec<ProductLine>>, HashMap<i32, &'static str>), ServiceError> {
    let (by_maker, excluded) = substitute_makers_of(db, product).await?;
    let lines = by_maker
        .into_iter()
        .map(|(org, products)| {
            let lines = products
                .into_iter()
                .map(|p| ProductLine {
                    code: p.code,
                    name: p.name,
                })
                .collect();
            (org, lines)
        })
        .collect();
    Ok((lines, excluded))
}

/// Sends requests on case `case_id` as the ministry; mails go through the outbox in the same
/// transaction. 409 for a cooperation request without the reporting maker's consent.
pub async fn create(
    db: &DatabaseConnection,
    user: &UserContext,
    case_id: i32,
    new: NewRequests,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<RequestView>, ServiceError> {
    if user.role != Role::Ministry {
        return Err(ServiceError::Forbidden(
            "照会・協力依頼は厚生労働省の利用者のみ送れます".into(),
        ));
    }
    if new.kind == RequestKind::HeadsUp {
        return Err(ServiceError::invalid(FieldProblem::new(
            "kind",
            "code",
            "kind は information または cooperation を指定してください",
        )));
    }
    let txn = db.begin().await.context("Failed to start the request")?;
    let found: case::Model = cases::visible_case(&txn, user, case_id).await?;
    check_fits(user, &found, new.kind)?;
    let product = product::Entity::find_by_id(found.product_id)
        .one(&txn)
        .await
        .context("Failed to load the case's product")?
        .ok_or_else(|| ServiceError::Internal("a case without its product".into()))?;
    let (makers, excluded) = substitute_lines(&txn, &product).await?;
    let associations = check_associations(&txn, &new).await?;
    let wholesalers = check_wholesalers(&txn, &new).await?;
    let targets = choose_targets(&makers, &excluded, &new, !wholesalers.is_empty())?;
    for org in &associations {
        let already = case_supporter::Entity::find_by_id((case_id, *org))
            .one(&txn)
            .await
            .context("Failed to check the case's supporters")?
            .is_some();
        if !already {
            cases::add_supporter(&txn, case_id, *org, now).await?;
        }
    }
    let event_key = format!(
        "case:{case_id}:{}:{}",
        new.kind.code(),
        now.timestamp_micros()
    );
    let asked: Vec<i32> = targets
        .iter()
        .chain(&associations)
        .chain(&wholesalers)
        .copied()
        .collect();
    let rows: Vec<substitute_request::ActiveModel> = asked
        .iter()
        .map(|org| substitute_request::ActiveModel {
            event_key: Set(event_key.clone()),
            kind: Set(new.kind),
            case_id: Set(Some(case_id)),
            product_id: Set(product.id),
            organization_id: Set(*org),
            requested_by: Set(Some(user.user_id)),
            message: Set(new.message.clone().filter(|m| !m.trim().is_empty())),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    substitute_request::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await
        .context("Failed to store the requests")?;
    let stored = substitute_request::Entity::find()
        .filter(substitute_request::Column::EventKey.eq(event_key.as_str()))
        .order_by_asc(substitute_request::Column::Id)
        .all(&txn)
        .await
        .context("Failed to read back the requests")?;
    let recipients = Recipients {
        makers: &makers,
        wholesalers: &wholesalers,
    };
    queue_mails(&txn, &stored, &found, &product, &recipients, new.kind, now).await?;
    let entry = AuditEntry {
        actor,
        action: "case.request",
        target: format!("case:{case_id}"),
        detail: Some(format!(
            "{}を {} 社・団体へ",
            new.kind.label_ja(),
            asked.len()
        )),
        success: true,
    };
    audit::record(&txn, entry, now).await?;
    let result = views(&txn, stored).await?;
    txn.commit()
        .await
        .context("Failed to commit the requests")?;
    Ok(result)
}

/// Whether the case's workflow lets the ministry send this request now (409 naming why not).
fn check_fits(
    user: &UserContext,
    found: &case::Model,
    kind: RequestKind,
) -> Result<(), ServiceError> {
    let request = match kind {
        RequestKind::Cooperation => CaseRequest::Cooperation,
        _ => CaseRequest::Information,
    };
    case_flow::apply(
        &cases::snapshot(found),
        &CaseEvent::Request(request),
        cases::party(user, found),
    )
    .map(|_| ())
    .map_err(|e| cases::actions::flow_error(&e))
}

/// The substitute makers to ask: those named, or every one not left out when none is named (named
/// wholesalers are asked besides; with them, a product without other makers is fine). A named
/// maker that is left out is refused with the reason.
fn choose_targets(
    makers: &BTreeMap<i32, Vec<ProductLine>>,
    excluded: &HashMap<i32, &'static str>,
    new: &NewRequests,
    wholesalers_named: bool,
) -> Result<Vec<i32>, ServiceError> {
    let targets: Vec<i32> = if new.organization_ids.is_empty() {
        makers
            .keys()
            .filter(|org| !excluded.contains_key(org))
            .copied()
            .collect()
    } else {
        let left_out: Vec<String> = new
            .organization_ids
            .iter()
            .filter_map(|id| excluded.get(id).map(|why| format!("組織 {id}（{why}）")))
            .collect();
        if !left_out.is_empty() {
            return Err(ServiceError::invalid(FieldProblem::new(
                "organization_ids",
                "own_product_short",
                format!("{} には依頼できません", left_out.join("、")),
            )));
        }
        let unknown: Vec<String> = new
            .organization_ids
            .iter()
            .filter(|id| !makers.contains_key(id))
            .map(ToString::to_string)
            .collect();
        if !unknown.is_empty() {
            return Err(ServiceError::invalid(FieldProblem::new(
                "organization_ids",
                "not_substitute_maker",
                format!(
                    "組織 {} はこの製品の代替品の製造販売業者ではありません",
                    unknown.join(", ")
                ),
            )));
        }
        new.organization_ids
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    if targets.is_empty() && new.association_ids.is_empty() && !wholesalers_named {
        return Err(ServiceError::invalid(FieldProblem::new(
            "organization_ids",
            "no_substitute_maker",
            if excluded.is_empty() {
                "この製品には他社の代替品がないため、依頼先がありません".to_owned()
            } else {
                "他社の代替品はいずれも自社の同一規格品が限定出荷（自社の事情）または供給停止中のため、依頼先がありません".to_owned()
            },
        )));
    }
    Ok(targets)
}

async fn check_associations(
    db: &impl ConnectionTrait,
    new: &NewRequests,
) -> Result<Vec<i32>, ServiceError> {
    if new.association_ids.is_empty() {
        return Ok(Vec::new());
    }
    if new.kind != RequestKind::Cooperation {
        return Err(ServiceError::invalid(FieldProblem::new(
            "association_ids",
            "cooperation_only",
            "業界団体には協力依頼のみ送れます",
        )));
    }
    let ids: BTreeSet<i32> = new.association_ids.iter().copied().collect();
    let found: BTreeSet<i32> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .filter(organization::Column::Kind.eq(OrganizationKind::Association))
        .all(db)
        .await
        .context("Failed to load the associations")?
        .into_iter()
        .map(|o| o.id)
        .collect();
    if found != ids {
        return Err(ServiceError::invalid(FieldProblem::new(
            "association_ids",
            "not_association",
            "業界団体ではない組織が指定されています",
        )));
    }
    Ok(ids.into_iter().collect())
}

/// The named wholesalers, each checked to be one.
async fn check_wholesalers(
    db: &impl ConnectionTrait,
    new: &NewRequests,
) -> Result<Vec<i32>, ServiceError> {
    if new.wholesaler_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: BTreeSet<i32> = new.wholesaler_ids.iter().copied().collect();
    let found: BTreeSet<i32> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .filter(organization::Column::Kind.eq(OrganizationKind::Wholesaler))
        .all(db)
        .await
        .context("Failed to load the wholesalers")?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let unknown: Vec<String> = ids.difference(&found).map(ToString::to_string).collect();
    if !unknown.is_empty() {
        return Err(ServiceError::invalid(FieldProblem::new(
            "wholesaler_ids",
            "not_wholesaler",
            format!("組織 {} は卸売業者ではありません", unknown.join(", ")),
        )));
    }
    Ok(ids.into_iter().collect())
}

/// Who was asked: the substitute makers with their products, and the wholesalers.
struct Recipients<'a> {
    makers: &'a BTreeMap<i32, Vec<ProductLine>>,
    wholesalers: &'a [i32],
}

async fn queue_mails(
    db: &impl ConnectionTrait,
    stored: &[substitute_request::Model],
    case: &case::Model,
    product: &product::Model,
    recipients: &Recipients<'_>,
    kind: RequestKind,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Recipients {
        makers,
        wholesalers,
    } = recipients;
    let org_ids: Vec<i32> = stored.iter().map(|r| r.organization_id).collect();
    let names: HashMap<i32, String> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids.clone()))
        .all(db)
        .await
        .context("Failed to load the asked organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let by_org: HashMap<i32, &substitute_request::Model> =
        stored.iter().map(|r| (r.organization_id, r)).collect();
    let mut messages = Vec::new();
    for contact in outbox::contacts_of(db, &org_ids).await? {
        let Some(request) = by_org.get(&contact.organization_id) else {
            continue;
        };
        let content = MailContent::Request(Request {
            cooperation: kind == RequestKind::Cooperation,
            recipient_org: names
                .get(&contact.organization_id)
                .cloned()
                .unwrap_or_default(),
            product: ProductLine {
                code: product.code.clone(),
                name: product.name.clone(),
            },
            maker_name: product.maker_name.clone().unwrap_or_default(),
            substitutes: makers
                .get(&contact.organization_id)
                .cloned()
                .unwrap_or_default(),
            message: request.message.clone(),
            link_path: crate::paths::substitute_request(request.id),
            under_drug_law: case.flow == Flow::D,
            to_wholesaler: wholesalers.contains(&contact.organization_id),
        });
        messages.push(NewMessage::to_contact(
            &format!("request:{}", request.id),
            &contact,
            content,
        ));
    }
    outbox::enqueue(db, messages, now).await?;
    Ok(())
}

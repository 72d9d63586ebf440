//! Requests to substitute makers and their answers: `substitute-requests` (+ `responses`) for the
//! asked organisations, `cases/{id}/requests` for the ministry (send; read side by side).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::association_answer::RelayInput;
use crate::domain::substitute_answer::AnswerInput;
use crate::domain::substitute_request::RequestKind;
use crate::domain::wholesaler_answer::StockInput;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::identity::{ApiUser, actor};
use crate::services::substitutes::answers::TypedAnswer;
use crate::services::substitutes::requests::{self, NewRequests};
use crate::services::substitutes::{RequestView, Totals, answers};
use crate::services::{FieldProblem, ServiceError};

/// A product on a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductItem {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// An association's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelayItem {
    /// Relayed the request to its members.
    pub relayed_to_members: bool,
    /// Members reached.
    pub members_reached: Option<i32>,
    /// Free text.
    pub note: Option<String>,
}

/// A wholesaler's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockItem {
    /// Packages in stock.
    pub stock_units: i64,
    /// Packages shipped in the last month.
    pub shipped_last_month: i64,
    /// Months the stock is expected to last, e.g. `1.5`.
    pub stock_outlook_months: Option<String>,
    /// Whether it limits orders (出荷調整).
    pub shipment_limited: bool,
    /// Remarks.
    pub remarks: Option<String>,
}

/// The latest answer: a maker's figures, an association's `relay` or a wholesaler's `stock`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseItem {
    /// Months of stock, e.g. `2.5`.
    pub stock_months: Option<String>,
    /// Production change (%).
    pub production_change_percent: Option<i32>,
    /// Whether production can increase.
    pub can_increase: Option<bool>,
    /// By how much (%).
    pub increase_percent: Option<i32>,
    /// Lead time in months with one decimal, e.g. `1.5`.
    pub lead_time_months: Option<String>,
    /// Extra packages per month.
    pub extra_units_per_month: Option<i64>,
    /// Why production cannot increase: the codes (`raw_materials`, `staff`, `equipment`,
    /// `other`) joined by `,`, e.g. `raw_materials,staff`.
    pub not_possible_reason: Option<String>,
    /// The same reasons as a list.
    pub not_possible_reasons: Vec<String>,
    /// Detail.
    pub reason_text: Option<String>,
    /// An association's answer (its own form; the figures above are then null).
    pub relay: Option<RelayItem>,
    /// A wholesaler's answer (its own form; the figures above are then null).
    pub stock: Option<StockItem>,
    /// When.
    pub submitted_at: String,
}

/// A request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestItem {
    /// Id.
    pub id: i32,
    /// `heads_up`, `information` or `cooperation`.
    pub kind: String,
    /// The case (null for a heads-up).
    pub case_id: Option<i32>,
    /// The short product (only the product: never the confidential report).
    pub product: ProductItem,
    /// The asked organisation.
    pub organization_id: i32,
    /// Its name.
    pub organization_name: String,
    /// Its kind (`manufacturer`, `wholesaler`, `association`), which chooses its answer's form.
    pub organization_kind: String,
    /// Its products that may substitute.
    pub substitutes: Vec<ProductItem>,
    /// The ministry's message.
    pub message: Option<String>,
    /// Sent at.
    pub created_at: String,
    /// The latest answer.
    pub response: Option<ResponseItem>,
}

/// Requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestList {
    /// Newest first (a case's: oldest first).
    pub items: Vec<RequestItem>,
}

/// One maker's months of stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct MakerStockItem {
    /// The organisation.
    pub organization_id: i32,
    /// Its name.
    pub organization_name: String,
    /// Months of stock, e.g. `1.5`.
    pub stock_months: String,
}

/// Totals over a case's answers: only what adds up is summed; months of stock are given per
/// maker with their minimum and median, never summed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsBody {
    /// Organisations asked.
    pub asked: usize,
    /// Organisations that answered.
    pub answered: usize,
    /// Makers that can increase production.
    pub can_increase: usize,
    /// Combined extra packages per month.
    pub extra_units_per_month: i64,
    /// Shortest lead time among those that can increase (months, one decimal).
    pub shortest_lead_time_months: Option<String>,
    /// Months of stock of each maker that gave them.
    pub stock_months_by_maker: Vec<MakerStockItem>,
    /// The fewest months of stock among them.
    pub stock_months_min: Option<String>,
    /// Their median (between two middle values, their mean, e.g. `1.75`).
    pub stock_months_median: Option<String>,
    /// Associations that relayed the request to their members.
    pub associations_relayed: usize,
    /// Wholesalers that reported their stock.
    pub wholesalers_reported: usize,
    /// Their packages in stock, combined.
    pub wholesaler_stock_units: i64,
    /// Their packages shipped in the last month, combined.
    pub wholesaler_shipped_last_month: i64,
    /// Wholesalers that limit orders.
    pub wholesalers_limiting: usize,
}

/// A case's requests with their answers, side by side.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRequests {
    /// Oldest first.
    pub items: Vec<RequestItem>,
    /// Totals.
    pub totals: TotalsBody,
}

/// Requests to send on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    /// `information` (no consent needed) or `cooperation` (on a device case it needs the
    /// reporting maker's consent; on a drug case, flow D, it does not).
    pub kind: String,
    /// Substitute makers to ask; omitted or empty: every maker of a substitute.
    #[serde(default)]
    pub organization_ids: Vec<i32>,
    /// Associations to ask (cooperation only).
    #[serde(default)]
    pub association_ids: Vec<i32>,
    /// Wholesalers to ask besides the makers (stock and shipments, or cooperation in
    /// distributing the product).
    #[serde(default)]
    pub wholesaler_ids: Vec<i32>,
    /// A message to the recipients.
    pub message: Option<String>,
}

/// Why production cannot increase: one code, or several at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ReasonsBody {
    /// One code (`raw_materials`, `staff`, `equipment`, `other`); several may be joined by `,`.
    One(String),
    /// Several codes.
    Many(Vec<String>),
}

/// An answer; numbers may be given as numbers or text. A maker gives its stock and capacity; a
/// wholesaler only `stock_units`, `shipped_last_month`, `stock_outlook_months`,
/// `shipment_limited` and `remarks`; an association only `relayed_to_members`, `members_reached`
/// and `note`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// Months of stock (one decimal).
    #[schema(value_type = Option<f64>)]
    pub stock_months: Option<serde_json::Value>,
    /// Production change (%).
    #[schema(value_type = Option<i32>)]
    pub production_change_percent: Option<serde_json::Value>,
    /// Whether production can increase.
    #[schema(value_type = bool)]
    pub can_increase: Option<serde_json::Value>,
    /// By how much (%), required when it can.
    #[schema(value_type = Option<i32>)]
    pub increase_percent: Option<serde_json::Value>,
    /// Lead time in months with at most one decimal (`1.5`), required when it can.
    #[schema(value_type = Option<f64>)]
    pub lead_time_months: Option<serde_json::Value>,
    /// Extra packages per month.
    #[schema(value_type = Option<i64>)]
    pub extra_units_per_month: Option<serde_json::Value>,
    /// Why not: one or more of `raw_materials`, `staff`, `equipment`, `other` (a string or an
    /// array), required when it cannot.
    pub not_possible_reason: Option<ReasonsBody>,
    /// Detail (required with `other`).
    pub reason_text: Option<String>,
    /// An association: whether it relayed the request to its members.
    #[schema(value_type = Option<bool>)]
    pub relayed_to_members: Option<serde_json::Value>,
    /// An association: members reached (required when relayed).
    #[schema(value_type = Option<i32>)]
    pub members_reached: Option<serde_json::Value>,
    /// An association: free text (required when not relayed).
    pub note: Option<String>,
    /// A wholesaler: packages in stock (a non-negative integer).
    #[schema(value_type = Option<i64>)]
    pub stock_units: Option<serde_json::Value>,
    /// A wholesaler: packages shipped in the last month (a non-negative integer).
    #[schema(value_type = Option<i64>)]
    pub shipped_last_month: Option<serde_json::Value>,
    /// A wholesaler: months its stock is expected to last (one decimal, optional).
    #[schema(value_type = Option<f64>)]
    pub stock_outlook_months: Option<serde_json::Value>,
    /// A wholesaler: whether it limits orders (出荷調整).
    #[schema(value_type = Option<bool>)]
    pub shipment_limited: Option<serde_json::Value>,
    /// A wholesaler: remarks (required when it limits orders: how).
    pub remarks: Option<String>,
}

fn text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

impl AnswerBody {
    fn input(&self) -> TypedAnswer {
        let maker = AnswerInput {
            stock_months: text(self.stock_months.as_ref()),
            production_change_percent: text(self.production_change_percent.as_ref()),
            can_increase: text(self.can_increase.as_ref()),
            increase_percent: text(self.increase_percent.as_ref()),
            lead_time_months: text(self.lead_time_months.as_ref()),
            extra_units_per_month: text(self.extra_units_per_month.as_ref()),
            not_possible_reasons: match &self.not_possible_reason {
                None => Vec::new(),
                Some(ReasonsBody::One(one)) => vec![one.clone()],
                Some(ReasonsBody::Many(many)) => many.clone(),
            },
            reason_text: self.reason_text.clone().unwrap_or_default(),
        };
        let association = RelayInput {
            relayed_to_members: text(self.relayed_to_members.as_ref()),
            members_reached: text(self.members_reached.as_ref()),
            note: self.note.clone().unwrap_or_default(),
        };
        let wholesaler = StockInput {
            stock_units: text(self.stock_units.as_ref()),
            shipped_last_month: text(self.shipped_last_month.as_ref()),
            stock_outlook_months: text(self.stock_outlook_months.as_ref()),
            shipment_limited: text(self.shipment_limited.as_ref()),
            remarks: self.remarks.clone().unwrap_or_default(),
        };
        TypedAnswer {
            maker,
            association,
            wholesaler,
        }
    }
}

/// The requests sent to the caller's organisation (the ministry: all).
#[utoipa::path(tag = "substitutes", responses((status = 200, description = "Requests", body = RequestList)))]
#[get("/substitute-requests")]
pub async fn list_substitute_requests(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
) -> Result<web::Json<RequestList>, AppError> {
    let items = answers::list_for(&state.db, &user).await?;
    Ok(web::Json(RequestList {
        items: items.into_iter().map(request_item).collect(),
    }))
}

/// One request.
#[utoipa::path(tag = "substitutes", params(("id" = i32, Path, description = "Request id")), responses(
    (status = 200, description = "The request", body = RequestItem),
    (status = 404, description = "No such request for the caller", content_type = "application/problem+json")))]
#[get("/substitute-requests/{id}")]
pub async fn show_substitute_request(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<RequestItem>, AppError> {
    let request = answers::show(&state.db, &user, *id).await?;
    Ok(web::Json(request_item(request)))
}

/// Answers a request: stock, production and capacity, or why production cannot increase (a
/// wholesaler: stock, last month's shipments, orders limited; an association: relayed to its
/// members, how many, free text).
#[utoipa::path(tag = "substitutes", params(("id" = i32, Path, description = "Request id")), request_body = AnswerBody, responses(
    (status = 201, description = "Stored; the request with its latest answer", body = RequestItem),
    (status = 403, description = "Not the asked organisation", content_type = "application/problem+json"),
    (status = 422, description = "Invalid answer", content_type = "application/problem+json")))]
#[post("/substitute-requests/{id}/responses")]
pub async fn create_substitute_response(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Json<AnswerBody>,
) -> Result<HttpResponse, AppError> {
    let request = answers::answer(
        &state.db,
        &user,
        *id,
        &body.input(),
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(request_item(request)))
}

/// A case's requests and answers side by side with totals (ministry).
#[utoipa::path(tag = "substitutes", params(("id" = i32, Path, description = "Case id")), responses(
    (status = 200, description = "Requests and totals", body = CaseRequests),
    (status = 403, description = "Not the ministry", content_type = "application/problem+json")))]
#[get("/cases/{id}/requests")]
pub async fn list_case_requests(
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<CaseRequests>, AppError> {
    let answers = answers::for_case(&state.db, &user, *id).await?;
    Ok(web::Json(CaseRequests {
        totals: totals_body(&answers.totals),
        items: answers.requests.into_iter().map(request_item).collect(),
    }))
}

/// Sends information or cooperation requests on a case (ministry); mails go through the outbox.
#[utoipa::path(tag = "substitutes", params(("id" = i32, Path, description = "Case id")), request_body = NewRequestBody, responses(
    (status = 201, description = "The requests sent", body = RequestList),
    (status = 403, description = "Not the ministry", content_type = "application/problem+json"),
    (status = 409, description = "Cooperation request before the reporting maker's consent", content_type = "application/problem+json"),
    (status = 422, description = "Unknown kind or recipients", content_type = "application/problem+json")))]
#[post("/cases/{id}/requests")]
pub async fn create_case_requests(
    req: HttpRequest,
    ApiUser(user): ApiUser,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Json<NewRequestBody>,
) -> Result<HttpResponse, AppError> {
    let kind = RequestKind::from_code(&body.kind)
        .filter(|k| *k != RequestKind::HeadsUp)
        .ok_or_else(|| {
            ServiceError::invalid(FieldProblem::new(
                "kind",
                "code",
                "kind は information または cooperation を指定してください",
            ))
        })?;
    let body = body.into_inner();
    let new = NewRequests {
        kind,
        organization_ids: body.organization_ids,
        association_ids: body.association_ids,
        wholesaler_ids: body.wholesaler_ids,
        message: body.message,
    };
    let sent = requests::create(
        &state.db,
        &user,
        *id,
        new,
        &actor(&req, &user),
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(RequestList {
        items: sent.into_iter().map(request_item).collect(),
    }))
}

fn totals_body(t: &Totals) -> TotalsBody {
    TotalsBody {
        asked: t.asked,
        answered: t.answered,
        can_increase: t.can_increase,
        extra_units_per_month: t.extra_units_per_month,
        shortest_lead_time_months: t.shortest_lead_time(),
        stock_months_by_maker: t
            .stock_by_maker
            .iter()
            .map(|m| MakerStockItem {
                organization_id: m.organization_id,
                organization_name: m.organization_name.clone(),
                stock_months: m.months(),
            })
            .collect(),
        stock_months_min: t.stock_months_min(),
        stock_months_median: t.stock_months_median(),
        associations_relayed: t.associations_relayed,
        wholesalers_reported: t.wholesalers_reported,
        wholesaler_stock_units: t.wholesaler_stock_units,
        wholesaler_shipped_last_month: t.wholesaler_shipped_last_month,
        wholesalers_limiting: t.wholesalers_limiting,
    }
}

pub(super) fn request_item(r: RequestView) -> RequestItem {
    RequestItem {
        id: r.id,
        kind: r.kind.code().to_owned(),
        case_id: r.case_id,
        product: ProductItem {
            code: r.product.code,
            name: r.product.name,
        },
        organization_id: r.organization_id,
        organization_name: r.organization_name,
        organization_kind: r.recipient_kind.code().to_owned(),
        substitutes: r
            .substitutes
            .into_iter()
            .map(|p| ProductItem {
                code: p.code,
                name: p.name,
            })
            .collect(),
        message: r.message,
        created_at: r.created_at.to_rfc3339(),
        response: r.latest.map(|a| ResponseItem {
            stock_months: a.stock_months,
            production_change_percent: a.production_change_percent,
            can_increase: a.can_increase,
            increase_percent: a.increase_percent,
            lead_time_months: a.lead_time_months,
            extra_units_per_month: a.extra_units_per_month,
            not_possible_reason: Some(a.not_possible_reasons.join(","))
                .filter(|joined| !joined.is_empty()),
            not_possible_reasons: a.not_possible_reasons,
            reason_text: a.reason_text,
            relay: a.relay.map(|r| RelayItem {
                relayed_to_members: r.relayed_to_members,
                members_reached: r.members_reached,
                note: r.note,
            }),
            stock: a.stock.map(|w| StockItem {
                stock_units: w.stock_units,
                shipped_last_month: w.shipped_last_month,
                stock_outlook_months: w.outlook_months,
                shipment_limited: w.shipment_limited,
                remarks: w.remarks,
            }),
            submitted_at: a.submitted_at.to_rfc3339(),
        }),
    }
}

//! Table `outbox_messages`: every mail, written in the transaction of the event that causes it
//! and delivered by the dispatcher job (`pending` → `sent`, or `failed` after the last retry).

use sea_orm::entity::prelude::*;

use crate::domain::mail_kind::MailKind;
use crate::domain::outbox_status::OutboxStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// One per (event, recipient): a second insert of the same key is ignored.
    #[sea_orm(unique)]
    pub idempotency_key: String,
    /// `heads_up`, `information_request`, `cooperation_request`, `notice`, …
    pub kind: MailKind,
    pub organization_id: Option<i32>,
    pub recipient_name: String,
    pub recipient_email: String,
    pub subject: String,
    /// The mail's content as JSON (`mail::MailContent`), rendered when it is sent.
    pub payload: String,
    /// `pending`, `held` (waits for the daily digest), `sending`, `sent`, `failed`, `digested`.
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTimeUtc,
    /// The dispatcher run that claimed the row while sending it.
    pub claim_token: Option<String>,
    pub claimed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The seams for what other work fills: substitute makers' answers (substitute requests) and
//! allocation plans and caps. Their tables are not part of this branch; until they are, every
//! section here is `None`, and pages and the API say so instead of showing a made-up zero.

use sea_orm::ConnectionTrait;

use super::slice::Filter;
use crate::services::ServiceError;
use crate::services::accounts::UserContext;

/// A number with its link, as a tile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeamTile {
    /// Japanese label.
    pub label: String,
    /// How many.
    pub value: u64,
    /// The list behind the number.
    pub href: String,
}

/// One line of a to-do list on a home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeamItem {
    /// What it is about (e.g. a product's name).
    pub title: String,
    /// What is asked and by when.
    pub detail: String,
    /// Where to act on it.
    pub href: String,
}

/// The dashboard's follow-up sections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Followups {
    /// Substitute makers' answers the ministry has not read yet (from substitute requests).
    pub substitute_answers_awaiting: Option<SeamTile>,
    /// Allocation plans whose target month is current (from allocation plans).
    pub allocation_plans_in_force: Option<SeamTile>,
}

/// A maker's to-dos that rest on substitute requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MakerFollowups {
    /// Requests sent to the maker as a substitute maker, awaiting its answer.
    pub requests_awaiting_answer: Option<Vec<SeamItem>>,
}

/// A wholesaler's to-dos that rest on allocation plans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WholesalerFollowups {
    /// Allocation plans that cover products the wholesaler sells.
    pub plans_affecting_it: Option<Vec<SeamItem>>,
    /// Caps computed for it, to download.
    pub caps_to_download: Option<Vec<SeamItem>>,
    /// Customers without history asking for a share of the reserve.
    pub reserve_requests: Option<Vec<SeamItem>>,
}

/// The dashboard's follow-ups for `filter` (seam: filled once substitute requests and allocation plans exist).
#[expect(
    clippy::unused_async,
    reason = "a seam: it will query the tables of that work"
)]
pub(super) async fn dashboard(
    _db: &impl ConnectionTrait,
    _filter: &Filter,
) -> Result<Followups, ServiceError> {
    Ok(Followups::default())
}

/// A maker's follow-ups (seam: substitute requests).
#[expect(
    clippy::unused_async,
    reason = "a seam: it will query the tables of that work"
)]
pub(super) async fn maker(
    _db: &impl ConnectionTrait,
    _user: &UserContext,
) -> Result<MakerFollowups, ServiceError> {
    Ok(MakerFollowups::default())
}

/// A wholesaler's follow-ups (seam: allocation plans, caps and reserve requests).
#[expect(
    clippy::unused_async,
    reason = "a seam: it will query the tables of that work"
)]
pub(super) async fn wholesaler(
    _db: &impl ConnectionTrait,
    _user: &UserContext,
) -> Result<WholesalerFollowups, ServiceError> {
    Ok(WholesalerFollowups::default())
}

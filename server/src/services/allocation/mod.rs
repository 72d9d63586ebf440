//! Allocation caps for wholesalers (上限量の目安, DESIGN §6): makers' shipment totals and
//! wholesalers' purchase history come in as whole files; the ministry's plans are computed into
//! immutable versions; wholesalers read and download their own customers' caps and grant
//! reserve to customers without history.

pub(crate) mod bulk;
pub mod caps;
mod computation;
mod cores;
pub mod customer_codes;
pub mod export;
pub mod listing;
mod overlap;
mod plan_check;
pub mod plan_view;
pub mod plans;
pub mod purchases;
pub mod reserve;
pub mod shipments;
pub mod uploads;
pub mod values;

pub use caps::{CapRow, CapSource};
pub use customer_codes::CustomerCodes;
pub use plan_check::NewPlan;
pub use plan_view::{PlanView, Scope};
pub use uploads::UploadOutcome;

//! Use cases shared by the HTTP layer, the CLI, jobs and the demo loader. Transactions live here.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod demo;
pub mod devices;
pub mod encoding;
pub mod national_seed;
pub mod price_list;
pub mod products;
pub mod publication;
pub mod receipts;
pub mod supply_status;

// Dashboards, charts, role homes and the weekly summary (issue 7).
pub mod dashboard;

mod error;

pub use error::{DbContext, FieldProblem, ServiceError};

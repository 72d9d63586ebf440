//! Use cases shared by the HTTP layer, the CLI, jobs and the loaders of `seeding`. Transactions live here.

pub mod accounts;
pub mod alerts;
pub mod allocation;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cases;
pub mod contacts;
pub mod devices;
pub mod feeds;
pub mod health;
pub mod job_runs;
pub mod outbox;
pub mod price_list;
pub mod products;
pub mod publication;
pub mod receipts;
pub mod reminders;
pub mod subscriptions;
pub mod substitutes;
pub mod supply_list;
pub mod supply_status;
pub mod table_file;

// Dashboards, charts, role homes and the weekly summary (issue 7).
pub mod dashboard;
pub mod early_warning;

mod error;

pub use error::{DbContext, FieldProblem, ServiceError};

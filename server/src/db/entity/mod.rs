//! sea-orm entities, one module per table (singular module, plural table).

pub mod api_token;
pub mod audit_log;
pub mod backup_manifest;
pub mod case;
pub mod case_report;
pub mod case_supporter;
pub mod case_transition;
pub mod contact;
pub mod device_substitute;
pub mod invitation;
pub mod login_challenge;
pub mod login_throttle;
pub mod organization;
pub mod password_history;
pub mod price_list_import;
pub mod product;
pub mod product_revision;
pub mod product_status;
pub mod publication;
pub mod publication_row;
pub mod receipt_counter;
pub mod recovery_code;
pub mod session;
pub mod status_trend;
pub mod supply_status_report;
pub mod user;
// Allocation caps (DESIGN §6).
pub mod allocation_computation;
pub mod allocation_plan;
pub mod allocation_plan_product;
pub mod allocation_result;
pub mod customer;
pub mod data_upload;
pub mod reserve_request;
pub mod shipment;
// Mail and the substitute makers' side.
pub mod outbox_message;
pub mod substitute_request;
pub mod substitute_response;
// Early warning.
pub mod dispensing_count;
pub mod early_warning;
pub mod forecast_item;
pub mod forecast_run;
pub mod forecast_subscription;
// The public side: following a drug by e-mail.
pub mod public_subscription;
pub mod subscription_throttle;

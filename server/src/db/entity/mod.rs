//! sea-orm entities, one module per table (singular module, plural table).

pub mod api_token;
pub mod audit_log;
pub mod contact;
pub mod device_substitute;
pub mod organization;
pub mod price_list_import;
pub mod product;
pub mod product_revision;
pub mod session;
pub mod user;

//! Pure rules of the domain: codes, roles, password policy. No I/O, no framework imports.

pub mod alerts;
pub mod allocation;
pub mod association_answer;
pub mod audit_action;
pub mod case_flow;
pub mod coded;
pub mod contact;
pub mod corporate_number;
pub mod dates;
pub mod device_codes;
pub mod device_report;
pub mod email;
pub mod forecast;
pub mod gtin;
pub mod holidays;
pub mod organization;
pub mod paging;
pub mod password;
pub mod product;
pub mod report_display;
pub mod substitute_answer;
pub mod substitute_request;
pub mod supply_risk;
pub mod supply_status;
pub mod uploads;
pub mod validation;
pub mod yj_code;

pub use corporate_number::CorporateNumber;
pub use device_codes::{ApprovalNumber, JmdnCode};
pub use email::EmailAddress;
pub use gtin::Gtin;
pub use organization::{OrganizationKind, Role};
pub use paging::Paging;
pub use product::{DrugCategory, ProductClass, ProductCode, ProductKind};
pub use validation::FieldError;
pub use yj_code::YjCode;

//! Stored codes are read into their domain types where they leave the database: every coded
//! column's type is stored as its code (text), and a stored text that is not exactly one of the
//! type's codes fails the read — `DbErr::Type` naming the type, the column and the value — instead
//! of turning into a silent `None` or a default somewhere later.

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryFromU64, TryGetError, TryGetable, Value};

use crate::domain::case_flow::{CaseState, Decision, EventName, Flow, Impact, Party, ReportKind};
use crate::domain::coded::Coded;
use crate::domain::contact::Delivery;
use crate::domain::device_report::DeviceEventType;
use crate::domain::forecast::{CapacitySource, Trigger};
use crate::domain::mail_kind::MailKind;
use crate::domain::outbox_status::OutboxStatus;
use crate::domain::substitute_answer::NotPossibleReason;
use crate::domain::substitute_request::RequestKind;
use crate::domain::supply_status::{
    ImprovementTiming, Reason, ResolutionOutlook, ShippingStatus, VolumeStatus,
};
use crate::domain::uploads::{ShipmentKind, UploadKind};
use crate::domain::{DrugCategory, OrganizationKind, ProductClass, ProductKind, Role};

/// The value of exactly `text` (no blanks around it), or why it is none.
pub fn read_code<T: Coded>(text: &str, column: &dyn std::fmt::Debug) -> Result<T, DbErr> {
    T::from_code(text)
        .filter(|value| value.code() == text)
        .ok_or_else(|| {
            DbErr::Type(format!(
                "Stored {} in column {column:?} is not one of its codes: {text:?}",
                T::TYPE_NAME
            ))
        })
}

/// sea-orm's value traits for coded types: stored as text, read back only from one of their codes.
macro_rules! stored_as_code {
    ($($t:ty),+ $(,)?) => {$(
        impl From<$t> for Value {
            fn from(value: $t) -> Self {
                Value::String(Some(Box::new(value.code().to_owned())))
            }
        }

        impl TryGetable for $t {
            fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
                let text = String::try_get_by(res, index)?;
                read_code(&text, &index).map_err(TryGetError::DbErr)
            }
        }

        impl ValueType for $t {
            fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
                let text = <String as ValueType>::try_from(value)?;
                read_code(&text, &"?").map_err(|_| ValueTypeErr)
            }

            fn type_name() -> String {
                <$t as Coded>::TYPE_NAME.to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $t {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl TryFromU64 for $t {
            fn try_from_u64(_: u64) -> Result<Self, DbErr> {
                Err(DbErr::ConvertFromU64(<$t as Coded>::TYPE_NAME))
            }
        }
    )+};
}

stored_as_code!(
    Role,
    OrganizationKind,
    ProductKind,
    ProductClass,
    DrugCategory,
    Flow,
    CaseState,
    Impact,
    Decision,
    ReportKind,
    Party,
    EventName,
    DeviceEventType,
    Delivery,
    ShipmentKind,
    UploadKind,
    RequestKind,
    NotPossibleReason,
    Trigger,
    CapacitySource,
    ShippingStatus,
    Reason,
    ResolutionOutlook,
    VolumeStatus,
    ImprovementTiming,
    OutboxStatus,
    MailKind,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exactly_a_code_reads_back() {
        assert_eq!(read_code::<Role>("admin", &"role"), Ok(Role::Admin));
        for bad in ["pharmacist", " admin", "Admin", ""] {
            let error = read_code::<Role>(bad, &"role").expect_err(bad);
            assert!(
                error.to_string().contains("Stored Role in column \"role\""),
                "{error}"
            );
        }
    }
}

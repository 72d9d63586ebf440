//! Values kept as text in a form of their own — a JSON object, a list of codes — (the column
//! stays text on both databases) and read back into their domain types where they leave the
//! database: text not in that form fails the read — `DbErr::Type` naming the type and the column
//! — instead of becoming an empty value later.

use std::collections::BTreeMap;

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryFromU64, TryGetError, TryGetable, Value};

use crate::domain::report_fields::ReportFields;
use crate::domain::substitute_answer::NotPossibleReasons;

/// A filed report's fields from their stored JSON object of texts, or why they are none.
pub fn read_report_fields(text: &str, column: &dyn std::fmt::Debug) -> Result<ReportFields, DbErr> {
    serde_json::from_str::<BTreeMap<String, String>>(text)
        .map(ReportFields)
        .map_err(|e| {
            DbErr::Type(format!(
                "Stored ReportFields in column {column:?} is not a JSON object of texts: {e}"
            ))
        })
}

fn write_report_fields(fields: &ReportFields) -> String {
    // A map of texts always serialises; the fallback is never taken.
    serde_json::to_string(&fields.0).unwrap_or_else(|_| "{}".to_owned())
}

/// Reasons from their stored codes joined by `,`, or why they are none.
pub fn read_reasons(text: &str, column: &dyn std::fmt::Debug) -> Result<NotPossibleReasons, DbErr> {
    NotPossibleReasons::from_code(text).ok_or_else(|| {
        DbErr::Type(format!(
            "Stored NotPossibleReasons in column {column:?} is not a list of its codes: {text:?}"
        ))
    })
}

/// sea-orm's value traits for a type kept as text: `$write` gives the text, `$read` reads it
/// back or fails.
macro_rules! stored_as_text {
    ($t:ty, $name:literal, $column_type:expr, $write:expr, $read:expr) => {
        impl From<$t> for Value {
            fn from(value: $t) -> Self {
                Value::String(Some(Box::new($write(&value))))
            }
        }

        impl TryGetable for $t {
            fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
                let text = String::try_get_by(res, index)?;
                $read(&text, &index).map_err(TryGetError::DbErr)
            }
        }

        impl ValueType for $t {
            fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
                let text = <String as ValueType>::try_from(value)?;
                $read(&text, &"?").map_err(|_| ValueTypeErr)
            }

            fn type_name() -> String {
                $name.to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                $column_type
            }
        }

        impl Nullable for $t {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl TryFromU64 for $t {
            fn try_from_u64(_: u64) -> Result<Self, DbErr> {
                Err(DbErr::ConvertFromU64($name))
            }
        }
    };
}

stored_as_text!(
    ReportFields,
    "ReportFields",
    ColumnType::Text,
    write_report_fields,
    read_report_fields
);
stored_as_text!(
    NotPossibleReasons,
    "NotPossibleReasons",
    ColumnType::String(sea_orm::sea_query::StringLen::None),
    NotPossibleReasons::code,
    read_reasons
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::substitute_answer::NotPossibleReason;

    #[test]
    fn report_fields_read_back_only_from_a_json_object_of_texts() {
        let fields = read_report_fields(r#"{"cause":"2","market_share":"30"}"#, &"fields");
        assert_eq!(
            fields.map(|f| f.get("cause").map(str::to_owned)),
            Ok(Some("2".to_owned()))
        );
        for bad in ["", "{", "[]", r#"{"cause":2}"#, "null"] {
            let error = read_report_fields(bad, &"fields").expect_err(bad);
            assert!(
                error
                    .to_string()
                    .contains("Stored ReportFields in column \"fields\""),
                "{error}"
            );
        }
    }

    #[test]
    fn values_are_stored_as_their_text() {
        let fields = ReportFields([("cause".to_owned(), "2".to_owned())].into());
        assert_eq!(
            Value::from(fields),
            Value::String(Some(Box::new(r#"{"cause":"2"}"#.to_owned())))
        );
        let reasons = NotPossibleReasons(vec![
            NotPossibleReason::RawMaterials,
            NotPossibleReason::Staff,
        ]);
        assert_eq!(
            Value::from(reasons),
            Value::String(Some(Box::new("raw_materials,staff".to_owned())))
        );
    }

    #[test]
    fn reasons_read_back_only_from_their_codes() {
        assert_eq!(
            read_reasons("other", &"not_possible_reason"),
            Ok(NotPossibleReasons(vec![NotPossibleReason::Other]))
        );
        let error = read_reasons("staff,weather", &"not_possible_reason")
            .expect_err("weather is no reason");
        assert!(error.to_string().contains("weather"), "{error}");
    }
}

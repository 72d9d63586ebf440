//! Values stored as JSON text (the column stays text on both databases), read back into their
//! domain types where they leave the database: text that is not the expected JSON fails the read
//! — `DbErr::Type` naming the type and the column — instead of becoming an empty value later.

use std::collections::BTreeMap;

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryFromU64, TryGetError, TryGetable, Value};

use crate::domain::report_fields::ReportFields;

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

impl From<ReportFields> for Value {
    fn from(fields: ReportFields) -> Self {
        // A map of strings always serialises; the fallback is never taken.
        let text = serde_json::to_string(&fields.0).unwrap_or_else(|_| "{}".to_owned());
        Value::String(Some(Box::new(text)))
    }
}

impl TryGetable for ReportFields {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        read_report_fields(&text, &index).map_err(TryGetError::DbErr)
    }
}

impl ValueType for ReportFields {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        let text = <String as ValueType>::try_from(value)?;
        read_report_fields(&text, &"?").map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        "ReportFields".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::Text
    }
}

impl Nullable for ReportFields {
    fn null() -> Value {
        Value::String(None)
    }
}

impl TryFromU64 for ReportFields {
    fn try_from_u64(_: u64) -> Result<Self, DbErr> {
        Err(DbErr::ConvertFromU64("ReportFields"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn report_fields_are_stored_as_their_json_object() {
        let fields = ReportFields([("cause".to_owned(), "2".to_owned())].into());
        assert_eq!(
            Value::from(fields),
            Value::String(Some(Box::new(r#"{"cause":"2"}"#.to_owned())))
        );
    }
}

//! A filed report's fields as kept: each field's text by its name, blank fields absent.

use std::collections::BTreeMap;

/// A filed report's fields, name → text, as they were checked when it was filed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFields(pub BTreeMap<String, String>);

impl ReportFields {
    /// The text of field `name`, if filed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

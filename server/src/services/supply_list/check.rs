//! Checking every row of the ministry's list before anything is stored: the code (any code is
//! kept — X00000… gases and blood bags are 未収載 products, never "corrected"), duplicates, the
//! master columns ⑨⑩⑪, the status ⑫–⑲ by the same rules as a maker's report, and the dates ⑬⑳.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::read::{ListColumn, ListFile, ListRow};
use crate::domain::supply_status::ministry::key;
use crate::domain::supply_status::{SupplyStatus, validate};
use crate::domain::{DrugCategory, ProductClass};
use crate::services::FieldProblem;

/// ⑪ for a drug not in the price list.
pub const NOT_LISTED: &str = "薬価基準未収載";

/// One checked drug of the list.
#[derive(Debug, Clone)]
pub struct ListEntry {
    /// Row in the file.
    pub row: usize,
    /// ⑤ as given (NFKC, no spaces).
    pub code: String,
    /// ① as written.
    pub category_text: String,
    /// ① as our category, when it names one.
    pub category: Option<DrugCategory>,
    /// ② as written.
    pub therapeutic_class: String,
    /// ③.
    pub ingredient: String,
    /// ④.
    pub specification: String,
    /// ⑥.
    pub name: String,
    /// ⑦.
    pub maker_name: String,
    /// ⑧ as written.
    pub class_text: String,
    /// ⑧ as our class.
    pub product_class: Option<ProductClass>,
    /// ⑨ 基礎的医薬品.
    pub basic_drug: bool,
    /// ⑩ A / B / C.
    pub stable_supply: Option<String>,
    /// ⑪, none for 薬価基準未収載.
    pub listed_on: Option<NaiveDate>,
    /// ⑫, ⑭–⑲.
    pub status: SupplyStatus,
    /// ⑬.
    pub shipping_changed_on: Option<NaiveDate>,
    /// ⑳.
    pub other_changed_on: Option<NaiveDate>,
}

/// Checks every row; all problems at once, each naming its row and column.
pub fn check(file: &ListFile) -> Result<Vec<ListEntry>, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(file.rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &file.rows {
        let before = problems.len();
        let mut problem = |column: ListColumn, code: &str, message: String| {
            let mut p = FieldProblem::new(column.field(), code, message).at_row(row.row);
            p.column = file.heading(column).map(str::to_owned);
            problems.push(p);
        };
        let code = key(&row.master[4]);
        if code.is_empty() {
            problem(
                ListColumn::Master(5),
                "required",
                "⑤YJコードが空欄です".into(),
            );
        } else if let Some(first) = seen.insert(code.clone(), row.row) {
            problem(
                ListColumn::Master(5),
                "duplicate",
                format!("⑤YJコード {code} が同じファイルに2回あります（{first}行目）"),
            );
        }
        let (basic, stable, listed_on) = check_master(row, &mut problem);
        let mut date = |text: &str, column: ListColumn, label: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            parse_date(text).or_else(|| {
                problem(
                    column,
                    "date",
                    format!("{label}「{text}」は日付（YYYY-MM-DD）で入力してください"),
                );
                None
            })
        };
        let shipping_changed_on = date(
            &row.shipping_changed_on,
            ListColumn::ShippingChangedOn,
            "⑬更新日",
        );
        let other_changed_on = date(&row.other_changed_on, ListColumn::OtherChangedOn, "⑳更新日");
        let status = match validate(&row.status) {
            Ok(status) => Some(status),
            Err(errors) => {
                for (field, error) in errors {
                    let column = column_of(field);
                    let mut p = FieldProblem::from_field_error(field, &error).at_row(row.row);
                    p.column = column.and_then(|c| file.heading(c)).map(str::to_owned);
                    problems.push(p);
                }
                None
            }
        };
        if let (Some(status), true) = (status, problems.len() == before) {
            entries.push(entry(
                row,
                code,
                basic,
                stable,
                listed_on,
                status,
                shipping_changed_on,
                other_changed_on,
            ));
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// ⑥⑦ present, ⑨ 基礎的医薬品, ⑩ A/B/C, ⑪ a date or 薬価基準未収載.
fn check_master(
    row: &ListRow,
    problem: &mut dyn FnMut(ListColumn, &str, String),
) -> (bool, Option<String>, Option<NaiveDate>) {
    for (n, label) in [(6, "⑥品名"), (7, "⑦製造販売業者名")] {
        if row.master[n - 1].trim().is_empty() {
            problem(
                ListColumn::Master(n),
                "required",
                format!("{label}が空欄です"),
            );
        }
    }
    let basic = match key(&row.master[8]).as_str() {
        "" | "2" | "2:対象外" | "対象外" => false,
        "1" | "1:対象" | "対象" | "○" => true,
        other => {
            problem(
                ListColumn::Master(9),
                "code",
                format!("⑨基礎的医薬品「{other}」は使えません（1：対象・2：対象外）"),
            );
            false
        }
    };
    let stable = match key(&row.master[9]).to_ascii_uppercase().as_str() {
        "" => None,
        s @ ("A" | "B" | "C") => Some(s.to_owned()),
        other => {
            problem(
                ListColumn::Master(10),
                "code",
                format!("⑩（重要）供給確保医薬品「{other}」は使えません（A・B・C または空欄）"),
            );
            None
        }
    };
    let listed = row.master[10].trim();
    let listed_on = if listed.is_empty() || key(listed) == NOT_LISTED {
        None
    } else {
        parse_date(listed).or_else(|| {
            problem(
                ListColumn::Master(11),
                "date",
                format!("⑪薬価収載年月日「{listed}」は日付（YYYY-MM-DD）か「{NOT_LISTED}」で入力してください"),
            );
            None
        })
    };
    (basic, stable, listed_on)
}

#[expect(clippy::too_many_arguments, reason = "the checked parts of one row")]
fn entry(
    row: &ListRow,
    code: String,
    basic_drug: bool,
    stable_supply: Option<String>,
    listed_on: Option<NaiveDate>,
    status: SupplyStatus,
    shipping_changed_on: Option<NaiveDate>,
    other_changed_on: Option<NaiveDate>,
) -> ListEntry {
    let text = |i: usize| row.master[i].trim().to_owned();
    let category_key = key(&row.master[0]);
    let class_key = key(&row.master[7]);
    ListEntry {
        row: row.row,
        code,
        category: DrugCategory::ALL
            .iter()
            .copied()
            .find(|c| category_key.ends_with(c.label_ja())),
        category_text: text(0),
        therapeutic_class: text(1),
        ingredient: text(2),
        specification: text(3),
        name: text(5),
        maker_name: text(6),
        product_class: product_class(&class_key),
        class_text: text(7),
        basic_drug,
        stable_supply,
        listed_on,
        status,
        shipping_changed_on,
        other_changed_on,
    }
}

/// ⑧ in our four classes: 準先発品, その他医薬品 and 未収載医薬品 are その他.
fn product_class(class_key: &str) -> Option<ProductClass> {
    if class_key.is_empty() {
        None
    } else if class_key.ends_with("長期収載品") {
        Some(ProductClass::LongListed)
    } else if class_key.ends_with("後発品") {
        Some(ProductClass::Generic)
    } else if class_key.ends_with("準先発品") {
        Some(ProductClass::Other)
    } else if class_key.ends_with("先発品") {
        Some(ProductClass::Originator)
    } else {
        Some(ProductClass::Other)
    }
}

/// The API field's column in the list.
fn column_of(field: &str) -> Option<ListColumn> {
    Some(match field {
        "shipping_status" => ListColumn::Shipping,
        "reason" => ListColumn::Reason,
        "resolution_outlook" => ListColumn::Outlook,
        "resolution_month" | "resolution_note" => ListColumn::Note,
        "volume_status" => ListColumn::Volume,
        "improvement_timing" => ListColumn::Timing,
        "improvement_percent" => ListColumn::Percent,
        _ => return None,
    })
}

/// `2026-08-18`, `2026/8/18`, `2026-08-18 00:00:00` (full-width digits too).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = key(text).replace('/', "-");
    let day = text.split(['T', ' ']).next().unwrap_or_default();
    let day = day.strip_suffix("00:00:00").unwrap_or(day);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_people_write() {
        let day = NaiveDate::from_ymd_opt(2026, 8, 18);
        assert_eq!(parse_date("2026-08-18"), day);
        assert_eq!(parse_date("2026/8/18"), day);
        assert_eq!(parse_date("２０２６/０８/１８"), day);
        assert_eq!(parse_date("2026-08-18T00:00:00"), day);
        assert_eq!(parse_date("2026-08"), None);
        assert_eq!(parse_date("令和8年"), None);
    }

    #[test]
    fn the_six_classes_of_the_list_map_onto_ours() {
        assert_eq!(product_class("1:先発品"), Some(ProductClass::Originator));
        assert_eq!(product_class("3:準先発品"), Some(ProductClass::Other));
        assert_eq!(
            product_class("4:長期収載品"),
            Some(ProductClass::LongListed)
        );
        assert_eq!(product_class("2:後発品"), Some(ProductClass::Generic));
        assert_eq!(product_class("6:未収載医薬品"), Some(ProductClass::Other));
    }
}

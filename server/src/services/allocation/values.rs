//! The cells every allocation upload shares: months, quantities, a memo of texts already read,
//! and the error list of a file (every problem up to a limit, then a count).

use std::collections::HashMap;

use crate::domain::supply_status::YearMonth;
use crate::domain::validation::normalize_width;
use crate::services::{FieldProblem, ServiceError};

/// Problems listed one by one in a refusal; beyond this only their number is given.
pub const MAX_LISTED_PROBLEMS: usize = 1000;

/// A month as stored: `YYYYMM`.
pub fn month_key(month: YearMonth) -> i32 {
    i32::from(month.year()) * 100 + i32::from(month.month())
}

/// A stored `YYYYMM` as `YYYY-MM`.
pub fn month_text(key: i32) -> String {
    format!("{:04}-{:02}", key / 100, key % 100)
}

/// The month twelve months before `key` (前年同月).
pub fn year_before(key: i32) -> i32 {
    key - 100
}

/// Reads `YYYY-MM` (also `YYYY/MM`, full-width).
pub fn parse_month(text: &str) -> Result<i32, String> {
    YearMonth::parse(text).map(month_key).map_err(|e| e.message)
}

/// Reads a quantity in sales packages: a whole number ≥ 0 (full-width digits and thousands
/// separators are accepted).
pub fn parse_quantity(text: &str) -> Result<u64, String> {
    let normalized: String = normalize_width(text)
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if normalized.is_empty() {
        return Err("数量が空です。0 以上の整数を入力してください".into());
    }
    normalized
        .parse::<u64>()
        .ok()
        .filter(|q| *q <= 1_000_000_000_000)
        .ok_or_else(|| {
            format!(
                "数量「{}」は 0 以上の整数（販売包装単位）で入力してください",
                text.trim()
            )
        })
}

/// Collects a file's problems: all up to [`MAX_LISTED_PROBLEMS`], then only a count.
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<FieldProblem>,
    total: usize,
}

impl Problems {
    /// Notes one problem at `row` in the column headed `column`.
    pub fn add(
        &mut self,
        row: usize,
        field: &str,
        column: Option<&str>,
        code: &str,
        message: String,
    ) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            let mut problem = FieldProblem::new(field, code, message).at_row(row);
            problem.column = column.map(str::to_owned);
            self.listed.push(problem);
        }
    }

    /// Whether nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The refusal: every listed problem in row order, and a last entry counting the rest.
    pub fn into_error(mut self) -> ServiceError {
        // Stable: one row's problems stay in the order of its columns.
        self.listed.sort_by_key(|p| p.row);
        if self.total > self.listed.len() {
            let rest = self.total - self.listed.len();
            self.listed.push(FieldProblem::new(
                "file",
                "more_problems",
                format!(
                    "ほかに {rest} 件の誤りがあります（全 {} 件。先頭 {MAX_LISTED_PROBLEMS} 件を表示）",
                    self.total
                ),
            ));
        }
        ServiceError::Invalid(self.listed)
    }
}

/// What a cell's text read as, remembered: a file names a few hundred products and a few months
/// millions of times. Holds at most [`Memo::LIMIT`] texts, so a file of all-different garbage
/// costs no more memory than a good one.
pub struct Memo<T>(HashMap<String, T>);

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Self(HashMap::new())
    }
}

impl<T: Clone> Memo<T> {
    /// The most texts remembered.
    pub const LIMIT: usize = 10_000;

    /// What `text` reads as, by `read` the first time.
    pub fn read(&mut self, text: &str, read: impl FnOnce(&str) -> T) -> T {
        if let Some(known) = self.0.get(text) {
            return known.clone();
        }
        let value = read(text);
        if self.0.len() < Self::LIMIT {
            self.0.insert(text.to_owned(), value.clone());
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_accept_separators_and_full_width_but_not_negatives_or_decimals() {
        assert_eq!(parse_quantity("1,234"), Ok(1234));
        assert_eq!(parse_quantity("１２"), Ok(12));
        assert_eq!(parse_quantity("0"), Ok(0));
        assert!(parse_quantity("-1").is_err());
        assert!(parse_quantity("1.5").is_err());
        assert!(parse_quantity("").is_err());
    }

    #[test]
    fn months_are_stored_as_yyyymm_and_the_baseline_is_a_year_before() {
        assert_eq!(parse_month("2025-05"), Ok(202_505));
        assert_eq!(month_text(202_505), "2025-05");
        assert_eq!(year_before(202_505), 202_405);
        assert!(parse_month("2025-13").is_err());
    }

    #[test]
    fn past_the_listing_limit_problems_are_counted_in_one_last_entry() {
        let mut problems = Problems::default();
        for row in 0..MAX_LISTED_PROBLEMS + 5 {
            problems.add(row + 2, "quantity", Some("数量"), "quantity", "x".into());
        }
        let ServiceError::Invalid(listed) = problems.into_error() else {
            panic!("a refusal")
        };
        assert_eq!(listed.len(), MAX_LISTED_PROBLEMS + 1);
        assert!(listed[MAX_LISTED_PROBLEMS].message.contains("ほかに 5 件"));
    }

    #[test]
    fn a_memo_reads_each_text_once_and_stops_remembering_at_its_limit() {
        let mut memo: Memo<usize> = Memo::default();
        let mut reads = 0;
        for text in ["a", "b", "a", "a", "b"] {
            let value = memo.read(text, |t| {
                reads += 1;
                t.len()
            });
            assert_eq!(value, 1);
        }
        assert_eq!(reads, 2);
        for n in 0..Memo::<usize>::LIMIT + 10 {
            memo.read(&n.to_string(), str::len);
        }
        assert_eq!(memo.0.len(), Memo::<usize>::LIMIT);
        let mut again = 0;
        memo.read("never-seen", |_| {
            again += 1;
            0
        });
        assert_eq!(again, 1, "a text past the limit is still read");
    }
}

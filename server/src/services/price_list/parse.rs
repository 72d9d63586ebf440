//! Reading the ministry's price-list CSV (薬価基準収載品目リスト) into checked rows, all errors at once.

use crate::domain::validation::normalize_width;
use crate::domain::{DrugCategory, ProductClass, YjCode};
use std::io::Cursor;

use crate::services::table_file::{self, Cells, TableLimits};
use crate::services::{FieldProblem, ServiceError};

/// One checked row of the price list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceListRow {
    /// Row number in the file (the header is row 1).
    pub row: usize,
    /// 薬価基準収載医薬品コード.
    pub code: YjCode,
    /// 区分.
    pub category: DrugCategory,
    /// 成分名.
    pub ingredient: String,
    /// 規格.
    pub specification: String,
    /// 日本薬局方 (局).
    pub pharmacopoeia: bool,
    /// 麻薬 (麻).
    pub narcotic: bool,
    /// 品名.
    pub name: String,
    /// メーカー名; none for 統一名収載品.
    pub maker_name: Option<String>,
    /// 製品区分 derived from the flags.
    pub product_class: ProductClass,
    /// 薬価 as printed (checked to be a decimal number).
    pub price: String,
    /// 経過措置による使用期限.
    pub transitional_until: Option<String>,
}

const CODE: &str = "薬価基準収載医薬品コード";
const REQUIRED: [&str; 7] = ["区分", CODE, "成分名", "規格", "品名", "メーカー名", "薬価"];

/// Parses the whole file under the default table limits; returns every row, or every problem
/// found (row, column, rule).
pub fn parse(bytes: &[u8]) -> Result<Vec<PriceListRow>, Vec<FieldProblem>> {
    parse_with(bytes, &TableLimits::default())
}

/// Parses the whole file (UTF-8 or Shift_JIS CSV) through the shared table reader under
/// `limits`; returns every row, or every problem found (row, column, rule).
pub fn parse_with(
    bytes: &[u8],
    limits: &TableLimits,
) -> Result<Vec<PriceListRow>, Vec<FieldProblem>> {
    let refused = |error: ServiceError| match error {
        ServiceError::Invalid(problems) | ServiceError::TooLarge(problems) => problems,
        other => vec![FieldProblem::new("file", "unreadable", other.to_string())],
    };
    let format = table_file::sniff_head(&bytes[..bytes.len().min(table_file::SNIFF_BYTES)])
        .map_err(refused)?;
    if format == table_file::Format::Xlsx {
        return Err(vec![FieldProblem::new(
            "file",
            "format",
            "薬価基準収載品目リストは CSV で取り込んでください",
        )]);
    }
    let mut columns: Option<Columns> = None;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    table_file::read_rows(Cursor::new(bytes), format, limits, |row, cells| {
        let Some(columns) = &columns else {
            match Columns::find(&cells.to_strings()) {
                Ok(found) => columns = Some(found),
                Err(mut missing) => problems.append(&mut missing),
            }
            return Ok(columns.is_some());
        };
        if cells.is_blank() {
            return Ok(true);
        }
        match columns.read(cells, row) {
            Ok(parsed) => {
                if let Some(first) = seen.insert(parsed.code.clone(), row) {
                    problems.push(
                        FieldProblem::new(
                            CODE,
                            "duplicate",
                            format!("医薬品コード {} が{first}行目と重複しています", parsed.code),
                        )
                        .at_row(row),
                    );
                }
                rows.push(parsed);
            }
            Err(mut errors) => problems.append(&mut errors),
        }
        Ok(true)
    })
    .map_err(refused)?;
    if columns.is_none() && problems.is_empty() {
        problems.push(FieldProblem::new("header", "csv", "見出し行がありません").at_row(1));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

struct Columns {
    category: Option<usize>,
    code: Option<usize>,
    ingredient: Option<usize>,
    specification: Option<usize>,
    pharmacopoeia: Option<usize>,
    narcotic: Option<usize>,
    name: Option<usize>,
    maker: Option<usize>,
    generic: Option<usize>,
    originator: Option<usize>,
    has_generic: Option<usize>,
    price: Option<usize>,
    transitional: Option<usize>,
}

impl Columns {
    /// Where each column is, from the heading row; every required heading that is missing.
    fn find(headers: &[String]) -> Result<Self, Vec<FieldProblem>> {
        let column = |name: &str| headers.iter().position(|h| h == name);
        let missing: Vec<FieldProblem> = REQUIRED
            .iter()
            .filter(|name| column(name).is_none())
            .map(|name| {
                FieldProblem::new(
                    name,
                    "missing_column",
                    format!("列「{name}」が見出し行にありません"),
                )
                .at_row(1)
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(Self {
            category: column("区分"),
            code: column(CODE),
            ingredient: column("成分名"),
            specification: column("規格"),
            pharmacopoeia: column("日本薬局方"),
            narcotic: column("麻薬"),
            name: column("品名"),
            maker: column("メーカー名"),
            generic: column("診療報酬において加算等の算定対象となる後発医薬品"),
            originator: column("先発医薬品"),
            has_generic: column("同一剤形・規格の後発医薬品がある先発医薬品"),
            price: column("薬価"),
            transitional: column("経過措置による使用期限"),
        })
    }

    fn read(&self, record: &dyn Cells, row: usize) -> Result<PriceListRow, Vec<FieldProblem>> {
        let get = |index: Option<usize>| index.map_or("", |i| record.cell(i));
        let optional = |index: Option<usize>| Some(get(index).to_owned()).filter(|v| !v.is_empty());
        let mut problems = Vec::new();
        let code = YjCode::parse(get(self.code))
            .map_err(|e| problems.push(FieldProblem::from_field_error(CODE, &e).at_row(row)))
            .ok();
        let category = get(self.category)
            .parse::<DrugCategory>()
            .map_err(|e| problems.push(FieldProblem::from_field_error("区分", &e).at_row(row)))
            .ok();
        let name = get(self.name).to_owned();
        if name.is_empty() {
            problems.push(FieldProblem::new("品名", "required", "品名が空欄です").at_row(row));
        }
        let price = normalize_width(get(self.price));
        if !is_decimal(&price) {
            problems.push(
                FieldProblem::new(
                    "薬価",
                    "decimal",
                    format!("薬価「{price}」は数値ではありません"),
                )
                .at_row(row),
            );
        }
        let (Some(code), Some(category), true) = (code, category, problems.is_empty()) else {
            return Err(problems);
        };
        Ok(PriceListRow {
            row,
            code,
            category,
            ingredient: get(self.ingredient).to_owned(),
            specification: get(self.specification).to_owned(),
            pharmacopoeia: !get(self.pharmacopoeia).is_empty(),
            narcotic: !get(self.narcotic).is_empty(),
            name,
            maker_name: optional(self.maker),
            product_class: ProductClass::from_price_list_flags(
                get(self.originator),
                get(self.generic),
                get(self.has_generic),
            ),
            price,
            transitional_until: optional(self.transitional),
        })
    }
}

/// Digits with at most one decimal point, e.g. `6.1`, `16`, `1234.50`.
fn is_decimal(text: &str) -> bool {
    let mut parts = text.split('.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    parts.next().is_none()
        && !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考";

    #[test]
    fn a_valid_row_is_read_with_its_flags() {
        let file = format!(
            "{HEADER}\n内用薬,1124001F1022,エスタゾラム,１ｍｇ１錠,,,,ユーロジン１ｍｇ錠,武田テバ薬品,,先発品,○,6.1,,\n"
        );
        let rows = parse(file.as_bytes()).expect("valid file");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].code.as_str(), "1124001F1022");
        assert_eq!(rows[0].product_class, ProductClass::LongListed);
        assert_eq!(rows[0].maker_name.as_deref(), Some("武田テバ薬品"));
        assert_eq!(rows[0].price, "6.1");
    }

    #[test]
    fn every_bad_row_is_reported_with_row_column_and_expected_digit() {
        let file = format!(
            "{HEADER}\n内用薬,1123001X1013,抱水クロラール,１ｇ,局,,,抱水クロラール,,,,,36.9,,\n漢方,1124001F1022,エスタゾラム,１ｍｇ１錠,,,,ユーロジン,,,,,abc,,\n"
        );
        let problems = parse(file.as_bytes()).expect_err("two bad rows");
        assert!(problems.iter().any(|p| p.row == Some(2)
            && p.code == "check_digit"
            && p.message.contains("1123001X1013")
            && p.message.contains("正しくは 2")));
        assert!(
            problems
                .iter()
                .any(|p| p.row == Some(3) && p.field == "区分")
        );
        assert!(
            problems
                .iter()
                .any(|p| p.row == Some(3) && p.field == "薬価")
        );
    }

    #[test]
    fn a_file_without_the_code_column_is_refused() {
        let problems = parse("区分,品名\n内用薬,x\n".as_bytes()).expect_err("missing columns");
        assert!(
            problems
                .iter()
                .any(|p| p.field == CODE && p.code == "missing_column")
        );
    }

    #[test]
    fn shift_jis_files_are_decoded() {
        let file = format!(
            "{HEADER}\n内用薬,1124001F1022,エスタゾラム,１ｍｇ１錠,,,,ユーロジン１ｍｇ錠,武田テバ薬品,,先発品,,6.1,,\n"
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&file);
        let rows = parse(&sjis).expect("valid Shift_JIS file");
        assert_eq!(rows[0].name, "ユーロジン１ｍｇ錠");
    }

    #[test]
    fn duplicate_codes_are_refused() {
        let line = "内用薬,1124001F1022,エスタゾラム,１ｍｇ１錠,,,,ユーロジン１ｍｇ錠,武田テバ薬品,,先発品,,6.1,,";
        let problems =
            parse(format!("{HEADER}\n{line}\n{line}\n").as_bytes()).expect_err("duplicate");
        assert!(
            problems
                .iter()
                .any(|p| p.code == "duplicate" && p.row == Some(3))
        );
    }

    #[test]
    fn decimals_are_checked() {
        assert!(is_decimal("6.1") && is_decimal("16") && is_decimal("1234.50"));
        assert!(!is_decimal("") && !is_decimal("1.") && !is_decimal("1.2.3") && !is_decimal("-1"));
    }
}

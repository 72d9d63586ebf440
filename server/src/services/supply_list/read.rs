//! Reading the ministry's list 「医療用医薬品供給状況」 — the current layout ①–⑳ or the 2025 one
//! (①–⑱) — from XLSX (title row, then the headings) or CSV (UTF-8 or Shift_JIS) through the one
//! table reader. Columns are found by their headings (whitespace removed): ①–⑪ by number, the
//! status columns by their words, so that both layouts read. Nothing is checked here but the
//! headings; the values are checked in [`super::check`].

use std::io::{Read, Seek};

use chrono::NaiveDate;

use crate::domain::supply_status::StatusInput;
use crate::domain::supply_status::ministry::key;
use crate::services::table_file::{self, Cells, Format, TableLimits};
use crate::services::{FieldProblem, ServiceError};

/// What a column of the list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListColumn {
    /// ①–⑪ (1–11).
    Master(usize),
    /// ⑫ 出荷対応の状況.
    Shipping,
    /// ⑬ the day ⑫ was last updated.
    ShippingChangedOn,
    /// ⑭ (2025: ⑬) 理由.
    Reason,
    /// ⑮ (2025: ⑭) 解除・解消見込み.
    Outlook,
    /// ⑯ (2025: ⑮) 見込み時期・在庫消尽時期, free text.
    Note,
    /// ⑰ (2025: ⑯) 出荷量の状況.
    Volume,
    /// ⑱ 改善見込み時期.
    Timing,
    /// ⑲ 改善見込み量.
    Percent,
    /// ⑳ (2025: ⑰) the day anything else was last updated.
    OtherChangedOn,
    /// 今回掲載時の更新有無 (`New`): the ministry's own mark, recomputed on publication.
    Changed,
}

const CIRCLED: [char; 20] = [
    '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲',
    '⑳',
];

impl ListColumn {
    /// Recognises a heading of the current or the 2025 layout.
    pub fn recognise(heading: &str) -> Option<Self> {
        let h: String = heading.chars().filter(|c| !c.is_whitespace()).collect();
        let number = h
            .chars()
            .next()
            .and_then(|c| CIRCLED.iter().position(|n| *n == c))
            .map(|i| i + 1);
        let has = |w: &str| h.contains(w);
        Some(match number {
            Some(n @ 1..=11) => Self::Master(n),
            _ if has("更新有無") => Self::Changed,
            _ if has("以外の情報を更新") => Self::OtherChangedOn,
            _ if has("⑫の情報を更新") => Self::ShippingChangedOn,
            _ if has("更新した日") || has("更新日") || has("報告日") => {
                Self::OtherChangedOn
            }
            _ if has("理由") => Self::Reason,
            _ if has("改善") && has("見込み量") => Self::Percent,
            _ if has("改善") => Self::Timing,
            _ if has("時期") => Self::Note,
            _ if has("解除見込み") || has("解消見込み") => Self::Outlook,
            _ if has("出荷対応") => Self::Shipping,
            _ if has("出荷量") => Self::Volume,
            _ => return None,
        })
    }

    /// The field name used in problems (the API's, where it has one).
    pub fn field(self) -> &'static str {
        match self {
            Self::Master(5) => "product_code",
            Self::Master(_) => "master",
            Self::Shipping => "shipping_status",
            Self::ShippingChangedOn => "shipping_changed_on",
            Self::Reason => "reason",
            Self::Outlook => "resolution_outlook",
            Self::Note => "resolution_note",
            Self::Volume => "volume_status",
            Self::Timing => "improvement_timing",
            Self::Percent => "improvement_percent",
            Self::OtherChangedOn => "other_changed_on",
            Self::Changed => "changed",
        }
    }
}

/// One data row of the list, every cell as written.
#[derive(Debug, Clone, Default)]
pub struct ListRow {
    /// Row number in the file (as a spreadsheet numbers it).
    pub row: usize,
    /// ①–⑪ (index 0 = ①).
    pub master: [String; 11],
    /// ⑫, ⑭–⑲.
    pub status: StatusInput,
    /// ⑬.
    pub shipping_changed_on: String,
    /// ⑳.
    pub other_changed_on: String,
}

/// A file read: its rows, the headings found, and the edition its title row names.
#[derive(Debug, Clone, Default)]
pub struct ListFile {
    /// Data rows (blank rows skipped).
    pub rows: Vec<ListRow>,
    /// (column, heading as written), in file order.
    pub headings: Vec<(ListColumn, String)>,
    /// 「令和８年８月18日現在」 in a row above the headings, as a date.
    pub edition: Option<NaiveDate>,
}

impl ListFile {
    /// The heading of `column` as the file writes it.
    pub fn heading(&self, column: ListColumn) -> Option<&str> {
        self.headings
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, h)| h.as_str())
    }
}

/// Reads the list from `source` (XLSX or CSV in `format`) under `limits`. Blocking.
pub fn read_list<R: Read + Seek>(
    source: R,
    format: Format,
    limits: &TableLimits,
) -> Result<ListFile, ServiceError> {
    let mut file = ListFile::default();
    let mut columns: Vec<Option<ListColumn>> = Vec::new();
    let mut title_edition = None;
    table_file::read_rows_with_days(source, format, limits, |number, cells| {
        if columns.is_empty() {
            let found: Vec<Option<ListColumn>> = (0..cells.width())
                .map(|i| ListColumn::recognise(cells.cell(i)))
                .collect();
            let is_heading = found.contains(&Some(ListColumn::Master(5)))
                && found.contains(&Some(ListColumn::Shipping));
            if is_heading {
                file.headings = found
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| Some(((*c)?, cells.cell(i).to_owned())))
                    .collect();
                columns = found;
            } else if number > 20 {
                return Err(no_headings());
            } else {
                title_edition = title_edition
                    .or_else(|| (0..cells.width()).find_map(|i| edition_in_title(cells.cell(i))));
            }
            return Ok(true);
        }
        if cells.is_blank() {
            return Ok(true);
        }
        let mut row = ListRow {
            row: number,
            ..ListRow::default()
        };
        for (i, column) in columns.iter().enumerate() {
            let Some(column) = column else { continue };
            let value = cells.cell(i).to_owned();
            match column {
                ListColumn::Master(n) => row.master[n - 1] = value,
                ListColumn::Shipping => row.status.shipping_status = value,
                ListColumn::ShippingChangedOn => row.shipping_changed_on = value,
                ListColumn::Reason => row.status.reason = value,
                ListColumn::Outlook => row.status.resolution_outlook = value,
                ListColumn::Note => row.status.resolution_note = value,
                ListColumn::Volume => row.status.volume_status = value,
                ListColumn::Timing => row.status.improvement_timing = value,
                ListColumn::Percent => row.status.improvement_percent = value,
                ListColumn::OtherChangedOn => row.other_changed_on = value,
                ListColumn::Changed => {}
            }
        }
        file.rows.push(row);
        Ok(true)
    })?;
    if columns.is_empty() {
        return Err(no_headings());
    }
    file.edition = title_edition;
    Ok(file)
}

fn no_headings() -> ServiceError {
    ServiceError::invalid(FieldProblem::new(
        "file",
        "missing_column",
        "最初の20行に見出し行（⑤YJコードと⑫出荷対応の状況の列）がありません",
    ))
}

/// The edition a title names: 「医療用医薬品供給状況（令和８年８月18日現在）」 → 2026-08-18;
/// also `2026年8月18日現在`.
pub fn edition_in_title(title: &str) -> Option<NaiveDate> {
    let text = key(title);
    let at = text.find("現在")?;
    let before = &text[..at];
    let (era_offset, rest) = if let Some(i) = before.rfind("令和") {
        (2018, &before[i + "令和".len()..])
    } else {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '元'))
            .last()
            .map(|(i, _)| i)?;
        (0, &before[start..])
    };
    let rest = rest.replace('元', "1");
    let (year, rest) = rest.split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let (day, _) = rest.split_once('日')?;
    let year: i32 = year.parse().ok()?;
    NaiveDate::from_ymd_opt(year + era_offset, month.parse().ok()?, day.parse().ok()?)
}

/// The edition in a file name: `iyakuhinkyoukyu_2026-08-18.xlsx`, `…20260818…`, or the
/// ministry's own `260818iyakuhinkyoukyu.xlsx` (YYMMDD at the start).
pub fn edition_in_file_name(name: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = name.chars().collect();
    let text = |w: &[char]| w.iter().collect::<String>();
    let dashed = chars
        .windows(10)
        .rev()
        .find_map(|w| NaiveDate::parse_from_str(&text(w), "%Y-%m-%d").ok());
    let eight = || {
        chars.windows(8).rev().find_map(|w| {
            w.iter()
                .all(char::is_ascii_digit)
                .then(|| NaiveDate::parse_from_str(&text(w), "%Y%m%d").ok())
                .flatten()
        })
    };
    let six = || {
        let head: String = chars.iter().take_while(|c| c.is_ascii_digit()).collect();
        (head.len() == 6)
            .then(|| NaiveDate::parse_from_str(&format!("20{head}"), "%Y%m%d").ok())
            .flatten()
    };
    dashed.or_else(eight).or_else(six)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_edition() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            edition_in_title("医療用医薬品供給状況（令和８年８月18日現在）"),
            day(2026, 8, 18)
        );
        assert_eq!(edition_in_title("令和元年5月7日現在"), day(2019, 5, 7));
        assert_eq!(edition_in_title("（2026年8月20日現在）"), day(2026, 8, 20));
        assert_eq!(edition_in_title("医療用医薬品供給状況"), None);
        assert_eq!(edition_in_title("令和８年13月1日現在"), None);
    }

    #[test]
    fn the_file_name_names_the_edition_when_the_title_does_not() {
        let day = NaiveDate::from_ymd_opt(2026, 8, 18);
        assert_eq!(edition_in_file_name("iyakuhinkyoukyu_2026-08-18.csv"), day);
        assert_eq!(edition_in_file_name("260818iyakuhinkyoukyu.xlsx"), day);
        assert_eq!(edition_in_file_name("list_20260818.csv"), day);
        assert_eq!(edition_in_file_name("list.csv"), None);
    }

    #[test]
    fn both_layouts_are_recognised_by_their_headings() {
        let current = [
            ("①薬剤区分", ListColumn::Master(1)),
            ("⑤YJコード", ListColumn::Master(5)),
            ("⑩（重要）供給確保医薬品", ListColumn::Master(10)),
            ("⑫製造販売業者の「出荷対応」の状況", ListColumn::Shipping),
            (
                "⑬当該品目の⑫の情報を更新した日（本項目を報告内容として追加した令和7年5月13日以降に⑫の情報を更新した品目についてのみ記載）",
                ListColumn::ShippingChangedOn,
            ),
            ("⑭限定出荷/供給停止の理由", ListColumn::Reason),
            (
                "⑮限定出荷の解除見込み／供給停止の解消見込み",
                ListColumn::Outlook,
            ),
            (
                "⑯限定出荷の解除見込み／供給停止の解消見込み／販売中止品の在庫消尽時期",
                ListColumn::Note,
            ),
            ("⑰製造販売業者の「出荷量」の現在の状況", ListColumn::Volume),
            (
                "⑱製造販売業者の「出荷量」の改善（増加）見込み時期",
                ListColumn::Timing,
            ),
            (
                "⑲⑱を任意選択した場合の「出荷量」の改善（増加）見込み量",
                ListColumn::Percent,
            ),
            (
                "⑳当該品目の⑫以外の情報を更新した日",
                ListColumn::OtherChangedOn,
            ),
            (
                "今回掲載時の更新有無（更新有りの場合、Newと表示）",
                ListColumn::Changed,
            ),
        ];
        for (heading, column) in current {
            assert_eq!(ListColumn::recognise(heading), Some(column), "{heading}");
        }
        // The 2025 layout, wrapped over lines as the ministry's workbook does.
        let older = [
            ("⑫製造販売業者の\n「出荷対応」の状況", ListColumn::Shipping),
            ("⑬限定出荷／供給停止の理由", ListColumn::Reason),
            (
                "⑭限定出荷の解除見込み／\n供給停止の解消見込み",
                ListColumn::Outlook,
            ),
            (
                "⑮限定出荷の解除見込み時期／供給停止の解消見込み時期／販売中止品の在庫消尽時期",
                ListColumn::Note,
            ),
            ("⑯製造販売業者の「出荷量」の状況", ListColumn::Volume),
            ("⑰当該品目の情報を更新した日", ListColumn::OtherChangedOn),
        ];
        for (heading, column) in older {
            assert_eq!(ListColumn::recognise(heading), Some(column), "{heading}");
        }
    }

    #[test]
    fn a_csv_without_a_title_reads_from_its_heading_row() -> Result<(), ServiceError> {
        let csv = "\u{feff}①薬剤区分,⑤YJコード,⑫製造販売業者の「出荷対応」の状況,⑬当該品目の⑫の情報を更新した日,⑭限定出荷/供給停止の理由\n1：内用薬,4419002B1033,①通常出荷,,７．－\n\n3：注射薬,X00110,⑤供給停止,2026-08-18,６．薬価削除\n";
        let file = read_list(
            std::io::Cursor::new(csv.as_bytes()),
            Format::CsvUtf8,
            &TableLimits::default(),
        )?;
        assert_eq!(file.rows.len(), 2);
        assert_eq!(file.rows[1].row, 4);
        assert_eq!(file.rows[1].master[4], "X00110");
        assert_eq!(file.rows[1].shipping_changed_on, "2026-08-18");
        assert_eq!(file.rows[0].status.reason, "７．－");
        assert_eq!(file.edition, None);
        Ok(())
    }
}

//! CSV that Excel opens correctly: UTF-8 with a byte-order mark, CRLF line ends, quoted as needed.

/// The UTF-8 byte-order mark that tells Excel the encoding.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writing failure (only possible on a broken writer, kept for honesty).
#[derive(Debug, thiserror::Error)]
#[error("Failed to write CSV: {0}")]
pub struct CsvError(#[from] csv::Error);

/// Characters that make a spreadsheet read a cell as a formula when they come first.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as text a spreadsheet will not run: one that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` (Excel shows it as text and hides the mark).
///
/// A lone `-` or `+` (the ministry's list writes `-` for "nothing" in its free text) computes
/// nothing and stays as it is.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) && !matches!(text, "-" | "+") {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Appends one cell, neutralised and quoted when it holds a comma, quote or line break: the one
/// cell writer of every CSV the service sends.
pub fn write_cell(out: &mut Vec<u8>, text: &str) {
    let text = neutralise(text);
    if text.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends one line of cells ending in CRLF.
pub fn write_line<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_cell(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

/// Writes `header` and `rows` as UTF-8 CSV with BOM and CRLF line ends, every cell through
/// [`write_cell`].
pub fn write<R, F>(header: &[&str], rows: R) -> Result<Vec<u8>, CsvError>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let mut out = UTF8_BOM.to_vec();
    write_line(&mut out, header.iter().copied());
    for row in rows {
        let cells: Vec<std::borrow::Cow<'_, str>> = row
            .iter()
            .map(|c| String::from_utf8_lossy(c.as_ref()))
            .collect();
        write_line(&mut out, cells.iter().map(AsRef::as_ref));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_starts_with_a_bom_and_quotes_commas() -> Result<(), CsvError> {
        let bytes = write(&["品名", "備考"], vec![vec!["ユーロジン１ｍｇ錠", "a,b"]])?;
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8_lossy(&bytes[UTF8_BOM.len()..]).into_owned();
        assert_eq!(text, "品名,備考\r\nユーロジン１ｍｇ錠,\"a,b\"\r\n");
        Ok(())
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() -> Result<(), CsvError> {
        let hostile = [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ];
        let bytes = write(&["a"], hostile.iter().map(|h| vec![*h]))?;
        let text = String::from_utf8_lossy(&bytes[UTF8_BOM.len()..]).into_owned();
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .map(|r| r.map(|r| r[0].to_owned()))
            .collect::<Result<_, _>>()?;
        assert_eq!(cells.len(), hostile.len());
        for (cell, original) in cells.iter().zip(hostile) {
            assert_eq!(cell, &format!("'{original}"));
        }
        assert_eq!(neutralise("甲病院"), "甲病院");
        assert_eq!(neutralise("1-2"), "1-2");
        assert_eq!(neutralise("-"), "-", "a lone dash computes nothing");
        assert_eq!(neutralise("--1"), "'--1");
        Ok(())
    }
}

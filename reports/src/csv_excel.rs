//! CSV that Excel opens correctly: UTF-8 with a byte-order mark, CRLF line ends, quoted as needed.

/// The UTF-8 byte-order mark that tells Excel the encoding.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writing failure (only possible on a broken writer, kept for honesty).
#[derive(Debug, thiserror::Error)]
#[error("Failed to write CSV: {0}")]
pub struct CsvError(#[from] csv::Error);

/// Writes `header` and `rows` as UTF-8 CSV with BOM and CRLF line ends.
pub fn write<R, F>(header: &[&str], rows: R) -> Result<Vec<u8>, CsvError>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(UTF8_BOM.to_vec());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush().map_err(csv::Error::from)?;
    writer
        .into_inner()
        .map_err(|e| CsvError(csv::Error::from(e.into_error())))
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
}

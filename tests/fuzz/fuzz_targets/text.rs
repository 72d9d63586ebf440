//! What the CSV targets share: any bytes read as CSV in one encoding under small limits; the
//! reader returns rows or a refusal, never panics, and holds no more than the limits allow.

use supplywatch::services::table_file::{Cells, Format, TableLimits, read_rows};

/// Reads `data` as CSV in `format`, checking every row against the limits.
pub fn read(data: &[u8], format: Format) {
    let limits = TableLimits {
        max_rows: 10_000,
        max_cell_bytes: 4096,
        time_budget: std::time::Duration::from_secs(5),
        ..TableLimits::default()
    };
    let _ = read_rows(std::io::Cursor::new(data), format, &limits, |_, row| {
        assert!(row.width() <= limits.max_columns);
        for i in 0..row.width() {
            assert!(row.cell(i).len() <= limits.max_cell_bytes);
        }
        Ok(true)
    });
}

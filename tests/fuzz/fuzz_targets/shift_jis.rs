//! Any bytes read as Shift_JIS CSV (decoded while read) by the table reader: it returns rows or
//! a refusal, never panics, and holds no more than the limits allow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supplywatch::services::table_file::{Cells, Format, TableLimits, read_rows};

fuzz_target!(|data: &[u8]| {
    let limits = TableLimits {
        max_rows: 10_000,
        max_cell_bytes: 4096,
        time_budget: std::time::Duration::from_secs(5),
        ..TableLimits::default()
    };
    let _ = read_rows(std::io::Cursor::new(data), Format::CsvShiftJis, &limits, |_, row| {
        assert!(row.width() <= limits.max_columns);
        for i in 0..row.width() {
            assert!(row.cell(i).len() <= limits.max_cell_bytes);
        }
        Ok(true)
    });
});

//! Any bytes read as UTF-8 CSV by the table reader (see `text.rs`).
#![no_main]

#[path = "text.rs"]
mod text;

use libfuzzer_sys::fuzz_target;
use supplywatch::services::table_file::Format;

fuzz_target!(|data: &[u8]| text::read(data, Format::CsvUtf8));

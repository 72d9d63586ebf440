//! Any bytes as the ministry's price-list CSV: every row or every problem, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = supplywatch::services::price_list::parse::parse(data);
});

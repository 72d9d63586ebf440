//! The demo's early-warning data: three months of actual shipments and eight weeks of dispensing
//! for the two same-spec groups of the demo that are short (レボフロキサシン 250 mg and 500 mg:
//! one product stopped, one shipping less), so the forecast has one group that spills over and one that copes.

/// Actual shipments per month in each of the last three months (product code, packages).
pub const MONTHLY_SHIPMENTS: &[(&str, u32)] = &[
    ("6241013F2020", 2_400),
    ("6241013F2209", 1_200),
    ("6241013F2250", 900),
    ("6241013F3027", 1_500),
    ("6241013F3205", 600),
    ("6241013F3256", 700),
];

/// Packages dispensed per week: (product code, each of the last four weeks, each of the same
/// four weeks a year earlier).
pub const WEEKLY_DISPENSING: &[(&str, u32, u32)] = &[
    ("6241013F2020", 610, 540),
    ("6241013F2209", 330, 300),
    ("6241013F2250", 40, 220),
    ("6241013F3027", 350, 340),
    ("6241013F3205", 150, 150),
    ("6241013F3256", 120, 160),
];

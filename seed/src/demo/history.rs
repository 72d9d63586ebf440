//! A few months of supply status history for the demo drugs: a manufacturing trouble at
//! `maker@` that spills over to a neighbour of `maker2@`, a recovery, and a stoppage.

/// One report of the demo history.
#[derive(Debug, Clone, Copy)]
pub struct DemoStatusReport {
    /// The drug.
    pub code: &'static str,
    /// How many days before loading the report was filed.
    pub days_ago: u32,
    /// ⑫.
    pub shipping_status: &'static str,
    /// ⑬.
    pub reason: &'static str,
    /// 原因医薬品 (with ⑫ = 3).
    pub causing_product_code: &'static str,
    /// ⑭.
    pub resolution_outlook: &'static str,
    /// ⑮ as months after the report (0: blank).
    pub months_ahead: u32,
    /// ⑯.
    pub volume_status: &'static str,
}

const fn report(
    code: &'static str,
    days_ago: u32,
    shipping_status: &'static str,
    reason: &'static str,
    volume_status: &'static str,
) -> DemoStatusReport {
    DemoStatusReport {
        code,
        days_ago,
        shipping_status,
        reason,
        causing_product_code: "",
        resolution_outlook: "",
        months_ahead: 0,
        volume_status,
    }
}

/// The demo history, oldest first.
pub const STATUS_HISTORY: &[DemoStatusReport] = &[
    report("2171022F5180", 120, "1", "", "A"),
    report("2171022F5075", 120, "1", "", "A"),
    report("2171022F6128", 120, "1", "", "A"),
    report("2171022F6047", 120, "1", "", "A"),
    report("6241013F2209", 120, "1", "", "A"),
    report("6241013F2250", 120, "1", "", "A"),
    report("6241013F3205", 120, "1", "", "A"),
    report("6241013F3256", 120, "1", "", "A"),
    DemoStatusReport {
        resolution_outlook: "あり",
        months_ahead: 4,
        ..report("2171022F5180", 90, "2", "3", "B")
    },
    DemoStatusReport {
        causing_product_code: "2171022F5180",
        resolution_outlook: "未定",
        ..report("2171022F5075", 76, "3", "1", "B")
    },
    DemoStatusReport {
        causing_product_code: "2171022F5180",
        ..report("2171022F5075", 70, "3", "1", "A+")
    },
    DemoStatusReport {
        resolution_outlook: "あり",
        months_ahead: 2,
        ..report("2171022F5180", 45, "2", "3", "B")
    },
    report("6241013F2250", 40, "5", "8", "C"),
    report("2171022F5180", 14, "1", "", "A"),
    report("6241013F2250", 12, "5", "8", "D"),
    report("2171022F5075", 7, "1", "", "A"),
    DemoStatusReport {
        resolution_outlook: "未定",
        ..report("6241013F3256", 5, "4", "8", "B")
    },
];

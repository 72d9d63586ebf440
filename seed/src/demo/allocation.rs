//! The demo's allocation data: a month of purchases of the amlodipine 10 mg tablets (one
//! same-spec group, Sawai's and Towa's products) by a few customers of each demo wholesaler,
//! both makers' shipments, and one plan for the group. Customers and quantities are made up.

/// The same-spec group of the demo plan: アムロジピン錠10mg.
pub const PLAN_GROUP: &str = "2171022F5";

/// Reserve share of the demo plan.
pub const PLAN_RESERVE_PERCENT: i64 = 5;

/// One purchase row: (wholesaler name, customer code, customer name, product code, packages).
pub type DemoPurchase = (&'static str, &'static str, &'static str, &'static str, u32);

/// Purchases in the baseline month (the same month a year before the target).
pub const PURCHASES: &[DemoPurchase] = &[
    (
        "デモ北日本薬品卸",
        "0110000011",
        "札幌中央病院",
        "2171022F5180",
        120,
    ),
    (
        "デモ北日本薬品卸",
        "0110000011",
        "札幌中央病院",
        "2171022F5075",
        40,
    ),
    (
        "デモ北日本薬品卸",
        "0110000029",
        "旭川北病院",
        "2171022F5180",
        60,
    ),
    (
        "デモ北日本薬品卸",
        "0111000017",
        "すずらん内科クリニック",
        "2171022F5180",
        12,
    ),
    (
        "デモ北日本薬品卸",
        "0140000015",
        "みなみ調剤薬局",
        "2171022F5075",
        35,
    ),
    (
        "デモ北日本薬品卸",
        "0140000023",
        "北斗薬局 本店",
        "2171022F5180",
        18,
    ),
    (
        "デモ北日本薬品卸",
        "0140000031",
        "ポプラ薬局",
        "2171022F5180",
        3,
    ),
    (
        "デモ南海メディカル",
        "4010000016",
        "福岡南病院",
        "2171022F5180",
        90,
    ),
    (
        "デモ南海メディカル",
        "4010000016",
        "福岡南病院",
        "2171022F5075",
        30,
    ),
    (
        "デモ南海メディカル",
        "4011000014",
        "はかた内科医院",
        "2171022F5075",
        9,
    ),
    (
        "デモ南海メディカル",
        "4040000018",
        "博多駅前薬局",
        "2171022F5180",
        25,
    ),
    (
        "デモ南海メディカル",
        "4040000026",
        "天神さくら薬局",
        "2171022F5180",
        7,
    ),
];

/// Shipments: (product code, baseline-month actual, target-month planned), in packages.
pub const SHIPMENTS: &[(&str, u64, u64)] =
    &[("2171022F5180", 460, 300), ("2171022F5075", 140, 120)];

//! The national allocation data set (DESIGN §6 at the country's scale): about 240,000 customer
//! facilities, 60 wholesalers whose largest four hold about 85% of the market, and one baseline
//! month of purchases of the short products (≈12 million rows for 300 products), with the makers'
//! shipments of the baseline and the target month. Deterministic for equal inputs and seed.

use super::rng::{Rng, hash3};

/// Kinds of customer facility and how many of each the country has (rounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacilityKind {
    /// 病院 (≈8,000).
    Hospital,
    /// 一般診療所 (≈105,000).
    Clinic,
    /// 歯科診療所 (≈68,000).
    Dental,
    /// 保険薬局 (≈62,000).
    Pharmacy,
}

/// (kind, count, chance per mille that it buys a given short product, packages per month range).
const FACILITIES: [(FacilityKind, u32, u32, (u32, u32)); 4] = [
    (FacilityKind::Hospital, 8_000, 800, (20, 400)),
    (FacilityKind::Clinic, 105_000, 170, (1, 30)),
    (FacilityKind::Dental, 68_000, 10, (1, 5)),
    (FacilityKind::Pharmacy, 62_000, 250, (2, 60)),
];

/// The 47 prefectures, in JIS order (the first two digits of a 医療機関コード).
const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

const REGIONS: [&str; 8] = [
    "北海道",
    "東北",
    "関東",
    "中部",
    "近畿",
    "中国",
    "四国",
    "九州",
];
const SUFFIXES: [&str; 8] = [
    "メディカル",
    "薬品",
    "医薬",
    "ファーマ",
    "薬業",
    "メディシン",
    "ヘルスケア",
    "薬品販売",
];

/// Wholesalers in the set.
pub const WHOLESALERS: usize = 60;

/// Shares are counted in units of 1/100,000 of the market.
const SHARE_UNITS: u32 = 100_000;

/// Market shares: the largest four 30 %, 22 %, 18 %, 15 % (85 %), the other 56 sharing 15 % in
/// decreasing steps (the smallest about 0.01 %).
fn shares() -> [u32; WHOLESALERS] {
    let mut shares = [0u32; WHOLESALERS];
    shares[..4].copy_from_slice(&[30_000, 22_000, 18_000, 15_000]);
    // Weights 56, 55, …, 1 over 15 % of the market; the rounding rest goes to the fifth.
    let weights: u32 = (1..=56).sum();
    for (i, share) in shares.iter_mut().enumerate().skip(4) {
        *share = 15_000 * (60 - u32::try_from(i).unwrap_or(60)) / weights;
    }
    let total: u32 = shares.iter().sum();
    shares[4] += SHARE_UNITS - total;
    shares
}

/// One wholesaler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WholesalerSpec {
    /// Its name, e.g. 「関東メディカル株式会社」.
    pub name: String,
    /// A 法人番号 with a valid check digit (made up).
    pub corporate_number: String,
    /// Login of its allocation clerk.
    pub email: String,
    /// Its market share in 1/100,000 of the market.
    pub share: u32,
}

/// One customer facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facility {
    /// 10-digit 医療機関コード / 薬局コード: prefecture, 点数表 (1 医科, 3 歯科, 4 調剤), serial.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: FacilityKind,
}

/// One purchase row: a facility bought `quantity` packages of product `product` in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purchase {
    /// Index into [`AllocationSet::facilities`].
    pub facility: u32,
    /// Index into the products given.
    pub product: u16,
    /// Sales packages.
    pub quantity: u32,
}

/// The generated set.
#[derive(Debug, Clone)]
pub struct AllocationSet {
    /// The wholesalers, largest first.
    pub wholesalers: Vec<WholesalerSpec>,
    /// Every facility.
    pub facilities: Vec<Facility>,
    /// Per wholesaler (same order), its purchase rows, by product then facility.
    pub purchases: Vec<Vec<Purchase>>,
    /// Per product: actual shipments in the baseline month.
    pub baseline_shipments: Vec<u64>,
    /// Per product: planned shipments in the target month.
    pub planned_shipments: Vec<u64>,
}

/// A valid 法人番号 whose last 12 digits are `base` (the check digit leads; DESIGN §1).
pub fn corporate_number(base: u64) -> String {
    let digits = format!("{:012}", base % 1_000_000_000_000);
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    format!("{}{digits}", 9 - sum % 9)
}

/// Generates the set for `products` short products (at most 65,535) from `seed`.
pub fn generate(products: usize, seed: u64) -> AllocationSet {
    let shares = shares();
    let wholesalers: Vec<WholesalerSpec> = (0..WHOLESALERS)
        .map(|i| WholesalerSpec {
            name: format!("{}{}株式会社", REGIONS[i / 8 % 8], SUFFIXES[i % 8]),
            corporate_number: corporate_number(700_000_000_000 + i as u64 * 7_919),
            email: format!("w{:02}@wholesaler.national.example", i + 1),
            share: shares[i],
        })
        .collect();
    let mut facilities = Vec::new();
    let mut serial_by_table = [0u32; 5];
    for (kind, count, _, _) in FACILITIES {
        let (table, label) = match kind {
            FacilityKind::Hospital => (1, "病院"),
            FacilityKind::Clinic => (1, "診療所"),
            FacilityKind::Dental => (3, "歯科医院"),
            FacilityKind::Pharmacy => (4, "薬局"),
        };
        for n in 0..count {
            let i = facilities.len() as u64;
            let prefecture = (hash3(seed, 1, i) % 47) as usize;
            serial_by_table[table] += 1;
            facilities.push(Facility {
                code: format!("{:02}{table}{:07}", prefecture + 1, serial_by_table[table]),
                name: format!("{}第{}{label}", PREFECTURES[prefecture], n + 1),
                kind,
            });
        }
    }
    // Each facility's main wholesaler by share; a third also buy from a second one.
    let cumulative: Vec<u32> = shares
        .iter()
        .scan(0, |acc, s| {
            *acc += s;
            Some(*acc)
        })
        .collect();
    let pick = |r: u64| {
        let point = u32::try_from(r % u64::from(SHARE_UNITS)).unwrap_or(0);
        cumulative
            .iter()
            .position(|c| point < *c)
            .unwrap_or(WHOLESALERS - 1)
    };
    let suppliers: Vec<(usize, Option<usize>)> = (0..facilities.len() as u64)
        .map(|i| {
            let main = pick(hash3(seed, 2, i));
            let second = (hash3(seed, 3, i) % 3 == 0)
                .then(|| pick(hash3(seed, 4, i)))
                .filter(|s| *s != main);
            (main, second)
        })
        .collect();
    let mut purchases: Vec<Vec<Purchase>> = vec![Vec::new(); WHOLESALERS];
    let mut sold = vec![0u64; products];
    for (product, total) in sold.iter_mut().enumerate() {
        let p = product as u64;
        let mut start = 0usize;
        for (_, count, per_mille, (lo, hi)) in FACILITIES {
            let end = start + count as usize;
            for (f, (main, second)) in suppliers.iter().enumerate().take(end).skip(start) {
                let h = hash3(seed ^ p, 5, f as u64);
                if (h % 1000) as u32 >= per_mille {
                    continue;
                }
                let mut rng = Rng::new(h);
                // Skewed towards the low end: the smaller of two draws.
                let quantity = rng.between(lo, hi).min(rng.between(lo, hi));
                let wholesaler = match second {
                    Some(s) if rng.chance(400) => *s,
                    _ => *main,
                };
                purchases[wholesaler].push(Purchase {
                    facility: u32::try_from(f).unwrap_or(u32::MAX),
                    product: u16::try_from(product).unwrap_or(u16::MAX),
                    quantity,
                });
                *total += u64::from(quantity);
            }
            start += count as usize;
        }
    }
    let baseline_shipments: Vec<u64> = sold
        .iter()
        .enumerate()
        .map(|(p, s)| s + s * (hash3(seed, 6, p as u64) % 8) / 100)
        .collect();
    let planned_shipments = baseline_shipments
        .iter()
        .enumerate()
        .map(|(p, b)| b * (55 + hash3(seed, 7, p as u64) % 41) / 100)
        .collect();
    AllocationSet {
        wholesalers,
        facilities,
        purchases,
        baseline_shipments,
        planned_shipments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_the_largest_four_hold_85_percent() {
        let s = shares();
        assert_eq!(s.iter().sum::<u32>(), SHARE_UNITS);
        assert_eq!(s[..4].iter().sum::<u32>(), 85_000);
        assert!(s.windows(2).skip(4).all(|w| w[0] >= w[1]));
        assert!(
            s.iter().all(|share| *share > 0),
            "every wholesaler has customers"
        );
    }

    #[test]
    fn corporate_numbers_carry_the_check_digit_of_the_design() {
        assert_eq!(corporate_number(180_301_018_771), "1180301018771");
    }

    #[test]
    fn a_small_set_is_deterministic_and_shaped_like_the_country() {
        let a = generate(3, 42);
        let b = generate(3, 42);
        assert_eq!(a.purchases, b.purchases);
        assert_eq!(a.facilities.len(), 243_000);
        assert_eq!(a.facilities[0].code.len(), 10);
        let rows: usize = a.purchases.iter().map(Vec::len).sum();
        // ≈40,000 rows per product.
        assert!((110_000..135_000).contains(&rows), "{rows}");
        let largest: usize = a.purchases[..4].iter().map(Vec::len).sum();
        assert!(
            largest * 100 / rows >= 80,
            "the largest four sell most: {largest} of {rows}"
        );
        let codes: std::collections::HashSet<&str> =
            a.facilities.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes.len(), a.facilities.len(), "codes are unique");
        assert!(
            a.planned_shipments
                .iter()
                .zip(&a.baseline_shipments)
                .all(|(p, b)| p < b)
        );
    }
}

//! Determinism and invariants of the national generator, on a synthetic product list.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{GeneratedReport, NationalParams, NationalProduct, generate};

/// Product state as replayed from the reports: (⑫, ⑬, causing product).
pub(super) type Replayed = (&'static str, Option<&'static str>, Option<usize>);

/// Week index of a report date (the week whose Friday is 0–4 days later).
pub(super) fn week_of(params: &NationalParams, date: NaiveDate) -> i64 {
    ((date - params.first_week).num_days() + 4).div_euclid(7)
}

/// Replays the reports week by week, calling `visit(week, friday, states, reports of the week)`
/// after applying each week's reports.
pub(super) fn replay(
    products: usize,
    params: &NationalParams,
    reports: &[GeneratedReport],
    mut visit: impl FnMut(u32, NaiveDate, &[Replayed], &[GeneratedReport]),
) {
    let mut states: Vec<Replayed> = vec![("1", None, None); products];
    let mut next = 0;
    for week in 0..params.weeks {
        let friday = params.first_week + chrono::Days::new(7 * u64::from(week));
        let first = next;
        while next < reports.len() && week_of(params, reports[next].reported_on) == i64::from(week)
        {
            let r = &reports[next];
            states[r.product_index] = (r.shipping_status, r.reason, r.causing_product_index);
            next += 1;
        }
        visit(week, friday, &states, &reports[first..next]);
    }
    assert_eq!(
        next,
        reports.len(),
        "every report falls in a week of the window"
    );
}

/// The same-spec group of a code.
pub(super) fn group(code: &str) -> &str {
    code.get(..9).unwrap_or(code)
}

/// Checks every rule a report and the report stream must follow.
pub(super) fn check_invariants(
    products: &[NationalProduct<'_>],
    params: &NationalParams,
    reports: &[GeneratedReport],
) {
    for pair in reports.windows(2) {
        assert!(
            (pair[0].reported_on, pair[0].product_index)
                < (pair[1].reported_on, pair[1].product_index),
            "reports are sorted by (date, product) without duplicates: {pair:?}"
        );
    }
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in products.iter().enumerate() {
        members.entry(group(p.code)).or_default().push(i);
    }
    let mut seen_in_week_0 = vec![false; products.len()];
    let mut previous: Vec<Option<(i64, &GeneratedReport)>> = vec![None; products.len()];
    for r in reports {
        check_report(products, params, r);
        let week = week_of(params, r.reported_on);
        if week == 0 {
            seen_in_week_0[r.product_index] = true;
        }
        if let Some((last_week, last)) = previous[r.product_index] {
            let same = (
                last.shipping_status,
                last.reason,
                last.causing_product_index,
                last.resolution_outlook,
                &last.resolution_month,
                last.volume_status,
            ) == (
                r.shipping_status,
                r.reason,
                r.causing_product_index,
                r.resolution_outlook,
                &r.resolution_month,
                r.volume_status,
            );
            let gap = week - last_week;
            assert!(gap >= 1, "one report per product and week: {r:?}");
            assert!(
                !same || (r.shipping_status != "1" && gap == 4),
                "an unchanged report is a 4-weekly re-confirmation: {last:?} then {r:?}"
            );
            assert!(
                last.shipping_status == "1" || gap <= 4,
                "a product not in normal supply is re-confirmed within 4 weeks: {r:?}"
            );
        }
        previous[r.product_index] = Some((week, r));
    }
    assert!(
        seen_in_week_0.iter().all(|&seen| seen),
        "every product is reported in week 0"
    );
    let last_week = i64::from(params.weeks) - 1;
    for (p, last) in previous.iter().enumerate() {
        let (week, r) = last.expect("every product has a report");
        assert!(
            r.shipping_status == "1" || last_week - week < 4,
            "product {p} not in normal supply is re-confirmed until the end"
        );
    }
    replay(
        products.len(),
        params,
        reports,
        |_, _, states, week_reports| {
            for r in week_reports.iter().filter(|r| r.shipping_status == "3") {
                let short = |q: usize| matches!(states[q].0, "2" | "4" | "5");
                let neighbours = &members[group(products[r.product_index].code)];
                let any_short = neighbours.iter().any(|&q| q != r.product_index && short(q));
                if any_short {
                    let cause = r
                        .causing_product_index
                        .expect("a knock-on names a causing product when one is short");
                    assert!(short(cause), "the causing product is short now: {r:?}");
                }
            }
        },
    );
}

/// Checks the rules of a single report.
fn check_report(products: &[NationalProduct<'_>], params: &NationalParams, r: &GeneratedReport) {
    assert!(r.product_index < products.len());
    assert!(
        !matches!(r.reported_on.weekday(), Weekday::Sat | Weekday::Sun),
        "reports are dated on weekdays: {r:?}"
    );
    let week = week_of(params, r.reported_on);
    assert!((0..i64::from(params.weeks)).contains(&week), "{r:?}");
    let friday = params.first_week + chrono::Days::new(7 * u64::try_from(week).expect("week ≥ 0"));
    assert!((0..=4).contains(&(friday - r.reported_on).num_days()));
    let normal = r.shipping_status == "1";
    assert!(["1", "2", "3", "4", "5"].contains(&r.shipping_status));
    assert_eq!(
        r.reason.is_none(),
        normal,
        "reason is None iff 通常出荷: {r:?}"
    );
    if let Some(reason) = r.reason {
        assert!(["1", "2", "3", "4", "5", "6", "7", "8"].contains(&reason));
    }
    if let Some(cause) = r.causing_product_index {
        assert_eq!(r.shipping_status, "3", "a cause only with ⑫ 3: {r:?}");
        assert_ne!(cause, r.product_index, "a product does not cause itself");
        assert_eq!(
            group(products[cause].code),
            group(products[r.product_index].code),
            "the cause is in the same group"
        );
    }
    assert_eq!(r.resolution_outlook.is_none(), normal, "{r:?}");
    if let Some(outlook) = r.resolution_outlook {
        assert!(["あり", "なし", "未定"].contains(&outlook));
    }
    if let Some(month) = &r.resolution_month {
        let bytes = month.as_bytes();
        assert!(
            bytes.len() == 7
                && bytes[4] == b'-'
                && bytes
                    .iter()
                    .enumerate()
                    .all(|(i, b)| i == 4 || b.is_ascii_digit())
                && ("01"..="12").contains(&&month[5..]),
            "month is YYYY-MM: {month}"
        );
        assert!(
            r.resolution_outlook == Some("あり") || r.shipping_status == "5",
            "a month only with あり or a stoppage: {r:?}"
        );
    }
    if r.resolution_outlook == Some("あり") {
        let month = r
            .resolution_month
            .as_deref()
            .expect("あり comes with a month");
        let reported = r.reported_on.format("%Y-%m").to_string();
        assert!(
            month > reported.as_str(),
            "the lift month is after ⑰: {r:?}"
        );
    }
    assert!(["A+", "A", "B", "C", "D"].contains(&r.volume_status));
    assert!(!(normal && r.volume_status == "C"), "never 1 with C: {r:?}");
}

/// Synthetic codes: groups of sizes 1–12, about one in seven without a maker.
fn synthetic_codes(count: usize) -> Vec<(String, Option<String>)> {
    let sizes = [1, 1, 2, 1, 3, 1, 5, 2, 1, 8, 1, 2, 4, 1, 12, 1, 2, 3];
    let mut out = Vec::with_capacity(count);
    let mut group = 0;
    while out.len() < count {
        let size = sizes[group % sizes.len()];
        for brand in 0..size {
            let maker = (out.len() % 7 != 0).then(|| format!("メーカー{}", out.len() % 41));
            out.push((
                format!("{:07}F{}{brand:02}0", 1_000_000 + group, group % 10),
                maker,
            ));
        }
        group += 1;
    }
    out.truncate(count);
    out
}

/// Borrows synthetic codes as generator input.
fn as_products(codes: &[(String, Option<String>)]) -> Vec<NationalProduct<'_>> {
    codes
        .iter()
        .map(|(code, maker)| NationalProduct {
            code,
            maker_name: maker.as_deref(),
        })
        .collect()
}

/// Three years ending at the last Friday of 2025.
fn params(seed: u64) -> NationalParams {
    let last_friday = NaiveDate::from_ymd_opt(2025, 12, 26).expect("a valid date");
    NationalParams::three_years_before(last_friday, seed)
}

#[test]
fn equal_inputs_give_identical_reports() {
    let codes = synthetic_codes(1_500);
    let products = as_products(&codes);
    let a = generate(&products, &params(7));
    let b = generate(&products, &params(7));
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn another_seed_gives_other_reports() {
    let codes = synthetic_codes(1_500);
    let products = as_products(&codes);
    assert_ne!(
        generate(&products, &params(7)),
        generate(&products, &params(8))
    );
}

#[test]
fn every_report_of_a_synthetic_list_follows_the_rules() {
    let codes = synthetic_codes(3_000);
    let products = as_products(&codes);
    for seed in [1, 2, 3] {
        let params = params(seed);
        let reports = generate(&products, &params);
        check_invariants(&products, &params, &reports);
    }
}

#[test]
fn tiny_and_empty_inputs_give_sane_output() {
    let codes = synthetic_codes(3);
    let products = as_products(&codes);
    let reports = generate(&products, &params(1));
    check_invariants(&products, &params(1), &reports);
    assert!(generate(&[], &params(1)).is_empty());
    let none = NationalParams {
        weeks: 0,
        ..params(1)
    };
    assert!(generate(&products, &none).is_empty());
}

#[test]
fn products_without_a_maker_also_have_shortages() {
    let codes = synthetic_codes(3_000);
    let products = as_products(&codes);
    let reports = generate(&products, &params(5));
    let unnamed_short = reports
        .iter()
        .filter(|r| products[r.product_index].maker_name.is_none() && r.shipping_status != "1")
        .count();
    assert!(unnamed_short > 0);
}

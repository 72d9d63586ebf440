//! Backtest of the knock-on forecast (issue 8) on the national history: for every week and group
//! where a member newly loses supply, the forecast's "likely next" members against the members
//! that really reported 限定出荷（他社品の影響） within the next 8 weeks, with two naive baselines.
//!
//! Run (from the repository root; debug is fast enough):
//!     cargo run -p supplywatch-tests --bin backtest-forecast -- [<price list CSV>] [--seed N]
//! (the price list defaults to `../shared/data/nhi_price_list_20250716.csv`). Prints a Markdown
//! report and writes it to `target/bench/early_warning.md`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use supplywatch::domain::forecast::{self, Declared, HORIZON_WEEKS, Loss, Member};
use supplywatch::domain::supply_status::{ShippingStatus, VolumeStatus};
use supplywatch::services::price_list::parse;
use supplywatch_seed::national::{self, GeneratedReport, MarketFacts, NationalParams};

/// The server's default seed of `seed --scale national`.
const DEFAULT_SEED: u64 = 20_250_716;
/// The last Friday of the history (fixed, so every run replays the same weeks).
const LAST_FRIDAY: NaiveDate = NaiveDate::from_ymd_opt(2025, 12, 26).expect("a valid date");
/// Weeks after an event in which a ⑫ 3 counts as the forecast coming true.
const WINDOW: usize = 8;
/// Weeks of public history the "recently out of ⑫ 3" variant looks back.
const RECENT_WEEKS: usize = 26;

/// A product's public state in one week: ⑫ and ⑯ codes.
type State = (&'static str, &'static str);

/// One way of picking the members expected to go ⑫ 3 next, and its tally.
struct Predictor {
    label: &'static str,
    pick: Pick,
    tally: Tally,
}

/// How a predictor picks.
#[derive(Clone, Copy)]
enum Pick {
    /// The forecast with nothing declared (+10% capacity assumed).
    Forecast,
    /// The forecast with every member declaring the same production increase, in %.
    Assumed(u64),
    /// The forecast with every member declaring its true spare capacity (not knowable).
    TrueSpare,
    /// The forecast, less the members that were in ⑫ 3 in the last [`RECENT_WEEKS`] weeks.
    SkipRecent,
    /// Every member in normal supply.
    Everyone,
    /// The member in normal supply with the largest shipments.
    Largest,
}

/// Counts over (event, member) pairs.
#[derive(Default, Clone, Copy)]
struct Tally {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Tally {
    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    fn row(&self, label: &str) -> String {
        let ratio = |a: u64, b: u64| {
            if b == 0 { 0.0 } else { to_f64(a) / to_f64(b) }
        };
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        format!(
            "| {label} | {} | {} | {} | {precision:.3} | {recall:.3} | {f1:.3} |",
            self.tp, self.fp, self.fn_
        )
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts far below 2^52 in a printed ratio"
)]
fn to_f64(n: u64) -> f64 {
    n as f64
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let mut args = std::env::args().skip(1);
    let mut path = PathBuf::from("../shared/data/nhi_price_list_20250716.csv");
    let mut seed = DEFAULT_SEED;
    while let Some(arg) = args.next() {
        if arg == "--seed" {
            seed = args.next().context("--seed needs a number")?.parse()?;
        } else {
            path = PathBuf::from(arg);
        }
    }
    let rows = drugs_with_a_maker(&path)?;
    let products: Vec<national::NationalProduct<'_>> = rows
        .iter()
        .map(|r| national::NationalProduct {
            code: r.code.as_str(),
            maker_name: r.maker_name.as_deref(),
        })
        .collect();
    let params = NationalParams::three_years_before(LAST_FRIDAY, seed);
    let generating = Instant::now();
    let reports = national::generate(&products, &params);
    let facts = national::market(&products, &params);
    let generation = generating.elapsed();
    let states = replay(products.len(), &params, &reports);
    let groups = groups(products.iter().map(|p| p.code));
    let result = backtest(&states, &groups, &facts);

    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut report = String::from("## Early-warning backtest (issue 8)\n\n");
    writeln!(
        report,
        "Machine: {} cores, {}; `{command}`; price list {} ({} drugs with a maker), seed {seed}, \
         {} weeks ending {LAST_FRIDAY}.\n",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        path.display(),
        products.len(),
        params.weeks,
    )?;
    result.render(&mut report)?;
    writeln!(
        report,
        "Runtime: generation {}, total {} ({} reports).",
        seconds(generation),
        seconds(started.elapsed()),
        reports.len()
    )?;
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/early_warning.md");
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(&out, report)?;
    Ok(())
}

/// The price list's drugs as `seed --scale national` takes them: those with a maker, by code.
fn drugs_with_a_maker(path: &Path) -> anyhow::Result<Vec<parse::PriceListRow>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("Failed to read the price list at {}", path.display()))?;
    let rows = parse::parse(&bytes)
        .map_err(|problems| anyhow::anyhow!("{} problems in the price list", problems.len()))?;
    let mut rows: Vec<_> = rows
        .into_iter()
        .filter(|r| r.maker_name.is_some())
        .collect();
    rows.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    Ok(rows)
}

/// The counts of a backtest.
struct Backtest {
    events: u64,
    pairs: u64,
    positives: u64,
    last_event_week: usize,
    predictors: Vec<Predictor>,
    /// ⑫ 3 episodes with a full window before them, and those the forecast listed beforehand.
    episodes: u64,
    foreseen: u64,
}

/// Replays every event of the history against every predictor.
fn backtest(states: &[Vec<State>], groups: &[Vec<usize>], facts: &[MarketFacts]) -> Backtest {
    let mut predictors = vec![
        predictor("forecast (nothing declared: +10% assumed)", Pick::Forecast),
        predictor("forecast, +5% assumed", Pick::Assumed(5)),
        predictor("forecast, +20% assumed", Pick::Assumed(20)),
        predictor(
            "forecast, each maker's true spare capacity declared",
            Pick::TrueSpare,
        ),
        predictor(
            "forecast, less members in ⑫ 3 in the last 26 weeks",
            Pick::SkipRecent,
        ),
        predictor("baseline: every normal-supply member", Pick::Everyone),
        predictor("baseline: the largest normal-supply member", Pick::Largest),
    ];
    let (mut events, mut pairs, mut positives) = (0_u64, 0_u64, 0_u64);
    // Weeks in which each product was listed as likely next by the forecast.
    let mut flagged: Vec<Vec<usize>> = vec![Vec::new(); facts.len()];
    let last_event_week = states.len().saturating_sub(WINDOW + 1);
    for t in 1..=last_event_week {
        for group in groups {
            if !group
                .iter()
                .any(|&p| newly_losing(states[t - 1][p], states[t][p]))
            {
                continue;
            }
            let normal: Vec<usize> = group
                .iter()
                .copied()
                .filter(|&p| loss(states[t][p]) == Loss::None)
                .collect();
            if normal.is_empty() {
                continue;
            }
            events += 1;
            let actual: Vec<bool> = normal
                .iter()
                .map(|&p| (t + 1..=t + WINDOW).any(|w| states[w][p].0 == "3"))
                .collect();
            pairs += normal.len() as u64;
            positives += actual.iter().filter(|&&a| a).count() as u64;
            for predictor in &mut predictors {
                let picked = pick(predictor.pick, group, states, t, facts);
                for (&p, &a) in normal.iter().zip(&actual) {
                    predictor.tally.add(picked.contains(&p), a);
                }
                if matches!(predictor.pick, Pick::Forecast) {
                    for &p in &picked {
                        flagged[p].push(t);
                    }
                }
            }
        }
    }
    let (episodes, foreseen) = knock_on_episodes(&states[..=last_event_week + 1], &flagged);
    Backtest {
        events,
        pairs,
        positives,
        last_event_week,
        predictors,
        episodes,
        foreseen,
    }
}

impl Backtest {
    /// The counts and the table, in Markdown.
    fn render(&self, out: &mut String) -> std::fmt::Result {
        let Self {
            events,
            pairs,
            positives,
            last_event_week,
            episodes,
            foreseen,
            ..
        } = self;
        writeln!(
            out,
            "{events} events (week × group with a member newly losing supply, weeks \
             1–{last_event_week}), {pairs} (event, normal-supply member) pairs, {positives} of them \
             positive (⑫ 3 within {WINDOW} weeks; the forecast's horizon is {HORIZON_WEEKS}).\n"
        )?;
        out.push_str(
            "| predictor | TP | FP | FN | precision | recall | F1 |\n|---|---|---|---|---|---|---|\n",
        );
        for predictor in &self.predictors {
            writeln!(out, "{}", predictor.tally.row(predictor.label))?;
        }
        writeln!(
            out,
            "\n⑫ 3 episodes started in weeks {}–{}: {episodes}; listed as likely next by the \
             forecast in the {WINDOW} weeks before: {foreseen} ({:.1}%).\n",
            WINDOW + 1,
            last_event_week + 1,
            100.0 * to_f64(*foreseen) / to_f64((*episodes).max(1)),
        )
    }
}

fn predictor(label: &'static str, pick: Pick) -> Predictor {
    Predictor {
        label,
        pick,
        tally: Tally::default(),
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The forecast's loss for a public state.
fn loss((shipping, volume): State) -> Loss {
    let shipping = ShippingStatus::from_code(shipping).expect("the generator writes ⑫ codes");
    let volume = VolumeStatus::from_code(volume).expect("the generator writes ⑰ codes");
    Loss::from_status(shipping, Some(volume), false)
}

/// Whether a member starts losing supply: ⑫ from 1 to 2, 4 or 5, or ⑯ newly B or C while
/// not in normal supply (a return to normal supply with ⑯ B is not a loss).
fn newly_losing(before: State, now: State) -> bool {
    let lower = |v: &str| matches!(v, "B" | "C");
    (before.0 == "1" && matches!(now.0, "2" | "4" | "5"))
        || (now.0 != "1" && !lower(before.1) && lower(now.1))
}

/// The members `pick` expects to go ⑫ 3 next, given the history up to week `t`.
fn pick(
    pick: Pick,
    group: &[usize],
    history: &[Vec<State>],
    t: usize,
    facts: &[MarketFacts],
) -> Vec<usize> {
    let states = &history[t];
    let normal = || {
        group
            .iter()
            .copied()
            .filter(|&p| loss(states[p]) == Loss::None)
    };
    let declared = |p: usize| match pick {
        Pick::Assumed(percent) => Declared {
            increase_percent: Some(percent),
            ..Declared::default()
        },
        Pick::TrueSpare => Declared {
            increase_percent: Some(u64::from(facts[p].spare_percent)),
            ..Declared::default()
        },
        _ => Declared::default(),
    };
    match pick {
        Pick::Everyone => normal().collect(),
        Pick::Largest => normal()
            .max_by_key(|&p| (facts[p].monthly_volume, std::cmp::Reverse(p)))
            .into_iter()
            .collect(),
        Pick::Forecast | Pick::Assumed(_) | Pick::TrueSpare | Pick::SkipRecent => {
            let members: Vec<Member<usize>> = group
                .iter()
                .map(|&p| Member {
                    key: p,
                    monthly_shipments: facts[p].monthly_volume,
                    loss: loss(states[p]),
                    declared: declared(p),
                })
                .collect();
            let recent = &history[t.saturating_sub(RECENT_WEEKS)..t];
            forecast::forecast(&members)
                .likely_next()
                .map(|o| o.key)
                .filter(|&p| {
                    !matches!(pick, Pick::SkipRecent) || recent.iter().all(|week| week[p].0 != "3")
                })
                .collect()
        }
    }
}

/// Every product's public state at the end of each week, replayed from the reports.
fn replay(
    products: usize,
    params: &NationalParams,
    reports: &[GeneratedReport],
) -> Vec<Vec<State>> {
    let weeks = usize::try_from(params.weeks).unwrap_or(0);
    let mut current: Vec<State> = vec![("1", "A"); products];
    let mut out = Vec::with_capacity(weeks);
    let mut next = 0;
    for week in 0..weeks {
        while let Some(r) = reports.get(next) {
            let days = (r.reported_on - params.first_week).num_days() + 4;
            if usize::try_from(days.div_euclid(7)).ok() != Some(week) {
                break;
            }
            current[r.product_index] = (r.shipping_status, r.volume_status);
            next += 1;
        }
        out.push(current.clone());
    }
    out
}

/// Same-spec groups (first 9 characters of the YJ code) with more than one member.
fn groups<'a>(codes: impl Iterator<Item = &'a str>) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (p, code) in codes.enumerate() {
        by_key
            .entry(code.get(..9).unwrap_or(code))
            .or_default()
            .push(p);
    }
    let mut out: Vec<Vec<usize>> = by_key.into_values().filter(|g| g.len() > 1).collect();
    out.sort_unstable();
    out
}

/// ⑫ 3 episodes started in weeks 9.. (so a full window lies before them), and how many of them
/// the forecast listed as likely next in the 8 weeks before.
fn knock_on_episodes(states: &[Vec<State>], flagged: &[Vec<usize>]) -> (u64, u64) {
    let (mut episodes, mut foreseen) = (0, 0);
    for s in WINDOW + 1..states.len() {
        for (p, weeks) in flagged.iter().enumerate() {
            if states[s][p].0 == "3" && states[s - 1][p].0 != "3" {
                episodes += 1;
                foreseen += u64::from(weeks.iter().any(|&t| t < s && t + WINDOW >= s));
            }
        }
    }
    (episodes, foreseen)
}

//! The week-by-week simulation behind [`super::generate`]: episodes, knock-on shortages, reports.

mod drift;
mod knock_on;
mod load;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::market::{self, MarketFacts};
use super::mix::{self, EXPECTED, KNOCK_ON, NO_OUTLOOK, NORMAL, OTHER, OWN, STOPPED, is_short};
use super::rng::{Rng, fnv1a, hash3, mix as scramble};
use super::{GeneratedReport, NationalParams, NationalProduct};

/// No causing product.
const NONE: usize = usize::MAX;
/// No ⑮ month.
const NO_MONTH: i64 = i64::MIN;
/// No pending week.
const NEVER: u32 = u32::MAX;
/// Attempts at drawing a product in normal supply before giving up (only tiny inputs get there).
const MAX_DRAWS: u32 = 10_000;

/// The maker-supplied fields ⑫–⑯ plus the causing product, as small numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    status: u8,
    reason: u8,
    cause: usize,
    outlook: u8,
    month: i64,
    volume: u8,
}

impl State {
    /// 通常出荷 at the given ⑯.
    const fn normal(volume: u8) -> Self {
        Self {
            status: NORMAL,
            reason: 0,
            cause: NONE,
            outlook: NO_OUTLOOK,
            month: NO_MONTH,
            volume,
        }
    }
}

/// One product's simulated life.
#[derive(Debug, Clone)]
struct Slot {
    state: State,
    /// The state in the last report.
    reported: State,
    last_report: u32,
    /// Week in which the current episode ends.
    end: u32,
    /// ⑯ in normal supply when covering no neighbour.
    baseline: u8,
    /// Per-mille odds of being chosen when a shortage starts somewhere (maker and product).
    fragility: u32,
    /// Whether a neighbour is short and this product covers for it.
    neighbours: Neighbours,
    /// For ⑫ 3: how the knock-on relates to its group.
    link: Link,
    /// The maker has had its chance to announce the end of an undecided episode.
    announced: bool,
    /// Hidden usual volume and spare capacity.
    facts: MarketFacts,
    /// Per mille of its usual volume it truly fails to ship now (the generator's own truth).
    lost: u32,
    /// In normal supply but overloaded by its neighbours' lost volume: the week its stock runs
    /// out and it goes ⑫ 3 ([`NEVER`] when not overloaded).
    due: u32,
    /// Has been through a knock-on and raised its output: does not go ⑫ 3 again until the
    /// group's lost volume fits its spare capacity.
    ramped: bool,
}

/// What a product sees of its same-spec neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Neighbours {
    /// None is short.
    Calm,
    /// One is short; this product does not ship more.
    Short,
    /// One is short and this product (in normal supply) ships more to cover: ⑯ A+.
    Covering,
}

/// How a 限定出荷（他社品の影響） relates to its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Not caused by a neighbour (or not a knock-on at all).
    Lone,
    /// Caused by a short neighbour.
    Caused,
    /// The neighbours' shortage is over and the end of this knock-on is scheduled.
    Orphaned,
}

/// The whole simulated market.
pub(super) struct Simulation {
    rng: Rng,
    seed: u64,
    first_week: NaiveDate,
    slots: Vec<Slot>,
    group_of: Vec<usize>,
    /// Members of group `g` are `members[group_start[g]..group_start[g + 1]]`.
    group_start: Vec<usize>,
    members: Vec<usize>,
    /// Number of members of each group in ⑫ 2, 4 or 5.
    short_in_group: Vec<u32>,
    counts: [usize; 6],
    /// Number of products in ⑫ 2 by ⑬.
    own_reasons: [u32; 9],
    /// Shortages started lately: (product, week).
    recent: Vec<(usize, u32)>,
    candidates: Vec<(usize, usize)>,
    candidate_stamp: Vec<u32>,
    scratch: Vec<usize>,
}

impl Simulation {
    /// Groups the products and gives each its baseline, fragility and market facts.
    pub(super) fn new(products: &[NationalProduct<'_>], params: &NationalParams) -> Self {
        let mut rng = Rng::new(params.seed);
        let mut group_ids: HashMap<&str, usize> = HashMap::with_capacity(products.len());
        let mut group_of = Vec::with_capacity(products.len());
        for product in products {
            let key = product.code.get(..9).unwrap_or(product.code);
            let next = group_ids.len();
            group_of.push(*group_ids.entry(key).or_insert(next));
        }
        let groups = group_ids.len();
        let mut group_start = vec![0; groups + 1];
        for &g in &group_of {
            group_start[g + 1] += 1;
        }
        for g in 0..groups {
            group_start[g + 1] += group_start[g];
        }
        let mut fill = group_start.clone();
        let mut members = vec![0; products.len()];
        for (p, &g) in group_of.iter().enumerate() {
            members[fill[g]] = p;
            fill[g] += 1;
        }
        let facts = market::market(products, params);
        let slots = products
            .iter()
            .zip(facts)
            .enumerate()
            .map(|(p, (product, facts))| {
                let own = hash3(params.seed, p as u64, 1);
                let shared = product.maker_name.map_or_else(
                    || hash3(params.seed, p as u64, 2),
                    |name| hash3(params.seed, fnv1a(name), 3),
                );
                // Both parts are below 800, so the sum fits.
                let fragility =
                    200 + u32::try_from(u64::midpoint(own % 800, shared % 800)).unwrap_or(0);
                let baseline = mix::baseline_volume(&mut rng);
                Slot {
                    state: State::normal(baseline),
                    reported: State::normal(baseline),
                    last_report: 0,
                    end: 0,
                    baseline,
                    fragility,
                    neighbours: Neighbours::Calm,
                    link: Link::Lone,
                    announced: false,
                    facts,
                    lost: 0,
                    due: NEVER,
                    ramped: false,
                }
            })
            .collect();
        Self {
            rng,
            seed: params.seed,
            first_week: params.first_week,
            slots,
            group_of,
            group_start,
            members,
            short_in_group: vec![0; groups],
            counts: [0, products.len(), 0, 0, 0, 0],
            own_reasons: [0; 9],
            recent: Vec::new(),
            candidates: Vec::new(),
            candidate_stamp: vec![u32::MAX; products.len()],
            scratch: Vec::new(),
        }
    }

    /// Runs every week and returns the reports in (date, product) order.
    pub(super) fn run(mut self, weeks: u32) -> Vec<GeneratedReport> {
        // About one report per product and 20 weeks beyond week 0, as calibrated.
        let mut out = Vec::with_capacity(self.slots.len() * (2 + weeks.min(1_000) as usize / 20));
        for week in 0..weeks {
            let Some(friday) = self.week_date(week) else {
                break;
            };
            self.step(week, friday);
            self.emit(week, friday, &mut out);
        }
        out
    }

    /// The Friday of week `week`, if representable.
    fn week_date(&self, week: u32) -> Option<NaiveDate> {
        self.first_week
            .checked_add_days(Days::new(7 * u64::from(week)))
    }

    /// The month of week `week` (the calendar's last month past its end).
    fn month_of_week(&self, week: u32) -> i64 {
        mix::month_index(self.week_date(week).unwrap_or(NaiveDate::MAX))
    }

    /// Group members of product `p`, itself included.
    fn group(&self, p: usize) -> &[usize] {
        let g = self.group_of[p];
        &self.members[self.group_start[g]..self.group_start[g + 1]]
    }

    /// Whether another product of `p`'s group is in ⑫ 2, 4 or 5.
    fn has_short_neighbour(&self, p: usize) -> bool {
        let own = u32::from(is_short(self.slots[p].state.status));
        self.short_in_group[self.group_of[p]] > own
    }

    /// Advances the market by one week: ends, starts, knock-ons, covering, outlook updates.
    fn step(&mut self, week: u32, friday: NaiveDate) {
        let month = mix::month_index(friday);
        let targets = mix::targets(friday, self.slots.len());
        self.end_episodes(week);
        for status in [STOPPED, OWN, OTHER] {
            while self.counts[usize::from(status)] < targets[usize::from(status)] {
                let Some(p) = self.draw_normal() else { break };
                let reason = if status == OWN {
                    mix::own_reason(&mut self.rng, &self.own_reasons)
                } else {
                    mix::reason(&mut self.rng, status, false)
                };
                self.start(p, status, reason, NONE, week, month);
                self.recent.push((p, week));
            }
        }
        self.schedule_orphaned_knock_ons(week);
        // Trimmed before this week's starts, so that every knock-on is reported at least once.
        self.trim_knock_ons(targets[usize::from(KNOCK_ON)]);
        self.spread_losses(week, month);
        self.start_knock_ons(targets[usize::from(KNOCK_ON)], week, month);
        self.fix_causes();
        self.update_volumes();
        self.update_outlooks(week, month);
    }

    /// Returns to normal supply every product whose episode ends this week.
    fn end_episodes(&mut self, week: u32) {
        for p in 0..self.slots.len() {
            let slot = &self.slots[p];
            if slot.state.status != NORMAL && slot.end <= week {
                self.finish(p);
            }
        }
    }

    /// Returns product `p` (not in normal supply) to normal supply now.
    fn finish(&mut self, p: usize) {
        let slot = &self.slots[p];
        let status = slot.state.status;
        if is_short(status) {
            self.short_in_group[self.group_of[p]] -= 1;
        }
        if status == OWN {
            self.own_reasons[usize::from(slot.state.reason)] -= 1;
        }
        self.counts[usize::from(status)] -= 1;
        self.counts[usize::from(NORMAL)] += 1;
        let slot = &mut self.slots[p];
        slot.state = State::normal(slot.baseline);
        slot.lost = 0;
        slot.due = NEVER;
        // A knock-on ends when its maker has caught up with the demand (or the cause is over).
        slot.ramped = status == KNOCK_ON;
    }

    /// A random product in normal supply, favouring fragile makers and products.
    fn draw_normal(&mut self) -> Option<usize> {
        for _ in 0..MAX_DRAWS {
            let p = self.rng.index(self.slots.len());
            let slot = self.slots.get(p)?;
            if slot.state.status == NORMAL && self.rng.chance(slot.fragility) {
                return Some(p);
            }
        }
        None
    }

    /// Starts an episode of `status` for product `p` (in normal supply) this week.
    fn start(&mut self, p: usize, status: u8, reason: u8, cause: usize, week: u32, month: i64) {
        let rng = &mut self.rng;
        let volume = mix::volume(rng, status, reason);
        let lost = mix::truly_lost(rng, status, volume);
        let length = mix::duration(rng, status, volume);
        // Week 0 is the initial state: its episodes began earlier and are part-way through.
        let end = week.saturating_add(if week == 0 {
            rng.between(1, length)
        } else {
            length
        });
        let outlook = mix::outlook(rng, status, volume);
        let noise = i64::from(rng.below(4)) - 1;
        let stock_out = i64::from(rng.below(4));
        let gives_stock_out = rng.chance(700);
        let expected_month = if outlook == EXPECTED {
            (self.month_of_week(end) + noise).max(month + 1)
        } else if status == STOPPED && gives_stock_out {
            month + stock_out
        } else {
            NO_MONTH
        };
        if is_short(status) {
            self.short_in_group[self.group_of[p]] += 1;
        }
        if status == OWN {
            self.own_reasons[usize::from(reason)] += 1;
        }
        self.counts[usize::from(NORMAL)] -= 1;
        self.counts[usize::from(status)] += 1;
        let slot = &mut self.slots[p];
        slot.state = State {
            status,
            reason,
            cause,
            outlook,
            month: expected_month,
            volume,
        };
        slot.end = end;
        slot.link = if status == KNOCK_ON && cause != NONE {
            Link::Caused
        } else {
            Link::Lone
        };
        slot.announced = false;
        slot.lost = lost;
        slot.due = NEVER;
    }

    /// Appends this week's reports: week 0, every change, and re-confirmations every 4 weeks.
    fn emit(&mut self, week: u32, friday: NaiveDate, out: &mut Vec<GeneratedReport>) {
        let days: [NaiveDate; 5] = std::array::from_fn(|k| {
            friday
                .checked_sub_days(Days::new(k as u64))
                .unwrap_or(friday)
        });
        let first = out.len();
        for (p, slot) in self.slots.iter_mut().enumerate() {
            let state = slot.state;
            let due = week == 0
                || state != slot.reported
                || (state.status != NORMAL && week - slot.last_report >= mix::RECONFIRM_WEEKS);
            if !due {
                continue;
            }
            slot.reported = state;
            slot.last_report = week;
            let k = scramble(hash3(self.seed, p as u64, u64::from(week))) % 5;
            let reported_on = days[usize::try_from(k).unwrap_or(0)];
            out.push(report(p, reported_on, state));
        }
        out[first..].sort_unstable_by_key(|r| (r.reported_on, r.product_index));
    }
}

/// The public report for one product's state.
fn report(p: usize, reported_on: NaiveDate, state: State) -> GeneratedReport {
    let normal = state.status == NORMAL;
    GeneratedReport {
        product_index: p,
        reported_on,
        shipping_status: mix::SHIPPING_CODES[usize::from(state.status)],
        reason: (!normal).then(|| mix::REASON_CODES[usize::from(state.reason)]),
        causing_product_index: (state.status == KNOCK_ON && state.cause != NONE)
            .then_some(state.cause),
        resolution_outlook: (!normal).then(|| mix::OUTLOOK_CODES[usize::from(state.outlook)]),
        resolution_month: (state.month != NO_MONTH).then(|| mix::format_month(state.month)),
        volume_status: mix::VOLUME_CODES[usize::from(state.volume)],
    }
}

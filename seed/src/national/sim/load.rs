//! Knock-on by volume: a group's truly lost volume moves to its members in normal supply in
//! proportion to their volumes; a member whose extra demand exceeds its spare capacity drains
//! its stock for 1–6 weeks, then goes 限定出荷（他社品の影響） with the biggest loser as cause.

use super::{NEVER, NONE, Simulation};
use crate::national::mix::{KNOCK_ON, NORMAL, is_short};
use crate::national::rng::Rng;

/// Lost volume of a group against the volume of its members in normal supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Load {
    /// Σ volume × lost‰ ÷ 1000 over the members losing supply (packages a month).
    pub(super) lost: u64,
    /// Σ volume of the members in normal supply.
    pub(super) remaining: u64,
}

impl Load {
    /// Extra demand per mille of its own volume for every member in normal supply (the share
    /// is the same for all: each receives in proportion to its volume).
    pub(super) fn extra_permille(self) -> u64 {
        self.lost
            .saturating_mul(1000)
            .checked_div(self.remaining)
            .unwrap_or(0)
    }
}

/// Weeks until the stock of a member overloaded by `overload`‰ of its volume runs out: the
/// bigger the overload, the sooner.
fn lag(rng: &mut Rng, overload: u64) -> u32 {
    match overload {
        500.. => rng.between(1, 2),
        200..500 => rng.between(2, 4),
        80..200 => rng.between(3, 5),
        _ => rng.between(4, 6),
    }
}

impl Simulation {
    /// The load of group `g` now.
    pub(super) fn load(&self, g: usize) -> Load {
        let mut load = Load {
            lost: 0,
            remaining: 0,
        };
        for &q in &self.members[self.group_start[g]..self.group_start[g + 1]] {
            let slot = &self.slots[q];
            let volume = slot.facts.monthly_volume;
            if slot.state.status == NORMAL {
                load.remaining += volume;
            } else {
                load.lost += volume * u64::from(slot.lost) / 1000;
            }
        }
        load
    }

    /// Schedules, cancels and starts knock-ons by volume in every group.
    pub(super) fn spread_losses(&mut self, week: u32, month: i64) {
        for g in 0..self.group_start.len() - 1 {
            let extra = self.load(g).extra_permille();
            for i in self.group_start[g]..self.group_start[g + 1] {
                let p = self.members[i];
                let slot = &mut self.slots[p];
                if slot.state.status != NORMAL {
                    continue;
                }
                let spare = u64::from(slot.facts.spare_percent) * 10;
                if extra <= spare {
                    slot.due = NEVER;
                    slot.ramped = false;
                    continue;
                }
                if slot.ramped {
                    continue;
                }
                if slot.due == NEVER {
                    // Week 0 is the initial state: its knock-ons are already under way.
                    slot.due = if week == 0 {
                        0
                    } else {
                        week.saturating_add(lag(&mut self.rng, extra - spare))
                    };
                }
                if self.slots[p].due <= week {
                    let cause = self.biggest_loser(p);
                    self.start(p, KNOCK_ON, 1, cause, week, month);
                }
            }
        }
    }

    /// The neighbour of `p` losing the most volume, a short one (⑫ 2, 4, 5) if any.
    fn biggest_loser(&self, p: usize) -> usize {
        let mut best = (false, 0, NONE);
        for &q in self.group(p) {
            let slot = &self.slots[q];
            let lost = slot.facts.monthly_volume * u64::from(slot.lost);
            let key = (is_short(slot.state.status), lost, q);
            if q != p && lost > 0 && key > best {
                best = key;
            }
        }
        best.2
    }

    /// Ends random knock-ons while ⑫ 3 is above its target (their makers caught up early).
    pub(super) fn trim_knock_ons(&mut self, target: usize) {
        let mut draws = 0;
        while self.counts[usize::from(KNOCK_ON)] > target && draws < super::MAX_DRAWS {
            draws += 1;
            let p = self.rng.index(self.slots.len());
            if self.slots[p].state.status == KNOCK_ON {
                self.finish(p);
            }
        }
    }
}

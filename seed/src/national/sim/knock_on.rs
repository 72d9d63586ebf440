//! Knock-on shortages kept on the ⑫ 3 trajectory: top-ups among the neighbours of short
//! products, the end of knock-ons whose cause is over, and their causing products.

use super::{Link, NONE, Simulation};
use crate::national::mix::{self, KNOCK_ON, NORMAL, is_short};

impl Simulation {
    /// Knock-ons whose group has no shortage left end within a few weeks.
    pub(super) fn schedule_orphaned_knock_ons(&mut self, week: u32) {
        for p in 0..self.slots.len() {
            let slot = &self.slots[p];
            if slot.state.status != KNOCK_ON || slot.link != Link::Caused {
                continue;
            }
            if !self.has_short_neighbour(p) {
                let lag = self.rng.between(1, 6);
                let slot = &mut self.slots[p];
                slot.end = slot.end.min(week.saturating_add(lag));
                slot.link = Link::Orphaned;
            }
        }
    }

    /// Brings ⑫ 3 up to its target when the knock-ons by volume ([`Self::spread_losses`]) fall
    /// short of it: first neighbours of fresh shortages, then of any shortage, then (rarely) a
    /// product with no short neighbour.
    pub(super) fn start_knock_ons(&mut self, target: usize, week: u32, month: i64) {
        let count = |sim: &Self| sim.counts[usize::from(KNOCK_ON)];
        if count(self) >= target {
            return;
        }
        let slots = &self.slots;
        self.recent.retain(|&(q, started)| {
            started.saturating_add(mix::KNOCK_ON_WINDOW) > week && is_short(slots[q].state.status)
        });
        let sources = std::mem::take(&mut self.recent);
        self.collect_candidates(sources.iter().map(|&(q, _)| q), week);
        self.recent = sources;
        self.start_candidates(target, week, month);
        if count(self) < target {
            let short: Vec<usize> = (0..self.slots.len())
                .filter(|&q| is_short(self.slots[q].state.status))
                .collect();
            self.collect_candidates(short.into_iter(), week);
            self.start_candidates(target, week, month);
        }
        while count(self) < target {
            let Some(p) = self.draw_normal() else { break };
            let reason = mix::reason(&mut self.rng, KNOCK_ON, true);
            self.start(p, KNOCK_ON, reason, NONE, week, month);
        }
    }

    /// Fills `candidates` with (normal neighbour, short product) pairs, each neighbour once.
    pub(super) fn collect_candidates(&mut self, sources: impl Iterator<Item = usize>, week: u32) {
        self.candidates.clear();
        for q in sources {
            let g = self.group_of[q];
            for &p in &self.members[self.group_start[g]..self.group_start[g + 1]] {
                if p != q && self.slots[p].state.status == NORMAL && self.candidate_stamp[p] != week
                {
                    self.candidate_stamp[p] = week;
                    self.candidates.push((p, q));
                }
            }
        }
    }

    /// Starts knock-ons from random candidates until the target is met or none is left.
    pub(super) fn start_candidates(&mut self, target: usize, week: u32, month: i64) {
        while self.counts[usize::from(KNOCK_ON)] < target && !self.candidates.is_empty() {
            let i = self.rng.index(self.candidates.len());
            let (p, q) = self.candidates.swap_remove(i);
            if self.slots[p].state.status == NORMAL && self.rng.chance(self.slots[p].fragility) {
                self.start(p, KNOCK_ON, 1, q, week, month);
            }
        }
    }

    /// Points every ⑫ 3 at a neighbour that is short now, whenever its group has one.
    pub(super) fn fix_causes(&mut self) {
        for p in 0..self.slots.len() {
            let state = self.slots[p].state;
            if state.status != KNOCK_ON
                || !self.has_short_neighbour(p)
                || (state.cause != NONE && is_short(self.slots[state.cause].state.status))
            {
                continue;
            }
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            scratch.extend(
                self.group(p)
                    .iter()
                    .copied()
                    .filter(|&q| q != p && is_short(self.slots[q].state.status)),
            );
            let cause = scratch[self.rng.index(scratch.len())];
            self.scratch = scratch;
            self.slots[p].state.cause = cause;
        }
    }
}

//! Drift within episodes: ⑯ covering and A↔B moves, ⑭/⑮ updates as expected months pass.

use super::{NO_MONTH, Neighbours, Simulation};
use crate::national::mix::{
    self, EXPECTED, KNOCK_ON, LESS, MORE, NORMAL, OTHER, OWN, UNDECIDED, USUAL,
};

impl Simulation {
    /// ⑯ moves: normal products may cover a short neighbour (A+); limited ones drift A↔B.
    pub(super) fn update_volumes(&mut self) {
        for p in 0..self.slots.len() {
            let has_short = self.has_short_neighbour(p);
            let slot = &self.slots[p];
            let status = slot.state.status;
            let neighbours = match (has_short, status == NORMAL, slot.neighbours) {
                (false, _, _) => Neighbours::Calm,
                // A neighbour has just become short: this product may step in.
                (true, true, Neighbours::Calm) if self.rng.chance(mix::COVERING_PER_MILLE) => {
                    Neighbours::Covering
                }
                (true, false, _) | (true, true, Neighbours::Calm) => Neighbours::Short,
                (true, true, kept) => kept,
            };
            let drift = matches!(status, OWN | KNOCK_ON | OTHER)
                && self.rng.chance(mix::VOLUME_DRIFT_PER_MILLE);
            let drifted = drift.then(|| {
                let volume = match slot.state.volume {
                    USUAL => LESS,
                    LESS => USUAL,
                    other => other,
                };
                (volume, mix::truly_lost(&mut self.rng, status, volume))
            });
            let slot = &mut self.slots[p];
            slot.neighbours = neighbours;
            if status == NORMAL {
                slot.state.volume = if neighbours == Neighbours::Covering {
                    MORE
                } else {
                    slot.baseline
                };
            } else if let Some((volume, lost)) = drifted {
                slot.state.volume = volume;
                slot.lost = lost;
            }
        }
    }

    /// ⑭/⑮ updates: a passed expected month is pushed back or becomes 未定, and an undecided
    /// episode may get an expected month shortly before it ends.
    pub(super) fn update_outlooks(&mut self, week: u32, month: i64) {
        for p in 0..self.slots.len() {
            let slot = &self.slots[p];
            let state = slot.state;
            if state.status == NORMAL {
                continue;
            }
            if state.outlook == EXPECTED && state.month <= month {
                let (outlook, new_month) = if self.rng.chance(600) {
                    (EXPECTED, month + i64::from(self.rng.between(1, 3)))
                } else {
                    (UNDECIDED, NO_MONTH)
                };
                let slot = &mut self.slots[p];
                slot.state.outlook = outlook;
                slot.state.month = new_month;
            } else if state.outlook == UNDECIDED
                && !slot.announced
                && slot.end <= week.saturating_add(6)
            {
                let end = slot.end;
                let announce = self.rng.chance(500);
                let expected =
                    (self.month_of_week(end) + i64::from(self.rng.below(2))).max(month + 1);
                let slot = &mut self.slots[p];
                slot.announced = true;
                if announce {
                    slot.state.outlook = EXPECTED;
                    slot.state.month = expected;
                }
            }
        }
    }
}

//! A tiny deterministic pseudo-random generator (`SplitMix64`), so the seed crate needs no `rand`.

/// `SplitMix64`: fast, good enough for synthetic data, identical on every platform.
#[derive(Debug, Clone)]
pub(super) struct Rng {
    state: u64,
}

/// The `SplitMix64` increment (the golden ratio in 64 bits).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Scrambles one 64-bit value (the `SplitMix64` output function).
pub(super) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of a few numbers, independent of any generator state.
pub(super) const fn hash3(a: u64, b: u64, c: u64) -> u64 {
    mix(mix(mix(a ^ GOLDEN).wrapping_add(b)).wrapping_add(c))
}

/// FNV-1a of a string (a maker name, a code), the same on every platform.
pub(super) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Rng {
    /// A generator whose sequence depends only on `seed`.
    pub(super) const fn new(seed: u64) -> Self {
        Self { state: mix(seed) }
    }

    /// The next 64 random bits.
    pub(super) const fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// A number in `0..n` (`0` when `n` is `0`); the modulo bias is negligible for our small `n`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the remainder is below n, itself a u32"
    )]
    pub(super) const fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        (self.next() % (n as u64)) as u32
    }

    /// A number in `lo..=hi` (`lo` when the range is empty).
    pub(super) const fn between(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// An index in `0..n` (`0` when `n` is `0`).
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the remainder is below n, itself a usize"
    )]
    pub(super) const fn index(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % (n as u64)) as usize
    }

    /// True with probability `per_mille / 1000`.
    pub(super) const fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille
    }

    /// One of the values of `table`, chosen with probability proportional to its weight.
    pub(super) fn weighted<T: Copy, const N: usize>(&mut self, table: &[(T, u32); N]) -> T {
        let total: u32 = table.iter().map(|&(_, w)| w).sum();
        let mut r = self.below(total);
        for &(value, weight) in &table[..N - 1] {
            if r < weight {
                return value;
            }
            r -= weight;
        }
        table[N - 1].0
    }
}

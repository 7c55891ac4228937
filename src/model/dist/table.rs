//! Fast Beta quantiles for PERT draws: a table per shape, built once.
//!
//! The exact inverse of the incomplete beta function ([`beta_quantile`]:
//! a continued fraction inside Halley steps, about 2.4 evaluations of it per
//! draw) was most of the time of a FAIR-style run. A PERT draw now reads a
//! table instead: still one uniform per draw, still the same monotone map
//! from that uniform to the sample, to within 1e-9 relative.
//!
//! # The table
//!
//! Each half of u ∈ (0, 1) is tabulated in its own variable, in which the
//! quantile is smooth right down to the tail:
//!
//! - for u ≤ 1/2, x as a function of s = u^(1/a). Near 0, u = I_x(a, b) =
//!   x^a F(x) / (a B(a, b)) with F analytic and F(0) = 1, so s = x G(x) with
//!   G analytic and positive: x(s) is analytic on [0, 2^(−1/a)], with x(0) = 0
//!   and x'(0) = (a B)^(1/a), where x(u) itself has an infinite derivative
//!   for a > 1;
//! - for u > 1/2, the same for 1 − x, which is Beta(b, a) at 1 − u (exact for
//!   u ≥ 1/2), in t = (1 − u)^(1/b).
//!
//! Each half holds [`INTERVALS`] equal intervals in s, with the exact
//! quantile and its exact derivative dx/ds = a B (s/x)^(a−1) / (1 − x)^(b−1)
//! at every node, and is read by cubic Hermite interpolation. Between nodes
//! the error is at most h⁴/384 · max |x⁗| (h the node spacing); the tests
//! hold the whole table to |x − exact| ≤ 1e-9 · min(x, 1 − x) over a dense
//! grid of u including every interval's midpoint (where Hermite's error
//! peaks) and both tails down to 2^−53, for PERT shapes from α = 1.0001 to
//! 4.9999 (the worst measured is 4.6e-11, twenty times inside the bound).
//! Interpolation with exact derivatives of a monotone smooth function on
//! this fine a grid is itself monotone (Fritsch–Carlson: every interval's derivative ratios are near 1;
//! [`BetaTable::new`] checks them in debug builds, the tests on every shape
//! they try).
//!
//! A table is 2 × ([`INTERVALS`] + 1) × 16 bytes (about 16 KB) and takes
//! 2 × 513 exact quantiles (about 1 ms) to build. Tables are shared by
//! shape: every `Pert` with the same α and β uses one table, built on its
//! first draw, and freed when the last distribution using it is dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use super::special::{beta_quantile, beta_quantile_lower_given, BetaShape};

/// Equal intervals in s per half of the table.
pub(super) const INTERVALS: usize = 512;

/// The quantile function of Beta(a, b), a, b > 1, as two tables.
#[derive(Debug)]
pub struct BetaTable {
    /// u ≤ 1/2: x of Beta(a, b).
    lower: Half,
    /// u > 1/2: 1 − x, i.e. Beta(b, a) at 1 − u.
    upper: Half,
}

/// One half: x(s) of Beta(a, b) at s = p^(1/a), p ∈ (0, 1/2].
#[derive(Debug)]
struct Half {
    inv_a: f64,
    /// Intervals per unit of s.
    scale: f64,
    /// At node i (s = i/scale): the quantile x and h·dx/ds (the derivative
    /// times the node spacing, as the Hermite basis takes it).
    nodes: Box<[[f64; 2]]>,
}

impl Half {
    fn new(a: f64, b: f64) -> Half {
        let s_max = 0.5_f64.powf(1.0 / a);
        let h = s_max / INTERVALS as f64;
        let shape = BetaShape::with_terms(a, b);
        let ln_ab = a.ln() + shape.ln_beta();
        let nodes = (0..=INTERVALS)
            .map(|i| {
                if i == 0 {
                    return [0.0, h * (ln_ab / a).exp()];
                }
                let s = i as f64 * h;
                let p = if i == INTERVALS { 0.5 } else { s.powf(a) };
                let x = node_quantile(p, a, b, &shape);
                // dx/ds = (dx/dp)(dp/ds) = a s^(a−1) / pdf(x), with
                // pdf(x) = x^(a−1) (1 − x)^(b−1) / B.
                let slope = (ln_ab + (a - 1.0) * (s / x).ln() - (b - 1.0) * (-x).ln_1p()).exp();
                [x, h * slope]
            })
            .collect();
        Half {
            inv_a: 1.0 / a,
            scale: INTERVALS as f64 / s_max,
            nodes,
        }
    }

    /// x at p ∈ (0, 1/2].
    #[inline]
    fn at(&self, p: f64) -> f64 {
        let t = (p.ln() * self.inv_a).exp() * self.scale;
        // `as` saturates: t is finite and >= 0 here.
        let i = (t as usize).min(INTERVALS - 1);
        let f = t - i as f64;
        let [x0, d0] = self.nodes[i];
        let [x1, d1] = self.nodes[i + 1];
        let g = 1.0 - f;
        // Cubic Hermite basis: (1 + 2f)g², f g², f²(3 − 2f), −f² g.
        let (f2, g2) = (f * f, g * g);
        x0 * ((1.0 + 2.0 * f) * g2) + d0 * (f * g2) + x1 * (f2 * (3.0 + -2.0 * f)) - d1 * (f2 * g)
    }

    /// Whether every interval meets the Fritsch–Carlson condition for a
    /// monotone cubic (derivative ratios α, β ≥ 0 with α² + β² ≤ 9).
    fn monotone(&self) -> bool {
        self.nodes.windows(2).all(|w| {
            let delta = w[1][0] - w[0][0];
            let (alpha, beta) = (w[0][1] / delta, w[1][1] / delta);
            delta > 0.0 && alpha >= 0.0 && beta >= 0.0 && alpha * alpha + beta * beta <= 9.0
        })
    }
}

/// [`beta_quantile`]`(p, a, b)` at a node, bit for bit, for the shape
/// `shape` of (a, b): the path `beta_quantile` takes for p ∈ (0, 1/2] and
/// shapes above 1, without working out what depends on the shape alone
/// again for every node (about a fifth of a table's build).
#[inline]
fn node_quantile(p: f64, a: f64, b: f64, shape: &BetaShape) -> f64 {
    if p > 0.0 && p <= 0.5 && a > 1.0 && b > 1.0 && a.is_finite() && b.is_finite() {
        beta_quantile_lower_given(p, shape)
    } else {
        beta_quantile(p, a, b)
    }
}

impl BetaTable {
    /// The tables of Beta(a, b) (a, b > 1; other shapes use closed forms).
    pub fn new(a: f64, b: f64) -> BetaTable {
        let table = BetaTable {
            lower: Half::new(a, b),
            upper: Half::new(b, a),
        };
        debug_assert!(table.lower.monotone() && table.upper.monotone());
        table
    }

    /// The quantile at u ∈ (0, 1) (as drawn by `unit_open`).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        if u <= 0.5 {
            self.lower.at(u)
        } else {
            1.0 - self.upper.at(1.0 - u)
        }
    }

    /// The table of Beta(a, b), shared with every other distribution of the
    /// same shape while one of them holds it.
    pub fn shared(a: f64, b: f64) -> Arc<BetaTable> {
        type Cache = Mutex<HashMap<(u64, u64), Weak<BetaTable>>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let cache = CACHE.get_or_init(Cache::default);
        let key = (a.to_bits(), b.to_bits());
        // A poisoned lock only means another thread panicked while holding
        // it; the map is still a valid cache.
        let mut map = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(table) = map.get(&key).and_then(Weak::upgrade) {
            return table;
        }
        map.retain(|_, t| t.strong_count() > 0);
        let table = Arc::new(BetaTable::new(a, b));
        map.insert(key, Arc::downgrade(&table));
        table
    }
}

/// A `Pert`'s table, built on its first draw (validating or drawing a large
/// estate never builds tables it does not sample). Clones share it. It is a
/// pure function of the shape, so it takes no part in equality.
#[derive(Clone, Default)]
pub struct PertTable(Arc<OnceLock<Arc<BetaTable>>>);

impl PertTable {
    /// The table of Beta(a, b).
    #[inline]
    pub fn get(&self, a: f64, b: f64) -> &BetaTable {
        self.0.get_or_init(|| BetaTable::shared(a, b))
    }
}

impl PartialEq for PertTable {
    fn eq(&self, _: &PertTable) -> bool {
        true
    }
}

impl std::fmt::Debug for PertTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PertTable")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PERT shapes (α + β = 6) from a mode next to the minimum to one next
    /// to the maximum, and both neighbours of the closed forms at 1.
    fn shapes() -> Vec<(f64, f64)> {
        let mut alphas = vec![
            1.0001, 1.01, 1.1, 1.5, 2.0, 2.6, 3.0, 3.7, 4.5, 4.9, 4.99, 4.9999,
        ];
        alphas.extend((1..8).map(|k| 1.0 + 4.0 * k as f64 / 8.0 + 0.013));
        alphas.into_iter().map(|a| (a, 6.0 - a)).collect()
    }

    /// u where the interpolation errs most (every interval's midpoint in s,
    /// both halves), a uniform grid, and both tails down to 2^−53.
    fn grid(a: f64, b: f64) -> Vec<f64> {
        let mut us = Vec::new();
        for (shape, upper) in [(a, false), (b, true)] {
            let s_max = 0.5_f64.powf(1.0 / shape);
            for i in 0..INTERVALS {
                let p = ((i as f64 + 0.5) * s_max / INTERVALS as f64).powf(shape);
                us.push(if upper { 1.0 - p } else { p });
            }
            for k in 2..=53 {
                let p = 2f64.powi(-k);
                for m in [1.0, 1.37] {
                    us.push(if upper { 1.0 - p * m } else { p * m });
                }
            }
        }
        us.extend((1..4000).map(|i| i as f64 / 4000.0));
        us.retain(|&u| u > 0.0 && u < 1.0);
        us
    }

    #[test]
    fn within_1e9_relative_of_the_exact_quantile() {
        let mut worst = 0.0_f64;
        for (a, b) in shapes() {
            let table = BetaTable::new(a, b);
            assert!(
                table.lower.monotone() && table.upper.monotone(),
                "({a}, {b})"
            );
            for u in grid(a, b) {
                // Relative to the nearer end: x below the median, 1 − x
                // (what the upper half holds, Beta(b, a) at 1 − u) above
                // it; either bounds the error relative to x too.
                let (got, exact) = if u <= 0.5 {
                    (table.lower.at(u), beta_quantile(u, a, b))
                } else {
                    (table.upper.at(1.0 - u), beta_quantile(1.0 - u, b, a))
                };
                let err = (got - exact).abs() / exact;
                worst = worst.max(err);
                assert!(
                    err <= 1e-9,
                    "({a}, {b}) at u = {u:e}: {got} vs {exact} ({err:e})"
                );
                let x = table.quantile(u);
                let exact = beta_quantile(u, a, b);
                assert!((x - exact).abs() <= 1e-9 * exact, "({a}, {b}) at u = {u:e}");
            }
        }
        eprintln!("worst relative error of the PERT table: {worst:e}");
    }

    #[test]
    fn monotone_on_a_fine_grid_and_across_the_halves() {
        for (a, b) in shapes() {
            let table = BetaTable::new(a, b);
            let mut prev = 0.0;
            for i in 1..200_000 {
                let q = table.quantile(i as f64 / 200_000.0);
                assert!(q > prev, "({a}, {b}) at {}", i as f64 / 200_000.0);
                prev = q;
            }
            let half = table.quantile(0.5);
            assert!(table.quantile(0.5 - 1e-12) <= half);
            assert!(half <= table.quantile(0.5 + 1e-12));
            let (lo, hi) = (
                table.quantile(2f64.powi(-53)),
                table.quantile(1.0 - 2f64.powi(-53)),
            );
            assert!(lo > 0.0 && hi <= 1.0, "({a}, {b}): {lo}, {hi}");
        }
    }

    #[test]
    fn nodes_are_the_exact_quantiles_bit_for_bit() {
        // The build's shortcuts (what depends on the shape alone worked
        // out once) change no node: `beta_quantile` works everything out
        // at each use.
        for (a, b) in shapes()
            .into_iter()
            .chain([(3.0, 3.0), (1.5, 9.5), (7.0, 1.25)])
        {
            for (half, (shape, other)) in [
                (BetaTable::new(a, b).lower, (a, b)),
                (BetaTable::new(a, b).upper, (b, a)),
            ] {
                let s_max = 0.5_f64.powf(1.0 / shape);
                let h = s_max / INTERVALS as f64;
                for (i, node) in half.nodes.iter().enumerate().skip(1) {
                    let p = if i == INTERVALS {
                        0.5
                    } else {
                        (i as f64 * h).powf(shape)
                    };
                    let exact = beta_quantile(p, shape, other);
                    assert_eq!(node[0].to_bits(), exact.to_bits(), "({a}, {b}) node {i}");
                }
            }
        }
    }

    #[test]
    fn tables_are_shared_by_shape_and_freed() {
        let one = BetaTable::shared(2.0, 4.0);
        let two = BetaTable::shared(2.0, 4.0);
        assert!(Arc::ptr_eq(&one, &two));
        let other = BetaTable::shared(4.0, 2.0);
        assert!(!Arc::ptr_eq(&one, &other));
        let weak = Arc::downgrade(&one);
        drop((one, two));
        assert!(weak.upgrade().is_none());
    }
}

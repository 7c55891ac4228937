//! Lifetimes that surely end past the horizon, by when they start (fenced
//! micro-optimisation).
//!
//! # Contract
//!
//! For a service whose time to failure is `ttf`, started (a recovery, or a
//! failure clock that resumes) at t ∈ [0, horizon]: every draw u with
//! `u >= Reach::from(svc, t)` gives a failure at
//! `on_grid(t + ttf.quantile(u))` at or past the horizon, which
//! [`Trial::schedule`](super::Trial::schedule) drops. Such a draw need not be
//! turned into a time at all: [`Trial::schedule_failure`](super::Trial::schedule_failure)
//! skips its quantile (a logarithm, a power or a normal quantile), as it
//! already did from time zero with `ServicePlan::ttf_past_horizon`. About a
//! third of the lifetimes drawn after a recovery end past the horizon in the
//! bundled scenarios. The draw itself is taken as before, so every stream
//! stays where it was; a skipped failure leaves the service as one that
//! surely ends past the horizon does (no event; see `schedule_failure`).
//! The engine tests hold runs with and without the skip to equal
//! accumulators.
//!
//! # How
//!
//! The horizon is cut into [`STRETCHES`] stretches; stretch k starts at
//! t_k = k · step. From t ≥ t_k, a time to failure of at least
//! x_k = next_up(horizon − t_k) + one tick reaches past the horizon even
//! after rounding to the clock's grid, so the bound for stretch k is
//! `ttf.quantile_reaches_from(x_k)` (+∞ where the distribution has none).
//! [`Reach::from`] finds the stretch with t_k ≤ t: t · K/horizon, less
//! one where that rounds up past t's stretch (t_k as the table has it).

use super::super::clock::{open_end, TICKS_PER_HOUR};
use super::super::compile::SimPlan;

/// Stretches of the horizon with a bound each.
pub(super) const STRETCHES: usize = 32;

/// The most services whose bounds are built and used: 256 bytes a
/// service, 64 KB in all, which stays in a core's cache. On larger
/// estates a lookup missed the cache at more cost than the quantile it
/// saved (a generated 10 000-service estate ran about 6% slower with the
/// skip, 1 000 services no differently), so there the bounds are not
/// built and every lifetime is turned into a time, as before.
pub(super) const MOST_SERVICES: usize = 256;

/// Per service and stretch of the horizon: the draw from which a lifetime
/// started in the stretch surely ends past the horizon.
pub(super) struct Reach {
    /// Stretches per hour.
    per_hour: f64,
    /// Where each stretch starts: k · step.
    starts: [f64; STRETCHES],
    from: Vec<[f64; STRETCHES]>,
}

impl Reach {
    /// The bounds of `plan`'s services (a [`super::Trial`] is made for one
    /// plan); none beyond [`MOST_SERVICES`] ([`Reach::built`]).
    pub(super) fn new(plan: &SimPlan) -> Reach {
        let h = plan.horizon;
        let step = h / STRETCHES as f64;
        let few = plan.services.len() <= MOST_SERVICES;
        let from = plan
            .services
            .iter()
            .filter(|_| few)
            .map(|p| {
                std::array::from_fn(|k| match &p.ttf {
                    Some(ttf) if h.is_finite() && h > 0.0 => {
                        let rest = h - k as f64 * step;
                        if rest > 0.0 {
                            ttf.quantile_reaches_from(open_end(rest) + 1.0 / TICKS_PER_HOUR)
                        } else {
                            f64::INFINITY
                        }
                    }
                    _ => f64::INFINITY,
                })
            })
            .collect();
        Reach {
            per_hour: STRETCHES as f64 / h,
            starts: std::array::from_fn(|k| k as f64 * step),
            from,
        }
    }

    /// Whether the bounds were built (at most [`MOST_SERVICES`] services,
    /// at least one): [`Reach::from`] is used only then.
    pub(super) fn built(&self) -> bool {
        !self.from.is_empty()
    }

    /// The draw from which a lifetime of service `svc` started at `t`
    /// (≥ 0) surely ends past the horizon.
    #[inline]
    pub(super) fn from(&self, svc: usize, t: f64) -> f64 {
        // `as` saturates (and takes NaN to 0). The product may round up to
        // the next stretch when t is at its start, never further: the
        // stretch before it then starts before t.
        let k = ((t * self.per_hour) as u32).min(STRETCHES as u32 - 1) as usize;
        let k = k - usize::from(t < self.starts[k]);
        self.from[svc][k]
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::clock::on_grid;
    use super::*;
    use crate::model::Dist;
    use proptest::prelude::*;

    /// Every draw at or past a bound ends past the horizon from every start
    /// in its stretch (its first and last instant on the grid included),
    /// and the bounds do skip: later stretches have lower bounds.
    #[test]
    fn draws_past_a_bound_end_past_the_horizon() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hospital.ron"),
        )
        .expect("bundled");
        let model = crate::scenario::parse_str(&text).expect("valid");
        let plan = SimPlan::compile(&model);
        let reach = Reach::new(&plan);
        let h = plan.horizon;
        let mut finite = 0;
        for (i, p) in plan.services.iter().enumerate() {
            let Some(ttf) = &p.ttf else { continue };
            for k in 0..STRETCHES {
                let t0 = reach.starts[k];
                let t1 = if k + 1 < STRETCHES {
                    reach.starts[k + 1]
                } else {
                    h
                };
                for t in [
                    t0,
                    on_grid(t0),
                    (t0 + t1) / 2.0,
                    f64::from_bits(t1.to_bits() - 1),
                    h,
                ] {
                    if t < t0 || t > h {
                        continue;
                    }
                    let bound = reach.from(i, t);
                    assert!(bound <= reach.from(i, t0));
                    if !bound.is_finite() {
                        continue;
                    }
                    finite += 1;
                    let mut u = bound;
                    for _ in 0..200 {
                        assert!(on_grid(t + ttf.quantile(u)) >= h, "{i} {t} {u}");
                        u = (u + (1.0 - u) * 0.07).min(1.0 - f64::EPSILON / 2.0);
                    }
                }
            }
            if matches!(ttf, Dist::Exponential { .. } | Dist::Weibull { .. }) {
                assert!(reach.from(i, h * 0.99) < reach.from(i, 0.0), "{i}");
            }
        }
        assert!(finite > 100, "{finite}");
    }

    /// The bounds are built, and the skip taken, up to
    /// [`MOST_SERVICES`] services and not beyond.
    #[test]
    fn bounds_are_built_for_small_estates_only() {
        for (n, small) in [(MOST_SERVICES, true), (MOST_SERVICES + 1, false)] {
            let text = crate::sim::generate::layered(n, 3).expect("valid");
            let plan = SimPlan::compile(&crate::scenario::parse_str(&text).expect("valid"));
            assert_eq!(plan.services.len(), n);
            assert_eq!(Reach::new(&plan).built(), small, "{n}");
            assert_eq!(super::super::Trial::new(&plan).skip_past, small, "{n}");
        }
    }

    /// Runs with and without the skip give equal accumulators, and the
    /// skip is taken (lifetimes that the bound from time zero would have
    /// computed): bundled scenarios with exponential and Weibull lifetimes,
    /// outages that pause failure clocks, a disaster, and a generated
    /// estate.
    #[test]
    fn skipping_lifetimes_past_the_horizon_changes_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = ["hospital", "saas-multi-region", "regional-bank", "tutorial"]
            .iter()
            .map(|n| {
                std::fs::read_to_string(root.join(format!("scenarios/{n}.ron"))).expect("bundled")
            })
            .collect();
        texts.push(crate::sim::generate::layered(200, 3).expect("valid"));
        for text in texts {
            let model = crate::scenario::parse_str(&text).expect("valid");
            let plan = SimPlan::compile(&model);
            let run = |skip: bool| {
                super::super::annual_trials(&plan, 3, 300, |trial| trial.skip_past = skip)
            };
            let (with, without) = (run(true), run(false));
            assert!(with == without, "{}", model.name);
            assert!(with.annual_loss.sum() > 0.0, "{}", model.name);
            let mut trial = super::super::Trial::new(&plan);
            let mut acc = plan.accumulator();
            for k in 0..300 {
                trial.run(&plan, super::super::Mode::Annual, 3, k, &mut acc);
            }
            assert!(trial.skipped_past > 0, "{}", model.name);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The Weibull's bound ([`Dist::quantile_reaches_from`]) is sound
        /// on the draws from it and tight.
        #[test]
        fn weibull_quantile_reaches_from_is_a_sound_and_tight_bound(
            shape in prop_oneof![0.1..1.0f64, 1.0..12.0f64, Just(0.1), Just(0.8)],
            scale in 1e-3..1e7f64,
            ratio in 0.0..3.0f64,
            steps in proptest::collection::vec(0u64..1 << 40, 8),
        ) {
            let d = Dist::weibull(shape, scale).expect("valid");
            let x = ratio * scale;
            let from = d.quantile_reaches_from(x);
            if (ratio * (1.0 + 1e-9)).powf(shape) > 10.0 {
                prop_assert_eq!(from, f64::INFINITY);
            } else {
                crate::model::dist::reach_bound_holds(&d, x, from, &steps)?;
            }
            // Below a shape of 0.1 no bound is given.
            let thin = Dist::weibull(0.09, scale).expect("valid");
            prop_assert_eq!(thin.quantile_reaches_from(x), f64::INFINITY);
        }
    }
}

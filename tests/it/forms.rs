//! The closed forms of REFERENCE.md at the boundaries where they bite: a
//! k-of-n group at k = 1 and k = n, crews at and beyond the number of
//! restores, a failover that always or never works, a detection exactly at
//! the dwell, the expected shortfall with its atom at VaR, a common factor
//! with a large variance (variance and covariance, not only the mean), an
//! aggregate limit that binds exactly, first passage with p < 1.
//!
//! Every tolerance is `Z` standard errors of the estimate, worked out from
//! the closed form's own moments (or the run's exact accumulators), never a
//! fixed percentage. The scenarios are written from the user documentation
//! alone (docs/scenario-language.md).

use crate::common::engine::*;
use crate::common::{assert_close, integrate, p_up, site_disaster};

/// Standard errors allowed between simulation and closed form.
const Z: f64 = 4.0;

/// P(N = k) for N ~ Poisson(λ).
fn poisson(l: f64, k: u32) -> f64 {
    if l == 0.0 {
        return f64::from(u8::from(k == 0));
    }
    (-l + f64::from(k) * l.ln() - (1..=k).map(|i| f64::from(i).ln()).sum::<f64>()).exp()
}

/// E[f(N)] for N ~ Poisson(λ), summed to where the tail is negligible.
fn expect(l: f64, f: impl Fn(u32) -> f64) -> f64 {
    (0..400).map(|n| poisson(l, n) * f(n)).sum()
}

/// Members of unequal availability, so that k = 1 (parallel:
/// 1 − Π(1 − Aᵢ)) and k = n (series: Π Aᵢ) differ from any symmetric
/// formula: P(at least k of 3 up) summed over the 2³ states, at every t of
/// the transient.
#[test]
fn k_of_n_groups_at_k_one_and_k_n_with_unequal_members() {
    let members = [
        (1.0 / 100.0, 1.0 / 25.0),
        (1.0 / 200.0, 1.0 / 10.0),
        (0.02, 0.2),
    ];
    let at_least = |k: usize, t: f64| -> f64 {
        let p: Vec<f64> = members.iter().map(|&(l, m)| p_up(l, m, t)).collect();
        (0u32..8)
            .filter(|s| s.count_ones() as usize >= k)
            .map(|s| {
                (0..3)
                    .map(|i| if s >> i & 1 == 1 { p[i] } else { 1.0 - p[i] })
                    .product::<f64>()
            })
            .sum()
    };
    for k in [1usize, 3] {
        let text = format!(
            r#"Scenario(name: "k of n", horizon: "1y", services: [
            Service(id: "x", failure: (mtbf: "100h", repair: Exponential(mean: "25h"))),
            Service(id: "y", failure: (mtbf: "200h", repair: Exponential(mean: "10h"))),
            Service(id: "z", failure: (mtbf: "50h", repair: Exponential(mean: "5h"))),
            Service(id: "app", depends_on: ["g"]),
        ], groups: [Group(id: "g", members: ["x", "y", "z"], need: {k})])"#
        );
        let run = annual(&text, 3000);
        let expected = integrate(8760.0, |t| 1.0 - at_least(k, t));
        let app = &run.acc.services[3].downtime;
        assert_close(
            &format!("{k}-of-3 downtime"),
            app.mean(),
            expected,
            Z * app.std_error(),
        );
    }
}

/// Σ_{k=1..n} m / min(c, k) for n = 4 restores of Exp(10 h): c = 3 waits
/// once, and from c = n on no restore ever waits, so c = 4, c = 5 and
/// unlimited crews give the same trials bit for bit (common random numbers)
/// and the expected maximum m·H₄.
#[test]
fn crews_at_and_beyond_the_number_of_restores() {
    let n = 2000;
    let three = drill(&site_disaster(", plan: Plan(crews: 3)"), "fire", n);
    let d = &three.acc.services[4].outage_duration;
    let expected = 10.0 * (1.0 + 1.0 / 2.0 + 1.0 / 3.0 + 1.0 / 3.0);
    assert_close("c = 3", d.mean(), expected, Z * d.std_error());
    let unlimited = drill(&site_disaster(""), "fire", n);
    let h4 = 10.0 * (1.0 + 1.0 / 2.0 + 1.0 / 3.0 + 1.0 / 4.0);
    let u = &unlimited.acc.services[4].outage_duration;
    assert_close("unlimited", u.mean(), h4, Z * u.std_error());
    for c in [4, 5] {
        let run = drill(
            &site_disaster(&format!(", plan: Plan(crews: {c})")),
            "fire",
            n,
        );
        let d = &run.acc.services[4].outage_duration;
        assert_eq!(
            (d.mean(), d.variance()),
            (u.mean(), u.variance()),
            "c = {c}"
        );
    }
}

/// The finite-source queue pₙ ∝ Π (N − i + 1)λ / (min(i, c)μ) at c = 2 and
/// at c = N (three independent machines, N·λ/(λ + μ)).
#[test]
fn finite_source_queue_with_two_and_with_n_crews() {
    let (machines, l, m) = (3usize, 0.02, 0.1);
    let h = 20.0 * 8760.0;
    for c in [2usize, 3] {
        let text = format!(
            r#"Scenario(name: "queue", horizon: "20y", services: [
            Service(id: "m1", failure: (mtbf: "50h", repair: Exponential(mean: "10h"))),
            Service(id: "m2", failure: (mtbf: "50h", repair: Exponential(mean: "10h"))),
            Service(id: "m3", failure: (mtbf: "50h", repair: Exponential(mean: "10h"))),
        ], plan: Plan(crews: {c}))"#
        );
        let run = annual(&text, 300);
        let mut p = vec![1.0];
        for i in 1..=machines {
            let prev = p[i - 1];
            p.push(prev * (machines - i + 1) as f64 * l / (i.min(c) as f64 * m));
        }
        let z: f64 = p.iter().sum();
        let expected: f64 = p.iter().enumerate().map(|(k, pk)| k as f64 * pk / z).sum();
        if c == machines {
            assert!((expected - 3.0 * l / (l + m)).abs() < 1e-12);
        }
        let s = &run.acc.services;
        let got = s.iter().map(|s| s.downtime.mean()).sum::<f64>() / h;
        // SE of a sum ≤ the sum of SEs (any correlation).
        let se = s.iter().map(|s| s.downtime.std_error()).sum::<f64>() / h;
        assert_close(&format!("E[units down], c = {c}"), got, expected, Z * se);
    }
}

/// (1 − f)·s + f·r at f = 0 and f = 1 is exact, and a restore of exactly
/// the RTO meets it.
#[test]
fn a_failover_that_always_or_never_works_is_exact() {
    for (success, expected) in [(1.0, 0.25), (0.0, 8.0)] {
        let text = format!(
            r#"Scenario(name: "failover", sites: [Site(id: "east"), Site(id: "west")], services: [
            Service(id: "db", site: "east", rto: "8h",
                    backup: (interval: "1h", restore: Fixed("8h")),
                    failover: (site: "west", switchover: Fixed("15m"), success: {success})),
        ], threats: [Disaster(id: "loss", rate_per_year: 0.1, targets: [Service("db")])])"#
        );
        let run = drill(&text, "loss", 500);
        let db = &run.summary.services[0];
        let d = &db.outage_duration_hours;
        assert_eq!((d.mean, d.p50, d.p99), (expected, expected, expected));
        assert_eq!(db.rto_met, Some(1.0), "success {success}");
    }
}

/// The detection race P(contained) = d/(a + d) at its boundary: a detection
/// exactly at the end of the dwell comes too late (the attack is contained
/// only when detection comes first), one an hour earlier always in time.
#[test]
fn a_detection_exactly_at_the_dwell_does_not_contain() {
    for (detection, contained) in [("48h", 0.0), ("47h", 1.0)] {
        let text = format!(
            r#"Scenario(name: "race", services: [
            Service(id: "s0", backup: (interval: "1h", restore: Fixed("1h"))),
            Service(id: "s1", depends_on: ["s0"], backup: (interval: "1h", restore: Fixed("1h"))),
        ], threats: [Ransomware(id: "rw", rate_per_year: 2.0, entry: ["s0"],
            spread: (probability: 0.5, time: Fixed("1h")),
            dwell: Fixed("48h"), detection: Fixed("{detection}"))])"#
        );
        let run = annual(&text, 1000);
        let rw = run.threat("rw");
        assert!(rw.occurrences.mean > 1.5, "{}", rw.occurrences.mean);
        assert_eq!(rw.contained_fraction, Some(contained), "{detection}");
    }
}

/// L = C·N, N ~ Poisson(1.5): F(3) = 0.934 and F(4) = 0.981, F(5) = 0.9955,
/// so VaR95 = 4C and VaR99 = 5C, each an atom with well over 4 SE of room
/// either side at 100 000 trials. The expected shortfall splits that atom:
/// ES_α = (E[L·1{L > v}] + v·(1 − α − P(L > v))) / (1 − α) = v + E[(L − v)⁺]
/// / (1 − α), whose estimator at the exact v has SE sd((L − v)⁺) / ((1 −
/// α)√N).
#[test]
fn the_expected_shortfall_splits_the_atom_at_var() {
    let (l, c) = (1.5f64, 1000.0);
    let text = format!(
        r#"Scenario(name: "poisson", services: [Service(id: "a")],
        threats: [LossEvent(id: "fine", rate_per_year: {l}, cost: Fixed({c}))])"#
    );
    let n = 100_000u32;
    let run = annual(&text, u64::from(n));
    let a = &run.summary.annual_loss;
    assert_eq!((a.p95, a.p99), (4.0 * c, 5.0 * c));
    for (alpha, var, got) in [(0.95, 4u32, a.tvar_95), (0.99, 5, a.tvar_99)] {
        let tail = |k: u32| f64::from(u8::from(k > var));
        let above = expect(l, |k| tail(k) * f64::from(k) * c);
        let p_above = expect(l, tail);
        let v = f64::from(var) * c;
        let es = (above + v * (1.0 - alpha - p_above)) / (1.0 - alpha);
        let excess = |k: u32| (f64::from(k) * c - v).max(0.0);
        let (m1, m2) = (expect(l, excess), expect(l, |k| excess(k).powi(2)));
        assert!((es - (v + m1 / (1.0 - alpha))).abs() < 1e-6 * es);
        let se = (m2 - m1 * m1).sqrt() / ((1.0 - alpha) * f64::from(n).sqrt());
        assert_close(&format!("ES {alpha}"), got, es, Z * se);
        // Not the mean of every year at or above VaR (the atom in full).
        let naive = expect(l, |k| f64::from(u8::from(k >= var)) * f64::from(k) * c)
            / expect(l, |k| f64::from(u8::from(k >= var)));
        assert!((got - naive).abs() > Z * se, "{got} {naive} {se}");
    }
}

/// With VaR99 = 0 too (a loss year is rarer than 1%), ES99 = E[L] / 0.01,
/// on the same sample exactly and against the closed form within its SE.
#[test]
fn the_expected_shortfall_at_99_when_var_is_zero() {
    let text = r#"Scenario(name: "rare", services: [Service(id: "a")],
        threats: [LossEvent(id: "breach", rate_per_year: 0.005, cost: Fixed(1000000))])"#;
    let run = annual(text, 100_000);
    let a = &run.summary.annual_loss;
    assert_eq!((a.p95, a.p99), (0.0, 0.0));
    let mean = &run.acc.annual_loss;
    assert_close(
        "ES99 of the sample",
        a.tvar_99,
        mean.mean() / 0.01,
        1e-9 * a.tvar_99,
    );
    assert_close(
        "ES99",
        a.tvar_99,
        5000.0 / 0.01,
        Z * mean.std_error() / 0.01,
    );
}

/// A common factor M ~ Empirical([0, 0, 1, 5]) (E[M] = 1.5, Var[M] = 4.25)
/// on two Poisson threats: E[Nᵢ] = λᵢE[M], Var[Nᵢ] = λᵢE[M] + λᵢ²Var[M],
/// Cov = λ₁λ₂Var[M]. The sample variance's SE is √((μ₄ − σ⁴)/n) and the
/// sample covariance's √((E[(X − a)²(Y − b)²] − Cov²)/n), both from the
/// exact mixed-Poisson moments (given M the counts are independent
/// Poissons).
#[test]
fn a_common_factor_with_a_large_variance_gives_the_mixed_poisson_moments() {
    let (l1, l2) = (2.0f64, 3.0f64);
    let ms = [0.0, 0.0, 1.0, 5.0];
    let text = format!(
        r#"Scenario(name: "season", services: [Service(id: "s")],
        threats: [
            LossEvent(id: "storm", rate_per_year: {l1}, cost: Fixed(1)),
            LossEvent(id: "flood", rate_per_year: {l2}, cost: Fixed(1)),
        ],
        common_factors: [(id: "season", threats: ["storm", "flood"], multiplier: Empirical([0, 0, 1, 5]))])"#
    );
    let n = 40_000u32;
    let run = annual(&text, u64::from(n));
    let (em, vm) = (1.5, 4.25);
    // E over M of a function of the conditional Poisson rate(s).
    let over_m = |f: &dyn Fn(f64) -> f64| ms.iter().map(|&m| f(m)).sum::<f64>() / 4.0;
    // Central moments of N ~ mixed Poisson(λM) about its mean a.
    let central = |l: f64, k: i32| {
        let a = l * em;
        over_m(&|m| expect(l * m, |j| (f64::from(j) - a).powi(k)))
    };
    let idx = |id: &str| run.model.threat_id(id).expect("threat").index() + 1;
    let (s1, s2) = (
        &run.acc.causes[idx("storm")].occurrences,
        &run.acc.causes[idx("flood")].occurrences,
    );
    for (id, l, acc) in [("storm", l1, s1), ("flood", l2, s2)] {
        let var = l * em + l * l * vm;
        assert!((central(l, 2) - var).abs() < 1e-9 * var);
        assert_close(id, acc.mean(), l * em, Z * (var / f64::from(n)).sqrt());
        let se = ((central(l, 4) - var * var) / f64::from(n)).sqrt();
        assert_close(&format!("{id} variance"), acc.variance(), var, Z * se);
    }
    // Var[N₁ + N₂] = Var[N₁] + Var[N₂] + 2 Cov, seen through the loss.
    let cov = l1 * l2 * vm;
    let got = (run.acc.annual_loss.variance() - s1.variance() - s2.variance()) / 2.0;
    let (a, b) = (l1 * em, l2 * em);
    // Given M: E[(X − a)²] = λM + (λM − a)², and X, Y independent.
    let sq = |l: f64, m: f64, a: f64| l * m + (l * m - a).powi(2);
    let e4 = over_m(&|m| sq(l1, m, a) * sq(l2, m, b));
    let se = ((e4 - cov * cov) / f64::from(n)).sqrt();
    assert_close("covariance", got, cov, Z * se);
    assert!(Z * se < 0.2 * cov, "the check can tell Cov from 0: {se}");
}

/// An aggregate that is an exact multiple of the payment: the second
/// payment uses exactly what is left (not cut), the third is cut, so the
/// aggregate is exhausted in P(N ≥ 3) of the years, not P(N ≥ 2); E[min(N·p,
/// A)] and a second layer that pays on what the first left.
#[test]
fn an_aggregate_that_binds_at_an_exact_multiple() {
    let (l, x, p, agg) = (3.0f64, 100_000.0, 50_000.0, 100_000.0);
    let text = format!(
        r#"Scenario(name: "insured", services: [Service(id: "s")],
        threats: [LossEvent(id: "breach", rate_per_year: {l}, cost: Fixed({x}))],
        insurance: [Policy(id: "p1", deductible: 20000, limit: {p}, aggregate_limit: {agg}, premium: 7000),
                    Policy(id: "p2", limit: 60000)])"#
    );
    let n = 40_000u32;
    let run = annual(&text, u64::from(n));
    let net = run.acc.net.as_ref().expect("insured");
    let pay1 = |k: u32| (f64::from(k) * p).min(agg);
    let (m1, m2) = (expect(l, pay1), expect(l, |k| pay1(k).powi(2)));
    let r1 = &net.policies[0].recovered;
    let se1 = ((m2 - m1 * m1) / f64::from(n)).sqrt();
    assert_close("first layer", r1.mean(), m1, Z * se1);
    let cut = 1.0 - expect(l, |k| f64::from(u8::from(k <= 2)));
    let exhausted = run.summary.insurance[0].aggregate_exhausted;
    let se = (cut * (1.0 - cut) / f64::from(n)).sqrt();
    assert_close("exhausted", exhausted, cut, Z * se);
    // Second layer: 50 000 left while the first pays, 100 000 once its
    // aggregate is spent; capped at 60 000: 50 000 for the first two, then
    // 60 000 each.
    let pay2 = |k: u32| 50_000.0 * f64::from(k.min(2)) + 60_000.0 * f64::from(k.saturating_sub(2));
    let (m1, m2) = (expect(l, pay2), expect(l, |k| pay2(k).powi(2)));
    let r2 = &net.policies[1].recovered;
    assert_close(
        "second layer",
        r2.mean(),
        m1,
        Z * ((m2 - m1 * m1) / f64::from(n)).sqrt(),
    );
}

/// First passage along a chain of 4 edges of Exp(rate β), each succeeding
/// with p = 0.7, encryption at τ = 25 h: node j is compromised by τ with
/// probability pʲ·P(Erlang(j, β) ≤ τ). The indicators are nested (node j
/// needs node j − 1), so E[R²] = 1 + 2 ΣPⱼ + Σᵢⱼ P_max(i,j) gives the exact
/// SE.
#[test]
fn first_passage_with_failing_edges_is_a_thinned_erlang() {
    let text = r#"Scenario(name: "chain", services: [
        Service(id: "s0"), Service(id: "s1"), Service(id: "s2"), Service(id: "s3"), Service(id: "s4"),
    ], threats: [Ransomware(id: "rw", rate_per_year: 1.0, entry: ["s0"],
        attack_paths: [(from: "s0", to: "s1"), (from: "s1", to: "s2"), (from: "s2", to: "s3"), (from: "s3", to: "s4")],
        spread: (probability: 0.7, time: Exponential(mean: "10h")),
        dwell: Fixed("25h"), detection: Fixed("2000h"))])"#;
    let n = 20_000u32;
    let run = drill(text, "rw", u64::from(n));
    let x = 2.5f64;
    let erlang = |j: u32| {
        let mut term = 1.0;
        let mut sum = 0.0;
        for k in 0..j {
            if k > 0 {
                term *= x / f64::from(k);
            }
            sum += term;
        }
        1.0 - (-x).exp() * sum
    };
    let p: Vec<f64> = (1..=4).map(|j| 0.7f64.powi(j as i32) * erlang(j)).collect();
    let mean = 1.0 + p.iter().sum::<f64>();
    let second = 1.0
        + 2.0 * p.iter().sum::<f64>()
        + (0..4)
            .flat_map(|i| (0..4).map(move |j| (i, j)))
            .map(|(i, j)| p[i.max(j)])
            .sum::<f64>();
    let se = ((second - mean * mean) / f64::from(n)).sqrt();
    let got = run
        .threat("rw")
        .services_compromised_per_attack
        .unwrap_or(f64::NAN);
    assert_close("reach by τ", got, mean, Z * se);
}

//! The time per booked outage at 10 000 services over that at 1 000,
//! measured in pairs: each round runs the 1 000-service estate (256
//! trials) and then the 10 000-service one (64 trials), one thread, as
//! `outages/*` in the throughput bench do, and takes the ratio of the two
//! times per booked outage. A machine whose speed drifts between criterion's
//! two benches (minutes apart) moves their ratio; within a pair, a second
//! apart, it mostly cancels. Prints the median of the rounds and their
//! range. Run `cargo bench --bench ratio` (`-- --rounds N`, default 9);
//! `.ci/run` prints it, never failing on it.

use std::time::Instant;

use bcdr::sim::{self, Mode, SimPlan};

/// The plan of a generated estate of `services` services (seed 1, as
/// `bcdr generate --services N --seed 1`).
fn generated(services: usize) -> SimPlan {
    let text = sim::generate::layered(services, 1).expect("generates");
    let model = bcdr::scenario::parse_str(&text).expect("generated scenario is valid");
    SimPlan::compile(&model)
}

/// One run of `trials` trials on one thread: its seconds and the outages
/// it booked.
fn run(plan: &SimPlan, trials: u64) -> (f64, u64) {
    let start = Instant::now();
    let acc = sim::simulate(plan, Mode::Annual, 1, 0..trials, Some(1), None).expect("runs");
    let secs = start.elapsed().as_secs_f64();
    (secs, acc.services.iter().map(|s| s.outages).sum())
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(9)
        .max(1);
    let (small, large) = (generated(1_000), generated(10_000));
    // Warm-up: one run of each.
    run(&small, 256);
    run(&large, 64);
    let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (t1, n1) = run(&small, 256);
        let (t2, n2) = run(&large, 64);
        let (ns1, ns2) = (t1 * 1e9 / n1 as f64, t2 * 1e9 / n2 as f64);
        a.push(ns1);
        b.push(ns2);
        ratio.push(ns2 / ns1);
    }
    let (lo, hi) = (
        ratio.iter().copied().fold(f64::INFINITY, f64::min),
        ratio.iter().copied().fold(0.0, f64::max),
    );
    println!(
        "paired ({rounds} rounds, one thread): {:.1} ns per booked outage at 1 000 services, {:.1} at 10 000; ratio {:.2} (median; rounds {lo:.2} - {hi:.2}; target at most 1.5)",
        median(&mut a),
        median(&mut b),
        median(&mut ratio)
    );
}

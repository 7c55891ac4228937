//! Trials per second of the annual run, over every bundled scenario, a
//! generated 1000-service estate (`bcdr generate --services 1000`) and the
//! FAIR-style scenario of `docs/performance.md` (`benches/fair.ron`: one
//! loss event, a `Pert` rate and a `Pert` cost), where the fixed cost of a
//! trial is nearly all there is; and the time per booked outage on
//! generated estates of 1 000 and 10 000 services.
//!
//! Criterion reports throughput in elements per second. In `annual/*` one
//! element is one trial; in `outages/*` one element is one outage booked
//! (the run's outages over its trials, counted once before measuring), so
//! its time per element is the time per booked outage, and the ratio of
//! `outages/generated-10000` to `outages/generated-1000` is how the cost
//! of an outage grows with the estate (`.ci/run` prints it). Run `cargo
//! bench --bench throughput` (CI runs it in a short mode).

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use bcdr::sim::{self, Mode, SimPlan};

fn bench_plan(c: &mut Criterion, name: &str, plan: &SimPlan, trials: u64) {
    let mut group = c.benchmark_group("annual");
    group.throughput(Throughput::Elements(trials));
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::from_parameter(name), plan, |b, plan| {
        b.iter(|| sim::simulate(plan, Mode::Annual, 1, 0..trials, None, None).expect("runs"));
    });
    group.finish();
}

/// Runs `trials` trials of `plan` per iteration on one thread, one
/// element per outage they book.
fn bench_outages(c: &mut Criterion, name: &str, plan: &SimPlan, trials: u64) {
    let run = || sim::simulate(plan, Mode::Annual, 1, 0..trials, Some(1), None).expect("runs");
    let outages: u64 = run().services.iter().map(|s| s.outages).sum();
    let mut group = c.benchmark_group("outages");
    group.throughput(Throughput::Elements(outages));
    group.sample_size(10);
    group.bench_function(BenchmarkId::from_parameter(name), |b| b.iter(run));
    group.finish();
}

/// The plan of a generated estate of `services` services (seed 1, as
/// `bcdr generate --services N --seed 1`).
fn generated(services: usize) -> SimPlan {
    let text = sim::generate::layered(services, 1).expect("generates");
    let model = bcdr::scenario::parse_str(&text).expect("generated scenario is valid");
    SimPlan::compile(&model)
}

fn throughput(c: &mut Criterion) {
    let small = generated(1000);
    bench_plan(c, "generated-1000", &small, 2000);
    // One thread: the time per outage of one worker. A 10 000-service
    // trial books about 14 times the outages of a 1 000-service one:
    // fewer trials per iteration keep the bench short, but not too few,
    // or a run's start (each service's histograms, allocated and grown
    // once per run) would weigh on the larger estate's figure.
    bench_outages(c, "generated-1000", &small, 256);
    bench_outages(c, "generated-10000", &generated(10_000), 64);

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fair = bcdr::scenario::load(&root.join("benches/fair.ron")).expect("fair.ron is valid");
    bench_plan(c, "fair-style", &SimPlan::compile(&fair), 200_000);

    let dir = root.join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    for path in files {
        let model = bcdr::scenario::load(&path).expect("bundled scenario is valid");
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        bench_plan(c, &name, &SimPlan::compile(&model), 20_000);
    }
}

criterion_group!(benches, throughput);
criterion_main!(benches);

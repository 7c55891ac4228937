//! Trials per second of the annual run, over every bundled scenario, a
//! generated 1000-service estate (`bcdr generate --services 1000`) and the
//! FAIR-style scenario of `docs/performance.md` (`benches/fair.ron`: one
//! loss event, a `Pert` rate and a `Pert` cost), where the fixed cost of a
//! trial is nearly all there is.
//!
//! Criterion reports throughput in elements per second: one element is one
//! trial. Run `cargo bench --bench throughput` (CI runs it in a short mode).

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

fn throughput(c: &mut Criterion) {
    let text = sim::generate::layered(1000, 1).expect("generates");
    let model = bcdr::scenario::parse_str(&text).expect("generated scenario is valid");
    bench_plan(c, "generated-1000", &SimPlan::compile(&model), 2000);

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

//! The dependency-graph drawings of generated estates (`bcdr generate`):
//! the SVG (laid out in full at 1 000 services, summarised by tier and site
//! above 1 000 nodes), the PNG (from that SVG: the summary's, at these
//! sizes) and the DOT, at 1 000 and 10 000 services; and
//! reading such an estate (parse and validate, planning warnings
//! included), whose checks must stay linear in the estate.
//!
//! Run `cargo bench --bench graph` (CI runs it in a short mode).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use bcdr::report::graph;

fn drawings(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    for services in [1_000usize, 10_000] {
        let text = bcdr::sim::generate::layered(services, 1).expect("generates");
        let model = bcdr::scenario::parse_str(&text).expect("generated scenario is valid");
        group.bench_with_input(BenchmarkId::new("svg", services), &model, |b, m| {
            b.iter(|| graph::svg(m));
        });
        let svg = graph::svg(&model);
        group.bench_with_input(BenchmarkId::new("png", services), &model, |b, m| {
            b.iter(|| graph::png(m, &svg).expect("draws"));
        });
        group.bench_with_input(BenchmarkId::new("dot", services), &model, |b, m| {
            b.iter(|| graph::dot(m));
        });
    }
    group.finish();
}

fn reading(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    for services in [1_000usize, 10_000] {
        let text = bcdr::sim::generate::layered(services, 1).expect("generates");
        group.bench_with_input(BenchmarkId::new("validate", services), &text, |b, t| {
            b.iter(|| {
                let model = bcdr::scenario::parse_str(t).expect("valid");
                bcdr::scenario::planning_warnings(&model)
            });
        });
    }
    // A chain of 20 000 rebuilds, each requiring the next, all destroyed
    // by one fire: the wait-for-ever warning must stay linear in it.
    let n = 20_000;
    let chain = bcdr::sim::generate::requires_chain(n);
    let model = bcdr::scenario::parse_str(&chain).expect("valid");
    group.bench_function(BenchmarkId::new("requires-chain", n), |b| {
        b.iter(|| bcdr::scenario::planning_warnings(&model));
    });
    group.finish();
}

criterion_group!(benches, drawings, reading);
criterion_main!(benches);

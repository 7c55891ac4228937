//! Nanoseconds per draw of every distribution form (criterion; one element
//! is one draw from one uniform), and the exact inverse incomplete beta the
//! PERT table replaced, for comparison.
//!
//! Run `cargo bench --bench dist` (CI runs it in a short mode).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

use bcdr::model::dist::{beta_quantile, unit_open};
use bcdr::model::Dist;

/// Draws per iteration.
const DRAWS: u64 = 10_000;

fn sampling(c: &mut Criterion) {
    let forms: Vec<(&str, Dist)> = vec![
        ("exponential", Dist::exponential(4.0).expect("valid")),
        (
            "lognormal",
            Dist::lognormal_interval(2.0, 48.0).expect("valid"),
        ),
        (
            "triangular",
            Dist::triangular(1.0, 4.0, 24.0).expect("valid"),
        ),
        ("pert", Dist::pert(1.0, 4.0, 24.0).expect("valid")),
        (
            "pert-mode-at-min",
            Dist::pert(1.0, 1.0, 24.0).expect("valid"),
        ),
        ("uniform", Dist::uniform(1.0, 3.0).expect("valid")),
        ("weibull", Dist::weibull(1.5, 7200.0).expect("valid")),
        (
            "empirical",
            Dist::empirical(vec![2.0, 3.0, 3.0, 8.0, 26.0]).expect("valid"),
        ),
    ];
    let mut group = c.benchmark_group("draw");
    group.throughput(Throughput::Elements(DRAWS));
    for (name, dist) in &forms {
        // The first draw builds a PERT table; not part of the figure.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        black_box(dist.sample(&mut rng));
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut sum = 0.0;
                for _ in 0..DRAWS {
                    sum += dist.sample(&mut rng);
                }
                black_box(sum)
            });
        });
    }
    // What a PERT draw cost before its table: the exact inverse.
    let (alpha, beta) = (1.0 + 4.0 * 3.0 / 23.0, 1.0 + 4.0 * 20.0 / 23.0);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    group.bench_function("pert-exact-inverse", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for _ in 0..DRAWS {
                sum += beta_quantile(unit_open(&mut rng), alpha, beta);
            }
            black_box(sum)
        });
    });
    group.finish();
}

criterion_group!(benches, sampling);
criterion_main!(benches);

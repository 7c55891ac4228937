//! Tests of [`super::LogHist`] and its batches.

use super::*;
use proptest::prelude::*;

#[test]
fn quantiles_within_stated_accuracy() {
    let mut h = LogHist::new(7);
    let values: Vec<f64> = (1..=10_000).map(|i| i as f64 * 1.37).collect();
    values.iter().for_each(|&v| h.add(v));
    for p in [0.01, 0.5, 0.9, 0.99, 1.0] {
        let exact = values[((p * 10_000.0) as usize).max(1) - 1];
        let got = h.quantile(p).unwrap();
        assert!(
            (got - exact).abs() <= exact * h.relative_accuracy() * 1.0001,
            "p {p}: {got} vs {exact}"
        );
    }
    assert_eq!(h.max(), values.last().copied());
}

#[test]
fn zeros_and_empty() {
    let mut h = LogHist::new(6);
    assert_eq!(h.quantile(0.5), None);
    h.add_n(0.0, 9);
    h.add(5.0);
    assert_eq!(h.quantile(0.9), Some(0.0));
    assert_eq!(h.quantile(0.95), Some(5.0));
    assert_eq!(h.count(), 10);
}

#[test]
fn an_atom_is_reported_exactly() {
    // Issue 12: a loss of exactly 10 000 in every loss year was
    // reported as the bucket's midpoint (10 016).
    let mut h = LogHist::exact(7);
    h.add_n(0.0, 90);
    h.add_n(10_000.0, 10);
    assert_eq!(h.quantile(0.95), Some(10_000.0));
    assert_eq!(h.quantile(0.99), Some(10_000.0));
    // Two values in one bucket: never outside their observed range.
    h.add(10_010.0);
    let q = h.quantile(0.999).unwrap();
    assert!((10_000.0..=10_010.0).contains(&q), "{q}");
}

/// Outages of exactly 4 h, with shorter ones (cut by the horizon) and
/// longer ones (merged) in other trials: a sampled histogram reads the
/// atom exactly, where the bucket's midpoint is 4.0625.
#[test]
fn a_sampled_histogram_reads_an_atom_exactly() {
    let mut h = LogHist::sampled(COMPACT_BITS);
    let mut batch = Batch::default();
    let key = |x: f64| super::compact(COMPACT_BITS, x);
    for trial in 0..100 {
        let (keys, lo, hi) = match trial % 10 {
            0 => (vec![key(2.5), key(4.0)], 2.5, 4.0),
            1 => (vec![key(4.0), key(8.0)], 4.0, 8.0),
            _ => (vec![key(4.0)], 4.0, 4.0),
        };
        h.add_via(&mut batch, &keys, lo, hi);
    }
    h.absorb(&mut batch);
    assert_eq!(h.quantile(0.5), Some(4.0));
    assert_eq!(h.quantile(0.05), Some(2.5));
    assert_eq!(h.quantile(0.99), Some(8.0));
    assert!(h.check_sampled(COMPACT_BITS).is_ok());
    let mut plain = LogHist::new(COMPACT_BITS);
    (0..10).for_each(|_| plain.add(4.0));
    plain.add(2.5);
    plain.add(8.0);
    assert_eq!(plain.quantile(0.5), Some(4.0625), "the midpoint, as before");
}

/// A batch call of one value (a single outage) takes the short way
/// through `see`: the same ranges as the general one.
#[test]
fn seeing_one_value_equals_seeing_two() {
    let values = [
        0.0,
        1e-7,
        1e-6,
        0.25,
        4.0,
        4.0625,
        1e9,
        f64::MAX,
        f64::INFINITY,
        f64::NAN,
    ];
    let (mut short, mut general) = (
        LogHist::sampled(COMPACT_BITS),
        LogHist::sampled(COMPACT_BITS),
    );
    for &x in values.iter().chain(values.iter().rev()) {
        short.see(x, x);
        general.see_two(x, x);
        assert_eq!(short.counts, general.counts, "{x}");
        assert_eq!(short.range, general.range, "{x}");
    }
    assert!(short.range.as_ref().is_some_and(|r| r.len() > 100));
}

#[test]
fn expected_shortfall_splits_the_atom_at_var() {
    // 5% of years lose 600 000, the rest nothing: VaR 95 = 0, and the
    // mean of the worst 5% is 600 000 (not the mean of every year).
    let mut h = LogHist::exact(7);
    h.add_n(0.0, 950);
    h.add_n(600_000.0, 50);
    assert_eq!(h.quantile(0.95), Some(0.0));
    assert_eq!(h.tail_mean(0.95), Some(600_000.0));
    // 2% of years lose it: the worst 5% are 2% of 600 000 and 3% of 0.
    let mut h = LogHist::exact(7);
    h.add_n(0.0, 980);
    h.add_n(600_000.0, 20);
    assert!((h.tail_mean(0.95).unwrap() - 240_000.0).abs() < 1e-6);
    assert_eq!(h.tail_mean(0.99), Some(600_000.0));
    // Ten distinct values: the worst 20% is the mean of the top two,
    // the worst 15% 1.5 values: (10 + 0.5·9) / 1.5.
    let mut h = LogHist::exact(7);
    (1..=10).for_each(|i| h.add(f64::from(i)));
    assert_eq!(h.tail_mean(0.8), Some(9.5));
    assert!((h.tail_mean(0.85).unwrap() - 14.5 / 1.5).abs() < 1e-12);
    assert_eq!(LogHist::exact(7).tail_mean(0.95), None);
    // Every year alike: the tail's mean is that loss, at any count (it
    // read 47.000000000000014 for two years of 47, above the worst).
    for n in 1..=40 {
        let mut h = LogHist::exact(7);
        h.add_n(47.0, n);
        assert_eq!(h.tail_mean(0.95), Some(47.0), "{n}");
        assert_eq!(h.tail_mean(0.99), Some(47.0), "{n}");
    }
}

#[test]
fn exceedance_rows_are_exact_at_their_losses() {
    let mut h = LogHist::exact(7);
    let values = [0.0, 0.0, 1_000_000.0, 1_001_472.0, 1_003_000.0, 5e6];
    values.iter().for_each(|&v| h.add(v));
    for (loss, p) in h.exceedance() {
        let above = values.iter().filter(|&&v| v > loss).count();
        assert_eq!(p, above as f64 / values.len() as f64, "at {loss}");
        assert!(values.contains(&loss), "{loss} is a simulated loss");
    }
    // A threshold below every value of its bucket counts them all.
    assert_eq!(h.exceedance_of(999_999.0), 4.0 / 6.0);
    assert_eq!(h.exceedance_of(1_003_000.0), 1.0 / 6.0);
}

proptest! {
    #[test]
    fn exact_merge_equals_sequential(xs in proptest::collection::vec(prop_oneof![0f64..1e7, Just(0.0), Just(5000.0)], 0..200), cut in 0usize..200) {
        let [all, a, ba] =
            crate::stats::split_merges(&xs, cut, || LogHist::exact(7), LogHist::add, LogHist::merge);
        prop_assert_eq!(&a, &all);
        prop_assert_eq!(&ba, &all);
        // Every quantile is a value within its bucket's observed range.
        for i in 0..=20 {
            let q = all.quantile(i as f64 / 20.0).unwrap_or(0.0);
            prop_assert!(xs.is_empty() || q == 0.0 || (q >= all.min().unwrap() && q <= all.max().unwrap()));
        }
    }

    #[test]
    fn merge_equals_sequential(xs in proptest::collection::vec(0f64..1e7, 0..200), cut in 0usize..200) {
        let cut = cut.min(xs.len());
        let mut all = LogHist::new(6);
        xs.iter().for_each(|&x| all.add(x));
        let (mut a, mut b) = (LogHist::new(6), LogHist::new(6));
        xs[..cut].iter().for_each(|&x| a.add(x));
        xs[cut..].iter().for_each(|&x| b.add(x));
        let mut ba = b.clone();
        ba.merge(&a);
        a.merge(&b);
        prop_assert_eq!(a.quantile(0.5), all.quantile(0.5));
        prop_assert_eq!(a.buckets(), all.buckets());
        prop_assert_eq!(ba.buckets(), all.buckets());
    }

    #[test]
    fn compact_adds_equal_plain_adds(xs in proptest::collection::vec(prop_oneof![0f64..1e-5, 0f64..1e7, Just(0.0), Just(f64::MAX)], 0..200)) {
        let mut plain = LogHist::new(COMPACT_BITS);
        let mut compact = LogHist::new(COMPACT_BITS);
        for &x in &xs {
            plain.add(x);
            compact.add_compact_n(super::compact(COMPACT_BITS, x), 1);
        }
        if let (Some(lo), Some(hi)) = (
            xs.iter().copied().reduce(f64::min),
            xs.iter().copied().reduce(f64::max),
        ) {
            compact.observe(lo, hi);
        }
        prop_assert_eq!(plain, compact);
    }

    #[test]
    fn batches_equal_plain_adds(xs in proptest::collection::vec(prop_oneof![0f64..1e-5, 0f64..1e7, 1e3f64..1e4, Just(0.0), Just(f64::MAX)], 0..300),
                                cuts in proptest::collection::vec(0usize..300, 0..4)) {
        // Values in a few batches of various sizes, absorbed in turn
        // into one histogram, which also takes some plain adds.
        let mut plain = LogHist::new(COMPACT_BITS);
        let mut batched = LogHist::new(COMPACT_BITS);
        let mut batch = Batch::default();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(xs.len())).collect();
        cuts.push(xs.len());
        cuts.sort_unstable();
        let mut from = 0;
        for (n, &to) in cuts.iter().enumerate() {
            let part = &xs[from..to];
            part.iter().for_each(|&x| plain.add(x));
            if n % 3 == 2 {
                part.iter().for_each(|&x| batched.add(x));
            } else if !part.is_empty() {
                let keys: Vec<u16> = part.iter().map(|&x| super::compact(COMPACT_BITS, x)).collect();
                let lo = part.iter().copied().reduce(f64::min).unwrap();
                let hi = part.iter().copied().reduce(f64::max).unwrap();
                batched.add_via(&mut batch, &keys, lo, hi);
                if n % 2 == 1 {
                    batched.absorb(&mut batch);
                }
            }
            from = to;
        }
        batched.absorb(&mut batch);
        prop_assert_eq!(plain, batched);
    }

    /// Zeros counted apart ([`LogHist::add_zeros_via`], as the engine
    /// counts trials without downtime) give the histogram that their keys
    /// of 0 give, also for a batch of zeros only.
    #[test]
    fn zeros_counted_apart_equal_zero_keys(xs in proptest::collection::vec(prop_oneof![Just(0.0), Just(0.0), 0f64..1e-5, 0f64..1e7], 0..100), cut in 0usize..100) {
        let (mut keyed, mut apart) = (LogHist::new(COMPACT_BITS), LogHist::new(COMPACT_BITS));
        let (mut batch_k, mut batch_a) = (Batch::default(), Batch::default());
        let cut = cut.min(xs.len());
        for part in [&xs[..cut], &xs[cut..], &[0.0, 0.0][..]] {
            if part.is_empty() {
                continue;
            }
            let keys: Vec<u16> = part.iter().map(|&x| super::compact(COMPACT_BITS, x)).collect();
            let lo = part.iter().copied().reduce(f64::min).unwrap();
            let hi = part.iter().copied().reduce(f64::max).unwrap();
            keyed.add_via(&mut batch_k, &keys, lo, hi);
            let nonzero: Vec<u16> = part.iter().filter(|&&x| x != 0.0).map(|&x| super::compact(COMPACT_BITS, x)).collect();
            let zeros = (part.len() - nonzero.len()) as u64;
            let mut lo_apart = part.iter().copied().filter(|&x| x != 0.0).fold(f64::INFINITY, |a, x| if x < a { x } else { a });
            if zeros > 0 && 0.0 < lo_apart {
                lo_apart = 0.0;
            }
            apart.add_via(&mut batch_a, &nonzero, lo_apart, hi);
            apart.add_zeros_via(&mut batch_a, zeros);
            keyed.absorb(&mut batch_k);
            apart.absorb(&mut batch_a);
            prop_assert_eq!(&keyed, &apart);
        }
        prop_assert!(keyed.count() == xs.len() as u64 + 2);
    }

    /// A sampled histogram counts as plain adds do, and each bucket's
    /// range is within the bucket's exact range, made of extremes it
    /// was given; it passes its check, and reads a quantile inside the
    /// bucket's exact range where the bucket saw extremes, else inside
    /// the bucket.
    #[test]
    fn sampled_batches_count_as_plain_adds_within_exact_ranges(
        xs in proptest::collection::vec(prop_oneof![0f64..1e-5, 0f64..1e4, 1e3f64..1.1e3, Just(0.0), Just(4.0)], 0..300),
        cuts in proptest::collection::vec(0usize..300, 0..6)) {
        let mut exact = LogHist::exact(COMPACT_BITS);
        let mut sampled = LogHist::sampled(COMPACT_BITS);
        let mut batch = Batch::default();
        let mut given = Vec::new();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(xs.len())).collect();
        cuts.push(xs.len());
        cuts.sort_unstable();
        let mut from = 0;
        for (n, &to) in cuts.iter().enumerate() {
            let part = &xs[from..to];
            part.iter().for_each(|&x| exact.add(x));
            if !part.is_empty() {
                let keys: Vec<u16> = part.iter().map(|&x| super::compact(COMPACT_BITS, x)).collect();
                let lo = part.iter().copied().reduce(f64::min).unwrap();
                let hi = part.iter().copied().reduce(f64::max).unwrap();
                given.extend([lo, hi]);
                sampled.add_via(&mut batch, &keys, lo, hi);
                if n % 2 == 1 {
                    sampled.absorb(&mut batch);
                }
            }
            from = to;
        }
        sampled.absorb(&mut batch);
        prop_assert_eq!(&sampled.counts, &exact.counts);
        prop_assert_eq!((sampled.zeros, sampled.offset, sampled.min, sampled.max), (exact.zeros, exact.offset, exact.min, exact.max));
        prop_assert!(sampled.check_sampled(COMPACT_BITS).is_ok(), "{:?}", sampled.check_sampled(COMPACT_BITS));
        let (er, sr) = (exact.range.as_ref().unwrap(), sampled.range.as_ref().unwrap());
        for (e, r) in er.iter().zip(sr) {
            if r[0] <= r[1] {
                prop_assert!(e[0] <= r[0] && r[1] <= e[1], "{:?} outside {:?}", r, e);
                prop_assert!(given.contains(&r[0]) && given.contains(&r[1]));
            }
        }
        for p in [0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0] {
            let (Some(q), Some(truth)) = (sampled.quantile(p), exact.quantile(p)) else { continue };
            let i = (0..exact.counts.len()).find(|&i| exact.bucket_value(i) == truth);
            if let Some(i) = i {
                if sr[i][0] <= sr[i][1] {
                    prop_assert!(er[i][0] <= q && q <= er[i][1], "p {}: {} outside {:?}", p, q, er[i]);
                } else {
                    let (lo, hi) = exact.bucket_bounds(i);
                    prop_assert!(lo <= q && q <= hi, "p {}: {} outside [{}, {})", p, q, lo, hi);
                }
            }
        }
        // A partial result keeps it: ranges round-trip through JSON.
        let back: LogHist = serde_json::from_str(&serde_json::to_string(&sampled).unwrap()).unwrap();
        prop_assert_eq!(back, sampled);
    }

    /// Counts that wrap past 8 bits (thousands of values in a few
    /// buckets) carry into the histogram: the same as plain adds.
    #[test]
    fn wrapped_batch_counts_carry_exactly(reps in 255usize..2100, cut in 0usize..3000) {
        let xs: Vec<f64> = (0..reps)
            .flat_map(|i| [2.0, 2.0, 0.5 + (i % 3) as f64, 0.0, 1e4])
            .collect();
        let mut plain = LogHist::new(COMPACT_BITS);
        xs.iter().for_each(|&x| plain.add(x));
        let mut batched = LogHist::new(COMPACT_BITS);
        let mut batch = Batch::default();
        let cut = cut.min(xs.len());
        for (n, part) in [&xs[..cut], &xs[cut..]].into_iter().enumerate() {
            let keys: Vec<u16> = part.iter().map(|&x| super::compact(COMPACT_BITS, x)).collect();
            for chunk in keys.chunks(700) {
                batched.add_via(&mut batch, chunk, 0.0, 1e4);
            }
            if n == 0 {
                batched.absorb(&mut batch);
            }
        }
        batched.absorb(&mut batch);
        prop_assert_eq!(plain, batched);
    }

    #[test]
    fn quantiles_are_monotone(xs in proptest::collection::vec(0f64..1e6, 1..100)) {
        let mut h = LogHist::new(6);
        xs.iter().for_each(|&x| h.add(x));
        let mut last = 0.0;
        for i in 0..=20 {
            let q = h.quantile(i as f64 / 20.0).unwrap();
            prop_assert!(q >= last);
            last = q;
        }
    }
}

//! The costs of a row booked apart ([`super::sum_apart`]): what filling
//! the causes' shares and [`outage::settle`] would book, bit for bit, with the
//! commonest rows (random failures' segments, and at most two segments
//! of other causes) worked out in registers.

use super::super::super::compile::Hot;
use super::super::super::intervals::Iv;
use super::super::outage::{self, book_share, breaches, Share, Tally};
use super::super::FAILURES;
use super::{Apart, SegInfo};

/// Book the costs and lost revenue of a row booked apart (its sums `a`;
/// `others`, its segments of other causes than random failures, in row
/// order; `segs`, the trial's segments' figures and spans) into `tally`
/// and `cause_loss`, as the rule does: per cause in cause order, each
/// cause's share summed in row order ([`outage::settle`]). `shares` are empty,
/// and are left empty.
///
/// Random failures' share comes from the sums (their breaches are what
/// the others leave). With at most two segments of other causes (four
/// rows in five on the 1 000-service estate), the shares are not written: the same booking ([`book_share`]) on
/// the same figures (a cause's hours summed from zero, as `settle` sums
/// them), in the same order (random failures are cause 0, first).
#[inline(always)]
pub(super) fn settle(
    p: &Hot,
    a: &Apart,
    others: &[u32],
    segs: (&[SegInfo], &[Iv]),
    shares: &mut [Share],
    tally: &mut Tally,
    cause_loss: &mut [f64],
) {
    debug_assert_eq!(FAILURES, 0);
    let (info, ivs) = segs;
    let failures = |breaches: u32| Share {
        outages: a.failures,
        breaches,
        hours: a.failure_hours,
        impact: 0.0,
    };
    match *others {
        [] => {
            if a.failures > 0 {
                book_share(
                    p,
                    &failures(a.breaches),
                    FAILURES as usize,
                    tally,
                    cause_loss,
                );
            }
        }
        [k] => {
            let k = k as usize;
            let d = info[k].hours[0];
            let breached = u32::from(breaches(d, p.mtpd));
            if a.failures > 0 {
                book_share(
                    p,
                    &failures(a.breaches - breached),
                    FAILURES as usize,
                    tally,
                    cause_loss,
                );
            }
            let other = Share {
                outages: 1,
                breaches: breached,
                // As `settle` sums it: from zero.
                hours: 0.0 + d,
                impact: 0.0,
            };
            book_share(p, &other, ivs[k].cause as usize, tally, cause_loss);
        }
        [k1, k2] => {
            let (k1, k2) = (k1 as usize, k2 as usize);
            let (d1, d2) = (info[k1].hours[0], info[k2].hours[0]);
            let b1 = u32::from(breaches(d1, p.mtpd));
            let b2 = u32::from(breaches(d2, p.mtpd));
            if a.failures > 0 {
                book_share(
                    p,
                    &failures(a.breaches - b1 - b2),
                    FAILURES as usize,
                    tally,
                    cause_loss,
                );
            }
            let (c1, c2) = (ivs[k1].cause as usize, ivs[k2].cause as usize);
            let one = |breaches: u32, d: f64| Share {
                outages: 1,
                breaches,
                hours: 0.0 + d,
                impact: 0.0,
            };
            if c1 == c2 {
                // One cause's share: both segments, summed in row order.
                let both = Share {
                    outages: 2,
                    breaches: b1 + b2,
                    hours: 0.0 + d1 + d2,
                    impact: 0.0,
                };
                book_share(p, &both, c1, tally, cause_loss);
            } else {
                // Two causes' shares, in cause order.
                let (lo, hi) = if c1 < c2 {
                    ((c1, one(b1, d1)), (c2, one(b2, d2)))
                } else {
                    ((c2, one(b2, d2)), (c1, one(b1, d1)))
                };
                for (c, share) in [lo, hi] {
                    book_share(p, &share, c, tally, cause_loss);
                }
            }
        }
        _ => {
            // Threats' shares segment by segment, then `settle`.
            let mut touched = 0;
            let mut failure_breaches = a.breaches;
            for &k in others {
                let k = k as usize;
                let d = info[k].hours[0];
                let breached = u32::from(breaches(d, p.mtpd));
                failure_breaches -= breached;
                let cause = ivs[k].cause as usize;
                let share = &mut shares[cause];
                share.outages += 1;
                share.breaches += breached;
                share.hours += d;
                touched = touched.max(cause + 1);
            }
            if a.failures > 0 {
                shares[FAILURES as usize] = failures(failure_breaches);
                touched = touched.max(FAILURES as usize + 1);
            }
            outage::settle(p, shares, touched, tally, cause_loss);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Settling a row booked apart books, bit for bit, what booking
        /// its segments one by one into the causes' shares and
        /// `outage::settle` books, into a tally and causes' losses that
        /// already hold some loss: with no other cause, with one or two
        /// segments of others, of one cause or two in either order (the
        /// cases worked out in registers), and with more.
        #[test]
        fn settling_apart_is_settling_the_shares(
            segs in proptest::collection::vec((0u32..4, 0.0f64..100.0, any::<bool>()), 0..8),
            costs in (0.0f64..1e4, 0.0f64..1e5, 0.0f64..1e3),
            mtpd in 0.0f64..60.0,
            before in proptest::collection::vec(0.0f64..1e6, 5),
        ) {
            let p = Hot {
                rto: 4.0,
                mtpd,
                cost_per_outage: costs.0,
                mtpd_penalty: costs.1,
                revenue_per_hour: costs.2,
            };
            // Segment k: its cause (random failures or threats 1 to 3),
            // its duration, sometimes exactly the MTPD.
            let ivs: Vec<Iv> = segs
                .iter()
                .enumerate()
                .map(|(k, &(cause, _, _))| Iv { start: k as f64, end: k as f64 + 0.5, cause, occ: 0 })
                .collect();
            let info: Vec<SegInfo> = segs
                .iter()
                .map(|&(cause, d, at_mtpd)| {
                    let d = if at_mtpd { mtpd } else { d };
                    SegInfo {
                        hours: [d, d * d],
                        failure_hours: if cause == FAILURES { d } else { 0.0 },
                        other: cause != FAILURES,
                        ..SegInfo::default()
                    }
                })
                .collect();
            // The sums as `sum_apart` makes them.
            let mut a = Apart {
                shortest: f64::INFINITY,
                downtime: 0.0,
                downtime_sq: 0.0,
                failure_hours: 0.0,
                longest: 0.0,
                others: 0,
                outages: info.len() as u32,
                breaches: 0,
                rto_met: 0,
                failures: 0,
            };
            let mut others = Vec::new();
            for (k, seg) in info.iter().enumerate() {
                a.breaches += u32::from(breaches(seg.hours[0], mtpd));
                a.failures += u32::from(!seg.other);
                a.failure_hours += seg.failure_hours;
                if seg.other {
                    others.push(k as u32);
                }
            }
            a.others = others.len();
            let start = Tally { loss: before[0], ..Tally::default() };
            let (mut tally, mut cause_loss) = (start, before[1..].to_vec());
            let mut shares = vec![Share::default(); 4];
            settle(&p, &a, &others, (&info, &ivs), &mut shares, &mut tally, &mut cause_loss);
            prop_assert!(shares.iter().all(|s| s.outages == 0 && s.hours == 0.0));
            // Segment by segment into the shares, then `outage::settle`.
            let (mut want, mut want_loss) = (start, before[1..].to_vec());
            for (iv, seg) in ivs.iter().zip(&info) {
                let share = &mut shares[iv.cause as usize];
                share.outages += 1;
                share.breaches += u32::from(breaches(seg.hours[0], mtpd));
                share.hours += seg.hours[0];
            }
            outage::settle(&p, &mut shares, 4, &mut want, &mut want_loss);
            prop_assert_eq!(tally.loss.to_bits(), want.loss.to_bits());
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&cause_loss), bits(&want_loss));
        }
    }
}

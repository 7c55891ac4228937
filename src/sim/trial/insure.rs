//! Each occurrence's loss in a trial, collected while the trial is booked
//! when the scenario has insurance, and paid by the policies at its end
//! ([`super::super::insurance`]'s rule).
//!
//! Every piece of loss knows its occurrence: a segment carries the cause
//! and the occurrence's number that opened it ([`Iv::occ`](super::super::intervals::Iv)),
//! a merged stretch keeps its first part's, and the booking charges each
//! piece (an outage's fixed cost and MTPD penalty, a stretch's lost
//! revenue, a degradation, data lost, a response cost, a loss event) to
//! the occurrence of the cause it charges. A scenario without insurance
//! collects nothing (`Totals::occ` is `None`).

use crate::stats::Accumulator;

use super::super::insurance::InsurancePlan;

/// Per cause, per occurrence number: when it occurred and its loss so far.
pub(super) struct Occurrences {
    time: Vec<Vec<f64>>,
    loss: Vec<Vec<f64>>,
    /// Scratch: the trial's occurrences with a loss, (time, cause,
    /// number, loss), in the order they are paid.
    order: Vec<(f64, u32, u32, f64)>,
    /// Per policy: what it recovered in the trial, and whether its
    /// aggregate cut a payment; what is left of its aggregate.
    recovered: Vec<f64>,
    exhausted: Vec<bool>,
    left: Vec<f64>,
}

impl Occurrences {
    pub(super) fn new(causes: usize, policies: usize) -> Occurrences {
        Occurrences {
            time: vec![Vec::new(); causes],
            loss: vec![Vec::new(); causes],
            order: Vec::new(),
            recovered: vec![0.0; policies],
            exhausted: vec![false; policies],
            left: Vec::new(),
        }
    }

    pub(super) fn reset(&mut self) {
        for v in self.time.iter_mut().chain(&mut self.loss) {
            v.clear();
        }
    }

    /// Occurrence `n` of `cause` happened at `t` (numbers come in order).
    #[inline]
    pub(super) fn occurred(&mut self, cause: u32, n: u32, t: f64) {
        let c = cause as usize;
        debug_assert_eq!(self.time[c].len(), n as usize);
        self.time[c].push(t);
        self.loss[c].push(0.0);
    }

    /// Occurrence `n` of `cause` lost `x` more.
    #[inline]
    pub(super) fn charge(&mut self, cause: u32, n: u32, x: f64) {
        let (c, n) = (cause as usize, n as usize);
        if n >= self.loss[c].len() {
            // Not seen to occur (cannot happen: every segment's occurrence
            // is numbered when it occurs); kept, paid last.
            debug_assert!(false, "occurrence {n} of cause {c} was not numbered");
            self.time[c].resize(n + 1, f64::INFINITY);
            self.loss[c].resize(n + 1, 0.0);
        }
        self.loss[c][n] += x;
    }

    /// Pay the trial's occurrences and record the net loss of a trial
    /// whose gross loss is `gross` into `acc`; the net loss.
    pub(super) fn settle(
        &mut self,
        plan: &InsurancePlan,
        gross: f64,
        acc: &mut Accumulator,
    ) -> f64 {
        self.order.clear();
        for (c, (times, losses)) in self.time.iter().zip(&self.loss).enumerate() {
            for (n, (&t, &x)) in times.iter().zip(losses).enumerate() {
                if x > 0.0 {
                    self.order.push((t, c as u32, n as u32, x));
                }
            }
        }
        self.order
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let recovered = plan.pay(
            self.order.iter().map(|&(_, c, _, x)| (c, x)),
            &mut self.recovered,
            &mut self.exhausted,
            &mut self.left,
        );
        // The pieces' sums round apart from the causes' by ulps, either
        // way: a year fully recovered nets to 0, not to ±1e-7 (which an
        // appetite point at 0 counted as a loss), as two plans' equal
        // losses tie in `compare` (within a billionth of the gross).
        let net = crate::stats::diff::difference(gross, recovered).max(0.0) + plan.premiums;
        acc.add_net_loss(net, &self.recovered, &self.exhausted);
        net
    }
}

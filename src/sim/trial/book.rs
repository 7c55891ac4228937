//! After the event loop: the own segments closed at the horizon and
//! indexed, every node's functional down intervals in dependency order
//! (unions for services, k-of-n counts for groups), and each service's
//! outages booked ([`super::outage`]'s rule) with the revenue lost to
//! degradation.

use crate::stats::Accumulator;

use super::super::clock::open_end;
use super::super::compile::SimPlan;
use super::super::intervals::{at_least, union_into, union_many, union_picked, Iv};
use super::degrade::degrade;
use super::fused;
use super::outage::{Ledger, Outages, Timed, Totals};
use super::own::Seg;
use super::{Mark, Record, Trial, NONE};

/// The trial's distinct segments, and each segment's place among them.
#[derive(Default)]
pub(super) struct SegIndex {
    /// The distinct live segments, sorted by start.
    pub(super) distinct: Vec<Iv>,
    /// Per segment: its index in `distinct` (`NONE` for empty ones).
    pub(super) canon: Vec<u32>,
    /// Scratch: the segments that start at one instant.
    same_start: Vec<u32>,
}

impl SegIndex {
    /// Index the trial's segments: `distinct` gets each distinct non-empty
    /// one in order of start (segments equal in start, end and cause, as a
    /// site outage gives every service of the site, count once; equal
    /// starts are ordered by cause, then end, so the earliest-listed cause
    /// wins a tie), and `canon` each segment's place there.
    fn build(&mut self, segs: &[Seg]) {
        self.canon.clear();
        self.canon.resize(segs.len(), NONE);
        self.distinct.clear();
        let mut i = 0;
        while i < segs.len() {
            let start = segs[i].iv.start;
            let mut j = i + 1;
            while j < segs.len() && segs[j].iv.start == start {
                j += 1;
            }
            debug_assert!(j == segs.len() || segs[j].iv.start > start);
            if j == i + 1 {
                if segs[i].iv.end > start {
                    self.canon[i] = self.distinct.len() as u32;
                    self.distinct.push(segs[i].iv);
                }
                i = j;
                continue;
            }
            self.same_start.clear();
            self.same_start
                .extend((i..j).filter(|&k| segs[k].iv.end > start).map(|k| k as u32));
            self.same_start.sort_unstable_by(|&a, &b| {
                let (x, y) = (&segs[a as usize].iv, &segs[b as usize].iv);
                x.cause
                    .cmp(&y.cause)
                    .then(x.end.total_cmp(&y.end))
                    .then(a.cmp(&b))
            });
            let mut prev: Option<(u32, f64)> = None;
            for &k in &self.same_start {
                let iv = segs[k as usize].iv;
                if prev != Some((iv.cause, iv.end)) {
                    self.distinct.push(iv);
                    prev = Some((iv.cause, iv.end));
                }
                self.canon[k as usize] = self.distinct.len() as u32 - 1;
            }
            i = j;
        }
    }
}

/// The nodes' interval lists and their scratch.
pub(super) struct Lists {
    /// Per node: intervals that reach it through groups (a group's own
    /// k-of-n stretches are not segments, so they travel as lists).
    via_groups: Vec<Vec<Iv>>,
    /// Functional down intervals of the nodes that keep them
    /// ([`SimPlan::keep_list`]), and of every group.
    down_iv: Vec<Vec<Iv>>,
    /// The list of a service booked in its turn and not kept.
    scratch: Vec<Iv>,
    /// Unmerged intervals of one node.
    raw: Vec<Iv>,
    /// Scratch of [`at_least`].
    sweep: Vec<(f64, i32, u32, u32)>,
}

impl Lists {
    pub(super) fn new(n: usize) -> Lists {
        Lists {
            via_groups: vec![Vec::new(); n],
            down_iv: vec![Vec::new(); n],
            scratch: Vec::new(),
            raw: Vec::new(),
            sweep: Vec::new(),
        }
    }
}

impl Trial {
    /// After the event loop: close the own segments at the horizon, work
    /// out every node's functional down intervals in dependency order
    /// (unions for services, k-of-n counts for groups), and book each
    /// service's outages and lost revenue.
    ///
    /// A service is down while any segment of its closure is: its own, or
    /// a hard dependency's, transitively. Segments are indexed by start;
    /// a service's set is a row ([`fused::Rows`]: bits, its own OR its
    /// dependencies' rows, on a small trial; a sorted list of places, its
    /// own merged with its dependencies', on a large one), and only that
    /// final set is merged into intervals, rather than merging the
    /// dependencies' merged lists again at every level. A group's k-of-n
    /// stretches are new intervals, not segments: they reach the services
    /// above the group as lists (`via_groups`).
    ///
    /// # Complexity
    /// With bit rows, O(N·w + Σ m) for N nodes, w = ⌈distinct segments /
    /// 64⌉ words (at most [`fused::BITS_MAX_WORDS`]) and m set bits per
    /// service; with sparse rows, O(N + S + Σ (m + u)) for S segments and
    /// per service m places in its non-empty sources and u in its row
    /// (plus, for a row of three or more sources, a summary word per
    /// 4 096 segments): what the trial's outages hold, not N × S. Groups
    /// sort their members' endpoints.
    pub(super) fn close(&mut self, plan: &SimPlan, acc: &mut Accumulator) {
        let h = self.horizon;
        let s = plan.n_services;
        // Still stopped at the horizon: open, ending past it (durations are
        // taken to the horizon).
        let open = open_end(h);
        for i in 0..s {
            if self.own.count[i] > 0 {
                self.own.close(i, open);
            }
        }
        self.index.build(&self.own.segs);
        let distinct = &self.index.distinct;
        self.rows.fill(
            distinct,
            &self.totals,
            &self.own.segs,
            &self.index.canon,
            s,
            h,
        );
        let lists = &mut self.lists;
        let (ledger, totals) = (&mut self.ledger, &mut self.totals);
        let mut records = self.recording.then_some(&mut self.records);
        let mut late = false;
        // Without groups and moves nothing reaches a service as a list:
        // every `via_groups` stays empty, and need not be looked at.
        let no_lists = plan.threshold.len() == s && !plan.dr.relocates;
        for &node in &plan.order {
            let i = node as usize;
            let deps = plan.hard_deps.row(i);
            if i >= s {
                // A group's list is built from its members' lists, in the
                // same table: taken out meanwhile.
                let mut out = std::mem::take(&mut lists.down_iv[i]);
                let members: Vec<&[Iv]> = deps
                    .iter()
                    .map(|&d| lists.down_iv[d as usize].as_slice())
                    .collect();
                at_least(&members, plan.threshold[i], &mut lists.sweep, &mut out);
                lists.down_iv[i] = out;
                continue;
            }
            if no_lists && self.fused && !plan.keep_list[i] && records.is_none() {
                // The fast booking below, without the lists' bookkeeping.
                debug_assert!(!plan.book_late[i] && lists.via_groups[i].is_empty());
                self.rows.build(i, deps, s);
                fused::book_row(plan, i, &mut self.rows, distinct, totals, ledger);
                continue;
            }
            // Moved in this trial: its dependencies are its home ones until
            // the switchover, the standby's after it ([`super::dr`]).
            let moved = if plan.dr.relocates {
                self.dr.moved_deps(plan, i, &lists.down_iv)
            } else {
                None
            };
            // Its row: its own segments and its service dependencies'
            // rows (a moved service's dependencies come as lists).
            let mut through_groups = false;
            if moved.is_none() {
                for &d in deps {
                    let d = d as usize;
                    if d < s {
                        through_groups |= !lists.via_groups[d].is_empty();
                    } else {
                        through_groups = true;
                    }
                }
                self.rows.build(i, deps, s);
            } else {
                self.rows.build_own(i);
            }
            // Taken out while the dependencies' lists (in the same table)
            // are read.
            let mut via = std::mem::take(&mut lists.via_groups[i]);
            via.clear();
            if let Some(moved) = moved {
                via = moved;
            } else if through_groups {
                let from: Vec<&[Iv]> = deps
                    .iter()
                    .map(|&d| {
                        let d = d as usize;
                        if d < s {
                            lists.via_groups[d].as_slice()
                        } else {
                            lists.down_iv[d].as_slice()
                        }
                    })
                    .collect();
                union_many(&from, &mut via);
            }
            if self.fused && via.is_empty() && records.is_none() {
                // Nothing through groups, not recorded: its list is its
                // row's union, and the row books as the list would
                // ([`fused::book_row`]). Not kept: book the outages as the
                // union goes, without writing it out. Kept: the list is
                // written for the nodes that read it, and booked from the
                // row, now or (late) after every list is known.
                lists.via_groups[i] = via;
                if plan.keep_list[i] {
                    let picked = self.rows.read(i);
                    union_picked(picked, distinct, &mut lists.down_iv[i]);
                    if plan.book_late[i] {
                        late = true;
                        continue;
                    }
                } else {
                    debug_assert!(!plan.book_late[i]);
                }
                fused::book_row(plan, i, &mut self.rows, distinct, totals, ledger);
                continue;
            }
            let keep = plan.keep_list[i];
            let out = if keep {
                &mut lists.down_iv[i]
            } else {
                &mut lists.scratch
            };
            let picked = self.rows.read(i);
            if via.is_empty() {
                union_picked(picked, distinct, out);
            } else {
                lists.raw.clear();
                lists
                    .raw
                    .extend(picked.iter().map(|&k| distinct[k as usize]));
                union_into(&lists.raw, &via, out);
            }
            lists.via_groups[i] = via;
            if plan.book_late[i] {
                late = true;
            } else {
                let down = if keep {
                    &lists.down_iv[i]
                } else {
                    &lists.scratch
                };
                let one = One::new(plan, i, down, &lists.down_iv);
                book(one, ledger, totals, records.as_deref_mut());
            }
        }
        if late {
            for svc in (0..s).filter(|&i| plan.book_late[i]) {
                let down = &lists.down_iv[svc];
                let one = One::new(plan, svc, down, &lists.down_iv);
                if self.fused && lists.via_groups[svc].is_empty() && records.is_none() {
                    // Its list is its row's union (above): the row books
                    // its outages, the list its degradation.
                    debug_assert!(plan.hot[svc].revenue_per_hour > 0.0);
                    fused::book_row(plan, svc, &mut self.rows, distinct, totals, ledger);
                    degrade(one, ledger, totals, None);
                } else {
                    book(one, ledger, totals, records.as_deref_mut());
                }
            }
        }
        self.pending.count_durations(&mut self.ledger, acc);
        if self.recording {
            self.records.sort_by(|a, b| a.t.total_cmp(&b.t));
            for (d, t) in self.data_lost.iter_mut().zip(&self.totals.tally) {
                *d = t.data_loss;
            }
        }
    }
}

/// What the booking of one service reads: the plan, the service, its list
/// of down intervals and every service's (its soft dependencies' among
/// them).
#[derive(Clone, Copy)]
pub(super) struct One<'a> {
    pub(super) plan: &'a SimPlan,
    pub(super) svc: usize,
    pub(super) down: &'a [Iv],
    pub(super) lists: &'a [Vec<Iv>],
}

impl<'a> One<'a> {
    fn new(plan: &'a SimPlan, svc: usize, down: &'a [Iv], lists: &'a [Vec<Iv>]) -> Self {
        One {
            plan,
            svc,
            down,
            lists,
        }
    }
}

/// Book one service's outages from its list `down` with the rule
/// ([`Outages`]): downtime, RTO and MTPD, costs, lost revenue (all of it
/// while down, the capacity lost to soft dependencies while up, from
/// their lists in `lists`); with `records`, each outage's start and end.
fn book(
    one: One<'_>,
    ledger: &mut Ledger,
    totals: &mut Totals,
    mut records: Option<&mut Vec<Record>>,
) {
    let (plan, svc) = (one.plan, one.svc);
    let p = plan.hot[svc];
    let h = plan.horizon;
    let from = ledger.keys.len();
    let timed = Timed::of(plan, svc, ledger.origin);
    let mut outages = Outages::of(
        plan,
        svc,
        timed,
        &mut ledger.shares,
        &mut ledger.keys,
        totals,
    );
    let mut mark = |span: Option<(f64, f64)>| {
        if let (Some((start, end)), Some(records)) = (span, records.as_deref_mut()) {
            let svc = svc as u32;
            records.push(Record {
                t: start,
                svc,
                mark: Mark::Down,
            });
            if end <= h {
                records.push(Record {
                    t: end,
                    svc,
                    mark: Mark::Up,
                });
            }
        }
    };
    for &run in one.down {
        mark(outages.run(run));
    }
    mark(outages.last());
    let (shortest, longest) = (outages.shortest, outages.longest);
    outages.settle();
    ledger.note(svc, from, shortest, longest);
    let soft = plan.soft_deps.row(svc);
    if p.revenue_per_hour > 0.0 && (!soft.is_empty() || records.is_some()) {
        degrade(one, ledger, totals, records);
    }
}

//! The DR plan during a trial (DESIGN-2 A1): switchovers that move a
//! service to its failover site (site threats follow it, its hard
//! dependencies become `failover.depends_on`), DR invocation after
//! `invoke_after` of non-functional time for any cause, asynchronous
//! replication's data loss, and switchovers that wait for
//! `failover.requires`.
//!
//! Nothing here runs for a scenario without failovers: every hook in the
//! shared code is behind [`DrPlan::any`] or a per-service flag, so such a
//! scenario simulates exactly as before.
//!
//! [`DrPlan::any`]: super::super::dr_plan::DrPlan::any

use super::super::compile::{SimPlan, ThreatPlanKind};
use super::super::intervals::{union_many, Iv};
use super::super::rng::{self, Purpose, Stream};
use super::events::EvKind;
use super::own::Damage;
use super::{Trial, NONE};

/// The DR plan's state in one trial.
pub(super) struct Dr {
    /// Per service: when it started to run at its failover site (+∞ while
    /// it runs at home).
    pub(super) relocated_at: Vec<f64>,
    /// Per service: blocks from home that a switchover left behind; their
    /// unblocks no longer count.
    pub(super) stale: Vec<u32>,
    /// Per service with `invoke_after`: since when it has been
    /// non-functional (NaN while functional), the episode number that its
    /// pending invocation carries, and the cause that took it down.
    down_since: Vec<f64>,
    episode: Vec<u32>,
    down_cause: Vec<u32>,
    /// ... and the occurrence of that cause.
    down_occ: Vec<u32>,
    /// Per service: whether its blocks and unblocks are reported
    /// ([`DrPlan::watched`](super::super::dr_plan::DrPlan::watched)).
    pub(super) watched: Vec<bool>,
    /// Watched services whose own state changed during the current event,
    /// with the cause and occurrence of a block (cause `NONE` for an
    /// unblock).
    pub(super) touched: Vec<(u32, u32, u32)>,
    /// Switchovers decided but waiting for `failover.requires`: service,
    /// generation and cause.
    pub(super) waiting: Vec<(u32, u32, u32)>,
    /// Invocations due at the current instant (service, episode): taken
    /// once every other event of the instant has been handled, so that a
    /// service back at exactly `invoke_after` (its repair, the end of an
    /// outage or of a restart at that instant) is not invoked, whatever
    /// the order in which the events were queued.
    pub(super) due: Vec<(u32, u32)>,
    /// Per threat occurrence of an outage that met moved services: the
    /// services it does not block at home and those it blocks at their
    /// failover site.
    pub(super) occs: Vec<(Vec<u32>, Vec<u32>)>,
    /// Per service: its replication-lag stream, made on first use.
    lag: Vec<Option<Stream>>,
    /// Some service moved in this trial (what to reset).
    moved: bool,
}

impl Dr {
    pub(super) fn new(plan: &SimPlan) -> Dr {
        let s = plan.n_services;
        let sized = |on: bool| if on { s } else { 0 };
        Dr {
            relocated_at: vec![f64::INFINITY; sized(plan.dr.any)],
            stale: vec![0; sized(plan.dr.any)],
            down_since: vec![f64::NAN; sized(plan.dr.invokes)],
            episode: vec![0; sized(plan.dr.invokes)],
            down_cause: vec![0; sized(plan.dr.invokes)],
            down_occ: vec![0; sized(plan.dr.invokes)],
            watched: if plan.dr.invokes {
                plan.dr.watched.clone()
            } else {
                Vec::new()
            },
            touched: Vec::new(),
            waiting: Vec::new(),
            due: Vec::new(),
            occs: Vec::new(),
            lag: vec![None; sized(plan.dr.any)],
            moved: false,
        }
    }

    pub(super) fn reset(&mut self) {
        if self.moved {
            self.relocated_at.fill(f64::INFINITY);
            self.stale.fill(0);
            self.moved = false;
        }
        self.down_since.fill(f64::NAN);
        self.touched.clear();
        self.waiting.clear();
        self.due.clear();
        self.occs.clear();
        for l in &mut self.lag {
            *l = None;
        }
    }

    /// Whether `svc` runs at its failover site.
    #[inline]
    pub(super) fn moved(&self, svc: u32) -> bool {
        self.relocated_at
            .get(svc as usize)
            .is_some_and(|t| t.is_finite())
    }
}

impl Trial {
    /// Whether a failover of `svc` can start now: it has one, it still
    /// runs at home, and its failover site is up.
    pub(super) fn can_fail_over(&self, plan: &SimPlan, svc: u32) -> bool {
        let Some(fo) = &plan.services[svc as usize].failover else {
            return false;
        };
        let site = fo.site as usize;
        !self.dr.moved(svc)
            && self.threats.site_outage[site] == 0
            && !self.threats.site_destroyed[site]
    }

    /// A failover that succeeded its draw: lose the replication lag, then
    /// switch over now, or once `failover.requires` is functional.
    pub(super) fn start_switchover(&mut self, plan: &SimPlan, svc: u32, t: f64, cause: u32) {
        let i = svc as usize;
        let Some(fo) = &plan.services[i].failover else {
            return;
        };
        if let Some(lag) = &fo.lag {
            let key = self.key;
            let stream = self.dr.lag[i].get_or_insert_with(|| {
                rng::stream(key, plan.services[i].key, Purpose::Replication)
            });
            let hours = lag.sample(stream);
            let occ = self.own.open_occ(i);
            self.totals.lose_data(plan, svc, hours, cause, occ);
        }
        let gen = self.svcs.gen[i];
        if !fo.requires.is_empty() {
            // Judged once the whole event is handled ([`dr_after_event`]):
            // a disaster damages its targets at one instant, so a
            // requirement it destroys too is down, whether the file lists
            // it before or after this service.
            self.dr.waiting.push((svc, gen, cause));
            return;
        }
        self.switch_over(plan, svc, gen, t);
    }

    fn switch_over(&mut self, plan: &SimPlan, svc: u32, gen: u32, t: f64) {
        let Some(fo) = &plan.services[svc as usize].failover else {
            return;
        };
        let d = self.draw(plan, svc, Purpose::Failover, &fo.switchover);
        self.schedule(t + d, EvKind::SwitchoverDone { svc, gen });
    }

    /// A switchover finished: from now on `svc` runs at its failover site.
    /// What stopped it at home (an outage, a restart) no longer does; its
    /// damage ends with the recovery that follows.
    pub(super) fn relocate(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        let i = svc as usize;
        self.dr.relocated_at[i] = t;
        if plan.dr.relocates {
            if self.memo.moved.is_empty() {
                self.memo.moved.resize(plan.n_services, false);
            }
            self.memo.moved[i] = true;
        }
        self.dr.moved = true;
        let damaged = u32::from(self.svcs.damage[i] != Damage::Up);
        let left = self.own.count[i].saturating_sub(damaged);
        if left > 0 {
            self.dr.stale[i] += left;
            self.own.count[i] -= left;
        }
    }

    /// After each event: DR invocation checks for the watched services
    /// that changed, and switchovers whose requirements are now met.
    pub(super) fn dr_after_event(&mut self, plan: &SimPlan, t: f64) {
        if !self.dr.touched.is_empty() {
            self.memo.next_epoch();
            let touched = std::mem::take(&mut self.dr.touched);
            for &(svc, cause, occ) in &touched {
                for &w in plan.dr.watchers.row(svc as usize) {
                    self.watch(plan, w, t, cause, occ);
                }
            }
            self.dr.touched = touched;
            self.dr.touched.clear();
        }
        if !self.dr.waiting.is_empty() {
            self.memo.next_epoch();
            let mut k = 0;
            while k < self.dr.waiting.len() {
                let (svc, gen, _) = self.dr.waiting[k];
                if self.svcs.gen[svc as usize] != gen {
                    self.dr.waiting.remove(k);
                    continue;
                }
                let Some(fo) = &plan.services[svc as usize].failover else {
                    k += 1;
                    continue;
                };
                if fo
                    .requires
                    .iter()
                    .all(|&d| self.memo.functional_now(plan, &self.own.count, d))
                {
                    self.dr.waiting.remove(k);
                    self.switch_over(plan, svc, gen, t);
                } else {
                    k += 1;
                }
            }
        }
    }

    /// Service `w` (with `invoke_after`) may have gone down or come back.
    fn watch(&mut self, plan: &SimPlan, w: u32, t: f64, cause: u32, occ: u32) {
        let i = w as usize;
        if i >= plan.n_services || self.dr.moved(w) {
            return;
        }
        let up = self.memo.functional_now(plan, &self.own.count, w);
        if up {
            if !self.dr.down_since[i].is_nan() {
                self.dr.down_since[i] = f64::NAN;
                self.dr.episode[i] = self.dr.episode[i].wrapping_add(1);
            }
        } else if self.dr.down_since[i].is_nan() {
            let Some(fo) = &plan.services[i].failover else {
                return;
            };
            self.dr.down_since[i] = t;
            self.dr.episode[i] = self.dr.episode[i].wrapping_add(1);
            self.dr.down_cause[i] = if cause == NONE { 0 } else { cause };
            self.dr.down_occ[i] = occ;
            let gen = self.dr.episode[i];
            self.schedule(t + fo.invoke_after, EvKind::Invoke { svc: w, gen });
        }
    }

    /// The invocations due at `t`, once every other event of the instant
    /// has been handled ([`Dr::due`]), in the order they were queued.
    pub(super) fn invoke_due(&mut self, plan: &SimPlan, t: f64) {
        let due = std::mem::take(&mut self.dr.due);
        for &(svc, gen) in &due {
            self.invoke(plan, svc, gen, t);
            if !self.dr.touched.is_empty() || !self.dr.waiting.is_empty() {
                self.dr_after_event(plan, t);
            }
        }
        // Invoking queues events, never takes one: nothing came due meanwhile.
        debug_assert!(self.dr.due.is_empty());
        self.dr.due = due;
        self.dr.due.clear();
    }

    /// `invoke_after` has passed since `svc` went down: if it is still
    /// down, declare the disaster and fail over.
    pub(super) fn invoke(&mut self, plan: &SimPlan, svc: u32, gen: u32, t: f64) {
        let i = svc as usize;
        if self.dr.episode[i] != gen || self.dr.down_since[i].is_nan() {
            return;
        }
        // Once declared, the episode is over: a failed attempt is not
        // retried until the service comes back and goes down again.
        self.dr.episode[i] = self.dr.episode[i].wrapping_add(1);
        if !self.can_fail_over(plan, svc) || self.svcs.damage[i] == Damage::Destroyed {
            return;
        }
        let Some(fo) = &plan.services[i].failover else {
            return;
        };
        let success = fo.success;
        if self.failover_unit(plan, svc) >= success {
            return;
        }
        let cause = self.dr.down_cause[i];
        self.own.occ = self.dr.down_occ[i];
        match self.svcs.damage[i] {
            Damage::Up => self.damage(svc, t, cause, Damage::Failed),
            Damage::Failed => {
                self.cancel_job(svc);
                self.svcs.gen[i] += 1;
            }
            Damage::Destroyed => return,
        }
        self.start_switchover(plan, svc, t, cause);
    }

    /// An outage starts: which of its targets have moved away from it, and
    /// which services have moved into it; `NONE` when neither.
    pub(super) fn outage_moves(&mut self, plan: &SimPlan, threat: u32) -> u32 {
        let (gone, come) = self.moves(plan, threat);
        if gone.is_empty() && come.is_empty() {
            return NONE;
        }
        self.dr.occs.push((gone, come));
        self.dr.occs.len() as u32 - 1
    }

    /// A threat's targets at home that have moved away, and the services
    /// that have moved to one of its sites.
    pub(super) fn moves(&self, plan: &SimPlan, threat: u32) -> (Vec<u32>, Vec<u32>) {
        let (targets, sites) = match &plan.threats[threat as usize].kind {
            ThreatPlanKind::Outage { targets, sites, .. }
            | ThreatPlanKind::Disaster { targets, sites, .. } => (targets, sites),
            _ => return (Vec::new(), Vec::new()),
        };
        let gone = targets
            .iter()
            .copied()
            .filter(|&svc| {
                self.dr.moved(svc)
                    && plan.dr.home[svc as usize].is_some_and(|home| sites.contains(&home))
            })
            .collect();
        let come = plan.dr.movers[threat as usize]
            .iter()
            .copied()
            .filter(|&svc| self.dr.moved(svc))
            .collect();
        (gone, come)
    }
}

impl Dr {
    /// The dependencies' down intervals of service `i` if it moved in this
    /// trial and its standby has its own dependencies: its home
    /// dependencies' up to the switchover, the standby's from then on
    /// (`down_iv` holds both, kept for it by the plan).
    pub(super) fn moved_deps(
        &self,
        plan: &SimPlan,
        i: usize,
        down_iv: &[Vec<Iv>],
    ) -> Option<Vec<Iv>> {
        let at = *self.relocated_at.get(i)?;
        if !at.is_finite() {
            return None;
        }
        let standby = plan.services[i].failover.as_ref()?.deps.as_ref()?;
        let clip = |list: &[Iv], from: f64, to: f64| -> Vec<Iv> {
            list.iter()
                .filter(|iv| iv.end > from && iv.start < to)
                .map(|iv| Iv {
                    start: iv.start.max(from),
                    end: iv.end.min(to),
                    ..*iv
                })
                .collect()
        };
        let mut parts: Vec<Vec<Iv>> = Vec::new();
        for &d in plan.hard_deps.row(i) {
            parts.push(clip(&down_iv[d as usize], f64::NEG_INFINITY, at));
        }
        for &d in standby {
            parts.push(clip(&down_iv[d as usize], at, f64::INFINITY));
        }
        let refs: Vec<&[Iv]> = parts.iter().map(Vec::as_slice).collect();
        let mut out = Vec::new();
        union_many(&refs, &mut out);
        Some(out)
    }
}

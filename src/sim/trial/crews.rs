//! Damage and recovery: random failures, destructions and encryptions
//! damage a service; crews repair, restore and rebuild in plan order
//! (dependency order when the plan asks for it); a destroyed service
//! fails over, restores from its last clean backup (losing the data since)
//! or is rebuilt.

use std::cmp::Ordering;

use super::super::compile::SimPlan;
use super::super::rng::Purpose;
use super::events::EvKind;
use super::own::Damage;
use super::{JobKind, Mark, Trial};

#[derive(Debug, Clone, Copy)]
pub(super) struct Job {
    svc: u32,
    kind: JobKind,
    /// Arrival number: the last tie-break of the crew queue.
    seq: u64,
}

/// The crew queue.
///
/// With unlimited crews, `waiting` is in arrival order. With a number of
/// crews, its first `sorted` jobs are in dispatch order, the best
/// ([`order`]) last, and the jobs after them arrived since the last
/// dispatch: a dispatch sorts them in, then walks from the best down and
/// stops when the crews are taken, so that a long queue (a disaster's
/// restores on a large estate) is not scanned whole for every job that
/// starts.
pub(super) struct Crews {
    /// Jobs queued so far in the trial (a job's arrival number).
    seq: u64,
    pub(super) waiting: Vec<Job>,
    /// How many of `waiting`'s first jobs are in dispatch order.
    sorted: usize,
    /// Tests: dispatch by scanning the whole queue for each job that
    /// starts, the definition the walk is held to.
    #[cfg(test)]
    pub(super) scan: bool,
    /// Crews not at work (`u32::MAX`: unlimited).
    free: u32,
    /// Waiting jobs may start: dispatch after the last event of this
    /// instant.
    pub(super) dispatch_needed: bool,
}

impl Crews {
    pub(super) fn new(crews: u32) -> Crews {
        Crews {
            seq: 0,
            waiting: Vec::new(),
            sorted: 0,
            free: crews,
            dispatch_needed: false,
            #[cfg(test)]
            scan: false,
        }
    }

    pub(super) fn reset(&mut self, crews: u32) {
        self.seq = 0;
        self.waiting.clear();
        self.sorted = 0;
        self.free = crews;
        self.dispatch_needed = false;
    }

    /// A crew goes free.
    pub(super) fn release(&mut self) {
        if self.free != u32::MAX {
            self.free += 1;
            self.dispatch_needed = !self.waiting.is_empty();
        }
    }

    /// Queue a job; it starts at the dispatch that follows the last event
    /// of this instant, so that simultaneous arrivals (a disaster's
    /// targets) are taken in priority order, not in arrival order.
    fn enqueue(&mut self, svc: u32, kind: JobKind) {
        self.seq += 1;
        self.waiting.push(Job {
            svc,
            kind,
            seq: self.seq,
        });
        self.dispatch_needed = true;
    }

    /// Sort the jobs that arrived since the last dispatch in among the
    /// others, the best last ([`order`]): a few one by one, many (a
    /// disaster's) in one sort, which finds the sorted run ahead of them.
    fn sort_arrivals(&mut self, plan: &SimPlan) {
        let n = self.waiting.len();
        debug_assert!(self.sorted <= n);
        if n - self.sorted > 8 {
            self.waiting.sort_by(|a, b| order(plan, b, a));
        } else {
            for k in self.sorted.max(1)..n {
                let job = self.waiting[k];
                let at = self.waiting[..k].partition_point(|x| order(plan, &job, x).is_lt());
                if at < k {
                    self.waiting.copy_within(at..k, at + 1);
                    self.waiting[at] = job;
                }
            }
        }
        self.sorted = n;
    }
}

/// The plan's teams (DESIGN-2 B4): a crew queue each, and each
/// service's team. Empty without teams: every job goes to [`Crews`].
pub(super) struct Teams {
    pools: Vec<Crews>,
    /// Per service: its team, `u32::MAX` for the plan's crews.
    of: Vec<u32>,
}

impl Teams {
    pub(super) fn new(plan: &SimPlan) -> Teams {
        Teams {
            pools: plan.teams.iter().map(|&c| Crews::new(c)).collect(),
            of: plan.team_of.clone(),
        }
    }

    pub(super) fn reset(&mut self, plan: &SimPlan) {
        for (pool, &c) in self.pools.iter_mut().zip(&plan.teams) {
            pool.reset(c);
        }
    }

    /// The team of `svc`, if it has one.
    #[inline]
    fn of(&self, svc: u32) -> Option<usize> {
        match self.of.get(svc as usize) {
            Some(&k) if k != u32::MAX => Some(k as usize),
            _ => None,
        }
    }

    /// A dependency came back: teams with jobs waiting (perhaps for it)
    /// dispatch again. Whether any has.
    pub(super) fn recheck(&mut self) -> bool {
        let mut any = false;
        for pool in &mut self.pools {
            if !pool.waiting.is_empty() {
                pool.dispatch_needed = true;
                any = true;
            }
        }
        any
    }
}

impl Trial {
    /// The crew queue that recovers `svc`: its team's, else the plan's.
    #[inline]
    fn pool(&mut self, svc: u32) -> &mut Crews {
        match self.teams.of(svc) {
            Some(k) => &mut self.teams.pools[k],
            None => &mut self.crews,
        }
    }

    /// Queue a job in its pool; the trial dispatches after this instant.
    fn enqueue_job(&mut self, svc: u32, kind: JobKind) {
        self.pool(svc).enqueue(svc, kind);
        self.crews.dispatch_needed = true;
    }

    /// The crew of `svc`'s job goes free.
    pub(super) fn release_crew(&mut self, svc: u32) {
        match self.teams.of(svc) {
            Some(k) => {
                self.teams.pools[k].release();
                self.crews.dispatch_needed |= self.teams.pools[k].dispatch_needed;
            }
            None => {
                self.crews.release();
                if !self.teams.pools.is_empty() {
                    let waiting = self.teams.pools.iter().any(|p| p.dispatch_needed);
                    self.crews.dispatch_needed |= waiting;
                }
            }
        }
    }

    /// A random failure, a destruction or an encryption damages a service.
    pub(super) fn damage(&mut self, svc: u32, t: f64, cause: u32, to: Damage) {
        let i = svc as usize;
        // Damaged: no failure clock runs until it is recovered.
        self.svcs.fail_at[i] = f64::INFINITY;
        self.svcs.life_left[i] = f64::NAN;
        if to == Damage::Destroyed && self.svcs.damage[i] != Damage::Destroyed {
            // A destruction decides how long the service stays down from
            // now on: whatever stopped it before is charged only until now.
            self.own.split(i, t, cause);
        }
        match self.svcs.damage[i] {
            Damage::Up => {
                self.svcs.damage[i] = to;
                self.svcs.gen[i] += 1;
                self.block(svc, t, cause);
            }
            Damage::Failed if to == Damage::Destroyed => {
                self.cancel_job(svc);
                self.svcs.damage[i] = to;
                self.svcs.gen[i] += 1;
            }
            _ => {}
        }
    }

    /// Drop a service's pending or running job (its crew goes free).
    pub(super) fn cancel_job(&mut self, svc: u32) {
        let i = svc as usize;
        if self.svcs.job_running[i] {
            self.svcs.job_running[i] = false;
            self.release_crew(svc);
        } else {
            let pool = self.pool(svc);
            if let Some(pos) = pool.waiting.iter().position(|j| j.svc == svc) {
                pool.waiting.remove(pos);
                if pos < pool.sorted {
                    pool.sorted -= 1;
                }
            }
        }
    }

    /// A random failure: queue its repair.
    pub(super) fn enqueue_repair(&mut self, svc: u32) {
        self.enqueue_job(svc, JobKind::Repair);
    }

    /// A destroyed service whose backups are gone: queue its rebuild.
    pub(super) fn enqueue_rebuild(&mut self, svc: u32) {
        self.enqueue_job(svc, JobKind::Rebuild);
    }

    /// Whether a waiting job may start now: repairs always; restores and
    /// rebuilds once what the backup requires is functional, and in
    /// dependency order only once every hard dependency is functional too.
    #[inline]
    fn eligible(&mut self, plan: &SimPlan, job: Job) -> bool {
        job.kind == JobKind::Repair || self.restore_eligible(plan, job)
    }

    /// [`Trial::eligible`] of a restore or a rebuild (out of line: most
    /// jobs are repairs).
    #[inline(never)]
    fn restore_eligible(&mut self, plan: &SimPlan, job: Job) -> bool {
        let i = job.svc as usize;
        let requires = &plan.services[i].backup_requires;
        if !requires.is_empty() && !requires.iter().all(|&d| self.functional_now(plan, d)) {
            return false;
        }
        if !plan.dependency_order {
            return true;
        }
        let deps = self.memo.deps(plan, i);
        deps.iter().all(|&d| self.functional_now(plan, d))
    }

    #[inline(always)]
    fn start(&mut self, plan: &SimPlan, job: Job, t: f64) {
        let i = job.svc as usize;
        let p = &plan.services[i];
        let (purpose, dist) = match job.kind {
            JobKind::Repair => (Purpose::Repair, p.repair.as_ref()),
            JobKind::Restore => (Purpose::Restore, p.restore.as_ref()),
            JobKind::Rebuild => (Purpose::Restore, p.rebuild.as_ref()),
        };
        let Some(dist) = dist else { return };
        let duration = if purpose == Purpose::Repair {
            self.draw_own(plan, job.svc, purpose, dist)
        } else {
            self.draw(plan, job.svc, purpose, dist)
        };
        if self.crews.free != u32::MAX {
            self.crews.free -= 1;
        }
        self.svcs.job_running[i] = true;
        self.mark(t, job.svc, Mark::JobStart(job.kind));
        let gen = self.svcs.gen[i];
        self.schedule(t + duration, EvKind::JobDone { svc: job.svc, gen });
    }

    /// Dispatch the plan's crews, then each team that has jobs to start
    /// (a team's queue stands in for the plan's while it is dispatched).
    pub(super) fn dispatch(&mut self, plan: &SimPlan, t: f64) {
        self.dispatch_pool(plan, t);
        for k in 0..self.teams.pools.len() {
            if self.teams.pools[k].dispatch_needed {
                std::mem::swap(&mut self.crews, &mut self.teams.pools[k]);
                self.dispatch_pool(plan, t);
                std::mem::swap(&mut self.crews, &mut self.teams.pools[k]);
            }
        }
    }

    /// Start waiting jobs while crews are free: plan priority first, then
    /// revenue at risk, then arrival. With unlimited crews every eligible
    /// job starts (in queue order, which keeps draws deterministic).
    fn dispatch_pool(&mut self, plan: &SimPlan, t: f64) {
        self.crews.dispatch_needed = false;
        // Own states do not change during a dispatch: one memo serves all.
        self.memo.next_epoch();
        if self.crews.free == u32::MAX {
            let mut k = 0;
            while k < self.crews.waiting.len() {
                let job = self.crews.waiting[k];
                if self.eligible(plan, job) {
                    self.crews.waiting.remove(k);
                    self.start(plan, job, t);
                } else {
                    k += 1;
                }
            }
            return;
        }
        #[cfg(test)]
        if self.crews.scan {
            return self.dispatch_by_scan(plan, t);
        }
        // The best eligible job first, as long as crews are free: own
        // states do not change during a dispatch, so one walk from the
        // best down finds them all in turn.
        self.crews.sort_arrivals(plan);
        let mut k = self.crews.waiting.len();
        while self.crews.free > 0 && k > 0 {
            k -= 1;
            let job = self.crews.waiting[k];
            if !self.eligible(plan, job) {
                continue;
            }
            // Most often the best job is the last one.
            let waiting = &mut self.crews.waiting;
            if k + 1 == waiting.len() {
                waiting.truncate(k);
            } else {
                waiting.remove(k);
            }
            self.crews.sorted -= 1;
            self.start(plan, job, t);
        }
    }

    /// Back up after a repair, restore, rebuild or switchover.
    pub(super) fn recovered(&mut self, plan: &SimPlan, svc: u32, t: f64) {
        let i = svc as usize;
        self.svcs.damage[i] = Damage::Up;
        self.svcs.gen[i] += 1;
        if plan.dr.backup_sites {
            self.backups_recovered(svc, t);
        }
        self.release(svc, t);
        if self.failures {
            self.schedule_failure(plan, svc, t);
        }
    }

    /// A destroyed or encrypted service: fail over when it can (not after
    /// ransomware or a replicated disaster: the replica is damaged too),
    /// else restore from the last clean backup (before `clean_before` when
    /// recent backups are compromised) unless it was lost with its site
    /// ([`super::backups`]) or retention no longer holds it, else rebuild;
    /// with none of these it stays down to the end of the trial.
    pub(super) fn recover_destroyed(
        &mut self,
        plan: &SimPlan,
        svc: u32,
        t: f64,
        cause: u32,
        allow_failover: bool,
        clean_before: Option<f64>,
    ) {
        let i = svc as usize;
        let p = &plan.services[i];
        if allow_failover {
            if let (Some(fo), true) = (&p.failover, self.can_fail_over(plan, svc)) {
                if self.failover_unit(plan, svc) < fo.success {
                    self.start_switchover(plan, svc, t, cause);
                    return;
                }
            }
        }
        let has_rebuild = p.rebuild.is_some();
        if let (Some(interval), true) = (p.backup_interval, p.restore.is_some()) {
            let phase = self.backup_phase(plan, svc, interval);
            // The newest clean backup: at or before the cut-off time (now,
            // or the compromise when recent backups are unusable).
            let cutoff = clean_before.unwrap_or(t);
            let last = cutoff - (cutoff - phase).rem_euclid(interval);
            let occ = self.own.open_occ(svc as usize);
            if p.backup_site.is_some() {
                if let Some(base) = self.backups.gone(svc, last) {
                    // Lost with their site: everything since `base` is
                    // lost, and only a rebuild brings it back.
                    self.totals.lose_data(plan, svc, t - base, cause, occ);
                    if has_rebuild {
                        self.backups.rebuild_afresh(svc);
                        self.enqueue_job(svc, JobKind::Rebuild);
                    }
                    return;
                }
            }
            // Data loss is the work since the last clean backup, whether or
            // not retention still holds it; retention decides between a
            // restore and a rebuild.
            self.totals.lose_data(plan, svc, t - last, cause, occ);
            if p.retention.is_none_or(|r| t - last <= r) {
                if p.backup_site.is_some() {
                    self.backups.restore_from(svc, last);
                }
                self.enqueue_job(svc, JobKind::Restore);
                return;
            }
        }
        if has_rebuild {
            self.enqueue_job(svc, JobKind::Rebuild);
        }
    }
}

/// Crew queue order: plan priority, then revenue at risk (higher first),
/// then arrival (`Less`: `a` goes first). A total order: arrival numbers
/// are unique.
fn order(plan: &SimPlan, a: &Job, b: &Job) -> Ordering {
    let (pa, pb) = (
        &plan.services[a.svc as usize],
        &plan.services[b.svc as usize],
    );
    pa.priority_rank
        .cmp(&pb.priority_rank)
        .then_with(|| pb.revenue_at_risk.total_cmp(&pa.revenue_at_risk))
        .then_with(|| a.seq.cmp(&b.seq))
}

#[cfg(test)]
impl Trial {
    /// The definition of a dispatch with a number of crews: while crews
    /// are free, scan every waiting job for the best eligible one and
    /// start it.
    fn dispatch_by_scan(&mut self, plan: &SimPlan, t: f64) {
        while self.crews.free > 0 {
            let mut best: Option<usize> = None;
            for k in 0..self.crews.waiting.len() {
                let job = self.crews.waiting[k];
                if !self.eligible(plan, job) {
                    continue;
                }
                best = match best {
                    Some(b) if order(plan, &job, &self.crews.waiting[b]).is_gt() => Some(b),
                    _ => Some(k),
                };
            }
            let Some(b) = best else { break };
            let job = self.crews.waiting.remove(b);
            self.crews.sorted = self.crews.sorted.min(self.crews.waiting.len());
            self.start(plan, job, t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walking the sorted queue starts the same jobs in the same order as
    /// scanning the whole queue for each: equal accumulators on an estate
    /// whose disasters queue hundreds of restores for three crews (in
    /// dependency order, and not), on the bundled scenario with teams, and
    /// on one whose attacks cancel queued restores for rebuilds.
    #[test]
    fn walking_the_sorted_queue_dispatches_as_the_scan() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let estate = crate::sim::generate::layered(300, 5)
            .expect("valid")
            .replace("rate_per_year: 0.02", "rate_per_year: 3.0")
            .replace("crews: 10", "crews: 3");
        assert!(estate.contains("crews: 3") && estate.contains("rate_per_year: 3.0"));
        // One crew, failures whose repairs wait long, and fires that
        // destroy failed services: queued repairs are cancelled.
        let services: String = (0..12)
            .map(|k| {
                format!(
                    r#"Service(id: "s{k}", site: "{}", failure: (mtbf: "150h", repair: Exponential(mean: "20h")), backup: (interval: "4h", restore: Exponential(mean: "10h"))),"#,
                    if k % 3 == 0 { "b" } else { "a" }
                )
            })
            .collect();
        let cancels = format!(
            r#"Scenario(name: "cancels", horizon: "1y", sites: [Site(id: "a"), Site(id: "b")],
            services: [{services} Service(id: "top", depends_on: ["s0", "s1", "s2"], revenue_per_hour: 100)],
            threats: [Disaster(id: "fire", rate_per_year: 8, targets: [Site("a")])],
            plan: Plan(crews: 1, priority: ["s4", "s1"]))"#
        );
        let texts = [
            cancels,
            estate.clone(),
            estate.replace(
                "restore_in_dependency_order: true",
                "restore_in_dependency_order: false",
            ),
            std::fs::read_to_string(root.join("scenarios/saas-multi-region.ron")).expect("bundled"),
            std::fs::read_to_string(root.join("scenarios/ransomware-mutable.ron"))
                .expect("bundled"),
        ];
        for text in texts {
            let model = crate::scenario::parse_str(&text).expect("valid");
            let plan = SimPlan::compile(&model);
            let run = |scan: bool| {
                super::super::annual_trials(&plan, 11, 60, |trial| {
                    trial.crews.scan = scan;
                    for pool in &mut trial.teams.pools {
                        pool.scan = scan;
                    }
                })
            };
            let walked = run(false);
            assert!(walked.annual_loss.sum() > 0.0, "{}", model.name);
            assert!(run(true) == walked, "{}", model.name);
        }
    }
}

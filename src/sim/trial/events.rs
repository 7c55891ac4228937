//! The event loop's events: what they are, how they are scheduled, the
//! threats' occurrences over the horizon, and what each event does.

use crate::model::dist::unit_open;
use crate::model::Dist;

use super::super::clock::on_grid;
use super::super::compile::{SimPlan, ThreatPlanKind, HOURS_PER_YEAR};
use super::super::queue::Queue;
use super::super::rng::{self, Purpose, Stream};
use super::super::short::refill;
use super::super::streams::Streams;
use super::own::Damage;
use super::ransomware::Attack;
use super::{Mark, Trial, FAILURES, NONE};

#[derive(Debug, Clone, Copy)]
pub(super) enum EvKind {
    Failure {
        svc: u32,
        gen: u32,
    },
    JobDone {
        svc: u32,
        gen: u32,
    },
    SwitchoverDone {
        svc: u32,
        gen: u32,
    },
    /// Services that resume at one instant, `unblocks[from..to]`: the
    /// restarts after an outage that end together (every service of a site
    /// with the same fixed restart time), or the end of a containment.
    ///
    /// One event stands for the run of single unblocks that its scheduler
    /// would have queued back to back at this time: they would pop back to
    /// back too (equal times pop in push order, and nothing was pushed
    /// between them), so unblocking them in one go, in the same order,
    /// changes nothing but the queue's work.
    Unblock {
        from: u32,
        to: u32,
    },
    OutageStart {
        threat: u32,
    },
    OutageEnd {
        threat: u32,
        /// The occurrence's moved services ([`super::dr`]); `NONE` when
        /// none.
        occ: u32,
    },
    Disaster {
        threat: u32,
    },
    Attack {
        threat: u32,
    },
    /// A ransomware attack's payload: encrypt what is compromised.
    Encrypt {
        attack: u32,
    },
    /// A contained attack's isolation starts (at detection).
    Contain {
        attack: u32,
    },
    /// DR invocation: `invoke_after` has passed since the service went
    /// down (episode `gen`).
    Invoke {
        svc: u32,
        gen: u32,
    },
}

/// The threats' side of a trial: their streams, the sites' states and the
/// ransomware attacks in flight.
pub(super) struct Threats {
    /// Per threat: its duration, cost, attack, spread and backup
    /// compromise streams ([`threat_slot`]).
    streams: Streams,
    pub(super) attacks: Vec<Attack>,
    /// Earliest compromise time per service while an attack spreads
    /// (+∞ between attacks).
    pub(super) reach: Vec<f64>,
    /// Per site: outages in progress, and whether it is destroyed.
    pub(super) site_outage: Vec<u32>,
    pub(super) site_destroyed: Vec<bool>,
}

impl Threats {
    pub(super) fn new(plan: &SimPlan) -> Threats {
        Threats {
            streams: Streams::new(plan.threats.len()),
            attacks: Vec::new(),
            reach: vec![f64::INFINITY; plan.n_services],
            site_outage: vec![0; plan.n_sites],
            site_destroyed: vec![false; plan.n_sites],
        }
    }

    pub(super) fn reset(&mut self) {
        self.streams.clear();
        self.attacks.clear();
        refill(&mut self.site_outage, 0);
        refill(&mut self.site_destroyed, false);
    }
}

/// Where a threat keeps its stream for `purpose` in [`Threats::streams`].
#[inline]
fn threat_slot(purpose: Purpose) -> usize {
    match purpose {
        Purpose::Duration => 0,
        Purpose::Cost => 1,
        Purpose::Attack => 2,
        Purpose::Spread => 3,
        _ => 4,
    }
}

impl Trial {
    /// A threat's stream for one purpose, created on first use.
    pub(super) fn threat_stream(
        &mut self,
        plan: &SimPlan,
        threat: u32,
        purpose: Purpose,
    ) -> &mut Stream {
        let entity = plan.threats[threat as usize].key;
        self.threats.streams.get(
            threat as usize,
            threat_slot(purpose),
            self.key,
            entity,
            purpose,
        )
    }

    /// A draw from a threat's stream.
    pub(super) fn threat_draw(
        &mut self,
        plan: &SimPlan,
        threat: u32,
        purpose: Purpose,
        dist: &Dist,
    ) -> f64 {
        dist.sample(self.threat_stream(plan, threat, purpose))
    }

    /// Queue an event at `t`, put on the clock's grid (see
    /// [`super::super::clock`]), if it happens within the horizon. An event
    /// that ends something (a repair, a switchover, a restart, an outage)
    /// still happens at exactly the horizon: what ends there has ended.
    /// One that starts something there would start a stretch of no length,
    /// and is dropped.
    #[inline]
    pub(super) fn schedule(&mut self, t: f64, kind: EvKind) {
        Trial::schedule_in(&mut self.queue, self.horizon, t, kind);
    }

    /// [`Trial::schedule`] into `queue`, for callers that hold another
    /// part of the trial.
    #[inline]
    pub(super) fn schedule_in(queue: &mut Queue<EvKind>, horizon: f64, t: f64, kind: EvKind) {
        Trial::schedule_on_grid(queue, horizon, on_grid(t), kind);
    }

    /// [`Trial::schedule_in`] of a time on the grid already (a failure's,
    /// put there by its scheduler): [`on_grid`] gives back such a time bit
    /// for bit, so it is not rounded again.
    #[inline]
    pub(super) fn schedule_on_grid(queue: &mut Queue<EvKind>, horizon: f64, t: f64, kind: EvKind) {
        debug_assert!(on_grid(t).to_bits() == t.to_bits() || t.is_nan(), "{t}");
        let ends = matches!(
            kind,
            EvKind::JobDone { .. }
                | EvKind::SwitchoverDone { .. }
                | EvKind::Unblock { .. }
                | EvKind::OutageEnd { .. }
        );
        if t < horizon || (ends && t == horizon) {
            queue.push(t, kind);
        }
    }

    /// Schedule the unblock at `t` of the services `unblocks[from..]` (if
    /// any), as one [`EvKind::Unblock`].
    pub(super) fn schedule_unblocks(&mut self, t: f64, from: usize) {
        let to = self.unblocks.len();
        if from < to {
            let (from, to) = (from as u32, to as u32);
            self.schedule(t, EvKind::Unblock { from, to });
        }
    }

    /// Schedule every threat occurrence of the trial (a Poisson process
    /// at the threat's rate, itself drawn once per trial when uncertain)
    /// and book loss events, which take nothing down.
    ///
    /// The occurrences drawn are held to the event budget as they are
    /// drawn: each is an event (or, for a loss event, a booking) of its
    /// own, and a rate at the cap over a long horizon would otherwise
    /// queue 10^9 of them before the budget is looked at. Past it the
    /// trial fails (`Trial::run`), naming the threat.
    pub(super) fn schedule_threats(&mut self, plan: &SimPlan) {
        let mut drawn = 0u64;
        for (k, threat) in plan.threats.iter().enumerate() {
            let k = k as u32;
            let rate_per_hour = match (&threat.rate_per_hour, &threat.rate_dist) {
                (Some(r), _) => *r,
                (None, Some(d)) => {
                    let mut s = rng::stream(self.key, threat.key, Purpose::Rate);
                    // Validation holds rate distributions to the cap by
                    // their 1-in-a-billion value; the rest is capped here.
                    d.sample(&mut s).min(crate::model::MAX_RATE_PER_YEAR) / HOURS_PER_YEAR
                }
                (None, None) => 0.0,
            } * self.links.mult[k as usize];
            // A common factor's multiplier is held to the cap by
            // validation, not the rate it scales: capped here as a drawn
            // rate is (no effect below the cap, so no change of bits).
            let rate_per_hour = rate_per_hour.min(crate::model::MAX_RATE_PER_YEAR / HOURS_PER_YEAR);
            if rate_per_hour <= 0.0 {
                continue;
            }
            let mut times = rng::stream(self.key, threat.key, Purpose::Occurrence);
            let mut t = 0.0;
            let mut own = 0u64;
            loop {
                t += -(-unit_open(&mut times)).ln_1p() / rate_per_hour;
                if t >= self.horizon {
                    break;
                }
                drawn += 1;
                own += 1;
                if drawn > plan.event_budget {
                    self.links.over = true;
                    self.links.over_at = t;
                    self.links.over_threat = Some((k, own));
                    return;
                }
                self.schedule_occurrence(plan, k, t);
            }
        }
    }

    /// One occurrence of threat `k` at `t` (loss events are booked at once:
    /// they take nothing down).
    pub(super) fn schedule_occurrence(&mut self, plan: &SimPlan, k: u32, t: f64) {
        if self.schedule_one(plan, k, t) && plan.coupling.any_trigger {
            self.fire_triggers(plan, k, t);
        }
    }

    /// [`Trial::schedule_occurrence`] without the triggers: a loss event
    /// is booked (true: its triggers are for the caller to fire), any
    /// other threat queued (false).
    pub(super) fn schedule_one(&mut self, plan: &SimPlan, k: u32, t: f64) -> bool {
        match &plan.threats[k as usize].kind {
            ThreatPlanKind::LossEvent { cost } => {
                let c = self.threat_draw(plan, k, Purpose::Cost, cost);
                self.totals.cause_occ[k as usize + 1] += 1;
                self.totals.cause_loss[k as usize + 1] += c;
                if let Some(occ) = &mut self.totals.occ {
                    let n = self.totals.cause_occ[k as usize + 1] - 1;
                    occ.occurred(k + 1, n, t);
                    occ.charge(k + 1, n, c);
                }
                return true;
            }
            ThreatPlanKind::Outage { .. } => self.schedule(t, EvKind::OutageStart { threat: k }),
            ThreatPlanKind::Disaster { .. } => self.schedule(t, EvKind::Disaster { threat: k }),
            ThreatPlanKind::Ransomware(_) => self.schedule(t, EvKind::Attack { threat: k }),
        }
        false
    }

    /// Count an occurrence and pay its response cost.
    fn occurred(&mut self, plan: &SimPlan, threat: u32, t: f64) {
        let c = threat as usize + 1;
        self.totals.cause_occ[c] += 1;
        self.own.occ = self.totals.cause_occ[c] - 1;
        if let Some(occ) = &mut self.totals.occ {
            occ.occurred(c as u32, self.own.occ, t);
        }
        if let Some(cost) = &plan.threats[threat as usize].response_cost {
            let cost = self.threat_draw(plan, threat, Purpose::Cost, cost);
            self.totals.cause_loss[c] += cost;
            if let Some(occ) = &mut self.totals.occ {
                occ.charge(c as u32, self.own.occ, cost);
            }
        }
        // A ransomware attack triggers from its encryption (`encrypt`).
        let ransomware = matches!(
            plan.threats[threat as usize].kind,
            ThreatPlanKind::Ransomware(_)
        );
        if plan.coupling.any_trigger && !ransomware {
            self.fire_triggers(plan, threat, t);
        }
    }

    pub(super) fn handle(&mut self, plan: &SimPlan, t: f64, kind: EvKind) {
        match kind {
            EvKind::Failure { svc, gen } => {
                let i = svc as usize;
                if self.svcs.gen[i] == gen && self.svcs.damage[i] == Damage::Up {
                    self.totals.cause_occ[FAILURES as usize] += 1;
                    self.own.occ = self.totals.failed.len() as u32;
                    self.totals.failed.push(svc);
                    if let Some(occ) = &mut self.totals.occ {
                        occ.occurred(FAILURES, self.own.occ, t);
                    }
                    self.damage(svc, t, FAILURES, Damage::Failed);
                    self.enqueue_repair(svc);
                }
            }
            EvKind::JobDone { svc, gen } => {
                if self.svcs.gen[svc as usize] == gen {
                    self.mark(t, svc, Mark::JobDone);
                    self.svcs.job_running[svc as usize] = false;
                    self.release_crew(svc);
                    self.recovered(plan, svc, t);
                }
            }
            EvKind::SwitchoverDone { svc, gen } => {
                if self.svcs.gen[svc as usize] == gen {
                    if plan.dr.any {
                        self.relocate(plan, svc, t);
                    }
                    self.recovered(plan, svc, t);
                }
            }
            EvKind::Unblock { from, to } => {
                for k in from as usize..to as usize {
                    let svc = self.unblocks[k];
                    self.unblock(svc, t);
                }
            }
            EvKind::OutageStart { threat } => {
                self.occurred(plan, threat, t);
                let ThreatPlanKind::Outage {
                    targets,
                    sites,
                    duration,
                } = &plan.threats[threat as usize].kind
                else {
                    return;
                };
                let d = self.threat_draw(plan, threat, Purpose::Duration, duration);
                for &site in sites {
                    self.threats.site_outage[site as usize] += 1;
                }
                let occ = if plan.dr.any {
                    self.outage_moves(plan, threat)
                } else {
                    NONE
                };
                for &svc in targets {
                    if occ == NONE || !self.dr.occs[occ as usize].0.contains(&svc) {
                        self.block(svc, t, threat + 1);
                    }
                }
                if occ != NONE {
                    for k in 0..self.dr.occs[occ as usize].1.len() {
                        let svc = self.dr.occs[occ as usize].1[k];
                        self.block(svc, t, threat + 1);
                    }
                }
                self.schedule(t + d, EvKind::OutageEnd { threat, occ });
            }
            EvKind::OutageEnd { threat, occ } => self.outage_end(plan, threat, occ, t),
            EvKind::Disaster { threat } => {
                self.occurred(plan, threat, t);
                let ThreatPlanKind::Disaster {
                    targets,
                    sites,
                    replicated,
                } = &plan.threats[threat as usize].kind
                else {
                    return;
                };
                // A logical disaster that the standby receives too leaves
                // the sites and their backups alone; its targets are
                // restored or rebuilt, never failed over.
                let physical = !*replicated;
                if physical {
                    // A destroyed site takes no failover for the rest of
                    // the trial, and the backups kept there are gone; mark
                    // both before its services look for either.
                    for &site in sites {
                        self.threats.site_destroyed[site as usize] = true;
                    }
                    if plan.dr.backup_sites {
                        self.lose_backups(plan, sites, t, threat + 1);
                    }
                }
                let (gone, come) = if plan.dr.any {
                    self.moves(plan, threat)
                } else {
                    (Vec::new(), Vec::new())
                };
                for &svc in targets.iter().filter(|s| !gone.contains(s)).chain(&come) {
                    if self.svcs.damage[svc as usize] == Damage::Destroyed {
                        continue;
                    }
                    self.damage(svc, t, threat + 1, Damage::Destroyed);
                    self.recover_destroyed(plan, svc, t, threat + 1, physical, None);
                }
                if physical && plan.dr.backup_sites {
                    self.backups_lost_while_down(plan, sites);
                }
            }
            EvKind::Attack { threat } => {
                self.occurred(plan, threat, t);
                self.start_attack(plan, threat, t);
            }
            EvKind::Encrypt { attack } => self.encrypt(plan, attack, t),
            EvKind::Contain { attack } => self.contain(plan, attack, t),
            // Taken at the end of the instant: see `Dr::due`.
            EvKind::Invoke { svc, gen } => self.dr.due.push((svc, gen)),
        }
    }

    /// An outage ends: its sites are up again, and its targets restart
    /// (those without a restart time resume at once).
    fn outage_end(&mut self, plan: &SimPlan, threat: u32, occ: u32, t: f64) {
        let ThreatPlanKind::Outage { targets, sites, .. } = &plan.threats[threat as usize].kind
        else {
            return;
        };
        for &site in sites {
            self.threats.site_outage[site as usize] -= 1;
        }
        // Restarts that end at the same time as the one before join its
        // batch (bit for bit: the queue orders times by their bits).
        // Unblocking the others now pushes nothing, so a batch's restarts
        // would have been queued back to back.
        let mut batch = (f64::NAN, self.unblocks.len());
        if occ != NONE {
            // Moved services: those it did not stop at home are skipped;
            // those it stopped at their failover site restart there, as a
            // service at home does (one it also hit as a target, by id or
            // tag, was stopped twice: it restarts once, below).
            let (gone, come) = std::mem::take(&mut self.dr.occs[occ as usize]);
            for &svc in &come {
                if targets.contains(&svc) && !gone.contains(&svc) {
                    self.unblock(svc, t);
                } else {
                    self.restart(plan, svc, t, &mut batch);
                }
            }
            self.dr.occs[occ as usize].0 = gone;
        }
        for &svc in targets {
            if occ != NONE && self.dr.occs[occ as usize].0.contains(&svc) {
                continue;
            }
            self.restart(plan, svc, t, &mut batch);
        }
        // Past the horizon they are still restarting at the end.
        self.schedule_unblocks(batch.0, batch.1);
    }

    /// Service `svc` resumes after an outage that ended at `t`: at once,
    /// or after its `restart`, batched with the restarts before it that
    /// end at the same instant (`batch`: their end and first unblock).
    fn restart(&mut self, plan: &SimPlan, svc: u32, t: f64, batch: &mut (f64, usize)) {
        match &plan.services[svc as usize].restart {
            Some(restart) => {
                let end = on_grid(t + self.draw_own(plan, svc, Purpose::Restart, restart));
                if end.to_bits() != batch.0.to_bits() {
                    self.schedule_unblocks(batch.0, batch.1);
                    *batch = (end, self.unblocks.len());
                }
                self.unblocks.push(svc);
            }
            None => self.unblock(svc, t),
        }
    }

    /// What broke the event budget in trial `trial`, stopped at `t`: the
    /// service that went down most often by itself, or the threat that
    /// occurred most often, with the numbers and the fix.
    pub(super) fn budget_message(&self, plan: &SimPlan, trial: u64, t: f64) -> String {
        let mut downs = vec![0u64; plan.n_services];
        for seg in &self.own.segs {
            downs[seg.svc as usize] += 1;
        }
        let (svc, most_downs) = downs
            .iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
            .map_or((0, 0), |(i, &n)| (i, n));
        // Occurrences drawn at the start that broke the budget were not
        // yet counted as they happened: name the threat that drew them.
        let (threat, most_occ) = match self.links.over_threat {
            Some((k, n)) => (k as usize, n),
            None => self.totals.cause_occ[1..]
                .iter()
                .enumerate()
                .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
                .map_or((0, 0), |(i, &n)| (i, u64::from(n))),
        };
        let head = format!(
            "trial {trial} stopped after {} events, {t:.1} hours into the horizon (the most one \
             trial may handle)",
            plan.event_budget
        );
        // Threats that set this one off: the chain, not its own rate, is
        // what to change.
        let setters: Vec<String> = plan
            .coupling
            .triggers
            .iter()
            .enumerate()
            .filter(|(_, ts)| ts.iter().any(|x| x.to as usize == threat))
            .map(|(from, _)| format!("\"{}\"", plan.threat_ids[from]))
            .collect();
        // At the start nothing has gone down yet: the threat is the cause.
        let by_threat = self.links.over_threat.is_some() || most_occ > most_downs;
        if by_threat && !setters.is_empty() && self.links.over_threat.is_none() {
            format!(
                "{head}: threat \"{}\" occurred {most_occ} times in it, set off by the \
                 triggers of {}; lower those triggers' probability (a chain in which an \
                 occurrence sets off more than one other on average grows without bound)",
                plan.threat_ids[threat],
                setters.join(", ")
            )
        } else if by_threat {
            format!(
                "{head}: threat \"{id}\" occurred {most_occ} times in it; lower \
                 threats[{threat}] \"{id}\".rate_per_year (a rate distribution with a narrower \
                 range, such as Pert(min: 0.1, mode: 1, max: 10))",
                id = plan.threat_ids[threat]
            )
        } else {
            format!(
                "{head}: service \"{id}\" went down {most_downs} times in it; check \
                 services[{svc}] \"{id}\".failure (a longer mtbf or ttf) and the threats that \
                 target it",
                id = plan.service_ids[svc]
            )
        }
    }
}

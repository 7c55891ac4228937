//! Ransomware: an attack spreads from its entry until it is detected or
//! deploys; a deployed attack encrypts what it compromised (restored from
//! the last clean backup, no failover), a detected one isolates it for
//! the containment outage.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::model::dist::unit_open;

use super::super::compile::{SimPlan, ThreatPlanKind};
use super::super::rng::Purpose;
use super::events::EvKind;
use super::own::Damage;
use super::{Outcome, Trial, MAX_REDRAWS};

/// A ransomware attack in flight: what it has compromised, and when.
#[derive(Debug, Clone, Default)]
pub(super) struct Attack {
    pub(super) threat: u32,
    pub(super) start: f64,
    /// (service, hours after the start when compromised), in order.
    pub(super) compromised: Vec<(u32, f64)>,
    /// The backups taken since each compromise are unusable.
    pub(super) backups_compromised: bool,
    pub(super) contained: bool,
    pub(super) encrypted: u32,
    /// Hours from initial access to the payload (the dwell drawn).
    pub(super) dwell: f64,
    /// Its occurrence's number ([`super::super::intervals::Iv::occ`]).
    pub(super) occ: u32,
}

/// A service reached by the spread at some time (min-heap by time, then
/// by service for determinism).
#[derive(Debug, Clone, Copy)]
struct Reach {
    t: f64,
    svc: u32,
}
impl PartialEq for Reach {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Reach {}
impl PartialOrd for Reach {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Reach {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .t
            .total_cmp(&self.t)
            .then_with(|| other.svc.cmp(&self.svc))
    }
}

impl Trial {
    /// An attack begins: pick the entry, draw the dwell and detection
    /// times, and spread by first passage (Dijkstra over edges that
    /// succeed) until the race ends. Every edge draws its success and its
    /// time whether it succeeds or not, so streams stay aligned when a
    /// scenario changes a probability.
    pub(super) fn start_attack(&mut self, plan: &SimPlan, threat: u32, t: f64) {
        let ThreatPlanKind::Ransomware(r) = &plan.threats[threat as usize].kind else {
            return;
        };
        let outcome = self.outcome;
        let s = self.threat_stream(plan, threat, Purpose::Attack);
        let pick = ((unit_open(s) * r.entry.len() as f64) as usize).min(r.entry.len() - 1);
        let mut dwell = r.dwell.sample(s);
        let mut detection = r.detection.sample(s);
        // Conditioning by rejection: redraw the pair from the same stream
        // until the attack has the outcome asked for (a pure function of
        // the stream, so as deterministic as an unconditioned draw).
        let wanted = |dwell: f64, detection: f64| match outcome {
            Outcome::All => true,
            Outcome::Succeeding => detection >= dwell,
            Outcome::Contained => detection < dwell,
        };
        let mut redraws = 0;
        while !wanted(dwell, detection) {
            if redraws == MAX_REDRAWS {
                self.outcome_failed = Some(format!(
                    "ransomware \"{}\": no attack of the outcome asked for in {MAX_REDRAWS} \
                     draws of its dwell and detection; drill it with --outcome all",
                    plan.threat_ids[threat as usize]
                ));
                break;
            }
            redraws += 1;
            dwell = r.dwell.sample(s);
            detection = r.detection.sample(s);
        }
        let backups_compromised =
            unit_open(self.threat_stream(plan, threat, Purpose::BackupCompromise))
                < r.backup_compromise;
        let limit = dwell.min(detection);

        let mut compromised = Vec::new();
        let mut heap = BinaryHeap::new();
        let entry = r.entry[pick];
        self.threats.reach[entry as usize] = 0.0;
        heap.push(Reach { t: 0.0, svc: entry });
        while let Some(Reach { t: at, svc }) = heap.pop() {
            if at > self.threats.reach[svc as usize] || compromised.iter().any(|&(c, _)| c == svc) {
                continue;
            }
            compromised.push((svc, at));
            for &(to, p) in r.edges.row(svc as usize) {
                let s = self.threat_stream(plan, threat, Purpose::Spread);
                let success = unit_open(s) < p;
                let delay = r.spread_time.sample(s);
                let when = at + delay;
                if success
                    && !plan.services[to as usize].segmented
                    && when <= limit
                    && when < self.threats.reach[to as usize]
                {
                    self.threats.reach[to as usize] = when;
                    heap.push(Reach { t: when, svc: to });
                }
            }
        }
        for &(svc, _) in &compromised {
            self.threats.reach[svc as usize] = f64::INFINITY;
        }
        // Nodes reached but never settled do not exist: every pushed node
        // is settled, since the limit was checked before pushing.
        let contained = detection < dwell;
        // A drill of a succeeding attack starts its clock at the
        // encryption: the attack began a dwell earlier (backups taken
        // since then are the ones it can compromise).
        let start = match outcome {
            Outcome::Succeeding => t - dwell,
            _ => t,
        };
        let index = self.threats.attacks.len() as u32;
        self.threats.attacks.push(Attack {
            threat,
            start,
            compromised,
            backups_compromised,
            contained,
            encrypted: 0,
            dwell,
            occ: self.own.occ,
        });
        if contained {
            if r.containment_outage.is_some() {
                self.schedule(start + detection, EvKind::Contain { attack: index });
            }
        } else {
            let at = match outcome {
                Outcome::Succeeding => t,
                _ => t + dwell,
            };
            self.schedule(at, EvKind::Encrypt { attack: index });
        }
    }

    /// The payload: every compromised service is encrypted and restored
    /// from its last clean backup (no failover: the replica is encrypted
    /// too).
    pub(super) fn encrypt(&mut self, plan: &SimPlan, attack: u32, t: f64) {
        // Taken out while its victims are damaged and recovered (which
        // needs the whole trial), and put back with its count.
        let a = std::mem::take(&mut self.threats.attacks[attack as usize]);
        let cause = a.threat + 1;
        self.own.occ = a.occ;
        let mut encrypted = 0;
        for &(svc, _) in &a.compromised {
            // A Function or an External is compromised (spread continues
            // from it) but has no data of ours to encrypt.
            if self.svcs.damage[svc as usize] == Damage::Destroyed
                || !plan.services[svc as usize].encryptable
            {
                continue;
            }
            let immutable = plan.services[svc as usize].immutable;
            // Backups taken during the dwell are unusable: the restore goes
            // back to the last backup before the attack began.
            let clean_before = (a.backups_compromised && !immutable).then_some(a.start);
            self.damage(svc, t, cause, Damage::Destroyed);
            self.recover_destroyed(plan, svc, t, cause, false, clean_before);
            encrypted += 1;
        }
        let threat = a.threat;
        self.threats.attacks[attack as usize] = Attack { encrypted, ..a };
        if plan.coupling.any_trigger {
            self.fire_triggers(plan, threat, t);
        }
    }

    /// A detected attack: the compromised services are isolated for the
    /// containment outage, then resume.
    pub(super) fn contain(&mut self, plan: &SimPlan, attack: u32, t: f64) {
        let threat = self.threats.attacks[attack as usize].threat;
        let ThreatPlanKind::Ransomware(r) = &plan.threats[threat as usize].kind else {
            return;
        };
        let Some(outage) = &r.containment_outage else {
            return;
        };
        let d = self.threat_draw(plan, threat, Purpose::Duration, outage);
        self.own.occ = self.threats.attacks[attack as usize].occ;
        let from = self.unblocks.len();
        let victims = self.threats.attacks[attack as usize].compromised.iter();
        self.unblocks.extend(victims.map(|c| c.0));
        for k in from..self.unblocks.len() {
            let svc = self.unblocks[k];
            self.block(svc, t, threat + 1);
        }
        self.schedule_unblocks(t + d, from);
    }
}

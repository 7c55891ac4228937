//! Backups lost with their site (DESIGN-2 A3): a `Disaster` at the site
//! where a service's backups are kept destroys every backup taken until
//! then, so its next restore becomes a rebuild that loses everything since
//! the start of the trial (or since it was last rebuilt that way). Backups
//! taken afterwards are usable again; when the service itself is damaged at
//! that moment, only those taken after it is back. A restore that is
//! waiting or running from a backup that goes is dropped for a rebuild.
//!
//! Nothing here runs for a scenario without `backup.site`: every hook in
//! the shared code is behind [`DrPlan::backup_sites`] or a service's
//! `backup_site`, so such a scenario simulates exactly as before.
//!
//! [`DrPlan::backup_sites`]: super::super::dr_plan::DrPlan::backup_sites

use super::super::compile::SimPlan;
use super::own::Damage;
use super::Trial;

/// The state of the backups kept at sites, in one trial.
pub(super) struct Backups {
    /// Per service: its backups taken at or before this time are gone
    /// (−∞ while none is lost).
    lost_until: Vec<f64>,
    /// Per service: when the data that a loss of every backup loses
    /// begins (the start of the trial, or the end of a rebuild after such
    /// a loss).
    base: Vec<f64>,
    /// Per service: its backups were lost while it was damaged; those
    /// taken before it is back are gone too.
    lost_while_down: Vec<bool>,
    /// Per service: a rebuild after lost backups is under way; the data
    /// starts afresh when it ends.
    fresh: Vec<bool>,
    /// Per service: the backup its restore (waiting or running) reads
    /// (NaN when none).
    restoring: Vec<f64>,
    /// Some backup was lost in this trial (what to reset).
    touched: bool,
}

impl Backups {
    pub(super) fn new(plan: &SimPlan) -> Backups {
        let s = if plan.dr.backup_sites {
            plan.n_services
        } else {
            0
        };
        Backups {
            lost_until: vec![f64::NEG_INFINITY; s],
            base: vec![0.0; s],
            lost_while_down: vec![false; s],
            fresh: vec![false; s],
            restoring: vec![f64::NAN; s],
            touched: false,
        }
    }

    pub(super) fn reset(&mut self) {
        if self.touched {
            self.lost_until.fill(f64::NEG_INFINITY);
            self.base.fill(0.0);
            self.lost_while_down.fill(false);
            self.fresh.fill(false);
            self.restoring.fill(f64::NAN);
            self.touched = false;
        }
    }

    /// If the backup of `svc` taken at `last` is gone: when the data lost
    /// instead begins. Only for a service with `backup.site`.
    #[inline]
    pub(super) fn gone(&self, svc: u32, last: f64) -> Option<f64> {
        let i = svc as usize;
        (last <= self.lost_until[i]).then(|| self.base[i])
    }

    /// A rebuild of `svc` replaces the lost backups: its data starts
    /// afresh when the rebuild ends.
    pub(super) fn rebuild_afresh(&mut self, svc: u32) {
        self.fresh[svc as usize] = true;
    }

    /// `svc` is queued for a restore from the backup taken at `last`.
    pub(super) fn restore_from(&mut self, svc: u32, last: f64) {
        self.restoring[svc as usize] = last;
        self.touched = true;
    }
}

impl Trial {
    /// A disaster at `sites` at `t` (threat cause `cause`) destroys the
    /// backups kept there, before its targets look for a backup to
    /// restore. A restore waiting or running from one of them is dropped:
    /// the data since `base` is lost, and the service is rebuilt.
    pub(super) fn lose_backups(&mut self, plan: &SimPlan, sites: &[u32], t: f64, cause: u32) {
        for &site in sites {
            for &svc in plan.dr.backups_at.row(site as usize) {
                let i = svc as usize;
                self.backups.lost_until[i] = t;
                self.backups.touched = true;
                let from = std::mem::replace(&mut self.backups.restoring[i], f64::NAN);
                if from.is_nan() || self.svcs.damage[i] != Damage::Destroyed {
                    continue;
                }
                self.cancel_job(svc);
                self.svcs.gen[i] += 1;
                // The restore had booked the data since `from`; the rest
                // back to `base` is lost now.
                // Charged to the disaster that burnt them (its occurrence).
                let base = self.backups.base[i];
                let occ = self.own.occ;
                self.totals
                    .lose_data(plan, svc, (from - base).max(0.0), cause, occ);
                if plan.services[i].rebuild.is_some() {
                    self.backups.rebuild_afresh(svc);
                    self.enqueue_rebuild(svc);
                }
            }
        }
    }

    /// After the disaster's targets: the services whose backups were lost
    /// and that are damaged now count backups again only once they are
    /// back.
    pub(super) fn backups_lost_while_down(&mut self, plan: &SimPlan, sites: &[u32]) {
        for &site in sites {
            for &svc in plan.dr.backups_at.row(site as usize) {
                if self.svcs.damage[svc as usize] != Damage::Up {
                    self.backups.lost_while_down[svc as usize] = true;
                }
            }
        }
    }

    /// `svc` is back at `t` (only with backup sites).
    pub(super) fn backups_recovered(&mut self, svc: u32, t: f64) {
        let i = svc as usize;
        if i >= self.backups.lost_until.len() {
            return;
        }
        if std::mem::take(&mut self.backups.lost_while_down[i]) {
            self.backups.lost_until[i] = t;
        }
        if std::mem::take(&mut self.backups.fresh[i]) {
            self.backups.base[i] = t;
        }
        self.backups.restoring[i] = f64::NAN;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Mode, Trial};
    use crate::sim::compile::SimPlan;

    /// The database runs at dc-1 and keeps its backups at dc-2, where the
    /// tool runs; threat 0 corrupts dc-2 (replicated), threat 1 burns it.
    const TEXT: &str = r#"Scenario(name: "sites", sites: [Site(id: "dc-1"), Site(id: "dc-2")],
        services: [
            Service(id: "db", site: "dc-1",
                backup: (interval: "24h", restore: Fixed("6h"), site: "dc-2")),
            Service(id: "tool", site: "dc-2", backup: (rebuild: Fixed("2h"))),
        ],
        threats: [
            Disaster(id: "corrupt", rate_per_year: 1, targets: [Site("dc-2")], replicated: true),
            Disaster(id: "fire", rate_per_year: 1, targets: [Site("dc-2")]),
        ])"#;

    /// A replicated disaster leaves its site standing (a failover target
    /// still) and the backups kept there; a physical one destroys both.
    #[test]
    fn only_a_physical_disaster_destroys_the_site_and_its_backups() {
        let model = crate::scenario::parse_str(TEXT).expect("valid");
        let plan = SimPlan::compile(&model);
        assert!(plan.dr.backup_sites);
        let mut trial = Trial::new(&plan);
        let mut acc = plan.accumulator();
        trial.run(&plan, Mode::Drill(0), 1, 0, &mut acc);
        assert!(!trial.threats.site_destroyed[1]);
        assert_eq!(trial.backups.lost_until[0], f64::NEG_INFINITY);
        trial.run(&plan, Mode::Drill(1), 1, 1, &mut acc);
        assert!(trial.threats.site_destroyed[1]);
        assert_eq!(trial.backups.lost_until[0], 0.0, "gone at the fire");
        // The next trial starts with every backup in place.
        trial.run(&plan, Mode::Drill(0), 1, 2, &mut acc);
        assert_eq!(trial.backups.lost_until[0], f64::NEG_INFINITY);
    }
}

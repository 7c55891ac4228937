//! Backups lost with their site (DESIGN-2 A3): a `Disaster` at the site
//! where a service's backups are kept destroys every backup taken until
//! then, so its next restore becomes a rebuild that loses everything since
//! the start of the trial (or since it was last rebuilt that way). Backups
//! taken afterwards are usable again; when the service itself is damaged at
//! that moment, only those taken after it is back.
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
            touched: false,
        }
    }

    pub(super) fn reset(&mut self) {
        if self.touched {
            self.lost_until.fill(f64::NEG_INFINITY);
            self.base.fill(0.0);
            self.lost_while_down.fill(false);
            self.fresh.fill(false);
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
}

impl Trial {
    /// A disaster at `sites` at `t` destroys the backups kept there (before
    /// its targets look for a backup to restore).
    pub(super) fn lose_backups(&mut self, plan: &SimPlan, sites: &[u32], t: f64) {
        for &site in sites {
            for &svc in plan.dr.backups_at.row(site as usize) {
                self.backups.lost_until[svc as usize] = t;
                self.backups.touched = true;
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
    }
}

//! Threats that travel together (DESIGN-2 B2): the common factors'
//! multipliers of a trial and the triggers an occurrence sets off.
//!
//! A scenario without them draws nothing here, so its trials are the
//! same bit for bit.

use crate::model::dist::unit_open;

use super::super::clock::on_grid;
use super::super::compile::SimPlan;
use super::super::rng::{self, Purpose};
use super::super::streams::Streams;
use super::Trial;

/// The trial's part of the coupling: each threat's rate multiplier and
/// its trigger stream.
pub(super) struct Links {
    /// Per threat: the product of its common factors' multipliers in this
    /// trial (1 without factors).
    pub(super) mult: Vec<f64>,
    /// Per threat: its trigger stream (slot 0).
    streams: Streams,
    /// Occurrences the triggers set off in this trial. A loss event's are
    /// booked at once, not queued, so the queue's event budget does not
    /// see them: this count is held to the same budget, or a chain of
    /// loss events that each trigger the next twice would run for ever.
    pub(super) fired: u64,
    /// Whether a trigger was refused for the budget in this trial, and
    /// when.
    pub(super) over: bool,
    pub(super) over_at: f64,
    /// The threat whose occurrences, drawn when the trial starts, broke
    /// the budget (`Trial::schedule_threats`), and how many it had drawn.
    pub(super) over_threat: Option<(u32, u64)>,
    /// The loss events whose triggers are being fired, deepest last: the
    /// threat, its next trigger and the time it occurred (kept between
    /// calls for its capacity).
    chain: Vec<(u32, usize, f64)>,
}

impl Links {
    pub(super) fn new(plan: &SimPlan) -> Links {
        Links {
            mult: vec![1.0; plan.threats.len()],
            streams: Streams::new(plan.threats.len()),
            fired: 0,
            over: false,
            over_at: 0.0,
            over_threat: None,
            chain: Vec::new(),
        }
    }

    /// A new trial: forget the trigger streams.
    pub(super) fn reset(&mut self) {
        self.streams.clear();
        self.fired = 0;
        self.over = false;
        self.over_at = 0.0;
        self.over_threat = None;
    }
}

impl Trial {
    /// Draw each common factor's multiplier for this trial into
    /// `links.mult` (once per trial, before the occurrences).
    pub(super) fn draw_factors(&mut self, plan: &SimPlan) {
        self.links.mult.fill(1.0);
        for f in &plan.coupling.factors {
            let mut s = rng::stream(self.key, f.key, Purpose::Factor);
            let m = f.multiplier.sample(&mut s);
            for &t in &f.threats {
                self.links.mult[t as usize] *= m;
            }
        }
    }

    /// An occurrence of `threat` at `t` (a ransomware attack's
    /// encryption) sets off its triggers: each fires with its probability,
    /// after its delay, if that is within the horizon. Every trigger draws
    /// its chance and its delay whether it fires or not, so streams stay
    /// aligned when a probability changes. Annual runs only: a drill is
    /// the one threat and nothing else.
    ///
    /// A loss event set off is booked at once and fires its own triggers
    /// before the next trigger of the threat that set it off (depth
    /// first), on an explicit stack: a chain of 100 000 loss events, each
    /// triggering the next, overflowed the thread's stack when this
    /// called itself.
    pub(super) fn fire_triggers(&mut self, plan: &SimPlan, threat: u32, t: f64) {
        if !self.failures {
            return;
        }
        let mut chain = std::mem::take(&mut self.links.chain);
        chain.clear();
        chain.push((threat, 0, t));
        while let Some(top) = chain.last_mut() {
            let (from, next, t) = *top;
            let Some(trig) = plan.coupling.triggers[from as usize].get(next) else {
                chain.pop();
                continue;
            };
            top.1 += 1;
            let entity = plan.threats[from as usize].key;
            let s = self
                .links
                .streams
                .get(from as usize, 0, self.key, entity, Purpose::Trigger);
            let fires = unit_open(s) < trig.probability;
            let at = on_grid(t + trig.delay.sample(s));
            if fires && at < self.horizon {
                // Past the budget the trial fails (`Trial::run`): this
                // threat sets off nothing more.
                if self.links.fired >= plan.event_budget {
                    self.links.over = true;
                    self.links.over_at = t;
                    chain.pop();
                    continue;
                }
                self.links.fired += 1;
                if self.schedule_one(plan, trig.to, at) {
                    chain.push((trig.to, 0, at));
                }
            }
        }
        self.links.chain = chain;
    }
}

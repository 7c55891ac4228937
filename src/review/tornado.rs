//! `bcdr tornado SCENARIO [--vary 25%]`: every numeric parameter moved
//! down and up by the same fraction, one at a time, on common random
//! numbers.
//!
//! The parameters are `bcdr sweep`'s paths ([`crate::sweep::Param`]), and a
//! bar's two ends are computed exactly as a sweep computes a value: the
//! model cloned, the parameter applied, compiled and simulated with the
//! same seed and trials. So a tornado bar equals the endpoints of
//! `bcdr sweep --set PATH=LOW,HIGH` to the last bit. Each end also runs
//! paired with the base scenario, which gives the change of the expected
//! annual loss a paired 95% interval.
//!
//! What moves: the crews (rounded outwards to whole crews, at least 1),
//! threat rates (a fixed rate by value, an uncertain one by a factor on
//! its distribution), outage durations, ransomware dwell, detection and
//! spread time (factors), spread and backup-compromise probabilities, and
//! per service the RTO, failover success, backup interval, revenue and
//! costs, and the lifetime, repair, restore and switchover distributions
//! (factors). Probabilities stay at most 1, backup intervals at most the
//! retention. Parameters at 0 have no range to move and are left out; a
//! scenario with nothing to move is an error.
//!
//! RTO attainment (the mean over services with an RTO of the share of
//! outages that end within it) is reported at both ends; its interval
//! treats the two sides as independent binomial estimates, which is
//! conservative under common random numbers.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{Model, Rate, ThreatKind};
use crate::sim::{self, Mode, SimPlan};
use crate::stats::comparison::rto_attainment;
use crate::stats::{Accumulator, Summary};
use crate::sweep::{Param, Setting};

use super::Delta;

/// Bumped whenever a field of `tornado.json` changes meaning or disappears.
pub const TORNADO_SCHEMA_VERSION: u32 = 1;

/// One parameter moved down and up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// The sweep path, such as `threats.fire.rate_per_year`.
    pub path: String,
    /// The unit of the values, such as `hours`.
    pub unit: String,
    /// The scenario's value of the parameter.
    pub base: f64,
    /// The value moved down.
    pub low: f64,
    /// The value moved up.
    pub high: f64,
    /// `low` as written in reports.
    pub low_label: String,
    /// `high` as written in reports.
    pub high_label: String,
    /// Expected annual loss with the parameter at `low` and at `high`
    /// (equal to `bcdr sweep --set PATH=LOW,HIGH`).
    pub loss_low: f64,
    /// See `loss_low`.
    pub loss_high: f64,
    /// Change of the expected annual loss from the base, paired 95% CI.
    pub delta_low: Delta,
    /// See `delta_low`.
    pub delta_high: Delta,
    /// RTO attainment with the parameter at `low`; null without an RTO.
    pub rto_attainment_low: Option<f64>,
    /// RTO attainment with the parameter at `high`; null without an RTO.
    pub rto_attainment_high: Option<f64>,
    /// Change of RTO attainment from the base (independent-binomial CI).
    pub rto_delta_low: Option<Delta>,
    /// See `rto_delta_low`.
    pub rto_delta_high: Option<Delta>,
    /// max(|delta_low|, |delta_high|): the sort key.
    pub swing: f64,
}

/// The result of `bcdr tornado` (`tornado.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tornado {
    /// [`TORNADO_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The bcdr version that ran it.
    pub bcdr_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's currency.
    pub currency: String,
    /// The seed of every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// The fraction each parameter moves down and up (0.25 for 25%).
    pub vary: f64,
    /// The scenario's horizon (one trial), when it is not a year: the
    /// losses are per trial of it. Absent for a year.
    #[serde(
        default = "crate::stats::period::a_year",
        skip_serializing_if = "crate::stats::period::is_a_year"
    )]
    pub horizon_hours: f64,
    /// The scenario's expected annual loss, as is.
    pub base_expected_annual_loss: f64,
    /// Its standard error.
    pub base_std_error: f64,
    /// The scenario's RTO attainment, as is; null without an RTO.
    pub base_rto_attainment: Option<f64>,
    /// Largest swing first.
    pub bars: Vec<Bar>,
    /// With insurance (DESIGN-2 B1): true, and every loss figure above is
    /// net of insurance (gross − recoveries + premiums), as the risk
    /// appetite is judged. Absent without insurance.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub net_of_insurance: bool,
}

/// A parameter to move: its sweep setting with values [low, high].
pub struct Move {
    /// The sweep setting, with values [low, high].
    pub setting: Setting,
    /// The scenario's value of the parameter.
    pub base: f64,
}

fn push(out: &mut Vec<Move>, model: &Model, path: String, base: f64, low: f64, high: f64) {
    if base == 0.0 || (low == base && high == base) {
        return;
    }
    let Ok(param) = Param::parse(&path) else {
        return;
    };
    // The ends as a person writes them: 0.3 × 0.75 is 0.22499999999999998
    // in binary, which reports would print as is and `sweep --set
    // PATH=0.225` would not reproduce to the last bit.
    let (low, high) = (tidy(low), tidy(high));
    if param.check(&path, model, &[low, high]).is_err() {
        return;
    }
    out.push(Move {
        setting: Setting {
            path,
            param,
            values: vec![low, high],
        },
        base,
    });
}

/// `x` rounded to 12 significant digits: the noise of the product of two
/// decimals goes, the value a person would write stays.
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// Every parameter of `model` that a tornado moves by `vary` (a fraction).
pub fn moves(model: &Model, vary: f64) -> Vec<Move> {
    let (lo, hi) = (1.0 - vary, 1.0 + vary);
    let mut out = Vec::new();
    let by = |x: f64| (x * lo, x * hi);
    let prob = |p: f64| (p * lo, (p * hi).min(1.0));
    let factor = (lo, hi);
    if let Some(c) = model.plan.crews {
        let c = f64::from(c);
        push(
            &mut out,
            model,
            "plan.crews".into(),
            c,
            (c * lo).floor().max(1.0),
            (c * hi).ceil(),
        );
    }
    for t in &model.threats {
        let p = |s: &str| format!("threats.{}.{s}", t.id);
        match &t.rate_per_year {
            Rate::Fixed(r) => {
                let (l, h) = by(*r);
                push(&mut out, model, p("rate_per_year"), *r, l, h);
            }
            Rate::Uncertain(_) => push(&mut out, model, p("rate.scale"), 1.0, factor.0, factor.1),
        }
        match &t.kind {
            ThreatKind::Outage { .. } => push(
                &mut out,
                model,
                p("duration.scale"),
                1.0,
                factor.0,
                factor.1,
            ),
            ThreatKind::Ransomware(r) => {
                for s in ["dwell.scale", "detection.scale", "spread.time.scale"] {
                    push(&mut out, model, p(s), 1.0, factor.0, factor.1);
                }
                let sp = r.spread_probability.get();
                let (l, h) = prob(sp);
                push(&mut out, model, p("spread.probability"), sp, l, h);
                let bc = r.backup_compromise.get();
                let (l, h) = prob(bc);
                push(&mut out, model, p("backup_compromise"), bc, l, h);
            }
            _ => {}
        }
    }
    for s in &model.services {
        let p = |x: &str| format!("services.{}.{x}", s.id);
        if let Some(rto) = s.rto {
            let (l, h) = by(rto.get());
            push(&mut out, model, p("rto"), rto.get(), l, h);
        }
        if let Some(f) = &s.failover {
            let (l, h) = prob(f.success.get());
            push(
                &mut out,
                model,
                p("failover.success"),
                f.success.get(),
                l,
                h,
            );
            push(
                &mut out,
                model,
                p("failover.switchover.scale"),
                1.0,
                factor.0,
                factor.1,
            );
        }
        if let Some(b) = &s.backup {
            if let (Some(i), Some(_)) = (b.interval, &b.restore) {
                let (l, mut h) = by(i.get());
                if let Some(keep) = b.retention {
                    h = h.min(keep.get());
                }
                push(&mut out, model, p("backup.interval"), i.get(), l, h);
            }
            if b.restore.is_some() {
                push(
                    &mut out,
                    model,
                    p("backup.restore.scale"),
                    1.0,
                    factor.0,
                    factor.1,
                );
            }
        }
        for (field, m) in [
            ("revenue_per_hour", s.revenue_per_hour),
            ("cost_per_outage", s.cost_per_outage),
            ("data_loss_cost_per_hour", s.data_loss_cost_per_hour),
            ("mtpd_penalty", s.mtpd_penalty),
        ] {
            let (l, h) = by(m.get());
            push(&mut out, model, p(field), m.get(), l, h);
        }
        if s.failure.is_some() {
            push(
                &mut out,
                model,
                p("failure.ttf.scale"),
                1.0,
                factor.0,
                factor.1,
            );
            push(
                &mut out,
                model,
                p("failure.repair.scale"),
                1.0,
                factor.0,
                factor.1,
            );
        }
    }
    out
}

/// Standard error of RTO attainment (a mean of K binomial proportions).
fn rto_se(s: &Summary, acc: &Accumulator) -> f64 {
    let parts: Vec<f64> = s
        .services
        .iter()
        .zip(&acc.services)
        .filter_map(|(x, a)| {
            let p = x.rto_met?;
            (a.outages > 0).then(|| p * (1.0 - p) / a.outages as f64)
        })
        .collect();
    if parts.is_empty() {
        return 0.0;
    }
    parts.iter().sum::<f64>().sqrt() / parts.len() as f64
}

/// `d` with every −0 made 0 (x + 0 is x for every other value, bit for
/// bit): a parameter that does not move the loss would otherwise write
/// `-0` into tornado.json and tornado.csv.
fn unsigned_zero(d: Delta) -> Delta {
    Delta {
        mean: d.mean + 0.0,
        std_error: d.std_error + 0.0,
        ci95: d.ci95.map(|x| x + 0.0),
        significant: d.significant,
    }
}

/// The most parameters a tornado moves: every one costs four simulations,
/// so a scenario of about a hundred services (the bundled ones move 25 to
/// 158) takes minutes, and a 1 000-service estate's 3 500 would take hours.
pub const MAX_PARAMETERS: usize = 500;

/// Options of [`tornado`].
pub struct TornadoRun {
    /// The fraction each parameter moves down and up (0.25 for 25%).
    pub vary: f64,
    /// The seed of every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Worker threads (default one per core); results do not depend on it.
    pub threads: Option<usize>,
}

/// Run the tornado of `model`.
///
/// # Errors
/// A `vary` outside (0, 1), fewer than two trials, a scenario with no
/// parameter to move or more than [`MAX_PARAMETERS`] ([`Error::Usage`]), a thread pool that cannot start,
/// [`Error::Memory`] when the estate does not fit in the memory available (two
/// plans a worker: checked before the base run), a trial that breaks the event
/// budget.
///
/// # Complexity
/// Two paired runs (four simulations of `trials`) per parameter.
pub fn tornado(
    model: &Model,
    opts: &TornadoRun,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Tornado, Error> {
    super::check_trials(opts.trials, "--trials")?;
    if !(opts.vary > 0.0 && opts.vary < 1.0) {
        return Err(Error::Usage(format!(
            "--vary {}: move parameters by a fraction between 0% and 100%, such as 25%",
            opts.vary
        )));
    }
    let moves = moves(model, opts.vary);
    if moves.is_empty() {
        return Err(Error::Usage(format!(
            "scenario \"{}\" has no parameter for tornado to vary: it moves the crews, threat \
             rates, outage durations, ransomware dwell, detection, spread time and \
             probabilities, and per service the RTO, failover success, backup interval, revenue \
             and costs, and the lifetime, repair, restore and switchover distributions, each \
             only where the scenario sets it to something other than 0 (see \
             docs/review-loop.md); give the scenario one of these",
            model.name
        )));
    }
    // Every parameter is measured: on a large estate that is thousands of
    // paired runs (hours), refused here with what to run instead.
    if moves.len() > MAX_PARAMETERS {
        return Err(Error::Usage(format!(
            "scenario \"{}\" has {} parameters for tornado to move, and tornado measures every \
             one (4 simulations of --trials each: {} in all), which would take hours on an \
             estate this size; it takes at most {MAX_PARAMETERS}. Rank the services and controls \
             with `bcdr importance` (it screens them first), or move the parameters that \
             matter with `bcdr sweep --set PATH=LOW,HIGH`",
            model.name,
            moves.len(),
            4 * moves.len()
        )));
    }
    // The paired runs hold two plans a worker: one that would not fit
    // stops here, not after the base run.
    let n = model.services.len();
    sim::check_memory(&[n, n])?;
    let (base_plan, base_acc, base) = super::base_run(model, opts.seed, opts.trials, opts.threads)?;
    let base_rto = rto_attainment(&base);
    let base_rto_se = rto_se(&base, &base_acc);
    let mut bars = Vec::new();
    // Each end within what a scenario file could hold, before any runs
    // (a rate moved up past 10⁶ a year would not end).
    for mv in &moves {
        if let Some((v, path, why)) = mv.setting.beyond_limits(model) {
            return Err(Error::Usage(format!(
                "--vary {}: moving {} to {} puts {path} beyond what can be simulated: {why}; \
                 vary by less",
                opts.vary,
                mv.setting.path,
                mv.setting.label(v)
            )));
        }
    }
    for (k, mv) in moves.iter().enumerate() {
        let mut ends = Vec::new();
        for &v in &mv.setting.values {
            let mut m = model.clone();
            mv.setting.param.apply(&mut m, v);
            let plan = SimPlan::compile(&m);
            let pair = sim::compare::simulate_pair(
                &base_plan,
                &plan,
                Mode::Annual,
                [opts.seed, opts.seed],
                0..opts.trials,
                opts.threads,
                None,
            )?;
            let s = Summary::build(&m, opts.seed, &pair.b);
            // diff is A − B per trial; the change is B − A.
            let delta = unsigned_zero(Delta::new(-pair.diff.sum.mean(), pair.diff.sum.std_error()));
            let rto = rto_attainment(&s);
            let rto_delta = rto.zip(base_rto).map(|(r, b)| {
                unsigned_zero(Delta::independent(b, base_rto_se, r, rto_se(&s, &pair.b)))
            });
            ends.push((s.borne_loss().mean, delta, rto, rto_delta));
        }
        if let Some(p) = progress {
            p(k as u64 + 1);
        }
        let (lo, hi) = (ends[0], ends[1]);
        let s = &mv.setting;
        bars.push(Bar {
            path: s.path.clone(),
            unit: s.param.unit().to_string(),
            base: mv.base,
            low: s.values[0],
            high: s.values[1],
            low_label: s.label(s.values[0]),
            high_label: s.label(s.values[1]),
            loss_low: lo.0,
            loss_high: hi.0,
            swing: lo.1.mean.abs().max(hi.1.mean.abs()),
            delta_low: lo.1,
            delta_high: hi.1,
            rto_attainment_low: lo.2,
            rto_attainment_high: hi.2,
            rto_delta_low: lo.3,
            rto_delta_high: hi.3,
        });
    }
    bars.sort_by(|a, b| {
        b.swing
            .total_cmp(&a.swing)
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(Tornado {
        schema_version: TORNADO_SCHEMA_VERSION,
        bcdr_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        horizon_hours: model.horizon.get(),
        seed: opts.seed,
        trials: opts.trials,
        vary: opts.vary,
        base_expected_annual_loss: base.borne_loss().mean,
        base_std_error: base.borne_loss().std_error,
        base_rto_attainment: base_rto,
        bars,
        net_of_insurance: !model.insurance.is_empty(),
    })
}

/// Parse `--vary`: `25%` or `0.25`.
///
/// # Errors
/// [`Error::Usage`] for anything else.
pub fn parse_vary(s: &str) -> Result<f64, Error> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => t.parse::<f64>(),
    };
    v.ok().filter(|v| *v > 0.0 && *v < 1.0).ok_or_else(|| {
        Error::Usage(format!(
            "--vary {s}: write a percentage between 0% and 100%, such as 25% (or 0.25)"
        ))
    })
}

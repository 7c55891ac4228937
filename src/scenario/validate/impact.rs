//! A service's impact that depends on time (DESIGN-2 B3): its
//! `revenue_profile` and its business-impact steps (`impact`).

use crate::model::{ImpactStep, RevenueProfile};
use crate::scenario::raw;

use super::{at, Ctx, MAX_MONEY};

/// A service's `revenue_profile` at path `p` (the service's path):
/// `Some(None)` when absent, `None` after reporting why it is invalid.
pub(super) fn revenue_profile(
    cx: &mut Ctx,
    p: &str,
    s: &raw::Service,
) -> Option<Option<RevenueProfile>> {
    let Some(raw) = &s.revenue_profile else {
        return Some(None);
    };
    let p = at(p, "revenue_profile");
    let hours = factors::<24>(
        cx,
        &p,
        "hours",
        raw.hours.as_deref(),
        "one per hour of the day, 00:00–01:00 first",
    );
    let weekend = factors::<24>(
        cx,
        &p,
        "weekend",
        raw.weekend.as_deref(),
        "one per hour of Saturday and of Sunday, 00:00–01:00 first",
    );
    let months = factors::<12>(
        cx,
        &p,
        "months",
        raw.months.as_deref(),
        "one per month, January first",
    );
    let mut ok = true;
    if s.revenue_per_hour.unwrap_or(0.0) == 0.0 {
        cx.issue(
            &p,
            "a revenue profile scales revenue_per_hour, which the service does not have: add \
             revenue_per_hour: 20000 (the revenue lost per hour at factor 1), or remove the \
             profile",
        );
        ok = false;
    }
    let profile = RevenueProfile {
        hours: hours?,
        weekend: weekend?,
        months: months?,
    };
    // The revenue lost per hour at the highest factors is a figure of
    // money like any other: past MAX_MONEY, sums saturate (a profile of
    // 1e300 gave an expected loss of 3.4e38 beside a worst year of 0).
    let top = |f: &[f64]| f.iter().copied().fold(0.0, f64::max);
    let peak = top(&profile.hours).max(top(&profile.weekend)) * top(&profile.months);
    let rate = s.revenue_per_hour.unwrap_or(0.0);
    if rate.is_finite() && rate * peak > MAX_MONEY {
        cx.issue(
            &p,
            format!(
                "at its highest factors ({} a day × {} a month) the revenue lost per hour is \
                 {}, more than the {MAX_MONEY:.0e} one figure of money may hold: write \
                 factors around 1 (1 is revenue_per_hour itself, 0.5 half of it)",
                crate::fmt::as_written(top(&profile.hours).max(top(&profile.weekend))),
                crate::fmt::as_written(top(&profile.months)),
                match rate * peak {
                    x if x.is_finite() => format!("{x:.3e}"),
                    _ => "too large to compute".to_string(),
                }
            ),
        );
        ok = false;
    }
    ok.then_some(Some(profile))
}

/// One part of a profile: `N` factors, each a number ≥ 0; all 1 when
/// absent.
fn factors<const N: usize>(
    cx: &mut Ctx,
    p: &str,
    part: &str,
    list: Option<&[f64]>,
    what: &str,
) -> Option<[f64; N]> {
    let Some(list) = list else {
        return Some([1.0; N]);
    };
    let path = at(p, part);
    if list.len() != N {
        cx.issue(
            &path,
            format!(
                "{part} has {} factor{}: write {N}, {what} (1 is the revenue_per_hour itself, 0.5 \
                 half of it)",
                list.len(),
                if list.len() == 1 { "" } else { "s" }
            ),
        );
        return None;
    }
    let mut ok = true;
    for (k, &x) in list.iter().enumerate() {
        if !(x.is_finite() && x >= 0.0) {
            cx.issue(
                format!("{path}[{k}]"),
                format!(
                    "{} is not a revenue factor: use a number >= 0 that multiplies \
                     revenue_per_hour, such as 0.5 for half or 0 for none",
                    crate::fmt::as_written(x)
                ),
            );
            ok = false;
        }
    }
    ok.then(|| std::array::from_fn(|k| list[k]))
}

/// A service's `impact` steps at path `p` (the service's path): each
/// `after` a duration longer than 0, later than the step before it; each
/// `cost` an amount of money. `None` after reporting every problem.
pub(super) fn impact(cx: &mut Ctx, p: &str, s: &raw::Service) -> Option<Vec<ImpactStep>> {
    let mut ok = true;
    let mut out = Vec::with_capacity(s.impact.len());
    let mut before: Option<(usize, &str, f64)> = None;
    for (k, step) in s.impact.iter().enumerate() {
        let sp = format!("{p}.impact[{k}]");
        let after = cx.hours(&at(&sp, "after"), &step.after);
        if let Some(after) = after {
            if after.get() <= 0.0 {
                cx.issue(
                    at(&sp, "after"),
                    format!(
                        "a step after {:?} would cost every outage, however short: write a \
                         duration longer than 0, such as \"4h\", or put the cost in \
                         cost_per_outage",
                        step.after
                    ),
                );
                ok = false;
            } else if let Some((j, text, _)) = before.filter(|b| after.get() <= b.2) {
                cx.issue(
                    at(&sp, "after"),
                    format!(
                        "{:?} is not later than impact[{j}]'s {text:?}: list the steps once \
                         each, in increasing order of after (an outage pays every step it \
                         reaches, so a longer one already pays the shorter ones' costs)",
                        step.after
                    ),
                );
                ok = false;
            }
            before = Some((k, &step.after, after.get()));
        }
        let cost = cx.money(&at(&sp, "cost"), Some(step.cost));
        match (after, cost) {
            (Some(after), Some(cost)) => out.push(ImpactStep { after, cost }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

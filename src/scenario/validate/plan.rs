//! The risk appetite and the recovery plan.

use super::*;

pub(super) fn appetite(cx: &mut Ctx, points: &[raw::AppetitePoint]) -> Option<Vec<AppetitePoint>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (j, point) in points.iter().enumerate() {
        let path = format!("risk_appetite[{j}]");
        let loss = cx.money(&at(&path, "loss"), Some(point.loss));
        let q = point.probability;
        let probability = if q > 0.0 && q <= 1.0 {
            Probability::new(q)
        } else {
            cx.issue(
                at(&path, "probability"),
                format!(
                    "{} is not an exceedance probability: use a number above 0 and at most 1, \
                     such as 0.01 for a 1-in-100 year loss",
                    as_written(q)
                ),
            );
            None
        };
        match (loss, probability) {
            (Some(loss), Some(probability)) => out.push(AppetitePoint { loss, probability }),
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // An exceedance curve never rises with the loss.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| {
        out[a]
            .loss
            .get()
            .total_cmp(&out[b].loss.get())
            .then(a.cmp(&b))
    });
    for pair in order.windows(2) {
        let (a, b) = (&out[pair[0]], &out[pair[1]]);
        let path = format!("risk_appetite[{}]", pair[1]);
        if a.loss == b.loss {
            cx.issue(
                at(&path, "loss"),
                format!(
                    "the loss {} appears twice (also in risk_appetite[{}]): keep one",
                    b.loss.get(),
                    pair[0]
                ),
            );
            ok = false;
        } else if b.probability > a.probability {
            cx.issue(
                at(&path, "probability"),
                format!(
                    "accepts a loss of {} with probability {}, more than the {} accepted for the \
                     smaller loss {} (risk_appetite[{}]): the chance of exceeding a loss falls as \
                     the loss grows; lower this probability",
                    b.loss.get(),
                    b.probability.get(),
                    a.probability.get(),
                    a.loss.get(),
                    pair[0]
                ),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

pub(super) fn plan(
    cx: &mut Ctx,
    names: &Names,
    plan: Option<&raw::Plan>,
    services: &[raw::Service],
) -> Option<Plan> {
    let Some(plan) = plan else {
        return Some(Plan::default());
    };
    let mut ok = true;
    if plan.crews == Some(0) {
        cx.issue(
            "plan.crews",
            "crews is 0, so nothing could ever be repaired: use 1 or more, or leave crews out \
             for unlimited crews",
        );
        ok = false;
    }
    let mut priority = Vec::new();
    for (j, name) in plan.priority.iter().enumerate() {
        let path = format!("plan.priority[{j}]");
        let why = "crews recover services; list the group's members";
        match names.service(cx, &path, name, why) {
            Some(s) if priority.contains(&s) => {
                cx.issue(
                    path,
                    format!("{name:?} is listed twice in priority: keep the first"),
                );
                ok = false;
            }
            Some(s) => priority.push(s),
            None => ok = false,
        }
    }
    let annual_cost = cx.money("plan.annual_cost", plan.annual_cost);
    let teams = super::teams::teams(cx, names, plan, services);
    let model = Plan {
        crews: plan.crews,
        priority,
        restore_in_dependency_order: plan.restore_in_dependency_order.unwrap_or(false),
        annual_cost: annual_cost?,
        teams: teams?,
    };
    ok.then_some(model)
}

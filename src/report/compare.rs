//! The files of `bcdr compare`: `compare.json`, `compare.md`,
//! `compare_services.csv`, `compare_threats.csv` and
//! `compare_difference.csv`.

use std::fmt::Write;

use crate::chart::{self, compare::ExceedanceOverlay, difference::DifferenceHistogram};
use crate::error::Error;
use crate::stats::comparison::{Comparison, Difference, PairAccumulator, Presence, ReturnOnPlan};
use crate::stats::diff::DiffAcc;
use crate::stats::period::{cap, Period};

/// Pretty-printed JSON with a trailing newline (stable field order).
///
/// # Errors
/// Serialisation cannot fail for these types; an error is still mapped.
pub(crate) fn json(c: &Comparison) -> Result<Vec<u8>, Error> {
    super::json::pretty(c, "compare.json")
}

use super::csv::{field, opt};
use super::doc::{md_cell, md_code, md_escape};
use crate::fmt::{count, money, money_change, signed};

/// One row per service: A, B and the change B − A.
pub(crate) fn services_csv(c: &Comparison) -> Vec<u8> {
    let mut out = String::from(
        "id,present_in,availability_a,availability_b,downtime_mean_h_a,downtime_mean_h_b,\
         downtime_change_h,outage_mean_h_a,outage_mean_h_b,rto_h_a,rto_h_b,rto_met_a,rto_met_b,\
         rto_met_change,mtpd_breached_a,mtpd_breached_b,data_loss_mean_h_a,data_loss_mean_h_b,\
         loss_mean_a,loss_mean_b,loss_change\n",
    );
    for s in &c.services {
        let (a, b, d) = (s.a.as_ref(), s.b.as_ref(), s.change.as_ref());
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            field(&s.id),
            s.present_in.label(),
            sides(a, b, |x| Some(x.availability)),
            sides(a, b, |x| Some(x.downtime_hours)),
            opt(d.map(|x| x.downtime_hours)),
            sides(a, b, |x| Some(x.outage_duration_hours)),
            sides(a, b, |x| x.rto_hours),
            sides(a, b, |x| x.rto_met),
            opt(d.and_then(|x| x.rto_met)),
            sides(a, b, |x| x.mtpd_breached),
            sides(a, b, |x| Some(x.data_loss_hours)),
            sides(a, b, |x| Some(x.loss)),
            opt(d.map(|x| x.loss)),
        );
    }
    out.into_bytes()
}

/// One row per threat (random failures first): A, B and the change.
pub(crate) fn threats_csv(c: &Comparison) -> Vec<u8> {
    let mut out = String::from(
        "id,kind,present_in,occurrences_mean_a,occurrences_mean_b,loss_mean_a,loss_mean_b,\
         loss_change\n",
    );
    for t in &c.threats {
        let (a, b, d) = (t.a.as_ref(), t.b.as_ref(), t.change.as_ref());
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            field(&t.id),
            t.kind,
            t.present_in.label(),
            sides(a, b, |x| Some(x.occurrences)),
            sides(a, b, |x| Some(x.loss)),
            opt(d.map(|x| x.loss)),
        );
    }
    out.into_bytes()
}

/// With insurance on either side: that every loss figure is net of
/// insurance, and each insured side's expected annual loss before it;
/// `None` without insurance (the reports then read as before).
pub(crate) fn insurance_sentence(c: &Comparison) -> Option<String> {
    let gross: Vec<String> = [("A", &c.a), ("B", &c.b)]
        .iter()
        .filter_map(|(name, side)| {
            let g = side.expected_annual_loss_gross?;
            Some(format!("{name} {}", money(&c.currency, g)))
        })
        .collect();
    let whose = if gross.len() == 2 {
        "Losses are net of insurance"
    } else {
        "Losses are the loss borne, for the insured plan net of insurance"
    };
    let p = Period::of(c.horizon_hours);
    (!gross.is_empty()).then(|| {
        format!(
            "{whose}: gross loss − recoveries + premiums, the loss the risk appetite is judged \
             on, so a change of policy shows in the difference. {} before \
             insurance: {}.",
            cap(&p.expected_loss()),
            gross.join(", ")
        )
    })
}

/// What plan B's extra cost returns, with a defined ROSI and its
/// interval `ci`.
pub(crate) fn rosi_sentence(
    cur: &str,
    r: &ReturnOnPlan,
    rosi: f64,
    ci: [f64; 2],
    p: &Period,
) -> String {
    p.reword(&format!(
        "Plan B costs {} {each} more. Its net benefit (the reduction in expected annual loss \
         minus that cost) is {} {each} (95% CI {} to {}); the return on security investment \
         (ROSI) is {} (95% CI {} to {}).",
        money(cur, r.delta_cost),
        money(cur, r.net_benefit),
        money(cur, r.net_benefit_ci95[0]),
        money(cur, r.net_benefit_ci95[1]),
        pct(rosi),
        pct(ci[0]),
        pct(ci[1]),
        each = p.each()
    ))
}

/// The CSV cells of one field on side A, then on side B.
fn sides<T>(a: Option<&T>, b: Option<&T>, f: impl Fn(&T) -> Option<f64>) -> String {
    format!("{},{}", opt(a.and_then(&f)), opt(b.and_then(&f)))
}

/// The distribution of ΔL = L_A − L_B: one row per histogram bucket,
/// ascending (ties as a 0..0 row).
pub(crate) fn difference_csv(d: &DiffAcc) -> Vec<u8> {
    let mut out = String::from("difference_from,difference_to,trials\n");
    for (lo, hi, c) in d.buckets() {
        let _ = writeln!(out, "{lo},{hi},{c}");
    }
    out.into_bytes()
}

/// A percentage to 0.1%, never rounding a rare event to 0% or 100%.
fn pct(p: f64) -> String {
    if p > 0.0 && p < 0.0005 {
        "<0.1%".to_string()
    } else if p < 1.0 && p > 0.9995 {
        ">99.9%".to_string()
    } else {
        format!("{:.1}%", 100.0 * p)
    }
}

fn opt_pct(p: Option<f64>) -> String {
    p.map_or_else(|| "–".to_string(), pct)
}

/// `compare.md`: the comparison in plain language, then the tables.
pub(crate) fn markdown(c: &Comparison) -> Vec<u8> {
    let cur = &md_escape(&c.currency);
    let d = &c.difference;
    let r = &c.return_on_plan;
    let p = Period::of(c.horizon_hours);
    let (y, ys, each) = (p.noun(), p.nouns(), p.each());
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Compare: {} (A) vs {} (B)\n",
        md_escape(&c.a.scenario),
        md_escape(&c.b.scenario)
    );
    let _ = writeln!(
        s,
        "A: {} · B: {} · {} paired trials · seed {} · horizon {} h · bcdr {}\n",
        md_code(&c.a.file),
        md_code(&c.b.file),
        c.trials,
        c.seed,
        c.horizon_hours,
        c.bcdr_version
    );
    let _ = writeln!(
        s,
        "Both plans ran on the same trial indices with the same seed (common random numbers): \
         a service or threat present in both saw the same failures and attacks, so the \
         difference below is what the plans change, not sampling noise.\n"
    );

    s.push_str("## Reading\n\n");
    let direction = direction(d);
    let _ = writeln!(
        s,
        "- {}: A {}, B {}. The difference A − B is {} {each} \
         (95% CI {} to {}): {direction}.",
        cap(&p.expected_loss()),
        money(cur, c.a.expected_annual_loss),
        money(cur, c.b.expected_annual_loss),
        money(cur, d.mean),
        money(cur, d.mean_ci95[0]),
        money(cur, d.mean_ci95[1]),
    );
    if let Some(note) = insurance_sentence(c) {
        let _ = writeln!(s, "- {note}");
    }
    let _ = writeln!(
        s,
        "- In {} of {ys} B loses less, in {} it loses more, and in {} both lose the same.",
        pct(d.probability_b_loses_less),
        pct(d.probability_a_loses_less),
        pct(d.probability_equal)
    );
    let _ = writeln!(
        s,
        "- The {y}-to-{y} difference A − B ranges over {} to {} (5th to 95th \
         percentile; median {}).",
        money(cur, d.p5),
        money(cur, d.p95),
        money(cur, d.p50)
    );
    match (r.rosi, r.rosi_ci95) {
        (Some(rosi), Some(ci)) => {
            let _ = writeln!(s, "- {}", rosi_sentence(cur, r, rosi, ci, &p));
        }
        _ => {
            let _ = writeln!(
                s,
                "- Net benefit of B (reduction in expected annual loss minus its extra cost of \
                 {}): {} {} (95% CI {} to {}). {}.",
                money(cur, r.delta_cost),
                money(cur, r.net_benefit),
                p.each(),
                money(cur, r.net_benefit_ci95[0]),
                money(cur, r.net_benefit_ci95[1]),
                r.note.as_deref().unwrap_or("ROSI is undefined"),
            );
        }
    }
    if let Some(f) = d.variance_reduction_vs_independent {
        let times = if f >= 100.0 {
            count(f)
        } else {
            format!("{f:.1}")
        };
        let _ = writeln!(
            s,
            "- Common random numbers made the variance of the difference {times} times smaller \
             than two independent runs would (correlation of the two plans' losses {}): an \
             independent comparison would need about {times} times the trials for the same \
             precision.",
            d.correlation
                .map_or_else(|| "n/a".to_string(), |x| format!("{x:.3}")),
        );
    }
    s.push('\n');

    let _ = writeln!(s, "## {}\n", cap(&p.loss()));
    let _ = writeln!(s, "| | A | B | A − B |\n|---|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} |",
        p.expected_loss(),
        money(cur, c.a.expected_annual_loss),
        money(cur, c.b.expected_annual_loss),
        money(cur, d.mean)
    );
    let _ = writeln!(
        s,
        "| 95% CI of the mean | {} – {} | {} – {} | {} – {} |",
        money(cur, c.a.mean_ci95[0]),
        money(cur, c.a.mean_ci95[1]),
        money(cur, c.b.mean_ci95[0]),
        money(cur, c.b.mean_ci95[1]),
        money(cur, d.mean_ci95[0]),
        money(cur, d.mean_ci95[1])
    );
    let _ = writeln!(
        s,
        "| 1-in-20 {y} loss (p95) | {} | {} | |",
        money(cur, c.a.p95),
        money(cur, c.b.p95)
    );
    let _ = writeln!(
        s,
        "| 1-in-100 {y} loss (p99) | {} | {} | |",
        money(cur, c.a.p99),
        money(cur, c.b.p99)
    );
    let _ = writeln!(
        s,
        "| plan.annual_cost | {} | {} | {} (B − A) |",
        money(cur, c.a.annual_cost),
        money(cur, c.b.annual_cost),
        money(cur, c.b.annual_cost - c.a.annual_cost)
    );
    let _ = writeln!(
        s,
        "| RTO attainment (mean over services with an RTO) | {} | {} | |\n",
        opt_pct(c.a.rto_attainment),
        opt_pct(c.b.rto_attainment)
    );
    s.push_str(
        "![Loss exceedance curves of A and B](compare_loss_exceedance.png)\n\n\
         ![Histogram of the difference A − B](compare_difference.png)\n\n",
    );

    s.push_str("## Services\n\nChanges are B − A: a negative downtime or loss change is an improvement.\n\n");
    s.push_str(&per_yr(
        &p,
        "| service | in | downtime h/yr A | B | change | RTO met A | B | loss/yr A | B | change |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    ));
    let num = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |v| format!("{v:.2}"));
    for sv in &c.services {
        let (a, b, ch) = (sv.a.as_ref(), sv.b.as_ref(), sv.change.as_ref());
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md_cell(&sv.id),
            if sv.present_in == Presence::Both {
                "both"
            } else {
                sv.present_in.label()
            },
            num(a.map(|x| x.downtime_hours)),
            num(b.map(|x| x.downtime_hours)),
            ch.map_or_else(
                || "–".to_string(),
                |x| signed(x.downtime_hours, |v| format!("{v:.2}"))
            ),
            opt_pct(a.and_then(|x| x.rto_met)),
            opt_pct(b.and_then(|x| x.rto_met)),
            a.map_or_else(|| "–".to_string(), |x| money(cur, x.loss)),
            b.map_or_else(|| "–".to_string(), |x| money(cur, x.loss)),
            ch.map_or_else(|| "–".to_string(), |x| money_change(cur, x.loss)),
        );
    }
    s.push_str("\n## Threats\n\n");
    s.push_str(&per_yr(
        &p,
        "| threat | kind | in | occurrences/yr A | B | loss/yr A | B | change |\n\
         |---|---|---|---:|---:|---:|---:|---:|\n",
    ));
    for t in &c.threats {
        let (a, b, ch) = (t.a.as_ref(), t.b.as_ref(), t.change.as_ref());
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            md_cell(&t.id),
            t.kind,
            t.present_in.label(),
            num(a.map(|x| x.occurrences)),
            num(b.map(|x| x.occurrences)),
            a.map_or_else(|| "–".to_string(), |x| money(cur, x.loss)),
            b.map_or_else(|| "–".to_string(), |x| money(cur, x.loss)),
            ch.map_or_else(|| "–".to_string(), |x| money_change(cur, x.loss)),
        );
    }
    s.push_str(
        "\nEach side's own results (summary.json and the CSV tables) are in `a/` and `b/`.\n",
    );
    s.into_bytes()
}

/// Every file of a comparison except each side's own results: JSON,
/// Markdown, the CSV tables and the two charts (PNG and SVG).
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn files(
    c: &Comparison,
    pair: &PairAccumulator,
    appetite: Vec<(f64, f64)>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = vec![
        ("compare.json".to_string(), json(c)?),
        ("compare.md".to_string(), markdown(c)),
        ("compare_services.csv".to_string(), services_csv(c)),
        ("compare_threats.csv".to_string(), threats_csv(c)),
        (
            "compare_difference.csv".to_string(),
            difference_csv(&pair.diff),
        ),
    ];
    // With insurance on either side every loss of the comparison is the
    // loss borne, net of it.
    let net = c.a.expected_annual_loss_gross.is_some() || c.b.expected_annual_loss_gross.is_some();
    let lec = ExceedanceOverlay::new(
        &format!("A: {}", c.a.scenario),
        &format!("B: {}", c.b.scenario),
        pair.a.borne_hist(),
        pair.b.borne_hist(),
        &c.currency,
    )
    .per(Period::of(c.horizon_hours))
    .net(net)
    .appetite(appetite);
    out.extend(chart::render(&lec)?.files());
    let diff = DifferenceHistogram::new(&pair.diff, &c.currency)
        .per(Period::of(c.horizon_hours))
        .net(net);
    out.extend(chart::render(&diff)?.files());
    Ok(out)
}

/// A table head written per year (`h/yr`, `loss/yr`) as it reads over
/// the horizon: as is for a year, else per its span (`loss/2y`).
pub(crate) fn per_yr(p: &Period, head: &str) -> String {
    if p.is_year() {
        head.to_string()
    } else {
        head.replace("/yr", &format!("/{}", p.unit()))
    }
}

/// The one-screen summary printed by `bcdr compare`.
pub(crate) fn screen(c: &Comparison) -> String {
    let d = &c.difference;
    let r = &c.return_on_plan;
    let cur = &c.currency;
    let p = Period::of(c.horizon_hours);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "compare: A = {} ({}), B = {} ({}), {} paired trials, seed {}",
        c.a.scenario, c.a.file, c.b.scenario, c.b.file, c.trials, c.seed
    );
    let _ = writeln!(
        s,
        "  {:<22} A {}   B {}",
        p.expected_loss(),
        money(cur, c.a.expected_annual_loss),
        money(cur, c.b.expected_annual_loss)
    );
    if let Some(note) = insurance_sentence(c) {
        let _ = writeln!(s, "  {note}");
    }
    let _ = writeln!(
        s,
        "  difference A - B       {} {} (95% CI {} to {})",
        money(cur, d.mean),
        p.each(),
        money(cur, d.mean_ci95[0]),
        money(cur, d.mean_ci95[1])
    );
    let _ = writeln!(
        s,
        "  {:<22} p5 {}  p50 {}  p95 {}",
        format!("per {}, A - B", p.unit()),
        money(cur, d.p5),
        money(cur, d.p50),
        money(cur, d.p95)
    );
    let _ = writeln!(
        s,
        "  B loses less in {} of {}, more in {}, the same in {}",
        pct(d.probability_b_loses_less),
        p.nouns(),
        pct(d.probability_a_loses_less),
        pct(d.probability_equal)
    );
    let _ = writeln!(
        s,
        "  extra cost of B        {} {}; net benefit {} (95% CI {} to {})",
        money(cur, r.delta_cost),
        p.each(),
        money(cur, r.net_benefit),
        money(cur, r.net_benefit_ci95[0]),
        money(cur, r.net_benefit_ci95[1])
    );
    match (r.rosi, r.rosi_ci95) {
        (Some(x), Some(ci)) => {
            let _ = writeln!(
                s,
                "  ROSI                   {} (95% CI {} to {})",
                pct(x),
                pct(ci[0]),
                pct(ci[1])
            );
        }
        _ => {
            let _ = writeln!(
                s,
                "  ROSI                   n/a: {}",
                r.note.as_deref().unwrap_or("")
            );
        }
    }
    s
}

/// What the 95% interval of the difference A − B says about which plan
/// loses less on average.
pub(crate) fn direction(d: &Difference) -> &'static str {
    if d.mean_ci95[0] > 0.0 {
        "B loses less than A on average, and the whole 95% interval is above zero"
    } else if d.mean_ci95[1] < 0.0 {
        "B loses more than A on average, and the whole 95% interval is below zero"
    } else {
        "the 95% interval includes zero: at this trial count the data cannot tell which plan \
         loses less on average"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_events_are_not_rounded_away() {
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(0.00005), "<0.1%");
        assert_eq!(pct(0.99999), ">99.9%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(pct(0.2062), "20.6%");
    }
}

//! The one-screen summary printed when a run ends.

use std::fmt::Write;

use crate::fmt::{format_hours, money};
use crate::stats::Summary;

use crate::stats::period::Period;

/// Headline numbers, the services that lose most and RTO attainment.
pub(crate) fn screen(s: &Summary) -> String {
    let c = &s.currency;
    let a = &s.annual_loss;
    // A horizon other than a year: the figures are per trial, and say so.
    let p = Period::of(s.horizon_hours);
    let y = p.noun();
    let mut out = String::new();
    if p.is_year() {
        let _ = writeln!(
            out,
            "{} — {}, seed {}",
            s.scenario,
            crate::fmt::plural(s.trials as usize, "trial"),
            s.seed
        );
    } else {
        let _ = writeln!(
            out,
            "{} — {} of {} each (figures per trial), seed {}",
            s.scenario,
            crate::fmt::plural(s.trials as usize, "trial"),
            p.span(),
            s.seed
        );
    }
    if s.annual_loss_net.is_some() {
        let _ = writeln!(out, "  gross, before insurance (net of insurance below)");
    }
    // A figure and its 95% confidence interval (none from one trial: its
    // standard error would read 0).
    let with_ci = |x: f64, ci: [f64; 2]| {
        if s.trials < 2 {
            format!("{}  ({})", money(c, x), super::ONE_TRIAL_NO_CI)
        } else {
            format!(
                "{}  (95% CI {} to {})",
                money(c, x),
                money(c, ci[0]),
                money(c, ci[1])
            )
        }
    };
    let labels = [
        p.expected_loss(),
        format!("median {y}"),
        format!("1-in-20 {y} (VaR95)"),
        format!("1-in-100 {y} (VaR99)"),
        format!("worst simulated {y}"),
        "net of insurance".to_string(),
    ];
    let w = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut line = |i: usize, value: String| {
        let _ = writeln!(out, "  {:<w$} {value}", labels[i]);
    };
    line(0, with_ci(a.mean, a.mean_ci95));
    line(1, money(c, a.p50));
    line(2, money(c, a.p95));
    line(3, with_ci(a.p99, a.p99_ci95));
    line(4, money(c, a.max));
    if let Some(n) = &s.annual_loss_net {
        line(
            5,
            format!(
                "{} {}, 1-in-100 {y} {}  (gross − recoveries + premiums)",
                money(c, n.mean),
                p.each(),
                money(c, n.p99)
            ),
        );
    }

    let mut by_loss: Vec<_> = s.services.iter().filter(|x| x.loss.mean > 0.0).collect();
    by_loss.sort_by(|x, y| y.loss.mean.total_cmp(&x.loss.mean));
    if !by_loss.is_empty() {
        let _ = writeln!(out, "\n  services by expected loss");
        for x in by_loss.iter().take(5) {
            let _ = writeln!(out, "    {:<28} {}", x.id, money(c, x.loss.mean));
        }
    }
    let mut threats: Vec<_> = s.threats.iter().filter(|x| x.loss.mean > 0.0).collect();
    threats.sort_by(|x, y| y.loss.mean.total_cmp(&x.loss.mean));
    if !threats.is_empty() {
        let _ = writeln!(out, "\n  threats by expected loss");
        for x in threats.iter().take(5) {
            let _ = writeln!(out, "    {:<28} {}", x.id, money(c, x.loss.mean));
        }
    }
    let mut rto: Vec<_> = s
        .services
        .iter()
        .filter_map(|x| Some((x, x.rto_met?, x.rto_hours?)))
        .collect();
    rto.sort_by(|x, y| x.1.total_cmp(&y.1));
    if !rto.is_empty() {
        let _ = writeln!(out, "\n  RTO met per outage (worst first)");
        for (x, met, hours) in rto.iter().take(8) {
            let _ = writeln!(
                out,
                "    {:<28} {:>6.1}% within {}",
                x.id,
                met * 100.0,
                format_hours(*hours)
            );
        }
    }
    out
}

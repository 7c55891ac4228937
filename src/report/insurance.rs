//! The insurance section of a run's report (DESIGN-2 B1): the net annual
//! loss against the gross one, and what each policy paid.

use crate::fmt::{money, pct};
use crate::stats::Summary;

use super::doc::{b, t, Align, Block, Doc};

/// The section, when the scenario has insurance.
pub(crate) fn section(s: &Summary, doc: &mut Doc) {
    let Some(net) = &s.annual_loss_net else {
        return;
    };
    let c = s.currency.as_str();
    let gross = &s.annual_loss;
    let premiums = s.insurance.len();
    doc.h2("Insurance");
    doc.para(vec![
        t("The "),
        b("gross"),
        t(" loss is what the disruptions cost; the "),
        b("net"),
        t(format!(
            " loss is what stays with the organisation: the gross loss, less what the {} \
             polic{} recovered, plus the premiums (paid every year, so the net loss of a quiet \
             year is the premiums). Each occurrence (one random failure with the outage it \
             started, one disaster with everything it hit, one attack) is paid on its own: \
             above the deductible, up to the limit, until the aggregate limit of the year runs \
             out. The risk appetite is judged on the net loss.",
            premiums,
            if premiums == 1 { "y" } else { "ies" }
        )),
    ]);
    let row = |m: &str, g: f64, n: f64| vec![m.to_string(), money(c, g), money(c, n)];
    doc.push(Block::Table {
        head: vec!["measure".into(), "gross".into(), "net".into()],
        align: vec![Align::Left, Align::Right, Align::Right],
        rows: vec![
            row("Expected annual loss (mean)", gross.mean, net.mean),
            row("Median year (p50)", gross.p50, net.p50),
            row("1-in-20 year (VaR 95)", gross.p95, net.p95),
            row("1-in-100 year (VaR 99)", gross.p99, net.p99),
            row(
                "Mean of the worst 1% of years (TVaR 99)",
                gross.tvar_99,
                net.tvar_99,
            ),
            row("Worst simulated year", gross.max, net.max),
        ],
    });
    doc.push(Block::Table {
        head: vec![
            "policy".into(),
            "recovered / year".into(),
            "years its aggregate limit ran out".into(),
        ],
        align: vec![Align::Left, Align::Right, Align::Right],
        rows: s
            .insurance
            .iter()
            .map(|p| {
                vec![
                    p.id.clone(),
                    money(c, p.recovered.mean),
                    if p.has_aggregate {
                        pct(p.aggregate_exhausted)
                    } else {
                        "– (no aggregate limit)".to_string()
                    },
                ]
            })
            .collect(),
    });
}

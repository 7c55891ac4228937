//! The insurance section of a run's report (DESIGN-2 B1): the net annual
//! loss against the gross one, and what each policy paid.

use crate::fmt::{money, pct};
use crate::stats::Summary;

use super::doc::{b, t, Align, Block, Doc};
use crate::stats::period::{cap, Period};

/// The section, when the scenario has insurance.
pub(crate) fn section(s: &Summary, doc: &mut Doc) {
    let Some(net) = &s.annual_loss_net else {
        return;
    };
    let c = s.currency.as_str();
    let gross = &s.annual_loss;
    let premiums = s.insurance.len();
    let p = Period::of(s.horizon_hours);
    let (y, ys) = (p.noun(), p.nouns());
    doc.h2("Insurance");
    doc.para(vec![
        t("The "),
        b("gross"),
        t(" loss is what the disruptions cost; the "),
        b("net"),
        t(format!(
            " loss is what stays with the organisation: the gross loss, less what the {} \
             polic{} recovered, plus the premiums (paid every {y}, so the net loss of a quiet \
             {y} is the premiums). Each occurrence (one random failure with the outage it \
             started, one disaster with everything it hit, one attack) is paid on its own: \
             above the deductible, up to the limit, until the aggregate limit of the {y} runs \
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
            row(
                &format!("{} (mean)", cap(&p.expected_loss())),
                gross.mean,
                net.mean,
            ),
            row(&format!("Median {y} (p50)"), gross.p50, net.p50),
            row(&format!("1-in-20 {y} (VaR 95)"), gross.p95, net.p95),
            row(&format!("1-in-100 {y} (VaR 99)"), gross.p99, net.p99),
            row(
                &format!("Mean of the worst 1% of {ys} (TVaR 99)"),
                gross.tvar_99,
                net.tvar_99,
            ),
            row(&format!("Worst simulated {y}"), gross.max, net.max),
        ],
    });
    doc.push(Block::Table {
        head: vec![
            "policy".into(),
            format!("recovered / {}", p.unit()),
            format!("{ys} its aggregate limit ran out"),
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

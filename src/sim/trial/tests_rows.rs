//! The two forms of rows ([`fused::Form`]) against each other and against
//! the plain definition: a service's row is the set of the trial's
//! distinct segments of the services it is or hard-depends on, through
//! services. Equal sets, read in the same order, give the same runs, the
//! same floating-point sums and the same bytes; the whole accumulators
//! are compared too, with each form forced.

use super::fused::Form;
use super::*;
use crate::sim::compile::SimPlan;

/// Every service that `svc` is, or hard-depends on through services.
fn closure(plan: &SimPlan, svc: usize) -> Vec<bool> {
    let mut seen = vec![false; plan.n_services];
    let mut stack = vec![svc];
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut seen[i], true) {
            stack.extend(
                plan.hard_deps
                    .row(i)
                    .iter()
                    .map(|&d| d as usize)
                    .filter(|&d| d < plan.n_services),
            );
        }
    }
    seen
}

/// Estates of every shape the rows see: generated layered ones of many
/// sizes and seeds (diamonds, shared dependencies, a site's outage
/// giving identical segments to hundreds of services), and small ones
/// with frequent failures, so that segments overlap and touch.
fn estates() -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for (n, seed, trials) in [(4, 1, 200), (30, 2, 200), (200, 3, 40), (1000, 4, 6)] {
        let text = crate::sim::generate::layered(n, seed).expect("valid");
        out.push((format!("layered-{n}-{seed}"), text, trials));
    }
    let busy = |mtbf: &str| {
        format!(
            r#"Scenario(name: "busy", horizon: "1y",
            sites: [Site(id: "a"), Site(id: "b")],
            services: [
                Service(id: "n1", site: "a", failure: (mtbf: "{mtbf}", repair: Exponential(mean: "30h")), restart: Fixed("10m")),
                Service(id: "n2", site: "b", failure: (mtbf: "{mtbf}", repair: Fixed("12h"))),
                Service(id: "p1", site: "a", depends_on: ["n1", "n2"], failure: (mtbf: "{mtbf}", repair: Exponential(mean: "20h")), restart: Fixed("10m")),
                Service(id: "p2", site: "b", depends_on: ["n2"], failure: (mtbf: "{mtbf}", repair: Fixed("6h")), restart: Fixed("1h")),
                Service(id: "app", site: "a", depends_on: ["p1", "p2", "n1"], failure: (mtbf: "{mtbf}", repair: Exponential(mean: "4h")), restart: Fixed("10m")),
                Service(id: "one", depends_on: ["app"], revenue_per_hour: 10),
                Service(id: "top", depends_on: ["one", "p2", "app"], revenue_per_hour: 5,
                    failure: (mtbf: "{mtbf}", repair: Fixed("1h"))),
            ],
            threats: [
                Outage(id: "power-a", rate_per_year: 12, targets: [Site("a")], duration: Fixed("3h")),
                Outage(id: "power-b", rate_per_year: 12, targets: [Site("b")], duration: LogNormal(median: "2h", p90: "6h")),
                Disaster(id: "fire", rate_per_year: 2, targets: [Site("a")]),
            ],
            plan: Plan(crews: 1),
        )"#
        )
    };
    for (k, mtbf) in ["100h", "400h", "2000h"].iter().enumerate() {
        out.push((format!("busy-{mtbf}"), busy(mtbf), 150 + k as u64));
    }
    out
}

/// A trial whose rows are kept in `form`, booked in full (no quiet-trial
/// skip, so every trial builds its rows).
fn forced(plan: &SimPlan, form: Form) -> Trial {
    let mut trial = Trial::new(plan);
    trial.rows.force = Some(form);
    trial.skip_quiet = false;
    trial
}

/// Row for row, both forms hold the same places in the same order, and
/// those are exactly the distinct segments of the services in the
/// closure (the plain definition), on many random estates and trials.
#[test]
fn both_forms_of_rows_are_equal() {
    let (mut rows_seen, mut places_seen) = (0usize, 0usize);
    for (name, text, trials) in estates() {
        let model = crate::scenario::parse_str(&text).expect("valid");
        let plan = SimPlan::compile(&model);
        assert!(!plan.dr.relocates, "{name}: no relocation in these");
        let closures: Vec<Vec<bool>> = (0..plan.n_services).map(|i| closure(&plan, i)).collect();
        let mut bits = forced(&plan, Form::Bits);
        let mut sparse = forced(&plan, Form::Sparse);
        let (mut acc_b, mut acc_s) = (plan.accumulator(), plan.accumulator());
        for k in 0..trials {
            bits.run(&plan, Mode::Annual, 13, k, &mut acc_b);
            sparse.run(&plan, Mode::Annual, 13, k, &mut acc_s);
            assert_eq!(bits.rows.form(), Some(Form::Bits));
            assert_eq!(sparse.rows.form(), Some(Form::Sparse));
            for (svc, inside) in closures.iter().enumerate() {
                let mut plain: Vec<u32> = sparse
                    .own
                    .segs
                    .iter()
                    .zip(&sparse.index.canon)
                    .filter(|(seg, &c)| c != NONE && inside[seg.svc as usize])
                    .map(|(_, &c)| c)
                    .collect();
                plain.sort_unstable();
                plain.dedup();
                let b = bits.rows.read(svc).to_vec();
                let s = sparse.rows.read(svc);
                assert_eq!(b, s, "{name}, trial {k}, service {svc}");
                assert_eq!(s, plain, "{name}, trial {k}, service {svc}");
                rows_seen += usize::from(!s.is_empty());
                places_seen += s.len();
            }
        }
        bits.finish(&plan, &mut acc_b);
        sparse.finish(&plan, &mut acc_s);
        assert!(acc_b == acc_s, "{name}");
    }
    // Enough rows for the comparison to mean something.
    assert!(
        rows_seen > 10_000 && places_seen > 100_000,
        "{rows_seen} {places_seen}"
    );
}

/// Every bundled scenario (relocating DR plans, groups, ransomware,
/// insurance among them) gives equal accumulators with either form of
/// rows, as the engine chooses it, and with the fused booking off.
#[test]
fn bundled_scenarios_book_the_same_with_either_form() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    for path in files {
        let model = crate::scenario::load(&path).expect("valid");
        let plan = SimPlan::compile(&model);
        let run = |form: Option<Form>, fused: bool| {
            super::annual_trials(&plan, 3, 200, |trial| {
                trial.rows.force = form;
                trial.fused = fused;
            })
        };
        let chosen = run(None, true);
        assert!(chosen.annual_loss.sum() > 0.0, "{}", path.display());
        for (form, fused) in [
            (Form::Bits, true),
            (Form::Sparse, true),
            (Form::Sparse, false),
        ] {
            assert!(
                run(Some(form), fused) == chosen,
                "{}: {form:?}, fused {fused}",
                path.display()
            );
        }
    }
}

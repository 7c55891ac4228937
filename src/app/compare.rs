//! `bcdr compare A B`: two plans on common random numbers.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{check_sim, default_folder, emit, file_stem, run_files, OnProgress, SimOptions};
use crate::error::Error;
use crate::report;
use crate::report::{OutDir, Pack, Wait};
use crate::scenario;
use crate::sim::{self, SimPlan};
use crate::stats::Summary;

/// The default output folder of `bcdr compare A B`:
/// `outputs/compare-<A stem>-vs-<B stem>/`.
pub fn default_compare_dir(a: &Path, b: &Path) -> PathBuf {
    default_folder(&format!("compare-{}-vs-{}", file_stem(a), file_stem(b)))
}

/// `bcdr compare A B`: both plans on the same trials with the same seed
/// (common random numbers); writes `compare.json`, `compare.md`, the CSV
/// tables and charts, and each side's own results under `a/` and `b/`.
///
/// # Errors
/// Either scenario's errors, plans that cannot be compared (different horizon
/// or currency), a bad option, [`Error::Memory`] when the estate does not fit
/// in the memory available (naming both files), or a failed write.
pub fn compare(
    a: &Path,
    b: &Path,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<crate::stats::comparison::Comparison, Error> {
    use crate::stats::comparison::Comparison;
    check_sim(opts)?;
    // The difference's interval and verdict need a standard error.
    crate::review::check_trials(opts.trials, "--trials")?;
    let (ma, mb) = (scenario::load(a)?, scenario::load(b)?);
    if ma.horizon != mb.horizon {
        return Err(Error::Usage(format!(
            "{} has a horizon of {} and {} of {}: compare needs the same horizon on both sides, \
             or the annual losses are not comparable",
            a.display(),
            ma.horizon,
            b.display(),
            mb.horizon
        )));
    }
    if ma.currency != mb.currency {
        return Err(Error::Usage(format!(
            "{} counts in {} and {} in {}: compare needs one currency",
            a.display(),
            ma.currency,
            b.display(),
            mb.currency
        )));
    }
    let dir = OutDir::lock(
        &opts
            .out
            .clone()
            .unwrap_or_else(|| default_compare_dir(a, b)),
        Pack::Compare,
        Wait::No,
    )?;
    let (mut pa, mut pb) = (SimPlan::compile(&ma), SimPlan::compile(&mb));
    // Each side counts every appetite point of either scenario exactly,
    // trial by trial, as `run` does (the verdicts judge both plans on
    // both scenarios' points); its own points come first, so its own
    // summary is as a run's.
    let (own_a, own_b) = (pa.appetite.clone(), pb.appetite.clone());
    for (plan, other) in [(&mut pa, &own_b), (&mut pb, &own_a)] {
        for &loss in other {
            if !plan.appetite.contains(&loss) {
                plan.appetite.push(loss);
            }
        }
    }
    let pair = sim::compare::simulate_pair(
        &pa,
        &pb,
        sim::Mode::Annual,
        [opts.seed, opts.seed],
        0..opts.trials,
        opts.threads,
        progress,
    )
    .map_err(|e| e.in_scenarios(&[a, b]))?;
    let names = [a.display().to_string(), b.display().to_string()];
    let cmp = Comparison::build([&ma, &mb], [&names[0], &names[1]], opts.seed, &pair);
    let appetite = report::compare_doc::appetite_points([&ma, &mb]);
    let mut files = report::compare::files(&cmp, &pair, appetite)?;
    let command = format!(
        "bcdr compare {} {} --trials {} --seed {}",
        crate::fmt::shell_quote(&a.display().to_string()),
        crate::fmt::shell_quote(&b.display().to_string()),
        opts.trials,
        opts.seed
    );
    let reports =
        report::compare_doc::report_files(&cmp, [&ma, &mb], [&pair.a, &pair.b], &command, &files)?;
    files.extend(reports);
    for (side, model, acc) in [("a", &ma, &pair.a), ("b", &mb, &pair.b)] {
        let summary = Summary::build(model, opts.seed, acc);
        for (name, bytes) in run_files(&summary, acc)? {
            files.push((format!("{side}/{name}"), bytes));
        }
    }
    let screen = (!opts.quiet).then(|| report::compare::screen(&cmp));
    emit(&dir, &files, screen.as_deref(), "", out)?;
    Ok(cmp)
}

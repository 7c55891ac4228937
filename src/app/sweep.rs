//! `bcdr sweep`: one scenario at several values of one parameter.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{check_sim, default_folder, emit, file_stem, OnProgress, SimOptions};
use crate::error::Error;
use crate::report;
use crate::report::{OutDir, Pack, Wait};
use crate::scenario;

/// The default output folder of a sweep:
/// `outputs/sweep-<scenario stem>-<parameter path>/`.
pub fn default_sweep_dir(path: &Path, parameter: &str) -> PathBuf {
    let param: String = parameter
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    default_folder(&format!("sweep-{}-{param}", file_stem(path)))
}

/// `bcdr sweep SCENARIO --set PATH=VALUES`: run every value with the same
/// seed and write `sweep.json`, `sweep.csv`, `sweep_services.csv` and the
/// charts. With `threat`, every value runs drills of that threat instead
/// of the annual simulation; with `service`, RTO attainment is that
/// service's.
///
/// # Errors
/// The scenario's errors, an unknown id, a bad option, [`Error::Memory`] when
/// the estate does not fit in the memory available (naming the file), or a
/// failed write.
pub fn sweep(
    path: &Path,
    setting: &crate::sweep::Setting,
    threat: Option<&str>,
    service: Option<&str>,
    opts: &SimOptions,
    progress: OnProgress<'_>,
    out: &mut dyn Write,
) -> Result<crate::sweep::SweepResult, Error> {
    check_sim(opts)?;
    // Each value's interval needs a standard error.
    crate::review::check_trials(opts.trials, "--trials")?;
    let model = scenario::load(path)?;
    setting
        .param
        .check(&setting.path, &model, &setting.values)?;
    let dir = OutDir::lock(
        &opts
            .out
            .clone()
            .unwrap_or_else(|| default_sweep_dir(path, &setting.path)),
        Pack::Sweep,
        Wait::No,
    )?;
    let result = crate::sweep::run(
        &model,
        &crate::sweep::SweepRun {
            setting,
            threat,
            service,
            seed: opts.seed,
            trials: opts.trials,
            threads: opts.threads,
        },
        progress,
    )
    .map_err(|e| e.in_scenarios(&[path]))?;
    let mut bytes = report::sweep::files(&result)?;
    let mut command = format!(
        "bcdr sweep {} --set {}",
        crate::fmt::shell_quote(&path.display().to_string()),
        crate::fmt::shell_quote(&format!(
            "{}={}",
            setting.path,
            setting
                .values
                .iter()
                .map(|v| setting.label(*v))
                .collect::<Vec<_>>()
                .join(",")
        ))
    );
    for (flag, v) in [("--threat", threat), ("--service", service)] {
        if let Some(v) = v {
            command.push_str(&format!(" {flag} {}", crate::fmt::shell_quote(v)));
        }
    }
    command.push_str(&format!(" --trials {} --seed {}", opts.trials, opts.seed));
    let reports =
        report::sweep_doc::report_files(&result, &setting.param, &model, &command, &bytes)?;
    bytes.extend(reports);
    let screen = (!opts.quiet).then(|| report::sweep::screen(&result));
    emit(&dir, &bytes, screen.as_deref(), "", out)?;
    Ok(result)
}

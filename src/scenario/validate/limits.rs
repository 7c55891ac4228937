//! The limits of what can be simulated, checked on a model that did not
//! come from a scenario file: one a sweep or a tornado changed. The
//! scenario file's own checks (`services::failure`, `threats::rate`) give
//! the same limits with the file's field paths.

use crate::model::{Model, Rate, HOURS_PER_YEAR, MAX_RATE_PER_YEAR};

/// The first figure of `model` beyond what can be simulated, as the
/// scenario file would have refused it: its field path and what is wrong.
/// A mean time to failure below 31.5 seconds (more than 10⁶ failures a
/// year), or a threat rate whose fixed value or 1-in-a-billion value is
/// above 10⁶ a year.
pub(crate) fn beyond(model: &Model) -> Option<(String, String)> {
    let min_ttf = HOURS_PER_YEAR / MAX_RATE_PER_YEAR;
    for s in &model.services {
        let Some(f) = &s.failure else { continue };
        let mean = f.ttf.mean();
        if mean.is_nan() || mean < min_ttf {
            return Some((
                format!("services.{}.failure.ttf", s.id),
                format!(
                    "a mean time to failure of {:.3} seconds is a failure more than \
                     {MAX_RATE_PER_YEAR} times a year, more than a simulation can follow (at \
                     least {:.1} seconds, as in a scenario file)",
                    mean * 3600.0,
                    min_ttf * 3600.0
                ),
            ));
        }
    }
    for t in &model.threats {
        let top = match &t.rate_per_year {
            Rate::Fixed(x) => *x,
            Rate::Uncertain(d) => d.quantile(1.0 - 1e-9),
        };
        if top.is_nan() || top > MAX_RATE_PER_YEAR {
            return Some((
                format!("threats.{}.rate_per_year", t.id),
                format!(
                    "it can reach {top:.3e} events a year, more than the {MAX_RATE_PER_YEAR} a \
                     threat may have (as in a scenario file)"
                ),
            ));
        }
    }
    None
}

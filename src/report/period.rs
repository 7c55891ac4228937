//! What a run's figures are per. A trial is one `horizon` and its losses
//! and counts are per trial (`docs/scenario-language.md`: "losses are per
//! horizon"). With a one-year horizon (every bundled scenario) that is a
//! year, and the outputs say "annual", "a year", "/ year"; with any other
//! horizon they say what the figures are per instead ("expected loss per
//! 2y", "outages / 2y", "a typical trial"), never a year they are not.

use crate::fmt::hours;
use crate::model::HOURS_PER_YEAR;

/// The words for one trial's span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Period {
    year: bool,
    span: String,
}

impl Period {
    /// The period of a run over `horizon_hours`.
    pub(crate) fn of(horizon_hours: f64) -> Period {
        let years = horizon_hours / HOURS_PER_YEAR;
        let span = if years >= 1.0 && years.fract() == 0.0 {
            format!("{years}y")
        } else {
            hours(horizon_hours)
        };
        Period {
            year: horizon_hours == HOURS_PER_YEAR,
            span,
        }
    }

    /// A one-year horizon: the figures are a year's.
    pub(crate) fn is_year(&self) -> bool {
        self.year
    }

    /// The horizon as a duration: `2y`, `90d`.
    pub(crate) fn span(&self) -> &str {
        &self.span
    }

    /// One simulated period: `year`, else `trial`.
    pub(crate) fn noun(&self) -> &'static str {
        if self.year {
            "year"
        } else {
            "trial"
        }
    }

    /// Several: `years`, else `trials`.
    pub(crate) fn nouns(&self) -> &'static str {
        if self.year {
            "years"
        } else {
            "trials"
        }
    }

    /// A rate's unit, after "/" or "per": `year`, else the span (`2y`).
    pub(crate) fn unit(&self) -> &str {
        if self.year {
            "year"
        } else {
            &self.span
        }
    }

    /// After an amount or a count: `a year`, else `per 2y`.
    pub(crate) fn each(&self) -> String {
        if self.year {
            "a year".to_string()
        } else {
            format!("per {}", self.span)
        }
    }

    /// `expected annual loss`, else `expected loss per 2y`.
    pub(crate) fn expected_loss(&self) -> String {
        if self.year {
            "expected annual loss".to_string()
        } else {
            format!("expected loss per {}", self.span)
        }
    }

    /// A text written for a year, as it reads over this period: the
    /// text itself for a year; else "expected annual loss", "annual loss",
    /// "a year loses" and "simulated years" said per trial.
    pub(crate) fn reword(&self, text: &str) -> String {
        if self.year {
            return text.to_string();
        }
        let per = format!("per {}", self.span);
        text.replace(
            "Annual loss distribution",
            &format!("Distribution of the loss {per}"),
        )
        .replace("Expected annual loss", &cap(&self.expected_loss()))
        .replace("expected annual loss", &self.expected_loss())
        .replace("Annual loss", &format!("Loss {per}"))
        .replace("annual loss", &format!("loss {per}"))
        .replace("a year loses", "a trial loses")
        .replace("simulated years", "simulated trials")
    }
}

/// The text with its first letter upper case.
pub(crate) fn cap(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_annual_and_other_horizons_say_their_span() {
        let y = Period::of(HOURS_PER_YEAR);
        assert!(y.is_year());
        assert_eq!(
            (y.noun(), y.unit(), y.each(), y.expected_loss()),
            (
                "year",
                "year",
                "a year".into(),
                "expected annual loss".into()
            )
        );
        assert_eq!(
            y.reword("Annual loss, a year loses"),
            "Annual loss, a year loses"
        );
        let two = Period::of(2.0 * HOURS_PER_YEAR);
        assert_eq!(
            (two.noun(), two.unit(), two.each(), two.expected_loss()),
            (
                "trial",
                "2y",
                "per 2y".into(),
                "expected loss per 2y".into()
            )
        );
        assert_eq!(
            two.reword("Expected annual loss; Annual loss; a year loses"),
            "Expected loss per 2y; Loss per 2y; a trial loses"
        );
        assert_eq!(Period::of(2160.0).span(), "90d");
        assert_eq!(cap("expected"), "Expected");
    }
}

//! What a run's figures are per. A trial is one `horizon` and its losses
//! and counts are per trial (`docs/scenario-language.md`: "losses are per
//! horizon"). With a one-year horizon (every bundled scenario) that is a
//! year, and the outputs say "annual", "a year", "/ year"; with any other
//! horizon they say what the figures are per instead ("expected loss per
//! 2y", "outages / 2y", "a typical trial"), never a year they are not.
//!
//! It lives in `stats`, below `chart` and `report`, so that the charts'
//! titles and axes and the reports' text say the same words.

use crate::model::units::horizon_span;
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
        Period {
            year: horizon_hours == HOURS_PER_YEAR,
            span: horizon_span(horizon_hours),
        }
    }

    /// The period shared by runs over `horizons`: theirs when they all
    /// have one horizon (a year when there are none); else a trial of no
    /// one span ("expected loss per trial").
    pub(crate) fn common(horizons: impl IntoIterator<Item = f64>) -> Period {
        let mut horizons = horizons.into_iter();
        let first = horizons.next().unwrap_or(HOURS_PER_YEAR);
        if horizons.all(|h| h == first) {
            Period::of(first)
        } else {
            Period {
                year: false,
                span: "trial".to_string(),
            }
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

    /// `annual loss`, else `loss per 2y`.
    pub(crate) fn loss(&self) -> String {
        if self.year {
            "annual loss".to_string()
        } else {
            format!("loss per {}", self.span)
        }
    }

    /// A text written for a year, as it reads over this period: the
    /// text itself for a year; else "expected annual loss", "annual loss",
    /// "a year loses", "simulated year(s)" and "of years" said per trial.
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
        .replace("simulated year", "simulated trial")
        .replace("of years", "of trials")
    }
}

/// `horizon_hours` of a result file written before it had one: a year.
pub(crate) fn a_year() -> f64 {
    HOURS_PER_YEAR
}

/// A one-year horizon, left out of a result file (whose other fields are
/// a year's, as they always were).
pub(crate) fn is_a_year(horizon_hours: &f64) -> bool {
    *horizon_hours == HOURS_PER_YEAR
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
        assert_eq!(
            two.reword("No simulated year; share of years"),
            "No simulated trial; share of trials"
        );
        assert_eq!(two.loss(), "loss per 2y");
        assert_eq!(y.loss(), "annual loss");
        let h = 2.0 * HOURS_PER_YEAR;
        assert_eq!(Period::common([h, h]), two);
        assert_eq!(Period::common([]), y);
        assert_eq!(
            Period::common([h, HOURS_PER_YEAR]).expected_loss(),
            "expected loss per trial"
        );
        assert_eq!(Period::of(2160.0).span(), "90d");
        // A quarter and whole months read as a scenario writes them, not
        // as "91.25d" or "182.5d".
        assert_eq!(Period::of(2190.0).span(), "1q");
        assert_eq!(Period::of(4380.0).span(), "6mo");
        assert_eq!(Period::of(730.0).span(), "1mo");
        assert_eq!(Period::of(1.5 * HOURS_PER_YEAR).span(), "18mo");
        assert_eq!(Period::of(1.5 * 730.0).span(), "45.62d");
        assert_eq!(cap("expected"), "Expected");
    }
}

//! Durations as written in scenarios: a number and a unit.

use crate::model::HOURS_PER_YEAR;

/// Hours in one unit of each accepted suffix.
const UNITS: [(&str, f64); 8] = [
    ("s", 1.0 / 3600.0),
    ("m", 1.0 / 60.0),
    ("h", 1.0),
    ("d", 24.0),
    ("w", 168.0),
    ("mo", HOURS_PER_YEAR / 12.0),
    ("q", HOURS_PER_YEAR / 4.0),
    ("y", HOURS_PER_YEAR),
];

/// Why a duration string is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing but white space.
    #[error("empty duration: write a number and a unit, such as \"4h\"")]
    Empty,
    /// A number without a unit.
    #[error("\"{0}\" has no unit: add one of s, m, h, d, w, mo, q, y (for example \"{0}h\")")]
    NoUnit(String),
    /// A unit other than s, m, h, d, w, mo, q, y.
    #[error("\"{text}\" has an unknown unit \"{unit}\": use s, m, h, d, w, mo, q or y (mo = 730 h, q = 2190 h, y = 8760 h)")]
    UnknownUnit {
        /// The whole duration as written.
        text: String,
        /// The unit not understood.
        unit: String,
    },
    /// The part before the unit is not a number.
    #[error("\"{0}\" is not a number followed by a unit, such as \"15m\" or \"1.5d\"")]
    BadNumber(String),
    /// A number too large to compute with (`"1e400h"`, which overflows).
    #[error("\"{0}\" is too large to be a duration: check the number and its unit")]
    TooLarge(String),
    /// A negative duration.
    #[error(
        "\"{0}\" is negative: write a duration of 0 or more, such as \"{positive}\"",
        positive = .0.trim().trim_start_matches('-').trim_start()
    )]
    Negative(String),
}

/// Parse `"15m"`, `"4h"`, `"1.5d"`, `"2w"`, `"1mo"` (730 h), `"1q"` (2190 h),
/// `"1y"` (y = 8760 h) into hours.
///
/// # Errors
/// A [`DurationError`] that says what is wrong and how to write it.
pub fn parse_hours(text: &str) -> Result<f64, DurationError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DurationError::Empty);
    }
    // The unit is the trailing run of letters, so that "x2h" is a bad
    // number with a known unit rather than an unknown unit "x2h".
    let number = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let (number, unit) = (number.trim(), t[number.len()..].trim());
    if unit.is_empty() {
        return Err(DurationError::NoUnit(t.to_string()));
    }
    let factor = UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|&(_, f)| f)
        .ok_or_else(|| DurationError::UnknownUnit {
            text: t.to_string(),
            unit: unit.to_string(),
        })?;
    if number.starts_with('-') {
        return Err(DurationError::Negative(t.to_string()));
    }
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| !v.is_nan())
        .ok_or_else(|| DurationError::BadNumber(t.to_string()))?;
    // "inf" never gets here (its letters read as the unit), so a value
    // past f64 is a number that overflows: "1e400h", or "1e306y" in hours.
    let hours = value * factor;
    if hours.is_finite() {
        Ok(hours)
    } else {
        Err(DurationError::TooLarge(t.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_hours("30m"), Ok(0.5));
        assert_eq!(parse_hours("4h"), Ok(4.0));
        assert_eq!(parse_hours("2d"), Ok(48.0));
        assert_eq!(parse_hours("1w"), Ok(168.0));
        assert_eq!(parse_hours("1y"), Ok(8760.0));
        assert_eq!(parse_hours("1.5d"), Ok(36.0));
        assert_eq!(parse_hours("3600s"), Ok(1.0));
        assert_eq!(parse_hours(" 0h "), Ok(0.0));
    }

    #[test]
    fn rejects_bad_durations_with_a_fix() {
        assert_eq!(parse_hours(""), Err(DurationError::Empty));
        assert!(matches!(parse_hours("4"), Err(DurationError::NoUnit(_))));
        assert!(matches!(
            parse_hours("4hours"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_hours("-2h"),
            Err(DurationError::Negative(_))
        ));
        assert!(matches!(
            parse_hours("x2h"),
            Err(DurationError::BadNumber(_))
        ));
        assert!(matches!(
            parse_hours("1e999h"),
            Err(DurationError::TooLarge(_))
        ));
        assert!(matches!(
            parse_hours("1e306y"),
            Err(DurationError::TooLarge(_))
        ));
        assert!(matches!(
            parse_hours("infinityh"),
            Err(DurationError::UnknownUnit { .. })
        ));
        let msg = parse_hours("4 hrs").unwrap_err().to_string();
        assert!(msg.contains("use s, m, h, d, w, mo, q or y"), "{msg}");
    }
}

//! Durations as written in scenarios: a number and a unit.

/// Hours in one unit of each accepted suffix.
const UNITS: [(&str, f64); 8] = [
    ("s", 1.0 / 3600.0),
    ("m", 1.0 / 60.0),
    ("h", 1.0),
    ("d", 24.0),
    ("w", 168.0),
    ("mo", 730.0),
    ("q", 2190.0),
    ("y", 8760.0),
];

/// Why a duration string is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration: write a number and a unit, such as \"4h\"")]
    Empty,
    #[error("\"{0}\" has no unit: add one of s, m, h, d, w, mo, q, y (for example \"{0}h\")")]
    NoUnit(String),
    #[error("\"{text}\" has an unknown unit \"{unit}\": use s, m, h, d, w, mo, q or y (mo = 730 h, q = 2190 h, y = 8760 h)")]
    UnknownUnit { text: String, unit: String },
    #[error("\"{0}\" is not a number followed by a unit, such as \"15m\" or \"1.5d\"")]
    BadNumber(String),
    #[error("\"{0}\" is negative: durations must be >= 0")]
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
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| DurationError::BadNumber(t.to_string()))?;
    Ok(value * factor)
}

/// A compact human form of a number of hours: "45m", "4h", "2.5d".
pub fn format_hours(h: f64) -> String {
    fn trim(x: f64) -> String {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
    if h < 1.0 {
        format!("{}m", trim(h * 60.0))
    } else if h < 48.0 {
        format!("{}h", trim(h))
    } else {
        format!("{}d", trim(h / 24.0))
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
            Err(DurationError::BadNumber(_))
        ));
        let msg = parse_hours("4 hrs").unwrap_err().to_string();
        assert!(msg.contains("use s, m, h, d, w, mo, q or y"), "{msg}");
    }

    #[test]
    fn formats_compactly() {
        assert_eq!(format_hours(0.25), "15m");
        assert_eq!(format_hours(4.0), "4h");
        assert_eq!(format_hours(60.0), "2.5d");
    }
}

//! How numbers are written for people: in reports, charts, the screen
//! summary and messages. Every number in `report.md` and `report.html`
//! goes through one of these, from a value of `summary.json` or
//! `drill.json`, so a reader (or a test) can parse it back and find the
//! same value to the stated precision:
//!
//! | function | example | precision |
//! |---|---|---|
//! | [`money`] | `EUR 1,234,567` | whole currency units |
//! | [`grouped`] | `1,234,567` | whole units |
//! | [`format_hours`] | `45m`, `4.25h`, `2.5d` (and `0m`) | two decimals of the unit shown |
//! | [`pct`] | `12.3%` | 0.1 percentage point |
//! | [`availability`] | `99.9861%` | 0.0001 percentage point |
//! | [`hours`] | `45m`, `4.25h`, `2.5d` | two decimals of the unit shown |
//! | [`rate`] | `0.125` | three decimals |

/// A whole number with thousands separators: "1,234,567", "-1,000".
pub fn grouped(x: f64) -> String {
    let negative = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}", if negative { "-" } else { "" })
}

/// Money in whole units with thousands separators, after the currency
/// when there is one: "EUR 1,234,567".
pub fn money(currency: &str, x: f64) -> String {
    let s = format!("{currency} {}", grouped(x));
    s.trim_start().to_string()
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

/// A probability as a percentage with one decimal.
pub fn pct(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// An availability as a percentage with four decimals ("99.9861%").
pub fn availability(a: f64) -> String {
    format!("{:.4}%", a * 100.0)
}

/// A duration in minutes below an hour, hours below two days, else days
/// ([`format_hours`], but "0h" for nothing).
pub fn hours(h: f64) -> String {
    if h <= 0.0 {
        "0h".to_string()
    } else {
        format_hours(h)
    }
}

/// A count per year (or per drill) with three decimals.
pub fn rate(x: f64) -> String {
    format!("{x:.3}")
}

/// An optional value, or an en dash.
pub fn or_dash<T>(x: Option<T>, f: impl Fn(T) -> String) -> String {
    x.map_or_else(|| "–".to_string(), f)
}

/// Quote a path or argument for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+,@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money("EUR", 1234.4), "EUR 1,234");
        assert_eq!(money("", 1234.6), "1,235");
        assert_eq!(money("EUR", 1234567.4), "EUR 1,234,567");
        assert_eq!(money("USD", 999.0), "USD 999");
        assert_eq!(money("USD", -1000.0), "USD -1,000");
        assert_eq!(grouped(-12345.0), "-12,345");
        assert_eq!(format_hours(0.25), "15m");
        assert_eq!(format_hours(4.0), "4h");
        assert_eq!(format_hours(60.0), "2.5d");
        assert_eq!(pct(0.1234), "12.3%");
        assert_eq!(hours(0.0), "0h");
        assert_eq!(hours(4.25), "4.25h");
        assert_eq!(rate(0.1234), "0.123");
        assert_eq!(shell_quote("scenarios/bank.ron"), "scenarios/bank.ron");
        assert_eq!(shell_quote("my file.ron"), "'my file.ron'");
        assert_eq!(shell_quote("it's.ron"), r"'it'\''s.ron'");
    }
}

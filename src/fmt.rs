//! How numbers are written for people: in reports, charts, the screen
//! summary and messages. Every number in `report.md` and `report.html`
//! goes through one of these, from a value of `summary.json` or
//! `drill.json`, so a reader (or a test) can parse it back and find the
//! same value to the stated precision:
//!
//! | function | example | precision |
//! |---|---|---|
//! | [`money`] | `EUR 1,234,567` | whole currency units (in a [`scaled`] unit, three significant digits below 100: `EUR million 0.612`) |
//! | [`money_change`] | `EUR +1,234`, `EUR 0` | as [`money`] |
//! | [`count`] | `46,535` | whole numbers |
//! | [`format_hours`] | `45m`, `4.25h`, `2.5d` (and `0m`) | two decimals of the unit shown |
//! | [`pct`] | `12.3%` | 0.1 percentage point |
//! | [`availability`] | `99.9861%` | 0.0001 percentage point |
//! | [`hours`] | `45m`, `4.25h`, `2.5d` | two decimals of the unit shown |
//! | [`rate`] | `0.125` | three decimals |
//!
//! Money is written one way in every output, the terminal included: the
//! currency code, a space, the amount in whole units with a comma every
//! three digits (`EUR 1,234,567`, `EUR -12,345`). [`money`] is its only
//! home; charts shorten the amount on their axes (`EUR 1.2M`) but keep the
//! currency first.

/// The digits of a whole number with a comma every three: "1,234,567".
pub fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// A count or a large factor rounded to a whole number with thousands
/// separators: "46,535". A value that rounds to zero is "0", never "-0".
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let r = x.round();
    let sign = if r < 0.0 { "-" } else { "" };
    format!("{sign}{}", thousands(r.abs() as u128))
}

/// Money in whole units with thousands separators, after the currency
/// when there is one: "EUR 1,234,567", "EUR -12,345", never "EUR -0".
/// In a scaled unit ("EUR million", [`scaled`]) an amount below 100 that
/// is not whole keeps three significant digits: "EUR million 0.612".
pub fn money(currency: &str, x: f64) -> String {
    with_currency(currency, amount(currency, x))
}

/// Whether `currency` is a scaled unit, a code and a word such as
/// `"EUR million"` or `"USD k"` (the way `validate` suggests writing
/// amounts too large for one figure): its amounts are small numbers
/// whose fractions matter, where a plain code's are whole units.
pub fn scaled(currency: &str) -> bool {
    currency.trim().contains(char::is_whitespace)
}

/// The decimals [`money`] writes of `x`: none in a plain code, and in a
/// scaled unit as many as its three significant digits take (trailing
/// zeros kept), so that a spreadsheet can show the same.
pub fn money_decimals(currency: &str, x: f64) -> usize {
    amount(currency, x)
        .split_once('.')
        .map_or(0, |(_, d)| d.len())
}

/// The amount of [`money`], without the currency.
fn amount(currency: &str, x: f64) -> String {
    if !scaled(currency) || !x.is_finite() || x.abs() >= 99.95 || x == x.round() {
        return count(x);
    }
    // Three significant digits, at most nine decimals.
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    // Trailing zeros kept, so that a column reads at one precision.
    let written = format!("{:.decimals$}", x.abs());
    if written.trim_end_matches(['0', '.']).is_empty() {
        "0".to_string()
    } else if x < 0.0 {
        format!("-{written}")
    } else {
        written.to_string()
    }
}

/// Money to its last written decimal: whole amounts as [`money`] writes
/// them ("EUR 1,250"), others with their decimals ("EUR 1,250.5"), so
/// that two close amounts a person wrote still read apart.
pub fn money_exact(currency: &str, x: f64) -> String {
    if !x.is_finite() || x.fract() == 0.0 || x.abs() >= 1e15 {
        return money(currency, x);
    }
    // Shortest decimals that read back as x (Display never uses an
    // exponent for f64).
    let written = format!("{}", x.abs());
    let decimals = written.split_once('.').map_or("", |(_, d)| d);
    let sign = if x < 0.0 { "-" } else { "" };
    with_currency(
        currency,
        format!("{sign}{}.{decimals}", thousands(x.abs().trunc() as u128)),
    )
}

/// A change of money with an explicit sign: "EUR +1,234", "EUR -1,234",
/// and "EUR 0" (no sign) for a change that rounds to nothing.
pub fn money_change(currency: &str, x: f64) -> String {
    with_currency(currency, signed(x, |m| amount(currency, m)))
}

/// A change with an explicit sign, written by `f` from its magnitude:
/// "+1.25", "-0.50", and no sign at all when `f` writes the magnitude as
/// zero ("0.00", not "-0.00" or "+0.00").
pub fn signed(x: f64, f: impl Fn(f64) -> String) -> String {
    let magnitude = f(x.abs());
    let zero = !magnitude.chars().any(|c| c.is_ascii_digit() && c != '0');
    if zero || x.is_nan() {
        magnitude
    } else if x > 0.0 {
        format!("+{magnitude}")
    } else {
        format!("-{magnitude}")
    }
}

fn with_currency(currency: &str, amount: String) -> String {
    if currency.is_empty() {
        amount
    } else {
        format!("{currency} {amount}")
    }
}

/// "1 group", "2 groups", "0 groups": a count and its noun, plural unless
/// the count is one. `noun` is the singular; the plural adds an "s".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A number from a scenario or the command line, echoed in a message as a
/// person would write it: the shortest digits that read back as the same
/// number, with an exponent when the plain decimal would be long ("1e308",
/// "1e-320", "1.8446744073709552e19"; "0.25", "20000" as they are).
pub fn as_written(x: f64) -> String {
    let a = x.abs();
    if x.is_finite() && a != 0.0 && !(1e-6..1e16).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
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

/// A probability as a percentage with one decimal; one that would round
/// to 0.0% without being 0 keeps two significant digits ("0.013%"), so a
/// rare event does not read as impossible, and one that would round to
/// 100.0% without being 1 keeps two of its gap ("99.960%"), so a likely
/// one does not read as certain.
pub fn pct(p: f64) -> String {
    let x = p * 100.0;
    if x != 0.0 && x.abs() < 0.05 && x.is_finite() {
        let decimals = (-x.abs().log10()).ceil() as usize + 1;
        format!("{x:.decimals$}%")
    } else if x < 100.0 && x > 99.95 {
        // Short of certain: never read as 100.0%; the gap to 100% keeps
        // two significant digits, as a share near 0 does.
        let decimals = (-(100.0 - x).log10()).ceil() as usize + 1;
        format!("{x:.decimals$}%")
    } else {
        format!("{x:.1}%")
    }
}

/// A risk appetite's accepted chance and the chances judged against it,
/// accepted first, as [`pct`] writes them, with more decimals (as many for
/// all, at most six) when it takes them for the accepted chance to read as
/// the scenario gives it (0.0155: "1.55%", not "1.6%") and for each chance
/// that differs from it to read differently ("1.57%" against "1.55%", not
/// "1.6%" against "1.6%": a verdict of outside appetite between two equal
/// figures).
pub fn pct_against(accepted: f64, judged: &[f64]) -> Vec<String> {
    let all = || std::iter::once(accepted).chain(judged.iter().copied());
    let fits = |texts: &[String]| {
        let as_given = texts[0]
            .trim_end_matches('%')
            .parse::<f64>()
            .is_ok_and(|x| (x - accepted * 100.0).abs() <= 1e-9 * (accepted * 100.0).abs());
        as_given
            && judged
                .iter()
                .zip(&texts[1..])
                .all(|(&p, t)| p == accepted || *t != texts[0])
    };
    let plain: Vec<String> = all().map(pct).collect();
    if fits(&plain) {
        return plain;
    }
    let decimals = |s: &String| {
        s.trim_end_matches('%')
            .split('.')
            .nth(1)
            .map_or(0, str::len)
    };
    let from = plain.iter().map(decimals).max().unwrap_or(1);
    let fixed =
        |d: usize| -> Vec<String> { all().map(|p| format!("{:.d$}%", p * 100.0)).collect() };
    (from..6)
        .map(fixed)
        .find(|texts| fits(texts))
        .unwrap_or_else(|| fixed(6.max(from)))
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

    /// A plain code keeps whole units; a scaled unit ("EUR million") keeps
    /// three significant digits below 100, where whole units would read a
    /// mean of 0.6 as "1" and its interval as "0 to 1".
    #[test]
    fn scaled_units_keep_their_fractions() {
        assert_eq!(money("EUR", 0.6123), "EUR 1");
        assert_eq!(money("EUR", 45.67), "EUR 46");
        assert_eq!(money("EUR million", 0.6123), "EUR million 0.612");
        assert_eq!(money("EUR million", 1.4), "EUR million 1.40");
        assert_eq!(money("EUR million", 1.0015), "EUR million 1.00");
        assert_eq!(money("EUR million", 0.15), "EUR million 0.150");
        assert_eq!(money("EUR million", 45.67), "EUR million 45.7");
        assert_eq!(money("EUR million", 99.96), "EUR million 100");
        assert_eq!(money("EUR million", 1234.5), "EUR million 1,235");
        assert_eq!(money("EUR million", 3.0), "EUR million 3");
        assert_eq!(money("EUR million", 0.0), "EUR million 0");
        assert_eq!(money("EUR million", -0.25), "EUR million -0.250");
        assert_eq!(money("EUR million", 1e-12), "EUR million 0");
        assert_eq!(money("USD k", 0.000_123_4), "USD k 0.000123");
        assert_eq!(money_change("EUR million", 0.25), "EUR million +0.250");
        assert_eq!(money_change("EUR million", -1.5), "EUR million -1.50");
        assert_eq!(money_change("EUR million", 1e-12), "EUR million 0");
        assert!(!scaled("EUR") && !scaled("") && scaled("EUR million"));
    }

    /// An appetite's chances read as given and apart when they differ;
    /// otherwise as [`pct`] writes them.
    #[test]
    fn appetite_chances_read_as_given_and_apart() {
        assert_eq!(pct_against(0.1, &[0.081]), ["10.0%", "8.1%"]);
        assert_eq!(pct_against(0.0155, &[0.0157]), ["1.55%", "1.57%"]);
        assert_eq!(pct_against(0.0155, &[0.0178]), ["1.55%", "1.78%"]);
        assert_eq!(pct_against(0.1, &[0.0996]), ["10.00%", "9.96%"]);
        assert_eq!(pct_against(0.1, &[0.1]), ["10.0%", "10.0%"]);
        // Tiny shares keep pct's significant digits.
        assert_eq!(pct_against(0.0001, &[0.000_13]), ["0.010%", "0.013%"]);
        // Both plans of a comparison against one point.
        assert_eq!(
            pct_against(0.05, &[0.0504, 0.03]),
            ["5.00%", "5.04%", "3.00%"]
        );
        // A difference beyond six decimals of a percent is not written.
        assert_eq!(pct_against(0.5, &[0.5 + 1e-12]).len(), 2);
    }

    /// A number echoed in a message is short, as it was written.
    #[test]
    fn numbers_are_echoed_as_written() {
        assert_eq!(as_written(1e308), "1e308");
        assert_eq!(as_written(1e-320), "1e-320");
        assert_eq!(as_written(18446744073709551616.0), "1.8446744073709552e19");
        assert_eq!(as_written(0.25), "0.25");
        assert_eq!(as_written(20000.0), "20000");
        assert_eq!(as_written(-1.5), "-1.5");
        assert_eq!(as_written(0.0), "0");
        assert_eq!(as_written(f64::NAN), "NaN");
        assert_eq!(as_written(f64::NEG_INFINITY), "-inf");
    }

    /// Money to its last written decimal; whole amounts as `money`.
    #[test]
    fn exact_money_keeps_its_decimals() {
        assert_eq!(money_exact("EUR", 1250.5), "EUR 1,250.5");
        assert_eq!(money_exact("EUR", 1000.0), "EUR 1,000");
        assert_eq!(money_exact("EUR", 1234567.25), "EUR 1,234,567.25");
        assert_eq!(money_exact("EUR", 0.001), "EUR 0.001");
        assert_eq!(money_exact("EUR", -12.5), "EUR -12.5");
        assert_eq!(money_exact("", 2.5), "2.5");
    }

    #[test]
    fn formats() {
        assert_eq!(money("EUR", 1234.4), "EUR 1,234");
        assert_eq!(money("", 1234.6), "1,235");
        assert_eq!(money("EUR", 1234567.4), "EUR 1,234,567");
        assert_eq!(money("USD", 999.0), "USD 999");
        assert_eq!(money("USD", -1000.0), "USD -1,000");
        assert_eq!(format_hours(0.25), "15m");
        assert_eq!(format_hours(4.0), "4h");
        assert_eq!(format_hours(60.0), "2.5d");
        assert_eq!(money("USD", -0.4), "USD 0", "never -0");
        assert_eq!(money("EUR", 0.0), "EUR 0");
        assert_eq!(money_change("EUR", 1234.4), "EUR +1,234");
        assert_eq!(money_change("EUR", -1234.4), "EUR -1,234");
        assert_eq!(money_change("EUR", 0.3), "EUR 0", "never +0");
        assert_eq!(money_change("EUR", -0.3), "EUR 0", "never -0");
        assert_eq!(signed(-0.001, |v| format!("{v:.2}")), "0.00", "never -0.00");
        assert_eq!(signed(0.001, |v| format!("{v:.2}")), "0.00", "never +0.00");
        assert_eq!(signed(1.5, |v| format!("{v:.2}")), "+1.50");
        assert_eq!(signed(-1.5, |v| format!("{v:.2}")), "-1.50");
        assert_eq!(count(46535.4782), "46,535");
        assert_eq!(count(-0.2), "0");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(0), "0");
        assert_eq!(plural(1, "group"), "1 group");
        assert_eq!(plural(0, "group"), "0 groups");
        assert_eq!(plural(3, "warning"), "3 warnings");
        assert_eq!(pct(0.1234), "12.3%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(0.0005), "0.1%");
        assert_eq!(pct(0.00013), "0.013%");
        assert_eq!(pct(0.000004), "0.00040%");
        assert_eq!(pct(-0.00013), "-0.013%");
        assert_eq!(pct(0.9996), "99.960%");
        assert_eq!(pct(0.999_999), "99.99990%");
        assert_eq!(pct(0.9994), "99.9%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(hours(0.0), "0h");
        assert_eq!(hours(4.25), "4.25h");
        assert_eq!(rate(0.1234), "0.123");
        assert_eq!(shell_quote("scenarios/bank.ron"), "scenarios/bank.ron");
        assert_eq!(shell_quote("my file.ron"), "'my file.ron'");
        assert_eq!(shell_quote("it's.ron"), r"'it'\''s.ron'");
    }
}

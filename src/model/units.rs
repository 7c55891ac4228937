//! Value types whose constructors enforce their invariants.

use std::fmt;

/// Hours in a year of 365 days: the `y` unit of durations, the default
/// horizon, and the year that every `rate_per_year` refers to.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// A horizon as its span is said: whole years as `2y`, a quarter as
/// `1q`, whole months as `6mo`, else as a duration (`90d`, `36h`).
pub(crate) fn horizon_span(hours: f64) -> String {
    let years = hours / HOURS_PER_YEAR;
    // Whole months (a twelfth of a year, `mo`), such as "6mo", and a
    // quarter ("1q"), as a scenario writes them, not "182.5d".
    let months = hours * 12.0 / HOURS_PER_YEAR;
    if years >= 1.0 && years.fract() == 0.0 {
        format!("{years}y")
    } else if months == 3.0 {
        "1q".to_string()
    } else if months >= 1.0 && months.fract() == 0.0 {
        format!("{months}mo")
    } else {
        crate::fmt::hours(hours)
    }
}

/// A non-negative, finite duration in hours.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Hours(f64);

impl Hours {
    /// No time at all.
    pub const ZERO: Hours = Hours(0.0);

    /// `None` when `h` is negative, NaN or infinite.
    pub fn new(h: f64) -> Option<Hours> {
        (h.is_finite() && h >= 0.0).then_some(Hours(h))
    }

    /// The hours.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::fmt::format_hours(self.0))
    }
}

/// A probability in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Probability(f64);

impl Probability {
    /// Never.
    pub const ZERO: Probability = Probability(0.0);
    /// Always.
    pub const ONE: Probability = Probability(1.0);

    /// `None` outside [0, 1] or NaN.
    pub fn new(p: f64) -> Option<Probability> {
        (0.0..=1.0).contains(&p).then_some(Probability(p))
    }

    /// The probability.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// The largest amount of money a scenario may write in one figure: 10¹⁵
/// (a quadrillion, in any currency). Annual losses are summed exactly up
/// to about 8·10²³ a year (`stats::exact`); figures past this bound
/// multiplied by rates, hours and services can pass that, and a run's
/// standard error would silently collapse.
pub const MAX_MONEY: f64 = 1e15;

/// A non-negative, finite amount of money in the scenario's currency.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Money(f64);

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0.0);

    /// `None` when negative, NaN or infinite.
    pub fn new(m: f64) -> Option<Money> {
        (m.is_finite() && m >= 0.0).then_some(Money(m))
    }

    /// The amount.
    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_reject_out_of_range_values() {
        assert!(Hours::new(-1.0).is_none());
        assert!(Hours::new(f64::NAN).is_none());
        assert!(Hours::new(f64::INFINITY).is_none());
        assert_eq!(Hours::new(2.5).map(Hours::get), Some(2.5));
        assert!(Probability::new(1.01).is_none());
        assert!(Probability::new(-0.01).is_none());
        assert!(Probability::new(f64::NAN).is_none());
        assert_eq!(Probability::new(1.0), Some(Probability::ONE));
        assert!(Money::new(-5.0).is_none());
        assert_eq!(Money::new(0.0), Some(Money::ZERO));
    }
}

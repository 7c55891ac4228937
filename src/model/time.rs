//! Impact that depends on time (DESIGN-2 B3): a service's revenue profile
//! over the week and the year, its business-impact steps, and the
//! calendar they are read on.
//!
//! The calendar: a trial starts on Monday 1 January at 00:00; a year has
//! 365 days (months of 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
//! days), and a horizon longer than a year starts the next year's January
//! where the last one ended, while the days of the week run on (the
//! second year starts on a Tuesday).

use std::fmt;

use super::units::{Hours, Money};

/// Hours in a week.
pub(crate) const HOURS_PER_WEEK: f64 = 168.0;

/// Days in each month of the 365-day year.
pub(crate) const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// The short names of the days of the week, Monday first.
pub(crate) const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A service's revenue profile: the lost revenue per hour at time t is
/// `revenue_per_hour × day(t) × month(t)`, where `day(t)` is the factor of
/// t's hour in `hours` (Monday to Friday) or `weekend` (Saturday and
/// Sunday) and `month(t)` the factor of its calendar month. A part the
/// scenario leaves out is all 1s: without `weekend`, Saturday and Sunday
/// count at 1 (not at `hours`).
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueProfile {
    /// Factors of the hours of a weekday, 00:00–01:00 first.
    pub hours: [f64; 24],
    /// Factors of the hours of Saturday and Sunday.
    pub weekend: [f64; 24],
    /// Factors of the months, January first.
    pub months: [f64; 12],
}

impl RevenueProfile {
    /// The factor of the day's part for hour `hour` (0..168) of the week,
    /// Monday 00:00–01:00 first.
    pub fn week_factor(&self, hour: usize) -> f64 {
        let (day, h) = (hour / 24, hour % 24);
        if day >= 5 {
            self.weekend[h]
        } else {
            self.hours[h]
        }
    }
}

/// A business-impact step: each outage that lasts at least `after` costs
/// `cost` once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpactStep {
    /// How long an outage must last (at least) to cost `cost`.
    pub after: Hours,
    /// What it costs, once per outage.
    pub cost: Money,
}

/// A time of the week, in hours after Monday 00:00 (0 to 168): where a
/// drill starts on the revenue profiles' clock. Written and shown as a
/// day name and a 24-hour time, `Fri 17:00`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekTime(f64);

impl WeekTime {
    /// Hours after Monday 00:00.
    pub fn hours(self) -> f64 {
        self.0
    }

    /// Parse `"Fri 17:00"`: a day name (Mon, Tue, Wed, Thu, Fri, Sat,
    /// Sun; full names and any case accepted) and HH:MM from 00:00 to
    /// 23:59.
    ///
    /// # Errors
    /// A message that says what was wrong and what to write.
    pub fn parse(text: &str) -> Result<WeekTime, String> {
        let example = "write a day and a 24-hour time, such as \"Fri 17:00\" (days Mon, Tue, \
                       Wed, Thu, Fri, Sat, Sun)";
        let mut parts = text.split_whitespace();
        let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("\"{text}\" is not a time of the week: {example}"));
        };
        let lower = day.to_ascii_lowercase();
        let full = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let Some(d) = full
            .iter()
            .position(|f| lower.len() >= 3 && f.starts_with(&lower))
        else {
            return Err(format!("\"{day}\" is not a day of the week: {example}"));
        };
        let hm = time.split_once(':').and_then(|(h, m)| {
            let all_digits =
                |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
            (all_digits(h) && m.len() == 2 && all_digits(m))
                .then(|| (h.parse::<u32>().ok(), m.parse::<u32>().ok()))
        });
        match hm {
            Some((Some(h), Some(m))) if h < 24 && m < 60 => Ok(WeekTime(
                d as f64 * 24.0 + f64::from(h) + f64::from(m) / 60.0,
            )),
            _ => Err(format!(
                "\"{time}\" is not a time of day: write HH:MM from 00:00 to 23:59, such as \
                 \"{} 17:00\"",
                DAY_NAMES[d]
            )),
        }
    }
}

impl fmt::Display for WeekTime {
    /// `Fri 17:00` (to the minute).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = (self.0 * 60.0).round() as u64 % (7 * 24 * 60);
        let (day, rest) = (minutes / (24 * 60), minutes % (24 * 60));
        write!(
            f,
            "{} {:02}:{:02}",
            DAY_NAMES[day as usize],
            rest / 60,
            rest % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_times_read_and_print() {
        let at = |s: &str| WeekTime::parse(s).map(WeekTime::hours);
        assert_eq!(at("Mon 00:00"), Ok(0.0));
        assert_eq!(at("Fri 17:00"), Ok(4.0 * 24.0 + 17.0));
        assert_eq!(at("sunday 23:30"), Ok(6.0 * 24.0 + 23.5));
        assert_eq!(at("  tue   9:05 "), Ok(24.0 + 9.0 + 5.0 / 60.0));
        assert_eq!(
            WeekTime::parse("Fri 17:00").unwrap().to_string(),
            "Fri 17:00"
        );
        assert_eq!(
            WeekTime::parse("sun 23:59").unwrap().to_string(),
            "Sun 23:59"
        );
        for bad in [
            "",
            "Fri",
            "Fri 24:00",
            "Fri 17:60",
            "Fr 17:00",
            "Fri 5pm",
            "Fri 17:00 x",
            "Xyz 1:00",
            "Fri 17:5",
            "Fri -1:00",
        ] {
            let e = WeekTime::parse(bad).unwrap_err();
            assert!(e.contains("such as"), "{bad}: {e}");
        }
    }

    #[test]
    fn weekends_read_the_weekend_part() {
        let mut p = RevenueProfile {
            hours: [2.0; 24],
            weekend: [0.5; 24],
            months: [1.0; 12],
        };
        p.hours[9] = 3.0;
        assert_eq!(p.week_factor(9), 3.0);
        assert_eq!(p.week_factor(4 * 24 + 23), 2.0);
        assert_eq!(p.week_factor(5 * 24), 0.5);
        assert_eq!(p.week_factor(6 * 24 + 9), 0.5);
    }
}

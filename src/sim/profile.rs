//! Impact that depends on time, compiled (DESIGN-2 B3): a revenue
//! profile as cumulative tables, so that the revenue lost over any
//! stretch is its exact integral in a constant number of steps, and a
//! service's business-impact steps as cumulative costs.
//!
//! A profile's factor is piecewise constant per hour: the day's part
//! (`hours` on a weekday, `weekend` on Saturday and Sunday) times the
//! month's. The week repeats every 168 hours and the 365-day year every
//! 8760; both repeat together every 7 years (2555 days, exactly 365
//! weeks), the *cycle*. The integral from the start of the profile's clock
//! (Monday 1 January 00:00) to τ is
//!
//! F(τ) = q·C + C_k + month_k · (W(r) − W(s_k))
//!
//! with q whole cycles of integral C, r = τ − q·cycle, k the month of the
//! cycle that r falls in (84 of them), s_k its start, C_k the integral up
//! to it, and W the integral of the day's part alone (whole weeks plus a
//! prefix sum over the 168 hours of the week plus the part of the current
//! hour). The integral of a stretch [a, b) is F(b) − F(a).

use crate::model::time::MONTH_DAYS;
use crate::model::{ImpactStep, RevenueProfile};

use super::clock::reached;

/// Days in the cycle over which weeks and years repeat together.
const CYCLE_DAYS: usize = 7 * 365;
/// Hours in the cycle.
const CYCLE_HOURS: f64 = (CYCLE_DAYS * 24) as f64;
/// Months in the cycle.
const CYCLE_MONTHS: usize = 7 * 12;

/// The month (0..12) of each day of the 365-day year.
const MONTH_OF_DAY: [u8; 365] = {
    let mut out = [0u8; 365];
    let (mut m, mut day, mut left) = (0, 0, MONTH_DAYS[0]);
    while day < 365 {
        if left == 0 {
            m += 1;
            left = MONTH_DAYS[m];
        }
        out[day] = m as u8;
        left -= 1;
        day += 1;
    }
    out
};

/// The month of the cycle (0..84) of each day of the cycle.
const CYCLE_MONTH: [u8; CYCLE_DAYS] = {
    let mut out = [0u8; CYCLE_DAYS];
    let mut day = 0;
    while day < CYCLE_DAYS {
        out[day] = (day / 365 * 12) as u8 + MONTH_OF_DAY[day % 365];
        day += 1;
    }
    out
};

/// The first day (of the year) of each month.
const MONTH_START: [usize; 12] = {
    let mut out = [0usize; 12];
    let mut m = 1;
    while m < 12 {
        out[m] = out[m - 1] + MONTH_DAYS[m - 1] as usize;
        m += 1;
    }
    out
};

/// A revenue profile as cumulative tables.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The day's part per hour of the week, Monday 00:00–01:00 first.
    week: [f64; 168],
    /// Prefix sums of `week` (169 entries: the last is the week's total).
    week_sum: [f64; 169],
    /// The month factors (all 1 when months are not used).
    months: [f64; 12],
    /// Per month of the cycle: W at its start.
    month_w: [f64; CYCLE_MONTHS],
    /// Per month of the cycle, and the cycle's end: the integral from the
    /// cycle's start.
    month_sum: [f64; CYCLE_MONTHS + 1],
}

impl Profile {
    /// The tables of `profile`; with `months` false, every month counts
    /// at 1 (drills, which start at a time of the week, not of the year).
    pub fn new(profile: &RevenueProfile, months: bool) -> Profile {
        let week: [f64; 168] = std::array::from_fn(|i| profile.week_factor(i));
        let mut week_sum = [0.0; 169];
        for (i, f) in week.iter().enumerate() {
            week_sum[i + 1] = week_sum[i] + f;
        }
        let mut p = Profile {
            week,
            week_sum,
            months: if months { profile.months } else { [1.0; 12] },
            month_w: [0.0; CYCLE_MONTHS],
            month_sum: [0.0; CYCLE_MONTHS + 1],
        };
        let start = |k: usize| ((k / 12 * 365 + MONTH_START[k % 12]) * 24) as f64;
        let mut sum = 0.0;
        for k in 0..CYCLE_MONTHS {
            let (a, b) = (start(k), start(k + 1).min(CYCLE_HOURS));
            let (wa, wb) = (p.week_integral(a), p.week_integral(b));
            p.month_w[k] = wa;
            p.month_sum[k] = sum;
            sum += p.months[k % 12] * (wb - wa);
        }
        p.month_sum[CYCLE_MONTHS] = sum;
        p
    }

    /// W(x): the integral of the day's part from Monday 00:00 to `x`
    /// hours after it (0 ≤ x < 2⁵²).
    #[inline]
    fn week_integral(&self, x: f64) -> f64 {
        // Truncation is the floor of a non-negative number, and a
        // conversion, where `f64::floor` may be a library call.
        let hour = x as u64;
        let (weeks, i) = (hour / 168, (hour % 168) as usize);
        weeks as f64 * self.week_sum[168] + self.week_sum[i] + self.week[i] * (x - hour as f64)
    }

    /// F(τ): the integral of the factor from the clock's start to `t`
    /// hours after it (t ≥ 0).
    ///
    /// In the first cycle (every time of a run whose horizon is under 7
    /// years), the same arithmetic as [`Profile::cumulative_reference`]
    /// in fewer steps, bit for bit: the quotient `t / cycle` truncates to
    /// 0 there (`the_first_cycle_has_no_whole_cycle`), so `r` is `t`; the
    /// hour fits a `u32`, whose conversions take fewer steps than a
    /// `u64`'s; and the month of the cycle is one look-up
    /// ([`CYCLE_MONTH`]). Pinned by `the_fast_path_is_the_reference`.
    #[inline]
    fn cumulative(&self, t: f64) -> f64 {
        if !(0.0..CYCLE_HOURS).contains(&t) {
            return self.cumulative_reference(t);
        }
        let hour = t as u32;
        // Below the cycle's days (t is), as the compiler cannot tell.
        let day = ((hour / 24) as usize).min(CYCLE_DAYS - 1);
        let k = usize::from(CYCLE_MONTH[day]);
        let (weeks, i) = (hour / 168, (hour % 168) as usize);
        let w = f64::from(weeks) * self.week_sum[168]
            + self.week_sum[i]
            + self.week[i] * (t - f64::from(hour));
        // No whole cycle: 0 of them, as the reference adds.
        0.0 * self.month_sum[CYCLE_MONTHS]
            + self.month_sum[k]
            + self.months[k % 12] * (w - self.month_w[k])
    }

    /// F(τ) for any t ≥ 0 (below 2⁵² cycles), as the formula of the
    /// module reads: the reference [`Profile::cumulative`] follows.
    fn cumulative_reference(&self, t: f64) -> f64 {
        let mut cycles = (t / CYCLE_HOURS) as u64;
        let mut r = t - cycles as f64 * CYCLE_HOURS;
        // The quotient may round up to the next whole cycle.
        if r < 0.0 {
            cycles -= 1;
            r += CYCLE_HOURS;
        }
        let day = ((r as u64 / 24) as usize).min(CYCLE_DAYS - 1);
        let month = usize::from(MONTH_OF_DAY[day % 365]);
        let k = day / 365 * 12 + month;
        cycles as f64 * self.month_sum[CYCLE_MONTHS]
            + self.month_sum[k]
            + self.months[month] * (self.week_integral(r) - self.month_w[k])
    }

    /// The integral of the factor over [a, b) on the profile's clock
    /// (hours after Monday 1 January 00:00; 0 ≤ a ≤ b): the revenue hours
    /// of the stretch, what `revenue_per_hour` multiplies.
    #[inline]
    pub fn integral(&self, a: f64, b: f64) -> f64 {
        self.cumulative(b) - self.cumulative(a)
    }
}

/// A service's business-impact steps: per step its `after` on the
/// clock's grid and the cost of an outage that reaches it (the sum of its
/// cost and every earlier step's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Steps(Vec<(f64, f64)>);

impl Steps {
    pub fn new(steps: &[ImpactStep]) -> Steps {
        let mut total = 0.0;
        Steps(
            steps
                .iter()
                .map(|s| {
                    total += s.cost.get();
                    // On the grid with its slack, so that an outage of
                    // exactly `after`, or of parts that add up to it,
                    // reaches it (see `clock`).
                    (reached(s.after.get()), total)
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cost of an outage of `d` hours: every step with `after` ≤ d.
    #[inline]
    pub fn cost(&self, d: f64) -> f64 {
        let mut cost = 0.0;
        for &(after, total) in &self.0 {
            if d >= after {
                cost = total;
            } else {
                break;
            }
        }
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hours, Money};
    use crate::sim::clock::on_grid;

    fn flat() -> RevenueProfile {
        RevenueProfile {
            hours: [1.0; 24],
            weekend: [1.0; 24],
            months: [1.0; 12],
        }
    }

    /// The factor at hour `t` of the clock, from the calendar's
    /// definition (the reference the tables are checked against).
    fn factor(p: &RevenueProfile, t: u64, months: bool) -> f64 {
        let day = t / 24;
        let doy = (day % 365) as usize;
        let mut m = 0;
        let mut first = 0;
        while first + MONTH_DAYS[m] as usize <= doy {
            first += MONTH_DAYS[m] as usize;
            m += 1;
        }
        let month = if months { p.months[m] } else { 1.0 };
        p.week_factor((t % 168) as usize) * month
    }

    fn some_profile() -> RevenueProfile {
        let mut p = flat();
        for h in 0..24 {
            p.hours[h] = if (8..20).contains(&h) {
                1.5 + h as f64 / 10.0
            } else {
                0.1
            };
            p.weekend[h] = 0.3 + h as f64 / 100.0;
        }
        for m in 0..12 {
            p.months[m] = 0.8 + m as f64 / 20.0;
        }
        p.months[11] = 3.0;
        p
    }

    #[test]
    fn the_integral_is_the_sum_of_the_hours_it_covers() {
        let p = some_profile();
        for months in [true, false] {
            let table = Profile::new(&p, months);
            // Whole hours, over three years and more (across the cycle's
            // first year boundaries).
            let mut sum = 0.0;
            for t in 0..(3 * 8760 + 500) {
                let f = factor(&p, t, months);
                let got = table.integral(t as f64, t as f64 + 1.0);
                assert!((got - f).abs() < 1e-9, "hour {t}: {got} vs {f}");
                sum += f;
            }
            let total = table.integral(0.0, (3 * 8760 + 500) as f64);
            assert!((total - sum).abs() < 1e-9 * sum);
            // Partial hours: a quarter of an hour at 10:15 on Friday 5
            // January, across midnight into Saturday.
            let t = (4 * 24 + 10) as f64;
            let got = table.integral(t + 0.25, t + 0.5);
            assert!((got - 0.25 * factor(&p, t as u64, months)).abs() < 1e-12);
            let fri = (4 * 24 + 23) as f64;
            let got = table.integral(fri + 0.5, fri + 1.25);
            let want =
                0.5 * factor(&p, fri as u64, months) + 0.25 * factor(&p, fri as u64 + 1, months);
            assert!((got - want).abs() < 1e-12);
        }
    }

    #[test]
    fn the_first_cycle_has_no_whole_cycle() {
        // The last time before the cycle's end: the quotient rounds below
        // 1, and division rounds monotonically, so every earlier one too.
        let last = f64::from_bits(CYCLE_HOURS.to_bits() - 1);
        assert!(last < CYCLE_HOURS);
        assert_eq!((last / CYCLE_HOURS) as u64, 0);
        assert_eq!((CYCLE_HOURS / CYCLE_HOURS) as u64, 1);
    }

    #[test]
    fn the_fast_path_is_the_reference() {
        // Random spans, bit for bit: times on the hour, the quarter hour
        // (the clock's grid) and anywhere, month and year boundaries, the
        // cycle's end, past it, and profiles with and without months.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let tables = [
            Profile::new(&some_profile(), true),
            Profile::new(&some_profile(), false),
            Profile::new(&flat(), true),
        ];
        let last = f64::from_bits(CYCLE_HOURS.to_bits() - 1);
        let mut fast = 0;
        for case in 0..300_000 {
            let table = &tables[case % 3];
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            let t = match next() % 6 {
                0 => (next() % 61_400) as f64,
                1 => (next() % 245_000) as f64 / 4.0,
                2 => u * 1.1 * CYCLE_HOURS,
                3 => {
                    let k = (next() % 85) as usize;
                    let day = (k / 12 * 365 + MONTH_START[k % 12] * usize::from(k < 84)) as f64;
                    day * 24.0 + [-0.25, 0.0, 1e-9, -1e-9][(next() % 4) as usize]
                }
                4 => [0.0, last, CYCLE_HOURS, 1e-300][(next() % 4) as usize],
                _ => u * 20.0 * CYCLE_HOURS,
            }
            .max(0.0);
            let (got, want) = (table.cumulative(t), table.cumulative_reference(t));
            assert_eq!(got.to_bits(), want.to_bits(), "case {case}: F({t})");
            let b = t + (next() % 2000) as f64 / 4.0;
            assert_eq!(
                table.integral(t, b).to_bits(),
                (table.cumulative_reference(b) - table.cumulative_reference(t)).to_bits(),
                "case {case}: [{t}, {b})"
            );
            fast += usize::from(t < CYCLE_HOURS);
        }
        assert!(fast > 150_000, "{fast} in the first cycle");
    }

    #[test]
    fn the_cycle_repeats_and_a_flat_profile_is_hours() {
        let p = some_profile();
        let table = Profile::new(&p, true);
        let (a, b) = (1234.5, 2345.25);
        let shift = CYCLE_HOURS;
        let once = table.integral(a, b);
        let later = table.integral(a + shift, b + shift);
        assert!((once - later).abs() < 1e-8 * once);
        let flat = Profile::new(&flat(), true);
        assert!((flat.integral(10.0, 8770.0) - 8760.0).abs() < 1e-9);
        assert!(
            (flat.integral(0.0, 3.0 * CYCLE_HOURS + 7.5) - (3.0 * CYCLE_HOURS + 7.5)).abs() < 1e-6
        );
    }

    #[test]
    fn december_and_weekends_fall_where_the_calendar_puts_them() {
        let mut p = flat();
        p.months[11] = 4.0;
        p.weekend = [0.0; 24];
        let table = Profile::new(&p, true);
        // 1 December is day 334 of the year, 334 mod 7 = 5 days after a
        // Monday: a Saturday, whose 24 hours count 0; Monday 3 December
        // counts 4 an hour.
        let dec1 = 334.0 * 24.0;
        assert_eq!(334 % 7, 5);
        assert!(table.integral(dec1, dec1 + 24.0).abs() < 1e-9);
        let mon = dec1 + 48.0;
        assert!((table.integral(mon, mon + 24.0) - 96.0).abs() < 1e-9);
        // 30 November (a Friday) counts 1.
        assert!((table.integral(dec1 - 24.0, dec1) - 24.0).abs() < 1e-9);
    }

    #[test]
    fn steps_cost_what_they_reach_exactly_at_the_boundary() {
        let step = |h: f64, c: f64| ImpactStep {
            after: Hours::new(h).unwrap(),
            cost: Money::new(c).unwrap(),
        };
        let s = Steps::new(&[step(4.0, 100.0), step(24.0, 1000.0), step(1.0 / 6.0, 0.0)][..2]);
        assert_eq!(s.cost(3.999), 0.0);
        assert_eq!(s.cost(4.0), 100.0);
        assert_eq!(s.cost(23.0), 100.0);
        assert_eq!(s.cost(24.0), 1100.0);
        assert_eq!(s.cost(1e9), 1100.0);
        let ten = on_grid(10.0 / 60.0);
        let s = Steps::new(&[step(10.0 / 60.0, 7.0)]);
        assert_eq!(s.cost(ten), 7.0);
        // Three 20-minute parts round down to a tick short of an hour:
        // they reach an hour's step all the same.
        let third = on_grid(1.0 / 3.0);
        assert!(3.0 * third < on_grid(1.0));
        let s = Steps::new(&[step(1.0, 5.0)]);
        assert_eq!(s.cost(3.0 * third), 5.0);
        assert_eq!(s.cost(1.0 - 1.0 / 3600.0), 0.0);
        assert!(Steps::new(&[]).is_empty());
    }
}

//! The trial clock's time base: every event time is a whole number of
//! ticks of 2⁻³⁰ hours (about 3.4 µs).
//!
//! Floating-point time judged durations wrongly at their boundaries: a
//! repair of exactly 4 h starting at t ends at t + 4, rounded, and
//! (t + 4) − t can come out above 4, so an outage of exactly the RTO missed
//! it. On the tick grid, sums and differences of times below 2²³ hours
//! (about 950 years; the horizon is far below) are exact in an f64, so a
//! drawn duration that is a whole number of ticks (any duration written in
//! the scenario's units down to the second is within one rounding of one)
//! comes back exactly from end − start, and compares exactly with an RTO
//! or MTPD put on the same grid.

use super::round::round;

/// Ticks per hour: 2³⁰.
pub(crate) const TICKS_PER_HOUR: f64 = 1_073_741_824.0;

/// `hours` rounded to the nearest tick (infinities and NaN unchanged).
#[inline]
pub(crate) fn on_grid(hours: f64) -> f64 {
    // Multiplying and dividing by a power of two is exact: only the
    // rounding moves the value (`f64::round`'s, without the call).
    round(hours * TICKS_PER_HOUR) / TICKS_PER_HOUR
}

/// How far a duration may come out past a target it was written to equal
/// and still be judged to equal it: 64 ticks (2⁻²⁴ h, about 0.2 ms).
///
/// Each duration is rounded to the grid on its own, so a sum of written
/// durations that equals a target in the scenario's units (a 10-minute
/// repair and a 10-minute restart against a 20-minute RTO) can come out a
/// tick or more off the target's own rounding: 10 minutes is 178 956 970.7
/// ticks, rounded up, and 20 minutes 357 913 941.3, rounded down, so the
/// two parts end one tick past the RTO. Each rounding moves a part by at
/// most half a tick, so the slack covers sums of up to 128 parts; a
/// duration written in the scenario's units is never within it of a
/// different target (a second is about 1.07 million ticks).
pub(crate) const SLACK: f64 = 64.0 / TICKS_PER_HOUR;

/// The longest duration judged within `target` hours (an RTO, an MTPD, an
/// RPO): the target on the grid, plus [`SLACK`] (infinities unchanged).
#[inline]
pub(crate) fn within(target: f64) -> f64 {
    on_grid(target) + SLACK
}

/// The shortest duration judged to reach `target` hours (an impact
/// step's `after`): the target on the grid, less [`SLACK`].
#[inline]
pub(crate) fn reached(target: f64) -> f64 {
    on_grid(target) - SLACK
}

/// The end of a stretch still open at the horizon `h`: the next double
/// above it, so that an outage that ended exactly at the horizon (end = h)
/// and one still open (end > h) stay apart through unions. Durations are
/// always taken to `end.min(h)`.
#[inline]
pub(crate) fn open_end(h: f64) -> f64 {
    debug_assert!(h > 0.0 && h.is_finite());
    f64::from_bits(h.to_bits() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums of written durations that equal a target are judged equal to
    /// it, however each part rounds; a second more or less is not.
    #[test]
    fn sums_of_written_durations_meet_the_target_they_equal() {
        let minute = 1.0 / 60.0;
        for (parts, target) in [
            (&[10.0, 10.0][..], 20.0),
            (&[25.0, 25.0], 50.0),
            (&[10.0, 10.0, 10.0, 10.0], 40.0),
            (&[20.0, 20.0, 20.0], 60.0),
            (&[1.0; 128], 128.0),
            (&[7.0, 11.0, 13.0, 29.0], 60.0),
        ] {
            let t = 1234.5;
            let mut end = on_grid(t);
            for &p in parts {
                end = on_grid(end + on_grid(p * minute));
            }
            let d = end - on_grid(t);
            assert!(d <= within(target * minute), "{parts:?} against {target}m");
            assert!(d >= reached(target * minute), "{parts:?} against {target}m");
            let second = 1.0 / 3600.0;
            assert!(d > within(target * minute - second));
            assert!(d < reached(target * minute + second));
        }
    }

    /// A time on the grid goes back onto it unchanged, bit for bit (the
    /// failures' scheduler relies on it: `Trial::schedule_on_grid`).
    #[test]
    fn on_grid_is_idempotent() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut values = vec![
            0.0,
            -0.0,
            8760.0,
            1e-12,
            0.5 / TICKS_PER_HOUR,
            1.5 / TICKS_PER_HOUR,
            4_503_599_627_370_496.0 / TICKS_PER_HOUR,
            1e300,
            f64::MAX,
            f64::INFINITY,
        ];
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(f64::from_bits(x >> 2));
            values.push((x >> 11) as f64 / (1u64 << 53) as f64 * 87_600.0);
        }
        for t in values {
            let g = on_grid(t);
            assert_eq!(on_grid(g).to_bits(), g.to_bits(), "{t:e}");
        }
    }

    #[test]
    fn durations_on_the_grid_come_back_exactly() {
        // Issue 12: (t + d) − t must be d for a duration on the grid, at
        // any time of the year.
        let mut t = 0.0;
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            t = on_grid((x >> 11) as f64 / (1u64 << 53) as f64 * 8760.0);
            for d in [4.0, 1.0 / 6.0, 0.25, 72.0, 1.0 / 3600.0] {
                let d = on_grid(d);
                let end = on_grid(t + d);
                assert_eq!(end - t, d, "t {t} d {d}");
            }
        }
        assert!(t > 0.0);
        assert_eq!(on_grid(f64::INFINITY), f64::INFINITY);
        assert_eq!(within(f64::INFINITY), f64::INFINITY);
        assert!(open_end(8760.0) > 8760.0);
        assert_eq!(open_end(8760.0).min(8760.0), 8760.0);
    }
}

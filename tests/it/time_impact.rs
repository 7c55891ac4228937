//! Impact that depends on time (DESIGN-2 B3): revenue profiles and
//! business-impact steps against closed forms, drills at a time of the
//! week, and the CLI's `--at`.

use bcdr::app::drill_results;
use bcdr::model::WeekTime;

use crate::common::engine::*;
use crate::common::{assert_close, bcdr, integrate, p_up, read_json};

/// Standard errors allowed between a simulated mean and its closed form.
const Z: f64 = 4.0;

/// A claims line staffed 08:00–20:00 on weekdays, a quiet weekend with a
/// Saturday-morning peak, and a busy December.
const HOURS: [f64; 24] = [
    0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 2.0, 2.0, 1.8, 1.6, 1.8, 2.0, 2.0, 1.9, 1.7, 1.5,
    1.2, 0.8, 0.5, 0.3, 0.2,
];
const WEEKEND: [f64; 24] = [
    0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.9, 1.1, 0.9, 0.6, 0.4, 0.3, 0.3, 0.3,
    0.3, 0.3, 0.3, 0.2, 0.1, 0.1, 0.05,
];
const MONTHS: [f64; 12] = [0.9, 0.8, 1.0, 1.0, 1.0, 0.9, 0.7, 0.6, 1.0, 1.1, 1.3, 2.5];
const MONTH_DAYS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn list(xs: &[f64]) -> String {
    let items: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// The profile as the scenario writes it.
fn profile(months: bool) -> String {
    let m = if months {
        format!(", months: {}", list(&MONTHS))
    } else {
        String::new()
    };
    format!(
        "revenue_profile: (hours: {}, weekend: {}{m})",
        list(&HOURS),
        list(&WEEKEND)
    )
}

/// The factor of whole hour `t` of the profile's clock, from the calendar
/// as DESIGN-2 states it: t = 0 is Monday 1 January 00:00, Saturday and
/// Sunday read `weekend`, months are the calendar months of a 365-day
/// year that starts again after 8760 hours.
fn factor(t: u64, months: bool) -> f64 {
    let day = t / 24;
    let hour = (t % 24) as usize;
    let weekday = day % 7;
    let day_part = if weekday >= 5 {
        WEEKEND[hour]
    } else {
        HOURS[hour]
    };
    if !months {
        return day_part;
    }
    let mut doy = day % 365;
    let mut m = 0;
    while doy >= MONTH_DAYS[m] {
        doy -= MONTH_DAYS[m];
        m += 1;
    }
    day_part * MONTHS[m]
}

/// ∫ of the factor over [a, b), hour by hour.
fn reference(a: f64, b: f64, months: bool) -> f64 {
    let mut sum = 0.0;
    let mut h = a.floor() as u64;
    while (h as f64) < b {
        let lo = a.max(h as f64);
        let hi = b.min(h as f64 + 1.0);
        sum += factor(h, months) * (hi - lo);
        h += 1;
    }
    sum
}

#[test]
fn lost_revenue_under_a_profile_for_fixed_outages_at_fixed_hours() {
    // "a" fails 100.5 h after each repair and is repaired in 10 h: down
    // [110.5k − 10, 110.5k) for k = 1, 2, …, over three years (the months
    // wrap into a second and a third year; the days of the week run on).
    // "shop" is down with it; "bi" keeps 80% of its capacity meanwhile.
    let text = format!(
        r#"Scenario(name: "profile", horizon: "3y", services: [
        Service(id: "a", failure: (ttf: Fixed("6030m"), repair: Fixed("10h"))),
        Service(id: "shop", depends_on: ["a"], revenue_per_hour: 100, {p},
            mtpd: "9h", mtpd_penalty: 7, impact: [(after: "10h", cost: 500), (after: "12h", cost: 1000)]),
        Service(id: "bi", degrades_on: [(service: "a", capacity: 0.8)], revenue_per_hour: 1000, {p}),
    ])"#,
        p = profile(true)
    );
    let run = annual(&text, 2);
    let h = 3.0 * 8760.0;
    let (mut integral, mut outages) = (0.0, 0);
    let mut k = 1.0;
    while 110.5 * k - 10.0 < h {
        let start = 110.5 * k - 10.0;
        integral += reference(start, (start + 10.0).min(h), true);
        outages += 1;
        k += 1.0;
    }
    assert_eq!(outages, 237);
    let shop = &run.summary.services[1];
    assert_eq!(shop.outages.mean, outages as f64);
    // Each 10 h outage reaches the 10 h step exactly at its boundary, not
    // the 12 h one, and breaches the 9 h MTPD.
    let want = 100.0 * integral + outages as f64 * (500.0 + 7.0);
    assert_close("shop's loss", shop.loss.mean, want, 1e-9 * want);
    let bi = &run.summary.services[2];
    let want = 0.2 * 1000.0 * integral;
    assert_close("bi's degraded revenue", bi.loss.mean, want, 1e-9 * want);
    // The profile matters: the same outages at factor 1 cost otherwise.
    assert!((integral - 10.0 * outages as f64).abs() > 10.0);
}

/// A service that an Outage threat stops for 6 h, with the profile.
fn outage_scenario(months: bool) -> String {
    format!(
        r#"Scenario(name: "claims", services: [
        Service(id: "claims-line", revenue_per_hour: 100, {}),
    ], threats: [Outage(id: "power", rate_per_year: 1, targets: [Service("claims-line")], duration: Fixed("6h"))])"#,
        profile(months)
    )
}

fn drill_loss(text: &str, at: Option<&str>, trials: u64) -> (f64, f64) {
    let model = bcdr::scenario::parse_str(text).expect("valid");
    let at = at.map(|s| WeekTime::parse(s).expect("a time of the week"));
    let r =
        drill_results(&model, 0, None, at, SEED, 0..trials, Some(2), None).expect("the drill runs");
    (r.summary.annual_loss.mean, r.summary.annual_loss.std_error)
}

#[test]
fn a_drill_at_a_fixed_time_loses_the_profile_integral() {
    // Months do not apply to drills: December's 2.5 (and January's 0.9)
    // change nothing.
    let text = outage_scenario(true);
    for (at, start) in [
        ("Fri 17:00", 4.0 * 24.0 + 17.0),
        // Across the end of the week, into Monday.
        ("Sun 22:30", 6.0 * 24.0 + 22.5),
        ("sat 09:00", 5.0 * 24.0 + 9.0),
    ] {
        let (loss, _) = drill_loss(&text, Some(at), 3);
        let mut want = 0.0;
        for h in 0..6 {
            // The week repeats: hour 168 is Monday 00:00 again.
            let t = start + f64::from(h);
            want += reference(t % 168.0, t % 168.0 + 1.0, false);
        }
        let want = 100.0 * want;
        assert_close(at, loss, want, 1e-9 * want);
    }
}

#[test]
fn a_drill_at_a_random_time_of_the_week_loses_the_weekly_mean() {
    // Uniform over the week, a 6 h stretch covers each hour of the week
    // alike: the expected integral is 6 × the mean weekly factor.
    let mean: f64 = (0..168).map(|t| factor(t, false)).sum::<f64>() / 168.0;
    let (loss, se) = drill_loss(&outage_scenario(true), None, 20_000);
    assert_close("random start", loss, 100.0 * 6.0 * mean, Z * se);
    assert!(se > 0.0, "the start varies from drill to drill");
}

#[test]
fn impact_steps_from_the_repair_distribution() {
    // Exponential lifetimes (mean 200 h) and repairs (mean 8 h): failures
    // start at rate λ·P(up at t); an outage starting at t reaches a step
    // after a iff its repair lasts ≥ a and t ≤ H − a (it is cut at the
    // horizon). E[cost] = Σ_k c_k·e^(−μ·a_k)·λ·∫₀^(H−a_k) P(up at t) dt.
    let text = r#"Scenario(name: "bia", services: [
        Service(id: "svc", failure: (mtbf: "200h", repair: Exponential(mean: "8h")),
            impact: [(after: "4h", cost: 1000), (after: "1d", cost: 10000), (after: "2d", cost: 50000)]),
    ])"#;
    let run = annual(text, 20_000);
    let (l, m, h) = (1.0 / 200.0, 1.0 / 8.0, 8760.0);
    let want: f64 = [(4.0, 1000.0), (24.0, 10000.0), (48.0, 50000.0)]
        .iter()
        .map(|&(a, c): &(f64, f64)| c * (-m * a).exp() * l * integrate(h - a, |t| p_up(l, m, t)))
        .sum();
    let got = &run.summary.annual_loss;
    assert_close("impact cost", got.mean, want, Z * got.std_error);
}

#[test]
fn drill_at_is_reported_and_bad_times_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("claims.ron");
    std::fs::write(&scenario, outage_scenario(false)).expect("written");
    let out = dir.path().join("out");
    let assert = bcdr()
        .args([
            "drill",
            "--threat",
            "power",
            "--trials",
            "50",
            "--at",
            "fri 17:00",
            "--out",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("  drills start                  Fri 17:00 (--at"),
        "{stdout}"
    );
    let d = read_json(&out.join("drill.json"));
    assert_eq!(d["start"], "Fri 17:00");
    let md = std::fs::read_to_string(out.join("report.md")).expect("the report");
    assert!(md.contains("every drill starts on Fri 17:00"), "{md}");
    assert!(md.contains("--at 'Fri 17:00'"), "{md}");

    let random = dir.path().join("random");
    bcdr()
        .args([
            "drill", "--threat", "power", "--trials", "50", "--quiet", "--out",
        ])
        .arg(&random)
        .arg(&scenario)
        .assert()
        .success();
    assert_eq!(read_json(&random.join("drill.json"))["start"], "random");

    for (bad, says) in [
        ("Fri 5pm", "\"5pm\" is not a time of day: write HH:MM"),
        (
            "Friday",
            "write a day and a 24-hour time, such as \"Fri 17:00\"",
        ),
        ("Fr 17:00", "\"Fr\" is not a day of the week"),
        ("Fri 24:00", "from 00:00 to 23:59"),
    ] {
        let output = bcdr()
            .args(["drill", "--threat", "power", "--quiet", "--at", bad])
            .arg(&scenario)
            .output()
            .expect("bcdr runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("--at"), "{bad}: {stderr}");
        assert!(stderr.contains(says), "{bad}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// `--at` without a revenue profile has no effect: drill.json has no
/// `start`, the loss is the same, and the screen and the report say that
/// the option did nothing.
#[test]
fn a_drill_without_profiles_says_nothing_of_its_start() {
    let text = r#"Scenario(name: "flat", services: [Service(id: "s", revenue_per_hour: 10)],
        threats: [Outage(id: "power", rate_per_year: 1, targets: [Service("s")], duration: Fixed("6h"))])"#;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("flat.ron");
    std::fs::write(&scenario, text).expect("written");
    let out = dir.path().join("out");
    let assert = bcdr()
        .args([
            "drill",
            "--threat",
            "power",
            "--trials",
            "20",
            "--at",
            "Mon 09:00",
            "--out",
        ])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains(
            "\n\n  note: --at Mon 09:00 has no effect, as no service has a revenue_profile and \
             the start time only matters on revenue profiles; drop --at"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("drills start"), "{stdout}");
    let md = std::fs::read_to_string(out.join("report.md")).expect("the report");
    assert!(md.contains("`--at Mon 09:00`: has no effect"), "{md}");
    let d = read_json(&out.join("drill.json"));
    assert!(d.get("start").is_none(), "{d}");
    // 6 h at 10 an hour, whenever it starts.
    let s = read_json(&out.join("summary.json"));
    assert_eq!(s["annual_loss"]["mean"], 60.0);
}

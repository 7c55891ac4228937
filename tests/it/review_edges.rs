//! Review-loop edges found by an audit of `bcdr importance`: the
//! screening that ranks services before any is measured, the report's
//! list of every service, and `tornado` with nothing to move or a
//! parameter that moves nothing.

use crate::review::importance_of;
use bcdr::fmt::money;

use crate::common::{assert_close, bcdr, read_json, write};

/// `db` fails often and takes `app`, which earns 100 an hour, down with
/// it; `app` rarely fails on its own.
const CHAIN: &str = r#"Scenario(name: "chain", currency: "USD", horizon: "1y", services: [
    Service(id: "db", failure: (mtbf: "200h", repair: Exponential(mean: "20h"))),
    Service(id: "app", depends_on: ["db"], revenue_per_hour: 100,
            failure: (mtbf: "5000h", repair: Exponential(mean: "5h"))),
])"#;

fn service<'a>(
    im: &'a bcdr::review::importance::Importance,
    id: &str,
) -> &'a bcdr::review::importance::ServiceImportance {
    im.services.iter().find(|s| s.id == id).expect(id)
}

/// Regression (audit): the screening scored each service by its hours not
/// functional × the revenue they put at risk, plus the loss booked to it.
/// `app`'s hours include those `db` caused, and the loss booked to `app` is
/// that same lost revenue again, so `app` scored twice the whole loss and
/// `--top 1` measured it (worth USD 800) and screened out `db` (worth USD
/// 80 000). The score is now the loss a service's own outages cause: `db`
/// carries what its failures cost `app`, `app` only its own failures.
#[test]
fn screening_ranks_a_dependency_by_the_loss_its_outages_cause() {
    let im = importance_of(CHAIN, 2000, 1);
    let (db, app) = (service(&im, "db"), service(&im, "app"));
    let worth = db.risk_reduction_worth.expect("db measured");
    assert!(app.risk_reduction_worth.is_none(), "{app:?}");
    assert!(worth.mean > 50_000.0, "{worth:?}");
    // Each score estimates the service's own worth: db's is the loss its
    // failures cause (close to its measured worth), app's the revenue its
    // own rare failures lose (≈ 100 × 8760 / 5005 × 5 ≈ 875).
    assert_close("db score", db.rrw_score, worth.mean, 0.05 * worth.mean);
    assert_close("app score", app.rrw_score, 875.0, 200.0);
    assert!(
        db.rrw_score + app.rrw_score < 1.05 * im.expected_annual_loss,
        "the scores count the loss once: {db:?} {app:?} {}",
        im.expected_annual_loss
    );
}

/// A threat's loss goes to the services it hits: `db` never fails but an
/// outage hits it twice a year for 10 h, costing `app` about USD 2 000; its
/// score carries that loss and `--top 1` measures it, not `app`, whose own
/// failures lose about USD 875 (the old score gave `app` twice the whole
/// loss, about USD 5 700).
#[test]
fn screening_gives_a_threat_s_loss_to_the_services_it_hits() {
    let text = r#"Scenario(name: "hit", currency: "USD", horizon: "1y", services: [
        Service(id: "db"),
        Service(id: "app", depends_on: ["db"], revenue_per_hour: 100,
                failure: (mtbf: "5000h", repair: Exponential(mean: "5h"))),
    ], threats: [Outage(id: "power", rate_per_year: 2, targets: [Service("db")], duration: Fixed("10h"))])"#;
    let im = importance_of(text, 2000, 1);
    let (db, app) = (service(&im, "db"), service(&im, "app"));
    assert_close("db score", db.rrw_score, 2000.0, 200.0);
    assert!(db.risk_reduction_worth.is_some(), "{db:?}");
    assert!(app.risk_reduction_worth.is_none(), "{app:?}");
}

/// Regression (audit): with `--top 1` and two rankings, a service measured
/// in neither was missing from report.md (the CSV and stdout had it), the
/// report promised screening scores it did not show, and read "The 1
/// services". Every service is listed now, with the score it was ranked by
/// where it was not measured.
#[test]
fn the_importance_report_lists_every_service_with_its_score() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let text = CHAIN.replace(
        "])",
        r#"Service(id: "batch", revenue_per_hour: 10, failure: (mtbf: "5000h", repair: Fixed("5h"))),
])"#,
    );
    write(dir, "chain.ron", &text);
    bcdr()
        .current_dir(dir)
        .args(["importance", "chain.ron", "--top", "1", "--trials", "300"])
        .args(["--out", "out", "-q"])
        .assert()
        .success();
    let im = read_json(&dir.join("out/importance.json"));
    let report = std::fs::read_to_string(dir.join("out/report.md")).expect("report");
    assert!(
        report.contains("The 1 highest-scoring service of each screening ranking is measured"),
        "{report}"
    );
    assert!(!report.contains("1 services"), "{report}");
    for s in im["services"].as_array().expect("services") {
        let id = s["id"].as_str().expect("id");
        let row = report
            .lines()
            .find(|l| l.starts_with(&format!("| {id} |")))
            .unwrap_or_else(|| panic!("no row for {id}:\n{report}"));
        for (worth, score) in [
            ("risk_reduction_worth", "rrw_score"),
            ("risk_achievement_worth", "raw_score"),
        ] {
            if s[worth].is_null() {
                let shown = format!(
                    "screened out (score {})",
                    money("USD", s[score].as_f64().expect("score"))
                );
                assert!(row.contains(&shown), "{row} lacks {shown}");
            }
        }
    }
    // batch and app are each measured in neither ranking.
    for id in ["app", "batch"] {
        let s = im["services"]
            .as_array()
            .expect("services")
            .iter()
            .find(|s| s["id"] == id)
            .expect(id);
        assert!(s["risk_reduction_worth"].is_null() && s["risk_achievement_worth"].is_null());
    }
}

/// Regression (audit): a scenario with nothing to move wrote an empty
/// chart and table ("0 parameters moved"); it is an error now, exit 2,
/// naming what tornado moves, with nothing written.
#[test]
fn tornado_with_nothing_to_vary_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(
        dir,
        "still.ron",
        r#"Scenario(name: "still", currency: "USD", horizon: "1y", services: [Service(id: "a")])"#,
    );
    let out = bcdr()
        .current_dir(dir)
        .args(["tornado", "still.ron", "--trials", "50", "--out", "out"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "no parameter for tornado to vary",
        "crews",
        "threat rates",
        "RTO",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert!(!dir.join("out").exists());
}

/// Regression (audit): a parameter that moves nothing (here the RTO: no
/// outage ends between 3 h and 5 h) wrote `-0` deltas; every −0 in
/// tornado.csv and tornado.json is 0 now.
#[test]
fn tornado_writes_no_negative_zero() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    write(
        dir,
        "one.ron",
        r#"Scenario(name: "one", currency: "USD", horizon: "1y", services: [
            Service(id: "a", failure: (mtbf: "500h", repair: Fixed("10h")), rto: "4h", revenue_per_hour: 100),
        ])"#,
    );
    bcdr()
        .current_dir(dir)
        .args([
            "tornado", "one.ron", "--trials", "200", "--out", "out", "-q",
        ])
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.join("out/tornado.csv")).expect("csv");
    let rto = csv
        .lines()
        .find(|l| l.starts_with("services.a.rto,"))
        .expect("an RTO row");
    assert!(rto.contains(",0,0,0,0,0,0,"), "{rto}");
    assert!(
        csv.lines().all(|l| l.split(',').all(|c| c != "-0")),
        "{csv}"
    );
    fn no_negative_zero(v: &serde_json::Value, at: &str) {
        match v {
            serde_json::Value::Number(n) => {
                let x = n.as_f64().expect("f64");
                assert!(!(x == 0.0 && x.is_sign_negative()), "-0 at {at}");
            }
            serde_json::Value::Array(a) => {
                for (k, x) in a.iter().enumerate() {
                    no_negative_zero(x, &format!("{at}[{k}]"));
                }
            }
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    no_negative_zero(x, &format!("{at}.{k}"));
                }
            }
            _ => {}
        }
    }
    no_negative_zero(&read_json(&dir.join("out/tornado.json")), "");
}

/// Tornado measures every parameter: an estate with thousands of them
/// (hours of paired runs) is refused at once, naming what to run instead,
/// and nothing is written.
#[test]
fn tornado_refuses_an_estate_with_too_many_parameters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let estate = dir.path().join("estate.ron");
    bcdr()
        .args(["generate", "--services", "1000", "--out"])
        .arg(&estate)
        .assert()
        .success();
    let out = dir.path().join("tornado");
    bcdr()
        .args(["tornado", "--trials", "50", "-q", "--out"])
        .arg(&out)
        .arg(&estate)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("parameters for tornado to move"))
        .stderr(predicates::str::contains("it takes at most 500"))
        .stderr(predicates::str::contains("bcdr importance"));
    assert!(!out.exists());
}

//! `bcdr run` and `bcdr generate` through the command line.

use crate::common::{bcdr, scenario};

fn run_to(dir: &std::path::Path, file: &str, threads: &str) {
    bcdr()
        .args([
            "run",
            "--trials",
            "3000",
            "--seed",
            "7",
            "--threads",
            threads,
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .arg(scenario(file))
        .assert()
        .success();
}

#[test]
fn one_and_two_threads_give_byte_identical_results() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for file in ["regional-bank.ron", "ransomware-mutable.ron"] {
        let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
        run_to(&a, file, "1");
        run_to(&b, file, "2");
        for out in [
            "summary.json",
            "services.csv",
            "threats.csv",
            "loss_exceedance.csv",
        ] {
            let x = std::fs::read(a.join(out)).expect("written");
            let y = std::fs::read(b.join(out)).expect("written");
            assert!(!x.is_empty());
            assert!(x == y, "{file}: {out} differs between 1 and 2 threads");
        }
    }
}

#[test]
fn summary_json_has_every_documented_field() {
    let tmp = tempfile::tempdir().expect("tempdir");
    run_to(tmp.path(), "online-retailer.ron", "2");
    let text = std::fs::read_to_string(tmp.path().join("summary.json")).expect("written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["seed"], 7);
    assert_eq!(v["trials"], 3000);
    assert_eq!(v["horizon_hours"], 8760.0);
    for k in [
        "mean",
        "std_error",
        "p50",
        "p90",
        "p95",
        "p99",
        "p99_ci95",
        "tvar_95",
        "tvar_99",
        "max",
    ] {
        assert!(!v["annual_loss"][k].is_null(), "annual_loss.{k}");
    }
    let a = &v["annual_loss"];
    let num = |k: &str| a[k].as_f64().unwrap_or(f64::NAN);
    assert!(
        num("p50") <= num("p90")
            && num("p90") <= num("p95")
            && num("p95") <= num("p99")
            && num("p99") <= num("max")
    );
    assert!(num("tvar_99") >= num("p99") && num("tvar_95") >= num("p95"));
    let services = v["services"].as_array().expect("services");
    assert!(!services.is_empty());
    for s in services {
        for k in [
            "id",
            "availability",
            "downtime_hours",
            "outages",
            "outage_duration_hours",
            "rto_met",
            "mtpd_breached",
            "data_loss_hours",
            "loss",
        ] {
            assert!(s.get(k).is_some(), "service field {k}");
        }
        let avail = s["availability"].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&avail));
    }
    let threats = v["threats"].as_array().expect("threats");
    assert_eq!(threats[0]["id"], "random-failures");
    assert!(threats
        .iter()
        .all(|t| t["occurrences"]["mean"].is_number() && t["loss"]["mean"].is_number()));
    // The screen summary and the CSVs are there too.
    let csv = std::fs::read_to_string(tmp.path().join("services.csv")).expect("written");
    assert_eq!(csv.lines().count(), services.len() + 1);
}

#[test]
fn zero_trials_is_a_clear_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    bcdr()
        .args(["run", "--trials", "0", "--out"])
        .arg(&out)
        .arg(scenario("hospital.ron"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--trials must be at least 1"));
    assert!(!out.exists());
    // A drill's trials are occurrences, not years: the message says both
    // (it spoke only of the 1-in-100 year loss).
    bcdr()
        .args(["drill", "--threat", "office-fire", "--trials", "0", "--out"])
        .arg(&out)
        .arg(scenario("tutorial.ron"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a simulated year of `run` (100000 give the 1-in-100 year loss within a few \
             percent) or one occurrence of a `drill`",
        ));
    assert!(!out.exists());
}

#[test]
fn generated_estate_is_valid_and_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("estate.ron");
    bcdr()
        .args(["generate", "--services", "200", "--out"])
        .arg(&file)
        .assert()
        .success();
    bcdr().arg("validate").arg(&file).assert().success();
    bcdr()
        .args(["run", "--trials", "200", "--quiet", "--out"])
        .arg(tmp.path().join("out"))
        .arg(&file)
        .assert()
        .success();
    bcdr()
        .args(["generate", "--services", "2", "--out"])
        .arg(&file)
        .assert()
        .code(2);
}

/// Every bundled scenario runs and writes its review pack.
#[test]
fn every_bundled_scenario_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut count = 0;
    for entry in std::fs::read_dir(crate::common::root().join("scenarios")).expect("scenarios/") {
        let path = entry.expect("readable").path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let out = tmp.path().join(path.file_stem().expect("a name"));
        bcdr()
            .args(["run", "--trials", "300", "--quiet", "--out"])
            .arg(&out)
            .arg(&path)
            .assert()
            .success();
        for file in [
            "summary.json",
            "report.md",
            "report.html",
            "loss_exceedance.png",
        ] {
            assert!(out.join(file).is_file(), "{}: no {file}", path.display());
        }
        count += 1;
    }
    assert!(
        count >= 7,
        "expected the 7 bundled scenarios, found {count}"
    );
}

/// Losses and counts are per trial, one `horizon` long: a 2y horizon's
/// figures say "per 2y" and "trial", never "annual" or "a year"; a 1y
/// horizon's wording is the annual one, as before.
#[test]
fn a_horizon_other_than_a_year_says_per_trial_and_a_year_stays_annual() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let one = std::fs::read_to_string(scenario("tutorial.ron")).expect("bundled");
    assert!(one.contains(r#"horizon: "1y""#));
    let two = crate::common::write(
        tmp.path(),
        "two.ron",
        &one.replace(r#"horizon: "1y""#, r#"horizon: "2y""#),
    );
    let run = |file: &std::path::Path, out: &str| {
        let dir = tmp.path().join(out);
        let assert = bcdr()
            .args(["run", "--trials", "2000", "--seed", "3", "--out"])
            .arg(&dir)
            .arg(file)
            .assert()
            .success();
        let screen = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        let md = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
        (screen, md)
    };
    let (screen, md) = run(&two, "two");
    for want in [
        "2000 trials of 2y each (figures per trial), seed 3",
        "  expected loss per 2y   EUR ",
        "  median trial           EUR ",
        "  1-in-100 trial (VaR99) EUR ",
        "  worst simulated trial  EUR ",
    ] {
        assert!(screen.contains(want), "{want:?} not in\n{screen}");
    }
    assert!(
        !screen.contains("annual") && !screen.contains("year"),
        "{screen}"
    );
    for want in [
        "# Tutorial: a small travel agency: risk review per 2y",
        "2000 simulated trials of 2y each (every loss, count and share below is per trial, \
         not per year)",
        "| Expected loss per 2y (mean) |",
        "| Median trial (p50) |",
        "outages per 2y; median outage",
        "chance per 2y of losing more than",
        "| outages / 2y |",
        "| expected loss / 2y |",
        "| occurrences / 2y | expected loss / 2y | share of the expected loss per 2y |",
        "Distribution of the loss per 2y (log-width bins)",
    ] {
        assert!(md.contains(want), "{want:?} not in report.md");
    }
    for not in ["annual", "a year", "per year", "/ year", "simulated years"] {
        let body = md.replacen("not per year", "", 1);
        assert!(!body.contains(not), "{not:?} in the 2y report.md");
    }

    let (screen, md) = run(&scenario("tutorial.ron"), "one");
    for want in [
        "Tutorial: a small travel agency — 2000 trials, seed 3\n",
        "  expected annual loss  EUR ",
        "  median year           EUR ",
        "  1-in-100 year (VaR99) EUR ",
        "  worst simulated year  EUR ",
    ] {
        assert!(screen.contains(want), "{want:?} not in\n{screen}");
    }
    for want in [
        "# Tutorial: a small travel agency: annual risk review",
        "2000 simulated years of 365d each, seed 3",
        "| Expected annual loss (mean) |",
        "outages a year; median outage",
        "chance per year of losing more than",
        "| outages / year |",
        "| occurrences / year | expected loss / year | share of the expected annual loss |",
        "Annual loss distribution (log-width bins)",
    ] {
        assert!(md.contains(want), "{want:?} not in report.md");
    }
    assert!(!md.contains("trials of") && !md.contains("per trial"));
}

/// One trial has no confidence interval: the screen says so rather than
/// print an interval of zero width, and counts "1 trial".
#[test]
fn one_trial_prints_no_interval() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let assert = bcdr()
        .args(["run", "--trials", "1", "--out"])
        .arg(&out)
        .arg(scenario("tutorial.ron"))
        .assert()
        .success();
    let screen = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(screen.contains(" — 1 trial, seed 1"), "{screen}");
    assert!(
        screen.contains("(one trial: no confidence interval)"),
        "{screen}"
    );
    assert!(!screen.contains("95% CI"), "{screen}");
    // The reports too: they gave "95% confidence interval EUR 17,185 to
    // EUR 17,185" and "known to ±0.0% (95%)".
    for report in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(out.join(report)).expect("written");
        assert!(
            !text.contains("confidence interval EUR") && !text.contains("±0.0%"),
            "{report}: {text}"
        );
        assert!(
            text.matches("one trial: no confidence interval").count() >= 4,
            "{report}: {text}"
        );
        assert!(
            text.contains("one trial gives the expected annual loss no confidence interval"),
            "{report}: {text}"
        );
    }
}

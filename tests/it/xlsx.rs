//! `summary.xlsx`: a workbook with the board, services and threats sheets,
//! whose numbers are exactly those of `summary.json`, written the same
//! bytes on every run.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::pack::{run, SCENARIO};

/// The workbook's parts by name.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let file = std::fs::File::open(path).expect("summary.xlsx is written");
    let mut zip = zip::ZipArchive::new(file).expect("summary.xlsx is a zip file");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("a readable entry");
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            out.insert(entry.name().to_string(), text);
        }
    }
    out
}

/// A sheet's cells by reference ("B5"), strings resolved.
fn cells(parts: &BTreeMap<String, String>, sheet: usize) -> BTreeMap<String, String> {
    let shared: Vec<String> = parts
        .get("xl/sharedStrings.xml")
        .map(|xml| {
            let doc = roxmltree::Document::parse(xml).expect("valid XML");
            doc.descendants()
                .filter(|n| n.has_tag_name("si"))
                .map(|si| {
                    si.descendants()
                        .filter(|n| n.has_tag_name("t"))
                        .filter_map(|t| t.text())
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let xml = &parts[&format!("xl/worksheets/sheet{sheet}.xml")];
    let doc = roxmltree::Document::parse(xml).expect("valid XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("c"))
        .filter_map(|c| {
            let r = c.attribute("r")?.to_string();
            let v = c
                .children()
                .find(|n| n.has_tag_name("v"))
                .and_then(|v| v.text())?;
            let v = if c.attribute("t") == Some("s") {
                shared[v.parse::<usize>().ok()?].clone()
            } else {
                v.to_string()
            };
            Some((r, v))
        })
        .collect()
}

/// A numeric cell as the f64 it stores.
fn num(cells: &BTreeMap<String, String>, r: &str) -> f64 {
    cells
        .get(r)
        .unwrap_or_else(|| panic!("no cell {r}"))
        .parse()
        .unwrap_or_else(|_| panic!("{r} is not a number: {}", cells[r]))
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

/// The row of the first cell in column A with this text.
fn row_of(cells: &BTreeMap<String, String>, text: &str) -> String {
    cells
        .iter()
        .find(|(r, v)| r.starts_with('A') && v.as_str() == text)
        .map(|(r, _)| r[1..].to_string())
        .unwrap_or_else(|| panic!("no row {text:?}"))
}

#[test]
fn workbook_has_the_board_services_and_threats_of_summary_json() {
    let (_guard, out) = run(SCENARIO, &["--trials", "2000", "--seed", "5"]);
    let s: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("summary.json")).expect("summary.json"),
    )
    .expect("valid JSON");
    let parts = parts(&out.join("summary.xlsx"));

    // Sheet names, in order.
    let wb = roxmltree::Document::parse(&parts["xl/workbook.xml"]).expect("valid XML");
    let sheets: Vec<&str> = wb
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(sheets, ["Board", "Services", "Threats"]);

    // Formats: the currency before the amount, percentages.
    let styles = &parts["xl/styles.xml"];
    assert!(
        styles.contains(r#"formatCode="&quot;EUR &quot;#,##0"#),
        "{styles}"
    );
    assert!(styles.contains(r#"formatCode="0.0%""#), "{styles}");

    // The board: headline figures and appetite verdicts.
    let board = cells(&parts, 1);
    assert!(board["A1"].contains("Pack test <shop> & co"));
    let a = &s["annual_loss"];
    for (label, key) in [
        ("expected annual loss", "mean"),
        ("1-in-20 year (VaR 95)", "p95"),
        ("1-in-100 year (VaR 99)", "p99"),
        ("worst simulated year", "max"),
    ] {
        let r = row_of(&board, label);
        assert_eq!(num(&board, &format!("B{r}")), f(&a[key]), "{label}");
    }
    let appetite = s["risk_appetite"].as_array().expect("an array");
    assert_eq!(appetite.len(), 2);
    for (i, p) in appetite.iter().enumerate() {
        let r = row_of(&board, &format!("point {}", i + 1));
        assert_eq!(num(&board, &format!("B{r}")), f(&p["loss"]));
        assert_eq!(num(&board, &format!("C{r}")), f(&p["accepted"]));
        assert_eq!(num(&board, &format!("D{r}")), f(&p["simulated"]));
        let verdict = if p["within"].as_bool() == Some(true) {
            "within"
        } else {
            "breached"
        };
        assert_eq!(board[&format!("E{r}")], verdict);
    }

    // Services: headers, display names (the ids here: none has a name),
    // and the numbers.
    let sv = cells(&parts, 2);
    assert_eq!(sv["A1"], "service");
    assert_eq!(sv["D1"], "availability");
    assert_eq!(sv["R1"], "expected annual loss");
    for (i, x) in s["services"]
        .as_array()
        .expect("an array")
        .iter()
        .enumerate()
    {
        let r = i + 2;
        assert_eq!(sv[&format!("A{r}")], x["id"].as_str().expect("an id"));
        assert_eq!(sv[&format!("B{r}")], x["id"].as_str().expect("an id"));
        assert_eq!(num(&sv, &format!("D{r}")), f(&x["availability"]));
        assert_eq!(num(&sv, &format!("R{r}")), f(&x["loss"]["mean"]));
        match x["rto_met"].as_f64() {
            Some(m) => assert_eq!(num(&sv, &format!("L{r}")), m),
            None => assert!(!sv.contains_key(&format!("L{r}")), "no RTO: empty cell"),
        }
    }

    // Threats: random failures in words, then the ids.
    let th = cells(&parts, 3);
    assert_eq!(th["A1"], "threat");
    assert_eq!(th["E1"], "expected annual loss");
    assert_eq!(th["A2"], "Random failures");
    for (i, t) in s["threats"]
        .as_array()
        .expect("an array")
        .iter()
        .enumerate()
    {
        let r = i + 2;
        assert_eq!(th[&format!("B{r}")], t["id"].as_str().expect("an id"));
        assert_eq!(num(&th, &format!("D{r}")), f(&t["occurrences"]["mean"]));
        assert_eq!(num(&th, &format!("E{r}")), f(&t["loss"]["mean"]));
    }
}

#[test]
fn display_names_come_first_with_ids_beside() {
    let named = SCENARIO.replace(
        r#"Service(id: "db","#,
        r#"Service(id: "db", name: "Orders database","#,
    );
    let (_guard, out) = run(&named, &["--trials", "300"]);
    let sv = cells(&parts(&out.join("summary.xlsx")), 2);
    let r = sv
        .iter()
        .find(|(r, v)| r.starts_with('B') && v.as_str() == "db")
        .map(|(r, _)| r[1..].to_string())
        .expect("a row for db");
    assert_eq!(sv[&format!("A{r}")], "Orders database");
}

#[test]
fn workbook_bytes_are_the_same_on_every_run() {
    let (_g1, a) = run(SCENARIO, &["--trials", "700", "--threads", "1"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_g2, b) = run(SCENARIO, &["--trials", "700", "--threads", "2"]);
    let x = std::fs::read(a.join("summary.xlsx")).expect("written");
    let y = std::fs::read(b.join("summary.xlsx")).expect("written");
    assert!(x == y, "summary.xlsx differs between runs");
    let core = &parts(&a.join("summary.xlsx"))["docProps/core.xml"];
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
}

#[test]
fn an_insured_board_shows_the_net_loss_beside_the_gross_and_each_policy() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/insurer-dr-site.ron"),
    )
    .expect("the bundled insurer scenario");
    let (_guard, out) = run(&text, &["--trials", "1500", "--seed", "3"]);
    let s: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("summary.json")).expect("summary.json"),
    )
    .expect("valid JSON");
    let board = cells(&parts(&out.join("summary.xlsx")), 1);
    assert_eq!(board["B4"], "gross");
    assert_eq!(board["C4"], "net of insurance");
    let (gross, net) = (&s["annual_loss"], &s["annual_loss_net"]);
    for (label, key) in [
        ("expected annual loss", "mean"),
        ("1-in-100 year (VaR 99)", "p99"),
        ("worst simulated year", "max"),
        ("probability of any loss in a year", "probability_of_loss"),
    ] {
        let r = row_of(&board, label);
        assert_eq!(num(&board, &format!("B{r}")), f(&gross[key]), "{label}");
        assert_eq!(num(&board, &format!("C{r}")), f(&net[key]), "{label}");
    }
    row_of(&board, "judged on the loss net of insurance");
    let r: usize = row_of(&board, "insurance policy").parse().expect("a row");
    let policies = s["insurance"].as_array().expect("policies");
    assert_eq!(policies.len(), 2);
    for (i, p) in policies.iter().enumerate() {
        let r = r + 1 + i;
        assert_eq!(board[&format!("A{r}")], p["id"].as_str().expect("an id"));
        assert_eq!(num(&board, &format!("B{r}")), f(&p["recovered"]["mean"]));
        // A policy without an aggregate limit shows none, not "0%".
        let has_aggregate = text
            .split("Policy(")
            .find(|x| x.contains(&format!("id: {}", p["id"])))
            .is_some_and(|x| {
                x.split(')')
                    .next()
                    .is_some_and(|x| x.contains("aggregate_limit"))
            });
        if has_aggregate {
            assert_eq!(num(&board, &format!("C{r}")), f(&p["aggregate_exhausted"]));
        } else {
            assert_eq!(board[&format!("C{r}")], "– (no aggregate limit)");
        }
    }
}

#[test]
fn an_uninsured_board_has_one_value_column() {
    let (_guard, out) = run(SCENARIO, &["--trials", "300"]);
    let board = cells(&parts(&out.join("summary.xlsx")), 1);
    assert_eq!(board["B4"], "value");
    let r = row_of(&board, "expected annual loss");
    assert!(!board.contains_key(&format!("C{r}")), "no net column");
    assert!(!board.values().any(|v| v == "insurance policy"));
}

/// The number format of a cell of a sheet (its `s` style's format code).
fn format_of(parts: &BTreeMap<String, String>, sheet: usize, cell: &str) -> String {
    let xml = &parts[&format!("xl/worksheets/sheet{sheet}.xml")];
    let doc = roxmltree::Document::parse(xml).expect("valid XML");
    let style: usize = doc
        .descendants()
        .find(|n| n.has_tag_name("c") && n.attribute("r") == Some(cell))
        .and_then(|c| c.attribute("s"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let styles = roxmltree::Document::parse(&parts["xl/styles.xml"]).expect("valid XML");
    let id = styles
        .descendants()
        .find(|n| n.has_tag_name("cellXfs"))
        .and_then(|x| x.children().filter(|n| n.has_tag_name("xf")).nth(style))
        .and_then(|xf| xf.attribute("numFmtId"))
        .expect("a cell format")
        .to_string();
    styles
        .descendants()
        .find(|n| n.has_tag_name("numFmt") && n.attribute("numFmtId") == Some(id.as_str()))
        .and_then(|n| n.attribute("formatCode"))
        .unwrap_or("General")
        .to_string()
}

/// Money in a scaled unit ("EUR million") shows the decimals the report
/// writes: with whole units a mean of 0.0421 read "EUR million 0" on the
/// Board sheet while the report said "EUR million 0.0421".
#[test]
fn a_scaled_currency_keeps_its_decimals_in_the_workbook() {
    let text = SCENARIO
        .replace(r#"currency: "EUR""#, r#"currency: "EUR million""#)
        .replace(
            "data_loss_cost_per_hour: 500",
            "data_loss_cost_per_hour: 0.0005",
        )
        .replace("revenue_per_hour: 2000", "revenue_per_hour: 0.002")
        .replace("cost_per_outage: 100", "cost_per_outage: 0.0001")
        .replace(
            "Uniform(min: 1000, max: 50000)",
            "Uniform(min: 0.001, max: 0.05)",
        )
        .replace("(loss: 50000,", "(loss: 0.05,")
        .replace("(loss: 500000,", "(loss: 0.5,");
    let (_guard, out) = run(&text, &["--trials", "500", "--seed", "2"]);
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let written = md
        .lines()
        .find(|l| l.starts_with("| Expected annual loss (mean) |"))
        .and_then(|l| l.split("EUR million ").nth(1))
        .and_then(|v| v.split(' ').next())
        .expect("the expected loss in the report")
        .to_string();
    let decimals = written.split_once('.').map_or(0, |(_, d)| d.len());
    assert!(decimals > 0, "a fraction of a million: {written}");
    let parts = parts(&out.join("summary.xlsx"));
    let board = cells(&parts, 1);
    let r = row_of(&board, "expected annual loss");
    let code = format_of(&parts, 1, &format!("B{r}"));
    assert_eq!(
        code,
        format!(
            "&quot;EUR million &quot;#,##0.{0};&quot;EUR million &quot;-#,##0.{0}",
            "0".repeat(decimals)
        )
        .replace("&quot;", "\""),
        "the report writes {written}"
    );
}

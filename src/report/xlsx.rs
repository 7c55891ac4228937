//! `summary.xlsx`: the run's results as a workbook a spreadsheet opens the
//! same way in every locale.
//!
//! The CSVs beside it are for programs: a dot decimal, a comma separator
//! and every digit of the f64. A spreadsheet set to a European locale
//! reads those columns as text or dates; the workbook stores real numbers
//! (the very values of `summary.json`) and shows them with a currency or
//! percentage format, which Excel and LibreOffice render in the reader's
//! own locale.
//!
//! Three sheets:
//!
//! | sheet | rows |
//! |---|---|
//! | `Board` | the headline (expected annual loss, VaR 95 and 99, …; with insurance gross and net side by side), the risk appetite verdicts, and the insurance policies' recoveries |
//! | `Services` | one row per service, display name first (the id where there is none) |
//! | `Threats` | random failures, then one row per threat |
//!
//! The bytes depend only on the results: the creation date is fixed (the
//! zip entries carry a fixed date already), so two runs with the same seed
//! write identical files whatever the thread count.

use std::collections::HashMap;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::error::Error;
use crate::model::Model;
use crate::stats::summary::RANDOM_FAILURES;
use crate::stats::{AnnualLoss, Summary};

use crate::stats::period::Period;

/// The name of the file in the pack.
pub(crate) const FILE: &str = "summary.xlsx";

/// The sheet names, in order.
pub(crate) const SHEETS: [&str; 3] = ["Board", "Services", "Threats"];

/// The column headers of the `Services` sheet.
pub(crate) const SERVICE_HEADERS: [&str; 19] = [
    "service",
    "id",
    "tier",
    "availability",
    "downtime h/yr (mean)",
    "outages/yr",
    "outage h (mean)",
    "outage h (p50)",
    "outage h (p90)",
    "outage h (p99)",
    "RTO h",
    "RTO met",
    "MTPD h",
    "MTPD breached",
    "RPO h",
    "data lost h/yr (mean)",
    "data lost h/yr (p99)",
    "expected annual loss",
    "share of loss",
];

/// The column headers of the `Threats` sheet.
pub(crate) const THREAT_HEADERS: [&str; 9] = [
    "threat",
    "id",
    "kind",
    "occurrences/yr",
    "expected annual loss",
    "share of loss",
    "contained",
    "services compromised per attack",
    "services encrypted per attack",
];

/// The fixed creation date written into the workbook's properties.
const CREATED: (u16, u8, u8) = (2000, 1, 1);

/// The number formats of the workbook.
struct Formats {
    title: Format,
    header: Format,
    label: Format,
    /// Money with 0 to 9 decimals: whole units in a plain code; in a
    /// scaled unit (`EUR million`) the decimals the reports write.
    money: Vec<Format>,
    currency: String,
    pct: Format,
    availability: Format,
    hours: Format,
    rate: Format,
    count: Format,
}

impl Formats {
    fn new(currency: &str) -> Formats {
        // The currency code as literal text before the amount, as every
        // other output writes it ("EUR 1,234,567"); quotes would end the
        // literal, so they are dropped.
        let code: String = currency.chars().filter(|c| *c != '"').collect();
        let money = |decimals: usize| {
            let number = if decimals == 0 {
                "#,##0".to_string()
            } else {
                format!("#,##0.{}", "0".repeat(decimals))
            };
            let format = if code.is_empty() {
                format!("{number};-{number}")
            } else {
                format!("\"{code} \"{number};\"{code} \"-{number}")
            };
            Format::new().set_num_format(format)
        };
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            label: Format::new().set_bold(),
            money: (0..=9).map(money).collect(),
            currency: currency.to_string(),
            pct: Format::new().set_num_format("0.0%"),
            availability: Format::new().set_num_format("0.0000%"),
            hours: Format::new().set_num_format("#,##0.00"),
            rate: Format::new().set_num_format("0.000"),
            count: Format::new().set_num_format("#,##0"),
        }
    }
}

impl Formats {
    /// The money format of `x`: as many decimals as [`crate::fmt::money`]
    /// writes of it.
    fn money(&self, x: f64) -> &Format {
        let d = crate::fmt::money_decimals(&self.currency, x).min(self.money.len() - 1);
        &self.money[d]
    }
}

/// The workbook's bytes.
///
/// `model` gives the display names of the services; every number comes
/// from `summary`, unrounded (the formats round only what is shown).
///
/// # Errors
/// [`Error::Export`] if the workbook cannot be assembled (it does not
/// happen with the sheet names and sizes used here).
pub(crate) fn workbook(model: &Model, summary: &Summary) -> Result<Vec<u8>, Error> {
    build(model, summary).map_err(|e| Error::Export {
        file: FILE.to_string(),
        message: e.to_string(),
    })
}

fn build(model: &Model, s: &Summary) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new(&s.currency);
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("bcdr — {}", s.scenario))
            .set_author("bcdr")
            .set_comment(format!(
                "bcdr {}, {} trials, seed {}",
                s.bcdr_version, s.trials, s.seed
            ))
            .set_creation_datetime(&created),
    );
    board(book.add_worksheet(), s, &f)?;
    services(book.add_worksheet(), model, s, &f)?;
    threats(book.add_worksheet(), s, &f)?;
    book.save_to_buffer()
}

/// The headline and the risk appetite.
fn board(ws: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[0])?;
    ws.set_landscape();
    let p = Period::of(s.horizon_hours);
    let title = if p.is_year() {
        format!("Annual risk — {}", s.scenario)
    } else {
        format!("Risk per {} — {}", p.span(), s.scenario)
    };
    ws.write_string_with_format(0, 0, title, &f.title)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} trials, seed {}, horizon {} h, amounts in {} (bcdr {})",
            s.trials, s.seed, s.horizon_hours, s.currency, s.bcdr_version
        ),
    )?;

    // With insurance (DESIGN-2 B1) the headline has a second column: the
    // same figures of the net annual loss.
    let net = s.annual_loss_net.as_ref();
    ws.write_string_with_format(3, 0, "headline", &f.header)?;
    ws.write_string_with_format(
        3,
        1,
        if net.is_some() { "gross" } else { "value" },
        &f.header,
    )?;
    if net.is_some() {
        ws.write_string_with_format(3, 2, "net of insurance", &f.header)?;
    }
    let mut row = 4;
    for (label, pick, money) in HEADLINE_ROWS {
        let format = |x: f64| if money { f.money(x) } else { &f.pct };
        ws.write_string_with_format(row, 0, per_trial(&p, label), &f.label)?;
        let x = pick(&s.annual_loss);
        ws.write_number_with_format(row, 1, x, format(x))?;
        if let Some(n) = net {
            ws.write_number_with_format(row, 2, pick(n), format(pick(n)))?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "trials", &f.label)?;
    ws.write_number_with_format(row, 1, s.trials as f64, &f.count)?;
    row += 2;

    ws.write_string_with_format(row, 0, "risk appetite", &f.header)?;
    for (col, h) in [
        "loss of more than",
        "accepted probability",
        "simulated probability",
        "verdict",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, col as u16 + 1, *h, &f.header)?;
    }
    row += 1;
    if s.risk_appetite.is_empty() {
        ws.write_string(row, 0, "the scenario states no risk appetite")?;
    }
    for (i, p) in s.risk_appetite.iter().enumerate() {
        ws.write_string(row, 0, format!("point {}", i + 1))?;
        ws.write_number_with_format(row, 1, p.loss, f.money(p.loss))?;
        ws.write_number_with_format(row, 2, p.accepted, &f.pct)?;
        ws.write_number_with_format(row, 3, p.simulated, &f.pct)?;
        ws.write_string(row, 4, if p.within { "within" } else { "breached" })?;
        row += 1;
    }
    if net.is_some() {
        if !s.risk_appetite.is_empty() {
            ws.write_string(row, 0, "judged on the loss net of insurance")?;
            row += 1;
        }
        insurance(ws, s, &p, f, row + 1)?;
    }
    ws.set_column_width(0, 40)?;
    for col in 1..=4 {
        ws.set_column_width(col, 22)?;
    }
    Ok(())
}

/// A headline row: its label, its figure of an annual loss, whether it is
/// money (else a probability).
type Headline = (&'static str, fn(&AnnualLoss) -> f64, bool);

/// The headline's rows, each read from the gross or the net annual loss.
const HEADLINE_ROWS: [Headline; 12] = [
    ("expected annual loss", |a| a.mean, true),
    ("95% CI of the mean, low", |a| a.mean_ci95[0], true),
    ("95% CI of the mean, high", |a| a.mean_ci95[1], true),
    ("median year (p50)", |a| a.p50, true),
    ("1-in-10 year (p90)", |a| a.p90, true),
    ("1-in-20 year (VaR 95)", |a| a.p95, true),
    ("1-in-100 year (VaR 99)", |a| a.p99, true),
    ("95% CI of VaR 99, low", |a| a.p99_ci95[0], true),
    ("95% CI of VaR 99, high", |a| a.p99_ci95[1], true),
    (
        "mean of the worst 5% of years (TVaR 95)",
        |a| a.tvar_95,
        true,
    ),
    ("worst simulated year", |a| a.max, true),
    (
        "probability of any loss in a year",
        |a| a.probability_of_loss,
        false,
    ),
];

/// The insurance policies from `row` on: what each recovered per year and
/// how often its aggregate limit ran out.
fn insurance(
    ws: &mut Worksheet,
    s: &Summary,
    p: &Period,
    f: &Formats,
    row: u32,
) -> Result<(), XlsxError> {
    for (col, h) in [
        "insurance policy",
        "recovered per year (mean)",
        "aggregate limit exhausted",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, col as u16, per_trial(p, h), &f.header)?;
    }
    for (i, p) in s.insurance.iter().enumerate() {
        let r = row + 1 + i as u32;
        ws.write_string(r, 0, &p.id)?;
        ws.write_number_with_format(r, 1, p.recovered.mean, f.money(p.recovered.mean))?;
        if p.has_aggregate {
            ws.write_number_with_format(r, 2, p.aggregate_exhausted, &f.pct)?;
        } else {
            ws.write_string(r, 2, "– (no aggregate limit)")?;
        }
    }
    Ok(())
}

/// A label written for a year, as it reads over the run's horizon: as is
/// for a year; else per trial ("expected loss per 2y", "occurrences/2y",
/// "median trial (p50)").
fn per_trial(p: &Period, label: &str) -> String {
    if p.is_year() {
        return label.to_string();
    }
    let u = p.unit();
    label
        .replace("expected annual loss", &p.expected_loss())
        .replace("/yr", &format!("/{u}"))
        .replace("per year", &format!("per {u}"))
        .replace("of years", "of trials")
        .replace("a year", "a trial")
        .replace("simulated year", "simulated trial")
        .replace(" year ", " trial ")
}

/// A number, or an empty cell when there is none.
fn opt(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    x: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    if let Some(x) = x {
        ws.write_number_with_format(row, col, x, format)?;
    }
    Ok(())
}

/// The share of the total expected loss, when there is a loss.
fn share(loss: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| loss / total)
}

fn header_row(
    ws: &mut Worksheet,
    headers: &[&str],
    p: &Period,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, per_trial(p, h), &f.header)?;
        ws.set_column_width(col as u16, if col == 0 { 36 } else { 14 })?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.set_landscape();
    Ok(())
}

fn services(ws: &mut Worksheet, model: &Model, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[1])?;
    header_row(ws, &SERVICE_HEADERS, &Period::of(s.horizon_hours), f)?;
    let total: f64 = s.services.iter().map(|x| x.loss.mean).sum();
    // Display names by id, the first service of an id winning, built once:
    // a search of the model per row made the sheet quadratic in the estate
    // (25 s at 100 000 services).
    let mut names: HashMap<&str, Option<&str>> = HashMap::with_capacity(model.services.len());
    for m in &model.services {
        names.entry(m.id.as_str()).or_insert(m.name.as_deref());
    }
    for (i, x) in s.services.iter().enumerate() {
        let row = i as u32 + 1;
        let name = names.get(x.id.as_str()).copied().flatten().unwrap_or(&x.id);
        ws.write_string(row, 0, name)?;
        ws.write_string(row, 1, &x.id)?;
        ws.write_string(row, 2, &x.tier)?;
        ws.write_number_with_format(row, 3, x.availability, &f.availability)?;
        ws.write_number_with_format(row, 4, x.downtime_hours.mean, &f.hours)?;
        ws.write_number_with_format(row, 5, x.outages.mean, &f.rate)?;
        let o = &x.outage_duration_hours;
        for (col, v) in [(6, o.mean), (7, o.p50), (8, o.p90), (9, o.p99)] {
            ws.write_number_with_format(row, col, v, &f.hours)?;
        }
        opt(ws, row, 10, x.rto_hours, &f.hours)?;
        opt(ws, row, 11, x.rto_met, &f.pct)?;
        opt(ws, row, 12, x.mtpd_hours, &f.hours)?;
        opt(ws, row, 13, x.mtpd_breached, &f.pct)?;
        opt(ws, row, 14, x.rpo_hours, &f.hours)?;
        ws.write_number_with_format(row, 15, x.data_loss_hours.mean, &f.hours)?;
        ws.write_number_with_format(row, 16, x.data_loss_hours.p99, &f.hours)?;
        ws.write_number_with_format(row, 17, x.loss.mean, f.money(x.loss.mean))?;
        opt(ws, row, 18, share(x.loss.mean, total), &f.pct)?;
    }
    Ok(())
}

fn threats(ws: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[2])?;
    header_row(ws, &THREAT_HEADERS, &Period::of(s.horizon_hours), f)?;
    let total: f64 = s.threats.iter().map(|x| x.loss.mean).sum();
    for (i, t) in s.threats.iter().enumerate() {
        let row = i as u32 + 1;
        // Threats have no display name in the scenario language: the id,
        // but random failures in words.
        let name = if t.id == RANDOM_FAILURES {
            "Random failures"
        } else {
            &t.id
        };
        ws.write_string(row, 0, name)?;
        ws.write_string(row, 1, &t.id)?;
        ws.write_string(row, 2, &t.kind)?;
        ws.write_number_with_format(row, 3, t.occurrences.mean, &f.rate)?;
        ws.write_number_with_format(row, 4, t.loss.mean, f.money(t.loss.mean))?;
        opt(ws, row, 5, share(t.loss.mean, total), &f.pct)?;
        opt(ws, row, 6, t.contained_fraction, &f.pct)?;
        opt(ws, row, 7, t.services_compromised_per_attack, &f.rate)?;
        opt(ws, row, 8, t.services_encrypted_per_attack, &f.rate)?;
    }
    Ok(())
}

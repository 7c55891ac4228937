//! `services.csv`, `threats.csv` and `loss_exceedance.csv` for
//! spreadsheets: the same numbers as `summary.json`.
//!
//! Every text cell (ids, names, labels) goes through [`field`], which
//! neutralises formula injection (OWASP's rule: a cell starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
//! spreadsheet shows it as text instead of running it) and quotes per
//! RFC 4180. Numeric cells are written as numbers.

use std::fmt::Write;

use crate::stats::summary::{failures_by_service, RANDOM_FAILURES};
use crate::stats::{Accumulator, LogHist, Summary};

/// A text cell: neutralised against formula injection (a leading `'`
/// before `=`, `+`, `-`, `@`, tab or carriage return, unless the whole
/// cell is a plain number such as `-5`), then quoted when it needs it
/// (RFC 4180).
pub(crate) fn field(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && s.parse::<f64>().map_or(true, |x| !x.is_finite());
    let s = if risky {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// An optional number, empty when absent.
pub(crate) fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

pub(crate) fn services(summary: &Summary) -> Vec<u8> {
    let mut out = String::from(
        "id,tier,availability,downtime_mean_h,downtime_p50_h,downtime_p90_h,downtime_p99_h,\
         outages_mean,outage_mean_h,outage_p50_h,outage_p90_h,outage_p99_h,rto_h,rto_met,\
         mtpd_h,mtpd_breached,rpo_h,data_loss_mean_h,data_loss_p99_h,loss_mean\n",
    );
    for s in &summary.services {
        let d = &s.downtime_hours;
        let o = &s.outage_duration_hours;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            field(&s.id),
            s.tier,
            s.availability,
            d.mean,
            d.p50,
            d.p90,
            d.p99,
            s.outages.mean,
            o.mean,
            o.p50,
            o.p90,
            o.p99,
            opt(s.rto_hours),
            opt(s.rto_met),
            opt(s.mtpd_hours),
            opt(s.mtpd_breached),
            opt(s.rpo_hours),
            s.data_loss_hours.mean,
            s.data_loss_hours.p99,
            s.loss.mean
        );
    }
    out.into_bytes()
}

/// The threats table: random failures, then their split by the service
/// whose own failure started the outage (`random-failures:<service id>`,
/// [`failures_by_service`]; only its loss is filled in), then the threats.
pub(crate) fn threats(summary: &Summary, acc: &Accumulator) -> Vec<u8> {
    let mut out = String::from(
        "id,kind,occurrences_mean,loss_mean,contained_fraction,services_compromised_per_attack,\
         services_encrypted_per_attack\n",
    );
    for t in &summary.threats {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            field(&t.id),
            t.kind,
            t.occurrences.mean,
            t.loss.mean,
            opt(t.contained_fraction),
            opt(t.services_compromised_per_attack),
            opt(t.services_encrypted_per_attack)
        );
        if t.id == RANDOM_FAILURES {
            for (id, loss) in failures_by_service(summary, acc) {
                let id = format!("{RANDOM_FAILURES}:{id}");
                let _ = writeln!(out, "{},{},,{loss},,,", field(&id), t.kind);
            }
        }
    }
    out.into_bytes()
}

/// The loss exceedance curve, one row per non-empty histogram bucket:
/// `annual_loss` is the largest annual loss simulated in the bucket, and
/// `probability_exceeded` the exact fraction of trials that lost strictly
/// more than it.
pub(crate) fn loss_exceedance(hist: &LogHist) -> Vec<u8> {
    let mut out = String::from("annual_loss,probability_exceeded\n");
    for (loss, p) in hist.exceedance() {
        let _ = writeln!(out, "{loss},{p}");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn neutralises_formulas_but_not_numbers() {
        assert_eq!(field("=1+2"), "'=1+2");
        assert_eq!(field("+cmd"), "'+cmd");
        assert_eq!(field("-db"), "'-db");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(
            field("=HYPERLINK(\"a\",\"b\")"),
            "\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\""
        );
        assert_eq!(field("-5"), "-5");
        assert_eq!(field("+0.5"), "+0.5");
        assert_eq!(field("-inf"), "'-inf");
        assert_eq!(field("a=b"), "a=b");
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(field("core-db"), "core-db");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}

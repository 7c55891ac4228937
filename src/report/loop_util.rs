//! What the review-loop reports (`trend`, `explain`, `tornado`,
//! `importance`) share: JSON bytes, safe CSV text cells, a money change
//! with its interval written one way, and the pack.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::review::Delta;

use super::doc::Doc;
use super::pack::{doc_files, render_all, Job};

use crate::fmt::money_change;

/// Pretty JSON with a trailing newline.
///
/// # Errors
/// Serialisation cannot fail for these types; an error is still mapped.
pub(crate) fn json<T: Serialize>(name: &str, value: &T) -> Result<Vec<u8>, Error> {
    let mut v = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Usage(format!("cannot encode {name}: {e}")))?;
    v.push(b'\n');
    Ok(v)
}

/// A CSV text cell: quoted when it needs it (RFC 4180), and prefixed with
/// a single quote when a spreadsheet would run it as a formula (`=`, `+`,
/// `-`, `@`, TAB or CR first; OWASP "CSV Injection").
pub(crate) fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// An optional number as a CSV cell (empty when absent).
pub(crate) fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// A signed money amount, written one way: `EUR +1,234`, `EUR -56`.
pub(crate) fn signed(currency: &str, x: f64) -> String {
    money_change(currency, x)
}

/// `EUR +1,234 [EUR +100, EUR +2,368]`, and whether it is significant.
pub(crate) fn delta(currency: &str, d: &Delta) -> String {
    format!(
        "{} [{}, {}]",
        signed(currency, d.mean),
        signed(currency, d.ci95[0]),
        signed(currency, d.ci95[1])
    )
}

/// `yes` when the 95% interval excludes 0.
pub(crate) fn significant(d: &Delta) -> &'static str {
    if d.significant {
        "yes"
    } else {
        "no"
    }
}

/// A review-loop pack: its data `files`, then its `charts` and the report
/// (Markdown and HTML, the charts inlined).
///
/// # Errors
/// A chart that fails to render.
pub(crate) fn pack(
    mut files: Vec<(String, Vec<u8>)>,
    charts: &[Job<'_>],
    doc: &Doc,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let charts = render_all(charts)?;
    files.extend(doc_files(doc, charts, &BTreeMap::new()));
    Ok(files)
}

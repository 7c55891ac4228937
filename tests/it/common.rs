//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root (where Cargo.toml is).
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled scenario by file name.
pub(crate) fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(name)
}

/// The `bcdr` binary under test.
pub(crate) fn bcdr() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("bcdr").expect("the bcdr binary is built")
}

/// `got` is within `tolerance` of `expected` (inclusive).
#[track_caller]
pub(crate) fn assert_close(what: &str, got: f64, expected: f64, tolerance: f64) {
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got}, expected {expected} ± {tolerance}"
    );
}

/// Write a scenario `name` into `dir`; its path.
/// P(up at t | up at 0) for an alternating renewal process with
/// exponential lifetimes (rate l) and repairs (rate m).
pub(crate) fn p_up(l: f64, m: f64, t: f64) -> f64 {
    m / (l + m) + l / (l + m) * (-(l + m) * t).exp()
}

/// ∫₀ᴴ f(t) dt by composite Simpson's rule (error far below any SE here).
pub(crate) fn integrate(h: f64, f: impl Fn(f64) -> f64) -> f64 {
    let n = 200_000;
    let dx = h / n as f64;
    let mut s = f(0.0) + f(h);
    for i in 1..n {
        s += f(i as f64 * dx) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * dx / 3.0
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes the scenario");
    path
}

/// Read and parse a JSON file.
pub(crate) fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()))
}

/// Standard base64 (RFC 4648) with padding, written independently of the
/// crate's encoder (crate-private, checked there against the RFC vectors),
/// to find a PNG's data URI in a page.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (String::new(), 0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(ABC[((acc >> bits) & 63) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ABC[((acc << (6 - bits)) & 63) as usize]));
    }
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

/// A site disaster destroys four services, each restored from backup in
/// Exp(10 h); the Business-tier service needs all four. `plan` is appended
/// to the scenario's fields: `""` (unlimited crews) or
/// `", plan: Plan(crews: 2)"`.
pub(crate) fn site_disaster(plan: &str) -> String {
    format!(
        r#"Scenario(name: "dc fire", sites: [Site(id: "dc")], services: [
        Service(id: "s1", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
        Service(id: "s2", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
        Service(id: "s3", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
        Service(id: "s4", site: "dc", backup: (interval: "1h", restore: Exponential(mean: "10h"))),
        Service(id: "biz", tier: Business, depends_on: ["s1", "s2", "s3", "s4"]),
    ], threats: [Disaster(id: "fire", rate_per_year: 0.01, targets: [Site("dc")])] {plan})"#
    )
}

/// Running scenarios given as text through the library.
pub(crate) mod engine {
    use bcdr::model::Model;
    use bcdr::sim::{self, Mode, SimPlan};
    use bcdr::stats::{Accumulator, Summary};

    pub(crate) struct Run {
        pub model: Model,
        pub acc: Accumulator,
        pub summary: Summary,
    }

    impl Run {
        /// The summary of threat `id`.
        pub(crate) fn threat(&self, id: &str) -> &bcdr::stats::ThreatSummary {
            self.summary
                .threats
                .iter()
                .find(|t| t.id == id)
                .expect("threat in summary")
        }
    }

    /// Seed of every closed-form test (any seed must pass).
    pub(crate) const SEED: u64 = 20261121;

    fn go(text: &str, mode: impl Fn(&Model) -> Mode, trials: u64) -> Run {
        let model = bcdr::scenario::parse_str(text)
            .unwrap_or_else(|e| panic!("test scenario invalid: {e}"));
        let plan = SimPlan::compile(&model);
        let acc = sim::simulate(&plan, mode(&model), SEED, 0..trials, None, None)
            .expect("simulation runs");
        let summary = Summary::build(&model, SEED, &acc);
        Run {
            model,
            acc,
            summary,
        }
    }

    /// The annual run of a scenario.
    pub(crate) fn annual(text: &str, trials: u64) -> Run {
        go(text, |_| Mode::Annual, trials)
    }

    /// A drill of one threat.
    pub(crate) fn drill(text: &str, threat: &str, trials: u64) -> Run {
        go(
            text,
            |m| {
                Mode::Drill(
                    m.threat_id(threat)
                        .unwrap_or_else(|| panic!("no threat {threat}"))
                        .0,
                )
            },
            trials,
        )
    }
}

/// Checks of written files, and parsers for the numbers of the reports
/// (the inverse of `bcdr::fmt`).
pub(crate) mod files {
    use std::path::Path;

    /// Decode a PNG completely; its size.
    pub(crate) fn png(path: &Path) -> (u32, u32) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!bytes.is_empty(), "{} is empty", path.display());
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder
            .read_info()
            .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", path.display()));
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader
            .next_frame(&mut buf)
            .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
        assert!(info.width > 0 && info.height > 0);
        (info.width, info.height)
    }

    /// Parse an SVG as XML; its text.
    pub(crate) fn svg(path: &Path) -> String {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{} is not well-formed: {e}", path.display()));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(doc.descendants().count() > 5, "{} is empty", path.display());
        text
    }

    /// Every attribute value that could load something.
    fn references(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        for key in ["src=\"", "href=\"", "src='", "href='", "url("] {
            let mut rest = html;
            while let Some(i) = rest.find(key) {
                let after = &rest[i + key.len()..];
                let end = after.find(['"', '\'', ')']).unwrap_or(after.len()).min(200);
                out.push(after[..end].to_string());
                rest = after;
            }
        }
        out
    }

    /// A page that loads nothing from anywhere: no scripts, styles or fonts
    /// from outside, every `src`/`href`/`url()` a data URI or a fragment,
    /// and no http(s) address except the SVG namespace.
    pub(crate) fn self_contained_html(html: &str) {
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
        let lower = html.to_ascii_lowercase();
        for tag in [
            "<link", "<script", "@import", "<iframe", "<object", "<embed",
        ] {
            assert!(!lower.contains(tag), "the page contains {tag}");
        }
        for r in references(html) {
            assert!(
                r.starts_with("data:") || r.starts_with('#'),
                "external reference {r:?}"
            );
        }
        // Scan the page without its data URIs: base64 can spell "http".
        let mut text = String::with_capacity(lower.len());
        let mut rest = lower.as_str();
        while let Some(i) = rest.find("data:") {
            text.push_str(&rest[..i]);
            let after = &rest[i..];
            let end = after.find(['"', '\'', ')']).unwrap_or(after.len());
            rest = &after[end..];
        }
        text.push_str(rest);
        let mut rest = text.as_str();
        while let Some(i) = rest.find("http") {
            let tail = &rest[i..];
            assert!(
                tail.starts_with("http://www.w3.org/2000/svg")
                    || tail.starts_with("http://www.w3.org/1999/xlink"),
                "an address in the page: {}",
                &tail[..tail.len().min(60)]
            );
            rest = &rest[i + 4..];
        }
    }

    /// "EUR 1,234,567" (or "1,234", "EUR -1,000") → 1234567.
    pub(crate) fn money(s: &str) -> f64 {
        let digits: String = s
            .trim()
            .trim_start_matches(|c: char| c.is_alphabetic() || c == ' ')
            .replace(',', "");
        digits
            .parse()
            .unwrap_or_else(|e| panic!("not money: {s:?}: {e}"))
    }

    /// "12.3%" → 0.123.
    pub(crate) fn pct(s: &str) -> f64 {
        let v: f64 = s
            .trim()
            .strip_suffix('%')
            .unwrap_or_else(|| panic!("not a percentage: {s:?}"))
            .parse()
            .unwrap_or_else(|e| panic!("not a percentage: {s:?}: {e}"));
        v / 100.0
    }

    /// "45m", "4.25h", "2.5d" → hours, and the precision of the text
    /// (half a unit of its last decimal, in hours).
    pub(crate) fn hours(s: &str) -> (f64, f64) {
        let s = s.trim();
        let (num, unit) = s.split_at(s.len() - 1);
        let scale = match unit {
            "m" => 1.0 / 60.0,
            "h" => 1.0,
            "d" => 24.0,
            _ => panic!("not a duration: {s:?}"),
        };
        let v: f64 = num
            .parse()
            .unwrap_or_else(|e| panic!("not a duration: {s:?}: {e}"));
        // format_hours keeps two decimals and trims zeros.
        (v * scale, 0.005 * scale)
    }

    /// The rows of the first table after the heading `## heading` of a
    /// Markdown report (header row and rule left out), cells unescaped.
    pub(crate) fn md_table(md: &str, heading: &str) -> Vec<Vec<String>> {
        let start = md
            .find(&format!("\n## {heading}\n"))
            .unwrap_or_else(|| panic!("no section {heading:?}"));
        let section = &md[start + heading.len() + 5..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        let rows: Vec<Vec<String>> = section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|l| {
                let inner = l.trim().trim_start_matches('|').trim_end_matches('|');
                split_cells(inner)
                    .into_iter()
                    .map(|c| c.trim().replace("\\|", "|").replace('\\', ""))
                    .collect()
            })
            .collect();
        assert!(!rows.is_empty(), "no table under {heading:?}");
        rows
    }

    fn split_cells(row: &str) -> Vec<String> {
        let mut cells = vec![String::new()];
        let mut escaped = false;
        for c in row.chars() {
            if c == '|' && !escaped {
                cells.push(String::new());
            } else if let Some(last) = cells.last_mut() {
                last.push(c);
            }
            escaped = c == '\\';
        }
        cells
    }
}

/// The message of the planning warning whose field path ends with
/// `path`; panics, listing them all, when there is none.
pub(crate) fn warning_at(warnings: &[bcdr::scenario::Warning], path: &str) -> String {
    warnings
        .iter()
        .find(|w| w.path.ends_with(path))
        .map(|w| w.message.clone())
        .unwrap_or_else(|| panic!("no warning at {path}: {warnings:?}"))
}

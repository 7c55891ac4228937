//! A small document model for the review pack, rendered twice: as
//! Markdown (`report.md`, charts linked as the files next to it) and as a
//! self-contained HTML page (`report.html`: inline CSS, charts inline as
//! base64 PNG data URIs, the dependency graph as inline SVG, no external
//! request of any kind). Both come from the same blocks, so they carry the
//! same numbers.

use std::collections::BTreeMap;
use std::fmt::Write;

/// A run of text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Span {
    Text(String),
    Strong(String),
    Code(String),
}

/// Text with emphasis: `vec![t("a "), b("bold"), t(".")]`.
pub(crate) type Spans = Vec<Span>;

pub(crate) fn t(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}
pub(crate) fn b(s: impl Into<String>) -> Span {
    Span::Strong(s.into())
}
pub(crate) fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

impl Align {
    /// The columns of a table of `left` columns of labels, then `right`
    /// columns of numbers.
    pub(crate) fn columns(left: usize, right: usize) -> Vec<Align> {
        let mut align = vec![Align::Left; left];
        align.resize(left + right, Align::Right);
        align
    }
}

// `CodeBlock`, not `Code`: `Span::Code` is inline code.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading(u8, String),
    Para(Spans),
    Bullets(Vec<Spans>),
    Table {
        head: Vec<String>,
        align: Vec<Align>,
        rows: Vec<Vec<String>>,
    },
    /// A chart: `<stem>.png` next to the report, inline in the HTML.
    Figure {
        stem: String,
        caption: String,
    },
    /// An SVG drawing: `<file>` next to the report, inline in the HTML.
    Drawing {
        file: String,
        caption: String,
    },
    CodeBlock(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub(crate) fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    pub(crate) fn h2(&mut self, s: impl Into<String>) -> &mut Self {
        self.push(Block::Heading(2, s.into()))
    }

    pub(crate) fn para(&mut self, spans: Spans) -> &mut Self {
        self.push(Block::Para(spans))
    }

    /// A `Charts` section: a figure per chart, as `(stem, caption)`.
    pub(crate) fn charts(&mut self, charts: &[(&str, &str)]) -> &mut Self {
        self.h2("Charts");
        for (stem, caption) in charts {
            self.push(Block::Figure {
                stem: stem.to_string(),
                caption: caption.to_string(),
            });
        }
        self
    }

    /// The Markdown text.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", md_escape(&self.title));
        for block in &self.blocks {
            match block {
                Block::Heading(level, s) => {
                    let _ = writeln!(
                        out,
                        "{} {}\n",
                        "#".repeat(usize::from(*level)),
                        md_escape(s)
                    );
                }
                Block::Para(spans) => {
                    let _ = writeln!(out, "{}\n", md_spans(spans));
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", md_spans(item));
                    }
                    out.push('\n');
                }
                Block::Table { head, align, rows } => {
                    let cell = |s: &String| md_escape(s).replace('|', "\\|");
                    let _ = writeln!(
                        out,
                        "| {} |",
                        head.iter().map(cell).collect::<Vec<_>>().join(" | ")
                    );
                    let rule: Vec<&str> = (0..head.len())
                        .map(|i| match align.get(i) {
                            Some(Align::Right) => "---:",
                            _ => "---",
                        })
                        .collect();
                    let _ = writeln!(out, "| {} |", rule.join(" | "));
                    for row in rows {
                        let _ = writeln!(
                            out,
                            "| {} |",
                            row.iter().map(cell).collect::<Vec<_>>().join(" | ")
                        );
                    }
                    out.push('\n');
                }
                Block::Figure { stem, caption } => {
                    let _ = writeln!(
                        out,
                        "![{}]({stem}.png)\n\n*{}* ([SVG]({stem}.svg))\n",
                        md_escape(caption),
                        md_escape(caption)
                    );
                }
                Block::Drawing { file, caption } => {
                    let _ = writeln!(out, "![{}]({file})\n", md_escape(caption));
                }
                Block::CodeBlock(s) => {
                    // A fence longer than any run of backticks inside, so
                    // a file name cannot close it.
                    let fence = "`".repeat(longest_run(s, '`').max(2) + 1);
                    let _ = writeln!(out, "{fence}\n{s}\n{fence}\n");
                }
            }
        }
        out
    }

    /// The self-contained HTML page. `pngs` maps a figure's stem to its
    /// PNG bytes; `drawings` maps a drawing's file to its SVG text. A
    /// figure or drawing without bytes is left out with a note.
    pub(crate) fn html(
        &self,
        pngs: &BTreeMap<String, Vec<u8>>,
        drawings: &BTreeMap<String, String>,
    ) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            html_escape(&self.title),
            html_escape(&self.title)
        );
        for block in &self.blocks {
            match block {
                Block::Heading(level, s) => {
                    let l = (*level).clamp(2, 6);
                    let _ = writeln!(out, "<h{l}>{}</h{l}>", html_escape(s));
                }
                Block::Para(spans) => {
                    let _ = writeln!(out, "<p>{}</p>", html_spans(spans));
                }
                Block::Bullets(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", html_spans(item));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table { head, align, rows } => {
                    out.push_str(if head.len() > WIDE {
                        "<div class=\"table\"><table class=\"wide\">\n<thead><tr>"
                    } else {
                        "<div class=\"table\"><table>\n<thead><tr>"
                    });
                    let class = |i: usize| match align.get(i) {
                        Some(Align::Right) => " class=\"num\"",
                        _ => "",
                    };
                    for (i, h) in head.iter().enumerate() {
                        let _ = write!(out, "<th{}>{}</th>", class(i), html_escape(h));
                    }
                    out.push_str("</tr></thead>\n<tbody>\n");
                    for row in rows {
                        out.push_str("<tr>");
                        for (i, c) in row.iter().enumerate() {
                            let _ = write!(out, "<td{}>{}</td>", class(i), html_escape(c));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody></table></div>\n");
                }
                Block::Figure { stem, caption } => match pngs.get(stem) {
                    Some(png) => {
                        let _ = writeln!(
                            out,
                            "<figure><img src=\"data:image/png;base64,{}\" alt=\"{}\">\
                             <figcaption>{}</figcaption></figure>",
                            base64(png),
                            html_escape(caption),
                            html_escape(caption)
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "<p class=\"note\">(chart {} missing)</p>",
                            html_escape(stem)
                        );
                    }
                },
                Block::Drawing { file, caption } => match drawings.get(file) {
                    Some(svg) => {
                        let _ = writeln!(
                            out,
                            "<figure class=\"drawing\"><div class=\"scroll\">{}</div>\
                             <figcaption>{}</figcaption></figure>",
                            inline_svg(svg),
                            html_escape(caption)
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "<p class=\"note\">(drawing {} missing)</p>",
                            html_escape(file)
                        );
                    }
                },
                Block::CodeBlock(s) => {
                    let _ = writeln!(out, "<pre><code>{}</code></pre>", html_escape(s));
                }
            }
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }
}

/// Print-friendly and projector-friendly, no web fonts. On screen a wide
/// table (more than [`WIDE`] columns) is set smaller so that even the
/// drill's 17 columns fit a 1280 px window; in print the page is A4
/// landscape, every table shrinks to the page width (no column is cut),
/// and the dependency graph is scaled to fit the page instead of scrolling.
const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#222;\
background:#fff;margin:0;line-height:1.45}\
main{max-width:1320px;margin:0 auto;padding:24px 32px}\
h1{font-size:2em;margin:.3em 0}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:1.8em}\
p.lead{font-size:1.08em;color:#333;max-width:60em}\
table{border-collapse:collapse;font-size:.92em}th,td{padding:4px 10px;border-bottom:1px solid #ddd;\
text-align:left;vertical-align:top}th{background:#f2f2f2}td.num,th.num{text-align:right;\
font-variant-numeric:tabular-nums}.table{overflow-x:auto}\
table.wide{font-size:.78em}table.wide th,table.wide td{padding:3px 5px}\
table.wide td.num{white-space:nowrap}\
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}\
figcaption{color:#555;font-size:.92em;margin-top:.4em}.scroll{overflow:auto;max-height:900px;\
border:1px solid #ddd}pre{background:#f6f6f6;padding:10px;overflow-x:auto}.note{color:#777}\
@page{size:A4 landscape;margin:10mm}\
@media print{body{font-size:9.5pt;line-height:1.3}main{max-width:none;padding:0}\
h1{font-size:1.6em}h2{page-break-before:auto;page-break-after:avoid;break-after:avoid;\
margin-top:1.2em}h2+p,h2+.table,h2+figure,h2+p+.table{break-before:avoid;page-break-before:avoid}\
p{orphans:3;widows:3}\
figure{page-break-inside:avoid}figure img{max-height:170mm;width:auto;max-width:100%}\
.table{overflow:visible}table{width:100%;font-size:7.5pt;page-break-inside:auto}\
table.wide{font-size:6.5pt}th,td,table.wide th,table.wide td{padding:2px 3px}\
tr{page-break-inside:avoid}thead{display:table-header-group}\
.scroll{overflow:visible;max-height:none;border:none}\
.scroll svg{width:100%;height:auto;max-height:175mm}pre{white-space:pre-wrap}}";

/// Tables with more columns than this are set smaller.
pub(crate) const WIDE: usize = 10;

/// An SVG document ready to sit inside HTML: without its XML declaration.
fn inline_svg(svg: &str) -> &str {
    let s = svg.trim_start();
    match s.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(s, |i| rest[i + 2..].trim_start()),
        None => s,
    }
}

pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escape what Markdown would read as formatting in ids and names: the
/// markup characters get a backslash (`<` too, so no raw HTML gets
/// through), and control characters (a line break would end the
/// paragraph, or start a heading) become spaces.
pub(crate) fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push(' ');
            continue;
        }
        if "\\`*_[]<>#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`md_escape`] for a table cell: `|` escaped as well.
pub(crate) fn md_cell(s: &str) -> String {
    md_escape(s).replace('|', "\\|")
}

/// An inline code span that its content cannot break out of: fenced by
/// more backticks than any run inside it (CommonMark), padded when the
/// content starts or ends with one, control characters as spaces. Code
/// spans show their content literally, raw HTML included.
pub(crate) fn md_code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

fn md_spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(x) => md_escape(x),
            Span::Strong(x) => format!("**{}**", md_escape(x)),
            Span::Code(x) => md_code(x),
        })
        .collect()
}

fn html_spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(x) => html_escape(x),
            Span::Strong(x) => format!("<strong>{}</strong>", html_escape(x)),
            Span::Code(x) => format!("<code>{}</code>", html_escape(x)),
        })
        .collect()
}

/// Standard base64 (RFC 4648) with padding.
///
/// Every chart of the review pack goes through it (a PNG embedded in
/// `report.html`), so whole 3-byte groups take a straight path of four
/// table lookups.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    let sextet = |n: u32, i: u32| ABC[(n >> (18 - 6 * i)) as usize & 63];
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend_from_slice(&[sextet(n, 0), sextet(n, 1), sextet(n, 2), sextet(n, 3)]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend_from_slice(&[sextet(n, 0), sextet(n, 1), b'=', b'=']);
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend_from_slice(&[sextet(n, 0), sextet(n, 1), sextet(n, 2), b'=']);
        }
        _ => {}
    }
    // Only bytes of the alphabet and '=' were written: always ASCII.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_labels_then_numbers() {
        use Align::{Left, Right};
        assert_eq!(Align::columns(2, 3), vec![Left, Left, Right, Right, Right]);
        assert_eq!(Align::columns(1, 0), vec![Left]);
        assert_eq!(Align::columns(0, 2), vec![Right, Right]);
    }

    #[test]
    fn charts_section_is_a_heading_then_one_figure_per_chart() {
        let mut doc = Doc::new("t");
        doc.charts(&[("a", "A chart"), ("b", "B chart")]);
        assert_eq!(
            doc.blocks,
            vec![
                Block::Heading(2, "Charts".into()),
                Block::Figure {
                    stem: "a".into(),
                    caption: "A chart".into()
                },
                Block::Figure {
                    stem: "b".into(),
                    caption: "B chart".into()
                },
            ]
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    /// The plain definition: each group of up to three bytes is four
    /// characters, '=' for the sextets past the input.
    fn base64_plain(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                | u32::from(*chunk.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_matches_the_plain_definition_on_every_byte_and_length() {
        let bytes: Vec<u8> = (0..=255u8)
            .chain((0..=255u8).rev())
            .chain([7, 0, 255])
            .collect();
        for len in 0..bytes.len() {
            assert_eq!(
                base64(&bytes[..len]),
                base64_plain(&bytes[..len]),
                "length {len}"
            );
        }
    }

    #[test]
    fn renders_both_ways_and_escapes() {
        let mut doc = Doc::new("A <b> & c_d");
        doc.h2("Numbers")
            .para(vec![
                t("loss "),
                b("EUR 1,000"),
                t(" for "),
                code("core_db"),
            ])
            .push(Block::Table {
                head: vec!["id".into(), "value".into()],
                align: vec![Align::Left, Align::Right],
                rows: vec![vec!["a|b".into(), "1".into()]],
            })
            .push(Block::Figure {
                stem: "chart".into(),
                caption: "The chart".into(),
            });
        let md = doc.markdown();
        assert!(md.starts_with("# A \\<b\\> & c\\_d\n"));
        assert!(md.contains("**EUR 1,000**"));
        assert!(md.contains("| a\\|b | 1 |"));
        assert!(md.contains("| --- | ---: |"));
        assert!(md.contains("![The chart](chart.png)"));
        let mut pngs = BTreeMap::new();
        pngs.insert("chart".to_string(), vec![1u8, 2, 3]);
        let html = doc.html(&pngs, &BTreeMap::new());
        assert!(html.contains("<title>A &lt;b&gt; &amp; c_d</title>"));
        assert!(html.contains("src=\"data:image/png;base64,AQID\""));
        assert!(html.contains("<td class=\"num\">1</td>"));
    }

    #[test]
    fn ids_cannot_break_out_of_markdown() {
        assert_eq!(md_code("core-db"), "`core-db`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_code("a\n# b"), "`a # b`");
        assert_eq!(
            md_escape("<img src=x onerror=alert(1)>"),
            "\\<img src=x onerror=alert(1)\\>"
        );
        assert_eq!(md_escape("a\n# b"), "a \\# b");
        assert_eq!(md_cell("a|b"), "a\\|b");
        let mut doc = Doc::new("t");
        doc.push(Block::CodeBlock("bcdr run 'x\n```\n<b>'".into()));
        let md = doc.markdown();
        assert!(md.contains("````\nbcdr run 'x\n```\n<b>'\n````\n"), "{md}");
        let mut doc = Doc::new("t");
        doc.push(Block::CodeBlock("bcdr run x.ron".into()));
        assert!(doc.markdown().contains("```\nbcdr run x.ron\n```\n"));
    }

    #[test]
    fn inline_svg_drops_the_xml_declaration() {
        assert_eq!(
            inline_svg("<?xml version=\"1.0\"?>\n<svg></svg>"),
            "<svg></svg>"
        );
        assert_eq!(inline_svg("<svg/>"), "<svg/>");
    }
}

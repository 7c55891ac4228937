//! What the review-pack charts share beyond [`super`]: tick label formats,
//! log ranges that end on whole decades, row labels drawn beside a plot,
//! and the "nothing to draw" chart.
//!
//! plotters does not clip elements to the plotting area, so every chart
//! clamps its data to the ranges it built; the helpers here return ranges
//! that already contain the data with some room.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::HOURS_PER_YEAR;

use super::{draw_err, font, GREY, LABEL_SIZE, TICK_SIZE, TITLE_SIZE};

/// Money on an axis: "950", "12k", "3.4M", "1.2bn", "5tn" (the currency
/// is in the axis description). Below one unit three significant digits
/// ("0.0015": two decimals read ticks 0.005 to 0.015 as "0.01" and 1e-6 as
/// "0"); powers of ten below 1e-4 and from 1e15 ("2e-6"); "0" below 1e-9
/// (under the engine's unit of 2^-32, and a tick's rounding residue).
pub(crate) fn money_short(x: f64) -> String {
    let a = x.abs();
    if a < 1e-9 {
        return "0".to_string();
    }
    if !(1e-4..1e15).contains(&a) {
        return scientific(x);
    }
    if a < 1.0 {
        // Three significant digits: 0.5 has three decimals, 0.0123 four.
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        return trimmed(format!("{x:.decimals$}"));
    }
    let (v, unit) = if a >= 1e12 {
        (x / 1e12, "tn")
    } else if a >= 1e9 {
        (x / 1e9, "bn")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    format!("{}{unit}", significant(v))
}

/// `x` in powers of ten, three significant digits: "2e-6", "1.5e15".
fn scientific(x: f64) -> String {
    let s = format!("{x:.2e}");
    match s.split_once('e') {
        Some((mantissa, exponent)) => format!("{}e{exponent}", trimmed(mantissa.to_string())),
        None => s,
    }
}

/// A decimal without trailing zeros after its point ("0.500" is "0.5").
fn trimmed(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Up to three significant digits, trailing zeros trimmed.
fn significant(v: f64) -> String {
    let s = if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    trimmed(s)
}

/// Hours on an axis: "30m", "4h", "2.5d".
pub(crate) fn hours_short(h: f64) -> String {
    if h <= 0.0 {
        "0".to_string()
    } else {
        crate::fmt::format_hours(h)
    }
}

/// A probability as a percentage with as many decimals as it needs:
/// "50%", "5%", "0.1%", "0.01%".
pub(crate) fn percent_short(p: f64) -> String {
    let pct = p * 100.0;
    if pct == 0.0 {
        return "0%".to_string();
    }
    let decimals = if pct >= 1.0 {
        0
    } else {
        (-pct.log10()).ceil() as usize
    };
    format!("{pct:.decimals$}%")
}

/// A tick of a percentage axis: [`percent_short`], but a tick with a short
/// exact decimal keeps it ("1.5%", "2.5%", "0.25%"), so that the ticks
/// 1.5%, 2% and 2.5% do not all read "2%".
pub(crate) fn percent_tick(p: f64) -> String {
    let pct = p * 100.0;
    if pct == 0.0 {
        return "0%".to_string();
    }
    let exact = (0..=2usize).find(|&d| {
        let scale = 10f64.powi(d as i32);
        ((pct * scale).round() / scale - pct).abs() <= 1e-9 * pct.abs()
    });
    let decimals = if pct.abs() >= 1.0 {
        exact.unwrap_or(0)
    } else {
        let least = (-pct.abs().log10()).ceil() as usize;
        exact.map_or(least, |d| d.max(least))
    };
    format!("{pct:.decimals$}%")
}

/// Tick marks of a log axis over `[lo, hi]`: 1, 2 and 5 times each power
/// of ten inside it (only the powers of ten when that makes more than
/// `max`). plotters' own log ticks repeat each power of ten, which draws
/// its label twice.
pub(crate) fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    let at = |k: i32, m: f64| {
        if k >= 0 {
            m * 10f64.powi(k)
        } else {
            m / 10f64.powi(-k)
        }
    };
    let inside = |v: &f64| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9);
    let all: Vec<f64> = (first..=last)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| at(k, m)))
        .filter(inside)
        .collect();
    if all.len() <= max {
        return all;
    }
    (first..=last).map(|k| at(k, 1.0)).filter(inside).collect()
}

/// A log range containing `[lo, hi]` (both > 0), widened to whole decades
/// and at least one decade wide.
pub(crate) fn decades(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo > 0.0 && lo.is_finite() { lo } else { 1.0 };
    let hi = if hi.is_finite() { hi.max(lo) } else { lo };
    let a = 10f64.powf(lo.log10().floor());
    let mut b = 10f64.powf(hi.log10().ceil());
    if b <= a {
        b = a * 10.0;
    }
    (a, b)
}

/// A log range containing `[lo, hi]` (both > 0) whose ends are 1, 2 or 5
/// times a power of ten: tighter than [`decades`] when the data span less
/// than a few decades.
pub(crate) fn round_log_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo > 0.0 && lo.is_finite() { lo } else { 1.0 };
    let hi = if hi.is_finite() { hi.max(lo) } else { lo };
    let steps = [1.0, 2.0, 5.0, 10.0];
    let d = 10f64.powf(lo.log10().floor());
    let a = steps
        .iter()
        .rev()
        .map(|m| m * d)
        .find(|v| *v <= lo * (1.0 + 1e-12))
        .unwrap_or(d);
    let d = 10f64.powf(hi.log10().floor());
    let mut b = steps
        .iter()
        .map(|m| m * d)
        .find(|v| *v >= hi * (1.0 - 1e-12))
        .unwrap_or(10.0 * d);
    if b <= a {
        b = a * 2.0;
    }
    (a, b)
}

/// Durations a planner reads at a glance, in hours: 1m … 1y.
const HOUR_TICKS: [f64; 20] = [
    1.0 / 60.0,
    5.0 / 60.0,
    0.25,
    0.5,
    1.0,
    2.0,
    4.0,
    8.0,
    12.0,
    24.0,
    48.0,
    96.0,
    168.0,
    336.0,
    720.0,
    1440.0,
    2160.0,
    4380.0,
    HOURS_PER_YEAR,
    2.0 * HOURS_PER_YEAR,
];

/// A log range of hours containing `[lo, hi]` whose ends are round
/// durations (see `HOUR_TICKS`), and the round durations inside it as
/// tick marks (at most about a dozen).
pub(crate) fn hour_axis(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let lo = if lo > 0.0 && lo.is_finite() { lo } else { 1.0 };
    let hi = if hi.is_finite() { hi.max(lo) } else { lo };
    let a = HOUR_TICKS
        .iter()
        .rev()
        .copied()
        .find(|v| *v <= lo * (1.0 + 1e-12))
        .unwrap_or(lo);
    let mut b = HOUR_TICKS
        .iter()
        .copied()
        .find(|v| *v >= hi * (1.0 - 1e-12))
        .unwrap_or(hi);
    if b <= a {
        b = HOUR_TICKS
            .iter()
            .copied()
            .find(|v| *v > a)
            .unwrap_or(a * 2.0);
    }
    let inside: Vec<f64> = HOUR_TICKS
        .iter()
        .copied()
        .filter(|v| *v >= a * (1.0 - 1e-12) && *v <= b * (1.0 + 1e-12))
        .collect();
    let step = inside.len().div_ceil(12).max(1);
    let ticks = inside.into_iter().step_by(step).collect();
    (a, b, ticks)
}

/// A legend entry of a [`header`]: how its mark is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    /// A filled box.
    Bar(RGBColor),
    /// A line of this width.
    Line(RGBColor, u32),
    /// A short vertical mark (a target).
    Tick(RGBColor),
}

/// Height of a [`header`]: the title and one row of legend entries.
pub(crate) const HEADER: u32 = 100;

/// A title and, under it, the legend as one centred row of entries; for
/// charts whose plot is full of rows and has no room for a legend box.
/// Build the chart below it with `margin_top(HEADER)` and no caption.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    keys: &[(Key, &str)],
) -> Result<(), String> {
    let (w, _) = area.dim_in_pixel();
    let w = w as i32;
    centred_title(area, title, 30)?;
    let style = font(TICK_SIZE);
    let widths: Vec<i32> = keys
        .iter()
        .map(|(_, label)| {
            area.estimate_text_size(label, &style)
                .map_or(label.chars().count() as i32 * 10, |(tw, _)| tw as i32)
        })
        .collect();
    let (mark, gap, space) = (30, 8, 28);
    let total: i32 = widths.iter().map(|tw| mark + gap + tw).sum::<i32>()
        + space * (keys.len() as i32 - 1).max(0);
    let mut x = (w - total) / 2;
    let y = 72;
    for ((key, label), tw) in keys.iter().zip(widths) {
        match *key {
            Key::Bar(c) => area
                .draw(&Rectangle::new([(x, y - 8), (x + mark, y + 8)], c.filled()))
                .map_err(draw_err)?,
            Key::Line(c, width) => area
                .draw(&PathElement::new(
                    [(x, y), (x + mark, y)],
                    c.stroke_width(width),
                ))
                .map_err(draw_err)?,
            Key::Tick(c) => area
                .draw(&PathElement::new(
                    [(x + mark / 2, y - 11), (x + mark / 2, y + 11)],
                    c.stroke_width(4),
                ))
                .map_err(draw_err)?,
        }
        text(
            area,
            label,
            (x + mark + gap, y),
            style.clone(),
            (HPos::Left, VPos::Center),
        )?;
        x += mark + gap + tw + space;
    }
    Ok(())
}

/// Round steps of a linear time axis, in hours: 1m … 90d.
const HOUR_STEPS: [f64; 17] = [
    1.0 / 60.0,
    5.0 / 60.0,
    0.25,
    0.5,
    1.0,
    2.0,
    3.0,
    6.0,
    12.0,
    24.0,
    48.0,
    72.0,
    168.0,
    336.0,
    720.0,
    1440.0,
    2160.0,
];

/// The step of a linear time axis from 0 to `end` hours: the smallest
/// round step that gives at most `max` intervals (use it with plotters'
/// `.step()` and `x_labels(max + 2)`).
pub(crate) fn hour_step(end: f64, max: usize) -> f64 {
    let end = if end > 0.0 && end.is_finite() {
        end
    } else {
        1.0
    };
    let max = max.max(1) as f64;
    HOUR_STEPS
        .iter()
        .copied()
        .find(|s| end / s <= max)
        .unwrap_or_else(|| (end / max / HOURS_PER_YEAR).ceil() * HOURS_PER_YEAR)
}

/// The legend box every chart uses, at `position`.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(font(TICK_SIZE))
        .legend_area_size(45)
        .background_style(WHITE.mix(0.92))
        .border_style(GREY)
        .margin(10)
        .draw()
        .map_err(draw_err)
}

/// A linear range `[0, hi]` with a little headroom, never empty.
pub(crate) fn zero_to(hi: f64) -> f64 {
    if hi > 0.0 && hi.is_finite() {
        hi * 1.08
    } else {
        1.0
    }
}

/// The title style that fits `title` in `area`'s width (from
/// [`TITLE_SIZE`] down to 22 px), and the title, cut with an ellipsis if
/// even that is too wide (see [`fit_cut`]).
///
/// # Complexity
/// O(n log n) in the title's length n: at most seven measurements of the
/// whole title for the size, and O(log n) of prefixes for the cut.
pub(crate) fn title_fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> (TextStyle<'static>, String) {
    let room = area.dim_in_pixel().0.saturating_sub(60);
    let width = |t: &str, size: u32| {
        area.estimate_text_size(t, &font(size))
            .map_or(t.chars().count() as u32 * size / 2, |(w, _)| w)
    };
    let mut size = TITLE_SIZE;
    while size > 22 && width(title, size) > room {
        size -= 2;
    }
    let text = fit_cut(title, TITLE_KEEP, |t| width(t, size) <= room);
    (font(size), text)
}

/// The fewest characters [`title_fit`] cuts a title to.
const TITLE_KEEP: usize = 10;

/// `title` as it is if it `fits` or has at most `min` characters;
/// otherwise `clip_label(title, k)` for the largest `k` below its length
/// (and above `min`) whose clip fits, or `clip_label(title, min)` if none
/// does. This is the cut that removing one character at a time until the
/// clip fits gives, found by bisection.
///
/// Bisection finds that cut because a clip's width never shrinks as `k`
/// grows: a clip is a prefix and an ellipsis, and the embedded font
/// (DejaVu Sans, whose `kern` table is the only kerning plotters applies)
/// has no kerning pair with the ellipsis, none with a glyph that has no
/// advance, and none that takes back a glyph's whole advance (the
/// smallest advance plus kerning is 236 of 2048 units). The whole title
/// is tried on its own, since it has no ellipsis.
///
/// # Complexity
/// O(n log n) in the title's length n: at most ⌈log₂ n⌉ + 2 calls of
/// `fits`, each on a string of at most n characters.
fn fit_cut(title: &str, min: usize, mut fits: impl FnMut(&str) -> bool) -> String {
    // Byte offset of each character, and the length after the last one,
    // so that the clip of k characters is `title[..ends[k - 1]] + '…'`.
    let ends: Vec<usize> = title
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(title.len()))
        .collect();
    let n = ends.len() - 1;
    if n <= min || fits(title) {
        return title.to_string();
    }
    let clip = |k: usize| {
        let mut out = String::with_capacity(ends[k - 1] + '…'.len_utf8());
        out.push_str(&title[..ends[k - 1]]);
        out.push('…');
        out
    };
    // The largest fitting k lies in [lo, hi]: lo = min stands for "none
    // above min fits", whose clip is kept without being measured.
    let (mut lo, mut hi) = (min, n - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(&clip(mid)) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    clip_label(title, lo)
}

/// `title`, fitted to `area`'s width (see [`title_fit`]), centred at
/// height `y`.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn centred_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y: i32,
) -> Result<(), String> {
    let (style, title) = title_fit(area, title);
    let w = area.dim_in_pixel().0 as i32;
    text(
        area,
        &title,
        (w / 2, y),
        style,
        (HPos::Center, VPos::Center),
    )
}

/// A row's ends: its label (cut to 24 characters) left of where the row
/// starts and its value, in grey, right of where its bar ends; both points
/// in backend pixels.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn row_ends<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    [start, end]: [(i32, i32); 2],
    label: &str,
    value: &str,
) -> Result<(), String> {
    let left = relative(area, start);
    text(
        area,
        &clip_label(label, 24),
        (left.0 - 12, left.1),
        font(TICK_SIZE),
        (HPos::Right, VPos::Center),
    )?;
    let end = relative(area, end);
    text(
        area,
        value,
        (end.0 + 8, end.1),
        font(TICK_SIZE).color(&GREY),
        (HPos::Left, VPos::Center),
    )
}

/// Draw `text` at a pixel position of `area` with the given anchor.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (i32, i32),
    style: TextStyle<'_>,
    anchor: (HPos, VPos),
) -> Result<(), String> {
    area.draw(&Text::new(
        text.to_string(),
        (x, y),
        style.pos(Pos::new(anchor.0, anchor.1)),
    ))
    .map_err(draw_err)
}

/// Convert an absolute backend coordinate (as `ChartContext::backend_coord`
/// returns) into one relative to `area`.
pub(crate) fn relative<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: (i32, i32),
) -> (i32, i32) {
    let (bx, by) = area.get_base_pixel();
    (p.0 - bx, p.1 - by)
}

/// The label of a horizontal bar chart's row at axis value `y`: rows are
/// drawn from the top (bar 0 at `y = n − 1`), labelled only at whole
/// values, `label(i)` naming bar `i` (clipped to `max` characters).
pub(crate) fn row_label(
    y: f64,
    n: usize,
    max: usize,
    label: impl Fn(usize) -> Option<String>,
) -> String {
    let k = y.round();
    if (y - k).abs() > 1e-9 || k < 0.0 || k as usize >= n {
        return String::new();
    }
    label(n - 1 - k as usize)
        .map(|l| clip_label(&l, max))
        .unwrap_or_default()
}

/// The label of a column chart's column at axis value `x` (column `i` at
/// `x = i`), labelled only at whole values, clipped to `max` characters.
pub(crate) fn column_label(x: f64, max: usize, label: impl Fn(usize) -> Option<String>) -> String {
    let k = x.round();
    if (x - k).abs() > 1e-9 || k < 0.0 {
        return String::new();
    }
    label(k as usize)
        .map(|l| clip_label(&l, max))
        .unwrap_or_default()
}

/// Every label of a chart shortened to `max` characters, and told apart:
/// labels that would clip to the same text ("Kubernetes cluster, US …"
/// twice) keep their ends instead ("Kubernetes cluster,…East"), with as
/// few end characters as tell them apart (back to a word's start when it
/// is near); labels equal in full stay equal.
pub(crate) fn clip_all(labels: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = labels.iter().map(|l| clip_label(l, max)).collect();
    for i in 0..out.len() {
        if !(0..out.len()).any(|j| out[j] == out[i] && labels[j] != labels[i]) {
            continue;
        }
        let group: Vec<usize> = (0..out.len()).filter(|&j| out[j] == out[i]).collect();
        let ends = |tail: usize| -> Vec<String> {
            group
                .iter()
                .map(|&j| {
                    let chars: Vec<char> = labels[j].chars().collect();
                    if chars.len() <= max {
                        return labels[j].clone();
                    }
                    let head = max.saturating_sub(1 + tail);
                    let mut l: String = chars[..head].iter().collect();
                    l.push('…');
                    l.extend(&chars[chars.len() - tail..]);
                    l
                })
                .collect()
        };
        let distinct = |v: &[String]| {
            group.iter().enumerate().all(|(a, &ja)| {
                group
                    .iter()
                    .enumerate()
                    .all(|(b, &jb)| a == b || labels[ja] == labels[jb] || v[a] != v[b])
            })
        };
        // The fewest end characters that tell them apart, then back to
        // the start of a word when that is near (a longer end still tells
        // them apart).
        let at_word = |tail: usize| {
            group.iter().all(|&j| {
                let chars: Vec<char> = labels[j].chars().collect();
                chars.len() <= max || chars[chars.len() - tail - 1].is_whitespace()
            })
        };
        let found = (1..max.saturating_sub(1))
            .find(|&t| distinct(&ends(t)))
            .map(|t| {
                let word = (t..=(max / 2).max(t)).find(|&w| at_word(w)).unwrap_or(t);
                ends(word)
            });
        if let Some(v) = found {
            for (k, &j) in group.iter().enumerate() {
                out[j] = v[k].clone();
            }
        }
    }
    out
}

/// Shorten a label to `max` characters with an ellipsis (its first
/// `max − 1` characters and "…"); a label that short is kept as it is.
///
/// # Complexity
/// O(`max`) after finding whether the label is longer than `max`, which
/// stops at its `max + 1`th character.
pub(crate) fn clip_label(s: &str, max: usize) -> String {
    if s.chars().nth(max).is_none() {
        return s.to_string();
    }
    let cut = s
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(s.len(), |(i, _)| i);
    let mut out = String::with_capacity(cut + '…'.len_utf8());
    out.push_str(&s[..cut]);
    out.push('…');
    out
}

/// The chart drawn when there is nothing to plot: the title, and a note
/// in the middle saying why.
///
/// # Errors
/// The backend's error, as a message.
pub(crate) fn empty<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    centred_title(area, title, 40)?;
    area.draw(&Rectangle::new(
        [(60, 90), (w - 60, h - 60)],
        ShapeStyle::from(&GREY.mix(0.5)).stroke_width(1),
    ))
    .map_err(draw_err)?;
    for (i, line) in note.lines().enumerate() {
        text(
            area,
            line,
            (w / 2, h / 2 + i as i32 * (LABEL_SIZE as i32 + 8)),
            font(LABEL_SIZE).color(&GREY),
            (HPos::Center, VPos::Center),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipped_labels_stay_apart() {
        let labels: Vec<String> = [
            "Kubernetes cluster, US East",
            "Kubernetes cluster, US West",
            "short",
            "Kubernetes cluster, US East",
            "Another rather long service name",
        ]
        .map(String::from)
        .to_vec();
        let out = clip_all(&labels, 24);
        assert_eq!(out[0], "Kubernetes cluster,…East");
        assert_eq!(out[1], "Kubernetes cluster,…West");
        assert_eq!(out[2], "short");
        assert_eq!(out[3], out[0]);
        assert_eq!(out[4], "Another rather long ser…");
        assert!(out.iter().all(|l| l.chars().count() <= 24));
        // Without a clash, each is clipped as one.
        let one = clip_all(&labels[2..], 24);
        assert_eq!(one[2], clip_label(&labels[4], 24));
    }

    #[test]
    fn short_labels() {
        assert_eq!(money_short(950.0), "950");
        assert_eq!(money_short(12_000.0), "12k");
        assert_eq!(money_short(3_400_000.0), "3.4M");
        assert_eq!(money_short(1_250_000_000.0), "1.25bn");
        // Below a unit: three significant digits, ticks read apart.
        let small = [0.0, 0.005, 0.01, 0.015, 0.5, 0.125, 0.000885].map(money_short);
        assert_eq!(
            small,
            ["0", "0.005", "0.01", "0.015", "0.5", "0.125", "0.000885"]
        );
        assert_eq!(money_short(0.0001), "0.0001");
        assert_eq!(money_short(0.000_002), "2e-6");
        assert_eq!(money_short(-0.000_025), "-2.5e-5");
        // A tick at 0 computed as a rounding residue still reads 0.
        assert_eq!(money_short(5.551115123125783e-17), "0");
        // Trillions (JPY) and beyond.
        assert_eq!(money_short(2.3e12), "2.3tn");
        assert_eq!(money_short(20_000e9), "20tn");
        assert_eq!(money_short(-3e12), "-3tn");
        assert_eq!(money_short(1.5e15), "1.5e15");
        assert_eq!(percent_short(0.5), "50%");
        assert_eq!(percent_short(0.001), "0.1%");
        assert_eq!(percent_short(0.0001), "0.01%");
        // Ticks of a linear axis keep their exact decimals (they read 2%
        // three times, for 1.5%, 2% and 2.5%); other values are rounded.
        let ticks: Vec<String> = [0.0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03]
            .iter()
            .map(|&p| percent_tick(p))
            .collect();
        assert_eq!(ticks, ["0%", "0.5%", "1%", "1.5%", "2%", "2.5%", "3%"]);
        assert_eq!(percent_tick(0.0125), "1.25%");
        assert_eq!(percent_tick(0.91304), "91%");
        assert_eq!(percent_tick(0.00123), "0.1%");
        // Values on the chart keep their rounding.
        assert_eq!(percent_short(0.455), "46%");
        assert_eq!(hours_short(0.5), "30m");
    }

    #[test]
    fn decade_ranges() {
        assert_eq!(decades(3.0, 450.0), (1.0, 1000.0));
        assert_eq!(decades(10.0, 10.0), (10.0, 100.0));
        assert_eq!(decades(0.0, 0.0), (1.0, 10.0));
        assert_eq!(
            log_ticks(500.0, 20_000.0, 12),
            vec![500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0]
        );
        assert_eq!(
            log_ticks(1e-5, 1.0, 12),
            vec![1e-5, 1e-4, 1e-3, 0.01, 0.1, 1.0]
        );
        assert_eq!(log_ticks(0.05, 0.05, 12), Vec::<f64>::new());
        assert_eq!(round_log_range(880_000.0, 115e6), (500_000.0, 200e6));
        assert_eq!(round_log_range(3.0, 3.0), (2.0, 5.0));
        let (a, b, ticks) = hour_axis(0.7, 30.0);
        assert_eq!((a, b), (0.5, 48.0));
        assert_eq!(ticks, vec![0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0]);
        assert_eq!(hour_step(100.0, 10), 12.0);
        assert_eq!(hour_step(0.0, 10), 0.25);
        assert_eq!(hour_step(1e6, 10), 8760.0 * 12.0);
        let (_, _, ticks) = hour_axis(0.01, 10_000.0);
        assert!(ticks.len() <= 12, "{ticks:?}");
    }

    /// The cut `title_fit` made before it bisected: one character fewer
    /// at a time, measuring each clip whole (quadratic in the length).
    fn title_fit_one_at_a_time<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> (u32, String) {
        let room = area.dim_in_pixel().0.saturating_sub(60);
        let width = |t: &str, size: u32| {
            area.estimate_text_size(t, &font(size))
                .map_or(t.chars().count() as u32 * size / 2, |(w, _)| w)
        };
        let mut size = TITLE_SIZE;
        while size > 22 && width(title, size) > room {
            size -= 2;
        }
        let mut text = title.to_string();
        let mut keep = title.chars().count();
        while keep > 10 && width(&text, size) > room {
            keep -= 1;
            text = clip_label(title, keep);
        }
        (size, text)
    }

    // Regression: a 5 000-character scenario name took `bcdr run` 12 s
    // and a 20 000-character one over a minute, all of it in cutting
    // chart titles one character at a time.
    #[test]
    fn title_fit_cuts_where_one_at_a_time_did() {
        crate::chart::ensure_font().expect("font");
        let long = "Annual loss exceedance — Regional bank, core banking and payments estate";
        let titles: Vec<String> = vec![
            String::new(),
            "Short".to_string(),
            "exactly ten".to_string(),
            "abcdefghij".to_string(),
            "abcdefghijk".to_string(),
            long.to_string(),
            long.repeat(3),
            "x".repeat(200),
            "W".repeat(150),
            "iiiiiiiiii".repeat(15),
            "Ünïcödé tïtle with ümlauts, 日本語の題名, emoji 🚒🔥 and ß".repeat(2),
            "日本語".repeat(40),
            "AVAWAVAWTo Ty Yo LT PA".repeat(8),
            "a\u{301}e\u{301}".repeat(40),
            "🚒".repeat(60),
        ];
        // The reference cuts one character at a time, so it is slow in a
        // debug build: a few widths, titles of up to a few hundred
        // characters.
        for w in [70, 640, 1920] {
            let mut svg = String::new();
            let area = SVGBackend::with_string(&mut svg, (w, 400)).into_drawing_area();
            for t in &titles {
                let (old_size, old) = title_fit_one_at_a_time(&area, t);
                let (style, new) = title_fit(&area, t);
                assert_eq!(new, old, "width {w}, title of {} chars", t.chars().count());
                assert_eq!(style.font.get_size(), f64::from(old_size));
            }
            // Grow a title character by character around the room's
            // width, so that some clips fit exactly.
            let mut t = String::new();
            for c in long.chars().cycle().take(120) {
                t.push(c);
                let (_, old) = title_fit_one_at_a_time(&area, &t);
                assert_eq!(title_fit(&area, &t).1, old, "width {w}, {t:?}");
            }
        }
    }

    #[test]
    fn title_fit_keeps_a_cut_that_fills_the_room_exactly() {
        crate::chart::ensure_font().expect("font");
        let title = "Recovery against RTO — Ünïcödé 日本語 and 🚒 services".repeat(3);
        for keep in [11, 25, 40, 77] {
            let cut = clip_label(&title, keep);
            let mut probe = String::new();
            let (w, _) = SVGBackend::with_string(&mut probe, (10, 10))
                .into_drawing_area()
                .estimate_text_size(&cut, &font(22))
                .expect("measure");
            let mut svg = String::new();
            let area = SVGBackend::with_string(&mut svg, (w + 60, 400)).into_drawing_area();
            let (style, text) = title_fit(&area, &title);
            assert_eq!(style.font.get_size(), 22.0);
            assert_eq!(text, cut, "keep {keep}");
            assert_eq!(text, title_fit_one_at_a_time(&area, &title).1);
            // The whole title, in a room exactly its width.
            let mut svg = String::new();
            let area = SVGBackend::with_string(&mut svg, (w + 60, 400)).into_drawing_area();
            assert_eq!(title_fit(&area, &cut).1, cut);
        }
    }

    #[test]
    fn fit_cut_of_a_long_title_measures_a_few_prefixes() {
        let title = "t".repeat(20_000);
        let mut calls = 0;
        // 10 px a character, 1 220 px of room: 121 characters and "…".
        let cut = fit_cut(&title, 10, |t| {
            calls += 1;
            t.chars().count() * 10 <= 1_220
        });
        assert_eq!(cut.chars().count(), 122);
        assert!(cut.ends_with('…'));
        assert!(calls <= 17, "{calls} measurements");
        // Nothing fits: the shortest cut, as before.
        assert_eq!(fit_cut(&title, 10, |_| false), clip_label(&title, 10));
        // Short titles and titles that fit are kept whole.
        assert_eq!(fit_cut("short", 10, |_| false), "short");
        assert_eq!(fit_cut(&title, 10, |_| true), title);
    }

    #[test]
    fn clip_label_counts_characters() {
        assert_eq!(clip_label("abcdef", 6), "abcdef");
        assert_eq!(clip_label("abcdefg", 6), "abcde…");
        assert_eq!(clip_label("日本語の題名です", 4), "日本語…");
        assert_eq!(clip_label("ab", 0), "…");
        assert_eq!(clip_label("", 0), "");
    }
}

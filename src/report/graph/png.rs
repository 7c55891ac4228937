//! The dependency graph as a PNG, for a slide beside the other charts'
//! PNGs: an SVG drawing rasterised (resvg, pure Rust) with the font
//! embedded in the binary.
//!
//! The drawing is the full graph ([`super::svg`]) when it fits in
//! [`MAX_PIXELS`] pixels at a readable scale (at least [`MIN_SCALE`]:
//! a graph of up to a few hundred nodes), drawn at up to [`MAX_SCALE`] its
//! SVG size (crisp on a projector); a larger graph's full drawing would be
//! too small to read (and slow to draw: a 1 000-service estate's is about
//! 7 000 × 2 500 units), so its PNG is the summary by tier and site that
//! `graph.svg` shows above [`super::SUMMARY_ABOVE`] nodes, and `graph.svg`
//! stays the full drawing. Like every output, a pure function of the
//! model: the same model gives the same bytes.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::error::Error;

/// The most pixels of the graph's PNG (width × height).
pub(crate) const MAX_PIXELS: f64 = 3.0e6;

/// The largest scale from SVG units to pixels.
const MAX_SCALE: f64 = 1.5;

/// The smallest scale at which the full drawing is still read (its text
/// is 12 units high).
const MIN_SCALE: f64 = 0.75;

/// The fonts the drawing's text is set in: the embedded DejaVu Sans, as
/// every generic and named family the SVG asks for.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(crate::chart::FONT_BYTES.to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// The scale of a drawing of `w` × `h` units: [`MAX_SCALE`], or less so
/// that it has at most [`MAX_PIXELS`] pixels.
fn scale(w: f64, h: f64) -> f64 {
    let area = (w * h).max(1.0);
    (MAX_PIXELS / area).sqrt().min(MAX_SCALE)
}

/// The PNG of `model`'s dependency graph, whose full SVG drawing is
/// `svg` ([`super::svg`]).
///
/// # Errors
/// [`Error::Chart`] (chart `graph`) if the drawing cannot be read or
/// drawn (bcdr's own drawings always can).
pub fn png(model: &crate::model::Model, svg: &str) -> Result<Vec<u8>, Error> {
    // The size the drawing declares decides, before it is read: reading a
    // 1 000-service drawing (its text laid out in the font) only to learn
    // that its summary is drawn instead cost a fifth of the graph's time.
    let (w, h) = match declared_size(svg) {
        Some(size) => size,
        None => {
            let size = parse(svg)?.size();
            (f64::from(size.width()), f64::from(size.height()))
        }
    };
    if scale(w, h) >= MIN_SCALE {
        return raster(&parse(svg)?);
    }
    raster(&parse(&super::summary::svg(model))?)
}

/// The `width` and `height` of an SVG drawing's root element, as the
/// reader takes them (`f32`), if both are plain positive numbers (what
/// bcdr's drawings declare); `None` otherwise.
fn declared_size(svg: &str) -> Option<(f64, f64)> {
    let start = svg.find("<svg")?;
    let tag = &svg[start..start + svg[start..].find('>')?];
    let attribute = |name: &str| -> Option<f64> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        let value = &tag[at..at + tag[at..].find('"')?];
        let x: f32 = value.parse().ok()?;
        (x.is_finite() && x > 0.0).then_some(f64::from(x))
    };
    Some((attribute("width")?, attribute("height")?))
}

/// Error of the graph's PNG.
fn fail(message: String) -> Error {
    Error::Chart {
        chart: "graph".to_string(),
        message,
    }
}

/// Read an SVG drawing, its text in the embedded font.
fn parse(svg: &str) -> Result<usvg::Tree, Error> {
    let options = usvg::Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| fail(e.to_string()))
}

/// Draw a drawing at its [`scale`] on white, as PNG.
fn raster(tree: &usvg::Tree) -> Result<Vec<u8>, Error> {
    let size = tree.size();
    let (w, h) = (f64::from(size.width()), f64::from(size.height()));
    let k = scale(w, h);
    let px = |x: f64| ((x * k).ceil() as u32).max(1);
    let mut pixmap = tiny_skia::Pixmap::new(px(w), px(h))
        .ok_or_else(|| fail(format!("cannot make a {} × {} picture", px(w), px(h))))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let k = k as f32;
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(k, k),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_drawings_grow_and_large_ones_stay_bounded() {
        assert_eq!(scale(1225.0, 574.0), MAX_SCALE);
        let k = scale(6988.0, 2458.0);
        assert!(k < MIN_SCALE, "a 1 000-service drawing is summarised");
        let pixels = (6988.0 * k).ceil() * (2458.0 * k).ceil();
        assert!(pixels <= MAX_PIXELS * 1.001, "{pixels}");
        assert!(scale(1e9, 1e9) > 0.0);
    }

    /// The PNG's size in pixels.
    fn dimensions(bytes: &[u8]) -> (u32, u32) {
        let reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("a PNG");
        (reader.info().width, reader.info().height)
    }

    /// The declared size is the size the reader gives the drawing, for
    /// bcdr's drawings of every size; anything else is read.
    #[test]
    fn the_declared_size_is_the_size_read() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (name, text) in [
            (
                "hospital",
                std::fs::read_to_string(root.join("scenarios/hospital.ron")).expect("bundled"),
            ),
            (
                "generated 300",
                crate::sim::generate::layered(300, 1).expect("valid"),
            ),
            (
                "generated 1000",
                crate::sim::generate::layered(1_000, 1).expect("valid"),
            ),
        ] {
            let model = crate::scenario::parse_str(&text).expect("valid");
            for svg in [
                super::super::svg(&model),
                super::super::summary::svg(&model),
            ] {
                let size = parse(&svg).expect("read").size();
                let read = (f64::from(size.width()), f64::from(size.height()));
                assert_eq!(declared_size(&svg), Some(read), "{name}");
            }
        }
        assert_eq!(declared_size(r#"<svg width="10" height="-3">"#), None);
        assert_eq!(declared_size(r#"<svg width="10mm" height="3">"#), None);
        assert_eq!(declared_size("<svg>"), None);
        assert_eq!(declared_size("no drawing"), None);
        assert_eq!(
            declared_size(r#"<?xml version="1.0"?><svg a="1" width="12.5" height="7">"#),
            Some((12.5, 7.0))
        );
    }

    /// A bundled scenario's graph is drawn in full at the largest scale;
    /// a generated 1 000-service estate's is its summary.
    #[test]
    fn large_graphs_are_drawn_as_their_summary() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("scenarios/hospital.ron")).expect("bundled");
        let model = crate::scenario::parse_str(&text).expect("valid");
        let full = super::super::svg(&model);
        let tree = parse(&full).expect("read");
        let (w, h) = (tree.size().width(), tree.size().height());
        let expected = (
            (f64::from(w) * MAX_SCALE).ceil() as u32,
            (f64::from(h) * MAX_SCALE).ceil() as u32,
        );
        assert_eq!(dimensions(&png(&model, &full).expect("drawn")), expected);

        let text = crate::sim::generate::layered(1_000, 1).expect("valid");
        let model = crate::scenario::parse_str(&text).expect("valid");
        let full = super::super::svg(&model);
        let summary = parse(&super::super::summary::svg(&model)).expect("read");
        let k = scale(
            f64::from(summary.size().width()),
            f64::from(summary.size().height()),
        );
        let expected = (
            (f64::from(summary.size().width()) * k).ceil() as u32,
            (f64::from(summary.size().height()) * k).ceil() as u32,
        );
        assert_eq!(dimensions(&png(&model, &full).expect("drawn")), expected);
    }

    /// The drawing's text is drawn (with the embedded font), its fills
    /// are the tiers' colours, and the same drawing gives the same bytes.
    #[test]
    fn the_graph_is_drawn_with_its_text_and_colours() {
        let text = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect x="10" y="10" width="80" height="30" fill="#56B4E9"/>
<text x="100" y="60">database</text></svg>"##;
        let bytes = raster(&parse(text).expect("read")).expect("drawn");
        assert_eq!(raster(&parse(text).expect("read")).expect("drawn"), bytes);
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!((info.width, info.height), (300, 150));
        let channels = info.line_size / info.width as usize;
        let at = |x: usize, y: usize| {
            let i = y * info.line_size + x * channels;
            (buf[i], buf[i + 1], buf[i + 2])
        };
        // The tier's fill inside the box, white outside it.
        assert_eq!(at(30, 30), (0x56, 0xB4, 0xE9));
        assert_eq!(at(290, 10), (255, 255, 255));
        // Dark pixels where the text is: it was set in a font.
        let dark = (150..300)
            .flat_map(|x| (70..95).map(move |y| (x, y)))
            .filter(|&(x, y)| at(x, y).0 < 128)
            .count();
        assert!(dark > 50, "{dark} dark pixels where the text is");
    }
}

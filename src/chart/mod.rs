//! Charts (plotters), each rendered to PNG and SVG from one drawing
//! function. One file per chart; this module holds what they share: the
//! embedded font, the size and palette constants, and [`render`].
//!
//! The font (DejaVu Sans, see `DejaVuSans-LICENSE.txt`) is compiled into the
//! binary and registered with plotters' pure-Rust `ab_glyph` text backend,
//! so no system font library is needed.

pub(crate) mod against_target;
pub(crate) mod axis;
pub(crate) mod convergence;
pub(crate) mod critical_path;
pub(crate) mod frame;
pub(crate) mod gantt;
pub(crate) mod loss_exceedance;
pub(crate) mod loss_histogram;
pub(crate) mod pareto;
pub(crate) mod recovery_curve;

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Error;

/// Projector-friendly default size (16:9).
pub(crate) const WIDTH: u32 = 1280;
pub(crate) const HEIGHT: u32 = 720;
/// Font sizes in pixels at the default size.
pub(crate) const TITLE_SIZE: u32 = 34;
pub(crate) const LABEL_SIZE: u32 = 22;
pub(crate) const TICK_SIZE: u32 = 18;
/// The font family name every chart uses.
pub(crate) const FONT: &str = "sans-serif";

/// Okabe–Ito colour-blind-safe palette.
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(crate) const VERMILION: RGBColor = RGBColor(213, 94, 0);
pub(crate) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(crate) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(crate) const GREY: RGBColor = RGBColor(110, 110, 110);

/// The embedded font's file (also what the dependency graph's PNG is drawn
/// with).
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("DejaVuSans.ttf");

/// Register the embedded font once per process.
///
/// # Errors
/// [`Error::Chart`] if the embedded font cannot be parsed (it always can).
pub(crate) fn ensure_font() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, FONT_BYTES).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Chart {
            chart: "font".to_string(),
            message: "the embedded font could not be registered".to_string(),
        })
    }
}

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Chart {
    /// The file stem: `loss_exceedance` gives `loss_exceedance.png/.svg`.
    fn name(&self) -> &str;

    /// Draw on `area` (already filled white).
    ///
    /// # Errors
    /// A message naming what failed to draw.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String>;

    /// Pixel size; the default is [`WIDTH`] × [`HEIGHT`].
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }
}

/// A chart rendered as PNG bytes and SVG text.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub name: String,
    pub png: Vec<u8>,
    pub svg: String,
}

impl Rendered {
    /// The two files, named `<name>.png` and `<name>.svg`.
    pub(crate) fn files(self) -> [(String, Vec<u8>); 2] {
        [
            (format!("{}.png", self.name), self.png),
            (format!("{}.svg", self.name), self.svg.into_bytes()),
        ]
    }
}

/// Render a chart to PNG and SVG.
///
/// # Errors
/// [`Error::Chart`] naming the chart and what failed.
pub(crate) fn render<C: Chart>(chart: &C) -> Result<Rendered, Error> {
    ensure_font()?;
    let (w, h) = chart.size();
    let fail = |message: String| Error::Chart {
        chart: chart.name().to_string(),
        message,
    };

    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        chart.draw(&area).map_err(&fail)?;
        area.present().map_err(|e| fail(e.to_string()))?;
    }

    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
        chart.draw(&area).map_err(&fail)?;
        area.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&rgb, w, h).map_err(fail)?;
    Ok(Rendered {
        name: chart.name().to_string(),
        png,
        svg,
    })
}

/// Encode an RGB buffer as PNG (pure Rust).
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A text style of the embedded font.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// Map a plotters drawing error to a message.
/// A loss's words, said net of insurance when it is (`expected loss per
/// 2y net of insurance`): a chart goes on a slide without the report that
/// says so.
pub(crate) fn net_of_insurance(what: &str, net: bool) -> String {
    if net {
        format!("{what} net of insurance")
    } else {
        what.to_string()
    }
}

pub(crate) fn draw_err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

// Charts of `bcdr compare` and `bcdr sweep`.
pub(crate) mod compare;
pub(crate) mod difference;
pub(crate) mod sweep;

// Charts of the review loop: `bcdr trend`, `explain`, `tornado` and
// `importance`.
pub(crate) mod importance;
pub(crate) mod series;
pub(crate) mod tornado;
pub(crate) mod trend_appetite;
pub(crate) mod trend_loss;
pub(crate) mod trend_rto;
pub(crate) mod trend_services;
pub(crate) mod trend_threats;
pub(crate) mod trend_var;
pub(crate) mod waterfall;

#[cfg(test)]
mod tests {
    use super::*;

    struct Probe;
    impl Chart for Probe {
        fn name(&self) -> &str {
            "probe"
        }
        fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
            let mut chart = ChartBuilder::on(area)
                .caption("Probe — 100% €", font(TITLE_SIZE))
                .margin(20)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(0f64..10f64, 0f64..1f64)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .x_desc("hours")
                .label_style(font(TICK_SIZE))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_series(LineSeries::new(
                    (0..10).map(|x| (x as f64, x as f64 / 10.0)),
                    &BLUE,
                ))
                .map_err(draw_err)?;
            Ok(())
        }
    }

    #[test]
    fn renders_png_and_svg_with_the_embedded_font() {
        let r = render(&Probe).expect("renders");
        assert!(r.png.starts_with(&[0x89, b'P', b'N', b'G']));
        let decoder = png::Decoder::new(std::io::Cursor::new(&r.png));
        let reader = decoder.read_info().expect("decodes");
        assert_eq!(reader.info().width, WIDTH);
        assert!(roxmltree::Document::parse(&r.svg).is_ok());
        assert!(r.svg.contains("Probe"));
    }
}

//! A key result's chart: its metric over the cycle, with the baseline, the target,
//! the pace line from one to the other, the forecast to the cycle's end, and a marker
//! on each day linked evidence was observed. SVG from plotters; PNG from that SVG by
//! resvg, so a chat client that shows images (and not SVG) sees the same chart.

use std::sync::{Arc, OnceLock};

use jiff::civil::Date;
use plotters::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Cycle, Evidence, EvidenceId, KeyResultId};
use crate::scoring::measurements::points;
use crate::scoring::score::{DEFAULT_CHECK_IN_DAYS, ScoreOptions, day_of, end_of, score_key_result, start_of};
use crate::store::links::links_of_target;
use crate::store::{Store, Table};

const WIDTH: u32 = 880;
const HEIGHT: u32 = 460;

/// What a chart shows, read from the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChartData {
    pub key_result: KeyResultId,
    pub statement: String,
    pub metric_name: String,
    pub cycle: Cycle,
    pub as_of: Date,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub values: Vec<(Date, f64)>,
    /// The forecast value at the cycle's end.
    pub forecast_end: Option<f64>,
    /// Days linked evidence was observed, with its id.
    pub evidence: Vec<(Date, EvidenceId)>,
}

pub fn chart_data(store: &Store, id: KeyResultId, as_of: Date) -> Result<ChartData> {
    let key_result = crate::okr::query::load_key_result(store, "id", id)?;
    let objective = crate::okr::query::load_objective(store, "id", key_result.objective)?;
    let metric = match key_result.metric {
        Some(m) => store.metric(m)?,
        None => None,
    };
    let Some(metric) = metric else {
        return Err(Error::invalid("id", format!("{id} has no metric to chart; it is a milestone or has no number")));
    };
    let score =
        score_key_result(store, &objective, &key_result, ScoreOptions { as_of, check_in_days: DEFAULT_CHECK_IN_DAYS })?;
    let cycle = objective.cycle.clone();
    let to = end_of(as_of.min(cycle.end()));
    let values =
        points(store, metric.id, start_of(cycle.start()), to)?.into_iter().map(|p| (day_of(p.at), p.value)).collect();
    let mut targets = vec![id.to_string(), metric.id.to_string()];
    let (indicators, _) = crate::okr::query::children(store, id)?;
    targets.extend(indicators.iter().map(|i| i.id.to_string()));
    let mut evidence = vec![];
    for target in &targets {
        for link in links_of_target(store, target)? {
            let Some(e) = store.get::<Evidence>(Table::Evidence, &link.evidence.key())? else { continue };
            if let Some(day) = e.observed_at.filter(|d| cycle.contains(*d) && *d <= as_of) {
                evidence.push((day, e.id));
            }
        }
    }
    evidence.sort();
    evidence.dedup();
    Ok(ChartData {
        key_result: id,
        statement: key_result.statement,
        metric_name: metric.name,
        cycle,
        as_of,
        baseline: score.baseline,
        target: score.target,
        values,
        forecast_end: score.forecast.map(|f| f.value_at_end),
        evidence,
    })
}

fn day_number(cycle: &Cycle, day: Date) -> f64 {
    (day - cycle.start()).get_days() as f64
}

fn chart_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("chart", format!("could not be drawn: {e}"))
}

/// The chart as SVG.
pub fn svg(data: &ChartData) -> Result<String> {
    let mut out = String::new();
    draw(data, &mut out).map_err(chart_error)?;
    Ok(out)
}

fn draw(data: &ChartData, out: &mut String) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let cycle = &data.cycle;
    let days = f64::from(cycle.days());
    let mut ys: Vec<f64> = data.values.iter().map(|(_, v)| *v).collect();
    ys.extend(data.baseline);
    ys.extend(data.target);
    ys.extend(data.forecast_end);
    let (low, high) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(*v), h.max(*v)));
    let (low, high) = if low.is_finite() { (low, high) } else { (0.0, 1.0) };
    let pad = ((high - low) * 0.12).max(0.5);
    let (y0, y1) = (low - pad, high + pad);

    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let title = format!("{}: {} ({}, as of {})", data.key_result, data.metric_name, cycle.name(), data.as_of);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..days, y0..y1)?;
    let start = cycle.start();
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(8)
        .x_label_formatter(&|x| {
            start
                .checked_add(jiff::Span::new().days(*x as i64))
                .map(|d| d.strftime("%b %d").to_string())
                .unwrap_or_default()
        })
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;

    let grey = RGBColor(120, 120, 120);
    let green = RGBColor(30, 140, 70);
    let blue = RGBColor(40, 90, 200);
    let orange = RGBColor(230, 120, 20);
    let purple = RGBColor(140, 60, 170);
    if let Some(b) = data.baseline {
        chart
            .draw_series(DashedLineSeries::new([(0.0, b), (days, b)], 6, 4, grey.stroke_width(1)))?
            .label(format!("baseline {}", crate::explain::num(b)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], grey));
    }
    if let Some(t) = data.target {
        chart
            .draw_series(LineSeries::new([(0.0, t), (days, t)], green.stroke_width(2)))?
            .label(format!("target {}", crate::explain::num(t)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], green));
    }
    if let (Some(b), Some(t)) = (data.baseline, data.target) {
        chart
            .draw_series(DashedLineSeries::new([(0.0, b), (days, t)], 3, 4, green.mix(0.6).stroke_width(1)))?
            .label("pace")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], green.mix(0.6)));
    }
    let values: Vec<(f64, f64)> = data.values.iter().map(|(d, v)| (day_number(cycle, *d), *v)).collect();
    chart
        .draw_series(LineSeries::new(values.iter().copied(), blue.stroke_width(2)))?
        .label(data.metric_name.chars().take(40).collect::<String>())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], blue));
    chart.draw_series(values.iter().map(|p| Circle::new(*p, 3, blue.filled())))?;
    if let (Some(end), Some(last)) = (data.forecast_end, values.last()) {
        chart
            .draw_series(DashedLineSeries::new([*last, (days, end)], 4, 3, orange.stroke_width(2)))?
            .label(format!("forecast {}", crate::explain::num(end)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], orange));
    }
    let marker_y = y0 + (y1 - y0) * 0.04;
    let mut first = true;
    for (day, id) in &data.evidence {
        let x = day_number(cycle, *day);
        let series = chart.draw_series([
            PathElement::new(vec![(x, y0), (x, y1)], purple.mix(0.25).stroke_width(1)),
            PathElement::new(vec![(x, marker_y), (x, marker_y)], purple.stroke_width(1)),
        ])?;
        if first {
            series.label("linked evidence").legend(move |(x, y)| TriangleMarker::new((x + 9, y), 5, purple.filled()));
            first = false;
        }
        chart.draw_series([TriangleMarker::new((x, marker_y), 5, purple.filled())])?;
        chart.draw_series([Text::new(
            id.to_string(),
            (x, marker_y + (y1 - y0) * 0.03),
            ("sans-serif", 10).into_font().color(&purple),
        )])?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 12))
        .draw()?;
    root.present()?;
    Ok(())
}

/// Fonts for the PNG, loaded once: the system's, with sans-serif mapped to one that
/// exists (fontdb's default, Arial, is often missing on servers).
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_system_fonts();
            let family = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Helvetica", "Arial"]
                .into_iter()
                .find(|f| db.faces().any(|face| face.families.iter().any(|(name, _)| name == f)))
                .map(str::to_string)
                .or_else(|| db.faces().next().and_then(|f| f.families.first().map(|(n, _)| n.clone())));
            if let Some(family) = family {
                db.set_sans_serif_family(family);
            }
            Arc::new(db)
        })
        .clone()
}

/// The SVG rendered as PNG: an indexed (palette) image, since a chart has a few
/// hundred colours, mostly antialiasing shades of its lines. The 256 most used
/// colours are kept exactly and the rarest shades take their nearest kept colour:
/// 30 KB as RGBA becomes about 13 KB, which is what a tool answer carries inline.
pub fn png(svg: &str) -> Result<Vec<u8>> {
    let options = resvg::usvg::Options { fontdb: fonts(), ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(chart_error)?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| chart_error("the chart has no size"))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    indexed_png(&pixmap)
}

fn indexed_png(pixmap: &resvg::tiny_skia::Pixmap) -> Result<Vec<u8>> {
    let pixels: Vec<[u8; 4]> = pixmap
        .pixels()
        .iter()
        .map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let mut counts: std::collections::HashMap<[u8; 4], usize> = std::collections::HashMap::new();
    for p in &pixels {
        *counts.entry(*p).or_default() += 1;
    }
    let mut palette: Vec<([u8; 4], usize)> = counts.into_iter().collect();
    palette.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    palette.truncate(256);
    let mut index: std::collections::HashMap<[u8; 4], u8> =
        palette.iter().enumerate().map(|(i, (c, _))| (*c, i as u8)).collect();
    let distance = |a: &[u8; 4], b: &[u8; 4]| -> u32 {
        a.iter().zip(b).map(|(x, y)| (i32::from(*x) - i32::from(*y)).unsigned_abs().pow(2)).sum()
    };
    let mut indices = Vec::with_capacity(pixels.len());
    for p in &pixels {
        let i = match index.get(p) {
            Some(i) => *i,
            None => {
                let nearest = (0..palette.len()).min_by_key(|i| distance(p, &palette[*i].0)).unwrap_or(0) as u8;
                index.insert(*p, nearest);
                nearest
            }
        };
        indices.push(i);
    }
    let mut out = vec![];
    {
        let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(palette.iter().flat_map(|(c, _)| [c[0], c[1], c[2]]).collect::<Vec<u8>>());
        if palette.iter().any(|(c, _)| c[3] < 255) {
            encoder.set_trns(palette.iter().map(|(c, _)| c[3]).collect::<Vec<u8>>());
        }
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().map_err(chart_error)?;
        writer.write_image_data(&indices).map_err(chart_error)?;
        writer.finish().map_err(chart_error)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> ChartData {
        let day = |d: &str| d.parse::<Date>().unwrap();
        ChartData {
            key_result: KeyResultId(1),
            statement: "Raise week-1 to month-3 retention from 50% to 65%".into(),
            metric_name: "week-1 to month-3 retention".into(),
            cycle: "2026-Q4".parse().unwrap(),
            as_of: day("2026-11-23"),
            baseline: Some(50.0),
            target: Some(65.0),
            values: vec![(day("2026-10-01"), 51.0), (day("2026-10-22"), 47.0), (day("2026-11-19"), 54.0)],
            forecast_end: Some(55.5),
            evidence: vec![(day("2026-11-06"), EvidenceId(31))],
        }
    }

    #[test]
    fn the_svg_holds_every_line_and_the_evidence_marker() {
        let svg = svg(&example()).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60]);
        for label in ["baseline 50", "target 65", "pace", "forecast 55.5", "linked evidence", "EV-31", "KR-1: week-1"] {
            assert!(svg.contains(label), "{label} missing");
        }
    }

    #[test]
    fn the_png_is_a_png_of_the_chart_size() {
        let png = png(&svg(&example()).unwrap()).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
    }

    #[test]
    fn the_png_is_indexed_and_its_colours_are_the_charts() {
        let png = png(&svg(&example()).unwrap()).unwrap();
        // IHDR colour type (byte 25) 3: a palette.
        assert_eq!(png[25], 3);
        let decoder = ::png::Decoder::new(std::io::Cursor::new(&png));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut pixels).unwrap();
        let palette = reader.info().palette.as_ref().unwrap().to_vec();
        // The most used colour is the white background, kept exactly.
        assert_eq!(&palette[..3], &[255, 255, 255]);
        assert!(png.len() < 20_000, "{} bytes", png.len());
    }
}

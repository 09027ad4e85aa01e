//! A key result's chart: its metric over the cycle with the 95% interval band, the
//! baseline, the target, the pace line from one to the other, the forecast to the
//! cycle's end, a line at the as-of day, the slip shaded when one is known, and a ring
//! on the line where linked evidence was observed, its ids in a label above the plot
//! (labels that would overlap take another row). The y axis names the unit; a quarter
//! is marked weekly. The legend sits in a panel beside the plot, so it covers no data.
//! SVG from plotters; PNG from that SVG by resvg, so a chat client that shows images
//! (and not SVG) sees the same chart.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clock::{day_of, end_of, start_of};
use crate::error::{Error, Result};
use crate::explain::MetricMove;
use crate::model::{Cycle, Evidence, EvidenceId, KeyResult, KeyResultId, Unit};
use crate::scoring::measurements::points;
use crate::scoring::score::{DEFAULT_CHECK_IN_DAYS, KeyResultScore, ScoreOptions, current_value, score_key_result};
use crate::stats::Interval;
use crate::stats::num;
use crate::store::links::links_of_target;
use crate::store::{Store, Table};
use crate::validate::truncate;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 500;
/// The panel on the right that holds the legend.
const LEGEND_WIDTH: u32 = 250;
/// The title and subtitle above the plot (a second title line adds 24).
const HEADER: i32 = 54;
/// Characters of a title line at 18 px bold across the chart.
const TITLE_CHARS: usize = 84;
/// Rows of evidence labels above the plot, and their height.
const LANE_ROWS: usize = 3;
const LANE_ROW: i32 = 20;
/// The plot's margins inside the left panel, and the room for the axes' labels.
const MARGIN_LEFT: i32 = 10;
const MARGIN_RIGHT: i32 = 18;
const Y_LABELS: i32 = 72;
const X_LABELS: i32 = 34;

/// One measurement on the chart, with its 95% interval when it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChartPoint {
    pub day: Date,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
}

/// Where the value fell (explain's slip), shaded on the chart: from the last value
/// before the fall to the worst value of it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SlipWindow {
    pub from: Date,
    pub to: Date,
    /// The level after the fall minus the level before.
    pub change: f64,
}

impl SlipWindow {
    pub fn of(slip: &MetricMove) -> SlipWindow {
        let m = &slip.movement;
        SlipWindow { from: day_of(m.previous_at), to: day_of(m.worst_at).max(day_of(m.start)), change: m.change }
    }
}

/// What a chart shows, read from the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChartData {
    pub key_result: KeyResultId,
    pub statement: String,
    pub metric_name: String,
    /// The key result's unit, else its metric's: the y axis says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    pub cycle: Cycle,
    pub as_of: Date,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub values: Vec<ChartPoint>,
    /// The forecast value at the cycle's end.
    pub forecast_end: Option<f64>,
    /// Days linked evidence was observed, with its id.
    pub evidence: Vec<(Date, EvidenceId)>,
    /// The slip to shade, when an explanation found one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip: Option<SlipWindow>,
}

pub fn chart_data(store: &Store, id: KeyResultId, as_of: Date) -> Result<ChartData> {
    let key_result = crate::store::okrs::load_key_result(store, "id", id)?;
    let objective = crate::store::okrs::load_objective(store, "id", key_result.objective)?;
    let score =
        score_key_result(store, &objective, &key_result, ScoreOptions { as_of, check_in_days: DEFAULT_CHECK_IN_DAYS })?;
    chart_of_scored(store, &key_result, &objective.cycle, &score, as_of)
}

/// The chart of a key result already scored as of `as_of` in its objective's `cycle`:
/// a scorecard scores every key result first, and does not pay for it twice.
pub fn chart_of_scored(
    store: &Store,
    key_result: &KeyResult,
    cycle: &Cycle,
    score: &KeyResultScore,
    as_of: Date,
) -> Result<ChartData> {
    let id = key_result.id;
    let metric = match key_result.metric {
        Some(m) => store.metric(m)?,
        None => None,
    };
    let Some(metric) = metric else {
        return Err(Error::invalid("id", format!("{id} has no metric to chart; it is a milestone or has no number")));
    };
    let cycle = cycle.clone();
    let unit = key_result.unit.clone().or(metric.unit.clone());
    let percent = unit == Some(Unit::Percent);
    let to = end_of(as_of.min(cycle.end()));
    // Each value's interval the way the score computes the current one's.
    let values = points(store, metric.id, start_of(cycle.start()), to)?
        .into_iter()
        .map(|p| ChartPoint { day: day_of(p.at), value: p.value, interval: current_value(&p, percent).interval })
        .collect();
    let mut targets = vec![id.to_string(), metric.id.to_string()];
    let (indicators, _) = crate::store::okrs::children(store, id)?;
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
        statement: key_result.statement.clone(),
        metric_name: metric.name,
        unit,
        cycle,
        as_of,
        baseline: score.baseline,
        target: score.target,
        values,
        forecast_end: score.forecast.as_ref().map(|f| f.value_at_end),
        evidence,
        slip: None,
    })
}

fn day_number(cycle: &Cycle, day: Date) -> f64 {
    (day - cycle.start()).get_days() as f64
}

fn chart_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("chart", format!("could not be drawn: {e}"))
}

/// A day as the chart labels it: "Oct 5".
fn short_day(day: Date) -> String {
    day.strftime("%b %-d").to_string()
}

/// A sans-serif font of `px` pixels. Plotters' SVG writes a size as size / 1.24 (it
/// takes sizes as points), so the size asked for is scaled up to come out at `px`.
fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * 1.24).into_font()
}

/// Words in lines of at most `width` characters (a longer word has a line to itself).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = vec![];
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A range of days as the legend says it: "Oct 15–22", "Oct 28–Nov 4".
fn day_range(from: Date, to: Date) -> String {
    if from.month() == to.month() {
        format!("{}–{}", short_day(from), to.day())
    } else {
        format!("{}–{}", short_day(from), short_day(to))
    }
}

/// The unit as the y axis says it: "%", "points", "USD", "hours".
fn unit_label(unit: &Unit) -> String {
    match unit {
        Unit::Percent => "%".into(),
        other => other.word(),
    }
}

/// A value with its unit: "54%", "3.2 hours", "4.1".
fn amount(x: f64, unit: Option<&Unit>) -> String {
    match unit {
        Some(Unit::Percent) => format!("{}%", num(x)),
        Some(u @ (Unit::Currency { .. } | Unit::Duration { .. } | Unit::Points)) => format!("{} {}", num(x), u.word()),
        _ => num(x),
    }
}

/// The days the x axis marks: Mondays for a quarter (weekly), every other Monday up to
/// half a year, else the first of each month (of every third month beyond a year).
fn ticks(cycle: &Cycle) -> Vec<Date> {
    let (start, end) = (cycle.start(), cycle.end());
    let mut days = vec![];
    if cycle.days() <= 200 {
        let step = if cycle.days() <= 120 { 7 } else { 14 };
        let mut day = start;
        while day.weekday() != Weekday::Monday {
            day = day.tomorrow().unwrap_or(end);
        }
        while day <= end {
            days.push(day);
            let Ok(next) = day.checked_add(step.days()) else { break };
            day = next;
        }
    } else {
        let step = if cycle.days() <= 400 { 1 } else { 3 };
        let mut day = start.first_of_month();
        if day < start {
            day = day.checked_add(1.month()).unwrap_or(end);
        }
        while day <= end {
            days.push(day);
            let Ok(next) = day.checked_add(step.months()) else { break };
            day = next;
        }
    }
    days
}

/// The value of the series on `day`: on the line between the measurements around it,
/// else the nearest one.
fn value_on(values: &[(f64, f64)], x: f64) -> Option<f64> {
    let after = values.iter().position(|(d, _)| *d >= x);
    match after {
        Some(0) => values.first().map(|p| p.1),
        Some(i) => {
            let ((x0, y0), (x1, y1)) = (values[i - 1], values[i]);
            Some(if x1 > x0 { y0 + (y1 - y0) * (x - x0) / (x1 - x0) } else { y1 })
        }
        None => values.last().map(|p| p.1),
    }
}

/// An evidence label above the plot: its ids, where its marker is, and the lane row
/// and left edge it was given so that no two labels overlap.
struct Label {
    text: String,
    x: f64,
    row: usize,
    left: i32,
    width: i32,
}

/// An estimate of a label's width in pixels at 12 px (no font metrics in the SVG).
fn text_width(text: &str) -> i32 {
    (text.chars().count() as f64 * 7.4).ceil() as i32 + 10
}

/// Places the evidence labels in rows: each in the first row where it clears the
/// label before it; when every row is full, after the row that ends first.
fn lay_out(evidence: &[(Date, EvidenceId)], cycle: &Cycle, to_pixel: impl Fn(f64) -> i32, right: i32) -> Vec<Label> {
    let mut groups: Vec<(Date, Vec<EvidenceId>)> = vec![];
    for (day, id) in evidence {
        match groups.last_mut() {
            Some((d, ids)) if d == day => ids.push(*id),
            _ => groups.push((*day, vec![*id])),
        }
    }
    let mut ends = [i32::MIN; LANE_ROWS];
    let mut labels = vec![];
    for (day, ids) in groups {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let text = ids.join(", ");
        let x = day_number(cycle, day);
        let width = text_width(&text);
        let left = (to_pixel(x) - width / 2).min(right - width);
        let (row, left) = match ends.iter().position(|end| *end + 4 <= left) {
            Some(row) => (row, left),
            None => {
                let row = (0..LANE_ROWS).min_by_key(|r| ends[*r]).unwrap_or(0);
                (row, (ends[row] + 4).min(right - width))
            }
        };
        ends[row] = left + width;
        labels.push(Label { text, x, row, left, width });
    }
    labels
}

/// The chart as SVG.
pub fn svg(data: &ChartData) -> Result<String> {
    let mut out = String::new();
    draw(data, &mut out).map_err(chart_error)?;
    Ok(out)
}

const INK: RGBColor = RGBColor(34, 34, 34);
const MUTED: RGBColor = RGBColor(85, 85, 85);
const SERIES: RGBColor = RGBColor(31, 100, 180);
const BASELINE: RGBColor = RGBColor(120, 120, 120);
const TARGET: RGBColor = RGBColor(30, 130, 60);
const PACE: RGBColor = RGBColor(40, 40, 40);
const FORECAST: RGBColor = RGBColor(220, 110, 10);
const EVIDENCE: RGBColor = RGBColor(120, 50, 160);
const SLIP: RGBColor = RGBColor(210, 40, 40);

/// What a legend entry's sample looks like.
enum Glyph {
    Line(RGBColor, u32),
    Dashed(RGBColor, u32),
    Band(RGBAColor),
    Ring(RGBColor),
    Vertical(RGBColor),
    Dot(RGBColor),
}

/// What drawing can fail with: plotters' errors, boxed.
type Drawn<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;
/// The whole picture (header, lane, plot and legend), drawn in pixels.
type Canvas<'o> = DrawingArea<SVGBackend<'o>, Shift>;
/// The plot: days of the cycle across, values up.
type Plot<'a, 'o> = ChartContext<'a, SVGBackend<'o>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the chart into `out`, back to front: header, axes, what has not happened yet
/// and the slip, the interval band, the reference lines, the values, the as-of day,
/// the evidence, then the legend.
fn draw(data: &ChartData, out: &mut String) -> Drawn {
    let values: Vec<(f64, f64)> = data.values.iter().map(|p| (day_number(&data.cycle, p.day), p.value)).collect();
    let (low, high) = value_range(data, &values);
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let header = draw_header(&root, data)?;
    let (left, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
    let lane = Lane::under(header, data);
    let plot = plot_on(&left, data, lane.bottom(), low..high)?;
    let measured = format!("measured {}", if values.is_empty() { "(none yet)" } else { "value" });
    let mut figure =
        Figure { data, root: &root, plot, values, low, high, legend: vec![(Glyph::Dot(SERIES), measured)] };
    figure.mark_days()?;
    // Behind everything: what has not happened yet, and the slip.
    figure.shade_the_future()?;
    figure.shade_the_slip()?;
    figure.interval_band()?;
    figure.reference_lines()?;
    figure.measured_values()?;
    figure.as_of_line()?;
    figure.evidence(&lane)?;
    draw_legend(&legend, header, &figure.legend)?;
    root.present()?;
    Ok(())
}

/// The values the y axis spans: every value, interval, baseline, target and forecast,
/// with a tenth of room above and below (a flat series gets room of its own).
fn value_range(data: &ChartData, values: &[(f64, f64)]) -> (f64, f64) {
    let mut ys: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
    ys.extend(data.values.iter().filter_map(|p| p.interval).flat_map(|i| [i.low, i.high]));
    ys.extend(data.baseline);
    ys.extend(data.target);
    ys.extend(data.forecast_end);
    let (low, high) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(*v), h.max(*v)));
    let (low, high) = if low.is_finite() { (low, high) } else { (0.0, 1.0) };
    let pad = if high > low { (high - low) * 0.1 } else { (high.abs() * 0.1).max(1.0) };
    (low - pad, high + pad)
}

/// The title (the key result, on two lines when long) and the subtitle (metric,
/// cycle, as-of day); returns the header's height.
fn draw_header(root: &Canvas, data: &ChartData) -> Drawn<i32> {
    let cycle = &data.cycle;
    // A long statement takes two lines rather than losing its end.
    let title = wrap(&format!("{}: {}", data.key_result, data.statement), TITLE_CHARS);
    for (i, line) in title.iter().take(2).enumerate() {
        let line = if i == 1 { truncate(line, TITLE_CHARS) } else { line.clone() };
        root.draw(&Text::new(line, (16, 10 + 24 * i as i32), font(18.0).style(FontStyle::Bold).color(&INK)))?;
    }
    let header = HEADER + if title.len() > 1 { 24 } else { 0 };
    let subtitle = format!(
        "{} · {} ({} to {}) · as of {}",
        truncate(&data.metric_name, 80),
        cycle.name(),
        short_day(cycle.start()),
        short_day(cycle.end()),
        data.as_of.strftime("%b %-d, %Y")
    );
    root.draw(&Text::new(subtitle, (16, header - 21), font(14.0).color(&MUTED)))?;
    Ok(header)
}

/// The evidence lane between the header and the plot: its labels, laid out in rows on
/// the plot's pixel scale (known from the margins before the plot is built).
struct Lane {
    labels: Vec<Label>,
    top: i32,
}

impl Lane {
    /// The lane below a header of `header` pixels.
    fn under(header: i32, data: &ChartData) -> Lane {
        let days = f64::from(data.cycle.days());
        let plot_left = MARGIN_LEFT + Y_LABELS;
        let plot_right = (WIDTH - LEGEND_WIDTH) as i32 - MARGIN_RIGHT;
        let to_pixel = |x: f64| plot_left + ((x / days) * f64::from(plot_right - plot_left)).round() as i32;
        Lane { labels: lay_out(&data.evidence, &data.cycle, to_pixel, plot_right), top: header + 2 }
    }

    /// Where the plot starts: below the lane's rows.
    fn bottom(&self) -> i32 {
        let rows = self.labels.iter().map(|l| l.row + 1).max().unwrap_or(0) as i32;
        self.top + rows * LANE_ROW + 8
    }
}

/// What the y axis says: the metric's name when it fits beside the axis (the
/// subtitle has it in full), with the unit.
fn axis_name(data: &ChartData) -> String {
    let name = data.metric_name.chars().count() <= 36;
    match (data.unit.as_ref(), name) {
        (Some(u), true) => format!("{} ({})", data.metric_name, unit_label(u)),
        (Some(Unit::Percent), false) => "percent (%)".into(),
        (Some(u), false) => u.word(),
        (None, true) => data.metric_name.clone(),
        (None, false) => "value".into(),
    }
}

/// The plot in the left panel from `top` down, over the cycle's days and `values`,
/// with its y axis and grid drawn.
fn plot_on<'a, 'o>(area: &'a Canvas<'o>, data: &ChartData, top: i32, values: Range<f64>) -> Drawn<Plot<'a, 'o>> {
    let days = f64::from(data.cycle.days());
    let mut plot = ChartBuilder::on(area)
        .margin_top(top)
        .margin_left(MARGIN_LEFT)
        .margin_right(MARGIN_RIGHT)
        .margin_bottom(8)
        .x_label_area_size(X_LABELS)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(0.0..days, values)?;
    // The x axis is marked by hand: plotters picks round numbers of days, not weeks.
    plot.configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(7)
        .y_label_formatter(&|y| amount(*y, data.unit.as_ref()))
        .y_desc(axis_name(data))
        .label_style(font(13.0).color(&INK))
        .axis_desc_style(font(14.0).color(&INK))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(150, 150, 150))
        .draw()?;
    Ok(plot)
}

/// The plot being drawn, with what its layers share: the values as (day of the
/// cycle, value), the y axis' span and the legend's entries so far.
struct Figure<'a, 'o> {
    data: &'a ChartData,
    root: &'a Canvas<'o>,
    plot: Plot<'a, 'o>,
    values: Vec<(f64, f64)>,
    low: f64,
    high: f64,
    legend: Vec<(Glyph, String)>,
}

impl Figure<'_, '_> {
    /// The cycle's length in days: the x axis' end.
    fn days(&self) -> f64 {
        f64::from(self.data.cycle.days())
    }

    /// The unit values are said in.
    fn unit(&self) -> Option<&Unit> {
        self.data.unit.as_ref()
    }

    /// Where the as-of day is on the x axis.
    fn as_of_x(&self) -> f64 {
        day_number(&self.data.cycle, self.data.as_of)
    }

    /// The cycle is still running on the as-of day: the rest of it has not happened.
    fn in_cycle(&self) -> bool {
        self.data.cycle.contains(self.data.as_of)
    }

    /// The x axis' days (ticks): a grid line, a tick and a date under the axis each.
    fn mark_days(&mut self) -> Drawn {
        let (low, high) = (self.low, self.high);
        for day in ticks(&self.data.cycle) {
            let x = day_number(&self.data.cycle, day);
            self.plot
                .draw_series([PathElement::new(vec![(x, low), (x, high)], RGBColor(232, 232, 232).stroke_width(1))])?;
            let (px, py) = self.plot.backend_coord(&(x, low));
            self.root.draw(&PathElement::new(vec![(px, py), (px, py + 5)], RGBColor(150, 150, 150).stroke_width(1)))?;
            self.root.draw(&Text::new(
                short_day(day),
                (px, py + 8),
                font(13.0).color(&INK).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        Ok(())
    }

    /// The days after the as-of day, greyed.
    fn shade_the_future(&mut self) -> Drawn {
        if self.in_cycle() {
            let corners = [(self.as_of_x(), self.low), (self.days(), self.high)];
            self.plot.draw_series([Rectangle::new(corners, RGBColor(244, 244, 244).filled())])?;
        }
        Ok(())
    }

    /// The slip, when one is known: shaded, labelled, and its size in the legend.
    fn shade_the_slip(&mut self) -> Drawn {
        let Some(slip) = self.data.slip else { return Ok(()) };
        let cycle = &self.data.cycle;
        let (from, to) = (day_number(cycle, slip.from), day_number(cycle, slip.to));
        let corners = [(from, self.low), (to.max(from + 0.5), self.high)];
        self.plot.draw_series([Rectangle::new(corners, SLIP.mix(0.14).filled())])?;
        let (x, y) = self.plot.backend_coord(&((from + to) / 2.0, self.low));
        let style = font(13.0).color(&SLIP).pos(Pos::new(HPos::Center, VPos::Bottom));
        self.root.draw(&Text::new("slip", (x, y - 6), style))?;
        // A change of a percentage is in points.
        let unit = self.unit();
        let change_unit = if unit == Some(&Unit::Percent) { Some(&Unit::Points) } else { unit };
        let change = amount(slip.change, change_unit);
        let change = if slip.change > 0.0 { format!("+{change}") } else { change };
        self.legend.push((Glyph::Band(SLIP.mix(0.25)), format!("slip {}, {change}", day_range(slip.from, slip.to))));
        Ok(())
    }

    /// The 95% interval band: one polygon per run of measurements that have an
    /// interval, a thick bar for a run of one.
    fn interval_band(&mut self) -> Drawn {
        let runs = interval_runs(self.data);
        for run in &runs {
            let mut outline: Vec<(f64, f64)> = run.iter().map(|(x, i)| (*x, i.high)).collect();
            outline.extend(run.iter().rev().map(|(x, i)| (*x, i.low)));
            if run.len() == 1 {
                let (x, i) = run[0];
                self.plot
                    .draw_series([PathElement::new(vec![(x, i.low), (x, i.high)], SERIES.mix(0.35).stroke_width(6))])?;
            } else {
                self.plot.draw_series([Polygon::new(outline, SERIES.mix(0.16).filled())])?;
            }
        }
        if !runs.is_empty() {
            self.legend.push((Glyph::Band(SERIES.mix(0.25)), "95% interval".into()));
        }
        Ok(())
    }

    /// The baseline, the target, the pace from one to the other, and the forecast
    /// from the last value to the cycle's end: each that is known.
    fn reference_lines(&mut self) -> Drawn {
        let (days, unit) = (self.days(), self.data.unit.as_ref());
        if let Some(b) = self.data.baseline {
            self.plot.draw_series(DashedLineSeries::new([(0.0, b), (days, b)], 8, 5, BASELINE.stroke_width(2)))?;
            self.legend.push((Glyph::Dashed(BASELINE, 2), format!("baseline {}", amount(b, unit))));
        }
        if let Some(t) = self.data.target {
            self.plot.draw_series(LineSeries::new([(0.0, t), (days, t)], TARGET.stroke_width(2)))?;
            self.legend.push((Glyph::Line(TARGET, 2), format!("target {}", amount(t, unit))));
        }
        if let (Some(b), Some(t)) = (self.data.baseline, self.data.target) {
            self.plot.draw_series(DashedLineSeries::new([(0.0, b), (days, t)], 10, 6, PACE.stroke_width(2)))?;
            self.legend.push((Glyph::Dashed(PACE, 2), "pace to target".into()));
        }
        if let (Some(end), Some(last)) = (self.data.forecast_end, self.values.last()) {
            self.plot.draw_series(DashedLineSeries::new([*last, (days, end)], 4, 4, FORECAST.stroke_width(3)))?;
            self.legend.push((Glyph::Dashed(FORECAST, 3), format!("forecast {} at end", amount(end, unit))));
        }
        Ok(())
    }

    /// The measured values: a line, a dot on each, and the latest said in numbers
    /// beside its point.
    fn measured_values(&mut self) -> Drawn {
        self.plot.draw_series(LineSeries::new(self.values.iter().copied(), SERIES.stroke_width(3)))?;
        self.plot.draw_series(self.values.iter().map(|p| Circle::new(*p, 4, SERIES.filled())))?;
        if let Some(last) = self.values.last() {
            let (x, y) = self.plot.backend_coord(last);
            self.root.draw(&Text::new(
                amount(last.1, self.unit()),
                (x - 6, y - 12),
                font(14.0).style(FontStyle::Bold).color(&SERIES).pos(Pos::new(HPos::Right, VPos::Bottom)),
            ))?;
        }
        Ok(())
    }

    /// A line at the as-of day, named, while the cycle runs.
    fn as_of_line(&mut self) -> Drawn {
        if !self.in_cycle() {
            return Ok(());
        }
        let x = self.as_of_x();
        self.plot.draw_series([PathElement::new(vec![(x, self.low), (x, self.high)], MUTED.stroke_width(2))])?;
        let (px, py) = self.plot.backend_coord(&(x, self.high));
        let as_of = format!("as of {}", short_day(self.data.as_of));
        self.root.draw(&Text::new(
            as_of.clone(),
            (px + 5, py + 4),
            font(13.0).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        self.legend.push((Glyph::Vertical(MUTED), as_of));
        Ok(())
    }

    /// Evidence: a ring on the series at the day it was observed, a leader up to its
    /// label in the lane above the plot.
    fn evidence(&mut self, lane: &Lane) -> Drawn {
        for label in &lane.labels {
            let y = value_on(&self.values, label.x).or(self.data.baseline).unwrap_or((self.low + self.high) / 2.0);
            let (mx, my) = self.plot.backend_coord(&(label.x, y));
            let top = lane.top + label.row as i32 * LANE_ROW;
            let (lx, ly) = (label.left + label.width / 2, top + LANE_ROW - 3);
            let leader = EVIDENCE.mix(0.7).stroke_width(1);
            self.root.draw(&PathElement::new(vec![(lx, ly), (mx, my - 8)], leader))?;
            self.root.draw(&Circle::new((mx, my), 7, EVIDENCE.stroke_width(3)))?;
            let box_corners = [(label.left, top + 1), (label.left + label.width, top + LANE_ROW - 3)];
            self.root.draw(&Rectangle::new(box_corners, RGBColor(246, 240, 250).filled()))?;
            self.root.draw(&Rectangle::new(box_corners, EVIDENCE.stroke_width(1)))?;
            self.root.draw(&Text::new(
                label.text.clone(),
                (label.left + label.width / 2, top + LANE_ROW / 2 - 1),
                font(12.0).color(&RGBColor(70, 20, 100)).pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
        if !lane.labels.is_empty() {
            self.legend.push((Glyph::Ring(EVIDENCE), "linked evidence (id above)".into()));
        }
        Ok(())
    }
}

/// The runs of consecutive measurements that have an interval, as (day of the cycle,
/// interval): a measurement without one ends a run.
fn interval_runs(data: &ChartData) -> Vec<Vec<(f64, Interval)>> {
    let mut runs: Vec<Vec<(f64, Interval)>> = vec![];
    let mut open = false;
    for p in &data.values {
        match (p.interval, open) {
            (Some(i), true) => runs.last_mut().expect("open").push((day_number(&data.cycle, p.day), i)),
            (Some(i), false) => {
                runs.push(vec![(day_number(&data.cycle, p.day), i)]);
                open = true;
            }
            (None, _) => open = false,
        }
    }
    runs
}

/// The legend, in its own panel so that it covers no data: a frame, then each entry's
/// sample and words.
fn draw_legend(panel: &Canvas, header: i32, entries: &[(Glyph, String)]) -> Drawn {
    let legend = panel.margin(header + 6, 0, 4, 8);
    let (width, _) = legend.dim_in_pixel();
    legend.draw(&Rectangle::new(
        [(0, 0), (width as i32 - 4, 14 + 24 * entries.len() as i32)],
        RGBColor(200, 200, 200).stroke_width(1),
    ))?;
    for (i, (glyph, text)) in entries.iter().enumerate() {
        let y = 19 + 24 * i as i32;
        let (x0, x1) = (10, 38);
        draw_glyph(&legend, glyph, (x0, x1), y)?;
        legend.draw(&Text::new(
            text.clone(),
            (x1 + 8, y),
            font(13.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// A legend entry's sample, from `x0` to `x1` at height `y`.
fn draw_glyph(legend: &Canvas, glyph: &Glyph, (x0, x1): (i32, i32), y: i32) -> Drawn {
    match glyph {
        Glyph::Line(c, w) => legend.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(*w)))?,
        Glyph::Dashed(c, w) => {
            for x in (x0..x1).step_by(9) {
                legend.draw(&PathElement::new(vec![(x, y), ((x + 5).min(x1), y)], c.stroke_width(*w)))?;
            }
        }
        Glyph::Band(c) => legend.draw(&Rectangle::new([(x0, y - 6), (x1, y + 6)], c.filled()))?,
        Glyph::Ring(c) => legend.draw(&Circle::new(((x0 + x1) / 2, y), 7, c.stroke_width(3)))?,
        Glyph::Vertical(c) => {
            legend.draw(&PathElement::new(vec![((x0 + x1) / 2, y - 8), ((x0 + x1) / 2, y + 8)], c.stroke_width(2)))?
        }
        Glyph::Dot(c) => {
            legend.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(3)))?;
            legend.draw(&Circle::new(((x0 + x1) / 2, y), 4, c.filled()))?;
        }
    }
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
/// the example chart comes to about 23 KB, which a tool answer carries inline.
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
        // Palette indices do not predict from their neighbours: unfiltered rows
        // compress best (22.5 KB against 27.3 KB with the adaptive default).
        encoder.set_filter(png::Filter::NoFilter);
        let mut writer = encoder.write_header().map_err(chart_error)?;
        writer.write_image_data(&indices).map_err(chart_error)?;
        writer.finish().map_err(chart_error)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every label in an SVG, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split("</text>").next()?.trim().to_string()))
            .collect()
    }

    fn has(svg: &str, label: &str) -> bool {
        texts(svg).iter().any(|t| t == label)
    }

    fn day(d: &str) -> Date {
        d.parse().unwrap()
    }

    fn example() -> ChartData {
        let point = |d: &str, value: f64, low: f64, high: f64| ChartPoint {
            day: day(d),
            value,
            interval: Some(Interval { low, high }),
        };
        ChartData {
            key_result: KeyResultId(1),
            statement: "Raise week-1 to month-3 retention from 50% to 65%".into(),
            metric_name: "week-1 to month-3 retention".into(),
            unit: Some(Unit::Percent),
            cycle: "2026-Q4".parse().unwrap(),
            as_of: day("2026-11-23"),
            baseline: Some(50.0),
            target: Some(65.0),
            values: vec![
                point("2026-10-01", 51.0, 46.1, 55.9),
                point("2026-10-22", 47.0, 42.2, 51.8),
                point("2026-11-19", 54.0, 49.1, 58.8),
            ],
            forecast_end: Some(55.5),
            evidence: vec![(day("2026-11-06"), EvidenceId(31)), (day("2026-11-07"), EvidenceId(32))],
            slip: None,
        }
    }

    #[test]
    fn the_svg_holds_every_line_its_legend_and_the_axis_unit() {
        let svg = svg(&example()).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60]);
        for label in [
            "KR-1: Raise week-1 to month-3 retention from 50% to 65%",
            "week-1 to month-3 retention (%)",
            "baseline 50%",
            "target 65%",
            "pace to target",
            "forecast 55.5% at end",
            "95% interval",
            "linked evidence (id above)",
            "as of Nov 23",
            "measured value",
            "54%",
            "65%",
        ] {
            assert!(has(&svg, label), "{label} missing from {:?}", texts(&svg));
        }
        assert!(!svg.contains("slip"), "no slip was given");
    }

    #[test]
    fn a_quarter_is_marked_weekly_on_mondays() {
        let cycle: Cycle = "2026-Q4".parse().unwrap();
        let days = ticks(&cycle);
        assert_eq!(days.first(), Some(&day("2026-10-05")));
        assert_eq!(days.len(), 13);
        assert!(days.windows(2).all(|w| (w[1] - w[0]).get_days() == 7));
        assert_eq!(short_day(days[0]), "Oct 5");
        let drawn = svg(&example()).unwrap();
        for tick in ["Oct 5", "Oct 12", "Nov 2", "Dec 28"] {
            assert!(has(&drawn, tick), "{tick} missing");
        }
        let year: Cycle = "2026".parse().unwrap();
        let months: Vec<String> = ticks(&year).into_iter().map(short_day).collect();
        assert_eq!(months.len(), 12);
        assert_eq!(months[1], "Feb 1");
    }

    #[test]
    fn evidence_is_a_labelled_marker_and_close_labels_take_separate_rows() {
        let svg = svg(&example()).unwrap();
        assert!(has(&svg, "EV-31") && has(&svg, "EV-32"), "both ids are labelled");
        // Observed a day apart: their labels would overlap on one row.
        let cycle: Cycle = "2026-Q4".parse().unwrap();
        let labels = lay_out(&example().evidence, &cycle, |x| (x * 7.0) as i32, 700);
        assert_eq!(labels.iter().map(|l| l.row).collect::<Vec<_>>(), [0, 1]);
        // Far apart: one row. The same day: one label.
        let spread = [(day("2026-10-05"), EvidenceId(1)), (day("2026-12-01"), EvidenceId(2))];
        assert_eq!(lay_out(&spread, &cycle, |x| (x * 7.0) as i32, 700).iter().map(|l| l.row).max(), Some(0));
        let same = [(day("2026-10-05"), EvidenceId(1)), (day("2026-10-05"), EvidenceId(2))];
        let labels = lay_out(&same, &cycle, |x| (x * 7.0) as i32, 700);
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].text, "EV-1, EV-2");
    }

    #[test]
    fn a_known_slip_is_shaded_and_named() {
        let mut data = example();
        data.slip = Some(SlipWindow { from: day("2026-10-15"), to: day("2026-10-22"), change: -4.0 });
        let drawn = svg(&data).unwrap();
        assert!(has(&drawn, "slip Oct 15–22, -4 points"), "the legend names the slip: {:?}", texts(&drawn));
        assert!(has(&drawn, "slip"), "the band is labelled");
        assert_eq!(day_range(day("2026-10-28"), day("2026-11-04")), "Oct 28–Nov 4");
    }

    #[test]
    fn the_unit_shows_on_the_axis_and_beside_the_numbers() {
        let mut data = example();
        data.unit = Some(Unit::Duration { unit: "hours".into() });
        let drawn = svg(&data).unwrap();
        assert!(has(&drawn, "week-1 to month-3 retention (hours)") && has(&drawn, "target 65 hours"));
        data.unit = None;
        data.values.iter_mut().for_each(|p| p.interval = None);
        let drawn = svg(&data).unwrap();
        assert!(has(&drawn, "target 65") && !has(&drawn, "95% interval"), "no unit, no interval");
    }

    #[test]
    fn a_long_statement_wraps_and_a_long_name_leaves_the_axis_to_the_unit() {
        let mut data = example();
        data.statement =
            "Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%".into();
        data.metric_name = "share of new accounts that finish a first real project within 7 days".into();
        let drawn = svg(&data).unwrap();
        assert!(has(&drawn, "KR-1: Raise the share of new accounts that finish a first real project within 7 days"));
        assert!(has(&drawn, "from 40% to 60%"), "{:?}", texts(&drawn));
        assert!(has(&drawn, "percent (%)"));
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
    }

    #[test]
    fn no_today_line_once_the_cycle_is_over() {
        let mut data = example();
        data.as_of = day("2027-01-15");
        let drawn = svg(&data).unwrap();
        assert!(!has(&drawn, "as of Jan 15"));
        assert!(texts(&drawn).iter().any(|t| t.ends_with("as of Jan 15, 2027")), "the subtitle still says it");
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
        assert!(png.len() < 24_000, "{} bytes", png.len());
    }
}

//! The answer tools: explain and report. Each parses, calls the core
//! ([`crate::explain`], [`crate::report`]), and returns JSON plus the key result's
//! chart as a PNG image, which chat clients show inline.

use base64::{Engine, prelude::BASE64_STANDARD};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use rmcp::{tool, tool_router};
use serde::Serialize;

use super::args::{failure, parse};
use super::{GroundedServer, input, output};
use crate::explain::{self, ExplainRequest, Explanation};
use crate::model::KeyResultId;
use crate::report::{self, Report, ReportRequest, chart};
use crate::store::Store;

/// What a tool answer charts: a key result as of a day, with the slip to shade when
/// an explanation found one.
struct ChartOf<'a> {
    key_result: KeyResultId,
    as_of: jiff::civil::Date,
    slip: Option<&'a explain::MetricMove>,
}

/// The key result's chart as PNG, base64.
fn chart_png(store: &Store, of: &ChartOf<'_>) -> crate::Result<String> {
    let mut data = chart::chart_data(store, of.key_result, of.as_of)?;
    data.slip = of.slip.map(chart::SlipWindow::of);
    let svg = chart::svg(&data)?;
    Ok(BASE64_STANDARD.encode(chart::png(&svg)?))
}

/// Structured content, its text copy, and the chart when there is one to show.
fn with_chart<T: Serialize>(store: &Store, value: &T, chart: Option<ChartOf<'_>>) -> Result<CallToolResult, String> {
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let mut result = CallToolResult::structured(json);
    if let Some(of) = chart {
        let kr = of.key_result;
        // A chart that cannot be drawn does not take the answer down with it.
        match chart_png(store, &of) {
            Ok(png) => result.content.push(ContentBlock::image(png, "image/png")),
            Err(e) => tracing::warn!(key_result = %kr, "chart not drawn: {e}"),
        }
    }
    Ok(result)
}

#[tool_router(router = answer_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Answer "why did X slip?" from the workspace, citing what each claim rests on.
    /// question: the user's words ("why did activation slip?"); the subject (a metric,
    /// key result, objective or journey stage) is resolved from them, typos tolerated;
    /// when they are ambiguous the candidates come back instead of a guess (ask the
    /// user, then pass subject: the chosen id). Or give subject (KR-1, M-2, O-1, IND-1)
    /// directly, and from/to for the window (default: the cycle). as_of fixes "today".
    /// Answers: the slip (when, how much, against the level before and the pace line,
    /// with a 95% interval: slipped is false when the move is within noise), drivers
    /// (leading indicators that moved first and whether the lead matches their lag,
    /// notes on the measurements, key results on the same metric, initiatives due or
    /// stalled), evidence ranked (linked explains/contradicts first, then research from
    /// the window, then survey changes beyond noise), gaps with the next research
    /// step, statements with their ids, a Markdown narrative to quote, and the key
    /// result's chart as an image. detail: brief returns the headline, the slip, the
    /// likely driver, the top three evidence items and the next step (about a tenth
    /// of the size; the chart stays at grounded://key-result/{id}/chart.png). Cite the
    /// ids (measurements as M-1@2026-10-22); never add a cause the answer does not
    /// contain.
    #[tool(
        output_schema = output::<Explanation>(),
        input_schema = input::<ExplainRequest>(),
        annotations(title = "Explain a slip", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn explain(&self, arguments: JsonObject) -> Result<CallToolResult, String> {
        let request = parse::<ExplainRequest>(arguments)?;
        let brief = request.detail == Some(explain::Detail::Brief);
        let answer = explain::explain(&self.store, request).map_err(failure)?;
        // The chart shows a slip; a move within noise is not drawn (the report draws
        // it), and a brief answer leaves it to the chart resource.
        let chart = answer.slip.as_ref().filter(|_| answer.slipped && !brief).and_then(|slip| {
            slip.key_result.map(|key_result| ChartOf { key_result, as_of: answer.as_of, slip: Some(slip) })
        });
        with_chart(&self.store, &answer, chart)
    }

    /// A cycle report (cycle: 2026-Q4) or one objective's (objective: O-3), as of a
    /// day: per objective its key results with value, 95% interval, n, progress,
    /// status, grade and forecast; evidence health (key results with no evidence
    /// linked, leading indicators not validated, linked evidence older than
    /// stale_after_days, default 180); the top evidence per key result. markdown is
    /// ready to paste into a review doc; csv has one row of scores per key result; the
    /// image is the chart of the page's key result most in need of attention. A cycle
    /// comes 3 objectives per page (limit: up to 50; pass next_cursor for the next
    /// page); the whole cycle's Markdown is the resource grounded://cycle/{cycle}/report.md.
    #[tool(
        output_schema = output::<Report>(),
        input_schema = input::<ReportRequest>(),
        annotations(title = "Report", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn report(&self, arguments: JsonObject) -> Result<CallToolResult, String> {
        let mut request = parse::<ReportRequest>(arguments)?;
        // An answer read by a model comes in pages; the core reports everything unless told.
        if request.cycle.is_some() && request.limit.is_none() {
            request.limit = Some(report::DEFAULT_PAGE);
        }
        let report = report::report(&self.store, request).map_err(failure)?;
        let chart = report.chart_key_result.map(|key_result| ChartOf { key_result, as_of: report.as_of, slip: None });
        with_chart(&self.store, &report, chart)
    }
}

//! The answer tools: explain and report. Each parses, calls the core
//! ([`crate::explain`], [`crate::report`]), and returns JSON plus the key result's
//! chart as a PNG image, which chat clients show inline.

use base64::{Engine, prelude::BASE64_STANDARD};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use rmcp::{Peer, RoleServer, tool, tool_router};
use serde::Serialize;

use super::args::{failure, parse};
use super::views::{self, ViewData};
use super::{GroundedServer, input, output, structured};
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
    let mut result = structured(value)?;
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
    /// Answer "why did X slip?" from the workspace, citing what each claim rests on: the
    /// slip with a 95% interval (slipped is false within noise), drivers, evidence, gaps
    /// with the next research step, a Markdown narrative and a chart. When the subject is
    /// ambiguous the candidates come back: ask the user, then pass subject. Cite the ids
    /// (measurements as M-1@2026-10-22); never add a cause the answer does not contain.
    #[tool(
        output_schema = output::<Explanation>(),
        input_schema = input::<ExplainRequest>(),
        annotations(title = "Explain a slip", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn explain(&self, arguments: JsonObject, peer: Peer<RoleServer>) -> Result<CallToolResult, String> {
        let request = parse::<ExplainRequest>(arguments)?;
        let brief = request.detail == Some(explain::Detail::Brief);
        let answer = explain::explain(&self.store, request).map_err(failure)?;
        // The chart shows a slip; a move within noise is not drawn (the report draws
        // it), and a brief answer leaves it to the chart resource.
        let chart = answer.slip.as_ref().filter(|_| answer.slipped && !brief).and_then(|slip| {
            slip.key_result.map(|key_result| ChartOf { key_result, as_of: answer.as_of, slip: Some(slip) })
        });
        let mut result = with_chart(&self.store, &answer, chart)?;
        if views::client_renders(&peer) {
            ViewData::of_explanation(&self.store, &answer).attach(&mut result);
        }
        Ok(result)
    }

    /// A review report of a cycle or one objective as of a day: key results with value, 95%
    /// interval, n, progress, status and forecast, evidence health, Markdown to paste and a
    /// CSV of scores. A cycle comes in pages; its whole Markdown is the resource
    /// grounded://cycle/{cycle}/report.md.
    #[tool(
        output_schema = output::<Report>(),
        input_schema = input::<ReportRequest>(),
        annotations(title = "Report", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn report(&self, arguments: JsonObject, peer: Peer<RoleServer>) -> Result<CallToolResult, String> {
        let mut request = parse::<ReportRequest>(arguments)?;
        // An answer read by a model comes in pages; the core reports everything unless told.
        if request.cycle.is_some() && request.limit.is_none() {
            request.limit = Some(report::DEFAULT_PAGE);
        }
        let report = report::report(&self.store, request).map_err(failure)?;
        let chart = report.chart_key_result.map(|key_result| ChartOf { key_result, as_of: report.as_of, slip: None });
        let mut result = with_chart(&self.store, &report, chart)?;
        if views::client_renders(&peer) {
            ViewData::of_report(&self.store, &report).attach(&mut result);
        }
        Ok(result)
    }
}

//! Resources: objectives, key results, evidence, a key result's chart and a cycle's
//! report addressable by URI, so a client can attach them to a conversation. Each
//! reads the same core views the tools return.

use base64::{Engine, prelude::BASE64_STANDARD};
use rmcp::ErrorData;
use rmcp::model::{ListResourceTemplatesResult, ReadResourceResult, ResourceContents, ResourceTemplate};
use serde::Serialize;
use serde_json::json;

use crate::evidence::link::links_of_evidence;
use crate::evidence::stats::statistics;
use crate::model::{Evidence, EvidenceId};
use crate::okr::query::get_okr;
use crate::report::{self, ReportRequest, chart};
use crate::store::{Store, Table};

pub fn templates() -> ListResourceTemplatesResult {
    let json = "application/json";
    ListResourceTemplatesResult::with_all_items(vec![
        ResourceTemplate::new("grounded://objective/{id}", "objective")
            .with_title("Objective")
            .with_description(
                "An objective (O-3) with its key results, indicators, initiatives, evidence counts, checks and history",
            )
            .with_mime_type(json),
        ResourceTemplate::new("grounded://key-result/{id}", "key-result")
            .with_title("Key result")
            .with_description("A key result (KR-12) with its metric, indicators, initiatives and evidence counts")
            .with_mime_type(json),
        ResourceTemplate::new("grounded://evidence/{id}", "evidence")
            .with_title("Evidence")
            .with_description(
                "A piece of evidence (EV-305), verbatim, with its source, links and (for surveys) statistics",
            )
            .with_mime_type(json),
        ResourceTemplate::new("grounded://key-result/{id}/chart.svg", "key-result-chart-svg")
            .with_title("Key result chart (SVG)")
            .with_description(
                "The metric over the cycle with baseline, target, pace line, forecast and linked evidence, as of today",
            )
            .with_mime_type("image/svg+xml"),
        ResourceTemplate::new("grounded://key-result/{id}/chart.png", "key-result-chart-png")
            .with_title("Key result chart (PNG)")
            .with_description("The same chart as a PNG image")
            .with_mime_type("image/png"),
        ResourceTemplate::new("grounded://cycle/{cycle}/report.md", "cycle-report")
            .with_title("Cycle report")
            .with_description(
                "The cycle (2026-Q4) in Markdown: per objective its KRs with progress, status, grade, interval, evidence health and top evidence",
            )
            .with_mime_type("text/markdown"),
    ])
}

fn contents<T: Serialize>(uri: &str, value: &T) -> Result<ReadResourceResult, ErrorData> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
    Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type("application/json")]))
}

fn not_found(uri: &str, why: impl std::fmt::Display) -> ErrorData {
    ErrorData::resource_not_found(format!("{uri}: {why}"), Some(json!({ "uri": uri })))
}

pub fn read(store: &Store, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    let rest = uri.strip_prefix("grounded://").ok_or_else(|| not_found(uri, "grounded serves grounded:// URIs"))?;
    let (kind, id) = rest.split_once('/').ok_or_else(|| not_found(uri, "expected grounded://<kind>/<id>"))?;
    if let Some((id, file)) = id.split_once('/') {
        return read_file(store, uri, kind, id, file);
    }
    match kind {
        "objective" => {
            let detail = get_okr(store, id).map_err(|e| not_found(uri, e))?;
            if !id.trim().to_ascii_uppercase().starts_with('O') {
                return Err(not_found(uri, "give an objective id such as O-3"));
            }
            contents(uri, &detail)
        }
        "key-result" => {
            let kr: crate::model::KeyResultId = id.parse().map_err(|e| not_found(uri, e))?;
            let detail = get_okr(store, id).map_err(|e| not_found(uri, e))?;
            let found = detail.key_result_details.into_iter().find(|d| d.key_result.id == kr);
            contents(uri, &found.ok_or_else(|| not_found(uri, "no such key result"))?)
        }
        "evidence" => {
            let id: EvidenceId = id.parse().map_err(|e| not_found(uri, e))?;
            let evidence = store
                .get::<Evidence>(Table::Evidence, &id.key())
                .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
                .ok_or_else(|| not_found(uri, format!("{id} does not exist")))?;
            let links = links_of_evidence(store, id).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
            let stats = evidence.survey.as_ref().map(statistics).unwrap_or_default();
            contents(uri, &json!({ "evidence": evidence, "links": links, "statistics": stats }))
        }
        other => Err(not_found(
            uri,
            format!("unknown kind {other:?}; objective, key-result, evidence and cycle/{{cycle}}/report.md are served"),
        )),
    }
}

/// The files under an id: a key result's chart, a cycle's report.
fn read_file(store: &Store, uri: &str, kind: &str, id: &str, file: &str) -> Result<ReadResourceResult, ErrorData> {
    let today = crate::scoring::score::today();
    match (kind, file) {
        ("key-result", "chart.svg" | "chart.png") => {
            let kr: crate::model::KeyResultId = id.parse().map_err(|e| not_found(uri, e))?;
            let data = chart::chart_data(store, kr, today).map_err(|e| not_found(uri, e))?;
            let svg = chart::svg(&data).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
            let contents = if file == "chart.svg" {
                ResourceContents::text(svg, uri).with_mime_type("image/svg+xml")
            } else {
                let png = chart::png(&svg).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
                ResourceContents::blob(BASE64_STANDARD.encode(png), uri).with_mime_type("image/png")
            };
            Ok(ReadResourceResult::new(vec![contents]))
        }
        ("cycle", "report.md") => {
            let request = ReportRequest { cycle: Some(id.to_string()), ..Default::default() };
            let report = report::report(store, request).map_err(|e| not_found(uri, e))?;
            Ok(ReadResourceResult::new(vec![
                ResourceContents::text(report.markdown, uri).with_mime_type("text/markdown"),
            ]))
        }
        _ => Err(not_found(
            uri,
            "served files are grounded://key-result/{id}/chart.svg, .../chart.png and grounded://cycle/{cycle}/report.md",
        )),
    }
}

//! Resources: objectives, key results, evidence, a key result's chart and a cycle's
//! report addressable by URI, so a client can attach them to a conversation. Each
//! reads the same core views the tools return. The MCP Apps pages (`ui://grounded/…`)
//! are served from [`super::views`].
//!
//! `resources/list` names what exists, so a client's resource picker has something to
//! offer: the app pages, every cycle's report, then the objectives and key results that are not
//! archived, in id order, a page at a time. The cursor is the URI of the last resource
//! of the page before, so a page is a range scan from there, not a re-count.

use base64::{Engine, prelude::BASE64_STANDARD};
use rmcp::ErrorData;
use rmcp::model::{
    ListResourceTemplatesResult, ListResourcesResult, ReadResourceResult, Resource, ResourceContents, ResourceTemplate,
};
use serde::Serialize;
use serde_json::json;

use crate::lookup::catalog;
use crate::lookup::query::get_okr;
use crate::model::{EvidenceId, KeyResultId, ObjectiveId, Status};
use crate::report::{self, ReportRequest, chart};
use crate::store::Store;

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

/// Resources per `resources/list` page: enough for a picker, small enough that a
/// workspace of thousands of key results is not dumped in one answer.
pub const RESOURCES_PAGE: usize = 100;

/// Where a page starts: after this resource (the previous page's cursor).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum After {
    Cycle(String),
    Objective(u64),
    KeyResult(u64),
}

impl After {
    fn parse(cursor: &str) -> Result<After, ErrorData> {
        let bad = || {
            ErrorData::invalid_params(
                format!(
                    "cursor {cursor:?} is not one this server gave; pass nextCursor back unchanged, or none to start"
                ),
                None,
            )
        };
        let rest = cursor.strip_prefix("grounded://").ok_or_else(bad)?;
        if let Some(cycle) = rest.strip_prefix("cycle/").and_then(|c| c.strip_suffix("/report.md")) {
            return Ok(After::Cycle(cycle.to_string()));
        }
        if let Some(id) = rest.strip_prefix("objective/") {
            return id.parse::<ObjectiveId>().map(|id| After::Objective(id.0)).map_err(|_| bad());
        }
        if let Some(id) = rest.strip_prefix("key-result/") {
            return id.parse::<KeyResultId>().map(|id| After::KeyResult(id.0)).map_err(|_| bad());
        }
        Err(bad())
    }
}

/// One page of the resources that exist, starting after `cursor`.
pub fn list(store: &Store, cursor: Option<&str>) -> Result<ListResourcesResult, ErrorData> {
    let internal = |e: crate::Error| ErrorData::internal_error(e.to_string(), None);
    let after = cursor.map(After::parse).transpose()?;
    // One more than a page, to know whether a next page exists.
    let wanted = RESOURCES_PAGE + 1;
    let mut page: Vec<Resource> = Vec::with_capacity(wanted);
    // The MCP Apps pages (ui://) head the first page.
    if after.is_none() {
        page.extend(super::views::resources());
    }

    // Cycle reports first: few, and the most useful thing to attach. The set of cycles
    // needs every objective read, so it is built only while the cycles are being listed.
    if matches!(after, None | Some(After::Cycle(_))) {
        let cycles = catalog::cycles(store, false).map_err(internal)?;
        let from = match &after {
            Some(After::Cycle(c)) => std::ops::Bound::Excluded(c.clone()),
            _ => std::ops::Bound::Unbounded,
        };
        for cycle in cycles.range((from, std::ops::Bound::Unbounded)).take(wanted) {
            page.push(
                Resource::new(format!("grounded://cycle/{cycle}/report.md"), format!("report-{cycle}"))
                    .with_title(format!("{cycle} cycle report"))
                    .with_description(format!("The {cycle} cycle in Markdown: key results, scores, evidence health"))
                    .with_mime_type("text/markdown"),
            );
        }
    }

    if page.len() < wanted && !matches!(after, Some(After::KeyResult(_))) {
        let from = match after {
            Some(After::Objective(n)) => Some(ObjectiveId(n)),
            _ => None,
        };
        for objective in catalog::objectives_after(store, from, wanted - page.len()).map_err(internal)? {
            page.push(
                Resource::new(format!("grounded://objective/{}", objective.id), objective.id.to_string())
                    .with_title(format!("{}: {}", objective.id, objective.title))
                    .with_description(format!(
                        "{} objective, {}{}, {} key result(s)",
                        objective.cycle.name(),
                        status_word(objective.status),
                        objective.owner.as_deref().map(|o| format!(", owned by {o}")).unwrap_or_default(),
                        objective.key_results.len()
                    ))
                    .with_mime_type("application/json"),
            );
        }
    }

    if page.len() < wanted {
        let from = match after {
            Some(After::KeyResult(n)) => Some(KeyResultId(n)),
            _ => None,
        };
        for kr in catalog::key_results_after(store, from, wanted - page.len()).map_err(internal)? {
            page.push(
                Resource::new(format!("grounded://key-result/{}", kr.id), kr.id.to_string())
                    .with_title(format!("{}: {}", kr.id, kr.statement))
                    .with_description(format!("Key result of {}, {}", kr.objective, status_word(kr.status)))
                    .with_mime_type("application/json"),
            );
        }
    }

    let next_cursor = (page.len() > RESOURCES_PAGE).then(|| {
        page.truncate(RESOURCES_PAGE);
        page.last().map(|r| r.uri.clone()).unwrap_or_default()
    });
    let mut result = ListResourcesResult::with_all_items(page);
    result.next_cursor = next_cursor;
    Ok(result)
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Draft => "draft",
        Status::Active => "active",
        Status::Closed => "closed",
        Status::Archived => "archived",
    }
}

fn contents<T: Serialize>(uri: &str, value: &T) -> Result<ReadResourceResult, ErrorData> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
    Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type("application/json")]))
}

fn not_found(uri: &str, why: impl std::fmt::Display) -> ErrorData {
    ErrorData::resource_not_found(format!("{uri}: {why}"), Some(json!({ "uri": uri })))
}

pub fn read(store: &Store, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    if uri.starts_with("ui://") {
        let page = super::views::read(uri).ok_or_else(|| {
            let pages: Vec<&str> = super::views::VIEWS.iter().map(|view| view.uri).collect();
            not_found(uri, format!("the pages served are {}", pages.join(", ")))
        })?;
        return Ok(ReadResourceResult::new(vec![page]));
    }
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
            let record = catalog::evidence(store, id)
                .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
                .ok_or_else(|| not_found(uri, format!("{id} does not exist")))?;
            contents(uri, &record)
        }
        other => Err(not_found(
            uri,
            format!("unknown kind {other:?}; objective, key-result, evidence and cycle/{{cycle}}/report.md are served"),
        )),
    }
}

/// The files under an id: a key result's chart, a cycle's report.
fn read_file(store: &Store, uri: &str, kind: &str, id: &str, file: &str) -> Result<ReadResourceResult, ErrorData> {
    let today = crate::clock::today();
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

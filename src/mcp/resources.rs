//! Resources: objectives, key results and evidence addressable by URI, so a client
//! can attach them to a conversation. Each reads the same core views the tools return.

use rmcp::ErrorData;
use rmcp::model::{ListResourceTemplatesResult, ReadResourceResult, ResourceContents, ResourceTemplate};
use serde::Serialize;
use serde_json::json;

use crate::evidence::link::links_of_evidence;
use crate::evidence::stats::statistics;
use crate::model::{Evidence, EvidenceId};
use crate::okr::query::get_okr;
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
        other => Err(not_found(uri, format!("unknown kind {other:?}; objective, key-result and evidence are served"))),
    }
}

//! Completions for prompt arguments and resource template variables: objective, key
//! result and evidence ids, and cycles, that start with what the user has typed.

use rmcp::ErrorData;
use rmcp::model::{CompleteRequestParams, CompleteResult, CompletionInfo};

use crate::lookup::catalog;
use crate::store::Store;

/// What an argument is completed from.
enum Source {
    Objectives,
    KeyResults,
    Evidence,
    Cycles,
    /// Objectives and cycles (the check-in takes either).
    ObjectivesAndCycles,
    /// Key result ids and metric names (a question can name either).
    Subjects,
}

fn source_of(request: &CompleteRequestParams) -> Option<Source> {
    let argument = request.argument.name.as_str();
    if let Some(uri) = request.r#ref.as_resource_uri() {
        return match (uri, argument) {
            ("grounded://objective/{id}", "id") => Some(Source::Objectives),
            (
                "grounded://key-result/{id}"
                | "grounded://key-result/{id}/chart.svg"
                | "grounded://key-result/{id}/chart.png",
                "id",
            ) => Some(Source::KeyResults),
            ("grounded://evidence/{id}", "id") => Some(Source::Evidence),
            ("grounded://cycle/{cycle}/report.md", "cycle") => Some(Source::Cycles),
            _ => None,
        };
    }
    match (request.r#ref.as_prompt_name()?, argument) {
        ("draft_okrs" | "quarter_review", "cycle") => Some(Source::Cycles),
        ("weekly_checkin", "subject") => Some(Source::ObjectivesAndCycles),
        ("why_did_it_slip", "question") => Some(Source::Subjects),
        _ => None,
    }
}

fn values(store: &Store, source: Source, typed: &str) -> crate::Result<Vec<String>> {
    let typed = typed.trim().to_lowercase();
    let mut out: Vec<String> = vec![];
    match source {
        Source::Objectives => out.extend(catalog::objective_ids(store)?),
        Source::KeyResults => out.extend(catalog::key_result_ids(store)?),
        Source::Evidence => out.extend(catalog::evidence_ids_starting(store, &typed, CompletionInfo::MAX_VALUES)?),
        Source::Cycles => out.extend(cycles(store)?),
        Source::ObjectivesAndCycles => {
            out.extend(cycles(store)?);
            out.extend(catalog::objective_ids(store)?);
        }
        Source::Subjects => {
            out.extend(catalog::key_result_ids(store)?);
            out.extend(catalog::metric_names(store)?);
        }
    }
    out.retain(|v| v.to_lowercase().starts_with(&typed));
    out.truncate(CompletionInfo::MAX_VALUES);
    Ok(out)
}

/// The cycles that have objectives, newest first, and the current quarter.
fn cycles(store: &Store) -> crate::Result<Vec<String>> {
    let today = crate::clock::today();
    let mut names = catalog::cycles(store, true)?;
    names.insert(format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1));
    Ok(names.into_iter().rev().collect())
}

pub fn complete(store: &Store, request: &CompleteRequestParams) -> Result<CompleteResult, ErrorData> {
    let found = match source_of(request) {
        Some(source) => values(store, source, &request.argument.value)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?,
        None => vec![],
    };
    let info = CompletionInfo::with_all_values(found).map_err(|e| ErrorData::internal_error(e, None))?;
    Ok(CompleteResult::new(info))
}

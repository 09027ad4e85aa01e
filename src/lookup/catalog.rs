//! What exists, for a picker: the cycles, objectives, key results, metrics and evidence
//! a client can attach or complete, read in id order a page at a time. The MCP layer's
//! resource list and completions ask here instead of reading the store's trees.

use std::collections::{BTreeSet, HashMap};

use crate::error::Result;
use crate::model::{Evidence, EvidenceId, KeyResult, KeyResultId, Metric, Objective, ObjectiveId, Status};
use crate::store::links::links_of_evidence;
use crate::store::{Store, Table, decode};

/// The cycles that have an objective; with `archived`, also those whose objectives are
/// all archived.
pub fn cycles(store: &Store, archived: bool) -> Result<BTreeSet<String>> {
    let mut cycles = BTreeSet::new();
    for objective in store.scan::<Objective>(Table::Objectives) {
        let objective = objective?;
        if archived || objective.status != Status::Archived {
            cycles.insert(objective.cycle.name().to_string());
        }
    }
    Ok(cycles)
}

/// Up to `limit` objectives that are not archived, in id order, after `after`.
pub fn objectives_after(store: &Store, after: Option<ObjectiveId>, limit: usize) -> Result<Vec<Objective>> {
    let start = after.map_or(0, |id| id.0 + 1).to_be_bytes();
    let mut page = vec![];
    for entry in store.tree(Table::Objectives).range(start..) {
        if page.len() == limit {
            break;
        }
        let (key, value) = entry?;
        let objective: Objective = decode(&key, &value)?;
        if objective.status != Status::Archived {
            page.push(objective);
        }
    }
    Ok(page)
}

/// Up to `limit` key results in id order after `after`, leaving out the archived ones
/// and those of an archived objective (archived with it, whatever their own status).
pub fn key_results_after(store: &Store, after: Option<KeyResultId>, limit: usize) -> Result<Vec<KeyResult>> {
    let start = after.map_or(0, |id| id.0 + 1).to_be_bytes();
    // Each objective is read once per page.
    let mut archived = HashMap::<ObjectiveId, bool>::new();
    let mut page = vec![];
    for entry in store.tree(Table::KeyResults).range(start..) {
        if page.len() == limit {
            break;
        }
        let (key, value) = entry?;
        let kr: KeyResult = decode(&key, &value)?;
        if kr.status == Status::Archived {
            continue;
        }
        let parent_archived = match archived.get(&kr.objective) {
            Some(known) => *known,
            None => {
                let gone = store.objective(kr.objective)?.is_none_or(|o| o.status == Status::Archived);
                archived.insert(kr.objective, gone);
                gone
            }
        };
        if !parent_archived {
            page.push(kr);
        }
    }
    Ok(page)
}

/// Every objective's id, every key result's id, every metric's name.
pub fn objective_ids(store: &Store) -> Result<Vec<String>> {
    store.scan::<Objective>(Table::Objectives).map(|o| Ok(o?.id.to_string())).collect()
}

pub fn key_result_ids(store: &Store) -> Result<Vec<String>> {
    store.scan::<KeyResult>(Table::KeyResults).map(|kr| Ok(kr?.id.to_string())).collect()
}

pub fn metric_names(store: &Store) -> Result<Vec<String>> {
    store.scan::<Metric>(Table::Metrics).map(|m| Ok(m?.name)).collect()
}

/// Up to `limit` evidence ids that start with `typed` (lower case), from the keys only:
/// a completion should not read 100,000 excerpts.
pub fn evidence_ids_starting(store: &Store, typed: &str, limit: usize) -> Result<Vec<String>> {
    let mut found = vec![];
    for key in store.tree(Table::Evidence).iter().keys() {
        if let Some(id) = EvidenceId::from_key(&key?) {
            let id = id.to_string();
            if id.to_lowercase().starts_with(typed) {
                found.push(id);
                if found.len() == limit {
                    break;
                }
            }
        }
    }
    Ok(found)
}

/// One piece of evidence with its links and, for a survey result, its statistics.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvidenceRecord {
    pub evidence: Evidence,
    pub links: Vec<crate::model::Link>,
    pub statistics: Vec<crate::evidence::stats::Statistic>,
}

pub fn evidence(store: &Store, id: EvidenceId) -> Result<Option<EvidenceRecord>> {
    let Some(evidence) = store.get::<Evidence>(Table::Evidence, &id.key())? else { return Ok(None) };
    let links = links_of_evidence(store, id)?;
    let statistics = evidence.survey.as_ref().map(crate::evidence::stats::statistics).unwrap_or_default();
    Ok(Some(EvidenceRecord { evidence, links, statistics }))
}

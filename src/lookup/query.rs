//! `list_okrs` and `get_okr`: read-only views of stored objectives.

use crate::scoring::formula::PaceStatus;
use crate::scoring::score::{KeyResultScore, ScoreOptions, score_key_result, score_objective};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evidence::link::{EvidenceCounts, evidence_counts};
use crate::model::{
    AuditEntry, Commitment, Cycle, Indicator, Initiative, KeyResult, Level, Metric, Objective, ObjectiveId, OkrId,
    Status,
};
use crate::okr::checks::CheckReport;
use crate::okr::stored::{StoredKeyResult, check_stored};
use crate::store::links::links_of_target;
use crate::store::okrs::{children_with_count, load_key_result, load_objective};
use crate::store::{Store, Table};

pub const DEFAULT_PAGE: usize = 20;
pub const MAX_PAGE: usize = 100;

/// Filters of `list_okrs`; every one is optional and they combine with AND.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListFilter {
    /// Such as 2026-Q4.
    #[serde(default)]
    pub cycle: Option<String>,
    // Case-insensitive.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub level: Option<Level>,
    // `archived` lists the archived ones.
    #[serde(default)]
    pub status: Option<Status>,
    // Archived objectives are left out unless asked for.
    #[serde(default)]
    pub include_archived: bool,
    // Case-insensitive.
    /// Words in the objective or its key results.
    #[serde(default)]
    pub text: Option<String>,
    /// 1-100, default 20.
    #[serde(default)]
    pub limit: Option<usize>,
    // The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One objective in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveRow {
    pub id: ObjectiveId,
    pub title: String,
    pub owner: Option<String>,
    pub cycle: Cycle,
    pub level: Level,
    pub kind: Commitment,
    pub status: Status,
    pub key_results: usize,
    /// Evidence links to the objective and its key results.
    pub evidence_links: usize,
    /// Weighted progress of its key results today (score has the detail).
    pub progress: f64,
    pub pace: PaceStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectivePage {
    pub objectives: Vec<ObjectiveRow>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

pub fn list_okrs(store: &Store, filter: ListFilter) -> Result<ObjectivePage> {
    let cycle = filter
        .cycle
        .as_deref()
        .map(|c| c.parse::<Cycle>().map_err(|e| Error::invalid("cycle", e.to_string())))
        .transpose()?;
    let crate::validate::ObjectivePage { limit, after } =
        crate::validate::objective_page(filter.limit, filter.cursor.as_deref(), DEFAULT_PAGE, MAX_PAGE)?;
    let owner = filter.owner.as_deref().map(str::trim).map(str::to_lowercase);
    let text = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_lowercase);
    let mut objectives = Vec::with_capacity(limit);
    let mut next_cursor = None;
    let start = ObjectiveId(after.saturating_add(1)).key();
    for entry in store.tree(Table::Objectives).range(start..) {
        let (key, value) = entry?;
        let objective: Objective = crate::store::decode(&key, &value)?;
        if cycle.as_ref().is_some_and(|c| *c != objective.cycle)
            || filter.level.is_some_and(|l| l != objective.level)
            || filter.status.is_some_and(|s| s != objective.status)
            || (objective.status == Status::Archived && !filter.include_archived && filter.status.is_none())
            || owner.as_ref().is_some_and(|o| objective.owner.as_ref().is_none_or(|x| x.to_lowercase() != *o))
        {
            continue;
        }
        if let Some(text) = &text
            && !objective.title.to_lowercase().contains(text.as_str())
            && !any_key_result_mentions(store, &objective, text)?
        {
            continue;
        }
        if objectives.len() == limit {
            next_cursor = objectives.last().map(|row: &ObjectiveRow| row.id.to_string());
            break;
        }
        let mut evidence_links = links_of_target(store, &objective.id.to_string())?.len();
        for kr in &objective.key_results {
            evidence_links += links_of_target(store, &kr.to_string())?.len();
        }
        let scored = score_objective(store, &objective, None, ScoreOptions::today())?;
        objectives.push(ObjectiveRow {
            evidence_links,
            progress: scored.progress,
            pace: scored.status,
            id: objective.id,
            key_results: objective.key_results.len(),
            title: objective.title,
            owner: objective.owner,
            cycle: objective.cycle,
            level: objective.level,
            kind: objective.kind,
            status: objective.status,
        });
    }
    Ok(ObjectivePage { objectives, next_cursor })
}

fn any_key_result_mentions(store: &Store, objective: &Objective, text: &str) -> Result<bool> {
    for id in &objective.key_results {
        if store.key_result(*id)?.is_some_and(|kr| kr.statement.to_lowercase().contains(text)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A key result with what hangs off it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyResultDetail {
    #[serde(flatten)]
    pub key_result: KeyResult,
    pub metric_detail: Option<Metric>,
    pub indicators: Vec<Indicator>,
    pub initiatives: Vec<Initiative>,
    /// Evidence linked to the key result, by relation.
    pub evidence: EvidenceCounts,
    /// Evidence linked to each indicator (by IND id).
    pub indicator_evidence: std::collections::BTreeMap<String, EvidenceCounts>,
    /// Its score today: progress, pace status, the value it rests on, forecast, grade.
    pub score: KeyResultScore,
}

/// One objective with its key results, indicators, initiatives, checks and history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveDetail {
    #[serde(flatten)]
    pub objective: Objective,
    pub key_result_details: Vec<KeyResultDetail>,
    /// Evidence linked to the objective itself, by relation.
    pub evidence: EvidenceCounts,
    /// Weighted progress of its key results today, and its pace status.
    pub progress: f64,
    pub pace: PaceStatus,
    /// The quality checks as they stand now: every finding but the passes, which
    /// the tally counts (check_okr lists every rule).
    pub check: CheckReport,
    /// Every change to the objective and its key results, oldest first.
    pub history: Vec<AuditEntry>,
}

/// `id` may name the objective or one of its key results.
pub fn get_okr(store: &Store, id: &str) -> Result<ObjectiveDetail> {
    get_okr_as_of(store, id, ScoreOptions::today())
}

/// The same, scored as of another day (a scorecard's, so a key result opened from it
/// reads as the row it was opened from).
pub fn get_okr_as_of(store: &Store, id: &str, options: ScoreOptions) -> Result<ObjectiveDetail> {
    Ok(objective_detail(store, id, true, options)?.0)
}

/// What [`get_okr_counted`] counted instead of reading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counted {
    /// Entries in the history of the objective and its key results.
    pub history_entries: usize,
    /// Initiatives of each key result, in the objective's order.
    pub initiatives: Vec<usize>,
}

impl Counted {
    /// The counts of a detail that was read whole.
    pub fn of(detail: &ObjectiveDetail) -> Counted {
        Counted {
            history_entries: detail.history.len(),
            initiatives: detail.key_result_details.iter().map(|d| d.initiatives.len()).collect(),
        }
    }
}

/// The detail without the history and the initiatives, only their numbers. Both grow
/// with every change and are the costliest parts to decode; the overview shows only
/// how many there are.
pub fn get_okr_counted(store: &Store, id: &str, options: ScoreOptions) -> Result<(ObjectiveDetail, Counted)> {
    objective_detail(store, id, false, options)
}

fn objective_detail(store: &Store, id: &str, whole: bool, options: ScoreOptions) -> Result<(ObjectiveDetail, Counted)> {
    let objective_id = match id.parse::<OkrId>().map_err(|e| Error::invalid("id", e))? {
        OkrId::Objective(id) => id,
        OkrId::KeyResult(kr) => {
            store
                .key_result(kr)?
                .ok_or_else(|| {
                    Error::not_found("id", kr, crate::words![crate::error::Operation::ListOkrs, " shows what exists"])
                })?
                .objective
        }
    };
    let objective = load_objective(store, "id", objective_id)?;
    let scored = score_objective(store, &objective, None, options)?;
    let mut details = Vec::with_capacity(objective.key_results.len());
    let (mut history, mut counted) = (vec![], Counted::default());
    let mut add_history = |subject: String| -> Result<()> {
        if whole {
            history.extend(store.history(&subject)?);
        } else {
            counted.history_entries += store.history_len(&subject)?;
        }
        Ok(())
    };
    add_history(objective.id.to_string())?;
    for kr_id in &objective.key_results {
        let key_result = load_key_result(store, "id", *kr_id)?;
        let metric_detail = key_result.metric.map(|m| store.metric(m)).transpose()?.flatten();
        let (indicators, initiatives, initiative_count) = children_with_count(store, *kr_id, whole)?;
        counted.initiatives.push(initiative_count);
        add_history(kr_id.to_string())?;
        let evidence = evidence_counts(store, &kr_id.to_string())?;
        let indicator_evidence = indicators
            .iter()
            .map(|i| Ok((i.id.to_string(), evidence_counts(store, &i.id.to_string())?)))
            .collect::<Result<_>>()?;
        let score = match scored.key_results.iter().find(|s| s.key_result == *kr_id) {
            Some(s) => s.clone(),
            None => score_key_result(store, &objective, &key_result, options)?,
        };
        details.push(KeyResultDetail {
            score,
            key_result,
            metric_detail,
            indicators,
            initiatives,
            evidence,
            indicator_evidence,
        });
    }
    history.sort_by_key(|e| e.at);
    // An archived key result is history, not part of the set the rules judge.
    let present: Vec<KeyResultDetail> =
        details.iter().filter(|d| d.key_result.status != Status::Archived).cloned().collect();
    let stored: Vec<StoredKeyResult> = present
        .iter()
        .map(|d| StoredKeyResult {
            key_result: &d.key_result,
            metric: d.metric_detail.as_ref(),
            indicators: &d.indicators,
        })
        .collect();
    let check = check_stored(store, &objective, &stored)?.without_passes();
    let evidence = evidence_counts(store, &objective.id.to_string())?;
    let detail = ObjectiveDetail {
        progress: scored.progress,
        pace: scored.status,
        objective,
        key_result_details: details,
        evidence,
        check,
        history,
    };
    if whole {
        counted = Counted::of(&detail);
    }
    Ok((detail, counted))
}

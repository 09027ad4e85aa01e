//! `check_okr` and `draft_okr`: read and check an objective with its key results,
//! and (for a draft) save it in one transaction.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::checks::{self, CheckContext, CheckReport};
use super::children::{MetricRef, create_or_find_metric, write_indicator, write_initiative};
use super::input::{KeyResultPlan, ObjectiveDraft, ObjectivePlan};
use super::statement::{RelativeChange, TimeBound};
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{
    AuditEntry, Cycle, Direction, IndicatorId, IndicatorStatus, InitiativeId, KeyResult, KeyResultId, KrRole, KrType,
    Level, MetricId, Objective, ObjectiveId, Scale, Status, Threshold, Unit,
};
use crate::store::{Store, Table, Tx, TxError};

/// What was read from one key result, after the caller's explicit fields were applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyResultReading {
    pub statement: String,
    #[serde(rename = "type")]
    pub kr_type: KrType,
    pub role: Option<KrRole>,
    pub metric: Option<String>,
    pub direction: Option<Direction>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<Unit>,
    pub threshold: Option<Threshold>,
    pub relative_change: Option<RelativeChange>,
    pub scale: Option<Scale>,
    pub due: Option<String>,
    /// The time bound as written, before it was resolved against the cycle.
    pub time_bound: Option<TimeBound>,
    /// Parts of the statement that could not be read (never guessed).
    pub unread: Vec<String>,
}

impl From<&KeyResultPlan> for KeyResultReading {
    fn from(kr: &KeyResultPlan) -> Self {
        KeyResultReading {
            statement: kr.statement.clone(),
            kr_type: kr.kr_type,
            role: kr.role,
            metric: kr.metric_name.clone().or_else(|| kr.metric_id.map(|id| id.to_string())),
            direction: kr.direction,
            baseline: kr.baseline,
            target: kr.target,
            unit: kr.unit.clone(),
            threshold: kr.threshold,
            relative_change: kr.relative_change.clone(),
            scale: kr.scale,
            due: kr.due.map(|d| d.to_string()),
            time_bound: kr.parsed.due.clone(),
            unread: kr.parsed.unread.clone(),
        }
    }
}

/// The answer of `check_okr`: how each key result was read and what the rules found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckOutcome {
    pub objective: String,
    pub key_results: Vec<KeyResultReading>,
    #[serde(flatten)]
    pub report: CheckReport,
}

/// The answer of `draft_okr`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Drafted {
    pub objective_id: ObjectiveId,
    /// In the order the key results were given.
    pub key_result_ids: Vec<KeyResultId>,
    /// The metric each key result measures (shared metrics are reused by name).
    pub metric_ids: Vec<Option<MetricId>>,
    /// The indicators the key results declared, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicator_ids: Vec<IndicatorId>,
    /// The initiatives the key results declared, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiative_ids: Vec<InitiativeId>,
    pub status: Status,
    pub check: CheckOutcome,
}

/// Reads and checks a draft without saving anything.
pub fn check_okr(store: &Store, draft: ObjectiveDraft) -> Result<CheckOutcome> {
    let plan = draft.into_plan()?;
    let context = context_for(store, &plan, None)?;
    Ok(outcome(&plan, &context))
}

pub fn outcome(plan: &ObjectivePlan, context: &CheckContext) -> CheckOutcome {
    CheckOutcome {
        objective: plan.title.clone(),
        key_results: plan.key_results.iter().map(KeyResultReading::from).collect(),
        report: checks::check(plan, context),
    }
}

/// What the rules need from the store. `excluding` is the objective being re-checked,
/// so it does not count against its own owner's load.
pub fn context_for(store: &Store, plan: &ObjectivePlan, excluding: Option<ObjectiveId>) -> Result<CheckContext> {
    for kr in &plan.key_results {
        if let Some(id) = kr.metric_id {
            store.metric(id)?.ok_or_else(|| {
                Error::not_found("metric", id, "give a metric name to create one, or an existing metric id")
            })?;
        }
        for indicator in &kr.indicators {
            if let MetricRef::Id(id) = indicator.metric {
                store.metric(id)?.ok_or_else(|| {
                    Error::not_found("metric", id, "give a metric name to create one, or an existing metric id")
                })?;
            }
        }
    }
    let parent_title = match plan.parent {
        Some(id) => Some(
            store
                .objective(id)?
                .ok_or_else(|| {
                    Error::not_found(
                        "parent",
                        id,
                        crate::words![crate::error::Operation::ListOkrs, " shows the objectives that exist"],
                    )
                })?
                .title,
        ),
        None => None,
    };
    // Indicators the draft declares are written `assumed`; a stored objective's
    // re-check replaces these with the stored statuses.
    let indicators = plan.key_results.iter().map(|kr| vec![IndicatorStatus::Assumed; kr.indicators.len()]).collect();
    let mut context = CheckContext { parent_title, indicators, ..Default::default() };
    if let Some(cycle) = &plan.cycle {
        let count = |holder: &str| -> Result<usize> {
            let mut n = 0;
            for key in store.tree(Table::OwnerLoad).scan_prefix(load_prefix(cycle, holder)).keys() {
                let key = key?;
                n += usize::from(ObjectiveId::from_key(&key[key.len() - 8..]) != excluding);
            }
            Ok(n)
        };
        if let Some(owner) = &plan.owner {
            context.owner_objectives = count(&owner.to_lowercase())?;
        }
        context.company_objectives = count(COMPANY)?;
    }
    Ok(context)
}

/// The holder under which company-level objectives are counted; no person's name
/// starts with a control character.
const COMPANY: &str = "\u{1}company";

fn load_prefix(cycle: &crate::model::Cycle, holder: &str) -> Vec<u8> {
    format!("{cycle}\u{0}{holder}\u{0}").into_bytes()
}

/// The [`Table::OwnerLoad`] keys an objective counts under: its owner, and the
/// company when it is company-level. Archived objectives count for nobody.
pub fn load_keys(objective: &Objective) -> Vec<Vec<u8>> {
    if objective.status == Status::Archived {
        return vec![];
    }
    let mut holders = vec![];
    if let Some(owner) = &objective.owner {
        holders.push(owner.to_lowercase());
    }
    if objective.level == Level::Company {
        holders.push(COMPANY.to_string());
    }
    holders
        .iter()
        .map(|h| {
            let mut key = load_prefix(&objective.cycle, h);
            key.extend_from_slice(&objective.id.key());
            key
        })
        .collect()
}

/// Checks the draft and saves the objective, its key results and any new metrics
/// as one transaction, durable before it returns.
pub async fn draft_okr(store: &Store, draft: ObjectiveDraft, actor: &Actor) -> Result<Drafted> {
    let intended = draft.same_title_intended;
    let plan = draft.into_plan()?;
    let cycle = plan.cycle.clone().ok_or_else(|| {
        Error::invalid(
            "cycle",
            format!("is needed to save a draft; give one, such as 2026-Q4 ({})", crate::model::CYCLE_FORMS),
        )
    })?;

    let context = context_for(store, &plan, None)?;
    let check = outcome(&plan, &context);
    // Last, so a draft with a wrong field hears about that first.
    if !intended {
        refuse_same_title(store, &plan.title, &cycle)?;
    }
    let change = Change::now(actor, None);
    let (objective_id, written) = store.transact(|tx| write_objective(tx, &plan, &cycle, &change))?;
    store.flush().await?;
    Ok(Drafted {
        objective_id,
        key_result_ids: written.iter().map(|w| w.id).collect(),
        metric_ids: written.iter().map(|w| w.metric).collect(),
        indicator_ids: written.iter().flat_map(|w| w.indicators.clone()).collect(),
        initiative_ids: written.iter().flat_map(|w| w.initiatives.clone()).collect(),
        status: Status::Draft,
        check,
    })
}

/// The same draft sent twice makes two objectives nobody can tell apart: refused,
/// naming the one that exists, unless the caller says it is intended.
fn refuse_same_title(store: &Store, title: &str, cycle: &Cycle) -> Result<()> {
    let wanted = super::same_title(title);
    for objective in store.scan::<Objective>(Table::Objectives) {
        let objective = objective?;
        if objective.cycle == *cycle
            && objective.status != Status::Archived
            && super::same_title(&objective.title) == wanted
        {
            return Err(Error::invalid(
                "objective",
                crate::words![
                    format!(
                        "{} already has this title in {} (created {}, owner {}); change that one with ",
                        objective.id,
                        cycle.name(),
                        crate::clock::day_of(objective.created_at),
                        objective.owner.as_deref().unwrap_or("none")
                    ),
                    crate::error::Operation::UpdateOkr,
                    ", or ",
                    crate::error::send_again_with("same_title_intended", "true"),
                    " to keep both"
                ],
            ));
        }
    }
    Ok(())
}

/// What writing one key result made: its id, its metric, and the indicators and
/// initiatives declared under it.
pub(crate) struct WrittenKeyResult {
    pub id: KeyResultId,
    pub metric: Option<MetricId>,
    pub indicators: Vec<IndicatorId>,
    pub initiatives: Vec<InitiativeId>,
}

/// The writes of a new objective with its key results and any new metrics, inside
/// the caller's transaction (a draft, or one objective of an applied file).
pub(crate) fn write_objective(
    tx: &Tx<'_>,
    plan: &ObjectivePlan,
    cycle: &Cycle,
    change: &Change,
) -> Result<(ObjectiveId, Vec<WrittenKeyResult>), TxError> {
    let now = change.at;
    let objective_id = ObjectiveId(tx.next_id(ObjectiveId::PREFIX)?);
    let written = plan
        .key_results
        .iter()
        .map(|kr| write_key_result(tx, objective_id, kr, change))
        .collect::<Result<Vec<_>, _>>()?;
    let objective = Objective {
        id: objective_id,
        title: plan.title.clone(),
        owner: plan.owner.clone(),
        cycle: cycle.clone(),
        level: plan.level,
        kind: plan.kind,
        status: Status::Draft,
        parent: plan.parent,
        stage: plan.stage.clone(),
        key_results: written.iter().map(|w| w.id).collect(),
        created_at: now,
        updated_at: now,
    };
    tx.put(Table::Objectives, &objective_id.key(), &objective)?;
    for key in load_keys(&objective) {
        tx.put_raw(Table::OwnerLoad, &key, &[])?;
    }
    tx.append_history(&created(objective_id.to_string(), &objective, change))?;
    Ok((objective_id, written))
}

/// A new key result of `objective` (its metric found or created), with its history,
/// and the indicators and initiatives declared under it.
pub(crate) fn write_key_result(
    tx: &Tx<'_>,
    objective: ObjectiveId,
    kr: &KeyResultPlan,
    change: &Change,
) -> Result<WrittenKeyResult, TxError> {
    let now = change.at;
    let metric = resolve_metric(tx, kr, now)?;
    let id = KeyResultId(tx.next_id(KeyResultId::PREFIX)?);
    let record = key_result_record(id, objective, kr, metric, now);
    tx.put(Table::KeyResults, &id.key(), &record)?;
    tx.append_history(&created(id.to_string(), &record, change))?;
    let indicators = kr.indicators.iter().map(|i| write_indicator(tx, id, i, change).map(|i| i.id));
    let indicators = indicators.collect::<Result<Vec<_>, _>>()?;
    let initiatives = kr.initiatives.iter().map(|i| write_initiative(tx, id, i, change).map(|i| i.id));
    let initiatives = initiatives.collect::<Result<Vec<_>, _>>()?;
    Ok(WrittenKeyResult { id, metric, indicators, initiatives })
}

pub fn key_result_record(
    id: KeyResultId,
    objective: ObjectiveId,
    kr: &KeyResultPlan,
    metric: Option<MetricId>,
    now: Timestamp,
) -> KeyResult {
    KeyResult {
        id,
        objective,
        statement: kr.statement.clone(),
        kr_type: kr.kr_type,
        role: kr.role,
        metric,
        direction: kr.direction,
        baseline: kr.baseline,
        target: kr.target,
        threshold: kr.threshold,
        unit: kr.unit.clone(),
        scale: kr.scale,
        weight: kr.weight,
        owner: kr.owner.clone(),
        due: kr.due,
        commitment: kr.commitment,
        status: Status::Draft,
        created_at: now,
        updated_at: now,
    }
}

/// The metric a key result measures: the one named by id, the stored one with the
/// same normalized name, or a new one.
pub fn resolve_metric(tx: &Tx<'_>, kr: &KeyResultPlan, now: Timestamp) -> Result<Option<MetricId>, TxError> {
    if let Some(id) = kr.metric_id {
        return Ok(Some(id));
    }
    let Some(name) = kr.metric_name.as_deref() else { return Ok(None) };
    create_or_find_metric(tx, name, kr.unit.clone(), kr.scale, now).map(Some)
}

/// The history entry of a new record: all of it, under `*`. A creation needs no reason.
pub fn created<T: Serialize>(subject: String, record: &T, change: &Change) -> AuditEntry {
    let all = vec![crate::model::FieldChange {
        field: "*".into(),
        from: serde_json::Value::Null,
        to: serde_json::to_value(record).unwrap_or_default(),
    }];
    Change { reason: None, ..change.clone() }.entry(subject, "created", all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::okr::input::KeyResultDraft;
    use crate::okr::update::{OkrChanges, UpdateRequest, update_okr};

    fn draft(owner: &str, cycle: &str, level: Level) -> ObjectiveDraft {
        ObjectiveDraft {
            objective: "Customers reach value".into(),
            owner: Some(owner.into()),
            cycle: Some(cycle.into()),
            level: Some(level),
            kind: None,
            parent: None,
            stage: None,
            key_results: vec![KeyResultDraft::Statement("Raise retention from 50% to 65%".into())],
            // These tests count objectives per owner: the same title on purpose.
            same_title_intended: true,
        }
    }

    fn load_status(store: &Store, d: ObjectiveDraft) -> checks::CheckStatus {
        let outcome = check_okr(store, d).unwrap();
        outcome.report.findings.iter().find(|f| f.rule == "objective.owner_load").unwrap().status
    }

    #[tokio::test]
    async fn owner_load_counts_the_owners_objectives_in_the_cycle_only() {
        let store = Store::temporary().unwrap();
        let actor = Actor("test".into());
        for _ in 0..3 {
            draft_okr(&store, draft("Maya Chen", "2026-Q4", Level::Team), &actor).await.unwrap();
        }
        draft_okr(&store, draft("Maya Chen", "2027-Q1", Level::Team), &actor).await.unwrap();
        draft_okr(&store, draft("Leo", "2026-Q4", Level::Team), &actor).await.unwrap();
        // A fourth objective for Maya in 2026-Q4 (the name's case does not matter).
        assert_eq!(load_status(&store, draft("maya chen", "2026-Q4", Level::Team)), checks::CheckStatus::Warn);
        assert_eq!(load_status(&store, draft("Leo", "2026-Q4", Level::Team)), checks::CheckStatus::Pass);
        // Archiving one frees a place; re-checking a stored objective does not count itself.
        let request = UpdateRequest {
            id: "O-1".into(),
            changes: OkrChanges { status: Some(Status::Archived), ..Default::default() },
            reason: None,
        };
        update_okr(&store, request, &actor).await.unwrap();
        assert_eq!(load_status(&store, draft("Maya Chen", "2026-Q4", Level::Team)), checks::CheckStatus::Pass);
        let report = crate::okr::stored::check_objective(&store, ObjectiveId(2)).unwrap();
        let own = report.findings.iter().find(|f| f.rule == "objective.owner_load").unwrap();
        assert!(own.reason.contains("would hold 2 objective"), "{}", own.reason);
    }
}

//! The quality checks of an objective as stored: the plan it would have been drafted
//! from, and what its links say (evidence that validates, sets a baseline, or has gone
//! stale), judged by the same rules as a draft.

use crate::error::Result;
use crate::model::{Evidence, Indicator, KeyResult, Metric, Objective, ObjectiveId, Relation, Status};
use crate::store::links::links_of_target;
use crate::store::okrs::{children, load_key_result, load_objective};
use crate::store::{Store, Table};

use super::checks::{CheckContext, CheckReport, LinkedEvidence, STALE_AFTER_DAYS, check};
use super::draft::context_for;
use super::input::{KeyResultPlan, ObjectivePlan};
use super::statement::parse_statement;

/// A stored key result as the checks read it.
pub struct StoredKeyResult<'a> {
    pub key_result: &'a KeyResult,
    pub metric: Option<&'a Metric>,
    pub indicators: &'a [Indicator],
}

/// The checks of stored objective `id` as they stand now; archived key results are
/// history, not judged.
pub fn check_objective(store: &Store, id: ObjectiveId) -> Result<CheckReport> {
    let objective = load_objective(store, "id", id)?;
    let mut loaded = vec![];
    for kr in &objective.key_results {
        let key_result = load_key_result(store, "id", *kr)?;
        if key_result.status == Status::Archived {
            continue;
        }
        let metric = key_result.metric.map(|m| store.metric(m)).transpose()?.flatten();
        let (indicators, _) = children(store, *kr)?;
        loaded.push((key_result, metric, indicators));
    }
    let stored: Vec<StoredKeyResult> = loaded
        .iter()
        .map(|(key_result, metric, indicators)| StoredKeyResult { key_result, metric: metric.as_ref(), indicators })
        .collect();
    check_stored(store, &objective, &stored)
}

/// Re-runs the quality checks on a stored objective.
pub fn check_stored(store: &Store, objective: &Objective, details: &[StoredKeyResult]) -> Result<CheckReport> {
    let plan = plan_of(objective, details);
    let mut context: CheckContext = context_for(store, &plan, Some(objective.id))?;
    context.indicators = details.iter().map(|d| d.indicators.iter().map(|i| i.status).collect()).collect();
    context.evidence = linked_evidence(store, objective, details)?;
    Ok(check(&plan, &context))
}

/// What the links to a stored objective, its key results, their indicators and
/// metrics say, for the evidence rules.
fn linked_evidence(store: &Store, objective: &Objective, details: &[StoredKeyResult]) -> Result<LinkedEvidence> {
    let today = crate::clock::today();
    let motivating =
        links_of_target(store, &objective.id.to_string())?.iter().filter(|l| l.relation == Relation::Motivates).count();
    let mut evidence = LinkedEvidence { motivating, ..Default::default() };
    for detail in details {
        let kr = detail.key_result;
        let mut links = links_of_target(store, &kr.id.to_string())?;
        for indicator in detail.indicators {
            links.extend(
                links_of_target(store, &indicator.id.to_string())?
                    .into_iter()
                    .filter(|l| l.relation == Relation::Validates),
            );
        }
        if let Some(metric) = kr.metric {
            links.extend(
                links_of_target(store, &metric.to_string())?.into_iter().filter(|l| l.relation == Relation::Baseline),
            );
        }
        evidence.validating.push(links.iter().filter(|l| l.relation == Relation::Validates).count());
        evidence.baseline_sources.push(links.iter().filter(|l| l.relation == Relation::Baseline).count());
        let mut stale = 0;
        for link in links
            .iter()
            .filter(|l| matches!(l.relation, Relation::Supports | Relation::Validates | Relation::Motivates))
        {
            let observed = store.get::<Evidence>(Table::Evidence, &link.evidence.key())?.and_then(|e| e.observed_at);
            stale += usize::from(observed.is_some_and(|d| (today - d).get_days() > STALE_AFTER_DAYS));
        }
        evidence.stale.push(stale);
    }
    Ok(evidence)
}

/// The plan a stored objective would have been drafted from.
fn plan_of(objective: &Objective, details: &[StoredKeyResult]) -> ObjectivePlan {
    ObjectivePlan {
        title: objective.title.clone(),
        owner: objective.owner.clone(),
        cycle: Some(objective.cycle.clone()),
        level: objective.level,
        kind: objective.kind,
        parent: objective.parent,
        stage: objective.stage.clone(),
        key_results: details
            .iter()
            .map(|d| {
                let kr = d.key_result;
                let parsed = parse_statement(&kr.statement);
                KeyResultPlan {
                    kr_type: kr.kr_type,
                    role: kr.role,
                    metric_id: kr.metric,
                    metric_name: d.metric.map(|m| m.name.clone()),
                    direction: kr.direction,
                    baseline: kr.baseline,
                    target: kr.target,
                    threshold: kr.threshold,
                    relative_change: parsed.relative_change.clone(),
                    unit: kr.unit.clone(),
                    scale: kr.scale,
                    weight: kr.weight,
                    owner: kr.owner.clone(),
                    due: kr.due,
                    commitment: kr.commitment,
                    statement: kr.statement.clone(),
                    parsed,
                    // The stored ones reach the checks through the context.
                    indicators: vec![],
                    initiatives: vec![],
                }
            })
            .collect(),
    }
}

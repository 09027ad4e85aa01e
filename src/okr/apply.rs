//! OKRs as code: make the stored OKRs match a YAML or Markdown file.
//!
//! An objective in the file is the stored one with the same title (case and spacing
//! aside) in the same cycle; none means it is created. Within a matched objective a
//! key result is the stored one with the same statement, else the one measuring the
//! same metric (its statement and numbers then follow the file, the old ones stay in
//! history), else it is added; a stored key result the file no longer has is
//! archived, not deleted, so its measurements and links stay readable. Everything the
//! file asks for is one transaction: a file applies whole or not at all. Applying the
//! same file twice changes nothing the second time.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::checks::{CheckReport, CheckStatus};
use super::children::{
    IndicatorPlan, InitiativePlan, MetricRef, initiative_changes, rewrite_initiative, write_indicator, write_initiative,
};
use super::draft::{key_result_record, load_keys, write_key_result, write_objective};
use super::input::{KeyResultPlan, ObjectiveDraft, ObjectivePlan};
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{
    Cycle, FieldChange, Initiative, KeyResult, KeyResultId, Objective, ObjectiveId, Status, normalize_metric_name,
};
use crate::store::{Store, Table, Tx, TxError};

/// What applying a file does (or would do, on a dry run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Applied {
    /// True when nothing was written.
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Targets and baselines the file moves on stored key results ("KR-1 target 65 → 62").
    pub moved: Vec<String>,
    pub objectives: Vec<ObjectiveStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveStep {
    /// The stored objective; for one created on a dry run, none yet.
    pub id: Option<ObjectiveId>,
    pub title: String,
    pub cycle: Cycle,
    /// create, update or unchanged.
    pub action: String,
    /// What changes, one line each ("KR-4 archived: not in the file").
    pub changes: Vec<String>,
    /// The checks the objective fails as the file has it ("kr.measurable (key_results[2]):
    /// has no target number"); a draft is kept all the same, to be improved.
    pub failing: Vec<String>,
}

/// The failing findings of a check, one line each.
fn failing_checks(report: &CheckReport) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.status == CheckStatus::Fail)
        .map(|f| format!("{} ({}): {}", f.rule, f.subject, f.reason))
        .collect()
}

/// One objective of the file and what it meets in the store.
enum Plan {
    Create(ObjectivePlan, Cycle),
    Update { objective: Box<Objective>, plan: ObjectivePlan, edits: Box<Edits> },
    Unchanged(Box<Objective>),
}

/// The changes to a matched objective.
#[derive(Default)]
struct Edits {
    /// The objective's own fields as the file has them, when they differ.
    objective: Option<Objective>,
    /// Stored key result → its record as the file has it.
    rewritten: Vec<(KeyResult, KeyResult)>,
    /// Key results of the file the objective does not have (index into the plan).
    added: Vec<usize>,
    archived: Vec<KeyResult>,
    /// Indicators a stored key result does not have yet (matched by metric).
    indicators: Vec<(KeyResultId, IndicatorPlan)>,
    /// Initiatives a stored key result does not have yet (matched by title).
    initiatives: Vec<(KeyResultId, InitiativePlan)>,
    /// Stored initiative → its record as the file has it (owner, due, percent complete).
    initiatives_changed: Vec<(Initiative, Initiative)>,
}

impl Edits {
    fn is_empty(&self) -> bool {
        self.objective.is_none()
            && self.rewritten.is_empty()
            && self.added.is_empty()
            && self.archived.is_empty()
            && self.indicators.is_empty()
            && self.initiatives.is_empty()
            && self.initiatives_changed.is_empty()
    }

    /// The numbers the file moves on stored key results: "KR-1: target 65 → 62".
    fn moved_numbers(&self) -> Vec<String> {
        let mut moved = vec![];
        for (before, after) in &self.rewritten {
            for (name, from, to) in
                [("target", before.target, after.target), ("baseline", before.baseline, after.baseline)]
            {
                if from.is_some() && from != to {
                    moved.push(format!("{} {name} {} → {}", before.id, number(from), number(to)));
                }
            }
        }
        moved
    }

    /// Reads what the file declares under `kr` (stored as `stored`) against what it has.
    fn children_of(&mut self, store: &Store, stored: KeyResultId, kr: &KeyResultPlan) -> Result<()> {
        let (indicators, initiatives) = crate::store::okrs::children(store, stored)?;
        let mut metrics = vec![];
        for indicator in &indicators {
            metrics.extend(store.metric(indicator.metric)?);
        }
        for declared in &kr.indicators {
            if !metrics.iter().any(|m| declared.metric.names(m)) {
                self.indicators.push((stored, declared.clone()));
            }
        }
        for declared in &kr.initiatives {
            match initiatives.iter().find(|i| super::same_title(&i.title) == super::same_title(&declared.title)) {
                Some(found) => {
                    if let Some(changed) = initiative_changes(found, declared) {
                        self.initiatives_changed.push((found.clone(), changed));
                    }
                }
                None => self.initiatives.push((stored, declared.clone())),
            }
        }
        Ok(())
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
}

/// Applies `drafts` (read from `file`) to the store, or with `dry_run` only says what
/// it would do. History entries carry the file's name as their reason, and `reason`
/// after it; a file that moves a stored target or baseline needs one, as `update_okr`
/// does (a dry run says so without refusing).
pub async fn apply(
    store: &Store,
    file: &str,
    drafts: Vec<ObjectiveDraft>,
    dry_run: bool,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<Applied> {
    let reason = crate::validate::optional_text("reason", reason, crate::validate::MAX_NOTE_CHARS)?;
    let stored: Vec<Objective> = store.scan::<Objective>(Table::Objectives).collect::<Result<_>>()?;
    let now = Timestamp::now();
    let mut plans = vec![];
    let mut seen: Vec<(String, Cycle)> = vec![];
    let mut failing: Vec<Vec<String>> = vec![];
    for (i, draft) in drafts.into_iter().enumerate() {
        let plan = draft.into_plan().map_err(|e| in_document(i, e))?;
        let cycle = plan.cycle.clone().ok_or_else(|| {
            Error::invalid(format!("objectives[{i}].cycle"), "is needed to apply a file: objectives are matched by title and cycle; give cycle: 2026-Q4 (or one cycle for the whole file)")
        })?;
        let title = super::same_title(&plan.title);
        if seen.contains(&(title.clone(), cycle.clone())) {
            return Err(Error::invalid(
                format!("objectives[{i}]"),
                format!("{:?} appears twice in {cycle}; one objective per title and cycle", plan.title),
            ));
        }
        seen.push((title.clone(), cycle.clone()));
        let matched = stored.iter().find(|o| o.cycle == cycle && super::same_title(&o.title) == title);
        let context = super::draft::context_for(store, &plan, matched.map(|o| o.id))?;
        failing.push(failing_checks(&super::draft::outcome(&plan, &context).report));
        plans.push(match matched {
            None => Plan::Create(plan, cycle),
            Some(objective) => {
                let edits = edits_for(store, objective, &plan, now)?;
                if edits.is_empty() {
                    Plan::Unchanged(Box::new(objective.clone()))
                } else {
                    Plan::Update { objective: Box::new(objective.clone()), plan, edits: Box::new(edits) }
                }
            }
        });
    }
    let moved: Vec<String> = plans
        .iter()
        .filter_map(|p| match p {
            Plan::Update { edits, .. } => Some(edits.moved_numbers()),
            _ => None,
        })
        .flatten()
        .collect();
    if !moved.is_empty() && reason.is_none() && !dry_run {
        return Err(Error::invalid(
            "reason",
            format!(
                "is needed: {file} moves {}; a moved target or baseline is kept in the history with why it moved; say why, such as \"the Q3 baseline was re-measured\"",
                moved.join(", ")
            ),
        ));
    }
    let reason = match &reason {
        Some(why) => format!("applied from {file}: {why}"),
        None => format!("applied from {file}"),
    };
    let change = Change { actor: actor.clone(), at: now, reason: Some(reason) };
    let created_ids = if dry_run || plans.iter().all(|p| matches!(p, Plan::Unchanged(_))) {
        vec![]
    } else {
        let ids = store.transact(|tx| {
            let mut created = vec![];
            for plan in &plans {
                match plan {
                    Plan::Create(plan, cycle) => created.push(write_objective(tx, plan, cycle, &change)?.0),
                    Plan::Update { objective, plan, edits } => write_edits(tx, objective, plan, edits, &change)?,
                    Plan::Unchanged(_) => {}
                }
            }
            Ok(created)
        })?;
        store.flush().await?;
        ids
    };
    let mut created_ids = created_ids.into_iter();
    let mut applied = Applied { dry_run, created: 0, updated: 0, unchanged: 0, moved, objectives: vec![] };
    for (plan, failing) in plans.into_iter().zip(failing) {
        let step = match plan {
            Plan::Create(plan, cycle) => {
                applied.created += 1;
                ObjectiveStep {
                    id: created_ids.next(),
                    changes: plan.key_results.iter().map(|k| format!("key result: {}", k.statement)).collect(),
                    title: plan.title,
                    cycle,
                    action: "create".into(),
                    failing,
                }
            }
            Plan::Update { objective, plan, edits } => {
                applied.updated += 1;
                ObjectiveStep {
                    id: Some(objective.id),
                    changes: describe(&objective, &plan, &edits),
                    title: objective.title,
                    cycle: objective.cycle,
                    action: "update".into(),
                    failing,
                }
            }
            Plan::Unchanged(objective) => {
                applied.unchanged += 1;
                ObjectiveStep {
                    id: Some(objective.id),
                    title: objective.title,
                    cycle: objective.cycle,
                    action: "unchanged".into(),
                    changes: vec![],
                    failing,
                }
            }
        };
        applied.objectives.push(step);
    }
    Ok(applied)
}

/// A draft's error charged to its place in the file (`objectives[1].key_results[0]`).
fn in_document(index: usize, error: Error) -> Error {
    match error {
        Error::Invalid { field, message } => Error::Invalid { field: format!("objectives[{index}].{field}"), message },
        other => other,
    }
}

fn edits_for(store: &Store, objective: &Objective, plan: &ObjectivePlan, now: Timestamp) -> Result<Edits> {
    let mut edits = Edits::default();
    let mut wanted = objective.clone();
    wanted.owner = plan.owner.clone().or(wanted.owner);
    wanted.level = plan.level;
    wanted.kind = plan.kind;
    wanted.parent = plan.parent.or(wanted.parent);
    wanted.stage = plan.stage.clone().or(wanted.stage);
    let mut stored: Vec<KeyResult> = vec![];
    for id in &objective.key_results {
        if let Some(kr) = store.key_result(*id)?
            && kr.status != Status::Archived
        {
            stored.push(kr);
        }
    }
    let mut unmatched: Vec<usize> = vec![];
    for (i, kr) in plan.key_results.iter().enumerate() {
        match stored.iter().position(|s| super::same_title(&s.statement) == super::same_title(&kr.statement)) {
            Some(found) => {
                let matched = stored.remove(found);
                edits.children_of(store, matched.id, kr)?;
            }
            None => unmatched.push(i),
        }
    }
    for i in unmatched {
        let kr = &plan.key_results[i];
        let metric = kr.metric_name.as_deref().map(normalize_metric_name);
        let same_metric = stored.iter().position(|s| {
            metric.is_some()
                && s.metric.and_then(|m| store.metric(m).ok().flatten()).map(|m| normalize_metric_name(&m.name))
                    == metric
        });
        match same_metric {
            Some(found) => {
                let before = stored.remove(found);
                let mut after = key_result_record(before.id, before.objective, kr, before.metric, now);
                after.status = before.status;
                after.created_at = before.created_at;
                after.owner = after.owner.or(before.owner.clone());
                edits.children_of(store, before.id, kr)?;
                edits.rewritten.push((before, after));
            }
            None => edits.added.push(i),
        }
    }
    edits.archived = stored;
    if fields_of(&wanted) != fields_of(objective) {
        edits.objective = Some(wanted);
    }
    Ok(edits)
}

/// An objective's fields a file sets, for comparing.
fn fields_of(
    o: &Objective,
) -> (Option<&String>, crate::model::Level, crate::model::Commitment, Option<ObjectiveId>, Option<&String>) {
    (o.owner.as_ref(), o.level, o.kind, o.parent, o.stage.as_ref())
}

fn write_edits(
    tx: &Tx<'_>,
    objective: &Objective,
    plan: &ObjectivePlan,
    edits: &Edits,
    change: &Change,
) -> Result<(), TxError> {
    let now = change.at;
    let entry = |subject: String, changes: Vec<FieldChange>| change.entry(subject, "updated", changes);
    let mut after = edits.objective.clone().unwrap_or_else(|| objective.clone());
    for (before, rewritten) in &edits.rewritten {
        // Matched by its metric: the metric stays, the words and numbers follow the file.
        let mut rewritten = rewritten.clone();
        rewritten.updated_at = now;
        tx.put(Table::KeyResults, &rewritten.id.key(), &rewritten)?;
        tx.append_history(&entry(rewritten.id.to_string(), super::update::diff(before, &rewritten, &["updated_at"])))?;
    }
    for kr in &edits.archived {
        let mut archived = kr.clone();
        archived.status = Status::Archived;
        archived.updated_at = now;
        tx.put(Table::KeyResults, &kr.id.key(), &archived)?;
        tx.append_history(&entry(kr.id.to_string(), super::update::diff(kr, &archived, &["updated_at"])))?;
    }
    let mut added: Vec<KeyResultId> = vec![];
    for i in &edits.added {
        added.push(write_key_result(tx, objective.id, &plan.key_results[*i], change)?.id);
    }
    for (kr, indicator) in &edits.indicators {
        write_indicator(tx, *kr, indicator, change)?;
    }
    for (kr, initiative) in &edits.initiatives {
        write_initiative(tx, *kr, initiative, change)?;
    }
    for (before, after) in &edits.initiatives_changed {
        rewrite_initiative(tx, before, after, change)?;
    }
    after.key_results.extend(added);
    if &after != objective {
        after.updated_at = now;
        for key in load_keys(objective) {
            tx.remove(Table::OwnerLoad, &key)?;
        }
        for key in load_keys(&after) {
            tx.put_raw(Table::OwnerLoad, &key, &[])?;
        }
        tx.put(Table::Objectives, &objective.id.key(), &after)?;
        tx.append_history(&entry(objective.id.to_string(), super::update::diff(objective, &after, &["updated_at"])))?;
    }
    Ok(())
}

fn describe(objective: &Objective, plan: &ObjectivePlan, edits: &Edits) -> Vec<String> {
    let mut lines = vec![];
    if let Some(wanted) = &edits.objective {
        for change in super::update::diff(objective, wanted, &["updated_at", "key_results"]) {
            lines.push(format!("{}: {} → {}", change.field, show(&change.from), show(&change.to)));
        }
    }
    for (before, after) in &edits.rewritten {
        lines.push(format!("{}: {:?} → {:?}", before.id, before.statement, after.statement));
    }
    for i in &edits.added {
        lines.push(format!("new key result: {}", plan.key_results[*i].statement));
    }
    for kr in &edits.archived {
        lines.push(format!("{} archived: not in the file ({:?})", kr.id, kr.statement));
    }
    for (kr, indicator) in &edits.indicators {
        let metric = match &indicator.metric {
            MetricRef::Id(id) => id.to_string(),
            MetricRef::Name(name) => name.clone(),
        };
        lines.push(format!("{kr}: new leading indicator {metric:?}, {} days ahead", indicator.expected_lag_days));
    }
    for (kr, initiative) in &edits.initiatives {
        lines.push(format!("{kr}: new initiative {:?}", initiative.title));
    }
    for (before, after) in &edits.initiatives_changed {
        for change in super::update::diff(before, after, &[]) {
            lines.push(format!("{} {}: {} → {}", before.id, change.field, show(&change.from), show(&change.to)));
        }
    }
    lines
}

fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "none".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::okr::document::read_document;

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    const FILE: &str = "cycle: 2026-Q4\nobjectives:\n  - objective: Billing admins trust every invoice they send\n    owner: Ravi\n    key_results:\n      - Cut invoice disputes per month from 40 to 10\n      - Raise invoices paid on time from 70% to 90%\n";

    fn applied(store: &Store, text: &str, dry_run: bool) -> Applied {
        applied_with(store, text, dry_run, Some("test")).unwrap()
    }

    fn applied_with(store: &Store, text: &str, dry_run: bool, reason: Option<&str>) -> Result<Applied> {
        let drafts = read_document("okrs.yaml", text).unwrap();
        run(apply(store, "okrs.yaml", drafts, dry_run, reason, &Actor("t".into())))
    }

    #[test]
    fn a_file_applied_twice_changes_nothing_the_second_time() {
        let store = Store::temporary().unwrap();
        let dry = applied(&store, FILE, true);
        assert_eq!((dry.created, dry.objectives[0].id), (1, None));
        assert!(store.scan::<Objective>(Table::Objectives).next().is_none());
        assert_eq!(applied(&store, FILE, false).created, 1);
        let again = applied(&store, FILE, false);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
        // Spacing and case of the title do not make another objective.
        let respaced = FILE.replace("Billing admins trust", "billing  admins TRUST");
        assert_eq!(applied(&store, &respaced, false).unchanged, 1);
    }

    #[test]
    fn a_key_result_on_the_same_metric_is_rewritten_in_place_and_a_dropped_one_archived() {
        let store = Store::temporary().unwrap();
        applied(&store, FILE, false);
        let moved = FILE
            .replace("from 40 to 10", "from 40 to 15")
            .replace(
                "      - Raise invoices paid on time from 70% to 90%\n",
                "      - Raise first-pass invoice accuracy from 88% to 97%\n",
            )
            .replace("owner: Ravi", "owner: Ravi Shah");
        let step = &applied(&store, &moved, false).objectives[0];
        assert_eq!(step.action, "update");
        assert!(step.changes.iter().any(|c| c == "owner: Ravi → Ravi Shah"), "{:?}", step.changes);
        let kr1 = store.key_result(KeyResultId(1)).unwrap().unwrap();
        assert_eq!((kr1.statement.as_str(), kr1.target), ("Cut invoice disputes per month from 40 to 15", Some(15.0)));
        assert_eq!(store.key_result(KeyResultId(2)).unwrap().unwrap().status, Status::Archived);
        assert_eq!(
            store.key_result(KeyResultId(3)).unwrap().unwrap().statement,
            "Raise first-pass invoice accuracy from 88% to 97%"
        );
        let history = store.history("KR-1").unwrap();
        assert_eq!(history.last().unwrap().reason.as_deref(), Some("applied from okrs.yaml: test"));
        assert_eq!(applied(&store, &moved, false).unchanged, 1);
    }
}

//! `update_okr`: change an objective or a key result by id, keeping the history.
//!
//! Moving a target (or a baseline) is how OKRs quietly stop being honest, so those
//! changes need a reason, and every change lands in the audit trail with its author.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::checks::CheckReport;
use super::children::create_or_find_metric;
use super::draft::load_keys;
use super::input::KeyResultSpec;
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{
    AuditEntry, Commitment, FieldChange, KeyResult, KeyResultId, KrRole, KrType, Level, Objective, ObjectiveId, OkrId,
    Status,
};
use crate::store::okrs::{load_key_result, load_objective};
use crate::store::{Store, Table};
use crate::validate::{self, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_STATEMENT_CHARS, MAX_TITLE_CHARS};

// The fields to change; those left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OkrChanges {
    /// Objective text or key-result statement (numbers re-read).
    #[serde(default)]
    pub text: Option<String>,
    // Needs a reason.
    /// Key results only.
    #[serde(default)]
    pub target: Option<f64>,
    // Needs a reason.
    /// Key results only.
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub owner: Option<String>,
    /// Key results only.
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub kind: Option<Commitment>,
    #[serde(default)]
    pub status: Option<Status>,
    /// O-1: new parent objective, or a key result's new objective.
    #[serde(default)]
    pub parent: Option<String>,
    /// Key results only: YYYY-MM-DD.
    #[serde(default)]
    pub due: Option<String>,
    /// Objectives only.
    #[serde(default)]
    pub level: Option<Level>,
    /// Objectives only.
    #[serde(default)]
    pub stage: Option<String>,
    /// Key results only.
    #[serde(default)]
    pub role: Option<KrRole>,
    /// Key results only.
    #[serde(default, rename = "type")]
    pub kr_type: Option<KrType>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// O-3 or KR-12.
    pub id: String,
    pub changes: OkrChanges,
    // Kept in the history.
    /// Required when a target or baseline moves.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Updated {
    pub id: String,
    /// What changed, field by field; empty when every value was already so.
    pub changes: Vec<FieldChange>,
    /// The history entry written, if anything changed.
    pub history_entry: Option<AuditEntry>,
    /// The objective's quality checks after the change (passes counted, not listed).
    pub check: CheckReport,
}

pub async fn update_okr(store: &Store, request: UpdateRequest, actor: &Actor) -> Result<Updated> {
    let id = request.id.parse::<OkrId>().map_err(|e| Error::invalid("id", e))?;
    let reason = validate::optional_text("reason", request.reason.as_deref(), MAX_NOTE_CHARS)?;
    let c = &request.changes;
    let owner = validate::optional_text("changes.owner", c.owner.as_deref(), MAX_NAME_CHARS)?;
    let change = Change::now(actor, reason);
    let entry = match id {
        OkrId::Objective(id) => update_objective(store, id, c, owner, &change)?,
        OkrId::KeyResult(id) => update_key_result(store, id, c, owner, &change)?,
    };
    store.flush().await?;
    let objective = match id {
        OkrId::Objective(id) => id,
        OkrId::KeyResult(kr) => load_key_result(store, "id", kr)?.objective,
    };
    let check = super::stored::check_objective(store, objective)?.without_passes();
    Ok(Updated {
        id: id.to_string(),
        changes: entry.as_ref().map(|e| e.changes.clone()).unwrap_or_default(),
        history_entry: entry,
        check,
    })
}

/// Applies `c` to an objective in one transaction (its owner index with it); no
/// entry when nothing changed.
fn update_objective(
    store: &Store,
    id: ObjectiveId,
    c: &OkrChanges,
    owner: Option<String>,
    change: &Change,
) -> Result<Option<AuditEntry>> {
    for (given, field) in [
        (c.target.is_some(), "target"),
        (c.baseline.is_some(), "baseline"),
        (c.weight.is_some(), "weight"),
        (c.due.is_some(), "due"),
        (c.role.is_some(), "role"),
        (c.kr_type.is_some(), "type"),
    ] {
        if given {
            return Err(Error::invalid(
                format!("changes.{field}"),
                "applies to key results, not objectives; update a KR id such as KR-1".to_string(),
            ));
        }
    }
    let before = load_objective(store, "id", id)?;
    let mut after = before.clone();
    if let Some(text) = &c.text {
        after.title = validate::text("changes.text", text, MAX_TITLE_CHARS)?;
    }
    if let Some(parent) = &c.parent {
        let parent = parent.parse::<ObjectiveId>().map_err(|e| Error::invalid("changes.parent", e.to_string()))?;
        check_no_parent_cycle(store, id, parent)?;
        after.parent = Some(parent);
    }
    after.owner = owner.or(after.owner);
    after.kind = c.kind.unwrap_or(after.kind);
    after.status = c.status.unwrap_or(after.status);
    after.level = c.level.unwrap_or(after.level);
    if let Some(stage) = &c.stage {
        after.stage = Some(validate::text("changes.stage", stage, MAX_NAME_CHARS)?);
    }
    let changes = diff(&before, &after, &["updated_at"]);
    if changes.is_empty() {
        return Ok(None);
    }
    after.updated_at = change.at;
    let entry = change.entry(id.to_string(), "updated", changes);
    store.transact(|tx| {
        for key in load_keys(&before) {
            tx.remove(Table::OwnerLoad, &key)?;
        }
        for key in load_keys(&after) {
            tx.put_raw(Table::OwnerLoad, &key, &[])?;
        }
        tx.put(Table::Objectives, &id.key(), &after)?;
        tx.append_history(&entry)
    })?;
    Ok(Some(entry))
}

/// Applies `c` to a key result: a new statement is read again, a moved target or
/// baseline needs a reason (and is written into the statement), a new parent moves it.
fn update_key_result(
    store: &Store,
    id: KeyResultId,
    c: &OkrChanges,
    owner: Option<String>,
    change: &Change,
) -> Result<Option<AuditEntry>> {
    if c.level.is_some() || c.stage.is_some() {
        let field = if c.level.is_some() { "level" } else { "stage" };
        return Err(Error::invalid(
            format!("changes.{field}"),
            "applies to objectives, not key results; update the objective's id (O-...)",
        ));
    }
    let before = load_key_result(store, "id", id)?;
    let mut after = before.clone();
    let metric_name = match &c.text {
        Some(text) => reread_statement(store, &mut after, text)?,
        None => None,
    };
    after.target = validate::optional_finite("changes.target", c.target)?.or(after.target);
    after.baseline = validate::optional_finite("changes.baseline", c.baseline)?.or(after.baseline);
    if let Some(weight) = validate::optional_finite("changes.weight", c.weight)? {
        if weight <= 0.0 || weight > 100.0 {
            return Err(Error::invalid(
                "changes.weight",
                format!("is {weight}; a weight above 0 and at most 100 is accepted"),
            ));
        }
        after.weight = weight;
    }
    if let Some(due) = &c.due {
        after.due = Some(validate::date("changes.due", due)?);
    }
    let moved_to = match &c.parent {
        Some(parent) => {
            let parent = parent.parse::<ObjectiveId>().map_err(|e| Error::invalid("changes.parent", e.to_string()))?;
            load_objective(store, "changes.parent", parent)?;
            (parent != before.objective).then_some(parent)
        }
        None => None,
    };
    after.objective = moved_to.unwrap_or(after.objective);
    after.owner = owner.or(after.owner);
    after.commitment = c.kind.or(after.commitment);
    after.status = c.status.unwrap_or(after.status);
    after.role = c.role.or(after.role);
    after.kr_type = c.kr_type.unwrap_or(after.kr_type);
    if c.text.is_none() {
        after.statement = follow_numbers(&before, &after)?;
    }
    for (field, old, new) in [("target", before.target, after.target), ("baseline", before.baseline, after.baseline)] {
        if old != new && change.reason.is_none() {
            return Err(Error::invalid(
                "reason",
                format!(
                    "is needed to move a {field} ({} to {}): say why, such as \"baseline re-measured on the full population\"",
                    show(old),
                    show(new)
                ),
            ));
        }
    }
    write_key_result(store, &before, after, metric_name, moved_to, change)
}

/// Reads a new statement the way draft_okr reads one and takes what it states into
/// `kr`; answers the metric name it gives, if any.
fn reread_statement(store: &Store, kr: &mut KeyResult, text: &str) -> Result<Option<String>> {
    let statement = validate::text("changes.text", text, MAX_STATEMENT_CHARS)?;
    let spec = KeyResultSpec { statement: Some(statement), ..Default::default() };
    let cycle = load_objective(store, "id", kr.objective)?.cycle;
    let plan = spec.into_plan("changes", Some(&cycle))?;
    kr.statement = plan.statement;
    kr.direction = plan.direction;
    kr.baseline = plan.baseline.or(kr.baseline);
    kr.target = plan.target.or(kr.target);
    kr.threshold = plan.threshold;
    kr.unit = plan.unit.or(kr.unit.take());
    kr.scale = plan.scale.or(kr.scale);
    kr.due = plan.due.or(kr.due);
    Ok(plan.metric_name)
}

/// The statement with a moved target or baseline written in, so what people read
/// is what is scored (the old statement stays in history). Refused when the moved
/// number is not written in the statement as one number, or reads differently after:
/// the caller then words it with changes.text.
fn follow_numbers(before: &KeyResult, after: &KeyResult) -> Result<String> {
    let mut statement = before.statement.clone();
    for (field, old, new, last) in
        [("target", before.target, after.target, true), ("baseline", before.baseline, after.baseline, false)]
    {
        let (Some(old), Some(new)) = (old, new) else { continue };
        if old == new {
            continue;
        }
        let parsed = super::statement::parse_statement(&statement);
        let written = if field == "target" { parsed.target } else { parsed.baseline };
        if written.is_none() {
            // The statement does not state this number ("Increase activation by 15%"):
            // nothing in it to keep in step.
            continue;
        }
        let rewritten = super::statement::renumber(&statement, old, new, last)
            .filter(|s| {
                let reread = super::statement::parse_statement(s);
                let value = if field == "target" { reread.target } else { reread.baseline };
                value == Some(new)
            })
            .ok_or_else(|| {
                Error::invalid(
                    format!("changes.{field}"),
                    format!(
                        "moves the {field} from {} to {}, but the statement {:?} cannot be rewritten to match; \
                         give the new wording in changes.text as well",
                        show(Some(old)),
                        show(Some(new)),
                        before.statement
                    ),
                )
            })?;
        statement = rewritten;
    }
    Ok(statement)
}

fn show(value: Option<f64>) -> String {
    value.map_or_else(|| "none".into(), |v| v.to_string())
}

fn write_key_result(
    store: &Store,
    before: &KeyResult,
    after: KeyResult,
    metric_name: Option<String>,
    moved_to: Option<ObjectiveId>,
    change: &Change,
) -> Result<Option<AuditEntry>> {
    let now = change.at;
    let (from, to) = match moved_to {
        Some(to) => {
            (Some(load_objective(store, "id", before.objective)?), Some(load_objective(store, "changes.parent", to)?))
        }
        None => (None, None),
    };
    store.transact(|tx| {
        let mut after = after.clone();
        if let Some(name) = &metric_name {
            after.metric = Some(create_or_find_metric(tx, name, after.unit.clone(), after.scale, now)?);
        }
        let changes = diff(before, &after, &["updated_at"]);
        if changes.is_empty() {
            return Ok(None);
        }
        after.updated_at = now;
        tx.put(Table::KeyResults, &after.id.key(), &after)?;
        if let (Some(mut from), Some(mut to)) = (from.clone(), to.clone()) {
            from.key_results.retain(|k| *k != after.id);
            to.key_results.push(after.id);
            for objective in [&from, &to] {
                tx.put(Table::Objectives, &objective.id.key(), objective)?;
            }
        }
        let entry = change.entry(after.id.to_string(), "updated", changes);
        tx.append_history(&entry)?;
        Ok(Some(entry))
    })
}

/// Refuses a parent that is the objective itself or one of its descendants.
fn check_no_parent_cycle(store: &Store, id: ObjectiveId, parent: ObjectiveId) -> Result<()> {
    let mut cursor = Some(parent);
    let mut steps = 0;
    while let Some(current) = cursor {
        if current == id {
            return Err(Error::invalid(
                "changes.parent",
                format!("{parent} is {id} itself or one of its descendants; an objective cannot contribute to itself"),
            ));
        }
        let objective: Objective = load_objective(store, "changes.parent", current)?;
        cursor = objective.parent;
        steps += 1;
        if steps > 1_000 {
            break;
        }
    }
    Ok(())
}

/// Field-by-field differences between two versions of a record.
pub(super) fn diff<T: Serialize>(before: &T, after: &T, ignore: &[&str]) -> Vec<FieldChange> {
    let (serde_json::Value::Object(a), serde_json::Value::Object(b)) =
        (serde_json::to_value(before).unwrap_or_default(), serde_json::to_value(after).unwrap_or_default())
    else {
        return vec![];
    };
    b.iter()
        .filter(|(field, value)| !ignore.contains(&field.as_str()) && a.get(*field) != Some(value))
        .map(|(field, value)| FieldChange {
            field: field.clone(),
            from: a.get(field).cloned().unwrap_or_default(),
            to: value.clone(),
        })
        .collect()
}

//! What sits under a key result besides its numbers: leading indicators and
//! initiatives, as a caller declares them (`add_indicator`, `add_initiative`, a draft,
//! an OKR file), validated into plans, and written inside the caller's transaction.
//!
//! One module for both paths, so an indicator declared in a file is checked and
//! stored exactly like one added by the tool. Metrics are found or created here too:
//! a key result's metric and an indicator's are the same kind of record.

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Change;
use crate::model::{
    AuditEntry, FieldChange, Indicator, IndicatorId, IndicatorStatus, Initiative, InitiativeId, KeyResultId, Metric,
    MetricId, Scale, Unit, normalize_metric_name,
};
use crate::store::okrs::{INDICATOR, INITIATIVE, child_key};
use crate::store::{Table, Tx, TxError, abort};
use crate::validate::{self, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_STATEMENT_CHARS};

/// Longest lag accepted: beyond a year an indicator no longer leads within any cycle.
pub const MAX_LAG_DAYS: u32 = 365;

// A leading indicator as a key result declares it in a draft or an OKR file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// M-4, or a name (created if new).
    pub metric: String,
    // How many days before the key result it is expected to move.
    /// Lead time in days, 0-365.
    pub expected_lag_days: u32,
    // Why it should lead: the hypothesis in words.
    #[serde(default)]
    pub hypothesis: Option<String>,
    #[serde(default)]
    pub unit: Option<Unit>,
    #[serde(default)]
    pub scale: Option<Scale>,
}

// An initiative as a key result declares it in a draft or an OKR file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiativeSpec {
    // The work, such as "Guided first-project template".
    pub title: String,
    #[serde(default)]
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub due: Option<String>,
    // 0 by default.
    /// 0-100.
    #[serde(default)]
    pub percent_complete: Option<f64>,
}

/// An indicator's metric: a stored one by id, or one found or created by name.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricRef {
    Id(MetricId),
    Name(String),
}

impl MetricRef {
    /// True when `metric` is the one this names.
    pub fn names(&self, metric: &Metric) -> bool {
        match self {
            MetricRef::Id(id) => *id == metric.id,
            MetricRef::Name(name) => normalize_metric_name(name) == normalize_metric_name(&metric.name),
        }
    }
}

/// A validated indicator, ready to be written under a key result.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPlan {
    pub metric: MetricRef,
    pub expected_lag_days: u32,
    pub hypothesis: Option<String>,
    pub unit: Option<Unit>,
    pub scale: Option<Scale>,
}

/// A validated initiative, ready to be written under a key result.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativePlan {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    /// None when the caller did not say (a new initiative starts at 0).
    pub percent_complete: Option<f64>,
}

/// `name` under `field` (`key_results[0].indicators[1].metric`), or alone for a tool
/// whose request is the indicator itself.
fn at(field: &str, name: &str) -> String {
    if field.is_empty() { name.to_string() } else { format!("{field}.{name}") }
}

impl IndicatorSpec {
    /// Checks every field; errors name them under `field`.
    pub fn into_plan(self, field: &str) -> Result<IndicatorPlan> {
        let metric_text = validate::text(&at(field, "metric"), &self.metric, MAX_NAME_CHARS)?;
        let hypothesis = validate::optional_text(&at(field, "hypothesis"), self.hypothesis.as_deref(), MAX_NOTE_CHARS)?;
        // The metric may be created with this scale: the same rule as check_okr's.
        let scale = self.scale.map(|s| validate::scale(&at(field, "scale"), s)).transpose()?;
        if self.expected_lag_days > MAX_LAG_DAYS {
            return Err(Error::invalid(
                at(field, "expected_lag_days"),
                format!("is {}; 0 to {MAX_LAG_DAYS} days are accepted", self.expected_lag_days),
            ));
        }
        let metric = if metric_text.to_ascii_uppercase().starts_with("M-") {
            MetricRef::Id(
                metric_text.parse::<MetricId>().map_err(|e| Error::invalid(at(field, "metric"), e.to_string()))?,
            )
        } else {
            MetricRef::Name(metric_text)
        };
        Ok(IndicatorPlan { metric, expected_lag_days: self.expected_lag_days, hypothesis, unit: self.unit, scale })
    }
}

impl InitiativeSpec {
    /// Checks every field; errors name them under `field`.
    pub fn into_plan(self, field: &str) -> Result<InitiativePlan> {
        let title = validate::text(&at(field, "title"), &self.title, MAX_STATEMENT_CHARS)?;
        let owner = validate::optional_text(&at(field, "owner"), self.owner.as_deref(), MAX_NAME_CHARS)?;
        let due = self.due.as_deref().map(|d| validate::date(&at(field, "due"), d)).transpose()?;
        let percent_complete = validate::optional_finite(&at(field, "percent_complete"), self.percent_complete)?;
        if let Some(percent) = percent_complete
            && !(0.0..=100.0).contains(&percent)
        {
            return Err(Error::invalid(at(field, "percent_complete"), format!("is {percent}; 0 to 100 is accepted")));
        }
        Ok(InitiativePlan { title, owner, due, percent_complete })
    }
}

/// The metric named `name`: the stored one with the same normalized name, or a new one.
pub fn create_or_find_metric(
    tx: &Tx<'_>,
    name: &str,
    unit: Option<Unit>,
    scale: Option<Scale>,
    now: Timestamp,
) -> Result<MetricId, TxError> {
    let normalized = normalize_metric_name(name);
    if let Some(existing) = tx.get_raw(Table::MetricNames, normalized.as_bytes())?.and_then(|v| MetricId::from_key(&v))
    {
        return Ok(existing);
    }
    let id = MetricId(tx.next_id(MetricId::PREFIX)?);
    tx.put(Table::Metrics, &id.key(), &Metric { id, name: name.to_string(), unit, scale, created_at: now })?;
    tx.put_raw(Table::MetricNames, normalized.as_bytes(), &id.key())?;
    Ok(id)
}

/// Writes a new indicator of `kr` (its metric found or created; a metric named by id
/// must exist), with its history entry. It starts `assumed`: only evidence or data
/// (validate_indicator) changes that.
pub fn write_indicator(
    tx: &Tx<'_>,
    kr: KeyResultId,
    plan: &IndicatorPlan,
    change: &Change,
) -> Result<Indicator, TxError> {
    let now = change.at;
    let metric = match &plan.metric {
        MetricRef::Id(id) => {
            tx.get::<Metric>(Table::Metrics, &id.key())?
                .ok_or_else(|| abort(Error::not_found("metric", id, "give a metric name to create one")))?;
            *id
        }
        MetricRef::Name(name) => create_or_find_metric(tx, name, plan.unit.clone(), plan.scale, now)?,
    };
    let id = IndicatorId(tx.next_id(IndicatorId::PREFIX)?);
    let indicator = Indicator {
        id,
        key_result: kr,
        metric,
        expected_lag_days: plan.expected_lag_days,
        status: IndicatorStatus::Assumed,
        hypothesis: plan.hypothesis.clone(),
        created_at: now,
        validation: None,
    };
    tx.put(Table::Indicators, &id.key(), &indicator)?;
    tx.put_raw(Table::KeyResultChildren, &child_key(kr, INDICATOR, id.0), &[])?;
    tx.append_history(&child_entry(kr, "indicator_added", "indicator", None, &indicator, change))?;
    Ok(indicator)
}

/// Writes a new initiative of `kr`, with its history entry.
pub fn write_initiative(
    tx: &Tx<'_>,
    kr: KeyResultId,
    plan: &InitiativePlan,
    change: &Change,
) -> Result<Initiative, TxError> {
    let now = change.at;
    let id = InitiativeId(tx.next_id(InitiativeId::PREFIX)?);
    let initiative = Initiative {
        id,
        key_result: kr,
        title: plan.title.clone(),
        owner: plan.owner.clone(),
        due: plan.due,
        percent_complete: plan.percent_complete.unwrap_or(0.0),
        created_at: now,
    };
    tx.put(Table::Initiatives, &id.key(), &initiative)?;
    tx.put_raw(Table::KeyResultChildren, &child_key(kr, INITIATIVE, id.0), &[])?;
    tx.append_history(&child_entry(kr, "initiative_added", "initiative", None, &initiative, change))?;
    Ok(initiative)
}

/// `stored` with the fields `plan` gives and it lacks or has otherwise (the title
/// matched already); None when nothing differs.
pub fn initiative_changes(stored: &Initiative, plan: &InitiativePlan) -> Option<Initiative> {
    let mut wanted = stored.clone();
    wanted.owner = plan.owner.clone().or(wanted.owner);
    wanted.due = plan.due.or(wanted.due);
    wanted.percent_complete = plan.percent_complete.unwrap_or(wanted.percent_complete);
    (wanted != *stored).then_some(wanted)
}

/// Writes an initiative's new fields, the old ones kept in its key result's history
/// with the change's reason.
pub fn rewrite_initiative(
    tx: &Tx<'_>,
    before: &Initiative,
    after: &Initiative,
    change: &Change,
) -> Result<(), TxError> {
    tx.put(Table::Initiatives, &after.id.key(), after)?;
    tx.append_history(&child_entry(after.key_result, "initiative_updated", "initiative", Some(before), after, change))
}

/// The history entry of a child written under `kr`: `before` for a change (which
/// keeps the change's reason), none for an addition (which needs none).
fn child_entry<T: Serialize>(
    kr: KeyResultId,
    action: &str,
    field: &str,
    before: Option<&T>,
    record: &T,
    change: &Change,
) -> AuditEntry {
    let changes = vec![FieldChange {
        field: field.into(),
        from: before.map(|b| serde_json::to_value(b).unwrap_or_default()).unwrap_or_default(),
        to: serde_json::to_value(record).unwrap_or_default(),
    }];
    let mut entry = change.entry(kr.to_string(), action, changes);
    if before.is_none() {
        entry.reason = None;
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_children_are_checked_under_their_place() {
        let spec = IndicatorSpec { metric: "invites in week 1".into(), expected_lag_days: 400, ..Default::default() };
        let err = spec.into_plan("key_results[0].indicators[1]").unwrap_err().to_string();
        assert!(err.starts_with("key_results[0].indicators[1].expected_lag_days: is 400"), "{err}");
        let plan =
            IndicatorSpec { metric: "M-4".into(), expected_lag_days: 7, ..Default::default() }.into_plan("").unwrap();
        assert_eq!(plan.metric, MetricRef::Id(MetricId(4)));
        let err = InitiativeSpec { title: "Template".into(), percent_complete: Some(120.0), ..Default::default() }
            .into_plan("")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("percent_complete: is 120"), "{err}");
    }

    #[test]
    fn an_initiative_changes_only_where_the_plan_says_otherwise() {
        let stored = Initiative {
            id: InitiativeId(1),
            key_result: KeyResultId(1),
            title: "Template".into(),
            owner: Some("Leo".into()),
            due: None,
            percent_complete: 30.0,
            created_at: Timestamp::UNIX_EPOCH,
        };
        let same = InitiativePlan { title: "Template".into(), owner: None, due: None, percent_complete: None };
        assert_eq!(initiative_changes(&stored, &same), None, "fields the plan leaves out stay");
        let moved = InitiativePlan { percent_complete: Some(60.0), ..same };
        assert_eq!(initiative_changes(&stored, &moved).map(|i| i.percent_complete), Some(60.0));
    }
}

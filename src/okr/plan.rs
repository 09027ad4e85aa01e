//! `add_indicator` and `add_initiative`: what is expected to move a key result.
//!
//! An indicator is a metric hypothesised to move first, with its expected lag; it
//! starts `assumed` and only evidence or data (validate_indicator) changes that.
//! An initiative is work; its completion is tracked but never counted as progress.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Actor;
use super::draft::create_or_find_metric;
use super::query::{INDICATOR, INITIATIVE, child_key, load_key_result};
use crate::error::{Error, Result};
use crate::model::{
    AuditEntry, FieldChange, Indicator, IndicatorId, IndicatorStatus, Initiative, InitiativeId, KeyResultId, Metric,
    MetricId, Scale, Unit,
};
use crate::store::{Store, Table};
use crate::validate::{self, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_STATEMENT_CHARS};

/// Longest lag accepted: beyond a year an indicator no longer leads within any cycle.
pub const MAX_LAG_DAYS: u32 = 365;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRequest {
    /// The key result it predicts, such as KR-2.
    pub key_result: String,
    /// The indicator's metric: a name (created if new) or a stored metric id such as M-4.
    pub metric: String,
    /// How many days before the key result it is expected to move (0-365).
    pub expected_lag_days: u32,
    /// Why it should lead: the hypothesis in words.
    #[serde(default)]
    pub hypothesis: Option<String>,
    #[serde(default)]
    pub unit: Option<Unit>,
    #[serde(default)]
    pub scale: Option<Scale>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorAdded {
    pub indicator: Indicator,
    pub metric: Metric,
}

pub async fn add_indicator(store: &Store, request: IndicatorRequest, actor: &Actor) -> Result<IndicatorAdded> {
    let kr = parse_kr(store, &request.key_result)?;
    let metric_text = validate::text("metric", &request.metric, MAX_NAME_CHARS)?;
    let hypothesis = validate::optional_text("hypothesis", request.hypothesis.as_deref(), MAX_NOTE_CHARS)?;
    // The metric may be created with this scale: the same rule as check_okr's.
    let scale = request.scale.map(|s| validate::scale("scale", s)).transpose()?;
    if request.expected_lag_days > MAX_LAG_DAYS {
        return Err(Error::invalid(
            "expected_lag_days",
            format!("is {}; 0 to {MAX_LAG_DAYS} days are accepted", request.expected_lag_days),
        ));
    }
    let metric_id = if metric_text.to_ascii_uppercase().starts_with("M-") {
        let id = metric_text.parse::<MetricId>().map_err(|e| Error::invalid("metric", e.to_string()))?;
        store.metric(id)?.ok_or_else(|| Error::not_found("metric", id, "give a metric name to create one"))?;
        Some(id)
    } else {
        None
    };
    let now = Timestamp::now();
    let indicator = store.transact(|tx| {
        let metric = match metric_id {
            Some(id) => id,
            None => create_or_find_metric(tx, &metric_text, request.unit.clone(), scale, now)?,
        };
        let id = IndicatorId(tx.next_id(IndicatorId::PREFIX)?);
        let indicator = Indicator {
            id,
            key_result: kr,
            metric,
            expected_lag_days: request.expected_lag_days,
            status: IndicatorStatus::Assumed,
            hypothesis: hypothesis.clone(),
            created_at: now,
            validation: None,
        };
        tx.put(Table::Indicators, &id.key(), &indicator)?;
        tx.put_raw(Table::KeyResultChildren, &child_key(kr, INDICATOR, id.0), &[])?;
        tx.append_history(&added(kr, "indicator_added", &indicator, actor, now))?;
        Ok(indicator)
    })?;
    store.flush().await?;
    let metric = store.metric(indicator.metric)?.ok_or_else(|| Error::not_found("metric", indicator.metric, ""))?;
    Ok(IndicatorAdded { indicator, metric })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRequest {
    /// The key result it is expected to move, such as KR-2.
    pub key_result: String,
    /// The work, such as "Guided first-project template".
    pub title: String,
    #[serde(default)]
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub due: Option<String>,
    /// 0-100; 0 by default.
    #[serde(default)]
    pub percent_complete: Option<f64>,
}

pub async fn add_initiative(store: &Store, request: InitiativeRequest, actor: &Actor) -> Result<Initiative> {
    let kr = parse_kr(store, &request.key_result)?;
    let title = validate::text("title", &request.title, MAX_STATEMENT_CHARS)?;
    let owner = validate::optional_text("owner", request.owner.as_deref(), MAX_NAME_CHARS)?;
    let due = request.due.as_deref().map(|d| validate::date("due", d)).transpose()?;
    let percent_complete = validate::optional_finite("percent_complete", request.percent_complete)?.unwrap_or(0.0);
    if !(0.0..=100.0).contains(&percent_complete) {
        return Err(Error::invalid("percent_complete", format!("is {percent_complete}; 0 to 100 is accepted")));
    }
    let now = Timestamp::now();
    let initiative = store.transact(|tx| {
        let id = InitiativeId(tx.next_id(InitiativeId::PREFIX)?);
        let initiative = Initiative {
            id,
            key_result: kr,
            title: title.clone(),
            owner: owner.clone(),
            due,
            percent_complete,
            created_at: now,
        };
        tx.put(Table::Initiatives, &id.key(), &initiative)?;
        tx.put_raw(Table::KeyResultChildren, &child_key(kr, INITIATIVE, id.0), &[])?;
        tx.append_history(&added(kr, "initiative_added", &initiative, actor, now))?;
        Ok(initiative)
    })?;
    store.flush().await?;
    Ok(initiative)
}

fn parse_kr(store: &Store, text: &str) -> Result<KeyResultId> {
    let id = text.parse::<KeyResultId>().map_err(|e| Error::invalid("key_result", e.to_string()))?;
    load_key_result(store, "key_result", id)?;
    Ok(id)
}

fn added<T: Serialize>(kr: KeyResultId, action: &str, record: &T, actor: &Actor, at: Timestamp) -> AuditEntry {
    AuditEntry {
        subject: kr.to_string(),
        at,
        author: actor.0.clone(),
        action: action.into(),
        changes: vec![FieldChange {
            field: action.trim_end_matches("_added").into(),
            from: serde_json::Value::Null,
            to: serde_json::to_value(record).unwrap_or_default(),
        }],
        reason: None,
    }
}

//! `add_indicator` and `add_initiative`: what is expected to move a key result.
//!
//! An indicator is a metric hypothesised to move first, with its expected lag; it
//! starts `assumed` and only evidence or data (validate_indicator) changes that.
//! An initiative is work; its completion is tracked but never counted as progress.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::children::{IndicatorSpec, InitiativeSpec, write_indicator, write_initiative};
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{Indicator, Initiative, KeyResultId, Metric, Scale, Unit};
use crate::store::Store;
use crate::store::okrs::load_key_result;

pub use super::children::MAX_LAG_DAYS;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRequest {
    // The key result it predicts.
    /// Such as KR-2.
    pub key_result: String,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorAdded {
    pub indicator: Indicator,
    pub metric: Metric,
}

pub async fn add_indicator(store: &Store, request: IndicatorRequest, actor: &Actor) -> Result<IndicatorAdded> {
    let kr = parse_kr(store, &request.key_result)?;
    let plan = IndicatorSpec {
        metric: request.metric,
        expected_lag_days: request.expected_lag_days,
        hypothesis: request.hypothesis,
        unit: request.unit,
        scale: request.scale,
    }
    .into_plan("")?;
    let change = Change::now(actor, None);
    let indicator = store.transact(|tx| write_indicator(tx, kr, &plan, &change))?;
    store.flush().await?;
    let metric = store.metric(indicator.metric)?.ok_or_else(|| Error::not_found("metric", indicator.metric, ""))?;
    Ok(IndicatorAdded { indicator, metric })
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiativeRequest {
    /// Such as KR-2.
    pub key_result: String,
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

pub async fn add_initiative(store: &Store, request: InitiativeRequest, actor: &Actor) -> Result<Initiative> {
    let kr = parse_kr(store, &request.key_result)?;
    let plan = InitiativeSpec {
        title: request.title,
        owner: request.owner,
        due: request.due,
        percent_complete: request.percent_complete,
    }
    .into_plan("")?;
    let change = Change::now(actor, None);
    let initiative = store.transact(|tx| write_initiative(tx, kr, &plan, &change))?;
    store.flush().await?;
    Ok(initiative)
}

fn parse_kr(store: &Store, text: &str) -> Result<KeyResultId> {
    let id = text.parse::<KeyResultId>().map_err(|e| Error::invalid("key_result", e.to_string()))?;
    load_key_result(store, "key_result", id)?;
    Ok(id)
}

//! Leading indicators and initiatives: what is expected to move a key result.

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{IndicatorId, InitiativeId, KeyResultId, MetricId};

/// Whether the indicator's predictive claim has been tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    #[default]
    Assumed,
    Validated,
    Refuted,
}

/// A metric hypothesised to move before a lagging key result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    pub id: IndicatorId,
    pub key_result: KeyResultId,
    pub metric: MetricId,
    /// How many days before the key result it is expected to move.
    pub expected_lag_days: u32,
    pub status: IndicatorStatus,
    /// Why the owner believes it leads (the hypothesis, in words).
    pub hypothesis: Option<String>,
    pub created_at: Timestamp,
    /// The last validate_indicator run that decided its status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<ValidationSummary>,
}

/// What the last validation found, kept on the indicator so get_okr can show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ValidationSummary {
    pub at: Timestamp,
    pub by: String,
    /// The lag (days) at which the indicator best predicted the outcome, if measured.
    pub best_lag_days: Option<u32>,
    pub r: Option<f64>,
    pub n: usize,
    pub p_value: Option<f64>,
    pub reason: String,
}

/// Work expected to move a key result. Its completion is never key-result progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Initiative {
    pub id: InitiativeId,
    pub key_result: KeyResultId,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    /// 0-100.
    pub percent_complete: f64,
    pub created_at: Timestamp,
}

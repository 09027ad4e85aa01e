//! Key results: the measurable outcomes that prove an objective.

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Commitment, KeyResultId, MetricId, ObjectiveId, Status};

// What kind of movement the key result asks for (docs/domain.md#kr-type).
/// maintain: hold a band or threshold; milestone: done or not; baseline: measure a new
/// metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KrType {
    // Move a number from a baseline to a target.
    #[default]
    Metric,
    // Keep a number inside a band or beyond a threshold.
    Maintain,
    // Done or not done: allowed, but usually an output in disguise.
    Milestone,
    // First cycle of a new metric: establish the number.
    Baseline,
}

// The part a key result plays in a balanced set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KrRole {
    Lagging,
    Leading,
    Experience,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
    Maintain,
}

// The unit a number is measured in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unit {
    Percent,
    /// ISO 4217, such as EUR.
    Currency {
        code: String,
    },
    Count,
    /// milliseconds, seconds, minutes, hours, days, weeks or months.
    Duration {
        unit: String,
    },
    // A score on a scale (satisfaction 1-5, experience -2..+2).
    Score,
    // Percentage points: a difference of percentages.
    Points,
}

impl Unit {
    /// The unit in words: percent, USD, count, hours, score, points.
    pub fn word(&self) -> String {
        match self {
            Unit::Percent => "percent".into(),
            Unit::Currency { code } => code.clone(),
            Unit::Count => "count".into(),
            Unit::Duration { unit } => unit.clone(),
            Unit::Score => "score".into(),
            Unit::Points => "points".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdKind {
    AtMost,
    AtLeast,
}

/// "under 4 hours", "at least 95%".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Threshold {
    pub kind: ThresholdKind,
    pub value: f64,
}

// The range of a score: 1..5, -2..+2, 0..10.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyResult {
    pub id: KeyResultId,
    pub objective: ObjectiveId,
    /// The statement as its owner wrote it.
    pub statement: String,
    pub kr_type: KrType,
    pub role: Option<KrRole>,
    pub metric: Option<MetricId>,
    pub direction: Option<Direction>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub threshold: Option<Threshold>,
    pub unit: Option<Unit>,
    pub scale: Option<Scale>,
    /// Relative weight in the objective's roll-up; equal by default.
    pub weight: f64,
    /// None: the objective's owner answers for it.
    pub owner: Option<String>,
    /// None: the cycle's end.
    pub due: Option<Date>,
    /// None: the objective's commitment.
    pub commitment: Option<Commitment>,
    pub status: Status,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

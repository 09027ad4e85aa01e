//! Objectives: the qualitative outcome a set of key results proves.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Cycle, KeyResultId, ObjectiveId};

// Where in the organisation an objective sits; cascades run company → individual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Company,
    Department,
    #[default]
    Team,
    Individual,
}

/// committed: expected to reach 1.0; aspirational: 0.6-0.7 is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    #[default]
    Committed,
    Aspirational,
}

// Lifecycle shared by objectives and key results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Active,
    Closed,
    Archived,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Objective {
    pub id: ObjectiveId,
    pub title: String,
    /// The one accountable person (DRI).
    pub owner: Option<String>,
    pub cycle: Cycle,
    pub level: Level,
    pub kind: Commitment,
    pub status: Status,
    pub parent: Option<ObjectiveId>,
    /// Journey stage it serves (activation, retention, support, ...).
    pub stage: Option<String>,
    /// In the order the owner wrote them.
    pub key_results: Vec<KeyResultId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

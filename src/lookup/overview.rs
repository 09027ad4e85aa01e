//! The overview of an objective: `get_okr`'s default answer, sized for a model's context.
//!
//! The full [`ObjectiveDetail`] of an objective with three key results is 10-12 KB of
//! JSON (every finding's coaching question, the metric records, the whole history with
//! the created records in it), and a client receives it twice (the structured content
//! and its text copy). An assistant that asks "how is O-1 doing?" needs the numbers and
//! what to fix; the rest is one `detail: "full"` (or the objective's resource) away.
//! The overview is made from the detail, so the two never disagree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::query::{self, Counted, KeyResultDetail, ObjectiveDetail};
use crate::error::Result;
use crate::model::{IndicatorStatus, Status};
use crate::okr::checks::{CheckStatus, Tally};
use crate::scoring::formula::PaceStatus;
use crate::scoring::score::ScoreOptions;
use crate::store::Store;

/// An objective in brief: its key results with their scores, the open findings, and
/// where the rest is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveOverview {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub cycle: String,
    pub status: Status,
    /// Weighted progress of its key results today (0 at the baselines, 1 at the targets).
    pub progress: f64,
    pub pace: PaceStatus,
    /// Its key results, archived ones left out.
    pub key_results: Vec<KeyResultLine>,
    /// Archived key results (detail "full" lists them).
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub archived_key_results: usize,
    /// Evidence linked to the objective itself.
    pub evidence: usize,
    /// The quality checks: strength (0-1), the tally, and each finding that is not a pass.
    pub check: CheckBrief,
    /// Changes recorded for the objective and its key results.
    pub history_entries: usize,
    /// How to get what the overview leaves out.
    pub more: String,
}

/// One key result in a line: what it says, where it stands, what rests on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyResultLine {
    pub id: String,
    pub statement: String,
    /// The metric it measures ("M-1 week-1 to month-3 retention"): what measurements name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// Progress today, 0 at the baseline and 1 at the target; absent without a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// The progress expected by now on the pace line.
    pub expected: f64,
    pub pace: PaceStatus,
    /// The latest value, when it was measured, and its interval when one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<ValueLine>,
    /// The value the forecast reaches by the cycle's end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_at_end: Option<f64>,
    /// Leading indicators by id, with their validation status.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorLine>,
    pub initiatives: usize,
    /// Evidence linked to the key result.
    pub evidence: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ValueLine {
    pub value: f64,
    /// The measurement's day (YYYY-MM-DD).
    pub on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// The interval around the value, [low, high].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorLine {
    pub id: String,
    /// The indicator's metric id: what its measurements name.
    pub metric: String,
    pub status: IndicatorStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckBrief {
    pub strength: f64,
    pub tally: Tally,
    /// `rule` on `subject`: `reason`, for every warning, failure and open question.
    pub findings: Vec<FindingLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingLine {
    pub rule: String,
    pub subject: String,
    pub status: CheckStatus,
    pub reason: crate::error::Words,
}

impl ObjectiveOverview {
    /// `counted`: how long the history and the initiatives are (the detail may have
    /// been read without them).
    pub fn of(detail: &ObjectiveDetail, counted: &Counted) -> ObjectiveOverview {
        let objective = &detail.objective;
        ObjectiveOverview {
            id: objective.id.to_string(),
            title: objective.title.clone(),
            owner: objective.owner.clone(),
            cycle: objective.cycle.to_string(),
            status: objective.status,
            progress: detail.progress,
            pace: detail.pace,
            key_results: detail
                .key_result_details
                .iter()
                .zip(&counted.initiatives)
                .filter(|(kr, _)| kr.key_result.status != Status::Archived)
                .map(|(kr, initiatives)| KeyResultLine::of(kr, *initiatives))
                .collect(),
            archived_key_results: detail
                .key_result_details
                .iter()
                .filter(|kr| kr.key_result.status == Status::Archived)
                .count(),
            evidence: detail.evidence.total,
            check: CheckBrief {
                strength: detail.check.strength,
                tally: detail.check.tally.clone(),
                findings: detail
                    .check
                    .findings
                    .iter()
                    .filter(|f| f.status != CheckStatus::Pass)
                    .map(|f| FindingLine {
                        rule: f.rule.clone(),
                        subject: f.subject.clone(),
                        status: f.status,
                        reason: f.reason.clone(),
                    })
                    .collect(),
            },
            history_entries: counted.history_entries,
            more: format!(
                "detail: \"full\" adds each finding's coaching question and suggested rewrite, the questions no rule \
                 can answer, indicators, initiatives, metrics, the score's methods and the history; the resource \
                 grounded://objective/{} is the same",
                objective.id
            ),
        }
    }
}

impl KeyResultLine {
    fn of(detail: &KeyResultDetail, initiatives: usize) -> KeyResultLine {
        let score = &detail.score;
        KeyResultLine {
            id: detail.key_result.id.to_string(),
            statement: detail.key_result.statement.clone(),
            metric: detail.metric_detail.as_ref().map(|m| format!("{} {}", m.id, m.name)),
            progress: score.progress,
            expected: score.expected,
            pace: score.status,
            current: score.current.as_ref().map(|c| ValueLine {
                value: c.value,
                on: c.at.strftime("%Y-%m-%d").to_string(),
                n: c.n,
                interval: c.interval.as_ref().map(|i| [i.low, i.high]),
            }),
            forecast_at_end: score.forecast.as_ref().map(|f| f.value_at_end),
            indicators: detail
                .indicators
                .iter()
                .map(|i| IndicatorLine { id: i.id.to_string(), metric: i.metric.to_string(), status: i.status })
                .collect(),
            initiatives,
            evidence: detail.evidence.total,
        }
    }
}

// How much of an objective an answer carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    // The overview: key results with their scores, open findings, counts (about 2 KB).
    #[default]
    Summary,
    // The overview and everything behind it: coaching questions and rewrites, indicators,
    // initiatives, metrics, score methods, the whole history.
    Full,
}

/// `get_okr`'s answer: the overview, and the full detail when asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveAnswer {
    #[serde(flatten)]
    pub overview: ObjectiveOverview,
    /// Only with detail "full".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<ObjectiveDetail>,
}

/// `get_okr`: `id` names an objective or one of its key results, scored as `options` say
/// (as of today unless the caller names a day).
pub fn get_okr(store: &Store, id: &str, level: Detail, options: ScoreOptions) -> Result<ObjectiveAnswer> {
    Ok(match level {
        Detail::Summary => {
            let (detail, counted) = query::get_okr_counted(store, id, options)?;
            ObjectiveAnswer { overview: ObjectiveOverview::of(&detail, &counted), full: None }
        }
        Detail::Full => {
            let detail = query::get_okr_as_of(store, id, options)?;
            let mut overview = ObjectiveOverview::of(&detail, &Counted::of(&detail));
            overview.more = "everything is in `full`".into();
            ObjectiveAnswer { overview, full: Some(detail) }
        }
    })
}

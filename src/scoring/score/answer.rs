//! What `score` answers: a key result's score (the value it rests on, progress, pace,
//! forecast, grade), an objective's roll-up, and a cycle's summary with what needs
//! attention.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Commitment, Cycle, KeyResultId, KrType, MetricId, ObjectiveId};
use crate::scoring::formula::{Band, GradeBand, PaceStatus};
use crate::stats::Interval;

/// The value a score rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CurrentValue {
    pub value: f64,
    pub at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// n / population, when the population is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    /// 95% interval of the value; absent when n (and sd, for a mean) are unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// How the interval was computed, or why there is none.
    pub interval_method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Forecast {
    /// The value expected at the end of the cycle, on a straight line through recent values.
    pub value_at_end: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_at_end: Option<f64>,
    /// The measurements the line was fitted through.
    pub points: usize,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyResultScore {
    pub key_result: KeyResultId,
    pub objective: ObjectiveId,
    pub statement: String,
    pub kr_type: KrType,
    pub commitment: Commitment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<MetricId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
    /// "stated", or the measurement it was taken from.
    pub baseline_source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Maintain key results: the band to stay in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentValue>,
    /// 0 at the baseline, 1 at the target; above 1 when over-achieved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Progress at the ends of the value's interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_interval: Option<Interval>,
    /// The value's interval holds both the baseline and the target: the data cannot
    /// tell them apart yet.
    pub inconclusive: bool,
    /// The progress expected by now on the linear path (× 0.7 for aspirational).
    pub expected: f64,
    pub status: PaceStatus,
    pub status_reason: crate::error::Words,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Forecast>,
    /// The forecast misses although the status has not turned yet.
    pub trending_off_track: bool,
    /// 0.0-1.0; provisional until the cycle has ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_band: Option<GradeBand>,
    pub grade_final: bool,
    /// The owner's latest confidence (0-1) and its level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_level: Option<String>,
    /// Measurements in the cycle up to as_of.
    pub measurements: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChildProgress {
    pub objective: ObjectiveId,
    pub progress: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveScore {
    pub objective: ObjectiveId,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub cycle: Cycle,
    pub kind: Commitment,
    /// Weighted mean of its key results' progress, each capped at 1; a pending key
    /// result counts as 0.
    pub progress: f64,
    /// The same with aligned child objectives' progress included (weight 1 each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_with_children: Option<f64>,
    pub status: PaceStatus,
    /// Absent while no key result has data (every one pending): silence is not graded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_band: Option<GradeBand>,
    pub key_results: Vec<KeyResultScore>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ChildProgress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One objective in a cycle summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveSummary {
    pub objective: ObjectiveId,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub progress: f64,
    pub status: PaceStatus,
    /// Absent while no key result has data (every one pending).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_band: Option<GradeBand>,
    pub key_results_by_status: BTreeMap<String, usize>,
}

/// A key result that needs attention in a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attention {
    pub key_result: KeyResultId,
    pub objective: ObjectiveId,
    pub statement: String,
    pub status: PaceStatus,
    pub trending_off_track: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    pub reason: crate::error::Words,
}

impl Attention {
    /// The key result as a row of a "needs attention" list, when it is off track,
    /// stale, pending, at risk or trending off track; with one line of why.
    pub fn of(s: &KeyResultScore) -> Option<Attention> {
        let needs =
            matches!(s.status, PaceStatus::OffTrack | PaceStatus::Stale | PaceStatus::Pending | PaceStatus::AtRisk)
                || s.trending_off_track;
        let reason = match &s.forecast {
            // The status says nothing is wrong yet; the forecast is the why.
            Some(f) if s.trending_off_track && s.status == PaceStatus::OnTrack => format!(
                "on track now, but the straight line through recent values ends the cycle at {}{}",
                crate::stats::num(f.value_at_end),
                f.progress_at_end.map(|p| format!(" (progress {})", crate::stats::num(p))).unwrap_or_default()
            )
            .into(),
            _ => s.status_reason.clone(),
        };
        needs.then(|| Attention {
            key_result: s.key_result,
            objective: s.objective,
            statement: s.statement.clone(),
            status: s.status,
            trending_off_track: s.trending_off_track,
            progress: s.progress,
            reason,
        })
    }

    /// Worst first: off track, stale, at risk, trending off track, then pending
    /// (no data yet is a gap to fill, not a miss); within a rank, the least progress.
    pub fn rank(&self) -> (u8, f64) {
        let rank = match self.status {
            PaceStatus::OffTrack => 0,
            PaceStatus::Stale => 1,
            PaceStatus::AtRisk => 2,
            _ if self.trending_off_track => 3,
            PaceStatus::Pending => 4,
            PaceStatus::OnTrack => 5,
        };
        (rank, self.progress.unwrap_or(0.0))
    }

    /// Sorts a list worst first (see [`Attention::rank`]).
    pub fn sort(list: &mut [Attention]) {
        list.sort_by(|a, b| {
            let (ra, pa) = a.rank();
            let (rb, pb) = b.rank();
            ra.cmp(&rb).then(pa.total_cmp(&pb)).then(a.key_result.0.cmp(&b.key_result.0))
        });
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CycleScore {
    pub cycle: Cycle,
    pub objectives: usize,
    pub key_results: usize,
    /// Key results per status.
    pub by_status: BTreeMap<String, usize>,
    pub trending_off_track: usize,
    /// Archived objectives of the cycle, left out of every figure here (list_okrs with
    /// status archived lists them).
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub archived: usize,
    /// Mean objective progress.
    pub mean_progress: f64,
    /// This page of objectives.
    pub rows: Vec<ObjectiveSummary>,
    /// Off-track, stale, at-risk, trending and pending key results, worst first (at most 20).
    pub attention: Vec<Attention>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// What `score` answers: one of the three, by the subject asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scored {
    pub as_of: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_result: Option<KeyResultScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<ObjectiveScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<CycleScore>,
}

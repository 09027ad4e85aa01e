//! `score`: a key result, an objective or a whole cycle, as of a date.
//!
//! Reads the key results and their metrics' measurements, and applies the formulas of
//! `formula.rs`. Every score says what it rests on: the measurement it used (time,
//! n, coverage, interval), where the baseline came from, and why the status is what
//! it is. A key result with no data is `pending`, one with old data `stale`: silence
//! is never green.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::formula::{self, ASPIRATIONAL_PACE, Band, GradeBand, PaceStatus};
use super::measurements::{last_before, points};
use crate::error::{Error, Result};
use crate::model::{
    Commitment, Cycle, Direction, KeyResult, KeyResultId, KrType, MeasurementPoint, Metric, MetricId, Objective,
    ObjectiveId, OkrId, Status, ThresholdKind, Unit,
};
use crate::stats::Interval;
use crate::store::{Store, Table};
use crate::validate;

/// Days without a new measurement after which a key result is stale.
pub const DEFAULT_CHECK_IN_DAYS: u32 = 14;
/// Recent measurements the forecast line is fitted through.
const FORECAST_POINTS: usize = 6;
const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 500;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// KR-12, O-3 or a cycle (2026-Q4).
    pub subject: String,
    // Measurements after it are ignored.
    /// YYYY-MM-DD, default today.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Days without a value before a key result is stale (default 14).
    #[serde(default)]
    pub check_in_days: Option<u32>,
    // The summary covers all.
    /// Cycle: 1-500 objectives per page, default 50.
    #[serde(default)]
    pub limit: Option<usize>,
    // Cycle only: the next_cursor of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

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
    pub status_reason: String,
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
    pub reason: String,
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
            ),
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

/// When and how strictly to score.
#[derive(Debug, Clone, Copy)]
pub struct ScoreOptions {
    pub as_of: Date,
    pub check_in_days: u32,
}

impl ScoreOptions {
    pub fn today() -> ScoreOptions {
        ScoreOptions { as_of: today(), check_in_days: DEFAULT_CHECK_IN_DAYS }
    }
}

pub use crate::clock::today;
pub(crate) use crate::clock::{day_of, end_of, start_of};

pub(crate) fn days_between(from: Timestamp, to: Timestamp) -> f64 {
    (to.as_second() - from.as_second()) as f64 / 86_400.0
}

/// Three decimals: what a score shows.
pub(crate) fn round(x: f64) -> f64 {
    crate::stats::rounded(x, crate::stats::SCORE)
}

pub fn score(store: &Store, request: ScoreRequest) -> Result<Scored> {
    let as_of = match request.as_of.as_deref() {
        Some(text) => validate::date("as_of", text)?,
        None => today(),
    };
    let check_in_days = match request.check_in_days {
        Some(0) => {
            return Err(Error::invalid("check_in_days", "is 0; give the days between check-ins, such as 7 or 14"));
        }
        Some(d) => d,
        None => DEFAULT_CHECK_IN_DAYS,
    };
    let options = ScoreOptions { as_of, check_in_days };
    let subject = request.subject.trim();
    let mut scored = Scored { as_of, key_result: None, objective: None, cycle: None };
    if let Ok(id) = subject.parse::<OkrId>() {
        match id {
            OkrId::KeyResult(kr) => {
                let key_result = crate::store::okrs::load_key_result(store, "subject", kr)?;
                let objective = crate::store::okrs::load_objective(store, "subject", key_result.objective)?;
                scored.key_result = Some(score_key_result(store, &objective, &key_result, options)?);
            }
            OkrId::Objective(o) => {
                let objective = crate::store::okrs::load_objective(store, "subject", o)?;
                let children = children_of(store, &[o])?;
                scored.objective = Some(score_objective(store, &objective, children.get(&o), options)?);
            }
        }
        return Ok(scored);
    }
    let cycle: Cycle = subject.parse().map_err(|e: crate::model::CycleParseError| {
        Error::invalid("subject", format!("is not a key result id (KR-12), an objective id (O-3) or a cycle: {e}"))
    })?;
    scored.cycle = Some(score_cycle(store, &cycle, options, request.limit, request.cursor.as_deref())?);
    Ok(scored)
}

/// Aligned children (objectives whose parent is one of `parents`) and their objectives.
pub(crate) fn children_of(store: &Store, parents: &[ObjectiveId]) -> Result<HashMap<ObjectiveId, Vec<Objective>>> {
    let mut children: HashMap<ObjectiveId, Vec<Objective>> = HashMap::new();
    for objective in store.scan::<Objective>(Table::Objectives) {
        let objective = objective?;
        if let Some(parent) = objective.parent
            && parents.contains(&parent)
            && objective.status != Status::Archived
        {
            children.entry(parent).or_default().push(objective);
        }
    }
    Ok(children)
}

/// Where the baseline comes from: stated on the key result, else the metric's value
/// at the start of the cycle (the last before it, else the first within one check-in
/// interval of it).
fn baseline_of(
    store: &Store,
    key_result: &KeyResult,
    cycle: &Cycle,
    in_cycle: &[MeasurementPoint],
    check_in_days: u32,
) -> Result<(Option<f64>, String)> {
    if let Some(b) = key_result.baseline {
        return Ok((Some(b), "stated".into()));
    }
    let Some(metric) = key_result.metric else {
        return Ok((None, "none".into()));
    };
    if let Some(p) = last_before(store, metric, start_of(cycle.start()))? {
        return Ok((
            Some(p.value),
            format!("measured: {metric} = {} on {}, the last value before the cycle started", p.value, day_of(p.at)),
        ));
    }
    if let Some(p) = in_cycle.first()
        && days_between(start_of(cycle.start()), p.at) <= check_in_days as f64
    {
        return Ok((
            Some(p.value),
            format!("measured: {metric} = {} on {}, the first value of the cycle", p.value, day_of(p.at)),
        ));
    }
    Ok((None, "none: state one, or record a measurement at the cycle's start".into()))
}

fn band_of(key_result: &KeyResult) -> Option<Band> {
    if let Some(t) = key_result.threshold {
        return Some(match t.kind {
            ThresholdKind::AtLeast => Band { low: Some(t.value), high: None },
            ThresholdKind::AtMost => Band { low: None, high: Some(t.value) },
        });
    }
    match (key_result.baseline, key_result.target) {
        (Some(b), Some(t)) => Some(Band { low: Some(b.min(t)), high: Some(b.max(t)) }),
        (None, Some(t)) => Some(match key_result.direction {
            Some(Direction::Decrease) => Band { low: None, high: Some(t) },
            _ => Band { low: Some(t), high: None },
        }),
        _ => None,
    }
}

pub fn score_key_result(
    store: &Store,
    objective: &Objective,
    key_result: &KeyResult,
    options: ScoreOptions,
) -> Result<KeyResultScore> {
    let metric = match key_result.metric {
        Some(id) => store.metric(id)?,
        None => None,
    };
    score_with_metric(store, objective, key_result, metric.as_ref(), options)
}

fn score_with_metric(
    store: &Store,
    objective: &Objective,
    key_result: &KeyResult,
    metric: Option<&Metric>,
    options: ScoreOptions,
) -> Result<KeyResultScore> {
    let cycle = &objective.cycle;
    let commitment = key_result.commitment.unwrap_or(objective.kind);
    let cycle_start = start_of(cycle.start());
    let cycle_end = end_of(cycle.end());
    let as_of_end = end_of(options.as_of).min(cycle_end);
    let in_cycle = match key_result.metric {
        Some(m) if as_of_end >= cycle_start => points(store, m, cycle_start, as_of_end)?,
        _ => vec![],
    };
    let (baseline, baseline_source) = baseline_of(store, key_result, cycle, &in_cycle, options.check_in_days)?;
    let cycle_days = cycle.days() as f64;
    let elapsed = days_between(cycle_start, end_of(options.as_of)).clamp(0.0, cycle_days);
    let pace = if commitment == Commitment::Aspirational { ASPIRATIONAL_PACE } else { 1.0 };
    let expected = formula::expected_progress(elapsed, cycle_days) * pace;
    let percent = matches!(key_result.unit.as_ref().or(metric.and_then(|m| m.unit.as_ref())), Some(Unit::Percent));
    let direction = key_result.direction.unwrap_or(match (baseline, key_result.target) {
        (Some(b), Some(t)) if t < b => Direction::Decrease,
        _ => Direction::Increase,
    });
    let band = (key_result.kr_type == KrType::Maintain || key_result.direction == Some(Direction::Maintain))
        .then(|| band_of(key_result))
        .flatten();
    let last = in_cycle.last().copied();
    let current = last.map(|p| current_value(&p, percent));
    let mut notes = vec![];

    let mut progress = None;
    let mut progress_interval = None;
    let mut inconclusive = false;
    let (mut status, mut status_reason);
    let is_maintain = band.is_some();
    match (key_result.kr_type, last) {
        (KrType::Baseline, Some(p)) => {
            progress = Some(1.0);
            status = PaceStatus::OnTrack;
            status_reason = format!("the baseline is measured: {} on {}", p.value, day_of(p.at));
        }
        (KrType::Milestone, _) => {
            let done = last.is_some_and(|p| p.value >= 1.0 || key_result.target.is_some_and(|t| p.value >= t));
            progress = Some(if done { 1.0 } else { 0.0 });
            let (_, initiatives) = crate::store::okrs::children(store, key_result.id)?;
            if !initiatives.is_empty() {
                let share =
                    initiatives.iter().map(|i| i.percent_complete).sum::<f64>() / (100.0 * initiatives.len() as f64);
                notes.push(format!(
                    "its initiatives are {:.0}% done (shown apart: a milestone scores 0 or 1)",
                    share * 100.0
                ));
            }
            if done {
                status = PaceStatus::OnTrack;
                status_reason = "done".into();
            } else {
                let due = key_result.due.unwrap_or(cycle.end());
                (status, status_reason) = if options.as_of > due {
                    (PaceStatus::OffTrack, format!("not done, and it was due {due}"))
                } else {
                    (PaceStatus::OnTrack, format!("not done yet; due {due}"))
                };
            }
        }
        (_, None) => {
            status = PaceStatus::Pending;
            status_reason = match key_result.metric {
                Some(m) => format!("no measurement of {m} in {} yet: record one (record_measurements)", cycle.name()),
                None => "no metric to measure it by".into(),
            };
        }
        (_, Some(p)) if is_maintain => {
            let band = band.expect("checked");
            let now = formula::maintain_progress(band, p.value);
            progress = Some(now);
            let (s, _) = formula::pace_status(now, 1.0);
            status = s;
            status_reason = if band.contains(p.value) {
                format!("{} on {} is inside the band", p.value, day_of(p.at))
            } else {
                format!("{} on {} is outside the band, by {}", p.value, day_of(p.at), round(band.distance(p.value)))
            };
        }
        (_, Some(p)) => match (baseline, key_result.target) {
            (Some(b), Some(t)) => {
                let now = match formula::progress(direction, b, t, p.value) {
                    Some(x) => x,
                    None => {
                        notes.push("baseline equals target: progress is 1 when the target is met, else 0".into());
                        if formula::met(direction, t, p.value) { 1.0 } else { 0.0 }
                    }
                };
                progress = Some(now);
                if let Some(interval) = current.as_ref().and_then(|c| c.interval) {
                    let ends =
                        [interval.low, interval.high].map(|v| formula::progress(direction, b, t, v).unwrap_or(now));
                    progress_interval =
                        Some(Interval { low: round(ends[0].min(ends[1])), high: round(ends[0].max(ends[1])) });
                    inconclusive = interval.contains(b) && interval.contains(t);
                }
                let (s, r) = formula::pace_status(now, expected);
                status = s;
                status_reason = match r {
                    Some(r) => format!(
                        "progress {:.2} against {:.2} expected by {} (ratio {:.2}){}",
                        now,
                        expected,
                        options.as_of,
                        r,
                        if commitment == Commitment::Aspirational {
                            ", paced at 70% for an aspirational key result"
                        } else {
                            ""
                        }
                    ),
                    None => "the cycle has not started".into(),
                };
            }
            (None, _) => {
                status = PaceStatus::Pending;
                status_reason = format!("no baseline to measure progress from ({baseline_source})");
            }
            (_, None) => {
                status = PaceStatus::Pending;
                status_reason = "no target".into();
            }
        },
    }
    if inconclusive {
        notes.push("inconclusive: the value's 95% interval holds both the baseline and the target".into());
    }
    if let Some(p) = last
        && status != PaceStatus::Pending
        && key_result.kr_type != KrType::Milestone
    {
        let age = days_between(p.at, end_of(options.as_of.min(cycle.end())));
        if age > options.check_in_days as f64 {
            status_reason = format!(
                "the last measurement is {age:.0} days old ({}), more than the {}-day check-in interval; was {}: {status_reason}",
                day_of(p.at),
                options.check_in_days,
                status.words()
            );
            status = PaceStatus::Stale;
        }
    }

    let forecast = forecast(&in_cycle, cycle_start, cycle_days, baseline, key_result.target, direction, band);
    let required = if commitment == Commitment::Aspirational { ASPIRATIONAL_PACE } else { 1.0 };
    let trending_off_track = matches!(status, PaceStatus::OnTrack | PaceStatus::AtRisk)
        && forecast.as_ref().is_some_and(|f| match (band, f.progress_at_end) {
            (Some(band), _) => !band.contains(f.value_at_end),
            (None, Some(end)) => end / required < 0.75,
            _ => false,
        });

    let grade_final = options.as_of >= cycle.end();
    let grade_progress = match (band, grade_final) {
        (Some(band), true) => {
            let days: Vec<(f64, f64)> = in_cycle.iter().map(|p| (days_between(cycle_start, p.at), p.value)).collect();
            formula::time_in_band(band, &days, 0.0, cycle_days).or(progress)
        }
        _ => progress,
    };
    let (grade, grade_band) = match grade_progress {
        Some(p) => {
            let (g, b) = formula::grade(p);
            (Some(g), Some(b))
        }
        None => (None, None),
    };
    if grade_final && commitment == Commitment::Committed && grade.is_some_and(|g| g < 1.0) {
        notes.push("a committed key result missed its target: the review should say why".into());
    }
    let confidence = in_cycle.iter().rev().find_map(|p| p.confidence);
    Ok(KeyResultScore {
        key_result: key_result.id,
        objective: objective.id,
        statement: key_result.statement.clone(),
        kr_type: key_result.kr_type,
        commitment,
        metric: key_result.metric,
        baseline,
        baseline_source,
        target: key_result.target,
        band,
        current,
        progress: progress.map(round),
        progress_interval,
        inconclusive,
        expected: round(expected),
        status,
        status_reason,
        forecast,
        trending_off_track,
        grade,
        grade_band,
        grade_final,
        confidence,
        confidence_level: confidence.map(|c| formula::confidence_level(c).to_string()),
        measurements: in_cycle.len(),
        notes,
    })
}

/// The value a score rests on, with its 95% interval (also each point of a chart).
pub(crate) fn current_value(p: &MeasurementPoint, percent: bool) -> CurrentValue {
    let coverage = match (p.n, p.population) {
        (Some(n), Some(pop)) if pop > 0 => Some(round(n as f64 / pop as f64)),
        _ => None,
    };
    let (interval, interval_method) =
        match p.n.and_then(|n| formula::value_interval(p.value, n, p.population, p.sd, percent)) {
            Some((i, method)) => (Some(i), method),
            None if p.n.is_none() => (None, "no interval: the measurement carries no n".into()),
            None => (None, "no interval: a mean needs its sd, a share needs a percentage unit".into()),
        };
    CurrentValue { value: p.value, at: p.at, n: p.n, coverage, interval, interval_method }
}

fn forecast(
    in_cycle: &[MeasurementPoint],
    cycle_start: Timestamp,
    cycle_days: f64,
    baseline: Option<f64>,
    target: Option<f64>,
    direction: Direction,
    band: Option<Band>,
) -> Option<Forecast> {
    let recent = &in_cycle[in_cycle.len().saturating_sub(FORECAST_POINTS)..];
    if recent.len() < 3 {
        return None;
    }
    let xy: Vec<(f64, f64)> = recent.iter().map(|p| (days_between(cycle_start, p.at), p.value)).collect();
    let (slope, intercept) = formula::linear_fit(&xy)?;
    let value_at_end = round(intercept + slope * cycle_days);
    let progress_at_end = match (band, baseline, target) {
        (None, Some(b), Some(t)) => formula::progress(direction, b, t, value_at_end).map(round),
        _ => None,
    };
    Some(Forecast {
        value_at_end,
        progress_at_end,
        points: recent.len(),
        method: format!(
            "least-squares line through the last {} measurements, extended to the cycle's end",
            recent.len()
        ),
    })
}

/// Scores each key result of `objective`, with its weight; `metrics` keeps metric
/// reads across the objectives of a cycle.
fn score_all(
    store: &Store,
    objective: &Objective,
    options: ScoreOptions,
    metrics: &mut HashMap<MetricId, Option<Metric>>,
) -> Result<Vec<(f64, KeyResultScore)>> {
    let mut scores = Vec::with_capacity(objective.key_results.len());
    for id in &objective.key_results {
        let key_result = crate::store::okrs::load_key_result(store, "key_results", *id)?;
        // An archived key result is gone from the present: out of the roll-up too.
        if key_result.status == Status::Archived {
            continue;
        }
        let metric = match key_result.metric {
            Some(m) => metrics.entry(m).or_insert_with(|| store.metric(m).ok().flatten()).clone(),
            None => None,
        };
        scores.push((key_result.weight, score_with_metric(store, objective, &key_result, metric.as_ref(), options)?));
    }
    Ok(scores)
}

/// An objective's weighted progress (each key result capped at 1, pending as 0) and
/// its pace status (pending while every key result is).
struct RollUp {
    weighted: f64,
    weights: f64,
    progress: f64,
    status: PaceStatus,
}

fn roll_up(objective: &Objective, scores: &[(f64, KeyResultScore)], options: ScoreOptions) -> RollUp {
    let weighted: f64 = scores.iter().map(|(w, s)| w * s.progress.unwrap_or(0.0).clamp(0.0, 1.0)).sum();
    let weights: f64 = scores.iter().map(|(w, _)| w).sum();
    let progress = if weights > 0.0 { round(weighted / weights) } else { 0.0 };
    let status = if scores.iter().all(|(_, s)| s.status == PaceStatus::Pending) {
        PaceStatus::Pending
    } else {
        let elapsed = days_between(start_of(objective.cycle.start()), end_of(options.as_of));
        let pace = if objective.kind == Commitment::Aspirational { ASPIRATIONAL_PACE } else { 1.0 };
        formula::pace_status(progress, formula::expected_progress(elapsed, objective.cycle.days() as f64) * pace).0
    };
    RollUp { weighted, weights, progress, status }
}

impl RollUp {
    /// The grade of the rolled-up progress; none while every key result is pending,
    /// since a pending key result counts as 0 only beside others that have data.
    fn grade(&self) -> (Option<f64>, Option<GradeBand>) {
        if self.status == PaceStatus::Pending {
            return (None, None);
        }
        let (grade, band) = formula::grade(self.progress);
        (Some(grade), Some(band))
    }
}

pub fn score_objective(
    store: &Store,
    objective: &Objective,
    children: Option<&Vec<Objective>>,
    options: ScoreOptions,
) -> Result<ObjectiveScore> {
    let scores = score_all(store, objective, options, &mut HashMap::new())?;
    let rolled = roll_up(objective, &scores, options);
    let mut notes = vec![];
    let pending = scores.iter().filter(|(_, k)| k.status == PaceStatus::Pending).count();
    if pending > 0 && pending == scores.len() {
        notes.push("no key result has data yet: not graded until one has".into());
    } else if pending > 0 {
        notes.push(format!("{pending} key result(s) have no data yet and count as 0"));
    }
    let stale = scores.iter().filter(|(_, k)| k.status == PaceStatus::Stale).count();
    if stale > 0 {
        notes.push(format!("{stale} key result(s) are stale: their numbers are old"));
    }
    let mut child_progress = vec![];
    for child in children.into_iter().flatten() {
        let scored = score_objective(store, child, None, options)?;
        child_progress.push(ChildProgress { objective: child.id, progress: scored.progress });
    }
    let progress_with_children = (!child_progress.is_empty()).then(|| {
        round(
            (rolled.weighted + child_progress.iter().map(|c| c.progress).sum::<f64>())
                / (rolled.weights + child_progress.len() as f64),
        )
    });
    let (grade, grade_band) = rolled.grade();
    Ok(ObjectiveScore {
        objective: objective.id,
        title: objective.title.clone(),
        owner: objective.owner.clone(),
        cycle: objective.cycle.clone(),
        kind: objective.kind,
        progress: rolled.progress,
        progress_with_children,
        status: rolled.status,
        grade,
        grade_band,
        key_results: scores.into_iter().map(|(_, s)| s).collect(),
        children: child_progress,
        notes,
    })
}

fn score_cycle(
    store: &Store,
    cycle: &Cycle,
    options: ScoreOptions,
    limit: Option<usize>,
    cursor: Option<&str>,
) -> Result<CycleScore> {
    let crate::validate::ObjectivePage { limit, after } =
        crate::validate::objective_page(limit, cursor, DEFAULT_PAGE, MAX_PAGE)?;
    let (objectives, archived): (Vec<Objective>, Vec<Objective>) = store
        .scan::<Objective>(Table::Objectives)
        .filter(|o| o.as_ref().map_or(true, |o| o.cycle == *cycle))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .partition(|o| o.status != Status::Archived);
    let mut metrics: HashMap<MetricId, Option<Metric>> = HashMap::new();
    let mut summary = CycleScore {
        cycle: cycle.clone(),
        objectives: objectives.len(),
        key_results: 0,
        by_status: BTreeMap::new(),
        trending_off_track: 0,
        archived: archived.len(),
        mean_progress: 0.0,
        rows: vec![],
        attention: vec![],
        next_cursor: None,
    };
    let mut progress_sum = 0.0;
    for objective in &objectives {
        let scores = score_all(store, objective, options, &mut metrics)?;
        let rolled = roll_up(objective, &scores, options);
        progress_sum += rolled.progress;
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        for (_, s) in &scores {
            *by_status.entry(s.status.name().to_string()).or_default() += 1;
            *summary.by_status.entry(s.status.name().to_string()).or_default() += 1;
            summary.key_results += 1;
            summary.trending_off_track += s.trending_off_track as usize;
            summary.attention.extend(Attention::of(s));
        }
        if objective.id.0 > after && summary.rows.len() <= limit {
            let (grade, grade_band) = rolled.grade();
            summary.rows.push(ObjectiveSummary {
                objective: objective.id,
                title: objective.title.clone(),
                owner: objective.owner.clone(),
                progress: rolled.progress,
                status: rolled.status,
                grade,
                grade_band,
                key_results_by_status: by_status,
            });
        }
    }
    if summary.rows.len() > limit {
        summary.rows.truncate(limit);
        summary.next_cursor = summary.rows.last().map(|r| r.objective.to_string());
    }
    summary.mean_progress = if objectives.is_empty() { 0.0 } else { round(progress_sum / objectives.len() as f64) };
    Attention::sort(&mut summary.attention);
    summary.attention.truncate(20);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Actor;
    use crate::okr::input::{KeyResultDraft, ObjectiveDraft};
    use crate::scoring::measurements::{MeasurementInput, RecordRequest, record_measurements};

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    /// A 2026-Q4 objective (92 days) with the given key results; returns the KR ids.
    fn setup(store: &Store, kind: Option<Commitment>, krs: &[&str]) -> Vec<KeyResultId> {
        setup_in(store, "2026-Q4", kind, krs)
    }

    fn setup_in(store: &Store, cycle: &str, kind: Option<Commitment>, krs: &[&str]) -> Vec<KeyResultId> {
        let draft = ObjectiveDraft {
            objective: "New customers reach lasting value in their first week".into(),
            owner: Some("Maya".into()),
            cycle: Some(cycle.into()),
            level: None,
            kind,
            parent: None,
            stage: None,
            key_results: krs.iter().map(|k| KeyResultDraft::Statement(k.to_string())).collect(),
            same_title_intended: false,
        };
        run(crate::okr::draft::draft_okr(store, draft, &Actor("t".into()))).unwrap().key_result_ids
    }

    fn record(store: &Store, values: &[(&str, &str, f64, Option<u64>)]) {
        let measurements = values
            .iter()
            .map(|(m, at, v, n)| MeasurementInput {
                metric: m.to_string(),
                at: at.to_string(),
                value: *v,
                n: *n,
                ..Default::default()
            })
            .collect();
        run(record_measurements(store, RecordRequest { measurements, insist: false }, &Actor("t".into()))).unwrap();
    }

    fn kr(store: &Store, id: KeyResultId, as_of: &str) -> KeyResultScore {
        let request = ScoreRequest { subject: id.to_string(), as_of: Some(as_of.into()), ..Default::default() };
        score(store, request).unwrap().key_result.unwrap()
    }

    #[test]
    fn a_decrease_half_way_through_the_cycle() {
        let store = Store::temporary().unwrap();
        let ids = setup(&store, None, &["Cut refund policy misses from 18% to 11%"]);
        // 2026-11-15 is day 46 of 92 → expected 0.5. Value 14.5: (18-14.5)/7 = 0.5 → on track.
        record(&store, &[("KR-1", "2026-10-01", 18.0, None), ("KR-1", "2026-11-15", 14.5, None)]);
        let s = kr(&store, ids[0], "2026-11-15");
        assert_eq!(s.progress, Some(0.5));
        assert_eq!(s.expected, 0.5);
        assert_eq!(s.status, PaceStatus::OnTrack);
        assert_eq!(s.grade, Some(0.5));
        assert_eq!(s.grade_band, Some(GradeBand::Yellow));
        assert!(!s.grade_final);
    }

    #[test]
    fn silence_is_pending_then_stale() {
        let store = Store::temporary().unwrap();
        let ids = setup(&store, None, &["Raise week-1 activation from 40% to 55%"]);
        assert_eq!(kr(&store, ids[0], "2026-10-20").status, PaceStatus::Pending);
        record(&store, &[("KR-1", "2026-10-05", 44.0, None)]);
        let s = kr(&store, ids[0], "2026-11-01");
        assert_eq!(s.status, PaceStatus::Stale, "{}", s.status_reason);
        assert!(s.status_reason.contains("28 days old (2026-10-05)"), "{}", s.status_reason);
    }

    #[test]
    fn aspirational_pacing_and_the_interval_make_it_inconclusive() {
        let store = Store::temporary().unwrap();
        let ids = setup(&store, Some(Commitment::Aspirational), &["Raise week-1 activation from 40% to 55%"]);
        // Day 46: expected 0.7 × 0.5 = 0.35. 44.5% → progress 0.3, r = 0.857: at risk.
        // n = 30: the Wilson interval (28.37, 61.88) holds both 40 and 55: inconclusive.
        record(&store, &[("KR-1", "2026-11-15", 44.5, Some(30))]);
        let s = kr(&store, ids[0], "2026-11-15");
        assert_eq!(s.progress, Some(0.3));
        assert_eq!(s.expected, 0.35);
        assert_eq!(s.status, PaceStatus::AtRisk);
        assert!(s.inconclusive);
        let i = s.current.unwrap().interval.unwrap();
        assert!((i.low - 28.37).abs() < 0.01 && (i.high - 61.88).abs() < 0.01, "{i:?}");
    }

    #[test]
    fn a_missing_baseline_comes_from_the_metric_at_the_cycle_start() {
        let store = Store::temporary().unwrap();
        let ids = setup(&store, None, &["Raise week-1 activation to 55%"]);
        record(&store, &[("week-1 activation", "2026-09-28", 43.0, None), ("KR-1", "2026-10-10", 46.0, None)]);
        let s = kr(&store, ids[0], "2026-10-12");
        assert_eq!(s.baseline, Some(43.0));
        assert!(s.baseline_source.contains("2026-09-28"), "{}", s.baseline_source);
        // (46 - 43) / (55 - 43) = 0.25.
        assert_eq!(s.progress, Some(0.25));
    }

    #[test]
    fn forecast_flags_a_trend_before_the_status_turns() {
        let store = Store::temporary().unwrap();
        let ids = setup(&store, None, &["Raise week-1 activation from 40% to 55%"]);
        // A fast start, then flat: on track on day 31 (progress 0.373 against 0.337),
        // but the line through days 7-28 (slope 0.0286/day) ends at 47.5%: 0.50.
        record(
            &store,
            &[
                ("KR-1", "2026-10-08", 45.0, None),
                ("KR-1", "2026-10-15", 45.4, None),
                ("KR-1", "2026-10-22", 45.6, None),
                ("KR-1", "2026-10-29", 45.6, None),
            ],
        );
        let s = kr(&store, ids[0], "2026-10-31");
        assert_eq!(s.status, PaceStatus::OnTrack, "{}", s.status_reason);
        let f = s.forecast.unwrap();
        assert!((f.value_at_end - 47.529).abs() < 0.01 && f.progress_at_end == Some(0.502), "{f:?}");
        assert!(s.trending_off_track);
    }

    #[test]
    fn objectives_roll_up_and_a_cycle_summarises() {
        let store = Store::temporary().unwrap();
        let krs = ["Raise week-1 activation from 40% to 60%", "Cut time to first value from 9 days to 4 days"];
        setup_in(&store, "2026-Q3", None, &krs);
        record(&store, &[("KR-1", "2026-09-30", 50.0, None), ("KR-2", "2026-09-30", 4.0, None)]);
        let scored = score(
            &store,
            ScoreRequest { subject: "O-1".into(), as_of: Some("2026-09-30".into()), ..Default::default() },
        )
        .unwrap()
        .objective
        .unwrap();
        // (0.5 + 1.0) / 2 = 0.75; at the close, a committed 0.5 needs an explanation.
        assert_eq!(scored.progress, 0.75);
        assert!(scored.key_results[0].grade_final);
        assert!(scored.key_results[0].notes.iter().any(|n| n.contains("committed")));
        let cycle = score(
            &store,
            ScoreRequest { subject: "2026-Q3".into(), as_of: Some("2026-09-30".into()), ..Default::default() },
        )
        .unwrap()
        .cycle
        .unwrap();
        assert_eq!((cycle.objectives, cycle.key_results, cycle.mean_progress), (1, 2, 0.75));
        assert_eq!(cycle.attention.len(), 1);
    }

    #[test]
    fn an_objective_with_no_data_yet_is_not_graded_red() {
        let store = Store::temporary().unwrap();
        setup(
            &store,
            None,
            &["Raise week-1 activation from 40% to 55%", "Cut time to first value from 9 days to 4 days"],
        );
        let objective = |as_of: &str| {
            let request = ScoreRequest { subject: "O-1".into(), as_of: Some(as_of.into()), ..Default::default() };
            score(&store, request).unwrap().objective.unwrap()
        };
        let silent = objective("2026-11-15");
        assert_eq!(silent.status, PaceStatus::Pending);
        assert_eq!((silent.grade, silent.grade_band), (None, None));
        assert!(silent.notes.iter().any(|n| n.contains("not graded")), "{:?}", silent.notes);
        let json = serde_json::to_value(&silent).unwrap();
        assert!(json.get("grade").is_none() && json.get("grade_band").is_none(), "{json}");
        // One key result with data: the other counts as 0 and the objective is graded.
        record(&store, &[("KR-1", "2026-11-10", 47.5, None)]);
        let half = objective("2026-11-15");
        assert_eq!((half.grade, half.grade_band), (Some(0.3), Some(GradeBand::Red)));
        let cycle = score(
            &store,
            ScoreRequest { subject: "2026-Q4".into(), as_of: Some("2026-10-02".into()), ..Default::default() },
        )
        .unwrap()
        .cycle
        .unwrap();
        assert_eq!(cycle.rows[0].grade, None, "no measurement by Oct 2: {:?}", cycle.rows[0]);
    }

    #[test]
    fn attention_puts_off_track_first_and_pending_last() {
        let row = |id: u64, status: PaceStatus, trending: bool, progress: Option<f64>| Attention {
            key_result: KeyResultId(id),
            objective: ObjectiveId(1),
            statement: String::new(),
            status,
            trending_off_track: trending,
            progress,
            reason: String::new(),
        };
        let mut list = vec![
            row(1, PaceStatus::Pending, false, None),
            row(2, PaceStatus::OnTrack, true, Some(0.5)),
            row(3, PaceStatus::AtRisk, false, Some(0.4)),
            row(4, PaceStatus::OffTrack, false, Some(0.2)),
            row(5, PaceStatus::Stale, false, Some(0.3)),
            row(6, PaceStatus::OffTrack, false, Some(0.1)),
        ];
        Attention::sort(&mut list);
        let order: Vec<u64> = list.iter().map(|a| a.key_result.0).collect();
        assert_eq!(order, [6, 4, 5, 3, 2, 1]);
    }

    #[test]
    fn bad_subjects_and_dates_are_named() {
        let store = Store::temporary().unwrap();
        let error = |subject: &str, as_of: Option<&str>| {
            score(&store, ScoreRequest { subject: subject.into(), as_of: as_of.map(Into::into), ..Default::default() })
                .unwrap_err()
                .to_string()
        };
        assert!(error("KR-9", None).contains("subject: KR-9 does not exist"));
        assert!(error("2026-Q5", None).contains("subject: is not a key result id"));
        assert!(error("2026-Q4", Some("soon")).contains("as_of"));
    }
}

//! `score`: a key result, an objective or a whole cycle, as of a date.
//!
//! Reads the key results and their metrics' measurements, and applies the formulas of
//! `formula.rs`. Every score says what it rests on: the measurement it used (time,
//! n, coverage, interval), where the baseline came from, and why the status is what
//! it is. A key result with no data is `pending`, one with old data `stale`: silence
//! is never green.
//!
//! - [`answer`]: what `score` answers (a key result's, an objective's, a cycle's score).
//! - [`key_result`]: one key result against its metric's measurements.
//! - [`roll_up`]: an objective from its key results, a cycle from its objectives.

mod answer;
mod key_result;
mod roll_up;

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

use super::formula::{self, ASPIRATIONAL_PACE, Band, GradeBand, PaceStatus};
use super::measurements::{last_before, points};
use crate::clock::{day_of, days_between, end_of, start_of, today};
use crate::error::{Error, Result};
use crate::model::{
    Commitment, Cycle, Direction, KeyResult, KrType, MeasurementPoint, Metric, MetricId, Objective, ObjectiveId, OkrId,
    Status, ThresholdKind, Unit,
};
use crate::stats::Interval;
use crate::store::{Store, Table};
use crate::validate;

pub use answer::*;
pub(crate) use key_result::current_value;
pub use key_result::score_key_result;
use roll_up::score_cycle;
pub use roll_up::score_objective;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Actor, KeyResultId};
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
        assert!(s.status_reason.to_string().contains("28 days old (2026-10-05)"), "{}", s.status_reason);
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
            reason: Default::default(),
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

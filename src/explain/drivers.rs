//! Drivers of a slip (docs/domain.md#step-3-drivers): the leading indicators of the key
//! result that moved before it (and whether the lead matches their expected lag),
//! other key results on the same metric, initiatives due or stalled in the window
//! (the key result's own; the objective's when the subject is wider), and the notes written on the measurements around the slip.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::slip::{self, Move, Worse};
use super::window::Window;
use super::{MetricMove, Track, cite};
use crate::clock::{day_of, end_of, start_of};
use crate::error::Result;
use crate::model::{Direction, Indicator, IndicatorStatus, KeyResult, Status};
use crate::scoring::measurements::{points, readings};
use crate::stats::{num, signed};
use crate::store::{Store, Table};

/// How far before the slip (beyond the expected lag) an indicator's move may start.
const LEAD_SLACK_DAYS: i64 = 28;
/// Initiatives due this long before the window still count as in it.
const INITIATIVE_SLACK_DAYS: i64 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DriverKind {
    LeadingIndicator,
    SameMetric,
    Initiative,
    MeasurementNote,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Driver {
    pub kind: DriverKind,
    /// IND-1, KR-7, INI-2, or the measurement (M-2@2026-10-15).
    pub id: String,
    pub summary: String,
    /// Leading indicators: it fell (beyond noise) at or before the slip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_first: Option<bool>,
    /// Days from its move to the slip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_lag_days: Option<u32>,
    /// The lead is within a week (or half the lag) of the expected lag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_with_lag: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement: Option<Move>,
    pub cites: Vec<String>,
}

impl Driver {
    /// A driver that is not a leading indicator: no movement or lag of its own.
    fn plain(kind: DriverKind, id: String, summary: String, cites: Vec<String>) -> Driver {
        Driver {
            kind,
            id,
            summary,
            moved_first: None,
            lead_days: None,
            expected_lag_days: None,
            consistent_with_lag: None,
            movement: None,
            cites,
        }
    }
}

fn days(d: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * d)
}

fn whole_days(from: Timestamp, to: Timestamp) -> i64 {
    (to.as_second() - from.as_second()).div_euclid(86_400)
}

/// `whole_objective`: the question was about an objective or a journey stage, so the
/// work on every key result of it is the subject's own; about a key result or a
/// metric, only that key result's is.
pub fn drivers(
    store: &Store,
    track: &Track,
    slip: &MetricMove,
    window: Window,
    as_of: Date,
    whole_objective: bool,
) -> Result<Vec<Driver>> {
    let mut out = vec![];
    if let Some(kr) = &track.key_result {
        let (indicators, _) = crate::store::okrs::children(store, kr.id)?;
        for indicator in &indicators {
            out.extend(indicator_driver(store, indicator, track, slip)?);
        }
    }
    out.extend(notes_on(store, slip)?);
    out.extend(same_metric(store, track)?);
    out.extend(initiatives(store, track, window, as_of, whole_objective)?);
    Ok(out)
}

fn indicator_driver(store: &Store, indicator: &Indicator, track: &Track, slip: &MetricMove) -> Result<Option<Driver>> {
    let Some(metric) = store.metric(indicator.metric)? else { return Ok(None) };
    let lag = i64::from(indicator.expected_lag_days);
    let start = slip.movement.start;
    let (from, to) = (start - days(lag + LEAD_SLACK_DAYS), start);
    let series = points(store, metric.id, from - days(super::LOOKBACK_DAYS), start + days(LEAD_SLACK_DAYS))?;
    // An indicator moves with its key result unless its measured correlation is
    // negative; unmeasured, its own words decide when they say which way it is good
    // (a first response time that rises is worse, whatever the satisfaction it leads).
    let measured = indicator.validation.as_ref().and_then(|v| v.r);
    let worse = match (measured, crate::okr::vocabulary::better_when(&metric.name.to_lowercase())) {
        (Some(r), _) => match (track.worse(), r < 0.0) {
            (Worse::Lower, false) | (Worse::Higher, true) => Worse::Lower,
            _ => Worse::Higher,
        },
        (None, Some(Direction::Decrease)) => Worse::Higher,
        (None, Some(_)) => Worse::Lower,
        (None, None) => track.worse(),
    };
    let percent = matches!(metric.unit, Some(crate::model::Unit::Percent));
    let status = match indicator.status {
        IndicatorStatus::Validated => "validated",
        IndicatorStatus::Refuted => "refuted",
        IndicatorStatus::Assumed => "assumed (not validated)",
    };
    let label = format!("{} ({}, {}; {status})", indicator.id, metric.name, metric.id);
    let movement = slip::largest_move(&series, from, to, worse, percent).filter(|m| m.significant);
    let Some(movement) = movement else {
        return Ok(Some(Driver {
            kind: DriverKind::LeadingIndicator,
            id: indicator.id.to_string(),
            summary: format!(
                "{label} did not move beyond noise in the {} days before {}'s slip: by its data it is not what moved first",
                lag + LEAD_SLACK_DAYS,
                slip.metric
            ),
            moved_first: Some(false),
            lead_days: None,
            expected_lag_days: Some(indicator.expected_lag_days),
            consistent_with_lag: None,
            movement: None,
            cites: vec![indicator.id.to_string(), metric.id.to_string()],
        }));
    };
    let lead = whole_days(movement.start, start);
    let consistent = (lead - lag).abs() <= 7.max(lag / 2);
    let mut cites = vec![indicator.id.to_string()];
    cites.extend(movement.cited.iter().map(|at| cite(metric.id, *at)));
    let notes = readings(store, metric.id, movement.previous_at + days(1), movement.start + days(7))?;
    let notes: Vec<String> = notes
        .iter()
        .filter_map(|m| m.note.as_ref().filter(|n| !n.trim().is_empty()).map(|n| (cite(metric.id, m.at), n)))
        .map(|(c, n)| {
            cites.push(c.clone());
            format!("note on {c}: \"{n}\"")
        })
        .collect();
    let interval =
        movement.interval.map(|iv| format!(", 95% {} to {}", signed(iv.low), signed(iv.high))).unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    cites.retain(|c| seen.insert(c.clone()));
    let summary = format!(
        "{label} {} from {} to {} ({}{interval}) starting {}, {lead} days before {} slipped; expected lag {lag} days: {}{}",
        if movement.change > 0.0 { "rose" } else { "fell" },
        num(movement.level_before),
        num(movement.level_after),
        signed(movement.change),
        day_of(movement.start),
        slip.metric,
        if consistent {
            "it moved first, as its lag predicts"
        } else {
            "it moved first, though not at its expected lag"
        },
        if notes.is_empty() { String::new() } else { format!("; {}", notes.join("; ")) }
    );
    Ok(Some(Driver {
        kind: DriverKind::LeadingIndicator,
        id: indicator.id.to_string(),
        summary,
        moved_first: Some(true),
        lead_days: Some(lead),
        expected_lag_days: Some(indicator.expected_lag_days),
        consistent_with_lag: Some(consistent),
        movement: Some(movement),
        cites,
    }))
}

/// Notes written on the slipping metric's own measurements around the slip.
fn notes_on(store: &Store, slip: &MetricMove) -> Result<Vec<Driver>> {
    let run_end = slip.movement.start + days(7 * slip.movement.points_after as i64);
    let found = readings(store, slip.metric, slip.movement.previous_at, run_end)?;
    Ok(found
        .into_iter()
        .filter_map(|m| {
            let note = m.note.filter(|n| !n.trim().is_empty())?;
            let id = cite(slip.metric, m.at);
            let summary = format!(
                "the value of {} on {} ({}) carries a note: \"{note}\"",
                slip.metric,
                day_of(m.at),
                num(m.value)
            );
            Some(Driver::plain(DriverKind::MeasurementNote, id.clone(), summary, vec![id]))
        })
        .collect())
}

/// Other key results scored on the same metric: their teams move the same number.
fn same_metric(store: &Store, track: &Track) -> Result<Vec<Driver>> {
    let own = track.key_result.as_ref().map(|k| k.id);
    let mut out = vec![];
    for kr in store.scan::<KeyResult>(Table::KeyResults) {
        let kr = kr?;
        if kr.metric != Some(track.metric.id) || Some(kr.id) == own || kr.status == Status::Archived {
            continue;
        }
        if store.objective(kr.objective)?.is_none_or(|o| o.status == Status::Archived) {
            continue;
        }
        let summary = format!(
            "{} ({}{}) is scored on the same metric {}: \"{}\"",
            kr.id,
            kr.objective,
            kr.owner.as_ref().map(|o| format!(", {o}")).unwrap_or_default(),
            track.metric.id,
            kr.statement
        );
        let cites = vec![kr.id.to_string(), kr.objective.to_string()];
        out.push(Driver::plain(DriverKind::SameMetric, kr.id.to_string(), summary, cites));
    }
    Ok(out)
}

/// Initiatives due in (or just before) the window, or overdue: the key result's own
/// when the subject is a key result (a sibling's work does not drive this number),
/// those of every key result of the objective when the subject is the objective.
fn initiatives(
    store: &Store,
    track: &Track,
    window: Window,
    as_of: Date,
    whole_objective: bool,
) -> Result<Vec<Driver>> {
    let key_results = match (&track.key_result, &track.objective) {
        (Some(kr), _) if !whole_objective => vec![kr.id],
        (_, Some(objective)) => objective.key_results.clone(),
        (Some(kr), None) => vec![kr.id],
        (None, None) => return Ok(vec![]),
    };
    let (from, to) = (start_of(window.from) - days(INITIATIVE_SLACK_DAYS), end_of(window.to));
    let mut out = vec![];
    for kr in &key_results {
        let (_, initiatives) = crate::store::okrs::children(store, *kr)?;
        for initiative in initiatives {
            let Some(due) = initiative.due else { continue };
            let done = initiative.percent_complete >= 100.0;
            let in_window = (from..=to).contains(&start_of(due));
            let state = match (done, due < as_of) {
                (true, _) if in_window => format!("done, due {due}: it landed in the window"),
                (true, _) => continue,
                (false, true) => {
                    format!("{:.0}% complete and overdue since {due}: stalled", initiative.percent_complete)
                }
                (false, false) if in_window => {
                    format!("{:.0}% complete, due {due} in the window", initiative.percent_complete)
                }
                (false, false) => continue,
            };
            let summary = format!(
                "{} \"{}\" for {}{}: {state}",
                initiative.id,
                initiative.title,
                initiative.key_result,
                initiative.owner.as_ref().map(|o| format!(" ({o})")).unwrap_or_default()
            );
            let cites = vec![initiative.id.to_string(), initiative.key_result.to_string()];
            out.push(Driver::plain(DriverKind::Initiative, initiative.id.to_string(), summary, cites));
        }
    }
    Ok(out)
}

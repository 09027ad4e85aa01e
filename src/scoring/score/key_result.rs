//! One key result scored against its metric: the baseline (stated or measured), the
//! value it rests on with its interval, progress, the status and why, the forecast and
//! the grade (docs/domain.md#3-scoring).

use super::*;

/// Where the baseline comes from: stated on the key result, else the metric's value
/// at the start of the cycle (the last before it, else the first within one check-in
/// interval of it).
pub(super) fn baseline_of(
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

pub(super) fn band_of(key_result: &KeyResult) -> Option<Band> {
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

pub(super) fn score_with_metric(
    store: &Store,
    objective: &Objective,
    key_result: &KeyResult,
    metric: Option<&Metric>,
    options: ScoreOptions,
) -> Result<KeyResultScore> {
    let basis = Basis::read(store, objective, key_result, metric, options)?;
    let mut verdict = judge(store, key_result, &basis, options)?;
    verdict.stale_when_old(key_result, &basis, options);
    let outlook = Outlook::of(key_result, &basis, &verdict, options);
    Ok(KeyResultScore {
        key_result: key_result.id,
        objective: objective.id,
        statement: key_result.statement.clone(),
        kr_type: key_result.kr_type,
        commitment: basis.commitment,
        metric: key_result.metric,
        baseline: basis.baseline,
        baseline_source: basis.baseline_source,
        target: key_result.target,
        band: basis.band,
        current: basis.current,
        progress: verdict.progress.map(round),
        progress_interval: verdict.progress_interval,
        inconclusive: verdict.inconclusive,
        expected: round(basis.expected),
        status: verdict.status,
        status_reason: verdict.reason,
        forecast: outlook.forecast,
        trending_off_track: outlook.trending_off_track,
        grade: outlook.grade,
        grade_band: outlook.grade_band,
        grade_final: outlook.grade_final,
        confidence: outlook.confidence,
        confidence_level: outlook.confidence.map(|c| formula::confidence_level(c).to_string()),
        measurements: basis.in_cycle.len(),
        notes: verdict.notes.into_iter().chain(outlook.notes).collect(),
    })
}

/// What a key result is scored from: its cycle's measurements, its baseline, the
/// progress expected by now, its direction and (maintain) band, the value it rests on.
struct Basis {
    cycle: Cycle,
    cycle_start: Timestamp,
    cycle_days: f64,
    commitment: Commitment,
    in_cycle: Vec<MeasurementPoint>,
    baseline: Option<f64>,
    baseline_source: String,
    expected: f64,
    direction: Direction,
    band: Option<Band>,
    last: Option<MeasurementPoint>,
    current: Option<CurrentValue>,
}

impl Basis {
    fn read(
        store: &Store,
        objective: &Objective,
        key_result: &KeyResult,
        metric: Option<&Metric>,
        options: ScoreOptions,
    ) -> Result<Basis> {
        let cycle = &objective.cycle;
        let commitment = key_result.commitment.unwrap_or(objective.kind);
        let cycle_start = start_of(cycle.start());
        let as_of_end = end_of(options.as_of).min(end_of(cycle.end()));
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
        Ok(Basis {
            cycle: cycle.clone(),
            cycle_start,
            cycle_days,
            commitment,
            in_cycle,
            baseline,
            baseline_source,
            expected,
            direction,
            band,
            last,
            current,
        })
    }
}

/// Where a key result stands: its progress (with the interval the value's interval
/// gives it), its status and why, and what to note beside them.
struct Verdict {
    progress: Option<f64>,
    progress_interval: Option<Interval>,
    inconclusive: bool,
    status: PaceStatus,
    reason: crate::error::Words,
    notes: Vec<String>,
}

impl Verdict {
    fn new(status: PaceStatus, reason: impl Into<crate::error::Words>) -> Verdict {
        Verdict {
            progress: None,
            progress_interval: None,
            inconclusive: false,
            status,
            reason: reason.into(),
            notes: vec![],
        }
    }

    /// Silence is never green: a value older than the check-in interval makes any
    /// status but pending stale (a milestone is done or not, whatever its age).
    fn stale_when_old(&mut self, key_result: &KeyResult, basis: &Basis, options: ScoreOptions) {
        let Some(p) = basis.last else { return };
        if self.status == PaceStatus::Pending || key_result.kr_type == KrType::Milestone {
            return;
        }
        let age = days_between(p.at, end_of(options.as_of.min(basis.cycle.end())));
        if age > options.check_in_days as f64 {
            self.reason = crate::error::Words::from(format!(
                "the last measurement is {age:.0} days old ({}), more than the {}-day check-in interval; was {}: ",
                day_of(p.at),
                options.check_in_days,
                self.status.words()
            ))
            .and(std::mem::take(&mut self.reason));
            self.status = PaceStatus::Stale;
        }
    }
}

/// The verdict by the kind of key result: a baseline measured, a milestone done or
/// not, a maintained band, a metric against its pace; pending without data.
fn judge(store: &Store, key_result: &KeyResult, basis: &Basis, options: ScoreOptions) -> Result<Verdict> {
    Ok(match (key_result.kr_type, basis.last, basis.band) {
        (KrType::Baseline, Some(p), _) => Verdict {
            progress: Some(1.0),
            ..Verdict::new(PaceStatus::OnTrack, format!("the baseline is measured: {} on {}", p.value, day_of(p.at)))
        },
        (KrType::Milestone, last, _) => judge_milestone(store, key_result, last, basis, options)?,
        (_, None, _) => Verdict::new(
            PaceStatus::Pending,
            match key_result.metric {
                Some(m) => crate::words![
                    format!("no measurement of {m} in {} yet: record one (", basis.cycle.name()),
                    crate::error::Operation::RecordMeasurements,
                    ")"
                ],
                None => "no metric to measure it by".into(),
            },
        ),
        (_, Some(p), Some(band)) => {
            let now = formula::maintain_progress(band, p.value);
            let (status, _) = formula::pace_status(now, 1.0);
            let reason = if band.contains(p.value) {
                format!("{} on {} is inside the band", p.value, day_of(p.at))
            } else {
                format!("{} on {} is outside the band, by {}", p.value, day_of(p.at), round(band.distance(p.value)))
            };
            Verdict { progress: Some(now), ..Verdict::new(status, reason) }
        }
        (_, Some(p), None) => judge_metric(key_result, p, basis, options),
    })
}

/// A milestone is done or not (0 or 1); its initiatives' progress is noted apart.
fn judge_milestone(
    store: &Store,
    key_result: &KeyResult,
    last: Option<MeasurementPoint>,
    basis: &Basis,
    options: ScoreOptions,
) -> Result<Verdict> {
    let done = last.is_some_and(|p| p.value >= 1.0 || key_result.target.is_some_and(|t| p.value >= t));
    let due = key_result.due.unwrap_or(basis.cycle.end());
    let mut verdict = match (done, options.as_of > due) {
        (true, _) => Verdict::new(PaceStatus::OnTrack, "done"),
        (false, true) => Verdict::new(PaceStatus::OffTrack, format!("not done, and it was due {due}")),
        (false, false) => Verdict::new(PaceStatus::OnTrack, format!("not done yet; due {due}")),
    };
    verdict.progress = Some(if done { 1.0 } else { 0.0 });
    let (_, initiatives) = crate::store::okrs::children(store, key_result.id)?;
    if !initiatives.is_empty() {
        let share = initiatives.iter().map(|i| i.percent_complete).sum::<f64>() / (100.0 * initiatives.len() as f64);
        verdict
            .notes
            .push(format!("its initiatives are {:.0}% done (shown apart: a milestone scores 0 or 1)", share * 100.0));
    }
    Ok(verdict)
}

/// A metric key result: progress from baseline to target, with the interval its
/// value's interval gives it, against the progress expected by now.
fn judge_metric(key_result: &KeyResult, p: MeasurementPoint, basis: &Basis, options: ScoreOptions) -> Verdict {
    let (b, t) = match (basis.baseline, key_result.target) {
        (Some(b), Some(t)) => (b, t),
        (None, _) => {
            return Verdict::new(
                PaceStatus::Pending,
                format!("no baseline to measure progress from ({})", basis.baseline_source),
            );
        }
        (_, None) => return Verdict::new(PaceStatus::Pending, "no target"),
    };
    let direction = basis.direction;
    let mut notes = vec![];
    let now = match formula::progress(direction, b, t, p.value) {
        Some(x) => x,
        None => {
            notes.push("baseline equals target: progress is 1 when the target is met, else 0".into());
            if formula::met(direction, t, p.value) { 1.0 } else { 0.0 }
        }
    };
    let (mut progress_interval, mut inconclusive) = (None, false);
    if let Some(interval) = basis.current.as_ref().and_then(|c| c.interval) {
        let ends = [interval.low, interval.high].map(|v| formula::progress(direction, b, t, v).unwrap_or(now));
        progress_interval = Some(Interval { low: round(ends[0].min(ends[1])), high: round(ends[0].max(ends[1])) });
        inconclusive = interval.contains(b) && interval.contains(t);
    }
    if inconclusive {
        notes.push("inconclusive: the value's 95% interval holds both the baseline and the target".into());
    }
    let (status, ratio) = formula::pace_status(now, basis.expected);
    let reason = match ratio {
        Some(r) => format!(
            "progress {:.2} against {:.2} expected by {} (ratio {:.2}){}",
            now,
            basis.expected,
            options.as_of,
            r,
            if basis.commitment == Commitment::Aspirational {
                ", paced at 70% for an aspirational key result"
            } else {
                ""
            }
        ),
        None => "the cycle has not started".into(),
    };
    Verdict { progress: Some(now), progress_interval, inconclusive, notes, ..Verdict::new(status, reason) }
}

/// Where the key result is heading: the forecast line and whether it ends short, the
/// grade (final from the cycle's last day), the owner's latest confidence.
struct Outlook {
    forecast: Option<Forecast>,
    trending_off_track: bool,
    grade: Option<f64>,
    grade_band: Option<GradeBand>,
    grade_final: bool,
    confidence: Option<f64>,
    notes: Vec<String>,
}

impl Outlook {
    fn of(key_result: &KeyResult, basis: &Basis, verdict: &Verdict, options: ScoreOptions) -> Outlook {
        let band = basis.band;
        let forecast = forecast(
            &basis.in_cycle,
            basis.cycle_start,
            basis.cycle_days,
            basis.baseline,
            key_result.target,
            basis.direction,
            band,
        );
        let required = if basis.commitment == Commitment::Aspirational { ASPIRATIONAL_PACE } else { 1.0 };
        let trending_off_track = matches!(verdict.status, PaceStatus::OnTrack | PaceStatus::AtRisk)
            && forecast.as_ref().is_some_and(|f| match (band, f.progress_at_end) {
                (Some(band), _) => !band.contains(f.value_at_end),
                (None, Some(end)) => end / required < 0.75,
                _ => false,
            });
        let grade_final = options.as_of >= basis.cycle.end();
        let grade_progress = match (band, grade_final) {
            (Some(band), true) => {
                let days: Vec<(f64, f64)> =
                    basis.in_cycle.iter().map(|p| (days_between(basis.cycle_start, p.at), p.value)).collect();
                formula::time_in_band(band, &days, 0.0, basis.cycle_days).or(verdict.progress)
            }
            _ => verdict.progress,
        };
        let (grade, grade_band) = match grade_progress {
            Some(p) => {
                let (g, b) = formula::grade(p);
                (Some(g), Some(b))
            }
            None => (None, None),
        };
        let mut notes = vec![];
        if grade_final && basis.commitment == Commitment::Committed && grade.is_some_and(|g| g < 1.0) {
            notes.push("a committed key result missed its target: the review should say why".into());
        }
        let confidence = basis.in_cycle.iter().rev().find_map(|p| p.confidence);
        Outlook { forecast, trending_off_track, grade, grade_band, grade_final, confidence, notes }
    }
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

pub(super) fn forecast(
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

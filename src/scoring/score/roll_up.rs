//! An objective from its key results (weighted, each capped at 1, pending as 0) and
//! its aligned children, and a cycle from its objectives, a page at a time
//! (docs/domain.md#objective-roll-up).

use super::key_result::score_with_metric;
use super::*;

/// Scores each key result of `objective`, with its weight; `metrics` keeps metric
/// reads across the objectives of a cycle.
pub(super) fn score_all(
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
pub(super) struct RollUp {
    weighted: f64,
    weights: f64,
    progress: f64,
    status: PaceStatus,
}

pub(super) fn roll_up(objective: &Objective, scores: &[(f64, KeyResultScore)], options: ScoreOptions) -> RollUp {
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

pub(super) fn score_cycle(
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

//! Finding the slip in a series: where the number fell below its previous level, by
//! how much, and whether that fall is larger than the noise (docs/domain.md#step-2-the-slip).
//!
//! A candidate slip starts at a point that is worse than the mean of the points just
//! before it, and runs while the values stay worse (at most [`AFTER`] points). Its
//! change is the run's mean minus that level. The interval of the change is the wider
//! of two: the sampling interval (from each value's `n`, as a proportion for
//! percentages or from `sd` for means) and the week-to-week noise of the points before
//! (their standard deviation, with a t quantile). A week that moves less than either
//! would explain is not a slip. Of the candidates whose interval excludes 0, the
//! largest fall is the slip; when none does, the largest fall is still reported, as
//! noise.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::MeasurementPoint;
use crate::stats::Z95;
use crate::stats::{Interval, t975};

/// Points that make the level a candidate is compared with.
const BEFORE: usize = 4;
/// Points at most in a slip's run.
const AFTER: usize = 4;
/// Points whose spread measures the series' own noise.
const NOISE: usize = 8;

/// Which way is worse for this metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worse {
    Lower,
    Higher,
}

impl Worse {
    fn is_worse(self, value: f64, level: f64) -> bool {
        match self {
            Worse::Lower => value < level,
            Worse::Higher => value > level,
        }
    }
    /// How much worse a change is (positive = worse).
    fn badness(self, change: f64) -> f64 {
        match self {
            Worse::Lower => -change,
            Worse::Higher => change,
        }
    }
}

/// A move of a series, with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Move {
    /// The first point of the move, and its value.
    pub start: Timestamp,
    pub start_value: f64,
    /// The point just before it, and its value.
    pub previous_at: Timestamp,
    pub previous_value: f64,
    /// The mean of the points before the move that it is compared with.
    pub level_before: f64,
    pub points_before: usize,
    /// The mean of the move's run of worse values.
    pub level_after: f64,
    pub points_after: usize,
    /// level_after - level_before.
    pub change: f64,
    /// 95% interval of the change; none when there is neither n nor enough points to
    /// measure the noise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    pub method: String,
    /// The interval excludes 0 on the worse side: a real slip, not noise.
    pub significant: bool,
    /// The worst point of the run.
    pub worst_at: Timestamp,
    pub worst_value: f64,
    /// The first later point back at the earlier level, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered_at: Option<Timestamp>,
    /// The level now (the latest points since the move began) against the level
    /// before, with its interval.
    pub now: LevelNow,
    /// Every point the move rests on (before and run), for citation.
    #[serde(skip)]
    pub cited: Vec<Timestamp>,
}

/// Where the metric stands after the move, against its level before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LevelNow {
    /// The mean of the latest points since the move began (at most [`NOW`]).
    pub level: f64,
    pub points: usize,
    /// The first of those points.
    pub since: Timestamp,
    /// level - level_before.
    pub change: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    pub state: Recovery,
}

/// Whether the metric is back where it was, read from the interval of the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recovery {
    /// Within the noise of the level before.
    Recovered,
    /// Better than before, beyond the noise.
    Better,
    /// Still worse than before, beyond the noise.
    StillWorse,
    /// The noise is unknown (no n and too few points): the numbers are given, no verdict.
    Unknown,
}

/// Points that make the level "now".
const NOW: usize = 3;

/// The largest worse move starting at or after `from` (and at or before `to`), with
/// `significant` telling a slip from noise. `percent`: values are percentages of n
/// units. None when no point in the range is worse than the level before it.
pub fn largest_move(
    points: &[MeasurementPoint],
    from: Timestamp,
    to: Timestamp,
    worse: Worse,
    percent: bool,
) -> Option<Move> {
    let mut best: Option<Move> = None;
    for i in 1..points.len() {
        let at = points[i].at;
        if at < from || at > to {
            continue;
        }
        let Some(candidate) = move_at(points, i, worse, percent) else { continue };
        let better = match &best {
            None => true,
            Some(b) => {
                (candidate.significant, worse.badness(candidate.change)) > (b.significant, worse.badness(b.change))
            }
        };
        if better {
            best = Some(candidate);
        }
    }
    best
}

fn mean(values: impl Iterator<Item = f64>) -> (f64, usize) {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (if count == 0 { f64::NAN } else { sum / count as f64 }, count)
}

fn move_at(points: &[MeasurementPoint], i: usize, worse: Worse, percent: bool) -> Option<Move> {
    let before = &points[i.saturating_sub(BEFORE)..i];
    let (level_before, nb) = mean(before.iter().map(|p| p.value));
    if !worse.is_worse(points[i].value, level_before) {
        return None;
    }
    let run_len = points[i..].iter().take(AFTER).take_while(|p| worse.is_worse(p.value, level_before)).count();
    let run = &points[i..i + run_len];
    let (level_after, na) = mean(run.iter().map(|p| p.value));
    let change = level_after - level_before;

    let noise_points = &points[i.saturating_sub(NOISE)..i];
    let (half, method) = half_interval(before, run, noise_points, percent);
    let interval = half.map(|h| Interval { low: round(change - h), high: round(change + h) });
    let significant = interval.is_some_and(|iv| match worse {
        Worse::Lower => iv.high < 0.0,
        Worse::Higher => iv.low > 0.0,
    });
    // The run holds point i at least; an empty one would be no move.
    let worst = run.iter().copied().reduce(|a, b| if worse.is_worse(b.value, a.value) { b } else { a })?;
    let after_run = &points[i + run_len..];
    let recovered_at = after_run.iter().find(|p| !worse.is_worse(p.value, level_before)).map(|p| p.at);
    // The latest points since the move began: after the run when there are any, else
    // the run itself, which is then where the metric still is.
    let since_move = if after_run.is_empty() { run } else { after_run };
    let now = {
        let latest = &since_move[since_move.len().saturating_sub(NOW)..];
        let (level, k) = mean(latest.iter().map(|p| p.value));
        let difference = level - level_before;
        let (half, _) = half_interval(before, latest, noise_points, percent);
        let interval = half.map(|h| Interval { low: round(difference - h), high: round(difference + h) });
        let state = match interval {
            None => Recovery::Unknown,
            Some(iv) if iv.low <= 0.0 && iv.high >= 0.0 => Recovery::Recovered,
            Some(_) if worse.is_worse(level, level_before) => Recovery::StillWorse,
            Some(_) => Recovery::Better,
        };
        LevelNow { level: round(level), points: k, since: latest[0].at, change: round(difference), interval, state }
    };
    Some(Move {
        start: points[i].at,
        start_value: points[i].value,
        previous_at: points[i - 1].at,
        previous_value: points[i - 1].value,
        level_before: round(level_before),
        points_before: nb,
        level_after: round(level_after),
        points_after: na,
        change: round(change),
        interval,
        method,
        significant,
        worst_at: worst.at,
        worst_value: worst.value,
        recovered_at,
        now,
        cited: before.iter().chain(run).map(|p| p.at).collect(),
    })
}

/// Half the 95% interval of mean(after) - mean(before): the wider of the sampling
/// interval and the series' own noise, with the method in words.
fn half_interval(
    before: &[MeasurementPoint],
    after: &[MeasurementPoint],
    noise_points: &[MeasurementPoint],
    percent: bool,
) -> (Option<f64>, String) {
    let (nb, na) = (before.len(), after.len());
    let sampling = sampling_se(before, percent).zip(sampling_se(after, percent)).map(|(b, a)| (b * b + a * a).sqrt());
    let noise = (noise_points.len() >= 3).then(|| {
        let (m, k) = mean(noise_points.iter().map(|p| p.value));
        let sd = (noise_points.iter().map(|p| (p.value - m).powi(2)).sum::<f64>() / (k as f64 - 1.0)).sqrt();
        (sd * (1.0 / nb as f64 + 1.0 / na as f64).sqrt(), t975(k as f64 - 1.0))
    });
    match (sampling, noise) {
        (Some(s), Some((e, t))) if e * t > s * Z95 => (
            Some(e * t),
            format!(
                "week-to-week noise of the {} points before (sd, t interval) exceeds the sampling error",
                noise_points.len()
            ),
        ),
        (Some(s), _) => (
            Some(s * Z95),
            if percent {
                "difference of pooled proportions (from each value's n), normal interval".to_string()
            } else {
                "difference of means (from each value's sd and n), normal interval".to_string()
            },
        ),
        (None, Some((e, t))) => (
            Some(e * t),
            format!(
                "no n on the values: week-to-week noise of the {} points before (sd, t interval)",
                noise_points.len()
            ),
        ),
        (None, None) => (None, "no n on the values and fewer than 3 points before: the noise is unknown".to_string()),
    }
}

/// Standard error of a segment's mean from its points' own n (and sd).
fn sampling_se(segment: &[MeasurementPoint], percent: bool) -> Option<f64> {
    if percent {
        let n: f64 = segment.iter().map(|p| p.n.map(|n| n as f64)).sum::<Option<f64>>()?;
        if n < 1.0 {
            return None;
        }
        let p = segment.iter().map(|s| s.value / 100.0 * s.n.unwrap_or(0) as f64).sum::<f64>() / n;
        (0.0..=1.0).contains(&p).then(|| (p * (1.0 - p) / n).sqrt() * 100.0)
    } else {
        let variance: f64 = segment
            .iter()
            .map(|p| match (p.sd, p.n) {
                (Some(sd), Some(n)) if n > 0 => Some(sd * sd / n as f64),
                _ => None,
            })
            .sum::<Option<f64>>()?;
        Some(variance.sqrt() / segment.len() as f64)
    }
}

fn round(x: f64) -> f64 {
    crate::stats::rounded(x, crate::stats::SCORE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(start_day: i64, values: &[(f64, Option<u64>)]) -> Vec<MeasurementPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, (value, n))| MeasurementPoint {
                at: Timestamp::from_second((start_day + 7 * i as i64) * 86_400).unwrap(),
                value: *value,
                n: *n,
                population: None,
                sd: None,
                confidence: None,
            })
            .collect()
    }

    fn whole(points: &[MeasurementPoint]) -> (Timestamp, Timestamp) {
        (points[0].at, points.last().unwrap().at)
    }

    #[test]
    fn the_example_retention_dip_is_a_slip_with_its_interval() {
        // Q4 of examples/measurements.csv: 53 → 47 in week 4, n ≈ 400 a week.
        let values = [51.0, 52.0, 53.0, 47.0, 46.0, 49.0, 52.0, 54.0];
        let ns = [410, 395, 420, 402, 388, 415, 407, 399];
        let mut with_history: Vec<(f64, Option<u64>)> = vec![(50.0, Some(415)), (52.0, Some(404))];
        with_history.extend(values.iter().zip(ns).map(|(v, n)| (*v, Some(n))));
        let points = series(0, &with_history);
        let (from, to) = (points[2].at, points.last().unwrap().at);
        let slip = largest_move(&points, from, to, Worse::Lower, true).unwrap();
        assert_eq!(slip.start, points[5].at, "the week of 47");
        assert_eq!(slip.previous_value, 53.0);
        // Level 52 (52, 51, 52, 53: the four before) and the run 47, 46, 49.
        assert_eq!(slip.points_before, 4);
        assert_eq!(slip.points_after, 3);
        assert_eq!(slip.level_before, 52.0);
        assert_eq!(slip.level_after, 47.333);
        let interval = slip.interval.unwrap();
        // Pooled proportions: 0.52 on 1,629 vs 0.4733 on 1,205: se 1.9 points, ± 3.7.
        assert!((interval.high - interval.low - 2.0 * 3.72).abs() < 0.1, "{interval:?}");
        assert!(slip.significant);
        assert_eq!(slip.worst_value, 46.0);
        assert_eq!(slip.recovered_at, Some(points[8].at));
        // Now: 52 and 54 after the run, 53 against 52, within the interval.
        let now = slip.now;
        assert_eq!((now.level, now.points, now.change, now.state), (53.0, 2, 1.0, Recovery::Recovered));
        assert!(now.interval.unwrap().contains(0.0));
    }

    #[test]
    fn one_good_week_after_a_slip_that_stays_low_is_not_a_recovery() {
        let values: Vec<(f64, Option<u64>)> = [52.0, 51.0, 53.0, 52.0, 45.0, 44.0, 46.0, 44.0, 45.0, 52.5, 44.5]
            .iter()
            .map(|v| (*v, Some(800)))
            .collect();
        let points = series(0, &values);
        let (from, to) = whole(&points);
        let slip = largest_move(&points, from, to, Worse::Lower, true).unwrap();
        assert!(slip.significant);
        // The first value back at the level is noted, but the level now says otherwise.
        assert_eq!(slip.recovered_at, Some(points[9].at));
        let now = slip.now;
        assert_eq!(now.state, Recovery::StillWorse, "{now:?}");
        assert_eq!(now.points, 3);
        assert!(now.interval.unwrap().high < 0.0);
        // A metric that came back higher than before.
        let better: Vec<(f64, Option<u64>)> =
            [52.0, 51.0, 53.0, 52.0, 45.0, 44.0, 58.0, 59.0, 60.0].iter().map(|v| (*v, Some(800))).collect();
        let points = series(0, &better);
        let (from, to) = whole(&points);
        let now = largest_move(&points, from, to, Worse::Lower, true).unwrap().now;
        assert_eq!(now.state, Recovery::Better, "{now:?}");
    }

    #[test]
    fn a_flat_series_with_a_one_point_wobble_is_noise() {
        let values: Vec<(f64, Option<u64>)> =
            [50.0, 51.0, 50.0, 49.0, 50.0, 51.0, 48.5, 50.0, 51.0].iter().map(|v| (*v, Some(400))).collect();
        let points = series(0, &values);
        let (from, to) = whole(&points);
        let noise = largest_move(&points, from, to, Worse::Lower, true).unwrap();
        assert!(!noise.significant, "{noise:?}");
        assert!(noise.interval.unwrap().contains(0.0));
    }

    #[test]
    fn without_n_the_series_own_noise_decides() {
        let calm: Vec<(f64, Option<u64>)> =
            [10.0, 10.2, 9.9, 10.1, 10.0, 10.1, 8.0, 7.9].iter().map(|v| (*v, None)).collect();
        let points = series(0, &calm);
        let (from, to) = whole(&points);
        let slip = largest_move(&points, from, to, Worse::Lower, false).unwrap();
        assert!(slip.significant, "{slip:?}");
        assert!(slip.method.contains("no n"));

        let noisy: Vec<(f64, Option<u64>)> =
            [10.0, 12.0, 8.0, 11.0, 9.0, 12.0, 8.5, 10.0].iter().map(|v| (*v, None)).collect();
        let points = series(0, &noisy);
        let (from, to) = whole(&points);
        assert!(!largest_move(&points, from, to, Worse::Lower, false).unwrap().significant);
    }

    #[test]
    fn too_few_points_without_n_cannot_be_judged() {
        let points = series(0, &[(10.0, None), (5.0, None)]);
        let (from, to) = whole(&points);
        let unknown = largest_move(&points, from, to, Worse::Lower, false).unwrap();
        assert_eq!(unknown.interval, None);
        assert!(!unknown.significant);
    }

    #[test]
    fn for_a_metric_to_lower_a_rise_is_the_slip() {
        let values: Vec<(f64, Option<u64>)> =
            [18.0, 18.0, 17.0, 18.0, 24.0, 25.0, 24.0].iter().map(|v| (*v, Some(900))).collect();
        let points = series(0, &values);
        let (from, to) = whole(&points);
        let slip = largest_move(&points, from, to, Worse::Higher, true).unwrap();
        assert!(slip.significant);
        assert_eq!(slip.start, points[4].at);
        assert!(largest_move(&points, from, to, Worse::Lower, true).is_none_or(|m| !m.significant));
    }
}

//! The formulas of docs/domain.md#3-scoring, as pure functions of numbers.
//!
//! Nothing here reads the store: `score.rs` gathers the numbers and calls these, so
//! every formula is tested against values computed by hand, beside it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Direction;
use crate::stats::{Interval, t975, wilson_share};

/// Where a key result stands against its pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaceStatus {
    OnTrack,
    AtRisk,
    OffTrack,
    /// No measurement yet (or no baseline to measure progress from).
    Pending,
    /// The last measurement is older than the check-in interval. Silence is never green.
    Stale,
}

impl PaceStatus {
    /// The status as it is written in JSON (on_track, ...), for text output and counts.
    pub fn name(self) -> &'static str {
        match self {
            PaceStatus::OnTrack => "on_track",
            PaceStatus::AtRisk => "at_risk",
            PaceStatus::OffTrack => "off_track",
            PaceStatus::Pending => "pending",
            PaceStatus::Stale => "stale",
        }
    }

    /// The status in words, for sentences ("off track").
    pub fn words(self) -> &'static str {
        match self {
            PaceStatus::OnTrack => "on track",
            PaceStatus::AtRisk => "at risk",
            PaceStatus::OffTrack => "off track",
            PaceStatus::Pending => "pending",
            PaceStatus::Stale => "stale",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GradeBand {
    /// 0.0-0.3: failed to make real progress.
    Red,
    /// 0.4-0.6: progress, short of the target.
    Yellow,
    /// 0.7-1.0: delivered.
    Green,
}

/// Progress of a metric key result: 0 at the baseline, 1 at the target, above 1 when
/// over-achieved, below 0 when it moved the wrong way. `None` when baseline equals
/// target (progress is then met or not, see [`met`]).
pub fn progress(direction: Direction, baseline: f64, target: f64, current: f64) -> Option<f64> {
    if baseline == target {
        return None;
    }
    Some(match direction {
        Direction::Decrease => (baseline - current) / (baseline - target),
        Direction::Increase | Direction::Maintain => (current - baseline) / (target - baseline),
    })
}

/// Whether `current` reached `target` in `direction`.
pub fn met(direction: Direction, target: f64, current: f64) -> bool {
    match direction {
        Direction::Decrease => current <= target,
        Direction::Increase | Direction::Maintain => current >= target,
    }
}

/// The band a maintain key result must stay in; one side may be open.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Band {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Band {
    pub fn contains(&self, x: f64) -> bool {
        self.low.is_none_or(|l| x >= l) && self.high.is_none_or(|h| x <= h)
    }

    /// How far outside the band `x` is (0 inside).
    pub fn distance(&self, x: f64) -> f64 {
        match (self.low, self.high) {
            (Some(l), _) if x < l => l - x,
            (_, Some(h)) if x > h => x - h,
            _ => 0.0,
        }
    }

    /// The distance at which a maintain score falls to 0: the band's width, or for a
    /// one-sided threshold 10% of the threshold's size (at least 1 unit of 1% of it).
    pub fn tolerance(&self) -> f64 {
        match (self.low, self.high) {
            (Some(l), Some(h)) if h > l => h - l,
            (Some(v), None) | (None, Some(v)) | (Some(v), Some(_)) => (v.abs() * 0.1).max(1e-9),
            (None, None) => 1.0,
        }
    }
}

/// Maintain progress: 1 inside the band, then falling linearly to 0 at one tolerance
/// outside it.
pub fn maintain_progress(band: Band, current: f64) -> f64 {
    (1.0 - band.distance(current) / band.tolerance()).max(0.0)
}

/// The share of `[start, end]` spent inside the band, each measurement holding until
/// the next (the first from `start`). `points` are (day, value) in time order.
pub fn time_in_band(band: Band, points: &[(f64, f64)], start: f64, end: f64) -> Option<f64> {
    if points.is_empty() || end <= start {
        return None;
    }
    let mut inside = 0.0;
    for (i, (day, value)) in points.iter().enumerate() {
        let from = if i == 0 { start } else { day.max(start) };
        let to = points.get(i + 1).map_or(end, |next| next.0.min(end));
        if to > from && band.contains(*value) {
            inside += to - from;
        }
    }
    Some(inside / (end - start))
}

/// The share of the cycle that has passed, 0..1.
pub fn expected_progress(elapsed_days: f64, cycle_days: f64) -> f64 {
    (elapsed_days / cycle_days).clamp(0.0, 1.0)
}

/// Aspirational key results are paced against 70% of the linear path.
pub const ASPIRATIONAL_PACE: f64 = 0.7;

/// Status from pace: r = progress / expected. `expected` already includes the 0.7 for
/// aspirational key results. At the very start (expected 0) any progress is on track.
pub fn pace_status(progress: f64, expected: f64) -> (PaceStatus, Option<f64>) {
    if expected <= 0.0 {
        return (PaceStatus::OnTrack, None);
    }
    let r = progress / expected;
    let status = if r >= 0.95 {
        PaceStatus::OnTrack
    } else if r >= 0.75 {
        PaceStatus::AtRisk
    } else {
        PaceStatus::OffTrack
    };
    (status, Some(r))
}

/// The grade: progress clamped to 0..1 and rounded to one decimal, with its band.
pub fn grade(progress: f64) -> (f64, GradeBand) {
    let g = (progress.clamp(0.0, 1.0) * 10.0).round() / 10.0;
    let band = if g < 0.35 {
        GradeBand::Red
    } else if g < 0.65 {
        GradeBand::Yellow
    } else {
        GradeBand::Green
    };
    (g, band)
}

/// The owner's confidence in words: >= 0.7 high, 0.4-0.7 medium, < 0.4 low.
pub fn confidence_level(confidence: f64) -> &'static str {
    if confidence >= 0.7 {
        "high"
    } else if confidence >= 0.4 {
        "medium"
    } else {
        "low"
    }
}

/// Least squares line through (x, y): (slope, intercept). Needs two distinct x.
pub fn linear_fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

/// A 95% interval of a measured value, from its n, population and sd, with the method
/// in words. Percentages use the Wilson interval of the share; means with an sd use
/// the t-interval; a finite population correction applies when the population is
/// known; n = population is a census (no sampling error).
pub fn value_interval(
    value: f64,
    n: u64,
    population: Option<u64>,
    sd: Option<f64>,
    percent: bool,
) -> Option<(Interval, String)> {
    if n == 0 {
        return None;
    }
    if population.is_some_and(|p| p <= n) {
        return Some((
            Interval { low: value, high: value },
            format!("census: n = population = {n}, no sampling error"),
        ));
    }
    let fpc = population.map(|p| ((p - n) as f64 / (p as f64 - 1.0)).sqrt());
    let fpc_words = population.map(|p| format!(", finite population correction (N={p})")).unwrap_or_default();
    let (interval, method) = if percent {
        let w = wilson_share(value / 100.0, n as f64)?;
        (Interval { low: w.low * 100.0, high: w.high * 100.0 }, format!("Wilson score interval, n={n}{fpc_words}"))
    } else if let Some(sd) = sd {
        if n < 2 {
            return None;
        }
        let half = t975(n as f64 - 1.0) * sd / (n as f64).sqrt();
        (Interval { low: value - half, high: value + half }, format!("t-interval, n={n}, sd={sd}{fpc_words}"))
    } else {
        return None;
    };
    let interval = match fpc {
        // Shrink toward the value by the correction.
        Some(f) => Interval { low: value - (value - interval.low) * f, high: value + (interval.high - value) * f },
        None => interval,
    };
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    Some((Interval { low: round(interval.low), high: round(interval.high) }, method))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn increase_decrease_negative_scales_and_over_achievement() {
        // 50% → 65%, now 59%: 9 / 15 = 0.6.
        assert!(close(progress(Direction::Increase, 50.0, 65.0, 59.0).unwrap(), 0.6));
        // 18% → 11% (decrease), now 14%: 4 / 7 = 0.571.
        assert!(close(progress(Direction::Decrease, 18.0, 11.0, 14.0).unwrap(), 0.5714));
        // -1.1 → -0.4 on a -2..+2 scale, now -0.75: 0.35 / 0.7 = 0.5.
        assert!(close(progress(Direction::Increase, -1.1, -0.4, -0.75).unwrap(), 0.5));
        // Over-achievement shows above 1: 50 → 65, now 68: 18/15 = 1.2.
        assert!(close(progress(Direction::Increase, 50.0, 65.0, 68.0).unwrap(), 1.2));
        // The wrong way is negative: 50 → 65, now 47: -0.2.
        assert!(close(progress(Direction::Increase, 50.0, 65.0, 47.0).unwrap(), -0.2));
        // Baseline equal to target: no ratio, only met or not.
        assert_eq!(progress(Direction::Increase, 40.0, 40.0, 41.0), None);
        assert!(met(Direction::Increase, 40.0, 41.0) && !met(Direction::Decrease, 40.0, 41.0));
    }

    #[test]
    fn maintain_bands_and_thresholds() {
        let band = Band { low: Some(95.0), high: Some(98.0) };
        assert_eq!(maintain_progress(band, 96.0), 1.0);
        // 1.5 below a 3-wide band: 1 - 1.5/3 = 0.5.
        assert!(close(maintain_progress(band, 93.5), 0.5));
        assert_eq!(maintain_progress(band, 90.0), 0.0);
        // "Keep CSAT at least 90": tolerance 9, at 87: 1 - 3/9 = 0.667.
        let floor = Band { low: Some(90.0), high: None };
        assert!(close(maintain_progress(floor, 87.0), 0.6667));
        // In band for days 0-30 and 60-90, out for 30-60: 2/3 of the time.
        let points = [(0.0, 96.0), (30.0, 93.0), (60.0, 97.0)];
        assert!(close(time_in_band(band, &points, 0.0, 90.0).unwrap(), 0.6667));
    }

    #[test]
    fn pace_thresholds_and_aspirational_pacing() {
        // Half the cycle gone, progress 0.48: r = 0.96, on track.
        assert_eq!(pace_status(0.48, 0.5).0, PaceStatus::OnTrack);
        // progress 0.4: r = 0.8, at risk; 0.3: r = 0.6, off track.
        assert_eq!(pace_status(0.4, 0.5).0, PaceStatus::AtRisk);
        assert_eq!(pace_status(0.3, 0.5).0, PaceStatus::OffTrack);
        // Aspirational: expected 0.7 × 0.5 = 0.35; 0.3 gives r = 0.857, at risk, not off track.
        assert_eq!(pace_status(0.3, ASPIRATIONAL_PACE * 0.5).0, PaceStatus::AtRisk);
        assert_eq!(pace_status(0.0, 0.0).0, PaceStatus::OnTrack);
        for status in
            [PaceStatus::OnTrack, PaceStatus::AtRisk, PaceStatus::OffTrack, PaceStatus::Pending, PaceStatus::Stale]
        {
            assert_eq!(serde_json::to_value(status).unwrap(), status.name(), "name() and JSON disagree");
        }
        assert_eq!(expected_progress(46.0, 92.0), 0.5);
        assert_eq!(expected_progress(120.0, 92.0), 1.0);
    }

    #[test]
    fn grades_and_bands() {
        assert_eq!(grade(0.64), (0.6, GradeBand::Yellow));
        assert_eq!(grade(0.66), (0.7, GradeBand::Green));
        assert_eq!(grade(1.3), (1.0, GradeBand::Green));
        assert_eq!(grade(0.3), (0.3, GradeBand::Red));
        assert_eq!(grade(-0.2), (0.0, GradeBand::Red));
        assert_eq!(confidence_level(0.7), "high");
        assert_eq!(confidence_level(0.5), "medium");
        assert_eq!(confidence_level(0.2), "low");
    }

    #[test]
    fn a_line_through_points() {
        let (slope, intercept) = linear_fit(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]).unwrap();
        assert!(close(slope, 2.0) && close(intercept, 1.0));
        assert_eq!(linear_fit(&[(1.0, 1.0), (1.0, 2.0)]), None);
    }

    #[test]
    fn intervals_from_n_coverage_and_sd() {
        // 40% of 100: Wilson (30.94, 49.80), computed by hand.
        let (i, method) = value_interval(40.0, 100, None, None, true).unwrap();
        assert!(close(i.low, 30.94) && close(i.high, 49.80), "{i:?}");
        assert!(method.contains("Wilson"));
        // Mean 3.6, sd 1.0, n 25: t(24) = 2.0639, half-width 0.4128.
        let (i, _) = value_interval(3.6, 25, None, Some(1.0), false).unwrap();
        assert!(close(i.low, 3.1872) && close(i.high, 4.0128), "{i:?}");
        // The same with N = 50: correction sqrt(25/49) = 0.7143 → half-width 0.2949.
        let (i, method) = value_interval(3.6, 25, Some(50), Some(1.0), false).unwrap();
        assert!(close(i.high - 3.6, 0.2949), "{i:?}");
        assert!(method.contains("N=50"));
        // A census has no sampling error.
        assert_eq!(value_interval(81.0, 400, Some(400), None, true).unwrap().0, Interval { low: 81.0, high: 81.0 });
        // A count with no sd has no interval.
        assert_eq!(value_interval(12.0, 30, None, None, false), None);
    }
}

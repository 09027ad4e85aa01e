//! Survey statistics (docs/domain.md#survey-statistics), computed when read from the raw answers,
//! each with its `n` and the method that produced it, so nobody reads a number
//! without knowing how much to trust it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{QuestionType, SurveyResult};
use crate::stats::{Interval, SURVEY, Z95, rounded, t975, wilson};

/// One number computed from a survey result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Statistic {
    /// `mean`, `top_2_box`, `csat`, `nps`, `share:<answer>`.
    pub name: String,
    pub value: f64,
    /// 95% interval; none when n is too small to compute one.
    pub interval: Option<Interval>,
    pub n: u32,
    /// How it was computed, in words.
    pub method: String,
}

/// The change of one statistic between two waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WaveChange {
    pub name: String,
    pub before: f64,
    pub after: f64,
    /// after - before.
    pub difference: f64,
    pub interval: Option<Interval>,
    /// True only when the interval excludes 0.
    pub real: bool,
    pub n_before: u32,
    pub n_after: u32,
    pub method: String,
}

fn round(x: f64) -> f64 {
    rounded(x, SURVEY)
}

fn interval(low: f64, high: f64) -> Option<Interval> {
    Some(Interval { low: round(low), high: round(high) })
}

/// Scale points as (value, count), the answers that are not points left out.
pub fn scale_points(result: &SurveyResult) -> Vec<(f64, u32)> {
    result.answers.iter().filter_map(|a| a.answer.trim().parse::<f64>().ok().map(|v| (v, a.count))).collect()
}

/// Mean with a t interval: x̄ ± t(n-1, 0.975) · s/√n.
pub fn mean(points: &[(f64, u32)]) -> Option<Statistic> {
    let n: u32 = points.iter().map(|(_, c)| c).sum();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let mean = points.iter().map(|(v, c)| v * *c as f64).sum::<f64>() / nf;
    let interval = (n >= 2).then(|| {
        let var = points.iter().map(|(v, c)| (v - mean).powi(2) * *c as f64).sum::<f64>() / (nf - 1.0);
        let half = t975(nf - 1.0) * (var / nf).sqrt();
        interval(mean - half, mean + half)
    });
    Some(Statistic {
        name: "mean".into(),
        value: round(mean),
        interval: interval.flatten(),
        n,
        method: "mean with t interval: x̄ ± t(n-1, 0.975)·s/√n".into(),
    })
}

/// Share of answers at or above `from` (top-2-box: the two most favourable points).
fn share_at_least(points: &[(f64, u32)], from: f64, name: &str, method: String) -> Option<Statistic> {
    let n: u32 = points.iter().map(|(_, c)| c).sum();
    if n == 0 {
        return None;
    }
    let hits: u32 = points.iter().filter(|(v, _)| *v >= from).map(|(_, c)| c).sum();
    Some(Statistic { name: name.into(), value: round(hits as f64 / n as f64), interval: wilson(hits, n), n, method })
}

/// NPS on 0..10: %promoters (9-10) − %detractors (0-6), with
/// Var = 100²·(p + d − (p − d)²)/n.
pub fn nps(points: &[(f64, u32)]) -> Option<Statistic> {
    let n: u32 = points.iter().map(|(_, c)| c).sum();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let p = points.iter().filter(|(v, _)| *v >= 9.0).map(|(_, c)| *c as f64).sum::<f64>() / nf;
    let d = points.iter().filter(|(v, _)| *v <= 6.0).map(|(_, c)| *c as f64).sum::<f64>() / nf;
    let score = 100.0 * (p - d);
    let se = 100.0 * ((p + d - (p - d).powi(2)) / nf).sqrt();
    Some(Statistic {
        name: "nps".into(),
        value: round(score),
        interval: interval((score - Z95 * se).max(-100.0), (score + Z95 * se).min(100.0)),
        n,
        method: "NPS = %promoters (9-10) − %detractors (0-6); 95% interval from Var = 100²·(p + d − (p − d)²)/n".into(),
    })
}

/// Every statistic that applies to a survey result.
pub fn statistics(result: &SurveyResult) -> Vec<Statistic> {
    let mut out = vec![];
    match result.question_type {
        QuestionType::Scale => {
            let points = scale_points(result);
            let (min, max) = (result.scale_min.unwrap_or(1), result.scale_max.unwrap_or(5));
            out.extend(mean(&points));
            if max - min >= 3 {
                let method = format!("share answering {} or {} on {min}..{max}, Wilson interval", max - 1, max);
                out.extend(share_at_least(&points, (max - 1) as f64, "top_2_box", method));
            }
            if (min, max) == (1, 5) {
                let method = "CSAT: share answering 4 or 5 on 1..5, Wilson interval".to_string();
                out.extend(share_at_least(&points, 4.0, "csat", method));
            }
            if (min, max) == (0, 10) {
                out.extend(nps(&points));
            }
        }
        QuestionType::SingleChoice | QuestionType::MultipleChoice | QuestionType::YesNo => {
            let method = if result.question_type == QuestionType::MultipleChoice {
                "share of respondents choosing it (several answers allowed), Wilson interval"
            } else {
                "share of respondents, Wilson interval"
            };
            for a in &result.answers {
                out.push(Statistic {
                    name: format!("share:{}", a.answer),
                    value: if result.n == 0 { 0.0 } else { round(a.count as f64 / result.n as f64) },
                    interval: wilson(a.count, result.n),
                    n: result.n,
                    method: method.into(),
                });
            }
        }
        QuestionType::Ranking => {
            for r in &result.ranks {
                let points: Vec<(f64, u32)> = r.counts.iter().enumerate().map(|(i, c)| ((i + 1) as f64, *c)).collect();
                if let Some(mut m) = mean(&points) {
                    m.name = format!("mean_rank:{}", r.option);
                    m.method = "mean rank (1 = first) with t interval".into();
                    out.push(m);
                }
            }
        }
        QuestionType::OpenEnded => {}
    }
    out
}

/// How each comparable statistic changed from `before` to `after`. A change is
/// called real only when its 95% interval excludes 0.
pub fn compare_waves(before: &SurveyResult, after: &SurveyResult) -> Vec<WaveChange> {
    let (a, b) = (statistics(before), statistics(after));
    let mut out = vec![];
    for sa in &a {
        let Some(sb) = b.iter().find(|s| s.name == sa.name) else { continue };
        let difference = sb.value - sa.value;
        let (interval, method) = match sa.name.as_str() {
            "mean" => {
                let (pa, pb) = (scale_points(before), scale_points(after));
                (welch(&pa, &pb), "difference of means, Welch t interval")
            }
            "nps" => {
                let se = |s: &Statistic| s.interval.map(|i| (i.high - i.low) / (2.0 * Z95));
                let se = se(sa).zip(se(sb)).map(|(x, y)| (x * x + y * y).sqrt());
                (
                    se.and_then(|se| interval(difference - Z95 * se, difference + Z95 * se)),
                    "difference of NPS, normal interval from both variances",
                )
            }
            name if name.starts_with("mean_rank") => continue,
            _ => {
                let (p1, n1, p2, n2) = (sa.value, sa.n as f64, sb.value, sb.n as f64);
                let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
                (interval(difference - Z95 * se, difference + Z95 * se), "difference of proportions, Wald interval")
            }
        };
        out.push(WaveChange {
            name: sa.name.clone(),
            before: sa.value,
            after: sb.value,
            difference: round(difference),
            real: interval.is_some_and(|i| !i.contains(0.0)),
            interval,
            n_before: sa.n,
            n_after: sb.n,
            method: method.into(),
        });
    }
    out
}

/// Welch's t interval for the difference of two means (after − before).
fn welch(before: &[(f64, u32)], after: &[(f64, u32)]) -> Option<Interval> {
    let moments = |points: &[(f64, u32)]| -> Option<(f64, f64, f64)> {
        let n: f64 = points.iter().map(|(_, c)| *c as f64).sum();
        if n < 2.0 {
            return None;
        }
        let mean = points.iter().map(|(v, c)| v * *c as f64).sum::<f64>() / n;
        let var = points.iter().map(|(v, c)| (v - mean).powi(2) * *c as f64).sum::<f64>() / (n - 1.0);
        Some((n, mean, var))
    };
    let ((n1, m1, v1), (n2, m2, v2)) = (moments(before)?, moments(after)?);
    let (a, b) = (v1 / n1, v2 / n2);
    let se = (a + b).sqrt();
    let df = if a + b == 0.0 { n1 + n2 - 2.0 } else { (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n2 - 1.0)) };
    let half = t975(df) * se;
    interval(m2 - m1 - half, m2 - m1 + half)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AnswerCount;

    fn scale(min: i32, max: i32, counts: &[(i32, u32)]) -> SurveyResult {
        SurveyResult {
            question_type: QuestionType::Scale,
            n: counts.iter().map(|(_, c)| c).sum(),
            scale_min: Some(min),
            scale_max: Some(max),
            labels: vec![],
            answers: counts.iter().map(|(v, c)| AnswerCount { answer: v.to_string(), count: *c }).collect(),
            ranks: vec![],
            responses: vec![],
            wave: None,
            wave_start: None,
            wave_end: None,
        }
    }

    fn stat<'a>(stats: &'a [Statistic], name: &str) -> &'a Statistic {
        stats.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no {name} in {stats:?}"))
    }

    #[test]
    fn mean_and_t_interval_match_a_hand_computation() {
        // Answers 2,3,3,4,4,4,5,5 (n=8): mean 3.75, s² = 7.5/7 = 1.0714, s/√n = 0.36596,
        // t(7, 0.975) = 2.364624 → half-width 0.86536.
        let stats = statistics(&scale(1, 5, &[(2, 1), (3, 2), (4, 3), (5, 2)]));
        let m = stat(&stats, "mean");
        assert_eq!((m.value, m.n), (3.75, 8));
        let i = m.interval.unwrap();
        assert!((i.low - 2.8846).abs() < 1e-3 && (i.high - 4.6154).abs() < 1e-3, "{i:?}");
        // Top-2-box and CSAT on 1..5: 5 of 8 answered 4 or 5.
        assert_eq!(stat(&stats, "top_2_box").value, 0.625);
        assert_eq!(stat(&stats, "csat").value, 0.625);
    }

    #[test]
    fn wilson_interval_matches_a_hand_computation() {
        // 5 of 8: p = 0.625, z² = 3.8415; centre (0.625 + 0.24009)/1.48018 = 0.58441,
        // half 1.95996·√(0.029297 + 0.015005)/1.48018 = 0.27866.
        let i = wilson(5, 8).unwrap();
        assert!((i.low - 0.3057).abs() < 1e-3 && (i.high - 0.8631).abs() < 1e-3, "{i:?}");
        // 0 of 10 still has an upper bound above 0.
        let i = wilson(0, 10).unwrap();
        assert_eq!(i.low, 0.0);
        assert!((i.high - 0.2775).abs() < 1e-3, "{i:?}");
        assert!(wilson(0, 0).is_none());
    }

    #[test]
    fn nps_and_its_interval_match_a_hand_computation() {
        // 100 answers: 40 promoters, 35 passives, 25 detractors → NPS 15.
        // Var = 100²·(0.40 + 0.25 − 0.15²)/100 = 62.75; SE 7.9215; ±15.526.
        let stats = statistics(&scale(0, 10, &[(10, 20), (9, 20), (8, 20), (7, 15), (6, 10), (3, 10), (0, 5)]));
        let n = stat(&stats, "nps");
        assert_eq!((n.value, n.n), (15.0, 100));
        let i = n.interval.unwrap();
        assert!((i.low - -0.526).abs() < 1e-2 && (i.high - 30.526).abs() < 1e-2, "{i:?}");
        assert!(stats.iter().all(|s| s.name != "csat"), "CSAT is defined on 1..5 only");
    }

    #[test]
    fn a_small_change_between_waves_is_not_called_real() {
        let w1 = scale(1, 5, &[(1, 5), (2, 10), (3, 40), (4, 35), (5, 10)]);
        let w2 = scale(1, 5, &[(1, 6), (2, 11), (3, 40), (4, 34), (5, 9)]);
        let changes = compare_waves(&w1, &w2);
        let mean = changes.iter().find(|c| c.name == "mean").unwrap();
        assert!(mean.difference < 0.0 && !mean.real, "{mean:?}");
        // A large drop on a large sample is real.
        let w3 = scale(1, 5, &[(1, 30), (2, 50), (3, 60), (4, 40), (5, 20)]);
        let w0 = scale(1, 5, &[(1, 5), (2, 15), (3, 50), (4, 90), (5, 40)]);
        let changes = compare_waves(&w0, &w3);
        let mean = changes.iter().find(|c| c.name == "mean").unwrap();
        assert!(mean.real && mean.interval.unwrap().high < 0.0, "{mean:?}");
        let csat = changes.iter().find(|c| c.name == "csat").unwrap();
        assert!(csat.real, "{csat:?}");
    }

    #[test]
    fn choice_questions_give_each_share_with_its_interval() {
        let result = SurveyResult {
            question_type: QuestionType::SingleChoice,
            n: 100,
            answers: vec![
                AnswerCount { answer: "Knowing where to start".into(), count: 45 },
                AnswerCount { answer: "Importing data".into(), count: 55 },
            ],
            ..scale(1, 5, &[])
        };
        let stats = statistics(&result);
        let s = stat(&stats, "share:Knowing where to start");
        assert_eq!((s.value, s.n), (0.45, 100));
        let i = s.interval.unwrap();
        assert!(i.low < 0.45 && i.high > 0.45);
    }
}

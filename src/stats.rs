//! The statistics every answer shares: the 95% z and t values, intervals for a share,
//! rounding to the precisions answers are written at, and numbers written as answers
//! write them. One place, so a score, a survey statistic and an explanation never
//! disagree on what "95%" or "two decimals" means (docs/domain.md#trust-n-coverage-interval).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// Decimals of a score's numbers (progress, pace, forecast).
pub const SCORE: i32 = 3;
/// Decimals of an explanation's changes and intervals.
pub const CHANGE: i32 = 2;
/// Decimals of a survey statistic, and of the ends of a share's interval.
pub const SURVEY: i32 = 4;

/// `x` rounded to `decimals` places (half away from zero).
pub fn rounded(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// t(df, 0.975).
pub fn t975(df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df).map(|t| t.inverse_cdf(0.975)).unwrap_or(Z95)
}

/// Wilson score interval for a proportion: well-behaved near 0 and 1 and at small n.
pub fn wilson(successes: u32, n: u32) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    wilson_share(successes as f64 / n as f64, n as f64)
}

/// Wilson score interval for a share `p` (0..1) observed on `n` units.
pub fn wilson_share(p: f64, n: f64) -> Option<Interval> {
    if n < 1.0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Some(Interval { low: rounded(centre - half, SURVEY), high: rounded(centre + half, SURVEY) })
}

/// A number as an answer says it: at most two decimals (the nearest the binary value
/// is to, so 0.125 is "0.12"), no trailing zeros, never "-0".
pub fn num(x: f64) -> String {
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".into() } else { text.to_string() }
}

/// A signed change as an answer says it: +1.5, -4.67.
pub fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{}", num(x)) } else { num(x) }
}

/// A number exactly as given: whole numbers without ".0", others in full.
pub fn exact(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_answers_write_them() {
        assert_eq!(num(2.0), "2");
        assert_eq!(num(0.126), "0.13");
        assert_eq!(num(0.125), "0.12", "a tie goes to even, as Rust formats it");
        assert_eq!(num(-0.001), "0");
        assert_eq!(signed(1.5), "+1.5");
        assert_eq!(signed(-4.667), "-4.67");
        assert_eq!(exact(50.0), "50");
        assert_eq!(exact(0.125), "0.125");
    }

    #[test]
    fn rounding_keeps_the_precision_asked() {
        assert_eq!(rounded(0.12345, SCORE), 0.123);
        assert_eq!(rounded(-4.666, CHANGE), -4.67);
        assert_eq!(rounded(0.123456, SURVEY), 0.1235);
    }

    #[test]
    fn wilson_stays_inside_zero_and_one_at_the_edges() {
        let none = wilson(0, 20).unwrap();
        assert_eq!(none.low, 0.0);
        assert!(none.high > 0.0 && none.high < 0.2);
        let all = wilson(20, 20).unwrap();
        assert_eq!(all.high, 1.0);
        assert!(wilson(0, 0).is_none());
        // Large df: t tends to z.
        assert!((t975(1e6) - Z95).abs() < 1e-3);
    }
}

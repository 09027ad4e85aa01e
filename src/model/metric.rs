//! Metrics: named, measured quantities shared by key results and indicators.
//!
//! Measurements are recorded against the metric, not the key result, because
//! several teams' key results may target the same number.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{MetricId, Scale, Unit};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Metric {
    pub id: MetricId,
    pub name: String,
    pub unit: Option<Unit>,
    pub scale: Option<Scale>,
    pub created_at: Timestamp,
}

/// The form two metric names are compared in: "Week-1 Retention " and
/// "week-1 retention" are the same metric.
pub fn normalize_metric_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '%').to_lowercase())
        .filter(|w| !w.is_empty() && !matches!(w.as_str(), "the" | "a" | "an" | "of" | "our"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_in_case_articles_and_punctuation_are_one_metric() {
        assert_eq!(normalize_metric_name("The Week-1  Retention,"), "week-1 retention");
        assert_eq!(normalize_metric_name("week-1 retention"), "week-1 retention");
        assert_ne!(normalize_metric_name("week-1 retention"), normalize_metric_name("month-3 retention"));
    }
}

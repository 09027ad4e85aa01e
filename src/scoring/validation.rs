//! `validate_indicator`: does the leading indicator actually lead its key result?
//!
//! From data: both metrics' measurements are put on a common grid (one mean per
//! `interval_days`), and the indicator at time t is correlated with the outcome at
//! t + k for every lag k in 0..K. The best lag in the expected direction is tested
//! (Pearson r, t-test p-value, Bonferroni-adjusted for the K + 1 lags tried, so
//! trying many lags does not manufacture a finding) and given a 95% Fisher interval.
//! Below `min_n` pairs it refuses to decide. From research: `validates` and
//! `contradicts` links to the indicator. The status follows both, and says why.

use std::collections::BTreeMap;

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::measurements::{parse_time, points};
use super::score::round;
use crate::error::{Error, Result};
use crate::model::Actor;
use crate::model::{
    EvidenceId, FieldChange, Indicator, IndicatorId, IndicatorStatus, KeyResultId, LinkId, MeasurementPoint, MetricId,
    Relation, ValidationSummary,
};
use crate::stats::Z95;
use crate::store::links::links_of_target;
use crate::store::{Store, Table};

const DEFAULT_MIN_N: usize = 10;
/// Fewer pairs than this cannot be tested at all (r needs n - 2 > 0 degrees of freedom).
const LEAST_MIN_N: usize = 4;
const ALPHA: f64 = 0.05;
/// A significant but weak correlation does not make a useful leading indicator.
const MIN_R: f64 = 0.5;
/// Refuted when even the interval's optimistic end stays below this.
const NEGLIGIBLE_R: f64 = 0.3;

// Which way the indicator should move with the outcome.
/// negative: the indicator falls as the outcome rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    // More of the indicator, more of the outcome (invites up, retention up).
    #[default]
    Positive,
    // The indicator falls as the outcome rises (time to first project down, retention up).
    Negative,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateRequest {
    /// Such as IND-2.
    pub indicator: String,
    // At least four intervals.
    /// Default: twice the expected lag; at most 365.
    #[serde(default)]
    pub max_lag_days: Option<u32>,
    // 7: weekly check-ins.
    /// Averaging grid (default 7).
    #[serde(default)]
    pub interval_days: Option<u32>,
    // At least 4.
    /// Pairs needed for the data to decide (default 10).
    #[serde(default)]
    pub min_n: Option<usize>,
    #[serde(default)]
    pub direction: Option<Expectation>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub from: Option<String>,
    /// YYYY-MM-DD; default: now.
    #[serde(default)]
    pub to: Option<String>,
    // Write the status (default true).
    /// false: report only.
    #[serde(default = "yes")]
    pub apply: bool,
}

impl Default for ValidateRequest {
    fn default() -> Self {
        ValidateRequest {
            indicator: String::new(),
            max_lag_days: None,
            interval_days: None,
            min_n: None,
            direction: None,
            from: None,
            to: None,
            apply: true,
        }
    }
}

/// The correlation at one lag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LagCorrelation {
    pub lag_days: u32,
    /// Pairs (indicator at t, outcome at t + lag) both measured.
    pub n: usize,
    /// Pearson r; absent below 3 pairs or when a series is flat.
    pub r: Option<f64>,
    /// Two-sided p-value of r (t-test with n - 2 degrees of freedom).
    pub p_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BestLag {
    pub lag_days: u32,
    pub n: usize,
    pub r: f64,
    pub p_value: f64,
    /// p-value × lags tried (Bonferroni), capped at 1: what the decision uses.
    pub p_adjusted: f64,
    /// 95% interval of r (Fisher z).
    pub r_low: f64,
    pub r_high: f64,
}

/// What the data alone says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataVerdict {
    /// A strong, significant correlation in the expected direction.
    Supports,
    /// Confidently weak, or significantly the wrong way.
    Refutes,
    /// Enough data, no clear answer either way.
    Inconclusive,
    /// Fewer pairs than min_n: the data does not decide.
    InsufficientData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResearchLink {
    pub link: LinkId,
    pub evidence: EvidenceId,
    pub relation: Relation,
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorValidation {
    pub indicator: IndicatorId,
    pub key_result: KeyResultId,
    /// The indicator's metric.
    pub indicator_metric: MetricId,
    /// The key result's metric.
    pub outcome_metric: MetricId,
    pub interval_days: u32,
    pub expected_lag_days: u32,
    pub direction: Expectation,
    pub min_n: usize,
    /// Grid points with a value: indicator, outcome.
    pub indicator_points: usize,
    pub outcome_points: usize,
    /// Every lag tried, shortest first.
    pub lags: Vec<LagCorrelation>,
    /// The lag with the strongest correlation in the expected direction.
    pub best: Option<BestLag>,
    pub data_verdict: DataVerdict,
    /// `validates` and `contradicts` links to the indicator.
    pub research: Vec<ResearchLink>,
    pub previous_status: IndicatorStatus,
    pub status: IndicatorStatus,
    /// Why the status is what it is, citing the numbers and evidence ids.
    pub reason: String,
    /// Whether the status (and this summary) was written.
    pub applied: bool,
}

/// Pearson r of paired values; None below 3 pairs or when either side is constant.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return None;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (xs[i] - mx, ys[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Two-sided p-value of r from n pairs (t = r √((n-2)/(1-r²)), n - 2 degrees of freedom).
pub fn correlation_p_value(r: f64, n: usize) -> Option<f64> {
    if n < 3 {
        return None;
    }
    if r.abs() >= 1.0 {
        return Some(0.0);
    }
    let df = (n - 2) as f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0))
}

/// 95% interval of r by Fisher's z; needs n > 3.
pub fn fisher_interval(r: f64, n: usize) -> Option<(f64, f64)> {
    if n <= 3 {
        return None;
    }
    let z = r.clamp(-0.999_999, 0.999_999).atanh();
    let se = 1.0 / ((n - 3) as f64).sqrt();
    Some(((z - Z95 * se).tanh(), (z + Z95 * se).tanh()))
}

/// Means of the points per grid cell (cell = whole intervals since `anchor`).
fn grid(points: &[MeasurementPoint], anchor: i64, interval_seconds: i64) -> BTreeMap<i64, f64> {
    let mut cells: BTreeMap<i64, (f64, usize)> = BTreeMap::new();
    for p in points {
        let cell = (p.at.as_second() - anchor).div_euclid(interval_seconds);
        let entry = cells.entry(cell).or_default();
        entry.0 += p.value;
        entry.1 += 1;
    }
    cells.into_iter().map(|(cell, (sum, count))| (cell, sum / count as f64)).collect()
}

/// Correlations of `indicator` at t with `outcome` at t + k, for k in 0..=max_lag (cells).
pub fn lagged(
    indicator: &BTreeMap<i64, f64>,
    outcome: &BTreeMap<i64, f64>,
    max_lag: i64,
) -> Vec<(i64, usize, Option<f64>)> {
    (0..=max_lag)
        .map(|k| {
            let (xs, ys): (Vec<f64>, Vec<f64>) =
                indicator.iter().filter_map(|(cell, x)| outcome.get(&(cell + k)).map(|y| (*x, *y))).unzip();
            (k, xs.len(), pearson(&xs, &ys))
        })
        .collect()
}

/// What the data says, from the best lag (None when no lag could be computed).
fn verdict(best: Option<&BestLag>, sign: f64, min_n: usize) -> DataVerdict {
    let Some(best) = best else { return DataVerdict::InsufficientData };
    if best.n < min_n {
        return DataVerdict::InsufficientData;
    }
    let expected_r = best.r * sign;
    let optimistic = if sign > 0.0 { best.r_high } else { -best.r_low };
    if best.p_adjusted < ALPHA && expected_r >= MIN_R {
        DataVerdict::Supports
    } else if optimistic < NEGLIGIBLE_R {
        DataVerdict::Refutes
    } else {
        DataVerdict::Inconclusive
    }
}

pub async fn validate_indicator(store: &Store, request: ValidateRequest, actor: &Actor) -> Result<IndicatorValidation> {
    let setup = Setup::read(store, &request)?;
    let found = correlate(store, &setup)?;
    let data_verdict = verdict(found.best.as_ref(), setup.sign, setup.min_n);
    let research = Research::of(store, setup.id)?;
    let (status, reason) = decide(&setup, &found, data_verdict, &research);
    let decided = data_verdict != DataVerdict::InsufficientData || status != setup.indicator.status;
    let applied = request.apply && decided;
    if applied {
        record(store, &setup, found.best.as_ref(), status, &reason, actor).await?;
    }
    let Setup { id, indicator, outcome_metric, interval_days, direction, min_n, .. } = setup;
    Ok(IndicatorValidation {
        indicator: id,
        key_result: indicator.key_result,
        indicator_metric: indicator.metric,
        outcome_metric,
        interval_days,
        expected_lag_days: indicator.expected_lag_days,
        direction,
        min_n,
        indicator_points: found.indicator_points,
        outcome_points: found.outcome_points,
        lags: found.lags,
        best: found.best.map(|b| BestLag { r: round(b.r), ..b }),
        data_verdict,
        research: research.links,
        previous_status: indicator.status,
        status,
        reason,
        applied,
    })
}

/// What is tested: the indicator, its key result's metric, the grid and lags to try,
/// the window, and the direction the lead is expected in.
struct Setup {
    id: IndicatorId,
    indicator: Indicator,
    outcome_metric: MetricId,
    interval_days: u32,
    max_lag_days: u32,
    min_n: usize,
    from: Timestamp,
    to: Timestamp,
    direction: Expectation,
    /// 1 for an expected positive lead, -1 for a negative one.
    sign: f64,
}

impl Setup {
    fn read(store: &Store, request: &ValidateRequest) -> Result<Setup> {
        let id = request.indicator.parse::<IndicatorId>().map_err(|e| Error::invalid("indicator", e.to_string()))?;
        let indicator = store.indicator(id)?.ok_or_else(|| {
            Error::not_found(
                "indicator",
                id,
                crate::words![crate::error::Operation::GetOkr, " lists each key result's indicators"],
            )
        })?;
        let key_result = store
            .key_result(indicator.key_result)?
            .ok_or_else(|| Error::not_found("indicator", indicator.key_result, "its key result is missing"))?;
        let outcome_metric = key_result.metric.ok_or_else(|| {
            Error::invalid(
                "indicator",
                format!("{} is a milestone without a metric; there is nothing to correlate with", key_result.id),
            )
        })?;
        let interval_days = request.interval_days.unwrap_or(7);
        if !(1..=90).contains(&interval_days) {
            return Err(Error::invalid("interval_days", format!("is {interval_days}; 1 to 90 days are accepted")));
        }
        let max_lag_days =
            request.max_lag_days.unwrap_or_else(|| (indicator.expected_lag_days * 2).max(interval_days * 4)).min(365);
        if request.max_lag_days.is_some_and(|d| d > 365) {
            return Err(Error::invalid("max_lag_days", "is above 365; 0 to 365 days are accepted"));
        }
        let min_n = request.min_n.unwrap_or(DEFAULT_MIN_N);
        if !(LEAST_MIN_N..=100_000).contains(&min_n) {
            return Err(Error::invalid("min_n", format!("is {min_n}; {LEAST_MIN_N} or more pairs are accepted")));
        }
        let from = request.from.as_deref().map(|t| parse_time("from", t)).transpose()?.unwrap_or(Timestamp::MIN);
        let to = request.to.as_deref().map(|t| parse_time("to", t)).transpose()?.unwrap_or_else(Timestamp::now);
        if from > to {
            return Err(Error::invalid("from", format!("{from} is after to ({to})")));
        }
        let direction = request.direction.unwrap_or_default();
        let sign = if direction == Expectation::Positive { 1.0 } else { -1.0 };
        Ok(Setup { id, indicator, outcome_metric, interval_days, max_lag_days, min_n, from, to, direction, sign })
    }
}

/// The lagged correlations found, the best in the expected direction, and how many
/// lags were tried (the p-value is adjusted for them).
struct Correlation {
    lags: Vec<LagCorrelation>,
    best: Option<BestLag>,
    tried: f64,
    indicator_points: usize,
    outcome_points: usize,
}

/// Both metrics on one grid of `interval_days`, correlated at every lag up to the most.
fn correlate(store: &Store, setup: &Setup) -> Result<Correlation> {
    let (interval_days, sign) = (setup.interval_days, setup.sign);
    let indicator_points = points(store, setup.indicator.metric, setup.from, setup.to)?;
    let outcome_points = points(store, setup.outcome_metric, setup.from, setup.to)?;
    let anchor = indicator_points.iter().chain(&outcome_points).map(|p| p.at.as_second()).min().unwrap_or(0);
    let interval_seconds = i64::from(interval_days) * 86_400;
    let indicator_grid = grid(&indicator_points, anchor, interval_seconds);
    let outcome_grid = grid(&outcome_points, anchor, interval_seconds);
    let max_lag = i64::from(setup.max_lag_days / interval_days);
    let lags: Vec<LagCorrelation> = lagged(&indicator_grid, &outcome_grid, max_lag)
        .into_iter()
        .map(|(k, n, r)| LagCorrelation {
            lag_days: (k as u32) * interval_days,
            n,
            r: r.map(round),
            p_value: r.and_then(|r| correlation_p_value(r, n)).map(round),
        })
        .collect();
    let tried = lags.iter().filter(|l| l.r.is_some()).count().max(1) as f64;
    let best = lags
        .iter()
        .filter_map(|l| Some((l, l.r?)))
        .max_by(|(a, ra), (b, rb)| (ra * sign).total_cmp(&(rb * sign)).then(b.lag_days.cmp(&a.lag_days)))
        .map(|(l, r)| {
            let p = correlation_p_value(r, l.n).unwrap_or(1.0);
            let (low, high) = fisher_interval(r, l.n).unwrap_or((-1.0, 1.0));
            BestLag {
                lag_days: l.lag_days,
                n: l.n,
                r,
                p_value: round(p),
                p_adjusted: round((p * tried).min(1.0)),
                r_low: round(low),
                r_high: round(high),
            }
        });
    Ok(Correlation { lags, best, tried, indicator_points: indicator_grid.len(), outcome_points: outcome_grid.len() })
}

/// The research linked to the indicator as validating or contradicting it.
struct Research {
    links: Vec<ResearchLink>,
    validating: Vec<String>,
    contradicting: Vec<String>,
}

impl Research {
    fn of(store: &Store, id: IndicatorId) -> Result<Research> {
        let links: Vec<ResearchLink> = links_of_target(store, &id.to_string())?
            .into_iter()
            .filter(|l| matches!(l.relation, Relation::Validates | Relation::Contradicts))
            .map(|l| ResearchLink { link: l.id, evidence: l.evidence, relation: l.relation, rationale: l.rationale })
            .collect();
        let cite = |relation: Relation| -> Vec<String> {
            links.iter().filter(|l| l.relation == relation).map(|l| l.evidence.to_string()).collect()
        };
        let (validating, contradicting) = (cite(Relation::Validates), cite(Relation::Contradicts));
        Ok(Research { links, validating, contradicting })
    }
}

/// The status the data and the research give the indicator together, and why in words.
fn decide(
    setup: &Setup,
    found: &Correlation,
    data_verdict: DataVerdict,
    research: &Research,
) -> (IndicatorStatus, String) {
    let (interval_days, sign, min_n, tried) = (setup.interval_days, setup.sign, setup.min_n, found.tried);
    let (indicator_grid_len, outcome_grid_len) = (found.indicator_points, found.outcome_points);
    let (best, indicator) = (&found.best, &setup.indicator);
    let (validating, contradicting) = (&research.validating, &research.contradicting);
    let data_words = match (&best, data_verdict) {
        (Some(b), DataVerdict::Supports) => format!(
            "the data supports it: r = {:.2} (95% {:.2} to {:.2}) at a lag of {} days over {} paired {}-day points, {} after adjusting for {} lags tried",
            b.r,
            b.r_low,
            b.r_high,
            b.lag_days,
            b.n,
            interval_days,
            p_text(b.p_adjusted),
            tried
        ),
        (Some(b), DataVerdict::Refutes) => format!(
            "the data refutes it: the best {} correlation is r = {:.2} (95% {:.2} to {:.2}) at {} days over {} points, too weak to lead anything",
            if sign > 0.0 { "positive" } else { "negative" },
            b.r,
            b.r_low,
            b.r_high,
            b.lag_days,
            b.n
        ),
        (Some(b), DataVerdict::Inconclusive) => format!(
            "the data is inconclusive: best r = {:.2} (95% {:.2} to {:.2}) at {} days over {} points, {} after adjusting for {} lags",
            b.r,
            b.r_low,
            b.r_high,
            b.lag_days,
            b.n,
            p_text(b.p_adjusted),
            tried
        ),
        (Some(b), DataVerdict::InsufficientData) => format!(
            "the data cannot decide yet: {} paired points at the best lag, {min_n} needed (keep recording both metrics every {interval_days} days)",
            b.n
        ),
        (None, _) => format!(
            "the data cannot decide: no lag has 3 paired points ({} indicator and {} outcome points on a {interval_days}-day grid); record both metrics",
            indicator_grid_len, outcome_grid_len
        ),
    };
    let (status, reason) = match data_verdict {
        DataVerdict::Supports if contradicting.is_empty() => {
            (IndicatorStatus::Validated, format!("Validated: {data_words}."))
        }
        DataVerdict::Supports => (
            IndicatorStatus::Validated,
            format!("Validated: {data_words}; note research that contradicts it: {}.", contradicting.join(", ")),
        ),
        DataVerdict::Refutes if validating.is_empty() => (IndicatorStatus::Refuted, format!("Refuted: {data_words}.")),
        DataVerdict::Refutes => (
            IndicatorStatus::Assumed,
            format!(
                "Assumed: {data_words}, but research validates it ({}); the two disagree, so look again before betting on it.",
                validating.join(", ")
            ),
        ),
        _ if !validating.is_empty() && contradicting.is_empty() => {
            (IndicatorStatus::Validated, format!("Validated by research ({}); {data_words}.", validating.join(", ")))
        }
        _ if !validating.is_empty() => (
            IndicatorStatus::Assumed,
            format!(
                "Assumed: research both validates ({}) and contradicts ({}) it, and {data_words}.",
                validating.join(", "),
                contradicting.join(", ")
            ),
        ),
        DataVerdict::InsufficientData => (
            indicator.status,
            format!("Unchanged ({}): {data_words}; no research validates it either.", status_name(indicator.status)),
        ),
        _ => (IndicatorStatus::Assumed, format!("Assumed: {data_words}; no research validates it either.")),
    };
    let mut reason = reason;
    if let Some(b) = &best
        && data_verdict == DataVerdict::Supports
        && b.lag_days.abs_diff(indicator.expected_lag_days) >= interval_days
    {
        reason.push_str(&format!(
            " It leads by {} days, not the {} expected: consider updating the expected lag.",
            b.lag_days, indicator.expected_lag_days
        ));
    }

    (status, reason)
}

/// Writes the verdict on the indicator, and a history entry when its status moved.
async fn record(
    store: &Store,
    setup: &Setup,
    best: Option<&BestLag>,
    status: IndicatorStatus,
    reason: &str,
    actor: &Actor,
) -> Result<()> {
    let (id, indicator) = (setup.id, &setup.indicator);
    let reason = reason.to_string();
    let change = crate::model::Change::now(actor, Some(reason.clone()));
    let now = change.at;
    let summary = ValidationSummary {
        at: now,
        by: actor.0.clone(),
        best_lag_days: best.map(|b| b.lag_days),
        r: best.map(|b| round(b.r)),
        n: best.map(|b| b.n).unwrap_or(0),
        p_value: best.map(|b| b.p_adjusted),
        reason: reason.clone(),
    };
    let previous = indicator.status;
    store.transact(|tx| {
        let mut current = indicator.clone();
        current.status = status;
        current.validation = Some(summary.clone());
        tx.put(Table::Indicators, &id.key(), &current)?;
        if previous != status {
            tx.append_history(&change.entry(
                indicator.key_result.to_string(),
                "indicator_validated",
                vec![FieldChange {
                    field: format!("{id}.status"),
                    from: status_name(previous).into(),
                    to: status_name(status).into(),
                }],
            ))?;
        }
        Ok(())
    })?;
    store.flush().await?;
    Ok(())
}

/// A p-value as a reader expects it: "p < 0.001" rather than "p = 0".
pub fn p_text(p: f64) -> String {
    if p < 0.001 { "p < 0.001".into() } else { format!("p = {p:.3}") }
}

fn status_name(status: IndicatorStatus) -> &'static str {
    match status {
        IndicatorStatus::Assumed => "assumed",
        IndicatorStatus::Validated => "validated",
        IndicatorStatus::Refuted => "refuted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_and_its_p_value_match_a_hand_computation() {
        // dx = -2..2, dy = -2,0,1,0,1: sxy = 6, sxx = 10, syy = 6, r = 6/√60 = 0.7746.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 4.0, 5.0, 4.0, 5.0]).unwrap();
        assert!((r - 0.774_597).abs() < 1e-6, "{r}");
        // t = r √(3 / (1 - 0.6)) = 2.1213; with 3 degrees of freedom the closed form
        // F(t) = 1/2 + (t/(√3 (1 + t²/3)) + atan(t/√3)) / π = 0.9380, so p = 0.1240.
        let p = correlation_p_value(r, 5).unwrap();
        assert!((p - 0.1240).abs() < 5e-4, "{p}");
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None, "a flat series has no correlation");
        assert_eq!(pearson(&[1.0, 2.0], &[1.0, 2.0]), None);
        assert_eq!(correlation_p_value(1.0, 4), Some(0.0));
    }

    #[test]
    fn fisher_interval_matches_a_hand_computation() {
        // r = 0.5, n = 28: z = 0.5493, se = 0.2, z ± 0.392 → tanh(0.1573) = 0.156, tanh(0.9413) = 0.736.
        let (low, high) = fisher_interval(0.5, 28).unwrap();
        assert!((low - 0.156).abs() < 1e-3 && (high - 0.736).abs() < 1e-3, "{low} {high}");
        assert_eq!(fisher_interval(0.5, 3), None);
    }

    #[test]
    fn a_series_that_leads_by_one_step_peaks_at_lag_one() {
        let indicator: BTreeMap<i64, f64> =
            [3.0, 5.0, 2.0, 6.0, 4.0, 7.0, 3.0].into_iter().enumerate().map(|(i, v)| (i as i64, v)).collect();
        // The outcome repeats the indicator one cell later, plus 10.
        let outcome: BTreeMap<i64, f64> = indicator.iter().map(|(c, v)| (c + 1, v + 10.0)).collect();
        let lags = lagged(&indicator, &outcome, 2);
        assert_eq!(lags[1].1, 7);
        assert!((lags[1].2.unwrap() - 1.0).abs() < 1e-12);
        assert!(lags[0].2.unwrap() < 0.0, "at lag 0 the zig-zag anti-correlates: {:?}", lags[0]);
    }

    #[test]
    fn verdicts_need_n_strength_significance_or_confident_weakness() {
        let best = |n: usize, r: f64, p: f64| {
            let (low, high) = fisher_interval(r, n).unwrap();
            BestLag { lag_days: 7, n, r, p_value: p, p_adjusted: p, r_low: low, r_high: high }
        };
        assert_eq!(verdict(Some(&best(20, 0.8, 0.001)), 1.0, 10), DataVerdict::Supports);
        assert_eq!(verdict(Some(&best(8, 0.95, 0.001)), 1.0, 10), DataVerdict::InsufficientData);
        assert_eq!(
            verdict(Some(&best(20, 0.8, 0.001)), -1.0, 10),
            DataVerdict::Refutes,
            "expected to fall, it rises with the outcome"
        );
        assert_eq!(
            verdict(Some(&best(200, 0.05, 0.5)), 1.0, 10),
            DataVerdict::Refutes,
            "r near 0 with a tight interval"
        );
        assert_eq!(verdict(Some(&best(20, 0.3, 0.2)), 1.0, 10), DataVerdict::Inconclusive);
        assert_eq!(verdict(Some(&best(20, -0.8, 0.001)), 1.0, 10), DataVerdict::Refutes, "significantly the wrong way");
        assert_eq!(verdict(None, 1.0, 10), DataVerdict::InsufficientData);
    }
}

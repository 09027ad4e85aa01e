//! Reports: a cycle (or one objective) in Markdown for a review, the scores as CSV
//! for a spreadsheet, and a key result's chart ([`chart`]).
//!
//! Per objective: its key results with progress, status, grade and the interval of
//! the value they rest on; its evidence health (key results with no evidence linked,
//! indicators not validated, linked evidence older than the freshness limit of
//! DOMAIN.md section 4, 180 days by default); and the top evidence per key result.
//! The numbers are the `score` tool's; the report only arranges them.

pub mod chart;

use std::fmt::Write;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::explain::num;
use crate::model::{
    Cycle, Evidence, EvidenceId, IndicatorId, IndicatorStatus, KeyResultId, Objective, ObjectiveId, Relation, Status,
};
use crate::scoring::score::{
    DEFAULT_CHECK_IN_DAYS, KeyResultScore, ObjectiveScore, ScoreOptions, children_of, score_objective, today,
};
use crate::store::links::links_of_target;
use crate::store::{Store, Table};
use crate::validate;

/// Evidence older than this (days) is stale where it supports a key result.
pub const DEFAULT_STALE_DAYS: u32 = 180;
const TOP_EVIDENCE: usize = 2;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// The cycle to report (2026-Q4).
    #[serde(default)]
    pub cycle: Option<String>,
    /// Or one objective (O-3).
    #[serde(default)]
    pub objective: Option<String>,
    /// Report as of this day (YYYY-MM-DD); today by default.
    #[serde(default)]
    pub as_of: Option<String>,
    /// Linked evidence older than this many days is flagged stale (default 180).
    #[serde(default)]
    pub stale_after_days: Option<u32>,
    /// Cycle only: objectives per page, 1-50. The report tool answers 3 per page unless
    /// told (a review of a whole cycle is the resource grounded://cycle/{cycle}/report.md).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Cycle only: the next_cursor of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Objectives a report tool answer carries unless told: about 50 KB with the chart,
/// under the 64 KB an answer for a model may take.
pub const DEFAULT_PAGE: usize = 3;
/// The most objectives one page may carry.
pub const MAX_PAGE: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StaleEvidence {
    pub evidence: EvidenceId,
    pub observed_at: Date,
    pub age_days: i64,
    /// What it is linked to.
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UnvalidatedIndicator {
    pub indicator: IndicatorId,
    pub key_result: KeyResultId,
    pub status: IndicatorStatus,
}

/// How well an objective's numbers are grounded in research.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceHealth {
    /// Key results with no evidence linked at all.
    pub unlinked_key_results: Vec<KeyResultId>,
    /// Leading indicators still assumed (or refuted).
    pub unvalidated_indicators: Vec<UnvalidatedIndicator>,
    pub stale_evidence: Vec<StaleEvidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TopEvidence {
    pub key_result: KeyResultId,
    pub evidence: EvidenceId,
    pub relation: Relation,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectiveReport {
    pub score: ObjectiveScore,
    pub health: EvidenceHealth,
    pub top_evidence: Vec<TopEvidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub title: String,
    pub as_of: Date,
    /// This page's objectives (every one when no limit was given).
    pub objectives: Vec<ObjectiveReport>,
    /// Objectives the whole report covers (archived ones are left out).
    pub objectives_total: usize,
    /// Where the next page starts; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// The key result of this page most in need of attention (off track first),
    /// whose chart goes with the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart_key_result: Option<KeyResultId>,
    pub markdown: String,
    /// One row per key result: the scores for a spreadsheet.
    pub csv: String,
}

pub fn report(store: &Store, request: ReportRequest) -> Result<Report> {
    let as_of = match request.as_of.as_deref() {
        Some(d) => validate::date("as_of", d)?,
        None => today(),
    };
    let stale_days = match request.stale_after_days {
        Some(0) => return Err(Error::invalid("stale_after_days", "is 0; give an age in days such as 180")),
        Some(d) => d,
        None => DEFAULT_STALE_DAYS,
    };
    if request.objective.is_some() && (request.limit.is_some() || request.cursor.is_some()) {
        let field = if request.limit.is_some() { "limit" } else { "cursor" };
        return Err(Error::invalid(field, "pages a cycle report; an objective's report is one page"));
    }
    let page = validate::objective_page(request.limit, request.cursor.as_deref(), usize::MAX, MAX_PAGE)?;
    let (title, mut objectives) = match (request.cycle.as_deref(), request.objective.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid("objective", "give a cycle or an objective, not both"));
        }
        (Some(cycle), None) => {
            let cycle: Cycle = cycle
                .trim()
                .parse()
                .map_err(|e: crate::model::CycleParseError| Error::invalid("cycle", format!("{e}; such as 2026-Q4")))?;
            let objectives: Vec<Objective> = store
                .scan::<Objective>(Table::Objectives)
                .filter(|o| o.as_ref().map_or(true, |o| o.cycle == cycle && o.status != Status::Archived))
                .collect::<Result<_>>()?;
            (format!("{} report", cycle.name()), objectives)
        }
        (None, Some(objective)) => {
            let id: ObjectiveId = objective
                .trim()
                .parse()
                .map_err(|e: crate::model::IdParseError| Error::invalid("objective", e.to_string()))?;
            let objective = crate::okr::query::load_objective(store, "objective", id)?;
            (format!("{} report", objective.id), vec![objective])
        }
        (None, None) => {
            return Err(Error::invalid("cycle", "is missing; give a cycle (2026-Q4) or an objective (O-3)"));
        }
    };
    let objectives_total = objectives.len();
    let skipped = objectives.iter().filter(|o| o.id.0 <= page.after).count();
    objectives.retain(|o| o.id.0 > page.after);
    let next_cursor = (objectives.len() > page.limit).then(|| objectives[page.limit - 1].id.to_string());
    objectives.truncate(page.limit);
    let options = ScoreOptions { as_of, check_in_days: DEFAULT_CHECK_IN_DAYS };
    let ids: Vec<ObjectiveId> = objectives.iter().map(|o| o.id).collect();
    let children = children_of(store, &ids)?;
    let mut reports = vec![];
    for objective in &objectives {
        let score = score_objective(store, objective, children.get(&objective.id), options)?;
        let (health, top_evidence) = health_of(store, &score, as_of, stale_days)?;
        reports.push(ObjectiveReport { score, health, top_evidence });
    }
    let chart_key_result = reports
        .iter()
        .flat_map(|r| &r.score.key_results)
        .filter(|k| k.metric.is_some())
        .min_by_key(|k| (attention_rank(k), k.key_result.0))
        .map(|k| k.key_result);
    // A page says which part of the whole it is.
    let shown = (objectives_total > reports.len()).then_some((skipped + 1, skipped + reports.len(), objectives_total));
    let markdown = markdown(&title, as_of, &reports, stale_days, shown);
    let csv = csv_of(&reports)?;
    Ok(Report { title, as_of, objectives: reports, objectives_total, next_cursor, chart_key_result, markdown, csv })
}

fn attention_rank(k: &KeyResultScore) -> u8 {
    match k.status.name() {
        "off_track" => 0,
        "stale" => 1,
        "at_risk" => 2,
        _ if k.trending_off_track => 3,
        "pending" => 4,
        _ => 5,
    }
}

/// Evidence health and the top evidence of an objective's key results.
fn health_of(
    store: &Store,
    score: &ObjectiveScore,
    as_of: Date,
    stale_days: u32,
) -> Result<(EvidenceHealth, Vec<TopEvidence>)> {
    let mut health = EvidenceHealth::default();
    let mut top = vec![];
    for kr in &score.key_results {
        let id = kr.key_result;
        let (indicators, _) = crate::okr::query::children(store, id)?;
        for indicator in &indicators {
            if indicator.status != IndicatorStatus::Validated {
                health.unvalidated_indicators.push(UnvalidatedIndicator {
                    indicator: indicator.id,
                    key_result: id,
                    status: indicator.status,
                });
            }
        }
        let mut linked: Vec<(Relation, Evidence, String)> = vec![];
        let targets = std::iter::once(id.to_string()).chain(indicators.iter().map(|i| i.id.to_string()));
        for target in targets {
            for link in links_of_target(store, &target)? {
                if let Some(e) = store.get::<Evidence>(Table::Evidence, &link.evidence.key())? {
                    linked.push((link.relation, e, target.clone()));
                }
            }
        }
        if !linked.iter().any(|(_, _, t)| *t == id.to_string()) {
            health.unlinked_key_results.push(id);
        }
        for (_, e, target) in &linked {
            if let Some(observed) = e.observed_at {
                let age = (as_of - observed).get_days() as i64;
                if age > i64::from(stale_days) && !health.stale_evidence.iter().any(|s| s.evidence == e.id) {
                    health.stale_evidence.push(StaleEvidence {
                        evidence: e.id,
                        observed_at: observed,
                        age_days: age,
                        target: target.clone(),
                    });
                }
            }
        }
        // Explanations and baselines first, then what validates or supports; newest first.
        let weight = |r: Relation| match r {
            Relation::Explains => 0,
            Relation::Baseline => 1,
            Relation::Validates => 2,
            Relation::Supports => 3,
            Relation::Contradicts => 4,
            Relation::Motivates => 5,
        };
        linked.sort_by_key(|(r, e, _)| (weight(*r), std::cmp::Reverse(e.observed_at)));
        let mut seen = vec![];
        for (relation, e, _) in linked {
            if seen.len() == TOP_EVIDENCE || seen.contains(&e.id) {
                continue;
            }
            seen.push(e.id);
            top.push(TopEvidence {
                key_result: id,
                evidence: e.id,
                relation,
                text: validate::truncate(&e.text, 200),
                observed_at: e.observed_at,
            });
        }
    }
    Ok((health, top))
}

/// An enum's name as the tools spell it (explains, assumed, red).
fn name_of<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn value_cell(k: &KeyResultScore) -> String {
    let Some(current) = &k.current else { return "no data".into() };
    let mut cell = num(current.value);
    if let Some(iv) = current.interval {
        let _ = write!(cell, " ({}–{})", num(iv.low), num(iv.high));
    }
    if let Some(n) = current.n {
        let _ = write!(cell, ", n {n}");
    }
    cell
}

fn markdown(
    title: &str,
    as_of: Date,
    reports: &[ObjectiveReport],
    stale_days: u32,
    shown: Option<(usize, usize, usize)>,
) -> String {
    let mut md = format!(
        "# {title}\n\nAs of {as_of}. Progress is 0 at the baseline and 1 at the target; the value's 95% interval is in brackets. Grades are provisional until the cycle ends.\n"
    );
    if let Some((first, last, total)) = shown {
        let _ = write!(md, "\nObjectives {first} to {last} of {total}.\n");
    }
    if reports.is_empty() {
        md.push_str("\nNo objectives in this cycle yet.\n");
    }
    for r in reports {
        let s = &r.score;
        let _ = write!(
            md,
            "\n## {} {}\n\n{}progress {}, {}, grade {} ({}).\n\n",
            s.objective,
            s.title,
            s.owner.as_ref().map(|o| format!("{o}: ")).unwrap_or_default(),
            num(s.progress),
            s.status.name().replace('_', " "),
            num(s.grade),
            name_of(s.grade_band)
        );
        md.push_str("| KR | key result | value | progress | status | grade |\n|---|---|---|---|---|---|\n");
        for k in &s.key_results {
            let progress = match (k.progress, k.progress_interval) {
                (Some(p), Some(iv)) => format!("{} ({}–{})", num(p), num(iv.low), num(iv.high)),
                (Some(p), None) => num(p),
                (None, _) => "–".into(),
            };
            let status = format!(
                "{}{}{}",
                k.status.name().replace('_', " "),
                if k.trending_off_track { ", trending off track" } else { "" },
                if k.inconclusive { ", inconclusive" } else { "" }
            );
            let grade = k.grade.map(num).unwrap_or_else(|| "–".into());
            let _ = writeln!(
                md,
                "| {} | {} | {} | {progress} | {status} | {grade} |",
                k.key_result,
                k.statement.replace('|', "/"),
                value_cell(k)
            );
        }
        let h = &r.health;
        md.push_str("\n**Evidence health.** ");
        let mut said = vec![];
        if !h.unlinked_key_results.is_empty() {
            let ids: Vec<String> = h.unlinked_key_results.iter().map(ToString::to_string).collect();
            said.push(format!("no evidence linked to {}", ids.join(", ")));
        }
        if !h.unvalidated_indicators.is_empty() {
            let ids: Vec<String> = h
                .unvalidated_indicators
                .iter()
                .map(|i| format!("{} ({}, for {})", i.indicator, name_of(i.status), i.key_result))
                .collect();
            said.push(format!("indicators not validated: {}", ids.join(", ")));
        }
        if !h.stale_evidence.is_empty() {
            let ids: Vec<String> = h
                .stale_evidence
                .iter()
                .map(|e| format!("{} ({} days, {})", e.evidence, e.age_days, e.target))
                .collect();
            said.push(format!("evidence older than {stale_days} days: {}", ids.join(", ")));
        }
        if said.is_empty() {
            md.push_str("every key result has evidence linked, its indicators are validated, nothing is stale.\n");
        } else {
            let _ = writeln!(md, "{}.", said.join("; "));
        }
        if !r.top_evidence.is_empty() {
            md.push_str("\n**Top evidence.**\n");
            for e in &r.top_evidence {
                let _ = writeln!(
                    md,
                    "- {} · {} {}{}: \"{}\"",
                    e.key_result,
                    e.evidence,
                    name_of(e.relation),
                    e.observed_at.map(|d| format!(", {d}")).unwrap_or_default(),
                    e.text
                );
            }
        }
        let notes: Vec<&String> = s.key_results.iter().flat_map(|k| &k.notes).collect();
        if let Some(forecasts) = forecast_line(s) {
            let _ = writeln!(md, "\n{forecasts}");
        }
        for note in notes.iter().take(3) {
            let _ = writeln!(md, "\n> {note}");
        }
    }
    md
}

fn forecast_line(s: &ObjectiveScore) -> Option<String> {
    let parts: Vec<String> = s
        .key_results
        .iter()
        .filter_map(|k| {
            let f = k.forecast.as_ref()?;
            let progress = f.progress_at_end.map(|p| format!(", progress {}", num(p))).unwrap_or_default();
            Some(format!("{} {}{progress}", k.key_result, num(f.value_at_end)))
        })
        .collect();
    (!parts.is_empty())
        .then(|| format!("Forecast at the cycle's end (straight line through recent values): {}.", parts.join("; ")))
}

fn csv_of(reports: &[ObjectiveReport]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(vec![]);
    let header = [
        "cycle",
        "objective",
        "key_result",
        "statement",
        "owner",
        "metric",
        "baseline",
        "target",
        "value",
        "at",
        "n",
        "interval_low",
        "interval_high",
        "progress",
        "expected",
        "status",
        "grade",
        "grade_band",
        "forecast_end",
        "trending_off_track",
        "inconclusive",
    ];
    let csv_error = |e: csv::Error| Error::invalid("csv", e.to_string());
    writer.write_record(header).map_err(csv_error)?;
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for r in reports {
        for k in &r.score.key_results {
            let c = k.current.as_ref();
            writer
                .write_record([
                    r.score.cycle.name().to_string(),
                    k.objective.to_string(),
                    k.key_result.to_string(),
                    k.statement.clone(),
                    r.score.owner.clone().unwrap_or_default(),
                    k.metric.map(|m| m.to_string()).unwrap_or_default(),
                    opt(k.baseline),
                    opt(k.target),
                    opt(c.map(|c| c.value)),
                    c.map(|c| c.at.to_string()).unwrap_or_default(),
                    c.and_then(|c| c.n).map(|n| n.to_string()).unwrap_or_default(),
                    opt(c.and_then(|c| c.interval).map(|i| i.low)),
                    opt(c.and_then(|c| c.interval).map(|i| i.high)),
                    opt(k.progress),
                    k.expected.to_string(),
                    k.status.name().to_string(),
                    opt(k.grade),
                    k.grade_band.map(name_of).unwrap_or_default(),
                    opt(k.forecast.as_ref().map(|f| f.value_at_end)),
                    k.trending_off_track.to_string(),
                    k.inconclusive.to_string(),
                ])
                .map_err(csv_error)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| Error::invalid("csv", e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

//! Reports: a cycle (or one objective) in Markdown for a review, the scores as CSV
//! for a spreadsheet, and a key result's chart ([`chart`]).
//!
//! First a summary a team lead reads in ten seconds: key results by status, the grade
//! so far, and "Needs attention" (off track, stale, at risk, trending off track, each
//! with one line of why, worst first by [`Attention::rank`]). Nothing without data is
//! graded (docs/domain.md#silence-is-never-green: silence is never green, and it is not red either): it
//! says "no data yet". Then per objective: its key results with progress, status, grade and the interval of
//! the value they rest on; its evidence health (key results with no evidence linked,
//! indicators not validated, linked evidence older than the freshness limit of
//! docs/domain.md#staleness, 180 days by default); and the top evidence per key result.
//! The numbers are the `score` tool's; the report only arranges them.

pub mod chart;

use std::collections::BTreeMap;
use std::fmt::Write;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clock::today;
use crate::error::{Error, Result};
use crate::model::{
    Cycle, Evidence, EvidenceId, IndicatorId, IndicatorStatus, KeyResultId, Objective, ObjectiveId, Relation, Status,
};
use crate::scoring::formula::{GradeBand, PaceStatus, grade};
use crate::scoring::score::{
    Attention, DEFAULT_CHECK_IN_DAYS, KeyResultScore, ObjectiveScore, ScoreOptions, children_of, round, score_objective,
};
use crate::stats::Interval;
use crate::stats::num;
use crate::store::links::links_of_target;
use crate::store::{Store, Table};
use crate::validate;

/// Evidence older than this (days) is stale where it supports a key result.
pub const DEFAULT_STALE_DAYS: u32 = 180;
const TOP_EVIDENCE: usize = 2;
/// Key results the summary's "needs attention" list shows.
const ATTENTION_SHOWN: usize = 10;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// Such as 2026-Q4.
    #[serde(default)]
    pub cycle: Option<String>,
    /// Such as O-3.
    #[serde(default)]
    pub objective: Option<String>,
    /// YYYY-MM-DD, default today.
    #[serde(default)]
    pub as_of: Option<String>,
    // Linked evidence older than this many days is flagged stale.
    /// Default 180.
    #[serde(default)]
    pub stale_after_days: Option<u32>,
    // The report tool answers 3 per page unless told (a review of a whole cycle is the
    // resource grounded://cycle/{cycle}/report.md).
    /// Cycle: 1-50 objectives per page, default 3.
    #[serde(default)]
    pub limit: Option<usize>,
    // Cycle only: the next_cursor of the previous page.
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

/// What a team lead reads first: where the key results stand, the grade so far, and
/// what needs attention. It covers every objective of the report, on every page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub objectives: usize,
    pub key_results: usize,
    /// Key results per status (on_track, at_risk, off_track, stale, pending).
    pub by_status: BTreeMap<String, usize>,
    pub trending_off_track: usize,
    /// Objectives with a grade: those with data.
    pub graded_objectives: usize,
    /// Mean progress of the graded objectives, and its grade (provisional until the
    /// cycle ends); absent while no key result has data: silence is not graded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_band: Option<GradeBand>,
    /// Off-track, stale, at-risk and trending-off-track key results, worst first, each
    /// with why (the first 10).
    pub needs_attention: Vec<Attention>,
    /// How many need attention in all.
    pub needs_attention_total: usize,
    /// Key results with no data yet (pending): not graded.
    pub pending: Vec<KeyResultId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub title: String,
    pub as_of: Date,
    pub summary: Summary,
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
            let objective = crate::store::okrs::load_objective(store, "objective", id)?;
            (format!("{} report", objective.id), vec![objective])
        }
        (None, None) => {
            return Err(Error::invalid("cycle", "is missing; give a cycle (2026-Q4) or an objective (O-3)"));
        }
    };
    objectives.sort_by_key(|o| o.id.0);
    let objectives_total = objectives.len();
    let options = ScoreOptions { as_of, check_in_days: DEFAULT_CHECK_IN_DAYS };
    // Every objective is scored for the summary; only the page's get their evidence read.
    let ids: Vec<ObjectiveId> = objectives.iter().map(|o| o.id).collect();
    let children = children_of(store, &ids)?;
    let scores: Vec<ObjectiveScore> =
        objectives.iter().map(|o| score_objective(store, o, children.get(&o.id), options)).collect::<Result<_>>()?;
    let summary = summary_of(&scores);
    let skipped = scores.iter().filter(|s| s.objective.0 <= page.after).count();
    let mut on_page: Vec<ObjectiveScore> = scores.into_iter().filter(|s| s.objective.0 > page.after).collect();
    let next_cursor = (on_page.len() > page.limit).then(|| on_page[page.limit - 1].objective.to_string());
    on_page.truncate(page.limit);
    let mut reports = vec![];
    for score in on_page {
        let (health, top_evidence) = health_of(store, &score, as_of, stale_days)?;
        reports.push(ObjectiveReport { score, health, top_evidence });
    }
    let chart_key_result = reports
        .iter()
        .flat_map(|r| &r.score.key_results)
        .filter(|k| k.metric.is_some() && k.current.is_some())
        .min_by(|a, b| attention_order(a, b))
        .map(|k| k.key_result);
    // A page says which part of the whole it is.
    let shown = (objectives_total > reports.len()).then_some((skipped + 1, skipped + reports.len(), objectives_total));
    let markdown = markdown(&title, as_of, &summary, &reports, stale_days, shown, chart_key_result);
    let csv = csv_of(&reports)?;
    Ok(Report {
        title,
        as_of,
        summary,
        objectives: reports,
        objectives_total,
        next_cursor,
        chart_key_result,
        markdown,
        csv,
    })
}

/// Worst first, by [`Attention::rank`]; a key result that needs none comes last.
fn attention_order(a: &KeyResultScore, b: &KeyResultScore) -> std::cmp::Ordering {
    let rank = |k: &KeyResultScore| Attention::of(k).map_or((6, 0.0), |a| a.rank());
    let ((ra, pa), (rb, pb)) = (rank(a), rank(b));
    ra.cmp(&rb).then(pa.total_cmp(&pb)).then(a.key_result.0.cmp(&b.key_result.0))
}

/// The counts, the grade and the attention list of every objective in the report.
fn summary_of(scores: &[ObjectiveScore]) -> Summary {
    let mut summary = Summary { objectives: scores.len(), ..Default::default() };
    let mut attention = vec![];
    for k in scores.iter().flat_map(|s| &s.key_results) {
        summary.key_results += 1;
        *summary.by_status.entry(k.status.name().to_string()).or_default() += 1;
        summary.trending_off_track += usize::from(k.trending_off_track);
        match Attention::of(k) {
            Some(a) if a.status == PaceStatus::Pending => summary.pending.push(k.key_result),
            Some(a) => attention.push(a),
            None => {}
        }
    }
    Attention::sort(&mut attention);
    summary.needs_attention_total = attention.len();
    attention.truncate(ATTENTION_SHOWN);
    summary.needs_attention = attention;
    // The grade so far is over the objectives that have one: an objective with no data
    // yet is not a failing one.
    let graded: Vec<f64> = scores.iter().filter(|s| s.grade.is_some()).map(|s| s.progress).collect();
    summary.graded_objectives = graded.len();
    if !graded.is_empty() {
        let progress = round(graded.iter().sum::<f64>() / graded.len() as f64);
        let (grade, band) = grade(progress);
        (summary.progress, summary.grade, summary.grade_band) = (Some(progress), Some(grade), Some(band));
    }
    summary
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
        let (indicators, _) = crate::store::okrs::children(store, id)?;
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

/// A number with its 95% interval in words: "0.13 (95% interval -0.19 to 0.45)".
fn with_interval(x: f64, interval: Option<Interval>) -> String {
    match interval {
        Some(iv) => format!("{} (95% interval {} to {})", num(x), num(iv.low), num(iv.high)),
        None => num(x),
    }
}

/// What a key result or objective with no data says where a value or grade would be.
const NO_DATA: &str = "no data yet";

fn value_cell(k: &KeyResultScore) -> String {
    let Some(current) = &k.current else { return NO_DATA.into() };
    let mut cell = with_interval(current.value, current.interval);
    if let Some(n) = current.n {
        let _ = write!(cell, ", n {n}");
    }
    cell
}

/// A status as a person reads it: "off track".
fn status_words(status: PaceStatus) -> String {
    status.name().replace('_', " ")
}

/// How the Markdown names the chart: beside a written report, the file's image;
/// elsewhere, the resource that serves it.
fn chart_line(key_result: KeyResultId, file: Option<&str>) -> String {
    match file {
        Some(file) => format!("![Chart of {key_result}, the key result most in need of attention]({file})"),
        None => format!(
            "Chart of {key_result}, the key result most in need of attention: grounded://key-result/{key_result}/chart.png"
        ),
    }
}

/// The name of a key result's chart written beside a report (and its .svg twin).
pub fn chart_file(key_result: KeyResultId, extension: &str) -> String {
    format!("{key_result}-chart.{extension}")
}

impl Report {
    /// The Markdown for a report.md written into a folder with the chart's PNG beside
    /// it: the chart shows inline instead of being named by its resource.
    pub fn markdown_beside_chart(&self) -> String {
        match self.chart_key_result {
            Some(kr) => self.markdown.replacen(&chart_line(kr, None), &chart_line(kr, Some(&chart_file(kr, "png"))), 1),
            None => self.markdown.clone(),
        }
    }
}

/// The summary at the top: counts by status, the grade so far, what needs attention.
fn summary_markdown(md: &mut String, summary: &Summary) {
    let count = |status: PaceStatus| summary.by_status.get(status.name()).copied().unwrap_or(0);
    let order = [PaceStatus::OnTrack, PaceStatus::AtRisk, PaceStatus::OffTrack, PaceStatus::Stale, PaceStatus::Pending];
    let counts: Vec<String> = order
        .iter()
        .filter(|s| count(**s) > 0)
        .map(|s| match s {
            PaceStatus::Pending => format!("{} pending ({NO_DATA})", count(*s)),
            _ => format!("{} {}", count(*s), status_words(*s)),
        })
        .collect();
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    md.push_str(
        "
## Summary

",
    );
    if summary.key_results == 0 {
        let _ = writeln!(md, "{}, no key results yet.", plural(summary.objectives, "objective"));
        return;
    }
    let _ = write!(
        md,
        "**{} in {}: {}.**",
        plural(summary.key_results, "key result"),
        plural(summary.objectives, "objective"),
        counts.join(", ")
    );
    if summary.trending_off_track > 0 {
        let _ = write!(md, " {} trending off track.", summary.trending_off_track);
    }
    match (summary.grade, summary.grade_band, summary.progress) {
        (Some(g), Some(band), Some(p)) => {
            let _ = write!(md, " Grade so far {} ({}), mean progress {}", num(g), name_of(band), num(p));
            let ungraded = summary.objectives - summary.graded_objectives;
            if ungraded > 0 {
                let _ = write!(
                    md,
                    " over the {} with data; {} {NO_DATA}",
                    plural(summary.graded_objectives, "objective"),
                    if ungraded == 1 { "1 has".to_string() } else { format!("{ungraded} have") }
                );
            }
            md.push_str(".\n");
        }
        _ => {
            let _ = writeln!(md, " Not graded: {NO_DATA}.");
        }
    }
    if summary.needs_attention.is_empty() {
        md.push_str(
            "
Nothing needs attention: every key result with data is on pace.
",
        );
    } else {
        md.push_str(
            "
**Needs attention**

",
        );
        for a in &summary.needs_attention {
            let status = match a.status {
                PaceStatus::OnTrack | PaceStatus::AtRisk if a.trending_off_track => {
                    format!("{}, trending off track", status_words(a.status))
                }
                _ => status_words(a.status),
            };
            let statement = validate::truncate(&a.statement, 140);
            let stop = if statement.ends_with('…') { "" } else { "." };
            let _ = writeln!(
                md,
                "- **{}** {} ({}): {statement}{stop} {}",
                a.key_result,
                status,
                a.objective,
                sentence(&a.reason.to_string())
            );
        }
        let more = summary.needs_attention_total.saturating_sub(summary.needs_attention.len());
        if more > 0 {
            let _ = writeln!(md, "- and {more} more (the score tool lists them all).");
        }
    }
    if !summary.pending.is_empty() {
        let ids: Vec<String> = summary.pending.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            md,
            "
{}: {} (not graded until a measurement is recorded).",
            capital(NO_DATA),
            ids.join(", ")
        );
    }
}

/// A reason as a sentence: capital first letter, one full stop.
fn sentence(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    format!("{}.", capital(text))
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn markdown(
    title: &str,
    as_of: Date,
    summary: &Summary,
    reports: &[ObjectiveReport],
    stale_days: u32,
    shown: Option<(usize, usize, usize)>,
    chart: Option<KeyResultId>,
) -> String {
    let mut md = format!(
        "# {title}\n\nAs of {as_of}. Progress is 0 at the baseline and 1 at the target. Grades are provisional until the cycle ends.\n"
    );
    summary_markdown(&mut md, summary);
    if let Some(kr) = chart {
        let _ = writeln!(md, "\n{}", chart_line(kr, None));
    }
    if let Some((first, last, total)) = shown {
        let _ = write!(md, "\nObjectives {first} to {last} of {total}. The summary above covers all {total}.\n");
    }
    if reports.is_empty() {
        md.push_str("\nNo objectives in this cycle yet.\n");
    }
    for r in reports {
        let s = &r.score;
        let standing = match (s.grade, s.grade_band) {
            (Some(g), Some(band)) => {
                format!(
                    "progress {}, {}, grade {} ({})",
                    num(s.progress),
                    status_words(s.status),
                    num(g),
                    name_of(band)
                )
            }
            _ => format!("{NO_DATA}: not graded"),
        };
        let _ = write!(
            md,
            "\n## {} {}\n\n{}{standing}.\n\n",
            s.objective,
            s.title,
            s.owner.as_ref().map(|o| format!("{o}: ")).unwrap_or_default(),
        );
        md.push_str("| KR | key result | value | progress | status | grade |\n|---|---|---|---|---|---|\n");
        for k in &s.key_results {
            let progress = match k.progress {
                Some(p) => with_interval(p, k.progress_interval),
                None => "–".into(),
            };
            let status = format!(
                "{}{}{}",
                status_words(k.status),
                if k.trending_off_track { ", trending off track" } else { "" },
                if k.inconclusive { ", inconclusive" } else { "" }
            );
            let grade = match (k.grade, k.current.is_some()) {
                (Some(g), _) => num(g),
                (None, false) => NO_DATA.into(),
                (None, true) => "–".into(),
            };
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
        "status_reason",
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
                    k.status_reason.to_string(),
                ])
                .map_err(csv_error)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| Error::invalid("csv", e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Actor;
    use crate::model::Commitment;
    use crate::okr::input::{KeyResultDraft, ObjectiveDraft};
    use crate::scoring::measurements::{MeasurementInput, RecordRequest, record_measurements};

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    fn draft(store: &Store, objective: &str, krs: &[&str]) {
        let draft = ObjectiveDraft {
            objective: objective.into(),
            owner: Some("Maya".into()),
            cycle: Some("2026-Q4".into()),
            level: None,
            kind: Some(Commitment::Committed),
            parent: None,
            stage: None,
            key_results: krs.iter().map(|k| KeyResultDraft::Statement(k.to_string())).collect(),
            same_title_intended: false,
        };
        run(crate::okr::draft::draft_okr(store, draft, &Actor("t".into()))).unwrap();
    }

    fn record(store: &Store, values: &[(&str, &str, f64)]) {
        let measurements = values
            .iter()
            .map(|(m, at, v)| MeasurementInput {
                metric: m.to_string(),
                at: at.to_string(),
                value: *v,
                ..Default::default()
            })
            .collect();
        run(record_measurements(store, RecordRequest { measurements, insist: false }, &Actor("t".into()))).unwrap();
    }

    /// 2026-11-15 is day 46 of 92: half the cycle is expected.
    fn workspace() -> Store {
        let store = Store::temporary().unwrap();
        draft(
            &store,
            "New customers reach lasting value in their first week",
            &["Raise week-1 activation from 40% to 60%", "Cut time to first value from 9 days to 4 days"],
        );
        draft(
            &store,
            "Customers feel confident choosing a plan",
            &["Raise plan page conversion from 10% to 20%", "Raise pricing clarity score from 3.0 to 4.0"],
        );
        draft(&store, "Admins set up single sign-on without help", &["Raise self-serve SSO setups from 20% to 50%"]);
        record(
            &store,
            &[
                // KR-1: progress 0.05 against 0.5: off track.
                ("KR-1", "2026-11-10", 41.0),
                // KR-2: (9 - 6.5) / 5 = 0.5: on track.
                ("KR-2", "2026-11-12", 6.5),
                // KR-3: 0.42 against 0.5 (ratio 0.84): at risk.
                ("KR-3", "2026-11-14", 14.2),
                // KR-4: a month old: stale. KR-5 has nothing.
                ("KR-4", "2026-10-10", 3.5),
            ],
        );
        store
    }

    fn cycle_report(store: &Store) -> Report {
        let request =
            ReportRequest { cycle: Some("2026-Q4".into()), as_of: Some("2026-11-15".into()), ..Default::default() };
        report(store, request).unwrap()
    }

    #[test]
    fn the_summary_counts_and_lists_what_needs_attention_worst_first() {
        let store = workspace();
        let report = cycle_report(&store);
        let s = &report.summary;
        assert_eq!((s.objectives, s.key_results), (3, 5));
        let count = |status: &str| s.by_status.get(status).copied().unwrap_or(0);
        assert_eq!(
            (count("off_track"), count("stale"), count("at_risk"), count("on_track"), count("pending")),
            (1, 1, 1, 1, 1)
        );
        let order: Vec<String> = s.needs_attention.iter().map(|a| a.key_result.to_string()).collect();
        assert_eq!(order, ["KR-1", "KR-4", "KR-3"], "off track, stale, at risk; pending apart");
        assert_eq!(s.pending, [KeyResultId(5)]);
        // O-1 (0.05 + 0.5) / 2, O-2 (0.42 + 0.5) / 2; O-3 has no data and is left out.
        assert_eq!(s.graded_objectives, 2);
        assert!((s.progress.unwrap() - 0.3675).abs() < 0.001, "{:?}", s.progress);
        assert_eq!((s.grade, s.grade_band), (Some(0.4), Some(GradeBand::Yellow)));
        let md = &report.markdown;
        let summary = md.find("## Summary").unwrap();
        let attention = md.find("**Needs attention**").unwrap();
        let first_objective = md.find("## O-1").unwrap();
        assert!(summary < attention && attention < first_objective, "{md}");
        assert!(md.contains("**5 key results in 3 objectives: 1 on track, 1 at risk, 1 off track, 1 stale, 1 pending (no data yet).**"), "{md}");
        assert!(md.contains("- **KR-1** off track (O-1): Raise week-1 activation from 40% to 60%. Progress 0.05 against 0.50 expected by 2026-11-15"), "{md}");
        let kr1 = md.find("- **KR-1**").unwrap();
        let kr4 = md.find("- **KR-4**").unwrap();
        let kr3 = md.find("- **KR-3**").unwrap();
        assert!(kr1 < kr4 && kr4 < kr3, "{md}");
        assert!(
            md.contains(
                "Grade so far 0.4 (yellow), mean progress 0.37 over the 2 objectives with data; 1 has no data yet."
            ),
            "{md}"
        );
        assert!(md.contains("No data yet: KR-5"), "{md}");
        assert!(
            md.contains(
                "Chart of KR-1, the key result most in need of attention: grounded://key-result/KR-1/chart.png"
            )
        );
        assert_eq!(report.chart_key_result, Some(KeyResultId(1)));
    }

    #[test]
    fn nothing_without_data_is_graded_in_markdown_csv_or_json() {
        let store = workspace();
        let report = cycle_report(&store);
        let o3 = &report.objectives[2].score;
        assert_eq!((o3.grade, o3.grade_band), (None, None));
        let md = &report.markdown;
        assert!(
            md.contains("## O-3 Admins set up single sign-on without help\n\nMaya: no data yet: not graded."),
            "{md}"
        );
        assert!(!md.contains("0 (red)"), "{md}");
        assert!(
            md.contains(
                "| KR-5 | Raise self-serve SSO setups from 20% to 50% | no data yet | – | pending | no data yet |"
            ),
            "{md}"
        );
        let rows: Vec<&str> = report.csv.lines().collect();
        assert!(rows[0].ends_with(",status_reason"), "{}", rows[0]);
        let kr5 = rows.iter().find(|r| r.contains(",KR-5,")).unwrap();
        assert!(kr5.contains(",pending,,,") && kr5.contains("no measurement of"), "{kr5}");
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["objectives"][2]["score"].get("grade").is_none());
        assert!(json["objectives"][2]["score"].get("grade_band").is_none());

        // A cycle with nothing measured has no grade at all.
        let empty = Store::temporary().unwrap();
        draft(&empty, "Admins set up single sign-on without help", &["Raise self-serve SSO setups from 20% to 50%"]);
        let report = cycle_report(&empty);
        assert_eq!((report.summary.grade, report.summary.progress), (None, None));
        assert!(report.markdown.contains("Not graded: no data yet."), "{}", report.markdown);
        assert_eq!(report.chart_key_result, None, "an empty chart is not worth a look");
    }

    #[test]
    fn ranges_read_in_words_and_a_written_report_shows_its_chart() {
        assert_eq!(with_interval(0.13, Some(Interval { low: -0.19, high: 0.45 })), "0.13 (95% interval -0.19 to 0.45)");
        assert_eq!(with_interval(54.0, None), "54");
        let store = workspace();
        let report = cycle_report(&store);
        let beside = report.markdown_beside_chart();
        assert!(beside.contains("![Chart of KR-1, the key result most in need of attention](KR-1-chart.png)"));
        assert!(!beside.contains("grounded://key-result/KR-1/chart.png"));
        assert_eq!(chart_file(KeyResultId(1), "svg"), "KR-1-chart.svg");
    }
}

//! `explain`: "why did activation slip?" answered from the store, every claim citing
//! the measurement, indicator or evidence it rests on (docs/domain.md#5-explaining-a-slip).
//!
//! In order: resolve the subject from the words ([`subject`]); choose the window
//! ([`window`]); find the slip in each metric of the subject, with its interval so
//! noise is not called a slip ([`slip`]); look for drivers: leading indicators that
//! moved first (respecting their lag), other key results on the same metric,
//! initiatives due or stalled, notes on the measurements ([`drivers`]); rank the
//! evidence: linked `explains`/`contradicts` first, then research observed in or just
//! before the window that matches the subject, then survey questions whose score
//! changed between waves ([`ranking`]); say what is missing and the next research
//! step, and write a short narrative ([`narrative`]). It only reads.
//!
//! Measurements have no ids of their own; they are cited as metric + day:
//! `M-1@2026-10-22`.

pub mod drivers;
pub mod narrative;
pub mod ranking;
pub mod slip;
pub mod subject;
pub mod window;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clock::{day_of, end_of, start_of, today};
use crate::error::{Error, Result};
use crate::model::{
    Direction, IndicatorId, KeyResult, KeyResultId, Metric, MetricId, Objective, ObjectiveId, Status, Unit,
};
use crate::scoring::formula;
use crate::scoring::measurements::{last_before, points};
use crate::store::{Store, Table};
use crate::validate;
use drivers::Driver;
use ranking::RankedEvidence;
use slip::{Move, Worse};
use subject::{Candidate, Resolution, SubjectKind, Vocabulary};
use window::Window;

const MAX_QUESTION_CHARS: usize = 1_000;
const DEFAULT_EVIDENCE: usize = 8;
const MAX_EVIDENCE: usize = 20;
/// Days without a window named: a metric's slip is looked for in the last 90 days.
const DEFAULT_DAYS: i64 = 90;
/// Points before the window that make the level a slip is compared with.
const LOOKBACK_DAYS: i64 = 120;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The user's words ("why did activation slip?"); a month or cycle in it sets the
    /// window.
    #[serde(default)]
    pub question: Option<String>,
    // Instead of (or besides) the question.
    /// KR-1, M-2, O-1, IND-1 or a name.
    #[serde(default)]
    pub subject: Option<String>,
    // The key result's cycle; else 90 days before as_of.
    /// YYYY-MM-DD; default: the cycle's start, or 90 days back.
    #[serde(default)]
    pub from: Option<String>,
    /// Default: as_of.
    #[serde(default)]
    pub to: Option<String>,
    // Later measurements and research are ignored.
    /// YYYY-MM-DD, default today.
    #[serde(default)]
    pub as_of: Option<String>,
    /// 1-20, default 8.
    #[serde(default)]
    pub evidence_limit: Option<usize>,
    // full (the default): everything, with the narrative and the chart.
    /// brief: headline, slip, likely driver, top 3 evidence, next step (a tenth of the
    /// size).
    #[serde(default)]
    pub detail: Option<Detail>,
}

// How much of an explanation to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    Brief,
    #[default]
    Full,
}

/// Evidence items a brief answer keeps, and how much of each text.
const BRIEF_EVIDENCE: usize = 3;
const BRIEF_EXCERPT_CHARS: usize = 160;

/// How the words were resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolved {
    /// One subject; the answer is about it.
    Found,
    /// Several close candidates; ask which (or pass subject).
    Ambiguous,
    /// Nothing matched; `candidates` lists what could be asked about.
    Unknown,
    /// The question does not read as English; `candidates` are the nearest names.
    NotEnglish,
}

/// A move found in one metric of the subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricMove {
    pub metric: MetricId,
    pub metric_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_result: Option<KeyResultId>,
    /// The day the move started (its first worse value).
    pub start_day: Date,
    #[serde(flatten)]
    pub movement: Move,
    /// The key result's pace line at the start of the move, and how far the move's
    /// level is from it (negative = behind), when baseline and target are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pace_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behind_pace: Option<f64>,
    /// The measurements it rests on.
    pub cites: Vec<String>,
}

/// Something missing from the answer, and what would fill it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Gap {
    pub missing: String,
    pub next_step: crate::error::Words,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

/// One claim of the answer and the ids it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Statement {
    pub text: String,
    pub cites: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The conclusion in one sentence, as an analyst would open with it: what fell,
    /// when, by how much (with its interval), the likely driver, whether it has
    /// recovered, and where the key result stands against its pace.
    pub headline: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub as_of: Date,
    pub resolved: Resolved,
    /// What the answer is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Candidate>,
    /// Other readings of the question (ambiguous), the nearest names (not English),
    /// what can be asked about (unknown), or, with an answer, the other names the
    /// words matched about as well (the answer is about the one that slipped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Why this window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_source: Option<String>,
    /// A real slip was found (its interval excludes no change).
    pub slipped: bool,
    /// The slip, or (when nothing slipped) the largest move, which was noise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip: Option<MetricMove>,
    /// The subject's other metrics, each with its largest move.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_metrics: Vec<MetricMove>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drivers: Vec<Driver>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<RankedEvidence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<Gap>,
    /// The one research step that would most improve this answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<crate::error::Words>,
    pub statements: Vec<Statement>,
    /// A short Markdown answer an assistant can quote, ids inline.
    pub narrative: crate::error::Words,
}

/// A metric of the subject, with the key result (if any) it is scored by.
pub struct Track {
    pub metric: Metric,
    pub key_result: Option<KeyResult>,
    pub objective: Option<Objective>,
}

impl Track {
    pub fn worse(&self) -> Worse {
        match self.key_result.as_ref().and_then(|k| k.direction) {
            Some(Direction::Decrease) => Worse::Higher,
            Some(Direction::Increase | Direction::Maintain) | None => {
                match self.key_result.as_ref().and_then(|k| k.baseline.zip(k.target)) {
                    Some((b, t)) if t < b => Worse::Higher,
                    _ => Worse::Lower,
                }
            }
        }
    }
    pub fn percent(&self) -> bool {
        let unit = self.key_result.as_ref().and_then(|k| k.unit.as_ref()).or(self.metric.unit.as_ref());
        matches!(unit, Some(Unit::Percent))
    }
}

/// A measurement's citation: `M-1@2026-10-22`.
pub fn cite(metric: MetricId, at: Timestamp) -> String {
    format!("{metric}@{}", day_of(at))
}

pub fn explain(store: &Store, request: ExplainRequest) -> Result<Explanation> {
    let detail = request.detail.unwrap_or_default();
    let answer = explain_fully(store, request)?;
    Ok(match detail {
        Detail::Full => answer,
        Detail::Brief => answer.brief(),
    })
}

impl Explanation {
    /// What an assistant needs to answer in a sentence or two, and where the rest is.
    fn brief(mut self) -> Explanation {
        let dropped = self.evidence.len().saturating_sub(BRIEF_EVIDENCE);
        self.evidence.truncate(BRIEF_EVIDENCE);
        for e in &mut self.evidence {
            e.text = validate::truncate(&e.text, BRIEF_EXCERPT_CHARS);
            e.rationale = None;
        }
        // The driver the headline names: an indicator that moved first, else none.
        self.drivers.retain(|d| d.moved_first == Some(true));
        self.drivers.truncate(1);
        for d in &mut self.drivers {
            d.movement = None;
        }
        if let Some(slip) = &mut self.slip {
            slip.cites.truncate(2);
        }
        let gaps = self.gaps.len();
        self.gaps.clear();
        self.other_metrics.clear();
        self.statements.clear();
        let mut more = vec![];
        if dropped > 0 {
            more.push(format!("{dropped} more evidence items"));
        }
        if gaps > 0 {
            more.push(format!("{gaps} gap{}", if gaps == 1 { "" } else { "s" }));
        }
        more.push("every driver, the cited statements and the chart".into());
        let mut narrative = crate::error::Words::from(format!("**In short.** {}", self.headline));
        if let Some(next) = &self.next_step {
            narrative = narrative.then("\n\n**Next research step:** ").and(next.clone()).then(".");
        }
        self.narrative = narrative.and(crate::words![
            "\n\n(Brief answer: ",
            crate::error::send_again_with("detail", "full"),
            format!(" for {}.)", more.join(", "))
        ]);
        self
    }
}

fn explain_fully(store: &Store, request: ExplainRequest) -> Result<Explanation> {
    let asked = Asked::read(request)?;
    let mut answer = Explanation::to(&asked);
    let started = std::time::Instant::now();
    let (subject, also_matched) = match read_subject(store, &asked)? {
        Reading::Found { subject, also_matched } => (subject, also_matched),
        Reading::Unresolved { resolved, candidates } => {
            answer.resolved = resolved;
            answer.candidates = candidates;
            return Ok(narrative::finish(answer));
        }
    };
    tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, "explain: subject resolved");
    let tracks = tracks_of(store, &subject, asked.as_of)?;
    answer.subject = Some(subject.clone());
    answer.candidates = also_matched;

    let (window, window_source) = window_for(&tracks, asked.question.as_deref(), asked.from, asked.to, asked.as_of)?;
    answer.window = Some(window);
    answer.window_source = Some(window_source);
    let Some(first) = tracks.first() else {
        answer.gaps.push(Gap {
            missing: "the subject has no metric to measure it by".into(),
            next_step: crate::words![
                "give its key results a metric (",
                crate::error::Operation::UpdateOkr,
                ") or ask about a metric"
            ],
            cites: vec![],
        });
        return Ok(narrative::finish(answer));
    };
    tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, "explain: window chosen");

    let (primary, others, gaps) = measure_moves(store, &tracks, window)?;
    answer.gaps.extend(gaps);
    answer.other_metrics = others;
    let track = primary.as_ref().map_or(first, |(i, _)| &tracks[*i]);
    if let Some((_, m)) = primary {
        answer.slipped = m.movement.significant;
        answer.slip = Some(m);
    }
    let real_slip = answer.slip.as_ref().filter(|_| answer.slipped);
    if let Some(slip) = real_slip {
        let whole_objective = matches!(subject.kind, SubjectKind::Objective | SubjectKind::Stage);
        answer.drivers = drivers::drivers(store, track, slip, window, asked.as_of, whole_objective)?;
        tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, "explain: drivers found");
    }
    let scope = ranking::Scope { tracks: &tracks, primary: track, slip: real_slip, window, as_of: asked.as_of };
    let found = ranking::rank(store, &scope, asked.question.as_deref(), asked.evidence_limit)?;
    answer.evidence = found.evidence;
    answer.gaps.extend(found.gaps);
    tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, "explain: evidence ranked");
    narrative::finish_found(store, answer, narrative::Found { subject: &subject, window, track })
}

/// What was asked, checked: the words (or the subject named), the window's ends, the day.
struct Asked {
    question: Option<String>,
    /// The subject's id when one was named, else the question.
    text: String,
    named: bool,
    as_of: Date,
    from: Option<Date>,
    to: Option<Date>,
    evidence_limit: usize,
}

impl Asked {
    fn read(request: ExplainRequest) -> Result<Asked> {
        let question = validate::optional_text("question", request.question.as_deref(), MAX_QUESTION_CHARS)?
            .filter(|q| !q.trim().is_empty());
        let named =
            validate::optional_text("subject", request.subject.as_deref(), 200)?.filter(|s| !s.trim().is_empty());
        let text = match (&named, &question) {
            (Some(s), _) => s.clone(),
            (None, Some(q)) => q.clone(),
            (None, None) => {
                return Err(Error::invalid(
                    "question",
                    crate::words![
                        "is empty; ask about a metric, key result or journey stage (\"why did week-1 retention slip?\"), or give ",
                        crate::error::setting("subject", "an id such as KR-1, M-2, O-1 or IND-1")
                    ],
                ));
            }
        };
        let as_of = match request.as_of.as_deref() {
            Some(d) => validate::date("as_of", d)?,
            None => today(),
        };
        let from = request.from.as_deref().map(|d| validate::date("from", d)).transpose()?;
        let to = request.to.as_deref().map(|d| validate::date("to", d)).transpose()?;
        if let (Some(a), Some(b)) = (from, to)
            && b < a
        {
            return Err(Error::invalid("to", format!("{b} is before from {a}; give a window that runs forward")));
        }
        let evidence_limit = match request.evidence_limit {
            None => DEFAULT_EVIDENCE,
            Some(n) if (1..=MAX_EVIDENCE).contains(&n) => n,
            Some(n) => {
                return Err(Error::invalid("evidence_limit", format!("is {n}; 1 to {MAX_EVIDENCE} is accepted")));
            }
        };
        Ok(Asked { question, text, named: named.is_some(), as_of, from, to, evidence_limit })
    }
}

impl Explanation {
    /// The answer before anything is found: what was asked, as of when.
    fn to(asked: &Asked) -> Explanation {
        Explanation {
            headline: String::new(),
            question: asked.question.clone(),
            as_of: asked.as_of,
            resolved: Resolved::Found,
            subject: None,
            candidates: vec![],
            window: None,
            window_source: None,
            slipped: false,
            slip: None,
            other_metrics: vec![],
            drivers: vec![],
            evidence: vec![],
            gaps: vec![],
            next_step: None,
            statements: vec![],
            narrative: crate::error::Words::default(),
        }
    }
}

/// Where the question stands once its words are read: one subject (and the near
/// matches it was preferred to), or the candidates to ask about.
enum Reading {
    Found { subject: Candidate, also_matched: Vec<Candidate> },
    Unresolved { resolved: Resolved, candidates: Vec<Candidate> },
}

/// Step 1: the subject the words name. Among names the words match about equally, the
/// one that really slipped is the one being asked about; never a confident answer on a
/// flat metric while a near match fell (docs/domain.md#step-1-the-subject).
fn read_subject(store: &Store, asked: &Asked) -> Result<Reading> {
    let text = &asked.text;
    let foreign = !asked.named && subject::looks_foreign(text);
    let slipped = |candidate: &Candidate| {
        slipped_in(store, candidate, asked.question.as_deref(), asked.from, asked.to, asked.as_of)
    };
    // The names are read only when no id was given.
    let mut vocabulary = None;
    let resolution = match subject::id_in(store, text)? {
        Some(found) => Resolution::Found(found),
        None => vocabulary.insert(Vocabulary::current(store)?).resolve(text, !foreign),
    };
    let mut also_matched: Vec<Candidate> = vec![];
    let resolution = match (&vocabulary, resolution) {
        (Some(words), Resolution::Found(best)) if !foreign => {
            let near: Vec<Candidate> = words
                .candidates(text, true)
                .into_iter()
                .filter(|c| c.id != best.id && c.score >= NEAR_MATCH * best.score)
                .collect();
            // A stage and its own key results are one subject, not two readings.
            let best_metrics = metrics_of(store, &best, asked.as_of)?;
            let mut distinct = vec![];
            for candidate in near {
                let theirs = metrics_of(store, &candidate, asked.as_of)?;
                if !theirs.is_subset(&best_metrics) && !best_metrics.is_subset(&theirs) {
                    distinct.push(candidate);
                }
            }
            let best_fell = !distinct.is_empty() && slipped(&best)?;
            let mut fell = vec![];
            for candidate in &distinct {
                if slipped(candidate)? {
                    fell.push(candidate.clone());
                }
            }
            match (best_fell, fell.len()) {
                (_, 0) => {
                    also_matched = distinct;
                    Resolution::Found(best)
                }
                (false, 1) => {
                    also_matched =
                        std::iter::once(best).chain(distinct.into_iter().filter(|c| c.id != fell[0].id)).collect();
                    Resolution::Found(fell.remove(0))
                }
                (true, _) => Resolution::Ambiguous(std::iter::once(best).chain(fell).collect()),
                (false, _) => Resolution::Ambiguous(fell),
            }
        }
        (Some(_), Resolution::Ambiguous(close)) if !foreign => {
            let mut fell = vec![];
            for candidate in &close {
                if slipped(candidate)? {
                    fell.push(candidate.clone());
                }
            }
            if fell.len() == 1 {
                also_matched = close.into_iter().filter(|c| c.id != fell[0].id).collect();
                Resolution::Found(fell.remove(0))
            } else {
                Resolution::Ambiguous(close)
            }
        }
        (_, other) => other,
    };
    let words = match vocabulary {
        Some(words) => words,
        None => Vocabulary::current(store)?,
    };
    Ok(match resolution {
        Resolution::Found(subject) if !foreign || subject.matched == ["id"] => Reading::Found { subject, also_matched },
        Resolution::Found(c) => Reading::Unresolved { resolved: Resolved::NotEnglish, candidates: vec![c] },
        _ if foreign => Reading::Unresolved {
            resolved: Resolved::NotEnglish,
            candidates: words.candidates(text, true).into_iter().take(5).collect(),
        },
        Resolution::Ambiguous(candidates) => Reading::Unresolved { resolved: Resolved::Ambiguous, candidates },
        Resolution::Unknown { near } => Reading::Unresolved {
            resolved: Resolved::Unknown,
            candidates: if near.is_empty() { words.explainable(12) } else { near },
        },
    })
}

/// Step 2: each metric's largest move in the window; the slip is the most certain real
/// fall (the largest in units of its own interval), the others are said beside it. A
/// metric with no value in the window is a gap.
type Moves = (Option<(usize, MetricMove)>, Vec<MetricMove>, Vec<Gap>);

fn measure_moves(store: &Store, tracks: &[Track], window: Window) -> Result<Moves> {
    let (window_start, window_end) = (start_of(window.from), end_of(window.to));
    let mut moves: Vec<(usize, MetricMove)> = vec![];
    let mut gaps = vec![];
    for (i, track) in tracks.iter().enumerate() {
        let metric = track.metric.id;
        let series = points(store, metric, window_start - SignedDuration::from_hours(24 * LOOKBACK_DAYS), window_end)?;
        if !series.iter().any(|p| p.at >= window_start) {
            gaps.push(no_data(store, track, window)?);
            continue;
        }
        if let Some(movement) = slip::largest_move(&series, window_start, window_end, track.worse(), track.percent()) {
            moves.push((i, metric_move(track, movement)));
        }
    }
    let certainty = |m: &MetricMove| {
        let half = m.movement.interval.map(|iv| (iv.high - iv.low) / 2.0).filter(|h| *h > 0.0);
        (m.movement.significant, half.map(|h| m.movement.change.abs() / h).unwrap_or(0.0))
    };
    moves.sort_by(|a, b| certainty(&b.1).partial_cmp(&certainty(&a.1)).unwrap_or(std::cmp::Ordering::Equal));
    let mut moves = moves.into_iter();
    let primary = moves.next();
    Ok((primary, moves.map(|(_, m)| m).collect(), gaps))
}

fn metric_move(track: &Track, movement: Move) -> MetricMove {
    let metric = track.metric.id;
    let (pace_value, behind_pace) = match (&track.key_result, &track.objective) {
        (Some(kr), Some(objective)) => match (kr.baseline, kr.target) {
            (Some(b), Some(t)) => {
                let cycle = &objective.cycle;
                let elapsed = crate::clock::days_between(start_of(cycle.start()), movement.start);
                let e = formula::expected_progress(elapsed.max(0.0), cycle.days() as f64);
                let pace = b + e * (t - b);
                let gap = match track.worse() {
                    Worse::Lower => movement.level_after - pace,
                    Worse::Higher => pace - movement.level_after,
                };
                (Some(round(pace)), Some(round(gap)))
            }
            _ => (None, None),
        },
        _ => (None, None),
    };
    MetricMove {
        metric,
        metric_name: track.metric.name.clone(),
        key_result: track.key_result.as_ref().map(|k| k.id),
        start_day: day_of(movement.start),
        cites: movement.cited.iter().map(|at| cite(metric, *at)).collect(),
        movement,
        pace_value,
        behind_pace,
    }
}

fn round(x: f64) -> f64 {
    crate::stats::rounded(x, crate::stats::CHANGE)
}

/// No measurement in the window: say where the metric's data is.
fn no_data(store: &Store, track: &Track, window: Window) -> Result<Gap> {
    let metric = track.metric.id;
    let latest = last_before(store, metric, Timestamp::MAX)?;
    let subject = match &track.key_result {
        Some(kr) => format!("{} ({metric}, the metric of {})", track.metric.name, kr.id),
        None => format!("{} ({metric})", track.metric.name),
    };
    Ok(match latest {
        None => Gap {
            missing: format!("{subject} has no measurements at all"),
            next_step: crate::words![
                "record its values (",
                crate::error::Operation::RecordMeasurements,
                ", ",
                crate::error::Operation::ImportMeasurements,
                " or ",
                crate::error::Operation::SyncSources,
                ") before asking why it moved"
            ],
            cites: vec![metric.to_string()],
        },
        Some(p) => Gap {
            missing: format!(
                "{subject} has no measurements between {} and {}; its latest is {} on {}",
                window.from,
                window.to,
                p.value,
                day_of(p.at)
            ),
            next_step: "ask about a window that has data, or record the missing values".into(),
            cites: vec![cite(metric, p.at)],
        },
    })
}

/// The subject's cycle (of its first key result), up to as_of; else the last 90 days.
/// Names matching at least this share of the best match's score are "about equal".
const NEAR_MATCH: f64 = 0.75;

/// The window: from and to as given, else named in the question, else the cycle.
fn window_for(
    tracks: &[Track],
    question: Option<&str>,
    from: Option<Date>,
    to: Option<Date>,
    as_of: Date,
) -> Result<(Window, String)> {
    Ok(match (from, to) {
        (Some(f), t) => (Window { from: f, to: t.unwrap_or(as_of).min(as_of).max(f) }, "from and to, as given".into()),
        (None, Some(t)) => {
            (Window { from: window::days_before(t, DEFAULT_DAYS), to: t }, "to, as given; 90 days before it".into())
        }
        (None, None) => match question.and_then(|q| window::from_words(q, as_of)) {
            Some(found) => found,
            None => default_window(tracks, as_of)?,
        },
    })
}

fn metrics_of(store: &Store, candidate: &Candidate, as_of: Date) -> Result<std::collections::HashSet<MetricId>> {
    Ok(tracks_of(store, candidate, as_of)?.into_iter().map(|t| t.metric.id).collect())
}

/// Whether any metric of `candidate` fell beyond noise in the window the question
/// would get: how near-equal readings of a question are told apart.
fn slipped_in(
    store: &Store,
    candidate: &Candidate,
    question: Option<&str>,
    from: Option<Date>,
    to: Option<Date>,
    as_of: Date,
) -> Result<bool> {
    let tracks = tracks_of(store, candidate, as_of)?;
    if tracks.is_empty() {
        return Ok(false);
    }
    let (window, _) = window_for(&tracks, question, from, to, as_of)?;
    let (start, end) = (start_of(window.from), end_of(window.to));
    for track in &tracks {
        let series = points(store, track.metric.id, start - SignedDuration::from_hours(24 * LOOKBACK_DAYS), end)?;
        if slip::largest_move(&series, start, end, track.worse(), track.percent()).is_some_and(|m| m.significant) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn default_window(tracks: &[Track], as_of: Date) -> Result<(Window, String)> {
    if let Some(objective) = tracks.iter().find_map(|t| t.objective.as_ref()) {
        let cycle = &objective.cycle;
        if cycle.start() <= as_of {
            return Ok((
                Window { from: cycle.start(), to: cycle.end().min(as_of) },
                format!("{}, the cycle of {}, up to {as_of}", cycle.name(), objective.id),
            ));
        }
    }
    let from = window::days_before(as_of, DEFAULT_DAYS);
    Ok((Window { from, to: as_of }, format!("the {DEFAULT_DAYS} days up to {as_of}")))
}

/// The metrics a subject is measured by, each with its key result.
fn tracks_of(store: &Store, subject: &Candidate, as_of: Date) -> Result<Vec<Track>> {
    let load_kr = |kr: &KeyResult| -> Result<Option<Track>> {
        let Some(metric) = kr.metric else { return Ok(None) };
        let Some(metric) = store.metric(metric)? else { return Ok(None) };
        Ok(Some(Track { metric, key_result: Some(kr.clone()), objective: store.objective(kr.objective)? }))
    };
    let of_objectives = |objectives: &[Objective]| -> Result<Vec<Track>> {
        let mut tracks = vec![];
        for objective in objectives {
            for id in &objective.key_results {
                if let Some(kr) = store.key_result(*id)?
                    && kr.status != Status::Archived
                {
                    tracks.extend(load_kr(&kr)?);
                }
            }
        }
        Ok(tracks)
    };
    match subject.kind {
        SubjectKind::KeyResult => {
            let id: KeyResultId =
                subject.id.parse().map_err(|e: crate::model::IdParseError| Error::invalid("subject", e.to_string()))?;
            let kr = crate::store::okrs::load_key_result(store, "subject", id)?;
            Ok(load_kr(&kr)?.into_iter().collect())
        }
        SubjectKind::Objective => {
            let id: ObjectiveId =
                subject.id.parse().map_err(|e: crate::model::IdParseError| Error::invalid("subject", e.to_string()))?;
            of_objectives(&[crate::store::okrs::load_objective(store, "subject", id)?])
        }
        SubjectKind::Stage => {
            let all: Vec<Objective> = store
                .scan::<Objective>(Table::Objectives)
                .filter(|o| {
                    o.as_ref().map_or(true, |o| {
                        o.stage.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&subject.id))
                            && o.status != Status::Archived
                    })
                })
                .collect::<Result<_>>()?;
            // The stage's objectives of the current cycle, when it has any.
            let current: Vec<Objective> = all.iter().filter(|o| o.cycle.contains(as_of)).cloned().collect();
            of_objectives(if current.is_empty() { &all } else { &current })
        }
        SubjectKind::Indicator => {
            let id: IndicatorId =
                subject.id.parse().map_err(|e: crate::model::IdParseError| Error::invalid("subject", e.to_string()))?;
            let indicator = store.indicator(id)?.ok_or_else(|| {
                Error::not_found(
                    "subject",
                    id,
                    crate::words!["list a key result's indicators with ", crate::error::Operation::GetOkr],
                )
            })?;
            let metric = store
                .metric(indicator.metric)?
                .ok_or_else(|| Error::not_found("subject", indicator.metric, "the indicator's metric is gone"))?;
            // An indicator is explained as its own metric; its key result gives the
            // cycle, not the direction (an indicator need not move the KR's way).
            let objective = match store.key_result(indicator.key_result)? {
                Some(k) => store.objective(k.objective)?,
                None => None,
            };
            Ok(vec![Track { metric, key_result: None, objective }])
        }
        SubjectKind::Metric => {
            let id: MetricId =
                subject.id.parse().map_err(|e: crate::model::IdParseError| Error::invalid("subject", e.to_string()))?;
            let metric = store.metric(id)?.ok_or_else(|| {
                Error::not_found("subject", id, "metrics are created with key results and indicators")
            })?;
            let users: Vec<KeyResult> = store
                .scan::<KeyResult>(Table::KeyResults)
                .filter(|k| k.as_ref().map_or(true, |k| k.metric == Some(id) && k.status != Status::Archived))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .filter(|k| store.objective(k.objective).ok().flatten().is_some_and(|o| o.status != Status::Archived))
                .collect();
            match users.as_slice() {
                [only] => Ok(load_kr(only)?.into_iter().collect()),
                _ => Ok(vec![Track { metric, key_result: None, objective: None }]),
            }
        }
    }
}

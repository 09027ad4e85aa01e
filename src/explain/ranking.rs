//! The evidence an explanation rests on, ranked (docs/domain.md#step-4-ranking-the-evidence):
//! evidence linked to the subject as `explains` or `contradicts` first; then research
//! observed in or just before the window that matches the subject's words; then survey
//! questions whose score changed between waves (only changes whose interval excludes
//! 0). Linked evidence that no longer exists, and research that is missing, become gaps.

use std::collections::HashSet;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::window::Window;
use super::{Gap, MetricMove, Track};
use crate::error::Result;
use crate::evidence::search::{SearchRequest, Vocabulary, search};
use crate::evidence::stats::compare_waves;
use crate::model::{Evidence, EvidenceId, EvidenceKind, LinkId, Relation};
use crate::stats::Interval;
use crate::store::links::links_of_target;
use crate::store::{Store, Table};

/// Research observed this long before the slip (or window) still counts as "just before".
const BEFORE_DAYS: i64 = 30;
/// A survey wave ending this long before the window can still show the change.
const WAVE_SLACK_DAYS: i64 = 45;
const EXCERPT_CHARS: usize = 280;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    LinkedExplains,
    LinkedContradicts,
    ObservedInWindow,
    SurveyChange,
}

/// A survey question's change between two waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SurveyChange {
    pub question: String,
    pub statistic: String,
    pub before_wave: String,
    pub after_wave: String,
    pub before: f64,
    pub after: f64,
    pub difference: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    pub n_before: u32,
    pub n_after: u32,
    pub before_evidence: EvidenceId,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RankedEvidence {
    pub rank: usize,
    pub id: EvidenceId,
    pub tier: Tier,
    pub kind: EvidenceKind,
    /// The excerpt (shortened past 280 characters).
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<Date>,
    /// Linked evidence: the link, what it is linked to, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Why it is here, in words.
    pub why: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<SurveyChange>,
}

pub struct Ranked {
    pub evidence: Vec<RankedEvidence>,
    pub gaps: Vec<Gap>,
}

fn shorten(text: &str) -> String {
    crate::validate::truncate(text, EXCERPT_CHARS)
}

fn entry(evidence: &Evidence, tier: Tier, why: String) -> RankedEvidence {
    RankedEvidence {
        rank: 0,
        id: evidence.id,
        tier,
        kind: evidence.kind,
        text: shorten(&evidence.text),
        participant: evidence.participant.clone(),
        segment: evidence.segment.clone(),
        observed_at: evidence.observed_at,
        link: None,
        relation: None,
        target: None,
        rationale: None,
        why,
        change: None,
    }
}

/// The words research about the subject would use: metric names, statements, stages.
pub fn subject_words(store: &Store, tracks: &[Track], question: Option<&str>) -> Result<String> {
    let mut words: Vec<String> = vec![];
    for track in tracks {
        words.extend(super::subject::content_words(&track.metric.name));
        if let Some(kr) = &track.key_result {
            words.extend(super::subject::content_words(&kr.statement));
            let (indicators, _) = crate::store::okrs::children(store, kr.id)?;
            for indicator in indicators {
                if let Some(metric) = store.metric(indicator.metric)? {
                    words.extend(super::subject::content_words(&metric.name));
                }
            }
        }
        if let Some(stage) = track.objective.as_ref().and_then(|o| o.stage.as_ref()) {
            words.push(stage.to_lowercase());
        }
    }
    if let Some(q) = question {
        words.extend(super::subject::content_words(q));
    }
    let mut seen = HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    Ok(words.join(" "))
}

/// Words that name no subject: units of time and of measure. Research uses them
/// for everything ("within a day"), so they never make research relevant.
const GENERIC_WORDS: &[&str] = &[
    "day",
    "days",
    "daily",
    "week",
    "weeks",
    "weekly",
    "month",
    "months",
    "monthly",
    "hour",
    "hours",
    "minute",
    "minutes",
    "within",
    "time",
    "times",
    "rate",
    "share",
    "percent",
    "percentage",
    "number",
    "count",
    "total",
    "average",
    "median",
    "mean",
    "per",
    "new",
    "first",
    "last",
    "more",
    "less",
    "least",
    "most",
    "increase",
    "decrease",
    "raise",
    "reduce",
    "grow",
    "cut",
    "improve",
    "keep",
    "maintain",
    "slip",
    "slipped",
    "drop",
    "dropped",
    "fell",
    "fall",
    "go",
    "went",
    "down",
    "up",
];
/// In a corpus at least this large, a word used by more than a fifth of the items
/// is too common to make research relevant.
const RARITY_MIN_ITEMS: u64 = 20;

/// What makes research relevant to a subject: the query (its words without the
/// generic and the common ones) and the stems of its own words (metric name, the
/// metric phrase of its key result, its leading indicators' metrics, its journey
/// stage), one of which a research item has to use to be cited.
pub struct Relevance {
    pub query: String,
    own: HashSet<String>,
    vocabulary: Vocabulary,
}

impl Relevance {
    pub fn of(store: &Store, tracks: &[Track], question: Option<&str>) -> Result<Relevance> {
        let vocabulary = Vocabulary::of(store)?;
        let items = vocabulary.items();
        let mut common: std::collections::HashMap<String, bool> = Default::default();
        let mut is_common = |vocabulary: &Vocabulary, stem: &str| -> Result<bool> {
            if let Some(c) = common.get(stem) {
                return Ok(*c);
            }
            let c = items >= RARITY_MIN_ITEMS && vocabulary.items_using(stem)? * 5 > items;
            common.insert(stem.to_string(), c);
            Ok(c)
        };
        let mut query = vec![];
        for word in subject_words(store, tracks, question)?.split_whitespace() {
            if GENERIC_WORDS.contains(&word) {
                continue;
            }
            let mut rare = false;
            for stem in vocabulary.stems(word)? {
                rare |= !is_common(&vocabulary, &stem)?;
            }
            if rare {
                query.push(word.to_string());
            }
        }
        let mut own_text = vec![];
        for track in tracks {
            own_text.push(track.metric.name.clone());
            if let Some(kr) = &track.key_result {
                own_text.extend(crate::okr::statement::parse_statement(&kr.statement).metric);
                // Its leading indicators are the subject's own too: research about
                // inviting a teammate is about the retention it leads.
                for indicator in crate::store::okrs::children(store, kr.id)?.0 {
                    own_text.extend(store.metric(indicator.metric)?.map(|m| m.name));
                }
            }
            if let Some(stage) = track.objective.as_ref().and_then(|o| o.stage.clone()) {
                own_text.push(stage);
            }
        }
        // "week-1" stems to "week" and "1": generic words are left out after stemming too.
        let generic: HashSet<String> = vocabulary.stems(&GENERIC_WORDS.join(" "))?.into_iter().collect();
        let mut own = HashSet::new();
        for stem in vocabulary.stems(&super::subject::content_words(&own_text.join(" ")).join(" "))? {
            let named = !generic.contains(&stem) && !stem.chars().all(|c| c.is_ascii_digit());
            if named && !is_common(&vocabulary, &stem)? {
                own.insert(stem);
            }
        }
        Ok(Relevance { query: query.join(" "), own, vocabulary })
    }

    /// Whether the text uses one of the subject's own words (any text does when the
    /// subject's words are all generic or common: then the query alone decides).
    pub fn names_subject(&self, text: &str) -> Result<bool> {
        Ok(self.own.is_empty() || self.vocabulary.stems(text)?.iter().any(|s| self.own.contains(s)))
    }
}

/// The subject's targets that evidence can be linked to: key results, their
/// objectives, indicators and metrics. The primary track's come first.
fn targets(store: &Store, tracks: &[Track], primary: &Track) -> Result<Vec<String>> {
    let mut out = vec![];
    for track in std::iter::once(primary).chain(tracks) {
        if let Some(kr) = &track.key_result {
            out.push(kr.id.to_string());
            let (indicators, _) = crate::store::okrs::children(store, kr.id)?;
            for indicator in indicators {
                out.push(indicator.id.to_string());
                out.push(indicator.metric.to_string());
            }
        }
        out.push(track.metric.id.to_string());
        if let Some(o) = &track.objective {
            out.push(o.id.to_string());
        }
    }
    let mut seen = HashSet::new();
    out.retain(|t| seen.insert(t.clone()));
    Ok(out)
}

/// What the evidence is ranked for: the subject's metrics, the one that moved, its
/// real slip (if any), the window and the day.
pub struct Scope<'a> {
    pub tracks: &'a [Track],
    pub primary: &'a Track,
    pub slip: Option<&'a MetricMove>,
    pub window: Window,
    pub as_of: Date,
}

pub fn rank(store: &Store, scope: &Scope<'_>, question: Option<&str>, limit: usize) -> Result<Ranked> {
    let Scope { tracks, primary, slip, window, as_of } = *scope;
    let targets = targets(store, tracks, primary)?;
    let mut seen: HashSet<EvidenceId> = HashSet::new();
    let (mut evidence, mut gaps) = linked(store, &targets, as_of, &mut seen)?;
    let nothing_linked = evidence.is_empty();
    let relevance = Relevance::of(store, tracks, question)?;
    let anchor = slip.map(|s| s.start_day).unwrap_or(window.from);
    let (observed, elsewhere) = observed(store, scope, &relevance, &targets, anchor, &mut seen)?;
    evidence.extend(observed);
    if nothing_linked {
        gaps.insert(0, nothing_linked_gap(store, scope, &evidence, anchor)?);
    }
    if let Some(since) = slip.map(|s| s.start_day) {
        let talked = evidence
            .iter()
            .any(|e| e.kind == EvidenceKind::Interview && e.observed_at.is_some_and(|d| d >= since && d <= as_of));
        if !talked {
            gaps.push(Gap {
                missing: format!("no interviews matching the subject were observed since the slip began ({since})"),
                next_step: interview_step(store, &primary.metric.name, &evidence, since)?.into(),
                cites: vec![],
            });
        }
    }

    let changes = survey_changes(store, &relevance, window, as_of)?;
    if changes.is_empty() && slip.is_some() {
        gaps.push(Gap {
            missing: "no survey question matching the subject changed beyond noise between waves around the window".into(),
            next_step: format!(
                "if a survey asks {} about {}, compare its wave after {} with the one before (the change is real only when its interval excludes 0)",
                who_it_happened_to(&evidence).map(|s| format!("{s} customers")).unwrap_or_else(|| "customers".into()),
                primary.metric.name,
                slip.map(|s| s.start_day).unwrap_or(window.from)
            )
            .into(),
            cites: vec![],
        });
    }
    for item in changes {
        if seen.insert(item.id) {
            evidence.push(item);
        }
    }
    evidence.extend(elsewhere);
    evidence.truncate(limit);
    for (i, e) in evidence.iter_mut().enumerate() {
        e.rank = i + 1;
    }
    Ok(Ranked { evidence, gaps })
}

/// Tier 1: research linked to the subject, its indicators or its metric as explaining
/// the move (first) or contradicting it, nearest target first, newest first; a link
/// whose evidence is gone is a gap.
fn linked(
    store: &Store,
    targets: &[String],
    as_of: Date,
    seen: &mut HashSet<EvidenceId>,
) -> Result<(Vec<RankedEvidence>, Vec<Gap>)> {
    let mut gaps = vec![];
    let mut linked: Vec<(u8, usize, RankedEvidence)> = vec![];
    for (order, target) in targets.iter().enumerate() {
        for link in links_of_target(store, target)? {
            let tier = match link.relation {
                Relation::Explains => Tier::LinkedExplains,
                Relation::Contradicts => Tier::LinkedContradicts,
                _ => continue,
            };
            let Some(evidence) = store.get::<Evidence>(Table::Evidence, &link.evidence.key())? else {
                gaps.push(Gap {
                    missing: format!(
                        "{} links {} to {target}, but {} no longer exists",
                        link.id, link.evidence, link.evidence
                    ),
                    next_step: crate::words![
                        "unlink it (",
                        crate::error::Operation::UnlinkEvidence,
                        format!(" {}) or restore the research it pointed to", link.evidence)
                    ],
                    cites: vec![link.id.to_string()],
                });
                continue;
            };
            if evidence.observed_at.is_some_and(|d| d > as_of) || !seen.insert(evidence.id) {
                continue;
            }
            // Who linked it, when grounded knows (an unnamed process records "unknown").
            let by = Some(link.author.trim())
                .filter(|a| !a.is_empty() && *a != "unknown")
                .map(|a| format!(" by {a}"))
                .unwrap_or_default();
            let why = format!("linked to {target} as {}{by}: {}", relation_name(link.relation), link.rationale);
            let mut item = entry(&evidence, tier, why);
            item.link = Some(link.id);
            item.relation = Some(link.relation);
            item.target = Some(target.clone());
            item.rationale = Some(link.rationale.clone());
            linked.push((u8::from(tier == Tier::LinkedContradicts), order, item));
        }
    }
    linked.sort_by_key(|(contradicts, order, item)| (*contradicts, *order, std::cmp::Reverse(item.observed_at)));
    Ok((linked.into_iter().map(|(_, _, e)| e).collect(), gaps))
}

/// Tier 2: research observed in the window (or just before the slip) whose words name
/// the subject; what someone linked to another key result instead comes last, and says so.
fn observed(
    store: &Store,
    scope: &Scope<'_>,
    relevance: &Relevance,
    targets: &[String],
    anchor: Date,
    seen: &mut HashSet<EvidenceId>,
) -> Result<(Vec<RankedEvidence>, Vec<RankedEvidence>)> {
    let (window, as_of) = (scope.window, scope.as_of);
    let words = relevance.query.clone();
    let (mut evidence, mut elsewhere) = (vec![], vec![]);
    let from = super::window::days_before(anchor, BEFORE_DAYS);
    let to = window.to.min(as_of);
    if !words.is_empty() {
        let found = search(
            store,
            &SearchRequest {
                query: Some(words.clone()),
                from: Some(from.to_string()),
                to: Some(to.to_string()),
                limit: Some(30),
                ..Default::default()
            },
        )?;
        for hit in found.hits {
            if hit.evidence.kind == EvidenceKind::Survey
                || !relevance.names_subject(&hit.evidence.text)?
                || !seen.insert(hit.id)
            {
                continue;
            }
            let matched = bold_words(&hit.snippet);
            let when = hit.evidence.observed_at.map(|d| format!("observed {d}")).unwrap_or_default();
            let mut why = format!(
                "{when}, {} the window; matches {}",
                if hit.evidence.observed_at.is_some_and(|d| d < window.from) { "just before" } else { "in" },
                if matched.is_empty() { "the subject".to_string() } else { matched.join(", ") }
            );
            let others: Vec<&String> = hit.linked_to.iter().filter(|t| !targets.contains(*t)).collect();
            if !others.is_empty() && hit.linked_to.iter().all(|t| !targets.contains(t)) {
                let others: Vec<&str> = others.iter().map(|t| t.as_str()).collect();
                why.push_str(&format!("; linked to {} instead, not to this subject", others.join(", ")));
                elsewhere.push(entry(&hit.evidence, Tier::ObservedInWindow, why));
            } else {
                evidence.push(entry(&hit.evidence, Tier::ObservedInWindow, why));
            }
        }
    }
    Ok((evidence, elsewhere))
}

/// When nothing is linked as explaining the move: the research to read, when some was
/// found; else who to ask, or how to find research to link.
fn nothing_linked_gap(store: &Store, scope: &Scope<'_>, evidence: &[RankedEvidence], anchor: Date) -> Result<Gap> {
    let (primary, slip) = (scope.primary, scope.slip);
    // The step names the research to read when some was found; else who to ask.
    let subject = primary.key_result.as_ref().map(|k| k.id.to_string()).unwrap_or(primary.metric.id.to_string());
    let found = evidence.iter().find(|e| e.tier == Tier::ObservedInWindow);
    let next_step = match found {
        Some(e) => crate::words![
            format!(
                "read {} ({}observed {}), which matches {}; if it explains the move, link it to {subject} (",
                e.id,
                [e.participant.as_deref(), e.segment.as_deref()]
                    .into_iter()
                    .flatten()
                    .map(|s| format!("{s}, "))
                    .collect::<String>(),
                e.observed_at.map(|d| d.to_string()).unwrap_or_else(|| "undated".into()),
                primary.metric.name
            ),
            crate::error::Operation::LinkEvidence,
            ", ",
            crate::error::setting("relation", "explains"),
            ")"
        ],
        None if slip.is_some() => interview_step(store, &primary.metric.name, evidence, anchor)?.into(),
        None => crate::words![
            "link what explains it (",
            crate::error::Operation::LinkEvidence,
            " with ",
            crate::error::setting("relation", "explains"),
            "); ",
            crate::error::Operation::SuggestLinks,
            format!(" {subject} lists research that matches it")
        ],
    };
    Ok(Gap {
        missing: format!(
            "no evidence is linked to {subject} (or its indicators) as explaining or contradicting the move"
        ),
        next_step,
        cites: vec![subject],
    })
}

fn relation_name(relation: Relation) -> &'static str {
    match relation {
        Relation::Explains => "explains",
        Relation::Contradicts => "contradicts",
        Relation::Supports => "supports",
        Relation::Validates => "validates",
        Relation::Motivates => "motivates",
        Relation::Baseline => "baseline",
    }
}

/// The words search marked in a snippet (**word**).
fn bold_words(snippet: &str) -> Vec<String> {
    let mut out: Vec<String> = snippet.split("**").skip(1).step_by(2).map(|w| w.to_lowercase()).collect();
    out.sort();
    out.dedup();
    out
}

/// The interviews that would test an explanation, built from the case: who (the
/// segment most of the research about it comes from), which metric, since when, and
/// the study to re-run when the research came from one.
/// The segment most of the research about the move comes from; research linked as
/// explaining it says most about who it happened to, so it weighs three times.
fn who_it_happened_to(evidence: &[RankedEvidence]) -> Option<&str> {
    let mut segments: Vec<(&str, usize)> = vec![];
    for e in evidence {
        let Some(segment) = e.segment.as_deref() else { continue };
        let weight = if e.tier == Tier::LinkedExplains { 3 } else { 1 };
        match segments.iter_mut().find(|(s, _)| *s == segment) {
            Some((_, n)) => *n += weight,
            None => segments.push((segment, weight)),
        }
    }
    segments.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    segments.first().map(|(s, _)| *s)
}

pub(super) fn interview_step(store: &Store, metric: &str, evidence: &[RankedEvidence], since: Date) -> Result<String> {
    let who = who_it_happened_to(evidence).map(|s| format!("{s} customers")).unwrap_or_else(|| "customers".into());
    let mut study = None;
    for e in evidence {
        if let Some(id) = store.get::<Evidence>(Table::Evidence, &e.id.key())?.and_then(|e| e.study)
            && let Some(found) = store.get::<crate::model::Study>(Table::Studies, &id.key())?
        {
            study = Some(found);
            break;
        }
    }
    let rerun = study.map(|s| format!(", or re-run \"{}\" ({}) with them", s.name, s.id)).unwrap_or_default();
    Ok(format!(
        "interview five {who} whose {metric} slipped since {since}: ask what changed for them around {since} and what they did instead{rerun}"
    ))
}

/// Survey questions matching the subject whose score changed between consecutive
/// waves, the later wave ending in or shortly before the window.
fn survey_changes(store: &Store, relevance: &Relevance, window: Window, as_of: Date) -> Result<Vec<RankedEvidence>> {
    let words = relevance.query.as_str();
    if words.is_empty() {
        return Ok(vec![]);
    }
    let found = search(
        store,
        &SearchRequest {
            query: Some(words.into()),
            kind: Some(EvidenceKind::Survey),
            to: Some(as_of.to_string()),
            limit: Some(60),
            ..Default::default()
        },
    )?;
    let mut waves = vec![];
    for hit in found.hits {
        // A survey is about the subject when its question names it.
        if hit.evidence.survey.is_some() && relevance.names_subject(&hit.evidence.text)? {
            waves.push(hit.evidence);
        }
    }
    let wave_day = |e: &Evidence| e.survey.as_ref().and_then(|s| s.wave_end.or(s.wave_start)).or(e.observed_at);
    waves.sort_by(|a, b| {
        (a.text.as_str(), a.segment.as_deref(), wave_day(a)).cmp(&(b.text.as_str(), b.segment.as_deref(), wave_day(b)))
    });
    let earliest = super::window::days_before(window.from, WAVE_SLACK_DAYS);
    let mut out = vec![];
    for pair in waves.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        if before.text != after.text || before.segment != after.segment {
            continue;
        }
        if wave_day(after).is_none_or(|d| d < earliest || d > as_of) {
            continue;
        }
        let (Some(b), Some(a)) = (before.survey.as_ref(), after.survey.as_ref()) else { continue };
        let Some(change) = compare_waves(b, a).into_iter().find(|c| c.real) else { continue };
        let wave = |s: &crate::model::SurveyResult, e: &Evidence| {
            s.wave.clone().unwrap_or_else(|| wave_day(e).map(|d| d.to_string()).unwrap_or_default())
        };
        let (before_wave, after_wave) = (wave(b, before), wave(a, after));
        // The question itself is the item's text: the reason says only what changed.
        let why = format!(
            "{} {} → {} ({:+}) from {before_wave} to {after_wave}, n {} → {}; the interval excludes 0",
            change.name, change.before, change.after, change.difference, change.n_before, change.n_after
        );
        let mut item = entry(after, Tier::SurveyChange, why);
        item.change = Some(SurveyChange {
            question: after.text.clone(),
            statistic: change.name,
            before_wave,
            after_wave,
            before: change.before,
            after: change.after,
            difference: change.difference,
            interval: change.interval,
            n_before: change.n_before,
            n_after: change.n_after,
            before_evidence: before.id,
            method: change.method,
        });
        out.push(item);
    }
    Ok(out)
}

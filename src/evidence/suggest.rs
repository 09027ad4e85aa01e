//! `suggest_links`: for a piece of evidence, the key results and indicators it most
//! likely bears on; for a key result, the unlinked evidence that matches it. Each
//! suggestion carries its reason (the words they share), so a person decides.

use std::collections::{BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::search::{SearchRequest, search};
use crate::error::{Error, Result};
use crate::model::{Evidence, EvidenceId, Indicator, KeyResult, KeyResultId, Metric, Objective, Status};
use crate::store::{Store, Table};

/// Words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "don't",
    "for", "from", "had", "has", "have", "how", "i", "i'm", "if", "in", "into", "is", "it", "it's", "just", "like",
    "me", "more", "my", "no", "not", "of", "on", "or", "our", "out", "so", "some", "that", "the", "their", "them",
    "then", "there", "they", "this", "to", "too", "up", "us", "was", "we", "were", "what", "when", "which", "who",
    "will", "with", "would", "you", "your", "raise", "lift", "increase", "reduce", "cut", "grow", "improve", "share",
    "rate", "new", "really", "kind", "lot", "thing", "things", "got", "get", "one", "all", "about", "first",
];

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    /// EV-12 (to find targets) or KR-3 (to find evidence).
    pub id: String,
    /// 1-50, default 5.
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Suggestion {
    /// A key result or indicator (for evidence), or an evidence id (for a key result).
    pub id: String,
    /// The target's statement or the evidence's text (shortened).
    pub text: String,
    /// Relative strength of the match, 0..1.
    pub score: f32,
    /// Why: the words they share.
    pub reason: String,
    /// The relation to use when linking, where one is likely.
    pub relation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Suggestions {
    pub for_id: String,
    pub suggestions: Vec<Suggestion>,
}

/// Lowercase words minus stop words, with a crude plural/-ing fold so "templates"
/// meets "template" and "onboarding" meets "onboard".
fn terms(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .flat_map(|w| w.split('-'))
        .map(str::to_lowercase)
        .filter(|w| w.len() > 2 && !STOP_WORDS.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| stem(&w))
        .collect()
}

fn stem(word: &str) -> String {
    if let Some(base) = word.strip_suffix("ies").filter(|b| b.len() >= 3) {
        return format!("{base}y");
    }
    for suffix in ["ings", "ing", "ed"] {
        if let Some(base) = word.strip_suffix(suffix).filter(|b| b.len() >= 4) {
            return base.to_string();
        }
    }
    match word.strip_suffix('s') {
        Some(base) if base.len() >= 3 && !base.ends_with('s') => base.to_string(),
        _ => word.to_string(),
    }
}

pub fn suggest_links(store: &Store, request: &SuggestRequest) -> Result<Suggestions> {
    let limit = match request.limit {
        None => 5,
        Some(n) if (1..=50).contains(&n) => n,
        Some(n) => return Err(Error::invalid("limit", format!("is {n}; 1 to 50 suggestions are accepted"))),
    };
    let id = request.id.trim();
    if let Ok(evidence) = id.parse::<EvidenceId>() {
        let evidence = store.get::<Evidence>(Table::Evidence, &evidence.key())?.ok_or_else(|| {
            Error::not_found(
                "id",
                evidence,
                crate::words![crate::error::Operation::SearchEvidence, " finds stored evidence"],
            )
        })?;
        return Ok(Suggestions { for_id: evidence.id.to_string(), suggestions: targets_for(store, &evidence, limit)? });
    }
    if let Ok(kr) = id.parse::<KeyResultId>() {
        let key_result = store.key_result(kr)?.ok_or_else(|| {
            Error::not_found("id", kr, crate::words![crate::error::Operation::ListOkrs, " shows what exists"])
        })?;
        return Ok(Suggestions { for_id: kr.to_string(), suggestions: evidence_for(store, &key_result, limit)? });
    }
    Err(Error::invalid(
        "id",
        format!("{:?} is neither an evidence id (EV-12) nor a key result id (KR-3)", crate::validate::truncate(id, 40)),
    ))
}

/// The key results and indicators whose words the evidence shares, best first.
fn targets_for(store: &Store, evidence: &Evidence, limit: usize) -> Result<Vec<Suggestion>> {
    let mut evidence_text = evidence.text.clone();
    for tag in &evidence.tags {
        evidence_text.push(' ');
        evidence_text.push_str(&tag.replace('-', " "));
    }
    let mine = terms(&evidence_text);
    let linked: BTreeSet<String> =
        crate::store::links::links_of_evidence(store, evidence.id)?.into_iter().map(|l| l.target).collect();
    let mut objectives: HashMap<u64, Objective> = HashMap::new();
    for o in store.scan::<Objective>(Table::Objectives) {
        let o = o?;
        if matches!(o.status, Status::Draft | Status::Active) {
            objectives.insert(o.id.0, o);
        }
    }
    let metric_name = |id: Option<crate::model::MetricId>| -> Result<String> {
        Ok(match id {
            Some(m) => store.get::<Metric>(Table::Metrics, &m.key())?.map(|m| m.name).unwrap_or_default(),
            None => String::new(),
        })
    };
    let mut candidates: Vec<(String, String, String)> = vec![];
    // Key results of draft and active objectives, not archived themselves; an
    // indicator is offered only while its key result is.
    let mut present: std::collections::HashSet<KeyResultId> = std::collections::HashSet::new();
    for kr in store.scan::<KeyResult>(Table::KeyResults) {
        let kr = kr?;
        let Some(objective) = objectives.get(&kr.objective.0) else { continue };
        if kr.status == Status::Archived {
            continue;
        }
        present.insert(kr.id);
        let words = format!(
            "{} {} {} {}",
            kr.statement,
            metric_name(kr.metric)?,
            objective.title,
            objective.stage.clone().unwrap_or_default()
        );
        candidates.push((kr.id.to_string(), kr.statement.clone(), words));
    }
    for indicator in store.scan::<Indicator>(Table::Indicators) {
        let indicator = indicator?;
        if !present.contains(&indicator.key_result) {
            continue;
        }
        let name = metric_name(Some(indicator.metric))?;
        let words = format!("{name} {}", indicator.hypothesis.clone().unwrap_or_default());
        candidates.push((indicator.id.to_string(), format!("Leading indicator: {name}"), words));
    }
    let mut scored: Vec<Suggestion> = candidates
        .into_iter()
        .filter(|(id, _, _)| !linked.contains(id))
        .filter_map(|(id, text, words)| {
            let theirs = terms(&words);
            let shared: Vec<&String> = mine.intersection(&theirs).collect();
            if shared.is_empty() {
                return None;
            }
            let score = shared.len() as f32 / ((mine.len().max(1) * theirs.len().max(1)) as f32).sqrt();
            let relation = if id.starts_with("IND") { "validates" } else { "supports" };
            Some(Suggestion {
                reason: format!("shares {}", shared.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")),
                id,
                text,
                score: (score * 1000.0).round() / 1000.0,
                relation: Some(relation.into()),
            })
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    scored.truncate(limit);
    Ok(scored)
}

/// Unlinked evidence that matches a key result, by full-text search on its words.
fn evidence_for(store: &Store, key_result: &KeyResult, limit: usize) -> Result<Vec<Suggestion>> {
    let objective = store.objective(key_result.objective)?;
    let metric = key_result.metric.map(|m| store.metric(m)).transpose()?.flatten().map(|m| m.name).unwrap_or_default();
    let words =
        format!("{} {} {}", key_result.statement, metric, objective.as_ref().map(|o| o.title.as_str()).unwrap_or(""));
    let wanted = terms(&words);
    if wanted.is_empty() {
        return Ok(vec![]);
    }
    let query = wanted.iter().cloned().collect::<Vec<_>>().join(" ");
    let page =
        search(store, &SearchRequest { query: Some(query), limit: Some((limit * 4).min(100)), ..Default::default() })?;
    let already: BTreeSet<EvidenceId> = crate::store::links::links_of_target(store, &key_result.id.to_string())?
        .into_iter()
        .map(|l| l.evidence)
        .collect();
    let best = page.hits.iter().filter_map(|h| h.score).fold(0.0f32, f32::max).max(f32::EPSILON);
    Ok(page
        .hits
        .into_iter()
        .filter(|h| !already.contains(&h.id))
        .take(limit)
        .map(|hit| {
            let shared: Vec<String> = terms(&hit.evidence.text).intersection(&wanted).cloned().collect();
            Suggestion {
                id: hit.id.to_string(),
                text: crate::validate::truncate(&hit.evidence.text, 200),
                score: ((hit.score.unwrap_or(0.0) / best) * 1000.0).round() / 1000.0,
                reason: if shared.is_empty() {
                    format!("matches the key result's words (BM25 {:.2})", hit.score.unwrap_or(0.0))
                } else {
                    format!("shares {}", shared.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", "))
                },
                relation: Some("supports".into()),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_plurals_and_drop_stop_words() {
        let t = terms("I didn't know which templates to pick for onboarding");
        assert!(t.contains("template") && t.contains("onboard"), "{t:?}");
        assert!(!t.contains("which") && !t.contains("to"));
        assert_eq!(terms("templates"), terms("template"));
        assert_eq!(terms("companies"), terms("company"));
        assert_eq!(terms("onboarding"), terms("onboarded"));
        assert_eq!(terms("process"), ["process".to_string()].into());
    }
}

//! What a question is about: "why did activation slip?" resolved to a key result, a
//! metric, an objective or a journey stage (docs/domain.md#step-1-the-subject).
//!
//! Ids in the text (KR-1, M-2, O-1, IND-1) win outright. Otherwise each content word
//! of the question is matched against the names the workspace knows: key result
//! statements, metric names (a leading indicator is its metric), objective titles,
//! journey stages and evidence tags. A word matches exactly, by a shared stem
//! (invites / inviting) or within one or two typing mistakes, and counts by how rare
//! it is among those names, so "retention" decides where "week" does not. Candidates
//! that lead to the same thing are one candidate; two close candidates leading to
//! different things are returned for the user to choose from, not guessed between.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::{IndicatorId, KeyResult, KeyResultId, Metric, MetricId, Objective, ObjectiveId, Status};
use crate::store::{Store, Table};

/// What an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    KeyResult,
    Metric,
    Objective,
    Stage,
    Indicator,
}

/// A thing the question could be about, with how it matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Candidate {
    pub kind: SubjectKind,
    /// KR-1, M-2, O-1, or the stage's name.
    pub id: String,
    pub name: String,
    /// How strongly the words matched (relative; higher is closer).
    pub score: f64,
    /// Which words of the question matched which names ("retension" ~ "retention").
    pub matched: Vec<String>,
}

/// The outcome of resolving the words.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Found(Candidate),
    /// Close candidates that lead to different things.
    Ambiguous(Vec<Candidate>),
    /// Nothing matched; `near` holds the nearest names, if any word came close.
    Unknown {
        near: Vec<Candidate>,
    },
}

/// Candidates returned at most, best first.
const MAX_CANDIDATES: usize = 20;

/// Words that carry the question, not its subject.
const QUESTION_WORDS: &[&str] = &[
    "why",
    "did",
    "does",
    "do",
    "is",
    "was",
    "were",
    "are",
    "has",
    "have",
    "had",
    "the",
    "a",
    "an",
    "our",
    "my",
    "we",
    "us",
    "what",
    "how",
    "when",
    "where",
    "who",
    "which",
    "to",
    "of",
    "in",
    "on",
    "for",
    "from",
    "by",
    "at",
    "and",
    "or",
    "so",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "last",
    "since",
    "during",
    "between",
    "slip",
    "slipped",
    "slipping",
    "slips",
    "drop",
    "dropped",
    "dropping",
    "drops",
    "fall",
    "fell",
    "falling",
    "go",
    "went",
    "going",
    "down",
    "dip",
    "dipped",
    "decline",
    "declined",
    "declining",
    "change",
    "changed",
    "move",
    "moved",
    "happen",
    "happened",
    "happening",
    "get",
    "got",
    "worse",
    "lower",
    "higher",
    "rise",
    "rose",
    "jump",
    "jumped",
    "spike",
    "spiked",
    "tank",
    "tanked",
    "explain",
    "cause",
    "caused",
    "reason",
    "behind",
    "after",
    "before",
    "quarter",
    "month",
    "q1",
    "q2",
    "q3",
    "q4",
    "up",
    "off",
    "track",
    "so",
    "much",
    "suddenly",
    "recently",
    "again",
    "number",
    "metric",
    "kr",
    "okr",
    "key",
    "result",
    "raise",
    "lift",
    "reduce",
    "increase",
    "decrease",
    "cut",
    "grow",
    "share",
    "rate",
    "percent",
];

/// Function words of other languages: a question full of them and with no English
/// question word is answered with what grounded can read, not with a guess.
const FOREIGN_WORDS: &[&str] = &[
    "por",
    "qué",
    "que",
    "la",
    "el",
    "los",
    "las",
    "del",
    "bajó",
    "cayó",
    "ha",
    "warum",
    "ist",
    "die",
    "der",
    "das",
    "gesunken",
    "pourquoi",
    "le",
    "les",
    "est",
    "baissé",
    "chuté",
    "perché",
    "è",
    "calata",
    "calato",
    "caiu",
    "por",
    "porque",
    "waarom",
    "hvorfor",
    "dlaczego",
    "почему",
    "为什么",
    "なぜ",
    "왜",
];

/// [`QUESTION_WORDS`] as a set: every name in the workspace goes through it.
fn question_words() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| QUESTION_WORDS.iter().copied().collect())
}

pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() > 1 || !w.is_ascii())
        .collect()
}

/// The words of a question that can name a subject.
pub fn content_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| {
            !question_words().contains(w.as_str())
                && !w.chars().all(|c| c.is_ascii_digit())
                && super::window::month_of_word(w).is_none()
        })
        .collect()
}

/// The question reads as another language: foreign function words (or a script
/// other than Latin) and not one English question word.
pub fn looks_foreign(text: &str) -> bool {
    let all = words(text);
    let english = all.iter().any(|w| {
        matches!(w.as_str(), "why" | "did" | "what" | "how" | "when" | "the" | "our" | "is" | "was" | "does" | "has")
    });
    let foreign = all.iter().any(|w| FOREIGN_WORDS.contains(&w.as_str()))
        || text.chars().filter(|c| c.is_alphabetic()).any(|c| !c.is_ascii() && !is_latin(c));
    foreign && !english
}

fn is_latin(c: char) -> bool {
    ('\u{00C0}'..='\u{024F}').contains(&c)
}

/// Optimal string alignment distance, stopping early above `limit`.
fn distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// How closely a question word matches a name word: 1 exact, 0.85 a shared stem,
/// 0.8 one typing mistake, 0.6 two in a long word, else 0. `fuzzy: false` allows only
/// exact matches.
pub fn similarity(query: &str, word: &str, fuzzy: bool) -> f64 {
    if query == word {
        return 1.0;
    }
    if !fuzzy {
        return 0.0;
    }
    let (lq, lw) = (query.chars().count(), word.chars().count());
    let shortest = lq.min(lw);
    let prefix = query.chars().zip(word.chars()).take_while(|(a, b)| a == b).count();
    if prefix >= 5 && prefix as f64 >= 0.7 * shortest as f64 {
        return 0.85;
    }
    if shortest >= 4 && distance(query, word, 1) <= 1 {
        return 0.8;
    }
    if shortest >= 8 && distance(query, word, 2) <= 2 {
        return 0.6;
    }
    0.0
}

/// "net promoter score" → "nps"; "customer satisfaction" → "csat", the one common
/// metric whose short form is not its initials.
fn initials(words: &[String]) -> String {
    if words == ["customer", "satisfaction"] {
        return "csat".into();
    }
    words.iter().filter_map(|w| w.chars().next()).collect()
}

/// Something a question can name, with the words of its name.
struct Named {
    kind: SubjectKind,
    id: String,
    name: String,
    words: Vec<String>,
    /// What it leads to when chosen (a metric used by one key result leads to that key
    /// result); candidates leading to the same thing are one.
    leads_to: String,
}

/// An id named in the text (KR-1, M-2, O-1, IND-1), with its name, read directly:
/// a question that names its subject needs no vocabulary. None when no token is an
/// id; an id that does not exist comes back too, for the caller to refuse by name.
pub fn id_in(store: &Store, text: &str) -> Result<Option<Candidate>> {
    for token in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let token = token.to_ascii_uppercase();
        let (kind, name) = if let Ok(id) = token.parse::<KeyResultId>() {
            (SubjectKind::KeyResult, store.key_result(id)?.map(|k| k.statement))
        } else if let Ok(id) = token.parse::<MetricId>() {
            (SubjectKind::Metric, store.metric(id)?.map(|m| m.name))
        } else if let Ok(id) = token.parse::<ObjectiveId>() {
            (SubjectKind::Objective, store.objective(id)?.map(|o| o.title))
        } else if let Ok(id) = token.parse::<IndicatorId>() {
            let metric = match store.indicator(id)? {
                Some(i) => store.metric(i.metric)?.map(|m| m.name),
                None => None,
            };
            (SubjectKind::Indicator, metric)
        } else {
            continue;
        };
        let name = name.unwrap_or_default();
        return Ok(Some(Candidate { kind, id: token, name, score: 1.0, matched: vec!["id".into()] }));
    }
    Ok(None)
}

/// The workspace's names, read once per question.
pub struct Vocabulary {
    named: Vec<Named>,
    /// Initials of the runs of two to four words in the names, to their words: a
    /// question may use the short form of a name written out ("nps").
    spelled_out: HashMap<String, Vec<String>>,
    /// How many names each word appears in.
    frequency: HashMap<String, usize>,
}

/// The last vocabulary read, with the store's transaction count at the time.
#[derive(Default)]
struct Cached(std::sync::Mutex<Option<(u64, std::sync::Arc<Vocabulary>)>>);

impl Vocabulary {
    /// The vocabulary, read again only when a transaction has committed since the last
    /// read (reading 5,000 key results and metrics costs tens of milliseconds).
    pub fn current(store: &Store) -> Result<std::sync::Arc<Vocabulary>> {
        let cache = store.extension(|| Ok(Cached::default()))?;
        let mut slot = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = store.transactions();
        if let Some((at, vocabulary)) = slot.as_ref()
            && *at == now
        {
            return Ok(vocabulary.clone());
        }
        let vocabulary = std::sync::Arc::new(Vocabulary::read(store)?);
        *slot = Some((now, vocabulary.clone()));
        Ok(vocabulary)
    }

    pub fn read(store: &Store) -> Result<Vocabulary> {
        let mut named = vec![];
        let objectives: Vec<Objective> = store.scan(Table::Objectives).collect::<Result<_>>()?;
        let key_results: Vec<KeyResult> = store.scan(Table::KeyResults).collect::<Result<_>>()?;
        let mut users: HashMap<MetricId, Vec<KeyResultId>> = HashMap::new();
        // A key result of an archived objective is archived with it.
        let archived: std::collections::HashSet<ObjectiveId> =
            objectives.iter().filter(|o| o.status == Status::Archived).map(|o| o.id).collect();
        // Metrics measured only by archived key results are archived with them.
        let mut retired: std::collections::HashSet<MetricId> = key_results.iter().filter_map(|k| k.metric).collect();
        for kr in key_results.iter().filter(|k| k.status != Status::Archived && !archived.contains(&k.objective)) {
            if let Some(m) = kr.metric {
                users.entry(m).or_default().push(kr.id);
            }
            named.push(Named {
                kind: SubjectKind::KeyResult,
                id: kr.id.to_string(),
                name: kr.statement.clone(),
                words: content_words(&kr.statement),
                leads_to: kr.id.to_string(),
            });
        }
        let present: std::collections::HashSet<KeyResultId> = key_results
            .iter()
            .filter(|k| k.status != Status::Archived && !archived.contains(&k.objective))
            .map(|k| k.id)
            .collect();
        let mut in_use = vec![];
        for indicator in store.scan::<crate::model::Indicator>(Table::Indicators) {
            let indicator = indicator?;
            if present.contains(&indicator.key_result) {
                in_use.push(indicator.metric);
            } else {
                retired.insert(indicator.metric);
            }
        }
        for kr in key_results.iter().filter(|k| present.contains(&k.id)) {
            in_use.extend(kr.metric);
        }
        for metric in in_use {
            retired.remove(&metric);
        }
        for metric in store.scan::<Metric>(Table::Metrics) {
            let metric = metric?;
            if retired.contains(&metric.id) {
                continue;
            }
            let leads_to = match users.get(&metric.id).map(Vec::as_slice) {
                Some([only]) => only.to_string(),
                _ => metric.id.to_string(),
            };
            named.push(Named {
                kind: SubjectKind::Metric,
                id: metric.id.to_string(),
                words: content_words(&metric.name),
                name: metric.name,
                leads_to,
            });
        }
        let mut stages: HashMap<String, Vec<ObjectiveId>> = HashMap::new();
        for objective in objectives.iter().filter(|o| o.status != Status::Archived) {
            named.push(Named {
                kind: SubjectKind::Objective,
                id: objective.id.to_string(),
                name: objective.title.clone(),
                words: content_words(&objective.title),
                leads_to: objective.id.to_string(),
            });
            if let Some(stage) = &objective.stage {
                stages.entry(stage.to_lowercase()).or_default().push(objective.id);
            }
        }
        for (stage, objectives) in stages {
            let leads_to = match objectives.as_slice() {
                [only] => only.to_string(),
                _ => format!("stage:{stage}"),
            };
            named.push(Named {
                kind: SubjectKind::Stage,
                id: stage.clone(),
                name: format!("the {stage} stage"),
                words: words(&stage),
                leads_to,
            });
        }
        let mut frequency: HashMap<String, usize> = HashMap::new();
        for n in &named {
            let mut seen: Vec<&String> = n.words.iter().collect();
            seen.sort();
            seen.dedup();
            for w in seen {
                *frequency.entry(w.clone()).or_default() += 1;
            }
        }
        let mut spelled_out: HashMap<String, Vec<String>> = HashMap::new();
        for n in &named {
            for run in 2..=4 {
                for words in n.words.windows(run) {
                    let short = initials(words);
                    if short.len() >= 3 {
                        spelled_out.entry(short).or_insert_with(|| words.to_vec());
                    }
                }
            }
        }
        Ok(Vocabulary { named, spelled_out, frequency })
    }

    /// The question's words, plus the short form of a long name it spells out ("net
    /// promoter score" → "nps") and the long form of a short one it uses ("nps" →
    /// "net promoter score"), when a name of the workspace is written the other way.
    fn with_abbreviations(&self, mut query: Vec<String>) -> Vec<String> {
        let mut added = vec![];
        for run in 2..=4 {
            for words in query.windows(run) {
                let short = initials(words);
                if short.len() >= 3 && self.frequency.contains_key(&short) && !query.contains(&short) {
                    added.push(short);
                }
            }
        }
        for word in &query {
            if let Some(long) = self.spelled_out.get(word) {
                added.extend(long.iter().filter(|w| !query.contains(w)).cloned());
            }
        }
        query.extend(added);
        query.dedup();
        query
    }

    fn weight(&self, word: &str) -> f64 {
        let total = self.named.len().max(1) as f64;
        (1.0 + total / self.frequency.get(word).copied().unwrap_or(1) as f64).ln()
    }

    /// Candidates for `text`, best first, one per thing they lead to.
    pub fn candidates(&self, text: &str, fuzzy: bool) -> Vec<Candidate> {
        let query = self.with_abbreviations(content_words(text));
        // Each question word against each distinct name word once (thousands of names
        // share a few hundred words), weighted by how rare the name word is.
        let weighted: Vec<HashMap<&str, f64>> = query
            .iter()
            .map(|q| {
                self.frequency
                    .keys()
                    .filter_map(|w| {
                        let s = similarity(q, w, fuzzy);
                        (s > 0.0).then(|| (w.as_str(), s * self.weight(w)))
                    })
                    .collect()
            })
            .collect();
        // Per name: its score and which question words it matched.
        let mut scored: Vec<(usize, f64, Vec<usize>)> = vec![];
        for (i, named) in self.named.iter().enumerate() {
            let (mut score, mut matched) = (0.0, vec![]);
            for (q, scores) in weighted.iter().enumerate() {
                let hit = named.words.iter().filter_map(|w| scores.get(w.as_str())).copied().fold(0.0, f64::max);
                if hit > 0.0 {
                    score += hit;
                    matched.push(q);
                }
            }
            if score == 0.0 {
                continue;
            }
            // Of two names matching the same words, the one with fewer other words is
            // the closer (the metric "retention" over a long statement about it).
            let score = score * (1.0 + matched.len() as f64 / named.words.len().max(1) as f64) / 2.0;
            scored.push((i, score, matched));
        }
        // "Why did churn slip?" names a metric when a metric carries those words: a
        // journey stage of the same name is the wider subject, so it yields.
        let metric_words: Vec<Vec<usize>> = scored
            .iter()
            .filter(|(i, _, _)| self.named[*i].kind == SubjectKind::Metric)
            .map(|(_, _, m)| m.clone())
            .collect();
        for (i, score, matched) in &mut scored {
            if self.named[*i].kind == SubjectKind::Stage
                && metric_words.iter().any(|m| matched.iter().all(|q| m.contains(q)))
            {
                *score /= 2.0;
            }
        }
        // Per thing a name leads to: the best-scoring name (its index and score).
        let mut best: HashMap<&str, (usize, f64)> = HashMap::new();
        for (i, score, _) in scored {
            let named = &self.named[i];
            let score = (score * 1_000.0).round() / 1_000.0;
            match best.get(named.leads_to.as_str()) {
                Some((_, b)) if *b >= score => {}
                _ => {
                    best.insert(&named.leads_to, (i, score));
                }
            }
        }
        // Only the best few become candidates (a vague question can touch thousands).
        let mut ranked: Vec<(usize, f64)> = best.into_values().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| self.named[a.0].id.cmp(&self.named[b.0].id)));
        ranked.truncate(MAX_CANDIDATES);
        ranked
            .into_iter()
            .map(|(i, score)| {
                let named = &self.named[i];
                let matched = query
                    .iter()
                    .filter_map(|q| {
                        let w = named.words.iter().filter(|w| similarity(q, w, fuzzy) > 0.0).max_by(|a, b| {
                            (similarity(q, a, fuzzy) * self.weight(a))
                                .total_cmp(&(similarity(q, b, fuzzy) * self.weight(b)))
                        })?;
                        Some(if q == w { q.clone() } else { format!("{q} ~ {w}") })
                    })
                    .collect();
                // A metric only one key result measures is shown as that key result:
                // the answer is about it, and the user knows it by its statement.
                let shown = (named.kind == SubjectKind::Metric && named.leads_to != named.id)
                    .then(|| self.named.iter().find(|n| n.kind == SubjectKind::KeyResult && n.id == named.leads_to))
                    .flatten()
                    .unwrap_or(named);
                Candidate { kind: shown.kind, id: shown.id.clone(), name: shown.name.clone(), score, matched }
            })
            .collect()
    }

    /// Resolves the words of a question (ids are taken first, by [`id_in`]).
    pub fn resolve(&self, text: &str, fuzzy: bool) -> Resolution {
        let candidates = self.candidates(text, fuzzy);
        let Some(first) = candidates.first() else {
            return Resolution::Unknown { near: vec![] };
        };
        // One word within a typing mistake of a common word is not enough.
        if first.score < 0.5 {
            return Resolution::Unknown { near: candidates.into_iter().take(5).collect() };
        }
        let close: Vec<Candidate> = candidates.iter().take_while(|c| c.score >= 0.9 * first.score).cloned().collect();
        if close.len() > 1 {
            return Resolution::Ambiguous(close.into_iter().take(8).collect());
        }
        Resolution::Found(first.clone())
    }

    /// What the workspace can explain, for an answer to a question that matched nothing.
    pub fn explainable(&self, limit: usize) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = self
            .named
            .iter()
            .filter(|n| matches!(n.kind, SubjectKind::Metric | SubjectKind::Stage))
            .map(|n| Candidate { kind: n.kind, id: n.id.clone(), name: n.name.clone(), score: 0.0, matched: vec![] })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.truncate(limit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_exactly_by_stem_or_within_a_typo() {
        assert_eq!(similarity("retention", "retention", true), 1.0);
        assert_eq!(similarity("invites", "inviting", true), 0.85);
        assert_eq!(similarity("retension", "retention", true), 0.8);
        assert_eq!(similarity("actvation", "activation", true), 0.8);
        assert_eq!(similarity("onbaording", "onboarding", true), 0.8, "a swap is one mistake");
        assert_eq!(similarity("week", "weak", true), 0.8);
        assert_eq!(similarity("csat", "chat", false), 0.0, "exact only when fuzzy is off");
        assert_eq!(similarity("nps", "ops", true), 0.0, "short words must match exactly");
    }

    #[test]
    fn question_words_are_not_subjects() {
        assert_eq!(content_words("Why did activation slip in October?"), vec!["activation"]);
        assert_eq!(content_words("why did week-1 retention drop?"), vec!["week", "retention"]);
    }

    #[test]
    fn other_languages_are_told_apart_from_typos() {
        assert!(looks_foreign("¿Por qué bajó la activación?"));
        assert!(looks_foreign("Warum ist die Aktivierung gesunken?"));
        assert!(looks_foreign("为什么激活下降了"));
        assert!(!looks_foreign("why did actvation slip?"));
        assert!(!looks_foreign("retention"));
    }
}

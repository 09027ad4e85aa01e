//! OKR documents: the YAML and Markdown files people keep OKRs in, read into drafts
//! for `grounded check FILE` and the demo.
//!
//! YAML is either one objective (`objective:`, `key_results:` ...) or a set with
//! shared defaults (`cycle:`, `owner:`, `objectives: [...]`). Markdown is an objective
//! heading (`# ...`, `## Objective: ...`), optional `Owner:` / `Cycle:` / `Level:` /
//! `Kind:` / `Stage:` lines, and one bullet per key result; under a key result, an
//! indented `Indicator:` or `Initiative:` bullet declares one (other sub-bullets are
//! notes). In YAML the same go in a key result's `indicators:` and `initiatives:`.

use serde::Deserialize;

use super::children::{IndicatorSpec, InitiativeSpec};
use super::input::{KeyResultDraft, KeyResultSpec, ObjectiveDraft};
use crate::error::{Error, Result};

/// Larger files are not OKR documents.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentSet {
    #[serde(default)]
    cycle: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    objectives: Vec<ObjectiveDraft>,
}

/// Reads a document; `name` (a file name) decides the format: `.md`/`.markdown` is
/// Markdown, anything else YAML.
pub fn read_document(name: &str, text: &str) -> Result<Vec<ObjectiveDraft>> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid(
            name,
            format!("is {} bytes; OKR documents up to {MAX_DOCUMENT_BYTES} bytes are accepted", text.len()),
        ));
    }
    // Editors on Windows save a byte-order mark; it is not part of the first heading.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lower = name.to_ascii_lowercase();
    let drafts = if lower.ends_with(".md") || lower.ends_with(".markdown") {
        read_markdown(name, text)?
    } else {
        read_yaml(name, text)?
    };
    if drafts.is_empty() {
        return Err(Error::invalid(
            name,
            "holds no objective; see `grounded check --help` for the accepted YAML and Markdown forms",
        ));
    }
    Ok(drafts)
}

fn read_yaml(name: &str, text: &str) -> Result<Vec<ObjectiveDraft>> {
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| Error::invalid(name, format!("is not valid YAML: {e}")))?;
    let is_set = value.get("objectives").is_some();
    let deserializer = value;
    let located = |e: serde_path_to_error::Error<serde_yaml_ng::Error>| {
        let path = e.path().to_string();
        Error::invalid(format!("{name}: {path}"), e.into_inner().to_string())
    };
    if is_set {
        let set: DocumentSet = serde_path_to_error::deserialize(deserializer).map_err(located)?;
        Ok(set
            .objectives
            .into_iter()
            .map(|mut o| {
                o.cycle = o.cycle.or_else(|| set.cycle.clone());
                o.owner = o.owner.or_else(|| set.owner.clone());
                o
            })
            .collect())
    } else {
        Ok(vec![serde_path_to_error::deserialize(deserializer).map_err(located)?])
    }
}

/// Markdown as people write it: a title heading above the objectives (its fields,
/// such as `Cycle:`, apply to every objective), `**Owner:** Ann` in bold or as a
/// bullet, and indented sub-bullets that are notes on the key result above them.
fn read_markdown(name: &str, text: &str) -> Result<Vec<ObjectiveDraft>> {
    let mut drafts: Vec<(usize, ObjectiveDraft)> = vec![];
    // Fields written under a title heading, before any objective.
    let mut defaults = ObjectiveDraft { objective: String::new(), ..empty() };
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = || format!("{name}: line {}", number + 1);
        if let Some(heading) = line.strip_prefix('#') {
            let level = 1 + heading.bytes().take_while(|b| *b == b'#').count();
            let title = strip_label(heading.trim_start_matches('#').trim(), &["objective", "o"]);
            // A heading with no key results under it, followed by a deeper heading, was
            // the document's title; what was written under it applies to all.
            if let Some((previous, draft)) = drafts.last()
                && draft.key_results.is_empty()
                && *previous < level
            {
                let (_, title) = drafts.pop().expect("the last draft");
                defaults = inherit(defaults, title);
            }
            drafts.push((level, ObjectiveDraft { objective: title.to_string(), ..empty() }));
            continue;
        }
        let item = bullet(line);
        let field = field_line(item.unwrap_or(line));
        if let Some((key, value)) = field {
            let current = match drafts.last_mut() {
                Some((_, draft)) => draft,
                None => &mut defaults,
            };
            let value = value.to_string();
            match key.as_str() {
                "owner" => current.owner = Some(value),
                "cycle" => current.cycle = Some(value),
                "stage" => current.stage = Some(value),
                "parent" => current.parent = Some(value),
                "level" => current.level = Some(parse_word(&at(), "level", &value)?),
                "kind" => current.kind = Some(parse_word(&at(), "kind", &value)?),
                _ => unreachable!("field_line returns known fields only"),
            }
        } else if let Some(item) = item {
            // An indented bullet under a key result is a note on it, not another one.
            let indent = raw.len() - raw.trim_start().len();
            let current = drafts
                .last_mut()
                .map(|(_, d)| d)
                .ok_or_else(|| Error::invalid(at(), "a key result comes before any objective heading (# ...)"))?;
            if indent >= 2
                && let Some(kr) = current.key_results.last_mut()
            {
                declare_child(kr, item).map_err(|message| Error::invalid(at(), message))?;
                continue;
            }
            current.key_results.push(KeyResultDraft::Statement(strip_label(item, &["kr", "key result"]).to_string()));
        }
    }
    Ok(drafts.into_iter().map(|(_, draft)| inherit(draft, defaults.clone())).collect())
}

/// An indented bullet under a key result: `Indicator: METRIC (N days ahead) — why`
/// or `Initiative: TITLE (owner, due YYYY-MM-DD, N%)` declares one; anything else is
/// a note and stays in the file only.
fn declare_child(kr: &mut KeyResultDraft, item: &str) -> std::result::Result<(), String> {
    let indicator = strip_label(item, &["leading indicator", "indicator"]);
    let initiative = strip_label(item, &["initiative"]);
    if indicator.len() == item.len() && initiative.len() == item.len() {
        return Ok(());
    }
    let spec = match kr {
        KeyResultDraft::Structured(spec) => spec,
        KeyResultDraft::Statement(statement) => {
            let spec = KeyResultSpec { statement: Some(std::mem::take(statement)), ..Default::default() };
            *kr = KeyResultDraft::Structured(spec);
            let KeyResultDraft::Structured(spec) = kr else { unreachable!("just set") };
            spec
        }
    };
    if indicator.len() < item.len() {
        spec.indicators.push(indicator_line(indicator)?);
    } else {
        spec.initiatives.push(initiative_line(initiative)?);
    }
    Ok(())
}

/// `Share of accounts inviting a teammate (7 days ahead) — collaborators stay`.
fn indicator_line(text: &str) -> std::result::Result<IndicatorSpec, String> {
    let (head, hypothesis) = match [" — ", " – ", " -- "].iter().find_map(|dash| text.split_once(dash)) {
        Some((head, why)) => (head, Some(why.trim().to_string())),
        None => (text, None),
    };
    let (metric, notes) = parenthesis(head);
    let lag = notes.iter().find_map(|note| lag_days(note)).ok_or_else(|| {
        format!(
            "the indicator {metric:?} needs its expected lag in parentheses, such as \"Indicator: {metric} (7 days ahead)\""
        )
    })?;
    Ok(IndicatorSpec { metric: metric.to_string(), expected_lag_days: lag, hypothesis, ..Default::default() })
}

/// `Guided first-project template (Leo Park, due 2026-11-15, 30%)`.
fn initiative_line(text: &str) -> std::result::Result<InitiativeSpec, String> {
    let (title, notes) = parenthesis(text);
    let mut spec = InitiativeSpec { title: title.to_string(), ..Default::default() };
    for note in notes.iter().flat_map(|n| n.split([',', ';'])).map(str::trim).filter(|n| !n.is_empty()) {
        let lower = note.to_ascii_lowercase();
        if let Some(percent) = note.split('%').next().filter(|_| note.contains('%')) {
            let percent = percent.trim().parse::<f64>().map_err(|_| {
                format!("{note:?} in the initiative {title:?} is not a percent complete; write it as 30%")
            })?;
            spec.percent_complete = Some(percent);
        } else if let Some(date) = lower.strip_prefix("due") {
            spec.due = Some(date.trim_start_matches([' ', ':']).trim().to_string());
        } else {
            spec.owner = Some(strip_label(note, &["owner"]).trim_start_matches("owner ").trim().to_string());
        }
    }
    Ok(spec)
}

/// `text` without its trailing parenthesis, and what the parenthesis held.
fn parenthesis(text: &str) -> (&str, Vec<&str>) {
    let text = text.trim();
    match text.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        Some((head, inside)) => (head.trim(), vec![inside.trim()]),
        None => (text, vec![]),
    }
}

/// "7 days ahead", "leads by 2 weeks", "lag 14 days": the lag in days.
fn lag_days(note: &str) -> Option<u32> {
    let words: Vec<&str> = note.split_whitespace().collect();
    words.windows(2).find_map(|pair| {
        let n: u32 = pair[0].parse().ok()?;
        let unit = pair[1].to_ascii_lowercase();
        if unit.starts_with("day") {
            Some(n)
        } else if unit.starts_with("week") {
            Some(n * 7)
        } else {
            None
        }
    })
}

fn empty() -> ObjectiveDraft {
    ObjectiveDraft {
        objective: String::new(),
        owner: None,
        cycle: None,
        level: None,
        kind: None,
        parent: None,
        stage: None,
        key_results: vec![],
        same_title_intended: false,
    }
}

/// `draft` with each field it leaves empty taken from `from`.
fn inherit(mut draft: ObjectiveDraft, from: ObjectiveDraft) -> ObjectiveDraft {
    draft.owner = draft.owner.or(from.owner);
    draft.cycle = draft.cycle.or(from.cycle);
    draft.level = draft.level.or(from.level);
    draft.kind = draft.kind.or(from.kind);
    draft.parent = draft.parent.or(from.parent);
    draft.stage = draft.stage.or(from.stage);
    draft
}

/// `Owner: Ann`, `**Owner:** Ann`, `**Owner**: Ann`, `_Cycle_: 2026-Q4`: a known
/// field's name (lowercase) and its value.
fn field_line(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().trim_matches(['*', '_']).trim().to_ascii_lowercase();
    let value = value.trim().trim_start_matches(['*', '_']).trim();
    let known = ["owner", "cycle", "stage", "parent", "level", "kind"];
    (known.contains(&key.as_str()) && !value.is_empty()).then_some((key, value))
}

/// Where an objective and its key results are written in the document, 1-based
/// lines (0 when the text cannot be found, which a YAML flow list can cause).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Located {
    pub objective: usize,
    pub key_results: Vec<usize>,
}

impl Located {
    /// The line of a finding's subject: `objective`, `key_results` or `key_results[2]`.
    pub fn line_of(&self, subject: &str) -> usize {
        subject
            .strip_prefix("key_results[")
            .and_then(|rest| rest.trim_end_matches(']').parse::<usize>().ok())
            .and_then(|i| self.key_results.get(i).copied())
            .filter(|line| *line > 0)
            .unwrap_or(self.objective)
    }
}

/// The lines `drafts` (read from `text`) came from, found by their words in order:
/// findings can then point at file:line for editors and CI.
pub fn locate(text: &str, drafts: &[ObjectiveDraft]) -> Vec<Located> {
    let lines: Vec<&str> = text.lines().collect();
    let mut cursor = 0;
    // From where the last thing was found: the same words later belong to a later objective.
    let mut find = |words: &str| -> usize {
        let words = words.trim();
        match (cursor..lines.len()).find(|i| !words.is_empty() && lines[*i].contains(words)) {
            Some(i) => {
                cursor = i;
                i + 1
            }
            None => 0,
        }
    };
    drafts
        .iter()
        .map(|draft| {
            let objective = find(&draft.objective);
            let key_results = draft
                .key_results
                .iter()
                .map(|kr| {
                    let statement = match kr {
                        KeyResultDraft::Statement(s) => s.as_str(),
                        KeyResultDraft::Structured(spec) => spec.statement.as_deref().unwrap_or(""),
                    };
                    find(statement)
                })
                .collect();
            Located { objective, key_results }
        })
        .collect()
}

/// A one-word enum value (`team`, `aspirational`) as the YAML form would read it.
fn parse_word<T: serde::de::DeserializeOwned>(at: &str, field: &str, value: &str) -> Result<T> {
    serde_yaml_ng::from_str(&value.to_ascii_lowercase()).map_err(|e| Error::invalid(at, format!("{field}: {e}")))
}

/// The text of a Markdown list item: `- x`, `* x`, `+ x`, `1. x`, `1) x`.
fn bullet(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return rest.starts_with(' ').then(|| rest.trim());
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") "))).then(|| rest[2..].trim())
}

/// Drops a leading label such as `Objective:`, `O1:` or `KR 2 -`.
fn strip_label<'a>(text: &'a str, labels: &[&str]) -> &'a str {
    let lower = text.to_ascii_lowercase();
    for label in labels {
        if let Some(rest) = lower.strip_prefix(label) {
            let rest_trimmed = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
            if let Some(after) = rest_trimmed.strip_prefix([':', '-', '–']) {
                let cut = text.len() - after.len();
                return text[cut..].trim();
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_headings_fields_and_bullets_make_objectives() {
        let text = "# Objective: New customers reach lasting value\nOwner: Maya Chen\nCycle: 2026-Q4\nkind: aspirational\n\n- KR1: Raise week-1 retention from 50% to 65%\n* Lift onboarding satisfaction (1-5 scale) from 3.3 to 4.1\n\n## O2 - Support answers are right first time\n1. Policy adherence from 81% to 92%\n";
        let drafts = read_document("okrs.md", text).unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].objective, "New customers reach lasting value");
        assert_eq!(drafts[0].owner.as_deref(), Some("Maya Chen"));
        assert_eq!(drafts[0].cycle.as_deref(), Some("2026-Q4"));
        assert_eq!(drafts[0].kind, Some(crate::model::Commitment::Aspirational));
        assert_eq!(drafts[0].key_results.len(), 2);
        assert!(
            matches!(&drafts[0].key_results[0], KeyResultDraft::Statement(s) if s == "Raise week-1 retention from 50% to 65%")
        );
        assert_eq!(drafts[1].objective, "Support answers are right first time");
        assert!(
            matches!(&drafts[1].key_results[0], KeyResultDraft::Statement(s) if s == "Policy adherence from 81% to 92%")
        );
    }

    #[test]
    fn markdown_as_people_write_it() {
        let text = "\u{feff}# Q4 2026 OKRs\n**Cycle:** 2026-Q4\n\n## Billing admins trust every invoice they send\n**Owner:** Ann Lee\n\n- Cut invoice disputes per month from 40 to 10\n  - disputes are counted in Zendesk, tag billing-dispute\n- Raise invoices paid on time from 70% to 90%\n\n## Support answers while customers still care\n- Owner: Sam\n- Cut median first reply from 9 hours to 2 hours\n- Raise CSAT from 78% to 85%\n";
        let drafts = read_document("okrs.md", text).unwrap();
        assert_eq!(drafts.len(), 2, "the title is not an objective");
        assert_eq!(drafts[0].objective, "Billing admins trust every invoice they send");
        assert_eq!((drafts[0].owner.as_deref(), drafts[0].cycle.as_deref()), (Some("Ann Lee"), Some("2026-Q4")));
        assert_eq!(drafts[0].key_results.len(), 2, "the sub-bullet is a note");
        assert_eq!((drafts[1].owner.as_deref(), drafts[1].cycle.as_deref()), (Some("Sam"), Some("2026-Q4")));
        assert_eq!(drafts[1].key_results.len(), 2, "an Owner: bullet is a field");
    }

    #[test]
    fn indicators_and_initiatives_are_declared_under_their_key_result() {
        let text = "# New customers reach lasting value\nCycle: 2026-Q4\n- Raise week-1 retention from 50% to 65%\n  - Leading indicator: Share of new accounts inviting a teammate in week 1 (7 days ahead) — collaborators stay\n  - Initiative: Guided first-project template (Leo Park, due 2026-11-15, 30%)\n  - counted in Looker\n";
        let drafts = read_document("okrs.md", text).unwrap();
        let KeyResultDraft::Structured(spec) = &drafts[0].key_results[0] else {
            panic!("declared children make a spec")
        };
        assert_eq!(spec.statement.as_deref(), Some("Raise week-1 retention from 50% to 65%"));
        let indicator = &spec.indicators[0];
        assert_eq!(indicator.metric, "Share of new accounts inviting a teammate in week 1");
        assert_eq!((indicator.expected_lag_days, indicator.hypothesis.as_deref()), (7, Some("collaborators stay")));
        let initiative = &spec.initiatives[0];
        assert_eq!(initiative.title, "Guided first-project template");
        assert_eq!(initiative.owner.as_deref(), Some("Leo Park"));
        assert_eq!((initiative.due.as_deref(), initiative.percent_complete), (Some("2026-11-15"), Some(30.0)));
        let err = read_document("okrs.md", "# A\n- Raise x from 1 to 2\n  - Indicator: invites\n").unwrap_err();
        assert!(err.to_string().contains("line 3") && err.to_string().contains("(7 days ahead)"), "{err}");
        let yaml = "objective: A\nkey_results:\n  - statement: Raise x from 1 to 2\n    indicators:\n      - metric: invites\n        expected_lag_days: 14\n    initiatives:\n      - title: Template\n";
        let KeyResultDraft::Structured(spec) = &read_document("okrs.yaml", yaml).unwrap()[0].key_results[0] else {
            panic!("a mapping is a spec")
        };
        assert_eq!((spec.indicators[0].expected_lag_days, spec.initiatives[0].title.as_str()), (14, "Template"));
    }

    #[test]
    fn findings_can_point_at_their_line() {
        let text = "# Q4\nCycle: 2026-Q4\n## Billing admins trust every invoice\n- Cut disputes from 40 to 10\n  - a note\n- Raise paid on time from 70% to 90%\n## Support answers fast\n- Cut disputes from 40 to 10\n";
        let drafts = read_document("okrs.md", text).unwrap();
        let located = locate(text, &drafts);
        assert_eq!(located[0], Located { objective: 3, key_results: vec![4, 6] });
        assert_eq!(located[1].key_results, vec![8], "the same words later in the file belong to the later objective");
        assert_eq!(located[0].line_of("key_results[1]"), 6);
        assert_eq!(located[0].line_of("objective"), 3);
        assert_eq!(located[0].line_of("key_results"), 3);
    }

    #[test]
    fn yaml_sets_share_their_cycle_and_owner() {
        let text = "cycle: 2026-Q4\nowner: Maya\nobjectives:\n  - objective: A\n    key_results: [\"Raise x from 1 to 2\"]\n  - objective: B\n    owner: Sam\n    key_results:\n      - statement: Cut y from 5 to 3\n        role: leading\n";
        let drafts = read_document("okrs.yaml", text).unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!((drafts[0].cycle.as_deref(), drafts[0].owner.as_deref()), (Some("2026-Q4"), Some("Maya")));
        assert_eq!(drafts[1].owner.as_deref(), Some("Sam"));
    }

    #[test]
    fn bad_documents_say_where_and_what() {
        let err =
            read_document("okrs.yaml", "objectives:\n  - objective: A\n    key_results: [\"x\"]\n    tagret: 3\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("objectives[0]") && err.contains("unknown field `tagret`"), "{err}");
        let err = read_document("okrs.yaml", "objective: [unclosed").unwrap_err().to_string();
        assert!(err.contains("is not valid YAML"), "{err}");
        let err = read_document("okrs.md", "- a bullet first\n# then a heading").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = read_document("okrs.md", "just prose\n").unwrap_err().to_string();
        assert!(err.contains("holds no objective"), "{err}");
    }
}

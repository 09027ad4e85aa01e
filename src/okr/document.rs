//! OKR documents: the YAML and Markdown files people keep OKRs in, read into drafts
//! for `grounded check FILE` and the demo.
//!
//! YAML is either one objective (`objective:`, `key_results:` ...) or a set with
//! shared defaults (`cycle:`, `owner:`, `objectives: [...]`). Markdown is an objective
//! heading (`# ...`, `## Objective: ...`), optional `Owner:` / `Cycle:` / `Level:` /
//! `Kind:` / `Stage:` lines, and one bullet per key result.

use serde::Deserialize;

use super::input::{KeyResultDraft, ObjectiveDraft};
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

fn read_markdown(name: &str, text: &str) -> Result<Vec<ObjectiveDraft>> {
    let mut drafts: Vec<ObjectiveDraft> = vec![];
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        let at = || format!("{name}: line {}", number + 1);
        if let Some(heading) = line.strip_prefix('#') {
            let title = strip_label(heading.trim_start_matches('#').trim(), &["objective", "o"]);
            drafts.push(ObjectiveDraft {
                objective: title.to_string(),
                owner: None,
                cycle: None,
                level: None,
                kind: None,
                parent: None,
                stage: None,
                key_results: vec![],
            });
        } else if let Some(item) = bullet(line) {
            let current = drafts
                .last_mut()
                .ok_or_else(|| Error::invalid(at(), "a key result comes before any objective heading (# ...)"))?;
            current.key_results.push(KeyResultDraft::Statement(strip_label(item, &["kr", "key result"]).to_string()));
        } else if let Some((key, value)) = line.split_once(':') {
            let Some(current) = drafts.last_mut() else { continue };
            let value = value.trim().to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "owner" => current.owner = Some(value),
                "cycle" => current.cycle = Some(value),
                "stage" => current.stage = Some(value),
                "parent" => current.parent = Some(value),
                "level" => current.level = Some(parse_word(&at(), "level", &value)?),
                "kind" => current.kind = Some(parse_word(&at(), "kind", &value)?),
                _ => {}
            }
        }
    }
    Ok(drafts)
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

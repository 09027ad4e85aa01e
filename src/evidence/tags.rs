//! The tag vocabulary: tags are normalized (`Onboarding Flow` → `onboarding-flow`),
//! resolved through aliases to one canonical tag, and can be merged, so `onboarding`,
//! `onboarding_flow` and `user_setup` do not drift apart into three piles of research.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Evidence, EvidenceId};
use crate::store::{Store, Table, Tx, TxError};

/// The canonical tag for `tag`, registering it as canonical when it is new.
pub fn resolve(tx: &Tx<'_>, tag: &str) -> Result<String, TxError> {
    if let Some(canonical) = tx.get_raw(Table::Tags, tag.as_bytes())? {
        return Ok(String::from_utf8_lossy(&canonical).into_owned());
    }
    tx.put_raw(Table::Tags, tag.as_bytes(), tag.as_bytes())?;
    Ok(tag.to_string())
}

/// For each new tag that resembles a canonical one, a note saying how to merge it.
pub fn notes_for_new<'a>(store: &Store, tags: impl Iterator<Item = &'a String>) -> Result<Vec<String>> {
    let known = canonical_tags(store)?;
    let mut notes = vec![];
    let mut seen = std::collections::HashSet::new();
    for tag in tags {
        if !seen.insert(tag.clone()) || store.tree(Table::Tags).contains_key(tag.as_bytes())? {
            continue;
        }
        if let Some(similar) = known.iter().find(|k| resembles(tag, k)) {
            notes.push(format!(
                "new tag \"{tag}\" looks like \"{similar}\"; if they mean the same, run `grounded tag merge {tag} {similar}`"
            ));
        }
    }
    Ok(notes)
}

/// Same first word (`onboarding-flow`, `onboarding`), or one letter apart.
fn resembles(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let first = |t: &str| t.split('-').next().unwrap_or("").to_string();
    (first(a) == first(b) && first(a).len() >= 4) || edit_distance(a, b) <= 1
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut previous = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let current = row[j];
            row[j] = (row[j] + 1).min(row[j - 1] + 1).min(previous + usize::from(a[i - 1] != b[j - 1]));
            previous = current;
        }
    }
    row[b.len()]
}

fn canonical_tags(store: &Store) -> Result<Vec<String>> {
    let mut out = vec![];
    for entry in store.tree(Table::Tags).iter() {
        let (alias, canonical) = entry?;
        if alias == canonical {
            out.push(String::from_utf8_lossy(&alias).into_owned());
        }
    }
    Ok(out)
}

/// A tag with its aliases and how much evidence carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TagSummary {
    pub tag: String,
    pub aliases: Vec<String>,
    pub evidence: usize,
}

pub fn list_tags(store: &Store) -> Result<Vec<TagSummary>> {
    let mut tags: Vec<TagSummary> =
        canonical_tags(store)?.into_iter().map(|tag| TagSummary { tag, aliases: vec![], evidence: 0 }).collect();
    for entry in store.tree(Table::Tags).iter() {
        let (alias, canonical) = entry?;
        if alias != canonical
            && let Some(t) = tags.iter_mut().find(|t| t.tag.as_bytes() == canonical.as_ref())
        {
            t.aliases.push(String::from_utf8_lossy(&alias).into_owned());
        }
    }
    for evidence in store.scan::<Evidence>(Table::Evidence) {
        for tag in evidence?.tags {
            if let Some(t) = tags.iter_mut().find(|t| t.tag == tag) {
                t.evidence += 1;
            }
        }
    }
    Ok(tags)
}

/// Folds tag `from` into `into`: every item tagged `from` is retagged, and `from`
/// (with its own aliases) becomes an alias of `into`. Returns the retagged items.
pub fn merge(store: &Store, from: &str, into: &str) -> Result<Vec<EvidenceId>> {
    let from = crate::validate::tag("from", from)?;
    let into = crate::validate::tag("into", into)?;
    if from == into {
        return Err(Error::invalid("into", "is the same tag as from"));
    }
    let tree = store.tree(Table::Tags);
    let into_canonical =
        tree.get(into.as_bytes())?.map(|c| String::from_utf8_lossy(&c).into_owned()).unwrap_or(into.clone());
    if into_canonical == from {
        return Err(Error::invalid(
            "into",
            format!("\"{into}\" is already an alias of \"{from}\"; merge the other way round"),
        ));
    }
    let mut retag = vec![];
    for evidence in store.scan::<Evidence>(Table::Evidence) {
        let evidence = evidence?;
        if evidence.tags.contains(&from) {
            retag.push(evidence);
        }
    }
    let aliases: Vec<Vec<u8>> = tree
        .iter()
        .filter_map(|e| e.ok())
        .filter(|(_, canonical)| canonical.as_ref() == from.as_bytes())
        .map(|(alias, _)| alias.to_vec())
        .collect();
    let ids: Vec<EvidenceId> = retag.iter().map(|e| e.id).collect();
    super::search::change_and_index(store, || {
        store.transact(|tx| {
            super::search::bump_generation(tx)?;
            tx.put_raw(Table::Tags, into_canonical.as_bytes(), into_canonical.as_bytes())?;
            tx.put_raw(Table::Tags, from.as_bytes(), into_canonical.as_bytes())?;
            for alias in &aliases {
                tx.put_raw(Table::Tags, alias, into_canonical.as_bytes())?;
            }
            for evidence in &retag {
                let mut changed = evidence.clone();
                for t in changed.tags.iter_mut() {
                    if *t == from {
                        *t = into_canonical.clone();
                    }
                }
                changed.tags.sort();
                changed.tags.dedup();
                tx.put(Table::Evidence, &changed.id.key(), &changed)?;
            }
            Ok(())
        })?;
        Ok(((), ids.clone()))
    })?;
    store.flush_blocking()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resemblance_catches_variants_not_strangers() {
        assert!(resembles("onboarding-flow", "onboarding"));
        assert!(resembles("templates", "template"));
        assert!(!resembles("pricing", "plan-limits"));
        assert!(!resembles("user-setup", "onboarding"), "synonyms need a person: merge them by hand");
    }
}

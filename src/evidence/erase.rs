//! `delete_evidence` and `erase_participant`: research that must go, and everything
//! that would still show it.
//!
//! Interview excerpts are personal data. Erasing one removes, in one transaction,
//! the item, its duplicate and re-import keys (which hold its words), its links, and
//! the rationale those links carried in the history of what they grounded; then the
//! search index drops it and rewrites the segments that held it, so the words leave
//! the disk instead of waiting for a merge. What stays is the fact: an entry under
//! each erased id, and on each objective or key result that lost a link, saying who
//! erased what (ids, kind, study) when and why, never the text or the participant.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::link::is_okr;
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{AuditEntry, Evidence, EvidenceId, FieldChange, Link, LinkId, Study, StudyId};
use crate::store::links::{evidence_key, links_of_evidence, target_key};
use crate::store::{Store, Table};
use crate::validate::{self, MAX_NOTE_CHARS};

/// Ids listed in an answer; the counts cover the rest.
const LISTED: usize = 50;
/// What a link's rationale reads in history once its evidence is erased.
const ERASED_RATIONALE: &str = "(erased with the evidence)";

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteEvidenceRequest {
    /// Ids such as EV-5; or give study.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// ST-2 or a name; the study goes too.
    #[serde(default)]
    pub study: Option<String>,
    // Why they go (consent withdrawn, wrong import, ...); kept in history.
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseParticipantRequest {
    // As stored on their items.
    /// Case-insensitive.
    pub participant: String,
    // Such as an erasure request or consent withdrawn.
    /// Kept in history: do not name the participant.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceErased {
    /// How many items went.
    pub deleted: usize,
    /// Their ids (the first 50).
    pub evidence: Vec<EvidenceId>,
    /// How many links went with them.
    pub links_removed: usize,
    /// What those links grounded, with how many links each lost.
    pub linked_to: Vec<LostLinks>,
    /// The study removed with its items (delete_evidence by study).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study_removed: Option<StudyId>,
    /// erase_participant: other items whose text contains the participant's name as a
    /// word (the first 50). They were not erased: someone should read them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentioned_elsewhere: Vec<EvidenceId>,
    /// What history keeps.
    pub kept: String,
    /// Present only when the items are deleted but the search index could not rewrite
    /// the files that held them: where their words may remain and when they go. The
    /// deletion itself is done; repeating it would find nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_index: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LostLinks {
    /// `O-3`, `KR-12`, `IND-2` or `M-4`.
    pub target: String,
    pub links: usize,
}

pub async fn delete_evidence(store: &Store, request: DeleteEvidenceRequest, actor: &Actor) -> Result<EvidenceErased> {
    let reason = validate::text("reason", &request.reason, MAX_NOTE_CHARS)?;
    let (items, study) = match (request.evidence.is_empty(), &request.study) {
        (false, Some(_)) => {
            return Err(Error::invalid(
                "study",
                crate::words![
                    "and ",
                    crate::error::field("evidence"),
                    " are both given; give the EV-.. ids or one ",
                    crate::error::field("study")
                ],
            ));
        }
        (true, None) => {
            return Err(Error::invalid(
                "evidence",
                crate::words![
                    "is empty; give the EV-.. ids to delete (",
                    crate::error::Operation::SearchEvidence,
                    " finds them), or a ",
                    crate::error::field("study")
                ],
            ));
        }
        (false, None) => (by_ids(store, &request.evidence)?, None),
        (true, Some(study)) => {
            let study = resolve_study(store, study)?;
            let items = matching(store, |e| e.study == Some(study.id))?;
            (items, Some(study))
        }
    };
    let change = Change::now(actor, Some(reason));
    let erased = erase(store, &items, study.as_ref(), "evidence_deleted", &change)?;
    store.flush().await?;
    let search_index = super::search::purge_deleted(store);
    Ok(answer(&items, erased, study.map(|s| s.id), vec![], search_index))
}

pub async fn erase_participant(
    store: &Store,
    request: EraseParticipantRequest,
    actor: &Actor,
) -> Result<EvidenceErased> {
    let reason = validate::text("reason", &request.reason, MAX_NOTE_CHARS)?;
    let name = validate::text("participant", &request.participant, 200)?;
    let wanted = name.to_lowercase();
    let items = matching(store, |e| e.participant.as_deref().is_some_and(|p| p.trim().to_lowercase() == wanted))?;
    if items.is_empty() {
        return Err(Error::invalid("participant", no_such_participant(store, &name)?));
    }
    let change = Change::now(actor, Some(reason));
    let erased = erase(store, &items, None, "participant_erased", &change)?;
    store.flush().await?;
    let search_index = super::search::purge_deleted(store);
    let mentioned = matching(store, |e| names(&e.text, &wanted))?.into_iter().map(|e| e.id).take(LISTED).collect();
    Ok(answer(&items, erased, None, mentioned, search_index))
}

fn answer(
    items: &[Evidence],
    links: Vec<Link>,
    study: Option<StudyId>,
    mentioned: Vec<EvidenceId>,
    search_index: Option<String>,
) -> EvidenceErased {
    let mut by_target: BTreeMap<String, usize> = BTreeMap::new();
    for link in &links {
        *by_target.entry(link.target.clone()).or_default() += 1;
    }
    EvidenceErased {
        deleted: items.len(),
        evidence: items.iter().take(LISTED).map(|e| e.id).collect(),
        links_removed: links.len(),
        linked_to: by_target.into_iter().map(|(target, links)| LostLinks { target, links }).collect(),
        study_removed: study,
        mentioned_elsewhere: mentioned,
        kept: "history keeps who erased which ids, when and why (under each EV id and on each objective and key \
               result that lost a link); not the text, the participant or the links' rationale"
            .into(),
        search_index,
    }
}

/// Removes `items`, their keys, links and search entries in one transaction, and
/// blanks the rationale of their links in the history of what they grounded; answers
/// with the links that went.
fn erase(store: &Store, items: &[Evidence], study: Option<&Study>, action: &str, change: &Change) -> Result<Vec<Link>> {
    let mut links: Vec<Link> = vec![];
    for item in items {
        links.extend(links_of_evidence(store, item.id)?);
    }
    let erased_links: Vec<LinkId> = links.iter().map(|l| l.id).collect();
    let mut targets: Vec<&str> = links.iter().map(|l| l.target.as_str()).filter(|t| is_okr(t)).collect();
    targets.sort_unstable();
    targets.dedup();
    // History entries that quote an erased link's rationale, rewritten in the same
    // transaction. Read here because a transaction cannot scan.
    let mut rewrites: Vec<(Vec<u8>, AuditEntry)> = vec![];
    for target in &targets {
        for (key, mut entry) in store.history_keyed(target)? {
            if blank_rationale(&mut entry, &erased_links) {
                rewrites.push((key, entry));
            }
        }
    }
    super::search::change_and_index(store, || {
        store.transact(|tx| {
            for item in items {
                tx.remove(Table::Evidence, &item.id.key())?;
                // Only while it still points here: a re-import may have moved it.
                let content = item.content_key();
                if tx.bucket_get(Table::EvidenceByContent, &content)? == Some(item.id.key()) {
                    tx.bucket_remove(Table::EvidenceByContent, &content)?;
                }
                if let Some(record) = &item.source.record_id {
                    tx.bucket_remove(Table::EvidenceByRecord, record.as_bytes())?;
                }
                let own: Vec<&Link> = links.iter().filter(|l| l.evidence == item.id).collect();
                tx.append_history(&change.entry(
                    item.id.to_string(),
                    action,
                    vec![FieldChange {
                        field: "evidence".into(),
                        from: json!({
                            "id": item.id,
                            "kind": item.kind,
                            "study": item.study,
                            "links": own.iter().map(|l| json!({"id": l.id, "target": l.target, "relation": l.relation})).collect::<Vec<_>>(),
                        }),
                        to: serde_json::Value::Null,
                    }],
                ))?;
            }
            for link in &links {
                tx.remove(Table::Links, &link.id.key())?;
                tx.remove(Table::LinksByTarget, &target_key(&link.target, link.id))?;
                tx.remove(Table::LinksByEvidence, &evidence_key(link.evidence, link.id))?;
            }
            for (key, entry) in &rewrites {
                tx.put(Table::History, key, entry)?;
            }
            for target in &targets {
                let lost: Vec<_> = links
                    .iter()
                    .filter(|l| l.target == *target)
                    .map(|l| json!({"id": l.id, "evidence": l.evidence, "relation": l.relation}))
                    .collect();
                tx.append_history(&change.entry(
                    (*target).to_string(),
                    action,
                    vec![FieldChange { field: "links".into(), from: json!(lost), to: serde_json::Value::Null }],
                ))?;
            }
            if let Some(study) = study {
                tx.remove(Table::Studies, &study.id.key())?;
                tx.remove(Table::StudyNames, study.name.trim().to_lowercase().as_bytes())?;
            }
            super::search::bump_generation(tx)
        })?;
        Ok(((), items.iter().map(|e| e.id).collect()))
    })?;
    Ok(links)
}

/// Blanks the rationale of an erased link in an `evidence_linked` or
/// `evidence_unlinked` entry; true when it changed something.
fn blank_rationale(entry: &mut AuditEntry, erased: &[LinkId]) -> bool {
    let mut changed = false;
    for change in entry.changes.iter_mut().filter(|c| c.field == "link") {
        for side in [&mut change.from, &mut change.to] {
            let is_erased = side
                .get("id")
                .and_then(|id| id.as_str())
                .and_then(|id| id.parse::<LinkId>().ok())
                .is_some_and(|id| erased.contains(&id));
            if is_erased && let Some(rationale) = side.get_mut("rationale") {
                *rationale = json!(ERASED_RATIONALE);
                changed = true;
            }
        }
    }
    if changed && entry.reason.is_some() && entry.action == "evidence_linked" {
        // A link's entry carries its rationale as the reason too.
        entry.reason = Some(ERASED_RATIONALE.into());
    }
    changed
}

fn by_ids(store: &Store, texts: &[String]) -> Result<Vec<Evidence>> {
    let mut items: Vec<Evidence> = vec![];
    for (i, text) in texts.iter().enumerate() {
        let field = format!("evidence[{i}]");
        let id: EvidenceId =
            text.parse().map_err(|e: crate::model::IdParseError| Error::invalid(&field, e.to_string()))?;
        let item = store.get::<Evidence>(Table::Evidence, &id.key())?.ok_or_else(|| {
            Error::not_found(
                &field,
                id,
                crate::words![crate::error::Operation::SearchEvidence, " finds stored evidence"],
            )
        })?;
        if !items.iter().any(|e| e.id == id) {
            items.push(item);
        }
    }
    Ok(items)
}

fn resolve_study(store: &Store, text: &str) -> Result<Study> {
    let text = validate::text("study", text, 200)?;
    let by_id =
        text.parse::<StudyId>().ok().map(|id| store.get::<Study>(Table::Studies, &id.key())).transpose()?.flatten();
    if let Some(study) = by_id {
        return Ok(study);
    }
    let by_name = store
        .tree(Table::StudyNames)
        .get(text.to_lowercase().as_bytes())?
        .and_then(|v| StudyId::from_key(&v))
        .map(|id| store.get::<Study>(Table::Studies, &id.key()))
        .transpose()?
        .flatten();
    by_name.ok_or_else(|| {
        let names: Vec<String> = store
            .scan::<Study>(Table::Studies)
            .filter_map(|s| s.ok())
            .take(20)
            .map(|s| format!("{} ({})", s.id, s.name))
            .collect();
        let known =
            if names.is_empty() { "no study is stored".to_string() } else { format!("studies: {}", names.join(", ")) };
        Error::invalid(
            "study",
            format!("{:?} is neither a study id nor a study's name; {known}", validate::truncate(&text, 60)),
        )
    })
}

fn matching(store: &Store, keep: impl Fn(&Evidence) -> bool) -> Result<Vec<Evidence>> {
    let mut found = vec![];
    for item in store.scan::<Evidence>(Table::Evidence) {
        let item = item?;
        if keep(&item) {
            found.push(item);
        }
    }
    Ok(found)
}

/// Whether `text` contains `name` (lowercase) as a whole word or phrase.
fn names(text: &str, name: &str) -> bool {
    let text = text.to_lowercase();
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The refusal for a participant with no items: the stored participants that look
/// closest, so a typo is one step from the right call.
fn no_such_participant(store: &Store, name: &str) -> Result<String> {
    let wanted = name.to_lowercase();
    // Keyed as matched (case aside), shown as first written.
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for item in store.scan::<Evidence>(Table::Evidence) {
        if let Some(p) = item?.participant {
            counts.entry(p.trim().to_lowercase()).or_insert_with(|| (p.trim().to_string(), 0)).1 += 1;
        }
    }
    if counts.is_empty() {
        return Ok(format!("no evidence names a participant, so none is from {name:?}; nothing was erased"));
    }
    let mut near: Vec<&String> = counts
        .keys()
        .filter(|p| p.contains(&wanted) || wanted.contains(p.as_str()) || super::tags::edit_distance(p, &wanted) <= 2)
        .collect();
    let shown = if near.is_empty() {
        near = counts.keys().take(10).collect();
        "participants stored include"
    } else {
        "did you mean"
    };
    Ok(format!(
        "no evidence is from {name:?}; nothing was erased. {shown}: {}",
        near.iter()
            .map(|p| {
                let (shown, n) = &counts[*p];
                format!("{shown} ({n} item{})", if *n == 1 { "" } else { "s" })
            })
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::add::{AddEvidenceRequest, add_evidence};
    use crate::evidence::link::{LinkRequest, link_evidence};
    use crate::evidence::search::{SearchRequest, search};

    fn actor() -> Actor {
        Actor("maya".into())
    }

    async fn store_with_interviews() -> (Store, Vec<EvidenceId>) {
        let store = Store::temporary().unwrap();
        let draft = crate::okr::input::ObjectiveDraft::activation_example();
        crate::okr::draft::draft_okr(&store, draft, &actor()).await.unwrap();
        let request: AddEvidenceRequest = serde_json::from_value(json!({"items": [
            {"kind": "interview", "text": "The blank canvas scared me off on day one", "participant": "Jane Roe", "study": "Onboarding interviews"},
            {"kind": "interview", "text": "I never found the template gallery", "participant": "jane roe", "study": "Onboarding interviews"},
            {"kind": "interview", "text": "Jane Roe showed me the canvas trick", "participant": "P7", "study": "Onboarding interviews"},
            {"kind": "observation", "text": "Ten tickets about the blank canvas this week"}
        ]}))
        .unwrap();
        let added = add_evidence(&store, request, &actor()).await.unwrap();
        let ids: Vec<EvidenceId> = added.items.iter().map(|i| i.id).collect();
        for (id, rationale) in
            [(ids[0], "Jane Roe says the blank canvas stops her"), (ids[3], "Tickets name the canvas")]
        {
            let link: LinkRequest = serde_json::from_value(json!({
                "evidence": [id.to_string()], "target": "KR-1", "relation": "explains", "rationale": rationale
            }))
            .unwrap();
            link_evidence(&store, link, &actor()).await.unwrap();
        }
        (store, ids)
    }

    fn hits(store: &Store, query: &str) -> usize {
        search(store, &SearchRequest { query: Some(query.into()), ..Default::default() }).unwrap().total
    }

    #[tokio::test]
    async fn erasing_a_participant_removes_their_words_links_and_rationale_but_keeps_the_fact() {
        let (store, ids) = store_with_interviews().await;
        assert_eq!(hits(&store, "scared"), 1);
        let request =
            EraseParticipantRequest { participant: " JANE ROE ".into(), reason: "erasure request #41".into() };
        let erased = erase_participant(&store, request, &actor()).await.unwrap();
        assert_eq!(erased.deleted, 2);
        assert_eq!(erased.evidence, vec![ids[0], ids[1]]);
        assert_eq!(erased.links_removed, 1);
        assert_eq!(erased.linked_to, vec![LostLinks { target: "KR-1".into(), links: 1 }]);
        assert_eq!(erased.mentioned_elsewhere, vec![ids[2]], "P7's quote names Jane Roe and is left for a person");
        assert_eq!(hits(&store, "scared"), 0);
        assert_eq!(hits(&store, "template gallery"), 0);
        assert_eq!(hits(&store, "tickets"), 1, "the other item linked to KR-1 stays");
        assert!(store.get::<Evidence>(Table::Evidence, &ids[0].key()).unwrap().is_none());
        assert_eq!(links_of_evidence(&store, ids[3]).unwrap().len(), 1);
        // Adding the same quote again is new evidence, not a duplicate of an erased key.
        let again: AddEvidenceRequest = serde_json::from_value(json!({"items": [
            {"kind": "interview", "text": "The blank canvas scared me off on day one", "participant": "Jane Roe", "study": "Onboarding interviews"}
        ]}))
        .unwrap();
        assert_eq!(add_evidence(&store, again, &actor()).await.unwrap().created, 1);
        // History: the fact under the erased id and on KR-1, no words, no name.
        let trail = serde_json::to_string(&store.history("KR-1").unwrap()).unwrap();
        assert!(trail.contains("participant_erased"), "{trail}");
        assert!(!trail.contains("Jane") && !trail.contains("jane"), "{trail}");
        let own = store.history(&ids[0].to_string()).unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].reason.as_deref(), Some("erasure request #41"));
        assert!(!serde_json::to_string(&own).unwrap().contains("canvas"));
    }

    #[tokio::test]
    async fn an_unknown_participant_is_refused_with_the_near_names_and_nothing_changes() {
        let (store, _) = store_with_interviews().await;
        let request = EraseParticipantRequest { participant: "Jane Rowe".into(), reason: "request".into() };
        let error = erase_participant(&store, request, &actor()).await.unwrap_err().to_string();
        assert!(
            error.contains("participant") && error.contains("did you mean") && error.contains("Jane Roe (2 items)"),
            "{error}"
        );
        assert_eq!(store.scan::<Evidence>(Table::Evidence).count(), 4);
    }

    #[tokio::test]
    async fn deleting_a_study_takes_its_items_and_the_study_and_leaves_the_rest() {
        let (store, ids) = store_with_interviews().await;
        let request = DeleteEvidenceRequest {
            study: Some("onboarding INTERVIEWS".into()),
            reason: "wrong import".into(),
            ..Default::default()
        };
        let deleted = delete_evidence(&store, request, &actor()).await.unwrap();
        assert_eq!(deleted.deleted, 3);
        assert!(deleted.study_removed.is_some());
        assert!(store.scan::<Study>(Table::Studies).next().is_none());
        assert_eq!(hits(&store, "canvas"), 1);
        assert!(store.get::<Evidence>(Table::Evidence, &ids[3].key()).unwrap().is_some());
    }

    #[tokio::test]
    async fn a_bad_id_or_both_selectors_refuse_the_whole_call() {
        let (store, ids) = store_with_interviews().await;
        let missing = DeleteEvidenceRequest {
            evidence: vec![ids[0].to_string(), "EV-999".into()],
            reason: "cleanup".into(),
            ..Default::default()
        };
        let error = delete_evidence(&store, missing, &actor()).await.unwrap_err().to_string();
        assert!(error.contains("evidence[1]") && error.contains("EV-999"), "{error}");
        let both = DeleteEvidenceRequest {
            evidence: vec![ids[0].to_string()],
            study: Some("ST-1".into()),
            reason: "cleanup".into(),
        };
        assert!(delete_evidence(&store, both, &actor()).await.unwrap_err().to_string().contains("study"));
        let no_reason =
            DeleteEvidenceRequest { evidence: vec![ids[0].to_string()], reason: " ".into(), ..Default::default() };
        assert!(delete_evidence(&store, no_reason, &actor()).await.unwrap_err().to_string().contains("reason"));
        assert_eq!(store.scan::<Evidence>(Table::Evidence).count(), 4);
        assert_eq!(hits(&store, "scared"), 1);
    }

    #[test]
    fn a_name_counts_only_as_a_whole_word() {
        assert!(names("jane roe showed me", "jane roe"));
        assert!(names("as p7 said, ...", "p7"));
        assert!(!names("p77 said", "p7"));
        assert!(!names("janet said", "jane"));
    }
}

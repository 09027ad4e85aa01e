//! `link_evidence` and `unlink_evidence`: links are first-class records joining
//! evidence to an objective, key result, indicator or metric, with a relation, a
//! rationale, who made them and when. Linking twice is idempotent.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{AuditEntry, Evidence, EvidenceId, FieldChange, Link, LinkId, Relation};
use crate::store::links::{evidence_key, links_of_evidence, links_of_target, target_exists, target_key};
use crate::store::{Store, Table};
use crate::validate::{self, MAX_NOTE_CHARS};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// Ids such as EV-5.
    pub evidence: Vec<String>,
    /// O-3, KR-12, IND-2 or M-4.
    pub target: String,
    /// motivates: why an objective exists; baseline: a starting number's source; validates:
    /// backs an indicator; explains: why a number moved.
    pub relation: Relation,
    // Why this evidence bears on the target.
    /// One sentence.
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Linked {
    /// The links, new or already there.
    pub links: Vec<Link>,
    pub created: usize,
    /// Links that already existed (same evidence, target and relation): left as they were.
    pub existing: usize,
}

pub async fn link_evidence(store: &Store, request: LinkRequest, actor: &Actor) -> Result<Linked> {
    let target = validate::link_target("target", &request.target)?;
    if !target_exists(store, &target)? {
        return Err(Error::not_found(
            "target",
            &target,
            crate::words![crate::error::Operation::GetOkr, " lists objectives, key results and their indicators"],
        ));
    }
    let rationale = validate::text("rationale", &request.rationale, MAX_NOTE_CHARS)?;
    if request.evidence.is_empty() {
        return Err(Error::invalid(
            "evidence",
            crate::words!["is empty; give EV-.. ids (", crate::error::Operation::SearchEvidence, " finds them)"],
        ));
    }
    let mut ids = vec![];
    for (i, text) in request.evidence.iter().enumerate() {
        let field = format!("evidence[{i}]");
        let id: EvidenceId =
            text.parse().map_err(|e: crate::model::IdParseError| Error::invalid(&field, e.to_string()))?;
        if store.get::<Evidence>(Table::Evidence, &id.key())?.is_none() {
            return Err(Error::not_found(
                field,
                id,
                crate::words![crate::error::Operation::SearchEvidence, " finds stored evidence"],
            ));
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let existing: BTreeMap<EvidenceId, Link> = ids
        .iter()
        .filter_map(|id| {
            links_of_evidence(store, *id)
                .map(|links| {
                    links.into_iter().find(|l| l.target == target && l.relation == request.relation).map(|l| (*id, l))
                })
                .transpose()
        })
        .collect::<Result<_>>()?;
    let change = Change::now(actor, Some(rationale.clone()));
    let links = super::search::change_and_index(store, || {
        let links = store.transact(|tx| {
            let mut links = vec![];
            for id in &ids {
                if let Some(link) = existing.get(id) {
                    links.push(link.clone());
                    continue;
                }
                let link = Link {
                    id: LinkId(tx.next_id(LinkId::PREFIX)?),
                    evidence: *id,
                    target: target.clone(),
                    relation: request.relation,
                    rationale: rationale.clone(),
                    author: change.actor.0.clone(),
                    created_at: change.at,
                };
                tx.put(Table::Links, &link.id.key(), &link)?;
                tx.put_raw(Table::LinksByTarget, &target_key(&target, link.id), &[])?;
                tx.put_raw(Table::LinksByEvidence, &evidence_key(*id, link.id), &[])?;
                if is_okr(&target) {
                    tx.append_history(&link_entry(&change, "evidence_linked", &link))?;
                }
                links.push(link);
            }
            super::search::bump_generation(tx)?;
            Ok(links)
        })?;
        Ok((links, ids.clone()))
    })?;
    store.flush().await?;
    let existing = existing.len();
    Ok(Linked { created: links.len() - existing, existing, links })
}

pub(super) fn is_okr(target: &str) -> bool {
    target.starts_with("O-") || target.starts_with("KR-")
}

/// The entry on the linked objective or key result: the link appears (`evidence_linked`,
/// whose reason is the link's rationale) or goes (`evidence_unlinked`).
fn link_entry(change: &Change, action: &str, link: &Link) -> AuditEntry {
    let record = serde_json::to_value(link).unwrap_or_default();
    let (from, to) =
        if action == UNLINKED { (record, serde_json::Value::Null) } else { (serde_json::Value::Null, record) };
    change.entry(link.target.clone(), action, vec![FieldChange { field: "link".into(), from, to }])
}

const UNLINKED: &str = "evidence_unlinked";

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlinkRequest {
    /// Ids such as LNK-9.
    #[serde(default)]
    pub links: Vec<String>,
    /// Or every link between these evidence ids and target (of relation, if given).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// O-3, KR-12, IND-2 or M-4.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub relation: Option<Relation>,
    // Why the link no longer holds; kept in the history.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unlinked {
    pub removed: Vec<Link>,
}

pub async fn unlink_evidence(store: &Store, request: UnlinkRequest, actor: &Actor) -> Result<Unlinked> {
    let reason = validate::optional_text("reason", request.reason.as_deref(), MAX_NOTE_CHARS)?;
    let mut removed: Vec<Link> = vec![];
    for (i, text) in request.links.iter().enumerate() {
        let field = format!("links[{i}]");
        let id: LinkId = text.parse().map_err(|e: crate::model::IdParseError| Error::invalid(&field, e.to_string()))?;
        let link = store.get::<Link>(Table::Links, &id.key())?.ok_or_else(|| Error::not_found(&field, id, ""))?;
        removed.push(link);
    }
    if !request.evidence.is_empty() || request.target.is_some() {
        let target = validate::link_target(
            "target",
            request.target.as_deref().ok_or_else(|| Error::invalid("target", "is needed with evidence"))?,
        )?;
        if request.evidence.is_empty() {
            return Err(Error::invalid("evidence", "is needed with target: give the EV-.. ids to unlink"));
        }
        for (i, text) in request.evidence.iter().enumerate() {
            let id: EvidenceId = text
                .parse()
                .map_err(|e: crate::model::IdParseError| Error::invalid(format!("evidence[{i}]"), e.to_string()))?;
            let matching: Vec<Link> = links_of_evidence(store, id)?
                .into_iter()
                .filter(|l| l.target == target && request.relation.is_none_or(|r| r == l.relation))
                .collect();
            if matching.is_empty() {
                return Err(Error::not_found(
                    format!("evidence[{i}]"),
                    format!("a link from {id} to {target}"),
                    crate::words![crate::error::Operation::GetOkr, " shows what is linked"],
                ));
            }
            removed.extend(matching);
        }
    }
    if removed.is_empty() {
        return Err(Error::invalid("links", "give LNK-.. ids, or evidence ids with a target"));
    }
    removed.sort_by_key(|l| l.id);
    removed.dedup_by_key(|l| l.id);
    let change = Change::now(actor, reason);
    super::search::change_and_index(store, || {
        store.transact(|tx| {
            for link in &removed {
                tx.remove(Table::Links, &link.id.key())?;
                tx.remove(Table::LinksByTarget, &target_key(&link.target, link.id))?;
                tx.remove(Table::LinksByEvidence, &evidence_key(link.evidence, link.id))?;
                if is_okr(&link.target) {
                    tx.append_history(&link_entry(&change, UNLINKED, link))?;
                }
            }
            super::search::bump_generation(tx)
        })?;
        Ok(((), removed.iter().map(|l| l.evidence).collect()))
    })?;
    store.flush().await?;
    Ok(Unlinked { removed })
}

/// How much evidence is linked to a target, by relation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceCounts {
    pub total: usize,
    pub by_relation: BTreeMap<String, usize>,
}

pub fn evidence_counts(store: &Store, target: &str) -> Result<EvidenceCounts> {
    let mut counts = EvidenceCounts::default();
    for link in links_of_target(store, target)? {
        counts.total += 1;
        *counts.by_relation.entry(format!("{:?}", link.relation).to_lowercase()).or_default() += 1;
    }
    Ok(counts)
}

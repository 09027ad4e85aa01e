//! Reading links: every link of a piece of evidence, every link to a target, and
//! the keys of the two trees that index them.
//!
//! Here, below the modules that write links (`evidence::link`, erasure), so that
//! what derives from links (the search index, reports, explain, scores) reads them
//! without depending on their writers: changes flow one way, store to index.

use crate::error::Result;
use crate::model::{EvidenceId, IndicatorId, KeyResultId, Link, LinkId, MetricId, ObjectiveId};

use super::{Store, Table};

/// The `LinksByTarget` key: target, a 0 byte, link id.
pub fn target_key(target: &str, link: LinkId) -> Vec<u8> {
    let mut key = target.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&link.key());
    key
}

/// The `LinksByEvidence` key: evidence id, link id.
pub fn evidence_key(evidence: EvidenceId, link: LinkId) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&evidence.key());
    key[8..].copy_from_slice(&link.key());
    key
}

/// Every link of one piece of evidence.
pub fn links_of_evidence(store: &Store, evidence: EvidenceId) -> Result<Vec<Link>> {
    let mut links = vec![];
    for key in store.tree(Table::LinksByEvidence).scan_prefix(evidence.key()).keys() {
        let key = key?;
        if let Some(id) = LinkId::from_key(&key[8..]) {
            links.extend(store.get::<Link>(Table::Links, &id.key())?);
        }
    }
    Ok(links)
}

/// Every link to one target (`KR-12`).
pub fn links_of_target(store: &Store, target: &str) -> Result<Vec<Link>> {
    let mut prefix = target.as_bytes().to_vec();
    prefix.push(0);
    let mut links = vec![];
    for key in store.tree(Table::LinksByTarget).scan_prefix(&prefix).keys() {
        let key = key?;
        if let Some(id) = LinkId::from_key(&key[prefix.len()..]) {
            links.extend(store.get::<Link>(Table::Links, &id.key())?);
        }
    }
    Ok(links)
}

/// Whether a target written by [`crate::validate::link_target`] is stored.
pub fn target_exists(store: &Store, target: &str) -> Result<bool> {
    Ok(if let Ok(id) = target.parse::<KeyResultId>() {
        store.key_result(id)?.is_some()
    } else if let Ok(id) = target.parse::<IndicatorId>() {
        store.indicator(id)?.is_some()
    } else if let Ok(id) = target.parse::<ObjectiveId>() {
        store.objective(id)?.is_some()
    } else if let Ok(id) = target.parse::<MetricId>() {
        store.metric(id)?.is_some()
    } else {
        false
    })
}

//! Migrations of older database layouts, run when a database is opened.
//!
//! Each one is idempotent (a crash midway leaves keys of the old shape, and the next
//! open converts what is left), and the schema version is written only after it.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::error::Result;
use crate::model::{Evidence, MetricId, block_entries, block_key, encode_block, history_key, month_of};

use super::buckets::bucket_all;
use super::codec::{BINARY_VERSION, Record};

/// Version 1 kept one key per measurement (metric + time, 16 bytes) and one per
/// replaced value (the same + a sequence, 24 bytes). Version 2 keeps a block per
/// metric and month, and tagged history keys. The entry bytes are unchanged.
pub fn measurements_v1_to_v2(tree: &sled::Tree) -> Result<usize> {
    let mut blocks: BTreeMap<[u8; 13], BTreeMap<i64, Vec<u8>>> = BTreeMap::new();
    let mut batch = sled::Batch::default();
    let mut moved = 0;
    for entry in tree.iter() {
        let (key, value) = entry?;
        if key.len() != 16 && key.len() != 24 {
            continue;
        }
        let metric = MetricId(u64::from_be_bytes(key[..8].try_into().expect("8 bytes")));
        let bits = u64::from_be_bytes(key[8..16].try_into().expect("8 bytes"));
        let Ok(at) = Timestamp::from_microsecond((bits ^ (1 << 63)) as i64) else { continue };
        if key.len() == 16 {
            let block = block_key(metric, month_of(at));
            let entries = match blocks.entry(block) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    // A crash midway may have left a block already written for this month.
                    let stored = tree.get(block)?;
                    e.insert(
                        stored
                            .as_deref()
                            .map(|b| block_entries(b).map(|(t, v)| (t, v.to_vec())).collect())
                            .unwrap_or_default(),
                    )
                }
            };
            entries.insert(at.as_microsecond(), value.to_vec());
        } else {
            let sequence = u64::from_be_bytes(key[16..24].try_into().expect("8 bytes"));
            batch.insert(history_key(metric, at, sequence), value);
        }
        batch.remove(key);
        moved += 1;
    }
    for (key, entries) in blocks {
        batch.insert(&key[..], encode_block(entries.iter().map(|(at, e)| (*at, e.as_slice()))));
    }
    tree.apply_batch(batch)?;
    Ok(moved)
}

/// Version 2 kept evidence as JSON, one sled entry per key in its two lookup
/// indexes, and found duplicates by the normalized text itself (a key holding the
/// person's words). Version 3 keeps evidence in its binary layout and both indexes in
/// hash buckets (see `buckets`), duplicates under a 16-byte hash. The indexes are
/// derived from the records, so they are rebuilt whole: a crash midway leaves version
/// 2 written, and the next open starts over.
pub fn evidence_v2_to_v3(evidence: &sled::Tree, by_content: &sled::Tree, by_record: &sled::Tree) -> Result<usize> {
    let mut records = sled::Batch::default();
    let (mut contents, mut sources) = (vec![], vec![]);
    let mut rewritten = 0;
    for entry in evidence.iter() {
        let (key, value) = entry?;
        let item = Evidence::from_record(&key, &value)?;
        if value.first() != Some(&BINARY_VERSION) {
            records.insert(key.clone(), item.to_record());
            rewritten += 1;
        }
        contents.push((item.content_key().to_vec(), item.id.key()));
        if let Some(record) = item.source.record_id {
            sources.push((record.into_bytes(), item.id.key()));
        }
    }
    evidence.apply_batch(records)?;
    for (tree, pairs) in [(by_content, contents), (by_record, sources)] {
        tree.clear()?;
        let mut batch = sled::Batch::default();
        for (bucket, bytes) in bucket_all(pairs.into_iter()) {
            batch.insert(&bucket[..], bytes);
        }
        tree.apply_batch(batch)?;
    }
    Ok(rewritten)
}

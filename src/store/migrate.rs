//! Migrations of older database layouts, run when a database is opened.
//!
//! Each one is idempotent (a crash midway leaves keys of the old shape, and the next
//! open converts what is left), and the schema version is written only after it.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::error::Result;
use crate::model::{MetricId, block_entries, block_key, encode_block, history_key, month_of};

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

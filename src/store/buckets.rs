//! Lookup indexes kept in hash buckets: key → 8-byte id, with 4,096 sled entries
//! however many keys there are.
//!
//! sled splits a leaf every 16 entries, and the time it takes to open a database
//! grows with its pages (its snapshot lists every one), so an index of a hundred
//! thousand small entries costs cold start far more than its bytes do. The evidence
//! indexes (content hash → id, source record → id) live in buckets: a bucket holds
//! the entries whose key hashes to it, and a write rewrites its bucket (about 600
//! bytes at 100,000 items).

use sha2::{Digest, Sha256};

use super::codec::{Reader, Writer};
use super::{Table, Tx, TxError, abort};
use crate::error::Error;

/// Buckets are the first 12 bits of the key's SHA-256.
const BUCKET_BITS: u32 = 12;

fn bucket_of(key: &[u8]) -> [u8; 2] {
    let digest = Sha256::digest(key);
    let bits = u16::from_be_bytes([digest[0], digest[1]]) >> (16 - BUCKET_BITS);
    bits.to_be_bytes()
}

/// A bucket's entries, in the order they were added.
pub(super) struct Bucket {
    entries: Vec<(Vec<u8>, [u8; 8])>,
}

impl Bucket {
    pub(super) fn decode(bucket: &[u8], bytes: &[u8]) -> Result<Bucket, Error> {
        let mut r = Reader::binary(bucket, bytes)?;
        let count = r.u64("bucket size")?;
        let mut entries = Vec::with_capacity(count.min(1 << 16) as usize);
        for _ in 0..count {
            let key = r.bytes("bucket key")?.to_vec();
            let id = r.bytes("bucket id")?.try_into().map_err(|_| r.invalid("a bucket id is not 8 bytes"))?;
            entries.push((key, id));
        }
        r.finish()?;
        Ok(Bucket { entries })
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::binary(self.entries.iter().map(|(k, _)| k.len() + 10).sum());
        w.u64(self.entries.len() as u64);
        for (key, id) in &self.entries {
            w.bytes(key);
            w.bytes(id);
        }
        w.finish()
    }

    /// Stores `id` under `key`, replacing what was there.
    fn insert(&mut self, key: &[u8], id: [u8; 8]) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = id,
            None => self.entries.push((key.to_vec(), id)),
        }
    }

    fn get(&self, key: &[u8]) -> Option<[u8; 8]> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, id)| *id)
    }

    /// Every (key, id) of the bucket.
    #[cfg(test)]
    pub(super) fn entries(&self) -> &[(Vec<u8>, [u8; 8])] {
        &self.entries
    }
}

/// Builds buckets from (key, id) pairs, for a migration that rebuilds an index.
pub(super) fn bucket_all(pairs: impl Iterator<Item = (Vec<u8>, [u8; 8])>) -> Vec<([u8; 2], Vec<u8>)> {
    let mut buckets: std::collections::BTreeMap<[u8; 2], Bucket> = Default::default();
    for (key, id) in pairs {
        buckets.entry(bucket_of(&key)).or_insert(Bucket { entries: vec![] }).insert(&key, id);
    }
    buckets.into_iter().map(|(b, bucket)| (b, bucket.encode())).collect()
}

impl Tx<'_> {
    fn bucket(&self, table: Table, bucket: [u8; 2]) -> Result<Bucket, TxError> {
        match self.get_raw(table, &bucket)? {
            Some(bytes) => Bucket::decode(&bucket, &bytes).map_err(abort),
            None => Ok(Bucket { entries: vec![] }),
        }
    }

    /// The id stored under `key` in a bucketed index.
    pub fn bucket_get(&self, table: Table, key: &[u8]) -> Result<Option<[u8; 8]>, TxError> {
        Ok(self.bucket(table, bucket_of(key))?.get(key))
    }

    /// Stores `id` under `key`, replacing what was there.
    pub fn bucket_put(&self, table: Table, key: &[u8], id: [u8; 8]) -> Result<(), TxError> {
        let at = bucket_of(key);
        let mut bucket = self.bucket(table, at)?;
        bucket.insert(key, id);
        self.put_raw(table, &at, &bucket.encode())
    }

    /// Removes `key` (and the bucket when it was its last entry).
    pub fn bucket_remove(&self, table: Table, key: &[u8]) -> Result<(), TxError> {
        let at = bucket_of(key);
        let mut bucket = self.bucket(table, at)?;
        let before = bucket.entries.len();
        bucket.entries.retain(|(k, _)| k != key);
        match bucket.entries.len() {
            n if n == before => Ok(()),
            0 => self.remove(table, &at),
            _ => self.put_raw(table, &at, &bucket.encode()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn keys_are_found_replaced_and_removed_across_buckets() {
        let store = Store::temporary().unwrap();
        let keys: Vec<Vec<u8>> = (0..10_000u64).map(|i| format!("record-{i}").into_bytes()).collect();
        store
            .transact(|tx| {
                for (i, key) in keys.iter().enumerate() {
                    tx.bucket_put(Table::EvidenceByRecord, key, (i as u64).to_be_bytes())?;
                }
                Ok(())
            })
            .unwrap();
        let tree = store.tree(Table::EvidenceByRecord);
        assert!(tree.len() <= 1 << BUCKET_BITS, "{} sled entries for 10,000 keys", tree.len());
        store
            .transact(|tx| {
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"record-7")?, Some(7u64.to_be_bytes()));
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"record-10000")?, None);
                tx.bucket_put(Table::EvidenceByRecord, b"record-7", 70u64.to_be_bytes())?;
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"record-7")?, Some(70u64.to_be_bytes()));
                tx.bucket_remove(Table::EvidenceByRecord, b"record-8")?;
                tx.bucket_remove(Table::EvidenceByRecord, b"never-stored")?;
                Ok(())
            })
            .unwrap();
        store
            .transact(|tx| {
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"record-7")?, Some(70u64.to_be_bytes()));
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"record-8")?, None);
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"record-9")?, Some(9u64.to_be_bytes()));
                Ok(())
            })
            .unwrap();
        let stored: usize = tree
            .iter()
            .map(|e| {
                let (k, v) = e.unwrap();
                Bucket::decode(&k, &v).unwrap().entries().len()
            })
            .sum();
        assert_eq!(stored, 9_999);
    }

    #[test]
    fn the_last_key_of_a_bucket_takes_the_bucket_with_it() {
        let store = Store::temporary().unwrap();
        store.transact(|tx| tx.bucket_put(Table::EvidenceByContent, b"only", [1; 8])).unwrap();
        assert_eq!(store.tree(Table::EvidenceByContent).len(), 1);
        store.transact(|tx| tx.bucket_remove(Table::EvidenceByContent, b"only")).unwrap();
        assert_eq!(store.tree(Table::EvidenceByContent).len(), 0);
    }
}

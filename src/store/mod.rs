//! The sled database: one tree per record type, index trees, counters, the audit
//! trail, and the schema version.
//!
//! Every multi-record change goes through [`Store::transact`], a sled transaction over
//! all trees, so nothing is ever half-written; a change that is not a transaction (a
//! batch of measurement blocks) goes through [`Store::write`]. Both pass the one
//! writer gate of [`writer`], which keeps writes and flushes apart (sled 0.34 deadlocks
//! when they meet) and lets parallel callers share a flush. Values are a one-byte
//! record version followed by JSON, or by a binary layout for the one record type
//! there are a hundred thousand of (evidence; see [`codec`]): the version byte lets a
//! later release read or migrate old records instead of misreading them. Callers acknowledge
//! a write only after [`Store::flush`] returned, so an acknowledged write survives a crash.

mod buckets;
mod codec;
pub mod links;
mod migrate;
pub mod okrs;
mod records;
mod writer;

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::{Db, Tree};

use crate::error::{Error, Result};
use crate::model::{AuditEntry, IndicatorId, InitiativeId, KeyResultId, MetricId, ObjectiveId};
pub use codec::{BINARY_VERSION, RECORD_VERSION, Reader, Record, Writer, decode, decode_json, encode, encode_json};

/// The layout version of the whole database; bumped when trees or keys change shape.
/// 2: measurements stored in month blocks; 3: evidence in its binary layout and
/// duplicates found by a hash (see `migrate`).
pub const SCHEMA_VERSION: u32 = 3;
const SCHEMA_KEY: &[u8] = b"schema_version";
/// sled caches up to 1 GB by default; a workspace's hot set is far smaller, and the
/// peak-memory budget (300 MB with 100,000 excerpts) leaves room for the search index.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The trees, in the order of [`Store::trees`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Schema version and id counters.
    Meta,
    Objectives,
    KeyResults,
    Metrics,
    /// Normalized metric name → metric id, so KRs naming the same metric share it.
    MetricNames,
    Indicators,
    Initiatives,
    /// Key result id + child kind byte + child id → (): its indicators and initiatives.
    KeyResultChildren,
    /// `O-3/` or `KR-12/` + big-endian sequence → audit entry.
    History,
    /// Cycle + owner (or the company) + objective id → (): how many objectives each
    /// owner holds in a cycle, without reading every objective.
    OwnerLoad,
    Evidence,
    /// Hash of the normalized content (`model::content_key`) → evidence id, in
    /// [`buckets`]: the same quote is not stored twice.
    EvidenceByContent,
    /// Source record id → evidence id, in [`buckets`]: re-importing a record updates it.
    EvidenceByRecord,
    Studies,
    /// Normalized study name → study id.
    StudyNames,
    Links,
    /// Target (`KR-12`) + 0 + link id → (): what is linked to a target.
    LinksByTarget,
    /// Evidence id + link id → (): what an excerpt is linked to.
    LinksByEvidence,
    /// Alias → canonical tag name; a canonical tag maps to itself.
    Tags,
    /// Metric id + 0 + month (13 bytes) → that month's measurements in time order;
    /// metric id + 1 + time + sequence (25 bytes) → a value one replaced. One tree,
    /// so one atomic batch writes both (see `model::measurement`).
    Measurements,
    /// Source id → a metric source pulled over HTTP (`sources`).
    Sources,
    /// Lowercased token name → the token's record with its SHA-256, never the token
    /// (`access`).
    Tokens,
    /// Feed id → a research feed pulled into evidence (`sources::feeds`). Last, so the
    /// trees before it keep their indexes.
    Feeds,
}

const TABLES: [(Table, &str); 23] = [
    (Table::Meta, "meta"),
    (Table::Objectives, "objectives"),
    (Table::KeyResults, "key_results"),
    (Table::Metrics, "metrics"),
    (Table::MetricNames, "metric_names"),
    (Table::Indicators, "indicators"),
    (Table::Initiatives, "initiatives"),
    (Table::KeyResultChildren, "key_result_children"),
    (Table::History, "history"),
    (Table::OwnerLoad, "owner_load"),
    (Table::Evidence, "evidence"),
    (Table::EvidenceByContent, "evidence_by_content"),
    (Table::EvidenceByRecord, "evidence_by_record"),
    (Table::Studies, "studies"),
    (Table::StudyNames, "study_names"),
    (Table::Links, "links"),
    (Table::LinksByTarget, "links_by_target"),
    (Table::LinksByEvidence, "links_by_evidence"),
    (Table::Tags, "tags"),
    (Table::Measurements, "measurements"),
    (Table::Sources, "sources"),
    (Table::Tokens, "tokens"),
    (Table::Feeds, "feeds"),
];

/// The open database. Cheap to clone: sled handles are reference counted.
#[derive(Clone)]
pub struct Store {
    db: Db,
    trees: Vec<Tree>,
    /// The folder the database lives in; None for a temporary database.
    root: Option<PathBuf>,
    /// State derived from the database and kept beside it (the search index), one
    /// per type, created on first use.
    extensions: Arc<Mutex<Vec<Arc<dyn Any + Send + Sync>>>>,
    /// Transactions committed through this handle: derived state read from the
    /// records (explain's vocabulary of names) knows when it is out of date. One
    /// process holds a sled database, so nothing else writes behind its back.
    transactions: Arc<std::sync::atomic::AtomicU64>,
    /// The one path writes and flushes take (see [`writer`]).
    writer: Arc<writer::Writer>,
}

impl Store {
    /// Opens (or creates) the database in `path`, checking its schema version.
    pub fn open(path: &Path) -> Result<Store> {
        Store::try_open(path)?.ok_or_else(|| {
            Error::invalid(
                "db",
                format!("{} is in use by another grounded process; stop it or pass another --db", path.display()),
            )
        })
    }

    /// The same, or None when another process holds the database (sled admits one).
    pub fn try_open(path: &Path) -> Result<Option<Store>> {
        std::fs::create_dir_all(path)
            .map_err(|e| Error::invalid("db", format!("cannot create the database folder {}: {e}", path.display())))?;
        match Store::config().path(path.join("sled")).open() {
            Ok(db) => Store::from_db(db, Some(path.to_path_buf())).map(Some),
            // sled wraps the lock's WouldBlock in an error of kind Other with this text.
            Err(sled::Error::Io(io))
                if io.kind() == std::io::ErrorKind::WouldBlock
                    || io.to_string().starts_with("could not acquire lock") =>
            {
                Ok(None)
            }
            Err(other) => Err(Error::Storage(other)),
        }
    }

    /// A throw-away database (the demo, tests).
    pub fn temporary() -> Result<Store> {
        Store::from_db(Store::config().temporary(true).open()?, None)
    }

    /// sled's periodic flusher is off: it would flush beside a write, behind the
    /// writer gate's back. Every acknowledged write is flushed through the gate.
    fn config() -> sled::Config {
        sled::Config::new().cache_capacity(CACHE_BYTES).flush_every_ms(None)
    }

    fn from_db(db: Db, root: Option<PathBuf>) -> Result<Store> {
        let trees = TABLES.iter().map(|(_, name)| db.open_tree(name)).collect::<Result<Vec<_>, _>>()?;
        let writer = Arc::new(writer::Writer::start(db.clone()));
        let store = Store { db, trees, root, extensions: Arc::default(), transactions: Arc::default(), writer };
        store.check_schema()?;
        Ok(store)
    }

    fn check_schema(&self) -> Result<()> {
        let meta = self.raw(Table::Meta);
        match meta.get(SCHEMA_KEY)? {
            None => {
                meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                Ok(())
            }
            Some(bytes) => {
                let found = bytes.as_ref().try_into().map(u32::from_be_bytes).unwrap_or(u32::MAX);
                if found > SCHEMA_VERSION {
                    return Err(Error::invalid(
                        "db",
                        format!(
                            "this database has schema version {found}, written by a newer grounded; this one reads up to {SCHEMA_VERSION}: upgrade grounded"
                        ),
                    ));
                }
                if found < 2 {
                    let moved = migrate::measurements_v1_to_v2(self.raw(Table::Measurements))?;
                    tracing::info!(moved, "measurements migrated to month blocks (schema 1 to 2)");
                }
                if found < 3 {
                    let rewritten = migrate::evidence_v2_to_v3(
                        self.raw(Table::Evidence),
                        self.raw(Table::EvidenceByContent),
                        self.raw(Table::EvidenceByRecord),
                    )?;
                    tracing::info!(rewritten, "evidence moved to its binary layout (schema 2 to 3)");
                }
                if found < SCHEMA_VERSION {
                    self.db.flush()?;
                    meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                    self.db.flush()?;
                }
                Ok(())
            }
        }
    }

    /// The database folder (None for a temporary database).
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The `T` kept beside this database, created by `init` on first use.
    pub fn extension<T: Any + Send + Sync>(&self, init: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        let mut slots = self.extensions.lock().unwrap_or_else(|e| e.into_inner());
        for slot in slots.iter() {
            if let Ok(found) = slot.clone().downcast::<T>() {
                return Ok(found);
            }
        }
        let created = Arc::new(init()?);
        slots.push(created.clone());
        Ok(created)
    }

    /// A table to read. It offers sled's reads only: every write goes through
    /// [`Store::transact`] or [`Store::write_batch`], behind the writer gate.
    pub fn tree(&self, table: Table) -> TableReader<'_> {
        TableReader(self.raw(table))
    }

    /// The table itself, for the store's own code (opening, migrations, the writer).
    fn raw(&self, table: Table) -> &Tree {
        &self.trees[table as usize]
    }

    /// Makes every write so far durable. Call before acknowledging a write. Parallel
    /// callers share one flush (group commit).
    pub async fn flush(&self) -> Result<()> {
        self.writer.flush().await
    }

    /// The blocking flush, for the CLI.
    pub fn flush_blocking(&self) -> Result<()> {
        self.writer.flush_blocking()
    }

    /// A change that is not a transaction (a read-modify-write of measurement blocks)
    /// applied as one atomic batch through the writer gate: `build` reads the table and
    /// says what to write; no other write interleaves and no flush runs beside it.
    pub fn write_batch<R>(&self, table: Table, build: impl FnOnce(TableReader<'_>) -> Result<(Batch, R)>) -> Result<R> {
        self.writer.write(|| {
            let (batch, answer) = build(self.tree(table))?;
            self.raw(table).apply_batch(batch.0)?;
            Ok(answer)
        })
    }

    pub fn get<T: Record>(&self, table: Table, key: &[u8]) -> Result<Option<T>> {
        self.raw(table).get(key)?.map(|bytes| decode(key, &bytes)).transpose()
    }

    /// Every record of a table, in key order.
    pub fn scan<T: Record>(&self, table: Table) -> impl Iterator<Item = Result<T>> + '_ {
        self.raw(table).iter().map(|entry| {
            let (key, value) = entry?;
            decode(&key, &value)
        })
    }

    pub fn objective(&self, id: ObjectiveId) -> Result<Option<crate::model::Objective>> {
        self.get(Table::Objectives, &id.key())
    }
    pub fn key_result(&self, id: KeyResultId) -> Result<Option<crate::model::KeyResult>> {
        self.get(Table::KeyResults, &id.key())
    }
    pub fn metric(&self, id: MetricId) -> Result<Option<crate::model::Metric>> {
        self.get(Table::Metrics, &id.key())
    }
    pub fn indicator(&self, id: IndicatorId) -> Result<Option<crate::model::Indicator>> {
        self.get(Table::Indicators, &id.key())
    }
    pub fn initiative(&self, id: InitiativeId) -> Result<Option<crate::model::Initiative>> {
        self.get(Table::Initiatives, &id.key())
    }

    /// The metric already stored under this normalized name, if any.
    pub fn metric_by_name(&self, normalized: &str) -> Result<Option<MetricId>> {
        Ok(self.raw(Table::MetricNames).get(normalized.as_bytes())?.and_then(|v| MetricId::from_key(&v)))
    }

    /// The audit trail of one objective or key result, oldest first.
    pub fn history(&self, subject: &str) -> Result<Vec<AuditEntry>> {
        Ok(self.history_keyed(subject)?.into_iter().map(|(_, entry)| entry).collect())
    }

    /// The same with each entry's key, for the one change that rewrites history:
    /// erasing personal data from entries that quoted it.
    pub fn history_keyed(&self, subject: &str) -> Result<Vec<(Vec<u8>, AuditEntry)>> {
        let prefix = history_prefix(subject);
        self.raw(Table::History)
            .scan_prefix(&prefix)
            .map(|entry| {
                let (key, value) = entry?;
                Ok((key.to_vec(), decode(&key, &value)?))
            })
            .collect()
    }

    /// How many changes are recorded for `subject`, counted without decoding them.
    pub fn history_len(&self, subject: &str) -> Result<usize> {
        let mut count = 0;
        for key in self.raw(Table::History).scan_prefix(history_prefix(subject)).keys() {
            key?;
            count += 1;
        }
        Ok(count)
    }

    /// Runs `change` in one sled transaction over every tree: all of it lands or none.
    /// `change` may run more than once on conflict, so it must not have side effects
    /// outside the transaction.
    pub fn transact<R>(&self, change: impl Fn(&Tx<'_>) -> Result<R, TxError>) -> Result<R> {
        let trees: Vec<&Tree> = self.trees.iter().collect();
        let done = self.writer.write(|| {
            trees.as_slice().transaction(|views| change(&Tx { views })).map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => Error::Storage(e),
            })
        });
        if done.is_ok() {
            self.transactions.fetch_add(1, std::sync::atomic::Ordering::Release);
        }
        done
    }

    /// How many transactions this handle has committed (see the field).
    pub fn transactions(&self) -> u64 {
        self.transactions.load(std::sync::atomic::Ordering::Acquire)
    }

    /// A number never handed out before in this database (sled's id generator).
    pub fn generate_id(&self) -> Result<u64> {
        Ok(self.db.generate_id()?)
    }

    /// What each tree holds (entries, key and value bytes) and the database's size on
    /// disk: where the bytes go, for the benchmark and for anyone sizing a store.
    pub fn footprint(&self) -> Result<Footprint> {
        let mut tables = vec![];
        for (table, name) in TABLES {
            let mut held = TableFootprint { name, ..TableFootprint::default() };
            for entry in self.raw(table).iter() {
                let (key, value) = entry?;
                held.entries += 1;
                held.key_bytes += key.len() as u64;
                held.value_bytes += value.len() as u64;
            }
            tables.push(held);
        }
        Ok(Footprint { tables, on_disk: self.db.size_on_disk()? })
    }

    /// A fingerprint of every record, for tests that prove a failed call changed nothing.
    pub fn checksum(&self) -> Result<u32> {
        Ok(self.db.checksum()?)
    }
}

/// See [`Store::footprint`].
#[derive(Debug, Clone)]
pub struct Footprint {
    pub tables: Vec<TableFootprint>,
    /// sled's files: live records, pages it has not yet reclaimed, and its snapshot.
    pub on_disk: u64,
}

#[derive(Debug, Clone, Default)]
pub struct TableFootprint {
    pub name: &'static str,
    pub entries: u64,
    pub key_bytes: u64,
    pub value_bytes: u64,
}

impl Footprint {
    /// Key and value bytes over every tree.
    pub fn record_bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.key_bytes + t.value_bytes).sum()
    }
}

/// The error a transaction body returns: an abort carrying a core [`Error`], or a
/// conflict sled retries.
pub type TxError = ConflictableTransactionError<Error>;

/// Aborts the transaction with `error`; nothing it wrote lands.
/// A table's reads: what [`Store::tree`] hands out, so no code outside the store can
/// write around the writer gate.
#[derive(Clone, Copy)]
pub struct TableReader<'a>(&'a Tree);

impl TableReader<'_> {
    pub fn get<K: AsRef<[u8]>>(&self, key: K) -> Result<Option<sled::IVec>> {
        Ok(self.0.get(key)?)
    }
    pub fn contains_key<K: AsRef<[u8]>>(&self, key: K) -> Result<bool> {
        Ok(self.0.contains_key(key)?)
    }
    pub fn iter(&self) -> sled::Iter {
        self.0.iter()
    }
    pub fn range<K: AsRef<[u8]>, R: std::ops::RangeBounds<K>>(&self, range: R) -> sled::Iter {
        self.0.range(range)
    }
    pub fn scan_prefix<P: AsRef<[u8]>>(&self, prefix: P) -> sled::Iter {
        self.0.scan_prefix(prefix)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Writes to one table, applied together by [`Store::write_batch`].
#[derive(Default)]
pub struct Batch(sled::Batch);

impl Batch {
    pub fn insert(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.0.insert(key.as_ref(), value.as_ref());
    }
    pub fn remove(&mut self, key: impl AsRef<[u8]>) {
        self.0.remove(key.as_ref());
    }
}

pub fn abort(error: Error) -> TxError {
    ConflictableTransactionError::Abort(error)
}

fn history_prefix(subject: &str) -> Vec<u8> {
    let mut prefix = subject.as_bytes().to_vec();
    prefix.push(b'/');
    prefix
}

/// The writes of one transaction.
pub struct Tx<'a> {
    views: &'a Vec<TransactionalTree>,
}

impl Tx<'_> {
    fn view(&self, table: Table) -> &TransactionalTree {
        &self.views[table as usize]
    }

    /// The next number of a counter (`O`, `KR`, ...), starting at 1; ids are never reused.
    pub fn next_id(&self, counter: &str) -> Result<u64, TxError> {
        let key = format!("next/{counter}");
        let meta = self.view(Table::Meta);
        let next =
            meta.get(key.as_bytes())?.and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)).unwrap_or(1);
        meta.insert(key.as_bytes(), &(next + 1).to_be_bytes())?;
        Ok(next)
    }

    pub fn get<T: Record>(&self, table: Table, key: &[u8]) -> Result<Option<T>, TxError> {
        match self.view(table).get(key)? {
            Some(bytes) => decode(key, &bytes).map(Some).map_err(abort),
            None => Ok(None),
        }
    }

    pub fn put<T: Record>(&self, table: Table, key: &[u8], value: &T) -> Result<(), TxError> {
        self.view(table).insert(key, encode(value))?;
        Ok(())
    }

    pub fn remove(&self, table: Table, key: &[u8]) -> Result<(), TxError> {
        self.view(table).remove(key)?;
        Ok(())
    }

    pub fn put_raw(&self, table: Table, key: &[u8], value: &[u8]) -> Result<(), TxError> {
        self.view(table).insert(key, value)?;
        Ok(())
    }

    pub fn get_raw(&self, table: Table, key: &[u8]) -> Result<Option<sled::IVec>, TxError> {
        Ok(self.view(table).get(key)?)
    }

    /// Appends to the audit trail of `entry.subject`.
    pub fn append_history(&self, entry: &AuditEntry) -> Result<(), TxError> {
        let mut key = history_prefix(&entry.subject);
        key.extend_from_slice(&self.next_id("history")?.to_be_bytes());
        self.put(Table::History, &key, entry)
    }
}

/// Opens `path` again after this process dropped its handle: sled's own background
/// threads let go of its file lock a moment after the last handle goes.
#[cfg(test)]
pub(crate) fn reopen(path: &Path) -> Result<Store> {
    for _ in 0..300 {
        if let Some(store) = Store::try_open(path)? {
            return Ok(store);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Store::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_listed_in_their_index_order() {
        for (index, (table, _)) in TABLES.iter().enumerate() {
            assert_eq!(*table as usize, index, "{table:?}");
        }
    }

    #[test]
    fn an_aborted_transaction_writes_nothing_not_even_its_counters() {
        let store = Store::temporary().unwrap();
        let before = store.checksum().unwrap();
        let result: Result<()> = store.transact(|tx| {
            let n = tx.next_id("O")?;
            tx.put(Table::Objectives, &n.to_be_bytes(), &"half".to_string())?;
            Err(abort(Error::invalid("title", "refused on purpose")))
        });
        assert!(matches!(result, Err(Error::Invalid { .. })));
        assert_eq!(store.checksum().unwrap(), before);
        let n = store.transact(|tx| tx.next_id("O")).unwrap();
        assert_eq!(n, 1, "the aborted counter increment must not have landed");
    }

    #[test]
    fn a_database_from_a_newer_release_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store.raw(Table::Meta).insert(SCHEMA_KEY, &99u32.to_be_bytes()).unwrap();
            store.flush_blocking().unwrap();
        }
        let err = reopen(dir.path()).err().unwrap();
        assert!(err.to_string().contains("upgrade grounded"), "{err}");
    }

    #[test]
    fn a_version_1_database_has_its_measurements_moved_into_month_blocks() {
        use crate::model::{Measurement, MetricId, block_entries, block_key, history_prefix, month_of};
        let reading = |at: &str, value: f64| Measurement {
            metric: MetricId(3),
            at: at.parse().unwrap(),
            value,
            n: Some(400),
            population: None,
            sd: None,
            confidence: None,
            source: None,
            note: Some("v1".into()),
            recorded_by: "t".into(),
            recorded_at: "2026-11-01T00:00:00Z".parse().unwrap(),
        };
        // The version 1 key: metric + time with its sign bit flipped (+ a sequence for history).
        let v1_key = |m: &Measurement| {
            let mut key = m.metric.0.to_be_bytes().to_vec();
            key.extend_from_slice(&((m.at.as_microsecond() as u64) ^ (1 << 63)).to_be_bytes());
            key
        };
        let dir = tempfile::tempdir().unwrap();
        let (sep, oct, old) = (
            reading("2026-09-30T00:00:00Z", 41.0),
            reading("2026-10-07T00:00:00Z", 44.0),
            reading("2026-10-07T00:00:00Z", 43.0),
        );
        {
            let store = Store::open(dir.path()).unwrap();
            let tree = store.raw(Table::Measurements);
            for m in [&sep, &oct] {
                tree.insert(v1_key(m), m.encode()).unwrap();
            }
            let mut history = v1_key(&old);
            history.extend_from_slice(&7u64.to_be_bytes());
            tree.insert(history, old.encode()).unwrap();
            store.raw(Table::Meta).insert(SCHEMA_KEY, &1u32.to_be_bytes()).unwrap();
            store.flush_blocking().unwrap();
        }
        let store = reopen(dir.path()).unwrap();
        let tree = store.raw(Table::Measurements);
        assert!(tree.iter().keys().all(|k| matches!(k.unwrap().len(), 13 | 25)), "no version 1 key is left");
        let october = tree.get(block_key(MetricId(3), month_of(oct.at))).unwrap().unwrap();
        let entries: Vec<_> = block_entries(&october).collect();
        assert_eq!(entries.len(), 1);
        assert_eq!(Measurement::decode(MetricId(3), entries[0].0, entries[0].1), Some(oct.clone()));
        assert!(tree.get(block_key(MetricId(3), month_of(sep.at))).unwrap().is_some());
        assert_eq!(tree.scan_prefix(history_prefix(MetricId(3), old.at)).count(), 1);
        let version = store.tree(Table::Meta).get(SCHEMA_KEY).unwrap().unwrap();
        assert_eq!(version.as_ref(), SCHEMA_VERSION.to_be_bytes());
    }

    #[test]
    fn a_version_2_database_has_its_evidence_rewritten_and_its_indexes_bucketed() {
        use crate::model::{Evidence, EvidenceId, EvidenceKind, Source};
        let item = Evidence {
            id: EvidenceId(7),
            kind: EvidenceKind::Interview,
            text: "The CSV import lost our dates".into(),
            participant: Some("P3".into()),
            segment: None,
            study: None,
            observed_at: None,
            source: Source { record_id: Some("dovetail-88".into()), ..Source::default() },
            tags: vec![],
            survey: None,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            created_by: "maya".into(),
        };
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store.raw(Table::Evidence).insert(item.id.key(), encode_json(&item)).unwrap();
            // Version 2's index keys: the normalized words themselves, the record id.
            let words = "Interview|p3|||the csv import lost our dates";
            store.raw(Table::EvidenceByContent).insert(words, &item.id.key()).unwrap();
            store.raw(Table::EvidenceByRecord).insert("dovetail-88", &item.id.key()).unwrap();
            store.raw(Table::Meta).insert(SCHEMA_KEY, &2u32.to_be_bytes()).unwrap();
            store.flush_blocking().unwrap();
        }
        let store = reopen(dir.path()).unwrap();
        let stored = store.tree(Table::Evidence).get(item.id.key()).unwrap().unwrap();
        assert_eq!(stored[0], BINARY_VERSION);
        assert_eq!(store.get::<Evidence>(Table::Evidence, &item.id.key()).unwrap(), Some(item.clone()));
        for table in [Table::EvidenceByContent, Table::EvidenceByRecord] {
            let keys: Vec<_> = store.tree(table).iter().keys().map(|k| k.unwrap().to_vec()).collect();
            assert!(keys.len() == 1 && keys[0].len() == 2, "one bucket, no version 2 key left: {keys:?}");
        }
        store
            .transact(|tx| {
                assert_eq!(tx.bucket_get(Table::EvidenceByContent, &item.content_key())?, Some(item.id.key()));
                assert_eq!(tx.bucket_get(Table::EvidenceByRecord, b"dovetail-88")?, Some(item.id.key()));
                Ok(())
            })
            .unwrap();
        let version = store.tree(Table::Meta).get(SCHEMA_KEY).unwrap().unwrap();
        assert_eq!(version.as_ref(), SCHEMA_VERSION.to_be_bytes());
    }

    #[test]
    fn the_footprint_counts_each_trees_entries_and_bytes() {
        let store = Store::temporary().unwrap();
        store.transact(|tx| tx.put(Table::Studies, &7u64.to_be_bytes(), &"W3 interviews".to_string())).unwrap();
        let footprint = store.footprint().unwrap();
        let studies = footprint.tables.iter().find(|t| t.name == "studies").unwrap();
        assert_eq!((studies.entries, studies.key_bytes), (1, 8));
        assert_eq!(studies.value_bytes, encode(&"W3 interviews".to_string()).len() as u64);
        assert!(footprint.record_bytes() >= 8 + studies.value_bytes, "the schema version is counted too");
    }

    #[test]
    fn history_of_kr_1_does_not_include_kr_12() {
        let store = Store::temporary().unwrap();
        let entry = |subject: &str| AuditEntry {
            subject: subject.into(),
            at: jiff::Timestamp::UNIX_EPOCH,
            author: "maya".into(),
            action: "created".into(),
            changes: vec![],
            reason: None,
        };
        store
            .transact(|tx| {
                tx.append_history(&entry("KR-1"))?;
                tx.append_history(&entry("KR-12"))?;
                tx.append_history(&entry("KR-1"))
            })
            .unwrap();
        assert_eq!(store.history("KR-1").unwrap().len(), 2);
        assert_eq!(store.history("KR-12").unwrap().len(), 1);
    }
}

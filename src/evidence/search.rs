//! Full-text search over evidence: a tantivy index (BM25, English stemming) kept
//! beside the sled database and derived from it.
//!
//! sled is the source of truth. Every transaction that changes evidence or links
//! bumps a generation counter in sled; the index records, in its commit payload, the
//! generation it reflects. When the two differ (a crash between the sled commit and
//! the index commit, an index deleted by hand, a new release), the index is rebuilt
//! from sled on first use, never at start-up, so a cold start stays fast.
//!
//! A write does not wait for the index. It is acknowledged once sled has flushed it;
//! the evidence it changed is queued, and an indexer thread (started when work comes,
//! gone when the queue is empty) indexes everything queued in one tantivy commit. A
//! search first waits until the index reflects the generation sled had when the
//! search began, so an answer is never older than the store, and only searches that
//! come right after a write ever wait.
//!
//! Merges are ours too. tantivy merges segments on threads of its own by default; an
//! erasure, which rewrites the segments that held its items, then raced a merge of
//! the same segments, and the loser failed ("The segments that were merged could not
//! be found in the SegmentManager") after sled had committed (issue #23). So tantivy
//! never merges by itself ([`NoMergePolicy`]): the indexer runs the merges its
//! default policy picks once the queue is empty, and an erasure waits for them.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::{Arc, Condvar, Mutex};

use super::live_counts::{Lengths, LiveCounts};
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::indexer::{DefaultMergePolicy, MergePolicy, NoMergePolicy};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term,
};

use crate::error::{Error, Result};
use crate::model::{Evidence, EvidenceId, EvidenceKind, Link};
use crate::store::links::{links_of_evidence, target_exists};
use crate::store::{Store, Table, Tx, TxError};

const GENERATION: &str = "search_generation";
/// Set in `meta` when an erasure could not rewrite the index: the next open rebuilds it.
const STALE: &[u8] = b"search_stale";
const WRITER_MEMORY: usize = 50_000_000;
/// The value every linked item carries in `linked`, for the linked / unlinked filter.
const ANY_LINK: &str = "*";

/// Marks, inside a transaction that changes evidence or links, that the index is behind.
pub fn bump_generation(tx: &Tx<'_>) -> Result<(), TxError> {
    tx.next_id(GENERATION).map(|_| ())
}

fn generation(store: &Store) -> Result<u64> {
    // The counter holds the next value; the current generation is one below.
    let next = store
        .tree(Table::Meta)
        .get(format!("next/{GENERATION}"))?
        .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
        .unwrap_or(1);
    Ok(next - 1)
}

struct Fields {
    id: Field,
    text: Field,
    kind: Field,
    tag: Field,
    segment: Field,
    study: Field,
    participant: Field,
    linked: Field,
    observed: Field,
}

/// The open index with its one writer.
pub struct SearchIndex {
    /// Held from a sled transaction through queueing what it changed, so the
    /// generation the queue records never covers a transaction it does not hold.
    sequence: Mutex<()>,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// Held by whoever merges segments (the indexer's merges, an erasure's rewrite,
    /// a rebuild), so no two merges ever take the same segments.
    merging: Mutex<()>,
    fields: Fields,
    queue: Mutex<Queue>,
    /// The generation the searchable index reflects, and its waiters.
    indexed: Mutex<Indexed>,
    caught_up: Condvar,
    /// The live documents' total length, for BM25 (see [`LiveCounts`]).
    lengths: Lengths,
}

/// Evidence changed by committed transactions and not yet indexed.
#[derive(Default)]
struct Queue {
    ids: BTreeSet<EvidenceId>,
    /// The generation after the last queued transaction.
    upto: u64,
    /// An indexer thread is at work on the queue.
    running: bool,
}

struct Indexed {
    generation: u64,
    /// Why the indexer stopped, for the searches that wait on it.
    failed: Option<String>,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_options = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        text: b.add_text_field("text", text_options),
        kind: b.add_text_field("kind", STRING),
        tag: b.add_text_field("tag", STRING),
        segment: b.add_text_field("segment", STRING),
        study: b.add_text_field("study", STRING),
        participant: b.add_text_field("participant", STRING),
        linked: b.add_text_field("linked", STRING),
        observed: b.add_i64_field("observed", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// The search index of `store`, opened (and rebuilt if stale) on first use.
pub fn index_of(store: &Store) -> Result<Arc<SearchIndex>> {
    store.extension(|| open(store))
}

fn open(store: &Store) -> Result<SearchIndex> {
    let (schema, fields) = schema();
    let failed = |e: tantivy::TantivyError| {
        Error::invalid("search index", format!("{e}; delete the search folder to have it rebuilt"))
    };
    let index = match store.root() {
        Some(root) => {
            let dir = root.join("search");
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::invalid("search index", format!("cannot create {}: {e}", dir.display())))?;
            let mmap = tantivy::directory::MmapDirectory::open(&dir)
                .map_err(|e| Error::invalid("search index", e.to_string()))?;
            match Index::open_or_create(mmap, schema.clone()) {
                Ok(index) => index,
                // An index from another schema version: start over, sled has everything.
                Err(_) => {
                    std::fs::remove_dir_all(&dir).ok();
                    std::fs::create_dir_all(&dir).ok();
                    Index::create_in_dir(&dir, schema).map_err(failed)?
                }
            }
        }
        None => Index::create_in_ram(schema),
    };
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(failed)?;
    let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY).map_err(failed)?;
    // Before any commit: a commit is where tantivy would start merges of its own.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let current = generation(store)?;
    let search = SearchIndex {
        sequence: Mutex::new(()),
        index,
        reader,
        writer: Mutex::new(writer),
        merging: Mutex::new(()),
        fields,
        queue: Mutex::new(Queue { upto: current, ..Default::default() }),
        indexed: Mutex::new(Indexed { generation: current, failed: None }),
        caught_up: Condvar::new(),
        lengths: Lengths::default(),
    };
    let indexed: u64 =
        search.index.load_metas().map_err(failed)?.payload.and_then(|p| p.parse().ok()).unwrap_or(u64::MAX);
    let stale = store.tree(Table::Meta).contains_key(STALE)?;
    if indexed != current || stale {
        search.rebuild(store)?;
        if stale {
            store.transact(|tx| tx.remove(Table::Meta, STALE))?;
            store.flush_blocking()?;
        }
    }
    Ok(search)
}

fn tantivy_error(e: tantivy::TantivyError) -> Error {
    Error::invalid("search index", e.to_string())
}

impl SearchIndex {
    fn document(&self, evidence: &Evidence, links: &[Link]) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, evidence.id.0);
        doc.add_text(f.text, &evidence.text);
        if let Some(survey) = &evidence.survey {
            // Survey answers and open-ended responses are searchable too.
            for a in &survey.answers {
                doc.add_text(f.text, &a.answer);
            }
            for r in &survey.responses {
                doc.add_text(f.text, r);
            }
        }
        doc.add_text(f.kind, kind_name(evidence.kind));
        for tag in &evidence.tags {
            doc.add_text(f.tag, tag);
        }
        if let Some(s) = &evidence.segment {
            doc.add_text(f.segment, s.to_lowercase());
        }
        if let Some(s) = evidence.study {
            doc.add_text(f.study, s.to_string());
        }
        if let Some(p) = &evidence.participant {
            doc.add_text(f.participant, p.to_lowercase());
        }
        if !links.is_empty() {
            doc.add_text(f.linked, ANY_LINK);
        }
        for link in links {
            doc.add_text(f.linked, &link.target);
        }
        if let Some(d) = evidence.observed_at {
            doc.add_i64(f.observed, day_number(d));
        }
        doc
    }

    fn rebuild(&self, store: &Store) -> Result<()> {
        let generation = generation(store)?;
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer.delete_all_documents().map_err(tantivy_error)?;
        for evidence in store.scan::<Evidence>(Table::Evidence) {
            let evidence = evidence?;
            let links = links_of_evidence(store, evidence.id)?;
            writer.add_document(self.document(&evidence, &links)).map_err(tantivy_error)?;
        }
        commit(&mut writer, generation)?;
        self.reader.reload().map_err(tantivy_error)?;
        let mut indexed = self.indexed.lock().unwrap_or_else(|e| e.into_inner());
        indexed.generation = indexed.generation.max(generation);
        indexed.failed = None;
        self.caught_up.notify_all();
        Ok(())
    }

    fn reindex(&self, store: &Store, ids: impl Iterator<Item = EvidenceId>, generation: u64) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for id in ids {
            writer.delete_term(Term::from_field_u64(self.fields.id, id.0));
            if let Some(evidence) = store.get::<Evidence>(Table::Evidence, &id.key())? {
                let links = links_of_evidence(store, id)?;
                writer.add_document(self.document(&evidence, &links)).map_err(tantivy_error)?;
            }
        }
        commit(&mut writer, generation)?;
        self.reader.reload().map_err(tantivy_error)
    }
}

fn commit(writer: &mut IndexWriter, generation: u64) -> Result<()> {
    let mut prepared = writer.prepare_commit().map_err(tantivy_error)?;
    prepared.set_payload(&generation.to_string());
    prepared.commit().map_err(tantivy_error)?;
    Ok(())
}

/// Runs `change` (a sled transaction that calls [`bump_generation`], flushed) and
/// queues the evidence it names for the indexer; returns without waiting for it.
pub fn change_and_index<R>(store: &Store, change: impl FnOnce() -> Result<(R, Vec<EvidenceId>)>) -> Result<R> {
    let search = index_of(store)?;
    let (outcome, start) = {
        let _sequence = search.sequence.lock().unwrap_or_else(|e| e.into_inner());
        let outcome = change();
        // Queued even when the change failed after its commit (a failed flush): the
        // generation moved, and searches wait for the index to reach it.
        let upto = generation(store)?;
        let mut queue = search.queue.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok((_, ids)) = &outcome {
            queue.ids.extend(ids.iter().copied());
        }
        queue.upto = queue.upto.max(upto);
        let start = !queue.running && (queue.upto > search.generation_indexed() || !queue.ids.is_empty());
        queue.running |= start;
        (outcome, start)
    };
    if start {
        let (store, search) = (store.clone(), search.clone());
        let indexer = std::thread::Builder::new()
            .name("grounded-indexer".into())
            .spawn(move || search.index_queue(&store))
            .map_err(|e| Error::invalid("search index", format!("cannot start the indexer: {e}")))?;
        let mut running = INDEXERS.lock().unwrap_or_else(|e| e.into_inner());
        running.retain(|t| !t.is_finished());
        running.push(indexer);
    }
    outcome.map(|(result, _)| result)
}

/// The indexer threads of this process, for [`settle`].
static INDEXERS: Mutex<Vec<std::thread::JoinHandle<()>>> = Mutex::new(Vec::new());

/// Waits for the indexers to finish what is queued: called before the process
/// exits, so the index on disk matches sled and the next start need not rebuild it.
pub fn settle() {
    let running = std::mem::take(&mut *INDEXERS.lock().unwrap_or_else(|e| e.into_inner()));
    for indexer in running {
        let _ = indexer.join();
    }
}

impl SearchIndex {
    fn generation_indexed(&self) -> u64 {
        self.indexed.lock().unwrap_or_else(|e| e.into_inner()).generation
    }

    /// The indexer: takes everything queued, indexes it in one commit, and again
    /// until the queue is empty. A failure is kept for the searches waiting on it,
    /// and its items go back in the queue for the next indexer to retry.
    fn index_queue(&self, store: &Store) {
        loop {
            let (ids, upto) = {
                let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                if queue.ids.is_empty() && queue.upto <= self.generation_indexed() {
                    queue.running = false;
                    drop(queue);
                    // Searches no longer wait; a write that comes now starts another indexer,
                    // whose commits tantivy takes beside a merge.
                    self.merge_by_policy();
                    return;
                }
                (std::mem::take(&mut queue.ids), queue.upto)
            };
            let outcome = self.reindex(store, ids.iter().copied(), upto);
            let mut indexed = self.indexed.lock().unwrap_or_else(|e| e.into_inner());
            let failed = outcome.is_err();
            match outcome {
                Ok(()) => {
                    indexed.generation = indexed.generation.max(upto);
                    indexed.failed = None;
                }
                Err(e) => indexed.failed = Some(e.to_string()),
            }
            self.caught_up.notify_all();
            drop(indexed);
            if failed {
                let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                queue.ids.extend(ids);
                queue.running = false;
                return;
            }
        }
    }

    /// Runs the merges tantivy's default policy picks from the committed segments and
    /// waits for them. A merge that fails leaves its segments as they were: merging
    /// only keeps searches fast, so the next indexer tries again.
    fn merge_by_policy(&self) {
        let _merging = self.merging.lock().unwrap_or_else(|e| e.into_inner());
        let merges: Vec<_> = {
            let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            let Ok(segments) = self.index.searchable_segment_metas() else { return };
            DefaultMergePolicy::default()
                .compute_merge_candidates(&segments)
                .into_iter()
                .map(|candidate| writer.merge(&candidate.0))
                .collect()
        };
        if merges.is_empty() {
            return;
        }
        // Waited for outside the writer's lock: the next indexer's commit need not wait.
        let merged = merges.into_iter().map(|merge| merge.wait()).filter(Result::is_ok).count();
        if merged > 0 {
            let _ = self.reader.reload();
        }
    }

    /// Rewrites the segments that hold deleted documents and removes the files of the
    /// old ones. No merge runs meanwhile (the caller holds `merging`), and no commit
    /// (it holds the writer), so the segments it reads are the ones it merges.
    fn purge(&self) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let with_deletes: Vec<_> = self
            .index
            .searchable_segment_metas()
            .map_err(tantivy_error)?
            .into_iter()
            .filter(|meta| meta.has_deletes())
            .map(|meta| meta.id())
            .collect();
        if !with_deletes.is_empty() {
            writer.merge(&with_deletes).wait().map_err(tantivy_error)?;
        }
        // Searches let go of the old segments before their files are removed.
        self.reader.reload().map_err(tantivy_error)?;
        writer.garbage_collect_files().wait().map_err(tantivy_error)?;
        Ok(())
    }

    /// Waits until the index reflects every write sled had acknowledged when called.
    fn wait_caught_up(&self, store: &Store) -> Result<()> {
        let target = generation(store)?;
        let mut indexed = self.indexed.lock().unwrap_or_else(|e| e.into_inner());
        while indexed.generation < target {
            if let Some(failed) = &indexed.failed {
                return Err(Error::invalid(
                    "search index",
                    format!("{failed}; restart the server, or delete the search folder to have it rebuilt"),
                ));
            }
            indexed = self.caught_up.wait(indexed).unwrap_or_else(|e| e.into_inner());
        }
        Ok(())
    }
}

/// The index, once it holds every write acknowledged before this call.
fn caught_up(store: &Store) -> Result<Arc<SearchIndex>> {
    let search = index_of(store)?;
    search.wait_caught_up(store)?;
    Ok(search)
}

/// Rewrites the index's segments that hold deleted documents and removes the old
/// files, so erased text leaves the disk now rather than at some later merge
/// (tantivy only marks a deleted document). Costs a rewrite of those segments: for
/// erasure, not for every edit.
///
/// Called after sled has committed the erasure, so a failure here must not read as
/// "not deleted": it answers what is left to do, not an error. The index is derived:
/// when the rewrite fails it is rebuilt from sled, which drops every old segment (and
/// the erased words with them). When that fails too, the next open rebuilds it, and
/// the answer says where the words may still be.
pub fn purge_deleted(store: &Store) -> Option<String> {
    purge_or_rebuild(store, SearchIndex::purge)
}

fn purge_or_rebuild(store: &Store, purge: impl FnOnce(&SearchIndex) -> Result<()>) -> Option<String> {
    let outcome = index_of(store).and_then(|search| {
        let purged = search.wait_caught_up(store).and_then(|()| {
            let _sequence = search.sequence.lock().unwrap_or_else(|e| e.into_inner());
            let _merging = search.merging.lock().unwrap_or_else(|e| e.into_inner());
            purge(&search)
        });
        purged.or_else(|failed| {
            let _sequence = search.sequence.lock().unwrap_or_else(|e| e.into_inner());
            let _merging = search.merging.lock().unwrap_or_else(|e| e.into_inner());
            search.rebuild(store).map_err(|rebuild| {
                Error::invalid(
                    "search index",
                    format!("{failed}; rebuilding it from the database failed too: {rebuild}"),
                )
            })
        })
    });
    let failed = outcome.err()?;
    let folder =
        store.root().map_or_else(|| "the search index".into(), |root| root.join("search").display().to_string());
    let marked = store.transact(|tx| tx.put_raw(Table::Meta, STALE, b"1")).and_then(|()| store.flush_blocking());
    let when = match marked {
        Ok(()) => "the next time grounded opens this database, or at once if that folder is deleted".to_string(),
        Err(e) => format!("once that folder is deleted (marking it for a rebuild failed: {e})"),
    };
    Some(format!(
        "the items are deleted, but {failed}; their words may stay in {folder} until the index is rebuilt: {when}"
    ))
}

fn day_number(date: Date) -> i64 {
    i64::from((date - Date::constant(1970, 1, 1)).get_days())
}

pub fn kind_name(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::Interview => "interview",
        EvidenceKind::Survey => "survey",
        EvidenceKind::Observation => "observation",
    }
}

pub const DEFAULT_PAGE: usize = 10;
pub const MAX_PAGE: usize = 100;

/// What `search_evidence` takes. Every filter is optional; they combine with AND.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    // Stemmed: "templates" finds "template".
    /// Stemmed words, "quotes" for a phrase; leave out to list by filters.
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub kind: Option<EvidenceKind>,
    // Aliases resolved.
    /// All must match.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub segment: Option<String>,
    /// Such as ST-2.
    #[serde(default)]
    pub study: Option<String>,
    #[serde(default)]
    pub participant: Option<String>,
    /// Observed on or after, YYYY-MM-DD.
    #[serde(default)]
    pub from: Option<String>,
    /// Observed on or before, YYYY-MM-DD.
    #[serde(default)]
    pub to: Option<String>,
    /// true: linked only; false: unlinked only.
    #[serde(default)]
    pub linked: Option<bool>,
    /// O-3, KR-12, IND-2 or M-4.
    #[serde(default)]
    pub linked_to: Option<String>,
    /// 1-100, default 10.
    #[serde(default)]
    pub limit: Option<usize>,
    // The next_cursor of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SearchHit {
    pub id: EvidenceId,
    /// BM25 relevance; absent when listing by filters only.
    pub score: Option<f32>,
    /// The best-matching passage, matched words in **bold**.
    pub snippet: String,
    pub evidence: Evidence,
    /// What it is linked to (O-.., KR-.., IND-.., M-..).
    pub linked_to: Vec<String>,
    /// Survey results: the statistics computed from the answers, each with n and method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statistics: Vec<super::stats::Statistic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// How many items match in all.
    pub total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Runs a search. Results come from sled (the index only finds them).
pub fn search(store: &Store, request: &SearchRequest) -> Result<SearchPage> {
    let search = caught_up(store)?;
    let (limit, offset) = page_of(request)?;
    let text_query = text_query(&search, request)?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = text_query.iter().map(|q| (Occur::Must, q.box_clone())).collect();
    // A filter says which items, never how well they match: wrapped to score nothing.
    // tantivy drops a range that holds a whole segment from the score, and counts one
    // that holds part of a segment, so the same item scored one more or less by where
    // it sat (the demo's "why" cited one quote or another from run to run).
    clauses.extend(
        filter_clauses(store, &search.fields, request)?
            .into_iter()
            .map(|(occur, q)| (occur, Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>)),
    );
    if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = search.reader.searcher();
    let total = searcher.search(&query, &Count).map_err(tantivy_error)?;
    let top = ranked(&searcher, &search.lengths, &query, limit, offset)?;
    let hits = hits(store, &searcher, &search.fields, top, text_query.as_deref())?;
    let next = offset + hits.len();
    Ok(SearchPage { next_cursor: (next < total && !hits.is_empty()).then(|| format!("o{next}")), total, hits })
}

/// The page of hits from `offset`, best first. Equal scores are common (two short
/// quotes with the same words), and tantivy orders them by where they sit in its
/// segments, which differs from one indexing to the next; here the evidence id breaks
/// the tie (the older first), so the same store answers in the same order, page after
/// page. Ranking by score and id scores every match (tantivy's top-k by score alone
/// skips those that cannot make the page): BENCHMARKS.md has the cost, about a tenth
/// to a quarter of a millisecond on 100,000 excerpts. Asking for the page by score
/// first and by id only when a tie crosses its end was tried: on data with many
/// ties it did both, and cost more.
fn ranked(
    searcher: &tantivy::Searcher,
    lengths: &Lengths,
    query: &dyn Query,
    limit: usize,
    offset: usize,
) -> Result<Vec<(Score, DocAddress)>> {
    let by_score_then_id = TopDocs::with_limit(limit).and_offset(offset).tweak_score(|segment: &SegmentReader| {
        let ids = segment.fast_fields().u64("id").ok().map(|ids| ids.first_or_default_col(0));
        move |doc: DocId, score: Score| (score, std::cmp::Reverse(ids.as_ref().map_or(0, |ids| ids.get_val(doc))))
    });
    let top = searcher
        .search_with_statistics_provider(query, &by_score_then_id, &LiveCounts { searcher, lengths })
        .map_err(tantivy_error)?;
    Ok(top.into_iter().map(|((score, _), at)| (score, at)).collect())
}

/// The page asked for: how many hits (the limit) and after how many (the cursor).
fn page_of(request: &SearchRequest) -> Result<(usize, usize)> {
    let limit = match request.limit {
        None => DEFAULT_PAGE,
        Some(n) if (1..=MAX_PAGE).contains(&n) => n,
        Some(n) => {
            return Err(Error::invalid("limit", format!("is {n}; a page size from 1 to {MAX_PAGE} is accepted")));
        }
    };
    let offset = match request.cursor.as_deref() {
        None => 0,
        Some(c) => {
            c.strip_prefix("o").and_then(|n| n.parse::<usize>().ok()).ok_or_else(crate::validate::unknown_cursor)?
        }
    };
    Ok((limit, offset))
}

/// The query's words as a tantivy query, or None when there are none (a listing by
/// filters).
fn text_query(search: &SearchIndex, request: &SearchRequest) -> Result<Option<Box<dyn Query>>> {
    let Some(q) = request.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) else { return Ok(None) };
    if q.chars().count() > 1_000 {
        return Err(Error::invalid("query", "is longer than 1,000 characters; search with the key words"));
    }
    let parser = QueryParser::for_index(&search.index, vec![search.fields.text]);
    // Lenient: an assistant's query with a stray quote or colon still searches.
    let (query, _) = parser.parse_query_lenient(q);
    Ok(Some(query))
}

/// The request's filters, each a clause that must match (unlinked only: one that
/// must not), checked in the order the request lists them.
fn filter_clauses(store: &Store, f: &Fields, request: &SearchRequest) -> Result<Vec<(Occur, Box<dyn Query>)>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![];
    if let Some(kind) = request.kind {
        clauses.push((Occur::Must, term(f.kind, kind_name(kind))));
    }
    for (i, tag) in request.tags.iter().enumerate() {
        clauses.push((Occur::Must, term(f.tag, &canonical_tag(store, i, tag)?)));
    }
    if let Some(s) = &request.segment {
        clauses.push((Occur::Must, term(f.segment, &s.trim().to_lowercase())));
    }
    if let Some(s) = &request.study {
        clauses.push((Occur::Must, term(f.study, &known_study(store, s)?.to_string())));
    }
    if let Some(p) = &request.participant {
        clauses.push((Occur::Must, term(f.participant, &p.trim().to_lowercase())));
    }
    if let Some(range) = observed_between(f.observed, request)? {
        clauses.push((Occur::Must, range));
    }
    match request.linked {
        Some(true) => clauses.push((Occur::Must, term(f.linked, ANY_LINK))),
        Some(false) => clauses.push((Occur::MustNot, term(f.linked, ANY_LINK))),
        None => {}
    }
    if let Some(target) = &request.linked_to {
        clauses.push((Occur::Must, term(f.linked, &known_target(store, target)?)));
    }
    Ok(clauses)
}

/// A clause matching the field's exact value.
fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

/// The `i`th tag asked for, checked, as the index stores it: an alias becomes its tag.
fn canonical_tag(store: &Store, i: usize, tag: &str) -> Result<String> {
    let tag = crate::validate::tag(&format!("tags[{i}]"), tag)?;
    Ok(store.tree(Table::Tags).get(tag.as_bytes())?.map(|c| String::from_utf8_lossy(&c).into_owned()).unwrap_or(tag))
}

/// The study asked for, which must exist.
fn known_study(store: &Store, study: &str) -> Result<crate::model::StudyId> {
    let id: crate::model::StudyId =
        study.parse().map_err(|e: crate::model::IdParseError| Error::invalid("study", e.to_string()))?;
    // An unknown id would match nothing, which reads as "no evidence": say so instead.
    if store.get::<crate::model::Study>(Table::Studies, &id.key())?.is_none() {
        return Err(Error::not_found("study", id, known_studies(store)?));
    }
    Ok(id)
}

/// The days the evidence was observed in (`from` and `to`, both included), when the
/// request bounds them.
fn observed_between(observed: Field, request: &SearchRequest) -> Result<Option<Box<dyn Query>>> {
    let from = request.from.as_deref().map(|d| crate::validate::date("from", d)).transpose()?;
    let to = request.to.as_deref().map(|d| crate::validate::date("to", d)).transpose()?;
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        return Err(Error::invalid("to", format!("{b} is before from {a}")));
    }
    if from.is_none() && to.is_none() {
        return Ok(None);
    }
    let bound = |d: Option<Date>| {
        d.map_or(Bound::Unbounded, |d| Bound::Included(Term::from_field_i64(observed, day_number(d))))
    };
    Ok(Some(Box::new(RangeQuery::new(bound(from), bound(to)))))
}

/// The link target asked for (O-3, KR-12, IND-2, M-4), which must exist.
fn known_target(store: &Store, target: &str) -> Result<String> {
    let target = crate::validate::link_target("linked_to", target)?;
    if !target_exists(store, &target)? {
        return Err(Error::not_found(
            "linked_to",
            &target,
            crate::words![
                crate::error::Operation::GetOkr,
                " lists objectives, key results and their indicators; ",
                crate::error::Operation::ListOkrs,
                " lists the objectives"
            ],
        ));
    }
    Ok(target)
}

/// The hits of a page, read back from sled with their snippets (the passage that
/// matches the words best, else the text's start), links and survey statistics.
fn hits(
    store: &Store,
    searcher: &tantivy::Searcher,
    f: &Fields,
    top: Vec<(tantivy::Score, tantivy::DocAddress)>,
    text_query: Option<&dyn Query>,
) -> Result<Vec<SearchHit>> {
    let snippets = match text_query {
        Some(q) => Some(super::live_counts::snippets(searcher, q, f.text).map_err(tantivy_error)?),
        None => None,
    };
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address).map_err(tantivy_error)?;
        let Some(id) = doc.get_first(f.id).and_then(|v| v.as_u64()).map(EvidenceId) else { continue };
        // The index may briefly lag sled; sled decides what exists.
        let Some(evidence) = store.get::<Evidence>(Table::Evidence, &id.key())? else { continue };
        let snippet = match &snippets {
            Some(generator) => bold(&generator.snippet(&evidence.text)),
            None => String::new(),
        };
        let snippet = if snippet.is_empty() { crate::validate::truncate(&evidence.text, 240) } else { snippet };
        let linked_to = links_of_evidence(store, id)?.into_iter().map(|l| l.target).collect();
        let statistics = evidence.survey.as_ref().map(super::stats::statistics).unwrap_or_default();
        hits.push(SearchHit { id, score: text_query.map(|_| score), snippet, evidence, linked_to, statistics });
    }
    Ok(hits)
}

/// What research words say, for ranking by relevance: the stems the index stores
/// for a text, and how many items use a stem. A word most research uses ("day",
/// "within") says nothing about which research is about a subject.
pub struct Vocabulary {
    search: Arc<SearchIndex>,
    searcher: tantivy::Searcher,
}

impl Vocabulary {
    pub fn of(store: &Store) -> Result<Vocabulary> {
        let search = caught_up(store)?;
        let searcher = search.reader.searcher();
        Ok(Vocabulary { search, searcher })
    }

    /// How many research items the index holds.
    pub fn items(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The text's words as the index stores them (lowercased, stemmed), in order.
    pub fn stems(&self, text: &str) -> Result<Vec<String>> {
        let mut analyzer = self.search.index.tokenizer_for_field(self.search.fields.text).map_err(tantivy_error)?;
        let mut stream = analyzer.token_stream(text);
        let mut out = vec![];
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        Ok(out)
    }

    /// How many items use the stem.
    pub fn items_using(&self, stem: &str) -> Result<u64> {
        let term = Term::from_field_text(self.search.fields.text, stem);
        super::live_counts::live_doc_freq(&self.searcher, &term).map_err(tantivy_error)
    }
}

/// The studies there are, for an error about one that is not: the first few by id,
/// or where studies come from when there are none.
fn known_studies(store: &Store) -> Result<String> {
    const SHOWN: usize = 10;
    let mut studies = vec![];
    let mut more = 0;
    for study in store.scan::<crate::model::Study>(Table::Studies) {
        let study = study?;
        if studies.len() < SHOWN {
            studies.push(format!("{} ({})", study.id, crate::validate::truncate(&study.name, 60)));
        } else {
            more += 1;
        }
    }
    Ok(match (studies.is_empty(), more) {
        (true, _) => "no study exists yet; evidence added with a study name creates one".into(),
        (false, 0) => format!("the studies are {}", studies.join(", ")),
        (false, more) => format!("the studies include {} and {more} more", studies.join(", ")),
    })
}

/// The snippet with matched words in **bold**, for Markdown-rendering clients.
fn bold(snippet: &tantivy::snippet::Snippet) -> String {
    let fragment = snippet.fragment();
    let mut out = String::with_capacity(fragment.len() + 16);
    let mut at = 0;
    for range in snippet.highlighted() {
        out.push_str(&fragment[at..range.start]);
        out.push_str("**");
        out.push_str(&fragment[range.clone()]);
        out.push_str("**");
        at = range.end;
    }
    out.push_str(&fragment[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::add::{AddEvidenceRequest, EvidenceInput, add_evidence};
    use crate::model::Actor;
    use std::path::Path;

    fn note(text: &str) -> EvidenceInput {
        serde_json::from_value(serde_json::json!({"kind": "observation", "text": text})).unwrap()
    }

    /// A store with items added in three calls (three segments), EV-2 then removed
    /// from sled and from the index, but not purged. It shares its segment with EV-3
    /// (a segment left with no document is dropped whole).
    async fn store_with_a_deleted_item(dir: &Path) -> Store {
        let store = Store::open(dir).unwrap();
        let actor = Actor("t".into());
        for words in [&["alpha"][..], &["bravo", "delta"], &["charlie"]] {
            let items = words.iter().map(|word| note(&format!("the {word}word was seen"))).collect();
            add_evidence(&store, AddEvidenceRequest { items }, &actor).await.unwrap();
            // Indexed before the next write, so each call is a commit of its own.
            index_of(&store).unwrap().wait_caught_up(&store).unwrap();
        }
        let bravo = EvidenceId(2);
        change_and_index(&store, || {
            store.transact(|tx| {
                tx.remove(Table::Evidence, &bravo.key())?;
                bump_generation(tx)
            })?;
            Ok(((), vec![bravo]))
        })
        .unwrap();
        store.flush_blocking().unwrap();
        index_of(&store).unwrap().wait_caught_up(&store).unwrap();
        assert!(holds_deleted(&store), "the deleted item's words are still in its segment");
        store
    }

    #[tokio::test]
    async fn equal_scores_come_in_the_order_the_items_were_added_on_every_page() {
        // Items with the same words score the same; each added in its own call sits in
        // its own segment, and tantivy orders segments by a random id. The evidence id
        // decides, so every store answers the same way, whole or a page at a time.
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            // Different quotes of the same length with the query's words once each.
            for last in ["find", "spot", "see", "reach"] {
                let items = vec![note(&format!("the export button was hard to {last}"))];
                add_evidence(&store, AddEvidenceRequest { items }, &Actor("t".into())).await.unwrap();
                index_of(&store).unwrap().wait_caught_up(&store).unwrap();
            }
            let ask = |limit: usize, cursor: Option<String>| {
                let request = SearchRequest {
                    query: Some("export button".into()),
                    limit: Some(limit),
                    cursor,
                    ..Default::default()
                };
                search(&store, &request).unwrap()
            };
            let whole: Vec<u64> = ask(10, None).hits.iter().map(|h| h.id.0).collect();
            assert_eq!(whole, vec![1, 2, 3, 4]);
            let (mut paged, mut cursor) = (vec![], None);
            loop {
                let page = ask(1, cursor);
                paged.extend(page.hits.iter().map(|h| h.id.0));
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            assert_eq!(paged, whole);
        }
    }

    #[tokio::test]
    async fn a_deleted_document_the_index_still_holds_does_not_change_a_score() {
        // The same three items, in one store with a fourth deleted but not yet merged
        // away and in another that never had it: the same scores, the same snippets,
        // the same count of items using a word.
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let with_deleted = store_with_a_deleted_item(a.path()).await;
        let never_had_it = Store::open(b.path()).unwrap();
        let items = ["alpha", "delta", "charlie"].iter().map(|w| note(&format!("the {w}word was seen"))).collect();
        add_evidence(&never_had_it, AddEvidenceRequest { items }, &Actor("t".into())).await.unwrap();
        let answer = |store: &Store| {
            let request = SearchRequest { query: Some("deltaword seen".into()), ..Default::default() };
            let page = search(store, &request).unwrap();
            page.hits.iter().map(|h| (h.evidence.text.clone(), h.score, h.snippet.clone())).collect::<Vec<_>>()
        };
        let (kept, fresh) = (answer(&with_deleted), answer(&never_had_it));
        assert_eq!(kept.len(), 3);
        assert_eq!(kept, fresh);
        let uses = |store: &Store| Vocabulary::of(store).unwrap().items_using("seen").unwrap();
        assert_eq!((uses(&with_deleted), uses(&never_had_it)), (3, 3));
    }

    #[tokio::test]
    async fn a_filter_adds_nothing_to_a_score_wherever_its_items_sit() {
        // Two items that use the query's words alike, in two segments: the first segment lies wholly
        // inside the dates asked for, the second only in part. Both score the same.
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let dated = |text: &str, day: &str| -> EvidenceInput {
            serde_json::from_value(serde_json::json!({"kind": "observation", "text": text, "observed_at": day}))
                .unwrap()
        };
        let calls = [
            vec![dated("the export button was hard to find", "2026-01-10")],
            vec![dated("the export button was hard to spot", "2026-01-12"), dated("pricing felt high", "2026-03-01")],
        ];
        for items in calls {
            add_evidence(&store, AddEvidenceRequest { items }, &Actor("t".into())).await.unwrap();
            index_of(&store).unwrap().wait_caught_up(&store).unwrap();
        }
        let request = SearchRequest {
            query: Some("export button".into()),
            from: Some("2026-01-01".into()),
            to: Some("2026-02-01".into()),
            ..Default::default()
        };
        let scores: Vec<_> = search(&store, &request).unwrap().hits.iter().map(|h| (h.id.0, h.score)).collect();
        assert_eq!(scores.len(), 2);
        assert_eq!(scores[0].1, scores[1].1, "{scores:?}");
        assert_eq!(scores.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![1, 2]);
    }

    fn holds_deleted(store: &Store) -> bool {
        let search = index_of(store).unwrap();
        search.index.searchable_segment_metas().unwrap().iter().any(|meta| meta.has_deletes())
    }

    fn hits(store: &Store, query: &str) -> usize {
        search(store, &SearchRequest { query: Some(query.into()), ..Default::default() }).unwrap().total
    }

    #[tokio::test]
    async fn an_erasure_rewrites_the_segments_that_held_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_deleted_item(dir.path()).await;
        assert_eq!(purge_deleted(&store), None);
        assert!(!holds_deleted(&store));
        assert_eq!((hits(&store, "bravoword"), hits(&store, "deltaword")), (0, 1));
    }

    #[tokio::test]
    async fn when_the_rewrite_fails_the_index_is_rebuilt_and_the_words_still_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_deleted_item(dir.path()).await;
        let failing = |_: &SearchIndex| Err(Error::invalid("search index", "the rewrite failed"));
        assert_eq!(purge_or_rebuild(&store, failing), None, "rebuilt from sled, nothing is left to say");
        assert!(!holds_deleted(&store));
        assert_eq!((hits(&store, "alphaword"), hits(&store, "bravoword"), hits(&store, "charlieword")), (1, 0, 1));
    }

    #[tokio::test]
    async fn when_the_rebuild_fails_too_the_answer_says_where_the_words_are_and_the_next_open_rebuilds() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_deleted_item(dir.path()).await;
        let folder = dir.path().join("search");
        // The folder gone under the index: the rewrite and the rebuild both fail.
        let failing = |_: &SearchIndex| {
            std::fs::remove_dir_all(&folder).unwrap();
            Err(Error::invalid("search index", "the rewrite failed"))
        };
        let left = purge_or_rebuild(&store, failing).expect("the answer says what is left");
        assert!(
            left.contains("the items are deleted")
                && left.contains("the rewrite failed")
                && left.contains(&folder.display().to_string())
                && left.contains("the next time grounded opens this database"),
            "{left}"
        );
        assert!(store.tree(Table::Meta).contains_key(STALE).unwrap());
        drop(store);
        settle();
        let store = crate::store::reopen(dir.path()).unwrap();
        assert_eq!((hits(&store, "alphaword"), hits(&store, "bravoword")), (1, 0));
        assert!(!holds_deleted(&store));
        assert!(!store.tree(Table::Meta).contains_key(STALE).unwrap(), "rebuilt once, not at every open");
    }

    #[tokio::test]
    async fn an_index_marked_stale_is_rebuilt_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_deleted_item(dir.path()).await;
        store.transact(|tx| tx.put_raw(Table::Meta, STALE, b"1")).unwrap();
        store.flush_blocking().unwrap();
        drop(store);
        settle();
        let store = crate::store::reopen(dir.path()).unwrap();
        assert!(!holds_deleted(&store), "the rebuild dropped the segment that held the deleted item");
        assert_eq!((hits(&store, "charlieword"), hits(&store, "deltaword")), (1, 1));
    }

    #[tokio::test]
    async fn a_search_sees_every_write_acknowledged_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let actor = Actor("t".into());
        // Writes from several threads at once; each search right after one must find it.
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (store, actor) = (store.clone(), actor.clone());
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
                    for i in 0..25 {
                        let word = format!("marker{w}x{i}");
                        let request = AddEvidenceRequest { items: vec![note(&format!("the {word} was seen"))] };
                        runtime.block_on(add_evidence(&store, request, &actor)).unwrap();
                        let found = search(&store, &SearchRequest { query: Some(word.clone()), ..Default::default() });
                        assert_eq!(found.unwrap().total, 1, "{word} is searchable as soon as it is acknowledged");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let all = search(&store, &SearchRequest { query: Some("seen".into()), ..Default::default() }).unwrap();
        assert_eq!(all.total, 100);
        // Settled, the index on disk records the generation sled has: a restart
        // finds it current and does not rebuild it.
        settle();
        let payload = index_of(&store).unwrap().index.load_metas().unwrap().payload;
        assert_eq!(payload, Some(generation(&store).unwrap().to_string()));
    }
}

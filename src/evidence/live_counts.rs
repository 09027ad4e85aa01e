//! The counts BM25 scores with (how many items, how many use a word, how long they
//! are), taken over the research that exists rather than over what the index holds.
//!
//! tantivy counts a deleted document until a merge rewrites its segment, and which
//! segments hold deleted documents depends on how the indexer happened to batch the
//! writes and when its merges ran. With tantivy's own counts, the same items scored
//! one way in a store that had once held another item and another way in a store that
//! never had (the test `a_deleted_document_the_index_still_holds_does_not_change_a_score`).
//! Counted over live documents, with each document's length read from its own norm, a
//! score depends on the items alone.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use tantivy::query::{Bm25StatisticsProvider, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Score, Searcher, Term};

/// Snippets of this many characters at most.
const SNIPPET_CHARS: usize = 240;

/// The total length of a field's live documents, kept for the searcher generation it
/// was summed for: summing reads every document's norm, and the index changes only when
/// the reader reloads, so a search pays for it once per change, not once per word.
#[derive(Default)]
pub(super) struct Lengths(Mutex<(u64, HashMap<Field, u64>)>);

/// BM25's statistics over the live documents of a searcher.
pub(super) struct LiveCounts<'a> {
    pub(super) searcher: &'a Searcher,
    pub(super) lengths: &'a Lengths,
}

impl Bm25StatisticsProvider for LiveCounts<'_> {
    /// The sum of the live documents' norms: a segment's exact total still counts its
    /// deleted documents, and the norm is the length tantivy scores each one with.
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let generation = self.searcher.generation().generation_id();
        let mut kept = self.lengths.0.lock().unwrap_or_else(|e| e.into_inner());
        if kept.0 != generation {
            *kept = (generation, HashMap::new());
        }
        if let Some(total) = kept.1.get(&field) {
            return Ok(*total);
        }
        let mut total = 0;
        for segment in self.searcher.segment_readers() {
            let norms = segment.get_fieldnorms_reader(field)?;
            total += segment.doc_ids_alive().map(|doc| u64::from(norms.fieldnorm(doc))).sum::<u64>();
        }
        kept.1.insert(field, total);
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        live_doc_freq(self.searcher, term)
    }
}

/// How many live documents use the term. Only a segment with deleted documents has
/// its postings read; the others' counts are exact as stored.
pub(super) fn live_doc_freq(searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
    let mut total = 0;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(term.field())?;
        total += u64::from(match segment.alive_bitset() {
            None => inverted.doc_freq(term)?,
            Some(alive) => {
                inverted.read_postings(term, IndexRecordOption::Basic)?.map_or(0, |p| p.doc_freq_given_deletes(alive))
            }
        });
    }
    Ok(total)
}

/// A snippet generator that weighs the query's words by the same live counts (rarer
/// words make the better passage), as tantivy's own would by its counts.
pub(super) fn snippets(searcher: &Searcher, query: &dyn Query, field: Field) -> tantivy::Result<SnippetGenerator> {
    let mut terms = vec![];
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.push(term.clone());
        }
    });
    let mut weights: BTreeMap<String, Score> = BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_string) else { continue };
        let used_by = live_doc_freq(searcher, &term)?;
        if used_by > 0 {
            weights.insert(text, 1.0 / (1.0 + used_by as Score));
        }
    }
    let tokenizer = searcher.index().tokenizer_for_field(field)?;
    Ok(SnippetGenerator::new(weights, tokenizer, field, SNIPPET_CHARS))
}

//! Evidence: customer research as first-class data.
//!
//! - [`add`] validates and stores items (duplicates by content, re-imports by record id);
//! - [`erase`] deletes items, a study or a participant's every word, keeping only the fact;
//! - [`import`] reads research files (CSV, JSONL, survey exports, transcripts);
//! - [`tags`] keeps one vocabulary (aliases, merge);
//! - [`link`] joins evidence to objectives, key results, indicators and metrics;
//! - [`search`] finds it again (tantivy, BM25 with stemming), derived from sled;
//!   `live_counts` keeps its scores a function of the items that exist;
//! - [`suggest`] proposes links, each with its reason;
//! - [`stats`] computes survey statistics when they are read.

pub mod add;
pub mod erase;
pub mod import;
pub mod link;
mod live_counts;
pub mod search;
pub mod stats;
pub mod suggest;
pub mod tags;

//! `grounded import evidence`, `grounded search`, `grounded link`, `grounded tag`:
//! the evidence commands over the same core as the MCP tools.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::evidence::import::{ImportDefaults, ImportFormat, ImportRequest, import_evidence};
use grounded::evidence::link::{LinkRequest, link_evidence};
use grounded::evidence::search::{SearchRequest, search};
use grounded::evidence::tags;
use grounded::model::Relation;

pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

pub struct ImportArgs {
    pub file: String,
    pub format: Option<ImportFormat>,
    pub row_level: bool,
    pub segment: Option<String>,
    pub study: Option<String>,
    pub observed_at: Option<String>,
}

pub fn import(db: Option<PathBuf>, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (path, store) = super::open(db)?;
    let access = super::access(&path);
    let is_url = args.file.starts_with("http://") || args.file.starts_with("https://");
    let request = ImportRequest {
        path: (!is_url).then(|| args.file.clone()),
        url: is_url.then(|| args.file.clone()),
        format: args.format,
        row_level: args.row_level,
        defaults: Some(ImportDefaults {
            segment: args.segment,
            study: args.study,
            observed_at: args.observed_at,
            ..Default::default()
        }),
        ..Default::default()
    };
    let progress = |done: usize, total: usize| {
        if total >= 1_000 {
            err!("\rread {done} of {total}");
        }
    };
    let report = runtime()?
        .block_on(import_evidence(&store, &access, request, &super::actor(), &progress))
        .map_err(super::in_cli_terms)?;
    outln!(
        "{}: {} read as {:?}; {} created, {} updated, {} duplicates, {} skipped",
        report.source,
        report.read,
        report.format,
        report.added.created,
        report.added.updated,
        report.added.duplicates,
        report.skipped.len()
    );
    for skipped in &report.skipped {
        outln!("  skipped line {}: {}", skipped.line, skipped.reason);
    }
    for note in &report.added.tag_notes {
        outln!("  note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn find(
    db: Option<PathBuf>,
    query: String,
    tags: Vec<String>,
    segment: Option<String>,
    limit: usize,
) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let request = SearchRequest { query: Some(query), tags, segment, limit: Some(limit), ..Default::default() };
    let page = search(&store, &request)?;
    outln!("{} match(es)", page.total);
    for hit in &page.hits {
        let e = &hit.evidence;
        let who = [e.participant.as_deref(), e.segment.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let when = e.observed_at.map(|d| d.to_string()).unwrap_or_default();
        outln!("\n{}  {}  {}  {}", hit.id, who, when, e.tags.join(" "));
        outln!("  {}", hit.snippet.replace('\n', " "));
        if !hit.linked_to.is_empty() {
            outln!("  linked to {}", hit.linked_to.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn link(
    db: Option<PathBuf>,
    evidence: Vec<String>,
    target: String,
    relation: Relation,
    why: String,
) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let request = LinkRequest { evidence, target, relation, rationale: why };
    let linked = runtime()?.block_on(link_evidence(&store, request, &super::actor()))?;
    for l in &linked.links {
        outln!("{}  {} {:?} {}", l.id, l.evidence, l.relation, l.target);
    }
    outln!("{} created, {} already there", linked.created, linked.existing);
    Ok(ExitCode::SUCCESS)
}

pub fn tag_merge(db: Option<PathBuf>, from: String, into: String) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let retagged = tags::merge(&store, &from, &into)?;
    outln!("\"{from}\" is now an alias of \"{into}\"; {} item(s) retagged", retagged.len());
    Ok(ExitCode::SUCCESS)
}

pub fn tag_list(db: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    for t in tags::list_tags(&store)? {
        let aliases = if t.aliases.is_empty() { String::new() } else { format!(" (also {})", t.aliases.join(", ")) };
        outln!("{:<24} {:>5}{aliases}", t.tag, t.evidence);
    }
    Ok(ExitCode::SUCCESS)
}

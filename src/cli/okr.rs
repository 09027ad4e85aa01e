//! `grounded okr apply | list | show`: OKRs from a terminal, over the same core as
//! draft_okr, list_okrs and get_okr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use grounded::error::Error;
use grounded::model::Status;
use grounded::okr::apply::{Applied, apply};
use grounded::okr::document::read_document;
use grounded::okr::overview::{Detail, get_okr};
use grounded::okr::query::{ListFilter, list_okrs};

use super::evidence::runtime;
use super::render::shorten;

#[derive(Subcommand)]
pub enum OkrAction {
    /// Make the stored OKRs match a YAML or Markdown file (matched by title and
    /// cycle): creates what is new, updates what changed, archives key results the
    /// file no longer has. grounded okr apply okrs.yaml --dry-run
    Apply(ApplyArgs),
    /// The objectives, a page at a time: grounded okr list --cycle 2026-Q4
    List(ListArgs),
    /// One objective (O-3, or a key result's id for its objective): where each key
    /// result stands, what rests on it, the open checks
    Show(ShowArgs),
}

#[derive(Args)]
pub struct ApplyArgs {
    /// The OKR file (.yaml, .yml, .md)
    pub file: PathBuf,
    /// Print what would change and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Print the plan as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ListArgs {
    /// Only this cycle (2026-Q4)
    #[arg(long)]
    cycle: Option<String>,
    /// Only this owner's objectives
    #[arg(long)]
    owner: Option<String>,
    /// Also list archived objectives
    #[arg(long)]
    archived: bool,
    /// Objectives per page (1-100)
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// The cursor printed at the end of the previous page
    #[arg(long)]
    after: Option<String>,
    /// Print the page as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    /// O-3, or KR-12 for its objective
    id: String,
    /// Everything: every field, score, link count and the history
    #[arg(long)]
    full: bool,
    /// Print as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(db: Option<PathBuf>, action: OkrAction) -> anyhow::Result<ExitCode> {
    match action {
        OkrAction::Apply(args) => apply_file(db, args),
        OkrAction::List(args) => list(db, args),
        OkrAction::Show(args) => show(db, args),
    }
}

fn apply_file(db: Option<PathBuf>, args: ApplyArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let drafts = read_file(&args.file, &name)?;
    let (_, store) = super::open(db)?;
    let applied = runtime()?
        .block_on(apply(&store, &name, drafts, args.dry_run, &super::actor()))
        .map_err(|e| in_file_terms(e, &name))?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&applied)?);
    } else {
        print_applied(&name, &applied);
    }
    Ok(ExitCode::SUCCESS)
}

fn read_file(path: &Path, name: &str) -> anyhow::Result<Vec<grounded::okr::input::ObjectiveDraft>> {
    let path = match super::remote::caller_directory() {
        Some(cwd) => cwd.join(path),
        None => path.to_path_buf(),
    };
    Ok(read_document(name, &super::read_text(&path)?)?)
}

/// The core names a draft's fields by their place (`objectives[1].cycle`); in a
/// terminal that place is in the file.
fn in_file_terms(error: Error, file: &str) -> anyhow::Error {
    match error {
        Error::Invalid { field, message } => anyhow::anyhow!("{file}: {field}: {message}"),
        other => other.into(),
    }
}

fn print_applied(name: &str, applied: &Applied) {
    let (created, updated, unchanged) = (applied.created, applied.updated, applied.unchanged);
    if applied.dry_run {
        outln!(
            "{name} (dry run: nothing written): would create {created}, update {updated}, leave {unchanged} unchanged"
        );
    } else {
        outln!("{name}: created {created}, updated {updated}, unchanged {unchanged}");
    }
    for step in &applied.objectives {
        let id = step.id.map(|i| i.to_string()).unwrap_or_else(|| "new".into());
        outln!("  {:<9} {:<5} {} ({})", step.action, id, shorten(&step.title, 70), step.cycle.name());
        for change in &step.changes {
            outln!("            {}", shorten(change, 110));
        }
    }
}

fn list(db: Option<PathBuf>, args: ListArgs) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let filter = ListFilter {
        cycle: args.cycle,
        owner: args.owner,
        include_archived: args.archived,
        limit: Some(args.limit),
        cursor: args.after,
        ..Default::default()
    };
    let page = list_okrs(&store, filter).map_err(|e| {
        super::in_flags(
            e,
            &[],
            &[(
                "pass the next_cursor of the previous page",
                "pass the --after printed at the end of the previous page",
            )],
        )
    })?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&page)?);
        return Ok(ExitCode::SUCCESS);
    }
    if page.objectives.is_empty() {
        outln!("no objectives match; `grounded okr apply FILE` stores them from a YAML or Markdown file");
    }
    for row in &page.objectives {
        let archived = if row.status == Status::Archived { " [archived]" } else { "" };
        outln!(
            "{:<5} {:<8} {:>4.0}% {:<9} {} ({}, {} KRs){archived}",
            row.id.to_string(),
            row.cycle.name(),
            row.progress * 100.0,
            row.pace.name(),
            shorten(&row.title, 60),
            row.owner.as_deref().unwrap_or("no owner"),
            row.key_results
        );
    }
    if let Some(next) = &page.next_cursor {
        outln!("more: grounded okr list --after {next}");
    }
    Ok(ExitCode::SUCCESS)
}

fn show(db: Option<PathBuf>, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let level = if args.full { Detail::Full } else { Detail::Summary };
    let answer = get_okr(&store, &args.id, level).map_err(|e| {
        super::in_flags(
            e,
            &[("id", "ID")],
            &[("list_okrs lists them", "`grounded okr list` lists them"), ("list_okrs", "`grounded okr list`")],
        )
    })?;
    if args.json || args.full {
        outln!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    let o = &answer.overview;
    outln!("{} {} ({}, {}, {:?})", o.id, o.title, o.cycle, o.owner.as_deref().unwrap_or("no owner"), o.status);
    outln!("  progress {:.0}%, {}; {} evidence linked to the objective", o.progress * 100.0, o.pace.name(), o.evidence);
    for kr in &o.key_results {
        let now = kr
            .current
            .as_ref()
            .map(|c| format!("{} on {}{}", c.value, c.on, c.n.map(|n| format!(" (n={n})")).unwrap_or_default()))
            .unwrap_or_else(|| "no value yet".into());
        let progress = kr.progress.map(|p| format!("{:.0}%", p * 100.0)).unwrap_or_else(|| "-".into());
        outln!("  {:<6} {:>4} {:<9} {}", kr.id, progress, kr.pace.name(), shorten(&kr.statement, 80));
        outln!("         now {now}; {} evidence, {} initiatives", kr.evidence, kr.initiatives);
    }
    let open: Vec<String> =
        o.check.findings.iter().map(|f| format!("{} ({}): {}", f.rule, f.subject, f.reason)).collect();
    if !open.is_empty() {
        outln!("  open checks:");
        for line in open {
            outln!("    {}", shorten(&line, 110));
        }
    }
    outln!("  {} changes in history; --full shows everything", o.history_entries);
    Ok(ExitCode::SUCCESS)
}

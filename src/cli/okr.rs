//! `grounded okr apply | list | show`: OKRs from a terminal, over the same core as
//! draft_okr, list_okrs and get_okr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use grounded::error::Error;
use grounded::lookup::overview::{Detail, get_okr};
use grounded::lookup::query::{ListFilter, list_okrs};
use grounded::model::Status;
use grounded::okr::apply::{Applied, apply};
use grounded::okr::document::read_document;

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
    /// Why the file moves a stored target or baseline (needed when it does; kept in the history)
    #[arg(long)]
    reason: Option<String>,
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
    /// Also each open finding's question and rewrite, the indicators, the initiatives
    /// and the whole history (--json for every field)
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
        .block_on(apply(&store, &name, drafts, args.dry_run, args.reason.as_deref(), &super::actor()))
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
        Error::Invalid { field, message } if field == "reason" => anyhow::anyhow!("--reason: {message}"),
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
        if !step.failing.is_empty() {
            let kept = if applied.dry_run { "would be kept" } else { "kept" };
            outln!("            {} failing check(s); {kept} as a draft to improve:", step.failing.len());
            for line in &step.failing {
                outln!("              {}", shorten(line, 108));
            }
        }
    }
    if applied.dry_run && !applied.moved.is_empty() {
        outln!("moves {}: applying needs --reason \"why they moved\"", applied.moved.join(", "));
    }
    if applied.objectives.iter().any(|s| !s.failing.is_empty()) {
        outln!("`grounded check {name}` shows each finding with its question and rewrite");
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
        super::terms::Terminal::with(&[("cursor", "--after"), ("next_cursor", "--after printed at the end")]).say(e)
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
    let answer = get_okr(&store, &args.id, level, grounded::scoring::score::ScoreOptions::today())
        .map_err(|e| super::terms::Terminal::with(&[("id", "ID")]).say(e))?;
    if args.json {
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
        let metric = kr.metric.as_deref().map(|m| format!("metric {m}; ")).unwrap_or_default();
        outln!("         {metric}now {now}; {} evidence, {} initiatives", kr.evidence, kr.initiatives);
        for indicator in &kr.indicators {
            let status = format!("{:?}", indicator.status).to_lowercase();
            outln!("         leading indicator {} on {}, {status}", indicator.id, indicator.metric);
        }
    }
    let open: Vec<String> = o
        .check
        .findings
        .iter()
        .map(|f| format!("{} ({}): {}", f.rule, f.subject, f.reason.render(&super::terms::ANY)))
        .collect();
    if !open.is_empty() {
        outln!("  open checks:");
        for line in open {
            outln!("    {}", shorten(&line, 110));
        }
    }
    match &answer.full {
        Some(full) => print_full(full),
        None => outln!("  {} changes in history; --full shows everything, --json as JSON", o.history_entries),
    }
    Ok(ExitCode::SUCCESS)
}

/// What `--full` adds to the overview, as text: each open finding's question and
/// rewrite, the indicators and initiatives, and the history.
fn print_full(full: &grounded::lookup::query::ObjectiveDetail) {
    let coached: Vec<_> =
        full.check.findings.iter().filter(|f| f.question.is_some() || f.suggestion.is_some()).collect();
    if !coached.is_empty() {
        outln!("  coaching:");
        for f in coached {
            outln!("    {} ({}):", f.rule, f.subject);
            if let Some(question) = &f.question {
                outln!("      ask: {}", shorten(question, 106));
            }
            if let Some(suggestion) = &f.suggestion {
                outln!("      try: {}", shorten(&suggestion.render(&super::terms::ANY), 106));
            }
        }
    }
    for question in &full.check.questions {
        outln!("  question: {}", shorten(question, 106));
    }
    for kr in &full.key_result_details {
        for i in &kr.indicators {
            let hypothesis = i.hypothesis.as_deref().map(|h| format!(": {}", shorten(h, 70))).unwrap_or_default();
            let status = format!("{:?}", i.status).to_lowercase();
            outln!(
                "  {} leads {} by {} days on {} ({status}){hypothesis}",
                i.id,
                kr.key_result.id,
                i.expected_lag_days,
                i.metric
            );
        }
        for i in &kr.initiatives {
            let due = i.due.map(|d| format!(", due {d}")).unwrap_or_default();
            let owner = i.owner.as_deref().map(|o| format!(", {o}")).unwrap_or_default();
            outln!("  {} for {}: {} ({}% complete{owner}{due})", i.id, kr.key_result.id, i.title, i.percent_complete);
        }
    }
    outln!("  history ({} changes, oldest first):", full.history.len());
    for entry in &full.history {
        let fields: Vec<&str> = entry.changes.iter().map(|c| c.field.as_str()).collect();
        let why = entry.reason.as_deref().map(|r| format!(": {}", shorten(r, 60))).unwrap_or_default();
        outln!(
            "    {} {} {} {} ({}){why}",
            entry.at.strftime("%Y-%m-%d %H:%M"),
            entry.author,
            entry.action,
            entry.subject,
            fields.join(", ")
        );
    }
}

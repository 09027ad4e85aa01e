//! The `grounded` command: the MCP server and a CLI over the same core.

mod cli;

/// glibc's allocator took a quarter of the HTTP server's time under load (a profile
/// of 50 concurrent clients: `_int_malloc`, `_int_free`, `malloc_consolidate`):
/// answers are built and encoded as many small strings and maps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use grounded::model::Relation;

/// Keep OKRs honest: check them against good practice, ground them in customer
/// evidence, score them against data. Serves MCP over stdio for AI assistants.
#[derive(Parser)]
#[command(name = "grounded", version, about, long_about = None)]
struct Cli {
    /// The database folder [default: the platform's data folder for grounded]
    #[arg(long, global = true, env = "GROUNDED_DB")]
    db: Option<PathBuf>,
    /// The time zone that decides "today", cycle boundaries and a value's day
    /// (an IANA name such as Europe/Berlin) [default: the machine's]
    #[arg(long, global = true, env = "GROUNDED_TZ")]
    tz: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve MCP over stdio (the default when no command is given), or over
    /// streamable HTTP for a team with --http
    Serve(cli::serve::ServeArgs),
    /// Check OKRs in a YAML or Markdown file; exits 1 when a check fails
    ///
    /// YAML: one objective (objective, owner, cycle, key_results: [...]) or a set
    /// (cycle, owner, objectives: [...]). Markdown: an objective heading (# ...),
    /// optional "Owner:" and "Cycle:" lines, one bullet per key result.
    Check {
        /// The file to check (.yaml, .yml, .md)
        file: PathBuf,
        /// Print the full result as JSON
        #[arg(long)]
        json: bool,
        /// Also list the checks that pass
        #[arg(long, short)]
        verbose: bool,
    },
    /// Show the whole flow on the example workspace, in a temporary database
    Demo,
    /// Import research into the database
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Search evidence (BM25, stemming): grounded search "empty start screen" --tag blank-project
    Search {
        query: String,
        /// Only items with this tag (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long)]
        segment: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the page as JSON (the search_evidence answer)
        #[arg(long)]
        json: bool,
    },
    /// Link evidence to what it grounds: grounded link EV-3 EV-4 KR-2 --relation explains --why "..."
    Link {
        /// Evidence ids, then the target (O-.., KR-.., IND-.., M-..) last
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
        /// motivates, baseline, validates, supports, contradicts or explains
        #[arg(long, value_parser = parse_relation, default_value = "supports")]
        relation: Relation,
        /// Why this evidence bears on the target
        #[arg(long)]
        why: String,
    },
    /// Score a key result (KR-12), an objective (O-3) or a cycle (2026-Q4); exits 1
    /// when a key result is off track or stale
    Score {
        subject: String,
        /// Score as of this date (YYYY-MM-DD) [default: today]
        #[arg(long)]
        as_of: Option<String>,
        /// Print the full result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Answer "why did X slip?" from the data and research, citing what it rests on;
    /// exits 1 when the question matched no single subject
    Explain(cli::explain::ExplainArgs),
    /// The cycle (or objective) report in Markdown; --out writes it with the scores
    /// as CSV and a chart into a folder
    Report(cli::report::ReportArgs),
    /// Pull every metric source and research feed (for cron); exits 1 when a pull failed
    ///
    /// Hosts must be on GROUNDED_ALLOWED_HOSTS; tokens are read from the environment
    /// variable a source names. Attach a source with --add-json or --add-prometheus, a
    /// survey export's URL with --add-export.
    Sync(Box<cli::sync::SyncArgs>),
    /// OKRs as code: apply a YAML or Markdown file, list the objectives, show one
    Okr {
        #[command(subcommand)]
        action: cli::okr::OkrAction,
    },
    /// Record one value of a metric: grounded record KR-1 52 --at 2026-11-20 --n 410
    Record(cli::record::RecordArgs),
    /// Leading indicators: add one to a key result, test whether it leads
    Indicator {
        #[command(subcommand)]
        action: cli::plan::IndicatorAction,
    },
    /// Initiatives: the work expected to move a key result
    Initiative {
        #[command(subcommand)]
        action: cli::plan::InitiativeAction,
    },
    /// Delete evidence, or erase every item of one participant
    Evidence {
        #[command(subcommand)]
        action: cli::erase::EvidenceAction,
    },
    /// Correct the record: delete a metric's wrong values (kept in its history)
    Measurements {
        #[command(subcommand)]
        action: cli::measurements::MeasurementsAction,
    },
    /// The tag vocabulary: list tags, merge one into another
    Tag {
        #[command(subcommand)]
        action: TagAction,
    },
    /// Bearer tokens for `serve --http`: add (printed once), list, revoke
    Token {
        #[command(subcommand)]
        action: cli::token::TokenAction,
    },
    /// The process that owns the database and serves the others
    Server {
        #[command(subcommand)]
        action: ServerAction,
    },
}

#[derive(Subcommand)]
enum ServerAction {
    /// Which process owns the database, since when, and how many sessions it serves
    Status,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Evidence from a file or URL: CSV, TSV, a spreadsheet (.xlsx, .ods), JSONL, a
    /// survey export, VTT, SRT, Markdown, text
    Evidence(Box<cli::evidence::ImportArgs>),
    /// Measurements (metric, date, value, n, population, sd, source, note) from a CSV,
    /// TSV, spreadsheet or JSONL file or URL
    Measurements(cli::score::ImportArgs),
}

#[derive(Subcommand)]
enum TagAction {
    /// Every tag with its aliases and how much evidence carries it
    List,
    /// Fold tag FROM into INTO: FROM becomes an alias and its evidence is retagged
    Merge { from: String, into: String },
}

fn parse_relation(text: &str) -> Result<Relation, String> {
    serde_json::from_value(serde_json::Value::String(text.to_lowercase())).map_err(|_| {
        format!("{text:?} is not a relation; use motivates, baseline, validates, supports, contradicts or explains")
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::init_logging();
    // An assistant starts grounded with pipes; a person who types `grounded` in a
    // terminal wants to know what it does, not a server silently waiting for JSON.
    if std::io::stdin().is_terminal() {
        match &cli.command {
            None => {
                let _ = <Cli as clap::CommandFactory>::command().print_help();
                println!(
                    "\nWith no command and its input not a terminal, grounded serves MCP over stdio (as `grounded serve`): that is how an assistant starts it."
                );
                return ExitCode::SUCCESS;
            }
            Some(Command::Serve(args)) if args.http.is_none() => eprintln!(
                "grounded: serving MCP over stdio, waiting for a client's JSON-RPC lines on this terminal (an assistant starts it this way; Ctrl-D stops it)"
            ),
            _ => {}
        }
    }
    if matches!(cli.command, Some(Command::Demo)) && cli.db.is_some() {
        eprintln!("grounded: the demo always runs in a temporary database; --db (or GROUNDED_DB) is not used by it");
    }
    if let Some(name) = &cli.tz {
        match grounded::clock::parse_zone("tz", name) {
            Ok(zone) => grounded::clock::set_process_zone(zone),
            Err(error) => {
                eprintln!("grounded: --{error}");
                return ExitCode::from(2);
            }
        }
    }
    grounded::serve::owner::set_cli_runner(|call, store| cli::remote::run_for(call, store, run_sent));
    let result = on_owner_or_here(cli);
    // Writes are durable already; the index of the last ones is finished before the
    // process goes, so the next start does not rebuild it.
    grounded::evidence::search::settle();
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("grounded: {}", cli::terms::printed(&error));
            ExitCode::from(2)
        }
    }
}

/// A command on the database runs in the process that owns it, if one does.
fn on_owner_or_here(cli: Cli) -> anyhow::Result<ExitCode> {
    let uses_database = matches!(
        cli.command,
        Some(
            Command::Import { .. }
                | Command::Search { .. }
                | Command::Link { .. }
                | Command::Score { .. }
                | Command::Explain(_)
                | Command::Report(_)
                | Command::Sync(_)
                | Command::Tag { .. }
                | Command::Measurements { .. }
                | Command::Evidence { .. }
                | Command::Okr { .. }
                | Command::Record(_)
                | Command::Indicator { .. }
                | Command::Initiative { .. }
                | Command::Token { .. }
        )
    );
    if uses_database && let Some(code) = cli::remote::on_owner(&cli::database_path(cli.db.clone())?)? {
        return Ok(code);
    }
    dispatch(cli)
}

/// In the owner: a command line another process sent, read as that process would
/// (its paths relative to its working directory).
fn run_sent(args: Vec<String>, cwd: &std::path::Path) -> Result<ExitCode, (u8, String)> {
    let mut cli =
        Cli::try_parse_from(std::iter::once("grounded".to_string()).chain(args)).map_err(|e| (2, e.to_string()))?;
    let absolute = |file: &mut String| {
        if !file.starts_with("http://") && !file.starts_with("https://") {
            *file = cwd.join(&*file).to_string_lossy().into_owned();
        }
    };
    match &mut cli.command {
        Some(Command::Import { what: ImportWhat::Evidence(args) }) => absolute(&mut args.file),
        Some(Command::Import { what: ImportWhat::Measurements(args) }) => absolute(&mut args.file),
        Some(Command::Report(args)) => args.out = args.out.take().map(|out| cwd.join(out)),
        _ => {}
    }
    dispatch(cli).map_err(|error| (2, format!("grounded: {}", cli::terms::printed(&error))))
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command.unwrap_or(Command::Serve(cli::serve::ServeArgs::default())) {
        Command::Serve(args) if args.http.is_some() => cli::serve::http(cli.db, args),
        Command::Serve(_) => cli::serve(cli.db),
        Command::Check { file, json, verbose } => cli::check::run(&file, json, verbose),
        Command::Demo => cli::demo::run(),
        Command::Import { what: ImportWhat::Evidence(args) } => cli::evidence::import(cli.db, *args),
        Command::Search { query, tags, segment, limit, json } => {
            cli::evidence::find(cli.db, query, tags, segment, limit, json)
        }
        Command::Okr { action } => cli::okr::run(cli.db, action),
        Command::Record(args) => cli::record::run(cli.db, args),
        Command::Indicator { action } => cli::plan::indicator(cli.db, action),
        Command::Initiative { action } => cli::plan::initiative(cli.db, action),
        Command::Link { mut ids, relation, why } => {
            let target = ids.pop().unwrap_or_default();
            cli::evidence::link(cli.db, ids, target, relation, why)
        }
        Command::Import { what: ImportWhat::Measurements(args) } => cli::score::import(cli.db, args),
        Command::Score { subject, as_of, json } => cli::score::run(cli.db, subject, as_of, json),
        Command::Explain(args) => cli::explain::run(cli.db, args),
        Command::Report(args) => cli::report::run(cli.db, args),
        Command::Sync(args) => cli::sync::run(cli.db, *args),
        Command::Measurements { action } => cli::measurements::run(cli.db, action),
        Command::Evidence { action } => cli::erase::run(cli.db, action),
        Command::Tag { action: TagAction::List } => cli::evidence::tag_list(cli.db),
        Command::Tag { action: TagAction::Merge { from, into } } => cli::evidence::tag_merge(cli.db, from, into),
        Command::Token { action } => cli::token::run(cli.db, action),
        Command::Server { action: ServerAction::Status } => cli::server_status(cli.db),
    }
}

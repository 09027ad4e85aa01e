//! The command line: each command in its own file, all over the library's core.
//!
//! A command that uses the database runs in this process when it can open it, and in
//! the process that owns it otherwise (`remote`): then what it prints is captured
//! and sent back, which is why commands print with [`outln!`] and [`errln!`] rather
//! than `println!`.

/// Prints a line of a command's answer: to stdout, or into the capture of a command
/// run for another process.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::remote::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}
/// The same without the line end.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::remote::write_out(format_args!($($arg)*)) };
}
/// A line of progress or a warning: to stderr, or into the capture.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::remote::write_err(format_args!("{}\n", format_args!($($arg)*))) };
}
/// Progress and warnings: to stderr, or into the capture.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::remote::write_err(format_args!($($arg)*)) };
}

/// An import's progress on stderr, rewriting one line, for files large enough to
/// wait for.
pub fn show_progress(step: grounded::progress::Step) {
    if step.total >= 1_000 {
        err!("\r{:<48}", step.message());
    }
}

pub mod check;
pub mod demo;
pub mod erase;
pub mod evidence;
pub mod explain;
pub mod measurements;
pub mod okr;
pub mod plan;
pub mod record;
pub mod remote;
pub mod render;
pub mod report;
pub mod score;
pub mod serve;
pub mod sync;
pub mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use grounded::error::Error;
use grounded::fetch::{Access, Caller};
use grounded::model::Actor;
use grounded::store::Store;

/// Logs go to stderr: stdout carries the MCP protocol.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GROUNDED_LOG").unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).with_ansi(false).init();
}

/// `--db`, else `GROUNDED_DB`, else the platform's data folder.
pub fn database_path(db: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(db) = db {
        return Ok(db);
    }
    let dirs = directories::ProjectDirs::from("", "", "grounded")
        .context("no home folder to keep the database in; pass --db PATH or set GROUNDED_DB")?;
    Ok(dirs.data_dir().join("db"))
}

/// What a command may read: the CLI's policy, from the environment of the process
/// the person typed the command in (this one, or the one that relayed it here).
pub fn access(database: &std::path::Path) -> Access {
    match (remote::caller_directory(), remote::caller_settings()) {
        (cwd @ Some(_), Some(settings)) => Access::from_settings(Caller::Cli, database, cwd, &settings),
        (Some(cwd), None) => {
            let mut access = Access::from_env(Caller::Cli, database);
            access.roots.work_in(cwd);
            access
        }
        (None, _) => Access::from_env(Caller::Cli, database),
    }
}

/// The database of a command: the one this process owns when it runs a command for
/// another process, else opened here.
pub fn open(db: Option<PathBuf>) -> anyhow::Result<(PathBuf, Store)> {
    if let Some(store) = remote::owned_store() {
        let path = store.root().map(PathBuf::from).unwrap_or_default();
        return Ok((path, store));
    }
    let path = database_path(db)?;
    let store = Store::open(&path)?;
    Ok((path, store))
}

/// Who is acting: the user who typed the command, also when it runs in the owner.
pub fn actor() -> Actor {
    remote::caller_user().map(Actor).unwrap_or_else(Actor::from_env)
}

/// The core names the MCP fields of an import (`path`, `url`); on the command line
/// they are the FILE argument.
pub fn in_cli_terms(error: Error) -> anyhow::Error {
    // mapping.text → --map text=COLUMN; defaults.segment → --segment; a file's
    // own place ("notes.csv line 4") stays as it is.
    let flag = |field: &str| -> String {
        if field == "path" || field == "url" {
            "FILE".into()
        } else if let Some(name) = field.strip_prefix("mapping.") {
            format!("--map {name}=COLUMN")
        } else if let Some(name) = field.strip_prefix("defaults.") {
            format!("--{}", name.replace('_', "-"))
        } else if ["format", "sheet", "date_format", "metric", "token_env", "wave_by"].contains(&field) {
            format!("--{}", field.replace('_', "-"))
        } else {
            field.to_string()
        }
    };
    match error {
        Error::Invalid { field, message } => {
            let message = in_cli_words(&message).replace("with mapping.", "with --map ").replace("mapping.", "--map ");
            anyhow::anyhow!("{}: {message}", flag(&field))
        }
        Error::NotFound { field, id, hint } => {
            anyhow::anyhow!("{}: {id} does not exist{}", flag(&field), in_cli_words(&hint))
        }
        other => other.into(),
    }
}

/// An import's message (an error, a note) with the MCP arguments it names in flag words.
pub fn in_cli_words(text: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("send it again with insist: true", "run again with --insist"),
        ("row_level: true imports", "--row-level imports"),
        ("give format: ", "give --format "),
        ("read another sheet with sheet", "read another sheet with --sheet"),
        ("survey_csv", "survey-csv"),
        ("(day_first or month_first)", "(--date-format day-first or month-first)"),
        ("give metric for the whole file", "give --metric for the whole file"),
    ];
    WORDS.iter().fold(text.to_string(), |text, (from, to)| text.replace(from, to))
}

/// The MCP tools a core message may point to, and the commands a terminal has
/// for the same job. Every error a command prints passes through this.
const TOOLS_AS_COMMANDS: &[(&str, &str)] = &[
    ("get_okr on its objective", "`grounded okr show` on its objective"),
    ("list_okrs and get_okr", "`grounded okr list` and `grounded okr show`"),
    ("get_okr", "`grounded okr show`"),
    ("list_okrs", "`grounded okr list`"),
    ("draft_okr", "`grounded okr apply`"),
    ("search_evidence", "`grounded search`"),
    ("record_measurements", "`grounded record`"),
    ("import_measurements", "`grounded import measurements`"),
    ("import_evidence", "`grounded import evidence`"),
    ("link_evidence", "`grounded link`"),
    ("validate_indicator", "`grounded indicator validate`"),
    ("add_indicator", "`grounded indicator add`"),
    ("add_initiative", "`grounded initiative add`"),
];

/// `text` with MCP tool names replaced by the commands that do the same job.
pub fn in_terminal_words(text: &str) -> String {
    TOOLS_AS_COMMANDS.iter().fold(text.to_string(), |text, (tool, command)| {
        // Whole names only: "list_okrs" is not inside another word here, but a
        // command already written out (`grounded okr show`) must not be rewritten.
        text.replace(&format!("`{tool}`"), command).replace(tool, command)
    })
}

/// An OKR file's text, named FILE in what goes wrong.
pub fn read_text(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("FILE: cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "FILE: {} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// What every table import takes: the sheet of a spreadsheet, and how its dates are written.
#[derive(clap::Args, Default)]
pub struct TableArgs {
    /// Spreadsheets: the sheet to read [default: the first]
    #[arg(long)]
    pub sheet: Option<String>,
    /// How the file writes dates like 03/10/2026: day-first or month-first
    #[arg(long, value_parser = parse_date_order)]
    pub date_format: Option<grounded::clock::DateOrder>,
}

fn parse_date_order(text: &str) -> Result<grounded::clock::DateOrder, String> {
    match text.to_lowercase().replace('_', "-").as_str() {
        "day-first" | "dmy" => Ok(grounded::clock::DateOrder::DayFirst),
        "month-first" | "mdy" => Ok(grounded::clock::DateOrder::MonthFirst),
        _ => Err(format!("{text:?} is not a date format; use day-first (31/12/2026) or month-first (12/31/2026)")),
    }
}

/// A core error in a command's words: a request field becomes the argument or flag
/// it came from (`positional` names the fields that are arguments, such as
/// `("metric", "METRIC")`; any other field is `--field`), and `words` replaces the
/// MCP tools a message points to with the commands a terminal has.
pub fn in_flags(error: Error, positional: &[(&str, &str)], words: &[(&str, &str)]) -> anyhow::Error {
    let flag = |field: &str| {
        let base = field.split(['[', '.']).next().unwrap_or(field);
        positional
            .iter()
            .find(|(name, _)| *name == base)
            .map(|(_, argument)| argument.to_string())
            .unwrap_or_else(|| format!("--{}", base.replace('_', "-")))
    };
    let reword = |text: String| words.iter().fold(text, |text, (from, to)| text.replace(from, to));
    match error {
        Error::Invalid { field, message } => anyhow::anyhow!("{}: {}", flag(&field), reword(message)),
        Error::NotFound { field, id, hint } => {
            anyhow::anyhow!("{}: {id} does not exist{}", flag(&field), reword(hint))
        }
        other => other.into(),
    }
}

/// `grounded serve`: MCP over stdio, owning the database or relaying to its owner.
pub fn serve(db: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = database_path(db)?;
    let access = Access::from_env(Caller::Local, &path);
    tracing::info!(db = %path.display(), import_roots = ?access.roots.folders(), "serving MCP over stdio");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(grounded::serve::relay::serve_stdio(path, Actor::from_env(), access))?;
    Ok(ExitCode::SUCCESS)
}

/// `grounded server status`: who owns the database.
pub fn server_status(db: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    use grounded::serve::Holder;
    let path = database_path(db)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match runtime.block_on(grounded::serve::holder(&path))? {
        Holder::Owner(owner) => {
            outln!(
                "{} is owned by process {} (grounded {} {}, since {}), serving {} other session{} through {}",
                path.display(),
                owner.pid,
                owner.version,
                owner.role,
                owner.since.strftime("%Y-%m-%d %H:%M:%S UTC"),
                owner.relayed_sessions,
                if owner.relayed_sessions == 1 { "" } else { "s" },
                grounded::serve::socket::path(&path).display()
            );
        }
        Holder::Silent => outln!(
            "{} is held by a grounded command that does not serve it (an import still running?); it is free when that command ends",
            path.display()
        ),
        Holder::Nobody => {
            outln!("no process owns {}; the next grounded to start will own it and serve the others", path.display())
        }
    }
    Ok(ExitCode::SUCCESS)
}

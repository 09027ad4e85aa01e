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
pub mod terms;
pub mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
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

/// An import's request: `path` and `url` are its FILE argument; its other fields are
/// flags (`mapping.text` is `--map text=COLUMN`); any other place the core names (a
/// file's line) stays as it is.
pub const IMPORT: terms::Terminal<'static> = terms::Terminal {
    arguments: &[("path", "FILE"), ("url", "FILE")],
    request_fields: Some(&[
        "format",
        "sheet",
        "date_format",
        "metric",
        "token_env",
        "wave_by",
        "row_level",
        "insist",
        "dry_run",
        "questions",
        "study",
    ]),
    settings: &[],
};

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

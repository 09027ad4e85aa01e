//! The command line: each command in its own file, all over the library's core.

pub mod check;
pub mod demo;
pub mod evidence;
pub mod explain;
pub mod render;
pub mod report;
pub mod score;
pub mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use grounded::error::Error;
use grounded::fetch::{Access, Caller};
use grounded::okr::Actor;
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

/// What a command may read: the CLI's policy, from the environment, with the
/// database's folder as a default root.
pub fn access(database: &std::path::Path) -> Access {
    Access::from_env(Caller::Cli, database)
}

/// The core names the MCP fields of an import (`path`, `url`); on the command line
/// they are the FILE argument.
pub fn in_cli_terms(error: Error) -> anyhow::Error {
    match error {
        Error::Invalid { field, message } if field == "path" || field == "url" => anyhow::anyhow!("FILE: {message}"),
        other => other.into(),
    }
}

pub fn serve(db: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = database_path(db)?;
    let store = Store::open(&path)?;
    let access = Access::from_env(Caller::Local, &path);
    tracing::info!(db = %path.display(), import_roots = ?access.roots.folders(), "serving MCP over stdio");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(grounded::mcp::serve_stdio(store, Actor::from_env(), access))?;
    Ok(ExitCode::SUCCESS)
}

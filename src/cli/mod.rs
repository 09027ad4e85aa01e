//! The command line: each command in its own file, all over the library's core.

pub mod check;
pub mod demo;
pub mod evidence;
pub mod explain;
pub mod render;
pub mod report;
pub mod score;
pub mod serve;
pub mod sync;
pub mod token;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
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

pub fn serve(db: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = database_path(db)?;
    let store = Store::open(&path)?;
    tracing::info!(db = %path.display(), "serving MCP over stdio");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(grounded::mcp::serve_stdio(store, Actor::from_env()))?;
    Ok(ExitCode::SUCCESS)
}

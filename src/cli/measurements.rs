//! `grounded measurements delete`: a metric's wrong values out of every score, kept
//! in its history (the core is [`grounded::scoring::deletion`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use grounded::error::Error;
use grounded::scoring::deletion::{DeleteMeasurementsRequest, delete_measurements};

use super::evidence::runtime;

#[derive(Subcommand)]
pub enum MeasurementsAction {
    /// Delete a metric's values at given times or in a range, with a reason:
    /// grounded measurements delete M-2 --at 2026-11-20 --reason "typed as a fraction"
    Delete(DeleteArgs),
}

#[derive(Args)]
pub struct DeleteArgs {
    /// The metric: M-4, its name, or KR-12 for that key result's metric
    metric: String,
    /// A time of a value to delete, as recorded (YYYY-MM-DD or RFC 3339); repeatable
    #[arg(long = "at")]
    at: Vec<String>,
    /// Delete every value from this time (inclusive)
    #[arg(long)]
    from: Option<String>,
    /// Delete every value up to this time (inclusive)
    #[arg(long)]
    to: Option<String>,
    /// Why the values are wrong (kept in the metric's history)
    #[arg(long)]
    reason: String,
}

pub fn run(db: Option<PathBuf>, action: MeasurementsAction) -> anyhow::Result<ExitCode> {
    let MeasurementsAction::Delete(args) = action;
    let (_, store) = super::open(db)?;
    let request = DeleteMeasurementsRequest {
        metric: args.metric,
        at: args.at,
        from: args.from,
        to: args.to,
        reason: args.reason,
    };
    let deleted = runtime()?.block_on(delete_measurements(&store, request, &super::actor())).map_err(in_flags)?;
    outln!("{} ({}): {} value{} deleted", deleted.metric, deleted.name, deleted.deleted, plural(deleted.deleted));
    for value in &deleted.values {
        outln!("  {}  {}", value.at, value.value);
    }
    if deleted.deleted > deleted.values.len() {
        outln!("  ... and {} more", deleted.deleted - deleted.values.len());
    }
    outln!("kept {}", deleted.kept);
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The core names its request's fields and points to MCP tools; here they are the
/// command's argument and flags, and the commands a terminal has.
fn in_flags(error: Error) -> anyhow::Error {
    super::terms::Terminal::with(&[("metric", "METRIC")]).say(error)
}

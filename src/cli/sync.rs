//! `grounded sync`: pull every metric source, for cron; attach, list and remove them
//! from a terminal. Exits 1 when a pull failed, so a cron job can alert.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::model::{SourceId, SourceKind};
use grounded::sources::{ALLOWED_HOSTS_ENV, SourceInput, SyncRequest, Synced, sync_sources};

use super::evidence::runtime;

/// The flags of `grounded sync`.
#[derive(clap::Args)]
pub struct SyncArgs {
    /// Pull only these sources (SRC-2 ...) [default: all]
    sources: Vec<SourceId>,
    /// List the sources and pull nothing
    #[arg(long)]
    list: bool,
    /// Attach a JSON endpoint (with --pointer and --metric)
    #[arg(long, value_name = "URL", conflicts_with = "add_prometheus", requires_all = ["pointer", "metric"])]
    add_json: Option<String>,
    /// Attach a Prometheus server (with --query and --metric)
    #[arg(long, value_name = "URL", requires_all = ["query", "metric"])]
    add_prometheus: Option<String>,
    /// The metric of the source to attach (M-4, a name, or KR-12)
    #[arg(long)]
    metric: Option<String>,
    /// JSON pointer to the value (/data/rate)
    #[arg(long)]
    pointer: Option<String>,
    /// JSON pointer to the sample size n
    #[arg(long)]
    n_pointer: Option<String>,
    /// JSON pointer to the time the value was true
    #[arg(long)]
    at_pointer: Option<String>,
    /// PromQL query returning one series
    #[arg(long)]
    query: Option<String>,
    /// Environment variable holding a bearer token (its name; the token is never stored)
    #[arg(long)]
    token_env: Option<String>,
    /// Multiply pulled values (100 turns a ratio into a percentage)
    #[arg(long)]
    multiply: Option<f64>,
    /// Remove a source (repeatable); its measurements stay
    #[arg(long = "remove", value_name = "SRC")]
    remove: Vec<SourceId>,
    /// Prometheus: also pull the history from this date (YYYY-MM-DD)
    #[arg(long)]
    from: Option<String>,
    /// Hours between history points [default: 24]
    #[arg(long)]
    step_hours: Option<u32>,
    /// Print the full result as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(db: Option<PathBuf>, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let (path, store) = super::open(db)?;
    let attach = args.add_json.or(args.add_prometheus).map(|url| SourceInput {
        metric: args.metric.unwrap_or_default(),
        url,
        pointer: args.pointer,
        n_pointer: args.n_pointer,
        at_pointer: args.at_pointer,
        query: args.query,
        token_env: args.token_env,
        multiply: args.multiply,
    });
    let request = SyncRequest {
        attach: attach.into_iter().collect(),
        detach: args.remove,
        sources: (!args.sources.is_empty()).then_some(args.sources),
        pull: !args.list,
        from: args.from,
        step_hours: args.step_hours,
    };
    let access = super::access(&path);
    let synced = runtime()?.block_on(sync_sources(&store, request, &super::actor(), &access)).map_err(in_flags)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&synced)?);
    } else {
        print(&synced);
    }
    Ok(if synced.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The tool's fields in this command's flags: `attach[0].token_env` is --token-env
/// (one source is attached at a time here), `detach` is --remove.
fn in_flags(error: grounded::error::Error) -> anyhow::Error {
    use grounded::error::Error;
    let local = |field: String| field.strip_prefix("attach[0].").map(str::to_string).unwrap_or(field);
    let error = match error {
        Error::Invalid { field, message } => Error::Invalid { field: local(field), message },
        Error::NotFound { field, id, hint } => Error::NotFound { field: local(field), id, hint },
        other => other,
    };
    super::in_flags(
        error,
        &[
            ("url", "URL (of --add-json or --add-prometheus)"),
            ("attach", "--add-json/--add-prometheus"),
            ("detach", "--remove"),
            ("sources", "SRC"),
        ],
        &[(
            "{metric, url, pointer} for a JSON endpoint or {metric, url, query} for Prometheus",
            "--add-json URL --pointer /data/value --metric M-1, or --add-prometheus URL --query 'PROMQL' --metric M-1",
        )],
    )
}

fn print(synced: &Synced) {
    for id in &synced.attached {
        outln!("Attached {id}.");
    }
    for id in &synced.detached {
        outln!("Removed {id} (its measurements stay).");
    }
    for pull in &synced.pulls {
        match (&pull.error, &pull.latest) {
            (Some(error), _) => outln!("  FAILED {:<6} {}: {error}", pull.source.to_string(), pull.metric),
            (None, latest) => {
                let latest = latest
                    .as_ref()
                    .map(|l| format!(", latest {} at {}", l.value, l.at.strftime("%Y-%m-%d %H:%M")))
                    .unwrap_or_default();
                let skipped =
                    if pull.skipped > 0 { format!(", {} NaN points skipped", pull.skipped) } else { String::new() };
                let retried =
                    if pull.attempts > 1 { format!(" (after {} attempts)", pull.attempts) } else { String::new() };
                outln!(
                    "  ok     {:<6} {}: {} values stored{latest}{skipped}{retried}",
                    pull.source.to_string(),
                    pull.metric,
                    pull.recorded
                );
            }
        }
    }
    if !synced.pulls.is_empty() {
        outln!("{} values stored; {} of {} pulls failed.", synced.recorded, synced.failed, synced.pulls.len());
        return;
    }
    if synced.sources.is_empty() {
        outln!("No sources are attached. Attach one: grounded sync --add-json URL --pointer /data/value --metric M-1");
    }
    for source in &synced.sources {
        let what = match source.kind {
            SourceKind::Json => format!("JSON {} {}", source.url, source.pointer.as_deref().unwrap_or("")),
            SourceKind::Prometheus => format!("Prometheus {} {}", source.url, source.query.as_deref().unwrap_or("")),
        };
        let last = match &source.last_pull {
            Some(p) if p.ok => format!("last pulled {} ({} values)", p.at.strftime("%Y-%m-%d %H:%M"), p.values),
            Some(p) => {
                format!("last pull FAILED {}: {}", p.at.strftime("%Y-%m-%d %H:%M"), p.error.as_deref().unwrap_or(""))
            }
            None => "never pulled".to_string(),
        };
        outln!("{:<6} {:<5} {what}; {last}", source.id.to_string(), source.metric.to_string());
    }
    if synced.allowed_hosts.is_empty() {
        outln!("No host is allowed yet: set {ALLOWED_HOSTS_ENV} (comma-separated hosts) where grounded runs.");
    } else {
        outln!("Allowed hosts ({ALLOWED_HOSTS_ENV}): {}", synced.allowed_hosts.join(", "));
    }
}

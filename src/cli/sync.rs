//! `grounded sync`: pull every metric source, for cron; attach, list and remove them
//! from a terminal. Exits 1 when a pull failed, so a cron job can alert.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::model::{SourceId, SourceKind};
use grounded::okr::Actor;
use grounded::sources::{ALLOWED_HOSTS_ENV, Allowlist, SourceInput, SyncRequest, Synced, sync_sources};
use grounded::store::Store;

use super::database_path;
use super::evidence::runtime;

/// What `grounded sync` was asked, as parsed by clap in main.rs.
pub struct SyncArgs {
    pub sources: Vec<SourceId>,
    pub attach: Option<SourceInput>,
    pub detach: Vec<SourceId>,
    pub list: bool,
    pub from: Option<String>,
    pub step_hours: Option<u32>,
    pub json: bool,
}

pub fn run(db: Option<PathBuf>, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open(&database_path(db)?)?;
    let request = SyncRequest {
        attach: args.attach.into_iter().collect(),
        detach: args.detach,
        sources: (!args.sources.is_empty()).then_some(args.sources),
        pull: !args.list,
        from: args.from,
        step_hours: args.step_hours,
    };
    let allowlist = Allowlist::from_env();
    let synced = runtime()?.block_on(sync_sources(&store, request, &Actor::from_env(), &allowlist))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&synced)?);
    } else {
        print(&synced);
    }
    Ok(if synced.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print(synced: &Synced) {
    for id in &synced.attached {
        println!("Attached {id}.");
    }
    for id in &synced.detached {
        println!("Removed {id} (its measurements stay).");
    }
    for pull in &synced.pulls {
        match (&pull.error, &pull.latest) {
            (Some(error), _) => println!("  FAILED {:<6} {}: {error}", pull.source.to_string(), pull.metric),
            (None, latest) => {
                let latest = latest
                    .as_ref()
                    .map(|l| format!(", latest {} at {}", l.value, l.at.strftime("%Y-%m-%d %H:%M")))
                    .unwrap_or_default();
                let skipped =
                    if pull.skipped > 0 { format!(", {} NaN points skipped", pull.skipped) } else { String::new() };
                let retried =
                    if pull.attempts > 1 { format!(" (after {} attempts)", pull.attempts) } else { String::new() };
                println!(
                    "  ok     {:<6} {}: {} values stored{latest}{skipped}{retried}",
                    pull.source.to_string(),
                    pull.metric,
                    pull.recorded
                );
            }
        }
    }
    if !synced.pulls.is_empty() {
        println!("{} values stored; {} of {} pulls failed.", synced.recorded, synced.failed, synced.pulls.len());
        return;
    }
    if synced.sources.is_empty() {
        println!(
            "No sources are attached. Attach one: grounded sync --add-json URL --pointer /data/value --metric M-1"
        );
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
        println!("{:<6} {:<5} {what}; {last}", source.id.to_string(), source.metric.to_string());
    }
    if synced.allowed_hosts.is_empty() {
        println!("No host is allowed yet: set {ALLOWED_HOSTS_ENV} (comma-separated hosts) where grounded runs.");
    } else {
        println!("Allowed hosts ({ALLOWED_HOSTS_ENV}): {}", synced.allowed_hosts.join(", "));
    }
}

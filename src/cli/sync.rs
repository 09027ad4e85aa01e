//! `grounded sync`: pull every metric source and research feed, for cron; attach,
//! list and remove them from a terminal. Exits 1 when a pull failed, so a cron job
//! can alert.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::evidence::import::{CsvMapping, ImportFormat, QuestionSpec, WaveBy};
use grounded::model::{FeedId, SourceId, SourceKind};
use grounded::sources::feeds::FeedInput;
use grounded::sources::{ALLOWED_HOSTS_ENV, SourceInput, SyncRequest, Synced, sync_sources};

use super::evidence::{parse_format, parse_mapping, parse_question, parse_wave_by, runtime};

/// The flags of `grounded sync`.
#[derive(clap::Args)]
pub struct SyncArgs {
    /// Pull only these sources and feeds (SRC-2, FEED-1 ...) [default: all]
    #[arg(value_parser = parse_target)]
    targets: Vec<Target>,
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
    /// Attach a research feed: a survey tool's export at this URL, imported as
    /// evidence at every sync (with --format, --map, --question, --wave-by, --study,
    /// --token-env)
    #[arg(long, value_name = "URL", conflicts_with_all = ["add_json", "add_prometheus"])]
    add_export: Option<String>,
    /// The feed's format, as `grounded import evidence --format` [default: from the URL]
    #[arg(long, value_parser = parse_format, requires = "add_export")]
    format: Option<ImportFormat>,
    /// The feed's columns, as `grounded import evidence --map` (segment=plan splits results)
    #[arg(long, value_parser = parse_mapping, requires = "add_export")]
    map: Option<CsvMapping>,
    /// How the feed reads an unclear question: Q5=scale:1-5 (repeatable)
    #[arg(long = "question", value_name = "ID=TYPE", value_parser = parse_question, requires = "add_export")]
    questions: Vec<QuestionSpec>,
    /// The feed's waves: week, month, quarter or none
    #[arg(long, value_parser = parse_wave_by, requires = "add_export")]
    wave_by: Option<WaveBy>,
    /// The study of the feed's items
    #[arg(long, requires = "add_export")]
    study: Option<String>,
    /// Remove a research feed (repeatable); its evidence stays
    #[arg(long = "remove-export", value_name = "FEED")]
    remove_export: Vec<FeedId>,
    /// Print the full result as JSON
    #[arg(long)]
    json: bool,
}

/// A source or a feed to pull.
#[derive(Clone)]
enum Target {
    Source(SourceId),
    Feed(FeedId),
}

fn parse_target(text: &str) -> Result<Target, String> {
    text.parse::<SourceId>()
        .map(Target::Source)
        .or_else(|_| text.parse::<FeedId>().map(Target::Feed))
        .map_err(|_| format!("{text:?} is neither a source (SRC-2) nor a feed (FEED-1)"))
}

pub fn run(db: Option<PathBuf>, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let (path, store) = super::open(db)?;
    let feed = args.add_export.map(|url| FeedInput {
        url,
        format: args.format,
        mapping: args.map,
        questions: args.questions,
        wave_by: args.wave_by,
        study: args.study,
        token_env: args.token_env.clone(),
    });
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
    let sources: Vec<SourceId> =
        args.targets.iter().filter_map(|t| if let Target::Source(id) = t { Some(*id) } else { None }).collect();
    let feeds: Vec<FeedId> =
        args.targets.iter().filter_map(|t| if let Target::Feed(id) = t { Some(*id) } else { None }).collect();
    let request = SyncRequest {
        attach: attach.into_iter().collect(),
        detach: args.remove,
        sources: (!sources.is_empty()).then_some(sources),
        feeds: (!feeds.is_empty()).then_some(feeds),
        pull: !args.list,
        from: args.from,
        step_hours: args.step_hours,
        attach_feeds: feed.into_iter().collect(),
        detach_feeds: args.remove_export,
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
    let error = error.with_field(|field| {
        let field = field.strip_prefix("attach[0].").map(str::to_string).unwrap_or(field);
        field.strip_prefix("attach_feeds[0].").map(str::to_string).unwrap_or(field)
    });
    super::terms::Terminal::with(&[
        ("url", "URL (of --add-json, --add-prometheus or --add-export)"),
        ("attach", "--add-json/--add-prometheus"),
        ("detach", "--remove"),
        ("detach_feeds", "--remove-export"),
        ("sources", "SRC"),
        ("feeds", "FEED"),
    ])
    .say(error)
}

fn print(synced: &Synced) {
    for id in &synced.attached {
        outln!("Attached {id}.");
    }
    for id in &synced.detached {
        outln!("Removed {id} (its measurements stay).");
    }
    for id in &synced.attached_feeds {
        outln!("Attached {id}.");
    }
    for id in &synced.detached_feeds {
        outln!("Removed {id} (its evidence stays).");
    }
    for pull in &synced.feed_pulls {
        match &pull.error {
            Some(error) => outln!("  FAILED {:<7} {error}", pull.feed.to_string()),
            None => {
                let unclear = if pull.unclear.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; not imported, unclear: {} (--question ID=TYPE on the feed settles it)",
                        pull.unclear.join(", ")
                    )
                };
                let duplicates =
                    if pull.duplicates > 0 { format!(", {} duplicates", pull.duplicates) } else { String::new() };
                outln!(
                    "  ok     {:<7} {} items read: {} created, {} updated, {} unchanged{duplicates}{unclear}",
                    pull.feed.to_string(),
                    pull.read,
                    pull.created,
                    pull.updated,
                    pull.unchanged
                );
            }
        }
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
    if !synced.pulls.is_empty() || !synced.feed_pulls.is_empty() {
        outln!(
            "{} values stored; {} of {} pulls failed.",
            synced.recorded,
            synced.failed,
            synced.pulls.len() + synced.feed_pulls.len()
        );
        return;
    }
    for feed in &synced.feeds {
        let last = match &feed.last_pull {
            Some(p) if p.ok => format!("last pulled {} ({} items)", p.at.strftime("%Y-%m-%d %H:%M"), p.read),
            Some(p) => format!("last pull FAILED {}", p.at.strftime("%Y-%m-%d %H:%M")),
            None => "never pulled".to_string(),
        };
        outln!("{:<7} export {}; {last}", feed.id.to_string(), feed.url);
    }
    if synced.sources.is_empty() && synced.feeds.is_empty() {
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

//! `grounded import measurements`, `grounded score`: check-ins and scores from a
//! terminal or cron, over the same core as the MCP tools.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::scoring::formula::PaceStatus;
use grounded::scoring::measurements::{MeasurementFormat, MeasurementImport, Recorded, import_measurements};
use grounded::scoring::score::{KeyResultScore, ObjectiveScore, ScoreRequest, Scored, score};

use super::evidence::runtime;
use super::render::shorten;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// A path or an http(s) URL
    pub file: String,
    /// The metric (M-4, a name, or KR-12) of rows without a metric column
    #[arg(long)]
    pub metric: Option<String>,
    /// csv, tsv, spreadsheet or jsonl [default: from the file name]
    #[arg(long, value_parser = parse_format)]
    pub format: Option<MeasurementFormat>,
    #[command(flatten)]
    pub table: super::TableArgs,
    /// Keep values that look like typing mistakes (0.52 on a % metric, a far jump)
    #[arg(long)]
    pub insist: bool,
}

fn parse_format(text: &str) -> Result<MeasurementFormat, String> {
    serde_json::from_value(serde_json::Value::String(text.to_lowercase()))
        .map_err(|_| format!("{text:?} is not a format; use csv, tsv, spreadsheet or jsonl"))
}

pub fn import(db: Option<PathBuf>, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (path, store) = super::open(db)?;
    let access = super::access(&path);
    let file = args.file;
    let is_url = file.starts_with("http://") || file.starts_with("https://");
    let request = MeasurementImport {
        path: (!is_url).then(|| file.clone()),
        url: is_url.then(|| file.clone()),
        format: args.format,
        sheet: args.table.sheet,
        date_format: args.table.date_format,
        metric: args.metric,
        insist: args.insist,
    };
    let recorded = runtime()?
        .block_on(import_measurements(&store, &access, request, &super::actor(), &super::show_progress))
        .map_err(|e| super::IMPORT.say(e))?;
    print_recorded(&file, &recorded);
    Ok(ExitCode::SUCCESS)
}

pub fn print_recorded(source: &str, recorded: &Recorded) {
    outln!(
        "{source}: {} values recorded, {} replaced an earlier value (kept in history)",
        recorded.recorded,
        recorded.replaced
    );
    for span in &recorded.metrics {
        outln!(
            "  {:<5} {} values, {} to {}: {}",
            span.metric.to_string(),
            span.values,
            span.first.strftime("%Y-%m-%d"),
            span.last.strftime("%Y-%m-%d"),
            span.name
        );
    }
}

/// Exit 1 when something is off track or stale, so a cron job can alert.
pub fn run(db: Option<PathBuf>, subject: String, as_of: Option<String>, json: bool) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let scored = score(&store, ScoreRequest { subject, as_of, ..Default::default() })?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&scored)?);
    } else {
        print_scored(&scored);
    }
    let statuses: Vec<PaceStatus> = match (&scored.key_result, &scored.objective, &scored.cycle) {
        (Some(k), _, _) => vec![k.status],
        (_, Some(o), _) => o.key_results.iter().map(|k| k.status).collect(),
        (_, _, Some(c)) => c.attention.iter().map(|a| a.status).collect(),
        _ => vec![],
    };
    let bad = statuses.iter().any(|s| matches!(s, PaceStatus::OffTrack | PaceStatus::Stale));
    Ok(if bad { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn print_scored(scored: &Scored) {
    if let Some(k) = &scored.key_result {
        print_key_result(k);
    }
    if let Some(o) = &scored.objective {
        print_objective(o);
    }
    if let Some(c) = &scored.cycle {
        outln!(
            "{} as of {}: {} objectives, {} key results, mean progress {:.2}",
            c.cycle.name(),
            scored.as_of,
            c.objectives,
            c.key_results,
            c.mean_progress
        );
        let counts: Vec<String> = c.by_status.iter().map(|(s, n)| format!("{n} {s}")).collect();
        outln!("  key results: {}; {} trending off track", counts.join(", "), c.trending_off_track);
        for row in &c.rows {
            outln!(
                "  {:<5} {:.2} {:<9} {}",
                row.objective.to_string(),
                row.progress,
                row.status.name(),
                shorten(&row.title, 70)
            );
        }
        if !c.attention.is_empty() {
            outln!("  needs attention:");
            for a in &c.attention {
                let reason = a.reason.render(&super::terms::ANY);
                outln!("    {:<6} {:<9} {}", a.key_result.to_string(), a.status.name(), shorten(&reason, 100));
            }
        }
    }
}

pub fn print_objective(o: &ObjectiveScore) {
    outln!(
        "{} {}: progress {:.2}, {}, {}",
        o.objective,
        shorten(&o.title, 70),
        o.progress,
        o.status.name(),
        match (o.grade, o.grade_band) {
            (Some(g), Some(b)) => format!("grade {g:.1} ({b:?})"),
            _ => "not graded: no data yet".into(),
        }
    );
    for k in &o.key_results {
        print_key_result(k);
    }
    for note in &o.notes {
        outln!("  note: {note}");
    }
}

pub fn print_key_result(k: &KeyResultScore) {
    let progress = k.progress.map(|p| format!("{p:.2}")).unwrap_or_else(|| "-".into());
    outln!(
        "  {:<6} {:<9} progress {progress} (expected {:.2})  {}",
        k.key_result.to_string(),
        k.status.name(),
        k.expected,
        shorten(&k.statement, 70)
    );
    outln!("         {}", k.status_reason.render(&super::terms::ANY));
    if let Some(c) = &k.current {
        let interval = c.interval.map(|i| format!(", 95% interval {}..{}", i.low, i.high)).unwrap_or_default();
        let n = c.n.map(|n| format!(", n={n}")).unwrap_or_default();
        let coverage = c.coverage.map(|c| format!(", coverage {:.0}%", c * 100.0)).unwrap_or_default();
        outln!(
            "         value {} on {}{n}{coverage}{interval} ({})",
            c.value,
            c.at.strftime("%Y-%m-%d"),
            c.interval_method
        );
    }
    if k.baseline_source != "stated" {
        outln!("         baseline: {}", k.baseline_source);
    }
    if let Some(f) = &k.forecast {
        let end = f.progress_at_end.map(|p| format!(" (progress {p:.2})")).unwrap_or_default();
        let flag = if k.trending_off_track { ": trending off track" } else { "" };
        outln!("         forecast at the cycle's end: {}{end}{flag}", f.value_at_end);
    }
    for note in &k.notes {
        outln!("         note: {note}");
    }
}

//! `grounded record METRIC VALUE`: one check-in from a terminal or cron, with the
//! same checks as record_measurements (a value that looks like a typo is refused
//! with the likely fix unless --insist).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use grounded::scoring::measurements::{MeasurementInput, RecordRequest, record_measurements};

use super::evidence::runtime;

#[derive(Args)]
pub struct RecordArgs {
    /// The metric: M-4, its name, or KR-12 for that key result's metric
    metric: String,
    /// The value, in the metric's unit (52 for 52%)
    #[arg(allow_hyphen_values = true)]
    value: f64,
    /// When it was true: YYYY-MM-DD (the day's start in your time zone) or an RFC 3339
    /// time [default: now]
    #[arg(long)]
    at: Option<String>,
    /// How many units (accounts, responses) the value was computed from
    #[arg(long)]
    n: Option<u64>,
    /// How many there are in all, when n is a sample of them
    #[arg(long)]
    population: Option<u64>,
    /// Where the number comes from (a dashboard, a query)
    #[arg(long)]
    source: Option<String>,
    /// A note kept with the value
    #[arg(long)]
    note: Option<String>,
    /// Keep a value that looks like a typing mistake (0.52 on a % metric, a far jump)
    #[arg(long)]
    insist: bool,
}

pub fn run(db: Option<PathBuf>, args: RecordArgs) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let at = args.at.unwrap_or_else(|| jiff::Timestamp::now().to_string());
    let input = MeasurementInput {
        metric: args.metric,
        at,
        value: args.value,
        n: args.n,
        population: args.population,
        source: args.source,
        note: args.note,
        ..Default::default()
    };
    let request = RecordRequest { measurements: vec![input], insist: args.insist };
    let recorded = runtime()?.block_on(record_measurements(&store, request, &super::actor())).map_err(in_flags)?;
    for span in &recorded.metrics {
        let replaced =
            if recorded.replaced > 0 { " (it replaced the value recorded at that time, kept in history)" } else { "" };
        let at = span.last.to_zoned(grounded::clock::zone()).strftime("%Y-%m-%d %H:%M %Z");
        outln!("{} ({}): {} recorded at {at}{replaced}", span.metric, span.name, args.value);
    }
    Ok(ExitCode::SUCCESS)
}

/// `measurements[0].value` is the VALUE argument here, `measurements[0].at` is --at.
fn in_flags(error: grounded::error::Error) -> anyhow::Error {
    let error = error.with_field(|field| field.trim_start_matches("measurements[0].").to_string());
    super::terms::Terminal::with(&[("metric", "METRIC"), ("value", "VALUE")]).say(error)
}

//! `grounded indicator add | validate` and `grounded initiative add`: what is
//! expected to move a key result, from a terminal, over the same core as the
//! add_indicator, validate_indicator and add_initiative tools.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use grounded::model::Unit;
use grounded::okr::plan::{IndicatorRequest, InitiativeRequest, add_indicator, add_initiative};
use grounded::scoring::validation::{ValidateRequest, p_text, validate_indicator};

use super::evidence::runtime;

#[derive(Subcommand)]
pub enum IndicatorAction {
    /// A leading indicator for a key result: grounded indicator add KR-1 --metric "teammate invites in week 1" --lag 7
    Add(IndicatorArgs),
    /// Test whether an indicator leads its key result (lagged correlation of the two
    /// series, with the research linked as validates or contradicts) and set its status
    Validate(ValidateArgs),
}

#[derive(Subcommand)]
pub enum InitiativeAction {
    /// Work expected to move a key result: grounded initiative add KR-2 "Guided template" --owner Leo --due 2026-11-15
    Add(InitiativeArgs),
}

#[derive(Args)]
pub struct IndicatorArgs {
    /// The key result it predicts (KR-2)
    key_result: String,
    /// The indicator's metric: a name (created if new) or a stored metric id (M-4)
    #[arg(long)]
    metric: String,
    /// How many days before the key result it is expected to move (0-365)
    #[arg(long = "lag", value_name = "DAYS")]
    expected_lag_days: u32,
    /// Why it should lead, in words
    #[arg(long)]
    hypothesis: Option<String>,
    /// The new metric's unit: percent, count, score, points, currency:USD, duration:hours
    #[arg(long, value_parser = parse_unit)]
    unit: Option<Unit>,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// The indicator (IND-2)
    indicator: String,
    /// Only measurements from this date (YYYY-MM-DD)
    #[arg(long)]
    from: Option<String>,
    /// Only measurements up to this date [default: now]
    #[arg(long)]
    to: Option<String>,
    /// The longest lag to try, in days [default: twice the expected lag]
    #[arg(long)]
    max_lag: Option<u32>,
    /// Say what the status would be without writing it
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
pub struct InitiativeArgs {
    /// The key result it is expected to move (KR-2)
    key_result: String,
    /// The work, in words
    title: String,
    #[arg(long)]
    owner: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    due: Option<String>,
    /// How far along it is, 0-100 [default: 0]
    #[arg(long = "percent")]
    percent_complete: Option<f64>,
}

fn parse_unit(text: &str) -> Result<Unit, String> {
    let lower = text.to_lowercase();
    match lower.split_once(':') {
        None if ["percent", "count", "score", "points"].contains(&lower.as_str()) => {
            serde_json::from_value(serde_json::json!({ "kind": lower })).map_err(|e| e.to_string())
        }
        Some(("currency", code)) if code.len() == 3 => Ok(Unit::Currency { code: code.to_uppercase() }),
        Some(("duration", unit))
            if ["milliseconds", "seconds", "minutes", "hours", "days", "weeks", "months"].contains(&unit) =>
        {
            Ok(Unit::Duration { unit: unit.to_string() })
        }
        _ => Err(format!(
            "{text:?} is not a unit; use percent, count, score, points, currency:USD (an ISO code) or duration:hours (milliseconds, seconds, minutes, hours, days, weeks, months)"
        )),
    }
}

/// Request fields in this command's words.
const INDICATOR_FLAGS: &[(&str, &str)] = &[("key_result", "KEY_RESULT"), ("expected_lag_days", "--lag")];

pub fn indicator(db: Option<PathBuf>, action: IndicatorAction) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    match action {
        IndicatorAction::Add(args) => {
            let request = IndicatorRequest {
                key_result: args.key_result,
                metric: args.metric,
                expected_lag_days: args.expected_lag_days,
                hypothesis: args.hypothesis,
                unit: args.unit,
                scale: None,
            };
            let added = runtime()?
                .block_on(add_indicator(&store, request, &super::actor()))
                .map_err(|e| super::terms::Terminal::with(INDICATOR_FLAGS).say(e))?;
            let i = &added.indicator;
            outln!(
                "{} for {} on metric {} ({}), expected {} days ahead; status assumed until `grounded indicator validate {}` or research linked as validates says otherwise",
                i.id,
                i.key_result,
                added.metric.id,
                added.metric.name,
                i.expected_lag_days,
                i.id
            );
        }
        IndicatorAction::Validate(args) => {
            let request = ValidateRequest {
                indicator: args.indicator,
                from: args.from,
                to: args.to,
                max_lag_days: args.max_lag,
                apply: !args.dry_run,
                ..Default::default()
            };
            let validation =
                runtime()?.block_on(validate_indicator(&store, request, &super::actor())).map_err(|e| {
                    super::terms::Terminal::with(&[("indicator", "INDICATOR"), ("max_lag_days", "--max-lag")]).say(e)
                })?;
            outln!(
                "{} leads {}? lagged correlation of the {}-day series ({} and {} points):",
                validation.indicator,
                validation.key_result,
                validation.interval_days,
                validation.indicator_points,
                validation.outcome_points
            );
            for lag in &validation.lags {
                let r = lag.r.map(|r| format!("{r:+.2}")).unwrap_or_else(|| "  -  ".into());
                let p = lag.p_value.map(p_text).unwrap_or_default();
                outln!("  lag {:>3} days: r {r}  n {:>3}  {p}", lag.lag_days, lag.n);
            }
            let written = if validation.applied { "" } else { " (dry run: not written)" };
            let (before, after) = (format!("{:?}", validation.previous_status), format!("{:?}", validation.status));
            outln!("status {} → {}{written}", before.to_lowercase(), after.to_lowercase());
            outln!("{}", validation.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn initiative(db: Option<PathBuf>, action: InitiativeAction) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let InitiativeAction::Add(args) = action;
    let request = InitiativeRequest {
        key_result: args.key_result,
        title: args.title,
        owner: args.owner,
        due: args.due,
        percent_complete: args.percent_complete,
    };
    let initiative = runtime()?.block_on(add_initiative(&store, request, &super::actor())).map_err(|e| {
        super::terms::Terminal::with(&[
            ("key_result", "KEY_RESULT"),
            ("title", "TITLE"),
            ("percent_complete", "--percent"),
        ])
        .say(e)
    })?;
    outln!(
        "{} \"{}\" for {}, {}% complete (tracked, never counted as the key result's progress)",
        initiative.id,
        initiative.title,
        initiative.key_result,
        initiative.percent_complete
    );
    Ok(ExitCode::SUCCESS)
}

//! `grounded demo`: the whole flow on the example workspace, in a temporary database.
//!
//! It drives the same core operations the MCP tools call, so what it prints is what
//! an assistant would get back, rendered for a person.

use std::process::ExitCode;

use grounded::okr::Actor;
use grounded::okr::document::read_document;
use grounded::okr::draft::{check_okr, draft_okr};
use grounded::okr::plan::{IndicatorRequest, InitiativeRequest, add_indicator, add_initiative};
use grounded::okr::query::{ListFilter, get_okr, list_okrs};
use grounded::okr::update::{OkrChanges, UpdateRequest, update_okr};
use grounded::store::Store;

use super::render;

/// Embedded so `cargo run -- demo` works from any folder.
const EXAMPLE_OKRS: &str = include_str!("../../examples/okrs.yaml");

pub fn run() -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(demo())?;
    Ok(ExitCode::SUCCESS)
}

fn step(title: &str) {
    println!("\n== {title} ==");
}

async fn demo() -> anyhow::Result<()> {
    let store = Store::temporary()?;
    let actor = Actor("demo".into());
    println!("grounded demo: the example workspace (examples/okrs.yaml), in a temporary database.");

    step("1. Check and draft the example OKRs");
    let drafts = read_document("okrs.yaml", EXAMPLE_OKRS)?;
    let mut drafted = vec![];
    for draft in drafts {
        let outcome = check_okr(&store, draft.clone())?;
        print!("{}", render::check_outcome(&outcome, false));
        let saved = draft_okr(&store, draft, &actor).await?;
        let krs: Vec<String> = saved.key_result_ids.iter().map(ToString::to_string).collect();
        println!("  saved as draft {} with {}", saved.objective_id, krs.join(", "));
        drafted.push(saved);
    }

    let activation = &drafted[0];
    let retention_kr = activation.key_result_ids[0];
    step(&format!("2. Add a leading indicator and an initiative to {retention_kr}"));
    let indicator = add_indicator(
        &store,
        IndicatorRequest {
            key_result: retention_kr.to_string(),
            metric: "Share of new accounts inviting a teammate in week 1".into(),
            expected_lag_days: 21,
            hypothesis: Some(
                "Accounts that collaborate early stay; churn interviews name working alone as the reason to leave"
                    .into(),
            ),
            unit: None,
            scale: None,
        },
        &actor,
    )
    .await?;
    println!(
        "  {} on metric {} ({}), lag {} days, status {:?}",
        indicator.indicator.id,
        indicator.metric.id,
        indicator.metric.name,
        indicator.indicator.expected_lag_days,
        indicator.indicator.status
    );
    let initiative = add_initiative(
        &store,
        InitiativeRequest {
            key_result: activation.key_result_ids[1].to_string(),
            title: "Guided first-project template".into(),
            owner: Some("Leo Park".into()),
            due: Some("2026-11-15".into()),
            percent_complete: Some(30.0),
        },
        &actor,
    )
    .await?;
    println!(
        "  {} \"{}\" for {}, {}% complete (never counted as progress)",
        initiative.id, initiative.title, initiative.key_result, initiative.percent_complete
    );

    step(&format!("3. Move the target of {retention_kr}, with a reason"));
    let refused = update_okr(
        &store,
        UpdateRequest {
            id: retention_kr.to_string(),
            changes: OkrChanges { target: Some(62.0), ..Default::default() },
            reason: None,
        },
        &actor,
    )
    .await;
    if let Err(e) = refused {
        println!("  without a reason: refused: {e}");
    }
    let updated = update_okr(
        &store,
        UpdateRequest {
            id: retention_kr.to_string(),
            changes: OkrChanges { target: Some(62.0), ..Default::default() },
            reason: Some("The September cohort baseline was re-measured on all accounts, not a sample".into()),
        },
        &actor,
    )
    .await?;
    for c in &updated.changes {
        println!("  {}: {} → {}", c.field, c.from, c.to);
    }

    step("4. List the cycle");
    let page = list_okrs(&store, ListFilter { cycle: Some("2026-Q4".into()), ..Default::default() })?;
    for row in &page.objectives {
        println!(
            "  {:<5} {:<78} {:<12} {:?}, {} KRs",
            row.id.to_string(),
            row.title,
            row.owner.clone().unwrap_or_default(),
            row.status,
            row.key_results
        );
    }

    step(&format!("5. Show {} with its history", activation.objective_id));
    let detail = get_okr(&store, &activation.objective_id.to_string())?;
    println!(
        "  {} ({}, {})",
        detail.objective.title,
        detail.objective.owner.clone().unwrap_or_default(),
        detail.objective.cycle
    );
    for kr in &detail.key_result_details {
        let k = &kr.key_result;
        println!(
            "  {:<6} {} [metric {}; {} indicator(s), {} initiative(s)]",
            k.id.to_string(),
            k.statement,
            k.metric.map(|m| m.to_string()).unwrap_or_else(|| "none".into()),
            kr.indicators.len(),
            kr.initiatives.len()
        );
    }
    let mut out = String::new();
    render::report(&mut out, &detail.check, false);
    print!("{out}");
    println!("  history:");
    for entry in &detail.history {
        let fields: Vec<&str> = entry.changes.iter().map(|c| c.field.as_str()).collect();
        println!(
            "    {} {} {} by {} [{}]{}",
            entry.at.strftime("%Y-%m-%d %H:%M"),
            entry.subject,
            entry.action,
            entry.author,
            fields.join(", "),
            entry.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
        );
    }
    println!("\nDone. The database was temporary; `grounded serve` keeps a real one (see README.md).");
    Ok(())
}

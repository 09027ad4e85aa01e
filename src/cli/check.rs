//! `grounded check FILE`: the quality checks for CI and pre-commit hooks.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use grounded::okr::document::{locate, read_document};
use grounded::okr::draft::check_okr;
use grounded::store::Store;

use super::render;

pub fn run(file: &Path, json: bool, verbose: bool) -> anyhow::Result<ExitCode> {
    let text = super::read_text(file)?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let drafts = read_document(&name, &text)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let located = locate(text, &drafts);
    // The file is checked on its own: nothing in a database changes, and no database is needed.
    let store = Store::temporary()?;
    let outcomes = drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| check_okr(&store, d).with_context(|| format!("objective {} of {name}", i + 1)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let failed = outcomes.iter().any(|o| o.report.has_failures());
    let place = file.display().to_string();
    if json {
        // Each objective and finding with the file and line it is about, for editors and CI.
        let mut values = vec![];
        for (outcome, at) in outcomes.iter().zip(&located) {
            let mut value = serde_json::to_value(outcome)?;
            value["file"] = place.clone().into();
            value["line"] = at.objective.into();
            if let Some(findings) = value["findings"].as_array_mut() {
                for finding in findings {
                    let line = at.line_of(finding["subject"].as_str().unwrap_or(""));
                    finding["file"] = place.clone().into();
                    finding["line"] = line.into();
                }
            }
            values.push(value);
        }
        println!("{}", serde_json::to_string_pretty(&values)?);
    } else {
        for (outcome, at) in outcomes.iter().zip(&located) {
            print!("{}", render::check_outcome(outcome, verbose, Some((&place, at))));
        }
        let fails: usize = outcomes.iter().map(|o| o.report.tally.fail).sum();
        println!(
            "{} objective(s) checked: {}",
            outcomes.len(),
            if failed {
                format!("{fails} failing check(s); fix them or run with --verbose to see every rule")
            } else {
                "no failing checks".into()
            }
        );
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

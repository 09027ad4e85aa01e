//! The labelled sets of `tests/labelled/`: key results and objectives written for
//! support, e-commerce, fintech and B2B SaaS teams, each with what a careful coach
//! would say about it. Every case goes through `check_okr` on the built binary, as
//! an assistant would send it. The rate each rule reaches is kept in
//! `tests/labelled/RATES.md`; a rule falling below its recorded rate fails the test,
//! and `GROUNDED_BLESS=1` records the rates again (after a change that raises them).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{connect, ok};
use serde_json::{Value, json};

/// A neutral objective per domain for a key result's case, and a second key result
/// so that the set is a real one.
fn frame(domain: &str) -> (&'static str, &'static str) {
    match domain {
        "support" => {
            ("Billing customers get answers they can act on the same day", "Raise billing CSAT from 4.1 to 4.5")
        }
        "e-commerce" => {
            ("Shoppers find and buy what they came for without friction", "Raise checkout conversion from 2.1% to 2.6%")
        }
        "fintech" => ("Merchants get paid on time, every time", "Reduce failed payouts from 1.2% to 0.6%"),
        _ => ("New teams reach lasting value in their first week", "Raise week-1 retention from 50% to 65%"),
    }
}

fn labelled(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labelled").join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{file} line {}: {e}", i + 1)))
        .collect()
}

/// Agreement of one rule (or of the reading) with the labels.
#[derive(Default)]
struct Tally {
    cases: usize,
    agreed: usize,
    misses: Vec<String>,
}

fn same(expected: &Value, actual: &Value) -> bool {
    match (expected.as_f64(), actual.as_f64()) {
        (Some(e), Some(a)) => (e - a).abs() < 1e-9,
        _ => match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => e.iter().all(|(k, v)| same(v, a.get(k).unwrap_or(&Value::Null))),
            _ => expected == actual,
        },
    }
}

/// Compares one checked case with its labels, adding to the tallies.
fn score_case(case: &Value, answer: &Value, subject: &str, label: &str, tallies: &mut BTreeMap<String, Tally>) {
    let findings = answer["findings"].as_array().unwrap();
    if let Some(reading) = case["reading"].as_object() {
        let read = &answer["key_results"][0];
        let wrong: Vec<String> = reading
            .iter()
            .filter(|(field, value)| !same(value, &read[field.as_str()]))
            .map(|(field, value)| format!("{field}: expected {value}, read {}", read[field.as_str()]))
            .collect();
        let tally = tallies.entry("reading".into()).or_default();
        tally.cases += 1;
        if wrong.is_empty() {
            tally.agreed += 1;
        } else {
            tally.misses.push(format!("{label}: {}", wrong.join("; ")));
        }
    }
    for (rule, status) in case["expect"].as_object().unwrap() {
        let finding = findings.iter().find(|f| f["rule"] == rule.as_str() && f["subject"] == subject);
        // check_okr lists what needs attention: a rule it does not list passed.
        let actual = finding.map_or("pass", |f| f["status"].as_str().unwrap());
        let mut problems = vec![];
        if actual != status.as_str().unwrap() {
            problems.push(format!("expected {status}, got {actual}"));
        }
        if let (Some(texts), Some(f)) = (case["texts"][rule].as_object(), finding) {
            let said = ["reason", "question", "suggestion"]
                .iter()
                .filter_map(|k| f[*k].as_str())
                .collect::<Vec<_>>()
                .join(" | ")
                .to_lowercase();
            for needle in texts.get("contains").and_then(Value::as_array).into_iter().flatten() {
                if !said.contains(&needle.as_str().unwrap().to_lowercase()) {
                    problems.push(format!("does not say {needle}: {said}"));
                }
            }
            for needle in texts.get("lacks").and_then(Value::as_array).into_iter().flatten() {
                if said.contains(&needle.as_str().unwrap().to_lowercase()) {
                    problems.push(format!("says {needle}: {said}"));
                }
            }
        }
        let tally = tallies.entry(rule.clone()).or_default();
        tally.cases += 1;
        if problems.is_empty() {
            tally.agreed += 1;
        } else {
            tally.misses.push(format!("{label}: {}", problems.join("; ")));
        }
    }
}

fn rates_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labelled/RATES.md")
}

fn render(tallies: &BTreeMap<String, Tally>) -> String {
    let mut out = String::from(
        "# Rates on the labelled sets\n\n\
         Written by `GROUNDED_BLESS=1 cargo test --test labelled_checks`; the test fails when a\n\
         rule agrees with fewer labels than recorded here. Cases: `key_results.jsonl`,\n\
         `objectives.jsonl` (support, e-commerce, fintech, B2B SaaS).\n\n\
         | rule | cases | agreed | rate |\n|---|---:|---:|---:|\n",
    );
    for (rule, t) in tallies {
        out.push_str(&format!(
            "| {rule} | {} | {} | {:.0}% |\n",
            t.cases,
            t.agreed,
            100.0 * t.agreed as f64 / t.cases as f64
        ));
    }
    let misses: Vec<&String> = tallies.values().flat_map(|t| &t.misses).collect();
    out.push_str("\n## Known misses\n\n");
    if misses.is_empty() {
        out.push_str("None.\n");
    }
    for miss in misses {
        out.push_str(&format!("- {miss}\n"));
    }
    out
}

/// The recorded (agreed, cases) per rule.
fn recorded() -> BTreeMap<String, (usize, usize)> {
    let text = std::fs::read_to_string(rates_file()).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (cases, agreed) = (cells.get(2)?.parse().ok()?, cells.get(3)?.parse().ok()?);
            Some((cells[1].to_string(), (agreed, cases)))
        })
        .collect()
}

#[tokio::test]
async fn every_rule_keeps_its_rate_on_the_labelled_key_results_and_objectives() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (i, case) in labelled("key_results.jsonl").iter().enumerate() {
        let statement = case["statement"].as_str().unwrap();
        let (objective, second) = frame(case["domain"].as_str().unwrap());
        let answer = ok(
            &client,
            "check_okr",
            json!({"objective": objective, "owner": "Ann Lee", "cycle": "2026-Q4", "key_results": [statement, second]}),
        )
        .await;
        assert_eq!(answer["key_results"][0]["statement"], statement);
        score_case(
            case,
            &answer,
            "key_results[0]",
            &format!("key_results.jsonl:{} \"{statement}\"", i + 1),
            &mut tallies,
        );
    }
    for (i, case) in labelled("objectives.jsonl").iter().enumerate() {
        let objective = case["objective"].as_str().unwrap();
        let (_, second) = frame(case["domain"].as_str().unwrap());
        let answer = ok(
            &client,
            "check_okr",
            json!({"objective": objective, "owner": "Ann Lee", "cycle": "2026-Q4",
                   "key_results": [second, "Cut time to first answer from 9 hours to 2 hours"]}),
        )
        .await;
        score_case(case, &answer, "objective", &format!("objectives.jsonl:{} \"{objective}\"", i + 1), &mut tallies);
    }
    let rendered = render(&tallies);
    if std::env::var_os("GROUNDED_BLESS").is_some() {
        std::fs::write(rates_file(), &rendered).unwrap();
        return;
    }
    let recorded = recorded();
    assert!(!recorded.is_empty(), "no rates recorded: run with GROUNDED_BLESS=1 once\n{rendered}");
    for (rule, tally) in &tallies {
        let (agreed, cases) = recorded.get(rule).copied().unwrap_or((0, 1));
        let rate = tally.agreed as f64 / tally.cases as f64;
        assert!(
            rate + 1e-9 >= agreed as f64 / cases as f64,
            "{rule} agrees with {} of {} labels, below the recorded {agreed} of {cases}:\n{}",
            tally.agreed,
            tally.cases,
            tally.misses.join("\n")
        );
    }
    for rule in recorded.keys() {
        assert!(tallies.contains_key(rule), "{rule} is recorded but no longer labelled");
    }
}

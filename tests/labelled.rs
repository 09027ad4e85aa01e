//! The labelled sets of `tests/labelled/`, written for support, e-commerce, fintech
//! and B2B SaaS teams: key results and objectives with what a careful coach would
//! say about each (through `check_okr`), and "why did it slip?" scenarios with what
//! an analyst would conclude, noise-only and ambiguous ones included (through the
//! tools that build them and `explain`). Everything goes through the built binary as
//! an assistant would send it. The rate each rule or judgement reaches is kept in
//! `tests/labelled/RATES.md` and `WHY_RATES.md`; falling below a recorded rate fails
//! the test, and `GROUNDED_BLESS=1` records the rates again (after a change that
//! raises them).

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

fn rates_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labelled").join(name)
}

/// One set's table and misses, between markers so that the prose around it (how a
/// corpus was made and split) is the file's own and survives a bless.
fn render(section: &str, cases: &str, tallies: &BTreeMap<String, Tally>) -> String {
    let mut out = format!(
        "<!-- rates: {section} -->\n\
         Cases: {cases}.\n\n\
         | rule | cases | agreed | rate |\n|---|---:|---:|---:|\n"
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
    out.push_str(&format!("\n#### Known misses ({})\n\n", misses.len()));
    if misses.is_empty() {
        out.push_str("None.\n");
    }
    for miss in misses {
        out.push_str(&format!("- {miss}\n"));
    }
    out.push_str(&format!("<!-- end: {section} -->\n"));
    out
}

/// Where a section starts and ends in the file's text (the end marker included).
fn section_span(text: &str, section: &str) -> Option<(usize, usize)> {
    let start = text.find(&format!("<!-- rates: {section} -->"))?;
    let end_marker = format!("<!-- end: {section} -->\n");
    let end = start + text[start..].find(&end_marker)? + end_marker.len();
    Some((start, end))
}

/// The recorded (agreed, cases) per rule of one section.
fn recorded(name: &str, section: &str) -> BTreeMap<String, (usize, usize)> {
    let text = std::fs::read_to_string(rates_file(name)).unwrap_or_default();
    let Some((start, end)) = section_span(&text, section) else {
        return BTreeMap::new();
    };
    text[start..end]
        .lines()
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
    let cases = "`key_results.jsonl`, `objectives.jsonl` (support, e-commerce, fintech, B2B SaaS)";
    keep_rates("RATES.md", "our own sets", cases, &tallies);
}

/// The key results of `tests/labelled/real/`, modelled on what other teams published
/// (see RATES.md for the sources and the split): each labelled with its class
/// (outcome, output, activity, unmeasurable) and with the baseline, target and
/// direction it states. Rates per class, for sound outcomes, for the reading, and per
/// source family; the tuning part and the holdout (never tuned on) separately.
#[tokio::test]
async fn rules_keep_their_rates_on_key_results_other_teams_published() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    for (part, file) in [("published: tuning", "real/tuning.jsonl"), ("published: holdout", "real/holdout.jsonl")] {
        let cases = labelled(file);
        let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
        for (i, case) in cases.iter().enumerate() {
            let statement = case["statement"].as_str().unwrap();
            let objective = case["objective"].as_str().unwrap_or("Customers get lasting value from what we make");
            let answer = ok(
                &client,
                "check_okr",
                json!({"objective": objective, "owner": "Ann Lee", "cycle": "2026-Q4",
                       "key_results": [statement, "Raise week-1 retention from 50% to 65%"]}),
            )
            .await;
            let label = format!("{file}:{} ({}) \"{statement}\"", i + 1, case["org"].as_str().unwrap_or("?"));
            score_published(case, &answer, &label, &mut tallies);
        }
        let orgs: std::collections::BTreeSet<&str> = cases.iter().filter_map(|c| c["org"].as_str()).collect();
        let description = format!("`{file}`, {} statements from {} organisations", cases.len(), orgs.len());
        keep_rates("RATES.md", part, &description, &tallies);
    }
}

/// What check_okr said of one published key result against its labels.
fn score_published(case: &Value, answer: &Value, label: &str, tallies: &mut BTreeMap<String, Tally>) {
    let family = case["family"].as_str().unwrap_or("other");
    let class = case["class"].as_str().unwrap();
    let ambiguous = case["ambiguous"].as_bool().unwrap_or(false);
    let status = |rule: &str| {
        answer["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["subject"] == "key_results[0]")
            .map_or("pass".to_string(), |f| f["status"].as_str().unwrap().to_string())
    };
    let flagged = |rule: &str| matches!(status(rule).as_str(), "fail" | "warn");
    let said = format!(
        "output {}, activity {}, measurable {}",
        status("kr.outcome_not_output"),
        status("kr.not_activity_proxy"),
        status("kr.measurable")
    );
    let mut tally = |what: String, agreed: bool, miss: String| {
        let t = tallies.entry(what).or_default();
        t.cases += 1;
        if agreed {
            t.agreed += 1;
        } else {
            t.misses.push(format!("{label}: {miss}"));
        }
    };
    if class == "outcome" {
        // An ambiguous outcome may be asked about (warn); a plain one is not flagged at all.
        let wrongly = ["kr.outcome_not_output", "kr.not_activity_proxy"]
            .iter()
            .any(|r| status(r) == "fail" || (!ambiguous && status(r) == "warn"));
        let miss = format!("a sound outcome, flagged ({said})");
        tally("sound outcome not flagged as output or activity".into(), !wrongly, miss.clone());
        tally(format!("{family}: sound outcome not flagged"), !wrongly, miss);
    } else {
        let rule = match class {
            "output" => "kr.outcome_not_output",
            "activity" => "kr.not_activity_proxy",
            "unmeasurable" => "kr.measurable",
            other => panic!("{label}: class {other} is not outcome, output, activity or unmeasurable"),
        };
        let right = flagged(rule);
        let miss = format!("{class}, not flagged as such ({said})");
        tally("weak flagged with the right reason".into(), right, miss.clone());
        tally(format!("weak: {class} flagged as {class}"), right, miss.clone());
        tally(format!("{family}: weak flagged with the right reason"), right, miss);
    }
    if let Some(reading) = case["reading"].as_object().filter(|r| !r.is_empty()) {
        let read = &answer["key_results"][0];
        let mut wrong = vec![];
        for (field, expected) in reading {
            let right = same(expected, &read[field.as_str()]);
            let miss = format!("{field}: expected {expected}, read {}", read[field.as_str()]);
            tally(format!("reading: {field}"), right, miss.clone());
            if !right {
                wrong.push(miss);
            }
        }
        tally("reading: every stated number and direction".into(), wrong.is_empty(), wrong.join("; "));
        tally(format!("{family}: reading"), wrong.is_empty(), wrong.join("; "));
    }
}

/// Two tests write sections of one file: one at a time.
static RATES_FILES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Records the rates of `section` (GROUNDED_BLESS) or fails when one fell below its record.
fn keep_rates(name: &str, section: &str, cases: &str, tallies: &BTreeMap<String, Tally>) {
    let rendered = render(section, cases, tallies);
    if std::env::var_os("GROUNDED_BLESS").is_some() {
        let _one_writer = RATES_FILES.lock().unwrap_or_else(|e| e.into_inner());
        let mut text = std::fs::read_to_string(rates_file(name)).unwrap_or_default();
        match section_span(&text, section) {
            Some((start, end)) => text.replace_range(start..end, &rendered),
            None => text = format!("{}\n{rendered}", text.trim_end()),
        }
        std::fs::write(rates_file(name), text).unwrap();
        return;
    }
    let recorded = recorded(name, section);
    assert!(
        !recorded.is_empty(),
        "no rates recorded for {section} in {name}: run with GROUNDED_BLESS=1 once\n{rendered}"
    );
    for (rule, tally) in tallies {
        let (agreed, cases) = recorded.get(rule).copied().unwrap_or((0, 1));
        let rate = tally.agreed as f64 / tally.cases as f64;
        assert!(
            rate + 1e-9 >= agreed as f64 / cases as f64,
            "{section}: {rule} agrees with {} of {} labels, below the recorded {agreed} of {cases}:\n{}",
            tally.agreed,
            tally.cases,
            tally.misses.join("\n")
        );
    }
    for rule in recorded.keys() {
        assert!(tallies.contains_key(rule), "{rule} is recorded for {section} in {name} but no longer labelled");
    }
}

/// Adds one judgement's outcome to its tally.
fn judge(tallies: &mut BTreeMap<String, Tally>, what: &str, label: &str, problems: Vec<String>) {
    let tally = tallies.entry(what.into()).or_default();
    tally.cases += 1;
    if problems.is_empty() {
        tally.agreed += 1;
    } else {
        tally.misses.push(format!("{label}: {}", problems.join("; ")));
    }
}

/// Builds one scenario through the tools and asks its question.
async fn explain_scenario(scenario: &Value) -> (Value, BTreeMap<String, Vec<String>>) {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    ok(
        &client,
        "draft_okr",
        json!({"objective": scenario["objective"], "owner": "Ann Lee", "cycle": "2026-Q4",
               "key_results": scenario["key_results"], "stage": scenario["stage"]}),
    )
    .await;
    for indicator in scenario["indicators"].as_array().map(Vec::as_slice).unwrap_or_default() {
        ok(&client, "add_indicator", indicator.clone()).await;
    }
    let mut values = vec![];
    for series in scenario["series"].as_array().unwrap() {
        let start: jiff::civil::Date = series["start"].as_str().unwrap().parse().unwrap();
        for (week, value) in series["values"].as_array().unwrap().iter().enumerate() {
            let day = start + jiff::Span::new().days(7 * week as i64);
            values.push(json!({"metric": series["metric"], "at": day.to_string(), "value": value, "n": series["n"]}));
        }
    }
    ok(&client, "record_measurements", json!({"measurements": values, "insist": true})).await;
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut items = scenario["evidence"].as_array().unwrap().clone();
    // Filler: many items of everyday research that use common words, so that word
    // rarity has something to weigh.
    if let Some(filler) = scenario["filler"].as_object() {
        for i in 0..filler["count"].as_u64().unwrap() {
            let topic = &filler["topics"][i as usize % filler["topics"].as_array().unwrap().len()];
            items.push(json!({"label": "filler", "kind": "observation", "observed_at": filler["observed_at"],
                              "text": format!("{} (note {i})", topic.as_str().unwrap())}));
        }
    }
    if !items.is_empty() {
        let mut inputs = items.clone();
        for item in &mut inputs {
            item.as_object_mut().unwrap().remove("label");
        }
        let added = ok(&client, "add_evidence", json!({"items": inputs})).await;
        for (item, added) in items.iter().zip(added["items"].as_array().unwrap()) {
            ids.entry(item["label"].as_str().unwrap().to_string())
                .or_default()
                .push(added["id"].as_str().unwrap().to_string());
        }
    }
    for link in scenario["links"].as_array().unwrap() {
        let id = &ids[link["evidence"].as_str().unwrap()][0];
        ok(
            &client,
            "link_evidence",
            json!({"evidence": [id], "target": link["target"], "relation": link["relation"], "rationale": link["rationale"]}),
        )
        .await;
    }
    let answer = ok(
        &client,
        "explain",
        json!({"question": scenario["question"], "as_of": scenario["as_of"], "evidence_limit": 20}),
    )
    .await;
    (answer, ids)
}

#[tokio::test]
async fn explain_keeps_its_rates_on_the_labelled_why_scenarios() {
    let path = rates_file("why.json");
    let scenarios: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for scenario in &scenarios {
        let label = scenario["name"].as_str().unwrap();
        let expect = &scenario["expect"];
        let (answer, ids) = explain_scenario(scenario).await;
        let lower = |v: &Value| v.as_str().unwrap_or("").to_lowercase();
        let shown: Vec<(&str, String)> = answer["evidence"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|e| (e["id"].as_str().unwrap(), e["why"].as_str().unwrap_or("").to_string()))
            .collect();
        let id_of = |label: &Value| ids.get(label.as_str().unwrap()).cloned().unwrap_or_default();
        let list = |key: &str| expect[key].as_array().cloned().unwrap_or_default();

        let mut problems = vec![];
        if answer["resolved"] != expect["resolved"] {
            problems.push(format!("resolved {} (expected {})", answer["resolved"], expect["resolved"]));
        }
        if !expect["subject"].is_null() && answer["subject"]["id"] != expect["subject"] {
            problems.push(format!("about {} (expected {})", answer["subject"]["id"], expect["subject"]));
        }
        for candidate in list("candidates") {
            if !answer["candidates"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .any(|c| c["id"] == candidate)
            {
                problems.push(format!("{candidate} is not among the candidates {}", answer["candidates"]));
            }
        }
        judge(&mut tallies, "which subject", label, problems);
        if !expect["slipped"].is_null() {
            let problems = if answer["slipped"] == expect["slipped"] {
                vec![]
            } else {
                vec![format!("slipped {} (expected {}): {}", answer["slipped"], expect["slipped"], answer["headline"])]
            };
            judge(&mut tallies, "slip or noise", label, problems);
        }
        if !expect["recovery"].is_null() {
            let state = &answer["slip"]["now"]["state"];
            let problems = if *state == expect["recovery"] {
                vec![]
            } else {
                vec![format!("recovery {state} (expected {})", expect["recovery"])]
            };
            judge(&mut tallies, "recovered or not", label, problems);
        }
        let mut problems = vec![];
        for wanted in list("cites") {
            for id in id_of(&wanted) {
                if !shown.iter().any(|(e, why)| *e == id && !why.contains("instead")) {
                    problems.push(format!("{wanted} ({id}) is not cited"));
                }
            }
        }
        for unwanted in list("not_cited") {
            for id in id_of(&unwanted) {
                if shown.iter().any(|(e, _)| *e == id) {
                    problems.push(format!("{unwanted} ({id}) is cited though it does not name the subject"));
                }
            }
        }
        for elsewhere in list("shown_as_elsewhere") {
            let id = id_of(&elsewhere)[0].clone();
            let at = shown.iter().position(|(e, _)| *e == id);
            match at {
                Some(at)
                    if shown[at].1.contains("instead") && shown[at..].iter().all(|(_, w)| w.contains("instead")) => {}
                _ => problems.push(format!("{elsewhere} ({id}) is not shown last as linked elsewhere")),
            }
        }
        if !(list("cites").is_empty() && list("not_cited").is_empty() && list("shown_as_elsewhere").is_empty()) {
            judge(&mut tallies, "relevant evidence", label, problems);
        }
        // Words the headline and the next step must say, each judged when labelled.
        for (field, judgement) in [("headline", "headline"), ("next_step", "next step from the case")] {
            let said = lower(&answer[field]);
            let needles = list(field);
            let problems = needles
                .iter()
                .filter(|needle| !said.contains(&lower(needle)))
                .map(|needle| format!("the {field} does not say {needle}: {said}"))
                .collect();
            if !needles.is_empty() {
                judge(&mut tallies, judgement, label, problems);
            }
        }
        let said = answer.to_string().to_lowercase();
        let problems = list("lacks")
            .iter()
            .filter(|w| said.contains(&lower(w)))
            .map(|w| format!("says {w}, a word from another case"))
            .collect();
        judge(&mut tallies, "no words from another case", label, problems);
    }
    keep_rates(
        "WHY_RATES.md",
        "why scenarios",
        "`why.json` (support, e-commerce, fintech, B2B SaaS; noise-only and ambiguous)",
        &tallies,
    );
}

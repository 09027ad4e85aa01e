//! Check-ins and scores end to end through the MCP client: import the example
//! quarter, score a key result, an objective and the cycle, record a correction
//! (last write wins), restart and score again; bad measurements refused by field
//! with nothing written.

mod common;

use common::cli::Grounded;
use common::{Client, ProgressNotes, call_reporting, connect, connect_with, draft_activation, err, example, ok};
use serde_json::json;

async fn draft_with_indicator(client: &Client) {
    draft_activation(client).await;
    ok(client, "add_indicator", json!({"key_result": "KR-1", "metric": "Share of new accounts inviting a teammate in week 1", "expected_lag_days": 7}))
        .await;
}

#[tokio::test]
async fn the_example_quarter_is_scored_with_its_intervals_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_with_indicator(&client).await;
    let imported = ok(&client, "import_measurements", json!({"path": example("measurements.csv")})).await;
    // 13 weeks of Q3 history for retention and invites, then 8 weeks of Q4 for all four.
    assert_eq!(imported["recorded"], 58);
    assert_eq!(imported["metrics"].as_array().unwrap().len(), 4);

    // Week 8 retention is 54% of 399: (54 - 50) / 15 = 0.267 against 0.59 expected by 2026-11-23.
    let kr = ok(&client, "score", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await["key_result"].clone();
    assert_eq!(kr["progress"], 0.267);
    assert_eq!(kr["status"], "off_track");
    assert_eq!(kr["current"]["n"], 399);
    assert!(kr["current"]["interval_method"].as_str().unwrap().contains("Wilson"));
    assert_eq!(kr["measurements"], 8);

    // Before the dip (week 3), the same key result was on pace.
    let early = ok(&client, "score", json!({"subject": "KR-1", "as_of": "2026-10-15"})).await["key_result"].clone();
    assert_eq!(early["progress"], 0.2);
    assert_eq!(early["status"], "on_track", "{early}");

    let objective = ok(&client, "score", json!({"subject": "O-1", "as_of": "2026-11-23"})).await["objective"].clone();
    assert_eq!(objective["key_results"].as_array().unwrap().len(), 3);
    let cycle = ok(&client, "score", json!({"subject": "2026-Q4", "as_of": "2026-11-23"})).await["cycle"].clone();
    assert_eq!(cycle["key_results"], 3);
    assert_eq!(cycle["attention"][0]["status"], "off_track");

    // A corrected week-8 value replaces the first; get_okr carries scores too.
    let fixed = ok(
        &client,
        "record_measurements",
        json!({"measurements": [{"metric": "KR-1", "at": "2026-11-19", "value": 55.5, "n": 420, "note": "late cohort rows arrived"}]}),
    )
    .await;
    assert_eq!((fixed["recorded"].as_u64(), fixed["replaced"].as_u64()), (Some(1), Some(1)));
    let detail = ok(&client, "get_okr", json!({"id": "O-1"})).await;
    assert_eq!(detail["key_results"][0]["current"]["value"], 55.5);
    client.cancel().await.unwrap();

    let client = connect(dir.path()).await;
    let kr = ok(&client, "score", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await["key_result"].clone();
    assert_eq!(kr["current"]["value"], 55.5);
    assert_eq!(kr["current"]["n"], 420);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_measurements_are_refused_by_field_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_with_indicator(&client).await;
    let good = json!({"metric": "KR-1", "at": "2026-10-01", "value": 51});
    let cases = [
        (json!({"metric": "KR-1", "at": "2026-10-08", "value": 140}), "measurements[1].value: 140 is not a percentage"),
        (json!({"metric": "KR-1", "at": "2026-06-01", "value": 50}), "outside the key result's cycle 2026-Q4"),
        (
            json!({"metric": "KR-1", "at": "2030-01-01", "value": 50}),
            "measurements[1].at: 2030-01-01T00:00:00Z is in the future",
        ),
        (json!({"metric": "M-99", "at": "2026-10-08", "value": 50}), "measurements[1].metric: M-99 does not exist"),
        (
            json!({"metric": "onboarding satisfaction", "at": "2026-10-08", "value": 7}),
            "outside onboarding satisfaction's scale 1..5",
        ),
        (json!({"metric": "KR-1", "at": "2026-10-08", "value": "high"}), "measurements[1].value: invalid type"),
    ];
    for (bad, expected) in cases {
        let message = err(&client, "record_measurements", json!({"measurements": [good, bad]})).await;
        assert!(message.contains(expected), "{message} lacks {expected}");
    }
    let message = err(&client, "score", json!({"subject": "KR-9"})).await;
    assert!(message.contains("subject: KR-9 does not exist"), "{message}");
    let message = err(&client, "import_measurements", json!({"path": example("okrs.yaml")})).await;
    assert!(message.contains("format"), "{message}");
    let scored = ok(&client, "score", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await;
    assert_eq!(scored["key_result"]["status"], "pending", "a refused call wrote a measurement");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_invite_indicator_is_validated_by_the_example_quarter_and_research() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_with_indicator(&client).await;

    // No data yet: the data cannot decide, and the status stays as it was.
    let empty = ok(&client, "validate_indicator", json!({"indicator": "IND-1"})).await;
    assert_eq!(empty["data_verdict"], "insufficient_data");
    assert_eq!((empty["status"].as_str(), empty["applied"].as_bool()), (Some("assumed"), Some(false)));

    // Two quarters of weekly check-ins: invites fell a week before retention did.
    ok(&client, "import_measurements", json!({"path": example("measurements.csv")})).await;
    let validated = ok(&client, "validate_indicator", json!({"indicator": "IND-1"})).await;
    assert_eq!(validated["data_verdict"], "supports", "{validated}");
    assert_eq!(validated["status"], "validated");
    let best = &validated["best"];
    assert_eq!((best["lag_days"].as_u64(), best["n"].as_u64()), (Some(7), Some(20)), "{best}");
    assert!(best["r"].as_f64().unwrap() > 0.8 && best["p_adjusted"].as_f64().unwrap() < 0.001, "{best}");
    let lag_0 = validated["lags"][0]["r"].as_f64().unwrap();
    assert!(lag_0 < best["r"].as_f64().unwrap() - 0.2, "the same week correlates less: {lag_0}");
    assert!(
        validated["reason"].as_str().unwrap().contains("at a lag of 7 days over 20 paired 7-day points"),
        "{validated}"
    );

    // The change is kept: on the indicator, in the key result's history and in the checks.
    let detail = ok(&client, "get_okr", json!({"id": "O-1", "detail": "full"})).await;
    let detail = &detail["full"];
    let indicator = &detail["key_result_details"][0]["indicators"][0];
    assert_eq!(indicator["status"], "validated");
    assert_eq!(indicator["validation"]["best_lag_days"], 7);
    let entry = detail["history"].as_array().unwrap().iter().find(|e| e["action"] == "indicator_validated").unwrap();
    assert_eq!(entry["changes"][0], json!({"field": "IND-1.status", "from": "assumed", "to": "validated"}));

    // Expecting the indicator to fall as retention rises, no lag shows that: not
    // validated (the best negative lag is near zero, too uncertain to refute);
    // apply: false reports without writing.
    let negative =
        ok(&client, "validate_indicator", json!({"indicator": "IND-1", "direction": "negative", "apply": false})).await;
    assert_eq!(
        (negative["data_verdict"].as_str(), negative["status"].as_str()),
        (Some("inconclusive"), Some("assumed"))
    );
    assert!(negative["best"]["r"].as_f64().unwrap() > -0.5, "{negative}");
    assert_eq!(negative["applied"], false);
    let detail = ok(&client, "get_okr", json!({"id": "O-1"})).await;
    assert_eq!(detail["key_results"][0]["indicators"][0]["status"], "validated", "apply: false wrote");
    // Asking for more pairs than there are: the data does not decide, the status stays.
    let strict = ok(&client, "validate_indicator", json!({"indicator": "IND-1", "min_n": 30})).await;
    assert_eq!(
        (strict["data_verdict"].as_str(), strict["status"].as_str()),
        (Some("insufficient_data"), Some("validated"))
    );

    // An indicator without data is validated by research that says it leads, citing it.
    ok(&client, "add_indicator", json!({"key_result": "KR-1", "metric": "Share of new accounts connecting a data source", "expected_lag_days": 14})).await;
    let quote = ok(&client, "add_evidence", json!({"items": [{"kind": "interview", "text": "Once our data was connected, we never looked back", "participant": "P4"}]})).await;
    let quote_id = quote["items"][0]["id"].as_str().unwrap().to_string();
    ok(&client, "link_evidence", json!({"evidence": [quote_id], "target": "IND-2", "relation": "validates", "rationale": "Retained accounts name the data connection as the turning point"})).await;
    let research = ok(&client, "validate_indicator", json!({"indicator": "IND-2"})).await;
    assert_eq!(
        (research["data_verdict"].as_str(), research["status"].as_str()),
        (Some("insufficient_data"), Some("validated"))
    );
    assert!(
        research["reason"].as_str().unwrap().starts_with(&format!("Validated by research ({quote_id})")),
        "{research}"
    );

    for (arguments, expected) in [
        (json!({"indicator": "IND-9"}), "indicator: IND-9 does not exist"),
        (json!({"indicator": "KR-1"}), "indicator: \"KR-1\" is not an indicator id"),
        (json!({"indicator": "IND-1", "interval_days": 0}), "interval_days: is 0; 1 to 90"),
        (json!({"indicator": "IND-1", "min_n": 2}), "min_n: is 2; 4 or more"),
        (json!({"indicator": "IND-1", "max_lag_days": 1000}), "max_lag_days: is above 365"),
        (
            json!({"indicator": "IND-1", "from": "2026-11-01", "to": "2026-10-01"}),
            "from: 2026-11-01T00:00:00Z is after to",
        ),
        (json!({"indicator": "IND-1", "direction": "up"}), "direction: unknown variant `up`"),
    ] {
        let message = err(&client, "validate_indicator", arguments.clone()).await;
        assert!(message.contains(expected), "{arguments}: {message} lacks {expected}");
    }
    client.cancel().await.unwrap();
}

/// A retention value typed as a fraction is refused with the likely fix, and a wrong
/// value that got in anyway is deleted: it stops moving the score and stays in history.
#[tokio::test]
async fn a_wrong_value_is_caught_or_deleted_and_no_longer_moves_the_score() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_with_indicator(&client).await;
    ok(&client, "import_measurements", json!({"path": example("measurements.csv")})).await;
    let before = kr_1_score(&client).await;

    let typo = json!({"measurements": [{"metric": "KR-1", "at": "2026-11-20", "value": 0.52, "n": 400}]});
    let refused = err(&client, "record_measurements", typo.clone()).await;
    assert!(refused.contains("measurements[0].value: 0.52 looks like a fraction"), "{refused}");
    assert!(refused.contains("did you mean 52?") && refused.contains("insist: true"), "{refused}");
    assert_eq!(kr_1_score(&client).await, before, "the refused value changed nothing");

    // The caller insists: the value is in, and poisons the score as the issue saw.
    let mut insisted = typo;
    insisted["insist"] = json!(true);
    ok(&client, "record_measurements", insisted).await;
    let poisoned = kr_1_score(&client).await;
    assert!(poisoned["progress"].as_f64().unwrap() < -1.0, "{poisoned}");

    let deleted = ok(
        &client,
        "delete_measurements",
        json!({"metric": "KR-1", "at": ["2026-11-20"], "reason": "typed as a fraction; the dashboard says 52%"}),
    )
    .await;
    assert_eq!((deleted["deleted"].as_u64(), deleted["values"][0]["value"].as_f64()), (Some(1), Some(0.52)));
    assert_eq!(kr_1_score(&client).await, before, "the score is as before the wrong value");

    // Kept in the metric's history: who, why, which value.
    let metric = deleted["metric"].as_str().unwrap().to_string();
    let again =
        err(&client, "delete_measurements", json!({"metric": metric, "at": ["2026-11-20"], "reason": "twice"})).await;
    assert!(again.contains("has no value at 2026-11-20"), "{again}");
    let no_reason = err(&client, "delete_measurements", json!({"metric": metric, "from": "2026-07-01"})).await;
    assert!(no_reason.contains("reason"), "{no_reason}");
}

async fn kr_1_score(client: &Client) -> serde_json::Value {
    ok(client, "score", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await["key_result"].clone()
}

/// The same from a terminal: the import refuses the typo in CLI words, and
/// `grounded measurements delete` takes a wrong value out.
#[tokio::test]
async fn the_cli_refuses_a_typo_and_deletes_a_wrong_value() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_activation(&client).await;
    client.cancel().await.unwrap();
    let grounded = Grounded::on(dir.path()).env("GROUNDED_IMPORT_ROOTS", dir.path());
    let file = dir.path().join("retention.csv");
    std::fs::write(&file, "metric,date,value\nKR-1,2026-10-05,51\nKR-1,2026-10-12,52\nKR-1,2026-10-19,0.53\n").unwrap();
    let refused = grounded.run(&["import", "measurements", file.to_str().unwrap()]);
    let said = &refused.stderr;
    assert_eq!(refused.code, Some(2), "{said}");
    assert!(said.contains("did you mean 53?") && said.contains("run again with --insist"), "{said}");
    assert!(!said.contains("insist: true"), "MCP words in the CLI: {said}");

    let kept = grounded.run(&["import", "measurements", file.to_str().unwrap(), "--insist"]);
    assert!(kept.success(), "{}", kept.stderr);
    let deleted =
        grounded.run(&["measurements", "delete", "KR-1", "--at", "2026-10-19", "--reason", "typed as a fraction"]);
    let said = &deleted.stdout;
    assert!(deleted.success() && said.contains("1 value deleted") && said.contains("0.53"), "{said}");

    let said = grounded.run(&["measurements", "delete", "KR-1", "--at", "2026-10-19", "--reason", "again"]).stderr;
    assert!(said.contains("--at: M-1 has no value at 2026-10-19"), "{said}");
    let said = grounded.run(&["measurements", "delete", "KR-1", "--reason", "r"]).stderr;
    assert!(said.contains("--at: is empty") && said.contains("--from and/or --to"), "{said}");
}

#[tokio::test]
async fn a_measurement_import_reports_its_phases() {
    let dir = tempfile::tempdir().unwrap();
    let notes = ProgressNotes::default();
    let client = connect_with(dir.path(), notes.clone()).await;
    draft_activation(&client).await;
    ok(&client, "add_indicator", json!({"key_result": "KR-1", "metric": "Share of new accounts inviting a teammate in week 1", "expected_lag_days": 7}))
        .await;
    let result = call_reporting(&client, "import_measurements", json!({"path": example("measurements.csv")})).await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let rows = result.structured_content.unwrap()["recorded"].as_u64().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let notes = notes.0.lock().unwrap().clone();
    let said: Vec<&str> = notes.iter().map(|(_, _, m)| m.as_str()).collect();
    for phase in
        [format!("read the file: {rows} rows"), format!("validated {rows} of {rows} rows"), "writing to disk".into()]
    {
        assert!(said.contains(&phase.as_str()), "{phase} missing from {said:?}");
    }
    assert!(notes.windows(2).all(|w| w[0].0 < w[1].0), "{notes:?}");
    assert!(notes.iter().all(|(_, total, _)| *total == Some((3 * rows + 1) as f64)), "{notes:?}");
}

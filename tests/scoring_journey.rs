//! Check-ins and scores end to end through the MCP client: import the example
//! quarter, score a key result, an objective and the cycle, record a correction
//! (last write wins), restart and score again; bad measurements refused by field
//! with nothing written.

mod common;

use common::{Client, connect, draft_activation, err, example, ok};
use serde_json::json;

async fn draft_with_indicator(client: &Client) {
    draft_activation(client).await;
    ok(client, "add_indicator", json!({"key_result": "KR-1", "metric": "Share of new accounts inviting a teammate in week 1", "expected_lag_days": 21}))
        .await;
}

#[tokio::test]
async fn the_example_quarter_is_scored_with_its_intervals_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_with_indicator(&client).await;
    let imported = ok(&client, "import_measurements", json!({"path": example("measurements.csv")})).await;
    assert_eq!(imported["recorded"], 32);
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
    assert_eq!(detail["key_result_details"][0]["score"]["current"]["value"], 55.5);
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

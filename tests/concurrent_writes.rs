//! Parallel writes never wedge the server: thousands of calls with 1 to 200 writes in
//! flight on one session, mixing measurement batches (sled `apply_batch`), drafts
//! (sled transactions) and reads. Every call is answered and every write is stored.
//!
//! sled 0.34 deadlocks when a flush runs beside a batch or a transaction; MCP clients
//! do send calls in parallel, so this is the normal case, not a stress case.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{RawServer, connect, ok, raw_server, request_line};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

/// How long the server may stay silent while calls are outstanding before the test
/// calls it wedged. Not a speed check: a healthy server answers within milliseconds.
const SILENCE_MEANS_WEDGED: Duration = Duration::from_secs(60);

#[tokio::test]
async fn writes_in_flight_from_1_to_200_are_all_answered_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let RawServer { mut child, mut stdin, mut lines } = raw_server(dir.path()).await;
    let (answers_tx, mut answers) = mpsc::unbounded_channel::<Value>();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            let answer: Value = serde_json::from_str(&line).expect("every line the server writes is JSON");
            if answers_tx.send(answer).is_err() {
                break;
            }
        }
    });
    let request = request_line;

    let draft = |i: u64| {
        json!({"name": "draft_okr", "arguments": {
            "objective": format!("Customers in cohort {i} reach lasting value"), "owner": "Maya", "cycle": "2026-Q4",
            "key_results": [format!("Raise cohort {i} retention from 50% to 65%"), "Lift onboarding satisfaction (1-5 scale) from 3.3 to 4.1"]}})
    };
    let mut next_id = 1u64;
    stdin.write_all(request(next_id, "tools/call", draft(0)).as_bytes()).await.unwrap();
    let first = answers.recv().await.unwrap();
    assert_ne!(first["result"]["isError"], true, "{first}");

    // Each measurement is at its own minute of October, so none replaces another.
    let measurement = |minute: u64| {
        let at = jiff::Timestamp::from_second(1_790_812_800 + minute as i64 * 60).unwrap(); // 2026-10-01T00:00Z
        json!({"name": "record_measurements", "arguments": {"measurements": [
            {"metric": "KR-1", "at": at.to_string(), "value": 50.0 + (minute % 10) as f64, "n": 400}]}})
    };
    let (mut measurements, mut drafts) = (0u64, 0u64);
    for in_flight in [1usize, 4, 16, 64, 200] {
        let calls = 500u64;
        let mut outstanding: HashMap<u64, &str> = HashMap::new();
        let mut sent = 0u64;
        while sent < calls || !outstanding.is_empty() {
            while sent < calls && outstanding.len() < in_flight {
                next_id += 1;
                sent += 1;
                // Mostly measurement batches, a draft (a transaction) every 10th call,
                // a read every 7th: the mix an assistant's parallel calls produce.
                let (kind, params) = if sent.is_multiple_of(10) {
                    drafts += 1;
                    ("draft", draft(drafts))
                } else if sent.is_multiple_of(7) {
                    ("read", json!({"name": "list_okrs", "arguments": {"limit": 5}}))
                } else {
                    measurements += 1;
                    ("measurement", measurement(measurements))
                };
                stdin.write_all(request(next_id, "tools/call", params).as_bytes()).await.unwrap();
                outstanding.insert(next_id, kind);
            }
            let answer = tokio::time::timeout(SILENCE_MEANS_WEDGED, answers.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("wedged with {in_flight} in flight: {} calls unanswered: {outstanding:?}", outstanding.len())
                })
                .expect("the server stays up");
            let id = answer["id"].as_u64().expect("an answer to a request");
            let kind = outstanding.remove(&id).unwrap_or_else(|| panic!("an answer to an unknown id: {answer}"));
            assert_ne!(answer["result"]["isError"], true, "{kind}: {answer}");
            assert!(answer.get("error").is_none(), "{kind}: {answer}");
        }
    }
    drop(stdin);
    child.wait().await.unwrap();

    // After a restart, every acknowledged write is there.
    let client = connect(dir.path()).await;
    let score = ok(&client, "score", json!({"subject": "KR-1", "as_of": "2026-11-01"})).await;
    assert_eq!(score["key_result"]["measurements"], measurements, "{}", score["key_result"]);
    let (mut objectives, mut cursor) = (0u64, Value::Null);
    loop {
        let page = ok(&client, "list_okrs", json!({"limit": 100, "cursor": cursor})).await;
        objectives += page["objectives"].as_array().unwrap().len() as u64;
        match &page["next_cursor"] {
            Value::Null => break,
            next => cursor = next.clone(),
        }
    }
    assert_eq!(objectives, drafts + 1);
    client.cancel().await.unwrap();
}

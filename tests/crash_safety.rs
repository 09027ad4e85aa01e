//! Crash safety: the server is killed (SIGKILL) in the middle of a stream of writes;
//! after a restart every write it had acknowledged is there.

mod common;

use common::{RawServer, connect, ok, raw_server, request_line};
use serde_json::json;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn every_acknowledged_write_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let RawServer { mut child, mut stdin, mut lines } = raw_server(dir.path()).await;
    let send = request_line;

    // Keep 4 writes in flight at all times, so the kill lands mid-stream.
    let draft = |i: u64| {
        json!({"name": "draft_okr", "arguments": {
            "objective": format!("Customers in cohort {i} reach lasting value"), "owner": "Maya", "cycle": "2026-Q4",
            "key_results": [format!("Raise cohort {i} retention from 50% to 65%"), "Lift onboarding satisfaction (1-5 scale) from 3.3 to 4.1"]}})
    };
    let mut acknowledged = vec![];
    let mut sent = 0u64;
    while sent < 4 {
        sent += 1;
        stdin.write_all(send(sent, "tools/call", draft(sent)).as_bytes()).await.unwrap();
    }
    while acknowledged.len() < 40 {
        let line = lines.next_line().await.unwrap().expect("the server answers");
        let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
        let result = &answer["result"];
        assert_ne!(result["isError"], true, "{line}");
        acknowledged.push(result["structuredContent"]["objective_id"].as_str().unwrap().to_string());
        sent += 1;
        stdin.write_all(send(sent, "tools/call", draft(sent)).as_bytes()).await.unwrap();
    }
    child.start_kill().unwrap(); // SIGKILL on Unix
    child.wait().await.unwrap();

    let client = connect(dir.path()).await;
    for id in &acknowledged {
        let detail = ok(&client, "get_okr", json!({"id": id})).await;
        assert_eq!(detail["key_results"].as_array().unwrap().len(), 2, "{id} lost key results");
    }
    // Nothing half-written either: every stored objective has both of its key results.
    let page = ok(&client, "list_okrs", json!({"limit": 100})).await;
    for row in page["objectives"].as_array().unwrap() {
        assert_eq!(row["key_results"], 2, "{row}");
    }
    assert!(page["objectives"].as_array().unwrap().len() >= acknowledged.len());
    client.cancel().await.unwrap();
}

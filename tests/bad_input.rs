//! Bad input through the MCP client: every case is a clear tool error naming the
//! field, and the store is unchanged (compared before and after, through the tools).

mod common;

use common::{Client, connect, err, ok};
use serde_json::{Value, json};

/// Everything an assistant could read back: the list and every objective in full.
async fn snapshot(client: &Client) -> Value {
    let page = ok(client, "list_okrs", json!({"limit": 100})).await;
    let mut all = vec![page.clone()];
    for row in page["objectives"].as_array().unwrap() {
        all.push(ok(client, "get_okr", json!({"id": row["id"]})).await);
    }
    Value::Array(all)
}

fn okr(key_results: Value) -> Value {
    json!({"objective": "New customers reach lasting value", "owner": "Maya", "cycle": "2026-Q4", "key_results": key_results})
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    ok(
        &client,
        "draft_okr",
        okr(json!(["Raise week-1 retention from 50% to 65%", "Lift onboarding satisfaction from 3.3 to 4.1"])),
    )
    .await;
    let before = snapshot(&client).await;

    let huge = "x".repeat(100 * 1024);
    let thirty: Vec<String> = (0..30).map(|i| format!("Raise metric {i} from 1 to 2")).collect();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "draft_okr",
            json!({"objective": 42, "cycle": "2026-Q4", "key_results": []}),
            "objective: invalid type: integer `42`, expected a string",
        ),
        ("draft_okr", json!({"cycle": "2026-Q4", "key_results": ["x"]}), "arguments: missing field `objective`"),
        ("draft_okr", okr(json!([])), "key_results: is empty; give 2 to 5 key results"),
        ("draft_okr", okr(json!(thirty)), "key_results: has 30 key results; at most 10 are accepted"),
        (
            "draft_okr",
            json!({"objective": huge, "cycle": "2026-Q4", "key_results": ["a"]}),
            "objective: is 102400 characters long; at most 300 are accepted",
        ),
        ("draft_okr", okr(json!([huge])), "key_results[0].statement: is 102400 characters long; at most 500"),
        (
            "draft_okr",
            json!({"objective": "Good\u{0}outcome", "cycle": "2026-Q4", "key_results": ["a"]}),
            "objective: contains the control character U+0000",
        ),
        (
            "draft_okr",
            json!({"objective": "A", "cycle": "2026-Q5", "key_results": ["a"]}),
            "cycle: \"2026-Q5\" is not a cycle; expected a quarter like 2026-Q4",
        ),
        ("draft_okr", json!({"objective": "A", "key_results": ["a"]}), "cycle: is needed to save a draft"),
        (
            "draft_okr",
            okr(json!([{"statement": "Raise x from 1 to 2", "target": "high"}])),
            "key_results[0].target: invalid type: string \"high\", expected f64",
        ),
        ("draft_okr", okr(json!([{"statement": "Raise x from 1 to 2", "tagret": 3}])), "unknown field `tagret`"),
        (
            "draft_okr",
            okr(json!([17])),
            "key_results[0]: invalid type: integer `17`, expected a statement string or an object",
        ),
        (
            "draft_okr",
            okr(json!([{"statement": "Raise x", "weight": -1}])),
            "key_results[0].weight: is -1; a weight above 0",
        ),
        (
            "draft_okr",
            okr(json!([{"statement": "Raise x", "due": "31/12/2026"}])),
            "key_results[0].due: \"31/12/2026\" is not a date",
        ),
        ("draft_okr", okr(json!([{"metric": "M-99", "target": 3}])), "metric: M-99 does not exist"),
        (
            "draft_okr",
            json!({"objective": "A", "cycle": "2026-Q4", "parent": "O-77", "key_results": ["a"]}),
            "parent: O-77 does not exist",
        ),
        (
            "draft_okr",
            json!({"objective": "A", "cycle": "2026-Q4", "parent": "KR-1", "key_results": ["a"]}),
            "parent: \"KR-1\" is not an objective id",
        ),
        ("get_okr", json!({"id": "O-999"}), "id: O-999 does not exist"),
        (
            "get_okr",
            json!({"id": "banana"}),
            "id: \"banana\" is neither an objective id (O-3) nor a key result id (KR-12)",
        ),
        ("get_okr", json!({}), "arguments: missing field `id`"),
        ("list_okrs", json!({"cycle": "next quarter"}), "cycle: \"next quarter\" is not a cycle"),
        ("list_okrs", json!({"limit": 0}), "limit: is 0; 1 to 100 objectives per page"),
        ("list_okrs", json!({"cursor": "%%%"}), "cursor: is not a cursor this server gave out"),
        ("update_okr", json!({"id": "KR-1", "changes": {"target": 70}}), "reason: is needed to move a target"),
        (
            "update_okr",
            json!({"id": "O-1", "changes": {"target": 70}, "reason": "r"}),
            "changes.target: applies to key results, not objectives",
        ),
        (
            "update_okr",
            json!({"id": "O-1", "changes": {"parent": "O-1"}}),
            "changes.parent: O-1 is O-1 itself or one of its descendants",
        ),
        (
            "update_okr",
            json!({"id": "KR-1", "changes": {"status": "finished"}}),
            "changes.status: unknown variant `finished`, expected one of `draft`, `active`, `closed`, `archived`",
        ),
        ("update_okr", json!({"id": "KR-1", "changes": {"weight": 0}}), "changes.weight: is 0"),
        (
            "update_okr",
            json!({"id": "KR-1", "changes": {"level": "company"}}),
            "changes.level: applies to objectives, not key results",
        ),
        ("update_okr", json!({"id": "KR-9", "changes": {"owner": "x"}}), "id: KR-9 does not exist"),
        (
            "add_indicator",
            json!({"key_result": "KR-1", "metric": "Invites", "expected_lag_days": 1000}),
            "expected_lag_days: is 1000; 0 to 365 days",
        ),
        (
            "add_indicator",
            json!({"key_result": "KR-42", "metric": "Invites", "expected_lag_days": 7}),
            "key_result: KR-42 does not exist",
        ),
        (
            "add_indicator",
            json!({"key_result": "KR-1", "metric": "M-50", "expected_lag_days": 7}),
            "metric: M-50 does not exist",
        ),
        (
            "add_indicator",
            json!({"key_result": "KR-1", "metric": "Invites", "expected_lag_days": -3}),
            "expected_lag_days: invalid value: integer `-3`, expected u32",
        ),
        (
            "add_initiative",
            json!({"key_result": "KR-1", "title": "T", "percent_complete": 140}),
            "percent_complete: is 140; 0 to 100",
        ),
        ("add_initiative", json!({"key_result": "KR-1", "title": "", "percent_complete": 10}), "title: is empty"),
        (
            "add_initiative",
            json!({"key_result": "KR-1", "title": "T", "due": "2101-01-01"}),
            "due: 2101-01-01 is out of range",
        ),
    ];
    for (tool, arguments, expected) in cases {
        let message = err(&client, tool, arguments.clone()).await;
        assert!(message.contains(expected), "{tool} {arguments}\n  expected: {expected}\n  got:      {message}");
    }
    assert_eq!(snapshot(&client).await, before, "a refused call changed the store");
    client.cancel().await.unwrap();
}

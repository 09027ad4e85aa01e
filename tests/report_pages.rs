//! A cycle report over MCP comes in pages a model can read; the whole cycle stays a
//! resource and the CLI's report.

mod common;

use common::{connect, err, ok};
use rmcp::model::{ReadResourceRequestParams, ResourceContents};
use serde_json::json;

const TEAMS: [&str; 7] = ["Support", "Billing", "Onboarding", "Search", "Payments", "Mobile", "Growth"];

#[tokio::test]
async fn a_cycle_report_pages_its_objectives_and_the_resource_keeps_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    for team in TEAMS {
        ok(
            &client,
            "draft_okr",
            json!({"objective": format!("{team} customers get answers they trust"), "owner": format!("{team} lead"), "cycle": "2026-Q4",
                   "key_results": ["Raise first-contact resolution from 60% to 75%", "Raise post-contact CSAT from 78% to 85%"]}),
        )
        .await;
    }

    let first = ok(&client, "report", json!({"cycle": "2026-Q4", "as_of": "2026-11-23"})).await;
    assert_eq!(first["objectives_total"], 7);
    let ids = |page: &serde_json::Value| -> Vec<String> {
        page["objectives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["score"]["objective"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&first), ["O-1", "O-2", "O-3"], "three objectives a page unless told");
    assert_eq!(first["next_cursor"], "O-3");
    let markdown = first["markdown"].as_str().unwrap();
    assert!(markdown.contains("Objectives 1 to 3 of 7."), "{markdown}");
    assert!(!markdown.contains("## O-4"), "{markdown}");
    assert_eq!(first["csv"].as_str().unwrap().lines().count(), 1 + 3 * 2, "the page's key results");

    let second = ok(&client, "report", json!({"cycle": "2026-Q4", "cursor": "O-3", "limit": 3})).await;
    assert_eq!(ids(&second), ["O-4", "O-5", "O-6"]);
    assert!(second["markdown"].as_str().unwrap().contains("Objectives 4 to 6 of 7."));
    let last = ok(&client, "report", json!({"cycle": "2026-Q4", "cursor": second["next_cursor"]})).await;
    assert_eq!(ids(&last), ["O-7"]);
    assert!(last.get("next_cursor").is_none(), "the last page has no cursor: {}", last["next_cursor"]);
    let all = ok(&client, "report", json!({"cycle": "2026-Q4", "limit": 50})).await;
    assert_eq!(ids(&all).len(), 7);
    assert!(!all["markdown"].as_str().unwrap().contains("Objectives 1 to"), "a complete report says no page");

    // Bad pages are refused by field, in the tool's words.
    let message = err(&client, "report", json!({"cycle": "2026-Q4", "limit": 51})).await;
    assert!(message.starts_with("limit: is 51; 1 to 50 objectives per page"), "{message}");
    let message = err(&client, "report", json!({"cycle": "2026-Q4", "cursor": "page-2"})).await;
    assert!(message.starts_with("cursor: is not a cursor this server gave out"), "{message}");
    let message = err(&client, "report", json!({"objective": "O-1", "limit": 2})).await;
    assert!(message.starts_with("limit: pages a cycle report"), "{message}");

    // The resource is the whole cycle, for a review document.
    let read = client
        .read_resource(ReadResourceRequestParams::new("grounded://cycle/2026-Q4/report.md".to_string()))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else { panic!("text expected") };
    for n in 1..=7 {
        assert!(text.contains(&format!("## O-{n} ")), "O-{n} missing from the resource");
    }
    client.cancel().await.unwrap();
}

//! `resources/list` names what exists: cycle reports, objectives and key results that
//! are not archived, a page of 100 at a time with a cursor.

mod common;

use common::{connect, ok};
use rmcp::model::{PaginatedRequestParams, ReadResourceRequestParams};
use serde_json::json;

#[tokio::test]
async fn resources_list_pages_through_reports_objectives_and_key_results() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    // An empty workspace lists only the MCP Apps pages.
    let empty = client.list_resources(None).await.unwrap();
    let pages: Vec<&str> = empty.resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(pages, ["ui://grounded/scorecard.html", "ui://grounded/key-result.html", "ui://grounded/why.html"]);
    assert!(empty.next_cursor.is_none(), "{empty:?}");

    for n in 1..=60 {
        let cycle = if n <= 30 { "2026-Q4" } else { "2027-Q1" };
        ok(
            &client,
            "draft_okr",
            json!({"objective": format!("Customers of segment {n} reach value in their first week"),
                   "owner": format!("Owner {n}"), "cycle": cycle,
                   "key_results": [format!("Raise segment {n} week-1 retention from 50% to 65%")]}),
        )
        .await;
    }
    ok(&client, "update_okr", json!({"id": "O-2", "changes": {"status": "archived"}, "reason": "merged into O-1"}))
        .await;

    let mut uris = vec![];
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page =
            client.list_resources(Some(PaginatedRequestParams::default().with_cursor(cursor.clone()))).await.unwrap();
        assert!(page.resources.len() <= 100);
        pages += 1;
        for resource in &page.resources {
            assert!(resource.title.is_some() && resource.mime_type.is_some(), "{resource:?}");
        }
        uris.extend(page.resources.into_iter().map(|r| r.uri));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    // 2 reports + 59 objectives + 59 key results: O-2 and its KR-2 are archived.
    let uris: Vec<String> = uris.into_iter().filter(|uri| !uri.starts_with("ui://")).collect();
    assert_eq!(uris.len(), 2 + 59 + 59, "{uris:?}");
    assert_eq!(uris[0], "grounded://cycle/2026-Q4/report.md");
    assert_eq!(uris[1], "grounded://cycle/2027-Q1/report.md");
    assert_eq!(uris[2], "grounded://objective/O-1");
    assert!(!uris.contains(&"grounded://objective/O-2".to_string()));
    assert!(!uris.contains(&"grounded://key-result/KR-2".to_string()));
    assert_eq!(uris.last().unwrap(), "grounded://key-result/KR-60");
    let mut unique = uris.clone();
    unique.dedup();
    assert_eq!(unique.len(), uris.len(), "no resource is listed twice across pages");

    // Every listed resource can be read.
    for uri in [&uris[0], &uris[2], uris.last().unwrap()] {
        let read = client.read_resource(ReadResourceRequestParams::new(uri.as_str())).await.unwrap();
        assert_eq!(read.contents.len(), 1, "{uri}");
    }

    let bad = client
        .list_resources(Some(PaginatedRequestParams::default().with_cursor(Some("page-2".into()))))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("nextCursor"), "{bad}");
    client.cancel().await.unwrap();
}

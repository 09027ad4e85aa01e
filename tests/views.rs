//! MCP Apps: the pages a host renders beside score, report, get_okr and explain, over
//! a real client. The pages' HTML is tested in a browser by `tests/apps/` (in .ci/run);
//! this file keeps the wiring: the extension declared, each tool linked to a page that
//! resources/read serves, and the data a page draws in the result's `_meta`, for a host
//! that renders apps and for no other client.

mod common;

use std::path::Path;

use common::cli::Grounded;
use common::{call, connect, connect_with};
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation, ReadResourceRequestParams, ResourceContents};
use serde_json::{Value, json};

/// A client that declares it renders MCP Apps, as Claude, VS Code and the other app hosts do.
#[derive(Clone, Default)]
struct AppsHost;

impl rmcp::ClientHandler for AppsHost {
    fn get_info(&self) -> ClientConfig {
        let mut capabilities = ClientCapabilities::default();
        let settings = json!({ "mimeTypes": ["text/html;profile=mcp-app"] });
        capabilities.extensions =
            Some([("io.modelcontextprotocol/ui".to_string(), settings.as_object().cloned().unwrap())].into());
        ClientConfig::new(capabilities, Implementation::new("apps-host", "1.0"))
    }
}

/// The example workspace: OKRs, research, measurements and two links, through the CLI.
fn seed(db: &Path) {
    let root = env!("CARGO_MANIFEST_DIR");
    let steps: [&[&str]; 5] = [
        &["okr", "apply", "examples/okrs.yaml"],
        &["import", "evidence", "examples/evidence/interviews.jsonl"],
        &["import", "evidence", "examples/evidence/observations.jsonl"],
        &["import", "measurements", "examples/measurements.csv"],
        &[
            "link",
            "EV-18",
            "EV-24",
            "KR-2",
            "--relation",
            "explains",
            "--why",
            "both churned at the empty start screen",
        ],
    ];
    let grounded = Grounded::on(db).cwd(root).env("GROUNDED_TZ", "UTC");
    for args in steps {
        let out = grounded.run(args);
        assert!(out.success(), "{args:?}: {}", out.stderr);
    }
}

fn page_data(result: &rmcp::model::CallToolResult) -> Value {
    serde_json::to_value(&result.meta).unwrap()
}

#[tokio::test]
async fn each_answer_tool_links_a_page_the_server_serves() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect_with(dir.path(), AppsHost).await;
    let info = client.peer_info().expect("the server answered initialize");
    let declared = info.capabilities.extensions.as_ref().and_then(|e| e.get("io.modelcontextprotocol/ui"));
    assert!(declared.is_some(), "the ui extension is declared: {:?}", info.capabilities);

    let tools = client.list_all_tools().await.unwrap();
    let mut linked = std::collections::BTreeMap::new();
    for tool in &tools {
        let meta = serde_json::to_value(&tool.meta).unwrap();
        if let Some(uri) = meta.pointer("/ui/resourceUri").and_then(Value::as_str) {
            assert_eq!(meta["ui/resourceUri"], uri, "{}: the flat key the first hosts read", tool.name);
            assert_eq!(tool.annotations.as_ref().and_then(|a| a.read_only_hint), Some(true), "{}", tool.name);
            linked.insert(tool.name.to_string(), uri.to_string());
        }
    }
    let expected: std::collections::BTreeMap<String, String> = [
        ("explain", "ui://grounded/why.html"),
        ("get_okr", "ui://grounded/key-result.html"),
        ("report", "ui://grounded/scorecard.html"),
        ("score", "ui://grounded/scorecard.html"),
    ]
    .into_iter()
    .map(|(t, u)| (t.to_string(), u.to_string()))
    .collect();
    assert_eq!(linked, expected);

    let listed = client.list_resources(None).await.unwrap().resources;
    for uri in ["ui://grounded/scorecard.html", "ui://grounded/key-result.html", "ui://grounded/why.html"] {
        let resource = listed.iter().find(|r| r.uri == uri).unwrap_or_else(|| panic!("{uri} is listed"));
        assert_eq!(resource.mime_type.as_deref(), Some("text/html;profile=mcp-app"));
        let read = client.read_resource(ReadResourceRequestParams::new(uri)).await.unwrap();
        let ResourceContents::TextResourceContents { mime_type, text, meta, .. } = &read.contents[0] else {
            panic!("{uri}: a page is text")
        };
        assert_eq!(mime_type.as_deref(), Some("text/html;profile=mcp-app"));
        assert!(
            text.starts_with("<!-- grounded view, built by views/build.mjs"),
            "{uri}: {}",
            &text[..80.min(text.len())]
        );
        assert!(text.len() < 150_000, "{uri} is {} bytes", text.len());
        // No domain is declared, so the host's CSP lets the page reach nothing.
        let meta = serde_json::to_value(meta).unwrap();
        assert_eq!(meta.pointer("/ui/csp/connectDomains"), Some(&json!([])), "{uri}: {meta}");
    }
    let missing = client.read_resource(ReadResourceRequestParams::new("ui://grounded/nothing.html")).await;
    let message = missing.expect_err("an unknown page is refused").to_string();
    assert!(message.contains("ui://grounded/scorecard.html"), "the refusal names the pages served: {message}");
}

#[tokio::test]
async fn a_host_that_renders_apps_gets_the_data_its_pages_draw() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    seed(&db);
    let host = connect_with(&db, AppsHost).await;

    // The scorecard of a cycle lists every key result (the structured answer names only
    // those needing attention), each with its line and evidence count.
    let cycle = call(&host, "score", json!({"subject": "2026-Q4", "as_of": "2026-11-23"})).await;
    let meta = page_data(&cycle);
    let objectives = meta["grounded/objectives"].as_array().expect("objectives for the scorecard");
    assert_eq!(objectives.len(), 4, "{meta}");
    let kr1 = &objectives[0]["key_results"][0];
    assert_eq!((kr1["key_result"].as_str(), kr1["status"].as_str()), (Some("KR-1"), Some("off_track")));
    assert_eq!(meta["grounded/evidence"]["KR-2"], 2, "EV-18 and EV-24 are linked to KR-2");
    let line = &meta["grounded/sparklines"]["KR-1"];
    assert_eq!((&line["unit"]["kind"], &line["target"]), (&json!("percent"), &json!(65.0)));
    let last = line["values"].as_array().unwrap().last().unwrap();
    assert_eq!(last, &json!(["2026-11-19", kr1["current"]["value"]]), "the line ends at the value the score reads");
    assert!(meta.get("grounded/charts").is_none(), "a scorecard sends lines, not whole charts");

    // get_okr of a key result opens the page on it.
    let okr = call(&host, "get_okr", json!({"id": "KR-2"})).await;
    assert_eq!(meta_of(&okr, "grounded/focus"), json!("KR-2"));
    let charts = meta_of(&okr, "grounded/charts");
    let chart = charts.as_array().unwrap().iter().find(|c| c["key_result"] == "KR-2").expect("KR-2's chart");
    assert_eq!((chart["cycle_start"].as_str(), chart["cycle_end"].as_str()), (Some("2026-10-01"), Some("2026-12-31")));
    assert!(chart["values"][0]["interval"]["low"].is_number(), "the page's chart has each value's interval");
    // Opened from the scorecard, as of its day, a key result reads as its row does.
    let opened = call(&host, "get_okr", json!({"id": "KR-2", "as_of": "2026-11-23"})).await;
    let line = &opened.structured_content.as_ref().unwrap()["key_results"][1];
    assert_eq!((line["id"].as_str(), line["pace"].as_str()), (Some("KR-2"), Some("off_track")), "{line}");
    let last = meta_of(&opened, "grounded/charts")[1]["values"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(last["day"], "2026-11-19");
    let refused = common::err(&host, "get_okr", json!({"id": "KR-2", "as_of": "last week"})).await;
    assert!(refused.contains("as_of"), "{refused}");
    assert_eq!(okr.structured_content.as_ref().unwrap()["id"], "O-1", "the answer is still the objective");

    // explain: the slipped key result's chart with the slip shaded, and where each cited
    // quote came from.
    let why = call(&host, "explain", json!({"question": "why did activation slip?", "as_of": "2026-11-23"})).await;
    let answer = why.structured_content.clone().unwrap();
    let meta = page_data(&why);
    let chart = &meta["grounded/charts"][0];
    assert_eq!(chart["key_result"], answer["slip"]["key_result"]);
    assert!(chart["slip"]["change"].as_f64().unwrap() < 0.0, "{chart}");
    let cited = answer["evidence"][0]["id"].as_str().unwrap();
    assert!(meta["grounded/sources"][cited].is_object(), "{cited}'s source: {meta}");
}

fn meta_of(result: &rmcp::model::CallToolResult, key: &str) -> Value {
    page_data(result).get(key).cloned().unwrap_or(Value::Null)
}

/// A client that lists the extensions it supports, and MCP Apps is not among them.
#[derive(Clone, Default)]
struct NoApps;

impl rmcp::ClientHandler for NoApps {
    fn get_info(&self) -> ClientConfig {
        let mut capabilities = ClientCapabilities::default();
        capabilities.extensions = Some([("com.example/other".to_string(), serde_json::Map::new())].into());
        ClientConfig::new(capabilities, Implementation::new("no-apps", "1.0"))
    }
}

#[tokio::test]
async fn a_client_without_apps_gets_the_answer_it_got_before() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    seed(&db);
    let without = connect_with(&db, NoApps).await;
    let host = connect_with(&db, AppsHost).await;
    // A client that declares no extensions may be a host that renders apps without
    // saying so (VS Code): it gets the pages' data.
    let silent = connect(&db).await;
    for (tool, arguments) in [
        ("score", json!({"subject": "2026-Q4", "as_of": "2026-11-23"})),
        ("get_okr", json!({"id": "KR-1"})),
        ("explain", json!({"question": "why did activation slip?", "as_of": "2026-11-23"})),
        ("report", json!({"cycle": "2026-Q4", "as_of": "2026-11-23"})),
    ] {
        let before = call(&without, tool, arguments.clone()).await;
        let with_apps = call(&host, tool, arguments.clone()).await;
        assert!(before.meta.is_none(), "{tool}: no _meta for a client without apps");
        assert!(with_apps.meta.is_some(), "{tool}: the page's data for a host with apps");
        assert_eq!(before.structured_content, with_apps.structured_content, "{tool}: the answer itself is the same");
        assert_eq!(before.content.len(), with_apps.content.len(), "{tool}: text and chart stay");
        assert!(call(&silent, tool, arguments).await.meta.is_some(), "{tool}: a client that declares nothing");
    }
}

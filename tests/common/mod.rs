//! A real MCP client (rmcp) driving the built `grounded` binary over stdio; [`cli`]
//! runs it from a terminal and [`http`] plays the web servers it fetches from.

#![allow(dead_code)]

pub mod cli;
pub mod http;

use std::path::Path;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;

pub type Client = RunningService<RoleClient, ()>;

/// A progress notification as received: position, total, message.
pub type Note = (f64, Option<f64>, String);

/// A client handler that keeps the progress notifications it receives.
#[derive(Clone, Default)]
pub struct ProgressNotes(pub std::sync::Arc<std::sync::Mutex<Vec<Note>>>);

impl rmcp::ClientHandler for ProgressNotes {
    async fn on_progress(
        &self,
        params: rmcp::model::ProgressNotificationParam,
        _context: rmcp::service::NotificationContext<RoleClient>,
    ) {
        self.0.lock().unwrap().push((params.progress, params.total, params.message.unwrap_or_default()));
    }
}

/// Calls a tool with a progress token; tool errors come back as results.
pub async fn call_reporting<H: rmcp::ClientHandler>(
    client: &RunningService<RoleClient, H>,
    tool: &str,
    arguments: Value,
) -> CallToolResult {
    let mut meta = rmcp::model::RequestMetaObject::default();
    meta.set_progress_token(rmcp::model::ProgressToken(rmcp::model::NumberOrString::String(tool.into())));
    let mut params = CallToolRequestParams::new(tool.to_string())
        .with_arguments(arguments.as_object().cloned().expect("arguments are an object"));
    params.meta = Some(meta);
    client.call_tool(params).await.expect("the call is answered")
}

/// Starts `grounded serve --db <db>` and connects to it.
pub async fn connect(db: &Path) -> Client {
    connect_with(db, ()).await
}

/// The same, with a client handler of the test's own (to receive notifications).
pub async fn connect_with<H: rmcp::ClientHandler>(db: &Path, handler: H) -> RunningService<RoleClient, H> {
    connect_env(db, handler, &[]).await
}

/// The same, with extra environment variables for the server (an allowlist, a token).
pub async fn connect_env<H: rmcp::ClientHandler>(
    db: &Path,
    handler: H,
    env: &[(&str, &str)],
) -> RunningService<RoleClient, H> {
    let transport =
        TokioChildProcess::new(tokio::process::Command::new(env!("CARGO_BIN_EXE_grounded")).configure(|cmd| {
            cmd.arg("serve")
                .arg("--db")
                .arg(db)
                .env("GROUNDED_USER", "e2e-tester")
                .env("GROUNDED_FETCH_TIMEOUT_MS", "700")
                // Days in one known zone, whatever the machine's (a test may set its own).
                .env("GROUNDED_TZ", "UTC")
                .env_remove("GROUNDED_ALLOWED_HOSTS");
            for (name, value) in env {
                cmd.env(name, value);
            }
        }))
        .expect("the grounded binary starts");
    handler.serve(transport).await.expect("the MCP handshake succeeds")
}

/// A file of the example workspace, by absolute path.
pub fn example(relative: &str) -> String {
    format!("{}/examples/{relative}", env!("CARGO_MANIFEST_DIR"))
}

/// Calls a tool; protocol-level failures panic, tool errors come back as results.
pub async fn call<H: rmcp::ClientHandler>(
    client: &RunningService<RoleClient, H>,
    tool: &str,
    arguments: Value,
) -> CallToolResult {
    let arguments = arguments.as_object().cloned().expect("arguments are an object");
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("{tool} failed at the protocol level: {e}"))
}

/// Calls a tool that must succeed; returns its structured content.
pub async fn ok<H: rmcp::ClientHandler>(client: &RunningService<RoleClient, H>, tool: &str, arguments: Value) -> Value {
    let result = call(client, tool, arguments).await;
    assert_ne!(result.is_error, Some(true), "{tool} returned an error: {}", text(&result));
    result.structured_content.unwrap_or_else(|| panic!("{tool} returned no structured content"))
}

/// Calls a tool that must fail as a tool error; returns the error text.
pub async fn err<H: rmcp::ClientHandler>(
    client: &RunningService<RoleClient, H>,
    tool: &str,
    arguments: Value,
) -> String {
    let result = call(client, tool, arguments).await;
    assert_eq!(result.is_error, Some(true), "{tool} should have failed but returned {:?}", result.structured_content);
    text(&result)
}

pub fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
}

/// The rules that came out with `status` (optionally only for `subject`).
pub fn rules_with(check: &Value, status: &str, subject: Option<&str>) -> Vec<String> {
    check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == status && subject.is_none_or(|s| f["subject"] == s))
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Drafts the example activation objective (O-1 with KR-1 retention, KR-2 the leading
/// first-project share, KR-3 onboarding satisfaction) in 2026-Q4.
pub async fn draft_activation<H: rmcp::ClientHandler>(client: &RunningService<RoleClient, H>) {
    ok(
        client,
        "draft_okr",
        serde_json::json!({"objective": "New customers reach lasting value in their first week", "owner": "Maya Chen", "cycle": "2026-Q4",
               "key_results": ["Raise week-1 to month-3 retention from 50% to 65%",
                               {"statement": "Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%", "role": "leading"},
                               "Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1"]}),
    )
    .await;
}

/// The built binary serving `db` over stdio, driven with raw JSON-RPC lines: for what a
/// client library hides (malformed lines, many calls in flight, a kill mid-stream).
pub struct RawServer {
    pub child: tokio::process::Child,
    pub stdin: tokio::process::ChildStdin,
    pub lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

/// Starts `grounded serve --db <db>` and completes the MCP handshake by hand.
pub async fn raw_server(db: &Path) -> RawServer {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_grounded"))
        .arg("serve")
        .arg("--db")
        .arg(db)
        .env("GROUNDED_USER", "raw-client")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the grounded binary starts");
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let initialize = serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}});
    stdin.write_all(format!("{initialize}\n").as_bytes()).await.unwrap();
    let answer: Value = serde_json::from_str(&lines.next_line().await.unwrap().expect("initialize answered")).unwrap();
    assert_eq!(answer["id"], 0, "{answer}");
    stdin.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n").await.unwrap();
    RawServer { child, stdin, lines }
}

/// One JSON-RPC request as a line.
pub fn request_line(id: u64, method: &str, params: Value) -> String {
    format!("{}\n", serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
}

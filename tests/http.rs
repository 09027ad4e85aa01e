//! `grounded serve --http` driven as a team would: rmcp's streamable HTTP client with
//! bearer tokens made by `grounded token add`, and raw HTTP requests (reqwest) for the
//! refusals a client library would not send: no token, a wrong one, a foreign Origin
//! or Host, an oversized body.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use common::cli::{Grounded, Ran};
use common::{err, ok};
use rmcp::model::{PaginatedRequestParams, ReadResourceRequestParams};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt, service::RunningService};
use serde_json::{Value, json};

/// `grounded` as the server's operator runs it on `db`.
fn operator(db: &Path) -> Grounded {
    Grounded::on(db).env("GROUNDED_USER", "server-operator")
}

fn grounded(db: &Path, args: &[&str]) -> Ran {
    operator(db).run(args)
}

/// `grounded token add NAME`: the token, printed alone on stdout.
fn add_token(db: &Path, name: &str, read_only: bool) -> String {
    let mut args = vec!["token", "add", name];
    if read_only {
        args.push("--read-only");
    }
    let output = grounded(db, &args);
    assert!(output.success(), "{}", output.stderr);
    let token = output.stdout.trim().to_string();
    assert!(token.starts_with("grd_"), "{token}");
    token
}

/// A running `serve --http 127.0.0.1:0`, killed on drop.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    base: String,
}

impl Server {
    fn start(db: &Path) -> Server {
        // The HTTP clients below (rmcp's and reqwest's) need the process's TLS provider.
        grounded::fetch::tls::install();
        let mut child = operator(db)
            .command(&["serve", "--http", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // The port the system chose, from the line the server prints once it listens.
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("the server prints where it listens before exiting").unwrap();
            if let Some(rest) = line.strip_prefix("grounded: listening on ") {
                break rest.trim_end_matches("/mcp").to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }

    fn mcp(&self) -> String {
        format!("{}/mcp", self.base)
    }

    async fn client(&self, token: Option<&str>) -> RunningService<RoleClient, ()> {
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.mcp());
        if let Some(token) = token {
            config = config.auth_header(token);
        }
        ().serve(StreamableHttpClientTransport::from_config(config))
            .await
            .expect("the MCP handshake over HTTP succeeds")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
           "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
}

/// A raw POST to /mcp as a non-rmcp client would send it.
fn post(server: &Server) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(server.mcp())
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
}

/// Sends only the head of a POST declaring `length` bytes of body; the status and body
/// of the answer.
async fn raw_head(server: &Server, token: &str, length: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let authority = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

fn okr() -> Value {
    json!({"objective": "New customers reach lasting value in their first week", "owner": "Maya Chen",
           "cycle": "2026-Q4", "key_results": ["Raise week-1 to month-3 retention from 50% to 65%"]})
}

#[tokio::test]
async fn a_token_calls_tools_and_its_name_is_the_author_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let maya = add_token(dir.path(), "Maya Chen", false);
    let server = Server::start(dir.path());
    let client = server.client(Some(&maya)).await;

    let drafted = ok(&client, "draft_okr", okr()).await;
    assert_eq!(drafted["objective_id"], "O-1");
    let detail = ok(&client, "get_okr", json!({"id": "O-1", "detail": "full"})).await;
    let history = detail["full"]["history"].as_array().unwrap();
    assert!(!history.is_empty());
    assert!(
        history.iter().all(|e| e["author"] == "Maya Chen"),
        "every change is made under the token's name, not the server's GROUNDED_USER: {history:?}"
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_read_only_token_reads_but_is_refused_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let writer = add_token(dir.path(), "Maya Chen", false);
    let viewer = add_token(dir.path(), "viewer", true);
    let server = Server::start(dir.path());
    let maya = server.client(Some(&writer)).await;
    ok(&maya, "draft_okr", okr()).await;

    let client = server.client(Some(&viewer)).await;
    let refused = err(&client, "draft_okr", okr()).await;
    assert!(refused.starts_with("draft_okr changes the database"), "{refused}");
    assert!(refused.contains("\"viewer\" is read-only"), "{refused}");
    assert!(refused.contains("get_okr"), "it names what the token may call: {refused}");
    let update = err(&client, "update_okr", json!({"id": "O-1", "changes": {"title": "x"}})).await;
    assert!(update.contains("read-only"), "{update}");

    // It is offered only what it may call.
    let listed = client.list_all_tools().await.unwrap();
    assert!(listed.iter().any(|t| t.name == "get_okr"));
    assert!(
        listed.iter().all(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true)),
        "a read-only token lists only read-only tools: {:?}",
        listed.iter().map(|t| t.name.to_string()).collect::<Vec<_>>()
    );
    assert!(maya.list_all_tools().await.unwrap().iter().any(|t| t.name == "draft_okr"));

    // Reads: tools, resources, prompts.
    let detail = ok(&client, "get_okr", json!({"id": "O-1"})).await;
    assert_eq!(detail["id"], "O-1");
    ok(&client, "check_okr", okr()).await;
    let listed = client.list_resources(Some(PaginatedRequestParams::default())).await.unwrap();
    assert!(listed.resources.iter().any(|r| r.uri == "grounded://objective/O-1"), "{listed:?}");
    let read = client.read_resource(ReadResourceRequestParams::new("grounded://objective/O-1")).await.unwrap();
    assert_eq!(read.contents.len(), 1);
    assert!(!client.list_all_prompts().await.unwrap().is_empty());

    // Nothing the viewer tried was written.
    let after = ok(&maya, "list_okrs", json!({})).await;
    assert_eq!(after["objectives"].as_array().unwrap().len(), 1, "{after}");
    client.cancel().await.unwrap();
    maya.cancel().await.unwrap();
}

#[tokio::test]
async fn no_token_or_a_wrong_one_is_401_with_a_bearer_challenge() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_token(dir.path(), "Maya Chen", false);
    let server = Server::start(dir.path());

    let missing = post(&server).json(&initialize()).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let challenge = missing.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.starts_with("Bearer realm=\"grounded\""), "{challenge}");
    let body: Value = missing.json().await.unwrap();
    assert!(body["how_to_get_a_token"].as_str().unwrap().contains("grounded token add"), "{body}");

    let wrong = post(&server).bearer_auth("grd_not-a-real-token").json(&initialize()).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let challenge = wrong.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");

    // The same request with the token goes through.
    let good = post(&server).bearer_auth(&token).json(&initialize()).send().await.unwrap();
    assert_eq!(good.status(), 200);

    // rmcp's client sees the 401 as a failed handshake, not a hang.
    let transport =
        StreamableHttpClientTransport::from_config(StreamableHttpClientTransportConfig::with_uri(server.mcp()));
    assert!(().serve(transport).await.is_err(), "a client without a token does not get in");

    // /healthz needs no token: a load balancer probes it.
    let health = reqwest::get(format!("{}/healthz", server.base)).await.unwrap();
    assert_eq!(health.status(), 200);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["ok"], true);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn a_foreign_origin_or_host_is_403_and_a_large_body_413() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_token(dir.path(), "Maya Chen", false);
    let server = Server::start(dir.path());

    let foreign = post(&server)
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403, "a page from another site may not call a local server");
    let local = post(&server)
        .bearer_auth(&token)
        .header("origin", "http://localhost:5173")
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), 200, "loopback origins are allowed by default");

    // DNS rebinding: a name that resolves to 127.0.0.1 but is not a loopback name.
    let rebound = post(&server)
        .bearer_auth(&token)
        .header("host", "attacker.example:7420")
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);

    // A 5 MB body, over the 4 MB default cap, is refused from its Content-Length alone,
    // before a byte of it is read: the request head is sent and the answer read back
    // (a client still writing the body when the server closes would see a broken pipe).
    let (status, body) = raw_head(&server, &token, 5 * 1024 * 1024).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("by path or URL"), "{body}");

    // A body streamed in chunks, with no Content-Length to check up front: the cap
    // holds while it is read. Just over the cap, so the client has written it all by the
    // time the server answers (a larger one races the server closing the connection).
    let mut over = initialize();
    over["params"]["clientInfo"]["name"] = json!("");
    let padding = 4 * 1024 * 1024 + 1 - over.to_string().len();
    over["params"]["clientInfo"]["name"] = json!("x".repeat(padding));
    let bytes = over.to_string().into_bytes();
    assert_eq!(bytes.len(), 4 * 1024 * 1024 + 1);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let streamed =
        post(&server).bearer_auth(&token).body(reqwest::Body::wrap_stream(tokio_stream::iter(chunks))).send().await;
    assert_eq!(streamed.unwrap().status(), 413);
}

#[tokio::test]
async fn a_revoked_token_is_401_and_the_list_never_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_token(dir.path(), "ci-bot", true);
    let listed = grounded(dir.path(), &["token", "list"]);
    let text = &listed.stdout;
    assert!(text.contains("ci-bot\tread-only\tmade "), "{text}");
    assert!(!text.contains(&token[4..]), "the list shows no secret: {text}");

    let again = grounded(dir.path(), &["token", "add", "CI-BOT"]);
    assert_eq!(again.code, Some(2));
    assert!(again.stderr.contains("revoke it first"));

    {
        let server = Server::start(dir.path());
        let accepted = post(&server).bearer_auth(&token).json(&initialize()).send().await.unwrap();
        assert_eq!(accepted.status(), 200);
    }
    // One process owns the database: revoke while the server is stopped.
    let revoked = grounded(dir.path(), &["token", "revoke", "ci-bot"]);
    assert!(revoked.success(), "{}", revoked.stderr);
    let unknown = grounded(dir.path(), &["token", "revoke", "ci-bot"]);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr.contains("grounded token list"));
    // Another token keeps the server closed; the revoked one is refused.
    add_token(dir.path(), "Maya Chen", false);
    let server = Server::start(dir.path());
    let refused = post(&server).bearer_auth(&token).json(&initialize()).send().await.unwrap();
    assert_eq!(refused.status(), 401, "a revoked token no longer works");
}

#[tokio::test]
async fn loopback_without_tokens_is_open_and_writes_as_the_servers_user() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let client = server.client(None).await;
    ok(&client, "draft_okr", okr()).await;
    let detail = ok(&client, "get_okr", json!({"id": "O-1", "detail": "full"})).await;
    assert_eq!(detail["full"]["history"][0]["author"], "server-operator");
    client.cancel().await.unwrap();
}

#[test]
fn a_non_loopback_address_without_tokens_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = grounded(dir.path(), &["serve", "--http", "0.0.0.0:0"]);
    assert_eq!(output.code, Some(2));
    let message = &output.stderr;
    assert!(message.contains("refusing to serve 0.0.0.0:0 without tokens"), "{message}");
    assert!(message.contains("grounded token add NAME"), "it says what to do: {message}");
}

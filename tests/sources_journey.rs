//! Metric sources end to end: a local HTTP server started by the test plays a JSON
//! endpoint and a Prometheus server; grounded attaches, pulls (with a token from its
//! environment), retries a flaky endpoint, gives up on a silent one, refuses an HTML
//! page and a host outside the allowlist, and keeps the sources across a restart
//! without ever storing the token.

mod common;

use common::cli::Grounded;
use common::http::{Reply, Request, reply, serve};
use common::{Client, connect_env, draft_activation, err, ok};
use serde_json::{Value, json};

/// 2026-11-01, 02 and 03 at midnight UTC, in Unix seconds.
const NOV_1: i64 = 1_793_491_200;
const DAY: i64 = 86_400;

/// The test's JSON endpoints and Prometheus server, by path; `None` never answers (the
/// timeout case).
fn route(request: &Request) -> Option<Reply> {
    let (authorization, times_seen) = (request.authorization.as_deref(), request.times_seen);
    let json = "application/json";
    Some(match request.path.as_str() {
        "/activation.json" => reply(
            "200 OK",
            json,
            r#"{"data": {"rate": "52.5", "n": 400, "at": "2026-11-02T00:00:00Z"}, "generated": "now"}"#,
        ),
        "/flaky.json" if times_seen == 1 => reply("503 Service Unavailable", "text/plain", "busy"),
        "/flaky.json" => reply("200 OK", json, r#"{"satisfaction": 3.9}"#),
        "/login" => reply("200 OK", "text/html; charset=utf-8", "<!doctype html><title>Sign in</title>"),
        "/silent.json" => return None,
        "/nps.csv" if authorization != Some("Bearer survey-secret") => reply("401 Unauthorized", "text/plain", "no token"),
        // A survey that keeps running: its first twelve responses, then all sixteen.
        "/nps.csv" => reply("200 OK", "text/csv", &survey_export(if times_seen == 1 { 12 } else { 16 })),
        "/api/v1/query_range" | "/api/v1/query" if authorization != Some("Bearer secret-token") => {
            reply("401 Unauthorized", json, r#"{"status": "error", "errorType": "unauthorized", "error": "no token"}"#)
        }
        "/api/v1/query_range" => reply(
            "200 OK",
            json,
            &json!({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [
                [NOV_1, "0.41"], [NOV_1 + DAY, "NaN"], [NOV_1 + 2 * DAY, "0.43"]]}]}})
            .to_string(),
        ),
        "/api/v1/query" => reply(
            "200 OK",
            json,
            &json!({"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [NOV_1 + 3 * DAY, "0.44"]}]}}).to_string(),
        ),
        _ => reply("404 Not Found", "text/plain", "no such path"),
    })
}

/// The Qualtrics export of examples/exports with its first `responses` responses: each
/// starts a line with its date (an answer's quoted newline does not).
fn survey_export(responses: usize) -> String {
    let text =
        std::fs::read_to_string(format!("{}/examples/exports/qualtrics_choice_text.csv", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let starts: Vec<usize> = text.match_indices("\n2026-").map(|(i, _)| i + 1).collect();
    match starts.get(responses) {
        Some(end) => text[..*end].to_string(),
        None => text,
    }
}

async fn start(db: &std::path::Path) -> Client {
    connect_env(
        db,
        (),
        &[
            ("GROUNDED_ALLOWED_HOSTS", "127.0.0.1"),
            ("PROM_TOKEN", "secret-token"),
            ("SURVEY_TOKEN", "survey-secret"),
            ("GROUNDED_FETCH_ATTEMPTS", "2"),
        ],
    )
    .await
}

fn pull_of<'a>(synced: &'a Value, source: &str) -> &'a Value {
    synced["pulls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source"] == source)
        .unwrap_or_else(|| panic!("no pull of {source}: {synced}"))
}

#[tokio::test]
async fn sources_are_pulled_retried_refused_and_kept_without_their_token() {
    let server = serve(route).await;
    let base = &server.base;
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path()).await;
    draft_activation(&client).await;

    // A JSON endpoint and a Prometheus server, attached and pulled in one call, with
    // Prometheus history from November 1st.
    let synced = ok(
        &client,
        "sync_sources",
        json!({"attach": [
            {"metric": "KR-1", "url": format!("{base}/activation.json"), "pointer": "/data/rate", "n_pointer": "/data/n", "at_pointer": "/data/at"},
            {"metric": "M-2", "url": base, "query": "sum(first_project_7d) / sum(signups)", "token_env": "PROM_TOKEN", "multiply": 100}
        ], "from": "2026-11-01"}),
    )
    .await;
    assert_eq!(synced["attached"], json!(["SRC-1", "SRC-2"]));
    assert_eq!(synced["failed"], 0, "{synced}");
    let json_pull = pull_of(&synced, "SRC-1");
    assert_eq!((json_pull["recorded"].as_u64(), json_pull["attempts"].as_u64()), (Some(1), Some(1)));
    assert_eq!(json_pull["latest"], json!({"at": "2026-11-02T00:00:00Z", "value": 52.5}));
    let prometheus = pull_of(&synced, "SRC-2");
    assert_eq!((prometheus["recorded"].as_u64(), prometheus["skipped"].as_u64()), (Some(2), Some(1)), "NaN is skipped");
    assert_eq!(prometheus["latest"]["value"], 43.0, "0.43 x 100");
    assert_eq!(server.authorizations(), ["Bearer secret-token"], "the token went only to the source naming it");

    // The pulled values are measurements the score rests on, with their n.
    let kr = ok(&client, "score", json!({"subject": "KR-1", "as_of": "2026-11-03"})).await["key_result"].clone();
    assert_eq!(kr["current"]["value"], 52.5);
    assert_eq!(kr["current"]["n"], 400);
    let leading = ok(&client, "score", json!({"subject": "KR-2", "as_of": "2026-11-03"})).await["key_result"].clone();
    assert_eq!(leading["current"]["value"], 43.0);
    assert_eq!(leading["measurements"], 2);

    // A flaky endpoint is retried; a silent one gives up after its attempts; an HTML
    // page is not retried. Each failure stores nothing and does not stop the others.
    let synced = ok(
        &client,
        "sync_sources",
        json!({"attach": [
            {"metric": "M-3", "url": format!("{base}/flaky.json"), "pointer": "/satisfaction"},
            {"metric": "M-3", "url": format!("{base}/silent.json"), "pointer": "/satisfaction"},
            {"metric": "M-3", "url": format!("{base}/login"), "pointer": "/satisfaction"}
        ]}),
    )
    .await;
    assert_eq!(synced["attached"], json!(["SRC-3", "SRC-4", "SRC-5"]));
    assert_eq!(synced["failed"], 2, "{synced}");
    let flaky = pull_of(&synced, "SRC-3");
    assert_eq!((flaky["ok"].as_bool(), flaky["attempts"].as_u64()), (Some(true), Some(2)), "{flaky}");
    let silent = pull_of(&synced, "SRC-4")["error"].as_str().unwrap().to_string();
    assert!(silent.contains("no answer within 700 ms (after 2 attempts)"), "{silent}");
    let html = pull_of(&synced, "SRC-5")["error"].as_str().unwrap().to_string();
    assert!(html.contains("answered an HTML page"), "{html}");
    assert_eq!(server.requests("/silent.json"), 2);
    assert_eq!(server.requests("/login"), 1);
    // The other sources were pulled again in that call (every source by default).
    assert_eq!(pull_of(&synced, "SRC-1")["ok"], true);
    assert_eq!(pull_of(&synced, "SRC-1")["replaced"], 0, "the same value at the same time is not a replacement");

    // A host outside the allowlist is refused by field, and nothing is attached.
    let port = server.port;
    let refused = err(
        &client,
        "sync_sources",
        json!({"attach": [{"metric": "M-3", "url": format!("http://localhost:{port}/activation.json"), "pointer": "/x"}]}),
    )
    .await;
    assert!(
        refused.starts_with("attach[0].url: localhost is not on the host allowlist (allowed: 127.0.0.1)"),
        "{refused}"
    );
    let refused =
        err(&client, "sync_sources", json!({"attach": [{"metric": "M-3", "url": "https://stats.example.com/x", "pointer": "/x", "token_env": "secret value"}]}))
            .await;
    assert!(refused.contains("stats.example.com is not on the host allowlist"), "{refused}");
    let listed = ok(&client, "sync_sources", json!({"pull": false, "detach": ["SRC-4", "SRC-5"]})).await;
    assert_eq!(listed["sources"].as_array().unwrap().len(), 3);
    assert_eq!(listed["pulls"], json!([]));
    client.cancel().await.unwrap();

    // After a restart the sources and their last pull are there; the token never was.
    let client = start(dir.path()).await;
    let listed = ok(&client, "sync_sources", json!({"pull": false})).await;
    let prometheus = listed["sources"].as_array().unwrap().iter().find(|s| s["id"] == "SRC-2").unwrap().clone();
    assert_eq!(prometheus["token_env"], "PROM_TOKEN");
    assert_eq!(prometheus["last_pull"]["ok"], true);
    client.cancel().await.unwrap();

    // `grounded sync` from cron: every source pulled, exit 0; a failing pull exits 1.
    let sync = Grounded::on(dir.path())
        .args(&["sync"])
        .env("GROUNDED_ALLOWED_HOSTS", "127.0.0.1")
        .env("PROM_TOKEN", "secret-token")
        .env("GROUNDED_FETCH_TIMEOUT_MS", "500")
        .env("GROUNDED_FETCH_ATTEMPTS", "1");
    let run = |args: Vec<String>| {
        let sync = sync.clone();
        async move {
            let run = move || sync.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
            let done = tokio::task::spawn_blocking(run).await.unwrap();
            (done.code, done.stdout)
        }
    };
    let (code, out) = run(vec![]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("0 of 3 pulls failed"), "{out}");
    let args = ["--add-json", &format!("{base}/login"), "--pointer", "/x", "--metric", "M-3"];
    let (code, out) = run(args.iter().map(|a| a.to_string()).collect()).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("Attached SRC-6.") && out.contains("FAILED SRC-6") && out.contains("1 of 4 pulls failed"),
        "{out}"
    );
    for file in walk(dir.path()).into_iter().filter(|f| f.is_file()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!bytes.windows(12).any(|w| w == b"secret-token"), "the token was written to {}", file.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn bad_sources_are_refused_by_field_and_nothing_is_attached() {
    let server = serve(route).await;
    let base = &server.base;
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path()).await;
    draft_activation(&client).await;
    let cases = [
        (
            json!({"attach": [{"metric": "M-1", "url": format!("{base}/a"), "pointer": "/a", "query": "up"}]}),
            "attach[0].query: give pointer",
        ),
        (json!({"attach": [{"metric": "M-1", "url": format!("{base}/a")}]}), "attach[0].pointer: is needed"),
        (
            json!({"attach": [{"metric": "M-1", "url": format!("{base}/a"), "pointer": "data"}]}),
            "attach[0].pointer: \"data\" is not a JSON pointer",
        ),
        (
            json!({"attach": [{"metric": "M-99", "url": format!("{base}/a"), "pointer": "/a"}]}),
            "attach[0].metric: M-99 does not exist",
        ),
        (
            json!({"attach": [{"metric": "M-1", "url": "ftp://127.0.0.1/a", "pointer": "/a"}]}),
            "attach[0].url: \"ftp://127.0.0.1/a\" must start with http:// or https://",
        ),
        (
            json!({"attach": [{"metric": "M-1", "url": format!("{base}/a"), "pointer": "/a", "token_env": "Bearer abc.def"}]}),
            "attach[0].token_env: \"Bearer abc.def\" is not an environment variable name",
        ),
        (
            json!({"attach": [{"metric": "M-1", "url": format!("{base}/a"), "pointer": "/a", "multiply": 0}]}),
            "attach[0].multiply: is 0",
        ),
        (
            json!({"attach": [{"metric": "M-1", "url": base, "query": "up", "n_pointer": "/n"}]}),
            "attach[0].n_pointer: n_pointer and at_pointer apply to JSON endpoints",
        ),
        (json!({"detach": ["SRC-7"]}), "detach[0]: SRC-7 does not exist"),
        (json!({"sources": ["SRC-1"]}), "sources[0]: SRC-1 does not exist"),
        (json!({"from": "2026-11-01"}), "attach: no sources are attached"),
        (json!({"from": "2099-01-01"}), "from: 2099-01-01T00:00:00Z is not in the past"),
        (json!({"from": "2020-01-01", "step_hours": 1}), "from: asks for"),
        (json!({"step_hours": 0}), "step_hours: is 0; 1 to 744"),
        (
            json!({"attach": [{"metric": "M-1", "url": format!("{base}/a"), "pointer": "/a", "secret": "x"}]}),
            "unknown field `secret`",
        ),
    ];
    for (arguments, expected) in cases {
        let message = err(&client, "sync_sources", arguments.clone()).await;
        assert!(message.contains(expected), "{arguments} gave {message:?}, expected {expected:?}");
    }
    let listed = ok(&client, "sync_sources", json!({"pull": false})).await;
    assert_eq!(listed["sources"], json!([]));
    // A value the metric's scale refuses (a ratio pulled into a % metric without
    // multiply is fine; 150 is not) fails that pull and stores nothing.
    let synced = ok(
        &client,
        "sync_sources",
        json!({"attach": [{"metric": "M-1", "url": format!("{base}/activation.json"), "pointer": "/data/n"}]}),
    )
    .await;
    let error = synced["pulls"][0]["error"].as_str().unwrap();
    assert!(error.contains("400 is not a percentage"), "{error}");
    let kr = ok(&client, "score", json!({"subject": "KR-1"})).await["key_result"].clone();
    assert_eq!(kr["status"], "pending", "{kr}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_survey_that_keeps_running_is_pulled_again_and_updated_never_duplicated() {
    let server = serve(route).await;
    let base = &server.base;
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path()).await;
    let url = format!("{base}/nps.csv");
    let refused = err(&client, "sync_sources", json!({"attach_feeds": [{"url": url, "token_env": "HOME"}]})).await;
    assert!(refused.contains("attach_feeds[0].token_env: HOME does not match"), "{refused}");

    // Twelve responses: September's eight and four of October, month by month.
    let first = ok(
        &client,
        "sync_sources",
        json!({"attach_feeds": [{"url": url, "token_env": "SURVEY_TOKEN", "study": "Always-on NPS"}]}),
    )
    .await;
    assert_eq!(first["attached_feeds"], json!(["FEED-1"]), "{first}");
    let pull = &first["feed_pulls"][0];
    assert_eq!((pull["ok"].as_bool(), pull["created"].as_u64()), (Some(true), Some(20)), "{first}");
    assert_eq!(first["failed"], 0);
    assert!(server.authorizations().iter().any(|a| a == "Bearer survey-secret"));
    let october = |found: &Value| {
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["evidence"]["survey"]["wave"] == "2026-10")
            .cloned()
            .unwrap()
    };
    let before = october(&ok(&client, "search_evidence", json!({"query": "recommend", "kind": "survey"})).await);
    assert_eq!(before["evidence"]["survey"]["n"], 4, "{before}");

    // All sixteen: October's results are updated in place, two new answers added.
    let second = ok(&client, "sync_sources", json!({})).await;
    let pull = &second["feed_pulls"][0];
    assert_eq!(
        (pull["created"].as_u64(), pull["updated"].as_u64(), pull["unchanged"].as_u64()),
        (Some(2), Some(6), Some(14)),
        "{second}"
    );
    let after = october(&ok(&client, "search_evidence", json!({"query": "recommend", "kind": "survey"})).await);
    assert_eq!(
        (after["id"].clone(), after["evidence"]["survey"]["n"].clone()),
        (before["id"].clone(), json!(7)),
        "{after}"
    );
    assert_eq!(after["evidence"]["study"], before["evidence"]["study"]);
    // Pulled once more with nothing new: nothing changes.
    let third = ok(&client, "sync_sources", json!({"feeds": ["FEED-1"]})).await;
    assert_eq!(
        (third["feed_pulls"][0]["created"].as_u64(), third["feed_pulls"][0]["updated"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(third["pulls"].as_array().unwrap().is_empty(), "only the feed named: {third}");
    let listed = ok(&client, "sync_sources", json!({"pull": false})).await;
    assert_eq!(listed["feeds"][0]["last_pull"]["read"], 22, "{listed}");
    assert!(!listed.to_string().contains("survey-secret"), "the token is never stored or answered");
    let removed = ok(&client, "sync_sources", json!({"detach_feeds": ["FEED-1"], "pull": false})).await;
    assert_eq!(removed["detached_feeds"], json!(["FEED-1"]));
    client.cancel().await.unwrap();
}

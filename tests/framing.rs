//! Malformed JSON-RPC lines get an answer, and the session carries on: a client that
//! sent a broken line must not wait forever.

mod common;

use common::{RawServer, raw_server};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn malformed_lines_are_answered_with_parse_or_request_errors() {
    let dir = tempfile::tempdir().unwrap();
    let RawServer { child: _child, mut stdin, mut lines } = raw_server(dir.path()).await;
    // A silent server is the failure this test is about: give up after a minute.
    let mut next = async || -> Value {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
            .await
            .expect("the server answers the line")
            .unwrap()
            .unwrap();
        serde_json::from_str(&line).unwrap()
    };

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut huge = b"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{\"pad\":\"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 17 * 1024 * 1024));
    huge.extend_from_slice(b"\"}}");
    let not_json: Vec<(&str, Vec<u8>)> = vec![
        ("bare NaN", b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"x\":NaN}}".to_vec()),
        ("10k-deep nesting", deep.into_bytes()),
        ("invalid UTF-8", b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"\xff\xfe\"}".to_vec()),
        ("over 16 MiB", huge),
        ("half a message", b"{\"jsonrpc\":\"2.0\",\"id\":3,".to_vec()),
    ];
    for (what, mut line) in not_json {
        line.push(b'\n');
        stdin.write_all(&line).await.unwrap();
        let answer = next().await;
        assert_eq!(answer["error"]["code"], -32700, "{what}: {answer}");
        assert_eq!(answer["id"], Value::Null, "{what}: {answer}");
    }

    // JSON, but not a request this server reads: invalid request, with the id when it has one.
    for (what, line, id) in [
        ("a method that is a number", json!({"jsonrpc": "2.0", "id": 7, "method": 5}), json!(7)),
        ("an array", json!([1, 2, 3]), Value::Null),
        ("a string", json!("tools/list"), Value::Null),
    ] {
        stdin.write_all(format!("{line}\n").as_bytes()).await.unwrap();
        let answer = next().await;
        assert_eq!(answer["error"]["code"], -32600, "{what}: {answer}");
        assert_eq!(answer["id"], id, "{what}: {answer}");
    }

    // A notification nobody can answer stays unanswered; the next request is served.
    stdin.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":42}\n").await.unwrap();
    stdin
        .write_all(
            format!("{}\n", json!({"jsonrpc": "2.0", "id": 11, "method": "tools/call", "params": {"name": "list_okrs", "arguments": {}}}))
                .as_bytes(),
        )
        .await
        .unwrap();
    let answer = next().await;
    assert_eq!(answer["id"], 11, "the session carries on: {answer}");
    assert_ne!(answer["result"]["isError"], true, "{answer}");
}

/// A script that pipes its requests in and closes its input at once: every request
/// gets its answer before grounded exits, whether this process owns the database or
/// relays to another grounded that does.
#[tokio::test]
async fn a_client_that_closes_its_input_after_the_last_request_gets_every_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = String::new();
    script.push_str(&common::request_line(
        0,
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "pipe", "version": "0"}}),
    ));
    script.push_str("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    let calls: Vec<u64> = (1..=6).collect();
    for id in &calls {
        let (name, arguments) = if id % 2 == 1 {
            (
                "draft_okr",
                json!({"objective": format!("Teams in region {id} reach value in week one"), "owner": "Ann Lee",
                                 "cycle": "2026-Q4", "key_results": ["Raise week-1 retention from 50% to 65%",
                                                                     "Lift onboarding CSAT from 3.9 to 4.3"]}),
            )
        } else {
            ("list_okrs", json!({}))
        };
        script.push_str(&common::request_line(*id, "tools/call", json!({"name": name, "arguments": arguments})));
    }

    let run = |db: std::path::PathBuf, script: String| async move {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_grounded"))
            .arg("serve")
            .arg("--db")
            .arg(&db)
            .env("GROUNDED_USER", "pipe-script")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(script.as_bytes()).await.unwrap();
        drop(stdin);
        let output = tokio::time::timeout(std::time::Duration::from_secs(120), child.wait_with_output())
            .await
            .expect("grounded exits once every call is answered")
            .unwrap();
        assert!(output.status.success(), "{:?}", output.status);
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<Value>>()
    };
    let answered = |answers: &[Value], who: &str| {
        for id in &calls {
            let answer = answers.iter().find(|a| a["id"] == *id);
            let answer = answer.unwrap_or_else(|| panic!("{who}: call {id} got no answer: {answers:?}"));
            assert!(answer["result"].is_object() && answer["result"]["isError"] != true, "{who}: {answer}");
        }
    };

    // This process owns the database.
    let answers = run(dir.path().join("own"), script.clone()).await;
    answered(&answers, "owner");

    // Another grounded owns it: this one relays and must still wait for the answers.
    let shared = dir.path().join("shared");
    let _owner = raw_server(&shared).await;
    let answers = run(shared, script).await;
    answered(&answers, "relay");
}

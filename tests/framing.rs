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

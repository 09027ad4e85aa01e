//! What imports and sources may read (issue #14): paths outside the import roots,
//! special files, a symlink out of a root, internal addresses, a redirect off the
//! allowlist and a token variable outside the pattern are each refused with an error
//! that names the field and quotes nothing it read, and the store is unchanged.

mod common;

use std::time::Duration;

use common::cli::Grounded;
use common::http::{Reply, Request, redirect, reply, serve};
use common::{Client, connect_env, draft_activation, err, ok};
use serde_json::{Value, json};

/// In the server's environment only: it must never come back in an error.
const MARKER: &str = "marker-7d1e0c5b-do-not-echo";
/// The first line of a file under the root: the old CSV errors quoted it.
const SECRET_HEADER: &str = "SECRET-HEADER-a91f,password";
/// Served by the host no import may reach.
const OFF_LIST_BODY: &str = "secret-from-an-unlisted-host";

/// Allowlisted as 127.0.0.1:PORT. Its redirects lead to localhost (the same socket
/// under a name not on the list) or back to itself; a test reads its request counts
/// to see an unlisted hop was never fetched.
fn route(request: &Request) -> Option<Reply> {
    let port = request.port;
    Some(match request.path.as_str() {
        "/off-list.csv" => redirect("302 Found", &format!("http://localhost:{port}/data.csv")),
        "/metadata.csv" => redirect("301 Moved Permanently", "http://169.254.169.254/latest/meta-data"),
        "/off-list.json" => redirect("307 Temporary Redirect", &format!("http://localhost:{port}/value.json")),
        "/same-host.csv" => redirect("302 Found", "/data-ok.csv"),
        "/data.csv" => reply("200 OK", "text/csv", &format!("text\n{OFF_LIST_BODY}\n")),
        "/value.json" => reply("200 OK", "application/json", "{\"v\": 55}"),
        "/data-ok.csv" => reply("200 OK", "text/csv", "text\nThe invite flow made it click for us\n"),
        _ => reply("404 Not Found", "text/plain", "no such path"),
    })
}

/// Everything a refusal could have changed: evidence, the OKR with its latest values
/// and the attached sources.
async fn store_view(client: &Client) -> Value {
    json!([
        ok(client, "search_evidence", json!({"limit": 100})).await,
        ok(client, "get_okr", json!({"id": "O-1"})).await,
        ok(client, "sync_sources", json!({"pull": false})).await["sources"],
    ])
}

/// Calls a tool that must fail, promptly (a FIFO used to freeze the server), and
/// checks that the error names `field` and quotes none of `secrets`.
async fn refused(client: &Client, tool: &str, arguments: Value, field: &str, expected: &str, secrets: &[&str]) {
    let call = err(client, tool, arguments.clone());
    let message = tokio::time::timeout(Duration::from_secs(60), call)
        .await
        .unwrap_or_else(|_| panic!("{tool} {arguments} did not answer: the server is blocked"));
    assert!(message.starts_with(&format!("{field}: ")), "{tool} {arguments}: does not name {field}: {message}");
    assert!(message.contains(expected), "{tool} {arguments}\n  expected: {expected}\n  got:      {message}");
    for secret in secrets {
        assert!(!message.contains(secret), "{tool} {arguments} quoted {secret:?}: {message}");
    }
}

fn home() -> String {
    std::env::var("HOME").unwrap_or_else(|_| "/root".into())
}

#[tokio::test]
async fn paths_and_urls_outside_the_policy_are_refused_and_store_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = serve(route).await;
    let base = &server.base;
    let in_root = |name: &str| root.path().join(name).to_string_lossy().into_owned();
    std::fs::write(in_root("secret.csv"), format!("{SECRET_HEADER}\nhunter2,x\n")).unwrap();
    std::fs::write(in_root("secret.jsonl"), format!("{{\"kind\": \"{SECRET_HEADER}\", \"text\": \"x\"}}\n")).unwrap();
    let made = std::process::Command::new("mkfifo").arg(in_root("pipe.csv")).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    std::os::unix::fs::symlink("/etc/passwd", in_root("passwd.csv")).unwrap();
    let root_text = root.path().to_string_lossy().into_owned();
    // 127.0.0.1:9 through a wildcard: listed, but not by name.
    let hosts = format!("{},*.0.0.1:9", server.host());
    let client = connect_env(
        dir.path(),
        (),
        &[
            ("GROUNDED_IMPORT_ROOTS", &root_text),
            ("GROUNDED_ALLOWED_HOSTS", &hosts),
            ("GROUNDED_TEST_MARKER", MARKER),
            ("GROUNDED_FETCH_ATTEMPTS", "1"),
        ],
    )
    .await;
    draft_activation(&client).await;
    let before = store_view(&client).await;
    let home = home();
    let secrets = [MARKER, SECRET_HEADER, "SECRET-HEADER", "hunter2", "root:x:", OFF_LIST_BODY];

    let outside = "is outside the import roots";
    let files: Vec<(Value, &str)> = vec![
        (json!({"path": "/etc/passwd", "format": "text"}), outside),
        (json!({"path": "/etc/passwd", "format": "csv"}), outside),
        (json!({"path": "/proc/self/environ", "format": "text"}), outside),
        (json!({"path": "/dev/zero", "format": "text"}), outside),
        (json!({"path": format!("{root_text}/../../etc/passwd"), "format": "csv"}), outside),
        (json!({"path": in_root("passwd.csv")}), outside),
        (json!({"path": in_root("pipe.csv")}), "is a named pipe (FIFO); only regular files are imported"),
        (json!({"path": root_text.clone()}), "is a folder; only regular files are imported"),
    ];
    for (arguments, expected) in &files {
        refused(&client, "import_evidence", arguments.clone(), "path", expected, &secrets).await;
        let mut measurement = arguments.clone();
        if measurement["format"] == "text" {
            measurement["format"] = json!("csv");
        }
        refused(&client, "import_measurements", measurement, "path", expected, &secrets).await;
    }
    let environ = err(&client, "import_evidence", json!({"path": "/proc/self/environ", "format": "csv"})).await;
    assert!(environ.contains("GROUNDED_IMPORT_ROOTS in the env of the client"), "{environ}");

    // Files under the root whose content is wrong: the errors place it, never quote it.
    refused(
        &client,
        "import_evidence",
        json!({"path": in_root("secret.csv"), "format": "csv"}),
        "mapping.text",
        "the table has no column \"text\" among the 2 of its header (line 1)",
        &secrets,
    )
    .await;
    let jsonl = err(&client, "import_evidence", json!({"path": in_root("secret.jsonl")})).await;
    assert!(jsonl.contains("line 1: kind: a value that is not one of the accepted ones, expected one of"), "{jsonl}");
    assert!(!jsonl.contains("SECRET"), "{jsonl}");
    let measurements = err(&client, "import_measurements", json!({"path": in_root("secret.csv")})).await;
    assert!(measurements.contains("column 1 of the header (line 1) is not one this import knows"), "{measurements}");
    assert!(!measurements.contains("SECRET"), "{measurements}");

    // Internal addresses, in every spelling, are not on the list.
    for (url, host) in [
        ("http://127.0.0.1/x.csv", "127.0.0.1"),
        ("http://localhost/x.csv", "localhost"),
        ("http://0.0.0.0/x.csv", "0.0.0.0"),
        ("http://2130706433/x.csv", "127.0.0.1"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("http://[::ffff:127.0.0.1]/x.csv", "::ffff:7f00:1"),
    ] {
        let expected = format!("{host} is not on the host allowlist");
        refused(&client, "import_evidence", json!({"url": url, "format": "csv"}), "url", &expected, &secrets).await;
        refused(&client, "import_measurements", json!({"url": url, "format": "csv"}), "url", &expected, &secrets).await;
    }
    // Through a wildcard the host is listed, but a loopback address needs its name.
    refused(
        &client,
        "import_evidence",
        json!({"url": "http://127.0.0.1:9/x.csv", "format": "csv"}),
        "url",
        "127.0.0.1, a loopback address, which is not fetched unless the host is listed by name",
        &secrets,
    )
    .await;

    // A redirect from the listed host to one that is not: refused, naming the hop.
    refused(
        &client,
        "import_evidence",
        json!({"url": format!("{base}/off-list.csv")}),
        "url",
        "redirected to another host: localhost is not on the host allowlist",
        &secrets,
    )
    .await;
    refused(
        &client,
        "import_measurements",
        json!({"url": format!("{base}/metadata.csv"), "metric": "KR-1"}),
        "url",
        "redirected to another host: 169.254.169.254 is not on the host allowlist",
        &secrets,
    )
    .await;
    assert_eq!(server.requests("/data.csv"), 0, "the unlisted hop was fetched");

    // A token variable outside the pattern: refused at attach, its value never shown.
    let attach = json!({"attach": [{"metric": "KR-1", "url": format!("{base}/value.json"), "pointer": "/v", "token_env": "HOME"}]});
    refused(
        &client,
        "sync_sources",
        attach,
        "attach[0].token_env",
        "HOME does not match the token variable patterns (*_TOKEN)",
        &[home.as_str(), MARKER],
    )
    .await;
    let environ = json!({"attach": [{"metric": "KR-1", "url": format!("{base}/value.json"), "pointer": "/v", "token_env": "GROUNDED_TEST_MARKER"}]});
    refused(&client, "sync_sources", environ, "attach[0].token_env", "GROUNDED_TOKEN_VARS", &[MARKER]).await;

    assert_eq!(store_view(&client).await, before, "a refused call changed the store");

    // A source whose endpoint redirects off the list: the pull fails and stores nothing.
    let synced = ok(
        &client,
        "sync_sources",
        json!({"attach": [{"metric": "KR-1", "url": format!("{base}/off-list.json"), "pointer": "/v"}]}),
    )
    .await;
    let pull = &synced["pulls"][0];
    assert_eq!((pull["ok"].as_bool(), pull["recorded"].as_u64()), (Some(false), Some(0)), "{synced}");
    let error = pull["error"].as_str().unwrap();
    assert!(error.starts_with("url: ") && error.contains("redirected to another host: localhost"), "{error}");
    assert_eq!(server.requests("/value.json"), 0, "the unlisted hop was fetched");
    let after = store_view(&client).await;
    assert_eq!((&after[0], &after[1]), (&before[0], &before[1]), "the refused pull stored something");

    // Redirects within the listed host still work.
    let imported = ok(&client, "import_evidence", json!({"url": format!("{base}/same-host.csv")})).await;
    assert_eq!(imported["created"], 1, "{imported}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn even_with_the_whole_disk_as_root_system_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect_env(dir.path(), (), &[("GROUNDED_IMPORT_ROOTS", "/"), ("GROUNDED_TEST_MARKER", MARKER)]).await;
    draft_activation(&client).await;
    let before = store_view(&client).await;
    for path in ["/proc/self/environ", "/dev/zero", "/sys/kernel/hostname", "/dev/stdin"] {
        for tool in ["import_evidence", "import_measurements"] {
            refused(&client, tool, json!({"path": path, "format": "csv"}), "path", "", &[MARKER]).await;
        }
    }
    let environ = err(&client, "import_evidence", json!({"path": "/proc/self/environ", "format": "text"})).await;
    assert!(environ.contains("is a system file"), "{environ}");
    // A regular file under the root is read, but its first line never comes back.
    let passwd = err(&client, "import_evidence", json!({"path": "/etc/passwd", "format": "csv"})).await;
    assert!(passwd.starts_with("mapping.text: the table has no column \"text\""), "{passwd}");
    assert!(!passwd.contains("root:"), "{passwd}");
    let passwd = err(&client, "import_measurements", json!({"path": "/etc/passwd", "format": "csv"})).await;
    assert!(!passwd.contains("root:"), "{passwd}");
    assert_eq!(store_view(&client).await, before, "a refused call changed the store");
    client.cancel().await.unwrap();
}

/// The fence is for assistants and remote callers: a person's own command reads the
/// files that person names, relative to where they typed it or anywhere else, but only
/// regular files and never the system's.
#[test]
fn the_cli_reads_the_files_its_user_names_wherever_they_are() {
    let work = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let db = data.path().join("db");
    let grounded = Grounded::on(&db)
        .cwd(work.path())
        .without_env("GROUNDED_IMPORT_ROOTS")
        .without_env("GROUNDED_ALLOWED_HOSTS")
        .without_env("GROUNDED_DB")
        .env("GROUNDED_USER", "cli-tester");
    std::fs::write(work.path().join("notes.md"), "P1: The invite flow made it click\n").unwrap();
    let output = grounded.run(&["import", "evidence", "notes.md"]);
    assert!(output.success(), "{}", output.stderr);
    let export = downloads.path().join("export.md");
    std::fs::write(&export, "P2: I never found the invite button\n").unwrap();
    let output = grounded.run(&["import", "evidence", export.to_str().unwrap()]);
    assert!(output.success(), "outside the working folder: {}", output.stderr);

    for (path, expected) in [
        ("/proc/self/environ", "is a system file"),
        (downloads.path().to_str().unwrap(), "is a folder; only regular files are imported"),
    ] {
        let output = grounded.run(&["import", "evidence", path, "--format", "text"]);
        let stderr = &output.stderr;
        assert_eq!(output.code, Some(2), "{stderr}");
        assert!(stderr.contains(&format!("FILE: {path} {expected}")), "{stderr}");
    }
}

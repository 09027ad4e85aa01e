//! One database, many clients: stdio servers started by several apps (and CLI commands)
//! on the same database all work; the first owns it, the others relay to it through
//! the local socket, and when the owner is killed the next takes over and nothing it
//! acknowledged is lost.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::cli::{Grounded, Ran};
use common::{Client, call, connect_env, ok, text};
use serde_json::{Value, json};

fn grounded(db: &Path, args: &[&str]) -> Ran {
    Grounded::on(db).env("GROUNDED_USER", "cli-user").run(args)
}

/// The owner's pid, as `grounded server status` tells it.
fn owner_pid(db: &Path) -> Option<u32> {
    let out = grounded(db, &["server", "status"]);
    assert_eq!(out.code, Some(0));
    out.stdout.split("owned by process ").nth(1)?.split_whitespace().next()?.parse().ok()
}

fn draft(title: &str) -> Value {
    json!({"objective": title, "owner": "Maya", "cycle": "2026-Q4",
           "key_results": [format!("Raise {title} retention from 50% to 65%"), "Lift onboarding satisfaction (1-5 scale) from 3.3 to 4.1"]})
}

/// Drafts objectives until told to stop; answers the titles it saw acknowledged.
async fn keep_drafting(client: Arc<Client>, name: &'static str, stop: Arc<AtomicBool>) -> Vec<String> {
    let mut acknowledged = vec![];
    let mut i = 0;
    while !stop.load(Ordering::Acquire) {
        i += 1;
        let title = format!("Customers of {name} wave {i} reach lasting value");
        let result = client
            .call_tool(
                rmcp::model::CallToolRequestParams::new("draft_okr")
                    .with_arguments(draft(&title).as_object().cloned().unwrap()),
            )
            .await;
        // A call in flight when the owner died is answered with an error: not acknowledged.
        match result {
            Ok(result) if result.is_error != Some(true) => acknowledged.push(title),
            Ok(_) => {}
            // The call in flight when the owner died: answered, not acknowledged.
            Err(e) if e.to_string().contains("stopped during this call") => {}
            Err(e) => panic!("{name}'s server stopped answering: {e}"),
        }
    }
    acknowledged
}

async fn titles(client: &Client) -> Vec<String> {
    let (mut all, mut cursor) = (vec![], Value::Null);
    loop {
        let page = ok(client, "list_okrs", json!({"limit": 100, "cursor": cursor})).await;
        all.extend(page["objectives"].as_array().unwrap().iter().map(|o| o["title"].as_str().unwrap().to_string()));
        match &page["next_cursor"] {
            Value::Null => return all,
            next => cursor = next.clone(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdio_servers_and_the_cli_share_a_database_and_survive_the_owner_being_killed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path();
    let first = connect_env(db, (), &[("GROUNDED_USER", "ann")]).await;
    let owner = owner_pid(db).expect("the first server owns the database");
    let second = Arc::new(connect_env(db, (), &[("GROUNDED_USER", "bea")]).await);
    let third = Arc::new(connect_env(db, (), &[("GROUNDED_USER", "cem")]).await);
    assert_eq!(owner_pid(db), Some(owner), "the later servers relay, they do not own");

    // Interleaved writes from the three servers and the CLI, each under its own name.
    ok(&first, "draft_okr", draft("Ann's customers reach lasting value")).await;
    let drafted = ok(&second, "draft_okr", draft("Bea's customers reach lasting value")).await;
    ok(&third, "draft_okr", draft("Cem's customers reach lasting value")).await;
    let measurements = db.join("check-ins.csv");
    std::fs::write(&measurements, "metric,at,value,n\nKR-1,2026-10-07,52,400\nKR-1,2026-10-14,55,410\n").unwrap();
    let imported = grounded(db, &["import", "measurements", measurements.to_str().unwrap()]);
    assert_eq!(imported.code, Some(0), "{}", imported.stderr);
    let score = grounded(db, &["score", "KR-1", "--as-of", "2026-10-15", "--json"]).json();
    assert_eq!(score["key_result"]["measurements"], 2, "the CLI reads what the CLI wrote through the owner");
    let bea = ok(&first, "get_okr", json!({"id": drafted["objective_id"], "detail": "full"})).await;
    let history = &bea["full"]["history"];
    assert_eq!(history[0]["author"], "bea", "a relayed write is authored by its own user: {history}");

    // The relayed servers keep writing while the owner is killed mid-stream.
    let stop = Arc::new(AtomicBool::new(false));
    let writers =
        [(second.clone(), "bea"), (third.clone(), "cem")].map(|(c, n)| tokio::spawn(keep_drafting(c, n, stop.clone())));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = std::process::Command::new("kill").args(["-9", &owner.to_string()]).status().unwrap();
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, Ordering::Release);
    let mut acknowledged = vec![];
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    let successor = owner_pid(db).expect("another server took over");
    assert_ne!(successor, owner);

    // They carry on, and every acknowledged write is there.
    ok(&second, "draft_okr", draft("After the takeover, customers reach lasting value")).await;
    let stored = titles(&third).await;
    for title in &acknowledged {
        assert!(stored.contains(title), "{title} was acknowledged but is missing");
    }
    assert!(stored.contains(&"After the takeover, customers reach lasting value".to_string()));
    assert!(acknowledged.len() >= 4, "the writers made progress around the kill: {}", acknowledged.len());
    let after = grounded(db, &["score", "2026-Q4", "--as-of", "2026-10-15"]);
    assert!(matches!(after.code, Some(0 | 1)), "{}", after.stderr);

    // A bad call is still a tool error through a relay.
    let refused = call(&second, "get_okr", json!({"id": "O-999"})).await;
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).starts_with("id: O-999 does not exist"), "{}", text(&refused));
}

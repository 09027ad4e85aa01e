//! Correcting the record through the MCP client: a participant erased is gone from
//! search, links, explain and report, also after a restart; evidence deleted by id; an
//! archived objective gone from scores, lists, explain, suggestions and resources
//! until it is unarchived; a moved target rewrites its statement; days counted in the
//! database's time zone.

mod common;

use common::cli::Grounded;
use common::{Client, connect, connect_env, draft_activation, err, example, ok};
use serde_json::{Value, json};

async fn search_total(client: &Client, arguments: Value) -> u64 {
    ok(client, "search_evidence", arguments).await["total"].as_u64().unwrap()
}

#[tokio::test]
async fn an_erased_participant_leaves_no_word_behind() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_activation(&client).await;
    ok(&client, "import_evidence", json!({"path": example("evidence/interviews.jsonl")})).await;
    let p3 = ok(&client, "search_evidence", json!({"query": "blank canvas", "participant": "P3"})).await;
    let quote = p3["hits"][0]["id"].as_str().unwrap().to_string();
    ok(
        &client,
        "link_evidence",
        json!({"evidence": [quote], "target": "KR-2", "relation": "explains", "rationale": "P3 never got past the blank canvas"}),
    )
    .await;
    let before = search_total(&client, json!({"participant": "P3"})).await;
    assert_eq!(before, 4);

    let erased =
        ok(&client, "erase_participant", json!({"participant": "p3", "reason": "erasure request 2026-11-28"})).await;
    assert_eq!(erased["deleted"], 4, "{erased}");
    assert_eq!(erased["links_removed"], 1);
    assert_eq!(erased["linked_to"], json!([{"target": "KR-2", "links": 1}]));

    let gone = |text: &str| !text.contains("stared at the blank canvas") && !text.contains("P3 never got past");
    for client in [&client, &connect(dir.path()).await] {
        assert_eq!(search_total(client, json!({"participant": "P3"})).await, 0);
        let canvas = ok(client, "search_evidence", json!({"query": "stared blank canvas"})).await;
        assert!(gone(&canvas.to_string()), "{canvas}");
        let okr = ok(client, "get_okr", json!({"id": "O-1", "detail": "full"})).await;
        assert!(gone(&okr.to_string()), "{okr}");
        let report = ok(client, "report", json!({"cycle": "2026-Q4"})).await;
        assert!(gone(&report.to_string()));
        let why = ok(client, "explain", json!({"question": "why did first project completion slip?"})).await;
        assert!(gone(&why.to_string()), "{why}");
    }
    // Asked again: nothing left of P3, and the answer says which participants exist.
    let again = err(&client, "erase_participant", json!({"participant": "P3", "reason": "again"})).await;
    assert!(again.contains("participant:") && again.contains("nothing was erased"), "{again}");
}

#[tokio::test]
async fn deleted_evidence_goes_with_its_links_and_a_bad_id_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_activation(&client).await;
    let added = ok(
        &client,
        "add_evidence",
        json!({"items": [
            {"kind": "observation", "text": "Support saw 14 tickets about CSV imports failing on dates"},
            {"kind": "observation", "text": "Sales heard twice that invoices arrive late"}
        ]}),
    )
    .await;
    let ids: Vec<String> =
        added["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().into()).collect();
    ok(
        &client,
        "link_evidence",
        json!({"evidence": [ids[0]], "target": "KR-1", "relation": "supports", "rationale": "imports block first projects"}),
    )
    .await;
    let refused =
        err(&client, "delete_evidence", json!({"evidence": [ids[0], "EV-404"], "reason": "imported twice"})).await;
    assert!(refused.contains("evidence[1]") && refused.contains("EV-404"), "{refused}");
    assert_eq!(search_total(&client, json!({"query": "tickets"})).await, 1);

    let deleted = ok(&client, "delete_evidence", json!({"evidence": [ids[0]], "reason": "imported twice"})).await;
    assert_eq!((deleted["deleted"].as_u64(), deleted["links_removed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(search_total(&client, json!({"query": "tickets"})).await, 0);
    assert_eq!(search_total(&client, json!({"query": "invoices"})).await, 1);
    let okr = ok(&client, "get_okr", json!({"id": "O-1"})).await;
    assert_eq!(okr["key_results"][0]["evidence"], 0, "the link is gone: {okr}");
    // History keeps the fact, not the words.
    let full = ok(&client, "get_okr", json!({"id": "KR-1", "detail": "full"})).await.to_string();
    assert!(full.contains("evidence_deleted") && !full.contains("CSV imports failing"), "{full}");
}

#[tokio::test]
async fn an_archived_objective_is_gone_from_the_present_until_it_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_activation(&client).await;
    ok(
        &client,
        "draft_okr",
        json!({"objective": "Billing admins trust every invoice they send", "owner": "Ravi", "cycle": "2026-Q4",
               "key_results": ["Cut invoice disputes per month from 40 to 10", "Raise invoices paid on time from 70% to 90%"]}),
    )
    .await;
    ok(
        &client,
        "add_evidence",
        json!({"items": [{"kind": "observation", "text": "Admins dispute invoices that show the wrong tax"}]}),
    )
    .await;
    let cycle = ok(&client, "score", json!({"subject": "2026-Q4"})).await;
    assert_eq!(cycle["cycle"]["objectives"], 2);

    ok(&client, "update_okr", json!({"id": "O-2", "changes": {"status": "archived"}, "reason": "billing moved to Q1"}))
        .await;
    let cycle = ok(&client, "score", json!({"subject": "2026-Q4"})).await;
    assert_eq!((cycle["cycle"]["objectives"].as_u64(), cycle["cycle"]["archived"].as_u64()), (Some(1), Some(1)));
    assert_eq!(cycle["cycle"]["key_results"], 3, "O-2's two key results left the cycle");
    let listed = ok(&client, "list_okrs", json!({"cycle": "2026-Q4"})).await;
    assert_eq!(listed["objectives"].as_array().unwrap().len(), 1);
    let asked = ok(&client, "list_okrs", json!({"cycle": "2026-Q4", "include_archived": true})).await;
    assert_eq!(asked["objectives"].as_array().unwrap().len(), 2);
    let only = ok(&client, "list_okrs", json!({"status": "archived"})).await;
    assert_eq!(only["objectives"][0]["id"], "O-2");
    let report = ok(&client, "report", json!({"cycle": "2026-Q4"})).await.to_string();
    assert!(!report.contains("invoice disputes"), "{report}");
    let why = ok(&client, "explain", json!({"question": "why did invoice disputes go up?"})).await.to_string();
    assert!(!why.contains("KR-4") && !why.contains("O-2"), "{why}");
    let suggested = ok(&client, "suggest_links", json!({"id": "EV-1"})).await.to_string();
    assert!(!suggested.contains("KR-4"), "{suggested}");
    let resources = client.list_all_resources().await.unwrap();
    assert!(resources.iter().all(|r| !r.uri.contains("O-2") && !r.uri.contains("KR-4")), "{resources:?}");

    ok(&client, "update_okr", json!({"id": "O-2", "changes": {"status": "active"}, "reason": "back in scope"})).await;
    let cycle = ok(&client, "score", json!({"subject": "2026-Q4"})).await;
    assert_eq!(cycle["cycle"]["objectives"], 2);
    assert!(cycle["cycle"].get("archived").is_none());
    let suggested = ok(&client, "suggest_links", json!({"id": "EV-1"})).await.to_string();
    assert!(suggested.contains("KR-4"), "{suggested}");
}

#[tokio::test]
async fn a_moved_target_rewrites_the_statement_and_history_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_activation(&client).await;
    let updated = ok(
        &client,
        "update_okr",
        json!({"id": "KR-1", "changes": {"target": 62}, "reason": "re-planned after the pricing change"}),
    )
    .await;
    let statement = updated["changes"].as_array().unwrap().iter().find(|c| c["field"] == "statement").unwrap().clone();
    assert_eq!(statement["from"], "Raise week-1 to month-3 retention from 50% to 65%");
    assert_eq!(statement["to"], "Raise week-1 to month-3 retention from 50% to 62%");
    let okr = ok(&client, "get_okr", json!({"id": "KR-1", "detail": "full"})).await.to_string();
    assert!(okr.contains("from 50% to 62%"), "{okr}");
    let report = ok(&client, "report", json!({"cycle": "2026-Q4"})).await.to_string();
    assert!(report.contains("from 50% to 62%") && !report.contains("from 50% to 65%"), "{report}");
    // A statement that does not state the number keeps its words.
    ok(
        &client,
        "draft_okr",
        json!({"objective": "Support answers customers while they still care", "owner": "Ana", "cycle": "2026-Q4",
               "key_results": ["Increase first-contact resolution by 10 points", "Cut median first reply time from 9 hours to 2 hours"]}),
    )
    .await;
    let moved = ok(&client, "update_okr", json!({"id": "KR-5", "changes": {"target": 3}, "reason": "staffing"})).await;
    assert!(moved.to_string().contains("from 9 hours to 3 hours"), "{moved}");
}

#[tokio::test]
async fn days_are_counted_in_the_databases_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    // UTC+14: for ten hours of every UTC day, its date is already tomorrow in UTC.
    let client = connect_env(dir.path(), (), &[("GROUNDED_TZ", "Pacific/Kiritimati")]).await;
    draft_activation(&client).await;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Pacific/Kiritimati").unwrap()).date();
    ok(
        &client,
        "record_measurements",
        json!({"measurements": [{"metric": "M-1", "at": today.to_string(), "value": 51}]}),
    )
    .await;
    // Two values on one day at different instants are both kept; an offset keeps its instant.
    let recorded = ok(
        &client,
        "record_measurements",
        json!({"measurements": [
            {"metric": "M-1", "at": "2026-11-20T08:00:00-08:00", "value": 52},
            {"metric": "M-1", "at": "2026-11-20T23:30:00-08:00", "value": 53}
        ]}),
    )
    .await;
    assert_eq!(recorded["recorded"], 2, "{recorded}");
    let deleted = ok(
        &client,
        "delete_measurements",
        json!({"metric": "M-1", "at": ["2026-11-21T07:30:00Z"], "reason": "checking the instant was kept"}),
    )
    .await;
    assert_eq!(deleted["values"][0]["value"], 53.0, "{deleted}");
    let refused = err(
        &client,
        "record_measurements",
        json!({"measurements": [{"metric": "M-1", "at": "2026-11-20", "value": 0.53}]}),
    )
    .await;
    assert!(refused.contains("did you mean 53"), "{refused}");
}

/// The same from a terminal: erase in flag words, and a zone given with --tz.
#[tokio::test]
async fn the_cli_erases_a_participant_and_speaks_in_flags() {
    let dir = tempfile::tempdir().unwrap();
    let grounded = Grounded::on(dir.path()).env("GROUNDED_TZ", "UTC");
    let imported = grounded.run(&["import", "evidence", &example("evidence/interviews.jsonl")]);
    assert!(imported.success(), "{}", imported.said());

    let typo = grounded.run(&["evidence", "erase-participant", "P33", "--reason", "erasure request"]);
    assert_eq!(typo.code, Some(2));
    let said = typo.said();
    assert!(said.contains("PARTICIPANT: no evidence is from \"P33\"") && said.contains("P3 (4 items)"), "{said}");
    let text = grounded.run(&["evidence", "delete", "EV-999", "--reason", "cleanup"]).said();
    assert!(text.contains("IDS: EV-999 does not exist") && text.contains("`grounded search`"), "{text}");
    assert!(!text.contains("search_evidence") && !text.contains("evidence[0]"), "MCP words in the CLI: {text}");

    let erased = grounded.run(&["evidence", "erase-participant", "P3", "--reason", "erasure request"]);
    assert!(erased.success() && erased.said().contains("4 items deleted"), "{}", erased.said());
    let search = grounded.run(&["search", "stared at the blank canvas"]).said();
    assert!(!search.contains("stared at the blank canvas"), "{search}");

    let zone = grounded.run(&["--tz", "Mars/Olympus", "score", "2026-Q4"]);
    assert_eq!(zone.code, Some(2));
    assert!(zone.said().contains("--tz: \"Mars/Olympus\" is not a time zone"), "{}", zone.said());
}

/// A command relayed to the owner keeps its own zone: the owner counts days in UTC,
/// the terminal in Los Angeles.
#[tokio::test]
async fn a_relayed_command_counts_days_in_its_own_zone() {
    let dir = tempfile::tempdir().unwrap();
    let owner = connect_env(dir.path(), (), &[("GROUNDED_TZ", "UTC")]).await;
    draft_activation(&owner).await;
    let record = |zone: &str, day: &str, value: &str| {
        Grounded::on(dir.path()).run(&["--tz", zone, "record", "M-1", value, "--at", day]).said()
    };
    let said = record("America/Los_Angeles", "2026-11-20", "51");
    assert!(said.contains("recorded at 2026-11-20 00:00 PST"), "{said}");
    let deleted = ok(
        &owner,
        "delete_measurements",
        json!({"metric": "M-1", "at": ["2026-11-20T08:00:00Z"], "reason": "the day started in Los Angeles"}),
    )
    .await;
    assert_eq!(deleted["deleted"], 1, "{deleted}");
}

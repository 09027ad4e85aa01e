//! Deleting after many separate imports (issue #23): every import leaves a segment in
//! the search index, and an erasure rewrites the segments that held its items. Each
//! round imports twenty files one command at a time, then deletes items spread over
//! those segments, a pair from one file, and one participant's items; every command
//! must exit 0 and every deleted item must be gone from search, from a lookup by id,
//! and from the index files (no segment keeps a deleted document, no file outlives
//! its segment). The same through the MCP tools, in one long-lived server.

mod common;

use std::path::Path;

use common::cli::Grounded;
use common::{connect, err, ok};
use rmcp::model::ReadResourceRequestParams;
use serde_json::{Value, json};

const ROUNDS: usize = 3;
const IMPORTS: usize = 20;

/// The word only item `item` (0 or 1) of import `import` in round `round` uses.
fn word(round: usize, import: usize, item: usize) -> String {
    format!("marker{round}n{import}{}", ["a", "b"][item])
}

/// A small file of two items; the second names a participant, one of five per round.
fn write_import(folder: &Path, round: usize, import: usize) -> String {
    let path = folder.join(format!("round{round}-{import}.jsonl"));
    let lines = [
        json!({"kind": "observation", "text": format!("Round {round} file {import} saw {} on the setup page", word(round, import, 0))}),
        json!({"kind": "interview", "text": format!("I said {} when the invite failed", word(round, import, 1)),
               "participant": participant(round, import)}),
    ];
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    path.display().to_string()
}

fn participant(round: usize, import: usize) -> String {
    format!("P{round}x{}", import % 5)
}

/// What each round deletes: these items by id, as (import, item), from four files
/// apart (four segments); both items of the file PAIR; and participant x3's items
/// (imports 3, 8, 13, 18).
const SPREAD: [(usize, usize); 4] = [(1, 0), (7, 0), (14, 0), (20, 0)];
const PAIR: usize = 10;
const ERASED: usize = 3;

fn erased_participant(import: usize) -> bool {
    import % 5 == ERASED
}

fn is_deleted(import: usize, item: usize) -> bool {
    SPREAD.contains(&(import, item)) || import == PAIR || (item == 1 && erased_participant(import))
}

/// Ids are handed out in order and never reused: two per import.
fn id(round: usize, import: usize, item: usize) -> String {
    format!("EV-{}", round * IMPORTS * 2 + (import - 1) * 2 + item + 1)
}

/// Every word of a round, as one query (any of them matches).
fn every_word(round: usize) -> String {
    (1..=IMPORTS).flat_map(|import| [word(round, import, 0), word(round, import, 1)]).collect::<Vec<_>>().join(" ")
}

/// The ids of a round's items that were not deleted, in order.
fn kept(round: usize) -> Vec<String> {
    (1..=IMPORTS)
        .flat_map(|import| (0..2).map(move |item| (import, item)))
        .filter(|&(import, item)| !is_deleted(import, item))
        .map(|(import, item)| id(round, import, item))
        .collect()
}

/// A search page's ids, in id order.
fn ids_of(page: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        page["hits"].as_array().unwrap().iter().map(|hit| hit["id"].as_str().unwrap().to_string()).collect();
    ids.sort_by_key(|id| id.trim_start_matches("EV-").parse::<u64>().unwrap());
    ids
}

/// Every segment in meta.json without deletes, and no segment file in the folder that
/// meta.json does not name: the erased words left the disk.
fn assert_no_deleted_words_on_disk(db: &Path) {
    let search = db.join("search");
    let meta: Value = serde_json::from_slice(&std::fs::read(search.join("meta.json")).unwrap()).unwrap();
    let segments: Vec<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert!(s["deletes"].is_null(), "a segment still holds deleted documents: {s}");
            s["segment_id"].as_str().unwrap().replace('-', "")
        })
        .collect();
    for file in std::fs::read_dir(&search).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        let Some((stem, _)) = name.split_once('.').filter(|(stem, _)| stem.len() == 32) else { continue };
        assert!(segments.iter().any(|s| s == stem), "{name} belongs to no segment of the index: {segments:?}");
    }
}

#[test]
fn deletes_after_twenty_separate_imports_exit_0_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // Files sit in the working directory, an import root.
    let grounded = Grounded::on(&db).cwd(dir.path()).env("GROUNDED_TZ", "UTC");
    let found = |query: &str| -> Vec<String> {
        let found = grounded.run(&["search", query, "--json", "--limit", "100"]);
        assert_eq!(found.code, Some(0), "search {query}: {}", found.said());
        ids_of(&found.json())
    };
    for round in 0..ROUNDS {
        for import in 1..=IMPORTS {
            let file = write_import(dir.path(), round, import);
            let imported = grounded.run(&["import", "evidence", &file]);
            assert_eq!(imported.code, Some(0), "round {round} import {import}: {}", imported.said());
        }
        // The ids are the ones the test expects, so the deletes below are not vacuous.
        for (import, item) in SPREAD {
            let page = grounded.run(&["search", &word(round, import, item), "--json"]).json();
            assert_eq!(page["hits"][0]["id"], id(round, import, item).as_str(), "{page}");
        }

        let spread: Vec<String> = SPREAD.into_iter().map(|(i, item)| id(round, i, item)).collect();
        let mut args = vec!["evidence", "delete"];
        args.extend(spread.iter().map(String::as_str));
        args.extend(["--reason", "imported twice"]);
        let deleted = grounded.run(&args);
        assert_eq!(deleted.code, Some(0), "round {round}, delete {spread:?}: {}", deleted.said());
        assert!(deleted.said().contains("4 items deleted"), "{}", deleted.said());

        let pair = [id(round, PAIR, 0), id(round, PAIR, 1)];
        let deleted = grounded.run(&["evidence", "delete", &pair[0], &pair[1], "--reason", "wrong file"]);
        assert_eq!(deleted.code, Some(0), "round {round}, delete {pair:?}: {}", deleted.said());

        let who = participant(round, ERASED);
        let erased = grounded.run(&["evidence", "erase-participant", &who, "--reason", "erasure request"]);
        assert_eq!(erased.code, Some(0), "round {round}, erase {who}: {}", erased.said());
        assert!(erased.said().contains("4 items deleted"), "{}", erased.said());

        assert_eq!(found(&every_word(round)), kept(round), "round {round}: search finds what was kept, only that");
        // Looked up by id, a deleted item does not exist.
        for id in spread.iter().chain(&pair) {
            let again = grounded.run(&["evidence", "delete", id, "--reason", "again"]);
            assert_eq!(again.code, Some(2), "{}", again.said());
            assert!(again.said().contains(&format!("{id} does not exist")), "{}", again.said());
        }
        assert_no_deleted_words_on_disk(&db);
    }
}

#[tokio::test]
async fn the_tools_delete_after_twenty_separate_imports_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let files = tempfile::tempdir_in(dir.path()).unwrap();
    for round in 0..ROUNDS {
        for import in 1..=IMPORTS {
            let file = write_import(files.path(), round, import);
            let imported = ok(&client, "import_evidence", json!({"path": file})).await;
            assert_eq!(imported["created"], 2, "{imported}");
        }
        let spread: Vec<String> = SPREAD.into_iter().map(|(i, item)| id(round, i, item)).collect();
        let deleted = ok(&client, "delete_evidence", json!({"evidence": spread, "reason": "imported twice"})).await;
        assert_eq!(deleted["deleted"], 4, "{deleted}");
        assert!(deleted.get("search_index").is_none(), "{deleted}");
        let pair = [id(round, PAIR, 0), id(round, PAIR, 1)];
        ok(&client, "delete_evidence", json!({"evidence": pair, "reason": "wrong file"})).await;
        let erased =
            ok(&client, "erase_participant", json!({"participant": participant(round, ERASED), "reason": "request"}))
                .await;
        assert_eq!(erased["deleted"], 4, "{erased}");
        assert!(erased.get("search_index").is_none(), "{erased}");

        let page = ok(&client, "search_evidence", json!({"query": every_word(round), "limit": 100})).await;
        assert_eq!(ids_of(&page), kept(round), "round {round}: search finds what was kept, only that");
        for id in spread.iter().chain(&pair) {
            let read = client.read_resource(ReadResourceRequestParams::new(format!("grounded://evidence/{id}"))).await;
            assert!(read.is_err(), "{id} is still readable: {read:?}");
            let again = err(&client, "delete_evidence", json!({"evidence": [id], "reason": "again"})).await;
            assert!(again.contains(&format!("{id} does not exist")), "{again}");
        }
        assert_no_deleted_words_on_disk(dir.path());
    }
}

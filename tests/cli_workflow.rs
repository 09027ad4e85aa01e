//! The CLI does the whole job without an assistant: OKRs applied from a file (twice:
//! the second time changes nothing), listed and shown, a value recorded, evidence
//! searched as JSON; every refusal in the terminal's words (arguments, flags and
//! file places, never an MCP field or tool).

mod common;

use std::path::Path;

use common::cli::Grounded;

fn grounded(db: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let ran = Grounded::on(db).env("GROUNDED_TZ", "UTC").env("GROUNDED_USER", "cli-tester").run(args);
    (ran.code, ran.stdout, ran.stderr)
}

const MCP_WORDS: &[&str] =
    &["get_okr", "list_okrs", "search_evidence", "record_measurements", "measurements[0]", "insist: true"];

fn no_mcp_words(text: &str) {
    for word in MCP_WORDS {
        assert!(!text.contains(word), "MCP words in the CLI ({word}): {text}");
    }
}

#[test]
fn okrs_are_applied_from_a_file_listed_shown_and_recorded_against() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("okrs.md");
    std::fs::write(
        &file,
        "# Billing admins trust every invoice they send\n\nOwner: Ravi Shah\nCycle: 2026-Q4\n\n\
         - Cut invoice disputes per month from 40 to 10\n- Raise invoices paid on time from 70% to 90%\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let (code, out, err) = grounded(&db, &["okr", "apply", path, "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("(dry run: nothing written): would create 1, update 0, leave 0 unchanged"), "{out}");
    let (_, out, _) = grounded(&db, &["okr", "list"]);
    assert!(out.contains("no objectives match"), "the dry run wrote nothing: {out}");

    let (code, out, err) = grounded(&db, &["okr", "apply", path]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("okrs.md: created 1, updated 0, unchanged 0"), "{out}");
    let (code, out, _) = grounded(&db, &["okr", "apply", path]);
    assert_eq!(code, Some(0));
    assert!(out.contains("created 0, updated 0, unchanged 1"), "applying twice changes nothing: {out}");

    // The file moves a target and drops a key result: one update, history kept.
    std::fs::write(
        &file,
        "# Billing admins trust every invoice they send\n\nOwner: Ravi Shah\nCycle: 2026-Q4\n\n\
         - Cut invoice disputes per month from 40 to 15\n- Raise the share of invoices sent without a manual fix from 60% to 85%\n",
    )
    .unwrap();
    // A moved target needs a reason, as `update_okr` asks: refused, nothing written.
    let (code, _, err) = grounded(&db, &["okr", "apply", path]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--reason: is needed: okrs.md moves KR-1 target 10 → 15"), "{err}");
    let (code, out, _) = grounded(&db, &["okr", "apply", path, "--dry-run"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("applying needs --reason"), "a dry run says so: {out}");
    let (code, out, err) = grounded(&db, &["okr", "apply", path, "--reason", "disputes rose with the new plans"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("updated 1"), "{out}");
    assert!(
        out.contains(
            "KR-1: \"Cut invoice disputes per month from 40 to 10\" → \"Cut invoice disputes per month from 40 to 15\""
        ),
        "{out}"
    );
    assert!(out.contains("new key result: Raise the share of invoices sent") && out.contains("KR-2 archived"), "{out}");

    let (code, out, _) = grounded(&db, &["okr", "list", "--cycle", "2026-Q4"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("O-1") && out.contains("Billing admins trust every invoice") && out.contains("Ravi Shah"),
        "{out}"
    );

    let (code, out, err) = grounded(&db, &["record", "KR-1", "31", "--at", "2026-10-05", "--n", "1"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("31 recorded at 2026-10-05 00:00 UTC"), "{out}");
    for (day, value) in [("2026-10-05", "70"), ("2026-10-12", "71")] {
        let (code, _, err) = grounded(&db, &["record", "KR-3", value, "--at", day]);
        assert_eq!(code, Some(0), "{err}");
    }
    let (code, _, err) = grounded(&db, &["record", "KR-3", "0.72", "--at", "2026-10-19"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("VALUE: 0.72 looks like a fraction")
            && err.contains("did you mean 72")
            && err.contains("--insist"),
        "{err}"
    );
    no_mcp_words(&err);
    let (code, _, err) = grounded(&db, &["record", "KR-3", "0.72", "--at", "2026-10-19", "--insist"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, _) = grounded(&db, &["okr", "show", "O-1"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("KR-1") && out.contains("now 31 on 2026-10-05"), "{out}");
    assert!(!out.contains("KR-2 "), "the archived key result is not shown: {out}");

    let (code, _, err) = grounded(&db, &["okr", "show", "O-9"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("ID: O-9 does not exist") && err.contains("`grounded okr list`"), "{err}");
    no_mcp_words(&err);
    let (code, _, err) = grounded(&db, &["record", "KR-9", "5"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("METRIC: KR-9 does not exist"), "{err}");
    no_mcp_words(&err);
    let (code, _, err) = grounded(&db, &["record", "KR-1", "12", "--at", "someday"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--at: \"someday\" is not a time"), "{err}");
    no_mcp_words(&err);
}

#[test]
fn a_bad_okr_file_is_refused_at_its_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = dir.path().join("okrs.yaml");
    std::fs::write(
        &file,
        "objectives:\n  - objective: Customers trust every invoice\n    cycle: 2026-Q4\n    key_results: [Cut disputes from 40 to 10, Raise paid on time from 70% to 90%]\n  \
         - objective: Support answers while customers still care\n    key_results: [Cut first reply time from 9 hours to 2 hours, Raise CSAT from 78% to 85%]\n",
    )
    .unwrap();
    let (code, _, err) = grounded(&db, &["okr", "apply", file.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("okrs.yaml: objectives[1].cycle: is needed to apply a file"), "{err}");
    let (_, out, _) = grounded(&db, &["okr", "list"]);
    assert!(out.contains("no objectives match"), "nothing half-written: {out}");
}

#[test]
fn search_answers_as_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let examples = format!("{}/examples/evidence/interviews.jsonl", env!("CARGO_MANIFEST_DIR"));
    let (code, _, err) = grounded(&db, &["import", "evidence", &examples]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, _) = grounded(&db, &["search", "blank canvas", "--json", "--limit", "2"]);
    assert_eq!(code, Some(0));
    let page: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert!(page["total"].as_u64().unwrap() >= 1);
    assert_eq!(page["hits"].as_array().unwrap().len().min(2), page["hits"].as_array().unwrap().len());
    assert!(page["hits"][0]["id"].as_str().unwrap().starts_with("EV-"));
}

/// The first hour as the README tells it: the example OKRs applied with their leading
/// indicator and initiative, the example measurements imported (one of their metrics
/// is the indicator's), the indicator tested and an initiative added from the
/// terminal, a file outside the working folder imported, and a failing draft said so.
#[test]
fn the_readme_sequence_runs_from_the_terminal_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let examples = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));

    let (code, out, err) = grounded(&db, &["okr", "apply", &format!("{examples}/okrs.yaml")]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("created 4"), "{out}");
    assert!(
        out.contains("failing check(s); kept as a draft to improve") && out.contains("kr.outcome_not_output"),
        "the weak draft is stored with a word: {out}"
    );
    let (code, out, _) = grounded(&db, &["okr", "show", "O-1"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("metric M-1 week-1 to month-3 retention"), "metric ids are shown: {out}");
    assert!(out.contains("leading indicator IND-1 on M-"), "{out}");

    let (code, out, err) = grounded(&db, &["import", "measurements", &format!("{examples}/measurements.csv")]);
    assert_eq!(code, Some(0), "the indicator's metric exists after apply: {err}");
    assert!(out.contains("58"), "{out}");
    let (code, out, err) = grounded(&db, &["indicator", "validate", "IND-1", "--to", "2026-11-23"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("status assumed → validated"), "{out}");
    let (code, out, err) =
        grounded(&db, &["initiative", "add", "KR-1", "Invite prompt back on the first screen", "--percent", "10"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("INI-2") && out.contains("10% complete"), "{out}");
    let (code, _, err) = grounded(&db, &["initiative", "add", "KR-1", "Again", "--percent", "120"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--percent: is 120; 0 to 100 is accepted"), "{err}");
    let (code, out, err) =
        grounded(&db, &["indicator", "add", "KR-3", "--metric", "help article views", "--lag", "14"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("IND-2 for KR-3") && out.contains("grounded indicator validate IND-2"), "{out}");
    let (code, _, err) = grounded(&db, &["indicator", "add", "KR-3", "--metric", "x", "--lag", "400"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--lag: is 400; 0 to 365 days are accepted"), "{err}");
    no_mcp_words(&err);

    // A file the person names on their own command line is read wherever it is.
    let downloads = tempfile::tempdir().unwrap();
    let export = downloads.path().join("export.csv");
    std::fs::write(&export, "text,participant\n\"I never found the invite button\",P9\n").unwrap();
    let (code, out, err) = grounded(&db, &["import", "evidence", export.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("1 created") || out.contains("created 1"), "{out}");

    // A measurement naming a metric that does not exist quotes the person's own value.
    let wrong = downloads.path().join("wrong.csv");
    std::fs::write(&wrong, "metric,date,value\nTeammate invitez,2026-11-20,30\n").unwrap();
    let (code, _, err) = grounded(&db, &["import", "measurements", wrong.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("Teammate invitez") && !err.contains("(a value from the file)"), "{err}");
}

/// A new user's transcript: its header is metadata, and importing it again (from
/// another folder, with other flags) updates the same records, then finds nothing to
/// change; a bad row's place is said once.
#[test]
fn a_transcript_imported_again_with_other_flags_is_updated_in_place_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    let research = dir.path().join("research");
    std::fs::create_dir(&research).unwrap();
    let example = format!("{}/examples/evidence/transcripts/p3-churned.md", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(example, research.join("p3.md")).unwrap();
    std::fs::write(
        research.join("bad.jsonl"),
        "{\"kind\": \"interview\", \"text\": \"Fine\"}\n{\"kind\": \"interview\", \"text\": \"\"}\n",
    )
    .unwrap();
    let db = dir.path().join("db");
    let grounded = Grounded::on(&db).env("GROUNDED_TZ", "UTC").env("GROUNDED_IMPORT_ROOTS", dir.path());
    let run = |cwd: &Path, args: &[&str]| {
        let ran = grounded.clone().cwd(cwd).run(args);
        (ran.code, ran.said())
    };
    let (code, said) = run(dir.path(), &["import", "evidence", "research/p3.md", "--study", "Churn, Q4"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("7 read as Markdown; 7 created, 0 updated, 0 unchanged, 0 duplicates, 0 skipped"), "{said}");
    assert!(
        said.contains("header (line 3) read as metadata, not turns: study \"Churn interviews, October\", date \"2026-10-14\"; --study, --segment and --observed-at win over it"),
        "{said}"
    );
    let (_, said) = run(dir.path(), &["search", "template", "--json"]);
    let page: serde_json::Value = serde_json::from_str(&said).unwrap();
    let turn = &page["hits"][0]["evidence"];
    assert_eq!(
        (turn["participant"].as_str(), turn["observed_at"].as_str()),
        (Some("P3"), Some("2026-10-14")),
        "{turn}"
    );

    // The same file from inside its folder, with a segment now: the same seven records.
    let (code, said) = run(&research, &["import", "evidence", "./p3.md", "--segment", "churned"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("0 created, 7 updated, 0 unchanged"), "{said}");
    let (code, said) = run(&research, &["import", "evidence", "./p3.md", "--segment", "churned"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("0 created, 0 updated, 7 unchanged"), "{said}");
    let (_, said) = run(dir.path(), &["search", "template", "--json"]);
    let page: serde_json::Value = serde_json::from_str(&said).unwrap();
    assert_eq!(page["total"], 1, "no copies: {said}");
    assert_eq!(page["hits"][0]["evidence"]["segment"], "churned", "{said}");

    let (code, said) = run(&research, &["import", "evidence", "bad.jsonl"]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("bad.jsonl: line 2: text: is empty; give the quote"), "{said}");
    assert!(!said.contains("line 2.") && said.contains("--row-level imports"), "{said}");
}

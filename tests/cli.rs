//! The command line as a person or CI uses it: `grounded check` and `grounded demo`.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli::{Grounded, Ran};

fn grounded(args: &[&str]) -> Ran {
    Grounded::new().run(args)
}

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn check_exits_1_on_a_failing_check_and_0_on_a_clean_file() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/okrs.yaml");
    let output = grounded(&["check", examples.to_str().unwrap()]);
    assert_eq!(output.code, Some(1), "{}", output.stderr);
    let text = &output.stdout;
    assert!(text.contains("FAIL objective.outcome_not_output"), "{text}");
    assert!(text.contains("4 objective(s) checked"), "{text}");

    let good = write(
        dir.path(),
        "okrs.md",
        "# New customers reach lasting value in their first week\nOwner: Maya Chen\nCycle: 2026-Q4\n\n- Raise week-1 to month-3 retention from 50% to 65%\n- Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1\n".as_bytes(),
    );
    let output = grounded(&["check", &good]);
    assert_eq!(output.code, Some(0), "{}", output.said());
    assert!(output.stdout.contains("no failing checks"));

    let json = grounded(&["check", &good, "--json"]).json();
    assert_eq!(json[0]["key_results"][0]["baseline"], 50.0);
    assert_eq!(json[0]["tally"]["fail"], 0);
}

#[test]
fn check_explains_bad_files_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(String, &str)> = vec![
        (
            write(
                dir.path(),
                "nan.yaml",
                b"objective: A\ncycle: 2026-Q4\nkey_results:\n  - statement: Raise x from 1 to 2\n    target: .nan\n",
            ),
            "key_results[0].target: is NaN; a finite number is needed",
        ),
        (write(dir.path(), "latin1.md", b"# Caf\xe9 customers\n- Raise x from 1 to 2\n"), "is not UTF-8 text"),
        (
            write(dir.path(), "typo.yaml", b"objectives:\n  - objective: A\n    key_results: [a]\n    ownr: Maya\n"),
            "unknown field `ownr`",
        ),
        (
            write(dir.path(), "cycle.yaml", b"objective: A\ncycle: Q4\nkey_results: [a]\n"),
            "cycle: \"Q4\" is not a cycle",
        ),
        (dir.path().join("missing.yaml").to_string_lossy().into_owned(), "cannot read"),
    ];
    for (path, expected) in cases {
        let output = grounded(&["check", &path]);
        assert_eq!(output.code, Some(2), "{path}: {}", output.stderr);
        assert!(output.stderr.contains(expected), "{path}: expected {expected:?} in {}", output.stderr);
    }
}

#[test]
fn demo_tells_the_story_end_to_end() {
    // Its own temporary folder, to see what the demo leaves there: the report only.
    let tmp = tempfile::tempdir().unwrap();
    let output = Grounded::new().env("TMPDIR", tmp.path()).run(&["demo"]);
    assert!(output.success(), "{}", output.stderr);
    let left: Vec<String> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["grounded-demo-report"], "the example files' folders are removed");
    let text = &output.stdout;
    for expected in [
        "saved as draft O-1 with KR-1, KR-2, KR-3",
        "FAIL kr.not_activity_proxy",
        "IND-1 on metric",
        "without a reason: refused: reason: is needed to move a target (65 to 62)",
        "KR-1 updated by demo [statement, target]: The September cohort baseline",
        "p3-churned.md         7 read as Markdown: 3 new, 4 duplicates",
        "tag \"onboarding-flow\" merged into \"onboarding\" (3 items retagged)",
        "How satisfied are you with getting started?",
        "to O-1 (Motivates)",
        "evidence_linked by demo [link]",
    ] {
        assert!(text.contains(expected), "the demo did not print {expected:?}:\n{text}");
    }
    // The report it wrote shows the chart written beside it, after the summary.
    let folder = tmp.path().join("grounded-demo-report");
    let report = std::fs::read_to_string(folder.join("report.md")).unwrap();
    let (_, link) = report.split_once("the key result most in need of attention](").expect("the chart's image");
    let png = &link[..link.find(')').unwrap()];
    assert_eq!(png, "KR-2-chart.png", "the least progress of the two off track");
    assert!(folder.join(png).exists() && folder.join("KR-2-chart.svg").exists());
    assert!(report.find("## Summary").unwrap() < report.find("## O-1").unwrap(), "{report}");
}

/// Markdown as people write it: a byte-order mark, a title heading with the cycle
/// under it, bold fields, an owner as a bullet, notes as sub-bullets; every finding
/// names its file and line.
#[test]
fn check_reads_markdown_as_people_write_it_and_points_at_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}# Finance team OKRs, Q4\n**Cycle:** 2026-Q4\n\n## Billing admins trust every invoice they send\n**Owner:** Ann Lee\n\n- Cut invoice disputes per month from 40 to 10\n  - counted in Zendesk, tag billing-dispute\n- Raise invoices paid on time from 70% to 90%\n\n## Support answers while customers still care\n- Owner: Sam Ortiz\n- Cut median first reply time from 9 hours to 2 hours\n- Publish 20 help articles\n";
    let file = write(dir.path(), "okrs.md", text.as_bytes());
    let out = grounded(&["check", &file, "--json"]);
    assert_ne!(out.code, Some(2), "{}", out.stderr);
    let objectives = out.json();
    let objectives = objectives.as_array().unwrap();
    assert_eq!(objectives.len(), 2, "the title heading is not an objective");
    assert_eq!((objectives[0]["line"].as_u64(), objectives[1]["line"].as_u64()), (Some(4), Some(11)));
    assert_eq!(objectives[0]["key_results"].as_array().unwrap().len(), 2, "the note is not a key result");
    for objective in objectives {
        let findings = objective["findings"].as_array().unwrap();
        let owner = findings.iter().find(|f| f["rule"] == "objective.one_owner").unwrap();
        assert_eq!(owner["status"], "pass", "bold and bulleted owners are read: {owner}");
        assert!(
            findings
                .iter()
                .all(|f| f["file"].as_str().unwrap().ends_with("okrs.md") && f["line"].as_u64().unwrap() > 0)
        );
    }
    let output = objectives[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "kr.outcome_not_output" && f["status"] == "fail")
        .expect("publishing articles is an output");
    assert_eq!(output["line"], 14);
    let text_out = grounded(&["check", &file]).stdout;
    assert!(text_out.contains("okrs.md:14: FAIL kr.outcome_not_output"), "{text_out}");
}

/// A person who types `grounded` in a terminal gets the help and a word on how an
/// assistant starts it, not a server silently waiting for JSON. `script` (util-linux)
/// gives the binary a real terminal as its input.
#[test]
fn grounded_with_no_command_in_a_terminal_prints_help_and_exits_0() {
    let binary = env!("CARGO_BIN_EXE_grounded");
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", binary, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .output()
        .expect("`script` (util-linux) runs; install util-linux to run this test");
    // A terminal gets clap's colours: read the text without its escape sequences.
    let text = String::from_utf8_lossy(&output.stdout)
        .split('\x1b')
        .enumerate()
        .map(|(i, part)| if i == 0 { part } else { part.split_once('m').map_or(part, |(_, rest)| rest) })
        .collect::<String>();
    assert_eq!(output.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("Usage: grounded"), "{text}");
    assert!(text.contains("With no command and its input not a terminal, grounded serves MCP over stdio"), "{text}");

    // Piped, the same invocation is the stdio server: it answers an initialize.
    use std::io::Write;
    let db = tempfile::tempdir().unwrap();
    let mut child = Grounded::new()
        .env("GROUNDED_DB", db.path())
        .command(&[])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("Usage:") && text.contains("\"serverInfo\""), "{text}");
}

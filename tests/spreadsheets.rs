//! Files as people have them, through the MCP client and the CLI: a research tool's
//! .xlsx export with its own column names on a named sheet, a TSV with day-first
//! dates, and measurements in an .ods spreadsheet.

mod common;

use common::cli::Grounded;
use common::{connect, draft_activation, err, example, ok};
use serde_json::json;

#[tokio::test]
async fn spreadsheets_and_tsv_import_with_a_mapping_a_sheet_and_a_date_order() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    draft_activation(&client).await;
    let mapping =
        json!({"text": "Highlight", "participant": "Name", "observed_at": "Date", "tags": "Tags", "study": "Project"});

    // The first sheet is a cover page: its header has no Highlight column.
    let first =
        err(&client, "import_evidence", json!({"path": example("files/highlights.xlsx"), "mapping": mapping})).await;
    assert!(first.contains("mapping.text: sheet \"Summary\" has no column \"Highlight\""), "{first}");
    assert!(
        first.contains("read another sheet with sheet (the first was read; the others are \"Highlights\")"),
        "{first}"
    );
    let missing = err(
        &client,
        "import_evidence",
        json!({"path": example("files/highlights.xlsx"), "mapping": mapping, "sheet": "Quotes"}),
    )
    .await;
    assert!(missing.contains("sheet:") && missing.contains("\"Summary\", \"Highlights\""), "{missing}");
    let xlsx = ok(
        &client,
        "import_evidence",
        json!({"path": example("files/highlights.xlsx"), "mapping": mapping, "sheet": "highlights"}),
    )
    .await;
    assert_eq!((xlsx["format"].as_str(), xlsx["created"].as_u64()), (Some("spreadsheet"), Some(3)), "{xlsx}");
    assert_eq!(xlsx["sheet"], json!({"read": "Highlights", "others": ["Summary"], "chosen": true}), "{xlsx}");
    // Without `sheet`, the answer says which sheet was read and which others there are.
    let first_sheet = ok(&client, "import_evidence", json!({"path": example("files/research_export.xlsx")})).await;
    assert_eq!(first_sheet["created"], 2, "{first_sheet}");
    assert_eq!(
        first_sheet["sheet"],
        json!({"read": "Highlights", "others": ["Notes", "Raw"], "chosen": false}),
        "{first_sheet}"
    );
    let found = ok(&client, "search_evidence", json!({"query": "reconciliation mismatches"})).await;
    let item = &found["hits"][0]["evidence"];
    assert_eq!(
        (item["participant"].as_str(), item["observed_at"].as_str()),
        (Some("R15"), Some("2026-10-03")),
        "{item}"
    );
    assert_eq!(item["source"]["lines"], json!([4, 4]), "the row in the sheet");

    // TSV: commas inside cells stay; 03/10/2026 needs its order stated.
    let tsv_mapping = json!({"text": "Highlight", "participant": "Name", "observed_at": "Date", "tags": "Tags"});
    let unstated =
        err(&client, "import_evidence", json!({"path": example("files/highlights.tsv"), "mapping": tsv_mapping})).await;
    assert!(unstated.contains("line 2") && unstated.contains("day_first or month_first"), "{unstated}");
    let tsv = ok(
        &client,
        "import_evidence",
        json!({"path": example("files/highlights.tsv"), "mapping": tsv_mapping, "date_format": "day_first"}),
    )
    .await;
    assert_eq!((tsv["format"].as_str(), tsv["created"].as_u64()), (Some("tsv"), Some(2)));
    assert!(tsv.get("sheet").is_none(), "a TSV has no sheets: {tsv}");
    let sso = ok(&client, "search_evidence", json!({"query": "SSO"})).await;
    assert_eq!(sso["hits"][0]["evidence"]["observed_at"], "2026-10-03");
    assert!(sso["hits"][0]["evidence"]["text"].as_str().unwrap().contains("two weeks, so nobody"));

    // Measurements from an .ods sheet, then scored.
    let ods = ok(&client, "import_measurements", json!({"path": example("files/first_projects.ods")})).await;
    assert_eq!(ods["recorded"], 3, "{ods}");
    let kr2 = ok(&client, "score", json!({"subject": "KR-2", "as_of": "2026-10-20"})).await;
    assert_eq!(kr2["key_result"]["current"]["value"], 43.0, "{kr2}");
    assert_eq!(kr2["key_result"]["current"]["n"], 812, "n came from the sheet");
}

#[test]
fn the_cli_maps_columns_and_reads_sheets_in_flag_words() {
    let dir = tempfile::tempdir().unwrap();
    let cli = Grounded::on(dir.path()).env("GROUNDED_TZ", "UTC");
    let grounded = |args: &[&str]| {
        let ran = cli.run(args);
        (ran.code, ran.said())
    };
    let xlsx = example("files/highlights.xlsx");
    let (code, said) = grounded(&["import", "evidence", &xlsx, "--map", "text=Highlight"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("--map text=COLUMN: sheet \"Summary\" has no column \"Highlight\""), "{said}");
    assert!(said.contains("read another sheet with --sheet (the first was read"), "{said}");
    assert!(!said.contains("mapping."), "MCP words in the CLI: {said}");
    let (code, said) = grounded(&["import", "evidence", &xlsx, "--map", "quote=Highlight"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("unknown field `quote`") && said.contains("the fields are text,"), "{said}");
    let (code, said) = grounded(&[
        "import",
        "evidence",
        &xlsx,
        "--sheet",
        "Highlights",
        "--map",
        "text=Highlight,participant=Name,observed_at=Date,tags=Tags",
    ]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("3 created"), "{said}");
    assert!(said.contains("read sheet \"Highlights\" (other sheets: \"Summary\")\n"), "{said}");
    let (code, said) = grounded(&["import", "evidence", &example("files/research_export.xlsx")]);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("2 created")
            && said.contains("read sheet \"Highlights\" (other sheets: \"Notes\", \"Raw\"); choose with --sheet"),
        "{said}"
    );

    let tsv = example("files/highlights.tsv");
    let (code, said) = grounded(&["import", "evidence", &tsv, "--map", "text=Highlight,observed_at=Date"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("--date-format day-first or month-first") && said.contains("--row-level"), "{said}");
    let (code, said) = grounded(&[
        "import",
        "evidence",
        &tsv,
        "--map",
        "text=Highlight,observed_at=Date",
        "--date-format",
        "day-first",
    ]);
    assert_eq!(code, Some(0), "{said}");
    let (code, said) = grounded(&["import", "evidence", &tsv, "--date-format", "sideways"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("use day-first (31/12/2026) or month-first"), "{said}");
}

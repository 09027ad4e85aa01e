//! "Why did activation slip?" end to end through the MCP client, on the example
//! workspace: the dip week, the indicator that moved first, the excerpts that
//! explain it; a flat metric where nothing slipped; words that match nothing; and
//! the bad input of the issue, each answered with what is missing.

mod common;

use common::{Client, connect, err, example, ok};
use serde_json::{Value, json};

/// The example quarter: O-1 with its indicator, the research, the measurements, and
/// the excerpts linked as explaining the dip. Returns the linked evidence ids.
async fn example_workspace(client: &Client) -> Vec<String> {
    // As examples/okrs.yaml has it: the objective names its journey stage.
    ok(
        client,
        "draft_okr",
        json!({"objective": "New customers reach lasting value in their first week", "owner": "Maya Chen", "cycle": "2026-Q4", "stage": "activation",
               "key_results": ["Raise week-1 to month-3 retention from 50% to 65%",
                               {"statement": "Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%", "role": "leading"},
                               "Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1"]}),
    )
    .await;
    ok(client, "add_indicator", json!({"key_result": "KR-1", "metric": "Share of new accounts inviting a teammate in week 1", "expected_lag_days": 7}))
        .await;
    for file in ["evidence/interviews.jsonl", "evidence/observations.jsonl", "evidence/survey_export.csv"] {
        ok(client, "import_evidence", json!({"path": example(file)})).await;
    }
    ok(client, "import_measurements", json!({"path": example("measurements.csv")})).await;
    ok(client, "validate_indicator", json!({"indicator": "IND-1", "to": "2026-11-23"})).await;
    let alone = ok(
        client,
        "search_evidence",
        json!({"query": "colleague on my own reason", "segment": "churned", "from": "2026-10-15", "limit": 1}),
    )
    .await;
    let ids: Vec<String> =
        alone["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 1);
    ok(
        client,
        "link_evidence",
        json!({"evidence": ids, "target": "KR-1", "relation": "explains",
               "rationale": "New accounts left alone after the invite prompt moved have no reason to come back"}),
    )
    .await;
    ids
}

fn texts(values: &Value) -> Vec<String> {
    values.as_array().map(|a| a.iter().map(|v| v.to_string()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn the_activation_dip_is_named_with_the_indicator_that_moved_first_and_the_excerpts_that_explain_it() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let linked = example_workspace(&client).await;

    let answer = ok(&client, "explain", json!({"question": "Why did activation slip?", "as_of": "2026-11-23"})).await;
    assert_eq!(answer["resolved"], "found");
    assert_eq!(answer["subject"]["kind"], "stage");
    assert_eq!(answer["slipped"], true);
    let slip = &answer["slip"];
    assert_eq!(slip["key_result"], "KR-1");
    assert_eq!(slip["start_day"], "2026-10-22", "the dip week");
    assert_eq!((slip["previous_value"].as_f64(), slip["start_value"].as_f64()), (Some(53.0), Some(47.0)));
    let interval = &slip["interval"];
    assert!(interval["high"].as_f64().unwrap() < 0.0, "the interval excludes no change: {interval}");
    assert!(texts(&slip["cites"]).iter().any(|c| c.contains("M-1@2026-10-22")));

    let indicator = &answer["drivers"][0];
    assert_eq!(indicator["kind"], "leading_indicator");
    assert_eq!(indicator["id"], "IND-1");
    assert_eq!(indicator["moved_first"], true);
    assert_eq!(indicator["lead_days"], 7);
    assert_eq!(indicator["consistent_with_lag"], true);
    assert_eq!(indicator["movement"]["start"], "2026-10-15T00:00:00Z");
    assert!(indicator["summary"].as_str().unwrap().contains("invite prompt moved behind the new template picker"));

    // The linked excerpt comes first, with its link; then research from the window.
    let evidence = answer["evidence"].as_array().unwrap();
    assert_eq!(evidence[0]["id"], linked[0].as_str());
    assert_eq!(evidence[0]["tier"], "linked_explains");
    assert!(evidence[0]["link"].as_str().unwrap().starts_with("LNK-"));
    assert!(evidence.iter().skip(1).any(|e| e["tier"] == "observed_in_window"));
    assert!(evidence.iter().all(|e| e["rank"].as_u64().unwrap() >= 1));
    // Wording: who linked it is named, and a survey line does not repeat its question.
    assert!(evidence[0]["why"].as_str().unwrap().contains(" by e2e-tester: "), "{}", evidence[0]["why"]);
    for item in evidence.iter().filter(|e| e["tier"] == "survey_change") {
        let (text, why) = (item["text"].as_str().unwrap(), item["why"].as_str().unwrap());
        assert!(!why.contains(text), "the question twice: {text} / {why}");
    }

    // Every statement carries ids; the narrative names the week, the indicator and the excerpt.
    for statement in answer["statements"].as_array().unwrap() {
        assert!(!statement["cites"].as_array().unwrap().is_empty(), "{statement}");
    }
    // The conclusion first: what fell, when, by how much with its interval, the
    // driver, whether it recovered, and where the key result stands.
    let headline = answer["headline"].as_str().unwrap();
    for needle in [
        "(KR-1) fell 4.67 (95% interval",
        "95% interval",
        "week of 2026-10-22",
        "IND-1, which fell first, 7 days before",
        "KR-1 is ",
    ] {
        assert!(headline.contains(needle), "{needle} missing from the headline: {headline}");
    }
    // The next step is built from this case: its metric and the week it slipped.
    let next = answer["next_step"].as_str().unwrap();
    assert!(next.contains("week-1 to month-3 retention") && next.contains("2026-10-22"), "{next}");
    assert!(!next.contains("signed up"), "no canned onboarding step: {next}");
    let narrative = answer["narrative"].as_str().unwrap();
    assert!(narrative.starts_with(&format!("**In short.** {headline}")), "{narrative}");
    for needle in ["2026-10-22", "IND-1", linked[0].as_str(), "release 4.12"] {
        assert!(narrative.contains(needle), "{needle} missing from:\n{narrative}");
    }

    // Asked about the metric by name, with a typo, and about October only: the same slip.
    let typo =
        ok(&client, "explain", json!({"question": "why did retension drop in October?", "as_of": "2026-11-23"})).await;
    assert_eq!(typo["subject"]["id"], "KR-1", "{}", typo["subject"]);
    assert_eq!(typo["window"], json!({"from": "2026-10-01", "to": "2026-10-31"}));
    assert!(typo.to_string().contains("October 2026, named in the question"), "the month's whole name");
    assert_eq!(typo["slip"]["start_day"], "2026-10-22");

    // Drivers of KR-1 are its own initiatives; a sibling key result's work is not one.
    ok(&client, "add_initiative", json!({"key_result": "KR-1", "title": "Restore the sample project", "due": "2026-10-25", "percent_complete": 40})).await;
    ok(&client, "add_initiative", json!({"key_result": "KR-3", "title": "Rewrite the satisfaction survey", "due": "2026-10-25", "percent_complete": 40})).await;
    let own = ok(&client, "explain", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await;
    let drivers = texts(&own["drivers"]).join("\n");
    assert!(drivers.contains("Restore the sample project"), "{drivers}");
    assert!(!drivers.contains("Rewrite the satisfaction survey"), "a sibling's initiative is not a driver: {drivers}");
    // Research linked to another key result is shown after the rest, and says so.
    let observed =
        own["evidence"].as_array().unwrap().iter().find(|e| e["tier"] == "observed_in_window").cloned().unwrap();
    ok(&client, "link_evidence", json!({"evidence": [observed["id"]], "target": "KR-3", "relation": "supports", "rationale": "about satisfaction"})).await;
    let again = ok(&client, "explain", json!({"subject": "KR-1", "as_of": "2026-11-23", "evidence_limit": 20})).await;
    let items = again["evidence"].as_array().unwrap();
    let position = items.iter().position(|e| e["id"] == observed["id"]).expect("still shown");
    assert!(items[position]["why"].as_str().unwrap().contains("linked to KR-3 instead"), "{}", items[position]);
    assert!(
        items[position..].iter().all(|e| e["why"].as_str().unwrap().contains("instead")),
        "shown after the rest: {items:?}"
    );

    // Asked about the stage, the whole objective's work is the subject's own.
    let stage = ok(&client, "explain", json!({"question": "Why did activation slip?", "as_of": "2026-11-23"})).await;
    let drivers = texts(&stage["drivers"]).join("\n");
    assert!(
        drivers.contains("Restore the sample project") && drivers.contains("Rewrite the satisfaction survey"),
        "{drivers}"
    );

    // The indicator asked about by id: its own fall, a week earlier.
    let invites = ok(&client, "explain", json!({"subject": "IND-1", "as_of": "2026-11-23"})).await;
    assert_eq!(invites["subject"]["kind"], "indicator");
    assert_eq!(invites["subject"]["name"], "Share of new accounts inviting a teammate in week 1");
    assert_eq!(invites["slip"]["start_day"], "2026-10-15");
    assert_eq!(invites["slipped"], true);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_flat_metric_did_not_slip_and_unknown_words_list_what_can_be_asked() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    // Before anything is drafted there is nothing to explain; the answer says so, and
    // the names drafted next are found (the server's vocabulary is read again).
    let nothing = ok(&client, "explain", json!({"question": "why did weekly active teams slip?"})).await;
    assert_eq!(nothing["resolved"], "unknown");
    assert!(nothing["narrative"].as_str().unwrap().contains("no key results or metrics to explain yet"));
    ok(
        &client,
        "draft_okr",
        json!({"objective": "Teams keep coming back every week", "owner": "Sam Ito", "cycle": "2026-Q4",
               "key_results": ["Raise weekly active teams from 200 to 260", "Raise weekly team comments from 900 to 1400"]}),
    )
    .await;
    // Subject with no measurements yet: said, not invented.
    let empty = ok(&client, "explain", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await;
    assert_eq!(empty["slipped"], false);
    assert!(empty.get("slip").is_none());
    assert!(
        empty["headline"].as_str().unwrap().contains("has no measurements to judge a slip by"),
        "{}",
        empty["headline"]
    );
    assert!(texts(&empty["gaps"]).iter().any(|g| g.contains("has no measurements at all")), "{}", empty["gaps"]);
    assert!(empty.get("drivers").is_none() && empty.get("evidence").is_none());

    let flat = [201.0, 199.0, 202.0, 200.0, 198.0, 201.0, 200.0, 199.0];
    let measurements: Vec<Value> = flat
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"metric": "KR-1", "at": format!("2026-10-{:02}", 1 + 7 * i.min(4)), "value": v}))
        .take(5)
        .chain(
            flat.iter()
                .skip(5)
                .enumerate()
                .map(|(i, v)| json!({"metric": "KR-1", "at": format!("2026-11-{:02}", 5 + 7 * i), "value": v})),
        )
        .collect();
    ok(&client, "record_measurements", json!({"measurements": measurements})).await;
    let answer =
        ok(&client, "explain", json!({"question": "why did weekly active teams slip?", "as_of": "2026-11-23"})).await;
    assert_eq!(answer["subject"]["id"], "KR-1");
    assert_eq!(answer["slipped"], false);
    assert!(answer["narrative"].as_str().unwrap().contains("Nothing slipped"), "{}", answer["narrative"]);
    let headline = answer["headline"].as_str().unwrap();
    assert!(headline.contains("did not slip beyond noise") && headline.contains("KR-1 is "), "{headline}");
    assert!(answer.get("drivers").is_none(), "no drivers for a slip that did not happen");

    // A window with no data says where the data is.
    let before = ok(
        &client,
        "explain",
        json!({"subject": "KR-1", "from": "2025-01-01", "to": "2025-03-31", "as_of": "2026-11-23"}),
    )
    .await;
    assert_eq!(before["slipped"], false);
    assert!(
        texts(&before["gaps"]).iter().any(|g| g.contains("no measurements between 2025-01-01 and 2025-03-31")),
        "{}",
        before["gaps"]
    );

    let unknown = ok(&client, "explain", json!({"question": "why did the flux capacitor slip?"})).await;
    assert_eq!(unknown["resolved"], "unknown");
    let could: Vec<String> = texts(&unknown["candidates"]);
    assert!(could.iter().any(|c| c.contains("weekly active teams")), "{could:?}");
    assert!(unknown["narrative"].as_str().unwrap().contains("Nothing in this workspace matches"));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_questions_are_answered_with_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let linked = example_workspace(&client).await;

    for empty in [json!({}), json!({"question": "   "})] {
        let message = err(&client, "explain", empty).await;
        assert!(message.contains("question: is empty"), "{message}");
    }
    let message = err(&client, "explain", json!({"question": "why?", "from": "2026-11-01", "to": "2026-10-01"})).await;
    assert!(message.starts_with("to: 2026-10-01 is before from 2026-11-01"), "{message}");
    let message = err(&client, "explain", json!({"subject": "KR-99"})).await;
    assert!(message.contains("KR-99 does not exist"), "{message}");

    let spanish = ok(&client, "explain", json!({"question": "¿Por qué bajó la activación?"})).await;
    assert_eq!(spanish["resolved"], "not_english");
    assert!(spanish.get("slip").is_none());
    assert!(spanish["narrative"].as_str().unwrap().contains("does not read as English"));

    // The explaining excerpt is unlinked: the answer says nothing explains it now.
    ok(&client, "unlink_evidence", json!({"evidence": linked, "target": "KR-1", "reason": "test"})).await;
    let answer = ok(&client, "explain", json!({"subject": "KR-1", "as_of": "2026-11-23"})).await;
    assert_eq!(answer["slipped"], true);
    assert!(answer["evidence"].as_array().is_none_or(|e| e.iter().all(|e| e["tier"] != "linked_explains")));
    assert!(texts(&answer["gaps"]).iter().any(|g| g.contains("no evidence is linked to KR-1")), "{}", answer["gaps"]);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_report_chart_prompts_and_completions_reach_a_client() {
    use rmcp::model::{CallToolRequestParams, GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};

    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    example_workspace(&client).await;

    // explain carries the slipping key result's chart as a PNG image.
    let arguments = json!({"question": "why did retention slip?", "as_of": "2026-11-23"});
    let result = client
        .call_tool(CallToolRequestParams::new("explain").with_arguments(arguments.as_object().unwrap().clone()))
        .await
        .unwrap();
    let image = result.content.iter().find_map(|c| c.as_image()).expect("an image content item");
    assert_eq!(image.mime_type, "image/png");
    use base64::Engine;
    let png = base64::prelude::BASE64_STANDARD.decode(&image.data).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");

    // Brief: the same conclusion in a fraction of the bytes, no image, and how to
    // ask for the rest.
    let full_bytes = serde_json::to_string(&result).unwrap().len();
    assert!(full_bytes < 64 * 1024, "explain answered {full_bytes} bytes with its chart");
    let mut brief_arguments = arguments.clone();
    brief_arguments["detail"] = json!("brief");
    let brief = client
        .call_tool(CallToolRequestParams::new("explain").with_arguments(brief_arguments.as_object().unwrap().clone()))
        .await
        .unwrap();
    assert!(brief.content.iter().all(|c| c.as_image().is_none()), "a brief answer has no image");
    let brief_bytes = serde_json::to_string(&brief).unwrap().len();
    assert!(brief_bytes * 5 < full_bytes, "brief {brief_bytes} bytes, full {full_bytes}");
    let (brief, full) = (brief.structured_content.unwrap(), result.structured_content.unwrap());
    assert_eq!(brief["headline"], full["headline"]);
    assert_eq!(brief["subject"], full["subject"]);
    assert!(brief["evidence"].as_array().unwrap().len() <= 3);
    assert_eq!(brief["evidence"][0]["id"], full["evidence"][0]["id"]);
    assert!(brief["narrative"].as_str().unwrap().contains("detail: full"), "{}", brief["narrative"]);
    assert!(brief.get("statements").is_none_or(|s| s.as_array().unwrap().is_empty()));

    // The report: Markdown per objective with evidence health, CSV of scores.
    let report = ok(&client, "report", json!({"cycle": "2026-Q4", "as_of": "2026-11-23"})).await;
    let markdown = report["markdown"].as_str().unwrap();
    assert!(markdown.starts_with("# 2026-Q4 report"), "{markdown}");
    assert!(markdown.contains("## O-1 New customers reach lasting value in their first week"));
    assert!(
        markdown.contains(
            "| KR-1 | Raise week-1 to month-3 retention from 50% to 65% | 54 (95% interval 49.09 to 58.83), n 399 |"
        ),
        "{markdown}"
    );
    // KR-2 and KR-3 have no evidence linked; IND-1 was validated from the data.
    assert_eq!(report["objectives"][0]["health"]["unlinked_key_results"], json!(["KR-2", "KR-3"]));
    assert_eq!(report["objectives"][0]["health"]["unvalidated_indicators"], json!([]));
    assert!(markdown.contains("no evidence linked to KR-2, KR-3"));
    // The summary comes first: of the two off track, KR-2 has made the least progress
    // (0.25 against KR-1's 0.27), so it heads what needs attention and is charted.
    assert!(markdown.find("## Summary").unwrap() < markdown.find("## O-1").unwrap(), "{markdown}");
    assert!(markdown.contains("**Needs attention**\n\n- **KR-2** off track (O-1)"), "{markdown}");
    let order: Vec<&str> = report["summary"]["needs_attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key_result"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["KR-2", "KR-1", "KR-3"]);
    assert_eq!(report["chart_key_result"], "KR-2");
    let csv = report["csv"].as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three key results:\n{csv}");
    assert!(lines[0].starts_with("cycle,objective,key_result,statement,owner,metric,baseline,target,value"));
    assert!(lines[1].starts_with("2026-Q4,O-1,KR-1,"), "{}", lines[1]);
    assert!(lines[1].contains(",off_track,"), "{}", lines[1]);
    let paged = client
        .call_tool(
            CallToolRequestParams::new("report")
                .with_arguments(json!({"cycle": "2026-Q4", "as_of": "2026-11-23"}).as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    let report_bytes = serde_json::to_string(&paged).unwrap().len();
    assert!(paged.content.iter().any(|c| c.as_image().is_some()), "the report carries its chart");
    assert!(report_bytes < 64 * 1024, "report answered {report_bytes} bytes with its chart");
    let message = err(&client, "report", json!({})).await;
    assert!(message.starts_with("cycle: is missing"), "{message}");
    let message = err(&client, "report", json!({"cycle": "2026-Q9"})).await;
    assert!(message.starts_with("cycle: "), "{message}");

    // Resources: the chart as SVG and PNG, the report as Markdown.
    let read = |uri: &str| client.read_resource(ReadResourceRequestParams::new(uri.to_string()));
    let svg = read("grounded://key-result/KR-1/chart.svg").await.unwrap();
    match &svg.contents[0] {
        ResourceContents::TextResourceContents { text, mime_type, .. } => {
            assert_eq!(mime_type.as_deref(), Some("image/svg+xml"));
            assert!(text.contains("<svg") && text.contains("target 65"), "{}", &text[..200]);
        }
        other => panic!("the SVG is text: {other:?}"),
    }
    let png = read("grounded://key-result/KR-1/chart.png").await.unwrap();
    assert!(
        matches!(&png.contents[0], ResourceContents::BlobResourceContents { mime_type, .. } if mime_type.as_deref() == Some("image/png"))
    );
    let md = read("grounded://cycle/2026-Q4/report.md").await.unwrap();
    assert!(matches!(&md.contents[0], ResourceContents::TextResourceContents { text, .. } if text.contains("## O-1")));
    assert!(read("grounded://key-result/KR-99/chart.svg").await.is_err());
    let templates = client.list_resource_templates(None).await.unwrap();
    let uris: Vec<&str> = templates.resource_templates.iter().map(|t| t.uri_template.as_str()).collect();
    for uri in [
        "grounded://key-result/{id}/chart.svg",
        "grounded://key-result/{id}/chart.png",
        "grounded://cycle/{cycle}/report.md",
    ] {
        assert!(uris.contains(&uri), "{uris:?}");
    }

    // Prompts: the four, each carrying what the store knows.
    let prompts = client.list_all_prompts().await.unwrap();
    let mut names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["draft_okrs", "quarter_review", "weekly_checkin", "why_did_it_slip"]);
    let prompt = |name: &str, arguments: Value| {
        client.get_prompt(GetPromptRequestParams::new(name).with_arguments(arguments.as_object().unwrap().clone()))
    };
    let text_of = |result: &rmcp::model::GetPromptResult| {
        result.messages[0].content.as_text().expect("a text message").text.clone()
    };
    let why = prompt("why_did_it_slip", json!({"question": "why did retention slip in October?"})).await.unwrap();
    assert!(text_of(&why).contains("2026-10-22") && text_of(&why).contains("IND-1"), "{}", text_of(&why));
    let review = prompt("quarter_review", json!({"cycle": "2026-Q4"})).await.unwrap();
    assert!(text_of(&review).contains("## O-1"));
    let draft = prompt("draft_okrs", json!({"problem": "new accounts are alone on an empty board"})).await.unwrap();
    assert!(text_of(&draft).contains("EV-"), "research ids: {}", text_of(&draft));
    let checkin = prompt("weekly_checkin", json!({"subject": "O-1"})).await.unwrap();
    assert!(text_of(&checkin).contains("\"status\""));
    assert!(prompt("weekly_checkin", json!({"subject": "O-99"})).await.is_err());

    // Completions: ids and cycles by what has been typed.
    let done = client.complete_resource_argument("grounded://key-result/{id}", "id", "KR-", None).await.unwrap();
    assert_eq!(done.values, ["KR-1", "KR-2", "KR-3"]);
    let done =
        client.complete_resource_argument("grounded://cycle/{cycle}/report.md", "cycle", "2026", None).await.unwrap();
    assert!(done.values.contains(&"2026-Q4".to_string()), "{:?}", done.values);
    let done = client.complete_resource_argument("grounded://evidence/{id}", "id", "ev-3", None).await.unwrap();
    assert!(!done.values.is_empty() && done.values.iter().all(|v| v.starts_with("EV-3")), "{:?}", done.values);
    let done = client.complete_prompt_argument("weekly_checkin", "subject", "O", None).await.unwrap();
    assert_eq!(done.values, ["O-1"]);
    client.cancel().await.unwrap();
}

/// Two key results share the asked word: the one that really fell is the answer, and
/// the other is named as also matching; when both fell, the answer asks which.
#[tokio::test]
async fn of_two_near_equal_subjects_the_one_that_slipped_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    ok(
        &client,
        "draft_okr",
        json!({"objective": "Visitors who try the product become paying customers", "owner": "Lena", "cycle": "2026-Q4",
               "key_results": ["Raise signup conversion rate from 20% to 30%", "Raise signup email clicks per week from 150 to 250"]}),
    )
    .await;
    let days = [
        "2026-10-01",
        "2026-10-08",
        "2026-10-15",
        "2026-10-22",
        "2026-10-29",
        "2026-11-05",
        "2026-11-12",
        "2026-11-19",
    ];
    let flat = [25.0, 25.2, 24.9, 25.1, 25.0, 25.1, 24.9, 25.0];
    let fell = [200.0, 205.0, 198.0, 202.0, 199.0, 121.0, 118.0, 120.0];
    let values = |metric: &str, series: &[f64], n: Option<u64>| -> Vec<serde_json::Value> {
        days.iter().zip(series).map(|(d, v)| json!({"metric": metric, "at": d, "value": v, "n": n})).collect()
    };
    let mut all = values("KR-1", &flat, Some(2000));
    all.extend(values("KR-2", &fell, None));
    ok(&client, "record_measurements", json!({"measurements": all, "insist": true})).await;

    let answer = ok(&client, "explain", json!({"question": "why did signup slip?", "as_of": "2026-11-23"})).await;
    assert_eq!(answer["resolved"], "found", "{answer}");
    assert_eq!(answer["subject"]["id"], "KR-2", "the one that fell: {}", answer["subject"]);
    assert_eq!(answer["slipped"], true);
    assert!(
        texts(&answer["candidates"]).iter().any(|c| c.contains("KR-1")),
        "the flat one is named: {}",
        answer["candidates"]
    );
    assert!(answer["narrative"].as_str().unwrap().contains("also matches KR-1"), "{}", answer["narrative"]);

    // Both fall: nothing tells them apart, so the answer asks.
    let mut second = values("KR-1", &[25.0, 25.1, 25.0, 24.9, 25.0, 19.0, 18.5, 18.8], Some(2000));
    for value in &mut second {
        value["at"] = json!(format!("{}T12:00:00Z", value["at"].as_str().unwrap()));
    }
    ok(&client, "delete_measurements", json!({"metric": "KR-1", "from": "2026-10-01", "to": "2026-11-30", "reason": "replaced by the corrected export"})).await;
    ok(&client, "record_measurements", json!({"measurements": second, "insist": true})).await;
    let both = ok(&client, "explain", json!({"question": "why did signup slip?", "as_of": "2026-11-23"})).await;
    assert_eq!(both["resolved"], "ambiguous", "{}", both["subject"]);
    let ids: Vec<String> = texts(&both["candidates"]);
    assert!(ids.iter().any(|c| c.contains("KR-1")) && ids.iter().any(|c| c.contains("KR-2")), "{ids:?}");
}

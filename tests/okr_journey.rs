//! The OKR journey end to end, as an assistant would run it: list the tools, check a
//! weak and a strong OKR, draft, update a target with a reason, get, list, restart
//! on the same database and find everything again, history included.

mod common;

use common::{connect, err, ok, rules_with};
use serde_json::json;

fn strong_okr() -> serde_json::Value {
    json!({
        "objective": "New customers reach lasting value in their first week",
        "owner": "Maya Chen",
        "cycle": "2026-Q4",
        "stage": "activation",
        "key_results": [
            "Raise week-1 to month-3 retention from 50% to 65%",
            {"statement": "Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%", "role": "leading"},
            "Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1"
        ]
    })
}

#[tokio::test]
async fn tools_are_listed_with_schemas_and_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().map(|s| s.name.as_str()), Some("grounded"));
    assert!(info.instructions.as_deref().unwrap_or("").contains("check_okr"));

    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "add_evidence",
            "add_indicator",
            "add_initiative",
            "check_okr",
            "delete_evidence",
            "delete_measurements",
            "draft_okr",
            "erase_participant",
            "explain",
            "get_okr",
            "import_evidence",
            "import_measurements",
            "link_evidence",
            "list_okrs",
            "record_measurements",
            "report",
            "score",
            "search_evidence",
            "suggest_links",
            "sync_sources",
            "unlink_evidence",
            "update_okr",
            "validate_indicator"
        ]
    );
    for tool in &tools {
        assert!(
            tool.description.as_deref().unwrap_or("").len() > 80,
            "{} needs a description written for an LLM",
            tool.name
        );
        assert!(tool.output_schema.is_some(), "{} has no outputSchema", tool.name);
        assert_eq!(tool.input_schema.get("type"), Some(&json!("object")), "{}", tool.name);
        let annotations = tool.annotations.as_ref().unwrap_or_else(|| panic!("{} has no annotations", tool.name));
        let read_only = matches!(
            tool.name.as_ref(),
            "check_okr"
                | "list_okrs"
                | "get_okr"
                | "search_evidence"
                | "suggest_links"
                | "score"
                | "explain"
                | "report"
        );
        assert_eq!(annotations.read_only_hint, Some(read_only), "{}", tool.name);
        // Only the imports and sources reach outside the database (they fetch URLs).
        let open_world = matches!(tool.name.as_ref(), "import_evidence" | "import_measurements" | "sync_sources");
        assert_eq!(annotations.open_world_hint, Some(open_world), "{}", tool.name);
        // A client asks before a call that removes or overwrites what is stored.
        let destructive = matches!(
            tool.name.as_ref(),
            "delete_measurements" | "delete_evidence" | "erase_participant" | "unlink_evidence" | "update_okr"
        );
        if !read_only {
            assert_eq!(annotations.destructive_hint, Some(destructive), "{}", tool.name);
        }
    }
    let check = tools.iter().find(|t| t.name == "check_okr").unwrap();
    let props = check.input_schema["properties"].as_object().unwrap();
    for field in ["objective", "owner", "cycle", "key_results"] {
        assert!(props.contains_key(field), "check_okr input lacks {field}");
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn weak_and_strong_okrs_are_told_apart_rule_by_rule() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;

    let strong = ok(&client, "check_okr", strong_okr()).await;
    assert!(rules_with(&strong, "fail", None).is_empty(), "strong OKR failed: {:?}", rules_with(&strong, "fail", None));
    assert!(strong["strength"].as_f64().unwrap() >= 0.9, "strength {}", strong["strength"]);
    let retention = &strong["key_results"][0];
    assert_eq!((retention["baseline"].as_f64(), retention["target"].as_f64()), (Some(50.0), Some(65.0)));
    assert_eq!(retention["metric"], "week-1 to month-3 retention");
    assert_eq!(retention["unit"]["kind"], "percent");
    assert_eq!(strong["key_results"][2]["scale"], json!({"min": 1.0, "max": 5.0}));
    assert!(rules_with(&strong, "todo", Some("objective")).contains(&"objective.motivated_by_evidence".to_string()));
    assert!(strong["questions"][0].as_str().unwrap().starts_with("Sufficient"));

    let weak = ok(
        &client,
        "check_okr",
        json!({
            "objective": "Launch the new help center",
            "owner": "Support team",
            "cycle": "2026-Q4",
            "key_results": ["Close 600 tickets a week", "Cut average handle time by 20%", "Publish 40 help articles by end of Q4"]
        }),
    )
    .await;
    let objective_fails = rules_with(&weak, "fail", Some("objective"));
    assert!(objective_fails.contains(&"objective.outcome_not_output".into()), "{objective_fails:?}");
    assert!(objective_fails.contains(&"objective.one_owner".into()), "{objective_fails:?}");
    assert!(rules_with(&weak, "fail", Some("key_results[0]")).contains(&"kr.not_activity_proxy".into()));
    let handle_time = rules_with(&weak, "fail", Some("key_results[1]"));
    assert!(
        handle_time.contains(&"kr.not_activity_proxy".into()) && handle_time.contains(&"kr.relative_target".into()),
        "{handle_time:?}"
    );
    assert!(rules_with(&weak, "fail", Some("key_results[2]")).contains(&"kr.outcome_not_output".into()));
    assert!(weak["strength"].as_f64().unwrap() < strong["strength"].as_f64().unwrap());
    let suggestion =
        weak["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "objective.outcome_not_output").unwrap();
    assert!(suggestion["question"].as_str().unwrap().contains("different for customers"));

    // Nothing was saved by checking.
    let page = ok(&client, "list_okrs", json!({})).await;
    assert_eq!(page["objectives"], json!([]));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_draft_survives_updates_and_a_restart_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;

    let drafted = ok(&client, "draft_okr", strong_okr()).await;
    assert_eq!(drafted["objective_id"], "O-1");
    assert_eq!(drafted["key_result_ids"], json!(["KR-1", "KR-2", "KR-3"]));
    assert_eq!(drafted["status"], "draft");

    // A second objective that targets the same metric reuses it.
    let second = ok(
        &client,
        "draft_okr",
        json!({"objective": "Trial teams see value before the trial ends", "owner": "Leo Park", "cycle": "2026-Q4",
               "key_results": ["Raise week-1 to month-3 retention from 50% to 60%", "Raise trial-to-paid conversion from 12% to 16%"]}),
    )
    .await;
    assert_eq!(second["metric_ids"][0], drafted["metric_ids"][0], "the shared metric is reused by name");

    let refused = err(&client, "update_okr", json!({"id": "KR-1", "changes": {"target": 62}})).await;
    assert!(refused.starts_with("reason: is needed to move a target (65 to 62)"), "{refused}");
    let updated = ok(
        &client,
        "update_okr",
        json!({"id": "KR-1", "changes": {"target": 62}, "reason": "Baseline re-measured on all accounts"}),
    )
    .await;
    assert_eq!(
        updated["changes"],
        json!([
            {"field": "statement", "from": "Raise week-1 to month-3 retention from 50% to 65%", "to": "Raise week-1 to month-3 retention from 50% to 62%"},
            {"field": "target", "from": 65.0, "to": 62.0}
        ]),
        "the statement follows the moved target"
    );
    assert_eq!(updated["history_entry"]["author"], "e2e-tester");
    ok(&client, "update_okr", json!({"id": "O-1", "changes": {"status": "active"}})).await;
    let indicator = ok(
        &client,
        "add_indicator",
        json!({"key_result": "KR-1", "metric": "Share of new accounts inviting a teammate in week 1", "expected_lag_days": 21}),
    )
    .await;
    assert_eq!(indicator["indicator"]["id"], "IND-1");
    assert_eq!(indicator["indicator"]["status"], "assumed");
    let initiative = ok(
        &client,
        "add_initiative",
        json!({"key_result": "KR-2", "title": "Guided first-project template", "percent_complete": 30}),
    )
    .await;
    assert_eq!(initiative["id"], "INI-1");

    let by_kr = ok(&client, "get_okr", json!({"id": "KR-2"})).await;
    assert_eq!(by_kr["id"], "O-1", "a KR id shows its objective");
    let page = ok(&client, "list_okrs", json!({"cycle": "2026-Q4", "status": "active"})).await;
    assert_eq!(page["objectives"].as_array().unwrap().len(), 1);
    assert_eq!(page["objectives"][0]["id"], "O-1");
    client.cancel().await.unwrap();

    // Restart on the same database: everything is there, history included.
    let client = connect(dir.path()).await;
    let detail = ok(&client, "get_okr", json!({"id": "O-1", "detail": "full"})).await;
    assert_eq!(detail["status"], "active");
    let full = &detail["full"];
    assert_eq!(full["key_result_details"][0]["target"], 62.0);
    assert_eq!(full["key_result_details"][0]["indicators"][0]["id"], "IND-1");
    assert_eq!(full["key_result_details"][1]["initiatives"][0]["title"], "Guided first-project template");
    let history = full["history"].as_array().unwrap();
    let target_change = history
        .iter()
        .find(|e| e["subject"] == "KR-1" && e["action"] == "updated")
        .expect("the target change is in the history");
    assert_eq!(target_change["reason"], "Baseline re-measured on all accounts");
    assert!(history.iter().any(|e| e["subject"] == "O-1" && e["action"] == "created"));
    assert!(history.iter().any(|e| e["subject"] == "KR-1" && e["action"] == "indicator_added"));
    let listed = ok(&client, "list_okrs", json!({"limit": 1})).await;
    assert_eq!(listed["objectives"][0]["id"], "O-1");
    let next = ok(&client, "list_okrs", json!({"limit": 1, "cursor": listed["next_cursor"]})).await;
    assert_eq!(next["objectives"][0]["id"], "O-2");
    assert!(next.get("next_cursor").is_none());
    // Ids keep counting after a restart: no reuse.
    let third = ok(&client, "draft_okr", json!({"objective": "Admins trust our audit log", "owner": "Sam", "cycle": "2026-Q4", "key_results": ["Raise audit-log weekly active admins from 10% to 25%", "Lift admin trust score (1-5 scale) from 3.1 to 3.8"]})).await;
    assert_eq!(third["objective_id"], "O-3");
    assert_eq!(third["key_result_ids"][0], "KR-6");
    client.cancel().await.unwrap();
}

/// An assistant reads get_okr into a limited context: by default the overview (scores,
/// open findings, counts) and a pointer to the rest; `detail: "full"` has everything.
#[tokio::test]
async fn get_okr_answers_in_brief_unless_asked_for_everything() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    common::draft_activation(&client).await;
    ok(&client, "add_initiative", json!({"key_result": "KR-1", "title": "Guided first-project template"})).await;
    ok(
        &client,
        "record_measurements",
        json!({"measurements": [{"metric": "KR-1", "at": "2026-10-08", "value": 52, "n": 400}]}),
    )
    .await;

    let brief = ok(&client, "get_okr", json!({"id": "KR-1"})).await;
    let size = serde_json::to_string(&brief).unwrap().len();
    assert!(size < 4096, "the default answer is {size} bytes: {brief}");
    let kr = &brief["key_results"][0];
    assert_eq!((kr["id"].as_str(), kr["initiatives"].as_u64()), (Some("KR-1"), Some(1)));
    assert_eq!(kr["current"]["value"], 52.0);
    assert_eq!(kr["current"]["on"], "2026-10-08");
    assert!(kr["progress"].as_f64().is_some() && kr["pace"].is_string(), "{kr}");
    let findings = brief["check"]["findings"].as_array().unwrap();
    assert!(!findings.is_empty() && findings.iter().all(|f| f["status"] != "pass" && f["reason"].is_string()));
    assert!(brief.get("full").is_none() && brief["more"].as_str().unwrap().contains("detail: \"full\""));

    let full = ok(&client, "get_okr", json!({"id": "O-1", "detail": "full"})).await;
    assert_eq!(full["key_results"], brief["key_results"], "the overview is the same in both");
    assert_eq!(full["full"]["key_result_details"][0]["initiatives"][0]["title"], "Guided first-project template");
    assert!(full["full"]["history"].as_array().unwrap().len() >= 2);
    assert!(serde_json::to_string(&full).unwrap().len() > 2 * size);

    let refused = err(&client, "get_okr", json!({"id": "O-1", "detail": "everything"})).await;
    assert!(refused.contains("detail") && refused.contains("full"), "{refused}");
}

/// The same draft sent twice is refused, naming the objective that exists; the caller
/// can say it is intended, and an archived objective does not block its title.
#[tokio::test]
async fn the_same_draft_twice_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let draft = json!({"objective": "Billing admins trust every invoice they send", "owner": "Ravi", "cycle": "2026-Q4",
                       "key_results": ["Cut invoice disputes per month from 40 to 10", "Raise invoices paid on time from 70% to 90%"]});
    assert_eq!(ok(&client, "draft_okr", draft.clone()).await["objective_id"], "O-1");
    let mut respaced = draft.clone();
    respaced["objective"] = json!("billing admins  trust every invoice they send");
    let twice = err(&client, "draft_okr", respaced).await;
    assert!(twice.starts_with("objective: O-1 already has this title in 2026-Q4"), "{twice}");
    assert!(twice.contains("same_title_intended: true"), "{twice}");
    let listed = ok(&client, "list_okrs", json!({})).await;
    assert_eq!(listed["objectives"].as_array().unwrap().len(), 1, "nothing was saved");
    let mut intended = draft.clone();
    intended["same_title_intended"] = json!(true);
    assert_eq!(ok(&client, "draft_okr", intended).await["objective_id"], "O-2");
    let mut next_cycle = draft.clone();
    next_cycle["cycle"] = json!("2027-Q1");
    assert_eq!(ok(&client, "draft_okr", next_cycle).await["objective_id"], "O-3", "another cycle is another objective");
}

/// Rewrites fit the key result at hand: a success rate whose numbers fall keeps its
/// verb and asks for the numbers; an output's rewrite names the work it was given.
#[tokio::test]
async fn rewrites_are_built_from_the_key_result_at_hand() {
    let dir = tempfile::tempdir().unwrap();
    let client = connect(dir.path()).await;
    let check = ok(
        &client,
        "check_okr",
        json!({"objective": "Customers find answers without waiting for us", "owner": "Ana", "cycle": "2026-Q4",
               "key_results": ["Increase payment success rate from 97% to 95%", "Publish 20 help-center articles", "Hold 20 customer calls"]}),
    )
    .await;
    let finding = |rule: &str, subject: &str| {
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["subject"] == subject)
            .cloned()
            .unwrap()
    };
    let direction = finding("kr.direction_consistent", "key_results[0]");
    let fix = direction["suggestion"].as_str().unwrap();
    assert!(fix.starts_with("Raise payment success rate from 97%") && !fix.contains("Reduce"), "{fix}");
    let articles = finding("kr.outcome_not_output", "key_results[1]");
    let rewrite = articles["suggestion"].as_str().unwrap();
    assert!(rewrite.contains("help-center articles") && !rewrite.contains("first project"), "{rewrite}");
    assert_eq!(check["key_results"][2]["direction"], "increase", "hold 20 calls is an activity, not maintain");
    assert_eq!(finding("kr.outcome_not_output", "key_results[2]")["status"], "fail");

    // A verb and a product area is a theme: it names nobody and no change.
    for theme in ["Improve onboarding", "Make billing great"] {
        let check = ok(
            &client,
            "check_okr",
            json!({"objective": theme, "owner": "Ana", "cycle": "2026-Q4",
                   "key_results": ["Raise week-1 retention from 50% to 65%", "Cut invoice disputes per month from 40 to 10"]}),
        )
        .await;
        assert!(
            rules_with(&check, "fail", Some("objective")).contains(&"objective.names_who_benefits".to_string()),
            "{theme}"
        );
    }
}

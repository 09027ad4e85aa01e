//! `grounded demo`: the whole flow on the example workspace, in a temporary database.
//!
//! It drives the same core operations the MCP tools call, so what it prints is what
//! an assistant would get back, rendered for a person.

use std::process::ExitCode;

use anyhow::Context;

use grounded::evidence::import::{ImportDefaults, ImportRequest, import_evidence};
use grounded::evidence::link::{LinkRequest, link_evidence};
use grounded::evidence::search::{SearchPage, SearchRequest, search};
use grounded::evidence::stats::compare_waves;
use grounded::evidence::suggest::{SuggestRequest, suggest_links};
use grounded::evidence::tags;
use grounded::explain::{ExplainRequest, explain};
use grounded::fetch::{Access, Allowlist, Caller, ImportRoots, TokenVars};
use grounded::lookup::query::{ListFilter, get_okr, list_okrs};
use grounded::model::Actor;
use grounded::model::{Evidence, EvidenceKind, IndicatorId, KeyResultId, Relation};
use grounded::okr::document::read_document;
use grounded::okr::draft::{Drafted, check_okr, draft_okr};
use grounded::okr::update::{OkrChanges, UpdateRequest, update_okr};
use grounded::report::{ReportRequest, report};
use grounded::scoring::measurements::{MeasurementImport, import_measurements};
use grounded::scoring::score::{ScoreRequest, score};
use grounded::scoring::validation::{ValidateRequest, p_text, validate_indicator};
use grounded::store::Store;

use super::render;

/// Embedded so `cargo run -- demo` works from any folder.
const EXAMPLE_OKRS: &str = include_str!("../../examples/okrs.yaml");
/// The example research, written to a temporary folder and imported from there,
/// the way a user imports their own files.
const EXAMPLE_RESEARCH: &[(&str, &str)] = &[
    ("interviews.jsonl", include_str!("../../examples/evidence/interviews.jsonl")),
    ("observations.jsonl", include_str!("../../examples/evidence/observations.jsonl")),
    ("survey_export.csv", include_str!("../../examples/evidence/survey_export.csv")),
    ("p3-churned.md", include_str!("../../examples/evidence/transcripts/p3-churned.md")),
    ("p6-retained.vtt", include_str!("../../examples/evidence/transcripts/p6-retained.vtt")),
];

/// Eight weekly check-ins of 2026-Q4, with the activation dip in week 4.
const EXAMPLE_MEASUREMENTS: &str = include_str!("../../examples/measurements.csv");
/// The demo scores as of a fixed day, the Monday after the eighth check-in, so its
/// story reads the same whenever it is run.
const DEMO_AS_OF: &str = "2026-11-23";

pub fn run() -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(demo())?;
    Ok(ExitCode::SUCCESS)
}

fn step(title: &str) {
    println!("\n== {title} ==");
}

async fn demo() -> anyhow::Result<()> {
    let store = Store::temporary()?;
    let actor = Actor("demo".into());
    println!("grounded demo: the example workspace (examples/okrs.yaml), in a temporary database.");

    step("1. Check and draft the example OKRs");
    let drafts = read_document("okrs.yaml", EXAMPLE_OKRS)?;
    let mut drafted = vec![];
    for draft in drafts {
        let outcome = check_okr(&store, draft.clone())?;
        print!("{}", render::check_outcome(&outcome, false, None));
        let saved = draft_okr(&store, draft, &actor).await?;
        let krs: Vec<String> = saved.key_result_ids.iter().map(ToString::to_string).collect();
        println!("  saved as draft {} with {}", saved.objective_id, krs.join(", "));
        drafted.push(saved);
    }

    let activation = &drafted[0];
    let retention_kr = activation.key_result_ids[0];
    research(&store, &actor, activation).await?;
    step("3. The leading indicator and the initiative the file declares");
    let indicator_id = *activation.indicator_ids.first().context("examples/okrs.yaml declares an indicator")?;
    let indicator = store.indicator(indicator_id)?.context("the declared indicator was written")?;
    let metric = store.metric(indicator.metric)?.context("the indicator's metric was written")?;
    println!(
        "  {} on metric {} ({}) for {retention_kr}, lag {} days, status {:?}",
        indicator.id, metric.id, metric.name, indicator.expected_lag_days, indicator.status
    );
    let initiative_id = *activation.initiative_ids.first().context("examples/okrs.yaml declares an initiative")?;
    let initiative = store.initiative(initiative_id)?.context("the declared initiative was written")?;
    println!(
        "  {} \"{}\" for {}, {}% complete (never counted as progress)",
        initiative.id, initiative.title, initiative.key_result, initiative.percent_complete
    );

    step(&format!("4. Move the target of {retention_kr}, with a reason"));
    let refused = update_okr(
        &store,
        UpdateRequest {
            id: retention_kr.to_string(),
            changes: OkrChanges { target: Some(62.0), ..Default::default() },
            reason: None,
        },
        &actor,
    )
    .await;
    if let Err(e) = refused {
        println!("  without a reason: refused: {e}");
    }
    let updated = update_okr(
        &store,
        UpdateRequest {
            id: retention_kr.to_string(),
            changes: OkrChanges { target: Some(62.0), ..Default::default() },
            reason: Some("The September cohort baseline was re-measured on all accounts, not a sample".into()),
        },
        &actor,
    )
    .await?;
    for c in &updated.changes {
        println!("  {}: {} → {}", c.field, c.from, c.to);
    }

    check_in(&store, &actor, activation, indicator.id).await?;
    why(&store)?;
    let written = write_report(&store)?;

    step("8. List the cycle");
    let page = list_okrs(&store, ListFilter { cycle: Some("2026-Q4".into()), ..Default::default() })?;
    for row in &page.objectives {
        println!(
            "  {:<5} {:<78} {:<12} {:?}, {} KRs",
            row.id.to_string(),
            row.title,
            row.owner.clone().unwrap_or_default(),
            row.status,
            row.key_results
        );
    }

    step(&format!("9. Show {} with its evidence, checks and history", activation.objective_id));
    let detail = get_okr(&store, &activation.objective_id.to_string())?;
    println!(
        "  {} ({}, {})",
        detail.objective.title,
        detail.objective.owner.clone().unwrap_or_default(),
        detail.objective.cycle
    );
    for kr in &detail.key_result_details {
        let k = &kr.key_result;
        println!(
            "  {:<6} {} [metric {}; {} indicator(s), {} initiative(s), {} evidence link(s)]",
            k.id.to_string(),
            k.statement,
            k.metric.map(|m| m.to_string()).unwrap_or_else(|| "none".into()),
            kr.indicators.len(),
            kr.initiatives.len(),
            kr.evidence.total
        );
    }
    let mut out = String::new();
    render::report(&mut out, &detail.check, false, None);
    print!("{out}");
    println!("  history:");
    for entry in &detail.history {
        let fields: Vec<&str> = entry.changes.iter().map(|c| c.field.as_str()).collect();
        println!(
            "    {} {} {} by {} [{}]{}",
            entry.at.strftime("%Y-%m-%d %H:%M"),
            entry.subject,
            entry.action,
            entry.author,
            fields.join(", "),
            entry.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
        );
    }
    println!("\nDone. The report and the chart are in {}:", written.display());
    println!(
        "  report.md (the cycle for a review, the chart shown in it), scores.csv (for a spreadsheet), and the chart"
    );
    println!("  of the key result most in need of attention as .svg and .png.");
    println!("The database was temporary; `grounded serve` keeps a real one (see README.md).");
    Ok(())
}

/// Step 5: import a quarter of weekly measurements, score it, test the indicator.
async fn check_in(store: &Store, actor: &Actor, activation: &Drafted, indicator: IndicatorId) -> anyhow::Result<()> {
    step("5. Import the weekly measurements, score the quarter, test the leading indicator");
    let folder = ExampleFolder::create()?;
    let path = folder.join("measurements.csv");
    std::fs::write(&path, EXAMPLE_MEASUREMENTS)?;
    let request = MeasurementImport { path: Some(path.display().to_string()), ..Default::default() };
    let recorded = import_measurements(store, &demo_access(&folder), request, actor, &|_| {}).await?;
    super::score::print_recorded("examples/measurements.csv", &recorded);
    println!("\n  score {} as of {DEMO_AS_OF}:", activation.objective_id);
    let request = ScoreRequest {
        subject: activation.objective_id.to_string(),
        as_of: Some(DEMO_AS_OF.into()),
        ..Default::default()
    };
    super::score::print_scored(&score(store, request)?);
    println!("\n  score the whole cycle as of {DEMO_AS_OF}:");
    let request = ScoreRequest { subject: "2026-Q4".into(), as_of: Some(DEMO_AS_OF.into()), ..Default::default() };
    super::score::print_scored(&score(store, request)?);
    println!("\n  does {indicator} (invites) lead retention? lagged correlation of the weekly series:");
    let request =
        ValidateRequest { indicator: indicator.to_string(), to: Some(DEMO_AS_OF.into()), ..Default::default() };
    let validation = validate_indicator(store, request, actor).await?;
    for lag in &validation.lags {
        let r = lag.r.map(|r| format!("{r:+.2}")).unwrap_or_else(|| "  -  ".into());
        let p = lag.p_value.map(p_text).unwrap_or_default();
        println!("    lag {:>2} days: r {r}  n {:>2}  {p}", lag.lag_days, lag.n);
    }
    println!("  {}", validation.reason);
    Ok(())
}

/// Step 6: the question users ask in chat, answered from the workspace.
fn why(store: &Store) -> anyhow::Result<()> {
    let question = "Why did activation slip?";
    step(&format!("6. Ask \"{question}\""));
    let answer = explain(
        store,
        ExplainRequest { question: Some(question.into()), as_of: Some(DEMO_AS_OF.into()), ..Default::default() },
    )?;
    for line in answer.narrative.to_string().lines() {
        println!("  {line}");
    }
    Ok(())
}

/// Step 7: the cycle report and the chart, written where the user can open them.
fn write_report(store: &Store) -> anyhow::Result<std::path::PathBuf> {
    step("7. Write the cycle report, the scores and the chart");
    let request = ReportRequest { cycle: Some("2026-Q4".into()), as_of: Some(DEMO_AS_OF.into()), ..Default::default() };
    let report = report(store, request)?;
    for line in report.markdown.lines().take_while(|l| !l.starts_with("## O-2")) {
        println!("  {line}");
    }
    println!("  ... ({} objectives in all)", report.objectives.len());
    let folder = std::env::temp_dir().join("grounded-demo-report");
    for path in super::report::write(store, &report, &folder)? {
        println!("  wrote {}", path.display());
    }
    Ok(folder)
}

/// Steps 2: import the research, tidy the tags, read the surveys, search, suggest and link.
async fn research(store: &Store, actor: &Actor, activation: &Drafted) -> anyhow::Result<()> {
    step("2. Import the research and link it to the key results it grounds");
    import_research(store, actor).await?;
    merge_tag_variants(store)?;
    let waves = SurveyWaves::read(store)?;
    waves.print_changes();
    let churned = search_churned(store)?;
    print_suggestions(store, activation.key_result_ids[1])?;
    let links = research_links(store, activation, &churned, &waves)?;
    link_research(store, actor, links).await
}

/// How each example file is imported: the transcripts carry no segment, study or day
/// of their own, so the import gives them, as a user would.
fn research_defaults() -> [(&'static str, ImportDefaults); 5] {
    [
        ("interviews.jsonl", ImportDefaults::default()),
        ("observations.jsonl", ImportDefaults::default()),
        ("survey_export.csv", ImportDefaults::default()),
        (
            "p3-churned.md",
            ImportDefaults {
                segment: Some("churned".into()),
                study: Some("Churn interviews, October".into()),
                observed_at: Some("2026-10-14".into()),
                ..Default::default()
            },
        ),
        (
            "p6-retained.vtt",
            ImportDefaults {
                segment: Some("retained".into()),
                study: Some("Onboarding interviews, November".into()),
                observed_at: Some("2026-11-06".into()),
                ..Default::default()
            },
        ),
    ]
}

/// Writes the example research to a folder of its own and imports each file from
/// there, saying what each was read as and what it added.
async fn import_research(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    let folder = ExampleFolder::create()?;
    for (name, text) in EXAMPLE_RESEARCH {
        std::fs::write(folder.join(name), text)?;
    }
    let no_progress = |_: grounded::progress::Step| {};
    let access = demo_access(&folder);
    for (name, defaults) in research_defaults() {
        let request = ImportRequest {
            path: Some(folder.join(name).to_string_lossy().into_owned()),
            defaults: Some(defaults),
            ..Default::default()
        };
        let report = import_evidence(store, &access, request, actor, &no_progress).await?;
        println!(
            "  {name:<20} {:>2} read as {:?}: {} new, {} duplicates of items already imported",
            report.read, report.format, report.added.created, report.added.duplicates
        );
        for note in &report.added.tag_notes {
            println!("    note: {note}");
        }
    }
    Ok(())
}

/// The example research tags onboarding three ways ("onboarding", "onboarding-flow",
/// "user-setup"): the two variants are merged into the one tag, as a team would.
fn merge_tag_variants(store: &Store) -> anyhow::Result<()> {
    for (from, into) in [("onboarding-flow", "onboarding"), ("user-setup", "onboarding")] {
        let retagged = tags::merge(store, from, into)?;
        println!("  tag \"{from}\" merged into \"{into}\" ({} items retagged)", retagged.len());
    }
    Ok(())
}

/// The survey results of every wave: compared wave to wave, and one cited as a baseline.
struct SurveyWaves(SearchPage);

impl SurveyWaves {
    /// The survey results (the example has fewer than 20).
    fn read(store: &Store) -> anyhow::Result<SurveyWaves> {
        let request = SearchRequest { kind: Some(EvidenceKind::Survey), limit: Some(20), ..Default::default() };
        Ok(SurveyWaves(search(store, &request)?))
    }

    /// The result of the question whose text holds `words`, in `wave`.
    fn question(&self, wave: &str, words: &str) -> Option<Evidence> {
        self.0
            .hits
            .iter()
            .map(|h| &h.evidence)
            .find(|e| e.text.contains(words) && e.survey.as_ref().and_then(|s| s.wave.as_deref()) == Some(wave))
            .cloned()
    }

    /// Three questions' change from W2 to W3, each with its interval and whether it is
    /// real or noise.
    fn print_changes(&self) {
        println!("\n  Survey waves, W2 → W3 (a change is real only when its 95% interval excludes 0):");
        for (words, stat) in
            [("satisfied", "mean"), ("recommend", "nps"), ("biggest obstacle", "share:Knowing where to start")]
        {
            let (Some(before), Some(after)) = (self.question("W2", words), self.question("W3", words)) else {
                continue;
            };
            let (Some(b), Some(a)) = (before.survey.as_ref(), after.survey.as_ref()) else { continue };
            let Some(change) = compare_waves(b, a).into_iter().find(|c| c.name == stat) else { continue };
            let interval = change.interval.map(|i| format!("[{:+.2}, {:+.2}]", i.low, i.high)).unwrap_or_default();
            println!(
                "    {:<52} {stat:<32} {:>7.2} → {:>7.2}  Δ {:+.2} {interval} {} (n {} → {}; {}, {})",
                after.text,
                change.before,
                change.after,
                change.difference,
                if change.real { "REAL" } else { "noise" },
                change.n_before,
                change.n_after,
                before.id,
                after.id
            );
        }
    }
}

/// What churned users said about an empty start screen: the top 3, printed.
fn search_churned(store: &Store) -> anyhow::Result<SearchPage> {
    let found = search(
        store,
        &SearchRequest {
            query: Some("empty start screen blank".into()),
            segment: Some("churned".into()),
            limit: Some(3),
            ..Default::default()
        },
    )?;
    println!("\n  search_evidence \"empty start screen blank\" (churned): {} matches, top 3:", found.total);
    for hit in &found.hits {
        println!(
            "    {:<6} {}: {}",
            hit.id.to_string(),
            hit.evidence.participant.clone().unwrap_or_default(),
            hit.snippet
        );
    }
    Ok(found)
}

/// The research suggested for a key result, with each suggestion's score and reason.
fn print_suggestions(store: &Store, key_result: KeyResultId) -> anyhow::Result<()> {
    let suggestions = suggest_links(store, &SuggestRequest { id: key_result.to_string(), limit: Some(3) })?;
    println!("\n  suggest_links for {key_result}:");
    for s in &suggestions.suggestions {
        println!("    {:<6} score {:.2}, {}: {}", s.id, s.score, s.reason, crate::cli::render::shorten(&s.text, 90));
    }
    Ok(())
}

/// A link the demo makes: the evidence, what it grounds, how, and why.
struct ResearchLink {
    evidence: Vec<String>,
    target: String,
    relation: Relation,
    rationale: &'static str,
}

/// The evidence ids of a page of hits.
fn ids(page: &SearchPage) -> Vec<String> {
    page.hits.iter().map(|h| h.id.to_string()).collect()
}

/// What the research grounds: churned users' words motivate the objective, retained
/// users' validate the first-project key result, the W1 survey is the satisfaction
/// baseline, and the observations of the removed sample project explain the dip.
fn research_links(
    store: &Store,
    activation: &Drafted,
    churned: &SearchPage,
    waves: &SurveyWaves,
) -> anyhow::Result<[ResearchLink; 4]> {
    let retained_projects = search(
        store,
        &SearchRequest {
            query: Some("real project first week".into()),
            segment: Some("retained".into()),
            limit: Some(3),
            ..Default::default()
        },
    )?;
    let dip = search(
        store,
        &SearchRequest {
            query: Some("sample project removed empty start screen".into()),
            kind: Some(EvidenceKind::Observation),
            limit: Some(2),
            ..Default::default()
        },
    )?;
    let satisfaction_w1 = waves.question("W1", "satisfied").map(|e| vec![e.id.to_string()]).unwrap_or_default();
    let key_results = &activation.key_result_ids;
    Ok([
        ResearchLink {
            evidence: ids(churned),
            target: activation.objective_id.to_string(),
            relation: Relation::Motivates,
            rationale: "Churned users describe an empty start with no first project: the problem this objective exists to solve",
        },
        ResearchLink {
            evidence: ids(&retained_projects),
            target: key_results[1].to_string(),
            relation: Relation::Validates,
            rationale: "Retained users name finishing a real project in week one as the moment it clicked",
        },
        ResearchLink {
            evidence: satisfaction_w1,
            target: key_results[2].to_string(),
            relation: Relation::Baseline,
            rationale: "The 3.3 baseline is the September (W1) getting-started satisfaction mean",
        },
        ResearchLink {
            evidence: ids(&dip),
            target: key_results[0].to_string(),
            relation: Relation::Explains,
            rationale: "The removal of the sample project coincides with more new accounts leaving an empty workspace",
        },
    ])
}

/// Makes each link whose search found evidence, printing the links made.
async fn link_research(store: &Store, actor: &Actor, links: [ResearchLink; 4]) -> anyhow::Result<()> {
    for ResearchLink { evidence, target, relation, rationale } in links {
        if evidence.is_empty() {
            continue;
        }
        let linked = link_evidence(
            store,
            LinkRequest { evidence: evidence.clone(), target: target.clone(), relation, rationale: rationale.into() },
            actor,
        )
        .await?;
        println!(
            "  linked {} to {target} ({relation:?}): {}",
            evidence.join(", "),
            linked.links.iter().map(|l| l.id.to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

/// The demo reads only the example files it wrote, whatever the environment says.
fn demo_access(folder: &std::path::Path) -> Access {
    Access {
        // As an assistant's: only under the roots (a person's own command reads anything).
        roots: ImportRoots::new(Caller::Local, &[folder.to_path_buf()], true),
        hosts: Allowlist::default(),
        token_vars: TokenVars::default(),
        tokens: Default::default(),
    }
}

/// A folder for the example files of one step, removed when the step is done (or
/// fails): a demo leaves nothing behind but the report it points to.
struct ExampleFolder(std::path::PathBuf);

impl ExampleFolder {
    fn create() -> anyhow::Result<ExampleFolder> {
        let dir = std::env::temp_dir().join(format!("grounded-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(ExampleFolder(dir))
    }
}

impl std::ops::Deref for ExampleFolder {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for ExampleFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

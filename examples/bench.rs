//! The benchmark: `cargo run --release --example bench`. Figures go in BENCHMARKS.md.
//!
//! Measures, with medians over repeated runs (the machines are shared and noisy):
//! - cold start of the release binary to the first `tools/list` answer over stdio,
//!   on a database holding 1,000 drafted objectives (5,000 key results);
//! - `get_okr` round trips over stdio: p50 and p95;
//! - `check_okr` throughput in the core: statements parsed per second and objectives
//!   checked per second.
//!
//! - evidence: importing 100,000 generated interview excerpts (10 JSONL files, each
//!   one durable transaction) in items per second, `search_evidence` round trips over
//!   stdio on that store (p50, p95, with and without filters), cold start on it, and
//!   the peak resident memory of the importer and of the server.
//!
//! - scoring: importing 1,000,000 measurements (10 CSV files) in values per second,
//!   and scoring a whole cycle of 1,000 objectives / 5,000 key results (one metric
//!   each, 200 measurements per metric), in the core and over stdio.
//!
//! The protocol is spoken as raw JSON-RPC lines, so client overhead is not measured.
//! - explain: the scoring store with the 100,000 excerpts imported into it too (and
//!   three linked as explaining KR-1), `explain` by subject id and by a question in
//!   words, in the core and over stdio (p50, p95).
//!
//! - surveys: a Qualtrics-shaped response export (20,000 respondents over six months,
//!   seven questions of the six types plus NPS) imported through the core's
//!   `import_evidence`, five runs into fresh stores: respondents and items per second.
//!
//! - sizes: what tools/list costs a model (the model-facing bytes per tool), and the
//!   bytes of each tool's answer (the whole JSON-RPC line) for a typical call on the
//!   example workspace (examples/okrs.yaml, its research and measurements).
//!
//! - http: `serve --http` with a token, through rmcp's streamable HTTP client: the
//!   `get_okr` round trip (p50, p95), then 50 concurrent clients (one session each)
//!   for 30 s, 4 reads (`get_okr`) to 1 write (`add_initiative`): calls/s, p50, p99
//!   and errors.
//!
//! - writes: over stdio on a fresh store, `add_evidence` of one item (p50, p95), calls
//!   of 100 items (items/s), the first search after them (it waits for the index to
//!   hold every acknowledged write), and `import_evidence` of a 50,000-row file
//!   (items/s to the durable answer).
//!
//! - compare: grounded beside the reference MCP memory server (installed with npm into
//!   the bench folder, pinned): the same generated notes and client, at 1k and 10k
//!   notes: writes in calls of 100, search p50, cold start, as ratios.
//!
//! `GROUNDED_BENCH=scoring` (or `explain`, `evidence`, `okr`, `http`, `writes`, `compare`) runs one part alone;
//! `GROUNDED_BENCH_DIR=path` keeps the generated stores there (in an empty folder);
//! `GROUNDED_BENCH_BIN=path` runs the servers from that binary instead (A/B comparisons).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use grounded::evidence::import::{CsvMapping, ImportRequest, import_evidence};
use grounded::evidence::link::{LinkRequest, link_evidence};
use grounded::explain::ExplainRequest;
use grounded::fetch::{Access, Caller, ImportRoots};
use grounded::lookup::query::get_okr;
use grounded::model::Actor;
use grounded::model::MetricId;
use grounded::model::Relation;
use grounded::okr::draft::{check_okr, draft_okr};
use grounded::okr::input::{KeyResultDraft, ObjectiveDraft};
use grounded::okr::statement::parse_statement;
use grounded::scoring::measurements::{MeasurementImport, import_measurements};
use grounded::scoring::score::{ScoreRequest, score};
use grounded::store::Store;

const OBJECTIVES: usize = 1_000;
const EXCERPTS: usize = 100_000;
const FILES: usize = 10;

fn main() -> anyhow::Result<()> {
    let binary = build_binary()?;
    // GROUNDED_BENCH_DIR keeps the generated stores for inspection; else a temporary folder.
    let temporary = tempfile::tempdir()?;
    let kept = std::env::var_os("GROUNDED_BENCH_DIR").map(PathBuf::from);
    let dir = kept.as_deref().unwrap_or(temporary.path());
    std::fs::create_dir_all(dir)?;
    let only = std::env::var("GROUNDED_BENCH").ok();
    let runs = |part: &str| only.as_deref().is_none_or(|o| o == part);
    // First, while this process holds nothing else, so its peak memory is the import's.
    if runs("evidence") {
        evidence(&binary, dir)?;
    }
    if runs("scoring") || runs("explain") {
        scoring(&binary, dir, runs("explain"))?;
    }
    if runs("http") {
        http(&binary, dir)?;
    }
    if runs("sizes") {
        sizes(&binary, dir)?;
    }
    if runs("surveys") {
        surveys(dir)?;
    }
    if runs("writes") {
        writes(&binary, dir)?;
    }
    if runs("compare") {
        compare(&binary, dir)?;
    }
    if !runs("okr") {
        return Ok(());
    }

    let db = dir.join("db");
    let seeded = Instant::now();
    seed(&db)?;
    println!(
        "seeded {OBJECTIVES} objectives / {} key results in {:.1} s",
        OBJECTIVES * 5,
        seeded.elapsed().as_secs_f64()
    );

    let starts: Vec<Duration> = (0..15).map(|_| cold_start(&binary, &db)).collect::<anyhow::Result<_>>()?;
    println!(
        "cold start to first tools/list answer: median {:.1} ms (min {:.1}, max {:.1}, n={})",
        ms(median(&starts)),
        ms(min(&starts)),
        ms(max(&starts)),
        starts.len()
    );

    let store = Store::open(&db)?;
    let mut core = Vec::with_capacity(2_000);
    for i in 0..2_000 {
        let t = Instant::now();
        std::hint::black_box(get_okr(&store, &format!("O-{}", 1 + (i * 7919) % OBJECTIVES))?);
        core.push(t.elapsed());
    }
    // The index of the last writes is finished, and sled let go, before a server opens it.
    grounded::evidence::search::settle();
    drop(store);
    println!("get_okr in the core, no transport: p50 {:.3} ms (n={})", ms(percentile(&core, 0.5)), core.len());

    let get = |i: usize| serde_json::json!({"id": format!("O-{}", 1 + (i * 7919) % OBJECTIVES)});
    let trips = round_trips(&binary, &db, 2_000, "get_okr", get)?;
    println!(
        "get_okr round trip over stdio: p50 {:.3} ms, p95 {:.3} ms (n={})",
        ms(percentile(&trips, 0.5)),
        ms(percentile(&trips, 0.95)),
        trips.len()
    );
    let (direct, relayed) = relayed_round_trips(&binary, &db, 2_000, get)?;
    println!(
        "get_okr round trip, owner and relay on one database, alternating: owner p50 {:.3} ms, relayed through the local socket p50 {:.3} ms, p95 {:.3} ms: relaying adds {:.3} ms at the median (n={} each)",
        ms(percentile(&direct, 0.5)),
        ms(percentile(&relayed, 0.5)),
        ms(percentile(&relayed, 0.95)),
        ms(percentile(&relayed, 0.5).saturating_sub(percentile(&direct, 0.5))),
        relayed.len()
    );
    let trips = round_trips(&binary, &db, 2_000, "list_okrs", |_| serde_json::json!({"limit": 1}))?;
    println!(
        "list_okrs limit 1 (a small answer) round trip over stdio: p50 {:.3} ms, p95 {:.3} ms (n={})",
        ms(percentile(&trips, 0.5)),
        ms(percentile(&trips, 0.95)),
        trips.len()
    );

    let statements = sample_statements();
    let rates: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let mut n = 0;
            while t.elapsed() < Duration::from_millis(300) {
                for s in &statements {
                    std::hint::black_box(parse_statement(s));
                    n += 1;
                }
            }
            n as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    println!("parse_statement: median {:.0} statements/s (7 runs)", median_f(&rates));

    let store = Store::temporary()?;
    let rates: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let mut n = 0;
            while t.elapsed() < Duration::from_millis(300) {
                std::hint::black_box(check_okr(&store, objective(n)).expect("check"));
                n += 1;
            }
            n as f64 * 5.0 / t.elapsed().as_secs_f64()
        })
        .collect();
    println!("check_okr (5 KRs per objective, all rules): median {:.0} statements/s (7 runs)", median_f(&rates));
    Ok(())
}

const SCORED_OBJECTIVES: usize = 1_000;
const MEASUREMENTS_PER_METRIC: usize = 200;

/// Scoring: 1,000 objectives with 5 key results each, every key result on its own
/// metric, 200 measurements per metric over 2026-Q3 (every 11 hours).
fn scoring(binary: &Path, dir: &Path, and_explain: bool) -> anyhow::Result<()> {
    let db = dir.join("scoring-db");
    let store = Store::open(&db)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let actor = Actor("bench".into());
    let mut metrics = vec![];
    runtime.block_on(async {
        for i in 0..SCORED_OBJECTIVES {
            let mut draft = objective(i);
            draft.cycle = Some("2026-Q3".into());
            draft.key_results = (0..5)
                .map(|k| KeyResultDraft::Statement(format!("Raise activation of segment {i}-{k} from 40% to 60%")))
                .collect();
            let drafted = draft_okr(&store, draft, &actor).await?;
            metrics.extend(drafted.metric_ids.into_iter().flatten());
        }
        anyhow::Ok(())
    })?;
    anyhow::ensure!(metrics.len() == SCORED_OBJECTIVES * 5, "expected one metric per key result");
    let files = write_measurement_files(&dir.join("measurements"), &metrics)?;
    let total = metrics.len() * MEASUREMENTS_PER_METRIC;
    let t = Instant::now();
    for file in &files {
        let request = MeasurementImport { path: Some(file.display().to_string()), ..Default::default() };
        runtime.block_on(import_measurements(&store, &bench_access(dir), request, &actor, &|_| {}))?;
    }
    let took = t.elapsed();
    println!(
        "import_measurements: {total} values in {} CSV files in {:.2} s = {:.0} values/s (each file one atomic batch, flushed)",
        files.len(),
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
    let request = || ScoreRequest { subject: "2026-Q3".into(), as_of: Some("2026-09-30".into()), ..Default::default() };
    let mut core = vec![];
    for _ in 0..7 {
        let t = Instant::now();
        let scored = score(&store, request())?;
        core.push(t.elapsed());
        let cycle = scored.cycle.expect("a cycle score");
        anyhow::ensure!(cycle.key_results == SCORED_OBJECTIVES * 5, "scored {} key results", cycle.key_results);
    }
    println!(
        "score a cycle of {SCORED_OBJECTIVES} objectives / {} key results / {total} measurements, in the core: median {:.1} ms (min {:.1}, max {:.1}, n=7)",
        SCORED_OBJECTIVES * 5,
        ms(median(&core)),
        ms(min(&core)),
        ms(max(&core))
    );
    // The index of the last writes is finished, and sled let go, before a server opens it.
    grounded::evidence::search::settle();
    drop(store);
    let trips = round_trips(
        binary,
        &db,
        7,
        "score",
        |_| serde_json::json!({"subject": "2026-Q3", "as_of": "2026-09-30", "limit": 50}),
    )?;
    // A client that lists its extensions without MCP Apps gets no pages' data: the
    // answer alone, as before the pages existed.
    let no_apps = serde_json::json!({"extensions": {"com.example/other": {}}});
    let plain = round_trips_declaring(
        binary,
        &db,
        7,
        "score",
        |_| serde_json::json!({"subject": "2026-Q3", "as_of": "2026-09-30", "limit": 50}),
        no_apps,
    )?;
    let arguments = serde_json::json!({"subject": "2026-Q3", "as_of": "2026-09-30", "limit": 50});
    let (with_page, without_page) = (
        answer_bytes(binary, &db, "score", &arguments, serde_json::json!({}))?,
        answer_bytes(binary, &db, "score", &arguments, serde_json::json!({"extensions": {"com.example/other": {}}}))?,
    );
    println!(
        "score the same cycle over stdio (first page of 50 objectives + summary): median {:.1} ms with the scorecard page's data (250 key results with sparklines, for a host that renders MCP Apps), {:.1} ms without (a client that declares other extensions): {:.2}x (n=7 each); answers of {:.0} KB and {:.0} KB",
        ms(median(&trips)),
        ms(median(&plain)),
        median(&trips).as_secs_f64() / median(&plain).as_secs_f64(),
        with_page as f64 / 1000.0,
        without_page as f64 / 1000.0
    );
    if and_explain {
        explain(binary, dir, &db)?;
    }
    Ok(())
}

/// explain on the scoring store with the 100k excerpts added: 1M measurements, 5,000
/// key results, 100,000 evidence items.
fn explain(binary: &Path, dir: &Path, db: &Path) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let actor = Actor("bench".into());
    let files = write_excerpt_files(&dir.join("explain-excerpts"))?;
    for file in &files {
        let request = ImportRequest { path: Some(file.display().to_string()), ..Default::default() };
        runtime.block_on(import_evidence(&store, &bench_access(dir), request, &actor, &|_| {}))?;
    }
    let linked = LinkRequest {
        evidence: vec!["EV-1".into(), "EV-2".into(), "EV-3".into()],
        target: "KR-1".into(),
        relation: Relation::Explains,
        rationale: "bench".into(),
    };
    runtime.block_on(link_evidence(&store, linked, &actor))?;
    let by_id =
        || ExplainRequest { subject: Some("KR-1".into()), as_of: Some("2026-09-30".into()), ..Default::default() };
    let in_words = || ExplainRequest {
        question: Some("why did activation of segment 1-0 slip in August?".into()),
        as_of: Some("2026-09-30".into()),
        ..Default::default()
    };
    for (label, request) in
        [("subject KR-1", &by_id as &dyn Fn() -> ExplainRequest), ("a question in words", &in_words)]
    {
        let mut core = vec![];
        for _ in 0..30 {
            let t = Instant::now();
            std::hint::black_box(grounded::explain::explain(&store, request())?);
            core.push(t.elapsed());
        }
        println!(
            "explain ({label}) on 1M measurements / 5,000 KRs / 100k evidence, in the core: p50 {:.1} ms, p95 {:.1} ms (n={})",
            ms(percentile(&core, 0.5)),
            ms(percentile(&core, 0.95)),
            core.len()
        );
    }
    // The index of the last writes is finished, and sled let go, before a server opens it.
    grounded::evidence::search::settle();
    drop(store);
    let mut server = Server::start(binary, db)?;
    server.handshake()?;
    for (label, arguments) in [
        ("subject KR-1", serde_json::json!({"subject": "KR-1", "as_of": "2026-09-30"})),
        (
            "a question in words",
            serde_json::json!({"question": "why did activation of segment 1-0 slip in August?", "as_of": "2026-09-30"}),
        ),
    ] {
        let mut trips = vec![];
        for _ in 0..30 {
            let t = Instant::now();
            let result =
                server.request("tools/call", serde_json::json!({"name": "explain", "arguments": arguments}))?;
            trips.push(t.elapsed());
            anyhow::ensure!(result["isError"] != true, "explain failed: {result}");
        }
        println!(
            "explain ({label}) round trip over stdio, chart image included when a KR slipped: p50 {:.1} ms, p95 {:.1} ms (n={})",
            ms(percentile(&trips, 0.5)),
            ms(percentile(&trips, 0.95)),
            trips.len()
        );
    }
    server.stop()
}

/// 10 CSV files: each metric's 200 values every 11 hours from 2026-07-01.
fn write_measurement_files(dir: &Path, metrics: &[MetricId]) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let start: jiff::Timestamp = "2026-07-01T00:00:00Z".parse()?;
    let per_file = metrics.len().div_ceil(10);
    let mut paths = vec![];
    for (f, chunk) in metrics.chunks(per_file).enumerate() {
        let path = dir.join(format!("measurements-{f}.csv"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(out, "metric,at,value,n")?;
        for metric in chunk {
            for j in 0..MEASUREMENTS_PER_METRIC {
                let at = start + jiff::SignedDuration::from_hours(11 * j as i64);
                let value = 40.0 + (j as f64) * 0.08 + ((metric.0 as usize * 7 + j) % 5) as f64 * 0.3;
                writeln!(out, "{metric},{at},{value:.2},{}", 300 + (j % 50))?;
            }
        }
        out.flush()?;
        paths.push(path);
    }
    Ok(paths)
}

/// The evidence half: import 100k excerpts, then search them over stdio.
fn evidence(binary: &Path, dir: &Path) -> anyhow::Result<()> {
    let files = write_excerpt_files(&dir.join("excerpts"))?;
    let db = dir.join("evidence-db");
    let store = Store::open(&db)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let actor = Actor("bench".into());
    let t = Instant::now();
    let mut per_file = vec![];
    for file in &files {
        let f = Instant::now();
        let request = ImportRequest { path: Some(file.display().to_string()), ..Default::default() };
        let report = runtime.block_on(import_evidence(&store, &bench_access(dir), request, &actor, &|_| {}))?;
        anyhow::ensure!(report.added.created == EXCERPTS / FILES, "an import created {}", report.added.created);
        per_file.push((EXCERPTS / FILES) as f64 / f.elapsed().as_secs_f64());
    }
    let all = t.elapsed();
    println!(
        "import_evidence: {EXCERPTS} excerpts in {FILES} JSONL files in {:.1} s = {:.0} items/s overall, median file {:.0} items/s (each file one transaction, flushed)",
        all.as_secs_f64(),
        EXCERPTS as f64 / all.as_secs_f64(),
        median_f(&per_file)
    );
    println!("peak resident memory of the importing process: {:.0} MB", own_peak_mb());
    // The index of the last writes is finished, and sled let go, before a server opens it.
    grounded::evidence::search::settle();
    print_footprint(&store, &db)?;
    drop(store);

    let starts: Vec<Duration> = (0..9).map(|_| cold_start(binary, &db)).collect::<anyhow::Result<_>>()?;
    println!(
        "cold start on 100k evidence to first tools/list answer: median {:.1} ms (n={})",
        ms(median(&starts)),
        starts.len()
    );

    let words = VOCABULARY;
    let mut server = Server::start(binary, &db)?;
    server.handshake()?;
    let queries: [(&str, Arguments); 3] = [
        ("one word", Box::new(|i| serde_json::json!({"query": words[i % words.len()]}))),
        (
            "two words",
            Box::new(
                |i| serde_json::json!({"query": format!("{} {}", words[i % words.len()], words[(i * 7 + 3) % words.len()])}),
            ),
        ),
        (
            "a word + segment + tag filters",
            Box::new(
                |i| serde_json::json!({"query": words[i % words.len()], "segment": "churned", "tags": [TAGS[i % TAGS.len()]]}),
            ),
        ),
    ];
    for (label, arguments) in &queries {
        let mut trips = Vec::with_capacity(500);
        for i in 0..500 {
            let t = Instant::now();
            let result = server
                .request("tools/call", serde_json::json!({"name": "search_evidence", "arguments": arguments(i)}))?;
            trips.push(t.elapsed());
            anyhow::ensure!(result["isError"] != true, "search_evidence failed: {result}");
            anyhow::ensure!(result["structuredContent"]["total"].as_u64().unwrap_or(0) > 0, "no hits: {result}");
        }
        println!(
            "search_evidence ({label}, 10 hits) round trip over stdio on 100k: p50 {:.3} ms, p95 {:.3} ms (n={})",
            ms(percentile(&trips, 0.5)),
            ms(percentile(&trips, 0.95)),
            trips.len()
        );
    }
    println!("peak resident memory of the server after the searches: {:.0} MB", peak_mb(server.child.id())?);

    // Erasure: each generated participant has 200 items; the answer comes after the
    // transaction is flushed and the index segments that held them are rewritten.
    let mut erasures = vec![];
    for p in 0..5 {
        let t = Instant::now();
        let result = server.request(
            "tools/call",
            serde_json::json!({"name": "erase_participant", "arguments": {"participant": format!("P{p}"), "reason": "bench"}}),
        )?;
        erasures.push(t.elapsed());
        anyhow::ensure!(result["structuredContent"]["deleted"] == 200, "erase_participant: {result}");
    }
    println!(
        "erase_participant (200 items of 100k, flushed, index segments rewritten) over stdio: median {:.0} ms, min {:.0}, max {:.0} (n={})",
        ms(median(&erasures)),
        ms(min(&erasures)),
        ms(max(&erasures)),
        erasures.len()
    );
    server.stop()
}

/// Where the store's bytes go: sled's files against the records they hold, the
/// largest trees, and the search index beside them.
fn print_footprint(store: &Store, db: &Path) -> anyhow::Result<()> {
    let footprint = store.footprint()?;
    let mb = |bytes: u64| bytes as f64 / 1e6;
    let index: u64 =
        std::fs::read_dir(db.join("search"))?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!(
        "store of {EXCERPTS} excerpts: sled {:.1} MB on disk holding {:.1} MB of keys and values; search index {:.1} MB",
        mb(footprint.on_disk),
        mb(footprint.record_bytes()),
        mb(index)
    );
    let mut tables = footprint.tables.clone();
    tables.sort_by_key(|t| std::cmp::Reverse(t.key_bytes + t.value_bytes));
    for t in tables.iter().take(5) {
        println!(
            "  {}: {} entries, keys {:.1} MB, values {:.1} MB ({:.0} bytes per value)",
            t.name,
            t.entries,
            mb(t.key_bytes),
            mb(t.value_bytes),
            t.value_bytes as f64 / t.entries.max(1) as f64
        );
    }
    Ok(())
}

/// Builds the arguments of the i-th call.
type Arguments = Box<dyn Fn(usize) -> serde_json::Value>;

const VOCABULARY: &[&str] = &[
    "template",
    "invite",
    "teammate",
    "import",
    "checklist",
    "project",
    "calendar",
    "deadline",
    "export",
    "dashboard",
    "pricing",
    "trial",
    "onboarding",
    "tutorial",
    "integration",
    "slack",
    "permissions",
    "mobile",
    "notification",
    "search",
    "report",
    "sync",
    "billing",
    "support",
    "setup",
    "workspace",
    "comment",
    "upload",
    "spreadsheet",
    "manager",
];
const TAGS: &[&str] = &["onboarding", "first-project", "teammate-invite", "csv-import", "pricing", "integrations"];

/// Writes the generated excerpts: varied sentences from a fixed vocabulary, so the
/// index has realistic postings, and every file is one import.
/// One generated research note: distinct text, a participant, a segment and tags.
fn note(i: usize) -> serde_json::Value {
    let w = |k: usize| VOCABULARY[(i * 31 + k * 17 + i / 7) % VOCABULARY.len()];
    serde_json::json!({
        "kind": "interview",
        "text": format!("We stopped at the {} {} after the {} {} ({i})", w(1), w(2), w(3), w(4)),
        "participant": format!("P{}", i % 500),
        "segment": if i.is_multiple_of(3) { "churned" } else { "retained" },
        "observed_at": "2026-10-15",
        "tags": [TAGS[i % TAGS.len()]],
    })
}

/// Evidence writes over stdio on a fresh store (issue #15's targets).
fn writes(binary: &Path, dir: &Path) -> anyhow::Result<()> {
    let db = dir.join("writes-db");
    let mut server = Server::start(binary, &db)?;
    server.handshake()?;
    let mut next = 0usize;
    let mut add = |server: &mut Server, count: usize| -> anyhow::Result<Duration> {
        let items: Vec<serde_json::Value> = (next..next + count).map(note).collect();
        next += count;
        let t = Instant::now();
        let result =
            server.request("tools/call", serde_json::json!({"name": "add_evidence", "arguments": {"items": items}}))?;
        let took = t.elapsed();
        anyhow::ensure!(result["structuredContent"]["created"] == count, "add_evidence: {result}");
        Ok(took)
    };
    let single: Vec<Duration> = (0..300).map(|_| add(&mut server, 1)).collect::<anyhow::Result<_>>()?;
    println!(
        "add_evidence of one item over stdio (acknowledged = flushed): p50 {:.2} ms, p95 {:.2} ms (n={})",
        ms(percentile(&single, 0.5)),
        ms(percentile(&single, 0.95)),
        single.len()
    );
    let t = Instant::now();
    let mut calls = vec![];
    for _ in 0..100 {
        calls.push(add(&mut server, 100)?);
    }
    let all = t.elapsed();
    println!(
        "add_evidence in calls of 100 items over stdio: {:.0} items/s over 10,000 items (median call {:.1} ms)",
        10_000.0 / all.as_secs_f64(),
        ms(median(&calls))
    );
    let t = Instant::now();
    let found = server.request(
        "tools/call",
        serde_json::json!({"name": "search_evidence", "arguments": {"query": format!("({})", next - 1)}}),
    )?;
    println!(
        "the first search after them (sees the last write): {:.1} ms, {} hit(s)",
        ms(t.elapsed()),
        found["structuredContent"]["total"]
    );
    anyhow::ensure!(
        found["structuredContent"]["total"].as_u64().unwrap_or(0) >= 1,
        "the last write is not found: {found}"
    );

    let file = dir.join("writes-import.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
    for i in 100_000..150_000 {
        writeln!(out, "{}", note(i))?;
    }
    out.flush()?;
    drop(out);
    let t = Instant::now();
    let (result, notes) = server.request_with_progress(
        "tools/call",
        serde_json::json!({"name": "import_evidence", "arguments": {"path": file.display().to_string()},
                           "_meta": {"progressToken": "bench-import"}}),
    )?;
    let took = t.elapsed();
    anyhow::ensure!(result["isError"] != true, "import_evidence: {result}");
    println!(
        "import_evidence of a 50,000-row JSONL file over stdio: {:.0} items/s to the durable answer ({:.2} s)",
        50_000.0 / took.as_secs_f64(),
        took.as_secs_f64()
    );
    // The longest silence the client had: from the request to the first note,
    // between notes, and from the last note to the answer.
    let marks: Vec<Duration> =
        std::iter::once(Duration::ZERO).chain(notes.iter().map(|(at, _)| *at)).chain([took]).collect();
    let gap = marks.windows(2).map(|w| w[1] - w[0]).max().unwrap_or_default();
    let phases: Vec<&str> = notes.iter().map(|(_, m)| m.split(' ').next().unwrap_or("")).collect();
    let timeline: Vec<String> = notes.iter().map(|(at, m)| format!("{:.0} ms {m}", ms(*at))).collect();
    println!(
        "  its progress: {} notifications, longest silence {:.0} ms ({}), first words {:?}",
        notes.len(),
        ms(gap),
        timeline.join("; "),
        phases.iter().fold(Vec::<&str>::new(), |mut seen, p| {
            if seen.last() != Some(p) {
                seen.push(p);
            }
            seen
        })
    );
    Ok(())
}

/// The reference server, pinned so that runs compare the same code.
const MEMORY_SERVER: &str = "@modelcontextprotocol/server-memory@2026.8.31";

/// How one server stores notes and searches them, for the side-by-side runs.
struct Contender {
    name: &'static str,
    command: Box<dyn Fn() -> Command>,
    write: fn(std::ops::Range<usize>) -> (&'static str, serde_json::Value),
    search: fn(&str) -> (&'static str, serde_json::Value),
}

/// grounded against the reference MCP memory server, installed here with npm: the
/// same generated notes, the same raw JSON-RPC client, one run (issue #15).
fn compare(binary: &Path, dir: &Path) -> anyhow::Result<()> {
    let prefix = dir.join("memory-server");
    let installed = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .args([MEMORY_SERVER, "node@22"])
        .status();
    if !installed.as_ref().is_ok_and(|s| s.success()) {
        println!("compare: skipped, npm could not install {MEMORY_SERVER} and node@22 ({installed:?})");
        return Ok(());
    }
    let node = prefix.join("node_modules/.bin/node");
    let script = prefix.join("node_modules/@modelcontextprotocol/server-memory/dist/index.js");
    println!("| what | grounded | memory server | ratio |\n|---|---|---|---|");
    for size in [1_000usize, 10_000] {
        let (db, file) = (dir.join(format!("compare-{size}-db")), dir.join(format!("compare-{size}.jsonl")));
        let (binary, db2) = (binary.to_path_buf(), db.clone());
        let (node, script, file2) = (node.clone(), script.clone(), file.clone());
        let contenders = [
            Contender {
                name: "grounded",
                command: Box::new(move || grounded_command(&binary, &db2)),
                write: |range| ("add_evidence", serde_json::json!({"items": range.map(note).collect::<Vec<_>>()})),
                search: |word| ("search_evidence", serde_json::json!({"query": word})),
            },
            Contender {
                name: "memory",
                command: Box::new(move || {
                    let mut command = Command::new(&node);
                    command.arg(&script).env("MEMORY_FILE_PATH", &file2);
                    command
                }),
                write: |range| {
                    let entities: Vec<serde_json::Value> = range
                        .map(|i| {
                            let n = note(i);
                            serde_json::json!({"name": format!("note-{i}"), "entityType": n["kind"], "observations": [n["text"]]})
                        })
                        .collect();
                    ("create_entities", serde_json::json!({"entities": entities}))
                },
                search: |word| ("search_nodes", serde_json::json!({"query": word})),
            },
        ];
        let mut rows: Vec<[f64; 3]> = vec![];
        for contender in &contenders {
            let mut server = Server::spawn((contender.command)())?;
            server.handshake()?;
            let t = Instant::now();
            for start in (0..size).step_by(100) {
                let (tool, arguments) = (contender.write)(start..start + 100);
                let result = server.request("tools/call", serde_json::json!({"name": tool, "arguments": arguments}))?;
                anyhow::ensure!(result["isError"] != true, "{} {tool}: {result}", contender.name);
            }
            let rate = size as f64 / t.elapsed().as_secs_f64();
            server.stop()?;
            let mut server = Server::spawn((contender.command)())?;
            server.handshake()?;
            let mut trips = vec![];
            for i in 0..200 {
                let (tool, arguments) = (contender.search)(VOCABULARY[i % VOCABULARY.len()]);
                let t = Instant::now();
                let result = server.request("tools/call", serde_json::json!({"name": tool, "arguments": arguments}))?;
                trips.push(t.elapsed());
                anyhow::ensure!(result["isError"] != true, "{} {tool}: {result}", contender.name);
            }
            server.stop()?;
            let starts: Vec<Duration> =
                (0..9).map(|_| cold_start_of(|| (contender.command)())).collect::<anyhow::Result<_>>()?;
            rows.push([rate, ms(percentile(&trips, 0.5)), ms(median(&starts))]);
        }
        let (g, m) = (rows[0], rows[1]);
        println!(
            "| writes in calls of 100, {size} notes | {:.0} items/s | {:.0} items/s | {:.1}x |",
            g[0],
            m[0],
            g[0] / m[0]
        );
        println!("| search p50 at {size} notes (one word) | {:.2} ms | {:.2} ms | {:.1}x |", g[1], m[1], m[1] / g[1]);
        println!(
            "| cold start at {size} notes (median of 9) | {:.1} ms | {:.1} ms | {:.1}x |",
            g[2],
            m[2],
            m[2] / g[2]
        );
    }
    Ok(())
}

fn write_excerpt_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let openings = [
        "I couldn't find the",
        "We gave up on the",
        "Honestly the",
        "It took me a week to get the",
        "My team loved the",
    ];
    let endings = [
        "so we stopped using it.",
        "and that was when it clicked.",
        "which felt slow.",
        "before the trial ended.",
        "and I told my manager.",
    ];
    let mut paths = vec![];
    for f in 0..FILES {
        let path = dir.join(format!("excerpts-{f}.jsonl"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for j in 0..EXCERPTS / FILES {
            let i = f * (EXCERPTS / FILES) + j;
            let w = |k: usize| VOCABULARY[(i * 31 + k * 17 + i / 7) % VOCABULARY.len()];
            let text = format!(
                "{} {} {} after the {} {} ({}), {}",
                openings[i % openings.len()],
                w(1),
                w(2),
                w(3),
                w(4),
                i,
                endings[(i / 3) % endings.len()]
            );
            let line = serde_json::json!({
                "record_id": format!("gen-{i}"),
                "kind": "interview",
                "text": text,
                "participant": format!("P{}", i % 500),
                "segment": if i.is_multiple_of(2) { "retained" } else { "churned" },
                "study": format!("Generated study {}", i % 20),
                "observed_at": format!("2026-{:02}-{:02}", 1 + i % 10, 1 + i % 28),
                "tags": [TAGS[i % TAGS.len()], TAGS[(i / 6) % TAGS.len()]],
            });
            writeln!(out, "{line}")?;
        }
        out.flush()?;
        paths.push(path);
    }
    Ok(paths)
}

/// Peak resident memory (VmHWM) of a running process, in MB.
fn peak_mb(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmHWM in /proc/{pid}/status"))?;
    Ok(kb / 1024.0)
}

fn own_peak_mb() -> f64 {
    peak_mb(std::process::id()).unwrap_or(f64::NAN)
}

fn build_binary() -> anyhow::Result<PathBuf> {
    // An A/B comparison runs the same benchmark against a binary built elsewhere.
    if let Some(binary) = std::env::var_os("GROUNDED_BENCH_BIN") {
        return Ok(PathBuf::from(binary));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "grounded"])
        .current_dir(root)
        .status()?;
    anyhow::ensure!(status.success(), "building the release binary failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("grounded"))
}

fn sample_statements() -> Vec<String> {
    [
        "Raise week-1 to month-3 retention from 50% to 65%",
        "Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%",
        "Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1",
        "Policy misses on refund contacts down 40% (from 18% to 11%)",
        "Lift the Evaluation experience score from −1.1 to –0.4",
        "Grow annual recurring revenue from $4.2 million to $5 million by end of Q3",
        "Cut median first response time from 9 hours to under 2 hours",
        "Close 600 tickets a week",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn objective(i: usize) -> ObjectiveDraft {
    ObjectiveDraft {
        objective: format!("Customers in segment {} reach lasting value in their first week", i % 97),
        owner: Some(format!("Owner {}", i % 400)),
        cycle: Some("2026-Q4".into()),
        level: None,
        kind: None,
        parent: None,
        stage: Some("activation".into()),
        key_results: vec![
            KeyResultDraft::Statement(format!(
                "Raise week-1 to month-3 retention of cohort {} from 50% to 65%",
                i % 50
            )),
            KeyResultDraft::Statement(
                "Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%".into(),
            ),
            KeyResultDraft::Statement("Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1".into()),
            KeyResultDraft::Statement(format!("Cut time to first value for region {} from 9 days to 4 days", i % 20)),
            KeyResultDraft::Statement("Policy misses on refund contacts down 40% (from 18% to 11%)".into()),
        ],
        // 1,000 objectives from 97 titles: the repeats are the point.
        same_title_intended: true,
    }
}

fn seed(db: &Path) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let actor = Actor("bench".into());
    runtime.block_on(async {
        for i in 0..OBJECTIVES {
            draft_okr(&store, objective(i), &actor).await?;
        }
        anyhow::Ok(())
    })?;
    Ok(())
}

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    next_id: u64,
}

impl Server {
    fn start(binary: &Path, db: &Path) -> anyhow::Result<Server> {
        Server::spawn(grounded_command(binary, db))
    }

    /// Any stdio MCP server: grounded, or the reference memory server.
    fn spawn(mut command: Command) -> anyhow::Result<Server> {
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Ok(Server { child, stdin, stdout, next_id: 1 })
    }

    fn request(&mut self, method: &str, params: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let id = self.next_id;
        self.next_id += 1;
        let line = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        writeln!(self.stdin, "{line}")?;
        self.stdin.flush()?;
        loop {
            let mut answer = String::new();
            anyhow::ensure!(self.stdout.read_line(&mut answer)? > 0, "server closed stdout");
            let value: serde_json::Value = serde_json::from_str(&answer)?;
            if value["id"] == id {
                anyhow::ensure!(value.get("error").is_none(), "{method} failed: {}", value["error"]);
                return Ok(value["result"].clone());
            }
        }
    }

    /// The same, keeping the progress notifications that arrive before the answer:
    /// when each came (from the request) and its message.
    fn request_with_progress(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> anyhow::Result<(serde_json::Value, Vec<(Duration, String)>)> {
        let id = self.next_id;
        self.next_id += 1;
        let line = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let t = Instant::now();
        writeln!(self.stdin, "{line}")?;
        self.stdin.flush()?;
        let mut notes = vec![];
        loop {
            let mut answer = String::new();
            anyhow::ensure!(self.stdout.read_line(&mut answer)? > 0, "server closed stdout");
            let value: serde_json::Value = serde_json::from_str(&answer)?;
            if value["method"] == "notifications/progress" {
                notes.push((t.elapsed(), value["params"]["message"].as_str().unwrap_or("").to_string()));
            } else if value["id"] == id {
                anyhow::ensure!(value.get("error").is_none(), "{method} failed: {}", value["error"]);
                return Ok((value["result"].clone(), notes));
            }
        }
    }

    fn handshake(&mut self) -> anyhow::Result<()> {
        self.handshake_with(serde_json::json!({}))
    }

    /// The handshake of a client with these capabilities (the extensions it declares
    /// decide whether results carry the MCP Apps pages' data).
    fn handshake_with(&mut self, capabilities: serde_json::Value) -> anyhow::Result<()> {
        self.request(
            "initialize",
            serde_json::json!({"protocolVersion": "2025-11-25", "capabilities": capabilities, "clientInfo": {"name": "bench", "version": "0"}}),
        )?;
        writeln!(self.stdin, r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#)?;
        Ok(())
    }

    fn stop(mut self) -> anyhow::Result<()> {
        drop(self.stdin);
        self.child.wait()?;
        Ok(())
    }
}

fn grounded_command(binary: &Path, db: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .args(["serve", "--db"])
        .arg(db)
        // Files the bench generates beside its stores may be imported, and the
        // example workspace (the working directory, which the variable replaces).
        .env(
            "GROUNDED_IMPORT_ROOTS",
            format!(
                "{}:{}",
                db.parent().unwrap_or(db).display(),
                std::env::current_dir().unwrap_or_default().display()
            ),
        );
    command
}

fn cold_start(binary: &Path, db: &Path) -> anyhow::Result<Duration> {
    cold_start_of(|| grounded_command(binary, db))
}

/// Spawn to the first `tools/list` answer.
fn cold_start_of(command: impl Fn() -> Command) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let mut server = Server::spawn(command())?;
    server.handshake()?;
    let tools = server.request("tools/list", serde_json::json!({}))?;
    let elapsed = t.elapsed();
    anyhow::ensure!(tools["tools"].as_array().is_some_and(|t| !t.is_empty()), "tools/list answered no tools");
    server.stop()?;
    Ok(elapsed)
}

/// Round trips of one tool over one connection; `arguments` gets the call's index.
fn round_trips(
    binary: &Path,
    db: &Path,
    n: usize,
    tool: &str,
    arguments: impl Fn(usize) -> serde_json::Value,
) -> anyhow::Result<Vec<Duration>> {
    round_trips_declaring(binary, db, n, tool, arguments, serde_json::json!({}))
}

/// How many bytes one call's answer is, for a client declaring these capabilities.
fn answer_bytes(
    binary: &Path,
    db: &Path,
    tool: &str,
    arguments: &serde_json::Value,
    capabilities: serde_json::Value,
) -> anyhow::Result<usize> {
    let mut server = Server::start(binary, db)?;
    server.handshake_with(capabilities)?;
    let result = server.request("tools/call", serde_json::json!({"name": tool, "arguments": arguments}))?;
    server.stop()?;
    Ok(result.to_string().len())
}

/// The same, for a client declaring these capabilities.
fn round_trips_declaring(
    binary: &Path,
    db: &Path,
    n: usize,
    tool: &str,
    arguments: impl Fn(usize) -> serde_json::Value,
    capabilities: serde_json::Value,
) -> anyhow::Result<Vec<Duration>> {
    let mut server = Server::start(binary, db)?;
    server.handshake_with(capabilities)?;
    let mut trips = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        let result = server.request("tools/call", serde_json::json!({"name": tool, "arguments": arguments(i)}))?;
        trips.push(t.elapsed());
        anyhow::ensure!(result["isError"] != true, "{tool} failed: {result}");
    }
    server.stop()?;
    Ok(trips)
}

/// The same call alternately through the owner (the first server) and a second server
/// on the same database, which relays through the local socket.
fn relayed_round_trips(
    binary: &Path,
    db: &Path,
    n: usize,
    arguments: impl Fn(usize) -> serde_json::Value,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let mut owner = Server::start(binary, db)?;
    owner.handshake()?;
    let mut relay = Server::start(binary, db)?;
    relay.handshake()?;
    let (mut direct, mut relayed) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        for (server, trips) in [(&mut owner, &mut direct), (&mut relay, &mut relayed)] {
            let t = Instant::now();
            let result =
                server.request("tools/call", serde_json::json!({"name": "get_okr", "arguments": arguments(i)}))?;
            trips.push(t.elapsed());
            anyhow::ensure!(result["isError"] != true, "get_okr failed: {result}");
        }
    }
    relay.stop()?;
    owner.stop()?;
    Ok((direct, relayed))
}

const HTTP_CLIENTS: usize = 50;
const HTTP_SECONDS: u64 = 30;

/// `serve --http` on a loopback port with a token, 100 drafted objectives.
fn http(binary: &Path, dir: &Path) -> anyhow::Result<()> {
    let db = dir.join("http-db");
    {
        let store = Store::open(&db)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        for i in 0..100 {
            runtime.block_on(draft_okr(&store, objective(i), &Actor("bench".into())))?;
        }
    }
    let made = Command::new(binary).arg("--db").arg(&db).args(["token", "add", "bench"]).output()?;
    anyhow::ensure!(made.status.success(), "token add failed: {}", String::from_utf8_lossy(&made.stderr));
    let token = String::from_utf8(made.stdout)?.trim().to_string();
    let mut server = Command::new(binary)
        .arg("--db")
        .arg(&db)
        .args(["serve", "--http", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(server.stderr.take().expect("piped")).lines();
    let url = loop {
        let line = lines.next().ok_or_else(|| anyhow::anyhow!("serve --http exited"))??;
        if let Some(url) = line.strip_prefix("grounded: listening on ") {
            break url.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let outcome = runtime.block_on(http_load(&url, &token));
    server.kill()?;
    server.wait()?;
    outcome
}

async fn http_client(url: &str, token: &str) -> anyhow::Result<rmcp::service::RunningService<rmcp::RoleClient, ()>> {
    use rmcp::ServiceExt;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    grounded::fetch::tls::install();
    let config = StreamableHttpClientTransportConfig::with_uri(url.to_string()).auth_header(token.to_string());
    Ok(().serve(StreamableHttpClientTransport::from_config(config)).await?)
}

async fn http_call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tool: &str,
    arguments: serde_json::Value,
) -> bool {
    let arguments = arguments.as_object().cloned().unwrap_or_default();
    let request = rmcp::model::CallToolRequestParams::new(tool.to_string()).with_arguments(arguments);
    matches!(client.call_tool(request).await, Ok(result) if result.is_error != Some(true))
}

async fn http_load(url: &str, token: &str) -> anyhow::Result<()> {
    let client = http_client(url, token).await?;
    let mut trips = Vec::with_capacity(2_000);
    for i in 0..2_000 {
        let t = Instant::now();
        let ok = http_call(&client, "get_okr", serde_json::json!({"id": format!("O-{}", 1 + (i * 7) % 100)})).await;
        trips.push(t.elapsed());
        anyhow::ensure!(ok, "get_okr over HTTP failed");
    }
    client.cancel().await?;
    println!(
        "get_okr round trip over streamable HTTP (token, one session): p50 {:.3} ms, p95 {:.3} ms (n={})",
        ms(percentile(&trips, 0.5)),
        ms(percentile(&trips, 0.95)),
        trips.len()
    );

    let deadline = Instant::now() + Duration::from_secs(HTTP_SECONDS);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..HTTP_CLIENTS {
        let (url, token) = (url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let client = http_client(&url, &token).await?;
            let (mut reads, mut writes, mut errors, mut i) = (Vec::new(), Vec::new(), 0usize, 0usize);
            while Instant::now() < deadline {
                let (tool, arguments) = if i % 5 == 4 {
                    let kr = format!("KR-{}", 1 + (c * 31 + i) % 500);
                    (
                        "add_initiative",
                        serde_json::json!({"key_result": kr, "title": format!("Bench initiative {c}-{i}")}),
                    )
                } else {
                    ("get_okr", serde_json::json!({"id": format!("O-{}", 1 + (c * 13 + i) % 100)}))
                };
                let t = Instant::now();
                let ok = http_call(&client, tool, arguments).await;
                if i % 5 == 4 { &mut writes } else { &mut reads }.push(t.elapsed());
                errors += usize::from(!ok);
                i += 1;
            }
            client.cancel().await?;
            anyhow::Ok((reads, writes, errors))
        }));
    }
    let (mut reads, mut writes, mut errors) = (Vec::new(), Vec::new(), 0);
    for task in tasks {
        let (read, written, failed) = task.await??;
        reads.extend(read);
        writes.extend(written);
        errors += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let all: Vec<Duration> = reads.iter().chain(&writes).copied().collect();
    println!(
        "{HTTP_CLIENTS} concurrent HTTP clients, 4 get_okr : 1 add_initiative, {HTTP_SECONDS} s: {:.0} calls/s, \
         p50 {:.2} ms, p99 {:.2} ms, errors {errors} (n={}); reads p50 {:.2} p99 {:.2} ms, writes p50 {:.2} p99 {:.2} ms",
        all.len() as f64 / elapsed,
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        all.len(),
        ms(percentile(&reads, 0.5)),
        ms(percentile(&reads, 0.99)),
        ms(percentile(&writes, 0.5)),
        ms(percentile(&writes, 0.99)),
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
fn median(v: &[Duration]) -> Duration {
    percentile(v, 0.5)
}
fn min(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}
fn max(v: &[Duration]) -> Duration {
    v.iter().copied().max().unwrap_or_default()
}
fn percentile(v: &[Duration], p: f64) -> Duration {
    let mut sorted = v.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
fn median_f(v: &[f64]) -> f64 {
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

const RESPONDENTS: usize = 20_000;

/// A Qualtrics export: three header rows, then one row per respondent.
fn write_survey_export(path: &Path) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    let mut text = String::from("StartDate,RecordedDate,ResponseId,Q1,Q2,Q3,Q4,Q5_1,Q5_2,Q5_3,Q6,Q7_TEXT,plan\n");
    text.push_str("Start Date,Recorded Date,Response ID,How likely are you to recommend us?,Easy to use?,Which feature do you use most?,Which platforms? (Select all),Rank - Speed,Rank - Integrations,Rank - Price,Did you contact support?,What should we improve?,plan\n");
    let ids = [
        "startDate",
        "recordedDate",
        "_recordId",
        "QID1",
        "QID2",
        "QID3",
        "QID4",
        "QID5_1",
        "QID5_2",
        "QID5_3",
        "QID6",
        "QID7_TEXT",
        "plan",
    ];
    let row: Vec<String> = ids.iter().map(|id| format!("\"{{\"\"ImportId\"\":\"\"{id}\"\"}}\"")).collect();
    text.push_str(&row.join(","));
    text.push('\n');
    let ladder =
        ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Strongly agree"];
    let features = ["Search", "Templates", "Sharing", "Offline mode"];
    let platforms = ["Web", "Web,macOS", "iOS,Android", "Windows", "Web,Windows,iOS"];
    let ranks = ["1,2,3", "2,3,1", "3,1,2"];
    for i in 0..RESPONDENTS {
        let day = format!("2026-{:02}-{:02} 10:00:00", 4 + i % 6, 1 + i % 28);
        let improve =
            if i % 3 == 0 { format!("\"Respondent {i} wants faster sync, and fewer clicks\"") } else { String::new() };
        let _ = writeln!(
            text,
            "{day},{day},R_{i:08},{},{},{},\"{}\",{},{},{improve},{}",
            (i * 7) % 11,
            ladder[(i * 3) % 5],
            features[i % 4],
            platforms[i % 5],
            ranks[i % 3],
            if i % 2 == 0 { "Yes" } else { "No" },
            ["Free", "Team", "Enterprise"][i % 3]
        );
    }
    std::fs::write(path, text)?;
    Ok(())
}

/// Imports a Qualtrics-shaped export of RESPONDENTS rows into fresh stores, five times.
fn surveys(dir: &Path) -> anyhow::Result<()> {
    let file = dir.join("surveys").join("qualtrics.csv");
    std::fs::create_dir_all(file.parent().unwrap())?;
    write_survey_export(&file)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let actor = Actor("bench".into());
    let mut seconds = vec![];
    let mut items = 0;
    for run in 0..5 {
        let store = Store::open(&dir.join(format!("surveys-db-{run}")))?;
        let t = Instant::now();
        let request = ImportRequest {
            path: Some(file.display().to_string()),
            mapping: Some(CsvMapping { segment: Some("plan".into()), ..Default::default() }),
            ..Default::default()
        };
        let report = runtime.block_on(import_evidence(&store, &bench_access(dir), request, &actor, &|_| {}))?;
        seconds.push(t.elapsed().as_secs_f64());
        items = report.added.created;
        let unclear = report.responses.iter().flat_map(|r| &r.questions).filter(|q| !q.could_be.is_empty()).count();
        anyhow::ensure!(unclear == 0, "{unclear} questions unclear");
        grounded::evidence::search::settle();
    }
    let median = median_f(&seconds);
    println!(
        "import_evidence of a Qualtrics export, {RESPONDENTS} respondents x 7 questions (6 months, 3 plans): median {median:.2} s over {} runs ({:.2}-{:.2}) = {:.0} respondents/s, {items} items ({:.0} items/s)",
        seconds.len(),
        seconds.iter().copied().fold(f64::INFINITY, f64::min),
        seconds.iter().copied().fold(0.0, f64::max),
        RESPONDENTS as f64 / median,
        items as f64 / median
    );
    Ok(())
}

/// The benchmark reads the files it wrote under its own folder.
fn bench_access(dir: &Path) -> Access {
    Access {
        roots: ImportRoots::new(Caller::Cli, &[dir.to_path_buf()], true),
        hosts: Default::default(),
        token_vars: Default::default(),
        tokens: Default::default(),
    }
}

/// The example workspace, built in the core, then each tool's typical call over
/// stdio: bytes of the answer line (structured content and its text copy), and
/// tokens at about 4 bytes each.
/// What tools/list costs a model in every turn: per tool, the bytes of the parts a
/// model reads (name, title, description, input schema, annotations; compact JSON as
/// sent), and apart from them the output schemas, which clients keep to check results.
fn tools_list_sizes(server: &mut Server) -> anyhow::Result<()> {
    let listed = server.request("tools/list", serde_json::json!({}))?;
    let tools = listed["tools"].as_array().cloned().unwrap_or_default();
    let mut rows = vec![];
    let (mut model_facing, mut outputs) = (0usize, 0usize);
    for tool in &tools {
        let mut read = tool.clone();
        let output = read.as_object_mut().and_then(|t| t.remove("outputSchema"));
        let bytes = serde_json::to_string(&read)?.len();
        model_facing += bytes;
        outputs += output.map(|o| serde_json::to_string(&o).map(|s| s.len())).transpose()?.unwrap_or(0);
        rows.push((bytes, tool["name"].as_str().unwrap_or("?").to_string()));
    }
    rows.sort_by(|a, b| b.cmp(a));
    println!(
        "tools/list: {} tools, model-facing {:.1} KB (output schemas apart: {:.1} KB)",
        tools.len(),
        model_facing as f64 / 1000.0,
        outputs as f64 / 1000.0
    );
    for (bytes, name) in rows {
        println!("  {name:<22} {:.1} KB", bytes as f64 / 1000.0);
    }
    Ok(())
}

fn sizes(binary: &Path, dir: &Path) -> anyhow::Result<()> {
    let db = dir.join("sizes-db");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    {
        let store = Store::open(&db)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let actor = Actor("bench".into());
        let access = bench_access(&examples);
        let okrs = std::fs::read_to_string(examples.join("okrs.yaml"))?;
        runtime.block_on(async {
            for draft in grounded::okr::document::read_document("okrs.yaml", &okrs)? {
                draft_okr(&store, draft, &actor).await?;
            }
            for file in ["evidence/interviews.jsonl", "evidence/observations.jsonl", "evidence/survey_export.csv"] {
                let path = examples.join(file).display().to_string();
                let request = ImportRequest { path: Some(path), ..Default::default() };
                import_evidence(&store, &access, request, &actor, &|_| {}).await?;
            }
            anyhow::Ok(())
        })?;
    }
    let mut server = Server::start(binary, &db)?;
    server.handshake()?;
    tools_list_sizes(&mut server)?;
    let measurements = examples.join("measurements.csv").display().to_string();
    let interviews = examples.join("evidence/interviews.jsonl").display().to_string();
    let calls: Vec<(&str, serde_json::Value)> = vec![
        (
            "check_okr",
            serde_json::json!({"objective": "Billing admins trust every invoice they send", "owner": "Ravi", "cycle": "2026-Q4", "key_results": ["Cut invoice disputes per month from 40 to 10", "Raise invoices paid on time from 70% to 90%"]}),
        ),
        (
            "draft_okr",
            serde_json::json!({"objective": "Billing admins trust every invoice they send", "owner": "Ravi", "cycle": "2026-Q4", "key_results": ["Cut invoice disputes per month from 40 to 10", "Raise invoices paid on time from 70% to 90%"]}),
        ),
        ("list_okrs", serde_json::json!({"cycle": "2026-Q4"})),
        ("get_okr", serde_json::json!({"id": "O-1"})),
        ("get_okr (detail full)", serde_json::json!({"id": "O-1", "detail": "full"})),
        ("update_okr", serde_json::json!({"id": "KR-3", "changes": {"weight": 2}, "reason": "bench"})),
        (
            "add_indicator",
            serde_json::json!({"key_result": "KR-1", "metric": "Share of new accounts inviting a teammate in week 1", "expected_lag_days": 21}),
        ),
        ("add_initiative", serde_json::json!({"key_result": "KR-2", "title": "Guided first-project template"})),
        ("import_measurements", serde_json::json!({"path": measurements})),
        (
            "record_measurements",
            serde_json::json!({"measurements": [{"metric": "KR-1", "at": "2026-11-20", "value": 55}]}),
        ),
        (
            "add_evidence",
            serde_json::json!({"items": [{"kind": "observation", "text": "Ten tickets this week about the empty start screen"}]}),
        ),
        ("import_evidence (again: 30 items updated)", serde_json::json!({"path": interviews})),
        ("search_evidence", serde_json::json!({"query": "blank canvas"})),
        (
            "link_evidence",
            serde_json::json!({"evidence": ["EV-1"], "target": "KR-2", "relation": "supports", "rationale": "bench"}),
        ),
        ("suggest_links", serde_json::json!({"id": "KR-1"})),
        ("validate_indicator", serde_json::json!({"indicator": "IND-1"})),
        ("score (a key result)", serde_json::json!({"subject": "KR-1", "as_of": "2026-11-23"})),
        ("score (the cycle)", serde_json::json!({"subject": "2026-Q4", "as_of": "2026-11-23"})),
        ("explain", serde_json::json!({"question": "why did activation slip?", "as_of": "2026-11-23"})),
        (
            "explain (detail: brief)",
            serde_json::json!({"question": "why did activation slip?", "as_of": "2026-11-23", "detail": "brief"}),
        ),
        ("report", serde_json::json!({"cycle": "2026-Q4", "as_of": "2026-11-23"})),
        ("sync_sources", serde_json::json!({"pull": false})),
    ];
    println!("| tool (typical call on the example workspace) | bytes | ~tokens |");
    println!("|---|---|---|");
    for (label, arguments) in calls {
        let name = label.split(' ').next().unwrap_or(label);
        let result = server.request("tools/call", serde_json::json!({"name": name, "arguments": arguments}))?;
        anyhow::ensure!(result["isError"] != true, "{label} failed: {result}");
        let bytes = serde_json::to_string(&result)?.len();
        println!("| `{label}` | {bytes} | {} |", bytes / 4);
    }
    server.stop()
}

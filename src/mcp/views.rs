//! MCP Apps views (the `io.modelcontextprotocol/ui` extension): the scorecard, a key
//! result and the "why" answer as HTML pages a host renders beside the answer.
//!
//! Three parts, all here so the wiring can be read in one place:
//! - the pages themselves, `ui://grounded/*.html` resources of type
//!   `text/html;profile=mcp-app`, built from `views/` by `views/build.mjs` and committed
//!   (so neither `cargo build` nor the README's commands need Node);
//! - which tool links which page (`_meta.ui.resourceUri` in tools/list);
//! - what a page draws from: a tool result's `_meta` carries the series and scores a
//!   chart needs ([`ViewData`]). `_meta` is for the host and its view, not the model:
//!   the text and structured answer stay exactly what they are without apps. It is left
//!   out for a client that declares its extensions without this one ([`client_renders`]).

use std::collections::BTreeMap;

use jiff::civil::Date;
use rmcp::model::{CallToolResult, JsonObject, MetaObject, Resource, ResourceContents, Tool};
use rmcp::{Peer, RoleServer};
use serde::Serialize;
use serde_json::{Value, json};

use crate::evidence::link::evidence_counts;
use crate::explain::Explanation;
use crate::lookup::overview::ObjectiveAnswer;
use crate::model::{Evidence, EvidenceId, KeyResultId, ObjectiveId, Source};
use crate::report::Report;
use crate::report::chart::{self, ChartData, ChartPoint, SlipWindow};
use crate::scoring::score::{self, ObjectiveScore, ScoreOptions, Scored};
use crate::store::{Store, Table};

/// The extension's name in `capabilities.extensions`, the client's and ours.
pub const EXTENSION: &str = "io.modelcontextprotocol/ui";
/// The type a host renders as an app.
pub const MIME_TYPE: &str = "text/html;profile=mcp-app";

/// One page: where it lives, what it shows, and the tools whose answers it draws.
pub struct View {
    pub uri: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub html: &'static str,
    pub tools: &'static [&'static str],
}

pub const VIEWS: [View; 3] = [
    View {
        uri: "ui://grounded/scorecard.html",
        name: "scorecard",
        title: "Scorecard",
        description: "Objectives and key results with progress, pace, interval, a sparkline and evidence; a key result opens on choice",
        html: include_str!("views/scorecard.html"),
        tools: &["score", "report"],
    },
    View {
        uri: "ui://grounded/key-result.html",
        name: "key-result",
        title: "Key result",
        description: "A key result's chart (values with intervals, baseline, target, pace, forecast, evidence) beside its linked research and indicators",
        html: include_str!("views/key-result.html"),
        tools: &["get_okr"],
    },
    View {
        uri: "ui://grounded/why.html",
        name: "why",
        title: "Why it slipped",
        description: "The explain answer: headline, the slip on the chart with its interval, the indicator that moved first, cited evidence, next step",
        html: include_str!("views/why.html"),
        tools: &["explain"],
    },
];

/// The page that shows `tool`'s answers, if one does.
pub fn for_tool(tool: &str) -> Option<&'static View> {
    VIEWS.iter().find(|view| view.tools.contains(&tool))
}

/// What the server declares under `capabilities.extensions`.
pub fn capability() -> (String, JsonObject) {
    let settings = json!({ "mimeTypes": [MIME_TYPE] });
    (EXTENSION.to_string(), settings.as_object().cloned().unwrap_or_default())
}

/// Links `tool` to its page, under both keys hosts read: `ui.resourceUri` (the
/// extension's) and the flat `ui/resourceUri` its first hosts used.
pub fn link_tool(tool: &mut Tool) {
    if let Some(view) = for_tool(&tool.name) {
        let meta = tool.meta.get_or_insert_with(MetaObject::new);
        meta.0.insert("ui".into(), json!({ "resourceUri": view.uri }));
        meta.0.insert("ui/resourceUri".into(), json!(view.uri));
    }
}

/// The page's `_meta.ui`: it may reach nothing (no domains for connections or
/// resources, so the host's CSP blocks every request), and asks for a border.
fn page_meta() -> MetaObject {
    MetaObject(
        json!({ "ui": { "csp": { "connectDomains": [], "resourceDomains": [] }, "prefersBorder": true } })
            .as_object()
            .cloned()
            .unwrap_or_default(),
    )
}

/// The pages as resources/list names them.
pub fn resources() -> Vec<Resource> {
    VIEWS
        .iter()
        .map(|view| {
            Resource::new(view.uri, view.name)
                .with_title(view.title)
                .with_description(view.description)
                .with_mime_type(MIME_TYPE)
                .with_size(view.html.len() as u64)
                .with_meta(page_meta())
        })
        .collect()
}

/// A page's contents, when `uri` names one.
pub fn read(uri: &str) -> Option<ResourceContents> {
    let view = VIEWS.iter().find(|view| view.uri == uri)?;
    Some(ResourceContents::text(view.html, uri).with_mime_type(MIME_TYPE).with_meta(page_meta()))
}

/// Whether to add the data a page draws to the client's results: yes for a client that
/// declares the extension, and for one that declares no extensions at all (VS Code
/// renders apps without declaring it, as did the Inspector before 2.0); no for a client
/// that lists its extensions and leaves this one out.
pub fn client_renders(peer: &Peer<RoleServer>) -> bool {
    peer.peer_info().is_none_or(|info| info.capabilities.extensions.as_ref().is_none_or(|e| e.contains_key(EXTENSION)))
}

/// Values a scorecard row draws as a line: at most this many.
const SPARKLINE_POINTS: usize = 20;

/// A scorecard row's line: the unit, the target and at most [`SPARKLINE_POINTS`] values as
/// [day, value], evenly spaced with the first and the latest kept. A row draws an
/// 88-pixel line; a cycle of daily values would otherwise send 90 points with their
/// intervals for each of hundreds of rows. The key result's own page (get_okr) has
/// every value.
#[derive(Debug, Serialize)]
struct Sparkline {
    /// The key result's unit, which the row's value is written in.
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<crate::model::Unit>,
    target: Option<f64>,
    values: Vec<(Date, f64)>,
}

impl Sparkline {
    fn of(chart: &ChartData) -> Sparkline {
        let n = chart.values.len();
        let picked: Vec<&ChartPoint> = if n <= SPARKLINE_POINTS {
            chart.values.iter().collect()
        } else {
            let step = (n - 1) as f64 / (SPARKLINE_POINTS - 1) as f64;
            (0..SPARKLINE_POINTS).map(|i| &chart.values[((i as f64 * step).round() as usize).min(n - 1)]).collect()
        };
        Sparkline {
            unit: chart.unit.clone(),
            target: chart.target,
            values: picked.into_iter().map(|p| (p.day, p.value)).collect(),
        }
    }
}

/// An objective as a scorecard lists it: the score's own field names, without what a
/// row does not show (methods, notes, forecasts, grades of key results).
fn scorecard_row(objective: &ObjectiveScore) -> Value {
    let key_results: Vec<Value> = objective
        .key_results
        .iter()
        .map(|k| {
            let current =
                k.current.as_ref().map(|c| json!({ "value": c.value, "at": c.at, "n": c.n, "interval": c.interval }));
            json!({
                "key_result": k.key_result.to_string(),
                "objective": k.objective.to_string(),
                "statement": k.statement,
                "status": k.status,
                "status_reason": k.status_reason,
                "progress": k.progress,
                "expected": k.expected,
                "current": current,
                "trending_off_track": k.trending_off_track,
            })
        })
        .collect();
    json!({
        "objective": objective.objective.to_string(),
        "title": objective.title,
        "owner": objective.owner,
        "progress": objective.progress,
        "status": objective.status,
        "grade": objective.grade,
        "grade_band": objective.grade_band,
        "key_results": key_results,
    })
}

/// A chart as a page draws it: the chart's data and the cycle's first and last day
/// (the pace line runs from the baseline at the one to the target at the other).
#[derive(Serialize)]
struct PageChart {
    #[serde(flatten)]
    data: ChartData,
    cycle_start: Date,
    cycle_end: Date,
}

/// What a page draws beyond the structured answer, gathered for one result.
#[derive(Default)]
pub struct ViewData {
    charts: Vec<PageChart>,
    focus: Option<KeyResultId>,
    objectives: Vec<Value>,
    sparklines: BTreeMap<String, Sparkline>,
    evidence: BTreeMap<String, usize>,
    sources: BTreeMap<String, Source>,
}

impl ViewData {
    /// What the scorecard draws for a score: a key result's whole chart, or an
    /// objective's or a cycle page's rows with their lines.
    pub fn of_score(store: &Store, scored: &Scored, check_in_days: Option<u32>) -> ViewData {
        let mut view = ViewData::default();
        if let Some(key_result) = &scored.key_result {
            view.chart(store, key_result.key_result, scored.as_of, None);
            view.evidence_count(store, key_result.key_result);
        }
        if let Some(objective) = &scored.objective {
            view.scored_objective(store, objective, scored.as_of);
        }
        if let Some(cycle) = &scored.cycle {
            let ids: Vec<ObjectiveId> = cycle.rows.iter().map(|row| row.objective).collect();
            view.objectives(store, &ids, scored.as_of, check_in_days);
        }
        view
    }

    /// What the scorecard draws for a report page: its objectives' rows.
    pub fn of_report(store: &Store, report: &Report) -> ViewData {
        let mut view = ViewData::default();
        for objective in &report.objectives {
            view.scored_objective(store, &objective.score, report.as_of);
        }
        view
    }

    /// What the key result page draws for get_okr: every key result's chart as of the
    /// day the overview was scored, opened on the one `asked` when it is a key result.
    pub fn of_objective(store: &Store, answer: &ObjectiveAnswer, asked: &str, as_of: Date) -> ViewData {
        let mut view = ViewData::default();
        for line in &answer.overview.key_results {
            if let Ok(key_result) = line.id.parse::<KeyResultId>() {
                view.chart(store, key_result, as_of, None);
            }
        }
        if let Ok(asked) = asked.trim().parse::<KeyResultId>() {
            view.focus = Some(asked);
        }
        view
    }

    /// What the why page draws: the key result that moved, with the slip shaded when it
    /// is one, and where each cited piece of evidence came from.
    pub fn of_explanation(store: &Store, answer: &Explanation) -> ViewData {
        let mut view = ViewData::default();
        if let Some(slip) = &answer.slip
            && let Some(key_result) = slip.key_result
        {
            let window = answer.slipped.then(|| SlipWindow::of(slip));
            view.chart(store, key_result, answer.as_of, window);
        }
        view.sources(store, answer.evidence.iter().map(|e| e.id));
        view
    }

    /// The key result's chart as of `as_of`. A key result without a metric (a milestone)
    /// has no chart: the page shows its numbers alone.
    fn chart(&mut self, store: &Store, key_result: KeyResultId, as_of: Date, slip: Option<SlipWindow>) {
        if let Ok(mut data) = chart::chart_data(store, key_result, as_of) {
            data.slip = slip;
            self.push_chart(data);
        }
    }

    fn push_chart(&mut self, data: ChartData) {
        let (cycle_start, cycle_end) = (data.cycle.start(), data.cycle.end());
        self.charts.push(PageChart { data, cycle_start, cycle_end });
    }

    /// Objectives scored as of `as_of` with every key result's chart and evidence count:
    /// the scorecard's rows (a cycle's score names objectives, not their key results).
    fn objectives(&mut self, store: &Store, ids: &[ObjectiveId], as_of: Date, check_in_days: Option<u32>) {
        let options = ScoreOptions { as_of, check_in_days: check_in_days.unwrap_or(score::DEFAULT_CHECK_IN_DAYS) };
        // The aligned children of the whole page in one pass over the objectives.
        let Ok(children) = score::children_of(store, ids) else { return };
        for id in ids {
            if let Ok(Some(objective)) = store.objective(*id)
                && let Ok(scored) = score::score_objective(store, &objective, children.get(id), options)
            {
                self.scored_objective(store, &scored, as_of);
            }
        }
    }

    /// An objective already scored, as a scorecard lists it: a row per key result with
    /// its sparkline (from those scores) and evidence count.
    fn scored_objective(&mut self, store: &Store, objective: &ObjectiveScore, as_of: Date) {
        for score in &objective.key_results {
            if let Ok(Some(key_result)) = store.key_result(score.key_result)
                && let Ok(data) = chart::chart_of_scored(store, &key_result, &objective.cycle, score, as_of)
            {
                self.sparklines.insert(score.key_result.to_string(), Sparkline::of(&data));
            }
            self.evidence_count(store, score.key_result);
        }
        self.objectives.push(scorecard_row(objective));
    }

    /// How much evidence is linked to the key result, counted as get_okr counts it.
    fn evidence_count(&mut self, store: &Store, key_result: KeyResultId) {
        if let Ok(counts) = evidence_counts(store, &key_result.to_string()) {
            self.evidence.insert(key_result.to_string(), counts.total);
        }
    }

    /// Where each cited piece of evidence came from, so a quote opens its source.
    fn sources(&mut self, store: &Store, ids: impl IntoIterator<Item = EvidenceId>) {
        for id in ids {
            if let Ok(Some(evidence)) = store.get::<Evidence>(Table::Evidence, &id.key()) {
                self.sources.insert(id.to_string(), evidence.source);
            }
        }
    }

    /// The result with this data in its `_meta`, under names a page reads.
    pub fn attach(self, result: &mut CallToolResult) {
        fn to_json<T: Serialize>(value: &T) -> Value {
            serde_json::to_value(value).unwrap_or(Value::Null)
        }
        let meta = &mut result.meta.get_or_insert_with(MetaObject::new).0;
        if !self.charts.is_empty() {
            meta.insert("grounded/charts".into(), to_json(&self.charts));
        }
        if let Some(focus) = self.focus {
            meta.insert("grounded/focus".into(), json!(focus.to_string()));
        }
        if !self.objectives.is_empty() {
            meta.insert("grounded/objectives".into(), to_json(&self.objectives));
        }
        if !self.sparklines.is_empty() {
            meta.insert("grounded/sparklines".into(), to_json(&self.sparklines));
        }
        if !self.evidence.is_empty() {
            meta.insert("grounded/evidence".into(), to_json(&self.evidence));
        }
        if !self.sources.is_empty() {
            meta.insert("grounded/sources".into(), to_json(&self.sources));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each page was built from the sources in `views/` as they are now: the hash on
    /// its first line is the one `views/build.mjs` computes (every file under
    /// `views/src/`, plus build.mjs, package.json and package-lock.json, sorted by path;
    /// each as path, a NUL, its bytes, a NUL). Editing a source without rebuilding fails
    /// here; `npm run --prefix views check` compares the bytes too.
    #[test]
    fn each_page_is_built_from_the_sources_as_they_are() {
        use sha2::{Digest, Sha256};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("views");
        let mut files = vec![];
        let mut stack = vec![root.join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.expect("a readable entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for name in ["build.mjs", "package.json", "package-lock.json"] {
            files.push(root.join(name));
        }
        let mut named: Vec<(String, std::path::PathBuf)> = files
            .into_iter()
            .map(|path| {
                let name = path.strip_prefix(&root).expect("under views/").to_string_lossy().replace('\\', "/");
                (name, path)
            })
            .collect();
        named.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut hasher = Sha256::new();
        for (name, path) in &named {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
            hasher.update([0]);
        }
        let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let first_line = format!("<!-- grounded view, built by views/build.mjs from sources sha256:{hash} -->");
        for view in &VIEWS {
            let line = view.html.lines().next().unwrap_or_default();
            assert_eq!(
                line, first_line,
                "{} is not built from the sources in views/: run `npm ci --prefix views && npm run --prefix views build`",
                view.uri
            );
        }
    }

    #[test]
    fn a_sparkline_keeps_the_first_and_latest_of_at_most_20_values() {
        let day = |d: i16| jiff::civil::date(2026, 10, 1) + jiff::Span::new().days(d);
        let interval = Some(crate::stats::Interval { low: 0.0, high: 1.0 });
        let values: Vec<ChartPoint> =
            (0..91).map(|d| ChartPoint { day: day(d), value: f64::from(d), interval }).collect();
        let chart = |values: Vec<ChartPoint>| ChartData {
            key_result: KeyResultId(1),
            statement: "Raise week-1 retention from 50% to 65%".into(),
            metric_name: "week-1 retention".into(),
            unit: None,
            cycle: "2026-Q4".parse().unwrap(),
            as_of: day(90),
            baseline: Some(50.0),
            target: Some(65.0),
            values,
            forecast_end: None,
            evidence: vec![],
            slip: None,
        };
        let line = Sparkline::of(&chart(values.clone())).values;
        assert_eq!(line.len(), SPARKLINE_POINTS);
        assert_eq!((line[0].1, line[SPARKLINE_POINTS - 1].1), (0.0, 90.0));
        assert!(line.windows(2).all(|w| w[0].0 < w[1].0), "in order, none twice");
        assert_eq!(Sparkline::of(&chart(values[..12].to_vec())).values.len(), 12, "a short series is kept whole");
    }

    #[test]
    fn each_page_stays_under_150_kb() {
        for view in &VIEWS {
            assert!(view.html.len() < 150_000, "{} is {} bytes", view.uri, view.html.len());
        }
    }

    #[test]
    fn the_tools_that_answer_with_a_page_exist_and_only_read() {
        for view in &VIEWS {
            for tool in view.tools {
                assert_eq!(
                    super::super::GroundedServer::is_read_only_tool(tool),
                    Some(true),
                    "{tool} (shown by {}) is not a read-only tool",
                    view.uri
                );
            }
        }
    }
}

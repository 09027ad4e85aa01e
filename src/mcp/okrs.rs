//! The OKR tools: check_okr, draft_okr, update_okr, list_okrs, get_okr,
//! add_indicator, add_initiative. Each parses, calls [`crate::okr`], returns JSON.

use rmcp::model::{CallToolResult, JsonObject};
use rmcp::{Json, Peer, RoleServer, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{failure, parse};
use super::views::{self, ViewData};
use super::{GroundedServer, input, input_as, output, structured};
use crate::lookup::overview::{Detail, ObjectiveAnswer};
use crate::lookup::query::{ListFilter, ObjectivePage};
use crate::lookup::{overview, query};
use crate::model::Initiative;
use crate::okr::draft::{CheckOutcome, Drafted};
use crate::okr::input::ObjectiveDraft;
use crate::okr::plan::{IndicatorAdded, IndicatorRequest, InitiativeRequest};
use crate::okr::update::{UpdateRequest, Updated};
use crate::okr::{draft, plan, update};
use crate::scoring::score::ScoreOptions;

/// Arguments of `get_okr`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetOkrInput {
    /// O-3, or KR-12 for its objective.
    pub id: String,
    // summary (the default): key results with scores, open findings, counts.
    /// full adds coaching, indicators, initiatives, metrics and history.
    #[serde(default)]
    pub detail: Detail,
    // Progress and pace as of that day, as score reads them; a scorecard opens a key
    // result as of its own day.
    /// YYYY-MM-DD, default today.
    #[serde(default)]
    pub as_of: Option<String>,
}

#[tool_router(router = okr_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Check an objective and its key results against OKR good practice, saving nothing:
    /// how each key result was read, a finding per rule not passed (with a coaching
    /// question and a rewrite), a strength score 0-1 and the questions left open. Use it
    /// while drafting, before draft_okr.
    #[tool(
        output_schema = output::<CheckOutcome>(),
        input_schema = input::<ObjectiveDraft>(),
        annotations(title = "Check OKR quality", read_only_hint = true, open_world_hint = false)
    )]
    async fn check_okr(&self, arguments: JsonObject) -> Result<Json<CheckOutcome>, String> {
        let draft = parse::<ObjectiveDraft>(arguments)?;
        let mut outcome = draft::check_okr(&self.store, draft).map_err(failure)?;
        // Passing rules are counted, not listed: about half the answer, and nothing to act on.
        outcome.report = outcome.report.without_passes();
        Ok(Json(outcome))
    }

    /// Save an objective and its key results as a draft in a cycle (required), after the
    /// checks of check_okr; failing checks do not block saving. Metrics are reused by name
    /// or created. Returns the new ids (O-3, KR-12, M-4) and the findings.
    #[tool(
        output_schema = output::<Drafted>(),
        input_schema = input_as::<ObjectiveDraft>("check_okr"),
        annotations(title = "Save an OKR draft", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn draft_okr(&self, arguments: JsonObject) -> Result<Json<Drafted>, String> {
        let draft = parse::<ObjectiveDraft>(arguments)?;
        let mut drafted = draft::draft_okr(&self.store, draft, &self.actor).await.map_err(failure)?;
        drafted.check.report = drafted.check.report.without_passes();
        Ok(Json(drafted))
    }

    /// Change an objective (O-3) or a key result (KR-12): its text, numbers, owner, status
    /// (closed, archived), parent and other fields. Moving a target or a baseline needs a
    /// reason; every change is kept in the history. Returns the changes and the checks
    /// afterwards.
    #[tool(
        output_schema = output::<Updated>(),
        input_schema = input::<UpdateRequest>(),
        annotations(title = "Update an objective or key result", read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn update_okr(&self, arguments: JsonObject) -> Result<Json<Updated>, String> {
        let request = parse::<UpdateRequest>(arguments)?;
        update::update_okr(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// List objectives, a page at a time, filtered by cycle, owner, level, status or text
    /// (combined with AND): id, title, owner, status and key-result count per row. get_okr
    /// shows one in detail.
    #[tool(
        output_schema = output::<ObjectivePage>(),
        input_schema = input::<ListFilter>(),
        annotations(title = "List objectives", read_only_hint = true, open_world_hint = false)
    )]
    async fn list_okrs(&self, arguments: JsonObject) -> Result<Json<ObjectivePage>, String> {
        let filter = parse::<ListFilter>(arguments)?;
        query::list_okrs(&self.store, filter).map(Json).map_err(failure)
    }

    /// Show one objective: each key result with its progress, pace, latest value, forecast
    /// and evidence count, and the quality findings still open. For scores with their
    /// intervals use score.
    #[tool(
        output_schema = output::<ObjectiveAnswer>(),
        input_schema = input::<GetOkrInput>(),
        annotations(title = "Show an objective", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_okr(&self, arguments: JsonObject, peer: Peer<RoleServer>) -> Result<CallToolResult, String> {
        let input = parse::<GetOkrInput>(arguments)?;
        let mut options = ScoreOptions::today();
        if let Some(day) = input.as_of.as_deref() {
            options.as_of = crate::validate::date("as_of", day).map_err(failure)?;
        }
        let answer = overview::get_okr(&self.store, &input.id, input.detail, options).map_err(failure)?;
        let mut result = structured(&answer)?;
        if views::client_renders(&peer) {
            ViewData::of_objective(&self.store, &answer, &input.id, options.as_of).attach(&mut result);
        }
        Ok(result)
    }

    /// Add a leading indicator to a key result: a metric expected to move expected_lag_days
    /// before it, with the hypothesis. It starts as "assumed": test it with
    /// validate_indicator or research before betting the cycle on it.
    #[tool(
        output_schema = output::<IndicatorAdded>(),
        input_schema = input::<IndicatorRequest>(),
        annotations(title = "Add a leading indicator", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn add_indicator(&self, arguments: JsonObject) -> Result<Json<IndicatorAdded>, String> {
        let request = parse::<IndicatorRequest>(arguments)?;
        plan::add_indicator(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Add an initiative (a project, experiment or piece of work) expected to move a key
    /// result. Initiatives are tracked, never counted as key-result progress.
    #[tool(
        output_schema = output::<Initiative>(),
        input_schema = input::<InitiativeRequest>(),
        annotations(title = "Add an initiative", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false)
    )]
    async fn add_initiative(&self, arguments: JsonObject) -> Result<Json<Initiative>, String> {
        let request = parse::<InitiativeRequest>(arguments)?;
        plan::add_initiative(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }
}

//! The OKR tools: check_okr, draft_okr, update_okr, list_okrs, get_okr,
//! add_indicator, add_initiative. Each parses, calls [`crate::okr`], returns JSON.

use rmcp::model::JsonObject;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::args::{failure, parse};
use super::{GroundedServer, input, input_as, output};
use crate::model::Initiative;
use crate::okr::draft::{CheckOutcome, Drafted};
use crate::okr::input::ObjectiveDraft;
use crate::okr::overview::{Detail, ObjectiveAnswer};
use crate::okr::plan::{IndicatorAdded, IndicatorRequest, InitiativeRequest};
use crate::okr::query::{ListFilter, ObjectivePage};
use crate::okr::update::{UpdateRequest, Updated};
use crate::okr::{draft, overview, plan, query, update};

/// Arguments of `get_okr`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetOkrInput {
    /// An objective (O-3), or a key result (KR-12) to show with its objective.
    pub id: String,
    /// "summary" (the default: key results with scores, open findings, counts) or
    /// "full" (adds coaching questions, rewrites, indicators, initiatives, metrics,
    /// score methods and the history).
    #[serde(default)]
    pub detail: Detail,
}

#[tool_router(router = okr_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Check an objective and its key results against OKR good practice without saving
    /// anything. Returns how each key result was read (metric, baseline, target, unit,
    /// direction, due), a finding for every rule that did not pass (warn/fail/todo with
    /// reason, coaching question and suggested rewrite; passes are counted in tally),
    /// a strength score 0..1, and the questions no rule can answer. Key results may be plain statements ("Raise week-1 retention from 50%
    /// to 65%") or objects with explicit fields. Use it while drafting, before draft_okr.
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

    /// Run the same checks as check_okr, then save the objective and its key results as
    /// a draft in the given cycle (required). Metrics named by key results are created,
    /// or reused when one with the same name exists. Returns the new ids (O-.., KR-..,
    /// M-..) and the findings. Saving does not require the checks to pass.
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

    /// Change an objective (O-3) or a key result (KR-12): text, target, baseline, owner,
    /// weight, kind, status (draft/active/closed/archived), parent (for a key result:
    /// the objective it moves to), due, level, stage, role, type. Moving a target or a
    /// baseline needs a reason. Every change is kept in the history with its author.
    /// Returns the field-by-field changes and the objective's checks afterwards.
    #[tool(
        output_schema = output::<Updated>(),
        input_schema = input::<UpdateRequest>(),
        annotations(title = "Update an objective or key result", read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn update_okr(&self, arguments: JsonObject) -> Result<Json<Updated>, String> {
        let request = parse::<UpdateRequest>(arguments)?;
        update::update_okr(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// List objectives, filtered by cycle, owner, level, status and text (all optional,
    /// combined with AND), a page at a time (limit 1-100, default 20; pass next_cursor
    /// back as cursor for the next page). Each row has the id, title, owner, cycle,
    /// level, kind, status and number of key results.
    #[tool(
        output_schema = output::<ObjectivePage>(),
        input_schema = input::<ListFilter>(),
        annotations(title = "List objectives", read_only_hint = true, open_world_hint = false)
    )]
    async fn list_okrs(&self, arguments: JsonObject) -> Result<Json<ObjectivePage>, String> {
        let filter = parse::<ListFilter>(arguments)?;
        query::list_okrs(&self.store, filter).map(Json).map_err(failure)
    }

    /// Show one objective (by O-.. id, or by the KR-.. id of one of its key results):
    /// each key result with its progress, pace, latest value and interval, forecast,
    /// indicators and evidence count, and the quality findings still open. detail
    /// "full" adds the coaching questions and rewrites, indicators, initiatives,
    /// metrics, the score's methods and the change history.
    #[tool(
        output_schema = output::<ObjectiveAnswer>(),
        input_schema = input::<GetOkrInput>(),
        annotations(title = "Show an objective", read_only_hint = true, open_world_hint = false)
    )]
    async fn get_okr(&self, arguments: JsonObject) -> Result<Json<ObjectiveAnswer>, String> {
        let input = parse::<GetOkrInput>(arguments)?;
        overview::get_okr(&self.store, &input.id, input.detail).map(Json).map_err(failure)
    }

    /// Add a leading indicator to a key result: a metric (by name, created if new, or
    /// M-.. id) expected to move expected_lag_days before the key result does, with the
    /// hypothesis in words. It starts as "assumed": validate it with research or data
    /// before betting the cycle on it.
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
    /// result, with owner, due date and percent complete. Initiatives are tracked but
    /// never counted as key-result progress.
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

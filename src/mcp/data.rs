//! The data tools: record_measurements, import_measurements, delete_measurements,
//! sync_sources, score, validate_indicator.
//! Each parses, calls the core ([`crate::scoring`], [`crate::sources`]), returns JSON.

use rmcp::model::{CallToolResult, JsonObject, RequestMetaObject};
use rmcp::{Json, Peer, RoleServer, tool, tool_router};

use super::args::{failure, parse};
use super::views::{self, ViewData};
use super::{GroundedServer, input, output, structured};
use crate::scoring::deletion::{self, DeleteMeasurementsRequest, MeasurementsDeleted};
use crate::scoring::measurements::{self, MeasurementImport, RecordRequest, Recorded};
use crate::scoring::score::{self, ScoreRequest, Scored};
use crate::scoring::validation::{self, IndicatorValidation, ValidateRequest};
use crate::sources::{self, SyncRequest, Synced};

#[tool_router(router = data_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Record metric values, all or nothing. Give n and population whenever known: scores
    /// use them for the interval and flag a thin sample. A value at the same metric and
    /// time replaces the earlier one (kept in history). A likely typing mistake is refused
    /// with the fix; insist: true keeps it.
    #[tool(
        output_schema = output::<Recorded>(),
        input_schema = input::<RecordRequest>(),
        annotations(title = "Record measurements", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn record_measurements(&self, arguments: JsonObject) -> Result<Json<Recorded>, String> {
        let request = parse::<RecordRequest>(arguments)?;
        measurements::record_measurements(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Delete wrong values of one metric, at exact times or from/to, with a reason: scores
    /// stop reading them, history keeps them. To correct a value, record the right one at
    /// the same time instead. All or nothing.
    #[tool(
        output_schema = output::<MeasurementsDeleted>(),
        input_schema = input::<DeleteMeasurementsRequest>(),
        annotations(title = "Delete measurements", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn delete_measurements(&self, arguments: JsonObject) -> Result<Json<MeasurementsDeleted>, String> {
        let request = parse::<DeleteMeasurementsRequest>(arguments)?;
        deletion::delete_measurements(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    // Sends progress notifications when the request carries a progress token.
    /// Import metric values from a file or an http(s) URL: CSV, TSV or a spreadsheet with
    /// columns metric, at, value and optionally n, population, sd, confidence, source,
    /// note; or JSONL of record_measurements items. All or nothing: the first bad row
    /// refuses the file, naming the line.
    #[tool(
        output_schema = output::<Recorded>(),
        input_schema = input::<MeasurementImport>(),
        annotations(title = "Import measurements", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn import_measurements(
        &self,
        arguments: JsonObject,
        meta: RequestMetaObject,
        peer: Peer<RoleServer>,
    ) -> Result<Json<Recorded>, String> {
        let request = parse::<MeasurementImport>(arguments)?;
        let (store, access, actor) = (self.store.clone(), self.access.clone(), self.actor.clone());
        let runtime = tokio::runtime::Handle::current();
        let recorded = super::progress::reporting(&meta, peer, move |progress| {
            runtime.block_on(measurements::import_measurements(&store, &access, request, &actor, progress))
        })
        .await?;
        recorded.map(Json).map_err(failure)
    }

    /// Attach HTTP sources to metrics (a JSON endpoint or a Prometheus query) and survey
    /// exports as evidence feeds, and pull what is attached now. Each value lands as a
    /// measurement with its source; a failing source stores nothing and is reported, the
    /// others still land.
    #[tool(
        output_schema = output::<Synced>(),
        input_schema = input::<SyncRequest>(),
        annotations(title = "Sync metric sources", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn sync_sources(&self, arguments: JsonObject) -> Result<Json<Synced>, String> {
        let request = parse::<SyncRequest>(arguments)?;
        sources::sync_sources(&self.store, request, &self.actor, &self.access).await.map(Json).map_err(failure)
    }

    // Pace: on_track / at_risk / off_track against the linear path (70% of it for
    // aspirational), pending with no data, stale past check_in_days; inconclusive when the
    // interval holds both baseline and target. A cycle gives counts by status and the key
    // results that need attention.
    /// Score a key result, an objective or a cycle as of a date: progress (0 at baseline, 1
    /// at target), pace status, the value with n and a 95% interval, forecast and grade;
    /// objectives roll up by weight. Say the interval and n when you report a number.
    #[tool(
        output_schema = output::<Scored>(),
        input_schema = input::<ScoreRequest>(),
        annotations(title = "Score", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn score(&self, arguments: JsonObject, peer: Peer<RoleServer>) -> Result<CallToolResult, String> {
        let request = parse::<ScoreRequest>(arguments)?;
        let check_in_days = request.check_in_days;
        let scored = score::score(&self.store, request).map_err(failure)?;
        let mut result = structured(&scored)?;
        if views::client_renders(&peer) {
            ViewData::of_score(&self.store, &scored, check_in_days).attach(&mut result);
        }
        Ok(result)
    }

    // Both metrics are averaged onto a grid (interval_days) and the indicator at t is
    // correlated with the key result's metric at t + lag; the best lag in the expected
    // direction gets a 95% interval and a p-value adjusted for the lags tried. validated:
    // strong, significant data, or research with no data against it; refuted: confidently
    // weak or the wrong way; below min_n pairs the data does not decide. The change is kept
    // in the key result's history.
    /// Test whether a leading indicator leads its key result: correlates the two metrics at
    /// lags up to max_lag_days, weighs the linked research, and sets the status to
    /// validated, refuted or assumed with a reason citing the numbers and evidence ids.
    #[tool(
        output_schema = output::<IndicatorValidation>(),
        input_schema = input::<ValidateRequest>(),
        annotations(title = "Validate a leading indicator", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn validate_indicator(&self, arguments: JsonObject) -> Result<Json<IndicatorValidation>, String> {
        let request = parse::<ValidateRequest>(arguments)?;
        validation::validate_indicator(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }
}

//! The data tools: record_measurements, import_measurements, delete_measurements,
//! sync_sources, score, validate_indicator.
//! Each parses, calls the core ([`crate::scoring`], [`crate::sources`]), returns JSON.

use rmcp::model::{JsonObject, RequestMetaObject};
use rmcp::{Json, Peer, RoleServer, tool, tool_router};

use super::args::{failure, parse};
use super::{GroundedServer, input, output};
use crate::scoring::deletion::{self, DeleteMeasurementsRequest, MeasurementsDeleted};
use crate::scoring::measurements::{self, MeasurementImport, RecordRequest, Recorded};
use crate::scoring::score::{self, ScoreRequest, Scored};
use crate::scoring::validation::{self, IndicatorValidation, ValidateRequest};
use crate::sources::{self, SyncRequest, Synced};

#[tool_router(router = data_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Record values of metrics (1 to 10,000 per call). metric is a metric id (M-4), a
    /// metric's name, or a key result id (KR-12) for that key result's metric (the date
    /// must then fall in its cycle). at is YYYY-MM-DD or an RFC 3339 time. Give n (how
    /// many accounts/answers/conversations the value was computed from) and population
    /// (how many there were) whenever known: scores use them for the interval, and a
    /// number from a thin sample will say so. sd for means. confidence (0-1) is the
    /// owner's belief the key result will be met. A second value at the same metric and
    /// time replaces the first, which is kept in history. A value that looks like a
    /// typing mistake (0.52 on a % metric whose values are near 50, a jump far outside
    /// the recent values) is refused with the likely fix; insist: true keeps it. All or
    /// nothing.
    #[tool(
        output_schema = output::<Recorded>(),
        input_schema = input::<RecordRequest>(),
        annotations(title = "Record measurements", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn record_measurements(&self, arguments: JsonObject) -> Result<Json<Recorded>, String> {
        let request = parse::<RecordRequest>(arguments)?;
        measurements::record_measurements(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Delete wrong values of one metric: at exact times (as recorded) or from/to a
    /// time, with a reason. Every score, forecast and indicator check stops reading
    /// them; they stay in the metric's history with who deleted them and why. To
    /// correct a value instead, record the right one at the same time with
    /// record_measurements (the old one is kept in history too). All or nothing: a
    /// time with no value refuses the call.
    #[tool(
        output_schema = output::<MeasurementsDeleted>(),
        input_schema = input::<DeleteMeasurementsRequest>(),
        annotations(title = "Delete measurements", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn delete_measurements(&self, arguments: JsonObject) -> Result<Json<MeasurementsDeleted>, String> {
        let request = parse::<DeleteMeasurementsRequest>(arguments)?;
        deletion::delete_measurements(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Import measurements from a CSV (columns metric, at or date, value, and optionally
    /// n, population, sd, confidence, source, note) or JSONL file (one record_measurements
    /// item per line), by local path (under the server's import roots) or http(s) URL
    /// (host on its allowlist). metric applies to rows without one.
    /// All or nothing: the first bad row refuses the file, naming the line. Sends
    /// progress notifications when the request carries a progress token.
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

    /// Attach an HTTP source to a metric and pull it now, so numbers arrive without
    /// copy-paste: a JSON endpoint (url + pointer, an RFC 6901 pointer to the number,
    /// optionally n_pointer and at_pointer) or a Prometheus server (url + query, a PromQL
    /// query returning one series; from pulls its history, one point per step_hours).
    /// The host must be on the server's allowlist (GROUNDED_ALLOWED_HOSTS); a token is
    /// read from the environment variable named by token_env (a name matching the
    /// server's GROUNDED_TOKEN_VARS, default *_TOKEN) and never stored. Each
    /// pulled value becomes a measurement with its source; a failing source (timeout
    /// after retries, an HTML page, a value outside the metric's scale) is reported and
    /// stores nothing, the others still land. attach_feeds keeps a survey export's URL
    /// (read as import_evidence reads it) and imports it again at every sync, updating
    /// its results instead of adding them twice. pull: false only attaches/detaches and
    /// lists.
    #[tool(
        output_schema = output::<Synced>(),
        input_schema = input::<SyncRequest>(),
        annotations(title = "Sync metric sources", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn sync_sources(&self, arguments: JsonObject) -> Result<Json<Synced>, String> {
        let request = parse::<SyncRequest>(arguments)?;
        sources::sync_sources(&self.store, request, &self.actor, &self.access).await.map(Json).map_err(failure)
    }

    /// Score a key result (KR-12), an objective (O-3) or a whole cycle (2026-Q4) as of a
    /// date (today by default). Per key result: progress (0 at baseline, 1 at target),
    /// pace status (on_track / at_risk / off_track against the linear path, 70% of it
    /// for aspirational; pending with no data; stale when the last value is older than
    /// check_in_days), the value it rests on with n, coverage and a 95% interval
    /// (inconclusive when the interval holds both baseline and target), a linear
    /// forecast with trending_off_track, the grade and its band, the owner's latest
    /// confidence. Objectives roll up their key results by weight; a cycle gives counts
    /// by status and the key results that need attention. Say the interval and n when
    /// you report a number.
    #[tool(
        output_schema = output::<Scored>(),
        input_schema = input::<ScoreRequest>(),
        annotations(title = "Score", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn score(&self, arguments: JsonObject) -> Result<Json<Scored>, String> {
        let request = parse::<ScoreRequest>(arguments)?;
        score::score(&self.store, request).map(Json).map_err(failure)
    }

    /// Test whether a leading indicator (IND-2) really leads its key result: both
    /// metrics are averaged onto a grid (interval_days, default 7) and the indicator at
    /// t is correlated with the key result's metric at t + lag for lags 0..max_lag_days.
    /// Answers r, n and p-value per lag, the best lag in the expected direction
    /// (positive by default) with a 95% interval and a p-value adjusted for the lags
    /// tried, and the `validates` / `contradicts` evidence linked to the indicator. Sets
    /// the status: validated (strong, significant data, or research with no data
    /// against it), refuted (confidently weak or the wrong way), assumed otherwise;
    /// below min_n pairs (default 10) the data does not decide. The reason cites the
    /// numbers and evidence ids; the change is kept in the key result's history.
    /// apply: false reports without writing.
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

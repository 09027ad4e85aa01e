//! Metric sources: where a metric's numbers live outside grounded (a JSON endpoint,
//! a Prometheus server), so `sync_sources` and `grounded sync` can pull them.
//!
//! A source stores the *name* of the environment variable holding its token, never
//! the token: the database may be copied, backed up or shared; the token stays in
//! the environment of the process that pulls.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{MetricId, SourceId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// GET a URL answering JSON; a JSON pointer picks the number.
    Json,
    /// The Prometheus HTTP query API (`/api/v1/query`, `/api/v1/query_range`).
    Prometheus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricSource {
    pub id: SourceId,
    pub metric: MetricId,
    pub kind: SourceKind,
    /// JSON: the endpoint. Prometheus: the server's base URL (http://prom:9090).
    pub url: String,
    /// JSON: the pointer to the value (RFC 6901, such as /data/activation).
    pub pointer: Option<String>,
    /// JSON: a pointer to the sample size n, when the endpoint gives one.
    pub n_pointer: Option<String>,
    /// JSON: a pointer to the time the value was true (RFC 3339 or Unix seconds);
    /// without it the value is dated when it was pulled.
    pub at_pointer: Option<String>,
    /// Prometheus: the PromQL query; it must return one series.
    pub query: Option<String>,
    /// The environment variable holding a bearer token (its name, never its value).
    pub token_env: Option<String>,
    /// Multiplies every pulled value (100 turns a 0-1 ratio into a percentage).
    pub multiply: Option<f64>,
    pub created_by: String,
    pub created_at: Timestamp,
    /// The last pull, successful or not.
    pub last_pull: Option<PullOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PullOutcome {
    pub at: Timestamp,
    pub ok: bool,
    /// Values stored by that pull.
    pub values: usize,
    pub error: Option<String>,
}

//! The answer tools: explain (and report). Each parses, calls the core
//! ([`crate::explain`]), returns JSON plus what a chat client can show.

use rmcp::model::JsonObject;
use rmcp::{Json, tool, tool_router};

use super::args::{failure, parse};
use super::{GroundedServer, input, output};
use crate::explain::{self, ExplainRequest, Explanation};

#[tool_router(router = answer_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Answer "why did X slip?" from the workspace, citing what each claim rests on.
    /// question: the user's words ("why did activation slip?"); the subject (a metric,
    /// key result, objective or journey stage) is resolved from them, typos tolerated;
    /// when they are ambiguous the candidates come back instead of a guess (ask the
    /// user, then pass subject: the chosen id). Or give subject (KR-1, M-2, O-1, IND-1)
    /// directly, and from/to for the window (default: the cycle). as_of fixes "today".
    /// Answers: the slip (when, how much, against the level before and the pace line,
    /// with a 95% interval: slipped is false when the move is within noise), drivers
    /// (leading indicators that moved first and whether the lead matches their lag,
    /// notes on the measurements, key results on the same metric, initiatives due or
    /// stalled), evidence ranked (linked explains/contradicts first, then research from
    /// the window, then survey changes beyond noise), gaps with the next research
    /// step, statements with their ids, and a Markdown narrative to quote. Cite the ids
    /// (measurements as M-1@2026-10-22); never add a cause the answer does not contain.
    #[tool(
        output_schema = output::<Explanation>(),
        input_schema = input::<ExplainRequest>(),
        annotations(title = "Explain a slip", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn explain(&self, arguments: JsonObject) -> Result<Json<Explanation>, String> {
        let request = parse::<ExplainRequest>(arguments)?;
        explain::explain(&self.store, request).map(Json).map_err(failure)
    }
}

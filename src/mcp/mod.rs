//! The MCP server: the core's operations as tools, over stdio and streamable HTTP.
//!
//! This layer is thin on purpose: a tool parses its arguments ([`args`]), calls the
//! core, and returns the core's answer as structured content. Tools are grouped one
//! file per group (`okrs.rs`: the OKR tools of README.md#tools); each group contributes a
//! router and [`GroundedServer::new`] adds them together.
//!
//! Who acts is decided per request, in [`GroundedServer::call_tool`]: over HTTP the
//! token's [`Identity`] (put into the request by `serve::http`) names the author and
//! may forbid writes; over stdio the process's [`Actor`] does. The tools themselves
//! only ever read `self.actor`.

mod answers;
pub mod args;
mod completions;
mod data;
mod evidence;
pub mod framing;
mod okrs;
mod progress;
mod prompts;
mod resources;
pub mod schemas;
pub mod views;

use std::sync::{Arc, OnceLock};

use rmcp::handler::server::common::{schema_for_input, schema_for_output};
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult, ContentBlock,
    Implementation, JsonObject, ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};
use rmcp::{ServerHandler, prompt_handler, tool_handler};

use crate::access::Identity;
use crate::fetch::Access;
use crate::model::Actor;
use crate::store::Store;

pub use okrs::GetOkrInput;

/// A tool's answer as structured content with its JSON text copy, as rmcp's `Json`
/// makes it, for a tool that adds to the result (a chart, a page's data).
pub(crate) fn structured<T: serde::Serialize>(value: &T) -> Result<CallToolResult, String> {
    serde_json::to_value(value).map(CallToolResult::structured).map_err(|e| e.to_string())
}

/// The full input schema of the core type a tool's arguments deserialize into: what
/// the arguments are validated against ([`args`]), every field's nullability and
/// `additionalProperties: false` included.
pub(crate) fn full_input<T: schemars::JsonSchema + 'static>() -> JsonObject {
    let schema =
        schema_for_input::<T>().unwrap_or_else(|e| panic!("input schema of {}: {e}", std::any::type_name::<T>()));
    standard_formats_only((*schema).clone())
}

/// A tool's input schema as tools/list sends it: [`full_input`] without what a model
/// does not need to call the tool right (see [`schemas::for_the_model`]). A model
/// reads it in every turn of every chat; the server still validates against the full one.
pub(crate) fn input<T: schemars::JsonSchema + 'static>() -> Arc<JsonObject> {
    Arc::new(schemas::for_the_model(full_input::<T>()))
}

/// The input schema of a tool that takes another tool's arguments (check_okr takes
/// draft_okr's): its own fields, with the nested definitions named rather than repeated.
pub(crate) fn input_as<T: schemars::JsonSchema + 'static>(tool: &str) -> Arc<JsonObject> {
    Arc::new(schemas::for_the_model(schemas::sharing_definitions(full_input::<T>(), tool)))
}

/// A tool's output schema, from the core type it answers with.
pub(crate) fn output<T: schemars::JsonSchema + 'static>() -> Arc<JsonObject> {
    Arc::new(standard_formats_only((*schema_for_output::<T>()).clone()))
}

/// schemars marks numbers with Rust formats (`uint32`, `double`) that JSON Schema
/// does not define; validators warn about each one (the MCP Inspector prints dozens).
/// The bounds stay in `minimum`/`maximum`; only the unknown `format` goes.
pub(crate) fn standard_formats_only(mut schema: JsonObject) -> JsonObject {
    fn clean(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                let rust_format = map.get("format").and_then(|f| f.as_str()).is_some_and(|f| {
                    matches!(
                        f,
                        "uint"
                            | "uint8"
                            | "uint16"
                            | "uint32"
                            | "uint64"
                            | "int"
                            | "int8"
                            | "int16"
                            | "int32"
                            | "int64"
                            | "double"
                            | "float"
                    )
                });
                if rust_format {
                    map.remove("format");
                }
                map.values_mut().for_each(clean);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(clean),
            _ => {}
        }
    }
    schema.values_mut().for_each(clean);
    schema
}

/// How an assistant should use these tools; sent once at connection.
pub const INSTRUCTIONS: &str = "\
grounded keeps OKRs honest. Run a drafting conversation like a good OKR coach:
1. Start from the customer problem, not the solution: ask what research or data shows it.
2. Write the objective as a qualitative outcome (no numbers, no deliverable) with one owner (a person) and a cycle such as 2026-Q4.
3. Write 2-5 key results as verb + metric + from X to Y: a lagging outcome, a leading indicator for it, and an experience measure.
4. Call check_okr (read-only) and walk the user through each fail and warn: quote the reason, ask the coaching question, offer the suggestion. Never invent a baseline: ask for it.
5. Ask the questions no rule can answer (sufficient? each KR necessary?), then call draft_okr to save the draft and report the ids (O-.., KR-..).
6. Later changes go through update_okr; moving a target or baseline needs a reason, which is kept in the history.
Ground them: add_evidence / import_evidence store research verbatim; search_evidence and suggest_links find it; link_evidence attaches it with a relation and a one-sentence reason.
Check-ins: record_measurements (give n and population when known) or import_measurements, then score a KR, an objective or a cycle. Report progress with its n and interval; say 'inconclusive' when the score says so, and never call a pending or stale key result on track.
Numbers that live elsewhere: sync_sources attaches a JSON endpoint or a Prometheus query to a metric and pulls it (hosts must be on the server's allowlist; tokens stay in its environment).
Before a cycle bets on a leading indicator, call validate_indicator: report r, the lag, n and the p-value it found, and the research it cites; below the minimum n it does not decide, so do not call the indicator validated.
When asked why a number moved, call explain with the user's words: quote its narrative, cite the ids in brackets (measurements as M-1@2026-10-22), say 'nothing slipped' when slipped is false, ask the user to choose when it returns candidates, and never add a cause it does not contain. report gives a cycle or objective in Markdown with its evidence health; both carry a chart image.
Ids are short and typed: O-3 objective, KR-12 key result, M-4 metric, IND-2 indicator, INI-5 initiative, SRC-2 source.
Errors name the field and what is accepted: fix that field and call again.";

/// The server: the store, who is acting, what it may read, and the tool routes.
///
/// Cheap to clone (the routers are shared): the HTTP transport makes one per session,
/// and [`GroundedServer::call_tool`] one per call made under a token's name.
#[derive(Clone)]
pub struct GroundedServer {
    store: Store,
    actor: Actor,
    /// Built once at start from the server's environment; no argument widens it.
    access: Arc<Access>,
    tool_router: Arc<ToolRouter<Self>>,
    prompt_router: Arc<PromptRouter<Self>>,
}

/// The tool and prompt routers of every session of this process.
type Routers = (Arc<ToolRouter<GroundedServer>>, Arc<PromptRouter<GroundedServer>>);

impl GroundedServer {
    pub fn new(store: Store, actor: Actor, access: Access) -> Self {
        let (tool_router, prompt_router) = Self::routers();
        GroundedServer { store, actor, access: Arc::new(access), tool_router, prompt_router }
    }

    /// The tools and prompts with their schemas, built once per process: generating
    /// the schemas takes a few milliseconds, which every HTTP session and every cold
    /// start would otherwise pay.
    fn routers() -> Routers {
        static ROUTERS: OnceLock<Routers> = OnceLock::new();
        ROUTERS
            .get_or_init(|| {
                let tools = Self::okr_tools() + Self::evidence_tools() + Self::data_tools() + Self::answer_tools();
                (Arc::new(tools), Arc::new(Self::prompts()))
            })
            .clone()
    }

    /// Builds the routers on another thread while the caller opens the database, so
    /// a cold start waits for the slower of the two rather than both.
    pub fn prepare() {
        std::thread::spawn(Self::routers);
    }

    /// The caller's identity when the request came over HTTP with a token; None over
    /// stdio, and over HTTP on loopback while no token exists.
    fn identity(context: &RequestContext<RoleServer>) -> Option<Identity> {
        context.extensions.get::<http::request::Parts>()?.extensions.get::<Identity>().cloned()
    }

    /// Whether the tool named `name` only reads (None: no such tool). A read-only
    /// caller calls only the tools annotated read-only: anything else (or a tool
    /// without the annotation) could change the store.
    pub fn is_read_only_tool(name: &str) -> Option<bool> {
        Self::routers().0.get(name).map(tool_reads_only)
    }

    /// Why `identity` may not call `tool`, as a tool error naming both; None when it may.
    fn refusal(&self, identity: &Identity, tool: &str) -> Option<CallToolResult> {
        let called = self.tool_router.get(tool)?;
        if !identity.read_only || tool_reads_only(called) {
            return None;
        }
        let mut allowed: Vec<String> =
            self.tool_router.list_all().into_iter().filter(tool_reads_only).map(|t| t.name.to_string()).collect();
        allowed.sort();
        Some(CallToolResult::error(vec![ContentBlock::text(format!(
            "{tool} changes the database, and the token {:?} is read-only: it may call only {}. \
             Ask the server's operator for a token made without --read-only (grounded token add NAME).",
            identity.name,
            allowed.join(", ")
        ))]))
    }

    /// Every tool this server offers, for schema generation and tests.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.tool_router.list_all()
    }
}

fn tool_reads_only(tool: &rmcp::model::Tool) -> bool {
    tool.annotations.as_ref().and_then(|a| a.read_only_hint).unwrap_or(false)
}

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for GroundedServer {
    /// Every tool, or for a read-only caller the tools it may call: a model is not
    /// offered what it would be refused.
    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListToolsResult, ErrorData> {
        let read_only = Self::identity(&context).is_some_and(|identity| identity.read_only);
        let mut tools = self.tool_router.list_all();
        if read_only {
            tools.retain(tool_reads_only);
        }
        tools.iter_mut().for_each(views::link_tool);
        // From 2026-07-28 on a client may cache the list: per caller when it depends on who asks.
        let cache_hints = context.protocol_version().is_some_and(|v| v >= rmcp::model::ProtocolVersion::V_2026_07_28);
        Ok(rmcp::model::ListToolsResult {
            result_type: Some(rmcp::model::ResultType::COMPLETE),
            tools,
            meta: None,
            next_cursor: None,
            ttl_ms: cache_hints.then_some(0),
            cache_scope: cache_hints.then_some(if read_only {
                rmcp::model::CacheScope::Private
            } else {
                rmcp::model::CacheScope::Public
            }),
        })
    }

    /// Every tool call passes here: a token's permission is checked once for all
    /// tools, and its name becomes the actor the tool writes history under.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        match Self::identity(&context) {
            None => self.tool_router.call(ToolCallContext::new(self, request, context)).await,
            Some(identity) => {
                if let Some(refused) = self.refusal(&identity, &request.name) {
                    return Ok(CallToolResponse::Complete(refused));
                }
                let acting = GroundedServer { actor: identity.actor(), ..self.clone() };
                acting.tool_router.call(ToolCallContext::new(&acting, request, context)).await
            }
        }
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        resources::list(&self.store, request.and_then(|r| r.cursor).as_deref())
    }

    fn get_info(&self) -> ServerConfig {
        let mut capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .enable_completions()
            .build();
        capabilities.extensions = Some([views::capability()].into_iter().collect());
        ServerConfig::new(capabilities)
            .with_server_info(Implementation::new("grounded", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(resources::templates())
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        completions::complete(&self.store, &request)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        resources::read(&self.store, &request.uri).map(ReadResourceResponse::Complete)
    }
}

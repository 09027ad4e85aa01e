//! `grounded serve --http`: MCP streamable HTTP at `/mcp` for a team, and `/healthz`.
//!
//! A request to `/mcp` passes, in order:
//! 1. [`guard`]: the bearer token (401 with `WWW-Authenticate: Bearer` when it is
//!    missing or wrong; the caller's [`Identity`] goes into the request's extensions),
//!    then an early `Content-Length` check against the body cap (413);
//! 2. rmcp's [`StreamableHttpService`]: the `Host` check when bound to loopback (DNS
//!    rebinding) and the `Origin` allowlist (403 for both), the body cap again while
//!    the body streams in (413, for chunked bodies), then the session and the JSON-RPC
//!    call, which reaches [`GroundedServer`] with the HTTP parts (and so the identity)
//!    in its request context.
//!
//! Tokens: when at least one exists every request needs one, loopback included. With
//! none, a loopback server is open to its machine (a single user's setup; changes are
//! made as `GROUNDED_USER`), and a server on any other address refuses to start.
//! TLS is a reverse proxy's job (README.md).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::access::{self, Identity};
use crate::fetch::Access;
use crate::mcp::GroundedServer;
use crate::okr::Actor;
use crate::store::Store;

/// Where `serve --http` listens when no address is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7420";
/// Request bodies larger than this are refused (413). Tool calls are small: files go
/// by path or URL, and 10,000 measurements in one call fit well under it.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How to serve.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub addr: SocketAddr,
    /// Browser origins allowed besides the loopback ones (`https://app.example.com`,
    /// `http://localhost:*`); requests without an `Origin` (not from a browser) pass.
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    /// Who changes are made as when no token is in use (loopback, no tokens defined).
    pub actor: Actor,
    /// What callers may import: the roots only, paths relative to them (`Caller::Remote`).
    pub access: Access,
}

impl HttpOptions {
    pub fn new(addr: SocketAddr, actor: Actor, access: Access) -> Self {
        HttpOptions { addr, allowed_origins: vec![], max_body_bytes: DEFAULT_MAX_BODY_BYTES, actor, access }
    }
}

/// Origins a browser on the same machine sends, any port.
const LOOPBACK_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "https://localhost:*",
    "http://127.0.0.1:*",
    "https://127.0.0.1:*",
    "http://[::1]:*",
    "https://[::1]:*",
];

/// Serves until Ctrl-C or SIGTERM. Prints `grounded: listening on http://ADDR/mcp`
/// on stderr once the port is bound (with port 0, the port the system chose).
pub async fn serve_http(store: Store, options: HttpOptions) -> anyhow::Result<()> {
    let loopback = options.addr.ip().is_loopback();
    if !loopback && !access::any_tokens(&store)? {
        anyhow::bail!(
            "refusing to serve {} without tokens: anyone who reaches it could read and change every OKR. \
             Make a token first (grounded token add NAME, or --read-only for viewers) and give it to each client \
             as \"Authorization: Bearer <token>\"; or listen on 127.0.0.1 for yourself alone",
            options.addr
        );
    }
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("cannot listen on {}: is another server using the port?", options.addr))?;
    let bound = listener.local_addr()?;
    let stop = CancellationToken::new();
    let app = router(store.clone(), &options, stop.child_token());
    eprintln!("grounded: listening on http://{bound}/mcp");
    tracing::info!(%bound, loopback, "serving MCP over streamable HTTP");
    let shutdown = {
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            // Open SSE streams would keep a graceful shutdown waiting: end the sessions first.
            stop.cancel();
        }
    };
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await?;
    store.flush().await?;
    Ok(())
}

/// The routes: `/healthz` open, `/mcp` behind [`guard`].
pub fn router(store: Store, options: &HttpOptions, stop: CancellationToken) -> Router {
    let loopback = options.addr.ip().is_loopback();
    let mut origins: Vec<String> = LOOPBACK_ORIGINS.iter().map(|o| o.to_string()).collect();
    origins.extend(options.allowed_origins.iter().cloned());
    let config = StreamableHttpServerConfig::default()
        .with_allowed_origins(origins)
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_cancellation_token(stop);
    // rmcp's default Host list is the loopback names, with any port. Off loopback the
    // Host is whatever name the team reaches the server by (often through a proxy), and
    // tokens are mandatory there, so it is not checked.
    let config = if loopback { config } else { config.disable_allowed_hosts() };
    // One server value, cloned per session: its tool routes are built once.
    let prototype = GroundedServer::new(store.clone(), options.actor.clone(), options.access.clone());
    let mcp =
        StreamableHttpService::new(move || Ok(prototype.clone()), Arc::new(LocalSessionManager::default()), config);
    let gate = Gate { store, loopback, max_body_bytes: options.max_body_bytes };
    Router::new()
        .route_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(gate, guard))
        .route("/healthz", get(healthz))
}

async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") }))
}

#[derive(Clone)]
struct Gate {
    store: Store,
    loopback: bool,
    max_body_bytes: usize,
}

/// Authentication and the early body-size check, before rmcp sees the request.
async fn guard(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    match gate.admit(request.headers()) {
        Ok(Some(identity)) => {
            request.extensions_mut().insert(identity);
        }
        Ok(None) => {}
        Err(refused) => return *refused,
    }
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > gate.max_body_bytes as u64) {
        return too_large(gate.max_body_bytes);
    }
    next.run(request).await
}

impl Gate {
    /// The caller's identity; None when the server is open (loopback, no tokens);
    /// the 401 (or 500) response when refused.
    fn admit(&self, headers: &HeaderMap) -> Result<Option<Identity>, Box<Response>> {
        let failed = |e: crate::Error| {
            tracing::error!(error = %e, "reading tokens failed");
            Box::new((StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response())
        };
        match bearer(headers) {
            Some(token) => match access::verify(&self.store, token).map_err(failed)? {
                Some(identity) => Ok(Some(identity)),
                None => Err(Box::new(unauthorized(
                    Some("invalid_token"),
                    "the bearer token is not valid (mistyped, or revoked)",
                ))),
            },
            None if self.loopback && !access::any_tokens(&self.store).map_err(failed)? => Ok(None),
            None => {
                Err(Box::new(unauthorized(None, "this server needs a bearer token (Authorization: Bearer <token>)")))
            }
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

/// 401 with the challenge RFC 6750 describes, and a body saying how to get a token.
fn unauthorized(error: Option<&str>, message: &str) -> Response {
    let challenge = match error {
        Some(error) => format!("Bearer realm=\"grounded\", error=\"{error}\""),
        None => "Bearer realm=\"grounded\"".to_string(),
    };
    let body = json!({
        "error": "unauthorized",
        "message": message,
        "how_to_get_a_token": "the server's operator runs `grounded token add YOUR_NAME` (add --read-only for a viewer) \
                              and gives you the token it prints once",
    });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_str(&challenge).expect("an ASCII challenge"));
    response
}

fn too_large(cap: usize) -> Response {
    let body = json!({
        "error": "payload_too_large",
        "message": format!(
            "the request body is over {cap} bytes; send files by path or URL (import_evidence, import_measurements), \
             or split the call"
        ),
    });
    (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}

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
//!
//! With an identity provider (`--oauth-issuer`), grounded is an OAuth 2.1 resource
//! server as the MCP authorization spec describes it: its Protected Resource Metadata
//! (RFC 9728) is served at `/.well-known/oauth-protected-resource` (and with the `/mcp`
//! suffix), a request without a valid token gets a 401 whose challenge points there,
//! and the provider's access tokens are checked by [`access::oauth`]. A token with only
//! the read scope lists only the read-only tools, and a call of any other tool is
//! answered 403 `insufficient_scope` naming the write scope, so a client can ask the
//! user for more (step-up). `grounded token` tokens keep working beside OAuth.

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

use crate::access::oauth::{OAuthConfig, Refusal, Verifier};
use crate::access::{self, Identity};
use crate::fetch::Access;
use crate::mcp::GroundedServer;
use crate::model::Actor;
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
    /// The identity provider whose access tokens are accepted, if any.
    pub oauth: Option<OAuthOptions>,
}

/// `--oauth-issuer` and its companions, before the listening address is known.
#[derive(Debug, Clone)]
pub struct OAuthOptions {
    /// The provider's issuer URL, as it writes it in `iss`.
    pub issuer: url::Url,
    /// The public URL clients reach `/mcp` by; default `http://ADDR/mcp` on loopback.
    pub resource: Option<String>,
    /// Audiences accepted besides the resource URL.
    pub audiences: Vec<String>,
    pub read_scope: String,
    pub write_scope: String,
    pub introspection: Option<access::oauth::ClientCredentials>,
}

impl OAuthOptions {
    /// The configuration once the server knows where it listens.
    fn config(&self, bound: SocketAddr) -> anyhow::Result<OAuthConfig> {
        let resource = match &self.resource {
            Some(resource) => {
                let parsed = url::Url::parse(resource)
                    .map_err(|e| anyhow::anyhow!("--resource {resource:?}: not a URL ({e}); give https://HOST/mcp"))?;
                if parsed.scheme() != "https" && !crate::fetch::is_loopback(&parsed) {
                    anyhow::bail!("--resource {resource}: clients reach a server off this machine over https");
                }
                resource.trim().to_string()
            }
            None if bound.ip().is_loopback() => format!("http://{bound}/mcp"),
            None => anyhow::bail!(
                "--resource is needed when listening on {bound}: the public URL clients reach the server by, \
                 such as https://grounded.example.com/mcp (tokens are minted for that URL)"
            ),
        };
        Ok(OAuthConfig {
            audiences: self.audiences.clone(),
            read_scope: self.read_scope.clone(),
            write_scope: self.write_scope.clone(),
            introspection: self.introspection.clone(),
            ..OAuthConfig::new(self.issuer.clone(), resource)
        })
    }
}

impl HttpOptions {
    pub fn new(addr: SocketAddr, actor: Actor, access: Access) -> Self {
        HttpOptions {
            addr,
            allowed_origins: vec![],
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            actor,
            access,
            oauth: None,
        }
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
    if !loopback && options.oauth.is_none() && !access::any_tokens(&store)? {
        anyhow::bail!(
            "refusing to serve {} without tokens: anyone who reaches it could read and change every OKR. \
             Make a token first (grounded token add NAME, or --read-only for viewers) and give it to each client \
             as \"Authorization: Bearer <token>\"; sign in through the team's identity provider \
             (--oauth-issuer URL --resource URL); or listen on 127.0.0.1 for yourself alone",
            options.addr
        );
    }
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("cannot listen on {}: is another server using the port?", options.addr))?;
    let bound = listener.local_addr()?;
    let verifier = match &options.oauth {
        Some(oauth) => {
            let verifier = Verifier::discover(oauth.config(bound)?).await?;
            eprintln!("grounded: signing in through {} for {}", verifier.issuer(), verifier.config().resource);
            Some(Arc::new(verifier))
        }
        None => None,
    };
    let stop = CancellationToken::new();
    let app = router(store.clone(), &options, verifier, stop.child_token());
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

/// The routes: `/healthz` and the resource metadata open, `/mcp` behind [`guard`].
pub fn router(store: Store, options: &HttpOptions, oauth: Option<Arc<Verifier>>, stop: CancellationToken) -> Router {
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
    let gate = Gate { store, loopback, max_body_bytes: options.max_body_bytes, oauth: oauth.clone() };
    let router = Router::new()
        .route_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(gate, guard))
        .route("/healthz", get(healthz));
    match oauth {
        // Both forms: clients try the one with the endpoint's path first (RFC 9728 §3.1).
        Some(verifier) => {
            let document = Arc::new(resource_metadata(&verifier));
            let served = move || {
                let document = document.clone();
                async move { open_json((*document).clone()) }
            };
            router.route(WELL_KNOWN, get(served.clone())).route(&format!("{WELL_KNOWN}/mcp"), get(served))
        }
        None => router,
    }
}

const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// RFC 9728: where clients learn which provider to sign in with and which scopes to
/// ask for.
fn resource_metadata(verifier: &Verifier) -> serde_json::Value {
    let config = verifier.config();
    json!({
        "resource": config.resource,
        "authorization_servers": [verifier.issuer()],
        "scopes_supported": config.scopes(),
        "bearer_methods_supported": ["header"],
        "resource_name": "grounded",
    })
}

/// A public document, readable by browser clients of any origin.
fn open_json(body: serde_json::Value) -> Response {
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// Where a client finds the resource metadata of a request's server: the well-known
/// path before the resource's own path (RFC 9728 §3.1).
fn metadata_url(config: &OAuthConfig) -> String {
    match url::Url::parse(&config.resource) {
        Ok(mut url) => {
            let path = url.path().trim_end_matches('/').to_string();
            url.set_path(&format!("{WELL_KNOWN}{path}"));
            url.set_query(None);
            url.to_string()
        }
        Err(_) => WELL_KNOWN.to_string(),
    }
}

async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") }))
}

#[derive(Clone)]
struct Gate {
    store: Store,
    loopback: bool,
    max_body_bytes: usize,
    oauth: Option<Arc<Verifier>>,
}

/// Who a request comes from, as [`Gate::admit`] established it.
struct Admitted {
    identity: Identity,
    /// Through the identity provider: a write it may not make is refused here with a
    /// 403 naming the scope, rather than inside the tool call.
    oauth: bool,
}

/// Authentication, the scope of a tool call, and the early body-size check, before
/// rmcp sees the request.
async fn guard(State(gate): State<Gate>, mut request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // The headers are copied: a request's body is not Sync, so it cannot be borrowed
    // across the await of a token check.
    let headers = request.headers().clone();
    let admitted = match gate.admit(&headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return *refused,
    };
    if declared.is_some_and(|n| n > gate.max_body_bytes as u64) {
        return too_large(gate.max_body_bytes);
    }
    if let Some(admitted) = admitted {
        if admitted.oauth && admitted.identity.read_only && request.method() == axum::http::Method::POST {
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, gate.max_body_bytes).await else {
                return too_large(gate.max_body_bytes);
            };
            if let Some(tool) = write_tool_called(&bytes)
                && let Some(verifier) = &gate.oauth
            {
                return insufficient_scope(
                    verifier.config(),
                    &verifier.config().write_scope,
                    &format!(
                        "{tool} changes the database; the token of {:?} has only {}",
                        admitted.identity.name,
                        verifier.config().read_scope
                    ),
                );
            }
            request = Request::from_parts(parts, axum::body::Body::from(bytes));
        }
        request.extensions_mut().insert(admitted.identity);
    }
    next.run(request).await
}

/// The first tool a JSON-RPC message (or batch) calls that is not read-only.
fn write_tool_called(body: &[u8]) -> Option<String> {
    let message: serde_json::Value = serde_json::from_slice(body).ok()?;
    let messages = match message {
        serde_json::Value::Array(items) => items,
        single => vec![single],
    };
    messages.iter().find_map(|m| {
        if m.get("method")?.as_str()? != "tools/call" {
            return None;
        }
        let name = m.get("params")?.get("name")?.as_str()?;
        (GroundedServer::is_read_only_tool(name) == Some(false)).then(|| name.to_string())
    })
}

impl Gate {
    /// The caller; None when the server is open (loopback, no tokens, no provider);
    /// the 401, 403 (or 500) response when refused.
    async fn admit(&self, headers: &HeaderMap) -> Result<Option<Admitted>, Box<Response>> {
        let failed = |e: crate::Error| {
            tracing::error!(error = %e, "reading tokens failed");
            Box::new((StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response())
        };
        let Some(token) = bearer(headers) else {
            if self.oauth.is_none() && self.loopback && !access::any_tokens(&self.store).map_err(failed)? {
                return Ok(None);
            }
            return Err(Box::new(
                self.unauthorized(None, "this server needs a bearer token (Authorization: Bearer <token>)"),
            ));
        };
        // grounded's own tokens are recognisable by their prefix; anything else is the
        // provider's (when there is one).
        let verifier =
            match &self.oauth {
                Some(verifier) if !token.starts_with(access::TOKEN_PREFIX) => verifier,
                _ => {
                    return match access::verify(&self.store, token).map_err(failed)? {
                        Some(identity) => Ok(Some(Admitted { identity, oauth: false })),
                        None => Err(Box::new(self.unauthorized(
                            Some("invalid_token"),
                            "the bearer token is not valid (mistyped, or revoked)",
                        ))),
                    };
                }
            };
        match verifier.verify(token).await {
            Ok(grant) => Ok(Some(Admitted { identity: grant.identity, oauth: true })),
            Err(refusal @ Refusal::InsufficientScope { .. }) => {
                // A token with neither scope: reading is the least it needs.
                Err(Box::new(insufficient_scope(
                    verifier.config(),
                    &verifier.config().read_scope,
                    &refusal.to_string(),
                )))
            }
            Err(refusal @ Refusal::ProviderUnavailable(_)) => {
                tracing::warn!(%refusal, "a token could not be checked");
                let body = json!({ "error": "temporarily_unavailable", "message": refusal.to_string() });
                Err(Box::new((StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()))
            }
            Err(refusal @ Refusal::Invalid(_)) => {
                tracing::info!(%refusal, "a token was refused");
                Err(Box::new(self.unauthorized(Some("invalid_token"), &refusal.to_string())))
            }
        }
    }

    /// 401 with the challenge RFC 6750 describes; with a provider, also where its
    /// metadata is and the scopes to ask for (MCP authorization, RFC 9728 §5.1).
    fn unauthorized(&self, error: Option<&str>, message: &str) -> Response {
        let mut challenge = vec!["Bearer realm=\"grounded\"".to_string()];
        if let Some(verifier) = &self.oauth {
            let config = verifier.config();
            challenge.push(format!("resource_metadata=\"{}\"", metadata_url(config)));
            challenge.push(format!("scope=\"{}\"", config.scopes().join(" ")));
        }
        if let Some(error) = error {
            challenge.push(format!("error=\"{error}\""));
            challenge.push(format!("error_description=\"{}\"", quoted(message)));
        }
        let how = match &self.oauth {
            Some(verifier) => format!(
                "sign in through {} (an MCP client does it by itself from the resource metadata at {}); \
                 or ask the server's operator for a token (grounded token add YOUR_NAME)",
                verifier.issuer(),
                metadata_url(verifier.config())
            ),
            None => "the server's operator runs `grounded token add YOUR_NAME` (add --read-only for a viewer) \
                     and gives you the token it prints once"
                .to_string(),
        };
        let body = json!({ "error": "unauthorized", "message": message, "how_to_get_a_token": how });
        challenged(StatusCode::UNAUTHORIZED, body, &challenge.join(", "))
    }
}

/// 403 with `insufficient_scope` and the scope that would do (RFC 6750 §3.1), so a
/// client can ask the user to grant it.
fn insufficient_scope(config: &OAuthConfig, needed: &str, message: &str) -> Response {
    let challenge = format!(
        "Bearer realm=\"grounded\", error=\"insufficient_scope\", scope=\"{needed}\", resource_metadata=\"{}\", \
         error_description=\"{}\"",
        metadata_url(config),
        quoted(message)
    );
    let body = json!({ "error": "insufficient_scope", "message": message, "scope_needed": needed });
    challenged(StatusCode::FORBIDDEN, body, &challenge)
}

fn challenged(status: StatusCode, body: serde_json::Value, challenge: &str) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    // A challenge is built from ASCII and URLs; anything else would be dropped rather than panic.
    if let Ok(value) = HeaderValue::from_str(challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// A message as an auth-param's quoted string: no quotes, backslashes or non-ASCII.
fn quoted(message: &str) -> String {
    message
        .chars()
        .map(|c| if c == '"' || c == '\\' || !c.is_ascii() || c.is_ascii_control() { '\'' } else { c })
        .collect()
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
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

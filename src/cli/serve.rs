//! `grounded serve --http [ADDR]`: the options of the HTTP server. Plain `grounded
//! serve` (stdio) stays in `cli::serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use grounded::access::oauth::{ClientCredentials, READ_SCOPE, WRITE_SCOPE};
use grounded::fetch::{Access, Caller};
use grounded::model::Actor;
use grounded::serve::http::OAuthOptions;
use grounded::serve::http::{DEFAULT_ADDR, DEFAULT_MAX_BODY_BYTES};
use grounded::serve::owner::Owner;
use grounded::serve::{HttpOptions, serve_http};
use grounded::store::Store;

use super::database_path;

#[derive(clap::Args, Default)]
pub struct ServeArgs {
    /// Serve MCP streamable HTTP at http://ADDR/mcp instead of stdio [default ADDR: 127.0.0.1:7420].
    /// Off loopback, tokens are required (grounded token add NAME)
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = DEFAULT_ADDR)]
    pub http: Option<SocketAddr>,
    /// A browser origin allowed to call the server (repeatable), such as
    /// https://app.example.com or http://localhost:* ; loopback origins always are
    #[arg(long = "allow-origin", value_name = "ORIGIN", requires = "http")]
    pub allow_origin: Vec<String>,
    /// The largest request body accepted, in bytes (413 above it)
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES, requires = "http")]
    pub max_body: usize,
    /// Accept access tokens of this identity provider (OAuth 2.1; its issuer URL, as in
    /// the tokens' iss): chat apps and editors sign users in through it
    #[arg(long, value_name = "URL", env = "GROUNDED_OAUTH_ISSUER", requires = "http")]
    pub oauth_issuer: Option<url::Url>,
    /// The public URL clients reach /mcp by, which tokens must be minted for
    /// [default on loopback: http://ADDR/mcp]
    #[arg(long, value_name = "URL", env = "GROUNDED_RESOURCE", requires = "oauth_issuer")]
    pub resource: Option<String>,
    /// Another audience a token may carry instead of the resource URL (repeatable), for
    /// providers that write their own API identifier in aud (Auth0, Entra's api://...)
    #[arg(long = "oauth-audience", value_name = "AUD", requires = "oauth_issuer")]
    pub oauth_audience: Vec<String>,
    /// The scope that lets a token read
    #[arg(long, value_name = "SCOPE", default_value = READ_SCOPE, requires = "oauth_issuer")]
    pub oauth_read_scope: String,
    /// The scope that lets a token also change things
    #[arg(long, value_name = "SCOPE", default_value = WRITE_SCOPE, requires = "oauth_issuer")]
    pub oauth_write_scope: String,
}

/// The HTTP server owns the database: it also serves the local socket, so stdio
/// servers and commands on the same machine relay to it.
pub fn http(db: Option<PathBuf>, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let addr = args.http.unwrap_or_else(|| DEFAULT_ADDR.parse().expect("a valid default address"));
    let path = database_path(db)?;
    let store = Store::try_open(&path)?.ok_or_else(|| {
        anyhow::anyhow!(
            "{} is owned by another grounded process (grounded server status says which); an HTTP server must own its database: stop that process, then start serve --http first",
            path.display()
        )
    })?;
    let oauth = args.oauth_issuer.map(|issuer| OAuthOptions {
        issuer,
        resource: args.resource,
        audiences: args.oauth_audience,
        read_scope: args.oauth_read_scope,
        write_scope: args.oauth_write_scope,
        introspection: introspection_credentials(),
    });
    let options = HttpOptions {
        allowed_origins: args.allow_origin,
        max_body_bytes: args.max_body,
        oauth,
        ..HttpOptions::new(addr, Actor::from_env(), Access::from_env(Caller::Remote, &path))
    };
    tracing::info!(db = %path.display(), "serving MCP over HTTP");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let local = Access::from_env(Caller::Local, &path);
        let owner = Owner::start(&path, store.clone(), local, format!("serve --http {addr}"))?;
        let served = serve_http(store, options).await;
        owner.leave();
        served
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The client grounded authenticates as at the provider's introspection endpoint, for
/// opaque access tokens: from the environment, as secrets are kept out of the command line.
fn introspection_credentials() -> Option<ClientCredentials> {
    let client_id = std::env::var("GROUNDED_OAUTH_CLIENT_ID").ok().filter(|v| !v.trim().is_empty())?;
    let client_secret = std::env::var("GROUNDED_OAUTH_CLIENT_SECRET").unwrap_or_default();
    Some(ClientCredentials { client_id, client_secret })
}

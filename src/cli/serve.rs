//! `grounded serve --http [ADDR]`: the options of the HTTP server. Plain `grounded
//! serve` (stdio) stays in `cli::serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use grounded::fetch::{Access, Caller};
use grounded::okr::Actor;
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
    let options = HttpOptions {
        allowed_origins: args.allow_origin,
        max_body_bytes: args.max_body,
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

//! Serving one database to many clients at once: the room above `mcp`.
//!
//! sled admits one process per database, yet a user runs grounded from a chat app,
//! from each editor and from a terminal at the same time. The first process to open a
//! database owns it ([`owner`]) and serves the others through a local socket in the
//! database folder ([`socket`]); every stdio server passes its client's lines to a
//! session, its own or the owner's ([`relay`]), and takes over when the owner goes.
//! The owner also serves streamable HTTP for a team ([`http`]). The MCP tools and the
//! core do not know any of this.

pub mod http;
pub mod owner;
pub mod relay;
pub mod socket;

use std::path::Path;

use tokio::io::AsyncBufReadExt;

use crate::store::Store;
pub use http::{HttpOptions, serve_http};
pub use socket::OwnerStatus;

/// Who holds the database in `db`.
#[derive(Debug)]
pub enum Holder {
    /// A process serving it; what it said about itself.
    Owner(OwnerStatus),
    /// A process that holds it without serving it (a CLI command still running).
    Silent,
    /// Nobody.
    Nobody,
}

/// Asks the database's owner who it is (`grounded server status`).
pub async fn holder(db: &Path) -> anyhow::Result<Holder> {
    if let Some(stream) = socket::connect(db, &socket::Hello::Status).await {
        let mut lines = tokio::io::BufReader::new(stream).lines();
        if let Some(line) = lines.next_line().await? {
            return Ok(Holder::Owner(serde_json::from_str(&line)?));
        }
    }
    Ok(match Store::try_open(db)? {
        Some(_) => Holder::Nobody,
        None => Holder::Silent,
    })
}

//! The process that owns a database: it holds the sled store and serves every other
//! `grounded` process on the same database through the local socket.
//!
//! Each relayed connection becomes an MCP session of its own over the same [`Store`]
//! (a cheap clone; writes meet at the store's writer gate), with the relaying
//! process's user as the author of its writes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rmcp::ServiceExt;
use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;

use super::socket::{self, CliCall, CliReply, Hello, OwnerStatus};
use crate::fetch::{Access, Caller, Settings};
use crate::mcp::GroundedServer;
use crate::mcp::framing::{LineReader, LineTransport, Read};
use crate::model::Actor;
use crate::store::Store;

/// How this program runs a command line for another process (the CLI lives in the
/// binary, above this library); set once at start.
type CliRunner = dyn Fn(CliCall, Store) -> CliReply + Send + Sync;
static CLI_RUNNER: OnceLock<Box<CliRunner>> = OnceLock::new();

/// Lets an owner run the command lines other processes send it.
pub fn set_cli_runner(run: impl Fn(CliCall, Store) -> CliReply + Send + Sync + 'static) {
    let _ = CLI_RUNNER.set(Box::new(run));
}

/// The database this process owns, and who is using it through the socket.
pub struct Owner {
    pub store: Store,
    socket: PathBuf,
    access: Access,
    role: String,
    since: jiff::Timestamp,
    relayed: AtomicUsize,
    /// Signals each time a relayed session ends, for an owner waiting to leave.
    ended: tokio::sync::Notify,
}

impl Owner {
    /// Starts serving the socket of the database at `db`, which `store` holds open.
    pub fn start(db: &Path, store: Store, access: Access, role: impl Into<String>) -> std::io::Result<Arc<Owner>> {
        let listener = socket::bind(db)?;
        let owner = Arc::new(Owner {
            store,
            socket: socket::path(db),
            access,
            role: role.into(),
            since: jiff::Timestamp::now(),
            relayed: AtomicUsize::new(0),
            ended: tokio::sync::Notify::new(),
        });
        tracing::info!(socket = %socket::path(db).display(), "this process owns the database");
        let serving = owner.clone();
        tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) if socket::same_user(&stream) => {
                        tokio::spawn(serving.clone().answer(stream));
                    }
                    Ok(_) => tracing::warn!("refused a connection from another user"),
                    Err(e) => tracing::warn!(error = %e, "accepting a local connection failed"),
                }
            }
        });
        Ok(owner)
    }

    /// Sessions relayed through the socket right now.
    pub fn relayed_sessions(&self) -> usize {
        self.relayed.load(Ordering::Acquire)
    }

    /// Waits until no relayed session is left: an owner whose own client has gone
    /// stays while others still use it, so their calls are never cut off.
    pub async fn until_unused(&self) {
        loop {
            let ended = self.ended.notified();
            if self.relayed_sessions() == 0 {
                return;
            }
            ended.await;
        }
    }

    /// Removes the socket before the process leaves, so that nobody tries a dead
    /// address (a socket left by a killed owner is replaced by the next one).
    pub fn leave(&self) {
        let _ = std::fs::remove_file(&self.socket);
    }

    async fn answer(self: Arc<Self>, stream: UnixStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = LineReader::new(read);
        let hello = match lines.next().await {
            Read::Line(line) => serde_json::from_slice::<Hello>(&line).ok(),
            _ => None,
        };
        match hello {
            Some(Hello::Status) => {
                let status = OwnerStatus {
                    pid: std::process::id(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    role: self.role.clone(),
                    since: self.since,
                    relayed_sessions: self.relayed_sessions(),
                };
                let mut line = serde_json::to_vec(&status).expect("a status serializes");
                line.push(b'\n');
                let _ = write.write_all(&line).await;
            }
            Some(Hello::Mcp { user, cwd, settings }) => {
                self.relayed.fetch_add(1, Ordering::AcqRel);
                let server = GroundedServer::new(self.store.clone(), Actor(user), self.access_for(cwd, settings));
                match server.serve(LineTransport::from_lines(lines, write)).await {
                    Ok(session) => {
                        let _ = session.waiting().await;
                    }
                    Err(e) => tracing::debug!(error = %e, "a relayed session ended before its handshake"),
                }
                self.relayed.fetch_sub(1, Ordering::AcqRel);
                self.ended.notify_waiters();
            }
            Some(Hello::Cli(call)) => {
                let store = self.store.clone();
                let (done, reply) = tokio::sync::oneshot::channel();
                // A thread of its own: the command builds its own runtime, as in a terminal.
                std::thread::spawn(move || {
                    let reply = match CLI_RUNNER.get() {
                        Some(run) => run(call, store),
                        None => CliReply {
                            stdout: String::new(),
                            stderr: "the process owning this database cannot run commands; stop it or try again\n"
                                .into(),
                            code: 2,
                        },
                    };
                    let _ = done.send(reply);
                });
                if let Ok(reply) = reply.await {
                    let mut line = serde_json::to_vec(&reply).expect("a reply serializes");
                    line.push(b'\n');
                    let _ = write.write_all(&line).await;
                }
            }
            None => tracing::warn!("a local connection sent no hello; closed"),
        }
    }

    /// The relaying process's policy, from its configuration and working directory:
    /// what its own server would have had (same user, checked). A relay too old to
    /// send its configuration gets the owner's, with its working directory added.
    fn access_for(&self, cwd: Option<PathBuf>, settings: Option<Settings>) -> Access {
        if let (Some(settings), Some(db)) = (settings, self.store.root()) {
            return Access::from_settings(Caller::Local, db, cwd, &settings);
        }
        let mut access = self.access.clone();
        if let Some(cwd) = cwd {
            access.roots.work_in(cwd);
        }
        access
    }
}

//! `grounded serve` over stdio when several processes share a database.
//!
//! Every stdio server reads its client's lines and passes them to an MCP session: its
//! own, in process, when it owns the database; the owner's, through the local socket,
//! when another process does. When the owner goes (exits or is killed), the relay
//! takes over: it opens the database itself or connects to whoever did, replays the
//! client's `initialize` so the new session knows the client, and carries on. The
//! client sees one unbroken session. Calls that were in flight when the owner died
//! get an error saying so (their writes were either acknowledged by a flush or not
//! made; the client cannot know which, so it is told to check).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rmcp::ServiceExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use super::owner::Owner;
use super::socket::{self, Hello};
use crate::fetch::{Access, Settings};
use crate::mcp::GroundedServer;
use crate::mcp::framing::{LineReader, LineTransport, Read};
use crate::model::Actor;
use crate::store::Store;

/// How long a client waits for a database held by a process that does not serve it
/// (a CLI command importing a file) before it gives up.
const WAIT_FOR_DATABASE: Duration = Duration::from_secs(60);
/// How often it tries again meanwhile; a takeover lands within one or two of these.
const RETRY: Duration = Duration::from_millis(20);

type Reader = Box<dyn AsyncRead + Unpin + Send>;
type Writer = Box<dyn AsyncWrite + Unpin + Send>;

/// Where this process's client is being served.
struct Session {
    lines: LineReader<Reader>,
    write: Writer,
}

/// The few fields the relay reads of a message; the rest passes through untouched.
#[derive(Deserialize)]
struct Peek {
    id: Option<Value>,
    method: Option<String>,
    result: Option<serde::de::IgnoredAny>,
    error: Option<serde::de::IgnoredAny>,
}

/// Serves MCP over this process's stdin/stdout on the database in `db`, owning it or
/// relaying to its owner, until the client disconnects.
pub async fn serve_stdio(db: PathBuf, actor: Actor, access: Access) -> anyhow::Result<()> {
    // Clients launch stdio servers with pipes; rmcp's pipe handles drive them on the
    // reactor instead of handing every read and write to a blocking thread (measured:
    // get_okr p50 over stdio 0.82 ms, BENCHMARKS.md). Not pipes: plain stdio.
    GroundedServer::prepare();
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    let mut client = LineReader::new(stdin);
    let mut stdout = stdout;
    // The client's handshake, replayed to a new owner after a takeover.
    let mut initialize: Option<(Value, Vec<u8>)> = None;
    let mut initialized: Option<Vec<u8>> = None;
    let mut owner: Option<Arc<Owner>> = None;
    // A line the dead owner never received (the write failed): sent to the next one.
    let mut undelivered: Option<(Option<String>, Vec<u8>)> = None;
    loop {
        let mut session = connect(&db, &actor, &access, &mut owner).await?;
        if let Some((id, line)) = &initialize {
            replay(&mut session, id, line, initialized.as_deref()).await;
        }
        let mut in_flight: HashSet<String> = HashSet::new();
        if let Some((id, line)) = undelivered.take() {
            in_flight.extend(id);
            if send(&mut session.write, &line).await.is_err() {
                undelivered = Some((None, line));
                continue;
            }
        }
        let client_left = loop {
            tokio::select! {
                read = client.next() => match read {
                    Read::Line(line) => {
                        let mut request = None;
                        if let Ok(peek) = serde_json::from_slice::<Peek>(&line) {
                            match (&peek.id, peek.method.as_deref()) {
                                (Some(id), Some("initialize")) => initialize = Some((id.clone(), line.clone())),
                                (None, Some("notifications/initialized")) => initialized = Some(line.clone()),
                                _ => {}
                            }
                            if let (Some(id), Some(_)) = (&peek.id, &peek.method) {
                                request = Some(id.to_string());
                            }
                        }
                        if send(&mut session.write, &line).await.is_err() {
                            // The owner is gone and never read it: the next owner will.
                            undelivered = Some((request, line));
                            break false;
                        }
                        in_flight.extend(request);
                    }
                    // The owner's framing answers an oversized line; here it is only dropped.
                    Read::TooLong => {
                        let answer = crate::mcp::framing::too_long_error();
                        let _ = send(&mut stdout, answer.to_string().as_bytes()).await;
                    }
                    Read::Closed => {
                        // A client that closes its input after its last request (a
                        // script piping requests in) still gets every answer.
                        answer_in_flight(&mut session, &mut stdout, &mut in_flight).await;
                        break true;
                    }
                },
                read = session.lines.next() => match read {
                    Read::Line(line) => {
                        if let Some(id) = answered(&line) {
                            in_flight.remove(&id);
                        }
                        if send(&mut stdout, &line).await.is_err() {
                            break true;
                        }
                    }
                    Read::TooLong => tracing::warn!("the owner sent a line over the cap; dropped"),
                    Read::Closed => break false,
                },
            }
        };
        if client_left {
            drop(session);
            if let Some(owner) = owner {
                owner.until_unused().await;
                owner.leave();
            }
            return Ok(());
        }
        tracing::warn!(in_flight = in_flight.len(), "the process that owned the database stopped; taking over");
        for id in in_flight {
            let id: Value = serde_json::from_str(&id).unwrap_or(Value::Null);
            let answer = json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message":
                "the grounded process that owned the database stopped during this call; another took over. A write that was acknowledged is stored; this one was not acknowledged: check (get_okr, search_evidence, score) and call again if it is missing"}});
            let _ = send(&mut stdout, answer.to_string().as_bytes()).await;
        }
    }
}

/// Owns the database if nobody does, else connects to its owner; waits while a
/// process holds it without serving it.
async fn connect(db: &Path, actor: &Actor, access: &Access, owner: &mut Option<Arc<Owner>>) -> anyhow::Result<Session> {
    let hello =
        Hello::Mcp { user: actor.0.clone(), cwd: std::env::current_dir().ok(), settings: Some(Settings::from_env()) };
    let started = std::time::Instant::now();
    loop {
        if let Some(stream) = socket::connect(db, &hello).await {
            let (read, write) = stream.into_split();
            return Ok(Session { lines: LineReader::new(Box::new(read)), write: Box::new(write) });
        }
        if let Some(store) = Store::try_open(db)? {
            let owning = Owner::start(db, store.clone(), access.clone(), "serve (stdio)")?;
            *owner = Some(owning);
            return Ok(in_process(store, actor.clone(), access.clone()));
        }
        if started.elapsed() > WAIT_FOR_DATABASE {
            anyhow::bail!(
                "{} is held by a grounded process that does not serve it (a command still running?); waited {} s: try again when it has finished",
                db.display(),
                WAIT_FOR_DATABASE.as_secs()
            );
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// This process's own session, reached through an in-memory pipe so that the relay
/// loop is the same whoever owns the database.
fn in_process(store: Store, actor: Actor, access: Access) -> Session {
    let (near, far) = tokio::io::duplex(1 << 16);
    let (far_read, far_write) = tokio::io::split(far);
    tokio::spawn(async move {
        let server = GroundedServer::new(store, actor, access);
        if let Ok(session) = server.serve(LineTransport::new(far_read, far_write)).await {
            let _ = session.waiting().await;
        }
    });
    let (read, write) = tokio::io::split(near);
    Session { lines: LineReader::new(Box::new(read)), write: Box::new(write) }
}

/// Sends the client's handshake to a new session and swallows its answer: the client
/// already has one.
async fn replay(session: &mut Session, id: &Value, initialize: &[u8], initialized: Option<&[u8]>) {
    if send(&mut session.write, initialize).await.is_err() {
        return;
    }
    loop {
        match session.lines.next().await {
            Read::Line(line) => {
                if serde_json::from_slice::<Peek>(&line).is_ok_and(|p| p.id.as_ref() == Some(id)) {
                    break;
                }
            }
            Read::TooLong => {}
            Read::Closed => return,
        }
    }
    if let Some(line) = initialized {
        let _ = send(&mut session.write, line).await;
    }
}

/// The id of the call `line` answers, when it is an answer.
fn answered(line: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Peek>(line) {
        Ok(Peek { id: Some(id), result, error, .. }) if result.is_some() || error.is_some() => Some(id.to_string()),
        _ => None,
    }
}

/// Passes the session's lines to the client until every call in flight is answered
/// (or the session or the client's output closes).
async fn answer_in_flight(
    session: &mut Session,
    client: &mut (impl AsyncWrite + Unpin),
    in_flight: &mut HashSet<String>,
) {
    while !in_flight.is_empty() {
        match session.lines.next().await {
            Read::Line(line) => {
                if let Some(id) = answered(&line) {
                    in_flight.remove(&id);
                }
                if send(client, &line).await.is_err() {
                    return;
                }
            }
            Read::TooLong => tracing::warn!("the owner sent a line over the cap; dropped"),
            Read::Closed => return,
        }
    }
}

async fn send(write: &mut (impl AsyncWrite + Unpin), line: &[u8]) -> std::io::Result<()> {
    write.write_all(line).await?;
    write.write_all(b"\n").await?;
    write.flush().await
}

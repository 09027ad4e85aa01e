//! The local socket in the database folder: how the process that owns a database and
//! the other `grounded` processes on it find and trust each other.
//!
//! Only the owner's user may connect: the socket file is made readable by its owner
//! alone, and every connection's peer credentials are checked as well (a socket's
//! mode is not honoured everywhere). The first line a client sends says who it is and
//! what it wants ([`Hello`]); what follows depends on that.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fetch::Settings;
use tokio::io::AsyncWriteExt;
use tokio::net::{UnixListener, UnixStream};

/// The socket of the database in `db`.
pub fn path(db: &Path) -> PathBuf {
    db.join("grounded.sock")
}

/// The first line on a connection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "hello", rename_all = "snake_case")]
pub enum Hello {
    /// An MCP session relayed from another process's stdio: its author, working
    /// directory and configuration (import roots, hosts, tokens), which its session
    /// has, as its own server would have had them.
    Mcp {
        user: String,
        cwd: Option<PathBuf>,
        #[serde(default)]
        settings: Option<Settings>,
    },
    /// Who owns the database (`grounded server status`).
    Status,
    /// A command typed in a terminal, to run on the owner's open database.
    Cli(CliCall),
}

/// A command line to run in the owner, as its user typed it where they typed it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CliCall {
    /// The arguments after the program name.
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub user: String,
    /// The caller's time zone (an IANA name): its "today" holds for the command.
    #[serde(default)]
    pub tz: Option<String>,
    /// The caller's configuration (hosts, token variables and their values): the
    /// command runs with it, as it would in the caller's own process.
    #[serde(default)]
    pub settings: Option<Settings>,
}

/// What the command printed and its exit code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CliReply {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// What `Hello::Status` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerStatus {
    pub pid: u32,
    pub version: String,
    /// What the owner was started as: `serve` (stdio), `serve --http ADDR`.
    pub role: String,
    pub since: jiff::Timestamp,
    /// Sessions relayed through the socket right now.
    pub relayed_sessions: usize,
}

/// Binds the socket for the process that has just opened the database. A file left
/// by an owner that died is removed first: holding sled's lock proves nobody else
/// serves this database.
pub fn bind(db: &Path) -> std::io::Result<UnixListener> {
    let path = path(db);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// True when the process at the other end runs as this process's user.
pub fn same_user(stream: &UnixStream) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    stream.peer_cred().is_ok_and(|peer| peer.uid() == me)
}

/// Connects to the owner of `db` and says hello; None when nobody answers there.
pub async fn connect(db: &Path, hello: &Hello) -> Option<UnixStream> {
    let mut stream = UnixStream::connect(path(db)).await.ok()?;
    let mut line = serde_json::to_vec(hello).expect("a hello serializes");
    line.push(b'\n');
    stream.write_all(&line).await.ok()?;
    Some(stream)
}

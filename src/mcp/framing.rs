//! JSON-RPC messages over a newline-delimited stream (stdio): one message per line.
//!
//! rmcp's own line transport drops a line that is not JSON without a word, and a line
//! over its cap likewise, so a client that sent one waits forever for an answer that
//! never comes. JSON-RPC 2.0 says what to answer instead: -32700 (parse error, id null)
//! for text that is not JSON, -32600 (invalid request) for JSON that is not a request.
//! This transport answers both and keeps the connection open. Notifications and
//! responses are never answered, as JSON-RPC requires.

use std::future::Future;
use std::sync::Arc;

use rmcp::RoleServer;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

/// The longest line read: JSON-RPC messages carry arguments, never files (imports go
/// by path or URL), so a longer line is a mistake or an attack, not a request.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

const PARSE_ERROR: i64 = -32700;

/// The JSON-RPC error line for a message over [`MAX_LINE_BYTES`]: the owner's framing
/// and a relay both answer it, and say the same.
pub fn too_long_error() -> Value {
    json!({"jsonrpc": "2.0", "id": null, "error": {"code": PARSE_ERROR,
        "message": format!("Parse error: a message over {MAX_LINE_BYTES} bytes was dropped; pass files by path or URL")}})
}
const INVALID_REQUEST: i64 = -32600;

/// Reads newline-terminated lines of at most [`MAX_LINE_BYTES`], keeping a partial
/// line across cancellation: rmcp polls `receive` inside a `select!`, and the relay
/// of `serve` reads in one too, so a line is never lost halfway.
pub struct LineReader<R> {
    read: BufReader<R>,
    line: Vec<u8>,
    /// Skipping the rest of a line already refused for its length.
    discarding: bool,
}

/// What one bounded read produced.
pub enum Read {
    /// A whole line, without its line ending.
    Line(Vec<u8>),
    TooLong,
    Closed,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub fn new(read: R) -> Self {
        LineReader { read: BufReader::new(read), line: Vec::new(), discarding: false }
    }

    /// The next line, never holding more than [`MAX_LINE_BYTES`].
    pub async fn next(&mut self) -> Read {
        loop {
            let available = match self.read.fill_buf().await {
                Ok([]) | Err(_) => return Read::Closed,
                Ok(bytes) => bytes,
            };
            let end = available.iter().position(|b| *b == b'\n');
            let take = end.map_or(available.len(), |i| i + 1);
            let mut outcome = None;
            if self.discarding {
                if end.is_some() {
                    self.discarding = false;
                }
            } else if self.line.len() + take > MAX_LINE_BYTES {
                self.line.clear();
                self.discarding = end.is_none();
                outcome = Some(Read::TooLong);
            } else {
                self.line.extend_from_slice(&available[..take]);
                if end.is_some() {
                    let mut line = std::mem::take(&mut self.line);
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    outcome = Some(Read::Line(line));
                }
            }
            self.read.consume(take);
            if let Some(outcome) = outcome {
                return outcome;
            }
        }
    }
}

pub struct LineTransport<R, W> {
    lines: LineReader<R>,
    write: Arc<Mutex<W>>,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin + Send + 'static> LineTransport<R, W> {
    pub fn new(read: R, write: W) -> Self {
        LineTransport::from_lines(LineReader::new(read), write)
    }

    /// Over a reader that already read something (the local socket's hello line).
    pub fn from_lines(lines: LineReader<R>, write: W) -> Self {
        LineTransport { lines, write: Arc::new(Mutex::new(write)) }
    }

    /// Writes an error answer from a task of its own, so a cancelled `receive` cannot
    /// leave half a line on the stream.
    fn answer_error(&self, id: Value, code: i64, message: String) {
        self.answer_line(json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}));
    }

    fn answer_line(&self, answer: Value) {
        let write = self.write.clone();
        let mut line = answer.to_string();
        line.push('\n');
        tokio::spawn(async move {
            let mut write = write.lock().await;
            if write.write_all(line.as_bytes()).await.is_ok() {
                let _ = write.flush().await;
            }
        });
    }

    /// What to answer a line rmcp could not read as a message, if anything.
    fn refuse(&self, line: &[u8], error: serde_json::Error) {
        match serde_json::from_slice::<Value>(line) {
            Err(not_json) => self.answer_error(
                Value::Null,
                PARSE_ERROR,
                format!("Parse error: the line is not JSON ({not_json}); send one JSON-RPC message per line"),
            ),
            Ok(value) => {
                let id = value.get("id").filter(|id| id.is_string() || id.is_number()).cloned();
                let is_request = value.get("method").is_some() && id.is_some();
                let is_other =
                    value.get("method").is_some() || value.get("result").is_some() || value.get("error").is_some();
                if is_request || !is_other {
                    self.answer_error(
                        id.unwrap_or(Value::Null),
                        INVALID_REQUEST,
                        format!("Invalid request: not a JSON-RPC 2.0 message this server reads ({error})"),
                    );
                } else {
                    // A notification or a response nobody can be told about.
                    tracing::debug!(%error, "ignoring an unreadable notification or response");
                }
            }
        }
    }
}

impl<R, W> Transport<RoleServer> for LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let write = self.write.clone();
        async move {
            let mut line = serde_json::to_vec(&item).map_err(std::io::Error::other)?;
            line.push(b'\n');
            let mut write = write.lock().await;
            write.write_all(&line).await?;
            write.flush().await
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let line = match self.lines.next().await {
                Read::Closed => return None,
                Read::TooLong => {
                    self.answer_line(too_long_error());
                    continue;
                }
                Read::Line(line) => line,
            };
            let text = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice(text) {
                Ok(message) => return Some(message),
                Err(error) => self.refuse(text, error),
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.write.lock().await.shutdown().await
    }
}

//! A local HTTP server for the tests that make grounded fetch a URL (imports, metric
//! sources, redirects): one route function answers each request from its path, or
//! never answers (a silent host). The server counts requests per path and keeps the
//! Authorization headers it was sent; it stops when its [`Server`] is dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A request as the route sees it.
pub struct Request {
    /// Without the query string.
    pub path: String,
    pub authorization: Option<String>,
    /// How many requests for this path arrived so far, this one included (1 the first time).
    pub times_seen: usize,
    /// The server's own port, for a redirect back to it under another name.
    pub port: u16,
}

/// An answer: status line, content type, extra headers and body; the length is counted
/// and the connection closed after it.
pub struct Reply {
    status: String,
    headers: String,
    body: String,
}

/// `HTTP/1.1 {status}` with `content_type` and `body`.
pub fn reply(status: &str, content_type: &str, body: &str) -> Reply {
    Reply { status: status.into(), headers: format!("content-type: {content_type}\r\n"), body: body.into() }
}

/// A redirect (`status` such as "302 Found") to `location`, with an empty text body.
pub fn redirect(status: &str, location: &str) -> Reply {
    reply(status, "text/plain", "").header("location", location)
}

impl Reply {
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push_str(&format!("{name}: {value}\r\n"));
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let Reply { status, headers, body } = self;
        let length = body.len();
        format!("HTTP/1.1 {status}\r\n{headers}content-length: {length}\r\nconnection: close\r\n\r\n{body}")
            .into_bytes()
    }
}

/// What the server was sent.
#[derive(Default)]
struct Seen {
    requests: HashMap<String, usize>,
    authorization: Vec<String>,
}

/// A running server on 127.0.0.1; stops accepting when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub port: u16,
    seen: Arc<Mutex<Seen>>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Server {
    /// `{base}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `127.0.0.1:PORT`, as an allowlist names it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// How many requests for `path` arrived (0 if none).
    pub fn requests(&self, path: &str) -> usize {
        self.seen.lock().unwrap().requests.get(path).copied().unwrap_or(0)
    }

    /// The Authorization headers sent, in order.
    pub fn authorizations(&self) -> Vec<String> {
        self.seen.lock().unwrap().authorization.clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// Starts a server answering each request with `route`; `None` holds the connection
/// open for 30 s without a byte (the timeout case).
pub async fn serve(route: impl Fn(&Request) -> Option<Reply> + Send + Sync + 'static) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (shared, route) = (seen.clone(), Arc::new(route));
    let accepting = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (seen, route) = (shared.clone(), route.clone());
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                // The request head: up to its blank line (a GET has no body).
                let mut head = vec![];
                let mut buffer = [0u8; 8192];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split_whitespace().nth(1).unwrap_or("/");
                let path = target.split('?').next().unwrap_or("/").to_string();
                let authorization = head.lines().skip(1).find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("authorization").then(|| value.trim().to_string())
                });
                let times_seen = {
                    let mut seen = seen.lock().unwrap();
                    if let Some(a) = &authorization {
                        seen.authorization.push(a.clone());
                    }
                    let count = seen.requests.entry(path.clone()).or_default();
                    *count += 1;
                    *count
                };
                match route(&Request { path, authorization, times_seen, port }) {
                    Some(answer) => {
                        let _ = socket.write_all(&answer.bytes()).await;
                    }
                    None => tokio::time::sleep(std::time::Duration::from_secs(30)).await,
                }
            });
        }
    });
    Server { base: format!("http://127.0.0.1:{port}"), port, seen, accepting }
}

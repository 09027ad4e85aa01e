//! Reading what users point grounded at: a local file or an http(s) URL.
//!
//! One place for the limits every import shares (20 MB, a timeout, no HTML pages
//! where data was expected), so research files, measurement files and metric
//! sources refuse the same things with the same words.

use std::time::Duration;

use crate::error::{Error, Result};

/// Files and answers above this are refused: split them.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// How long a URL may take to answer; `GROUNDED_FETCH_TIMEOUT_MS` overrides it.
pub fn timeout() -> Duration {
    std::env::var("GROUNDED_FETCH_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(15))
}

/// Reads a local file, refusing one above [`MAX_FILE_BYTES`]; errors name `field`.
pub fn read_file(field: &str, path: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::invalid(field, format!("cannot read {path}: {e}")))?;
    if meta.len() as usize > MAX_FILE_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "{path} is {} bytes; files up to {MAX_FILE_BYTES} bytes (20 MB) are accepted: split it",
                meta.len()
            ),
        ));
    }
    std::fs::read(path).map_err(|e| Error::invalid(field, format!("cannot read {path}: {e}")))
}

/// GETs `url` once; `expected` says what should have come back (for the HTML
/// refusal). `bearer` is sent as an Authorization header and never logged.
pub async fn get(field: &str, url: &str, expected: &str, bearer: Option<&str>) -> Result<Vec<u8>> {
    attempt(field, url, expected, bearer).await.map_err(|failure| failure.error)
}

/// How many times [`get_retrying`] tries; `GROUNDED_FETCH_ATTEMPTS` overrides it (1-10).
pub fn attempts() -> u32 {
    std::env::var("GROUNDED_FETCH_ATTEMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=10).contains(n))
        .unwrap_or(3)
}

/// GETs `url`, trying again after 250 ms, 500 ms, ... when the failure may pass (no
/// connection, no answer in time, 429, 5xx). A 404 or an HTML page will not get
/// better by asking again, so those fail at once. Answers the body and the number of
/// attempts it took; a failure's message says how many were made.
pub async fn get_retrying(field: &str, url: &str, expected: &str, bearer: Option<&str>) -> Result<(Vec<u8>, u32)> {
    let most = attempts();
    let mut tried = 0;
    loop {
        tried += 1;
        match attempt(field, url, expected, bearer).await {
            Ok(bytes) => return Ok((bytes, tried)),
            Err(Failure { error, transient }) if !transient || tried >= most => {
                if tried == 1 {
                    return Err(error);
                }
                let message = match error {
                    Error::Invalid { message, .. } => format!("{message} (after {tried} attempts)"),
                    other => other.to_string(),
                };
                return Err(Error::invalid(field, message));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(250 << (tried - 1))).await,
        }
    }
}

/// Why one attempt failed, and whether another might succeed.
struct Failure {
    error: Error,
    transient: bool,
}

impl Failure {
    fn fatal(error: Error) -> Failure {
        Failure { error, transient: false }
    }
}

async fn attempt(field: &str, url: &str, expected: &str, bearer: Option<&str>) -> Result<Vec<u8>, Failure> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Failure::fatal(Error::invalid(field, format!("{url:?} must start with http:// or https://"))));
    }
    let client = reqwest::Client::builder()
        .timeout(timeout())
        .build()
        .map_err(|e| Failure::fatal(Error::invalid(field, format!("cannot set up the HTTP client: {e}"))))?;
    let mut request = client.get(url);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let mut response = request.send().await.map_err(|e| {
        let why = if e.is_timeout() { format!("no answer within {} ms", timeout().as_millis()) } else { e.to_string() };
        Failure { error: Error::invalid(field, format!("{url} could not be fetched: {why}")), transient: true }
    })?;
    let status = response.status();
    if !status.is_success() {
        let hint = match status.as_u16() {
            401 | 403 => "; check the token (and the environment variable it is read from)",
            404 => "; check the address",
            _ => "",
        };
        return Err(Failure {
            error: Error::invalid(field, format!("{url} answered {status}{hint}")),
            transient: status.is_server_error() || status.as_u16() == 429,
        });
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_lowercase();
    let html = || {
        Failure::fatal(Error::invalid(
            field,
            format!(
                "{url} answered an HTML page, not {expected}; link to the raw data (a login page or an error page looks like this)"
            ),
        ))
    };
    if content_type.contains("text/html") {
        return Err(html());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Failure {
        error: Error::invalid(field, format!("{url}: the answer broke off: {e}")),
        transient: true,
    })? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_FILE_BYTES {
            return Err(Failure::fatal(Error::invalid(
                field,
                format!("{url} is larger than {MAX_FILE_BYTES} bytes (20 MB): split it"),
            )));
        }
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).trim_start().to_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Err(html());
    }
    Ok(bytes)
}

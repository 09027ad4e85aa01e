//! Reading what users point grounded at: a local file or an http(s) URL, under one
//! access policy.
//!
//! One place for the limits every import shares (20 MB counted as read, a timeout,
//! no HTML pages where data was expected) and for what may be read at all
//! ([`Access`]): files under the import roots ([`files`]), hosts on the allowlist
//! ([`allowlist`]) that do not lead to internal addresses ([`address`]), redirects
//! checked hop by hop, and token variables matching a pattern ([`tokens`]). Research
//! files, measurement files and metric sources refuse the same things with the same
//! words. The policy is built once from the server's or the command's environment;
//! no tool argument can widen it.

pub mod address;
pub mod allowlist;
pub mod files;
pub mod table;
pub mod tls;
pub mod tokens;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use allowlist::{ALLOWED_HOSTS_ENV, Allowlist};
pub use files::{Caller, IMPORT_ROOTS_ENV, ImportRoots};
pub use tokens::{DEFAULT_TOKEN_VARS, TOKEN_VARS_ENV, TokenVars};

/// Redirects followed before a fetch gives up; each hop is checked like the first URL.
pub const MAX_REDIRECTS: usize = 5;

/// What this process may read: files under the roots, hosts on the allowlist, tokens
/// from variables matching the patterns.
#[derive(Debug, Clone)]
pub struct Access {
    pub roots: ImportRoots,
    pub hosts: Allowlist,
    pub token_vars: TokenVars,
    /// The values of the token variables the patterns allow, as the environment had
    /// them (the caller's, for a relayed command or session).
    pub tokens: BTreeMap<String, String>,
}

/// The configuration a process reads from its environment to build its [`Access`]:
/// sent along with a relayed session or command, so that the process owning the
/// database applies the caller's own configuration, as the caller's own process would
/// have (same user: the socket checks it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// [`IMPORT_ROOTS_ENV`] as set.
    pub import_roots: Option<String>,
    /// [`ALLOWED_HOSTS_ENV`] as set.
    pub allowed_hosts: Option<String>,
    /// [`TOKEN_VARS_ENV`] as set.
    pub token_vars: Option<String>,
    /// The variables the token patterns allow, with their values.
    pub tokens: BTreeMap<String, String>,
}

impl Settings {
    /// This process's environment.
    pub fn from_env() -> Settings {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let token_vars = var(TOKEN_VARS_ENV);
        let patterns = TokenVars::parse(token_vars.as_deref().unwrap_or(DEFAULT_TOKEN_VARS));
        let tokens = std::env::vars().filter(|(name, _)| patterns.check("token_env", name).is_ok()).collect();
        Settings { import_roots: var(IMPORT_ROOTS_ENV), allowed_hosts: var(ALLOWED_HOSTS_ENV), token_vars, tokens }
    }
}

impl Access {
    /// From this process's environment ([`IMPORT_ROOTS_ENV`], [`ALLOWED_HOSTS_ENV`],
    /// [`TOKEN_VARS_ENV`]) and working directory; see [`Access::from_settings`].
    pub fn from_env(caller: Caller, database: &Path) -> Access {
        Access::from_settings(caller, database, std::env::current_dir().ok(), &Settings::from_env())
    }

    /// The default roots are the working directory `cwd` and the database folder
    /// itself (not its parent: the default data folder's parent holds every other
    /// application's data); the configured roots are added to them.
    pub fn from_settings(caller: Caller, database: &Path, cwd: Option<PathBuf>, settings: &Settings) -> Access {
        // The store creates its folder when it opens, which comes after this: made
        // here, it is a root from the very first start instead of skipped as missing.
        if let Err(e) = std::fs::create_dir_all(database) {
            tracing::warn!(db = %database.display(), error = %e, "cannot create the database folder");
        }
        let mut defaults: Vec<PathBuf> = cwd.iter().cloned().collect();
        if let Ok(folder) = std::path::absolute(database) {
            defaults.push(folder);
        }
        let mut roots = ImportRoots::with_configured(caller, &defaults, settings.import_roots.as_deref());
        if let Some(cwd) = cwd {
            roots.work_in(cwd);
        }
        Access {
            roots,
            hosts: Allowlist::parse(settings.allowed_hosts.as_deref().unwrap_or_default()),
            token_vars: TokenVars::parse(settings.token_vars.as_deref().unwrap_or(DEFAULT_TOKEN_VARS)),
            tokens: settings.tokens.clone(),
        }
    }

    /// True when errors may quote a file's values back: to a person who ran their own
    /// command on their own file ("M-9 Teammate invites does not exist" helps them fix
    /// it). An assistant or a remote caller never gets a file's bytes in an error: a
    /// path outside the research could leak that way.
    pub fn may_quote_files(&self) -> bool {
        self.roots.caller() == Caller::Cli
    }

    /// Checks a token variable a source or an import names: a variable's name (never
    /// the token itself), one the server's patterns allow, and a URL that does not send
    /// it unencrypted over a network. Errors name `field`.
    pub fn check_token_env(&self, field: &str, name: &str, url: &url::Url) -> Result<()> {
        let a_name = !name.is_empty()
            && name.len() <= 100
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !a_name {
            return Err(Error::invalid(
                field,
                format!(
                    "{:?} is not an environment variable name; give the variable's name (such as PROM_TOKEN), never the token",
                    crate::validate::truncate(name, 20)
                ),
            ));
        }
        self.token_vars.check(field, name)?;
        if url.scheme() == "http" && !is_loopback(url) {
            return Err(Error::invalid(
                field,
                format!("a token would travel unencrypted to {}; use an https:// URL", url.host_str().unwrap_or("")),
            ));
        }
        Ok(())
    }

    /// The bearer token variable `name` holds. The name is checked against the
    /// patterns again: what names it may have been stored before the rule, or the
    /// configuration may have changed since.
    pub fn bearer(&self, field: &str, name: &str) -> Result<String> {
        self.token_vars.check(field, name)?;
        self.token(name).map(|value| value.trim().to_string()).ok_or_else(|| {
            Error::invalid(
                field,
                format!(
                    "{name} is not set in the environment of this grounded process; set it where the server or `grounded sync` runs"
                ),
            )
        })
    }

    /// The value of token variable `name`, as the settings had it.
    pub fn token(&self, name: &str) -> Option<&str> {
        self.tokens.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    /// Reads a local file under the roots (see [`ImportRoots::read`]); errors name `field`.
    pub fn read_file(&self, field: &str, path: &str) -> Result<Vec<u8>> {
        self.roots.read(field, path)
    }

    /// [`Access::read_file`], with the canonical path read (see [`ImportRoots::read_resolved`]).
    pub fn read_file_resolved(&self, field: &str, path: &str) -> Result<(PathBuf, Vec<u8>)> {
        self.roots.read_resolved(field, path)
    }

    /// GETs `url` once; `expected` says what should have come back (for the HTML
    /// refusal). `bearer` is sent as an Authorization header, to the URL's own host
    /// only, and never logged.
    pub async fn get(&self, field: &str, url: &str, expected: &str, bearer: Option<&str>) -> Result<Vec<u8>> {
        self.attempt(field, url, expected, bearer).await.map_err(|failure| failure.error)
    }

    /// GETs `url`, trying again after 250 ms, 500 ms, ... when the failure may pass (no
    /// connection, no answer in time, 429, 5xx). A 404, an HTML page or a refused
    /// address will not get better by asking again, so those fail at once. Answers the
    /// body and the number of attempts it took; a failure's message says how many were
    /// made.
    pub async fn get_retrying(
        &self,
        field: &str,
        url: &str,
        expected: &str,
        bearer: Option<&str>,
    ) -> Result<(Vec<u8>, u32)> {
        let most = attempts();
        let mut tried = 0;
        loop {
            tried += 1;
            match self.attempt(field, url, expected, bearer).await {
                Ok(bytes) => return Ok((bytes, tried)),
                Err(Failure { error, transient }) if !transient || tried >= most => {
                    if tried == 1 {
                        return Err(error);
                    }
                    let message = match error {
                        Error::Invalid { message, .. } => message.then(format!(" (after {tried} attempts)")),
                        other => other.to_string().into(),
                    };
                    return Err(Error::invalid(field, message));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(250 << (tried - 1))).await,
            }
        }
    }

    /// Checks one hop of a fetch: its host on the allowlist, and every address the
    /// host resolves to public unless the host is listed exactly. Answers the
    /// addresses to pin the connection to (for a name), so what is connected to is
    /// what was checked: DNS cannot answer differently in between.
    async fn admit(&self, field: &str, first: &Url, hop: &Url) -> Result<Option<(String, Vec<SocketAddr>)>, Failure> {
        let redirected = hop != first;
        let host = hop.host_str().unwrap_or("").trim_matches(['[', ']']).to_string();
        let hop_words = |message: crate::error::Words| -> crate::error::Words {
            if redirected {
                message.after(format!("{first} redirected to another host: ")).then("; nothing was read")
            } else {
                message
            }
        };
        self.hosts.check(field, hop).map_err(|e| match e {
            Error::Invalid { message, .. } => Failure::fatal(Error::invalid(field, hop_words(message))),
            other => Failure::fatal(other),
        })?;
        let port = hop.port_or_known_default().unwrap_or(80);
        let (name, addresses): (Option<String>, Vec<SocketAddr>) = match hop.host() {
            Some(url::Host::Ipv4(ip)) => (None, vec![SocketAddr::new(IpAddr::V4(ip), port)]),
            Some(url::Host::Ipv6(ip)) => (None, vec![SocketAddr::new(IpAddr::V6(ip), port)]),
            Some(url::Host::Domain(domain)) => {
                let found = tokio::net::lookup_host((domain, port)).await.map_err(|e| Failure {
                    error: Error::invalid(field, hop_words(format!("cannot find the address of {host}: {e}").into())),
                    transient: true,
                })?;
                (Some(domain.to_string()), found.collect())
            }
            None => return Err(Failure::fatal(Error::invalid(field, format!("{hop} has no host")))),
        };
        if addresses.is_empty() {
            return Err(Failure {
                error: Error::invalid(field, hop_words(format!("{host} has no address").into())),
                transient: true,
            });
        }
        if !self.hosts.lists_exactly(hop) {
            for address in &addresses {
                if let Some(kind) = address::non_public(address.ip()) {
                    let shown =
                        if name.is_some() { format!("{host} resolves to {}", address.ip()) } else { host.clone() };
                    return Err(Failure::fatal(Error::invalid(
                        field,
                        hop_words(format!(
                            "{shown}, a {kind} address, which is not fetched unless the host is listed by name in {ALLOWED_HOSTS_ENV} (such as {ALLOWED_HOSTS_ENV}={host}:{port}); a wildcard entry is not enough"
                        ).into()),
                    )));
                }
            }
        }
        Ok(name.map(|name| (name, addresses)))
    }

    async fn attempt(&self, field: &str, url: &str, expected: &str, bearer: Option<&str>) -> Result<Vec<u8>, Failure> {
        let first: Url = match url.parse::<Url>() {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => parsed,
            _ => {
                return Err(Failure::fatal(Error::invalid(
                    field,
                    format!("{url:?} must start with http:// or https://"),
                )));
            }
        };
        let mut hop = first.clone();
        let mut redirects = 0;
        let mut response = loop {
            let pinned = self.admit(field, &first, &hop).await?;
            tls::install();
            // Redirects are followed here, not by reqwest, so each hop is admitted.
            let mut builder = reqwest::Client::builder().timeout(timeout()).redirect(reqwest::redirect::Policy::none());
            if let Some((name, addresses)) = &pinned {
                builder = builder.resolve_to_addrs(name, addresses);
            }
            let client = builder
                .build()
                .map_err(|e| Failure::fatal(Error::invalid(field, format!("cannot set up the HTTP client: {e}"))))?;
            let mut request = client.get(hop.clone());
            // The token belongs to the source's own host; a redirect elsewhere does not get it.
            if let Some(token) = bearer
                && hop.origin() == first.origin()
            {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.map_err(|e| {
                let why = if e.is_timeout() {
                    format!("no answer within {} ms", timeout().as_millis())
                } else {
                    e.to_string()
                };
                Failure { error: Error::invalid(field, format!("{url} could not be fetched: {why}")), transient: true }
            })?;
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .filter(|_| response.status().is_redirection());
            let Some(location) = location else {
                break response;
            };
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(Failure::fatal(Error::invalid(
                    field,
                    format!("{url} redirected more than {MAX_REDIRECTS} times; link to the data itself"),
                )));
            }
            hop = match hop.join(location) {
                Ok(next) if matches!(next.scheme(), "http" | "https") => next,
                _ => {
                    return Err(Failure::fatal(Error::invalid(
                        field,
                        format!("{url} redirected to an address that is not an http(s) URL; link to the data itself"),
                    )));
                }
            };
        };
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
}

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

/// How many times [`Access::get_retrying`] tries; `GROUNDED_FETCH_ATTEMPTS` overrides it (1-10).
pub fn attempts() -> u32 {
    std::env::var("GROUNDED_FETCH_ATTEMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=10).contains(n))
        .unwrap_or(3)
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

/// A URL to this machine: a token sent there in the clear crosses no network.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

//! Which hosts metric sources and import URLs may reach.
//!
//! The list comes from the server's configuration (`GROUNDED_ALLOWED_HOSTS`), not
//! from the database or a tool argument: an assistant driving the tools must not be
//! able to point grounded at an internal address nobody meant it to read.

use reqwest::Url;

use crate::error::{Error, Result};

/// The environment variable holding the allowlist: comma-separated hosts, each
/// `host`, `host:port` or `*.domain` (any subdomain).
pub const ALLOWED_HOSTS_ENV: &str = "GROUNDED_ALLOWED_HOSTS";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    entries: Vec<String>,
}

impl Allowlist {
    /// Reads [`ALLOWED_HOSTS_ENV`]; unset or empty allows nothing.
    pub fn from_env() -> Allowlist {
        Allowlist::parse(&std::env::var(ALLOWED_HOSTS_ENV).unwrap_or_default())
    }

    pub fn parse(text: &str) -> Allowlist {
        let entries = text
            .split([',', ' ', '\n'])
            .map(|e| e.trim().trim_end_matches('.').to_lowercase())
            .filter(|e| !e.is_empty())
            .collect();
        Allowlist { entries }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The entry that lets `url` through, if any.
    fn entry_for(&self, url: &Url) -> Option<&String> {
        let host = url.host_str().unwrap_or("").trim_matches(['[', ']']).to_lowercase();
        let port = url.port_or_known_default();
        self.entries.iter().find(|entry| {
            let (entry_host, entry_port) = split_port(entry);
            let port_ok = entry_port.is_none() || entry_port == port;
            let host_ok = match entry_host.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == entry_host,
            };
            port_ok && host_ok
        })
    }

    /// True when `url`'s host is listed by name (or address), not only through a
    /// `*.domain` wildcard: only such hosts may lead to internal addresses, because
    /// someone wrote that exact host down.
    pub fn lists_exactly(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or("").trim_matches(['[', ']']).to_lowercase();
        let port = url.port_or_known_default();
        self.entries.iter().any(|entry| {
            let (entry_host, entry_port) = split_port(entry);
            entry_host == host && (entry_port.is_none() || entry_port == port)
        })
    }

    /// Refuses a URL whose host is not on the list, saying how to add it.
    pub fn check(&self, field: &str, url: &Url) -> Result<()> {
        let host = url.host_str().unwrap_or("").trim_matches(['[', ']']).to_lowercase();
        let allowed = self.entry_for(url).is_some();
        if allowed {
            return Ok(());
        }
        let listed = if self.entries.is_empty() {
            "nothing is allowed yet".to_string()
        } else {
            format!("allowed: {}", self.entries.join(", "))
        };
        Err(Error::invalid(
            field,
            format!(
                "{host} is not on the host allowlist ({listed}); add it to {ALLOWED_HOSTS_ENV} where grounded runs (such as {ALLOWED_HOSTS_ENV}={host}; a server reads it when it starts)"
            ),
        ))
    }
}

/// `host:9090` → (host, Some(9090)); `[::1]:9090` → (::1, Some(9090)); `host` → (host, None).
fn split_port(entry: &str) -> (String, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[')
        && let Some((host, tail)) = rest.split_once(']')
    {
        return (host.to_string(), tail.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(port) => (host.to_string(), Some(port)),
            Err(_) => (entry.to_string(), None),
        },
        _ => (entry.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        text.parse().unwrap()
    }

    #[test]
    fn hosts_ports_and_wildcards_are_matched_exactly() {
        let list = Allowlist::parse("metrics.example.com, 127.0.0.1:9090,*.corp.example");
        assert!(list.check("url", &url("https://metrics.example.com/api")).is_ok());
        assert!(list.check("url", &url("HTTPS://Metrics.Example.com:8443/api")).is_ok());
        assert!(list.check("url", &url("http://127.0.0.1:9090/")).is_ok());
        assert!(list.check("url", &url("http://127.0.0.1:9091/")).is_err());
        assert!(list.check("url", &url("https://prom.corp.example/")).is_ok());
        assert!(list.check("url", &url("https://corp.example/")).is_err());
        assert!(list.check("url", &url("https://metrics.example.com.evil.test/")).is_err());
        assert!(list.check("url", &url("https://evilcorp.example/")).is_err());
    }

    #[test]
    fn an_empty_list_refuses_and_says_how_to_allow() {
        let err = Allowlist::parse("").check("attach[0].url", &url("http://localhost:9090/")).unwrap_err().to_string();
        assert!(
            err.starts_with("attach[0].url: localhost is not on the host allowlist (nothing is allowed yet)"),
            "{err}"
        );
        assert!(err.contains("GROUNDED_ALLOWED_HOSTS=localhost"), "{err}");
    }

    #[test]
    fn ipv6_entries_with_ports_parse() {
        assert_eq!(split_port("[::1]:9090"), ("::1".to_string(), Some(9090)));
        assert_eq!(split_port("::1"), ("::1".to_string(), None));
        assert!(Allowlist::parse("[::1]:9090").check("url", &url("http://[::1]:9090/")).is_ok());
    }

    #[test]
    fn only_named_hosts_are_listed_exactly() {
        let list = Allowlist::parse("metrics.example.com,127.0.0.1:9090,*.corp.example");
        assert!(list.lists_exactly(&url("https://metrics.example.com/x")));
        assert!(list.lists_exactly(&url("http://127.0.0.1:9090/")));
        assert!(!list.lists_exactly(&url("http://127.0.0.1:9091/")));
        assert!(!list.lists_exactly(&url("https://prom.corp.example/")));
        // 2130706433 is 127.0.0.1 once parsed: the parsed host is what is compared.
        assert!(list.lists_exactly(&url("http://2130706433:9090/")));
        assert!(list.check("url", &url("http://0x7f.1:9090/")).is_ok());
        assert!(
            Allowlist::parse("")
                .check("url", &url("http://2130706433/"))
                .unwrap_err()
                .to_string()
                .contains("127.0.0.1")
        );
    }
}

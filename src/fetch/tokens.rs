//! Which environment variables a metric source may read its bearer token from.
//!
//! A source names a variable (`token_env`) and grounded sends its value to the
//! source's host. Without a limit, a caller could name any variable of the server's
//! environment (HOME, AWS_SECRET_ACCESS_KEY) and have it sent to a host it controls.
//! The names allowed come from the server's configuration (`GROUNDED_TOKEN_VARS`).

use crate::error::{Error, Result};

/// The environment variable holding the patterns: comma-separated, `*` matches any
/// run of characters (`*_TOKEN`, `PROM_*`, `GRAFANA_API_KEY`).
pub const TOKEN_VARS_ENV: &str = "GROUNDED_TOKEN_VARS";

/// Used when [`TOKEN_VARS_ENV`] is unset or empty.
pub const DEFAULT_TOKEN_VARS: &str = "*_TOKEN";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenVars {
    patterns: Vec<String>,
}

impl Default for TokenVars {
    fn default() -> Self {
        TokenVars::parse(DEFAULT_TOKEN_VARS)
    }
}

impl TokenVars {
    /// Reads [`TOKEN_VARS_ENV`], else [`DEFAULT_TOKEN_VARS`].
    pub fn from_env() -> TokenVars {
        match std::env::var(TOKEN_VARS_ENV) {
            Ok(text) if !text.trim().is_empty() => TokenVars::parse(&text),
            _ => TokenVars::default(),
        }
    }

    pub fn parse(text: &str) -> TokenVars {
        let patterns =
            text.split([',', ' ', '\n']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        TokenVars { patterns }
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Refuses a variable name no pattern matches, saying how to allow it. Names are
    /// compared case-sensitively, as the environment does.
    pub fn check(&self, field: &str, name: &str) -> Result<()> {
        if self.patterns.iter().any(|p| glob(p, name)) {
            return Ok(());
        }
        Err(Error::invalid(
            field,
            format!(
                "{name} does not match the token variable patterns ({}); name a variable that does (such as PROM_TOKEN), or allow it with {TOKEN_VARS_ENV} where grounded runs (such as {TOKEN_VARS_ENV}={},{name}; a server reads it when it starts)",
                self.patterns.join(", "),
                self.patterns.join(",")
            ),
        ))
    }
}

/// `*` matches any run of characters (also none); everything else matches itself.
fn glob(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_names() {
        assert!(glob("*_TOKEN", "PROM_TOKEN"));
        assert!(glob("*_TOKEN", "_TOKEN"));
        assert!(!glob("*_TOKEN", "PROM_TOKEN_FILE"));
        assert!(!glob("*_TOKEN", "prom_token"));
        assert!(glob("PROM_*", "PROM_KEY"));
        assert!(glob("GRAFANA_API_KEY", "GRAFANA_API_KEY"));
        assert!(!glob("GRAFANA_API_KEY", "GRAFANA_API_KEY2"));
        assert!(glob("A*B*C", "AxxBxxC"));
        assert!(!glob("A*B*C", "AxxC"));
        assert!(!glob("AB*BA", "ABA"));
        assert!(glob("*", "HOME"));
    }

    #[test]
    fn the_default_allows_tokens_only_and_says_how_to_change_it() {
        let vars = TokenVars::default();
        assert!(vars.check("attach[0].token_env", "PROM_TOKEN").is_ok());
        let err = vars.check("attach[0].token_env", "HOME").unwrap_err().to_string();
        assert!(
            err.starts_with("attach[0].token_env: HOME does not match the token variable patterns (*_TOKEN)"),
            "{err}"
        );
        assert!(err.contains("GROUNDED_TOKEN_VARS=*_TOKEN,HOME"), "{err}");
        assert!(TokenVars::parse("PROM_*, *_KEY").check("t", "STATS_KEY").is_ok());
    }
}

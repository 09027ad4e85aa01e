//! OKRs: reading key-result statements, checking them against good practice, and
//! the operations that draft, change, list and show objectives.
//!
//! - [`statement`] reads a key result written in words.
//! - [`input`] validates what a caller hands in and resolves it into a plan.
//! - [`checks`] runs the rules of DOMAIN.md section 2 over a plan.
//! - [`draft`], [`update`], [`query`] and [`plan`] are the operations the MCP tools and
//!   the CLI call; they own the store transactions and flush before returning.
//! - [`apply`] makes the stored OKRs match a file (OKRs as code).

pub mod apply;
pub mod checks;
pub mod document;
pub mod draft;
pub mod input;
pub mod overview;
pub mod plan;
pub mod query;
pub mod statement;
pub mod update;

/// Who made a change, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// `GROUNDED_USER`, else the login name, else "unknown".
    pub fn from_env() -> Actor {
        let name = ["GROUNDED_USER", "USER", "USERNAME"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "unknown".into());
        Actor(name)
    }
}

/// A title as two objectives are the same by: case and spacing aside.
pub(crate) fn same_title(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

//! OKRs: reading key-result statements, checking them against good practice, and
//! the operations that draft, change, list and show objectives.
//!
//! - [`statement`] reads a key result written in words.
//! - [`input`] validates what a caller hands in and resolves it into a plan.
//! - [`checks`] runs the rules of docs/domain.md#2-quality-rules over a plan.
//! - [`draft`], [`update`] and [`plan`] are the operations the MCP tools and the CLI
//!   call; they own the store transactions and flush before returning.
//! - [`stored`] judges an objective as stored by the same rules (reading it, scored,
//!   is [`crate::lookup`]'s, above this module).
//! - [`children`] declares, checks and writes a key result's indicators and initiatives.
//! - [`apply`] makes the stored OKRs match a file (OKRs as code).

pub mod apply;
pub mod checks;
pub mod children;
pub mod document;
pub mod draft;
pub mod input;
pub mod plan;
pub mod statement;
pub mod stored;
pub mod update;
pub mod vocabulary;

/// A title as two objectives are the same by: case and spacing aside.
pub(crate) fn same_title(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

//! The audit trail: every change to an objective or key result, with who, when and why.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    pub field: String,
    // Described, so the schema is `{"description": ...}` and not a bare `true`, which
    // some clients' schema checks refuse (the MCP Inspector flags it).
    /// The field's value before: any JSON value.
    pub from: serde_json::Value,
    /// The field's value after.
    pub to: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditEntry {
    /// `O-3` or `KR-12`.
    pub subject: String,
    pub at: Timestamp,
    pub author: String,
    /// `created` or `updated`.
    pub action: String,
    pub changes: Vec<FieldChange>,
    pub reason: Option<String>,
}

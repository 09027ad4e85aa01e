//! The one error type of the core. Every user-facing failure names the field it is
//! about and what would have been accepted, so an assistant can correct itself and a
//! person knows what to type.

/// A failure the core reports to its callers (MCP tools, CLI commands).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller gave a value that cannot be accepted.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The caller named a record that does not exist.
    #[error("{field}: {id} does not exist{hint}")]
    NotFound { field: String, id: String, hint: String },
    /// The database could not be read or written.
    #[error("the database failed: {0}")]
    Storage(#[from] sled::Error),
    /// A stored record could not be decoded: corruption, or a newer grounded wrote it.
    #[error("stored record {key} could not be read: {message}")]
    Corrupt { key: String, message: String },
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), message: message.into() }
    }

    pub fn not_found(field: impl Into<String>, id: impl ToString, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        let hint = if hint.is_empty() { hint } else { format!("; {hint}") };
        Error::NotFound { field: field.into(), id: id.to_string(), hint }
    }

    /// True for errors the caller can fix by changing its input.
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::Invalid { .. } | Error::NotFound { .. })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

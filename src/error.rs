//! The one error type of the core. Every user-facing failure names the field it is
//! about and what would have been accepted, so an assistant can correct itself and a
//! person knows what to type.
//!
//! What to change is data, not prose: an error's words keep the fields, settings and
//! operations they name as [`Part`]s, and each front end says them in its own words
//! through a [`Naming`] (the MCP layer as tool and field names, the CLI as commands and
//! flags). A new error is therefore in the terminal's words the moment it is written;
//! nobody has to remember to add its phrases to a table of replacements.

use std::fmt;

/// The operations an error or an answer may point to. Each front end names every one
/// (a `match` without a wildcard), so adding one here fails to build until both do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    ListOkrs,
    GetOkr,
    CheckOkr,
    DraftOkr,
    UpdateOkr,
    AddIndicator,
    AddInitiative,
    ValidateIndicator,
    RecordMeasurements,
    ImportMeasurements,
    SyncSources,
    /// Attaching a JSON endpoint, a Prometheus query, a research export's URL.
    AttachJson,
    AttachPrometheus,
    AttachFeed,
    /// Listing the attached sources and feeds without pulling.
    ListSources,
    SearchEvidence,
    ImportEvidence,
    LinkEvidence,
    UnlinkEvidence,
    SuggestLinks,
}

impl Operation {
    /// Every operation, for the tests that check each is named everywhere.
    pub const ALL: &[Operation] = &[
        Operation::ListOkrs,
        Operation::GetOkr,
        Operation::CheckOkr,
        Operation::DraftOkr,
        Operation::UpdateOkr,
        Operation::AddIndicator,
        Operation::AddInitiative,
        Operation::ValidateIndicator,
        Operation::RecordMeasurements,
        Operation::ImportMeasurements,
        Operation::SyncSources,
        Operation::AttachJson,
        Operation::AttachPrometheus,
        Operation::AttachFeed,
        Operation::ListSources,
        Operation::SearchEvidence,
        Operation::ImportEvidence,
        Operation::LinkEvidence,
        Operation::UnlinkEvidence,
        Operation::SuggestLinks,
    ];

    /// The operation's own name; the MCP tools carry these names.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ListOkrs => "list_okrs",
            Operation::GetOkr => "get_okr",
            Operation::CheckOkr => "check_okr",
            Operation::DraftOkr => "draft_okr",
            Operation::UpdateOkr => "update_okr",
            Operation::AddIndicator => "add_indicator",
            Operation::AddInitiative => "add_initiative",
            Operation::ValidateIndicator => "validate_indicator",
            Operation::RecordMeasurements => "record_measurements",
            Operation::ImportMeasurements => "import_measurements",
            Operation::SyncSources => "sync_sources",
            Operation::AttachJson => "attach: {metric, url, pointer}",
            Operation::AttachPrometheus => "attach: {metric, url, query}",
            Operation::AttachFeed => "attach_feeds",
            Operation::ListSources => "sync_sources with pull: false",
            Operation::SearchEvidence => "search_evidence",
            Operation::ImportEvidence => "import_evidence",
            Operation::LinkEvidence => "link_evidence",
            Operation::UnlinkEvidence => "unlink_evidence",
            Operation::SuggestLinks => "suggest_links",
        }
    }
}

/// One piece of an error's words.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// A field of the request (`mapping.text`, `from`): a flag on the command line.
    Field(String),
    /// A field with the value to give it (`format: csv`, `insist: true`).
    Setting {
        field: String,
        value: String,
    },
    /// The same request again with a field set (`insist: true`), to confirm.
    SendAgainWith {
        field: String,
        value: String,
    },
    Operation(Operation),
}

impl From<&str> for Part {
    fn from(text: &str) -> Part {
        Part::Text(text.into())
    }
}

impl From<String> for Part {
    fn from(text: String) -> Part {
        Part::Text(text)
    }
}

impl From<&String> for Part {
    fn from(text: &String) -> Part {
        Part::Text(text.clone())
    }
}

impl From<Operation> for Part {
    fn from(operation: Operation) -> Part {
        Part::Operation(operation)
    }
}

/// A field named in an error's words.
pub fn field(name: impl Into<String>) -> Part {
    Part::Field(name.into())
}

/// A field with the value to give it.
pub fn setting(field: impl Into<String>, value: impl Into<String>) -> Part {
    Part::Setting { field: field.into(), value: value.into() }
}

/// The request again with `field` set to `value`.
pub fn send_again_with(field: impl Into<String>, value: impl Into<String>) -> Part {
    Part::SendAgainWith { field: field.into(), value: value.into() }
}

/// An error's message or hint: text with the fields and operations it names kept apart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Words(pub Vec<Part>);

/// `words!["is empty; give EV-.. ids (", Operation::SearchEvidence, " finds them)"]`.
#[macro_export]
macro_rules! words {
    ($($part:expr),* $(,)?) => {
        $crate::error::Words(vec![$($crate::error::Part::from($part)),*])
    };
}

impl Words {
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| matches!(p, Part::Text(t) if t.is_empty()))
    }

    /// These words in `naming`'s terms.
    pub fn render(&self, naming: &dyn Naming) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(text) => out.push_str(text),
                other => out.push_str(&name_of(other, naming)),
            }
        }
        out
    }

    /// The words with `change` applied to their text, not to the names in them.
    pub fn map_text(self, change: impl Fn(&str) -> String) -> Words {
        Words(
            self.0
                .into_iter()
                .map(|part| match part {
                    Part::Text(text) => Part::Text(change(&text)),
                    other => other,
                })
                .collect(),
        )
    }

    /// Whether the words, in the core's own names, contain `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.to_string().contains(text)
    }

    /// Whether the words, in the core's own names, start with `text`.
    pub fn starts_with(&self, text: &str) -> bool {
        self.to_string().starts_with(text)
    }

    /// Adds `more` at the end.
    pub fn push(&mut self, more: &Words) {
        self.0.extend(more.0.iter().cloned());
    }

    /// The words without the white space they end with.
    pub fn trim_end(mut self) -> Words {
        while let Some(Part::Text(text)) = self.0.last_mut() {
            let kept = text.trim_end().len();
            text.truncate(kept);
            if !text.is_empty() {
                break;
            }
            self.0.pop();
        }
        self
    }

    /// These words followed by `more`.
    pub fn and(mut self, more: Words) -> Words {
        self.0.extend(more.0);
        self
    }

    /// The words with `text` put before them.
    pub fn after(mut self, text: impl Into<String>) -> Words {
        self.0.insert(0, Part::Text(text.into()));
        self
    }

    /// The words with `text` added after them.
    pub fn then(mut self, text: impl Into<String>) -> Words {
        self.0.push(Part::Text(text.into()));
        self
    }
}

impl From<String> for Words {
    fn from(text: String) -> Words {
        Words(vec![Part::Text(text)])
    }
}

impl From<&str> for Words {
    fn from(text: &str) -> Words {
        Words(vec![Part::Text(text.into())])
    }
}

impl From<&String> for Words {
    fn from(text: &String) -> Words {
        Words(vec![Part::Text(text.clone())])
    }
}

/// A part that names something, in `naming`'s terms.
fn name_of(part: &Part, naming: &dyn Naming) -> String {
    match part {
        Part::Text(text) => text.clone(),
        Part::Field(name) => naming.field(name),
        Part::Setting { field, value } => naming.setting(field, value),
        Part::SendAgainWith { field, value } => naming.send_again_with(field, value),
        Part::Operation(operation) => naming.operation(*operation),
    }
}

/// Text written into words (`write!`) joins the text they end with.
impl fmt::Write for Words {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        match self.0.last_mut() {
            Some(Part::Text(last)) => last.push_str(text),
            _ => self.0.push(Part::Text(text.into())),
        }
        Ok(())
    }
}

/// In the core's own names, which are the MCP tools' and fields'.
impl fmt::Display for Words {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written part by part: most words are one piece of text, and an answer holds
        // many (every finding's reason), so no string is built to be copied again.
        for part in &self.0 {
            match part {
                Part::Text(text) => f.write_str(text)?,
                Part::Operation(operation) => f.write_str(operation.name())?,
                other => f.write_str(&name_of(other, &OwnNames))?,
            }
        }
        Ok(())
    }
}

/// In an answer, words are a string in the core's own names (the MCP tools' answers
/// and schemas see a string); a front end that holds the value renders it itself.
impl serde::Serialize for Words {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [Part::Text(text)] => serializer.serialize_str(text),
            _ => serializer.collect_str(self),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Words {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Words, D::Error> {
        String::deserialize(deserializer).map(Words::from)
    }
}

impl schemars::JsonSchema for Words {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "String".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// How a front end says the fields and operations an error names.
pub trait Naming {
    fn field(&self, field: &str) -> String;
    fn operation(&self, operation: Operation) -> String;
    fn setting(&self, field: &str, value: &str) -> String;
    fn send_again_with(&self, field: &str, value: &str) -> String;
}

/// The core's own names: a field as the request spells it, an operation by its name.
/// The MCP tools take these names, so the MCP layer renders errors with them as they are.
pub struct OwnNames;

impl Naming for OwnNames {
    fn field(&self, field: &str) -> String {
        field.into()
    }
    fn operation(&self, operation: Operation) -> String {
        operation.name().into()
    }
    fn setting(&self, field: &str, value: &str) -> String {
        format!("{field}: {value}")
    }
    fn send_again_with(&self, field: &str, value: &str) -> String {
        format!("send it again with {field}: {value}")
    }
}

/// A failure the core reports to its callers (MCP tools, CLI commands).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller gave a value that cannot be accepted.
    #[error("{field}: {message}")]
    Invalid { field: String, message: Words },
    /// The caller named a record that does not exist; `hint` says where the ones that
    /// exist are listed.
    #[error("{field}: {id} does not exist{}", if hint.is_empty() { String::new() } else { format!("; {hint}") })]
    NotFound { field: String, id: String, hint: Words },
    /// The database could not be read or written.
    #[error("the database failed: {0}")]
    Storage(#[from] sled::Error),
    /// A stored record could not be decoded: corruption, or a newer grounded wrote it.
    #[error("stored record {key} could not be read: {message}")]
    Corrupt { key: String, message: String },
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<Words>) -> Self {
        Error::Invalid { field: field.into(), message: message.into() }
    }

    pub fn not_found(field: impl Into<String>, id: impl ToString, hint: impl Into<Words>) -> Self {
        Error::NotFound { field: field.into(), id: id.to_string(), hint: hint.into() }
    }

    /// True for errors the caller can fix by changing its input.
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::Invalid { .. } | Error::NotFound { .. })
    }

    /// The error with its field renamed (`measurements[0].value` → `value`), for a front
    /// end whose request wraps the core's.
    pub fn with_field(self, rename: impl FnOnce(String) -> String) -> Self {
        match self {
            Error::Invalid { field, message } => Error::Invalid { field: rename(field), message },
            Error::NotFound { field, id, hint } => Error::NotFound { field: rename(field), id, hint },
            other => other,
        }
    }

    /// The error as words that keep its field and what it names, to go inside other
    /// words (a row of a file that failed).
    pub fn into_words(self) -> Words {
        match self {
            Error::Invalid { field: name, message } => {
                Words(vec![Part::Field(name), Part::Text(": ".into())]).and(message)
            }
            Error::NotFound { field: name, id, hint } => {
                let found = Words(vec![Part::Field(name), Part::Text(format!(": {id} does not exist"))]);
                if hint.is_empty() { found } else { found.then("; ").and(hint) }
            }
            other => other.to_string().into(),
        }
    }

    /// The error in `naming`'s terms: its field and every field and operation its words name.
    pub fn render(&self, naming: &dyn Naming) -> String {
        match self {
            Error::Invalid { field, message } => format!("{}: {}", naming.field(field), message.render(naming)),
            Error::NotFound { field, id, hint } if hint.is_empty() => {
                format!("{}: {id} does not exist", naming.field(field))
            }
            Error::NotFound { field, id, hint } => {
                format!("{}: {id} does not exist; {}", naming.field(field), hint.render(naming))
            }
            other => other.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    struct Shouting;
    impl Naming for Shouting {
        fn field(&self, field: &str) -> String {
            format!("--{}", field.replace('_', "-"))
        }
        fn operation(&self, operation: Operation) -> String {
            format!("`{}`", operation.name().to_uppercase())
        }
        fn setting(&self, field: &str, value: &str) -> String {
            format!("--{field} {value}")
        }
        fn send_again_with(&self, field: &str, _: &str) -> String {
            format!("run again with --{field}")
        }
    }

    #[test]
    fn an_error_names_its_fields_and_operations_in_each_front_ends_words() {
        let error = Error::invalid(
            "date_format",
            words![
                "give ",
                setting("format", "csv"),
                " or ",
                field("metric"),
                "; ",
                Operation::SearchEvidence,
                " finds it; ",
                send_again_with("insist", "true")
            ],
        );
        assert_eq!(
            error.to_string(),
            "date_format: give format: csv or metric; search_evidence finds it; send it again with insist: true"
        );
        assert_eq!(
            error.render(&Shouting),
            "--date-format: give --format csv or --metric; `SEARCH_EVIDENCE` finds it; run again with --insist"
        );
        let missing = Error::not_found("id", "KR-9", words![Operation::ListOkrs, " shows what exists"]);
        assert_eq!(missing.to_string(), "id: KR-9 does not exist; list_okrs shows what exists");
        assert_eq!(Error::not_found("id", "KR-9", "").to_string(), "id: KR-9 does not exist");
    }
}

//! The core's errors in a terminal's words: a request field is the argument or flag of
//! the command that was typed, an operation is the command that does it.
//!
//! The core keeps what an error names as data ([`grounded::error::Part`]), so nothing
//! here rewrites sentences: each command says which of its request's fields are
//! arguments, and [`command_of`] names every operation (a `match` with no wildcard, so
//! a new operation does not build until it has its command).

use grounded::error::{Error, Naming, Operation};

/// How one command names the fields of the request it makes.
#[derive(Clone, Copy)]
pub struct Terminal<'a> {
    /// Fields that are arguments, or flags of another name: `("metric", "METRIC")`,
    /// `("max_lag_days", "--max-lag")`. Matched on the whole field, then on its first
    /// part (`key_results[0].target` → `key_results`).
    pub arguments: &'a [(&'a str, &'a str)],
    /// When given, only these fields (and `mapping.*`, `defaults.*`) are the request's;
    /// any other field is a place the core names as it is (`notes.csv line 4`).
    pub request_fields: Option<&'a [&'a str]>,
    /// A field set to a value that is a flag of its own here: `("detail", "full",
    /// "without --brief")`.
    pub settings: &'a [(&'a str, &'a str, &'a str)],
}

impl<'a> Terminal<'a> {
    /// A command whose every field is a flag unless `arguments` says otherwise.
    pub const fn with(arguments: &'a [(&'a str, &'a str)]) -> Terminal<'a> {
        Terminal { arguments, request_fields: None, settings: &[] }
    }

    /// `error` as this command's user reads it.
    pub fn say(&self, error: Error) -> anyhow::Error {
        if error.is_user_error() { anyhow::anyhow!(error.render(self)) } else { error.into() }
    }
}

/// A command that has not said which fields are its flags: its fields as the core
/// names them, the operations its errors point to as commands.
pub const ANY: Terminal<'static> = Terminal { arguments: &[], request_fields: Some(&[]), settings: &[] };

/// A failure as the terminal prints it: each cause in turn, a core error in its
/// command's words (`ANY` when the command did not render it itself).
pub fn printed(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(|cause| match cause.downcast_ref::<Error>() {
            Some(core) => core.render(&ANY),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// The command that does `operation`, as a terminal user types it.
pub fn command_of(operation: Operation) -> &'static str {
    match operation {
        Operation::ListOkrs => "`grounded okr list`",
        Operation::GetOkr => "`grounded okr show`",
        Operation::CheckOkr => "`grounded check`",
        Operation::DraftOkr => "`grounded okr apply`",
        Operation::UpdateOkr => "`grounded okr apply` (with the file changed)",
        Operation::AddIndicator => "`grounded indicator add`",
        Operation::AddInitiative => "`grounded initiative add`",
        Operation::ValidateIndicator => "`grounded indicator validate`",
        Operation::RecordMeasurements => "`grounded record`",
        Operation::ImportMeasurements => "`grounded import measurements`",
        Operation::SyncSources => "`grounded sync`",
        Operation::AttachJson => "`grounded sync --add-json URL --pointer /data/value --metric M-1`",
        Operation::AttachPrometheus => "`grounded sync --add-prometheus URL --query 'PROMQL' --metric M-1`",
        Operation::AttachFeed => "`grounded sync --add-export URL`",
        Operation::ListSources => "`grounded sync --list`",
        Operation::SearchEvidence => "`grounded search`",
        Operation::ImportEvidence => "`grounded import evidence`",
        Operation::LinkEvidence => "`grounded link`",
        // No command yet: said as the tool an assistant calls.
        Operation::UnlinkEvidence => "the unlink_evidence tool (through an assistant)",
        Operation::SuggestLinks => "the suggest_links tool (through an assistant)",
    }
}

fn flag(name: &str) -> String {
    format!("--{}", name.replace('_', "-"))
}

impl Naming for Terminal<'_> {
    fn field(&self, field: &str) -> String {
        let base = field.split(['[', '.']).next().unwrap_or(field);
        if let Some((_, argument)) = self.arguments.iter().find(|(name, _)| *name == field || *name == base) {
            return argument.to_string();
        }
        if let Some(column) = field.strip_prefix("mapping.") {
            return format!("--map {column}=COLUMN");
        }
        if let Some(default) = field.strip_prefix("defaults.") {
            return flag(default);
        }
        match self.request_fields {
            Some(fields) if !fields.contains(&base) => field.to_string(),
            _ => flag(base),
        }
    }

    fn operation(&self, operation: Operation) -> String {
        command_of(operation).into()
    }

    fn setting(&self, field: &str, value: &str) -> String {
        if let Some((_, _, said)) = self.settings.iter().find(|(f, v, _)| *f == field && *v == value) {
            return said.to_string();
        }
        let flag = self.field(field);
        if !flag.starts_with('-') {
            // Not a flag of this command (an item's field, a file's column): said as set.
            return format!("{flag}: {value}");
        }
        if value == "true" { flag } else { format!("{flag} {}", value.replace('_', "-")) }
    }

    fn send_again_with(&self, field: &str, value: &str) -> String {
        match self.settings.iter().find(|(f, v, _)| *f == field && *v == value) {
            Some((_, _, said)) => format!("run again {said}"),
            None => format!("run again with {}", self.setting(field, value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grounded::error::{field, send_again_with, setting};
    use grounded::words;

    #[test]
    fn fields_become_the_arguments_and_flags_typed() {
        let record = Terminal::with(&[("metric", "METRIC"), ("value", "VALUE")]);
        let error = Error::invalid(
            "value",
            words![
                "is odd; ",
                send_again_with("insist", "true"),
                " or give ",
                field("date_format"),
                "; ",
                Operation::GetOkr,
                " shows it"
            ],
        );
        assert_eq!(
            record.say(error).to_string(),
            "VALUE: is odd; run again with --insist or give --date-format; `grounded okr show` shows it"
        );
        let import =
            Terminal { arguments: &[("path", "FILE")], request_fields: Some(&["format", "path"]), settings: &[] };
        let error = Error::invalid(
            "notes.csv line 4",
            words!["give ", setting("format", "survey_csv"), " or name it with ", field("mapping.text")],
        );
        assert_eq!(
            import.say(error).to_string(),
            "notes.csv line 4: give --format survey-csv or name it with --map text=COLUMN"
        );
    }
}

//! Input validation shared by every command: text, numbers and dates are checked
//! once, here, with messages that name the field and say what is accepted.

use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::model::Scale;

/// Objective titles: one breath, not an essay.
pub const MAX_TITLE_CHARS: usize = 300;
/// Key-result statements and initiative titles.
pub const MAX_STATEMENT_CHARS: usize = 500;
/// People, metric names, stages.
pub const MAX_NAME_CHARS: usize = 120;
/// Reasons, hypotheses, notes.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Trims `value` and refuses it when empty, longer than `max_chars`, or carrying
/// control characters (which hide text from a reader and break one-line output).
pub fn text(field: &str, value: &str, max_chars: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(field, "is empty; give some text or leave the field out"));
    }
    let chars = trimmed.chars().count();
    if chars > max_chars {
        return Err(Error::invalid(field, format!("is {chars} characters long; at most {max_chars} are accepted")));
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("contains the control character U+{:04X}; only printable text on one line is accepted", c as u32),
        ));
    }
    Ok(trimmed.to_string())
}

/// A page of objectives: how many, and the id the previous page ended at (its
/// `next_cursor`; 0 for the first page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectivePage {
    pub limit: usize,
    pub after: u64,
}

/// Reads `limit` (1 to `max`, `default` when absent) and `cursor` (an objective id a
/// previous page handed out).
pub fn objective_page(limit: Option<usize>, cursor: Option<&str>, default: usize, max: usize) -> Result<ObjectivePage> {
    let limit = match limit {
        None => default,
        Some(n) if (1..=max).contains(&n) => n,
        Some(n) => return Err(Error::invalid("limit", format!("is {n}; 1 to {max} objectives per page are accepted"))),
    };
    let after = match cursor {
        None => 0,
        Some(c) => c.parse::<crate::model::ObjectiveId>().map(|id| id.0).map_err(|_| unknown_cursor())?,
    };
    Ok(ObjectivePage { limit, after })
}

pub const MAX_TAG_CHARS: usize = 60;

/// `Onboarding Flow`, `onboarding_flow` → `onboarding-flow`.
pub fn tag(field: &str, raw: &str) -> Result<String> {
    let mut tag = String::new();
    for c in raw.trim().chars() {
        if c.is_alphanumeric() {
            tag.extend(c.to_lowercase());
        } else if matches!(c, ' ' | '_' | '-' | '/' | '.') {
            if !tag.ends_with('-') && !tag.is_empty() {
                tag.push('-');
            }
        } else {
            return Err(Error::invalid(
                field,
                format!("{raw:?} has {c:?}; tags are words joined by - (such as onboarding-flow)"),
            ));
        }
    }
    let tag = tag.trim_end_matches('-').to_string();
    if tag.is_empty() {
        return Err(Error::invalid(field, "is empty; give a tag such as onboarding"));
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(Error::invalid(field, format!("is longer than {MAX_TAG_CHARS} characters")));
    }
    Ok(tag)
}

/// A link target: `O-3`, `KR-12`, `IND-2` or `M-4`, checked and written canonically.
pub fn link_target(field: &str, text: &str) -> Result<String> {
    use crate::model::{IndicatorId, KeyResultId, MetricId, ObjectiveId};
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    let parsed = if upper.starts_with("KR") {
        t.parse::<KeyResultId>().map(|i| i.to_string()).ok()
    } else if upper.starts_with("IND") {
        t.parse::<IndicatorId>().map(|i| i.to_string()).ok()
    } else if upper.starts_with('O') {
        t.parse::<ObjectiveId>().map(|i| i.to_string()).ok()
    } else if upper.starts_with('M') {
        t.parse::<MetricId>().map(|i| i.to_string()).ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Error::invalid(field, format!("{:?} is not a link target; give an objective (O-3), key result (KR-12), indicator (IND-2) or metric (M-4)", truncate(t, 40)))
    })
}

pub fn optional_text(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>> {
    value.map(|v| text(field, v, max_chars)).transpose()
}

pub fn finite(field: &str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::invalid(field, format!("is {value}; a finite number is needed")))
    }
}

pub fn optional_finite(field: &str, value: Option<f64>) -> Result<Option<f64>> {
    value.map(|v| finite(field, v)).transpose()
}

/// A score's range: finite ends, min below max (a 5..1 scale would make every value
/// "outside" it and progress run backwards). `field` is the scale itself; its ends
/// are named `field.min` and `field.max`.
pub fn scale(field: &str, scale: Scale) -> Result<Scale> {
    finite(&format!("{field}.min"), scale.min)?;
    finite(&format!("{field}.max"), scale.max)?;
    if scale.min >= scale.max {
        return Err(Error::invalid(
            field,
            format!("min {} is not below max {}; write it as {{\"min\": 1, \"max\": 5}}", scale.min, scale.max),
        ));
    }
    Ok(scale)
}

/// A calendar date written `YYYY-MM-DD`, in the years 2000-2100.
pub fn date(field: &str, value: &str) -> Result<Date> {
    let parsed: Date = value.trim().parse().map_err(|_| {
        Error::invalid(
            field,
            format!("{:?} is not a date; write it as YYYY-MM-DD, such as 2026-12-31", truncate(value, 40)),
        )
    })?;
    date_in_range(field, parsed)
}

/// A date already parsed (by serde, from a typed field) held to the same 2000-2100
/// range as [`date`]: a year 0 is a typo, not a plan.
pub fn date_in_range(field: &str, value: Date) -> Result<Date> {
    if !(2000..=2100).contains(&value.year()) {
        return Err(Error::invalid(field, format!("{value} is out of range; dates from 2000 to 2100 are accepted")));
    }
    Ok(value)
}

/// The first `max` characters, for quoting bad input back without echoing 100 KB.
pub fn truncate(value: &str, max: usize) -> String {
    let mut out: String = value.chars().take(max).collect();
    if value.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Stands in for a value that came from an imported file.
pub const HIDDEN: &str = "(a value from the file)";

/// `message` with every Debug-quoted string (`"..."`, as `{:?}` writes it) replaced
/// by [`HIDDEN`]. Import errors pass through this: the checks shared with the tools
/// quote bad input back to the caller who typed it, but a file's bytes must never
/// come back in an error (a path outside the user's research could leak that way).
/// `{:?}` escapes quotes and backslashes inside, so the end of each quote is known.
pub fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        let mut escaped = false;
        for inner in chars.by_ref() {
            match inner {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => break,
                _ => escaped = false,
            }
        }
        out.push_str(HIDDEN);
    }
    out
}

/// A serde error message (from JSON or CSV) reworded without the value it was about:
/// serde writes the unexpected value first (`invalid type: string "x", expected u32`,
/// ``unknown variant `x`, expected one of ...``) and what was expected last, from the
/// type's definition, so the expectation is kept and the value dropped. A message of
/// another shape could carry anything and is replaced whole.
pub fn serde_reason(message: &str) -> String {
    let expected = || message.rsplit_once(", expected ").map(|(_, tail)| tail.to_string());
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('`'))
            .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string)
    };
    let with = |what: &str| match expected() {
        Some(tail) => format!("{what}, expected {tail}"),
        None => what.to_string(),
    };
    if let Some(field) = named("missing field `") {
        format!("missing field `{field}`")
    } else if let Some(field) = named("duplicate field `") {
        format!("duplicate field `{field}`")
    } else if message.starts_with("invalid type: ") {
        with("a value of the wrong type")
    } else if message.starts_with("invalid value: ") {
        with("a value that is not accepted")
    } else if message.starts_with("invalid length ") {
        with("a list of the wrong length")
    } else if message.starts_with("unknown variant ") {
        with("a value that is not one of the accepted ones")
    } else if message.starts_with("unknown field ") {
        with("a field this import does not know")
    } else {
        "a value that cannot be read here".to_string()
    }
}

/// Why a CSV row or header could not be read, without its content.
pub fn csv_reason(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
            "has {len} fields where the header has {expected_len}: a missing or extra column (a separator inside a field needs quotes)"
        ),
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not UTF-8 text", err.field() + 1),
        csv::ErrorKind::Deserialize { err, .. } => {
            let column = err.field().map(|f| format!("column {}: ", f + 1)).unwrap_or_default();
            let why = match err.kind() {
                csv::DeserializeErrorKind::Message(message) => serde_reason(message),
                csv::DeserializeErrorKind::Unsupported(_) => "a value of an unsupported kind".to_string(),
                csv::DeserializeErrorKind::UnexpectedEndOfRow => "the row ends early".to_string(),
                csv::DeserializeErrorKind::InvalidUtf8(_) => "not UTF-8 text".to_string(),
                csv::DeserializeErrorKind::ParseBool(_) => "not true or false".to_string(),
                csv::DeserializeErrorKind::ParseInt(_) => "not a whole number".to_string(),
                csv::DeserializeErrorKind::ParseFloat(_) => "not a number".to_string(),
            };
            format!("{column}{why}")
        }
        _ => "cannot be read as CSV".to_string(),
    }
}

/// Why a JSON line could not be read, without its content: a syntax error's words
/// are fixed ("expected `,` or `}`") and keep their column; a data error goes
/// through [`serde_reason`].
pub fn json_reason(error: &serde_json::Error) -> String {
    let column = error.column();
    match error.classify() {
        serde_json::error::Category::Data => format!("{} (column {column})", serde_reason(&json_message(error))),
        _ => format!("not valid JSON: {} (column {column})", json_message(error)),
    }
}

/// serde_json's message without the " at line L column C" it appends.
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

/// A page cursor this server did not give out (a list's, a search's).
pub fn unknown_cursor() -> Error {
    Error::invalid(
        "cursor",
        crate::words![
            "is not a cursor this server gave out; pass the ",
            crate::error::field("next_cursor"),
            " of the previous page"
        ],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags_are_normalized_to_words_joined_by_dashes() {
        assert_eq!(tag("t", " Onboarding Flow ").unwrap(), "onboarding-flow");
        assert_eq!(tag("t", "onboarding_flow").unwrap(), "onboarding-flow");
        assert_eq!(tag("t", "CSV import").unwrap(), "csv-import");
        assert!(tag("t", "a#b").unwrap_err().to_string().contains("'#'"));
        assert!(tag("t", " - ").is_err());
    }

    #[test]
    fn link_targets_are_written_canonically_and_others_refused_by_field() {
        assert_eq!(link_target("target", " kr12 ").unwrap(), "KR-12");
        assert_eq!(link_target("target", "ind-2").unwrap(), "IND-2");
        let err = link_target("linked_to", "P3").unwrap_err().to_string();
        assert!(err.starts_with("linked_to: \"P3\" is not a link target"), "{err}");
    }

    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("owner", "  Maya  ", 10).unwrap(), "Maya");
        let long = "x".repeat(100_000);
        let err = text("objective", &long, MAX_TITLE_CHARS).unwrap_err().to_string();
        assert_eq!(err, "objective: is 100000 characters long; at most 300 are accepted");
        assert!(text("owner", "   ", 10).unwrap_err().to_string().contains("is empty"));
        let err = text("owner", "Ma\u{7}ya", 10).unwrap_err().to_string();
        assert!(err.contains("U+0007"), "{err}");
        assert!(text("owner", "Ma\nya", 10).is_err());
    }

    #[test]
    fn numbers_must_be_finite() {
        assert!(finite("target", f64::NAN).unwrap_err().to_string().starts_with("target: is NaN"));
        assert!(finite("target", f64::INFINITY).is_err());
        assert_eq!(finite("target", -0.4).unwrap(), -0.4);
    }

    #[test]
    fn a_scale_runs_upwards() {
        assert!(scale("scale", Scale { min: 1.0, max: 5.0 }).is_ok());
        let err = scale("scale", Scale { min: 5.0, max: 1.0 }).unwrap_err().to_string();
        assert!(err.starts_with("scale: min 5 is not below max 1"), "{err}");
        assert!(scale("scale", Scale { min: 3.0, max: 3.0 }).is_err());
        let err = scale("key_results[0].scale", Scale { min: f64::NAN, max: 5.0 }).unwrap_err().to_string();
        assert!(err.starts_with("key_results[0].scale.min: is NaN"), "{err}");
    }

    #[test]
    fn dates_are_iso_and_in_range() {
        assert_eq!(date("due", "2026-12-31").unwrap(), jiff::civil::date(2026, 12, 31));
        assert!(date("due", "31/12/2026").unwrap_err().to_string().contains("YYYY-MM-DD"));
        assert!(date("due", "1900-01-01").unwrap_err().to_string().contains("out of range"));
        assert!(date("due", "2026-02-30").is_err());
        let year_zero = jiff::civil::date(0, 1, 1);
        assert!(
            date_in_range("wave_start", year_zero)
                .unwrap_err()
                .to_string()
                .starts_with("wave_start: 0000-01-01 is out")
        );
    }

    #[test]
    fn quoted_values_are_hidden_even_with_escaped_quotes() {
        let secret = "root:x:0:\"0\":/root";
        let message = format!("kind {secret:?} is not interview; {:?} either", "a\\");
        let out = unquoted(&message);
        assert_eq!(out, "kind (a value from the file) is not interview; (a value from the file) either");
        assert!(!out.contains("root"));
        assert_eq!(unquoted("line 2: has 3 fields"), "line 2: has 3 fields");
    }

    #[test]
    fn serde_messages_keep_the_expectation_and_drop_the_value() {
        assert_eq!(
            serde_reason("invalid type: string \"HOME=/root\", expected u32"),
            "a value of the wrong type, expected u32"
        );
        assert_eq!(
            serde_reason("unknown variant `root:x`, expected one of `interview`, `observation`"),
            "a value that is not one of the accepted ones, expected one of `interview`, `observation`"
        );
        assert_eq!(
            serde_reason("unknown field `a, expected b`, expected `text` or `kind`"),
            "a field this import does not know, expected `text` or `kind`"
        );
        assert_eq!(serde_reason("missing field `text`"), "missing field `text`");
        assert_eq!(serde_reason("missing field `a b`"), "a value that cannot be read here");
        assert_eq!(serde_reason("PATH=/usr/bin is odd"), "a value that cannot be read here");
    }

    #[test]
    fn csv_and_json_errors_name_the_place_not_the_value() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Row {
            count: u32,
        }
        let text = "count\nPASSWORD=hunter2\n";
        let err = csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>().next().unwrap().unwrap_err();
        assert_eq!(csv_reason(&err), "column 1: not a whole number");
        let err = serde_json::from_str::<Row>(r#"{"count": "PASSWORD=hunter2"}"#).unwrap_err();
        let why = json_reason(&err);
        assert!(why.starts_with("a value of the wrong type, expected u32 (column"), "{why}");
        assert!(!why.contains("hunter2"), "{why}");
        let err = serde_json::from_str::<Row>("PASSWORD=hunter2").unwrap_err();
        let why = json_reason(&err);
        assert!(why.starts_with("not valid JSON: expected value (column"), "{why}");
    }

    #[test]
    fn truncation_marks_what_was_cut() {
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}

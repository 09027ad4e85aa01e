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

#[cfg(test)]
mod tests {
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
    fn truncation_marks_what_was_cut() {
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}

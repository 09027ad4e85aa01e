//! Cycles: the time box OKRs are set and scored in.
//!
//! A cycle is named by text a person would write (`2026-Q4`, `2026-H1`, `2026`, or a
//! custom range `2026-01-15..2026-04-30`) and its dates follow from the name, so no
//! separate "create cycle" step can be forgotten. Anything else is refused with the
//! forms that are accepted: a typo such as `2026-Q5` must not become a silent new cycle.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Years outside this range are almost certainly typos (`226-Q4`, `20266`).
const YEARS: std::ops::RangeInclusive<i16> = 2000..=2100;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cycle {
    name: String,
    start: Date,
    /// Inclusive last day.
    end: Date,
}

impl Cycle {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn start(&self) -> Date {
        self.start
    }
    pub fn end(&self) -> Date {
        self.end
    }
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }
    /// Days from start to end, both included.
    pub fn days(&self) -> i32 {
        (self.end - self.start).get_days() + 1
    }
}

pub const CYCLE_FORMS: &str = "a quarter like 2026-Q4, a half like 2026-H1, a year like 2026, or a range like 2026-01-15..2026-04-30 (years 2000-2100)";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a cycle; expected {CYCLE_FORMS}")]
pub struct CycleParseError {
    pub text: String,
}

fn year(text: &str) -> Option<i16> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|y| YEARS.contains(y))
}

fn month_span(year: i16, first_month: i8, months: i8) -> Option<(Date, Date)> {
    let start = Date::new(year, first_month, 1).ok()?;
    let next = start.checked_add(jiff::Span::new().months(months)).ok()?;
    Some((start, next.yesterday().ok()?))
}

fn date(text: &str) -> Option<Date> {
    let date: Date = text.trim().parse().ok()?;
    YEARS.contains(&date.year()).then_some(date)
}

impl FromStr for Cycle {
    type Err = CycleParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || CycleParseError { text: text.chars().take(60).collect() };
        let trimmed = text.trim();
        let upper = trimmed.to_ascii_uppercase();
        let span = if let Some((start, end)) = trimmed.split_once("..") {
            let (start, end) = (date(start).ok_or_else(err)?, date(end).ok_or_else(err)?);
            if end < start {
                return Err(err());
            }
            let name = format!("{start}..{end}");
            return Ok(Cycle { name, start, end });
        } else if let Some((y, q)) = upper.split_once("-Q") {
            let q: i8 = q.parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(err)?;
            month_span(year(y).ok_or_else(err)?, (q - 1) * 3 + 1, 3)
        } else if let Some((y, h)) = upper.split_once("-H") {
            let h: i8 = h.parse().ok().filter(|h| (1..=2).contains(h)).ok_or_else(err)?;
            month_span(year(y).ok_or_else(err)?, (h - 1) * 6 + 1, 6)
        } else {
            month_span(year(&upper).ok_or_else(err)?, 1, 12)
        };
        let (start, end) = span.ok_or_else(err)?;
        Ok(Cycle { name: upper, start, end })
    }
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Cycle {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Cycle {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Cycle {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cycle".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": format!("The OKR cycle: {CYCLE_FORMS}"),
            "examples": ["2026-Q4", "2027-H1", "2027", "2026-01-15..2026-04-30"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn quarters_halves_years_and_ranges_have_their_dates() {
        let q: Cycle = "2026-q4".parse().unwrap();
        assert_eq!((q.name(), q.start(), q.end()), ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)));
        assert_eq!(q.days(), 92);
        let q1: Cycle = "2028-Q1".parse().unwrap();
        assert_eq!(q1.end(), date(2028, 3, 31));
        let h: Cycle = "2027-H2".parse().unwrap();
        assert_eq!((h.start(), h.end()), (date(2027, 7, 1), date(2027, 12, 31)));
        let y: Cycle = "2027".parse().unwrap();
        assert_eq!(y.days(), 365);
        let r: Cycle = "2026-01-15..2026-04-30".parse().unwrap();
        assert_eq!((r.start(), r.end()), (date(2026, 1, 15), date(2026, 4, 30)));
        assert!(r.contains(date(2026, 4, 30)) && !r.contains(date(2026, 5, 1)));
    }

    #[test]
    fn typos_and_out_of_range_years_are_refused_with_the_accepted_forms() {
        for bad in [
            "2026-Q5",
            "2026-Q0",
            "Q4-2026",
            "1999",
            "2101-Q1",
            "next quarter",
            "",
            "2026-H3",
            "2026-05-01..2026-04-01",
            "2026-02-30..2026-03-01",
            "20266",
        ] {
            let err = bad.parse::<Cycle>().unwrap_err();
            assert!(err.to_string().contains("expected a quarter like 2026-Q4"), "{bad}: {err}");
        }
    }
}

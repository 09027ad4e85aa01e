//! The time window a question asks about: explicit dates, a month by name ("in
//! October", "since October"), a cycle ("2026-Q3", "Q3"), or else the subject's cycle.

use jiff::ToSpan;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Cycle;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Window {
    pub from: Date,
    pub to: Date,
}

/// A month by its name or a 3-4 letter abbreviation ("oct", "sept").
pub fn month_of_word(word: &str) -> Option<i8> {
    let position = crate::okr::statement::MONTHS
        .iter()
        .position(|name| *name == word || ((3..=4).contains(&word.len()) && name.starts_with(word)))?;
    i8::try_from(position + 1).ok()
}

/// `days` days before `date` (the earliest date there is, past it).
pub fn days_before(date: Date, days: i64) -> Date {
    date.checked_sub(days.days()).unwrap_or(Date::MIN)
}

/// A window named in the question, as of `as_of` (a month without a year is the
/// latest one not after `as_of`). `since` a month runs to `as_of`.
pub fn from_words(question: &str, as_of: Date) -> Option<(Window, String)> {
    let lower = question.to_lowercase();
    let tokens: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|t| !t.is_empty()).collect();
    let dates: Vec<Date> = tokens.iter().filter_map(|t| t.parse::<Date>().ok()).collect();
    match dates.as_slice() {
        [one] => {
            return Some((Window { from: *one, to: as_of.max(*one) }, format!("from {one}, named in the question")));
        }
        [a, b, ..] => {
            return Some((Window { from: *a.min(b), to: *a.max(b) }, "the dates named in the question".into()));
        }
        [] => {}
    }
    for (i, token) in tokens.iter().enumerate() {
        let cycle_name = token.to_uppercase();
        let cycle = cycle_name.parse::<Cycle>().ok().filter(|_| cycle_name.contains('-')).or_else(|| {
            let q = cycle_name.strip_prefix('Q')?.parse::<u8>().ok().filter(|q| (1..=4).contains(q))?;
            let year = if i16::from(q) * 3 - 2 > i16::from(as_of.month()) { as_of.year() - 1 } else { as_of.year() };
            format!("{year}-Q{q}").parse::<Cycle>().ok()
        });
        if let Some(cycle) = cycle {
            return Some((
                Window { from: cycle.start(), to: cycle.end().min(as_of) },
                format!("{}, named in the question", cycle.name()),
            ));
        }
        if let Some(month) = month_of_word(token) {
            let year = if month > as_of.month() { as_of.year() - 1 } else { as_of.year() };
            let first = Date::new(year, month, 1).ok()?;
            let since = i > 0 && matches!(tokens[i - 1], "since" | "from" | "after");
            let to = if since { as_of } else { first.checked_add(1.month()).ok()?.yesterday().ok()?.min(as_of) };
            let how = if since { format!("since {first}") } else { first.strftime("%B %Y").to_string() };
            return Some((Window { from: first, to }, format!("{how}, named in the question")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn months_cycles_and_dates_in_words() {
        let as_of = d("2026-11-23");
        let (w, why) = from_words("why did retention slip in October?", as_of).unwrap();
        assert_eq!((w.from, w.to), (d("2026-10-01"), d("2026-10-31")));
        assert_eq!(why, "October 2026, named in the question", "the month's name, whole");
        let (_, why) = from_words("why did it slip in sept", as_of).unwrap();
        assert_eq!(why, "September 2026, named in the question");
        let (w, _) = from_words("what happened since oct", as_of).unwrap();
        assert_eq!((w.from, w.to), (d("2026-10-01"), as_of));
        let (w, _) = from_words("why did it drop in December", as_of).unwrap();
        assert_eq!(w.from, d("2025-12-01"), "a month not yet reached this year is last year's");
        let (w, _) = from_words("why did activation slip in Q3", as_of).unwrap();
        assert_eq!((w.from, w.to), (d("2026-07-01"), d("2026-09-30")));
        let (w, _) = from_words("activation 2026-Q4", as_of).unwrap();
        assert_eq!((w.from, w.to), (d("2026-10-01"), as_of));
        let (w, _) = from_words("between 2026-10-10 and 2026-10-01", as_of).unwrap();
        assert_eq!((w.from, w.to), (d("2026-10-01"), d("2026-10-10")));
        assert!(from_words("why did activation slip?", as_of).is_none());
    }
}

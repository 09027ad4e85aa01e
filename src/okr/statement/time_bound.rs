//! The time bound of a statement ("by end of Q3", "within 30 days"), taken out before
//! its values are read so that a date is never read as a target.

use super::*;

/// Takes out the time bound ("by end of Q3", "this quarter", "by May 15", "within 30
/// days"). "within 7 days" before the values is part of the metric ("finish a first
/// project within 7 days from 40% to 60%"), so it is taken only after every value.
/// In a share ("answer 95% of tickets within 24 hours") a duration after "within"
/// is what each ticket must meet, so `share` keeps it in the statement.
pub(super) fn take_time_bound(tokens: &mut Vec<Token>, unread: &mut Vec<String>, share: bool) -> Option<TimeBound> {
    let quarter = |t: &Token| -> Option<u8> {
        let q = t.lower.strip_prefix('q')?;
        q.parse::<u8>().ok().filter(|q| (1..=4).contains(q))
    };
    let year = |t: Option<&Token>| -> Option<i16> {
        let n = t?.number()?;
        (n.plain_integer && (2000.0..=2100.0).contains(&n.value)).then_some(n.value as i16)
    };
    let month = |t: Option<&Token>| month_number(&t?.lower);
    let day = |t: Option<&Token>| -> Option<u8> {
        let n = t?.number()?;
        (n.plain_integer && (1.0..=31.0).contains(&n.value)).then_some(n.value as u8)
    };
    let last_value = tokens.iter().rposition(|t| t.number().is_some());
    for i in 0..tokens.len() {
        let w = tokens[i].lower.as_str();
        let at = |k: usize| tokens.get(i + k);
        let mut found: Option<(usize, TimeBound)> = None;
        if matches!(w, "by" | "before" | "until" | "in" | "during" | "for") {
            let mut k = 1;
            if at(k).is_some_and(|t| t.is("the")) {
                k += 1;
            }
            let end_of = at(k).is_some_and(|t| t.is("end")) && at(k + 1).is_some_and(|t| t.is("of"));
            if end_of {
                k += 2;
                if at(k).is_some_and(|t| t.is("the")) {
                    k += 1;
                }
            }
            if let Some(q) = at(k).and_then(quarter) {
                let y = year(at(k + 1));
                found = Some((k + 1 + usize::from(y.is_some()), TimeBound::QuarterEnd { quarter: q, year: y }));
            } else if end_of && at(k).is_some_and(|t| t.is("quarter")) {
                found = Some((k + 1, TimeBound::ThisQuarter));
            } else if end_of && at(k).is_some_and(|t| t.is("year")) {
                found = Some((k + 1, TimeBound::YearEnd { year: None }));
            } else if let Some(y) = year(at(k)).filter(|_| at(k + 1).is_none_or(|t| t.kind == Kind::Symbol)) {
                // "by 2027" is a year; "by 2000 users" is a number.
                found = Some((k + 1, TimeBound::YearEnd { year: Some(y) }));
            } else if let Kind::Date(y, m, d) = at(k).map(|t| t.kind.clone()).unwrap_or(Kind::Symbol) {
                found = Some((k + 1, TimeBound::Date { month: m, day: d, year: Some(y) }));
            } else if let (Some(m), Some(d)) = (month(at(k)), day(at(k + 1))) {
                let comma = at(k + 2).is_some_and(|t| t.lower == ",");
                let y = year(at(k + 2 + usize::from(comma)));
                found = Some((
                    k + 2 + if y.is_some() { 1 + usize::from(comma) } else { 0 },
                    TimeBound::Date { month: m, day: d, year: y },
                ));
            } else if let (Some(m), Some(y)) = (month(at(k)), year(at(k + 1))) {
                // "by May 2020": the end of that month.
                let last_day = jiff::civil::date(y, m as i8, 1).days_in_month() as u8;
                found = Some((k + 2, TimeBound::Date { month: m, day: last_day, year: Some(y) }));
            } else if let (Some(d), Some(m)) = (day(at(k)), month(at(k + 1))) {
                let y = year(at(k + 2));
                found = Some((k + 2 + usize::from(y.is_some()), TimeBound::Date { month: m, day: d, year: y }));
            } else if w == "by" && at(k).is_some_and(|t| t.is("week") || t.is("month") || t.is("sprint")) {
                let end = (i + k + 2).min(tokens.len());
                let raw = tokens[i..end].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
                unread.push(format!("time bound \"{raw}\" could not be read as a date; give a date or a quarter"));
                tokens.drain(i..end);
                return None;
            }
        }
        if found.is_none() && w == "this" {
            if at(1).is_some_and(|t| t.is("quarter")) {
                found = Some((2, TimeBound::ThisQuarter));
            } else if at(1).is_some_and(|t| t.is("year")) {
                found = Some((2, TimeBound::ThisYear));
            }
        }
        if found.is_none() && matches!(w, "eoq" | "eoy") {
            found = Some((1, if w == "eoq" { TimeBound::ThisQuarter } else { TimeBound::YearEnd { year: None } }));
        }
        if found.is_none()
            && !share
            && matches!(w, "within" | "in")
            && let Some(n) = at(1).and_then(Token::number)
            && let Some(Unit::Duration { unit }) = &n.unit
        {
            let per_day = DURATIONS.iter().find(|(_, u, _)| u == unit).map(|(_, _, d)| *d).unwrap_or(0.0);
            let after_values = last_value.is_none_or(|last| last <= i + 1);
            if per_day > 0.0 && after_values {
                found = Some((2, TimeBound::Within { days: (n.value * per_day).round() as u32 }));
            }
        }
        if let Some((len, bound)) = found {
            let end = (i + len).min(tokens.len());
            tokens.drain(i..end);
            return Some(bound);
        }
    }
    None
}

/// "for the 2024 AGM", "ODO Survey 2023", "bills from 2023-2024", "FY 2019-20": a year
/// says when, not how many, so it is left as a word and never read as a value. A
/// year-like number before a plural noun ("Add 2000 firms") is a count.
pub(super) fn years_as_words(tokens: &mut [Token]) {
    /// Things a year names: an edition, a budget, a plan.
    const DATED: &[&str] = &[
        "agm",
        "budget",
        "plan",
        "report",
        "roadmap",
        "survey",
        "season",
        "cohort",
        "strategy",
        "goals",
        "okrs",
        "edition",
        "conference",
        "summit",
        "election",
        "census",
        "accounts",
        "campaign",
        "programme",
        "program",
    ];
    let is_year = |t: &Token| t.number().is_some_and(|n| n.plain_integer && (1990.0..=2099.0).contains(&n.value));
    let mut i = 0;
    while i < tokens.len() {
        if !is_year(&tokens[i]) {
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).map(|k| &tokens[k]);
        let next_word = tokens.get(i + 1).filter(|t| t.kind == Kind::Word).map(|t| t.lower.as_str());
        let counted = next_word.is_some_and(|w| w.ends_with('s') && !DATED.contains(&w));
        let after_when = prev.is_some_and(|p| {
            matches!(p.lower.as_str(), "for" | "of" | "since" | "from" | "the" | "fy" | "until" | "during")
                || month_number(&p.lower).is_some()
        });
        let names_edition = next_word.is_some_and(|w| DATED.contains(&w));
        // "ODO Survey 2023": a year after a name, ending the statement or a clause.
        let ends = tokens.get(i + 1).is_none_or(|t| t.kind == Kind::Symbol);
        let after_name =
            prev.is_some_and(|p| p.kind == Kind::Word && p.text.chars().next().is_some_and(char::is_uppercase));
        if counted || !(after_when || names_edition || (ends && after_name)) {
            i += 1;
            continue;
        }
        tokens[i] = Token::word(&tokens[i].text.clone());
        // "2023-2024", "2019-20": the year the range runs to.
        let mut k = i + 1;
        while k < tokens.len() && tokens[k].text.chars().all(is_dash) {
            k += 1;
        }
        if let Some(n) = tokens.get(k).and_then(Token::number)
            && n.plain_integer
            && (k > i + 1 || n.signed)
        {
            tokens[k] = Token::word(&tokens[k].text.clone());
        }
        i = k + 1;
    }
}

/// "may", "Sept.", "october": the month's number, from its name or a prefix of three
/// letters or more.
fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.');
    MONTHS.iter().position(|m| *m == w || (w.len() >= 3 && m.starts_with(w))).map(|p| p as u8 + 1)
}

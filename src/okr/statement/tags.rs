//! The tags teams write around a key result in their own files: priority marks
//! (`` `P0` ``, `PX`), owners (`@maria`, `- @tomas`), team labels ("Sales:",
//! "Account Management:"), bullets and numbering ("- ", "KR2:"), wrapping backticks
//! or quotes, and status marks at the end ("(n)", "(ewd)", "(EOQ)", "(stretch goal)");
//! in Markdown, checkboxes ("[ ]", "[x]"), bracketed marks ("[P0]", "[COMMITTED]",
//! progress such as "[1/5]" or "[]") and bold labels ("**Request volume:**",
//! "**Started Adoption** :").
//! A sentence before a colon that a command follows ("Spread the use of
//! retrospectives: Raise ...") names what the key result serves, and is a label too.
//! So does how often the work recurs, before a comma ("Twice a year, run ...").
//! They say who and how urgent, not what is measured, so the reader reads the
//! statement without them. Parentheses that carry numbers ("(today: 90k)") stay.

use super::super::vocabulary::is_known_verb;

/// `text` without the tags around it; the text itself when nothing is a tag.
pub(super) fn without_tags(text: &str) -> String {
    let mut core = text.trim().to_string();
    loop {
        let before = core.clone();
        core = strip_wrapping(&core);
        core = strip_leading(&core);
        core = strip_trailing(&core);
        if core == before {
            break;
        }
    }
    if core.chars().any(char::is_alphanumeric) { core } else { text.trim().to_string() }
}

fn strip_wrapping(text: &str) -> String {
    for (open, close) in [('`', '`'), ('"', '"'), ('“', '”'), ('\'', '\'')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.contains(open)
        {
            return inner.trim().to_string();
        }
    }
    text.to_string()
}

/// A priority mark: P0-P4 or PX, bare or in backticks.
fn is_priority(word: &str) -> bool {
    let w = word.trim_matches('`');
    w.len() == 2 && w.starts_with('P') && w[1..].chars().all(|c| c.is_ascii_digit() || c == 'X')
}

fn strip_leading(text: &str) -> String {
    let t = text.trim_start();
    // Bullets and separators.
    for mark in ["- ", "* ", "• ", "– ", "— ", ": ", "> "] {
        if let Some(rest) = t.strip_prefix(mark) {
            return rest.trim_start().to_string();
        }
    }
    // A quote mark glued to a word (">KR 1.1: ..."); ">5 customers" is a threshold.
    if let Some(rest) = t.strip_prefix('>').filter(|rest| rest.starts_with(char::is_alphabetic)) {
        return rest.to_string();
    }
    if let Some(rest) = bracket_mark(t, Bracket::Leading) {
        return rest;
    }
    if let Some(rest) = bold_label(t) {
        return rest;
    }
    if let Some(rest) = key_result_label(t) {
        return rest;
    }
    if let Some(rest) = schedule_lead(t) {
        return rest;
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let rest = || t[first.len()..].trim_start().to_string();
    if is_priority(first) || (first.starts_with('@') && first.len() > 1) {
        return rest();
    }
    // "KR1:", "KR 2.", "1.", "2)" numbering.
    let numbering = first.trim_end_matches([':', '.', ')']);
    if first.len() > numbering.len()
        && (numbering.chars().all(|c| c.is_ascii_digit() || c == '.')
            || numbering.strip_prefix("KR").is_some_and(|n| n.chars().all(|c| c.is_ascii_digit() || c == '.')))
        && !numbering.is_empty()
    {
        return rest();
    }
    // "Sales: ...", "Account Management: ...", "CEO: ...": a label of at most three
    // capitalised words before a colon, followed by words, not a number (a metric
    // named before its value, "NPS: 45", stays).
    if let Some((label, after)) = t.split_once(':') {
        let words: Vec<&str> = label.split_whitespace().collect();
        let capitalised = !words.is_empty()
            && words.len() <= 3
            && words.iter().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || *w == "&" || *w == "and");
        let after = after.trim_start();
        if capitalised && after.chars().next().is_some_and(char::is_alphabetic) {
            return after.to_string();
        }
        if let Some(rest) = sentence_label(label, after) {
            return rest;
        }
    }
    t.to_string()
}

/// The key result after a sentence that names what it serves: "Spread the use of
/// retrospectives: Raise search interest for ...". The words before the colon carry
/// no number and those after it start with a verb the reader knows, so the part
/// after the colon is what is measured. "Onboarding flow: 40% finish it" stays.
fn sentence_label(label: &str, after: &str) -> Option<String> {
    let words = label.split_whitespace().count();
    let first = after.split_whitespace().next()?.to_lowercase();
    let numberless = !label.chars().any(|c| c.is_ascii_digit());
    (numberless && (1..=15).contains(&words) && is_known_verb(&first)).then(|| after.to_string())
}

/// The text after how often the work recurs, set off by a comma: "Twice a year, run
/// a listening session ...", "Every quarter, make sure ...". The schedule says when,
/// and the reader looks for the verb after it.
fn schedule_lead(text: &str) -> Option<String> {
    let (lead, rest) = text.split_once(',')?;
    let words: Vec<String> = lead.split_whitespace().map(str::to_lowercase).collect();
    let recurs = matches!(words.first()?.as_str(), "every" | "each" | "once" | "twice" | "thrice")
        || words.get(1).is_some_and(|w| w == "times");
    let period = words.last().is_some_and(|w| {
        let w = w.trim_end_matches('s');
        matches!(w, "day" | "week" | "month" | "quarter" | "year" | "sprint" | "cycle" | "release" | "half" | "term")
    });
    let rest = rest.trim_start();
    (recurs && period && (2..=4).contains(&words.len()) && rest.starts_with(char::is_alphabetic))
        .then(|| rest.to_string())
}

/// The text after a key result's label with a space or emphasis in it: "KR 1.1:",
/// "KR 3.1A:", "KR 4.2 Reduce ...", "OKR:", "*Key Result 1*:". The label names the
/// line, so its number is never the target; a bare "KR" or "OKR" needs its colon.
fn key_result_label(text: &str) -> Option<String> {
    let t = text.trim_start_matches(['*', '_']);
    let lower = t.to_ascii_lowercase();
    let name = ["key result", "okr", "kr"].into_iter().find(|n| lower.starts_with(n))?;
    let after = &t[name.len()..];
    // The label's number: "1", "1.1", "3.1A", with or without a space before it.
    let trimmed = after.trim_start();
    let id_len = trimmed
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i > 0 && (*c == '.' || c.is_ascii_uppercase())))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    let id = trimmed[..id_len].trim_end_matches('.');
    let rest = trimmed[id.len()..].trim_start_matches(['*', '_']).trim_start();
    let marked = rest.starts_with([':', '.', ')', '-', '–']);
    let rest = rest.trim_start_matches([':', '.', ')', '-', '–']).trim_start();
    let starts_words = rest.chars().next().is_some_and(char::is_alphabetic);
    // "KR 4.2 Experiment ...": a numbered label needs no colon when words follow;
    // "OKR: ..." does; "KR" glued to a word ("Krona") is not a label.
    let separated = after.starts_with([' ', ':', '*', '_']) || after.starts_with(|c: char| c.is_ascii_digit());
    // After a numbered label and its mark, the key result may start with its number:
    // "**KR 3** - 70% or higher reply rate".
    let numbered_then_value = marked
        && !id.is_empty()
        && rest.trim_start_matches(['<', '>', '≤', '≥', '~', '$', '€', '£']).starts_with(|c: char| c.is_ascii_digit());
    (separated && (starts_words || numbered_then_value) && (marked || !id.is_empty())).then(|| rest.to_string())
}

#[derive(Clone, Copy, PartialEq)]
enum Bracket {
    Leading,
    Trailing,
}

/// The text without a bracketed mark at its start or end: a checkbox ("[ ]", "[x]"),
/// a priority or status in capitals ("[P0]", "[COMMITTED]", "[LEARNING]"), or
/// progress ("[1/5]", "[]"). A bracket with words in it ("[see the brief]") stays.
fn bracket_mark(text: &str, at: Bracket) -> Option<String> {
    let (inner, rest) = match at {
        Bracket::Leading => {
            let (inner, rest) = text.strip_prefix('[')?.split_once(']')?;
            (inner, rest.trim_start())
        }
        Bracket::Trailing => {
            let (rest, inner) = text.strip_suffix(']')?.rsplit_once('[')?;
            (inner, rest.trim_end())
        }
    };
    let inner = inner.trim();
    let checkbox = inner.is_empty() || inner.eq_ignore_ascii_case("x") || inner == "✓" || inner == "✔";
    let capitals = inner.len() <= 14
        && inner.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && inner.chars().any(|c| c.is_ascii_uppercase());
    let progress = inner.split_once('/').is_some_and(|(done, all)| {
        [done, all].iter().all(|n| !n.trim().is_empty() && n.trim().chars().all(|c| c.is_ascii_digit()))
    });
    (checkbox || capitals || progress || is_priority(inner)).then(|| rest.to_string())
}

/// The text after a bold label: "**Request volume [ASPIRATIONAL]:** Cut ...",
/// "**Started Adoption** : 100% of ...". Only a label that ends with a colon, inside
/// or right after the bold, is one; "**Ship** the new page" is emphasis.
fn bold_label(text: &str) -> Option<String> {
    let marker = ["**", "__"].into_iter().find(|m| text.starts_with(m))?;
    let (label, after) = text[2..].split_once(marker)?;
    let after = after.trim_start();
    let rest = match after.strip_prefix(':') {
        Some(rest) => rest,
        None if label.trim_end().ends_with(':') => after,
        None => return None,
    };
    let rest = rest.trim_start();
    (rest.chars().next().is_some_and(|c| c.is_alphanumeric())).then(|| rest.to_string())
}

fn strip_trailing(text: &str) -> String {
    let t = text.trim_end().trim_end_matches(['.', ':', ';', ',']).trim_end();
    if let Some(rest) = bracket_mark(t, Bracket::Trailing) {
        return rest;
    }
    // "- @tomas", "@maria".
    if let Some(at) = t.rfind(" @")
        && !t[at + 2..].contains(' ')
    {
        return t[..at].trim_end().trim_end_matches(['-', '–', '—']).trim_end().to_string();
    }
    // "(n)", "(ewd)", "(EOQ)", "(stretch goal)": short letters-only marks.
    if let Some(inner) = t.strip_suffix(')').and_then(|s| s.rsplit_once('(')).map(|(_, inner)| inner) {
        let mark = inner.len() <= 4 && inner.chars().all(char::is_alphabetic);
        if mark || inner.eq_ignore_ascii_case("stretch goal") || inner.eq_ignore_ascii_case("stretch") {
            return t[..t.len() - inner.len() - 2].trim_end().to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_priorities_labels_and_marks_are_taken_off() {
        for (written, core) in [
            ("`PX` @omar - Every ticket on the board gets triaged", "Every ticket on the board gets triaged"),
            ("`Add 1 frontend developer (ewd)`", "Add 1 frontend developer"),
            ("docs.example is finished and published - @ravi", "docs.example is finished and published"),
            ("Legal: Data-residency policy fully implemented.", "Data-residency policy fully implemented"),
            ("Account Management: Run half-year reviews", "Run half-year reviews"),
            ("KR2: Raise NPS from 30 to 40", "Raise NPS from 30 to 40"),
            ("- Windows nightly builds shipped (EOQ)", "Windows nightly builds shipped"),
            ("Define node guidelines (stretch goal) (n)", "Define node guidelines"),
            ("- [ ] Publish the migration guide", "Publish the migration guide"),
            ("[x] Move the docs to the new domain", "Move the docs to the new domain"),
            ("[P1] Rotate the signing keys [2/3]", "Rotate the signing keys"),
            ("**Uptime [COMMITTED]:** Keep availability at 99.9%", "Keep availability at 99.9%"),
            ("**Adoption** : 60% of teams use the new client []", "60% of teams use the new client"),
            ("KR 1.1: Ship 4 major features", "Ship 4 major features"),
            (">KR 3.1A: Fix the top 4 problems", "Fix the top 4 problems"),
            ("> KR 4.2 Automate 6 steps of signup", "Automate 6 steps of signup"),
            ("OKR: Achieve 99.9% uptime (from current 99.5%)", "Achieve 99.9% uptime (from current 99.5%)"),
            ("1. *Key Result 2*: Reach a 75% satisfaction score", "Reach a 75% satisfaction score"),
            ("KR 3 : Close 8 large-account customers", "Close 8 large-account customers"),
            ("* **KR 3** - 70% or higher reply rate from hosts", "70% or higher reply rate from hosts"),
            ("Twice a year, run a listening session with members", "run a listening session with members"),
            ("Key Result 4.2: Each quarter, hold a data-skills breakout", "hold a data-skills breakout"),
            ("Key Result 2.1: 40% of seats taken by members", "40% of seats taken by members"),
            ("KR 3: <2 hour MTTR for incidents", "<2 hour MTTR for incidents"),
            (
                "Spread the use of pairing in the team: Raise search interest for \"pairing\" above last year's",
                "Raise search interest for \"pairing\" above last year's",
            ),
        ] {
            assert_eq!(without_tags(written), core, "{written}");
        }
    }

    #[test]
    fn what_carries_a_number_or_a_metric_stays() {
        for written in [
            "120k reads per 30 days of our digest (current is 70k)",
            "NPS: 45 by year end",
            "Grow ARR to $2M (today: $1.2M)",
            "Cut p95 latency to 350ms",
            "**Ship** the new page [see the brief]",
            "KRona payouts reach 40% of merchants",
            "OKRs written by 90% of teams",
            ">5 enterprise customers live on the new plan",
            "Onboarding flow for new teams: 40% finish it in a day",
            "Phase 2 of the rollout: Ship to 5 regions",
            "Every team, large or small, uses the new planner",
        ] {
            assert_eq!(without_tags(written), written);
        }
    }
}

//! Unit words and scales: "5 million", "65 percent", "24 hours", "(1-5 scale)", number
//! words; folded into the numbers they belong to before reading.

use super::*;

pub(crate) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub(super) const NUMBER_WORDS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("dozen", 12.0),
];

/// Duration words → (canonical unit, days per unit for time bounds).
pub(super) const DURATIONS: &[(&str, &str, f64)] = &[
    ("second", "seconds", 0.0),
    ("seconds", "seconds", 0.0),
    ("ms", "milliseconds", 0.0),
    ("millisecond", "milliseconds", 0.0),
    ("milliseconds", "milliseconds", 0.0),
    ("sec", "seconds", 0.0),
    ("secs", "seconds", 0.0),
    ("minute", "minutes", 0.0),
    ("minutes", "minutes", 0.0),
    ("min", "minutes", 0.0),
    ("mins", "minutes", 0.0),
    ("hour", "hours", 0.0),
    ("hours", "hours", 0.0),
    ("hr", "hours", 0.0),
    ("hrs", "hours", 0.0),
    ("h", "hours", 0.0),
    ("day", "days", 1.0),
    ("days", "days", 1.0),
    ("business days", "days", 1.0),
    ("week", "weeks", 7.0),
    ("weeks", "weeks", 7.0),
    ("month", "months", 30.0),
    ("months", "months", 30.0),
];

/// Seconds in one of each canonical duration unit, to join "7 min 20 sec" and to put
/// "from 1.5s to 350ms" in one unit.
pub(super) fn seconds_per(unit: &str) -> Option<f64> {
    Some(match unit {
        "milliseconds" => 0.001,
        "seconds" => 1.0,
        "minutes" => 60.0,
        "hours" => 3600.0,
        "days" => 86_400.0,
        "weeks" => 604_800.0,
        "months" => 2_592_000.0,
        _ => return None,
    })
}

/// A value in another duration unit, rounded to the millionth (0.1 h is 6 min, not
/// 6.000000000000001).
pub(super) fn convert_duration(value: f64, from: &str, to: &str) -> Option<f64> {
    let factor = seconds_per(from)? / seconds_per(to)?;
    Some((value * factor * 1e6).round() / 1e6)
}

/// Joins a compound duration into one number in its smaller unit: "7min. 20sec." is
/// 440 seconds, "1h 30m" 90 minutes. A bare "m" or "s" counts as minutes or seconds
/// only right after a larger unit, where it cannot mean millions.
pub(super) fn join_compound_durations(tokens: &mut Vec<Token>) {
    let duration = |t: &Token| match &t.kind {
        Kind::Number(Number { unit: Some(Unit::Duration { unit }), .. }) => Some(unit.clone()),
        _ => None,
    };
    let mut i = 0;
    while i < tokens.len() {
        let Some(larger) = duration(&tokens[i]) else {
            i += 1;
            continue;
        };
        let gap = usize::from(tokens.get(i + 1).is_some_and(|t| t.lower == "."));
        let next = i + 1 + gap;
        let (smaller, len) = match tokens.get(next).map(|t| (&t.kind, duration(t))) {
            Some((_, Some(unit))) => (unit, 1),
            Some((Kind::Number(Number { unit: None, .. }), None)) => {
                let bare = match (larger.as_str(), tokens.get(next + 1).map(|t| t.lower.as_str())) {
                    ("hours", Some("m")) => "minutes",
                    ("minutes", Some("s")) => "seconds",
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                (bare.to_string(), 2)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let (Some(big), Some(small)) = (seconds_per(&larger), seconds_per(&smaller)) else {
            i += 1;
            continue;
        };
        if small >= big {
            i += 1;
            continue;
        }
        let (Kind::Number(first), Some(second)) = (tokens[i].kind.clone(), tokens[next].number().cloned()) else {
            i += 1;
            continue;
        };
        let value = convert_duration(first.value, &larger, &smaller).unwrap_or(first.value) + second.value;
        let text = tokens[i..next + len].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
        tokens[i] = Token {
            kind: Kind::Number(Number { value, unit: Some(Unit::Duration { unit: smaller }), ..first }),
            lower: text.to_lowercase(),
            text,
        };
        tokens.drain(i + 1..next + len);
    }
}

pub(super) const CURRENCY_CODES: &[&str] = &["usd", "eur", "gbp", "jpy", "cad", "aud", "chf", "inr"];

/// Folds unit words into the number before them: "5 million", "65 percent",
/// "24 hours", "5 points", "40,000 USD"; and "USD 40,000", number words.
pub(super) fn attach_unit_words(tokens: &mut Vec<Token>) {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let mut token = tokens[i].clone();
        // "USD 40,000"
        if token.kind == Kind::Word
            && CURRENCY_CODES.contains(&token.lower.as_str())
            && let Some(Kind::Number(n)) = tokens.get(i + 1).map(|t| t.kind.clone())
            && n.unit.is_none()
        {
            let mut next = tokens[i + 1].clone();
            next.kind = Kind::Number(Number {
                unit: Some(Unit::Currency { code: token.lower.to_uppercase() }),
                plain_integer: false,
                ..n
            });
            next.text = format!("{} {}", token.text, next.text);
            out.push(next);
            i += 2;
            continue;
        }
        // Number words: "two months", "twenty-five".
        if token.kind == Kind::Word
            && let Some(value) = number_word(&token.lower)
        {
            let next = tokens.get(i + 1).map(|t| t.lower.as_str()).unwrap_or("");
            let prev = if i > 0 { tokens[i - 1].lower.as_str() } else { "" };
            let duration_follows = DURATIONS.iter().any(|(w, _, _)| *w == next);
            // "Host five live workshops", "Four new integrations", "Bring over the two
            // most-used sections": a count right after the verb, or opening the statement.
            // After a verb with its particle and an article too ("Bring over the two"),
            // and after a first word English knows as a verb ("Log one build per member").
            let counted = tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Word)
                && (i == 0
                    || is_known_verb(prev)
                    || (prev == "the" && i >= 2 && is_known_verb(&tokens[i - 2].lower))
                    || (i >= 2 && is_known_verb(&format!("{} {prev}", tokens[i - 2].lower)))
                    || (prev == "the"
                        && i >= 3
                        && is_known_verb(&format!("{} {}", tokens[i - 3].lower, tokens[i - 2].lower)))
                    || (i == 1 && word_classes(prev).can_lead_command()));
            // "two million subscribers", "two or more bugfixes": a magnitude or a floor
            // after the word says it is a value.
            let next2 = tokens.get(i + 2).map(|t| t.lower.as_str()).unwrap_or("");
            let magnitude = matches!(next, "thousand" | "million" | "billion");
            let floor = next == "or" && matches!(next2, "more" | "fewer" | "less");
            // "Set up presence on two new sites", "Launch in three new markets": after a
            // preposition, before what it counts; not "one", which is as often a pronoun.
            let counted_after_preposition = value >= 2.0
                && matches!(prev, "on" | "at" | "across" | "into" | "with" | "for")
                && (next == "new" || (next.len() > 3 && next.ends_with('s')));
            let value_position = counted
                || counted_after_preposition
                || magnitude
                || floor
                || matches!(prev, "from" | "to" | "under" | "below" | "within" | "in" | "than" | "least" | "most");
            if duration_follows || value_position || next == "percent" {
                token.kind = Kind::Number(Number { value, unit: None, signed: false, plain_integer: true });
            }
        }
        if let Kind::Number(mut n) = token.kind.clone() {
            let mut j = i + 1;
            loop {
                let next = tokens.get(j).map(|t| t.lower.clone()).unwrap_or_default();
                let next2 = tokens.get(j + 1).map(|t| t.lower.clone()).unwrap_or_default();
                let multiplier = match next.as_str() {
                    "thousand" => Some(1e3),
                    "million" | "mn" => Some(1e6),
                    "billion" | "bn" => Some(1e9),
                    _ => None,
                };
                if let Some(m) =
                    multiplier.filter(|_| n.unit.as_ref().is_none_or(|u| matches!(u, Unit::Currency { .. })))
                {
                    n.value = scale_exactly(n.value, m);
                    n.plain_integer = false;
                    j += 1;
                } else if (next == "percent" || next == "per" && next2 == "cent") && n.unit.is_none() {
                    n.unit = Some(Unit::Percent);
                    j += if next == "per" { 2 } else { 1 };
                } else if next == "percentage" && next2 == "points"
                    || matches!(next.as_str(), "points" | "pts" | "pp") && n.unit.is_none()
                {
                    n.unit = Some(Unit::Points);
                    j += if next == "percentage" { 2 } else { 1 };
                } else if let Some((_, unit, _)) =
                    DURATIONS.iter().find(|(w, _, _)| *w == next).filter(|_| n.unit.is_none())
                {
                    n.unit = Some(Unit::Duration { unit: (*unit).into() });
                    j += 1;
                } else if CURRENCY_CODES.contains(&next.as_str()) && n.unit.is_none() {
                    n.unit = Some(Unit::Currency { code: next.to_uppercase() });
                    j += 1;
                } else {
                    break;
                }
                n.plain_integer = false;
            }
            let text = tokens[i..j].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
            out.push(Token { kind: Kind::Number(n), lower: text.to_lowercase(), text });
            i = j;
            continue;
        }
        out.push(token);
        i += 1;
    }
    *tokens = out;
}

pub(super) fn number_word(word: &str) -> Option<f64> {
    if let Some((tens, ones)) = word.split_once('-') {
        let t = NUMBER_WORDS.iter().find(|(w, v)| *w == tens && *v >= 20.0 && *v < 100.0)?.1;
        let o = NUMBER_WORDS.iter().find(|(w, v)| *w == ones && *v < 10.0 && *v > 0.0)?.1;
        return Some(t + o);
    }
    NUMBER_WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
}

/// `value × multiplier` without binary drift: 4.2 million is 4200000, not 4200000.000000001.
pub(super) fn scale_exactly(value: f64, multiplier: f64) -> f64 {
    format!("{value}e{}", multiplier.log10().round() as i32).parse().unwrap_or(value * multiplier)
}

/// Takes out a scale hint: "(1–5 scale)", "(1-5)", "on a 1 to 5 scale", "out of 10",
/// "(-2 to +2)", "on -2..+2". Its numbers are not baseline or target.
pub(super) fn take_scale(tokens: &mut Vec<Token>) -> Option<Scale> {
    let n = |t: &Token| t.number().filter(|n| n.unit.is_none()).map(|n| n.value);
    for i in 0..tokens.len() {
        // "out of 5"
        if tokens[i].is("out")
            && tokens.get(i + 1).is_some_and(|t| t.is("of"))
            && let Some(max) = tokens.get(i + 2).and_then(n)
        {
            tokens.drain(i..i + 3);
            return Some(Scale { min: if max == 10.0 { 0.0 } else { 1.0 }, max });
        }
        let Some(min) = n(&tokens[i]) else { continue };
        let sep = tokens.get(i + 1).map(|t| t.lower.as_str());
        let (max_at, ok) = match sep {
            Some("–") | Some("to") => (i + 2, true),
            Some(".") if tokens.get(i + 2).is_some_and(|t| t.lower == ".") => (i + 3, true),
            _ => (0, false),
        };
        if !ok {
            continue;
        }
        let Some(max) = tokens.get(max_at).and_then(n) else { continue };
        if max <= min {
            continue;
        }
        let opens = i > 0 && tokens[i - 1].lower == "(";
        let closes = tokens.get(max_at + 1).is_some_and(|t| t.lower == ")");
        let scale_word = tokens.get(max_at + 1).is_some_and(|t| t.is("scale") || t.is("point"));
        let parenthesized_scale = opens && (closes || tokens.get(max_at + 1).is_some_and(|t| t.is("scale")));
        let preceded_by_on =
            i >= 1 && (tokens[i - 1].is("on") || (i >= 2 && tokens[i - 1].is("a") && tokens[i - 2].is("on")));
        if !(parenthesized_scale || scale_word || preceded_by_on) {
            continue;
        }
        // Remove the whole hint, with "on a", "scale" and parentheses.
        let mut start = i;
        while start > 0 && (tokens[start - 1].is("on") || tokens[start - 1].is("a") || tokens[start - 1].lower == "(") {
            start -= 1;
            if tokens[start].lower == "(" {
                break;
            }
        }
        let mut end = max_at + 1;
        while end < tokens.len() && (tokens[end].is("scale") || tokens[end].is("point") || tokens[end].lower == ")") {
            end += 1;
            if tokens[end - 1].lower == ")" {
                break;
            }
        }
        tokens.drain(start..end);
        return Some(Scale { min, max });
    }
    None
}

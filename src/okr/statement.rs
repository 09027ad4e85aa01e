//! Reading a key result written in words: "Raise week-1 to month-3 retention from 50%
//! to 65% by end of Q3" → verb, direction, metric, baseline, target, unit, due.
//!
//! People paste key results from slides and docs, so the reader accepts what they
//! write: percentages, currencies and magnitudes ($5 million, €300k, 1.2M), thousands
//! separators, number words ("two months"), negatives typed with "-", "–" or "−",
//! scale hints ("(1–5 scale)"), thresholds ("under 2 hours") and time bounds ("by May
//! 15", "within 30 days"). The one rule it never breaks: what it cannot read goes to
//! `unread`, it is never guessed, because a wrong baseline silently scores a quarter.
//!
//! It works in three passes over a token list: tokenize (numbers with their units,
//! words with their hyphens, so `week-1` stays a word), take out the scale hint and
//! the time bound, then read the values around `from`/`to`/`by`/threshold words. The
//! metric is the words before the first value, or after a lone number.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Direction, Scale, Threshold, ThresholdKind, Unit};

/// What was read from a key-result statement. Fields it could not read are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParsedStatement {
    /// The leading verb, lowercased ("raise", "cut", "launch"), if it is one it knows.
    pub verb: Option<String>,
    pub direction: Option<Direction>,
    /// The metric phrase, as written, without the numbers and time bound.
    pub metric: Option<String>,
    /// "from X".
    pub baseline: Option<f64>,
    /// "to Y", a threshold value, or a lone number.
    pub target: Option<f64>,
    pub unit: Option<Unit>,
    /// "by 30%", "down 40%", "double", "halve".
    pub relative_change: Option<RelativeChange>,
    /// "under 2 hours", "at least 95%".
    pub threshold: Option<Threshold>,
    /// "(1–5 scale)", "out of 10".
    pub scale: Option<Scale>,
    pub due: Option<TimeBound>,
    /// "Answer 95% of billing tickets within 24 hours": the target is a share of a
    /// population meeting a condition, not a duration or a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Share>,
    /// What could not be read, in words.
    pub unread: Vec<String>,
}

/// The population and the condition of a share target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Share {
    /// "billing tickets", "staff".
    pub population: String,
    /// What each member has to meet, as written: "answered within 24 hours".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// A change stated relative to today's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RelativeChange {
    pub amount: f64,
    /// "by 30%" (true) or "by 5 points" (false).
    pub percent: bool,
    pub direction: Direction,
}

/// A time bound as written; turned into a date against the cycle by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimeBound {
    /// "by May 15", "by 15 May 2027", "by 2026-12-31".
    Date {
        month: u8,
        day: u8,
        year: Option<i16>,
    },
    /// "by end of Q3", "by Q4 2026".
    QuarterEnd {
        quarter: u8,
        year: Option<i16>,
    },
    ThisQuarter,
    ThisYear,
    /// "by end of year", "by 2027".
    YearEnd {
        year: Option<i16>,
    },
    /// "within 30 days", "in two months" (a month counts 30 days, a week 7).
    Within {
        days: u32,
    },
}

// ---------------------------------------------------------------- vocabulary

const INCREASE_VERBS: &[&str] = &[
    "increase",
    "raise",
    "grow",
    "lift",
    "improve",
    "boost",
    "expand",
    "double",
    "triple",
    "accelerate",
    "maximize",
    "maximise",
    "strengthen",
    "widen",
    "gain",
    "up",
];
const DECREASE_VERBS: &[&str] = &[
    "reduce",
    "cut",
    "decrease",
    "lower",
    "shrink",
    "halve",
    "drop",
    "eliminate",
    "minimize",
    "minimise",
    "shorten",
    "lessen",
    "slash",
    "trim",
    "bring down",
    "drive down",
];
const MAINTAIN_VERBS: &[&str] = &["maintain", "keep", "sustain", "stay", "hold", "protect", "preserve"];
/// Verbs that say nothing about direction; the numbers do.
const OTHER_VERBS: &[&str] = &[
    "achieve",
    "reach",
    "hit",
    "get to",
    "get",
    "attain",
    "win",
    "convert",
    "establish",
    "measure",
    "benchmark",
    "make",
    "close",
    "resolve",
    "answer",
    "handle",
    "respond",
    "secure",
    "land",
    "book",
    "generate",
    "acquire",
    "onboard",
    "sign",
    "deliver",
    "launch",
    "ship",
    "build",
    "release",
    "implement",
    "migrate",
    "redesign",
    "create",
    "complete",
    "publish",
    "write",
    "roll out",
    "develop",
    "deploy",
    "rebuild",
    "refactor",
    "design",
    "introduce",
    "run",
    "conduct",
    "host",
    "organize",
    "organise",
    "hire",
    "train",
    "set up",
    "integrate",
    "add",
    "finish",
    "send",
    "post",
    "attend",
    "interview",
    "have",
    "see",
    "ensure",
    "enable",
    "help",
];

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

const NUMBER_WORDS: &[(&str, f64)] = &[
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
const DURATIONS: &[(&str, &str, f64)] = &[
    ("second", "seconds", 0.0),
    ("seconds", "seconds", 0.0),
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

const CURRENCY_CODES: &[&str] = &["usd", "eur", "gbp", "jpy", "cad", "aud", "chf", "inr"];

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A word, hyphenated words included (`week-1`, `trial-to-paid`, `7-day`).
    Word,
    /// A number with what was written around it.
    Number(Number),
    /// `(`, `)`, `,`, `:`, `→`, a range dash between digits, ...
    Symbol,
    /// An ISO date `2026-12-31`.
    Date(i16, u8, u8),
}

#[derive(Debug, Clone, PartialEq)]
struct Number {
    value: f64,
    unit: Option<Unit>,
    /// Written with a sign: "+0.2", "−1.1".
    signed: bool,
    /// Digits only: no unit, decimal point or separator (a year, a day of month).
    plain_integer: bool,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// The text as written.
    text: String,
    /// Lowercase, for matching.
    lower: String,
}

impl Token {
    fn word(text: &str) -> Token {
        Token { kind: Kind::Word, text: text.to_string(), lower: text.to_lowercase() }
    }
    fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.lower == word
    }
    fn number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '−' | '—')
}

fn currency_symbol(c: char) -> Option<&'static str> {
    match c {
        '$' => Some("USD"),
        '€' => Some("EUR"),
        '£' => Some("GBP"),
        '¥' => Some("JPY"),
        _ => None,
    }
}

struct Tokenizer<'a> {
    chars: Vec<char>,
    tokens: Vec<Token>,
    unread: &'a mut Vec<String>,
}

fn tokenize(text: &str, unread: &mut Vec<String>) -> Vec<Token> {
    let chars: Vec<char> = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut t = Tokenizer { chars, tokens: vec![], unread };
    t.run();
    t.tokens
}

impl Tokenizer<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn digit_at(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
            || (self.at(i) == Some('.') && self.at(i + 1).is_some_and(|c| c.is_ascii_digit()))
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i];
            let prev = if i == 0 { None } else { self.at(i - 1) };
            let after_space = prev.is_none_or(|p| p.is_whitespace() || "(→[:,".contains(p));
            if c.is_whitespace() {
                i += 1;
            } else if let Some(end) = self.iso_date(i) {
                i = end;
            } else if let Some(code) = currency_symbol(c)
                .filter(|_| self.digit_at(i + 1) || (self.at(i + 1) == Some(' ') && self.digit_at(i + 2)))
            {
                let start = if self.at(i + 1) == Some(' ') { i + 2 } else { i + 1 };
                i = self.number(start, i, false, Some(code));
            } else if (is_dash(c) || c == '+') && after_space && self.digit_at(i + 1) {
                i = self.number(i + 1, i, true, None);
            } else if is_dash(c) && prev.is_some_and(|p| p.is_ascii_digit()) {
                self.push_symbol("–", i, i + 1);
                i += 1;
            } else if c.is_ascii_digit() || (c == '.' && self.at(i + 1).is_some_and(|d| d.is_ascii_digit())) {
                i = self.number(i, i, false, None);
            } else if c.is_alphanumeric() {
                i = self.word(i);
            } else if c == '-' && self.at(i + 1) == Some('>') {
                self.push_symbol("→", i, i + 2);
                i += 2;
            } else {
                self.push_symbol(&c.to_string(), i, i + 1);
                i += 1;
            }
        }
    }

    fn push_symbol(&mut self, symbol: &str, _start: usize, _end: usize) {
        self.tokens.push(Token { kind: Kind::Symbol, text: symbol.into(), lower: symbol.into() });
    }

    /// `2026-12-31`.
    fn iso_date(&mut self, i: usize) -> Option<usize> {
        let s: String = self.chars.get(i..i + 10)?.iter().collect();
        let b = s.as_bytes();
        let shape = b.iter().enumerate().all(|(k, c)| if k == 4 || k == 7 { *c == b'-' } else { c.is_ascii_digit() });
        if !shape || self.at(i + 10).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let date: jiff::civil::Date = s.parse().ok()?;
        self.tokens.push(Token {
            kind: Kind::Date(date.year(), date.month() as u8, date.day() as u8),
            text: s.clone(),
            lower: s,
        });
        Some(i + 10)
    }

    /// A word with its inner hyphens and apostrophes, and digits after a hyphen.
    fn word(&mut self, start: usize) -> usize {
        let mut i = start;
        while let Some(c) = self.at(i) {
            let joins =
                (c == '-' || c == '\'' || c == '’' || c == '.' && self.at(i + 1).is_some_and(char::is_alphabetic))
                    && self.at(i + 1).is_some_and(char::is_alphanumeric)
                    && i > start;
            if c.is_alphanumeric() || joins {
                i += 1;
            } else {
                break;
            }
        }
        let text: String = self.chars[start..i].iter().collect();
        self.tokens.push(Token::word(&text));
        i
    }

    /// A number from `digits` on; `start` is where its token begins (sign, currency).
    fn number(&mut self, digits: usize, start: usize, signed: bool, mut currency: Option<&'static str>) -> usize {
        let negative = signed && self.at(start).is_some_and(is_dash);
        let mut i = digits;
        let mut mantissa = String::new();
        let mut separators = false;
        let mut decimal = false;
        while let Some(c) = self.at(i) {
            if c.is_ascii_digit() {
                mantissa.push(c);
                i += 1;
            } else if c == ',' && !decimal && !mantissa.is_empty() && self.thousands_group(i + 1) {
                separators = true;
                i += 1;
            } else if c == '.' && self.at(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                if decimal {
                    let raw: String = self.chars[start..self.end_of_run(i)].iter().collect();
                    self.unread.push(format!("\"{raw}\" could not be read as a number"));
                    let end = self.end_of_run(i);
                    self.tokens.push(Token::word(&raw));
                    return end;
                }
                decimal = true;
                mantissa.push('.');
                i += 1;
            } else {
                break;
            }
        }
        // Glued to letters: "7-day", "2x", "12ish", "3rd" are words, not values.
        if self.at(i).is_some_and(|c| c == '-') && self.at(i + 1).is_some_and(char::is_alphabetic) {
            return self.glued_word(start, i);
        }
        let mut exponent = 0;
        let mut unit: Option<Unit> = None;
        let suffix: String = self.chars[i..].iter().take_while(|c| c.is_alphabetic()).collect();
        let after_suffix = i + suffix.chars().count();
        let suffix_ends = self.at(after_suffix).is_none_or(|c| !c.is_alphanumeric());
        match suffix.as_str() {
            "" => {}
            "k" | "K" if suffix_ends => exponent = 3,
            "M" | "mm" | "MM" if suffix_ends => exponent = 6,
            "m" if suffix_ends && currency.is_some() => exponent = 6,
            "bn" | "B" | "b" if suffix_ends && (currency.is_some() || suffix != "b") => exponent = 9,
            "m" if suffix_ends => {
                self.unread.push(format!(
                    "\"{}m\" could be minutes or millions: write \"{} min\" or \"{}M\"",
                    mantissa, mantissa, mantissa
                ));
                return self.glued_word(start, i);
            }
            "pp" | "pts" if suffix_ends => unit = Some(Unit::Points),
            "h" | "hr" | "hrs" | "d" | "s" | "min" | "mins" if suffix_ends => {
                let canonical = match suffix.as_str() {
                    "h" | "hr" | "hrs" => "hours",
                    "d" => "days",
                    "s" => "seconds",
                    _ => "minutes",
                };
                unit = Some(Unit::Duration { unit: canonical.into() });
            }
            "st" | "nd" | "rd" | "th" if suffix_ends => return self.glued_word(start, i),
            _ => {
                let raw: String = self.chars[start..self.end_of_run(i)].iter().collect();
                if !raw.chars().next().is_some_and(char::is_alphabetic)
                    && suffix.chars().count() > 1
                    && !suffix.chars().all(|c| c.is_ascii_uppercase())
                {
                    self.unread.push(format!("\"{raw}\" could not be read as a number"));
                }
                return self.glued_word(start, i);
            }
        }
        i = if suffix.is_empty() { i } else { after_suffix };
        if self.at(i) == Some('%') {
            unit = Some(Unit::Percent);
            i += 1;
        }
        if currency.is_none()
            && let Some(code) = currency_symbol(self.at(i).unwrap_or(' '))
        {
            currency = Some(code);
            i += 1;
        }
        if let Some(code) = currency {
            unit = Some(Unit::Currency { code: code.into() });
        }
        let plain_integer = !decimal && !separators && exponent == 0 && unit.is_none() && !signed;
        let Ok(mut value) = format!("{mantissa}e{exponent}").parse::<f64>() else {
            // Always consume at least one character, so the scan moves on.
            let i = i.max(start + 1);
            let raw: String = self.chars[start..i].iter().collect();
            self.unread.push(format!("\"{raw}\" could not be read as a number"));
            self.tokens.push(Token::word(&raw));
            return i;
        };
        if negative {
            value = -value;
        }
        let text: String = self.chars[start..i].iter().collect();
        self.tokens.push(Token {
            kind: Kind::Number(Number { value, unit, signed, plain_integer }),
            lower: text.to_lowercase(),
            text,
        });
        i
    }

    /// Exactly three digits, then not a digit: a thousands group.
    fn thousands_group(&self, i: usize) -> bool {
        (i..i + 3).all(|k| self.at(k).is_some_and(|c| c.is_ascii_digit()))
            && !self.at(i + 3).is_some_and(|c| c.is_ascii_digit())
    }

    fn end_of_run(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ',') {
            i += 1;
        }
        i
    }

    fn glued_word(&mut self, start: usize, from: usize) -> usize {
        let mut i = from;
        while let Some(c) = self.at(i) {
            if c.is_alphanumeric() || ((c == '-' || c == '.') && self.at(i + 1).is_some_and(char::is_alphanumeric)) {
                i += 1;
            } else {
                break;
            }
        }
        let text: String = self.chars[start..i].iter().collect();
        self.tokens.push(Token::word(&text));
        i
    }
}

// ---------------------------------------------------------------- rewriting

/// `text` with the number that reads as `old` written as `new`: the last such number
/// for a target ("from 50% to 65%"), the first for a baseline. Digits only: units,
/// signs and words around it stay as written, and thousands separators are kept when
/// the old number had them. None when no number in the text reads as `old`.
pub fn renumber(text: &str, old: f64, new: f64, last: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut spans = vec![];
    let mut i = 0;
    while i < bytes.len() {
        let starts =
            bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || (matches!(bytes[end], b',' | b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        let written = &text[i..end];
        if written.replace(',', "").parse::<f64>().is_ok_and(|v| (v - old).abs() <= 1e-9 * old.abs().max(1.0)) {
            spans.push((i, end, written.contains(',')));
        }
        i = end;
    }
    let (start, end, grouped) = if last { *spans.last()? } else { *spans.first()? };
    Some(format!("{}{}{}", &text[..start], write_number(new, grouped), &text[end..]))
}

/// A number as a person writes it: no trailing zeros, thousands grouped on request.
fn write_number(value: f64, grouped: bool) -> String {
    let plain = format!("{value}");
    if !grouped {
        return plain;
    }
    let (whole, fraction) = plain.split_once('.').map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}{}", fraction.map(|f| format!(".{f}")).unwrap_or_default())
}

// ---------------------------------------------------------------- reading

/// Reads a key-result statement. Never panics, never guesses.
pub fn parse_statement(text: &str) -> ParsedStatement {
    let mut unread = vec![];
    let mut tokens = tokenize(text, &mut unread);
    attach_unit_words(&mut tokens);
    let scale = take_scale(&mut tokens);
    let share = share_at(&tokens).is_some();
    let due = take_time_bound(&mut tokens, &mut unread, share);
    let mut reader = Reader { tokens, used: vec![], unread };
    reader.used = vec![false; reader.tokens.len()];
    reader.read(scale, due)
}

/// Folds unit words into the number before them: "5 million", "65 percent",
/// "24 hours", "5 points", "40,000 USD"; and "USD 40,000", number words.
fn attach_unit_words(tokens: &mut Vec<Token>) {
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
            let value_position =
                matches!(prev, "from" | "to" | "under" | "below" | "within" | "in" | "than" | "least" | "most");
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

fn number_word(word: &str) -> Option<f64> {
    if let Some((tens, ones)) = word.split_once('-') {
        let t = NUMBER_WORDS.iter().find(|(w, v)| *w == tens && *v >= 20.0 && *v < 100.0)?.1;
        let o = NUMBER_WORDS.iter().find(|(w, v)| *w == ones && *v < 10.0 && *v > 0.0)?.1;
        return Some(t + o);
    }
    NUMBER_WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
}

/// `value × multiplier` without binary drift: 4.2 million is 4200000, not 4200000.000000001.
fn scale_exactly(value: f64, multiplier: f64) -> f64 {
    format!("{value}e{}", multiplier.log10().round() as i32).parse().unwrap_or(value * multiplier)
}

/// Takes out a scale hint: "(1–5 scale)", "(1-5)", "on a 1 to 5 scale", "out of 10",
/// "(-2 to +2)", "on -2..+2". Its numbers are not baseline or target.
fn take_scale(tokens: &mut Vec<Token>) -> Option<Scale> {
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

/// Takes out the time bound ("by end of Q3", "this quarter", "by May 15", "within 30
/// days"). "within 7 days" before the values is part of the metric ("finish a first
/// project within 7 days from 40% to 60%"), so it is taken only after every value.
/// In a share ("answer 95% of tickets within 24 hours") a duration after "within"
/// is what each ticket must meet, so `share` keeps it in the statement.
fn take_time_bound(tokens: &mut Vec<Token>, unread: &mut Vec<String>, share: bool) -> Option<TimeBound> {
    let quarter = |t: &Token| -> Option<u8> {
        let q = t.lower.strip_prefix('q')?;
        q.parse::<u8>().ok().filter(|q| (1..=4).contains(q))
    };
    let year = |t: Option<&Token>| -> Option<i16> {
        let n = t?.number()?;
        (n.plain_integer && (2000.0..=2100.0).contains(&n.value)).then_some(n.value as i16)
    };
    let month = |t: Option<&Token>| -> Option<u8> {
        let w = t?.lower.trim_end_matches('.');
        MONTHS.iter().position(|m| *m == w || (w.len() >= 3 && m.starts_with(w))).map(|p| p as u8 + 1)
    };
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

struct Reader {
    tokens: Vec<Token>,
    /// Tokens consumed as values or value words, left out of the metric phrase.
    used: Vec<bool>,
    unread: Vec<String>,
}

impl Reader {
    fn number_at(&self, i: usize) -> Option<Number> {
        self.tokens.get(i).and_then(Token::number).cloned()
    }

    fn word_at(&self, i: usize) -> &str {
        self.tokens.get(i).filter(|t| t.kind == Kind::Word).map_or("", |t| t.lower.as_str())
    }

    fn mark(&mut self, range: std::ops::Range<usize>) {
        for k in range {
            if let Some(u) = self.used.get_mut(k) {
                *u = true;
            }
        }
    }

    fn read(mut self, scale: Option<Scale>, due: Option<TimeBound>) -> ParsedStatement {
        let (verb, verb_len) = self.leading_verb();
        self.mark(0..verb_len);
        let mut direction = verb.as_deref().and_then(verb_direction);
        // "Hold 20 customer calls": hold with a count of things right after it is an
        // activity to do 20 times, not a level to keep.
        if verb.as_deref() == Some("hold") && self.number_at(verb_len).is_some_and(|n| n.unit.is_none()) {
            direction = Some(Direction::Increase);
        }
        if let Some(at) = share_at(&self.tokens) {
            return self.read_share(at, verb, direction, scale, due);
        }

        let mut baseline = None;
        let mut target = None;
        let mut threshold = None;
        let mut relative: Option<RelativeChange> = None;
        let mut first_value: Option<usize> = None;
        let mut metric_after = None;
        let note_first = |i: usize, first: &mut Option<usize>| {
            if first.is_none_or(|f| i < f) {
                *first = Some(i);
            }
        };

        // from X (to Y)
        if let Some(from) = (0..self.tokens.len()).find(|&i| self.word_at(i) == "from") {
            match self.number_at(from + 1) {
                Some(b) => {
                    baseline = Some(b);
                    self.mark(from..from + 2);
                    note_first(from, &mut first_value);
                }
                None => self.unread.push("\"from\" is not followed by a number".into()),
            }
        }
        // to Y, X → Y, to under Y
        for i in 0..self.tokens.len() {
            let lower = self.tokens[i].lower.clone();
            if lower == "to" || lower == "→" {
                let (at, kind) = match self.threshold_at(i + 1) {
                    Some((len, kind)) => (i + 1 + len, Some(kind)),
                    None => (i + 1, None),
                };
                if let Some(t) = self.number_at(at) {
                    if lower == "→"
                        && baseline.is_none()
                        && let Some(b) = i.checked_sub(1).and_then(|p| self.number_at(p))
                    {
                        baseline = Some(b);
                        self.mark(i - 1..i);
                        note_first(i - 1, &mut first_value);
                    }
                    if let Some(kind) = kind {
                        threshold = Some(Threshold { kind, value: t.value });
                    }
                    target = Some(t);
                    self.mark(i..at + 1);
                    note_first(i, &mut first_value);
                    break;
                }
            }
        }
        // under / at least / at or above N
        if target.is_none() {
            for i in 0..self.tokens.len() {
                if let Some((len, kind)) = self.threshold_at(i)
                    && let Some(t) = self.number_at(i + len)
                {
                    threshold = Some(Threshold { kind, value: t.value });
                    target = Some(t);
                    self.mark(i..i + len + 1);
                    note_first(i, &mut first_value);
                    break;
                }
            }
        }
        // "Cut 20% of cloud spend": a decrease verb before "N% of" takes a share away.
        if direction == Some(Direction::Decrease)
            && let Some(n) = self.number_at(verb_len).filter(|n| n.unit == Some(Unit::Percent))
            && self.word_at(verb_len + 1) == "of"
        {
            relative = Some(RelativeChange { amount: n.value.abs(), percent: true, direction: Direction::Decrease });
            self.mark(verb_len..verb_len + 2);
            note_first(verb_len, &mut first_value);
            metric_after = Some(verb_len + 2);
        }
        // by N%, down N%, up N%, a N% reduction
        for i in (0..self.tokens.len()).filter(|_| relative.is_none()) {
            let w = self.word_at(i).to_string();
            if let Some(n) = self.number_at(i + 1).filter(|_| matches!(w.as_str(), "by" | "down" | "up")) {
                let dir = match w.as_str() {
                    "down" => Some(Direction::Decrease),
                    "up" => Some(Direction::Increase),
                    _ => direction.filter(|d| *d != Direction::Maintain),
                };
                if let Some(dir) = dir {
                    relative = Some(RelativeChange {
                        amount: n.value.abs(),
                        percent: n.unit == Some(Unit::Percent),
                        direction: dir,
                    });
                    direction = direction.or(Some(dir));
                    self.mark(i..i + 2);
                    note_first(i, &mut first_value);
                    break;
                }
            }
            let change_noun = matches!(
                self.word_at(i + 2),
                "reduction" | "decrease" | "drop" | "cut" | "increase" | "lift" | "rise" | "improvement" | "uplift"
            );
            if let Some(n) = self
                .number_at(i + 1)
                .filter(|n| change_noun && n.unit == Some(Unit::Percent) && matches!(w.as_str(), "a" | "an"))
            {
                let dir = if matches!(self.word_at(i + 2), "reduction" | "decrease" | "drop" | "cut") {
                    Direction::Decrease
                } else {
                    Direction::Increase
                };
                relative = Some(RelativeChange { amount: n.value, percent: true, direction: dir });
                direction = direction.or(Some(dir));
                self.mark(i..i + 3);
                note_first(i, &mut first_value);
                break;
            }
        }
        // double, triple, halve, by half, in half
        if relative.is_none() {
            let factor = match verb.as_deref() {
                Some("double") => Some((100.0, Direction::Increase)),
                Some("triple") => Some((200.0, Direction::Increase)),
                Some("halve") => Some((50.0, Direction::Decrease)),
                _ => None,
            };
            let half = (0..self.tokens.len())
                .find(|&i| matches!(self.word_at(i), "by" | "in") && self.word_at(i + 1) == "half");
            if let Some((amount, dir)) = factor {
                relative = Some(RelativeChange { amount, percent: true, direction: dir });
            } else if let Some(i) = half {
                relative = Some(RelativeChange { amount: 50.0, percent: true, direction: Direction::Decrease });
                direction = direction.or(Some(Direction::Decrease));
                self.mark(i..i + 2);
                note_first(i, &mut first_value);
            }
        }
        // A lone number: "Close 600 tickets a week", "Hire 4 engineers".
        if target.is_none()
            && baseline.is_none()
            && relative.is_none()
            && let Some(i) = (0..self.tokens.len()).find(|&i| !self.used[i] && self.number_at(i).is_some())
        {
            let n = self.number_at(i).unwrap_or_else(|| unreachable!());
            let mut n = n;
            if n.unit.is_none() && self.tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Word) {
                n.unit = Some(Unit::Count);
            }
            target = Some(n);
            self.mark(i..i + 1);
            metric_after = Some(i + 1);
            note_first(i, &mut first_value);
        }

        if baseline.is_none() && target.is_none() && relative.is_none() {
            self.unread.push("no number found: a key result needs a target".into());
        }
        let unit = self.unit_of(baseline.as_ref(), target.as_ref(), scale.as_ref());
        let direction = direction.or(match (&baseline, &target) {
            (Some(b), Some(t)) if t.value > b.value => Some(Direction::Increase),
            (Some(b), Some(t)) if t.value < b.value => Some(Direction::Decrease),
            _ => None,
        });
        let metric = self.metric_phrase(verb_len, first_value, metric_after);
        ParsedStatement {
            verb,
            direction,
            metric,
            baseline: baseline.map(|n| n.value),
            target: target.map(|n| n.value),
            unit,
            relative_change: relative,
            threshold,
            scale,
            due,
            share: None,
            unread: self.unread,
        }
    }

    /// The first word(s), if they are a verb it knows.
    fn leading_verb(&self) -> (Option<String>, usize) {
        let first = self.word_at(0);
        let two = format!("{first} {}", self.word_at(1));
        let known = |v: &str| {
            [INCREASE_VERBS, DECREASE_VERBS, MAINTAIN_VERBS, OTHER_VERBS].iter().any(|list| list.contains(&v))
        };
        if known(&two) {
            return (Some(two), 2);
        }
        if known(first) && first != "up" {
            return (Some(first.to_string()), 1);
        }
        (None, 0)
    }

    /// "under", "below", "less than", "at most", "no more than", "at or below" →
    /// AtMost; "above", "over", "at least", "more than", "at or above" → AtLeast.
    /// Returns how many tokens the phrase takes.
    fn threshold_at(&self, i: usize) -> Option<(usize, ThresholdKind)> {
        let w = |k: usize| self.word_at(i + k);
        let sym = self.tokens.get(i).map(|t| t.lower.as_str()).unwrap_or("");
        match (w(0), w(1), w(2)) {
            ("at", "or", "below") | ("at", "or", "under") => Some((3, ThresholdKind::AtMost)),
            ("at", "or", "above") | ("at", "or", "over") => Some((3, ThresholdKind::AtLeast)),
            ("no", "more", "than") | ("not", "more", "than") => Some((3, ThresholdKind::AtMost)),
            ("no", "less", "than") | ("not", "less", "than") => Some((3, ThresholdKind::AtLeast)),
            ("less", "than", _) | ("fewer", "than", _) | ("at", "most", _) => Some((2, ThresholdKind::AtMost)),
            ("more", "than", _) | ("at", "least", _) | ("greater", "than", _) => Some((2, ThresholdKind::AtLeast)),
            ("under", _, _) | ("below", _, _) | ("within", _, _) => Some((1, ThresholdKind::AtMost)),
            ("above", _, _) | ("over", _, _) => Some((1, ThresholdKind::AtLeast)),
            _ => match sym {
                "<" | "≤" => Some((1, ThresholdKind::AtMost)),
                ">" | "≥" => Some((1, ThresholdKind::AtLeast)),
                _ => None,
            },
        }
    }

    /// The unit of the key result: the target's, else the baseline's; a scale means a score.
    fn unit_of(&mut self, baseline: Option<&Number>, target: Option<&Number>, scale: Option<&Scale>) -> Option<Unit> {
        let (b, t) = (baseline.and_then(|n| n.unit.clone()), target.and_then(|n| n.unit.clone()));
        if let (Some(b), Some(t)) = (&b, &t)
            && b != t
        {
            self.unread.push(format!(
                "the baseline and the target are in different units ({} and {}); give both in one unit",
                b.word(),
                t.word()
            ));
        }
        t.or(b).or_else(|| scale.map(|_| Unit::Score))
    }

    /// The words before the first value, or after a lone number, without verb,
    /// articles, parentheses and dangling prepositions.
    fn metric_phrase(&self, verb_len: usize, first_value: Option<usize>, after: Option<usize>) -> Option<String> {
        let collect = |range: std::ops::Range<usize>| -> Vec<&Token> {
            range.filter(|&k| !self.used.get(k).copied().unwrap_or(true)).filter_map(|k| self.tokens.get(k)).collect()
        };
        let end = first_value.unwrap_or(self.tokens.len());
        let mut words = collect(verb_len..end);
        if words.iter().all(|t| t.kind == Kind::Symbol)
            && let Some(start) = after
        {
            let stop = (start..self.tokens.len())
                .find(|&k| self.tokens[k].lower == "(" || self.used[k])
                .unwrap_or(self.tokens.len());
            words = collect(start..stop);
        }
        // Cut at an opening parenthesis or a clause break: the metric is one phrase.
        if let Some(cut) = words.iter().position(|t| matches!(t.lower.as_str(), "(" | ";" | ":")) {
            words.truncate(cut);
        }
        const LEADING: &[&str] = &["the", "a", "an", "our", "their", "its", "of", "that", "is"];
        const TRAILING: &[&str] =
            &["from", "to", "by", "of", "at", "in", "on", "for", "and", "with", "is", "be", "are", "the", "a"];
        while words.first().is_some_and(|t| LEADING.contains(&t.lower.as_str()) || t.kind == Kind::Symbol) {
            words.remove(0);
        }
        while words.last().is_some_and(|t| TRAILING.contains(&t.lower.as_str()) || t.kind == Kind::Symbol) {
            words.pop();
        }
        let phrase = join_words(&words);
        (!phrase.is_empty()).then_some(phrase)
    }

    /// "Answer 95% of billing tickets within 24 hours" → target 95%, metric "share of
    /// billing tickets answered within 24 hours"; ", up from 80%" gives the baseline.
    fn read_share(
        mut self,
        at: usize,
        verb: Option<String>,
        direction: Option<Direction>,
        scale: Option<Scale>,
        due: Option<TimeBound>,
    ) -> ParsedStatement {
        // share_at only accepts words before the number: they are the verb phrase, known or not.
        let verb_phrase = self.tokens[..at].iter().map(|t| t.lower.as_str()).collect::<Vec<_>>().join(" ");
        let verb = verb.or_else(|| Some(self.tokens[0].lower.clone()));
        let target = self.number_at(at).map(|n| n.value);
        self.mark(0..at + 2);
        let len = self.tokens.len();
        let mut baseline = None;
        if let Some(from) = (at + 2..len).find(|&i| self.word_at(i) == "from" && self.number_at(i + 1).is_some()) {
            baseline = self.number_at(from + 1).map(|n| n.value);
            let start = if matches!(self.word_at(from - 1), "up" | "down") { from - 1 } else { from };
            self.mark(start..from + 2);
        }
        let end = (at + 2..len)
            .find(|&k| self.used[k] || matches!(self.tokens[k].lower.as_str(), "(" | ";" | ":" | ","))
            .unwrap_or(len);
        let mut words: Vec<&Token> = self.tokens[at + 2..end].iter().collect();
        while words.first().is_some_and(|t| matches!(t.lower.as_str(), "the" | "all" | "our" | "their")) {
            words.remove(0);
        }
        while words.last().is_some_and(|t| t.kind == Kind::Symbol || matches!(t.lower.as_str(), "and" | "by")) {
            words.pop();
        }
        let mut split = words
            .iter()
            .position(|t| t.number().is_some() || CONDITION_WORDS.contains(&t.lower.as_str()))
            .unwrap_or(words.len());
        // "Make 95% of transfers arrive": after a causative verb the people or things
        // end at the first plural, and what they do follows.
        if CAUSATIVE_VERBS.contains(&verb_phrase.as_str())
            && let Some(plural) = words[..split].iter().position(|t| {
                t.lower.len() > 3 && t.lower.ends_with('s') && !t.lower.ends_with("ss") && !t.lower.ends_with("us")
            })
        {
            split = plural + 1;
        }
        let population = join_words(&words[..split]);
        let rest = join_words(&words[split..]);
        let condition = match participle(&verb_phrase) {
            Some(done) if rest.is_empty() => Some(done),
            Some(done) => Some(format!("{done} {rest}")),
            // "Get 60% of new teams to invite a colleague" → "that invite a colleague".
            // "Make 95% of transfers arrive within 1 minute" → "that arrive within 1 minute".
            None if !rest.is_empty() && CAUSATIVE_VERBS.contains(&verb_phrase.as_str()) => {
                match rest.strip_prefix("to ") {
                    Some(action) => Some(format!("that {action}")),
                    None if !CONDITION_WORDS.contains(&rest.split(' ').next().unwrap_or("")) => {
                        Some(format!("that {rest}"))
                    }
                    None => Some(rest),
                }
            }
            None => (!rest.is_empty()).then_some(rest),
        };
        let mut unread = self.unread;
        if population.is_empty() {
            unread.push("a share needs who it is a share of: \"95% of billing tickets\"".into());
        }
        let metric =
            std::iter::once(format!("share of {population}")).chain(condition.clone()).collect::<Vec<_>>().join(" ");
        let keeps = direction == Some(Direction::Maintain);
        ParsedStatement {
            verb,
            direction: Some(if keeps { Direction::Maintain } else { Direction::Increase }),
            metric: (!population.is_empty()).then_some(metric),
            baseline,
            target,
            unit: Some(Unit::Percent),
            relative_change: None,
            threshold: keeps.then(|| Threshold { kind: ThresholdKind::AtLeast, value: target.unwrap_or_default() }),
            scale,
            due,
            share: (!population.is_empty()).then_some(Share { population, condition }),
            unread,
        }
    }
}

/// Words that end a share's population and begin what each member must meet.
const CONDITION_WORDS: &[&str] = &[
    "to", "in", "within", "under", "below", "on", "at", "for", "by", "with", "before", "after", "inside", "into",
    "onto", "through", "that", "who", "which", "from", "during", "over", "without", "via", "using", "per",
];

/// Verbs whose share is of people made to do something ("get 60% of teams to invite").
const CAUSATIVE_VERBS: &[&str] = &["get", "have", "help", "bring", "enable", "encourage", "convince", "make"];

/// "Answer 95% of tickets", "Enroll 100% of staff", "Respond to 90% of chats": a
/// percentage of someone right after the verb is a share to reach. A decrease verb
/// ("cut 20% of cloud spend") takes a share away instead, and after "to", "from" or a
/// threshold word the percentage is a plain value.
fn share_at(tokens: &[Token]) -> Option<usize> {
    let at = tokens.iter().position(|t| t.number().is_some())?;
    // 120% of the quota is an attainment, not a share.
    let percent = tokens[at].number().is_some_and(|n| n.unit == Some(Unit::Percent) && n.value <= 100.0);
    if !percent || !tokens.get(at + 1).is_some_and(|t| t.is("of")) {
        return None;
    }
    let before: Vec<&str> = tokens[..at].iter().map(|t| t.lower.as_str()).collect();
    let words = tokens[..at].iter().all(|t| t.kind == Kind::Word);
    let verb_like = |w: &str| !DECREASE_VERBS.contains(&w) && !VALUE_WORDS.contains(&w);
    let ok = words
        && match before.as_slice() {
            [verb] => verb_like(verb),
            [verb, "to"] => matches!(*verb, "respond" | "reply" | "get" | "talk" | "speak" | "reach" | "write"),
            _ => false,
        };
    ok.then_some(at)
}

/// Words that make the number after them a value, not a share.
const VALUE_WORDS: &[&str] = &["to", "from", "by", "under", "below", "above", "over", "within", "about", "around"];

/// "answer" → "answered", "respond to" → "responded to"; none for verbs that only
/// say to reach or keep a level ("reach", "keep") or make others act ("get").
fn participle(verb_phrase: &str) -> Option<String> {
    const LEVEL: &[&str] = &["reach", "hit", "achieve", "attain", "get to", "reach to"];
    const IRREGULAR: &[(&str, &str)] = &[
        ("send", "sent"),
        ("pay", "paid"),
        ("win", "won"),
        ("take", "taken"),
        ("give", "given"),
        ("buy", "bought"),
        ("meet", "met"),
        ("run", "run"),
        ("set", "set"),
        ("put", "put"),
        ("see", "seen"),
        ("build", "built"),
        ("sell", "sold"),
        ("find", "found"),
        ("lead", "led"),
        ("teach", "taught"),
        ("write", "written"),
        ("read", "read"),
        ("do", "done"),
        ("grow", "grown"),
    ];
    if LEVEL.contains(&verb_phrase) || CAUSATIVE_VERBS.contains(&verb_phrase) || MAINTAIN_VERBS.contains(&verb_phrase) {
        return None;
    }
    let (verb, tail) = verb_phrase.split_once(' ').map_or((verb_phrase, ""), |(v, t)| (v, t));
    if !verb.chars().all(|c| c.is_alphabetic() || c == '-') || verb.is_empty() {
        return None;
    }
    let done = if let Some((_, d)) = IRREGULAR.iter().find(|(v, _)| *v == verb) {
        (*d).to_string()
    } else if verb.ends_with('e') {
        format!("{verb}d")
    } else if let Some(stem) = verb.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'o', 'u'])) {
        format!("{stem}ied")
    } else if short_consonant_vowel_consonant(verb) {
        format!("{verb}{}ed", verb.chars().last().unwrap_or_default())
    } else {
        format!("{verb}ed")
    };
    Some(if tail.is_empty() { done } else { format!("{done} {tail}") })
}

/// "ship", "plan", "chat": one short syllable ending consonant-vowel-consonant doubles its last letter.
fn short_consonant_vowel_consonant(verb: &str) -> bool {
    let c: Vec<char> = verb.chars().collect();
    let vowel = |ch: char| "aeiou".contains(ch);
    c.len() >= 3
        && c.len() <= 4
        && !vowel(c[c.len() - 1])
        && !"wxy".contains(c[c.len() - 1])
        && vowel(c[c.len() - 2])
        && !vowel(c[c.len() - 3])
        && c.iter().filter(|ch| vowel(**ch)).count() == 1
}

/// Tokens back into text: no space before a comma, "%", "'s" or a closing parenthesis.
fn join_words(words: &[&Token]) -> String {
    let mut phrase = String::new();
    for t in words {
        let glue = matches!(t.lower.as_str(), "," | "'s" | "%" | ")" | "." | "–");
        if !phrase.is_empty() && !glue {
            phrase.push(' ');
        }
        phrase.push_str(&t.text);
    }
    phrase
}

fn verb_direction(verb: &str) -> Option<Direction> {
    if INCREASE_VERBS.contains(&verb) {
        Some(Direction::Increase)
    } else if DECREASE_VERBS.contains(&verb) {
        Some(Direction::Decrease)
    } else if MAINTAIN_VERBS.contains(&verb) {
        Some(Direction::Maintain)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hold_with_a_count_is_an_activity_and_hold_at_a_level_is_maintain() {
        let calls = parse_statement("Hold 20 customer calls");
        assert_eq!((calls.direction, calls.target), (Some(Direction::Increase), Some(20.0)));
        let level = parse_statement("Hold uptime at or above 99.9%");
        assert_eq!(level.direction, Some(Direction::Maintain));
    }

    #[test]
    fn a_moved_number_is_rewritten_where_it_is_written() {
        let kr = "Raise week-1 activation from 50% to 65% by Dec 31";
        assert_eq!(renumber(kr, 65.0, 62.0, true).unwrap(), "Raise week-1 activation from 50% to 62% by Dec 31");
        assert_eq!(renumber(kr, 50.0, 48.5, false).unwrap(), "Raise week-1 activation from 48.5% to 65% by Dec 31");
        assert_eq!(
            renumber("Grow ARR from $1,200,000 to $1,500,000", 1_500_000.0, 1_750_000.0, true).unwrap(),
            "Grow ARR from $1,200,000 to $1,750,000"
        );
        // Both ends equal: the target is the last one, the baseline the first.
        assert_eq!(renumber("Hold NPS from 40 to 40", 40.0, 45.0, true).unwrap(), "Hold NPS from 40 to 45");
        assert_eq!(renumber("Cut p95 latency below 300 ms", 250.0, 200.0, true), None);
        // "Q4" is a name, not a number.
        assert_eq!(renumber("Close 4 design partners in Q4", 4.0, 5.0, true).unwrap(), "Close 5 design partners in Q4");
    }

    #[test]
    fn a_percentage_of_someone_after_the_verb_is_a_share_to_reach() {
        let r = p("Answer 95% of billing tickets within 24 hours");
        assert_eq!(
            (r.target, r.unit.clone(), r.direction),
            (Some(95.0), Some(Unit::Percent), Some(Direction::Increase))
        );
        assert_eq!(r.metric.as_deref(), Some("share of billing tickets answered within 24 hours"));
        assert_eq!((r.threshold, r.due, r.relative_change), (None, None, None));
        assert_eq!(
            r.share,
            Some(Share { population: "billing tickets".into(), condition: Some("answered within 24 hours".into()) })
        );
        let r = p("Enroll 100% of staff in the security training by end of Q3");
        assert_eq!((r.verb.as_deref(), r.target, r.relative_change), (Some("enroll"), Some(100.0), None));
        assert_eq!(r.metric.as_deref(), Some("share of staff enrolled in the security training"));
        assert_eq!(r.due, Some(TimeBound::QuarterEnd { quarter: 3, year: None }));
        assert_eq!(
            p("Ship 90% of orders within 2 days").metric.as_deref(),
            Some("share of orders shipped within 2 days")
        );
        assert_eq!(
            p("Respond to 90% of chats in under 10 minutes").metric.as_deref(),
            Some("share of chats responded to in under 10 minutes")
        );
        assert_eq!(
            p("Get 60% of new teams to invite a colleague within 7 days").metric.as_deref(),
            Some("share of new teams that invite a colleague within 7 days")
        );
        assert_eq!(
            p("Reach 40% of revenue from self-serve").metric.as_deref(),
            Some("share of revenue from self-serve")
        );
        let r = p("Answer 95% of tickets within a day, up from 80%");
        assert_eq!((r.baseline, r.target), (Some(80.0), Some(95.0)));
        let r = p("Keep 99% of payouts on time");
        assert_eq!(r.direction, Some(Direction::Maintain));
        assert_eq!(r.threshold, Some(Threshold { kind: ThresholdKind::AtLeast, value: 99.0 }));
        assert!(p("Migrate 80% of").unread.iter().any(|u| u.contains("share needs")));
    }

    #[test]
    fn a_percentage_after_a_value_word_or_a_decrease_verb_is_not_a_share() {
        let r = p("Cut 20% of cloud spend");
        assert_eq!(
            r.relative_change,
            Some(RelativeChange { amount: 20.0, percent: true, direction: Direction::Decrease })
        );
        assert_eq!((r.target, r.share, r.metric.as_deref()), (None, None, Some("cloud spend")));
        let r = p("Grow self-serve to 40% of revenue");
        assert_eq!((r.target, r.share), (Some(40.0), None));
        let r = p("Raise the share of tickets answered within 24 hours from 80% to 95%");
        assert_eq!((r.baseline, r.target, r.share), (Some(80.0), Some(95.0), None));
    }

    fn p(text: &str) -> ParsedStatement {
        parse_statement(text)
    }

    fn values(text: &str) -> (Option<f64>, Option<f64>) {
        let parsed = p(text);
        (parsed.baseline, parsed.target)
    }

    fn currency(code: &str) -> Option<Unit> {
        Some(Unit::Currency { code: code.into() })
    }

    fn duration(unit: &str) -> Option<Unit> {
        Some(Unit::Duration { unit: unit.into() })
    }

    #[test]
    fn from_x_to_y_and_the_metric_between_verb_and_values() {
        let r = p("Raise week-1 to month-3 retention from 50% to 65%");
        assert_eq!(r.verb.as_deref(), Some("raise"));
        assert_eq!(r.direction, Some(Direction::Increase));
        assert_eq!(r.metric.as_deref(), Some("week-1 to month-3 retention"));
        assert_eq!((r.baseline, r.target, r.unit), (Some(50.0), Some(65.0), Some(Unit::Percent)));
        assert!(r.unread.is_empty(), "{:?}", r.unread);
        assert_eq!(values("Move activation 20% → 30%"), (Some(20.0), Some(30.0)));
        assert_eq!(values("Move activation 20% -> 30%"), (Some(20.0), Some(30.0)));
        assert_eq!(values("Raise activation to 30%"), (None, Some(30.0)));
        assert_eq!(p("Raise activation from 20 to 30%").unit, Some(Unit::Percent));
    }

    #[test]
    fn negatives_in_every_dash_and_ranges_that_are_not_negatives() {
        assert_eq!(values("Lift the Evaluation experience score from −1.1 to –0.4"), (Some(-1.1), Some(-0.4)));
        assert_eq!(values("Lift the score from -1.1 to +0.3"), (Some(-1.1), Some(0.3)));
        assert_eq!(values("Lift the score from —2 to -1"), (Some(-2.0), Some(-1.0)));
        let r = p("Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1");
        assert_eq!(r.scale, Some(Scale { min: 1.0, max: 5.0 }));
        assert_eq!((r.baseline, r.target, r.unit), (Some(3.3), Some(4.1), Some(Unit::Score)));
        assert_eq!(r.metric.as_deref(), Some("onboarding satisfaction"));
        assert_eq!(p("Lift the journey score (-2 to +2) from -1.1 to -0.4").scale, Some(Scale { min: -2.0, max: 2.0 }));
        assert_eq!(p("Raise satisfaction on a 1 to 5 scale from 3.1 to 3.9").scale, Some(Scale { min: 1.0, max: 5.0 }));
        assert_eq!(p("Raise satisfaction (1-7) from 4 to 5").scale, Some(Scale { min: 1.0, max: 7.0 }));
        assert_eq!(p("Raise likelihood to recommend out of 10 from 6 to 8").scale, Some(Scale { min: 0.0, max: 10.0 }));
    }

    #[test]
    fn currencies_magnitudes_and_separators() {
        let r = p("Grow annual recurring revenue from $4.2 million to $5 million");
        assert_eq!((r.baseline, r.target, r.unit), (Some(4_200_000.0), Some(5_000_000.0), currency("USD")));
        assert_eq!(values("Lower cost per acquisition from $60,000 to $45,000"), (Some(60_000.0), Some(45_000.0)));
        assert_eq!(p("Raise revenue from €300k to €450k").unit, currency("EUR"));
        assert_eq!(values("Raise revenue from €300k to €450k"), (Some(300_000.0), Some(450_000.0)));
        assert_eq!(values("Grow pipeline from £1.2M to £2.5bn"), (Some(1_200_000.0), Some(2_500_000_000.0)));
        assert_eq!(p("Grow pipeline from USD 40,000 to USD 55,000").unit, currency("USD"));
        assert_eq!(p("Grow pipeline from 40,000 EUR to 55,000 EUR").unit, currency("EUR"));
        assert_eq!(values("Grow weekly active teams from 1.2k to 2k"), (Some(1200.0), Some(2000.0)));
        assert_eq!(values("Reach 1,200,000 monthly readers"), (None, Some(1_200_000.0)));
        assert_eq!(values("Raise retention from 65 percent to 70 percent"), (Some(65.0), Some(70.0)));
        assert_eq!(values("Raise conversion from .5% to 1.5%"), (Some(0.5), Some(1.5)));
    }

    #[test]
    fn durations_thresholds_and_number_words() {
        let r = p("Cut median first response time from 9 hours to under 2 hours");
        assert_eq!((r.baseline, r.target, r.unit.clone()), (Some(9.0), Some(2.0), duration("hours")));
        assert_eq!(r.threshold, Some(Threshold { kind: ThresholdKind::AtMost, value: 2.0 }));
        assert_eq!(r.direction, Some(Direction::Decrease));
        let r = p("Keep uptime at or above 99.9%");
        assert_eq!((r.direction, r.target), (Some(Direction::Maintain), Some(99.9)));
        assert_eq!(r.threshold, Some(Threshold { kind: ThresholdKind::AtLeast, value: 99.9 }));
        assert_eq!(r.metric.as_deref(), Some("uptime"));
        let r = p("Resolve billing tickets in less than 24 hours");
        assert_eq!(r.threshold, Some(Threshold { kind: ThresholdKind::AtMost, value: 24.0 }));
        assert_eq!(r.unit, duration("hours"));
        let r = p("Reduce time to first value from two weeks to 5 days");
        assert_eq!((r.baseline, r.target), (Some(2.0), Some(5.0)));
        assert!(r.unread.iter().any(|u| u.contains("different units")), "{:?}", r.unread);
        assert_eq!(p("Reduce onboarding to twenty-five minutes").target, Some(25.0));
        assert_eq!(p("Ship the release in two months").due, Some(TimeBound::Within { days: 60 }));
        assert_eq!(p("Keep churn below 2%").threshold, Some(Threshold { kind: ThresholdKind::AtMost, value: 2.0 }));
    }

    #[test]
    fn relative_changes() {
        let rel = |text: &str| p(text).relative_change;
        let change = |amount, percent, direction| Some(RelativeChange { amount, percent, direction });
        assert_eq!(rel("Cut average handle time by 20%"), change(20.0, true, Direction::Decrease));
        assert_eq!(rel("Increase activation by 30%"), change(30.0, true, Direction::Increase));
        assert_eq!(rel("Reduce churn by 2 points"), change(2.0, false, Direction::Decrease));
        assert_eq!(rel("Reduce churn by 2pp"), change(2.0, false, Direction::Decrease));
        assert_eq!(
            rel("Policy misses on refund contacts down 40% (from 18% to 11%)"),
            change(40.0, true, Direction::Decrease)
        );
        assert_eq!(rel("Signups up 15%"), change(15.0, true, Direction::Increase));
        assert_eq!(rel("Deliver a 20% reduction in refund contacts"), change(20.0, true, Direction::Decrease));
        assert_eq!(rel("Double the number of active integrations"), change(100.0, true, Direction::Increase));
        assert_eq!(rel("Halve time to first value"), change(50.0, true, Direction::Decrease));
        assert_eq!(rel("Cut onboarding time in half"), change(50.0, true, Direction::Decrease));
        let r = p("Policy misses on refund contacts down 40% (from 18% to 11%)");
        assert_eq!((r.verb, r.baseline, r.target), (None, Some(18.0), Some(11.0)));
        assert_eq!(r.metric.as_deref(), Some("Policy misses on refund contacts"));
    }

    #[test]
    fn time_bounds() {
        let due = |text: &str| p(text).due;
        assert_eq!(due("Raise NPS from 20 to 30 by end of Q3"), Some(TimeBound::QuarterEnd { quarter: 3, year: None }));
        assert_eq!(
            due("Raise NPS from 20 to 30 by the end of Q3 2026"),
            Some(TimeBound::QuarterEnd { quarter: 3, year: Some(2026) })
        );
        assert_eq!(due("Raise NPS from 20 to 30 in Q4"), Some(TimeBound::QuarterEnd { quarter: 4, year: None }));
        assert_eq!(due("Raise NPS from 20 to 30 this quarter"), Some(TimeBound::ThisQuarter));
        assert_eq!(due("Raise NPS from 20 to 30 by end of year"), Some(TimeBound::YearEnd { year: None }));
        assert_eq!(due("Raise NPS from 20 to 30 by 2027"), Some(TimeBound::YearEnd { year: Some(2027) }));
        assert_eq!(due("Raise NPS from 20 to 30 by May 15"), Some(TimeBound::Date { month: 5, day: 15, year: None }));
        assert_eq!(due("Raise NPS from 20 to 30 by 15 May"), Some(TimeBound::Date { month: 5, day: 15, year: None }));
        assert_eq!(
            due("Raise NPS from 20 to 30 by May 15, 2027"),
            Some(TimeBound::Date { month: 5, day: 15, year: Some(2027) })
        );
        assert_eq!(
            due("Raise NPS from 20 to 30 by 2026-12-31"),
            Some(TimeBound::Date { month: 12, day: 31, year: Some(2026) })
        );
        assert_eq!(due("Decrease abandonment from 38% to 30% within 60 days"), Some(TimeBound::Within { days: 60 }));
        // Before the values, "within 7 days" belongs to the metric.
        let r = p("Raise the share of new accounts that finish a first real project within 7 days from 40% to 60%");
        assert_eq!(r.due, None);
        assert_eq!(r.metric.as_deref(), Some("share of new accounts that finish a first real project within 7 days"));
        // "by 2000 users" is a number, not a year.
        assert_eq!(due("Grow weekly users by 2000 users"), None);
        let r = p("Raise NPS from 20 to 30 by week 6");
        assert!(r.due.is_none() && r.unread.iter().any(|u| u.contains("by week 6")), "{r:?}");
        assert_eq!(r.metric.as_deref(), Some("NPS"));
    }

    #[test]
    fn lone_numbers_outputs_and_verbs() {
        let r = p("Close 600 tickets a week");
        assert_eq!((r.verb.as_deref(), r.target, r.unit.clone()), (Some("close"), Some(600.0), Some(Unit::Count)));
        assert_eq!(r.metric.as_deref(), Some("tickets a week"));
        let r = p("Launch the new onboarding flow by end of Q2");
        assert_eq!((r.verb.as_deref(), r.target), (Some("launch"), None));
        assert_eq!(r.metric.as_deref(), Some("new onboarding flow"));
        assert!(r.unread.iter().any(|u| u.contains("no number")));
        assert_eq!(p("Roll out SSO to 40 enterprise workspaces").verb.as_deref(), Some("roll out"));
        assert_eq!(
            p("Increase churn from 5% to 3%").direction,
            Some(Direction::Increase),
            "the verb is kept; the check flags it"
        );
        assert_eq!(p("Achieve churn from 5% to 3%").direction, Some(Direction::Decrease));
        assert_eq!(p("Churn is 3% or less").verb, None);
    }

    #[test]
    fn numbers_glued_to_words_are_part_of_the_metric() {
        for text in [
            "Raise top-2-box satisfaction from 61% to 70%",
            "Raise 7-day activation from 30% to 40%",
            "Raise Q3 cohort retention from 30% to 40%",
            "Cut p95 latency from 900 ms to 400 ms",
            "Raise B2B win rate from 20% to 25%",
        ] {
            let r = p(text);
            assert!(r.baseline.is_some() && r.target.is_some(), "{text}: {r:?}");
            assert!(r.metric.as_deref().is_some_and(|m| m.chars().any(|c| c.is_ascii_digit())), "{text}: {r:?}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_said_not_guessed() {
        let r = p("Raise NPS to 12ish");
        assert_eq!(r.target, None);
        assert!(r.unread.iter().any(|u| u.contains("12ish")), "{:?}", r.unread);
        let r = p("Raise NPS from 1.2.3 to 4");
        assert_eq!(r.baseline, None);
        assert!(r.unread.iter().any(|u| u.contains("1.2.3")), "{:?}", r.unread);
        let r = p("Cut load time to 5m");
        assert_eq!(r.target, None);
        assert!(r.unread.iter().any(|u| u.contains("minutes or millions")), "{:?}", r.unread);
        let r = p("Improve the onboarding experience");
        assert_eq!((r.baseline, r.target), (None, None));
        assert!(r.unread.iter().any(|u| u.contains("no number")));
        assert!(p("Raise NPS from a lot").unread.iter().any(|u| u.contains("\"from\" is not followed by a number")));
    }

    #[test]
    fn never_panics_on_hostile_input() {
        let long = "Raise retention from 50% to 65% ".repeat(3_300);
        assert!(long.len() > 100_000);
        let _ = parse_statement(&long);
        for text in [
            "",
            " ",
            "\u{0}\u{7}\u{1b}[31m",
            "–",
            "−−−",
            "$",
            "$ ",
            "%",
            "from",
            "to",
            "by",
            "(",
            "()",
            "1–",
            "–1",
            "1,",
            "1,00",
            ".",
            "..",
            "1e400",
            "99999999999999999999999999999999999999",
            "by May",
            "by 31",
            "🙂 raise 😀 from 1 to 2 🙂",
            "東京 from ١٢ to ٣٤",
            "Raise x from 1.",
            "out of",
            "on a 1 to",
            "(1–",
            "1–5 scale",
            "within",
            "in half",
            "a 20%",
            "2026-13-45",
            "by 2026-02-30",
            "USD",
            "5 million",
            "twenty-",
            "-twenty",
        ] {
            let _ = parse_statement(text);
        }
        let mut seed = 7u64;
        let alphabet: Vec<char> =
            "0123456789 .,-–−+$€%kKmMB()fromtoby→q3Q4 in within under at least\u{0}é".chars().collect();
        for _ in 0..20_000 {
            let text: String = (0..40)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            let _ = parse_statement(&text);
        }
    }
}

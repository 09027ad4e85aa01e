//! The first pass: characters into words, numbers with the units written on them
//! ("350ms", "$1.2M", "65%"), ISO dates and symbols.

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
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
pub(super) struct Number {
    pub(super) value: f64,
    pub(super) unit: Option<Unit>,
    /// Written with a sign: "+0.2", "−1.1".
    pub(super) signed: bool,
    /// Digits only: no unit, decimal point or separator (a year, a day of month).
    pub(super) plain_integer: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) kind: Kind,
    /// The text as written.
    pub(super) text: String,
    /// Lowercase, for matching.
    pub(super) lower: String,
}

impl Token {
    pub(super) fn word(text: &str) -> Token {
        Token { kind: Kind::Word, text: text.to_string(), lower: text.to_lowercase() }
    }
    pub(super) fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.lower == word
    }
    pub(super) fn number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }
}

pub(super) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '−' | '—')
}

pub(super) fn currency_symbol(c: char) -> Option<&'static str> {
    match c {
        '$' => Some("USD"),
        '€' => Some("EUR"),
        '£' => Some("GBP"),
        '¥' => Some("JPY"),
        _ => None,
    }
}

pub(super) struct Tokenizer<'a> {
    chars: Vec<char>,
    tokens: Vec<Token>,
    unread: &'a mut Vec<String>,
}

pub(super) fn tokenize(text: &str, unread: &mut Vec<String>) -> Vec<Token> {
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
        if let Some(end) = self.clock_duration(&mantissa, decimal || separators, start, i) {
            return end;
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
            "h" | "hr" | "hrs" | "d" | "s" | "sec" | "secs" | "min" | "mins" | "ms" if suffix_ends => {
                let canonical = match suffix.as_str() {
                    "h" | "hr" | "hrs" => "hours",
                    "d" => "days",
                    "s" | "sec" | "secs" => "seconds",
                    "ms" => "milliseconds",
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

    /// A clock-style duration, "2:30": m:ss or h:mm, which the words seldom say. Either
    /// way it is the same count of its smaller unit (150), so it is read as that, with
    /// no unit, and the reader is told to write the unit.
    fn clock_duration(&mut self, whole: &str, fraction: bool, start: usize, colon: usize) -> Option<usize> {
        let two_digits = (colon + 1..colon + 3).all(|k| self.at(k).is_some_and(|c| c.is_ascii_digit()));
        let ends = self.at(colon + 3).is_none_or(|c| !c.is_alphanumeric() && c != ':');
        if fraction || self.at(colon) != Some(':') || !two_digits || !ends {
            return None;
        }
        let smaller: f64 = self.chars[colon + 1..colon + 3].iter().collect::<String>().parse().ok()?;
        let larger: f64 = whole.parse().ok()?;
        if smaller >= 60.0 {
            return None;
        }
        let text: String = self.chars[start..colon + 3].iter().collect();
        let value = larger * 60.0 + smaller;
        self.unread.push(format!(
            "\"{text}\" is read as {value} of its smaller unit (minutes:seconds or hours:minutes): write the unit to be sure"
        ));
        self.tokens.push(Token {
            kind: Kind::Number(Number { value, unit: None, signed: false, plain_integer: false }),
            lower: text.clone(),
            text,
        });
        Some(colon + 3)
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

//! The last pass: values around "from", "to", "by" and threshold words, the leading
//! verb, the metric phrase, and share targets ("95% of tickets within 24 hours").

use super::*;

pub(super) struct Reader {
    pub(super) tokens: Vec<Token>,
    /// Tokens consumed as values or value words, left out of the metric phrase.
    pub(super) used: Vec<bool>,
    pub(super) unread: Vec<String>,
}

impl Reader {
    pub(super) fn number_at(&self, i: usize) -> Option<Number> {
        self.tokens.get(i).and_then(Token::number).cloned()
    }

    pub(super) fn word_at(&self, i: usize) -> &str {
        self.tokens.get(i).filter(|t| t.kind == Kind::Word).map_or("", |t| t.lower.as_str())
    }

    pub(super) fn mark(&mut self, range: std::ops::Range<usize>) {
        for k in range {
            if let Some(u) = self.used.get_mut(k) {
                *u = true;
            }
        }
    }

    pub(super) fn read(mut self, scale: Option<Scale>, due: Option<TimeBound>) -> ParsedStatement {
        let (verb, verb_len) = self.leading_verb();
        self.mark(0..verb_len);
        let mut direction = verb.as_deref().and_then(verb_direction);
        // "Track and raise team satisfaction": a verb that moves a metric up or down,
        // second in a list of verbs, says the way ("Recruit and keep 5 members" still
        // adds five).
        if direction.is_none()
            && verb.is_some()
            && matches!(self.tokens.get(verb_len).map(|t| t.lower.as_str()), Some("and" | "&"))
        {
            direction = verb_direction(self.word_at(verb_len + 1)).filter(|d| *d != Direction::Maintain);
        }
        // "Hold 20 customer calls": hold with a count of things right after it is an
        // activity to do 20 times, not a level to keep.
        if verb.as_deref() == Some("hold") && self.number_at(verb_len).is_some_and(|n| n.unit.is_none()) {
            direction = Some(Direction::Increase);
        }
        // "Improve the average page load time by 0.5 percent": improving moves a
        // metric the way it is better, and a time is better shorter. "Speed up the
        // recovery from outages by 12%": what is sped up takes less time.
        if verb.as_deref() == Some("speed up") {
            direction = Some(Direction::Decrease);
        } else if matches!(verb.as_deref(), Some("improve" | "optimize" | "optimise")) {
            let rest: Vec<&str> =
                self.tokens[verb_len.min(self.tokens.len())..].iter().map(|t| t.lower.as_str()).collect();
            if better_when(&rest.join(" ")) == Some(Direction::Decrease) {
                direction = Some(Direction::Decrease);
            }
        }
        if let Some(at) = share_at(&self.tokens) {
            return self.read_share(at, verb, direction, scale, due);
        }
        let mut found = Values { direction, ..Values::default() };
        self.read_from(&mut found);
        self.read_baseline_aside(&mut found);
        self.read_to(&mut found);
        if found.target.is_none() {
            self.read_threshold(&mut found, verb_len);
        }
        self.read_share_taken(&mut found, verb_len);
        if found.relative.is_none() {
            self.read_change_by(&mut found, verb_len);
        }
        if found.relative.is_none() {
            self.read_multiple(&mut found, verb.as_deref());
        }
        self.read_lone_number(&mut found);
        if found.baseline.is_none() && found.target.is_none() && found.relative.is_none() {
            self.unread.push("no number found: a key result needs a target".into());
        }
        self.direction_from_change_noun(&mut found);
        found.target_from_change();
        found.durations_in_one_unit();
        let unit = self.unit_of(found.baseline.as_ref(), found.target.as_ref(), scale.as_ref());
        let direction = found.direction.or(match (&found.baseline, &found.target) {
            (Some(b), Some(t)) if t.value > b.value => Some(Direction::Increase),
            (Some(b), Some(t)) if t.value < b.value => Some(Direction::Decrease),
            _ => None,
        });
        let metric = self.metric_phrase(verb_len, found.first_value, found.metric_after);
        ParsedStatement {
            verb,
            direction,
            metric,
            baseline: found.baseline.map(|n| n.value),
            target: found.target.map(|n| n.value),
            unit,
            relative_change: found.relative,
            threshold: found.threshold,
            scale,
            due,
            share: None,
            unread: self.unread,
            work: None,
            audience: None,
            core: String::new(),
        }
    }

    /// from X (to Y); "from current 40%", "from today's 38%", "from avg. 3 minutes".
    fn read_from(&mut self, found: &mut Values) {
        let Some(from) = (0..self.tokens.len()).find(|&i| self.word_at(i) == "from") else { return };
        // "Get feedback on the prototype from 6 users": people counted as a source,
        // with no "to" after them, are the target, not a baseline.
        let value = self.value_after(from + 1);
        if let Some((at, _)) = value
            && AUDIENCE.contains(&self.word_at(at + 1))
            && !(at + 1..self.tokens.len()).any(|i| matches!(self.word_at(i), "to" | "→"))
        {
            return;
        }
        match value {
            Some((at, b)) => {
                found.baseline = Some(b);
                // "Achieve 99.9% uptime (from current 99.5%)": a baseline in an aside
                // leaves the number before it to be the target.
                found.baseline_aside = from > 0 && self.tokens[from - 1].lower == "(";
                self.mark(from..at + 1);
                found.note_first(from);
            }
            None => self.unread.push("\"from\" is not followed by a number".into()),
        }
    }

    /// The baseline written after the target: "(today: 90k)", "(current is 70k)",
    /// "currently 6 hours", "(was 40%)" ("to 60% from today's 38%" is read by "from").
    fn read_baseline_aside(&mut self, found: &mut Values) {
        if found.baseline.is_some() {
            return;
        }
        let aside = (0..self.tokens.len()).find_map(|i| {
            // "(June 2020 total is 1,884)": in an aside, "is" before a value says where
            // the metric stands.
            let in_aside = || {
                self.tokens[..i].iter().rev().map(|t| t.lower.as_str()).find(|t| matches!(*t, "(" | ")")) == Some("(")
            };
            let marks =
                matches!(self.word_at(i), "today" | "today's" | "current" | "currently" | "was" | "baseline" | "now")
                    || (self.word_at(i) == "is" && in_aside());
            let after = if marks { self.value_after(i + 1) } else { None };
            after.map(|(at, b)| (i, at, b))
        });
        if let Some((marker, at, b)) = aside {
            found.baseline = Some(b);
            found.baseline_aside = true;
            self.mark(marker..at + 1);
        }
    }

    /// to Y, X → Y, to under Y.
    fn read_to(&mut self, found: &mut Values) {
        for i in 0..self.tokens.len() {
            let lower = self.tokens[i].lower.clone();
            if lower != "to" && lower != "→" {
                continue;
            }
            let (mut at, kind) = match self.threshold_at(i + 1) {
                Some((len, kind)) => (i + 1 + len, Some(kind)),
                None => (i + 1, None),
            };
            // "from a 5 to a 2": a score written with its article.
            if matches!(self.word_at(at), "a" | "an") && self.number_at(at + 1).is_some() {
                at += 1;
            }
            let Some(t) = self.number_at(at) else { continue };
            if lower == "→"
                && found.baseline.is_none()
                && let Some(b) = i.checked_sub(1).and_then(|p| self.number_at(p))
            {
                found.baseline = Some(b);
                self.mark(i - 1..i);
                found.note_first(i - 1);
            }
            if let Some(kind) = kind {
                found.threshold = Some(Threshold { kind, value: t.value });
            }
            found.target = Some(t);
            self.mark(i..at + 1);
            found.note_first(i);
            return;
        }
    }

    /// under / at least / at or above N.
    fn read_threshold(&mut self, found: &mut Values, verb_len: usize) {
        // The count right after the command's verb, known or not ("Join 6 forums"), or
        // a plain count that opens the statement ("25 hosts who release at least one
        // episode").
        let object_at = verb_len.max(1);
        let opening_count = self.number_at(0).is_some_and(|n| n.unit.is_none())
            && self.tokens.get(1).is_some_and(|t| t.kind == Kind::Word);
        // "Appear on 4 radio shows, each with at least 8,000 listeners", "Speak at 3
        // summits": the count may stand after the verb's preposition.
        let object_at = if matches!(self.word_at(object_at), "on" | "at" | "in" | "to" | "with" | "for") {
            object_at + 1
        } else {
            object_at
        };
        let counted_object = if opening_count {
            Some(0)
        } else {
            (!self.word_at(0).is_empty() && self.number_at(object_at).is_some()).then_some(object_at)
        };
        for i in 0..self.tokens.len() {
            // "cut by more than 15%": the size of the change (read below), not a level.
            if i > 0 && self.word_at(i - 1) == "by" {
                continue;
            }
            // "Join 6 forums with at least 3000 members each", "40,000 accounts playing
            // at least one piece a month": when the verb's object is a count, a threshold
            // after the counted things says which of them count.
            if counted_object.is_some_and(|at| at + 1 < i) {
                continue;
            }
            if let Some((len, kind)) = self.threshold_at(i)
                && let Some(t) = self.number_at(i + len)
            {
                found.threshold = Some(Threshold { kind, value: t.value });
                found.target = Some(t);
                self.mark(i..i + len + 1);
                found.note_first(i);
                return;
            }
        }
    }

    /// "Cut 20% of cloud spend": a decrease verb before "N% of" takes a share away.
    fn read_share_taken(&mut self, found: &mut Values, verb_len: usize) {
        if found.direction == Some(Direction::Decrease)
            && let Some(n) = self.number_at(verb_len).filter(|n| n.unit == Some(Unit::Percent))
            && self.word_at(verb_len + 1) == "of"
        {
            found.relative =
                Some(RelativeChange { amount: n.value.abs(), percent: true, direction: Direction::Decrease });
            self.mark(verb_len..verb_len + 2);
            found.note_first(verb_len);
            found.metric_after = Some(verb_len + 2);
        }
    }

    /// by N%, down N%, up N%, a N% reduction.
    fn read_change_by(&mut self, found: &mut Values, verb_len: usize) {
        for i in 0..self.tokens.len() {
            let w = self.word_at(i).to_string();
            // "Write up 4 revenue options", "Track down 3 leads": a particle of the
            // verb, not a change up or down.
            if i == verb_len && matches!(w.as_str(), "up" | "down") {
                continue;
            }
            // "by more than 15%", "by at least 20%": a floor on the change is the change.
            let floor = if w == "by" { self.threshold_at(i + 1).map_or(0, |(len, _)| len) } else { 0 };
            if let Some(n) = self.number_at(i + 1 + floor).filter(|_| matches!(w.as_str(), "by" | "down" | "up")) {
                let dir = match w.as_str() {
                    "down" => Some(Direction::Decrease),
                    "up" => Some(Direction::Increase),
                    // "P1/P2 outages cut by 40%": the verb before "by" says which way.
                    _ => found.direction.filter(|d| *d != Direction::Maintain).or_else(|| {
                        let before = i.checked_sub(1).map(|b| self.word_at(b)).unwrap_or("");
                        verb_in(Verbs::Decrease, before)
                            .map(|_| Direction::Decrease)
                            .or_else(|| verb_in(Verbs::Increase, before).map(|_| Direction::Increase))
                    }),
                };
                if let Some(dir) = dir {
                    found.relative = Some(RelativeChange {
                        amount: n.value.abs(),
                        percent: n.unit == Some(Unit::Percent),
                        direction: dir,
                    });
                    found.direction = found.direction.or(Some(dir));
                    self.mark(i..i + 2 + floor);
                    found.note_first(i);
                    return;
                }
            }
            // "a 20% reduction", or with what changes between: "a 40% time saving".
            let noun_at = [i + 2, i + 3].into_iter().find(|&k| change_noun_direction(self.word_at(k)).is_some());
            if let Some((n, noun)) = self
                .number_at(i + 1)
                .zip(noun_at)
                .filter(|(n, _)| n.unit == Some(Unit::Percent) && matches!(w.as_str(), "a" | "an"))
            {
                let dir = change_noun_direction(self.word_at(noun)).unwrap_or(Direction::Increase);
                found.relative = Some(RelativeChange { amount: n.value, percent: true, direction: dir });
                found.direction = found.direction.or(Some(dir));
                self.mark(i..noun + 1);
                found.note_first(i);
                return;
            }
        }
    }

    /// double, triple, halve, "3x", by half, in half.
    fn read_multiple(&mut self, found: &mut Values, verb: Option<&str>) {
        let factor = match verb {
            Some("double") => Some((100.0, Direction::Increase)),
            Some("triple") => Some((200.0, Direction::Increase)),
            Some("halve") => Some((50.0, Direction::Decrease)),
            _ => None,
        };
        if let Some((amount, dir)) = factor {
            found.relative = Some(RelativeChange { amount, percent: true, direction: dir });
        } else if let Some((i, times)) = (0..self.tokens.len()).find_map(|i| self.multiplier_at(i).map(|m| (i, m))) {
            // "grow qualified leads 3x", "new bookings triple", "2x faster": a multiple
            // of today's value; faster, fewer or cheaper divides it.
            let smaller =
                matches!(self.word_at(i + 1), "faster" | "quicker" | "fewer" | "less" | "smaller" | "cheaper");
            let dir = if smaller || found.direction == Some(Direction::Decrease) {
                Direction::Decrease
            } else {
                Direction::Increase
            };
            let amount = if dir == Direction::Decrease { (1.0 - 1.0 / times) * 100.0 } else { (times - 1.0) * 100.0 };
            found.relative =
                Some(RelativeChange { amount: (amount * 100.0).round() / 100.0, percent: true, direction: dir });
            found.direction = found.direction.filter(|d| *d != Direction::Maintain).or(Some(dir));
            self.mark(i..i + 1);
            found.note_first(i);
        } else if let Some(i) =
            (0..self.tokens.len()).find(|&i| matches!(self.word_at(i), "by" | "in") && self.word_at(i + 1) == "half")
        {
            found.relative = Some(RelativeChange { amount: 50.0, percent: true, direction: Direction::Decrease });
            found.direction = found.direction.or(Some(Direction::Decrease));
            self.mark(i..i + 2);
            found.note_first(i);
        }
    }

    /// A lone number: "Close 600 tickets a week", "Hire 4 engineers".
    fn read_lone_number(&mut self, found: &mut Values) {
        if found.target.is_some() || (found.baseline.is_some() && !found.baseline_aside) || found.relative.is_some() {
            return;
        }
        let Some((i, mut n)) =
            (0..self.tokens.len()).find_map(|i| self.number_at(i).filter(|_| !self.used[i]).map(|n| (i, n)))
        else {
            return;
        };
        if n.unit.is_none() && self.tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Word) {
            n.unit = Some(Unit::Count);
        }
        found.target = Some(n);
        self.mark(i..i + 1);
        found.metric_after = Some(i + 1);
        found.note_first(i);
    }

    /// "Reduction of X% of incidents", "Y% drop in audit costs": the change's noun says
    /// which way even when its size is left to fill in.
    fn direction_from_change_noun(&self, found: &mut Values) {
        if found.direction.is_some() {
            return;
        }
        found.direction = (0..self.tokens.len()).find_map(|i| {
            let next = self.word_at(i + 1);
            let heads = i == 0 || self.tokens[i - 1].lower.ends_with('%') || self.number_at(i - 1).is_some();
            (heads && matches!(next, "of" | "in")).then(|| change_noun_direction(self.word_at(i))).flatten()
        });
    }

    /// The number at `i`, or after a few words that only say what kind of value it is
    /// ("current", "today's", "an average of", "avg.", ":", "is"): its index and value.
    pub(super) fn value_after(&self, i: usize) -> Option<(usize, Number)> {
        const FILLER: &[&str] = &[
            "current",
            "currently",
            "today",
            "today's",
            "todays",
            "a",
            "an",
            "the",
            "baseline",
            "of",
            "avg",
            "average",
            "about",
            "around",
            "approx",
            "approximately",
            "~",
            ":",
            ".",
            "is",
            "at",
            "was",
            "now",
            "roughly",
        ];
        let mut k = i;
        while k < i + 5 {
            if let Some(n) = self.number_at(k) {
                return Some((k, n));
            }
            if !self.tokens.get(k).is_some_and(|t| FILLER.contains(&t.lower.as_str())) {
                return None;
            }
            k += 1;
        }
        None
    }

    /// "3x", "1.5x", "10X", or "double", "triple", "quadruple" written after the
    /// metric: how many times today's value.
    pub(super) fn multiplier_at(&self, i: usize) -> Option<f64> {
        let word = self.word_at(i);
        match word {
            "double" | "doubles" | "doubled" => return Some(2.0),
            "triple" | "triples" | "tripled" => return Some(3.0),
            "quadruple" | "quadruples" | "quadrupled" => return Some(4.0),
            _ => {}
        }
        let times: f64 = word.strip_suffix('x')?.parse().ok()?;
        (times > 1.0 && times.is_finite()).then_some(times)
    }

    /// The first word(s), if they are a verb it knows. A word that is as often a noun
    /// ("review turnaround", "support tickets", "plan attainment") is a verb only
    /// before what a verb takes: a number, an article, "our", "all", "every".
    pub(super) fn leading_verb(&self) -> (Option<String>, usize) {
        let first = self.word_at(0);
        // "Strive to cut 15% of errors", "Aim to double sign-ups": an intention before
        // the verb that says what moves.
        if matches!(first, "strive" | "aim" | "try" | "seek" | "endeavour" | "endeavor") && self.word_at(1) == "to" {
            let (third, fourth) = (self.word_at(2), self.word_at(3));
            let two = format!("{third} {fourth}");
            if !fourth.is_empty() && is_known_verb(&two) {
                return (Some(two), 4);
            }
            if is_known_verb(third) {
                return (Some(third.to_string()), 3);
            }
        }
        let two = format!("{first} {}", self.word_at(1));
        if !self.word_at(1).is_empty() && is_known_verb(&two) {
            return (Some(two), 2);
        }
        // "Plan, run and report on ...", "Post notes for all meetings": a list of
        // verbs, or a noun followed by who or what it is for.
        let listed = matches!(self.tokens.get(1).map(|t| t.lower.as_str()), Some("," | "&" | "and" | "/"));
        let object_for = matches!(self.word_at(2), "for" | "on" | "with" | "about");
        let takes_object = || {
            listed
                || object_for
                // "Start drafting the contracts": a verb of starting before the work.
                || (matches!(first, "start" | "begin") && self.word_at(1).ends_with("ing"))
                || self.number_at(1).is_some()
                || matches!(
                    self.word_at(1),
                    "a" | "an"
                        | "the"
                        | "our"
                        | "all"
                        | "every"
                        | "each"
                        | "one"
                        | "two"
                        | "three"
                        | "four"
                        | "five"
                        | "more"
                        | "new"
                        | "at"
                        | "weekly"
                        | "monthly"
                        | "quarterly"
                        | "regular"
                )
        };
        let noun_too = NOUN_OR_VERB.contains(&first);
        // "Track referral-source fields in the CRM", "Host first ODOCon in LATAM": with no
        // number at all, no verb further on and no preposition next, a word that is as
        // often a noun can only be the command ("Support for verified builds" is a noun).
        let only_verb = || {
            let next = self.word_at(1);
            let finite = |w: &str| is_listed_verb(w) && (w.ends_with('s') || is_past(w));
            !next.is_empty()
                && self.tokens.iter().all(|t| t.number().is_none())
                && !word_classes(next).preposition
                && !matches!(next, "is" | "are" | "was" | "were" | "has" | "have" | "can" | "will")
                && !self.tokens[1..].iter().any(|t| t.kind == Kind::Word && finite(&t.lower))
        };
        if is_known_verb(first) && first != "up" && (!noun_too || takes_object() || only_verb()) {
            return (Some(first.to_string()), 1);
        }
        // "Hiring 3 product designers", "Running the weekly demos": work written as a
        // gerund before what it makes or does is the command it would be.
        if first.len() > 5
            && first.ends_with("ing")
            && let Some((_, verb)) = work_verb(first)
            && (self.number_at(1).is_some() || DETERMINERS.contains(&self.word_at(1)))
        {
            return (Some(verb.to_string()), 1);
        }
        // "Successfully bring the payroll costs into ...", "Continuously work on the
        // registry": an adverb before the verb.
        if first.len() > 4 && first.ends_with("ly") {
            let two_after = format!("{} {}", self.word_at(1), self.word_at(2));
            if is_known_verb(&two_after) {
                return (Some(two_after), 3);
            }
            if is_known_verb(self.word_at(1)) || self.commands_at(1) {
                return (Some(self.word_at(1).to_string()), 2);
            }
        }
        if self.commands_at(0) {
            return (Some(first.to_string()), 1);
        }
        (None, 0)
    }

    /// Whether the word at `i` is a verb we do not list, written as a command:
    /// "Restructure the current budget workbooks", "Patch all fixable alerts", "List
    /// the bot in the directory". In a key result a word followed straight by an
    /// article or a determiner is a verb: a noun there would need one before it.
    /// Forms a command does not take ("-s", "-ed", "-ing", "-ly") are left out.
    fn commands_at(&self, i: usize) -> bool {
        let word = self.word_at(i);
        let shape = word.len() >= 3
            && word.chars().all(|c| c.is_ascii_lowercase())
            && (word.ends_with("ss") || !word.ends_with('s'))
            && !["ed", "ly"].iter().any(|end| word.ends_with(end))
            // "-ing" after a stem of three letters or more is a participle; "bring" is not.
            && word.strip_suffix("ing").is_none_or(|stem| stem.len() < 3);
        let (next, after) = (self.word_at(i + 1), self.word_at(i + 2));
        // "Strip out the old packages", "Set and put into use the goals", "Strip out
        // and swap abandoned packages": a particle or a second verb after the first
        // word says it is a command too.
        let particle = matches!(next, "out" | "up" | "down" | "off" | "over" | "back" | "away")
            && (DETERMINERS.contains(&after) || after == "and");
        // "Research & finalize the proposals", "sanitize, publish and archive the
        // results": "&" and "," are symbols, not words, so read the token itself.
        let joiner = self.tokens.get(i + 1).map_or("", |t| t.lower.as_str());
        let listed = (matches!(joiner, "and" | "&") && DETERMINERS.contains(&self.word_at(i + 3)))
            || (matches!(joiner, "and" | "&" | ",") && is_known_verb(after));
        shape && (DETERMINERS.contains(&next) || particle || listed)
    }

    /// "under", "below", "less than", "at most", "no more than", "at or below" →
    /// AtMost; "above", "over", "at least", "more than", "at or above" → AtLeast.
    /// Returns how many tokens the phrase takes.
    pub(super) fn threshold_at(&self, i: usize) -> Option<(usize, ThresholdKind)> {
        let w = |k: usize| self.word_at(i + k);
        let sym = self.tokens.get(i).map(|t| t.lower.as_str()).unwrap_or("");
        // "Not spend more than 6 hours on reading": a command said in the negative
        // turns a threshold further on round, so "more than" is a cap.
        let negated = i > 1 && matches!(self.word_at(0), "not" | "never");
        let turned = |(len, kind): (usize, ThresholdKind)| match (negated, kind) {
            (true, ThresholdKind::AtLeast) => (len, ThresholdKind::AtMost),
            (true, ThresholdKind::AtMost) => (len, ThresholdKind::AtLeast),
            (false, kind) => (len, kind),
        };
        let found = match (w(0), w(1), w(2)) {
            ("at", "or", "below") | ("at", "or", "under") => Some((3, ThresholdKind::AtMost)),
            ("at", "or", "above") | ("at", "or", "over") => Some((3, ThresholdKind::AtLeast)),
            ("no", "more", "than") | ("not", "more", "than") => Some((3, ThresholdKind::AtMost)),
            ("no", "less", "than") | ("not", "less", "than") => Some((3, ThresholdKind::AtLeast)),
            ("less", "than", _) | ("fewer", "than", _) | ("at", "most", _) => Some((2, ThresholdKind::AtMost)),
            ("more", "than", _) | ("at", "least", _) | ("greater", "than", _) => Some((2, ThresholdKind::AtLeast)),
            ("under", _, _) | ("below", _, _) | ("within", _, _) => Some((1, ThresholdKind::AtMost)),
            ("above", _, _) | ("over", _, _) => Some((1, ThresholdKind::AtLeast)),
            // ">=" and "<=" typed in ASCII are two symbols.
            _ => match (sym, self.tokens.get(i + 1).map(|t| t.lower.as_str())) {
                ("<", Some("=")) => Some((2, ThresholdKind::AtMost)),
                (">", Some("=")) => Some((2, ThresholdKind::AtLeast)),
                ("<" | "≤", _) => Some((1, ThresholdKind::AtMost)),
                (">" | "≥", _) => Some((1, ThresholdKind::AtLeast)),
                _ => None,
            },
        };
        found.map(turned)
    }

    /// The unit of the key result: the target's, else the baseline's; a scale means a score.
    pub(super) fn unit_of(
        &mut self,
        baseline: Option<&Number>,
        target: Option<&Number>,
        scale: Option<&Scale>,
    ) -> Option<Unit> {
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
    pub(super) fn metric_phrase(
        &self,
        verb_len: usize,
        first_value: Option<usize>,
        after: Option<usize>,
    ) -> Option<String> {
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
    pub(super) fn read_share(
        mut self,
        at: usize,
        verb: Option<String>,
        direction: Option<Direction>,
        scale: Option<Scale>,
        due: Option<TimeBound>,
    ) -> ParsedStatement {
        // share_at only accepts words before the number: they are the verb phrase, known or not.
        let verb_phrase = self.tokens[..at].iter().map(|t| t.lower.as_str()).collect::<Vec<_>>().join(" ");
        // A share that leads the statement ("95% of tickets answered within a day") has
        // no verb before it.
        let verb = verb.or_else(|| (at > 0).then(|| self.tokens[0].lower.clone()));
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
        // With no verb before the share, the condition is told after the population by
        // a participle or a verb: "tickets answered within 24 hours", "requests take
        // fewer than 20 minutes", "builds finish in under 10 minutes".
        let leads = at == 0;
        let mut split = words
            .iter()
            .enumerate()
            .position(|(k, t)| {
                let word = t.lower.as_str();
                t.number().is_some()
                    || CONDITION_WORDS.contains(&word)
                    || (leads
                        && k > 0
                        && (is_past(word)
                            || matches!(word, "are" | "is" | "take" | "finish" | "get" | "have" | "stay" | "see")))
            })
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
            work: None,
            audience: None,
            core: String::new(),
        }
    }
}

/// Words that lead a statement as a noun as often as a verb.
const NOUN_OR_VERB: &[&str] = &[
    "support",
    "plan",
    "review",
    "track",
    "map",
    "post",
    "test",
    "call",
    "email",
    "demo",
    "share",
    "sign",
    "close",
    "answer",
    "host",
    "start",
    "open",
    "source",
    "audit",
    "release",
    "design",
    "build",
    "merge",
    "port",
    "end",
    "coach",
    "mentor",
    "train",
    "interview",
    "contact",
    "meet",
];

/// Words that end a share's population and begin what each member must meet.
pub(super) const CONDITION_WORDS: &[&str] = &[
    "to", "in", "within", "under", "below", "on", "at", "for", "by", "with", "before", "after", "inside", "into",
    "onto", "through", "that", "who", "which", "from", "during", "over", "without", "via", "using", "per",
];

/// Verbs whose share is of people made to do something ("get 60% of teams to invite").
pub(super) const CAUSATIVE_VERBS: &[&str] =
    &["get", "have", "help", "bring", "enable", "encourage", "convince", "make"];

/// "Answer 95% of tickets", "Enroll 100% of staff", "Respond to 90% of chats": a
/// percentage of someone right after the verb is a share to reach. A decrease verb
/// ("cut 20% of cloud spend") takes a share away instead, and after "to", "from" or a
/// threshold word the percentage is a plain value.
pub(super) fn share_at(tokens: &[Token]) -> Option<usize> {
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
            // "95% of tickets answered within 24 hours": the share leads the statement.
            [] => true,
            [verb] => verb_like(verb),
            [verb, "to"] => matches!(*verb, "respond" | "reply" | "get" | "talk" | "speak" | "reach" | "write"),
            _ => false,
        };
    ok.then_some(at)
}

/// Words that make the number after them a value, not a share.
pub(super) const VALUE_WORDS: &[&str] =
    &["to", "from", "by", "under", "below", "above", "over", "within", "about", "around"];

/// "answer" → "answered", "respond to" → "responded to"; none for verbs that only
/// say to reach or keep a level ("reach", "keep") or make others act ("get").
pub(super) fn participle(verb_phrase: &str) -> Option<String> {
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
pub(super) fn short_consonant_vowel_consonant(verb: &str) -> bool {
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
pub(super) fn join_words(words: &[&Token]) -> String {
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

pub(super) fn verb_direction(verb: &str) -> Option<Direction> {
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

/// The way a noun of change goes: "a 20% reduction", "a 40% time saving", "Y% drop in".
/// "improvement" is left out: an improvement of a time is a decrease.
fn change_noun_direction(word: &str) -> Option<Direction> {
    match word {
        "reduction" | "reductions" | "decrease" | "drop" | "decline" | "cut" | "saving" | "savings" => {
            Some(Direction::Decrease)
        }
        "increase" | "lift" | "rise" | "uplift" | "growth" => Some(Direction::Increase),
        _ => None,
    }
}

/// What the passes of [`Reader::read`] have found so far; each pass reads what the
/// ones before it left.
#[derive(Default)]
struct Values {
    baseline: Option<Number>,
    target: Option<Number>,
    threshold: Option<Threshold>,
    relative: Option<RelativeChange>,
    direction: Option<Direction>,
    /// A baseline said aside ("(today: 90k)") leaves the target to be read as a lone number.
    baseline_aside: bool,
    /// The first token of a value, where the metric phrase ends.
    first_value: Option<usize>,
    /// Where the metric phrase starts when it follows the value ("Close 600 tickets").
    metric_after: Option<usize>,
}

impl Values {
    fn note_first(&mut self, i: usize) {
        if self.first_value.is_none_or(|f| i < f) {
            self.first_value = Some(i);
        }
    }

    /// "Cut reply time by 40% from 3 minutes": the target the change leads to.
    fn target_from_change(&mut self) {
        if self.target.is_some() {
            return;
        }
        let (Some(b), Some(change)) = (&self.baseline, &self.relative) else { return };
        let sign = if change.direction == Direction::Decrease { -1.0 } else { 1.0 };
        let value = if change.percent {
            b.value * (1.0 + sign * change.amount / 100.0)
        } else {
            b.value + sign * change.amount
        };
        self.target = Some(Number { value: (value * 1e6).round() / 1e6, unit: b.unit.clone(), ..b.clone() });
    }

    /// "from 1.5s to 350ms": both in the smaller unit, so they can be compared.
    fn durations_in_one_unit(&mut self) {
        if let (Some(b), Some(t)) = (self.baseline.as_mut(), self.target.as_mut())
            && let (Some(Unit::Duration { unit: bu }), Some(Unit::Duration { unit: tu })) = (&b.unit, &t.unit)
            && bu != tu
            && let (Some(bs), Some(ts)) = (seconds_per(bu), seconds_per(tu))
        {
            let (larger, smaller) = if bs > ts { (b, tu.clone()) } else { (t, bu.clone()) };
            if let Some(Unit::Duration { unit: from }) = &larger.unit
                && let Some(value) = convert_duration(larger.value, from, &smaller)
            {
                larger.value = value;
                larger.unit = Some(Unit::Duration { unit: smaller });
            }
            if let (Some(threshold), Some(t)) = (self.threshold.as_mut(), self.target.as_ref()) {
                threshold.value = t.value;
            }
        }
    }
}

//! The words the statement reader and the checks share, in one place so that the
//! two cannot drift apart: verbs by what they say (a direction, a level to reach, a
//! deliverable, effort), which way a metric is better, and whole-word matching.
//!
//! Verbs are matched by their lemma: the English Snowball stemmer (`frostem`, the one
//! tantivy already uses for search) folds "launches", "launched" and "launching" into
//! "launch", and a short table adds the irregular past forms ("built", "written",
//! "held") a stemmer cannot know. Lists hold base forms only. A word no list has is
//! looked up in Wiktionary's parts of speech (`word_classes`).

use std::sync::LazyLock;

use crate::model::Direction;

pub(crate) const INCREASE_VERBS: &[&str] = &[
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
    "scale up",
    "broaden",
    "deepen",
    "enlarge",
    "up",
];
pub(crate) const DECREASE_VERBS: &[&str] = &[
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
pub(crate) const MAINTAIN_VERBS: &[&str] = &["maintain", "keep", "sustain", "stay", "hold", "protect", "preserve"];
/// Verbs that say nothing about direction or about work; the numbers do.
pub(crate) const LEVEL_VERBS: &[&str] = &[
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
    "reply",
    "secure",
    "land",
    "book",
    "generate",
    "acquire",
    "onboard",
    "sign",
    "have",
    "see",
    "ensure",
    "enable",
    "help",
    "end",
    "finish with",
    "end with",
    "break even",
    "grow to",
    "speed up",
];

/// Verbs whose object is a deliverable: the work is done when the thing exists
/// (docs/domain.md#outcome-not-output).
pub(crate) const DELIVER_VERBS: &[&str] = &[
    "launch",
    "ship",
    "build",
    "release",
    "implement",
    "migrate",
    "redesign",
    "create",
    "complete",
    "deliver",
    "publish",
    "write",
    "roll out",
    "rollout",
    "develop",
    "deploy",
    "rebuild",
    "refactor",
    "design",
    "introduce",
    "hire",
    "recruit",
    "set up",
    "integrate",
    "add",
    "finish",
    "define",
    "draft",
    "document",
    "write down",
    "finalize",
    "finalise",
    "prototype",
    "code",
    "prepare",
    "propose",
    "fine-tune",
    "firm up",
    "compile",
    "assemble",
    "rewrite",
    "refresh",
    "automate",
    "instrument",
    "deprecate",
    "replace",
    "upgrade",
    "produce",
    "translate",
    "hand over",
    "bring over",
    "identify",
    "agree",
    "put in place",
    "install",
    "configure",
    "standardize",
    "standardise",
    "consolidate",
    "merge",
    "port",
    "open",
    "start",
    "begin",
    "kick off",
    "spin up",
    "stand up",
    "formalize",
    "formalise",
    "map",
    "track",
    "support",
    "expose",
    "adopt",
    "know",
    "understand",
];

/// Verbs whose object is effort: our own people doing something, counted or on time
/// (docs/domain.md#not-an-activity-proxy).
pub(crate) const EFFORT_VERBS: &[&str] = &[
    "run",
    "hold",
    "host",
    "conduct",
    "organize",
    "organise",
    "attend",
    "present",
    "give",
    "speak",
    "pitch",
    "hand out",
    "visit",
    "call",
    "meet",
    "review",
    "triage",
    "train",
    "participate",
    "take part",
    "refine",
    "spotlight",
    "promote",
    "showcase",
    "invite",
    "applaud",
    "source",
    "send",
    "post",
    "interview",
    "contact",
    "reach out",
    "email",
    "tweet",
    "share",
    "demo",
    "audit",
    "test",
    "check in",
    "sponsor",
    "exhibit",
    "mentor",
    "coach",
    "plan",
    // Looking into something: what was learnt is the result, not the looking
    // ("Assess the community tooling", "Explore three pricing models").
    "assess",
    "evaluate",
    "investigate",
    "explore",
    "research",
    "study",
    "analyse",
    "analyze",
    "experiment",
    "validate",
    "verify",
    "check",
    "inspect",
    "detect",
    "classify",
    // Talking with people and tending relations: what they then do is the result.
    "talk",
    "discuss",
    "cultivate",
    "nurture",
    "network",
    "work on",
    "work with",
    "join",
    "comment",
    // Money or time spent is an input ("Spend 90% of the repair budget").
    "spend",
];

/// Irregular past forms a stemmer cannot fold into their verb.
const IRREGULAR_PAST: &[(&str, &str)] = &[
    ("built", "build"),
    ("rebuilt", "rebuild"),
    ("written", "write"),
    ("wrote", "write"),
    ("rewritten", "rewrite"),
    ("done", "do"),
    ("did", "do"),
    ("held", "hold"),
    ("given", "give"),
    ("gave", "give"),
    ("sent", "send"),
    ("ran", "run"),
    ("made", "make"),
    ("led", "lead"),
    ("taken", "take"),
    ("took", "take"),
    ("begun", "begin"),
    ("began", "begin"),
    ("spoken", "speak"),
    ("spoke", "speak"),
    ("brought", "bring"),
    ("taught", "teach"),
    ("sold", "sell"),
    ("met", "meet"),
    ("found", "find"),
    ("drawn", "draw"),
    ("shown", "show"),
    ("kept", "keep"),
    ("won", "win"),
    ("set", "set"),
    ("put", "put"),
    ("drafted", "draft"),
    ("stood", "stand"),
    ("spun", "spin"),
];

static STEMMER: LazyLock<frostem::Stemmer> = LazyLock::new(|| frostem::Stemmer::new(frostem::Algorithm::English));

/// A word's lemma for matching: "launched" → "launch", "built" → "build", "hires" → "hire".
pub(crate) fn lemma(word: &str) -> String {
    let lower = word.to_lowercase();
    if let Some((_, base)) = IRREGULAR_PAST.iter().find(|(past, _)| *past == lower) {
        return STEMMER.stem(base).into_owned();
    }
    STEMMER.stem(&lower).into_owned()
}

/// "built", "written", "held": a past form no "-ed" ending shows.
pub(crate) fn is_irregular_past(word: &str) -> bool {
    IRREGULAR_PAST.iter().any(|(past, _)| *past == word)
}

/// Articles and determiners: a word right before one of them takes an object, so in
/// a key result it is a verb ("Restructure the ...", "the library exposes the ...").
pub(crate) const DETERMINERS: &[&str] =
    &["a", "an", "the", "our", "their", "its", "your", "all", "every", "each", "this", "these", "those"];

/// The prepositions that end a noun phrase in a key result: what is counted stops
/// before them ("organic sessions to /guides/"), and a participle after one describes a
/// thing ("in agreed format"). A short list, not the lexicon's: the lexicon also calls
/// particles such as "up" prepositions ("guides up to date").
pub(crate) const PREPOSITIONS: &[&str] =
    &["to", "for", "on", "about", "in", "from", "with", "at", "per", "via", "through", "across", "into", "by", "of"];

/// A past form: "-ed" or an irregular one.
pub(crate) fn is_past(word: &str) -> bool {
    (word.len() > 4 && word.ends_with("ed")) || is_irregular_past(word)
}

/// One of the verb lists, by what its verbs say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbs {
    Increase,
    Decrease,
    Maintain,
    Level,
    Deliver,
    Effort,
}

impl Verbs {
    /// Those that say a change, then a level, then work.
    const ALL: [Verbs; 6] =
        [Verbs::Increase, Verbs::Decrease, Verbs::Maintain, Verbs::Level, Verbs::Deliver, Verbs::Effort];

    fn words(self) -> &'static [&'static str] {
        match self {
            Verbs::Increase => INCREASE_VERBS,
            Verbs::Decrease => DECREASE_VERBS,
            Verbs::Maintain => MAINTAIN_VERBS,
            Verbs::Level => LEVEL_VERBS,
            Verbs::Deliver => DELIVER_VERBS,
            Verbs::Effort => EFFORT_VERBS,
        }
    }
}

/// The verb of `list` whose lemma `phrase` has ("rolled out" → "roll out"), each word
/// folded on its own: one lookup by lemma, then the first verb of that list among the
/// few with it.
pub(crate) fn verb_in(list: Verbs, phrase: &str) -> Option<&'static str> {
    let lemmas: Vec<String> = phrase.split_whitespace().map(lemma).collect();
    VERBS_BY_LEMMA.get(&lemmas)?.iter().find(|(k, _)| *k == list).map(|(_, verb)| *verb)
}

/// A verb of any list in any inflection: "increases", "reduced", "launching".
pub(crate) fn is_listed_verb(phrase: &str) -> bool {
    Verbs::ALL.into_iter().any(|list| verb_in(list, phrase).is_some())
}

/// A verb that says a change or a level, in any inflection: "reduced", "achieved".
pub(crate) fn says_change_or_level(phrase: &str) -> bool {
    [Verbs::Increase, Verbs::Decrease, Verbs::Maintain, Verbs::Level]
        .into_iter()
        .any(|list| verb_in(list, phrase).is_some())
}

/// A verb that moves a number up or down or holds it, in any inflection: "increase",
/// "reduced", "maintain"; not a level ("reach", "get").
pub(crate) fn says_change(phrase: &str) -> bool {
    [Verbs::Increase, Verbs::Decrease, Verbs::Maintain].into_iter().any(|list| verb_in(list, phrase).is_some())
}

/// Lemmas → (the list, the verb), in list order.
type VerbIndex = std::collections::HashMap<Vec<String>, Vec<(Verbs, &'static str)>>;

/// Every listed verb by its lemmas, stemmed once, with the list it is in, in list
/// order: statements are read word by word against these lists, and a large OKR file
/// has thousands of words, so a word is looked up once rather than against each verb.
static VERBS_BY_LEMMA: LazyLock<VerbIndex> = LazyLock::new(|| {
    let mut index = VerbIndex::default();
    for list in Verbs::ALL {
        for verb in list.words() {
            index.entry(verb.split_whitespace().map(lemma).collect()).or_default().push((list, *verb));
        }
    }
    index
});

/// What a verb says about the work behind a key result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A deliverable: "launch", "publish", "hire".
    Deliverable,
    /// Effort: "run", "attend", "review".
    Effort,
}

/// The kind of work a verb (one or two words, any inflection) names, with its base form.
pub(crate) fn work_verb(phrase: &str) -> Option<(Work, &'static str)> {
    verb_in(Verbs::Effort, phrase)
        .map(|v| (Work::Effort, v))
        .or_else(|| verb_in(Verbs::Deliver, phrase).map(|v| (Work::Deliverable, v)))
}

/// A verb that names work (a deliverable or effort) rather than a changed state.
pub fn is_output_verb(verb: &str) -> bool {
    work_verb(verb).is_some()
}

/// A verb the reader knows as the first word(s) of a statement.
/// Exact base forms only: a statement leads with an imperative ("Publish"), and an
/// inflected first word ("Training services in 40% of deals") is a noun or a subject.
pub(crate) fn is_known_verb(phrase: &str) -> bool {
    Verbs::ALL.into_iter().any(|list| list.words().contains(&phrase))
}

/// What English knows a word as, from Wiktionary's parts of speech (the
/// `wiktionary-part-of-speech-extract` FST): used only for words the verb lists lack,
/// so that "Plug gaps in the funnel analysis" can be read as a task without listing "plug".
#[derive(Default)]
pub(crate) struct WordClasses {
    pub(crate) known: bool,
    pub(crate) verb: bool,
    /// A noun, an adjective or a determiner: what an object starts with.
    pub(crate) nominal: bool,
    pub(crate) numeral: bool,
    pub(crate) preposition: bool,
    /// A determiner or a pronoun ("our", "each"): never the verb of a command.
    pub(crate) function_word: bool,
}

impl WordClasses {
    /// A verb that is not also a determiner or a pronoun ("our" is listed as a verb):
    /// a word that can lead a command.
    pub(crate) fn can_lead_command(&self) -> bool {
        self.verb && !self.function_word
    }
}

pub(crate) fn word_classes(word: &str) -> WordClasses {
    use wiktionary_part_of_speech_extract::{ENGLISH_TAG_LOOKUP, Tag};
    let Some(tags) = ENGLISH_TAG_LOOKUP.get(&word.to_lowercase()) else {
        return WordClasses::default();
    };
    let has = |tag: Tag| tags.tags().any(|t| t == tag);
    WordClasses {
        known: true,
        verb: has(Tag::Verb),
        nominal: has(Tag::Noun) || has(Tag::Adjective) || has(Tag::Determiner),
        numeral: has(Tag::Numeral),
        preposition: has(Tag::Preposition),
        function_word: has(Tag::Determiner) || has(Tag::Pronoun),
    }
}

/// The team's own people: a share of them doing something is an input.
pub(crate) const INTERNAL_PEOPLE: &[&str] = &[
    "staff",
    "employees",
    "employee",
    "agents",
    "engineers",
    "reps",
    "team members",
    "team member",
    "members of the team",
    "member of the team",
    "managers",
    "colleagues",
    "our team",
    "designers",
    "analysts",
    "maintainers",
    "recruiters",
    "squads",
    "leads",
    "team leads",
    "developers",
    "salespeople",
    "account executives",
];

/// Words that can only mean the team's own people, whoever the product's users are
/// ("developers" or "designers" may be either; "team members" and "reps" may not).
/// "Agents" are left out: "agents resolve 80% of chats on first contact" is how
/// support teams write what customers get.
pub(crate) const OWN_PEOPLE: &[&str] = &[
    "team members",
    "team member",
    "members of the team",
    "member of the team",
    "our team",
    "staff",
    "employees",
    "reps",
    "squads",
    "salespeople",
    "account executives",
    "recruiters",
    "colleagues",
];

/// People whose actions are the outcome (customers, users, an audience).
pub(crate) const AUDIENCE: &[&str] = &[
    "customer",
    "customers",
    "user",
    "users",
    "developer",
    "developers",
    "people",
    "member",
    "members",
    "team",
    "teams",
    "account",
    "accounts",
    "client",
    "clients",
    "buyer",
    "buyers",
    "visitor",
    "visitors",
    "reader",
    "readers",
    "subscriber",
    "subscribers",
    "listener",
    "listeners",
    "player",
    "players",
    "merchant",
    "merchants",
    "maker",
    "makers",
    "builder",
    "builders",
    "contributor",
    "contributors",
    "adopter",
    "adopters",
    "shopper",
    "shoppers",
    "student",
    "students",
    "learner",
    "learners",
    "patient",
    "patients",
    "host",
    "hosts",
    "operator",
    "operators",
    "partner",
    "partners",
    "companies",
    "firms",
    "organisations",
    "organizations",
    "anyone",
    "everyone",
    "engineer",
    "engineers",
];

/// What an audience does with our work, counted: "150+ reads", "120 views".
pub(crate) const AUDIENCE_ACTIONS: &[&str] = &[
    "views",
    "view",
    "reads",
    "read",
    "downloads",
    "installs",
    "sign",
    "signups",
    "sign-ups",
    "registrants",
    "registrations",
    "visits",
    "visitors",
    "plays",
    "listens",
    "clicks",
    "replies",
    "stars",
    "subscribers",
    "followers",
    "impressions",
    "readers",
    "reached",
    "attendees",
    "participants",
    "mentions",
    "uses",
    "shares",
    "citations",
    "likes",
];

/// Nouns that name a measure of something, not the thing: a phrase whose head is one
/// ("page load time", "site noise readings") is a metric, not a deliverable.
pub(crate) const MEASURE_NOUNS: &[&str] =
    &["time", "times", "rate", "rates", "score", "speed", "latency", "share", "level", "levels", "readings"];

/// Effort our own people spend, counted (docs/domain.md#not-an-activity-proxy).
pub(crate) const EFFORT_NOUNS: &[&str] = &[
    "reviews",
    "peer reviews",
    "talks",
    "meetups",
    "conference talks",
    "events",
    "check-ins",
    "check-in calls",
    "calls",
    "meetings",
    "visits",
    "pair-programming sessions",
    "live sessions",
    "development sessions",
    "coaching sessions",
    "mentoring sessions",
    "training sessions",
    "one-on-ones",
    "interviews",
    "hours",
    "outreach",
    "efforts",
    "prospects",
    "approaches",
    "summits",
    "conferences",
];

/// Our own work items: a share of them done on time is the team's pace, not what
/// customers get ("85% of merge requests reviewed within 24 hours").
pub(crate) const INTERNAL_ITEMS: &[&str] = &[
    "merge request",
    "merge requests",
    "pull request",
    "pull requests",
    "prs",
    "builds",
    "deployments",
    "deploys",
    "bugs",
    "code reviews",
    "story points",
    "sprints",
    "milestones",
    "escalations",
    "kickoff calls",
    "setup sessions",
    "checks",
    "tasks",
    "action items",
];

// ---------------------------------------------------------------- matching

pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text as its lowercase words between single spaces, for whole-word matching.
pub(crate) fn spaced(text: &str) -> String {
    format!(" {} ", words(text).join(" "))
}

/// Whole-word (or whole-phrase, or plural) match in a [`spaced`] text, so "post"
/// does not match "postpone". Phrases are lowercase words with single spaces.
pub(crate) fn has_phrase(spaced_text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(found) = spaced_text[from..].find(phrase) {
        let at = from + found;
        let after = &spaced_text[at + phrase.len()..];
        if spaced_text[..at].ends_with(' ') && (after.starts_with(' ') || after.starts_with("s ")) {
            return true;
        }
        // Phrases are ASCII, so the byte after a match start is a char boundary.
        from = at + 1;
    }
    false
}

pub(crate) fn contains_phrase(text: &str, phrase: &str) -> bool {
    has_phrase(&spaced(text), phrase)
}

pub(crate) fn first_phrase_of<'a>(text: &str, list: &[&'a str]) -> Option<&'a str> {
    let text = spaced(text);
    list.iter().copied().find(|p| has_phrase(&text, p))
}

/// Metric words for which more is better, and for which less is: they decide which
/// way a bare target points and which part of a key result whose verb and numbers
/// disagree is the likely mistake.
pub(crate) const BETTER_HIGHER: &[&str] = &[
    "success",
    "retention",
    "satisfaction",
    "csat",
    "nps",
    "conversion",
    "activation",
    "adoption",
    "accuracy",
    "adherence",
    "uptime",
    "availability",
    "resolution",
    "engagement",
    "revenue",
    "arr",
    "mrr",
];
pub(crate) const BETTER_LOWER: &[&str] = &[
    "churn",
    "error",
    "errors",
    "failure",
    "failures",
    "latency",
    "time",
    "cost",
    "costs",
    "defect",
    "defects",
    "complaint",
    "complaints",
    "dispute",
    "disputes",
    "bug",
    "bugs",
    "incident",
    "incidents",
    "refund",
    "refunds",
    "backlog",
    "wait",
    "downtime",
    "abandonment",
    "misses",
    "reopened",
    "reopen",
    "escalated",
    "escalations",
    "late",
    "overdue",
    "abandoned",
    "churned",
    "failed",
    "missed",
    "breaches",
    "breached",
];
/// Which way a metric is good, when its words say so unambiguously ("failure rate",
/// "first response time" → decrease; "success rate", "retention" → increase).
///
/// A share of cases meeting a standard ("share of billing answers that follow the
/// current policy", "% of orders shipped on time") is better higher unless its words
/// say the cases went wrong ("share of tickets reopened").
pub fn better_when(metric: &str) -> Option<Direction> {
    // "full time maintainers", "real-time alerts": not a time to shorten.
    let mut metric = spaced(metric);
    for not_a_duration in [" full time ", " full-time ", " part time ", " part-time ", " real time ", " real-time "] {
        metric = metric.replace(not_a_duration, " ");
    }
    if has_phrase(&metric, "on time") {
        return Some(Direction::Increase);
    }
    let metric = metric.as_str();
    match (first_phrase_of(metric, BETTER_HIGHER).is_some(), first_phrase_of(metric, BETTER_LOWER).is_some()) {
        (true, false) => Some(Direction::Increase),
        (false, true) => Some(Direction::Decrease),
        (false, false) if is_share(metric) => Some(Direction::Increase),
        _ => None,
    }
}

/// "share of X", "% of X", "percent of X", "proportion of X".
fn is_share(metric: &str) -> bool {
    let w = words(metric);
    let of = w.iter().position(|x| x == "of");
    metric.trim_start().starts_with('%')
        || of.is_some_and(|at| {
            at <= 2
                && w[..at]
                    .iter()
                    .any(|x| matches!(x.as_str(), "share" | "percent" | "percentage" | "proportion" | "fraction"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verb_is_found_by_its_lemma_in_its_own_list_only() {
        // Every listed verb finds itself, or an earlier verb of its list with the same
        // lemma, through the index; inflections fold onto it.
        for list in Verbs::ALL {
            for verb in list.words() {
                let found = verb_in(list, verb).unwrap();
                let same = |v: &str| v.split_whitespace().map(lemma).collect::<Vec<_>>();
                assert_eq!(same(found), same(verb), "{verb}");
            }
        }
        assert_eq!(verb_in(Verbs::Deliver, "launched"), Some("launch"));
        assert_eq!(verb_in(Verbs::Deliver, "rolled out"), Some("roll out"));
        assert_eq!(verb_in(Verbs::Effort, "launched"), None);
    }
}

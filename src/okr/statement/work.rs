//! What a statement names when it names work rather than a changed number, in the
//! forms teams write it (docs/domain.md#reading-a-statement): an imperative ("Publish 3 guides"),
//! an end state ("Data team lead hired and onboarded", "The pricing page is live",
//! "SSO in place", "There is a prototype of X"), a capability we build ("Users can
//! export to CSV") or a bare deliverable ("Four new integrations", "Installer
//! notarisation"). And what a statement counts when an audience acts on our work
//! ("an article that gets 150+ reads"): that is an outcome even though we made the
//! article.
//!
//! Matching is by lemma (see `okr::vocabulary`), so "published", "publishes" and
//! "publish" are one verb; a past participle is a word whose lemma is a work verb
//! and which is not the statement's first word, unless the statement has no number
//! ("Finished charter v2", a status line).

use super::super::vocabulary::{
    AUDIENCE, AUDIENCE_ACTIONS, DETERMINERS, EFFORT_NOUNS, INTERNAL_PEOPLE, LEVEL_VERBS, MEASURE_NOUNS, OWN_PEOPLE,
    PREPOSITIONS, Verbs, Work, better_when, first_phrase_of, is_known_verb, is_listed_verb, is_past, lemma,
    says_change, says_change_or_level, verb_in, word_classes, words, work_verb,
};

/// Work a statement names, and how it names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkDone {
    pub kind: Work,
    pub form: WorkForm,
    /// The words that name the work, as a finding can quote them: "publish",
    /// "hired and onboarded", "is live", "there is", "can".
    pub said: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkForm {
    /// "Publish 3 guides": the leading verb names work.
    Imperative,
    /// "X hired and onboarded", "X is live", "X in place", "There is a prototype of X".
    EndState,
    /// "Users can export to CSV": what people can do once we build it, which may be
    /// either our feature (an output) or their achievement (an outcome).
    Capability,
    /// "Four new integrations", "FUSE mount": a deliverable with no verb at all.
    Thing,
    /// "Plug gaps in the funnel analysis": a command whose verb only the English
    /// lexicon knows, with no number; read as a task, and asked about, not failed.
    Task,
}

/// States that say a deliverable exists: "is live", "in place", "on trunk".
const END_STATES: &[&str] = &[
    "live",
    "in place",
    "on trunk",
    "in production",
    "generally available",
    "available",
    "done",
    "complete",
    "ready",
    "on by default",
    "in beta",
    "ga",
    "shipped",
    "up and running",
];

/// Nouns of things teams build, write or set up.
const DELIVERABLE_NOUNS: &[&str] = &[
    "integration",
    "playbook",
    "camp",
    "mount",
    "notarisation",
    "notarization",
    "prototype",
    "policy",
    "process",
    "framework",
    "template",
    "guide",
    "guideline",
    "guidelines",
    "documentation",
    "docs",
    "dashboard",
    "tool",
    "tooling",
    "feature",
    "api",
    "sdk",
    "plugin",
    "add-on",
    "app",
    "website",
    "site",
    "page",
    "program",
    "programme",
    "roadmap",
    "strategy",
    "handbook",
    "certification",
    "attestation",
    "compliance",
    "branch",
    "office",
    "support",
    "version",
    "release",
    "migration",
    "rollout",
    "redesign",
    "system",
    "library",
    "report",
    "plan",
    "course",
    "curriculum",
    "tracker",
    "board",
    "map",
    "repository",
    "repo",
    "build",
    "builds",
    "installer",
    "implementation",
    "backend",
    "client",
    "tests",
    "ci",
];

/// What people learn from: finishing it is effort, not a deliverable.
const LEARNING: &[&str] = &[
    "course",
    "tour",
    "training",
    "tutorial",
    "certification",
    "bootcamp",
    "curriculum",
    "module",
    "upskilling",
    "reskilling",
];

/// What research gathers: collecting it is effort (docs/domain.md#outcome-not-output).
const RESEARCH: &[&str] = &["feedback", "input", "insights", "interview", "interviews"];

/// What a team wins rather than makes: "Add 25 firms" is customers won, "Add expansion
/// pipeline" is business won.
const WON: &[&str] = &[
    "customer",
    "customers",
    "user",
    "users",
    "account",
    "accounts",
    "client",
    "clients",
    "firms",
    "companies",
    "buyers",
    "merchants",
    "subscribers",
    "shoppers",
    "logos",
    "organisations",
    "organizations",
    "partners",
    "paying",
    "pipeline",
    "revenue",
    "arr",
    "mrr",
    "bookings",
    "deals",
];

/// Words that end the noun phrase a number counts: "4 talks to 300 attendees" counts talks.
const PHRASE_ENDS: &[&str] =
    &["to", "for", "in", "on", "of", "with", "at", "by", "from", "per", "who", "that", "which", "and", "or"];

/// Verbs that say an audience was won by the work: "a talk that reaches 40+ developers".
const RESULT_VERBS: &[&str] = &[
    "reach", "get", "pull", "attract", "draw", "win", "bring", "gain", "drive", "earn", "include", "involve", "engage",
];

static RESULT_LEMMAS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| RESULT_VERBS.iter().map(|r| lemma(r)).collect());

/// A number at `i` of `w`, and whether "to" stands in the three words before it
/// ("to more than 25 attendees").
fn number_after_to(w: &[String], i: usize) -> (bool, bool) {
    let number = w[i].chars().next().is_some_and(|c| c.is_ascii_digit());
    (number, w[..i].iter().rev().take(3).any(|b| b == "to"))
}

/// What an audience does with our work, counted, when the statement says so: the
/// words from the number on ("150+ reads", "400 registrants", "reach 150+ developers").
pub(crate) fn audience_count(text: &str) -> Option<String> {
    let w = words(text);
    for (i, word) in w.iter().enumerate() {
        let (number, to) = number_after_to(&w, i);
        if !number {
            continue;
        }
        let after: Vec<&str> = w[i + 1..].iter().take(3).map(String::as_str).collect();
        // "2,500+ reached", "150+ reads", "400 registrants", "120 views", "120
        // non-platform team attendees": the noun the number counts, up to a word that
        // ends its phrase.
        let counted = after.iter().take_while(|a| !PHRASE_ENDS.contains(a));
        if let Some(action) = counted.clone().find(|a| AUDIENCE_ACTIONS.contains(a)) {
            return Some(format!("{word} {action}"));
        }
        // "reaches 40+ developers", "get 600 sign ups", "pulls in 40+ people".
        let before: Vec<String> = w[..i].iter().rev().take(3).map(|b| lemma(b)).collect();
        let result = before.iter().any(|b| RESULT_LEMMAS.contains(b));
        // "hand out the guide to 800 people" (`to`): people our effort reaches.
        if (result || to) && after.iter().take(3).any(|a| AUDIENCE.contains(a) || AUDIENCE_ACTIONS.contains(a)) {
            return Some(format!("{word} {}", after.join(" ")));
        }
    }
    None
}

/// People counted as those our effort goes to ("pitch the toolkit to more than 25
/// attendees"), not as what they did with it: the statement reads both ways.
pub(super) fn counted_as_recipients(text: &str) -> bool {
    let w = words(text);
    (0..w.len()).any(|i| number_after_to(&w, i) == (true, true))
}

/// The work `text` names, given the leading verb the reader found, whether a target
/// number was read and whether that number is a plain count.
pub(super) fn read_work(text: &str, verb: Option<&str>, has_target: bool, counts: bool) -> Option<WorkDone> {
    let mut w = words(text);
    // "Work with the Department to increase the districts reporting from 18 to 27":
    // the purpose's change, with its numbers, is the key result; the work is how.
    let purpose_moves = || w.windows(2).skip(1).any(|pair| pair[0] == "to" && says_change(&pair[1]));
    if verb.is_some() && has_target && purpose_moves() {
        return None;
    }
    if let Some(verb) = verb {
        match work_of_verb_list(text, verb, has_target) {
            Some(Command::Work(work)) => return Some(work),
            Some(_) => return None,
            None => {}
        }
        match command(&w, verb) {
            Command::Work(work) => return Some(work),
            Command::NotWork => return None,
            // "Achieve HIPAA compliance attestation": read what follows the level verb.
            Command::ReadOn => w = w.split_off(verb.split_whitespace().count().min(w.len())),
        }
    }
    if w.is_empty() {
        return None;
    }
    stated_work(&w, has_target, counts)
        .or_else(|| ours_or_bare(&w, has_target, counts))
        .or_else(|| if verb.is_none() { lexicon_task(&w, has_target) } else { None })
}

/// "Research & finalize proposals", "sanitize, publish and archive the results",
/// "Host and deliver the AGM", "Improve and refresh the website": a list of verbs
/// that opens a command names all of their work. Effort anywhere in the list is
/// effort (the activity rule asks about it); else a verb that makes something makes
/// it a deliverable, whatever the first verb says (a verb no list has, or, with no
/// number to move, a direction).
fn work_of_verb_list(text: &str, verb: &str, has_target: bool) -> Option<Command> {
    // Most commands have one verb: no joiner, nothing to read here.
    let joined = text.contains(['&', ',', '/'])
        || text.split_whitespace().any(|x| x.eq_ignore_ascii_case("and") || x.eq_ignore_ascii_case("or"));
    if !joined {
        return None;
    }
    // "&", "/" and "," join verbs as "and" does; the word list drops symbols.
    let w = words(&text.replace(['&', ',', '/'], " and "));
    let mut rest = w.iter().skip(verb.split_whitespace().count()).map(String::as_str).take(8).peekable();
    let mut listed = vec![work_verb(verb)];
    let mut moves_metric = says_change_or_level(verb);
    let mut listed_words: Vec<&str> = Vec::new();
    loop {
        // "Build out and run ...": a particle stays with its verb.
        rest.next_if(|x| matches!(*x, "out" | "up" | "down" | "off" | "over"));
        // Each further verb of the list stands right after a joiner.
        if rest.next_if(|x| matches!(*x, "and" | "or")).is_none() {
            break;
        }
        // "Generate and openly publish": an adverb stays with its verb.
        rest.next_if(|x| x.len() > 4 && x.ends_with("ly"));
        match rest.next() {
            Some(next) if is_known_verb(next) => {
                moves_metric |= says_change_or_level(next);
                listed_words.push(next);
                listed.push(work_verb(next));
            }
            _ => break,
        }
    }
    if listed.len() < 2 {
        return None;
    }
    // "Call and sign 10 new customers": customers won are not work. "Track and raise
    // team satisfaction": a metric moved by a verb of the list is not work either.
    // The object's head stands before a preposition, as for a single verb.
    let object: Vec<&str> = rest.take(5).collect();
    let head = object.iter().take_while(|x| !OBJECT_ENDS.contains(x)).last();
    let staffing = is_staffing(verb) || listed_words.iter().any(|v| is_staffing(v));
    let won = head.is_some_and(|head| WON.contains(head)) && !staffing;
    if won || (moves_metric && better_when(&object.join(" ")).is_some()) {
        return Some(Command::NotWork);
    }
    let named = |kind: Work| listed.iter().flatten().find(|(k, _)| *k == kind).map(|(k, v)| (*k, *v));
    // With a number a verb of direction moves it ("Improve and publish 3 guides"
    // is read by the number), unless effort is listed too ("Boost and applaud 15
    // launches": the applause is the team's doing).
    if has_target && says_change_or_level(verb) && named(Work::Effort).is_none() {
        return None;
    }
    let (kind, said) = named(Work::Effort).or_else(|| named(Work::Deliverable))?;
    Some(Command::Work(WorkDone { kind, form: WorkForm::Imperative, said: said.to_string() }))
}

/// "Plug gaps in the funnel analysis", "Remove hacky workarounds for the gate": a
/// first word no verb list has, which English knows as a verb, in its base form,
/// before an object, with no number anywhere. Its reading rests on a lexicon, not on
/// the sentence's shape, so the form is `Task` and the check asks. Customers or
/// business won in the object ("Delight returning customers") are not a task.
fn lexicon_task(w: &[String], has_target: bool) -> Option<WorkDone> {
    const AUXILIARIES: &[&str] =
        &["is", "are", "was", "were", "be", "been", "will", "should", "must", "can", "has", "have", "had", "does"];
    let (first, next) = (w.first()?, w.get(1)?);
    let base_form = first.len() >= 3
        && first.chars().all(|c| c.is_ascii_lowercase())
        && (first.ends_with("ss") || !first.ends_with('s'))
        && !["ed", "ly", "ing"].iter().any(|end| first.ends_with(end));
    let verb = word_classes(first);
    if has_target || !base_form || is_known_verb(first) || !verb.can_lead_command() {
        return None;
    }
    // The next word starts an object: a noun, an adjective or a determiner, or a word
    // English does not list (a name); not a verb of ours ("Churn increases"), so the
    // first word is not a subject.
    let object = word_classes(next);
    // A verb of ours after the first word makes it a subject ("Churn increases"); a
    // gerund there is the object ("Receive building consent").
    let takes_object = !AUXILIARIES.contains(&next.as_str())
        && (next.ends_with("ing") || !is_listed_verb(next))
        && !object.numeral
        && !object.preposition
        && !next.chars().any(|c| c.is_ascii_digit())
        && (!object.known || object.nominal || DETERMINERS.contains(&next.as_str()));
    let won = w.iter().skip(1).take(5).any(|x| WON.contains(&x.as_str()) || AUDIENCE.contains(&x.as_str()));
    if !takes_object || won {
        return None;
    }
    // "Collect input from applicants": research gathered is effort, whatever the verb.
    let object = &w[1..w.len().min(6)];
    let effort = first_phrase_of(&object.join(" "), EFFORT_NOUNS).is_some()
        || object.iter().take(2).any(|x| RESEARCH.contains(&x.as_str()));
    let kind = if effort { Work::Effort } else { Work::Deliverable };
    Some(WorkDone { kind, form: WorkForm::Task, said: w[..w.len().min(4)].join(" ") })
}

/// Words that end a command's object: "SSO for enterprise customers" is made for
/// them, "80% of customers" are moved, not won.
const OBJECT_ENDS: &[&str] = &["for", "of", "to", "with", "in", "on", "across", "at", "from"];

/// People hired, recruited or trained are staff, a deliverable, not customers won.
fn is_staffing(verb: &str) -> bool {
    matches!(verb, "hire" | "recruit" | "train")
}

/// What a leading verb (or a list of verbs) says of the work.
enum Command {
    Work(WorkDone),
    /// A verb of direction, or customers won: a changed number, not work.
    NotWork,
    /// A level verb ("achieve", "reach") before what is reached: read that.
    ReadOn,
}

/// The work a command names: its verb, and its object where the verb alone cannot
/// tell (customers won, learning finished, work started, a verb no list has).
fn command(w: &[String], verb: &str) -> Command {
    let imperative = |kind| Command::Work(WorkDone { kind, form: WorkForm::Imperative, said: verb.to_string() });
    // The object: the words after the verb, up to a preposition (`OBJECT_ENDS`).
    let object: Vec<&str> =
        w.iter().skip(1).take(5).map(String::as_str).take_while(|x| !OBJECT_ENDS.contains(x)).collect();
    let own_people = first_phrase_of(&object.join(" "), INTERNAL_PEOPLE).is_some();
    let learning = object.iter().any(|x| LEARNING.contains(x));
    // "Get feedback on the prototype", "Collect input from applicants", "Find and
    // interview 4 lenders": research gathered is effort, whatever the verb; what it
    // taught is the result.
    let research = object.iter().take(2).any(|x| RESEARCH.contains(x));
    if research && !object.last().is_some_and(|head| WON.contains(head)) {
        return imperative(Work::Effort);
    }
    match work_verb(verb) {
        // "Add 25 Global 2000 firms", "Add expansion pipeline": customers or
        // business won, not work.
        Some(_) if object.last().is_some_and(|head| WON.contains(head)) && !is_staffing(verb) => Command::NotWork,
        // "Finish the Go tour", "Complete the security course": learning is effort.
        Some((Work::Deliverable, _)) if learning && matches!(verb, "finish" | "complete") => imperative(Work::Effort),
        // "Start drafting the contracts", "Begin work on in-app comments": starting
        // is effort; the work begun is not yet a deliverable.
        Some((_, "start" | "begin" | "kick off"))
            if object.first().is_some_and(|x| x.ends_with("ing") || *x == "work") =>
        {
            imperative(Work::Effort)
        }
        Some((kind, _)) => imperative(kind),
        // "Onboard 4 new designers": staff joined is a hire, an output.
        None if verb == "onboard" && own_people => imperative(Work::Deliverable),
        // "Achieve HIPAA compliance attestation", "Achieve 6/6 developers having
        // completed the course": a level verb before an end state; read what follows.
        None if LEVEL_VERBS.contains(&verb) => Command::ReadOn,
        // "Restructure the budget workbooks", "Patch all critical alerts": a command
        // whose verb no list has is a task; its object says whether the task makes
        // something or is effort ("Attend the partner summits").
        None if !is_known_verb(verb) => {
            if object.iter().any(|x| WON.contains(x) || AUDIENCE.contains(x)) {
                return Command::NotWork;
            }
            let effort = first_phrase_of(&object.join(" "), EFFORT_NOUNS).is_some();
            imperative(if effort { Work::Effort } else { Work::Deliverable })
        }
        // "Increase new client NPS": a verb of direction moves a metric.
        None => Command::NotWork,
    }
}

/// Work stated as done or as existing: "There is a prototype", participles ("lead
/// hired and onboarded"), end states ("X is live", "SSO in place").
fn stated_work(w: &[String], has_target: bool, counts: bool) -> Option<WorkDone> {
    let spaced = format!(" {} ", w.join(" "));
    // "There is a prototype of X", "There are 3 new integrations".
    if (spaced.starts_with(" there is ") || spaced.starts_with(" there are ")) && !has_target {
        let said = w[..2].join(" ");
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said });
    }
    // Participles of work verbs after the subject: "lead hired and onboarded", "policy
    // drafted, reviewed, merged", "builds shipped", "reports added to the repo".
    // With no number, a participle may open the statement as a status line does
    // ("Finished charter v2", "Finalized proposal for grants"); one English also uses
    // as a preposition ("Given clear requirements, ...") does not.
    let from = if has_target || w.len() < 2 { 1 } else { 0 };
    let participles: Vec<(usize, Work)> = w
        .iter()
        .enumerate()
        .skip(from)
        .filter(|(i, word)| is_past(word) && (*i > 0 || !word_classes(word).preposition))
        .filter_map(|(i, word)| work_verb(word).map(|(kind, _)| (i, kind)))
        .filter(|&(i, kind)| !is_attributive(w, i, kind) && !others_did_it(w, i))
        .collect();
    // "Export functionality 70% completed by the ship date": a share right before a
    // participle of making is how much of a deliverable is done.
    let progress = |&&(i, kind): &&(usize, Work)| {
        kind == Work::Deliverable && i > 0 && w[i - 1].chars().all(|c| c.is_ascii_digit())
    };
    // With a target that is not a count ("15% of pipeline sourced at events") a
    // participle describes the metric; with a count it may be the deliverable ("15
    // adopter reports added").
    if let Some(&(first, kind)) = participles.first().filter(|p| !has_target || counts || progress(p)) {
        // "All content team members are trained", "6/6 developers having completed the
        // course": our own people doing it is effort, whatever the verb; customers
        // doing it ("users who completed onboarding") is their behaviour, not our work.
        let own_people = first_phrase_of(&w[..first].join(" "), INTERNAL_PEOPLE).is_some();
        if own_people || !audience_before(&w[..first]) {
            let last = participles.last().map_or(first, |p| p.0);
            let said = w[first..=last].join(" ");
            let kind = if own_people {
                Work::Effort
            } else if participles.iter().any(|p| p.1 == Work::Deliverable) {
                Work::Deliverable
            } else {
                kind
            };
            return Some(WorkDone { kind, form: WorkForm::EndState, said });
        }
    }
    // "X is live", "SSO in place for every plan", "case-insensitive IDs are on by default".
    // After a modal or "to" the word is a verb: "Users can complete everyday tasks".
    let as_verb = |state: &str| {
        ["can", "will", "to", "should", "must", "could", "would"]
            .iter()
            .any(|m| spaced.contains(&format!(" {m} {state} ")))
    };
    if let Some(state) = END_STATES.iter().find(|s| spaced.contains(&format!(" {s} ")) && !as_verb(s)) {
        let be = ["is", "are", "be", "goes", "go", "went"].iter().any(|b| spaced.contains(&format!(" {b} {state} ")));
        if be || !has_target {
            return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said: (*state).to_string() });
        }
    }
    // "Account data is encrypted and stored safely", "old endpoints have been retired":
    // a thing of ours in the passive, with no number, was done to; unless the verb
    // says a change or a level ("churn is reduced") or the subject is the audience.
    if !has_target
        && let Some(be) = w.iter().skip(1).position(|x| matches!(x.as_str(), "is" | "are" | "been")).map(|p| p + 1)
        && let Some(done) = w.get(be + 1).filter(|x| is_past(x))
        && !says_change_or_level(done)
        && !audience_before(&w[..be])
    {
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said: w[be..=be + 1].join(" ") });
    }
    None
}

/// Whether the past form at `i` is an active verb whose subject is not the team:
/// before its object ("apps added the platform as a dependency", "5 members of the
/// data team have merged 3 pull requests") it says the subject did it, and a subject
/// other than our own people doing our kind of work is adoption, not our output.
fn others_did_it(w: &[String], i: usize) -> bool {
    // "have opened and merged 3 pull requests": the object follows the list.
    let mut next = i + 1;
    while w.get(next).is_some_and(|x| x == "and") && w.get(next + 1).is_some_and(|x| is_past(x)) {
        next += 2;
    }
    let object_next = w.get(next).is_some_and(|x| {
        DETERMINERS.contains(&x.as_str())
            || x.starts_with(|c: char| c.is_ascii_digit())
            || (x == "at" && w.get(next + 1).is_some_and(|y| y == "least"))
    });
    let subject = w[..i].join(" ");
    let ours = w[..i].iter().any(|x| matches!(x.as_str(), "we" | "our" | "us"))
        || first_phrase_of(&subject, INTERNAL_PEOPLE).is_some()
        || first_phrase_of(&subject, OWN_PEOPLE).is_some();
    i >= 2 && object_next && !ours
}

/// Whether the participle at `i`, of work of `kind`, is an adjective: after an
/// article or a preposition ("get a written review", "in agreed, common format"),
/// or, for effort, before a noun ("Support for verified build outputs"). It then
/// describes a thing and does not say the work was done.
fn is_attributive(w: &[String], i: usize, kind: Work) -> bool {
    let after_article =
        i > 0 && (DETERMINERS.contains(&w[i - 1].as_str()) || PREPOSITIONS.contains(&w[i - 1].as_str()));
    let before_noun = kind == Work::Effort
        && w.get(i + 1).is_some_and(|next| {
            let classes = word_classes(next);
            classes.nominal && !classes.preposition && !classes.function_word && !AUDIENCE.contains(&next.as_str())
        });
    after_article || before_noun
}

/// Work told as what the team has or can do, what its people should do, or a
/// deliverable named with no verb at all.
fn ours_or_bare(w: &[String], has_target: bool, counts: bool) -> Option<WorkDone> {
    // "We have full visibility into X", "The team has a clear view of Y": a state of
    // our own team, which the team reaches by doing work.
    let ours = match w {
        [we, verb, ..] if we == "we" => Some((2, verb.as_str())),
        [the, team, verb, ..] if matches!(the.as_str(), "the" | "our") && team == "team" => Some((3, verb.as_str())),
        _ => None,
    };
    if !has_target && let Some((len, _)) = ours.filter(|(_, v)| matches!(*v, "have" | "has" | "know" | "knows")) {
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said: w[..len].join(" ") });
    }
    // "All squads should adopt a contract-first approach", "Platform engineers must
    // write load-test plans": what the team's own people should do is effort.
    if let Some(modal) = w.iter().position(|x| matches!(x.as_str(), "should" | "must" | "shall"))
        && first_phrase_of(&w[..modal].join(" "), INTERNAL_PEOPLE).is_some()
    {
        return Some(WorkDone { kind: Work::Effort, form: WorkForm::EndState, said: w[..=modal].join(" ") });
    }
    // "Team members miss no more than 10% of stand-ups", "Each member of the team does
    // platform work": the team's own people doing something, in the present tense.
    if let Some(verb) = own_people_subject(w) {
        return Some(WorkDone { kind: Work::Effort, form: WorkForm::EndState, said: w[..=verb].join(" ") });
    }
    // "Ranked games playable in the browser", "Uploadable and shareable cards": what
    // a thing can have done to it once built, with no number, is a capability.
    if !has_target
        && let Some(able) = w.iter().find(|x| is_capability_adjective(x))
        && !w.iter().any(|x| AUDIENCE.contains(&x.as_str()))
    {
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::Capability, said: able.clone() });
    }
    // "The HTTP client library exposes the new API", "Daemon and CLI library use the
    // new API": what a piece of our software does, said in the present tense, is a
    // deliverable once built. The verb must take an object (an article or determiner
    // after it), so "the site feels fast" is not read this way.
    if !has_target
        && let Some(k) = (1..w.len().saturating_sub(1)).find(|&k| {
            let verb = w[k].as_str();
            let present = (verb.ends_with('s') && !verb.ends_with("ss")) || matches!(verb, "use" | "support" | "run");
            present
                && first_phrase_of(&w[k - 1], DELIVERABLE_NOUNS).is_some()
                && DETERMINERS.contains(&w[k + 1].as_str())
        })
    {
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said: w[k - 1..=k].join(" ") });
    }
    // "Users can choose not to announce every chunk", "We can measure the effect".
    if !has_target && let Some(can) = w.iter().position(|x| x == "can" || x == "will") {
        let said = w[..=can].join(" ");
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::Capability, said });
    }
    // "Every module has tests", "Each key account has a written expansion plan".
    if !has_target
        && let Some(has) = w.iter().position(|x| x == "has" || x == "have" || x == "gets" || x == "get")
        && (first_phrase_of(&w[has + 1..].join(" "), DELIVERABLE_NOUNS).is_some()
            || w[has + 1..].iter().any(|x| x == "goal" || is_past(x)))
    {
        let said = w[has..].join(" ");
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said });
    }
    // A bare deliverable: no verb of any kind, no number, nobody acting. A head noun
    // made from a verb ("Moderation of cards and rule sets", "Notarisation of the
    // installer") names work to do as well as any listed noun.
    let verbless = !(0..w.len()).any(|i| looks_like_verb(w, i));
    let audience = w.iter().any(|x| AUDIENCE.contains(&x.as_str()));
    let made_from_verb = w.first().is_some_and(|x| x.len() > 6 && (x.ends_with("ation") || x.ends_with("isation")));
    // A phrase whose last word is a measure names a metric of the thing, not the
    // thing: "construction site noise readings" are readings.
    let measure = w.last().is_some_and(|last| MEASURE_NOUNS.contains(&last.as_str()));
    let deliverable =
        !measure && (first_phrase_of(&w.join(" "), DELIVERABLE_NOUNS).is_some() || (made_from_verb && !has_target));
    if verbless && !audience && (!has_target || counts) && deliverable {
        return Some(WorkDone { kind: Work::Deliverable, form: WorkForm::Thing, said: w.join(" ") });
    }
    None
}

/// Where the verb stands when the statement's subject is the team's own people
/// (`OWN_PEOPLE`, the words that cannot mean customers) followed by a verb in the
/// present tense: "reps finish their plans", "team members miss stand-ups". A form of
/// be or have says a state, read elsewhere; "team members who ..." or "team members
/// using ..." is a noun phrase, not a subject with its verb.
fn own_people_subject(w: &[String]) -> Option<usize> {
    const NOT_A_VERB: &[&str] = &[
        "who", "that", "which", "and", "or", "with", "in", "on", "for", "of", "to", "from", "at", "by", "per",
        "across", "is", "are", "was", "were", "be", "been", "has", "have", "had", "can", "will", "would", "could",
        "not",
    ];
    // Only counts and quantifiers stand before the people, and one modifier
    // ("platform engineers"): in "eNPS staff satisfaction" the people name a measure.
    const QUANTIFIERS: &[&str] = &["each", "every", "all", "our", "the", "at", "least", "most", "of", "key", "core"];
    // A noun after the people ("staff turnover", "team member engagement") is not
    // their verb.
    const NOUN_ENDS: &[&str] = &["tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "over", "age"];
    let (k, people) = (1..w.len().min(7)).find_map(|k| {
        let subject = format!(" {}", w[..k].join(" "));
        OWN_PEOPLE.iter().find(|p| subject.ends_with(&format!(" {p}"))).map(|p| (k, *p))
    })?;
    let before = &w[..k - people.split_whitespace().count()];
    let quantifier = |x: &String| QUANTIFIERS.contains(&x.as_str()) || x.chars().all(|c| c.is_ascii_digit());
    let quantified = before.split_last().is_none_or(|(_, rest)| rest.iter().all(quantifier));
    let verb = w.get(k)?.as_str();
    let plain = verb.chars().all(|c| c.is_ascii_alphabetic())
        && !verb.ends_with("ing")
        && !is_past(verb)
        && !NOUN_ENDS.iter().any(|end| verb.ends_with(end))
        && !NOT_A_VERB.contains(&verb);
    // What they act on: customers or business won ("reps convert 25% of trials to
    // paying accounts") is an outcome said with the team as its subject.
    let object = &w[k + 1..];
    let won = object.iter().any(|x| WON.contains(&x.as_str()) || AUDIENCE.contains(&x.as_str()));
    (quantified && plain && !object.is_empty() && !won).then_some(k)
}

/// "playable", "uploadable", "shareable", "searchable": an adjective of what can be
/// done to a thing, which a team builds. Qualities a customer judges ("reliable",
/// "stable", "valuable", "comfortable") and "available" (an end state, read above)
/// are not.
fn is_capability_adjective(word: &str) -> bool {
    const QUALITIES: &[&str] = &[
        "available",
        "reliable",
        "stable",
        "valuable",
        "comfortable",
        "capable",
        "predictable",
        "profitable",
        "sustainable",
        "affordable",
        "acceptable",
        "noticeable",
        "measurable",
        "suitable",
        "favorable",
        "favourable",
        "reasonable",
        "considerable",
        "table",
        "able",
        "vulnerable",
        "responsible",
        "possible",
        "visible",
        "accessible",
        "flexible",
        "credible",
        "eligible",
        "sensible",
        "feasible",
    ];
    word.len() > 6 && (word.ends_with("able") || word.ends_with("ible")) && !QUALITIES.contains(&word)
}

/// Customers or an audience doing what the participle says: "users who completed
/// onboarding", "share of new teams activated". An audience word that only modifies a
/// noun ("adopter reports added") is not who did it.
fn audience_before(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        AUDIENCE.contains(&w.as_str())
            && words.get(i + 1).is_none_or(|next| matches!(next.as_str(), "who" | "that" | "which" | "having"))
    })
}

/// Whether `words[i]` is a verb: a form of be/have/can, a verb the vocabulary knows,
/// or an "-ing" form that is not a noun after a preposition ("a playbook for
/// presenting"). A word that is also a deliverable noun ("build", "release") is not.
fn looks_like_verb(words: &[String], i: usize) -> bool {
    let word = words[i].as_str();
    if first_phrase_of(word, DELIVERABLE_NOUNS).is_some() {
        return false;
    }
    if word.ends_with("ing") {
        let after_preposition = i > 0
            && matches!(
                words[i - 1].as_str(),
                "for" | "of" | "by" | "in" | "on" | "with" | "without" | "about" | "from" | "at"
            );
        return !after_preposition;
    }
    // "by end of Q3": a time bound, not the verb "end".
    if i > 0 && matches!(words[i - 1].as_str(), "by" | "the" | "year" | "quarter" | "month") {
        return false;
    }
    // A verb as written: its base form or an inflection of it. The stem alone would
    // make "standard" a form of "standardize".
    let inflected = |verb: &str| {
        word == verb
            || [format!("{verb}s"), format!("{verb}es"), format!("{verb}d"), format!("{verb}ed")]
                .iter()
                .any(|f| f == word)
    };
    matches!(
        word,
        "is" | "are"
            | "be"
            | "was"
            | "were"
            | "has"
            | "have"
            | "had"
            | "can"
            | "will"
            | "should"
            | "must"
            | "do"
            | "does"
    ) || verb_in(Verbs::Level, word).is_some_and(inflected)
        || work_verb(word)
            .is_some_and(|(kind, verb)| inflected(verb) || (is_past(word) && !is_attributive(words, i, kind)))
}

//! The key-result rules: measurable, baseline, relative target, outcome not output,
//! activity proxy, direction, time bound, owner.

use super::*;

pub(super) fn kr_measurable(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.measurable";
    Some(match kr.kr_type {
        KrType::Milestone => {
            Finding::warn(RULE, "a milestone (done or not done): allowed, but usually an output in disguise")
                .ask("What number would tell you the milestone helped a customer? Measure that instead.")
        }
        KrType::Baseline if kr.metric_name.is_some() || kr.metric_id.is_some() => {
            Finding::pass(RULE, "establishes the baseline of a new metric this cycle")
        }
        _ if kr.target.is_none() && kr.threshold.is_none() && kr.relative_change.is_none() => {
            Finding::fail(RULE, "has no target number: it cannot be measured")
                .ask("Which number will show this happened, and what value is success?")
                .suggest("Write it as verb + metric + from X to Y, such as \"Raise week-1 retention from 50% to 65%\"")
        }
        _ if kr.metric_name.is_none() && kr.metric_id.is_none() => {
            Finding::warn(RULE, "has a number but no metric could be read").ask("What exactly is measured?")
        }
        _ => Finding::pass(RULE, "has a metric and a target"),
    })
}

pub(super) fn kr_baseline_known(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.baseline_known";
    if matches!(kr.kr_type, KrType::Milestone | KrType::Baseline) {
        return None;
    }
    Some(match kr.baseline {
        Some(b) => Finding::pass(RULE, format!("baseline {}", with_unit(b, kr.unit.as_ref()))),
        None => Finding::warn(RULE, "no baseline: a target means little without today's value")
            .ask("What is the value today? If nobody knows, make establishing it the first step.")
            .suggest("Add \"from <today's value>\" to the statement, or record a measurement of the metric"),
    })
}

pub(super) fn kr_relative_target(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.relative_target";
    let change = kr.relative_change.as_ref()?;
    let verb = if change.direction == Direction::Decrease { "Reduce" } else { "Raise" };
    let metric = kr.metric_name.clone().unwrap_or_else(|| "the metric".into());
    Some(match (kr.baseline, kr.target) {
        (Some(_), Some(_)) => Finding::pass(RULE, "relative change given with absolute baseline and target"),
        (Some(b), None) => {
            let sign = if change.direction == Direction::Decrease { -1.0 } else { 1.0 };
            let t = if change.percent { b * (1.0 + sign * change.amount / 100.0) } else { b + sign * change.amount };
            Finding::warn(RULE, "relative target: state it as an absolute number so progress is unambiguous").suggest(
                format!(
                    "{verb} {metric} from {} to {}",
                    with_unit(b, kr.unit.as_ref()),
                    with_unit(t, kr.unit.as_ref())
                ),
            )
        }
        _ => Finding::fail(
            RULE,
            format!(
                "\"{}{}\" cannot be computed without a baseline",
                fmt_num(change.amount),
                if change.percent { "%" } else { "" }
            ),
        )
        .ask(format!("What is {metric} today?"))
        .suggest(format!(
            "{verb} {metric} from <today's value> to <today's value {} {}{}>",
            if change.direction == Direction::Decrease { "minus" } else { "plus" },
            fmt_num(change.amount),
            if change.percent { "%" } else { "" }
        )),
    })
}

pub(super) fn kr_outcome_not_output(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.outcome_not_output";
    let parsed = &kr.parsed;
    // "Enroll 100% of support staff in the refunds training": our own people doing
    // something is effort, however it is phrased; the activity rule says so.
    if own_people_doing(kr).is_some() {
        return Some(Finding::pass(RULE, "counts what your own people do: effort, not a deliverable"));
    }
    // "35% of speakers are women", "internal promotion rate to 25%": who makes up the
    // team or the line-up is chosen by hiring, promoting and booking, and it may also
    // be what the objective wants. Both readings are common; the check asks.
    let core = parsed.core.to_lowercase();
    if let Some(make_up) = first_phrase_of(&core, MAKE_UP)
        && first_phrase_of(&core, AUDIENCE).is_none()
    {
        return Some(
            Finding::warn(
                RULE,
                format!("counts who makes up your people (\"{make_up}\"): a make-up you set by hiring, promoting or inviting (an output), or a change in who joins and stays (an outcome)"),
            )
            .ask("Is this make-up the goal itself, or what it should bring? If the latter, measure that: who applies, joins, stays or takes part."),
        );
    }
    let work = parsed.work.as_ref();
    let verb = work.filter(|w| w.form == WorkForm::Imperative).map(|w| w.said.as_str());
    // "Ship 90% of orders within 2 days": a share of the customers' orders, tickets or
    // applications meeting a condition is what they get, whatever the verb; a share of
    // the team's own work ("ship 100% of roadmap features") is still output.
    // A share with no standard to meet ("migrate 80% of customers to the new billing
    // system") is a project's completion: the verb decides, as for any statement.
    let standard = |condition: &str| {
        first_phrase_of(
            condition,
            &["within", "under", "below", "less than", "on time", "same day", "first", "without"],
        )
        .is_some()
    };
    if let Some(share) = &parsed.share
        && (verb.is_none() || share.condition.as_deref().is_some_and(standard))
        && first_phrase_of(&share.population, OUTPUT_NOUNS).is_none()
        && first_phrase_of(&share.population, &["feature", "release", "project", "task", "story", "epic"]).is_none()
    {
        return Some(Finding::pass(RULE, format!("measures the share of {} that meet a condition", share.population)));
    }
    // "Write an article that gets 150+ reads": what the audience does is the outcome,
    // even though the article is ours.
    if let Some(audience) = &parsed.audience {
        return Some(Finding::pass(RULE, format!("counts what an audience does (\"{audience}\"), an outcome")));
    }
    // "Log one build finished per chapter member", "pages per visit": a count per
    // person of the audience, or per visit, is their behaviour, whatever it counts.
    if per_audience(kr) && !matches!(work, Some(WorkDone { form: WorkForm::Imperative, .. })) {
        return Some(Finding::pass(RULE, "counts what an audience does, per person or per visit: an outcome"));
    }
    let what = match work {
        Some(WorkDone { kind: Work::Deliverable, form: WorkForm::Capability, said }) => {
            return Some(capability_question(kr, said));
        }
        Some(WorkDone { kind: Work::Deliverable, form: WorkForm::Task, said }) => {
            return Some(
                Finding::warn(
                    RULE,
                    format!("reads as a task (\"{said} ...\"): done or not done, not a change customers see"),
                )
                .ask("Is this a task? If so, keep it as an initiative and measure what should change for customers once it is done.")
                .suggest(outcome_rewrite(kr)),
            );
        }
        Some(WorkDone { form: WorkForm::Imperative, said, .. }) if let Some(measure) = measure_attached(kr) => {
            return Some(two_readings_with_measure(RULE, said, &measure));
        }
        Some(WorkDone { kind: Work::Deliverable, said, .. }) if let Some(doers) = done_by_audience(&parsed.core) => {
            return Some(two_readings_done_by(RULE, said, &doers));
        }
        Some(WorkDone { form: WorkForm::Imperative, said, .. }) => format!("\"{said}\" names work done"),
        Some(WorkDone { kind: Work::Deliverable, form: WorkForm::EndState, said }) => {
            format!("says a piece of work is done (\"{said}\")")
        }
        Some(WorkDone { kind: Work::Deliverable, form: WorkForm::Thing, said }) => {
            format!("names a deliverable (\"{said}\"), not a change")
        }
        // Our people's effort in an end state ("team members are trained") is the
        // activity rule's to say.
        Some(WorkDone { kind: Work::Effort, .. }) => {
            return Some(Finding::pass(RULE, "names effort, not a deliverable"));
        }
        None => match counted_output(kr) {
            Some(noun) => format!("counts {noun}s produced"),
            None => return Some(own_code(kr).unwrap_or_else(|| Finding::pass(RULE, "measures an outcome"))),
        },
    };
    Some(Finding::fail(RULE, format!("{what}: that is an output (an initiative), not an outcome"))
        .ask("Could you hit this without actually helping a customer? What should change for customers when it is done?")
        .suggest(outcome_rewrite(kr)))
}

/// "Run 3 satisfaction surveys, >75% satisfaction", "Deliver 3 enhancements with
/// ≥75% positive client feedback": work, and a level customers give it. The level is
/// the outcome; the work is how the team means to reach it.
fn measure_attached(kr: &KeyResultPlan) -> Option<String> {
    const GIVEN: &[&str] = &["positive", "feedback", "rating", "ratings", "satisfied", "happy"];
    let w: Vec<&str> = kr.parsed.core.split_whitespace().collect();
    w.iter().enumerate().skip(1).find_map(|(i, word)| {
        let number = word.trim_start_matches(['>', '≥', '~']);
        if !(number.ends_with('%') && number[..number.len() - 1].parse::<f64>().is_ok()) {
            return None;
        }
        // The words after the level, up to the last that names what customers give
        // ("positive client feedback").
        let after: Vec<&str> = w[i + 1..w.len().min(i + 4)].to_vec();
        let gives = |x: &&str| {
            let x = x.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            GIVEN.contains(&x.as_str()) || better_when(&x) == Some(Direction::Increase)
        };
        let last = after.iter().rposition(gives)?;
        Some(format!("{word} {}", after[..=last].join(" ")).trim_end_matches([',', '.', ';']).to_string())
    })
}

/// "Publish docs written by 6+ contributors", "a guide reviewed by customers": the
/// work's doers, when the statement names them after "by" and they are the audience
/// (not the team: "written by new team members" stays ours). Work that others take up
/// is adoption, so the check asks rather than fails.
fn done_by_audience(core: &str) -> Option<String> {
    let w = words(core);
    w.iter().enumerate().filter(|(_, x)| *x == "by").find_map(|(by, _)| {
        // The agent's words: numbers, "at least" and adjectives stand before its
        // head; "by 20%" and "by March" name no one.
        let agent: Vec<&str> = w[by + 1..].iter().take(4).map(String::as_str).collect();
        let head = agent.iter().position(|x| AUDIENCE.contains(x))?;
        let phrase = agent[..=head].join(" ");
        let ours = first_phrase_of(&phrase, OWN_PEOPLE).is_some() || matches!(agent[head], "team" | "teams");
        (!ours).then(|| format!("by {phrase}"))
    })
}

/// Work whose doers may be the audience: asked, not failed.
fn two_readings_done_by(rule: &'static str, work: &str, doers: &str) -> Finding {
    Finding::warn(
        rule,
        format!("reads two ways: \"{work}\" names work, and \"{doers}\" says others do it: what your audience does is an outcome, what your team does is not"),
    )
    .ask(format!(
        "Who does this work? If it is {}, count what they do; if it is your team, keep it as an initiative and measure what should change for the audience.",
        doers.trim_start_matches("by ")
    ))
}

/// Work with a level customers give attached: asked, not failed.
fn two_readings_with_measure(rule: &'static str, work: &str, measure: &str) -> Finding {
    Finding::warn(
        rule,
        format!("reads two ways: \"{work}\" names work done, and \"{measure}\" is a level customers give"),
    )
    .ask(format!("Is {measure} the result you will be judged on? If so, make it the key result, from today's level to the target, and keep the work as the plan."))
}

/// "Twelve blog posts", "Four new integrations": a count going up of things the team
/// makes. A count per member of the audience ("posts per member") is their behaviour.
fn counted_output(kr: &KeyResultPlan) -> Option<&'static str> {
    // "Get covered in 6 industry newsletters", "Be featured in 3 podcasts": coverage
    // others give us, said in the passive, is earned, not made.
    let first = kr.parsed.core.split_whitespace().next().unwrap_or("").to_lowercase();
    if matches!(first.as_str(), "get" | "be" | "getting" | "being")
        && words(&kr.parsed.core).get(1).is_some_and(|done| is_past(done))
    {
        return None;
    }
    // Fewer meetings or calls is not work produced: only a count going up is output.
    let counts = matches!(kr.unit, None | Some(Unit::Count)) && kr.direction != Some(Direction::Decrease);
    counts.then(|| counted_words(kr).split(" | ").find_map(output_head)).flatten().filter(|_| !per_audience(kr))
}

/// A count per member of the audience or per visit they make ("posts per member",
/// "pages per visit"): a rate of their behaviour.
fn per_audience(kr: &KeyResultPlan) -> bool {
    const OCCASIONS_OF_USE: &[&str] = &["visit", "visits", "session", "sessions", "login", "logins"];
    spaced(&kr.parsed.core)
        .split(" per ")
        .skip(1)
        .any(|after| first_phrase_of(after, AUDIENCE).or_else(|| first_phrase_of(after, OCCASIONS_OF_USE)).is_some())
}

/// The output noun a counted phrase names, unless its head (the last word, past
/// participles aside) is what an audience does or who they are, or a measure:
/// "newsletter subscribers", "app-store page visitors", "article shares", "newsletter
/// list" and "page load time" count an audience, its behaviour or a quality, not
/// things made.
fn output_head(phrase: &str) -> Option<&'static str> {
    let mut w = words(phrase);
    while w.len() > 1 && w.last().is_some_and(|last| is_past(last)) {
        w.pop();
    }
    // "5 core team members", "one hire for each vacant position", "6 head count":
    // people the team adds to itself are hires, a staffing deliverable, though
    // "members" alone are an audience. Roles alone ("analysts", "designers") are often
    // the product's users, so only words that say the team's own people count.
    const STAFF: &[&str] = &["hire", "hires", "headcount", "head count", "team members", "staff", "employees"];
    let spaced_phrase = format!(" {}", w.join(" "));
    // "40 non-platform team members", "other teams' staff": someone else's people.
    let others = w.iter().any(|x| x.starts_with("non-") || matches!(x.as_str(), "other" | "external" | "partner"));
    if !others && STAFF.iter().any(|s| spaced_phrase.ends_with(&format!(" {s}"))) {
        return Some("hire");
    }
    // "Newsletter list", "podcast audience": the people a thing gathers, not the thing.
    const GATHERED: &[&str] = &["list", "lists", "waitlist", "audience", "following", "community"];
    let head = w.last().map(String::as_str).unwrap_or("");
    if AUDIENCE_ACTIONS.contains(&head)
        || AUDIENCE.contains(&head)
        || MEASURE_NOUNS.contains(&head)
        || GATHERED.contains(&head)
    {
        return None;
    }
    first_phrase_of(phrase, OUTPUT_NOUNS)
}

/// What a key result counts: the head of its metric ("organic sessions" of "organic
/// sessions to /guides/", "case studies" of "number of case studies published") and
/// the words after each of its numbers ("900 peer reviews", "8 meetups").
fn counted_words(kr: &KeyResultPlan) -> String {
    const RELATIVE_PRONOUNS: &[&str] = &["which", "who", "that", "whose", "where"];
    let head = |text: &str| -> String {
        let w = words(text);
        let w: &[String] = match w.as_slice() {
            [first, of, rest @ ..] if matches!(first.as_str(), "number" | "count" | "amount") && of == "of" => rest,
            all => all,
        };
        // "12 qualified meetings", "40 sales-qualified leads": prospects who met the
        // buyer's bar, which the team cannot produce by effort alone (pipeline).
        if w.first().is_some_and(|x| x == "qualified" || x.ends_with("-qualified")) {
            return String::new();
        }
        // A relative clause says which of them are counted, not what is counted:
        // "25 host profiles which release an episode" counts profiles, and "trails
        // meeting standards" counts trails (a participle before its object).
        let meeting = |i: usize| {
            w[i] == "meeting"
                && w.get(i + 1).is_some_and(|next| {
                    DETERMINERS.contains(&next.as_str())
                        || matches!(next.as_str(), "standards" | "standard" | "criteria" | "requirements" | "targets")
                })
        };
        w.iter()
            .enumerate()
            .take_while(|&(i, x)| {
                !PREPOSITIONS.contains(&x.as_str()) && !RELATIVE_PRONOUNS.contains(&x.as_str()) && !meeting(i)
            })
            .map(|(_, x)| x.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut counted = vec![head(&metric_text(kr))];
    // An aside ends the phrase: "6 head count (some of it part-time)".
    let core: Vec<&str> = kr.parsed.core.split_whitespace().take_while(|w| !w.starts_with('(')).collect();
    for (i, word) in core.iter().enumerate() {
        if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            counted.push(head(&core[i + 1..core.len().min(i + 5)].join(" ")));
        }
    }
    counted.join(" | ")
}

/// "Raise test coverage to 70%", "Decrease UI libraries in use from 4 to 1": a
/// measure of the team's own code. It can matter to customers (fewer defects, faster
/// pages) or not at all; the check asks which.
fn own_code(kr: &KeyResultPlan) -> Option<Finding> {
    let measure = first_phrase_of(&kr.parsed.core, CODE_MEASURES)?;
    Some(
        Finding::warn(
            "kr.outcome_not_output",
            format!("measures your own code or site (\"{measure}\"): an engineering output unless customers feel it"),
        )
        .ask(format!(
            "What would customers notice when {measure} moves: fewer defects, faster pages, quicker fixes? Measure that, and keep this as the work."
        )),
    )
}

/// "Users can export to CSV" reads two ways; the check says both and asks.
fn capability_question(kr: &KeyResultPlan, said: &str) -> Finding {
    let core = kr.parsed.core.trim_end_matches('.');
    let who = said.trim_end_matches(" can").trim_end_matches(" will");
    Finding::warn(
        "kr.outcome_not_output",
        format!(
            "\"{core}\" reads two ways: as a capability to build (an output, done once it ships) or as what {who} achieve (an outcome, measured by how many of them do it)"
        ),
    )
    .ask(format!(
        "Which do you mean? If it is the outcome, how many of {who} should do it, and how many do today?"
    ))
    .suggest(format!(
        "If it is the outcome: \"Raise the share of {who} who {} from X% to Y%\"; if it is the capability, keep it as an initiative",
        core.split_once(&format!("{said} ")).map_or(core, |(_, rest)| rest)
    ))
}

/// A rewrite for an output key result, built from its own words: keep the work as
/// an initiative and measure what it is for. The numbers are left as X and Y: only
/// the team knows today's value.
pub(super) fn outcome_rewrite(kr: &KeyResultPlan) -> crate::error::Words {
    let object = work_object(&kr.statement);
    let has = |words: &[&str]| words.iter().any(|w| has_phrase(&spaced(&object), w));
    let outcome = if has(&[
        "help",
        "article",
        "articles",
        "guide",
        "guides",
        "faq",
        "doc",
        "docs",
        "tutorial",
        "tutorials",
        "center",
        "centre",
    ]) {
        format!("Raise the share of support questions answered by the {object} without a ticket from X% to Y%")
    } else if has(&[
        "call",
        "calls",
        "meeting",
        "meetings",
        "interview",
        "interviews",
        "demo",
        "demos",
        "visit",
        "visits",
    ]) {
        format!("Raise the share of customers reached by the {object} who renew or expand from X% to Y%")
    } else if has(&[
        "webinar",
        "webinars",
        "workshop",
        "workshops",
        "training",
        "course",
        "courses",
        "session",
        "sessions",
    ]) {
        format!("Raise the share of attendees of the {object} who do what it teaches within 30 days from X% to Y%")
    } else if has(&[
        "post",
        "posts",
        "blog",
        "video",
        "videos",
        "newsletter",
        "email",
        "emails",
        "campaign",
        "campaigns",
        "placement",
        "placements",
        "podcast",
        "press",
    ]) {
        format!("Raise the share of people reached by the {object} who sign up or reply from X% to Y%")
    } else {
        format!("Raise the share of customers who use the {object} every week from X% to Y%")
    };
    crate::words![
        format!("Keep \"{}\" as an initiative (", kr.statement),
        crate::error::Operation::AddInitiative,
        format!(") and measure what it should change for customers, such as \"{outcome}\"")
    ]
}

/// What a piece of work makes, from the statement: "Publish 20 help articles by
/// December" → "help articles".
pub(super) fn work_object(statement: &str) -> String {
    let cut = [" by ", " before ", " in q", " this quarter", " within "]
        .iter()
        .filter_map(|w| statement.to_lowercase().find(w))
        .min()
        .unwrap_or(statement.len());
    let words: Vec<&str> = statement[..cut].split_whitespace().skip(1).collect();
    let object: Vec<&str> = words
        .into_iter()
        .skip_while(|w| {
            w.chars().any(|c| c.is_ascii_digit())
                || matches!(w.to_lowercase().as_str(), "a" | "an" | "the" | "our" | "new")
        })
        .collect();
    if object.is_empty() { "work".to_string() } else { object.join(" ") }
}

pub(super) fn kr_not_activity_proxy(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.not_activity_proxy";
    let parsed = &kr.parsed;
    let text = parsed.core.to_lowercase();
    // Our own people's effort, however it is written: "Host 4 Q&A sessions", "All
    // team members are trained", "900 peer reviews", "85% of merge requests reviewed
    // within 24 hours". An audience counted as the result ("a talk that reaches 40+
    // developers") is an outcome and never gets here.
    if let (Some(audience), Some(WorkDone { kind: Work::Effort, said, .. })) = (&parsed.audience, &parsed.work) {
        return Some(
            Finding::warn(
                RULE,
                format!("reads two ways: \"{audience}\" reached (an outcome) or \"{said}\" done that many times (effort)"),
            )
            .ask(format!(
                "Is the point that {audience} were reached by your people, or that they did something afterwards? If the latter, count what they did (signed up, came back, used it)."
            )),
        );
    }
    // "Enroll 100% of support staff in the refunds training", "Raise the share of
    // engineers who know the runbooks to 85%": a share of our own people doing
    // something is an input. It can matter (people trained first), so it is asked.
    if let Some((who, done)) = own_people_doing(kr) {
        return Some(
            Finding::warn(RULE, format!("counts your own {who} {done}: that is effort, an input, not an outcome"))
                .ask(format!("Once your {who} are {done}, what should customers notice?"))
                .suggest(format!(
                    "Keep \"{}\" as an initiative and measure what customers get once your {who} are {done}, from X to Y",
                    parsed.core.trim_end_matches('.')
                )),
        );
    }
    if parsed.audience.is_none()
        && let Some(effort) = effort_in(kr)
    {
        // A task read through the English lexicon ("Schedule 3 outreach calls ...")
        // is asked about, as the output rule does, not failed.
        if let Some(WorkDone { form: WorkForm::Imperative, said, .. }) = &parsed.work
            && let Some(measure) = measure_attached(kr)
        {
            return Some(two_readings_with_measure(RULE, said, &measure));
        }
        // "Guides reviewed by members": effort the audience spends is their doing.
        if let Some(WorkDone { said, .. }) = &parsed.work
            && let Some(doers) = done_by_audience(&parsed.core)
        {
            return Some(two_readings_done_by(RULE, said, &doers));
        }
        let from_lexicon = matches!(parsed.work, Some(WorkDone { form: WorkForm::Task, .. }));
        let finding = if from_lexicon { Finding::warn } else { Finding::fail };
        return Some(
            finding(RULE, format!("{effort}: that is effort by your own people, not what customers get"))
                .ask("If this were done in full, what would customers notice? Measure that, and keep this as the plan to get there.")
                .suggest(format!(
                    "Keep \"{}\" as an initiative and measure what it is for: the change customers or the business see once it is done, from X to Y",
                    parsed.core.trim_end_matches('.')
                )),
        );
    }
    // A count of tickets worked is effort; a share answered within a time, or the
    // time itself, is what the customer gets and is not flagged.
    let counts_tickets = parsed.share.is_none()
        && matches!(kr.unit, None | Some(Unit::Count))
        && matches!(parsed.verb.as_deref(), Some("close" | "resolve" | "answer" | "handle"));
    let quoted = first_phrase_of(&text, ACTIVITY_PROXIES).map(str::to_string).or_else(|| {
        // The statement's own words, from the verb to the tickets: "close 600 tickets".
        let words: Vec<&str> = parsed.core.split_whitespace().collect();
        let last = words.iter().position(|w| w.to_lowercase().starts_with("ticket"))?;
        counts_tickets.then(|| words[..=last].join(" ").to_lowercase())
    });
    let Some(proxy) = quoted else {
        // "Cut first response time to 2 hours": the wait customers feel, or the team's
        // speed? Both readings are common; the check asks.
        let of_software =
            first_phrase_of(&text, &["api", "service", "services", "server", "endpoint", "page", "query"]);
        // "Reply to new comments within 4 hours": the same wait, written as a command.
        let replies_within = matches!(parsed.verb.as_deref(), Some("respond" | "reply" | "answer"))
            && parsed.share.is_none()
            && matches!(kr.unit, Some(Unit::Duration { .. }));
        let wait = first_phrase_of(&text, WAIT_TIMES).or(replies_within.then_some("the time to reply"));
        if let Some(wait) = wait.filter(|_| of_software.is_none()) {
            return Some(
                Finding::warn(RULE, format!("\"{wait}\" can be read as the wait customers feel (an outcome) or as your team's speed (effort)"))
                    .ask(format!("Is {wait} what customers complain about, or how busy the team is? If customers, pair it with whether they got what they needed (resolved on first contact, reopen rate)."))
            );
        }
        if let Some(pace) = first_phrase_of(&text, DELIVERY_PACE) {
            return Some(
                Finding::warn(RULE, format!("\"{pace}\" can be read as how soon customers get what they asked for (an outcome) or as your team's pace (effort)"))
                    .ask(format!("Who waits on {pace}: customers for a change they need, or the next step of your own process? If customers, say which changes and measure the wait from their request."))
            );
        }
        return Some(Finding::pass(RULE, "not an activity measure"));
    };
    let has = |w: &str| contains_phrase(&proxy, w);
    let instead = if has("hours") {
        "what those hours are for: the result customers or the business see when the work is done".to_string()
    } else if has("emails") {
        "what the emails are for: the share of recipients who reply or take the step they ask for".to_string()
    } else if let Some(work) =
        ["ticket", "chat", "call", "contact"].into_iter().find(|w| has(w) || has(&format!("{w}s")))
    {
        format!(
            "what customers get from the {work}s: the share resolved on first contact, the reopen rate, or the share answered within a time they expect"
        )
    } else if ["handle", "handling", "aht", "agent", "utilization", "utilisation", "occupancy"].iter().any(|w| has(w)) {
        "what customers get from those conversations: the share resolved on first contact, the reopen rate, or the share answered within a time they expect".to_string()
    } else {
        // Hiring speed, turnaround, a schedule kept: the team's pace, said in its own words.
        format!("what \"{proxy}\" is for: the change customers or the business see once the work is done")
    };
    Some(
        Finding::fail(RULE, format!("\"{proxy}\" measures effort, not the quality customers get"))
            .ask("If this number moved, would customers be better off? What would they notice?")
            .suggest(format!("Measure {instead}, from X% to Y%")),
    )
}

/// Who of the team's own people a share counts, and what they do: "100% of reps
/// finish their region plan" (a share read as such), "the share of engineers who know
/// the runbooks" (a share named as the metric).
fn own_people_doing(kr: &KeyResultPlan) -> Option<(&'static str, String)> {
    if let Some(share) = &kr.parsed.share
        && let Some(who) = first_phrase_of(&share.population.to_lowercase(), INTERNAL_PEOPLE)
    {
        return Some((who, share.condition.clone().unwrap_or_else(|| "doing this".into())));
    }
    let metric = metric_text(kr).to_lowercase();
    let rest = ["share of ", "percentage of ", "percent of ", "proportion of "]
        .iter()
        .find_map(|lead| metric.split_once(lead).map(|(_, rest)| rest))?;
    let (population, done) = [" who ", " that "].iter().find_map(|r| rest.split_once(r))?;
    let who = first_phrase_of(population, INTERNAL_PEOPLE)?;
    Some((who, done.trim().to_string()))
}

/// The effort a key result counts, in words a finding can quote.
fn effort_in(kr: &KeyResultPlan) -> Option<String> {
    let parsed = &kr.parsed;
    if let Some(WorkDone { kind: Work::Effort, said, .. }) = &parsed.work {
        return Some(format!("\"{said}\" names effort"));
    }
    // A share of our own work items done to a standard: the team's pace.
    if let Some(share) = &parsed.share
        && let Some(item) = first_phrase_of(&share.population.to_lowercase(), INTERNAL_ITEMS)
    {
        return Some(format!("counts {item} handled on time"));
    }
    if let Some(spent) = time_spent_on_work(&parsed.core) {
        return Some(format!("counts time spent {spent}"));
    }
    // "Keep up 2 tutorials per rep", "Increase weekly demo calls by 20% per rep": a
    // count per person of the team's own people is their output rate. A named proxy
    // ("emails sent per rep") is quoted by the rule with its own advice.
    let per_person = parsed.core.contains(" per ") && first_phrase_of(&parsed.core, ACTIVITY_PROXIES).is_none();
    if per_person
        && let Some(who) = spaced(&parsed.core).split(" per ").skip(1).find_map(|after| {
            let next = words(after).into_iter().next()?;
            INTERNAL_PEOPLE.iter().find(|p| lemma(p) == lemma(&next)).copied()
        })
    {
        return Some(format!("counts work per {who}"));
    }
    // Effort counted going up, to a target or by a change: reviews, talks, meetups,
    // events attended.
    let counts = matches!(kr.unit, None | Some(Unit::Count)) && kr.direction != Some(Direction::Decrease);
    // "Increase external promotion efforts": raised with no number at all is raised too.
    let raised = kr.relative_change.as_ref().is_some_and(|c| c.direction == Direction::Increase)
        || (kr.target.is_none() && kr.threshold.is_none() && kr.direction == Some(Direction::Increase));
    let noun = first_phrase_of(&counted_words(kr), EFFORT_NOUNS).filter(|_| counts)?;
    // A change with no count before the noun cannot tell whose "visits" they are:
    // the site's visitors' or the sales team's.
    let raised_effort = raised && !AUDIENCE_ACTIONS.contains(&noun);
    if kr.target.is_none() && !raised_effort {
        return None;
    }
    Some(format!("counts {noun}"))
}

/// Hours or days the team spends on its own work: "Twelve hours in analysis and
/// modelling", "Not spend more than 6 hours on reading", "Six hours of writing up
/// findings". The time is the amount (it leads the statement, or a verb of spending
/// does), and the work after it is a gerund or a noun of work: "6 hours of downtime"
/// is what users feel, and "within 7 days of signing up" is a window, not time spent.
fn time_spent_on_work(core: &str) -> Option<String> {
    const WORK_NOUNS: &[&str] = &["analysis", "research", "work", "study", "coding", "development"];
    let w = words(core);
    let amount = w.get(1).is_some_and(|unit| matches!(unit.as_str(), "hours" | "hour" | "hrs" | "days" | "weeks"))
        || w.iter().any(|x| matches!(x.as_str(), "spend" | "spent" | "spending"));
    if !amount {
        return None;
    }
    w.windows(3).find_map(|window| {
        let [time, link, work] = window else { return None };
        let spent = matches!(time.as_str(), "hours" | "hour" | "hrs" | "days" | "person-days" | "weeks")
            && matches!(link.as_str(), "in" | "of" | "on")
            && ((work.len() > 5 && work.ends_with("ing")) || WORK_NOUNS.contains(&work.as_str()));
        spent.then(|| format!("{link} {work}"))
    })
}

pub(super) fn kr_direction_consistent(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = RULE_DIRECTION;
    let (baseline, target) = (kr.baseline, kr.target);
    let metric = kr.metric_name.clone().unwrap_or_else(|| "the metric".into());
    if let (Some(b), Some(t)) = (baseline, target) {
        if b == t && kr.kr_type != KrType::Maintain {
            return Some(
                Finding::fail(RULE, "target equals baseline: nothing is asked to change")
                    .ask("Is this a number to keep (a maintain key result) or to move?"),
            );
        }
        let disagree = match kr.direction {
            Some(Direction::Increase) => t < b,
            Some(Direction::Decrease) => t > b,
            _ => false,
        };
        if disagree {
            return Some(direction_mismatch(kr, &metric, b, t));
        }
    }
    if kr.unit == Some(Unit::Percent)
        && first_phrase_of(&metric_text(kr), RATIOS_ABOVE_100).is_none()
        && let Some(v) = [baseline, target].into_iter().flatten().find(|v| *v > 100.0)
    {
        return Some(
            Finding::fail(RULE, format!("{}% is above 100%", fmt_num(v)))
                .ask("Is this a share (at most 100%) or a growth rate? Say which."),
        );
    }
    if let Some(scale) = kr.scale
        && let Some(v) = [baseline, target].into_iter().flatten().find(|v| *v < scale.min || *v > scale.max)
    {
        return Some(Finding::fail(
            RULE,
            format!("{} is outside the {}..{} scale", fmt_num(v), fmt_num(scale.min), fmt_num(scale.max)),
        ));
    }
    if baseline.is_none() || target.is_none() {
        return None;
    }
    Some(Finding::pass(RULE, "direction and numbers agree"))
}

/// The verb says one way and the numbers the other. Which is wrong depends on which
/// way the metric is good: "Increase payment success rate from 97% to 95%" has its
/// numbers wrong, not its verb. When the metric's words do not say, both readings
/// are offered and the question asks.
pub(super) fn direction_mismatch(kr: &KeyResultPlan, metric: &str, b: f64, t: f64) -> Finding {
    let (b_text, t_text) = (with_unit(b, kr.unit.as_ref()), with_unit(t, kr.unit.as_ref()));
    let says = if kr.direction == Some(Direction::Increase) { "increase" } else { "decrease" };
    let side = if t < b { "below" } else { "above" };
    let better_higher = first_phrase_of(metric, BETTER_HIGHER).is_some();
    let better_lower = first_phrase_of(metric, BETTER_LOWER).is_some();
    let verb_right = match kr.direction {
        Some(Direction::Increase) => better_higher && !better_lower,
        _ => better_lower && !better_higher,
    };
    let verb_wrong = match kr.direction {
        Some(Direction::Increase) => better_lower && !better_higher,
        _ => better_higher && !better_lower,
    };
    let reason = format!("says {says}, but the target {} is {side} the baseline {}", fmt_num(t), fmt_num(b));
    let (keep_verb, flip_verb) =
        if kr.direction == Some(Direction::Increase) { ("Raise", "Reduce") } else { ("Reduce", "Raise") };
    let numbers_fixed =
        format!("{keep_verb} {metric} from {b_text} to <a target {} {b_text}>", if t < b { "above" } else { "below" });
    let verb_fixed = format!("{flip_verb} {metric} from {b_text} to {t_text}");
    if verb_right {
        Finding::fail(
            RULE_DIRECTION,
            format!(
                "{reason}; more {metric} is {}, so the numbers look wrong",
                if kr.direction == Some(Direction::Increase) { "better" } else { "worse" }
            ),
        )
        .ask(format!(
            "Is {b_text} today's value? Then the target must be {} it. Or were the two numbers swapped?",
            if t < b { "above" } else { "below" }
        ))
        .suggest(numbers_fixed)
    } else if verb_wrong {
        Finding::fail(
            RULE_DIRECTION,
            format!(
                "{reason}; less {metric} is {}, so the verb looks wrong",
                if kr.direction == Some(Direction::Increase) { "better" } else { "worse" }
            ),
        )
        .suggest(verb_fixed)
    } else {
        Finding::fail(RULE_DIRECTION, reason)
            .ask(format!("Which is wrong: the verb, or the numbers? Is a higher {metric} better or worse?"))
            .suggest(format!("If the numbers are right: \"{verb_fixed}\"; if the verb is: \"{numbers_fixed}\""))
    }
}

pub(super) const RULE_DIRECTION: &str = "kr.direction_consistent";

pub(super) fn kr_time_bound(kr: &KeyResultPlan, plan: &ObjectivePlan) -> Option<Finding> {
    const RULE: &str = "kr.time_bound";
    Some(match (kr.due, &plan.cycle) {
        (Some(due), Some(cycle)) if !cycle.contains(due) => {
            Finding::warn(RULE, format!("due {due}, outside the cycle {cycle}"))
                .ask("Is this key result really scored in this cycle?")
        }
        (Some(due), _) => Finding::pass(RULE, format!("due {due}")),
        (None, Some(cycle)) => Finding::pass(RULE, format!("due at the end of {cycle} ({})", cycle.end())),
        (None, None) => {
            Finding::fail(RULE, "has no due date and the objective no cycle").ask("By when must this be reached?")
        }
    })
}

pub(super) fn kr_one_owner(kr: &KeyResultPlan, plan: &ObjectivePlan) -> Option<Finding> {
    const RULE: &str = "kr.one_owner";
    Some(match (kr.owner.as_deref(), plan.owner.as_deref()) {
        (Some(owner), _) if looks_like_team(owner) => {
            Finding::fail(RULE, format!("\"{owner}\" looks like a team; one person owns a key result"))
                .ask("Which one person will report on this key result?")
        }
        (Some(owner), _) => Finding::pass(RULE, format!("owned by {owner}")),
        (None, Some(owner)) if !looks_like_team(owner) => {
            Finding::pass(RULE, format!("owned by the objective's owner, {owner}"))
        }
        _ => Finding::fail(RULE, "has no single owner").ask("Who will report on this key result at each check-in?"),
    })
}

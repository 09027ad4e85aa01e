//! The objective rules: outcome not output, who benefits, no metric, plain language,
//! one owner, cycle, load, evidence, alignment.

use super::*;

pub(super) fn objective_outcome_not_output(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.outcome_not_output";
    if let Some(verb) = starts_with_output_verb(&plan.title) {
        return Finding::fail(RULE, format!("starts with \"{verb}\": it names a deliverable, not a changed state for customers or the business"))
            .ask("When this is done, what will be different for customers or the business? That difference is the objective.")
            .suggest(format!(
                "Move \"{}\" to an initiative and state the change it should cause, as \"<who> <can now do what>\": such as \"Customers get what they need from the {} without asking us\"",
                plan.title,
                work_object(&plan.title)
            ));
    }
    if let Some(word) = first_phrase_of(&plan.title, OUTPUT_WORDS) {
        return Finding::warn(RULE, format!("uses output language (\"{word}\"); an objective states an outcome"))
            .ask("Could this be achieved without the thing being delivered? Describe the change it should cause.");
    }
    Finding::pass(RULE, "states an outcome, not a deliverable")
}

/// Who an objective is for: people, in the words teams use for them.
pub(super) const WHO_WORDS: &[&str] = &[
    "customer",
    "customers",
    "user",
    "users",
    "admin",
    "admins",
    "administrator",
    "administrators",
    "buyer",
    "buyers",
    "member",
    "members",
    "team",
    "teams",
    "people",
    "account",
    "accounts",
    "client",
    "clients",
    "patient",
    "patients",
    "student",
    "students",
    "developer",
    "developers",
    "merchant",
    "merchants",
    "shopper",
    "shoppers",
    "seller",
    "sellers",
    "partner",
    "partners",
    "agent",
    "agents",
    "manager",
    "managers",
    "employee",
    "employees",
    "staff",
    "visitor",
    "visitors",
    "subscriber",
    "subscribers",
    "reader",
    "readers",
    "owner",
    "owners",
    "engineer",
    "engineers",
    "everyone",
    "guest",
    "guests",
    "trial",
    "trials",
    "signup",
    "signups",
    "newcomer",
    "newcomers",
    "hire",
    "hires",
    "investor",
    "investors",
    "donor",
    "donors",
    "creator",
    "creators",
    "driver",
    "drivers",
    "rider",
    "riders",
    "traveller",
    "travellers",
    "traveler",
    "travelers",
    "host",
    "hosts",
];
/// Verbs that, with a product area, make a theme ("Improve onboarding").
pub(super) const THEME_VERBS: &[&str] = &[
    "improve",
    "make",
    "enhance",
    "optimize",
    "optimise",
    "boost",
    "better",
    "fix",
    "streamline",
    "revamp",
    "modernize",
    "modernise",
    "grow",
    "strengthen",
    "upgrade",
    "elevate",
    "transform",
];
/// Words that say nothing of what changes ("Make billing great").
pub(super) const EMPTY_PRAISE: &[&str] = &[
    "great",
    "better",
    "best",
    "awesome",
    "amazing",
    "excellent",
    "world-class",
    "smooth",
    "smoother",
    "seamless",
    "easy",
    "easier",
    "simple",
    "simpler",
    "good",
    "delightful",
];

pub(super) fn objective_names_who_benefits(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.names_who_benefits";
    if let Some(who) = first_phrase_of(&plan.title, WHO_WORDS) {
        return Finding::pass(RULE, format!("names who benefits ({who})"));
    }
    let w = words(&plan.title);
    let area: Vec<&str> = w
        .iter()
        .skip(1)
        .map(String::as_str)
        .filter(|w| !EMPTY_PRAISE.contains(w) && !matches!(*w, "the" | "our" | "a" | "an"))
        .collect();
    let area = if area.is_empty() { "it".to_string() } else { area.join(" ") };
    if w.first().is_some_and(|v| THEME_VERBS.contains(&v.as_str())) && w.len() <= 5 {
        return Finding::fail(
            RULE,
            format!("\"{}\" is a theme (a verb and a product area): it says neither who benefits nor what changes for them", plan.title),
        )
        .ask(format!("Who is better off when {area} is done right, and what can they do then that they cannot today?"))
        .suggest(format!("Name the people and the change, as \"<who> <can now do what> with {area}\": such as \"Customers <do what> with {area} without <today's problem>\""));
    }
    Finding::warn(RULE, "does not say who benefits (customers, admins, a team, ...)")
        .ask("Whose life or work is different when this objective is met?")
}

pub(super) fn objective_no_metric(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.no_metric";
    let parsed = parse_statement(&plan.title);
    let movement = parsed.baseline.is_some() && parsed.target.is_some()
        || parsed.relative_change.is_some()
        || matches!(parsed.unit, Some(Unit::Percent | Unit::Currency { .. }));
    if movement {
        return Finding::fail(RULE, "contains a metric movement: that is a key result in disguise")
            .ask("What outcome does this number stand for? Say that in words, and move the number to a key result.")
            .suggest(format!("Make \"{}\" a key result and write the objective as the outcome it proves", plan.title));
    }
    if plan.title.chars().any(|c| c.is_ascii_digit()) && parsed.target.is_some() {
        return Finding::warn(RULE, "contains a number; objectives are qualitative and leave numbers to key results");
    }
    Finding::pass(RULE, "qualitative, no metric in it")
}

pub(super) fn objective_plain_language(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.plain_language";
    if let Some(word) = first_phrase_of(&plan.title, JARGON) {
        return Finding::warn(RULE, format!("uses jargon (\"{word}\")"))
            .ask("How would you say this to a customer or a new hire?");
    }
    let acronyms: Vec<&str> = plan
        .title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2 && w.len() <= 6 && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        .filter(|w| w.chars().any(|c| c.is_ascii_uppercase()) && !KNOWN_ACRONYMS.contains(w))
        .collect();
    if !acronyms.is_empty() {
        return Finding::warn(RULE, format!("uses acronyms a newcomer may not know ({})", acronyms.join(", ")))
            .ask("Would someone from another team understand this without asking?");
    }
    let length = words(&plan.title).len();
    if length > 20 {
        return Finding::warn(RULE, format!("is {length} words long; an objective people remember fits in one breath"));
    }
    Finding::pass(RULE, "plain language")
}

pub(super) fn objective_one_owner(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.one_owner";
    match plan.owner.as_deref() {
        None => Finding::fail(RULE, "has no owner").ask("Who is the one person accountable for this objective?"),
        Some(owner) if looks_like_team(owner) => Finding::fail(
            RULE,
            format!("\"{owner}\" looks like a team or several people; the owner is one person (the DRI)"),
        )
        .ask("Which one person will answer for this objective at the check-in?"),
        Some(owner) => Finding::pass(RULE, format!("owned by {owner}")),
    }
}

pub(super) fn objective_in_cycle(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.in_cycle";
    match &plan.cycle {
        Some(cycle) => Finding::pass(RULE, format!("belongs to {cycle} ({} to {})", cycle.start(), cycle.end())),
        None => Finding::fail(RULE, "belongs to no cycle").ask("In which cycle will this be scored, such as 2026-Q4?"),
    }
}

pub(super) fn objective_owner_load(plan: &ObjectivePlan, context: &CheckContext) -> Finding {
    const RULE: &str = "objective.owner_load";
    let company = plan.level == Level::Company;
    let held = if company { context.company_objectives } else { context.owner_objectives } + 1;
    let who =
        if company { "the company".to_string() } else { plan.owner.clone().unwrap_or_else(|| "the owner".into()) };
    match held {
        n if n > 5 => Finding::fail(RULE, format!("{who} would hold {n} objectives this cycle; at most 5 keeps focus"))
            .ask("Which of these objectives matter least this cycle? Drop or defer them."),
        n if n > 3 && !company => Finding::warn(
            RULE,
            format!("{who} would hold {n} objectives this cycle; 3 is a comfortable load, 5 the most"),
        )
        .ask("Can one of these wait a cycle?"),
        n => Finding::pass(RULE, format!("{who} would hold {n} objective(s) this cycle")),
    }
}

pub(super) fn objective_motivated_by_evidence(context: &CheckContext) -> Finding {
    const RULE: &str = "objective.motivated_by_evidence";
    match context.evidence.motivating {
        0 => Finding::todo(RULE, "no research is linked that shows the customer problem behind it")
            .ask("Did this come from a real, validated customer problem, or from a brainstorm? Link the interviews or survey results that motivate it (relation motivates)."),
        n => Finding::pass(RULE, format!("{n} piece(s) of research motivate it")),
    }
}

pub(super) fn kr_baseline_source(kr: &KeyResultPlan, i: usize, context: &CheckContext) -> Option<Finding> {
    const RULE: &str = "kr.baseline_source";
    let baseline = kr.baseline?;
    Some(match context.evidence.baseline_sources.get(i).copied().unwrap_or(0) {
        0 => Finding::todo(RULE, format!("nothing shows where the baseline {} came from", with_unit(baseline, kr.unit.as_ref())))
            .ask("Where does today's value come from: a dashboard export, a survey wave, a sample? Link it with relation baseline."),
        n => Finding::pass(RULE, format!("the baseline rests on {n} linked source(s)")),
    })
}

pub(super) fn kr_evidence_fresh(i: usize, context: &CheckContext) -> Option<Finding> {
    const RULE: &str = "kr.evidence_fresh";
    let stale = context.evidence.stale.get(i).copied().unwrap_or(0);
    (stale > 0).then(|| {
        Finding::warn(RULE, format!("{stale} linked piece(s) of evidence are older than {STALE_AFTER_DAYS} days"))
            .ask("Do customers still say this? A few fresh interviews would tell.")
    })
}

pub(super) fn objective_aligned(plan: &ObjectivePlan, context: &CheckContext) -> Option<Finding> {
    const RULE: &str = "objective.aligned";
    let parent = context.parent_title.as_deref()?;
    let mine: HashSet<String> = words(&plan.title).into_iter().collect();
    let theirs: HashSet<String> = words(parent).into_iter().collect();
    let overlap = mine.intersection(&theirs).count() as f64 / mine.union(&theirs).count().max(1) as f64;
    Some(if overlap >= 0.8 {
        Finding::fail(RULE, format!("copies its parent's text (\"{parent}\")"))
            .ask("What does this team contribute to the parent objective? State that contribution.")
    } else {
        Finding::pass(RULE, "states its own contribution to the parent objective")
    })
}

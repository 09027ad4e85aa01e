//! The quality checks of DOMAIN.md section 2: one function per rule.
//!
//! Each rule answers `pass`, `warn`, `fail` or `todo` (needs input no rule can
//! supply yet), with a reason, a coaching question and, where one can be made, a
//! concrete rewrite. Rules read only the validated plan and a small context taken
//! from the store, so `check_okr` (nothing saved) and `draft_okr` (saved) give the
//! same answers. The word lists are the domain's examples, kept here in one place.

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::input::{KeyResultPlan, ObjectivePlan};
use super::statement::parse_statement;
use crate::model::{Direction, IndicatorStatus, KrRole, KrType, Level, Unit, normalize_metric_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    /// Needs an input no rule has yet (evidence, a person's judgement).
    Todo,
}

/// One rule's verdict on one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable rule id, such as `kr.outcome_not_output`.
    pub rule: String,
    /// `objective`, `key_results` (the set) or `key_results[1]`.
    pub subject: String,
    pub status: CheckStatus,
    pub reason: String,
    /// A coaching question for the owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// A concrete rewrite, where one can be made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tally {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub todo: usize,
}

/// All findings for one objective and its key results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub tally: Tally,
    /// (passes + 0.5 × warns) / evaluated checks, 0..1; todo is not evaluated.
    pub strength: f64,
    /// What no rule can answer: is each key result necessary, is the set sufficient.
    pub questions: Vec<String>,
}

impl CheckReport {
    pub fn has_failures(&self) -> bool {
        self.tally.fail > 0
    }

    /// The report with passing findings left out (the tally still counts them): what
    /// a reader of a stored objective needs, at a fraction of the size.
    pub fn without_passes(mut self) -> CheckReport {
        self.findings.retain(|f| f.status != CheckStatus::Pass);
        self
    }
}

/// What the store knows that the rules need.
#[derive(Debug, Clone, Default)]
pub struct CheckContext {
    /// Objectives the owner already holds in the cycle, this one not counted.
    pub owner_objectives: usize,
    /// Company-level objectives already in the cycle, this one not counted.
    pub company_objectives: usize,
    /// The parent objective's text, when the plan names a parent.
    pub parent_title: Option<String>,
    /// Statuses of the indicators stored for each key result (by position).
    pub indicators: Vec<Vec<IndicatorStatus>>,
    /// Evidence linked to the objective and its key results (empty for an unsaved draft).
    pub evidence: LinkedEvidence,
}

/// What the links say, for the evidence rules. Counts are per key result, by position.
#[derive(Debug, Clone, Default)]
pub struct LinkedEvidence {
    /// Links with relation `motivates` to the objective.
    pub motivating: usize,
    /// `validates` links to each key result or to one of its indicators.
    pub validating: Vec<usize>,
    /// `baseline` links to each key result or its metric.
    pub baseline_sources: Vec<usize>,
    /// Evidence linked to each key result observed more than [`STALE_AFTER_DAYS`] ago.
    pub stale: Vec<usize>,
}

/// Evidence older than this is flagged where it supports a key result (DOMAIN.md §4).
pub const STALE_AFTER_DAYS: i32 = 180;

/// Runs every rule over `plan`.
pub fn check(plan: &ObjectivePlan, context: &CheckContext) -> CheckReport {
    let mut findings = vec![
        objective_outcome_not_output(plan),
        objective_names_who_benefits(plan),
        objective_no_metric(plan),
        objective_plain_language(plan),
        objective_one_owner(plan),
        objective_in_cycle(plan),
        objective_owner_load(plan, context),
        objective_motivated_by_evidence(context),
    ];
    findings.extend(objective_aligned(plan, context));
    for (i, kr) in plan.key_results.iter().enumerate() {
        let subject = format!("key_results[{i}]");
        let rules = [
            kr_measurable(kr),
            kr_baseline_known(kr),
            kr_relative_target(kr),
            kr_outcome_not_output(kr),
            kr_not_activity_proxy(kr),
            kr_direction_consistent(kr),
            kr_time_bound(kr, plan),
            kr_one_owner(kr, plan),
            kr_baseline_source(kr, i, context),
            kr_evidence_fresh(i, context),
        ];
        findings.extend(rules.into_iter().flatten().map(|f| f.about(&subject)));
    }
    findings.push(set_size(plan));
    findings.extend(set_necessary(plan));
    findings.push(set_balanced(plan, context));
    findings.extend(set_leading_validated(plan, context));
    findings.extend(set_quality_beyond_satisfaction(plan));

    let mut tally = Tally::default();
    for f in &findings {
        match f.status {
            CheckStatus::Pass => tally.pass += 1,
            CheckStatus::Warn => tally.warn += 1,
            CheckStatus::Fail => tally.fail += 1,
            CheckStatus::Todo => tally.todo += 1,
        }
    }
    CheckReport { strength: strength(&tally), questions: questions(plan), findings, tally }
}

/// (passes + 0.5 × warns) / evaluated, DOMAIN.md section 2.
pub fn strength(tally: &Tally) -> f64 {
    let evaluated = tally.pass + tally.warn + tally.fail;
    if evaluated == 0 {
        return 0.0;
    }
    let score = (tally.pass as f64 + 0.5 * tally.warn as f64) / evaluated as f64;
    (score * 1000.0).round() / 1000.0
}

fn questions(plan: &ObjectivePlan) -> Vec<String> {
    let mut questions = vec![format!(
        "Sufficient: if every key result hit its target, would \"{}\" be undeniably achieved? If not, what is missing?",
        plan.title
    )];
    if plan.key_results.len() > 1 {
        questions.extend(plan.key_results.iter().enumerate().map(|(i, kr)| {
            format!(
                "Necessary: without key_results[{i}] (\"{}\"), would the objective be less achieved? If not, drop it.",
                kr.statement
            )
        }));
    }
    questions
}

// ---------------------------------------------------------------- findings

impl Finding {
    fn new(rule: &str, status: CheckStatus, reason: impl Into<String>) -> Finding {
        Finding {
            rule: rule.into(),
            subject: "objective".into(),
            status,
            reason: reason.into(),
            question: None,
            suggestion: None,
        }
    }
    fn pass(rule: &str, reason: impl Into<String>) -> Finding {
        Finding::new(rule, CheckStatus::Pass, reason)
    }
    fn warn(rule: &str, reason: impl Into<String>) -> Finding {
        Finding::new(rule, CheckStatus::Warn, reason)
    }
    fn fail(rule: &str, reason: impl Into<String>) -> Finding {
        Finding::new(rule, CheckStatus::Fail, reason)
    }
    fn todo(rule: &str, reason: impl Into<String>) -> Finding {
        Finding::new(rule, CheckStatus::Todo, reason)
    }
    fn ask(mut self, question: impl Into<String>) -> Finding {
        self.question = Some(question.into());
        self
    }
    fn suggest(mut self, suggestion: impl Into<String>) -> Finding {
        self.suggestion = Some(suggestion.into());
        self
    }
    fn about(mut self, subject: &str) -> Finding {
        self.subject = subject.into();
        self
    }
}

// ---------------------------------------------------------------- vocabulary

/// Verbs that name a deliverable or an activity, not a changed state (DOMAIN.md §2).
const OUTPUT_VERBS: &[&str] = &[
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
    "develop",
    "deploy",
    "rebuild",
    "refactor",
    "design",
    "introduce",
    "hold",
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
    "rollout",
    "send",
    "post",
    "attend",
    "interview",
];

/// Output words that, anywhere in an objective, suggest a deliverable.
const OUTPUT_WORDS: &[&str] = &[
    "launch",
    "ship",
    "release",
    "feature",
    "features",
    "deliverable",
    "roadmap",
    "rollout",
    "roll out",
    "redesign",
    "migration",
    "mvp",
    "v2",
    "project",
    "implementation",
    "build",
];

/// Things produced or done, which a KR counts when it measures output (DOMAIN.md §2).
const OUTPUT_NOUNS: &[&str] = &[
    "interview",
    "placement",
    "call",
    "case study",
    "guide",
    "tutorial",
    "course",
    "podcast",
    "press release",
    "event",
    "blog post",
    "post",
    "article",
    "training",
    "workshop",
    "webinar",
    "meeting",
    "feature",
    "release",
    "campaign",
    "email",
    "newsletter",
    "video",
    "demo",
    "session",
    "story points",
    "deploy",
    "pull request",
    "ticket closed",
    "page",
];

/// Effort measures: they describe activity, not quality (DOMAIN.md §2).
const ACTIVITY_PROXIES: &[&str] = &[
    "handle time",
    "handling time",
    "aht",
    "tickets closed",
    "ticket volume",
    "tickets resolved",
    "tickets answered",
    "calls made",
    "number of calls",
    "calls per",
    "hours worked",
    "hours logged",
    "emails sent",
    "contacts handled",
    "chats handled",
    "utilization",
    "utilisation",
    "occupancy",
    "tickets per agent",
    "contacts per hour",
];

/// Percentages that are ratios and may pass 100% (net revenue retention of 110%).
const RATIOS_ABOVE_100: &[&str] = &[
    "net revenue retention",
    "net dollar retention",
    "nrr",
    "ndr",
    "growth",
    "roi",
    "return on",
    "attainment",
    "coverage",
    "quota",
    "yoy",
    "year over year",
];

/// The team's own people: a share of them doing something is an input.
const INTERNAL_PEOPLE: &[&str] = &[
    "staff",
    "employees",
    "employee",
    "agents",
    "engineers",
    "reps",
    "team members",
    "managers",
    "colleagues",
    "our team",
    "developers",
    "salespeople",
    "account executives",
];

/// Respondent-biased satisfaction measures: fine as experience metrics, weak alone.
const SATISFACTION_METRICS: &[&str] = &["csat", "nps", "net promoter", "satisfaction"];

/// Experience metrics (DOMAIN.md §1, "KR role").
const EXPERIENCE_METRICS: &[&str] = &[
    "csat",
    "nps",
    "net promoter",
    "satisfaction",
    "sus",
    "usability",
    "experience score",
    "very disappointed",
    "effort score",
    "ces",
    "sentiment",
    "confidence",
    "delight",
];

const JARGON: &[&str] = &[
    "leverage",
    "synergy",
    "synergies",
    "synergize",
    "paradigm",
    "holistic",
    "best-in-class",
    "world-class",
    "operationalize",
    "ideate",
    "actionable insights",
    "move the needle",
    "bandwidth",
    "low-hanging fruit",
    "circle back",
    "value-add",
    "robust",
    "seamless",
    "next-gen",
    "cutting-edge",
    "disrupt",
];

/// Acronyms a general reader knows; others are jargon to a newcomer.
const KNOWN_ACRONYMS: &[&str] =
    &["US", "UK", "EU", "AI", "API", "B2B", "B2C", "CEO", "IT", "HR", "Q1", "Q2", "Q3", "Q4"];

const TEAM_WORDS: &[&str] = &["team", "squad", "group", "department", "dept", "guild", "crew", "committee", "org"];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text as its lowercase words between single spaces, for whole-word matching.
fn spaced(text: &str) -> String {
    format!(" {} ", words(text).join(" "))
}

/// Whole-word (or whole-phrase, or plural) match in a [`spaced`] text, so "post"
/// does not match "postpone". Phrases are lowercase words with single spaces.
fn has_phrase(spaced_text: &str, phrase: &str) -> bool {
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

fn contains_phrase(text: &str, phrase: &str) -> bool {
    has_phrase(&spaced(text), phrase)
}

fn first_phrase_of<'a>(text: &str, list: &[&'a str]) -> Option<&'a str> {
    let text = spaced(text);
    list.iter().copied().find(|p| has_phrase(&text, p))
}

pub fn is_output_verb(verb: &str) -> bool {
    OUTPUT_VERBS.contains(&verb)
}

fn starts_with_output_verb(text: &str) -> Option<&'static str> {
    let w = words(text);
    let first = w.first()?;
    let two = w.iter().take(2).cloned().collect::<Vec<_>>().join(" ");
    OUTPUT_VERBS.iter().copied().find(|v| *v == two || *v == first.as_str())
}

fn looks_like_team(owner: &str) -> bool {
    let w = words(owner);
    w.iter().any(|w| TEAM_WORDS.contains(&w.as_str()))
        || owner.contains(['&', ',', '/', '+'])
        || w.iter().any(|w| w == "and")
}

fn metric_text(kr: &KeyResultPlan) -> String {
    kr.metric_name.clone().unwrap_or_else(|| kr.statement.clone())
}

fn is_experience(kr: &KeyResultPlan) -> bool {
    kr.role == Some(KrRole::Experience)
        || (kr.role.is_none() && first_phrase_of(&metric_text(kr), EXPERIENCE_METRICS).is_some())
}

fn fmt_num(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 { format!("{}", rounded as i64) } else { format!("{rounded}") }
}

fn with_unit(x: f64, unit: Option<&Unit>) -> String {
    match unit {
        Some(Unit::Percent) => format!("{}%", fmt_num(x)),
        Some(Unit::Currency { code }) if code == "USD" => format!("${}", fmt_num(x)),
        _ => fmt_num(x),
    }
}

// ---------------------------------------------------------------- objective rules

fn objective_outcome_not_output(plan: &ObjectivePlan) -> Finding {
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
const WHO_WORDS: &[&str] = &[
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
const THEME_VERBS: &[&str] = &[
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
const EMPTY_PRAISE: &[&str] = &[
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

fn objective_names_who_benefits(plan: &ObjectivePlan) -> Finding {
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

fn objective_no_metric(plan: &ObjectivePlan) -> Finding {
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

fn objective_plain_language(plan: &ObjectivePlan) -> Finding {
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

fn objective_one_owner(plan: &ObjectivePlan) -> Finding {
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

fn objective_in_cycle(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "objective.in_cycle";
    match &plan.cycle {
        Some(cycle) => Finding::pass(RULE, format!("belongs to {cycle} ({} to {})", cycle.start(), cycle.end())),
        None => Finding::fail(RULE, "belongs to no cycle").ask("In which cycle will this be scored, such as 2026-Q4?"),
    }
}

fn objective_owner_load(plan: &ObjectivePlan, context: &CheckContext) -> Finding {
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

fn objective_motivated_by_evidence(context: &CheckContext) -> Finding {
    const RULE: &str = "objective.motivated_by_evidence";
    match context.evidence.motivating {
        0 => Finding::todo(RULE, "no research is linked that shows the customer problem behind it")
            .ask("Did this come from a real, validated customer problem, or from a brainstorm? Link the interviews or survey results that motivate it (relation motivates)."),
        n => Finding::pass(RULE, format!("{n} piece(s) of research motivate it")),
    }
}

fn kr_baseline_source(kr: &KeyResultPlan, i: usize, context: &CheckContext) -> Option<Finding> {
    const RULE: &str = "kr.baseline_source";
    let baseline = kr.baseline?;
    Some(match context.evidence.baseline_sources.get(i).copied().unwrap_or(0) {
        0 => Finding::todo(RULE, format!("nothing shows where the baseline {} came from", with_unit(baseline, kr.unit.as_ref())))
            .ask("Where does today's value come from: a dashboard export, a survey wave, a sample? Link it with relation baseline."),
        n => Finding::pass(RULE, format!("the baseline rests on {n} linked source(s)")),
    })
}

fn kr_evidence_fresh(i: usize, context: &CheckContext) -> Option<Finding> {
    const RULE: &str = "kr.evidence_fresh";
    let stale = context.evidence.stale.get(i).copied().unwrap_or(0);
    (stale > 0).then(|| {
        Finding::warn(RULE, format!("{stale} linked piece(s) of evidence are older than {STALE_AFTER_DAYS} days"))
            .ask("Do customers still say this? A few fresh interviews would tell.")
    })
}

fn objective_aligned(plan: &ObjectivePlan, context: &CheckContext) -> Option<Finding> {
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

// ---------------------------------------------------------------- key-result rules

fn kr_measurable(kr: &KeyResultPlan) -> Option<Finding> {
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

fn kr_baseline_known(kr: &KeyResultPlan) -> Option<Finding> {
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

fn kr_relative_target(kr: &KeyResultPlan) -> Option<Finding> {
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

fn kr_outcome_not_output(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.outcome_not_output";
    let verb = kr
        .parsed
        .verb
        .as_deref()
        .filter(|v| OUTPUT_VERBS.contains(v))
        .or_else(|| starts_with_output_verb(&kr.statement));
    // Fewer meetings or calls is not work produced: only a count going up is output.
    let counts_output = matches!(kr.unit, None | Some(Unit::Count)) && kr.direction != Some(Direction::Decrease);
    let noun = if counts_output { first_phrase_of(&metric_text(kr), OUTPUT_NOUNS) } else { None };
    // "Enroll 100% of support staff in the refunds training": a share of the team's
    // own people doing something is an input, however it is phrased.
    if let Some(share) = &kr.parsed.share
        && let Some(who) = first_phrase_of(&share.population.to_lowercase(), INTERNAL_PEOPLE)
    {
        let done = share.condition.as_deref().unwrap_or("doing this");
        return Some(
            Finding::warn(RULE, format!("counts your own {who} {done}: that is an input, not an outcome"))
                .ask(format!("Once the {} are {done}, what should customers notice?", share.population))
                .suggest(format!(
                    "Keep \"{}\" as an initiative and measure what customers get once the {} are {done}, from X to Y",
                    kr.statement.trim(),
                    share.population
                )),
        );
    }
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
    if let Some(share) = &kr.parsed.share
        && (verb.is_none() || share.condition.as_deref().is_some_and(standard))
        && first_phrase_of(&share.population, OUTPUT_NOUNS).is_none()
        && first_phrase_of(&share.population, &["feature", "release", "project", "task", "story", "epic"]).is_none()
    {
        return Some(Finding::pass(RULE, format!("measures the share of {} that meet a condition", share.population)));
    }
    let what = match (verb, noun) {
        (Some(v), _) => format!("\"{v}\" names work done"),
        (None, Some(n)) => format!("counts {n}s produced"),
        (None, None) => return Some(Finding::pass(RULE, "measures an outcome")),
    };
    Some(Finding::fail(RULE, format!("{what}: that is an output (an initiative), not an outcome"))
        .ask("Could you hit this without actually helping a customer? What should change for customers when it is done?")
        .suggest(outcome_rewrite(kr)))
}

/// A rewrite for an output key result, built from its own words: keep the work as
/// an initiative and measure what it is for. The numbers are left as X and Y: only
/// the team knows today's value.
fn outcome_rewrite(kr: &KeyResultPlan) -> String {
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
    format!(
        "Keep \"{}\" as an initiative (add_initiative) and measure what it should change for customers, such as \"{outcome}\"",
        kr.statement
    )
}

/// What a piece of work makes, from the statement: "Publish 20 help articles by
/// December" → "help articles".
fn work_object(statement: &str) -> String {
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

fn kr_not_activity_proxy(kr: &KeyResultPlan) -> Option<Finding> {
    const RULE: &str = "kr.not_activity_proxy";
    let text = kr.statement.to_lowercase();
    // A count of tickets worked is effort; a share answered within a time, or the
    // time itself, is what the customer gets and is not flagged.
    let counts_tickets = kr.parsed.share.is_none()
        && matches!(kr.unit, None | Some(Unit::Count))
        && matches!(kr.parsed.verb.as_deref(), Some("close" | "resolve" | "answer" | "handle"));
    let quoted = first_phrase_of(&text, ACTIVITY_PROXIES).map(str::to_string).or_else(|| {
        // The statement's own words, from the verb to the tickets: "close 600 tickets".
        let words: Vec<&str> = kr.statement.split_whitespace().collect();
        let last = words.iter().position(|w| w.to_lowercase().starts_with("ticket"))?;
        counts_tickets.then(|| words[..=last].join(" ").to_lowercase())
    });
    let Some(proxy) = quoted else {
        return Some(Finding::pass(RULE, "not an activity measure"));
    };
    let has = |w: &str| contains_phrase(&proxy, w);
    let instead = if has("hours") {
        "what those hours are for: the result customers or the business see when the work is done".to_string()
    } else if has("emails") {
        "what the emails are for: the share of recipients who reply or take the step they ask for".to_string()
    } else {
        let work = ["ticket", "chat", "call", "contact"]
            .into_iter()
            .find(|w| has(w) || has(&format!("{w}s")))
            .map_or("conversations".to_string(), |w| format!("{w}s"));
        format!(
            "what customers get from the {work}: the share resolved on first contact, the reopen rate, or the share answered within a time they expect"
        )
    };
    Some(
        Finding::fail(RULE, format!("\"{proxy}\" measures effort, not the quality customers get"))
            .ask("If this number moved, would customers be better off? What would they notice?")
            .suggest(format!("Measure {instead}, from X% to Y%")),
    )
}

fn kr_direction_consistent(kr: &KeyResultPlan) -> Option<Finding> {
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

/// Metric words for which more is better, and for which less is: they decide which
/// part of a key result whose verb and numbers disagree is the likely mistake.
const BETTER_HIGHER: &[&str] = &[
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
const BETTER_LOWER: &[&str] = &[
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
];

/// Which way a metric is good, when its words say so unambiguously ("failure rate",
/// "first response time" → decrease; "success rate", "retention" → increase).
pub fn better_when(metric: &str) -> Option<Direction> {
    match (first_phrase_of(metric, BETTER_HIGHER).is_some(), first_phrase_of(metric, BETTER_LOWER).is_some()) {
        (true, false) => Some(Direction::Increase),
        (false, true) => Some(Direction::Decrease),
        _ => None,
    }
}

/// The verb says one way and the numbers the other. Which is wrong depends on which
/// way the metric is good: "Increase payment success rate from 97% to 95%" has its
/// numbers wrong, not its verb. When the metric's words do not say, both readings
/// are offered and the question asks.
fn direction_mismatch(kr: &KeyResultPlan, metric: &str, b: f64, t: f64) -> Finding {
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

const RULE_DIRECTION: &str = "kr.direction_consistent";

fn kr_time_bound(kr: &KeyResultPlan, plan: &ObjectivePlan) -> Option<Finding> {
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

fn kr_one_owner(kr: &KeyResultPlan, plan: &ObjectivePlan) -> Option<Finding> {
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

// ---------------------------------------------------------------- set rules

fn set_size(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "set.size";
    let n = plan.key_results.len();
    let support = plan.stage.as_deref().is_some_and(|s| contains_phrase(s, "support") || contains_phrase(s, "cx"));
    let finding = match n {
        0 => Finding::fail(RULE, "no key results: nothing shows whether the objective is achieved")
            .ask("Which 2 to 5 numbers would prove this objective?"),
        1 => Finding::warn(RULE, "one key result is too thin to prove an objective")
            .ask("What else would have to be true for the objective to be achieved? Add a leading indicator and an experience measure."),
        n if n > 5 => Finding::fail(RULE, format!("{n} key results: more than 5 is scope creep"))
            .ask("Which key results would you keep if you could keep only three?"),
        5 if support => Finding::warn(RULE, "5 key results; support and CX teams do best with 2 to 4"),
        n => Finding::pass(RULE, format!("{n} key results")),
    };
    finding.about("key_results")
}

fn set_necessary(plan: &ObjectivePlan) -> Option<Finding> {
    const RULE: &str = "set.no_duplicates";
    if plan.key_results.len() < 2 {
        return None;
    }
    let names: Vec<Option<String>> =
        plan.key_results.iter().map(|kr| kr.metric_name.as_deref().map(normalize_metric_name)).collect();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let same_metric = names[i].is_some() && names[i] == names[j]
                || plan.key_results[i].metric_id.is_some()
                    && plan.key_results[i].metric_id == plan.key_results[j].metric_id;
            let restated = normalize_metric_name(&plan.key_results[i].statement)
                == normalize_metric_name(&plan.key_results[j].statement);
            if same_metric || restated {
                return Some(
                    Finding::warn(RULE, format!("key_results[{i}] and key_results[{j}] measure the same thing"))
                        .ask("Would the objective be less achieved without one of them? If not, keep one.")
                        .about("key_results"),
                );
            }
        }
    }
    Some(Finding::pass(RULE, "each key result measures something different").about("key_results"))
}

fn set_balanced(plan: &ObjectivePlan, context: &CheckContext) -> Finding {
    const RULE: &str = "set.balanced";
    let roles: Vec<KrRole> = plan
        .key_results
        .iter()
        .map(|kr| kr.role.unwrap_or(if is_experience(kr) { KrRole::Experience } else { KrRole::Lagging }))
        .collect();
    let has_indicator = context.indicators.iter().any(|i| !i.is_empty());
    let mut missing = vec![];
    if !roles.contains(&KrRole::Lagging) {
        missing.push("a lagging outcome (retention, revenue, conversion)");
    }
    if !roles.contains(&KrRole::Leading) && !has_indicator {
        missing.push("a leading indicator (an early signal that predicts the outcome; mark a key result role: leading or add_indicator)");
    }
    if !roles.contains(&KrRole::Experience) {
        missing.push("an experience measure (satisfaction scale, CSAT, experience score)");
    }
    let finding = if missing.is_empty() {
        Finding::pass(RULE, "has a lagging outcome, a leading indicator and an experience measure")
    } else {
        Finding::warn(RULE, format!("missing {}", missing.join("; ")))
            .ask("How will you know early that the outcome is coming, and how it feels to customers?")
    };
    finding.about("key_results")
}

fn set_leading_validated(plan: &ObjectivePlan, context: &CheckContext) -> Vec<Finding> {
    const RULE: &str = "set.leading_validated";
    let mut findings = vec![];
    for (i, kr) in plan.key_results.iter().enumerate() {
        let statuses = context.indicators.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let subject = format!("key_results[{i}]");
        if statuses.contains(&IndicatorStatus::Refuted) {
            findings.push(
                Finding::fail(RULE, "one of its leading indicators was refuted by data or research")
                    .ask("Which other early signal predicts this outcome?")
                    .about(&subject),
            );
        } else if !statuses.is_empty() && statuses.iter().all(|s| *s == IndicatorStatus::Validated) {
            findings.push(Finding::pass(RULE, "its leading indicators are validated").about(&subject));
        } else if (kr.role == Some(KrRole::Leading) || !statuses.is_empty())
            && context.evidence.validating.get(i).copied().unwrap_or(0) > 0
        {
            let n = context.evidence.validating[i];
            findings.push(
                Finding::pass(RULE, format!("{n} piece(s) of research validate its leading indicator")).about(&subject),
            );
        } else if kr.role == Some(KrRole::Leading) || !statuses.is_empty() {
            findings.push(Finding::todo(RULE, "leading indicator not validated yet: no research or data shows it predicts the outcome")
                .ask("Before betting the cycle on it: do interviews or past data show that customers who move this number go on to the outcome?")
                .about(&subject));
        }
    }
    findings
}

fn set_quality_beyond_satisfaction(plan: &ObjectivePlan) -> Option<Finding> {
    const RULE: &str = "set.quality_beyond_satisfaction";
    let satisfaction = |kr: &KeyResultPlan| first_phrase_of(&metric_text(kr), SATISFACTION_METRICS).is_some();
    if !plan.key_results.iter().any(satisfaction) {
        return None;
    }
    Some(if plan.key_results.iter().all(satisfaction) {
        Finding::warn(
            RULE,
            "satisfaction scores (CSAT, NPS) are the only measures: respondent-biased, lagging and low-coverage",
        )
        .ask("What behaviour or quality measure would move before satisfaction does?")
        .about("key_results")
    } else {
        Finding::pass(RULE, "satisfaction is measured beside behaviour or quality").about("key_results")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::okr::input::{KeyResultDraft, ObjectiveDraft};

    fn plan(objective: &str, owner: Option<&str>, key_results: &[&str]) -> ObjectivePlan {
        ObjectiveDraft {
            objective: objective.into(),
            owner: owner.map(Into::into),
            cycle: Some("2026-Q4".into()),
            level: None,
            kind: None,
            parent: None,
            stage: None,
            key_results: key_results.iter().map(|s| KeyResultDraft::Statement(s.to_string())).collect(),
            same_title_intended: false,
        }
        .into_plan()
        .unwrap()
    }

    fn statuses(report: &CheckReport, rule: &str, subject: &str) -> Vec<CheckStatus> {
        report.findings.iter().filter(|f| f.rule == rule && f.subject == subject).map(|f| f.status).collect()
    }

    const GOOD_KRS: &[&str] = &[
        "Raise week-1 to month-3 retention from 50% to 65%",
        "Lift onboarding satisfaction (1–5 scale) from 3.3 to 4.1",
    ];

    fn objective_status(title: &str, rule: &str) -> CheckStatus {
        let report = check(&plan(title, Some("Maya Chen"), GOOD_KRS), &CheckContext::default());
        statuses(&report, rule, "objective")[0]
    }

    fn kr_status(statement: &str, rule: &str) -> Option<CheckStatus> {
        let report = check(&plan("New customers reach value", Some("Maya"), &[statement]), &CheckContext::default());
        statuses(&report, rule, "key_results[0]").first().copied()
    }

    #[test]
    fn a_share_within_a_time_is_service_quality_and_a_count_of_tickets_is_effort() {
        let finding = |statement: &str, rule: &str| {
            let report = check(&plan("Customers get answers", Some("Maya"), &[statement]), &CheckContext::default());
            report.findings.into_iter().find(|f| f.rule == rule && f.subject == "key_results[0]").unwrap()
        };
        let share = "Answer 95% of billing tickets within 24 hours";
        assert_eq!(finding(share, "kr.not_activity_proxy").status, CheckStatus::Pass);
        assert_eq!(finding(share, "kr.outcome_not_output").status, CheckStatus::Pass);
        // The quote is the statement's own words, and the advice names its work.
        let count = finding("Close 600 billing tickets a week", "kr.not_activity_proxy");
        assert_eq!(count.status, CheckStatus::Fail);
        assert!(count.reason.contains("\"close 600 billing tickets\""), "{}", count.reason);
        assert!(count.suggestion.as_deref().unwrap().contains("from the tickets"), "{:?}", count.suggestion);
        let emails = finding("Raise emails sent per rep from 40 to 60", "kr.not_activity_proxy");
        assert!(emails.suggestion.as_deref().unwrap().contains("what the emails are for"), "{:?}", emails.suggestion);
        // A share of the team's own people doing something is an input.
        let staff = finding("Enroll 100% of support staff in the refunds training", "kr.outcome_not_output");
        assert_eq!(staff.status, CheckStatus::Warn);
        assert!(staff.reason.contains("enrolled in the refunds training"), "{}", staff.reason);
        assert_eq!(
            finding("Get 60% of new teams to invite a colleague", "kr.outcome_not_output").status,
            CheckStatus::Pass
        );
    }

    #[test]
    fn objective_outcome_not_output() {
        let rule = "objective.outcome_not_output";
        assert_eq!(objective_status("Launch the new help center", rule), CheckStatus::Fail);
        assert_eq!(objective_status("Roll out SSO to every workspace", rule), CheckStatus::Fail);
        assert_eq!(objective_status("Customers find answers through the new feature", rule), CheckStatus::Warn);
        assert_eq!(objective_status("New customers reach lasting value in their first week", rule), CheckStatus::Pass);
    }

    #[test]
    fn objective_no_metric() {
        let rule = "objective.no_metric";
        assert_eq!(objective_status("Increase activation from 20% to 30%", rule), CheckStatus::Fail);
        assert_eq!(objective_status("Win 3 enterprise logos in healthcare", rule), CheckStatus::Warn);
        assert_eq!(objective_status("Customers feel confident choosing a plan", rule), CheckStatus::Pass);
    }

    #[test]
    fn objective_plain_language() {
        let rule = "objective.plain_language";
        assert_eq!(objective_status("Leverage synergies across the funnel", rule), CheckStatus::Warn);
        assert_eq!(objective_status("Improve TTFV for PLG ICP accounts", rule), CheckStatus::Warn);
        assert_eq!(objective_status("Customers feel confident choosing a plan", rule), CheckStatus::Pass);
    }

    #[test]
    fn objective_one_owner() {
        let rule = "objective.one_owner";
        let status = |owner: Option<&str>| {
            statuses(&check(&plan("Customers succeed", owner, GOOD_KRS), &CheckContext::default()), rule, "objective")
                [0]
        };
        assert_eq!(status(None), CheckStatus::Fail);
        assert_eq!(status(Some("Support team")), CheckStatus::Fail);
        assert_eq!(status(Some("Maya and Leo")), CheckStatus::Fail);
        assert_eq!(status(Some("Maya Chen")), CheckStatus::Pass);
    }

    #[test]
    fn objective_in_cycle_and_key_results_time_bound() {
        let mut p = plan("Customers succeed", Some("Maya"), GOOD_KRS);
        let report = check(&p, &CheckContext::default());
        assert_eq!(statuses(&report, "objective.in_cycle", "objective"), [CheckStatus::Pass]);
        assert_eq!(statuses(&report, "kr.time_bound", "key_results[0]"), [CheckStatus::Pass]);
        p.cycle = None;
        let report = check(&p, &CheckContext::default());
        assert_eq!(statuses(&report, "objective.in_cycle", "objective"), [CheckStatus::Fail]);
        assert_eq!(statuses(&report, "kr.time_bound", "key_results[0]"), [CheckStatus::Fail]);
        assert_eq!(
            kr_status("Raise trial conversion from 12% to 16% by May 15", "kr.time_bound"),
            Some(CheckStatus::Warn)
        );
    }

    #[test]
    fn objective_owner_load() {
        let p = plan("Customers succeed", Some("Maya"), GOOD_KRS);
        let load = |owned: usize| {
            let context = CheckContext { owner_objectives: owned, ..Default::default() };
            statuses(&check(&p, &context), "objective.owner_load", "objective")[0]
        };
        assert_eq!(load(2), CheckStatus::Pass);
        assert_eq!(load(3), CheckStatus::Warn);
        assert_eq!(load(5), CheckStatus::Fail);
        let mut company = p.clone();
        company.level = Level::Company;
        let context = CheckContext { owner_objectives: 9, company_objectives: 5, ..Default::default() };
        assert_eq!(statuses(&check(&company, &context), "objective.owner_load", "objective"), [CheckStatus::Fail]);
    }

    #[test]
    fn objective_aligned() {
        let p = plan("New customers reach lasting value in their first week", Some("Maya"), GOOD_KRS);
        let copying = CheckContext {
            parent_title: Some("New customers reach lasting value in the first week".into()),
            ..Default::default()
        };
        assert_eq!(statuses(&check(&p, &copying), "objective.aligned", "objective"), [CheckStatus::Fail]);
        let own =
            CheckContext { parent_title: Some("Grow a durable self-serve business".into()), ..Default::default() };
        assert_eq!(statuses(&check(&p, &own), "objective.aligned", "objective"), [CheckStatus::Pass]);
        assert!(statuses(&check(&p, &CheckContext::default()), "objective.aligned", "objective").is_empty());
    }

    #[test]
    fn evidence_rules_answer_todo_until_evidence_exists() {
        let report = check(&plan("Customers succeed", Some("Maya"), GOOD_KRS), &CheckContext::default());
        assert_eq!(statuses(&report, "objective.motivated_by_evidence", "objective"), [CheckStatus::Todo]);
        let mut p = plan("Customers succeed", Some("Maya"), GOOD_KRS);
        p.key_results[0].role = Some(KrRole::Leading);
        let report = check(&p, &CheckContext::default());
        assert_eq!(statuses(&report, "set.leading_validated", "key_results[0]"), [CheckStatus::Todo]);
        let validated = CheckContext { indicators: vec![vec![IndicatorStatus::Validated]], ..Default::default() };
        assert_eq!(statuses(&check(&p, &validated), "set.leading_validated", "key_results[0]"), [CheckStatus::Pass]);
        let refuted = CheckContext { indicators: vec![vec![IndicatorStatus::Refuted]], ..Default::default() };
        assert_eq!(statuses(&check(&p, &refuted), "set.leading_validated", "key_results[0]"), [CheckStatus::Fail]);
        assert_eq!(
            statuses(&check(&p, &CheckContext::default()), "kr.baseline_source", "key_results[0]"),
            [CheckStatus::Todo]
        );
    }

    #[test]
    fn evidence_rules_answer_from_the_links_once_there_are_some() {
        let mut p = plan("Customers succeed", Some("Maya"), GOOD_KRS);
        p.key_results[0].role = Some(KrRole::Leading);
        let linked = CheckContext {
            evidence: LinkedEvidence {
                motivating: 2,
                validating: vec![1, 0],
                baseline_sources: vec![0, 1],
                stale: vec![0, 3],
            },
            ..Default::default()
        };
        let report = check(&p, &linked);
        assert_eq!(statuses(&report, "objective.motivated_by_evidence", "objective"), [CheckStatus::Pass]);
        assert_eq!(statuses(&report, "set.leading_validated", "key_results[0]"), [CheckStatus::Pass]);
        assert_eq!(statuses(&report, "kr.baseline_source", "key_results[0]"), [CheckStatus::Todo]);
        assert_eq!(statuses(&report, "kr.baseline_source", "key_results[1]"), [CheckStatus::Pass]);
        assert_eq!(statuses(&report, "kr.evidence_fresh", "key_results[1]"), [CheckStatus::Warn]);
        assert!(statuses(&report, "kr.evidence_fresh", "key_results[0]").is_empty());
    }

    #[test]
    fn key_result_rules_on_their_own_examples() {
        assert_eq!(kr_status("Raise activation from 20% to 30%", "kr.measurable"), Some(CheckStatus::Pass));
        assert_eq!(kr_status("Improve activation", "kr.measurable"), Some(CheckStatus::Fail));
        assert_eq!(kr_status("Launch the referral program", "kr.measurable"), Some(CheckStatus::Warn));
        assert_eq!(kr_status("Raise activation to 30%", "kr.baseline_known"), Some(CheckStatus::Warn));
        assert_eq!(kr_status("Raise activation from 20% to 30%", "kr.baseline_known"), Some(CheckStatus::Pass));
        assert_eq!(kr_status("Raise activation by 30%", "kr.relative_target"), Some(CheckStatus::Fail));
        assert_eq!(kr_status("Raise activation from 20% to 30%", "kr.relative_target"), None);
        assert_eq!(
            kr_status("Raise blog post conversion from 2% to 3%", "kr.outcome_not_output"),
            Some(CheckStatus::Pass)
        );
        assert_eq!(kr_status("Publish 12 blog posts", "kr.outcome_not_output"), Some(CheckStatus::Fail));
        assert_eq!(
            kr_status("Raise first-contact resolution from 64% to 75%", "kr.not_activity_proxy"),
            Some(CheckStatus::Pass)
        );
        assert_eq!(
            kr_status("Cut average handle time from 9 to 6 minutes", "kr.not_activity_proxy"),
            Some(CheckStatus::Fail)
        );
        assert_eq!(kr_status("Increase churn from 5% to 3%", "kr.direction_consistent"), Some(CheckStatus::Fail));
        assert_eq!(kr_status("Reduce churn from 5% to 3%", "kr.direction_consistent"), Some(CheckStatus::Pass));
    }

    #[test]
    fn relative_target_with_a_baseline_is_converted_to_absolute() {
        let mut p = plan("Customers succeed", Some("Maya"), &["Reduce refund misses by 40%"]);
        p.key_results[0].baseline = Some(18.0);
        p.key_results[0].unit = Some(Unit::Percent);
        let report = check(&p, &CheckContext::default());
        let finding = report.findings.iter().find(|f| f.rule == "kr.relative_target").unwrap();
        assert_eq!(finding.status, CheckStatus::Warn);
        assert!(finding.suggestion.as_deref().unwrap().ends_with("from 18% to 10.8%"), "{:?}", finding.suggestion);
    }

    #[test]
    fn key_result_owner() {
        let mut p = plan("Customers succeed", None, GOOD_KRS);
        assert_eq!(
            statuses(&check(&p, &CheckContext::default()), "kr.one_owner", "key_results[0]"),
            [CheckStatus::Fail]
        );
        p.key_results[0].owner = Some("Leo".into());
        assert_eq!(
            statuses(&check(&p, &CheckContext::default()), "kr.one_owner", "key_results[0]"),
            [CheckStatus::Pass]
        );
        p.key_results[0].owner = Some("Growth squad".into());
        assert_eq!(
            statuses(&check(&p, &CheckContext::default()), "kr.one_owner", "key_results[0]"),
            [CheckStatus::Fail]
        );
    }

    #[test]
    fn set_rules() {
        let set = |krs: &[&str]| check(&plan("Customers succeed", Some("Maya"), krs), &CheckContext::default());
        assert_eq!(statuses(&set(&GOOD_KRS[..1]), "set.size", "key_results"), [CheckStatus::Warn]);
        assert_eq!(statuses(&set(GOOD_KRS), "set.size", "key_results"), [CheckStatus::Pass]);
        let six = [
            "Raise a from 1 to 2",
            "Raise b from 1 to 2",
            "Raise c from 1 to 2",
            "Raise d from 1 to 2",
            "Raise e from 1 to 2",
            "Raise f from 1 to 2",
        ];
        assert_eq!(statuses(&set(&six), "set.size", "key_results"), [CheckStatus::Fail]);
        let twice = ["Raise week-1 retention from 50% to 65%", "Raise Week-1 Retention from 50% to 70%"];
        assert_eq!(statuses(&set(&twice), "set.no_duplicates", "key_results"), [CheckStatus::Warn]);
        assert_eq!(statuses(&set(GOOD_KRS), "set.no_duplicates", "key_results"), [CheckStatus::Pass]);
        // Lagging + experience, no leading indicator: warn, and say what is missing.
        let report = set(GOOD_KRS);
        let balanced = report.findings.iter().find(|f| f.rule == "set.balanced").unwrap();
        assert_eq!(balanced.status, CheckStatus::Warn);
        assert!(
            balanced.reason.contains("leading indicator") && !balanced.reason.contains("experience"),
            "{}",
            balanced.reason
        );
        let with_indicator =
            CheckContext { indicators: vec![vec![IndicatorStatus::Assumed], vec![]], ..Default::default() };
        let p = plan("Customers succeed", Some("Maya"), GOOD_KRS);
        assert_eq!(statuses(&check(&p, &with_indicator), "set.balanced", "key_results"), [CheckStatus::Pass]);
        let only_satisfaction = ["Raise CSAT from 80% to 85%", "Raise NPS from 20 to 30"];
        assert_eq!(
            statuses(&set(&only_satisfaction), "set.quality_beyond_satisfaction", "key_results"),
            [CheckStatus::Warn]
        );
        assert_eq!(statuses(&set(GOOD_KRS), "set.quality_beyond_satisfaction", "key_results"), [CheckStatus::Pass]);
    }

    #[test]
    fn vocabulary_lists_are_in_the_form_phrases_are_matched_in() {
        for list in [
            OUTPUT_VERBS,
            OUTPUT_WORDS,
            OUTPUT_NOUNS,
            ACTIVITY_PROXIES,
            SATISFACTION_METRICS,
            EXPERIENCE_METRICS,
            JARGON,
        ] {
            for phrase in list {
                assert_eq!(words(phrase).join(" "), *phrase);
                assert!(phrase.is_ascii());
            }
        }
        assert!(contains_phrase("Publish blog posts", "blog post"));
        assert!(!contains_phrase("Postpone the launch", "post"));
        assert!(contains_phrase("Cut average handle time", "handle time"));
        assert!(!contains_phrase("Cut average handle-time", "handle time"));
    }

    #[test]
    fn strength_counts_warns_as_half_and_ignores_todo() {
        let tally = Tally { pass: 6, warn: 2, fail: 2, todo: 5 };
        assert_eq!(strength(&tally), 0.7);
        assert_eq!(strength(&Tally::default()), 0.0);
    }

    #[derive(Debug, serde::Deserialize)]
    struct Labelled {
        statement: String,
        label: String,
        metric: Option<String>,
        baseline: Option<f64>,
        target: Option<f64>,
        unit: Option<String>,
        direction: Option<Direction>,
    }

    /// The rule each label must trip.
    fn rule_for(label: &str) -> &'static str {
        match label {
            "output" => "kr.outcome_not_output",
            "activity_proxy" => "kr.not_activity_proxy",
            "relative_without_baseline" => "kr.relative_target",
            "inverted" => "kr.direction_consistent",
            "unmeasurable" => "kr.measurable",
            other => panic!("unknown label {other}"),
        }
    }

    fn unit_name(unit: &Option<Unit>) -> Option<String> {
        unit.as_ref().map(|u| match u {
            Unit::Currency { code } => code.to_lowercase(),
            Unit::Duration { unit } => unit.clone(),
            other => serde_json::to_value(other).unwrap()["kind"].as_str().unwrap().to_string(),
        })
    }

    #[test]
    fn labelled_statements_are_caught_and_outcomes_parse_exactly() {
        let cases: Vec<Labelled> = serde_yaml_ng::from_str(include_str!("labelled_krs.yaml")).unwrap();
        assert!(cases.len() >= 40, "the labelled set has {} statements", cases.len());
        let mut problems = vec![];
        for case in &cases {
            let p = plan("New customers reach lasting value", Some("Maya"), &[&case.statement]);
            let report = check(&p, &CheckContext::default());
            let fails: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.subject == "key_results[0]" && f.status == CheckStatus::Fail)
                .map(|f| f.rule.as_str())
                .collect();
            let kr = &p.key_results[0];
            if case.label == "outcome" {
                let read = (
                    kr.metric_name.as_deref().map(str::to_lowercase),
                    kr.baseline,
                    kr.target,
                    unit_name(&kr.unit),
                    kr.direction,
                );
                let expected = (case.metric.clone(), case.baseline, case.target, case.unit.clone(), case.direction);
                if read != expected {
                    problems.push(format!("{:?}\n    read     {read:?}\n    expected {expected:?}", case.statement));
                }
                if !fails.is_empty() {
                    problems.push(format!("{:?} is an outcome but failed {fails:?}", case.statement));
                }
            } else if !fails.contains(&rule_for(&case.label)) {
                problems.push(format!(
                    "{:?} ({}) did not fail {}; failed {fails:?}",
                    case.statement,
                    case.label,
                    rule_for(&case.label)
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "{} of {} labelled cases wrong:\n{}",
            problems.len(),
            cases.len(),
            problems.join("\n")
        );
    }

    #[test]
    fn an_output_rewrite_is_built_from_the_key_result_at_hand() {
        let rewrite = |statement: &str| {
            let plan = plan("Customers solve problems on their own", Some("Ana"), &[statement]);
            kr_outcome_not_output(&plan.key_results[0]).and_then(|f| f.suggestion).unwrap_or_default()
        };
        let help = rewrite("Publish 20 help articles by December");
        assert!(help.contains("\"Publish 20 help articles by December\" as an initiative"), "{help}");
        assert!(help.contains("answered by the help articles without a ticket"), "{help}");
        let calls = rewrite("Hold 20 customer calls");
        assert!(calls.contains("reached by the customer calls who renew"), "{calls}");
        let press = rewrite("Secure 5 press placements");
        assert!(press.contains("press placements"), "{press}");
        for text in [&help, &calls, &press] {
            assert!(!text.contains("first project"), "no canned onboarding example: {text}");
        }
        assert_eq!(rewrite("Reduce support calls from 500 to 300"), "", "fewer calls is not output");
    }

    #[test]
    fn a_verb_and_numbers_that_disagree_are_fixed_the_way_the_metric_is_good() {
        let finding = |statement: &str| {
            let plan = plan("Payments go through the first time", Some("Ana"), &[statement]);
            kr_direction_consistent(&plan.key_results[0]).unwrap()
        };
        let success = finding("Increase payment success rate from 97% to 95%");
        assert_eq!(success.status, CheckStatus::Fail);
        assert!(success.reason.contains("the numbers look wrong"), "{}", success.reason);
        let fix = success.suggestion.unwrap();
        assert!(fix.starts_with("Raise payment success rate from 97% to <a target above 97%>"), "{fix}");
        assert!(!fix.contains("Reduce"), "{fix}");
        let churn = finding("Increase monthly churn from 5% to 3%");
        assert!(churn.reason.contains("the verb looks wrong"), "{}", churn.reason);
        assert_eq!(churn.suggestion.as_deref(), Some("Reduce monthly churn from 5% to 3%"));
        let unknown = finding("Increase widget throughput from 40 to 30");
        assert!(unknown.question.unwrap().contains("Which is wrong"));
    }

    #[test]
    fn a_verb_and_a_product_area_is_a_theme_not_an_objective() {
        let rule = "objective.names_who_benefits";
        assert_eq!(objective_status("Improve onboarding", rule), CheckStatus::Fail);
        assert_eq!(objective_status("Make billing great", rule), CheckStatus::Fail);
        assert_eq!(objective_status("Billing admins trust every invoice they send", rule), CheckStatus::Pass);
        assert_eq!(objective_status("Payments go through the first time", rule), CheckStatus::Warn);
        let report = check(&plan("Make billing great", Some("Ana"), GOOD_KRS), &CheckContext::default());
        let finding = report.findings.iter().find(|f| f.rule == rule).unwrap();
        assert!(finding.suggestion.as_deref().unwrap().contains("with billing without"), "{:?}", finding.suggestion);
        assert!(!finding.suggestion.as_deref().unwrap().contains("great"));
    }
}

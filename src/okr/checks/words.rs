//! The word lists the rules match, each an example set from docs/domain.md#2-quality-rules, and
//! the small text helpers that match them as whole words.

use super::*;

/// Output words that, anywhere in an objective, suggest a deliverable.
pub(super) const OUTPUT_WORDS: &[&str] = &[
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

/// Things produced or done, which a KR counts when it measures output (docs/domain.md#outcome-not-output).
pub(super) const OUTPUT_NOUNS: &[&str] = &[
    "interview",
    "placement",
    "call",
    "case study",
    "study",
    "pilot",
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
    "story points",
    "deploy",
    "pull request",
    "ticket closed",
    "page",
];

/// Effort measures: they describe activity, not quality (docs/domain.md#not-an-activity-proxy).
pub(super) const ACTIVITY_PROXIES: &[&str] = &[
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
    "time-to-hire",
    "time to hire",
    "time to fill",
    "turnaround",
    "on schedule",
    "planned date",
    "planned dates",
    "release milestones",
    "contacts per hour",
    // The team's delivery pace in its own words: how much of what it committed it
    // did, how fast it goes, how much of its time goes to manual work ("toil"; time
    // spent by customers, "time spent watching", is theirs and not here).
    "velocity",
    "story points",
    "sprint work",
    "committed work",
    "committed goals",
    "goals attainment",
    "announced date",
    "toil",
    "manual work",
    "ops work",
];

/// Measures of the team's own code.
pub(super) const CODE_MEASURES: &[&str] = &[
    "test coverage",
    "code coverage",
    "codebase",
    "libraries in use",
    "lines of code",
    "tech debt",
    "technical debt",
    "legacy code",
    "legacy library",
    "dependencies",
    "warnings",
    "lint errors",
    "code smells",
    "vulnerabilities",
    // Scores and coverage an audit tool or a standard gives our own site or service.
    "pagespeed",
    "lighthouse score",
    "wcag",
    "compliance coverage",
    "slo coverage",
    "docs coverage",
    "documentation coverage",
];

/// Waits that are both what customers feel and how fast the team works.
pub(super) const WAIT_TIMES: &[&str] = &[
    "first response time",
    "response time",
    "reply time",
    "queue wait",
    "wait time",
    "time to first response",
    "resolution time",
];

/// Who makes up the team or a line-up it invites: its share of a group, or of people
/// promoted from within.
pub(super) const MAKE_UP: &[&str] = &[
    "women",
    "female",
    "underrepresented",
    "under-represented",
    "diversity",
    "gender balance",
    "gender parity",
    "promotion rate",
    "internal promotion",
    "promoted internally",
];

/// How fast work moves through the team: how soon customers get a change, or the
/// team's own pace. Both readings are common; the check asks.
pub(super) const DELIVERY_PACE: &[&str] = &["lead time", "cycle time", "throughput"];

/// Percentages that are ratios and may pass 100% (net revenue retention of 110%).
pub(super) const RATIOS_ABOVE_100: &[&str] = &[
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

/// Respondent-biased satisfaction measures: fine as experience metrics, weak alone.
pub(super) const SATISFACTION_METRICS: &[&str] = &["csat", "nps", "net promoter", "satisfaction"];

/// Experience metrics (docs/domain.md#kr-role).
pub(super) const EXPERIENCE_METRICS: &[&str] = &[
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

pub(super) const JARGON: &[&str] = &[
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
pub(super) const KNOWN_ACRONYMS: &[&str] =
    &["US", "UK", "EU", "AI", "API", "B2B", "B2C", "CEO", "IT", "HR", "Q1", "Q2", "Q3", "Q4"];

pub(super) const TEAM_WORDS: &[&str] =
    &["team", "squad", "group", "department", "dept", "guild", "crew", "committee", "org"];

pub(super) fn starts_with_output_verb(text: &str) -> Option<&'static str> {
    let w = words(text);
    let first = w.first()?;
    let two = w.iter().take(2).cloned().collect::<Vec<_>>().join(" ");
    work_verb(&two).or_else(|| work_verb(first)).map(|(_, verb)| verb)
}

pub(super) fn looks_like_team(owner: &str) -> bool {
    let w = words(owner);
    w.iter().any(|w| TEAM_WORDS.contains(&w.as_str()))
        || owner.contains(['&', ',', '/', '+'])
        || w.iter().any(|w| w == "and")
}

pub(super) fn metric_text(kr: &KeyResultPlan) -> String {
    kr.metric_name.clone().unwrap_or_else(|| kr.statement.clone())
}

pub(super) fn is_experience(kr: &KeyResultPlan) -> bool {
    kr.role == Some(KrRole::Experience)
        || (kr.role.is_none() && first_phrase_of(&metric_text(kr), EXPERIENCE_METRICS).is_some())
}

pub(super) use crate::stats::num as fmt_num;

pub(super) fn with_unit(x: f64, unit: Option<&Unit>) -> String {
    match unit {
        Some(Unit::Percent) => format!("{}%", fmt_num(x)),
        Some(Unit::Currency { code }) if code == "USD" => format!("${}", fmt_num(x)),
        _ => fmt_num(x),
    }
}

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

mod reader;
mod rewrite;
mod tags;
mod time_bound;
mod tokens;
mod units;
mod work;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::vocabulary::*;
use crate::model::{Direction, Scale, Threshold, ThresholdKind, Unit};
use reader::*;
pub use rewrite::renumber;
use time_bound::*;
use tokens::*;
pub(crate) use units::MONTHS;
use units::*;
pub use work::{WorkDone, WorkForm};

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
    /// The work it names when it names work (a deliverable or effort) rather than a
    /// number to move: "Publish 3 guides", "Data lead hired", "SSO in place".
    #[serde(skip)]
    #[schemars(skip)]
    pub work: Option<WorkDone>,
    /// What an audience does with the work, counted: "150+ reads", "reach 40+ developers".
    #[serde(skip)]
    #[schemars(skip)]
    pub audience: Option<String>,
    /// The statement without the owner, priority and team tags around it ("`P1`
    /// @maria -", "Sales:", "(ewd)"): what the checks read.
    #[serde(skip)]
    #[schemars(skip)]
    pub core: String,
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

/// Reads a key-result statement. Never panics, never guesses.
pub fn parse_statement(text: &str) -> ParsedStatement {
    let core = tags::without_tags(text);
    let mut unread = vec![];
    let mut tokens = tokenize(&core, &mut unread);
    attach_unit_words(&mut tokens);
    join_compound_durations(&mut tokens);
    let scale = take_scale(&mut tokens);
    let share = share_at(&tokens).is_some();
    let due = take_time_bound(&mut tokens, &mut unread, share);
    time_bound::years_as_words(&mut tokens);
    let mut reader = Reader { tokens, used: vec![], unread };
    reader.used = vec![false; reader.tokens.len()];
    let mut parsed = reader.read(scale, due);
    parsed.audience = work::audience_count(&core);
    // "Produce 3 livestreams with 400 registrants": the work counted first, what its
    // audience did second. The lone number the reader took is the work's; the key
    // result measures the audience's.
    if let Some(count) = parsed.audience.as_deref().and_then(|audience| audience_number(&core, audience))
        && parsed.baseline.is_none()
        && parsed.relative_change.is_none()
        && parsed.threshold.is_none()
        && parsed.target.is_some_and(|t| t != count)
    {
        parsed.target = Some(count);
        parsed.unit = Some(Unit::Count);
    }
    let counts = matches!(parsed.unit, None | Some(Unit::Count));
    let work = work::read_work(&core, parsed.verb.as_deref(), parsed.target.is_some(), counts);
    // An audience counted makes it an outcome, unless the audience is only who our
    // effort went to ("pitch to 25 attendees"): then both readings stay, and the
    // check asks which is meant.
    parsed.work = match (&parsed.audience, work) {
        (None, work) => work,
        (Some(_), Some(work))
            if work.kind == Work::Effort && work.form == WorkForm::Imperative && work::counted_as_recipients(&core) =>
        {
            Some(work)
        }
        (Some(_), _) => None,
    };
    parsed.direction = parsed.direction.or_else(|| unstated_direction(&parsed, &core));
    parsed.core = core;
    parsed
}

/// The number of an audience count, read from the statement's own tokens (the words
/// the count was found in split "2,500+" at the comma): the number nearest before the
/// count's last word ("2,500+ reached" → 2500, "reaches 40+ developers" → 40).
fn audience_number(core: &str, audience: &str) -> Option<f64> {
    let last = audience.split_whitespace().last()?;
    let tokens = tokenize(core, &mut vec![]);
    let at = tokens.iter().position(|t| t.kind == Kind::Word && t.lower == last)?;
    tokens[at.saturating_sub(3)..at].iter().rev().find_map(Token::number).map(|n| n.value)
}

/// The direction of a statement whose verb does not give one: a threshold's ("fewer
/// than 3 incidents" goes down, "at least 5 customers" up), a relative change's
/// ("outages cut by 40%"), or for a bare target ("Reach 1,500 active teams", "Average
/// first response time of 2 hours") the way its metric is better, else up: a target
/// named without a baseline is a level to reach.
fn unstated_direction(parsed: &ParsedStatement, text: &str) -> Option<Direction> {
    if let Some(threshold) = &parsed.threshold {
        return Some(match threshold.kind {
            ThresholdKind::AtMost => Direction::Decrease,
            ThresholdKind::AtLeast => Direction::Increase,
        });
    }
    if let Some(change) = &parsed.relative_change {
        return Some(change.direction);
    }
    parsed.target?;
    let metric = parsed.metric.as_deref().unwrap_or(&parsed.core).to_lowercase();
    // A streak is a time to lengthen, whatever it is free of: "stays up for 14 days
    // without a crash".
    if matches!(parsed.unit, Some(Unit::Duration { .. })) && is_streak(&text.to_lowercase()) {
        return Some(Direction::Increase);
    }
    better_when(&metric).or(match parsed.unit {
        Some(Unit::Duration { .. }) => Some(Direction::Decrease),
        _ => Some(Direction::Increase),
    })
}

/// A time counted while something keeps going or keeps not happening.
fn is_streak(text: &str) -> bool {
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.contains(&"without")
        || words.windows(2).any(|w| w == ["up", "for"])
        || words.windows(3).any(|w| w == ["in", "a", "row"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_whose_verb_no_list_has_is_a_task_and_its_object_says_which_kind() {
        for (written, verb, kind) in [
            ("Restructure the quarterly budget workbooks", "restructure", Work::Deliverable),
            ("Successfully fold the Lisbon contractors into the payroll run", "fold", Work::Deliverable),
            ("Bring the new regions into the reporting routine", "bring", Work::Deliverable),
            ("Attend the partner summits this spring", "attend", Work::Effort),
        ] {
            let r = p(written);
            assert_eq!(r.verb.as_deref(), Some(verb), "{written}");
            assert_eq!(r.work.map(|w| w.kind), Some(kind), "{written}");
        }
        // A verb only the English lexicon knows, before an object, with no number, is
        // a task to ask about; a number, a noun first or customers in the object are not.
        let task = |text: &str| p(text).work.map(|w| (w.kind, w.form, w.said));
        assert_eq!(
            task("Plug gaps in the funnel analysis before July"),
            Some((Work::Deliverable, WorkForm::Task, "plug gaps in the".to_string()))
        );
        assert_eq!(task("remove hacky workarounds for the gate").map(|t| t.1), Some(WorkForm::Task));
        assert_eq!(task("Revenue grows in every region"), None);
        assert_eq!(task("Churn increases slower than sign-ups"), None);
        assert_eq!(task("Our resident survey baseline is known").map(|t| t.1), None);
        assert_eq!(task("Digest is growing faster than last year"), None);
        assert_eq!(task("Delight returning customers in Spain"), None);
        assert_ne!(task("Appear in the top results for our own name").map(|t| t.1), Some(WorkForm::Task));
        // A noun followed by a verb is not a command, and customers won are not a task.
        assert_eq!(p("Revenue grows 20% this quarter").work, None);
        assert_eq!(p("Delight the customers who churned last year").work, None);
    }

    #[test]
    fn a_list_of_verbs_looking_into_things_spending_and_participles_as_adjectives() {
        let work = |text: &str| p(text).work.map(|w| (w.kind, w.form, w.said));
        use Work::{Deliverable, Effort};
        use WorkForm::{EndState, Imperative};
        // A list of verbs that opens a command, joined by "and", "&" or commas, names
        // all of their work: effort anywhere in it is effort, else one that makes
        // something makes it a deliverable.
        for (written, read) in [
            ("Research & finalize proposals for the main primitives", (Effort, "research")),
            ("sanitize, publish and archive the results of our sensors", (Deliverable, "publish")),
            ("Improve and refresh the community website", (Deliverable, "refresh")),
            ("Host and deliver the annual meeting", (Effort, "host")),
        ] {
            assert_eq!(work(written), Some((read.0, Imperative, read.1.to_string())), "{written}");
        }
        // With no joiner the next word is the object, not a second verb; a metric
        // moved by a verb of the list is not work, and that verb says the way.
        assert_eq!(work("Increase support satisfaction to 90%"), None);
        let r = p("Track and raise team satisfaction");
        assert_eq!((r.work, r.direction), (None, Some(Direction::Increase)));
        let r = p("Recruit and keep 5 new steering-group members");
        assert_eq!((r.direction, r.work.map(|w| w.kind)), (Some(Direction::Increase), Some(Deliverable)));
        assert_eq!(work("Call and sign 10 new customers"), None);
        assert_eq!(p("Broaden income sources").direction, Some(Direction::Increase));
        // An adverb may stand before a verb of two words.
        assert_eq!(p("Continuously work on the stop registry").verb.as_deref(), Some("work on"));
        // With no number, no verb further on and no preposition next, a word that is
        // as often a noun leads the command.
        assert_eq!(p("Track referral-source fields in the CRM").verb.as_deref(), Some("track"));
        assert_eq!(p("Host first community conference in LATAM").verb.as_deref(), Some("host"));
        assert_eq!(p("Support for verified build outputs in CI").verb, None);
        assert_eq!(p("Support tickets get answered the same day").verb, None);
        // A gerund after a verb only the lexicon knows is its object.
        assert_eq!(work("Receive building consent for the terrace").map(|w| w.1), Some(WorkForm::Task));
        // Looking into something, talking with people and spending are effort.
        for written in
            ["Assess the community tooling", "Explore three pricing models", "Spend 90% of the repair budget"]
        {
            assert_eq!(work(written).map(|w| (w.0, w.1)), Some((Effort, Imperative)), "{written}");
        }
        // A participle before a noun, or after an article or a preposition, is an
        // adjective: the work it names is not said to be done.
        assert_ne!(work("Support for verified build outputs in CI").map(|w| w.0), Some(Effort));
        assert_eq!(work("Districts reporting clinic data in agreed, common format from 18 to 27"), None);
        // A share right before a participle of making is a deliverable's progress.
        assert_eq!(
            work("Export functionality 70% completed by the ship date"),
            Some((Deliverable, EndState, "completed".to_string()))
        );
        assert_eq!(work("All 5 alert types coded and tested").map(|w| (w.0, w.1)), Some((Deliverable, EndState)));
        // "Break even" is a level the business reaches.
        assert_eq!(work("Break even on studio operations"), None);
        // A count after the verb's preposition is the target; a threshold after the
        // counted things says which of them count.
        assert_eq!(p("Appear on 4 radio shows, each with at least 8,000 listeners").target, Some(4.0));
    }

    #[test]
    fn starting_work_what_our_people_should_do_and_what_a_thing_can_have_done_to_it() {
        let work = |text: &str| p(text).work.map(|w| (w.kind, w.form));
        use Work::{Deliverable, Effort};
        use WorkForm::{Capability, EndState, Imperative, Thing};
        for (written, read) in [
            ("Start migrating the billing jobs", Some((Effort, Imperative))),
            ("All designers should review the token changes", Some((Effort, EndState))),
            ("Saved reports exportable as CSV", Some((Deliverable, Capability))),
            ("Moderation of decks and card sets", Some((Deliverable, Thing))),
            ("The export library exposes the new streaming API", Some((Deliverable, EndState))),
            ("The checkout feels fast on a phone", None),
            // A status line may open with the participle when it has no number.
            ("Finished treasury model v2", Some((Deliverable, EndState))),
            // Any verb in the passive, with no number, says a thing of ours was done to.
            ("Account data is encrypted and stored safely", Some((Deliverable, EndState))),
            ("The old endpoints have been retired", Some((Deliverable, EndState))),
            ("Churn is reduced in every region", None),
            ("Customers are delighted by the new checkout", None),
            // A quality customers judge is not a capability, and customers are not staff.
            ("Checkout reliable on every device", None),
            ("Customers should see the new prices at checkout", None),
            // The team's own people as the subject of a verb: effort, whatever the verb.
            ("Team members skip no more than 5% of retros", Some((Effort, EndState))),
            ("Each member of the team does support work", Some((Effort, EndState))),
            // ... but not a noun phrase about them, nor people who may be our users.
            ("Team members who left this year", None),
            ("Developers adopt the new SDK within a week", None),
            ("Achieve 70+ eNPS (staff satisfaction)", None),
            ("Reps convert 25% of trials to paying accounts", None),
        ] {
            assert_eq!(work(written), read, "{written}");
        }
        // "Given" opens a condition, not a status line.
        assert_ne!(work("Given clear specs, each engineer can ship a connector alone").map(|w| w.0), Some(Effort));
        assert_eq!(p("Scale up the community").direction, Some(Direction::Increase));
    }

    #[test]
    fn a_share_that_leads_the_statement_is_the_target_and_its_threshold_the_condition() {
        let r = p("90% of builds finish in under 10 minutes");
        assert_eq!((r.target, r.direction, r.threshold, r.verb), (Some(90.0), Some(Direction::Increase), None, None));
        let share = r.share.unwrap();
        assert_eq!(
            (share.population.as_str(), share.condition.as_deref()),
            ("builds", Some("finish in under 10 minutes"))
        );
        let r = p("95% of refund tickets answered within 24 hours");
        assert_eq!(r.share.unwrap().condition.as_deref(), Some("answered within 24 hours"));
    }

    #[test]
    fn improving_a_time_shortens_it_and_a_particle_is_not_a_change() {
        // A baseline in an aside leaves the number before it to be the target; a
        // score may be written with its article.
        let r = p("Achieve 99.9% uptime (from current 99.5%)");
        assert_eq!((r.baseline, r.target), (Some(99.5), Some(99.9)));
        let r = p("Reduce the effort score for a new partner from a 5 to a 2");
        assert_eq!((r.baseline, r.target, r.direction), (Some(5.0), Some(2.0), Some(Direction::Decrease)));
        let r = p("Strive to cut twelve percent of checkout errors");
        assert_eq!((r.direction, r.verb.as_deref()), (Some(Direction::Decrease), Some("cut")));
        assert_eq!(p("Improve the average checkout load time by 8%").direction, Some(Direction::Decrease));
        assert_eq!(p("Improve the average order value by 8%").direction, Some(Direction::Increase));
        assert_eq!(p("Speed up the restore from backups by 20%").direction, Some(Direction::Decrease));
        // In an aside, "is" before a value says where the metric stands today.
        let r = p("Increase learners reached by our courses to 3 million (June 2026 total is 1.9 million).");
        assert_eq!((r.baseline, r.target), (Some(1_900_000.0), Some(3_000_000.0)));
        assert_eq!(p("Raise the share that is active to 40%").baseline, None);
        // A threshold after the counted things picks out which of them count.
        let r = p("Join 6 forums with at least 3000 members each and answer 8 threads in each");
        assert_eq!((r.target, r.threshold), (Some(6.0), None));
        assert_eq!(p("Accounts with at least 5 seats").target, Some(5.0));
        assert_eq!(p("Launch app v2 with >4.5 star rating").target, Some(4.5));
        assert_eq!(p("25 host profiles which release at least one episode").target, Some(25.0));
        assert_eq!(p("At least 5 customers live on the new plan").target, Some(5.0));
        let r = p("Achieve 30,000 student accounts solving at least one problem per week");
        assert_eq!((r.target, r.threshold), (Some(30_000.0), None));
        // A clock-style time is m:ss or h:mm: the same count of its smaller unit.
        let r = p("Increase avg. Time on page from 2:30 to 3:30");
        assert_eq!((r.baseline, r.target, r.direction), (Some(150.0), Some(210.0), Some(Direction::Increase)));
        assert!(r.unread.iter().any(|note| note.contains("\"2:30\"")), "{:?}", r.unread);
        assert_eq!(p("Hit a 3:1 ratio of pipeline to quota").target, Some(3.0));
        let r = p("Write up 3 pricing options");
        assert_eq!((r.target, r.relative_change), (Some(3.0), None));
    }

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
        // ">=" and "<=" typed in ASCII are thresholds too.
        let r = p("Deliver >= 3 scheduling enhancements with ≥75% positive client feedback");
        assert_eq!((r.target, r.threshold.map(|t| t.kind)), (Some(3.0), Some(ThresholdKind::AtLeast)));
        assert_eq!(p("Keep p95 latency <= 300ms").threshold.map(|t| t.kind), Some(ThresholdKind::AtMost));
        // A command said in the negative turns the threshold round: a cap, not a floor.
        let r = p("Not spend more than 6 hours in reading and data collection");
        assert_eq!(r.threshold.map(|t| t.kind), Some(ThresholdKind::AtMost));
        assert_eq!(p("Never drop below 99.5% uptime").threshold.map(|t| t.kind), Some(ThresholdKind::AtLeast));
        // A number word after a verb and its particle and article, or after a first
        // word English knows as a verb, is the count.
        assert_eq!(p("Bring over the two most-used sections of the old site").target, Some(2.0));
        assert_eq!(p("Log one build finished per club member").target, Some(1.0));
        assert_eq!(p("Our one goal is retention").target, None);
        assert_eq!(p("Set up presence on two new sites: Bluesky & Pinterest").target, Some(2.0));
        assert_eq!(p("Agree on one of the options").target, None);
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
        // Durations in two units are put in the smaller one; compound ones joined.
        let r = p("Reduce time to first value from two weeks to 5 days");
        assert_eq!((r.baseline, r.target, r.unit.clone()), (Some(14.0), Some(5.0), duration("days")));
        assert!(r.unread.is_empty(), "{:?}", r.unread);
        let r = p("Reduce p95 latency from 1.5s to 350ms");
        assert_eq!((r.baseline, r.target, r.unit.clone()), (Some(1500.0), Some(350.0), duration("milliseconds")));
        let r = p("Decrease pipeline time from avg. 7min. 20sec. to below 4min.");
        assert_eq!((r.baseline, r.target, r.unit.clone()), (Some(440.0), Some(240.0), duration("seconds")));
        assert_eq!(r.threshold, Some(Threshold { kind: ThresholdKind::AtMost, value: 240.0 }));
        // Units that are not durations still are not mixed.
        let r = p("Cut the wait from 2 hours to 30%");
        assert!(r.unread.iter().any(|u| u.contains("different units")), "{:?}", r.unread);
        assert_eq!(p("Reduce onboarding to twenty-five minutes").target, Some(25.0));
        // A magnitude or a floor after a number word says it is a value.
        assert_eq!(p("Having three million listeners across our shows").target, Some(3e6));
        assert_eq!(p("Carry out four or more accessibility fixes").target, Some(4.0));
        assert_eq!(p("Ship the release in two months").due, Some(TimeBound::Within { days: 60 }));
        assert_eq!(p("Keep churn below 2%").threshold, Some(Threshold { kind: ThresholdKind::AtMost, value: 2.0 }));
    }

    #[test]
    fn a_year_says_when_not_how_many() {
        // A year after "for the", "from" or a month, before what it dates, or after a
        // name at the end is never a value; before a plural noun it is a count.
        for written in [
            "Prepare draft minutes for the 2024 AGM",
            "Pay down outstanding bills from 2023-2024",
            "Build out and run ODO Survey 2023",
            "Ratify the board strategy and 2025 budget in member vote",
        ] {
            let r = p(written);
            assert_eq!((r.baseline, r.target), (None, None), "{written}");
        }
        assert_eq!(p("Add 2000 firms to the partner network").target, Some(2000.0));
        assert_eq!(p("Grow weekly active teams to 2025").target, Some(2025.0));
        // A month and a year are a time bound: the end of that month.
        let r = p("Have 6 long-term residents settled by October 2020");
        assert_eq!((r.target, r.due), (Some(6.0), Some(TimeBound::Date { month: 10, day: 31, year: Some(2020) })));
        let end_of = |text: &str| match p(text).due {
            Some(TimeBound::Date { day, .. }) => Some(day),
            _ => None,
        };
        assert_eq!(end_of("Open the shop by Feb 2028"), Some(29));
        assert_eq!(end_of("Open the shop by February 2100"), Some(28));
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

    #[test]
    fn baselines_written_after_the_target_are_read() {
        for (text, baseline, target) in [
            ("Lift conversion to 60% from today's 38%", 38.0, 60.0),
            ("Increase integration test coverage to 70 % from current 40 %", 40.0, 70.0),
            ("120k reads per 30 days of our digest (current is 70k)", 70_000.0, 120_000.0),
            ("10k+ weekly active users (today: 6k)", 6_000.0, 10_000.0),
        ] {
            let r = p(text);
            assert_eq!((r.baseline, r.target), (Some(baseline), Some(target)), "{text}");
        }
    }

    #[test]
    fn multiples_thresholds_and_bare_targets_have_a_direction() {
        let leads = p("Grow qualified leads 3x");
        assert_eq!(leads.direction, Some(Direction::Increase));
        assert_eq!(leads.relative_change.map(|c| c.amount), Some(200.0));
        let faster = p("Make the export 2x faster");
        assert_eq!(faster.relative_change.map(|c| (c.amount, c.direction)), Some((50.0, Direction::Decrease)));
        assert_eq!(p("New bookings triple year over year").direction, Some(Direction::Increase));
        assert_eq!(p("Fewer than 3 sev-1 incidents per quarter").direction, Some(Direction::Decrease));
        assert_eq!(p("At least 5 customers use the export API").direction, Some(Direction::Increase));
        assert_eq!(p("Reach 1,500 active teams").direction, Some(Direction::Increase));
        assert_eq!(p("Average first response time of 2 hours").direction, Some(Direction::Decrease));
        assert_eq!(p("Onboard 3 new full time maintainers").direction, Some(Direction::Increase));
        assert_eq!(p("P1/P2 outages cut by 40%").direction, Some(Direction::Decrease));
        let latency = p("Decrease avg. response time across API services from 400ms to 120ms");
        assert_eq!((latency.baseline, latency.target), (Some(400.0), Some(120.0)));
        assert_eq!(latency.unit, Some(Unit::Duration { unit: "milliseconds".into() }));
        assert_eq!((p("Host five live workshops").target, p("Four new integrations").target), (Some(5.0), Some(4.0)));
    }

    #[test]
    fn a_change_is_read_by_its_size_its_noun_and_where_it_leads() {
        // A floor on the change is the change, not a level of the metric.
        let outages = p("Checkout errors reduced by at least 25%");
        assert_eq!(
            outages.relative_change,
            Some(RelativeChange { amount: 25.0, percent: true, direction: Direction::Decrease })
        );
        assert_eq!((outages.threshold, outages.target), (None, None));
        // The noun of change says the way, with a word between or no size written yet.
        let saving = p("Deliver a 30% cost saving on cloud hosting");
        assert_eq!(saving.relative_change.map(|c| (c.amount, c.direction)), Some((30.0, Direction::Decrease)));
        assert_eq!(p("N% drop in failed payments").direction, Some(Direction::Decrease));
        assert_eq!(p("Growth of X% in weekly active teams").direction, Some(Direction::Increase));
        // A change from a stated baseline has a target.
        let reply = p("Shorten first reply time by 25% from 8 hours");
        assert_eq!((reply.baseline, reply.target, reply.direction), (Some(8.0), Some(6.0), Some(Direction::Decrease)));
        assert_eq!(p("Lift NPS by 10 points from 30").target, Some(40.0));
        // A streak lengthens, whatever it is free of.
        assert_eq!(p("Payments run 60 days without a failed settlement").direction, Some(Direction::Increase));
        assert_eq!(p("Mean time to restore under 2 hours").direction, Some(Direction::Decrease));
    }

    #[test]
    fn work_is_read_in_every_form_teams_write_it() {
        use crate::okr::vocabulary::Work;
        for (text, kind, form) in [
            ("Publish 10 blog posts", Work::Deliverable, WorkForm::Imperative),
            ("Data team lead hired and onboarded", Work::Deliverable, WorkForm::EndState),
            ("The new pricing page is live", Work::Deliverable, WorkForm::EndState),
            ("SSO in place for every plan", Work::Deliverable, WorkForm::EndState),
            ("`PX` - There is a prototype of delta sync for the daemon", Work::Deliverable, WorkForm::EndState),
            ("Installer notarisation", Work::Deliverable, WorkForm::Thing),
            ("Users can choose not to announce every chunk", Work::Deliverable, WorkForm::Capability),
            ("Host five live workshops", Work::Effort, WorkForm::Imperative),
            ("All content team members are trained on the new guide", Work::Effort, WorkForm::EndState),
            ("Finish the Go tour (n)", Work::Effort, WorkForm::Imperative),
        ] {
            let work = p(text).work.unwrap_or_else(|| panic!("{text}: no work read"));
            assert_eq!((work.kind, work.form), (kind, form), "{text}");
        }
        // What customers or an audience do is not our work.
        for text in [
            "Write an article about the talk that gets 150+ reads",
            "Add 25 Global 2000 firms",
            "Raise week-1 retention from 50% to 65%",
            "Share of users who completed onboarding from 40% to 60%",
        ] {
            assert_eq!(p(text).work, None, "{text}");
        }
        assert_eq!(p("Write an article and get 120 views").audience.as_deref(), Some("120 views"));
    }

    #[test]
    fn work_counted_before_its_audience_targets_the_audience() {
        for (text, target) in [
            ("Run 4 webinars with 300 registrants", 300.0),
            ("Ship 2 guides that reach 1,200+ developers", 1200.0),
            ("Write an article and get 120 views", 120.0),
        ] {
            let read = p(text);
            assert_eq!((read.target, read.unit), (Some(target), Some(Unit::Count)), "{text}");
        }
        // An audience given as the only number, or a from-to change, reads as before.
        assert_eq!(p("Raise newsletter subscribers from 2,000 to 3,000").target, Some(3000.0));
        assert_eq!(p("Host five live workshops").target, Some(5.0));
    }
}

//! The words of an explanation: the claims with the ids they rest on, what is missing
//! and the next research step (docs/domain.md#step-6-gaps-and-the-next-step), and a short Markdown
//! answer an assistant can quote. Nothing here computes a number; it only says the
//! ones the other steps found, and says so when there are none.

use std::fmt::Write;

use super::drivers::DriverKind;
use super::slip::{Move, Recovery};
use super::subject::{Candidate, SubjectKind};
use super::window::Window;
use super::{Explanation, Gap, Resolved, Statement, Track};
use crate::clock::day_of;
use crate::error::{Result, Words};
use crate::model::IndicatorStatus;
use crate::stats::Interval;
use crate::stats::{num, signed};
use crate::store::Store;

const EVIDENCE_IN_NARRATIVE: usize = 4;

fn said(text: &Explanation) -> String {
    text.question.clone().or_else(|| text.subject.as_ref().map(|s| s.id.clone())).unwrap_or_default()
}

/// An answer that found no single subject: say what could be meant.
pub fn finish(mut answer: Explanation) -> Explanation {
    let asked = said(&answer);
    let list = |answer: &Explanation| {
        answer
            .candidates
            .iter()
            .map(|c| {
                let matched =
                    if c.matched.is_empty() { String::new() } else { format!(" (matched {})", c.matched.join(", ")) };
                format!("- {} \"{}\"{matched}", c.id, c.name)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let cites: Vec<String> = answer.candidates.iter().map(|c| c.id.clone()).collect();
    let (statement, missing, next) = match answer.resolved {
        Resolved::Ambiguous => (
            format!("\"{asked}\" could mean any of {} things", answer.candidates.len()),
            "which of these the question is about".to_string(),
            crate::words!["ask again naming one of them, or give its id as ", crate::error::field("subject")],
        ),
        Resolved::NotEnglish => (
            format!("\"{asked}\" does not read as English; grounded matches the workspace's names in English"),
            "a question in English, or a subject id".into(),
            crate::words![
                "ask in English (\"why did week-1 retention slip?\") or give an id such as KR-1 as ",
                crate::error::field("subject")
            ],
        ),
        Resolved::Unknown if answer.candidates.is_empty() => (
            "the workspace has no key results or metrics to explain yet".into(),
            "key results with metrics, and their measurements".into(),
            crate::words![
                "draft OKRs (",
                crate::error::Operation::DraftOkr,
                ") and record measurements (",
                crate::error::Operation::RecordMeasurements,
                ") first"
            ],
        ),
        Resolved::Unknown => (
            format!("nothing in this workspace matches \"{asked}\""),
            "a subject grounded knows".into(),
            crate::words![
                "ask about one of the metrics or stages listed, or give an id as ",
                crate::error::field("subject")
            ],
        ),
        Resolved::Found => unreachable!("found answers are finished by finish_found"),
    };
    answer.statements.push(Statement { text: statement.clone(), cites });
    answer.gaps.push(Gap { missing, next_step: next.clone(), cites: vec![] });
    answer.next_step = Some(next.clone());
    answer.headline = format!("{}.", capitalized(&statement));
    let heading = match answer.resolved {
        Resolved::Unknown if !answer.candidates.is_empty() => "It can explain:",
        _ => "Candidates:",
    };
    let mut text = Words::from(format!("**{asked}**\n\n{}.", capitalized(&statement)));
    if !answer.candidates.is_empty() {
        let _ = write!(text, "\n\n{heading}\n{}", list(&answer));
    }
    let _ = write!(text, "\n\n**Next:** ");
    text.push(&next);
    let _ = write!(text, ".");
    answer.narrative = text;
    answer
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn brackets(cites: &[String]) -> String {
    if cites.is_empty() { String::new() } else { format!(" [{}]", cites.join(", ")) }
}

/// What a resolved answer is about: its subject, the window looked at, the metric
/// whose move it explains.
pub struct Found<'a> {
    pub subject: &'a Candidate,
    pub window: Window,
    pub track: &'a Track,
}

/// A resolved answer: statements, extra gaps, the next step and the narrative, in the
/// order a reader meets them: what it is about, what moved, the drivers, the evidence,
/// what is missing, the next research step.
pub fn finish_found(store: &Store, mut answer: Explanation, found: Found<'_>) -> Result<Explanation> {
    let Found { track, .. } = found;
    answer.gaps.extend(indicator_gaps(store, &answer, track)?);
    let mut w = Writing { text: Words::from(format!("**{}**\n\n", said(&answer))), statements: vec![] };
    about(&mut w, &answer, &found);
    what_moved(&mut w, &answer, &found);
    drivers(&mut w, &answer);
    evidence(&mut w, &answer);
    missing(&mut w, &answer);
    answer.next_step = next_step(store, &answer, track)?;
    if let Some(next) = &answer.next_step {
        let _ = write!(w.text, "**Next research step:** ");
        w.text.push(next);
        let _ = writeln!(w.text, ".");
    }
    answer.statements = w.statements;
    answer.headline = headline(store, &answer, track)?;
    answer.narrative = Words::from(format!("**In short.** {}\n\n", answer.headline)).and(w.text.trim_end());
    Ok(answer)
}

/// The narrative being written, and the claims it makes with the ids each rests on.
struct Writing {
    text: Words,
    statements: Vec<Statement>,
}

/// A slip on a key result without a validated leading indicator: nothing can say what
/// moved first, and saying so is part of the answer.
fn indicator_gaps(store: &Store, answer: &Explanation, track: &Track) -> Result<Vec<Gap>> {
    let mut gaps = vec![];
    let Some(kr) = &track.key_result else { return Ok(gaps) };
    if answer.slip.is_none() {
        return Ok(gaps);
    }
    let (indicators, _) = crate::store::okrs::children(store, kr.id)?;
    if indicators.is_empty() {
        gaps.push(Gap {
            missing: format!("{} has no leading indicator, so nothing can say what moved first", kr.id),
            next_step: crate::words![
                "add one (",
                crate::error::Operation::AddIndicator,
                ") and validate it (",
                crate::error::Operation::ValidateIndicator,
                ")"
            ],
            cites: vec![kr.id.to_string()],
        });
    }
    for indicator in indicators.iter().filter(|i| i.status == IndicatorStatus::Assumed) {
        gaps.push(Gap {
            missing: format!("{} is assumed, not validated: its lead is a hypothesis", indicator.id),
            next_step: crate::words![
                "run ",
                crate::error::Operation::ValidateIndicator,
                format!(" {} before treating it as the cause", indicator.id)
            ],
            cites: vec![indicator.id.to_string()],
        });
    }
    Ok(gaps)
}

/// What the question is about (the key result or metric, and the objective or stage it
/// was asked by), the window looked at, and the near matches it was preferred to.
fn about(w: &mut Writing, answer: &Explanation, found: &Found<'_>) {
    let Found { subject, window, track } = *found;
    let about = match &track.key_result {
        Some(kr) => format!("{} \"{}\", measured by {} ({})", kr.id, kr.statement, track.metric.id, track.metric.name),
        None => format!("{} ({})", track.metric.id, track.metric.name),
    };
    let mut about_cites = vec![subject.id.clone()];
    if subject.id != track.metric.id.to_string() {
        about_cites.push(track.metric.id.to_string());
    }
    w.statements.push(Statement { text: format!("The question is about {about}"), cites: about_cites });
    let matched =
        if subject.matched == ["id"] { String::new() } else { format!(" (matched {})", subject.matched.join(", ")) };
    let scope = match subject.kind {
        SubjectKind::Objective => Some(format!("{} \"{}\"{matched}", subject.id, subject.name)),
        SubjectKind::Stage => Some(match &track.objective {
            Some(o) => format!("{}{matched}: objective {} \"{}\"", subject.name, o.id, o.title),
            None => format!("{}{matched}", subject.name),
        }),
        _ => None,
    };
    match scope {
        Some(scope) => {
            let _ = writeln!(
                w.text,
                "{}: the move is in {about}; looked at {} to {}.\n",
                capitalized(&scope),
                window.from,
                window.to
            );
        }
        None => {
            let _ = writeln!(w.text, "About {about}; looked at {} to {}.\n", window.from, window.to);
        }
    }
    if !answer.candidates.is_empty() {
        let others: Vec<String> = answer.candidates.iter().map(|c| format!("{} \"{}\"", c.id, c.name)).collect();
        let claim = format!(
            "The question also matches {}; this answer is about {}{}",
            others.join(", "),
            answer.subject.as_ref().map(|s| s.id.as_str()).unwrap_or("the subject"),
            if answer.slipped { ", the one that slipped" } else { "" }
        );
        let _ = writeln!(w.text, "{claim}. Ask by id for another.\n");
        w.statements.push(Statement { text: claim, cites: answer.candidates.iter().map(|c| c.id.clone()).collect() });
    }
}

/// The slip with its interval and what happened since, or why nothing slipped; and the
/// other metrics that fell too.
fn what_moved(w: &mut Writing, answer: &Explanation, found: &Found<'_>) {
    let Found { window, track, .. } = *found;
    match &answer.slip {
        Some(slip) => {
            let m = &slip.movement;
            let interval = m
                .interval
                .map(|iv| format!("95% interval {} to {}", signed(iv.low), signed(iv.high)))
                .unwrap_or_else(|| "no interval: the noise is unknown".into());
            let moved = format!(
                "{} ({}) went from {} on {} to {} on {}: from a level of {} over the {} values before to {} over the {} from {} on (change {}, {interval}; {})",
                slip.metric,
                slip.metric_name,
                num(m.previous_value),
                day_of(m.previous_at),
                num(m.start_value),
                slip.start_day,
                num(m.level_before),
                m.points_before,
                num(m.level_after),
                m.points_after,
                slip.start_day,
                signed(m.change),
                m.method
            );
            if answer.slipped {
                let recovered = format!(" Since then: {}.", recovery(m));
                let pace = match (slip.pace_value, slip.behind_pace) {
                    (Some(p), Some(g)) if g < 0.0 => {
                        format!(" At that point its pace line expected {}: it was {} behind.", num(p), num(-g))
                    }
                    (Some(p), Some(_)) => format!(" It stayed on or ahead of its pace line ({}).", num(p)),
                    _ => String::new(),
                };
                let claim = format!("It slipped in the week of {}: {moved}.{recovered}{pace}", slip.start_day);
                let _ = writeln!(w.text, "**What moved.** {claim}{}\n", brackets(&slip.cites));
                w.statements.push(Statement { text: claim, cites: slip.cites.clone() });
            } else {
                let claim = format!(
                    "Nothing slipped: the largest fall in the window, starting {}, is within noise: {moved}",
                    slip.start_day
                );
                let _ = writeln!(w.text, "**What moved.** {claim}{}\n", brackets(&slip.cites));
                w.statements.push(Statement { text: claim, cites: slip.cites.clone() });
            }
        }
        None if answer.gaps.iter().any(|g| g.missing.contains("no measurements")) => {
            let _ = writeln!(w.text, "**What moved.** Nothing can be said: the measurements are missing (below).\n");
        }
        None => {
            let claim =
                format!("Nothing slipped: no value in {} to {} fell below the level before it", window.from, window.to);
            let _ = writeln!(w.text, "**What moved.** {claim}.\n");
            w.statements.push(Statement { text: claim, cites: vec![track.metric.id.to_string()] });
        }
    }
    for other in answer.other_metrics.iter().filter(|o| o.movement.significant) {
        let claim = format!(
            "{} ({}) also slipped from {}: {} → {} ({})",
            other.metric,
            other.metric_name,
            other.start_day,
            num(other.movement.level_before),
            num(other.movement.level_after),
            signed(other.movement.change)
        );
        let _ = writeln!(w.text, "Also: {claim}{}\n", brackets(&other.cites));
        w.statements.push(Statement { text: claim, cites: other.cites.clone() });
    }
}

fn drivers(w: &mut Writing, answer: &Explanation) {
    if !answer.drivers.is_empty() {
        let _ = writeln!(w.text, "**Drivers.**");
        let mut ordered: Vec<_> = answer.drivers.iter().collect();
        ordered.sort_by_key(|d| (d.kind != DriverKind::LeadingIndicator, d.moved_first != Some(true)));
        for driver in ordered {
            let _ = writeln!(w.text, "- {}{}", driver.summary, brackets(&driver.cites));
            w.statements.push(Statement { text: driver.summary.clone(), cites: driver.cites.clone() });
        }
        let _ = w.text.write_char('\n');
    }
}

fn evidence(w: &mut Writing, answer: &Explanation) {
    if !answer.evidence.is_empty() {
        let _ = writeln!(w.text, "**Evidence.**");
        for e in answer.evidence.iter().take(EVIDENCE_IN_NARRATIVE) {
            let who = [e.participant.clone(), e.segment.clone(), e.observed_at.map(|d| d.to_string())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let mut cites = vec![e.id.to_string()];
            cites.extend(e.link.map(|l| l.to_string()));
            if let Some(change) = &e.change {
                cites.push(change.before_evidence.to_string());
            }
            let claim = format!("{} ({who}): \"{}\": {}", e.id, e.text, e.why);
            let _ = writeln!(w.text, "{}. {claim}{}", e.rank, brackets(&cites));
            w.statements.push(Statement { text: claim, cites });
        }
        if answer.evidence.len() > EVIDENCE_IN_NARRATIVE {
            let _ = writeln!(w.text, "({} more in `evidence`.)", answer.evidence.len() - EVIDENCE_IN_NARRATIVE);
        }
        let _ = w.text.write_char('\n');
    }
}

fn missing(w: &mut Writing, answer: &Explanation) {
    if !answer.gaps.is_empty() {
        let _ = writeln!(w.text, "**Missing.**");
        for gap in &answer.gaps {
            let _ = write!(w.text, "- {}: ", gap.missing);
            w.text.push(&gap.next_step);
            let _ = writeln!(w.text, ".{}", brackets(&gap.cites));
        }
        let _ = w.text.write_char('\n');
    }
}

/// The one research step that would most improve the answer: the first gap's, else
/// (after a real slip) the interviews to run.
fn next_step(store: &Store, answer: &Explanation, track: &Track) -> Result<Option<Words>> {
    Ok(match answer.gaps.first() {
        Some(gap) => Some(gap.next_step.clone()),
        None => match (&answer.slip, answer.slipped) {
            (Some(slip), true) => Some(
                super::ranking::interview_step(store, &track.metric.name, &answer.evidence, slip.start_day)?.into(),
            ),
            _ => None,
        },
    })
}

/// "fell 4.67 (95% interval 0.93 to 8.4)", "rose 12 (95% interval 3 to 21)": the
/// size of the move with its interval on the same side, never a fall by a negative
/// number.
fn moved_by(change: f64, interval: Option<Interval>) -> String {
    let (verb, sign) = if change < 0.0 { ("fell", -1.0) } else { ("rose", 1.0) };
    let interval = interval
        .map(|iv| {
            let (a, b) = (sign * iv.low, sign * iv.high);
            format!(" (95% interval {} to {})", num(a.min(b)), num(a.max(b)))
        })
        .unwrap_or_default();
    format!("{verb} {}{interval}", num(sign * change))
}

/// The conclusion first: built only from what the steps found.
fn headline(store: &Store, answer: &Explanation, track: &Track) -> Result<String> {
    let name = match &track.key_result {
        Some(kr) => format!("{} ({})", track.metric.name, kr.id),
        None => format!("{} ({})", track.metric.name, track.metric.id),
    };
    let mut sentence = match &answer.slip {
        Some(slip) if answer.slipped => {
            let m = &slip.movement;
            format!(
                "{name} {} in the week of {}, from about {} to {}; {}; {}",
                moved_by(m.change, m.interval),
                slip.start_day,
                num(m.level_before),
                num(m.level_after),
                likely_driver(answer),
                recovery(m)
            )
        }
        Some(_) | None => match &answer.window {
            Some(window) if answer.slip.is_some() => {
                format!("{name} did not slip beyond noise between {} and {}", window.from, window.to)
            }
            _ => format!("{name} has no measurements to judge a slip by"),
        },
    };
    // Where the key result stands now, slip or not: a flat number can still be behind.
    if let (Some(kr), Some(objective)) = (&track.key_result, &track.objective) {
        let options = crate::scoring::score::ScoreOptions {
            as_of: answer.as_of,
            check_in_days: crate::scoring::score::DEFAULT_CHECK_IN_DAYS,
        };
        let score = crate::scoring::score::score_key_result(store, objective, kr, options)?;
        if let Some(progress) = score.progress {
            let _ = write!(
                sentence,
                "; {} is {} ({:.0}% of the way, {:.0}% expected by now)",
                kr.id,
                score.status.name().replace('_', " "),
                progress * 100.0,
                score.expected * 100.0
            );
        }
    }
    sentence.push('.');
    Ok(sentence)
}

/// The driver the data points to first: a leading indicator that fell before the
/// slip, else research linked as explaining it; said plainly when there is none.
fn likely_driver(answer: &Explanation) -> String {
    if let Some(d) =
        answer.drivers.iter().find(|d| d.kind == DriverKind::LeadingIndicator && d.moved_first == Some(true))
    {
        let lead = d.lead_days.map(|days| format!(", {days} days before")).unwrap_or_default();
        let moved = if d.movement.as_ref().is_some_and(|m| m.change > 0.0) { "rose" } else { "fell" };
        return format!("the most likely driver is {}, which {moved} first{lead}", d.id);
    }
    if let Some(e) = answer.evidence.iter().find(|e| e.tier == super::ranking::Tier::LinkedExplains) {
        return format!("no indicator moved first; {} is linked as explaining it", e.id);
    }
    "no indicator moved first and no research is linked as explaining it".into()
}

/// Whether the metric has recovered: the level now against the level before, with
/// the interval of the difference deciding (a single good week is not a recovery).
fn recovery(m: &Move) -> String {
    let now = &m.now;
    let interval =
        now.interval.map(|iv| format!(", 95% interval {} to {}", signed(iv.low), signed(iv.high))).unwrap_or_default();
    let numbers = format!(
        "{} over the latest {} value{} against {} before ({}{interval})",
        num(now.level),
        now.points,
        if now.points == 1 { "" } else { "s" },
        num(m.level_before),
        signed(now.change)
    );
    match now.state {
        Recovery::Recovered => format!("it has recovered, within noise of its earlier level: {numbers}"),
        Recovery::Better => format!("it is now better than before the slip: {numbers}"),
        Recovery::StillWorse => format!("it has not recovered: {numbers}"),
        Recovery::Unknown => format!("{numbers}; the noise is unknown, so whether that is a recovery cannot be told"),
    }
}

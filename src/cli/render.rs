//! Human-readable text for the terminal. The MCP tools return JSON; people get this.

use std::fmt::Write;

use grounded::okr::checks::{CheckReport, CheckStatus, Finding};
use grounded::okr::document::Located;
use grounded::okr::draft::{CheckOutcome, KeyResultReading};

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "WARN",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Todo => "todo",
    }
}

use grounded::stats::exact as num;

/// "metric "x", 50 → 65, increase, due 2026-12-31".
pub fn reading(kr: &KeyResultReading) -> String {
    let mut parts = vec![format!("{:?}", kr.kr_type).to_lowercase()];
    if let Some(m) = &kr.metric {
        parts.push(format!("metric \"{m}\""));
    }
    match (kr.baseline, kr.target) {
        (Some(b), Some(t)) => parts.push(format!("{} → {}", num(b), num(t))),
        (None, Some(t)) => parts.push(format!("target {}", num(t))),
        (Some(b), None) => parts.push(format!("from {}", num(b))),
        _ => {}
    }
    if let Some(u) = &kr.unit {
        parts.push(serde_json::to_value(u).ok().and_then(|v| v["kind"].as_str().map(String::from)).unwrap_or_default());
    }
    if let Some(d) = kr.direction {
        parts.push(format!("{d:?}").to_lowercase());
    }
    if let Some(r) = &kr.relative_change {
        parts.push(format!("relative {}{}", num(r.amount), if r.percent { "%" } else { "" }));
    }
    if let Some(due) = &kr.due {
        parts.push(format!("due {due}"));
    }
    for note in &kr.unread {
        parts.push(format!("unread: {note}"));
    }
    parts.join(", ")
}

/// Where findings are: the file and the lines of the objective and its key results.
pub type Place<'a> = Option<(&'a str, &'a Located)>;

fn finding(out: &mut String, f: &Finding, place: Place<'_>) {
    // file:line first, as compilers write it, so editors and CI can jump to it.
    let at = place.map(|(file, located)| format!("{file}:{}: ", located.line_of(&f.subject))).unwrap_or_default();
    let reason = f.reason.render(&super::terms::ANY);
    let _ = writeln!(out, "  {at}{} {:<34} {}: {reason}", mark(f.status), f.rule, f.subject);
    if let Some(q) = &f.question {
        let _ = writeln!(out, "       ask: {q}");
    }
    if let Some(s) = &f.suggestion {
        let _ = writeln!(out, "       try: {}", s.render(&super::terms::ANY));
    }
}

pub fn report(out: &mut String, report: &CheckReport, verbose: bool, place: Place<'_>) {
    let t = &report.tally;
    let _ = writeln!(
        out,
        "  strength {:.2}   {} pass, {} warn, {} fail, {} todo",
        report.strength, t.pass, t.warn, t.fail, t.todo
    );
    for f in report.findings.iter().filter(|f| verbose || f.status != CheckStatus::Pass) {
        finding(out, f, place);
    }
    for q in &report.questions {
        let _ = writeln!(out, "  ? {q}");
    }
}

pub fn check_outcome(outcome: &CheckOutcome, verbose: bool, place: Place<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nObjective: {}", outcome.objective);
    for (i, kr) in outcome.key_results.iter().enumerate() {
        let _ = writeln!(out, "  [{i}] {}\n      read as: {}", kr.statement, reading(kr));
    }
    report(&mut out, &outcome.report, verbose, place);
    out
}

/// The first `max` characters of one line of text.
pub fn shorten(text: &str, max: usize) -> String {
    grounded::validate::truncate(&text.replace('\n', " "), max)
}

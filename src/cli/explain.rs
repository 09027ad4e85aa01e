//! `grounded explain "why did activation slip?"`: the explain tool's answer in a
//! terminal, its Markdown narrative by default and the whole structure with --json.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::explain::{Detail, ExplainRequest, Resolved, explain};

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The question, or a subject id (KR-1, M-2, O-1, IND-1)
    pub question: String,
    /// Look for the slip from this day (YYYY-MM-DD)
    #[arg(long)]
    pub from: Option<String>,
    /// Up to this day (YYYY-MM-DD)
    #[arg(long)]
    pub to: Option<String>,
    /// Explain as of this day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Print the full answer as JSON
    #[arg(long)]
    pub json: bool,
    /// Only the headline, the slip, the likely driver, the top three evidence items
    /// and the next step
    #[arg(long)]
    pub brief: bool,
}

/// The request's subject is the QUESTION argument here (it takes an id), and the full
/// answer is the default: the brief one asks for it with "without --brief".
const TERMINAL: super::terms::Terminal<'static> = super::terms::Terminal {
    arguments: &[("subject", "the QUESTION")],
    request_fields: None,
    settings: &[("detail", "full", "without --brief")],
};

/// Exit 0 with an answer, 1 when the question matched no single subject.
pub fn run(db: Option<PathBuf>, args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let request = ExplainRequest {
        question: Some(args.question),
        from: args.from,
        to: args.to,
        as_of: args.as_of,
        detail: args.brief.then_some(Detail::Brief),
        ..Default::default()
    };
    let answer = explain(&store, request)?;
    let narrative = answer.narrative.render(&TERMINAL);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&answer)?);
    } else if args.brief && answer.resolved == Resolved::Found {
        // The brief narrative is the headline and the next step; the evidence it keeps
        // rides in the structure, which a terminal does not see: listed here.
        let (short, rest) = narrative.split_once("\n\n").unwrap_or((&narrative, ""));
        outln!("{short}");
        outln!("");
        outln!(
            "**Evidence.**{}",
            if answer.evidence.is_empty() { " None cited: no research uses this subject's words yet." } else { "" }
        );
        for e in &answer.evidence {
            let who = [e.participant.as_deref(), e.segment.as_deref()].into_iter().flatten().collect::<Vec<_>>();
            let who = if who.is_empty() { String::new() } else { format!(" ({})", who.join(", ")) };
            outln!("- {}{who}: \"{}\" ({})", e.id, e.text, e.why);
        }
        outln!("");
        outln!("{rest}");
    } else {
        outln!("{narrative}");
    }
    Ok(if answer.resolved == Resolved::Found { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

//! `grounded evidence delete` and `grounded evidence erase-participant`: research
//! that must go (the core is [`grounded::evidence::erase`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use grounded::error::Error;
use grounded::evidence::erase::{
    DeleteEvidenceRequest, EraseParticipantRequest, EvidenceErased, delete_evidence, erase_participant,
};

use super::evidence::runtime;

#[derive(Subcommand)]
pub enum EvidenceAction {
    /// Delete items by id, or every item of a study, with a reason:
    /// grounded evidence delete EV-3 EV-4 --reason "imported twice"
    Delete(DeleteArgs),
    /// Erase every item of one participant (an erasure request):
    /// grounded evidence erase-participant "Jane Roe" --reason "request of 2026-11-20"
    EraseParticipant(EraseArgs),
}

#[derive(Args)]
pub struct DeleteArgs {
    /// The evidence ids (EV-3 ...); or give --study
    ids: Vec<String>,
    /// Delete every item of this study (its id ST-2 or its name); the study goes too
    #[arg(long, conflicts_with = "ids")]
    study: Option<String>,
    /// Why they go (kept in history, without their text)
    #[arg(long)]
    reason: String,
}

#[derive(Args)]
pub struct EraseArgs {
    /// The participant, as stored on their items (case does not matter)
    participant: String,
    /// Why (kept in history, without the participant's name)
    #[arg(long)]
    reason: String,
}

pub fn run(db: Option<PathBuf>, action: EvidenceAction) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let actor = super::actor();
    let erased = match action {
        EvidenceAction::Delete(args) => {
            let request = DeleteEvidenceRequest { evidence: args.ids, study: args.study, reason: args.reason };
            runtime()?.block_on(delete_evidence(&store, request, &actor)).map_err(in_flags)?
        }
        EvidenceAction::EraseParticipant(args) => {
            let request = EraseParticipantRequest { participant: args.participant, reason: args.reason };
            runtime()?.block_on(erase_participant(&store, request, &actor)).map_err(in_flags)?
        }
    };
    print(&erased);
    // Deleted, but the index files may still hold the words: not an error (a retry
    // finds nothing to delete), yet not the clean erasure a script expects; exit 1,
    // as `sync` does when a pull failed.
    Ok(match &erased.search_index {
        Some(left) => {
            errln!("warning: {left}");
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    })
}

fn print(erased: &EvidenceErased) {
    let ids: Vec<String> = erased.evidence.iter().map(ToString::to_string).collect();
    let more = erased.deleted - erased.evidence.len();
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    outln!("{} item{} deleted: {}{more}", erased.deleted, plural(erased.deleted), ids.join(", "));
    if let Some(study) = erased.study_removed {
        outln!("study {study} deleted with its items");
    }
    if erased.links_removed > 0 {
        let lost: Vec<String> = erased.linked_to.iter().map(|l| format!("{} ({})", l.target, l.links)).collect();
        outln!("{} link{} removed, from {}", erased.links_removed, plural(erased.links_removed), lost.join(", "));
    }
    if !erased.mentioned_elsewhere.is_empty() {
        let ids: Vec<String> = erased.mentioned_elsewhere.iter().map(ToString::to_string).collect();
        outln!("not erased, but their text names the participant (read them): {}", ids.join(", "));
    }
    outln!("{}", erased.kept);
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// IDS is `evidence`, PARTICIPANT is `participant`; the rest are flags.
fn in_flags(error: Error) -> anyhow::Error {
    super::terms::Terminal::with(&[("evidence", "IDS"), ("participant", "PARTICIPANT")]).say(error)
}

//! Prompts: the four conversations grounded is built for, each a user message that
//! carries what the store already knows (matching research, the scores, the
//! explanation, the report) and the steps a good coach would take with the tools.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{GetPromptResult, PromptMessage, Role};
use rmcp::{ErrorData, prompt, prompt_router};
use schemars::JsonSchema;
use serde::Deserialize;
use std::fmt::Write;

use super::GroundedServer;
use crate::evidence::search::{SearchRequest, search};
use crate::explain::{ExplainRequest, explain};
use crate::report::{ReportRequest, report};
use crate::scoring::score::{ScoreRequest, score};

fn invalid(error: crate::Error) -> ErrorData {
    ErrorData::invalid_params(error.to_string(), None)
}

fn message(text: String, description: &str) -> GetPromptResult {
    GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]).with_description(description)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DraftArgs {
    /// The customer problem in a sentence ("new accounts leave before finishing a first project").
    pub problem: String,
    /// The cycle to draft for, such as 2026-Q1.
    #[serde(default)]
    pub cycle: Option<String>,
    /// Who will own the objective (one person).
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CheckinArgs {
    /// The objective (O-3) or the cycle (2026-Q4) to check in on.
    pub subject: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SlipArgs {
    /// The question in words ("why did activation slip?") or a subject id (KR-1).
    pub question: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ReviewArgs {
    /// The cycle to review, such as 2026-Q4.
    pub cycle: String,
}

#[prompt_router(router = "prompts", vis = "pub(super)")]
impl GroundedServer {
    /// Draft OKRs from a customer problem and the research already stored: finds the
    /// matching evidence, then walks through outcome, KRs from X to Y, baselines,
    /// checks and saving the draft.
    #[prompt(name = "draft_okrs", title = "Draft OKRs from a customer problem")]
    async fn draft_okrs(&self, Parameters(args): Parameters<DraftArgs>) -> Result<GetPromptResult, ErrorData> {
        let problem = crate::validate::text("problem", &args.problem, 1_000).map_err(invalid)?;
        let found =
            search(&self.store, &SearchRequest { query: Some(problem.clone()), limit: Some(6), ..Default::default() })
                .map_err(invalid)?;
        let mut text = format!("Help me draft OKRs for this customer problem: {problem}\n");
        if let Some(cycle) = &args.cycle {
            let _ = writeln!(text, "Cycle: {cycle}.");
        }
        if let Some(owner) = &args.owner {
            let _ = writeln!(text, "Owner: {owner}.");
        }
        if found.hits.is_empty() {
            text.push_str("\nNo stored research matches it yet: ask me what evidence shows the problem before drafting (import_evidence or add_evidence).\n");
        } else {
            let _ =
                writeln!(text, "\nResearch in the workspace that matches it ({} items; cite the ids):", found.total);
            for hit in &found.hits {
                let _ = writeln!(
                    text,
                    "- {} ({}): \"{}\"",
                    hit.id,
                    hit.evidence
                        .segment
                        .clone()
                        .unwrap_or_else(|| crate::evidence::search::kind_name(hit.evidence.kind).into()),
                    crate::validate::truncate(&hit.evidence.text, 220)
                );
            }
        }
        text.push_str(
            "\nSteps: 1. State the objective as a customer outcome (no numbers, no deliverable), owned by one person. \
             2. Propose 2-5 key results as verb + metric + from X to Y: a lagging outcome, a leading indicator for it, an experience measure. \
             3. Never invent a baseline: ask me for each one. 4. Call check_okr and go through every fail and warn with its coaching question. \
             5. Ask the questions no rule answers (sufficient? each KR necessary?). 6. Call draft_okr, then link_evidence the research above as `motivates`.",
        );
        Ok(message(text, "Draft OKRs grounded in the stored research"))
    }

    /// A weekly check-in on an objective or a cycle: today's scores, then new values
    /// with n, the owner's confidence, and what is stale or off track.
    #[prompt(name = "weekly_checkin", title = "Weekly check-in")]
    async fn weekly_checkin(&self, Parameters(args): Parameters<CheckinArgs>) -> Result<GetPromptResult, ErrorData> {
        let scored = score(&self.store, ScoreRequest { subject: args.subject.clone(), ..Default::default() })
            .map_err(invalid)?;
        let json = serde_json::to_string_pretty(&scored).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let text = format!(
            "Run my weekly check-in on {}. Today's scores (from the score tool):\n\n```json\n{json}\n```\n\n\
             Steps: 1. For each key result, ask me for this week's value with its n (and population when known) and my confidence (0-1) that it lands; record them with record_measurements. \
             2. Score again and tell me, per key result, progress with its interval and n, the status, and anything trending off track; never call a pending or stale key result on track. \
             3. For anything off track, offer to ask explain why, and name the evidence it cites.",
            args.subject
        );
        Ok(message(text, "A weekly check-in with the current scores"))
    }

    /// "Why did it slip?": the explanation from the store, to be told with its ids,
    /// its interval and its gaps, never with an invented cause.
    #[prompt(name = "why_did_it_slip", title = "Why did it slip?")]
    async fn why_did_it_slip(&self, Parameters(args): Parameters<SlipArgs>) -> Result<GetPromptResult, ErrorData> {
        let answer =
            explain(&self.store, ExplainRequest { question: Some(args.question.clone()), ..Default::default() })
                .map_err(invalid)?;
        let text = format!(
            "{}\n\nWhat grounded found (the explain tool):\n\n{}\n\n\
             Answer me from this alone: say when it slipped and by how much with its interval, what moved first, and the evidence, citing the ids in brackets. \
             If it says nothing slipped or a subject is ambiguous, say so and ask. End with the gaps and the next research step.",
            args.question, answer.narrative
        );
        Ok(message(text, "Why a number slipped, with cited evidence"))
    }

    /// A quarter review from the cycle report: grades, committed misses to explain,
    /// aspirational targets, evidence health and what to carry into the next cycle.
    #[prompt(name = "quarter_review", title = "Quarter review")]
    async fn quarter_review(&self, Parameters(args): Parameters<ReviewArgs>) -> Result<GetPromptResult, ErrorData> {
        let report = report(&self.store, ReportRequest { cycle: Some(args.cycle.clone()), ..Default::default() })
            .map_err(invalid)?;
        let text = format!(
            "Run the {} review with me. The cycle report:\n\n{}\n\n\
             Steps: 1. Go objective by objective: grade each key result (0-1; red below 0.4, yellow to 0.6, green from 0.7) and say what the number rests on (n, interval). \
             2. Every committed key result below 1.0 needs an explanation: use explain on it and cite what it finds. Aspirational ones are expected around 0.6-0.7; consistently 1.0 means the targets were too safe. \
             3. Go through the evidence health: unlinked key results, unvalidated indicators, stale evidence. \
             4. End with what to keep, change or drop next cycle, and the one research step that would most improve the next set.",
            args.cycle, report.markdown
        );
        Ok(message(text, "A quarter review from the cycle report"))
    }
}

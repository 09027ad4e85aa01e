//! The evidence tools: add_evidence, import_evidence, link_evidence, unlink_evidence,
//! delete_evidence, erase_participant, search_evidence, suggest_links. Each parses, calls [`crate::evidence`], returns JSON.

use rmcp::model::{JsonObject, RequestMetaObject};
use rmcp::{Json, Peer, RoleServer, tool, tool_router};

use super::args::{failure, parse};
use super::{GroundedServer, input, output};
use crate::evidence::add::{AddEvidenceRequest, AddedEvidence};
use crate::evidence::erase::{DeleteEvidenceRequest, EraseParticipantRequest, EvidenceErased};
use crate::evidence::import::{ImportReport, ImportRequest};
use crate::evidence::link::{LinkRequest, Linked, UnlinkRequest, Unlinked};
use crate::evidence::search::{SearchPage, SearchRequest};
use crate::evidence::suggest::{SuggestRequest, Suggestions};
use crate::evidence::{add, erase, import, link, search, suggest};

#[tool_router(router = evidence_tools, vis = "pub(super)")]
impl GroundedServer {
    /// Store customer research: one or many items (at most 5,000). kind interview is a
    /// verbatim quote with participant, segment, study, observed_at and source (file
    /// and line range, URL, or recording timecode); kind survey is one question's
    /// result (question_type scale/single_choice/multiple_choice/ranking/yes_no/
    /// open_ended, n, the answer counts, wave); kind observation is a written note.
    /// Text is stored verbatim. The same content twice is reported as a duplicate, not
    /// stored again; the same record_id again updates the item. All or nothing.
    #[tool(
        output_schema = output::<AddedEvidence>(),
        input_schema = input::<AddEvidenceRequest>(),
        annotations(title = "Add evidence", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn add_evidence(&self, arguments: JsonObject) -> Result<Json<AddedEvidence>, String> {
        let request = parse::<AddEvidenceRequest>(arguments)?;
        add::add_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Import research from a file path (under the server's import roots) or an http(s)
    /// URL (host on its allowlist): a table with a column mapping, JSONL of add_evidence
    /// items, survey responses as Qualtrics, SurveyMonkey, Typeform or Google Forms
    /// export them (each question's type read from the answers: the answer lists the
    /// readings, and asks about unclear ones, settled with questions), or a transcript
    /// (VTT, SRT, Markdown, text, DOCX, Gong JSON) split into speaker turns that keep
    /// their line or time ranges, the interviewer's turns left out. All or nothing per
    /// file unless row_level; dry_run writes nothing. Re-importing updates the same
    /// items instead of adding them again. Sends
    /// progress notifications when the request carries a progress token.
    #[tool(
        output_schema = output::<ImportReport>(),
        input_schema = input::<ImportRequest>(),
        annotations(title = "Import evidence", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn import_evidence(
        &self,
        arguments: JsonObject,
        meta: RequestMetaObject,
        peer: Peer<RoleServer>,
    ) -> Result<Json<ImportReport>, String> {
        let request = parse::<ImportRequest>(arguments)?;
        let (store, access, actor) = (self.store.clone(), self.access.clone(), self.actor.clone());
        let runtime = tokio::runtime::Handle::current();
        let report = super::progress::reporting(&meta, peer, move |progress| {
            runtime.block_on(import::import_evidence(&store, &access, request, &actor, progress))
        })
        .await?;
        report.map(Json).map_err(failure)
    }

    /// Link evidence (EV-.. ids) to an objective (O-3), key result (KR-12), indicator
    /// (IND-2) or metric (M-4), with a relation (motivates: why the objective exists;
    /// baseline: where the starting number came from; validates: supports an
    /// indicator's predictive claim; supports; contradicts; explains: explains a
    /// movement of the number) and a one-sentence rationale. Links record who and when;
    /// linking the same pair and relation again changes nothing.
    #[tool(
        output_schema = output::<Linked>(),
        input_schema = input::<LinkRequest>(),
        annotations(title = "Link evidence", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn link_evidence(&self, arguments: JsonObject) -> Result<Json<Linked>, String> {
        let request = parse::<LinkRequest>(arguments)?;
        link::link_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Remove links: by LNK-.. ids, or every link between the given evidence ids and a
    /// target (optionally of one relation). The reason is kept in the target's history.
    #[tool(
        output_schema = output::<Unlinked>(),
        input_schema = input::<UnlinkRequest>(),
        annotations(title = "Unlink evidence", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn unlink_evidence(&self, arguments: JsonObject) -> Result<Json<Unlinked>, String> {
        let request = parse::<UnlinkRequest>(arguments)?;
        link::unlink_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Delete evidence for good: EV-.. ids, or every item of one study (the study goes
    /// too), with a reason. Their links and search entries go in the same step, and the
    /// rationale of those links is blanked in history. History keeps who deleted which
    /// ids, when and why, not the text. For one person's data use erase_participant.
    #[tool(
        output_schema = output::<EvidenceErased>(),
        input_schema = input::<DeleteEvidenceRequest>(),
        annotations(title = "Delete evidence", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn delete_evidence(&self, arguments: JsonObject) -> Result<Json<EvidenceErased>, String> {
        let request = parse::<DeleteEvidenceRequest>(arguments)?;
        erase::delete_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Erase every item of one participant (a GDPR erasure request): their excerpts,
    /// survey answers and observations, the links and search entries of those items.
    /// Answers with how many items went, what they were linked to, and other items
    /// whose text names the participant (left for a person to review). History keeps
    /// the ids, who, when and why; never the participant's name or words.
    #[tool(
        output_schema = output::<EvidenceErased>(),
        input_schema = input::<EraseParticipantRequest>(),
        annotations(title = "Erase a participant", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn erase_participant(&self, arguments: JsonObject) -> Result<Json<EvidenceErased>, String> {
        let request = parse::<EraseParticipantRequest>(arguments)?;
        erase::erase_participant(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Full-text search over evidence (BM25 ranking, English stemming: "templates"
    /// finds "template"), with filters that combine with AND: kind, tags, segment,
    /// study, participant, observed date range (from/to), linked or unlinked, linked to
    /// a target. Each hit has a snippet with the matched words in **bold**, the stored
    /// item and what it is linked to. Leave query out to list by filters. Paginated.
    #[tool(
        output_schema = output::<SearchPage>(),
        input_schema = input::<SearchRequest>(),
        annotations(title = "Search evidence", read_only_hint = true, open_world_hint = false)
    )]
    async fn search_evidence(&self, arguments: JsonObject) -> Result<Json<SearchPage>, String> {
        let request = parse::<SearchRequest>(arguments)?;
        search::search(&self.store, &request).map(Json).map_err(failure)
    }

    /// Suggest links, each with its reason: for an evidence id (EV-12), the key results
    /// and indicators it most likely bears on; for a key result id (KR-3), the evidence
    /// not yet linked to it that matches its words. Suggestions only: link_evidence
    /// makes a link once a person agrees.
    #[tool(
        output_schema = output::<Suggestions>(),
        input_schema = input::<SuggestRequest>(),
        annotations(title = "Suggest links", read_only_hint = true, open_world_hint = false)
    )]
    async fn suggest_links(&self, arguments: JsonObject) -> Result<Json<Suggestions>, String> {
        let request = parse::<SuggestRequest>(arguments)?;
        suggest::suggest_links(&self.store, &request).map(Json).map_err(failure)
    }
}

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
    /// Store customer research verbatim: interview quotes, survey question results or
    /// observations, up to 5,000 items, all or nothing. The same content again is reported
    /// as a duplicate; the same record_id updates the item. For files use import_evidence.
    #[tool(
        output_schema = output::<AddedEvidence>(),
        input_schema = input::<AddEvidenceRequest>(),
        annotations(title = "Add evidence", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn add_evidence(&self, arguments: JsonObject) -> Result<Json<AddedEvidence>, String> {
        let request = parse::<AddEvidenceRequest>(arguments)?;
        add::add_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    // Sends progress notifications when the request carries a progress token. Transcripts
    // (VTT, SRT, Markdown, text, DOCX, Gong JSON) keep their line or time ranges; survey
    // question types are read from the answers.
    /// Import research from a file or an http(s) URL: a table with a column mapping, JSONL
    /// of add_evidence items, survey responses exported by Qualtrics, SurveyMonkey,
    /// Typeform or Google Forms (unclear questions come back, to settle with questions), or
    /// a transcript split into speaker turns, the interviewer's left out. All or nothing
    /// unless row_level; re-importing updates items.
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

    /// Link evidence to an objective, key result, indicator or metric, with a relation and
    /// a one-sentence rationale. Linking the same pair and relation again changes nothing;
    /// suggest_links proposes candidates.
    #[tool(
        output_schema = output::<Linked>(),
        input_schema = input::<LinkRequest>(),
        annotations(title = "Link evidence", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn link_evidence(&self, arguments: JsonObject) -> Result<Json<Linked>, String> {
        let request = parse::<LinkRequest>(arguments)?;
        link::link_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Remove evidence links: by id (LNK-9), or every link between the given evidence and a
    /// target. The reason is kept in the target's history.
    #[tool(
        output_schema = output::<Unlinked>(),
        input_schema = input::<UnlinkRequest>(),
        annotations(title = "Unlink evidence", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn unlink_evidence(&self, arguments: JsonObject) -> Result<Json<Unlinked>, String> {
        let request = parse::<UnlinkRequest>(arguments)?;
        link::unlink_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Delete evidence for good, by id (EV-5) or a whole study, with its links. History keeps
    /// who deleted which ids and why, not the text. For one person's data use
    /// erase_participant.
    #[tool(
        output_schema = output::<EvidenceErased>(),
        input_schema = input::<DeleteEvidenceRequest>(),
        annotations(title = "Delete evidence", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn delete_evidence(&self, arguments: JsonObject) -> Result<Json<EvidenceErased>, String> {
        let request = parse::<DeleteEvidenceRequest>(arguments)?;
        erase::delete_evidence(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Erase every item of one participant (a GDPR erasure request) with its links. Returns
    /// what went, what it was linked to, and other items whose text names the participant,
    /// for a person to review. History never keeps the name or words.
    #[tool(
        output_schema = output::<EvidenceErased>(),
        input_schema = input::<EraseParticipantRequest>(),
        annotations(title = "Erase a participant", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = false)
    )]
    async fn erase_participant(&self, arguments: JsonObject) -> Result<Json<EvidenceErased>, String> {
        let request = parse::<EraseParticipantRequest>(arguments)?;
        erase::erase_participant(&self.store, request, &self.actor).await.map(Json).map_err(failure)
    }

    /// Full-text search over evidence, with filters combined with AND. Each hit has a
    /// snippet with the matched words in **bold**, the item and what it is linked to.
    /// Paginated.
    #[tool(
        output_schema = output::<SearchPage>(),
        input_schema = input::<SearchRequest>(),
        annotations(title = "Search evidence", read_only_hint = true, open_world_hint = false)
    )]
    async fn search_evidence(&self, arguments: JsonObject) -> Result<Json<SearchPage>, String> {
        let request = parse::<SearchRequest>(arguments)?;
        search::search(&self.store, &request).map(Json).map_err(failure)
    }

    /// Suggest links with their reasons: for evidence (EV-12), the key results and
    /// indicators it likely bears on; for a key result (KR-3), unlinked evidence matching
    /// its words. Link with link_evidence once a person agrees.
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

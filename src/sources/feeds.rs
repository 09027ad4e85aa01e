//! Research feeds: a study that keeps running (an always-on NPS survey, a panel)
//! publishes its responses at a URL as its tool exports them; a feed remembers that
//! URL and how to read it, and every `sync_sources` pulls it again through
//! `import_evidence`. Its items keep their record ids (the URL, the question, the wave
//! or the respondent), so a pull updates this month's results and adds only the new
//! open answers: pulling the same responses twice adds nothing.
//!
//! The URL's host must be on the allowlist, when attached and at every pull; a token
//! is read from the environment variable the feed names, never stored.

use jiff::Timestamp;
use reqwest::Url;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::evidence::import::{
    CsvMapping, ImportDefaults, ImportFormat, ImportRequest, QuestionSpec, WaveBy, import_evidence,
};
use crate::fetch::Access;
use crate::model::Change;
use crate::model::FeedId;
use crate::store::{Store, Table};
use crate::validate;

// A research export to pull into evidence at every sync. Its reading options are
// import_evidence's, checked as there; the tool's schema only names them, so the
// definitions are not listed twice in every chat turn.
/// format, mapping, questions, wave_by (default month): as import_evidence's.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedInput {
    // Its host must be on the allowlist.
    pub url: String,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub format: Option<ImportFormat>,
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub mapping: Option<CsvMapping>,
    #[serde(default)]
    #[schemars(with = "Vec<serde_json::Map<String, serde_json::Value>>")]
    pub questions: Vec<QuestionSpec>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub wave_by: Option<WaveBy>,
    #[serde(default)]
    pub study: Option<String>,
    /// Environment variable with a bearer token.
    #[serde(default)]
    pub token_env: Option<String>,
}

/// An attached feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceFeed {
    pub id: FeedId,
    pub url: String,
    pub format: Option<ImportFormat>,
    pub mapping: Option<CsvMapping>,
    pub questions: Vec<QuestionSpec>,
    pub wave_by: Option<WaveBy>,
    pub study: Option<String>,
    pub token_env: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub last_pull: Option<FeedPull>,
}

impl crate::store::Record for EvidenceFeed {}

/// One pull of a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FeedPull {
    pub feed: FeedId,
    pub at: Timestamp,
    pub ok: bool,
    /// Items read from the export.
    pub read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Items already stored from elsewhere with the same content (not stored twice).
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub duplicates: usize,
    /// Questions not imported because the answers cannot tell their type (attach the
    /// feed's URL again with questions to settle them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unclear: Vec<String>,
    /// Why the pull failed: nothing of the feed was stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Checks a feed before it is stored; `field` is its place in the request.
pub(super) fn plan(field: &str, input: &FeedInput, access: &Access, change: &Change) -> Result<EvidenceFeed> {
    let f = |name: &str| format!("{field}.{name}");
    let url_text = validate::text(&f("url"), &input.url, 2_000)?;
    let url = url_text.parse::<Url>().map_err(|e| Error::invalid(f("url"), format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(f("url"), "must be an http(s) URL"));
    }
    access.hosts.check(&f("url"), &url)?;
    if let Some(name) = &input.token_env {
        access.check_token_env(&f("token_env"), name, &url)?;
    }
    let study = validate::optional_text(&f("study"), input.study.as_deref(), validate::MAX_NAME_CHARS)?;
    Ok(EvidenceFeed {
        id: FeedId(0),
        url: url_text,
        format: input.format,
        mapping: input.mapping.clone(),
        questions: input.questions.clone(),
        wave_by: input.wave_by,
        study,
        token_env: input.token_env.clone(),
        created_by: change.actor.0.clone(),
        created_at: change.at,
        last_pull: None,
    })
}

/// Every attached feed, in id order.
pub fn list(store: &Store) -> Result<Vec<EvidenceFeed>> {
    store.scan(Table::Feeds).collect()
}

/// The import a feed's pull runs.
fn request(feed: &EvidenceFeed) -> ImportRequest {
    ImportRequest {
        url: Some(feed.url.clone()),
        format: feed.format,
        mapping: feed.mapping.clone(),
        questions: feed.questions.clone(),
        // Monthly unless the feed says otherwise: a result's wave must not change as
        // responses arrive (a study of three weeks that reaches a fifth would otherwise
        // turn its one wave into months, and its results into new items).
        wave_by: Some(feed.wave_by.unwrap_or(WaveBy::Month)),
        token_env: feed.token_env.clone(),
        defaults: Some(ImportDefaults { study: feed.study.clone(), ..Default::default() }),
        ..Default::default()
    }
}

/// Pulls each feed in turn (each import is one transaction of its own) and records
/// the outcome on the feed.
pub(super) async fn pull(
    store: &Store,
    feeds: &[EvidenceFeed],
    change: &Change,
    access: &Access,
) -> Result<Vec<FeedPull>> {
    let now = change.at;
    let mut pulls = vec![];
    for feed in feeds {
        let quiet = |_: crate::progress::Step| {};
        let outcome = import_evidence(store, access, request(feed), &change.actor, &quiet).await;
        let pull = match outcome {
            Ok(report) => FeedPull {
                feed: feed.id,
                at: now,
                ok: true,
                read: report.read,
                created: report.added.created,
                updated: report.added.updated,
                unchanged: report.added.unchanged,
                duplicates: report.added.duplicates,
                unclear: report
                    .responses
                    .iter()
                    .flat_map(|r| r.questions.iter().filter(|q| !q.could_be.is_empty()).map(|q| q.question.clone()))
                    .collect(),
                error: None,
            },
            Err(e) => FeedPull {
                feed: feed.id,
                at: now,
                ok: false,
                read: 0,
                created: 0,
                updated: 0,
                unchanged: 0,
                duplicates: 0,
                unclear: vec![],
                error: Some(e.to_string()),
            },
        };
        pulls.push(pull);
    }
    store.transact(|tx| {
        for pull in &pulls {
            // A feed detached by another call meanwhile is not revived.
            if let Some(mut current) = tx.get::<EvidenceFeed>(Table::Feeds, &pull.feed.key())? {
                current.last_pull = Some(pull.clone());
                tx.put(Table::Feeds, &pull.feed.key(), &current)?;
            }
        }
        Ok(())
    })?;
    Ok(pulls)
}

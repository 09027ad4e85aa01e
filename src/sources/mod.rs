//! Metric sources: numbers pulled from where they live (a JSON endpoint with a JSON
//! pointer, a Prometheus server's query API) and stored as measurements.
//!
//! `sync_sources` attaches, detaches and pulls in one call; `grounded sync` pulls
//! every source from cron. A pull is per source: one failing source (down, slow,
//! an HTML login page, a host not on the allowlist) is reported and the others still
//! land. Each source's values are written all-or-nothing through the same checks as
//! record_measurements, and everything is flushed before the answer.
//!
//! Security: what may be reached comes from the server's configuration
//! ([`crate::fetch::Access`]): the host allowlist, the address rules and redirect
//! checks of every fetch, and the patterns a token variable's name must match. Tokens
//! are read from the environment variable a source names, never stored.

pub mod feeds;
pub mod pull;

use jiff::Timestamp;
use reqwest::Url;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::fetch::{ALLOWED_HOSTS_ENV, Access, Allowlist};
use crate::model::{Actor, Change};
use crate::model::{FeedId, MetricId, MetricSource, PullOutcome, SourceId, SourceKind};
use crate::scoring::measurements::{self, MeasurementInput};
use crate::store::{Store, Table};
use crate::validate;
use feeds::{EvidenceFeed, FeedInput, FeedPull};

/// Points a Prometheus range pull may ask for (Prometheus itself stops at 11,000).
const MAX_RANGE_POINTS: i64 = 10_000;

// A source to attach to a metric: pointer for a JSON endpoint, or query for Prometheus.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// M-4, a name, or KR-12 for its metric.
    pub metric: String,
    // Such as https://stats.example.com/activation.json or http://prometheus:9090; the
    // allowlist is GROUNDED_ALLOWED_HOSTS.
    /// JSON endpoint or Prometheus server.
    pub url: String,
    // Such as /data/activation_rate.
    /// JSON endpoint: RFC 6901 pointer to the number.
    #[serde(default)]
    pub pointer: Option<String>,
    /// Pointer to the sample size n.
    #[serde(default)]
    pub n_pointer: Option<String>,
    // Without it, the value is dated when pulled.
    /// Pointer to the value's time (RFC 3339 or Unix seconds).
    #[serde(default)]
    pub at_pointer: Option<String>,
    // Such as sum(signups_activated_total) / sum(signups_total).
    /// Prometheus: PromQL returning one series.
    #[serde(default)]
    pub query: Option<String>,
    // Read from the server's environment; the token itself is never stored.
    /// Environment variable with a bearer token; must match GROUNDED_TOKEN_VARS.
    #[serde(default)]
    pub token_env: Option<String>,
    /// 100 turns a 0-1 ratio into a percentage.
    #[serde(default)]
    pub multiply: Option<f64>,
}

/// Sources one call may attach: more is a loop gone wrong, not a setup (each is
/// pulled on every sync).
pub const MAX_ATTACH: usize = 100;

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Same metric, URL and pointer or query updates the source.
    #[serde(default)]
    #[schemars(length(max = MAX_ATTACH))]
    pub attach: Vec<SourceInput>,
    // Their measurements stay.
    #[serde(default)]
    pub detach: Vec<SourceId>,
    /// To pull; with neither sources nor feeds, all are pulled.
    #[serde(default)]
    pub sources: Option<Vec<SourceId>>,
    /// false: only attach, detach and list.
    #[serde(default = "yes")]
    pub pull: bool,
    // One point per step_hours. JSON endpoints give only their current value.
    /// Prometheus: also pull history from this date (YYYY-MM-DD).
    #[serde(default)]
    pub from: Option<String>,
    /// Step of a history pull, default 24.
    #[serde(default)]
    pub step_hours: Option<u32>,
    // The same URL updates its feed.
    /// Survey exports to import at every sync.
    #[serde(default)]
    #[schemars(length(max = MAX_ATTACH))]
    pub attach_feeds: Vec<FeedInput>,
    // Their evidence stays.
    #[serde(default)]
    pub detach_feeds: Vec<FeedId>,
    // Which feeds to pull; with neither this nor sources, all.
    #[serde(default)]
    pub feeds: Option<Vec<FeedId>>,
}

impl Default for SyncRequest {
    fn default() -> Self {
        SyncRequest {
            attach: vec![],
            detach: vec![],
            sources: None,
            pull: true,
            from: None,
            step_hours: None,
            attach_feeds: vec![],
            detach_feeds: vec![],
            feeds: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Synced {
    /// Every source attached after this call.
    pub sources: Vec<MetricSource>,
    /// The ids of sources attached or updated by this call.
    pub attached: Vec<SourceId>,
    pub detached: Vec<SourceId>,
    /// One entry per source pulled.
    pub pulls: Vec<Pull>,
    /// Values stored, over all pulls.
    pub recorded: usize,
    /// Pulls that failed, of sources and feeds.
    pub failed: usize,
    /// Every research feed attached after this call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feeds: Vec<EvidenceFeed>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_feeds: Vec<FeedId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detached_feeds: Vec<FeedId>,
    /// One entry per feed pulled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feed_pulls: Vec<FeedPull>,
    /// The hosts sources may reach (from GROUNDED_ALLOWED_HOSTS).
    pub allowed_hosts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pull {
    pub source: SourceId,
    pub metric: MetricId,
    pub ok: bool,
    /// Values stored.
    pub recorded: usize,
    /// Of those, values that replaced one at the same time (kept in history).
    pub replaced: usize,
    /// Points of a range that were NaN or infinite and not stored.
    pub skipped: usize,
    /// The newest value stored.
    pub latest: Option<PulledValue>,
    /// HTTP attempts made (retries after timeouts, refused connections, 5xx, 429).
    pub attempts: u32,
    /// Why the pull failed: nothing of this source was stored.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PulledValue {
    pub at: Timestamp,
    pub value: f64,
}

/// `sync_sources`: attach and detach (one transaction), then pull.
pub async fn sync_sources(store: &Store, request: SyncRequest, actor: &Actor, access: &Access) -> Result<Synced> {
    let change = Change::now(actor, None);
    let range = history_range(&request, change.at)?;
    let planned_sources = plan_sources(store, &request, access)?;
    let planned_feeds = plan_feeds(&request, access, &change)?;
    let existing = list(store)?;
    known(&existing, "detach", &request.detach)?;
    known(&existing, "sources", request.sources.as_deref().unwrap_or_default())?;
    let existing_feeds = feeds::list(store)?;
    known_feeds(&existing_feeds, &request)?;
    let attached_feeds = attach_feeds(store, &request, &planned_feeds, &existing_feeds)?;
    let attached = attach_sources(store, &request, &planned_sources, &existing, &change)?;
    let (pulls, feed_pulls) = match request.pull {
        true => pull_chosen(store, &request, &change, access, range).await?,
        false => (vec![], vec![]),
    };
    store.flush().await?;
    Ok(Synced {
        sources: list(store)?,
        attached,
        detached: request.detach.clone(),
        recorded: pulls.iter().map(|p| p.recorded).sum(),
        failed: pulls.iter().filter(|p| !p.ok).count() + feed_pulls.iter().filter(|p| !p.ok).count(),
        pulls,
        feeds: feeds::list(store)?,
        attached_feeds,
        detached_feeds: request.detach_feeds.clone(),
        feed_pulls,
        allowed_hosts: access.hosts.entries().to_vec(),
    })
}

/// Checks the sources to attach, refusing one given twice.
fn plan_sources(store: &Store, request: &SyncRequest, access: &Access) -> Result<Vec<MetricSource>> {
    if request.attach.len() > MAX_ATTACH {
        return Err(Error::invalid(
            "attach",
            format!("has {} sources; at most {MAX_ATTACH} are attached per call", request.attach.len()),
        ));
    }
    let planned = request
        .attach
        .iter()
        .enumerate()
        .map(|(i, input)| plan_source(store, &format!("attach[{i}]"), input, access))
        .collect::<Result<Vec<_>>>()?;
    // A repeat would be stored as a second source of its own (the "same source is
    // updated" rule only looks at sources stored before this call), and every pull
    // would then fetch it twice.
    for (i, source) in planned.iter().enumerate() {
        if let Some(first) = planned[..i].iter().position(|earlier| same_source(earlier, source)) {
            return Err(Error::invalid(
                format!("attach[{i}]"),
                format!("the same source as attach[{first}] (same metric, URL and pointer or query); give it once"),
            ));
        }
    }
    Ok(planned)
}

/// Checks the research feeds to attach.
fn plan_feeds(request: &SyncRequest, access: &Access, change: &Change) -> Result<Vec<EvidenceFeed>> {
    if request.attach_feeds.len() > MAX_ATTACH {
        return Err(Error::invalid(
            "attach_feeds",
            format!("has {} feeds; at most {MAX_ATTACH} are attached per call", request.attach_feeds.len()),
        ));
    }
    request
        .attach_feeds
        .iter()
        .enumerate()
        .map(|(i, input)| feeds::plan(&format!("attach_feeds[{i}]"), input, access, change))
        .collect()
}

/// Refuses a feed id to detach or pull that is not attached, naming its place.
fn known_feeds(existing: &[EvidenceFeed], request: &SyncRequest) -> Result<()> {
    for (field, ids) in [("detach_feeds", &request.detach_feeds), ("feeds", request.feeds.as_ref().unwrap_or(&vec![]))]
    {
        if let Some((i, id)) = ids.iter().enumerate().find(|(_, id)| !existing.iter().any(|f| f.id == **id)) {
            return Err(Error::not_found(
                format!("{field}[{i}]"),
                id,
                crate::words![crate::error::Operation::ListSources, " lists the feeds"],
            ));
        }
    }
    Ok(())
}

/// Detaches and attaches feeds in one transaction; a feed already attached at the
/// same URL is updated, keeping who attached it, when, and its last pull.
fn attach_feeds(
    store: &Store,
    request: &SyncRequest,
    planned: &[EvidenceFeed],
    existing: &[EvidenceFeed],
) -> Result<Vec<FeedId>> {
    store.transact(|tx| {
        for id in &request.detach_feeds {
            tx.remove(Table::Feeds, &id.key())?;
        }
        let mut ids = vec![];
        for planned in planned {
            let same = existing.iter().find(|f| !request.detach_feeds.contains(&f.id) && f.url == planned.url);
            let feed = match same {
                Some(old) => EvidenceFeed {
                    id: old.id,
                    created_by: old.created_by.clone(),
                    created_at: old.created_at,
                    last_pull: old.last_pull.clone(),
                    ..planned.clone()
                },
                None => EvidenceFeed { id: FeedId(tx.next_id(FeedId::PREFIX)?), ..planned.clone() },
            };
            tx.put(Table::Feeds, &feed.id.key(), &feed)?;
            if !ids.contains(&feed.id) {
                ids.push(feed.id);
            }
        }
        Ok(ids)
    })
}

/// Detaches and attaches sources in one transaction; the same source attached again
/// is updated, keeping who attached it, when, and its last pull.
fn attach_sources(
    store: &Store,
    request: &SyncRequest,
    planned: &[MetricSource],
    existing: &[MetricSource],
    change: &Change,
) -> Result<Vec<SourceId>> {
    store.transact(|tx| {
        for id in &request.detach {
            tx.remove(Table::Sources, &id.key())?;
        }
        let mut ids = vec![];
        for planned in planned {
            let same = existing.iter().find(|s| !request.detach.contains(&s.id) && same_source(s, planned));
            let source = match same {
                Some(old) => MetricSource {
                    id: old.id,
                    created_by: old.created_by.clone(),
                    created_at: old.created_at,
                    last_pull: old.last_pull.clone(),
                    ..planned.clone()
                },
                None => MetricSource {
                    id: SourceId(tx.next_id(SourceId::PREFIX)?),
                    created_by: change.actor.0.clone(),
                    created_at: change.at,
                    ..planned.clone()
                },
            };
            tx.put(Table::Sources, &source.id.key(), &source)?;
            ids.push(source.id);
        }
        Ok(ids)
    })
}

/// Pulls the sources and feeds the request names, or all of them when it names
/// neither; refuses a pull with nothing attached.
async fn pull_chosen(
    store: &Store,
    request: &SyncRequest,
    change: &Change,
    access: &Access,
    range: Option<pull::Range>,
) -> Result<(Vec<Pull>, Vec<FeedPull>)> {
    let everything = request.sources.is_none() && request.feeds.is_none();
    let chosen: Vec<MetricSource> = match &request.sources {
        Some(ids) => list(store)?.into_iter().filter(|s| ids.contains(&s.id)).collect(),
        None if everything => list(store)?,
        None => vec![],
    };
    let chosen_feeds: Vec<EvidenceFeed> = match &request.feeds {
        Some(ids) => feeds::list(store)?.into_iter().filter(|f| ids.contains(&f.id)).collect(),
        None if everything => feeds::list(store)?,
        None => vec![],
    };
    if chosen.is_empty() && chosen_feeds.is_empty() {
        return Err(Error::invalid(
            "attach",
            crate::words![
                "no sources are attached; attach one: ",
                crate::error::Operation::AttachJson,
                " for a JSON endpoint or ",
                crate::error::Operation::AttachPrometheus,
                " for Prometheus, or a research export with ",
                crate::error::Operation::AttachFeed
            ],
        ));
    }
    let pulls = match chosen.is_empty() {
        true => vec![],
        false => pull_all(store, chosen, change, access, range).await?,
    };
    let feed_pulls = feeds::pull(store, &chosen_feeds, change, access).await?;
    Ok((pulls, feed_pulls))
}

/// Refuses an id in `ids` that is not attached, naming its place (`detach[1]`).
fn known(existing: &[MetricSource], field: &str, ids: &[SourceId]) -> Result<()> {
    match ids.iter().enumerate().find(|(_, id)| !existing.iter().any(|s| s.id == **id)) {
        Some((i, id)) => Err(Error::not_found(
            format!("{field}[{i}]"),
            id,
            crate::words![crate::error::Operation::ListSources, " lists the sources"],
        )),
        None => Ok(()),
    }
}

/// Every attached source, in id order.
pub fn list(store: &Store) -> Result<Vec<MetricSource>> {
    store.scan(Table::Sources).collect()
}

fn history_range(request: &SyncRequest, now: Timestamp) -> Result<Option<pull::Range>> {
    let step_hours = request.step_hours.unwrap_or(24);
    if !(1..=24 * 31).contains(&step_hours) {
        return Err(Error::invalid("step_hours", format!("is {step_hours}; 1 to 744 (31 days) is accepted")));
    }
    let Some(from) = &request.from else {
        if request.step_hours.is_some() {
            return Err(Error::invalid("step_hours", "applies to a history pull; give from too"));
        }
        return Ok(None);
    };
    let from = measurements::parse_time("from", from)?;
    if from >= now {
        return Err(Error::invalid(
            "from",
            format!("{from} is not in the past; a history pull reads from a past date to now"),
        ));
    }
    let step_seconds = u64::from(step_hours) * 3_600;
    let points = (now.as_second() - from.as_second()) / step_seconds as i64;
    if points > MAX_RANGE_POINTS {
        return Err(Error::invalid(
            "from",
            format!(
                "asks for {points} points; up to {MAX_RANGE_POINTS} per pull are accepted: a later from or a larger step_hours"
            ),
        ));
    }
    Ok(Some(pull::Range { from, step_seconds }))
}

/// Two sources are the same when they read the same number: metric, kind, URL and
/// pointer or query (a new token or multiplier updates the source, it is not another).
fn same_source(a: &MetricSource, b: &MetricSource) -> bool {
    (a.metric, a.kind, &a.url, &a.pointer, &a.query) == (b.metric, b.kind, &b.url, &b.pointer, &b.query)
}

/// Validates one source to attach; the id and creation fields are filled in later.
fn plan_source(store: &Store, at: &str, input: &SourceInput, access: &Access) -> Result<MetricSource> {
    let f = |name: &str| format!("{at}.{name}");
    let metric = measurements::resolve_metric(store, &f("metric"), &input.metric)?;
    let url_text = validate::text(&f("url"), &input.url, 2_000)?;
    let url: Url = url_text
        .parse()
        .map_err(|e| Error::invalid(f("url"), format!("{url_text:?} is not a URL ({e}); write http(s)://host/path")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(f("url"), format!("{url_text:?} must start with http:// or https://")));
    }
    access.hosts.check(&f("url"), &url)?;
    let pointer = |name: &str, value: &Option<String>| -> Result<Option<String>> {
        match value {
            Some(p) if !p.is_empty() && !p.starts_with('/') => Err(Error::invalid(
                f(name),
                format!("{p:?} is not a JSON pointer; pointers start with / (such as /data/value)"),
            )),
            Some(p) => validate::optional_text(&f(name), Some(p), 500),
            None => Ok(None),
        }
    };
    let kind = match (&input.pointer, &input.query) {
        (Some(_), None) => SourceKind::Json,
        (None, Some(_)) => SourceKind::Prometheus,
        (Some(_), Some(_)) => {
            return Err(Error::invalid(f("query"), "give pointer (a JSON endpoint) or query (Prometheus), not both"));
        }
        (None, None) => {
            return Err(Error::invalid(
                f("pointer"),
                "is needed for a JSON endpoint (such as /data/value); for Prometheus give query",
            ));
        }
    };
    if kind == SourceKind::Prometheus && (input.n_pointer.is_some() || input.at_pointer.is_some()) {
        return Err(Error::invalid(
            f("n_pointer"),
            "n_pointer and at_pointer apply to JSON endpoints, not Prometheus queries",
        ));
    }
    let query = match &input.query {
        Some(q) => Some(validate::text(&f("query"), q, 2_000)?),
        None => None,
    };
    let token_env = match &input.token_env {
        Some(name) => {
            access.check_token_env(&f("token_env"), name, &url)?;
            Some(name.clone())
        }
        None => None,
    };
    let multiply = validate::optional_finite(&f("multiply"), input.multiply)?;
    if multiply == Some(0.0) {
        return Err(Error::invalid(f("multiply"), "is 0, which would store every value as 0; leave it out for 1"));
    }
    Ok(MetricSource {
        id: SourceId(0),
        metric: metric.id,
        kind,
        url: url_text,
        pointer: pointer("pointer", &input.pointer)?,
        n_pointer: pointer("n_pointer", &input.n_pointer)?,
        at_pointer: pointer("at_pointer", &input.at_pointer)?,
        query,
        token_env,
        multiply,
        created_by: String::new(),
        created_at: Timestamp::UNIX_EPOCH,
        last_pull: None,
    })
}

/// Fetches every chosen source at once, then stores each one's values.
async fn pull_all(
    store: &Store,
    chosen: Vec<MetricSource>,
    change: &Change,
    access: &Access,
    range: Option<pull::Range>,
) -> Result<Vec<Pull>> {
    let now = change.at;
    let mut fetches = tokio::task::JoinSet::new();
    for (index, source) in chosen.iter().cloned().enumerate() {
        let allowed = source
            .url
            .parse::<Url>()
            .map_err(|e| Error::invalid("url", e.to_string()))
            .and_then(|url| access.hosts.check("url", &url));
        let token = allowed.and_then(|_| token(&source, access));
        let access = access.clone();
        fetches.spawn(async move {
            let result = match token {
                Ok(token) => {
                    let range = if source.kind == SourceKind::Prometheus { range } else { None };
                    pull::pull(&access, &source, token.as_deref(), now, range).await
                }
                Err(e) => Err(e),
            };
            (index, result)
        });
    }
    let mut fetched: Vec<Option<Result<pull::Pulled>>> = chosen.iter().map(|_| None).collect();
    while let Some(done) = fetches.join_next().await {
        let (index, result) =
            done.map_err(|e| Error::invalid("sources", format!("a pull stopped unexpectedly: {e}")))?;
        fetched[index] = Some(result);
    }
    let pulls: Vec<Pull> = chosen
        .iter()
        .zip(fetched)
        .map(|(source, result)| {
            let result = result.unwrap_or_else(|| Err(Error::invalid("sources", "the pull did not finish")));
            store_pull(store, source, result, change)
        })
        .collect();
    store.transact(|tx| {
        for pull in &pulls {
            // A source detached by another call meanwhile is not revived.
            if let Some(mut current) = tx.get::<MetricSource>(Table::Sources, &pull.source.key())? {
                current.last_pull =
                    Some(PullOutcome { at: now, ok: pull.ok, values: pull.recorded, error: pull.error.clone() });
                tx.put(Table::Sources, &pull.source.key(), &current)?;
            }
        }
        Ok(())
    })?;
    Ok(pulls)
}

/// The token of a source, read from the environment variable it names. The name is
/// checked against the patterns again: the source may have been attached before the
/// rule, or the configuration may have changed since.
fn token(source: &MetricSource, access: &Access) -> Result<Option<String>> {
    source.token_env.as_deref().map(|name| access.bearer("token_env", name)).transpose()
}

/// Stores one source's samples through the measurement checks; a failure anywhere
/// (fetch, answer, a value outside the metric's scale) stores nothing of it.
fn store_pull(store: &Store, source: &MetricSource, result: Result<pull::Pulled>, change: &Change) -> Pull {
    let failed = |error: Error, attempts: u32| Pull {
        source: source.id,
        metric: source.metric,
        ok: false,
        recorded: 0,
        replaced: 0,
        skipped: 0,
        latest: None,
        attempts,
        error: Some(error.to_string()),
    };
    let pulled = match result {
        Ok(pulled) => pulled,
        Err(error) => return failed(error, 0),
    };
    let label = match source.kind {
        SourceKind::Json => "http",
        SourceKind::Prometheus => "prometheus",
    };
    let inputs = pulled
        .samples
        .iter()
        .enumerate()
        .map(|(i, sample)| {
            (
                format!("{} value {}", source.id, i + 1),
                MeasurementInput {
                    metric: source.metric.to_string(),
                    at: sample.at.to_string(),
                    value: sample.value,
                    n: sample.n,
                    source: Some(format!("{label} {} ({})", source.id, validate::truncate(&source.url, 200))),
                    ..MeasurementInput::default()
                },
            )
        })
        .collect();
    // A source is the number's system of record: what it says is kept, not doubted.
    match measurements::store_unflushed(store, inputs, change, true, None) {
        Ok(recorded) => Pull {
            source: source.id,
            metric: source.metric,
            ok: true,
            recorded: recorded.recorded,
            replaced: recorded.replaced,
            skipped: pulled.skipped,
            latest: pulled.samples.iter().max_by_key(|s| s.at).map(|s| PulledValue { at: s.at, value: s.value }),
            attempts: pulled.attempts,
            error: None,
        },
        Err(error) => failed(error, pulled.attempts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(pointer: &str) -> SourceInput {
        SourceInput {
            metric: "KR-1".into(),
            url: "http://127.0.0.1:9/a.json".into(),
            pointer: Some(pointer.into()),
            n_pointer: None,
            at_pointer: None,
            query: None,
            token_env: None,
            multiply: None,
        }
    }

    async fn attach(store: &Store, attach: Vec<SourceInput>) -> Result<Synced> {
        let request = SyncRequest { attach, pull: false, ..SyncRequest::default() };
        let access = crate::fetch::Access {
            roots: crate::fetch::ImportRoots::new(crate::fetch::Caller::Local, &[], true),
            hosts: Allowlist::parse("127.0.0.1"),
            token_vars: crate::fetch::TokenVars::default(),
            tokens: Default::default(),
        };
        sync_sources(store, request, &Actor("t".into()), &access).await
    }

    #[tokio::test]
    async fn repeats_and_floods_are_refused_before_anything_is_stored() {
        let store = Store::temporary().unwrap();
        let draft = crate::okr::input::ObjectiveDraft::activation_example();
        crate::okr::draft::draft_okr(&store, draft, &Actor("t".into())).await.unwrap();
        let before = store.checksum().unwrap();
        let err = attach(&store, vec![source("/a"), source("/b"), source("/a")]).await.unwrap_err().to_string();
        assert!(err.starts_with("attach[2]: the same source as attach[0]"), "{err}");
        let flood = (0..=MAX_ATTACH).map(|i| source(&format!("/v{i}"))).collect();
        let err = attach(&store, flood).await.unwrap_err().to_string();
        assert_eq!(err, "attach: has 101 sources; at most 100 are attached per call");
        assert_eq!(store.checksum().unwrap(), before);
        let fine = (0..MAX_ATTACH).map(|i| source(&format!("/v{i}"))).collect();
        assert_eq!(attach(&store, fine).await.unwrap().attached.len(), MAX_ATTACH);
    }
}

//! `record_measurements` and `import_measurements`: values of metrics over time.
//!
//! Every value is checked before anything is written (finite, inside the metric's
//! scale, a percentage within 0-100, not in the future, inside the key result's cycle
//! when recorded against a key result), so a call is all-or-nothing. Two values for
//! the same metric at the same moment: the last write wins and the value it replaces
//! is kept in history under the same key plus a sequence, in the same tree, so one
//! atomic sled batch writes both.

use crate::progress::{Phase, Throttle};
use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Operation, Result, Words, field, send_again_with, setting};
use crate::fetch::Access;
use crate::fetch::table::{TableKind, Tabular, read_table};
use crate::model::{Actor, Change};
use crate::model::{
    Cycle, KeyResultId, Measurement, MeasurementPoint, Metric, MetricId, Unit, block_entries, block_key, encode_block,
    history_key, history_prefix, month_of, normalize_metric_name,
};
use crate::store::{Batch, Store, Table, TableReader};
use crate::validate;
use crate::words;

/// Measurements per call; import files may hold more (up to 20 MB).
pub const MAX_PER_CALL: usize = 10_000;
/// A little clock skew between the caller and this machine is not "the future".
const FUTURE_SLACK_SECONDS: i64 = 3_600;

// One value of a metric.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementInput {
    // With KR-12 the date must fall in the key result's cycle.
    /// M-4, a name, or KR-12 for its metric.
    pub metric: String,
    /// YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
    pub at: String,
    pub value: f64,
    // How many units the value was computed from.
    /// Sample size (accounts, answers, ...).
    #[serde(default)]
    pub n: Option<u64>,
    /// Units in all (coverage = n / population).
    #[serde(default)]
    pub population: Option<u64>,
    /// Standard deviation, for a mean.
    #[serde(default)]
    pub sd: Option<f64>,
    /// Owner's confidence 0-1 that the key result is met.
    #[serde(default)]
    pub confidence: Option<f64>,
    // Where the number came from (a dashboard, a query).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    /// 1 to 10,000.
    pub measurements: Vec<MeasurementInput>,
    // A fraction on a percent metric (0.52 where 52 was meant), a jump far outside the
    // metric's recent values.
    /// Keep likely typing mistakes.
    #[serde(default)]
    pub insist: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Recorded {
    /// Values stored.
    pub recorded: usize,
    /// Of those, how many replaced a value at the same metric and time (the old one
    /// is kept in history).
    pub replaced: usize,
    /// Per metric: how many values, and the time span they cover.
    pub metrics: Vec<MetricSpan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricSpan {
    pub metric: MetricId,
    pub name: String,
    pub values: usize,
    pub first: Timestamp,
    pub last: Timestamp,
}

/// Resolves metric references once per call.
struct Resolver<'a> {
    store: &'a Store,
    known: HashMap<String, (Metric, Option<Cycle>)>,
}

impl Resolver<'_> {
    fn resolve(&mut self, field: &str, reference: &str) -> Result<(Metric, Option<Cycle>)> {
        if let Some(found) = self.known.get(reference) {
            return Ok(found.clone());
        }
        let trimmed = reference.trim();
        let found = if let Ok(id) = trimmed.parse::<MetricId>() {
            let metric = self.store.metric(id)?.ok_or_else(|| {
                Error::not_found(field, id, words![Operation::GetOkr, " shows each key result's metric"])
            })?;
            (metric, None)
        } else if let Ok(kr) = trimmed.parse::<KeyResultId>() {
            let key_result = self.store.key_result(kr)?.ok_or_else(|| {
                Error::not_found(
                    field,
                    kr,
                    words![Operation::ListOkrs, " and ", Operation::GetOkr, " show the key results"],
                )
            })?;
            let metric_id = key_result.metric.ok_or_else(|| {
                Error::invalid(field, format!("{kr} has no metric (a milestone); record against a metric id instead"))
            })?;
            let objective = self.store.objective(key_result.objective)?.ok_or_else(|| {
                Error::invalid(field, format!("{kr} belongs to {}, which is missing", key_result.objective))
            })?;
            let metric = self.store.metric(metric_id)?.ok_or_else(|| Error::not_found(field, metric_id, ""))?;
            (metric, Some(objective.cycle))
        } else {
            let id = self.store.metric_by_name(&normalize_metric_name(trimmed))?.ok_or_else(|| {
                Error::invalid(
                    field,
                    words![
                        format!(
                            "{:?} is not a metric id (M-4), a key result id (KR-12) or the name of a known metric; ",
                            validate::truncate(trimmed, 60)
                        ),
                        Operation::GetOkr,
                        " shows the metrics"
                    ],
                )
            })?;
            (self.store.metric(id)?.ok_or_else(|| Error::not_found(field, id, ""))?, None)
        };
        self.known.insert(reference.to_string(), found.clone());
        Ok(found)
    }
}

/// Resolves a metric reference (M-4, a metric name, or KR-12 for its metric) the way
/// record_measurements does; metric sources use it when they are attached.
pub(crate) fn resolve_metric(store: &Store, field: &str, reference: &str) -> Result<Metric> {
    Resolver { store, known: HashMap::new() }.resolve(field, reference).map(|(metric, _)| metric)
}

/// Reads a time as a day (its start in the user's zone) or an RFC 3339 time (its
/// instant).
pub fn parse_time(field: &str, text: &str) -> Result<Timestamp> {
    crate::clock::parse_time(field, text, None)
}

fn check_value(field: &str, metric: &Metric, value: f64) -> Result<f64> {
    let value = validate::finite(field, value)?;
    if let Some(scale) = metric.scale
        && !(scale.min..=scale.max).contains(&value)
    {
        return Err(Error::invalid(
            field,
            format!(
                "{value} is outside {}'s scale {}..{}; values on that scale are accepted",
                metric.name, scale.min, scale.max
            ),
        ));
    }
    if matches!(metric.unit, Some(Unit::Percent)) && !(0.0..=100.0).contains(&value) {
        return Err(Error::invalid(
            field,
            format!("{value} is not a percentage ({} is measured in %); 0 to 100 is accepted", metric.name),
        ));
    }
    Ok(value)
}

/// Validates one input into a measurement, naming fields as `measurements[i].field`.
fn plan_one(
    resolver: &mut Resolver<'_>,
    at_field: &str,
    input: MeasurementInput,
    change: &Change,
) -> Result<Measurement> {
    let f = |name: &str| format!("{at_field}.{name}");
    let (metric, cycle) = resolver.resolve(&f("metric"), &input.metric)?;
    let at = parse_time(&f("at"), &input.at)?;
    if at.as_second() > change.at.as_second() + FUTURE_SLACK_SECONDS {
        return Err(Error::invalid(
            f("at"),
            format!("{at} is in the future; a measurement records a value that was true"),
        ));
    }
    if let Some(cycle) = &cycle {
        let day = crate::clock::day_of(at);
        if !cycle.contains(day) {
            return Err(Error::invalid(
                f("at"),
                format!(
                    "{day} is outside the key result's cycle {} ({} to {}); record it against the metric ({}) to keep it anyway",
                    cycle.name(),
                    cycle.start(),
                    cycle.end(),
                    metric.id
                ),
            ));
        }
    }
    let value = check_value(&f("value"), &metric, input.value)?;
    if input.n == Some(0) {
        return Err(Error::invalid(f("n"), "is 0; n counts the units the value was computed from, at least 1"));
    }
    if let (Some(n), Some(p)) = (input.n, input.population)
        && p < n
    {
        return Err(Error::invalid(
            f("population"),
            format!("is {p}, below n = {n}; the population includes the sample"),
        ));
    }
    if input.population.is_some() && input.n.is_none() {
        return Err(Error::invalid(f("population"), "needs n too: coverage is n / population"));
    }
    let sd = validate::optional_finite(&f("sd"), input.sd)?;
    if sd.is_some_and(|s| s < 0.0) {
        return Err(Error::invalid(f("sd"), "is negative; a standard deviation is 0 or more"));
    }
    let confidence = validate::optional_finite(&f("confidence"), input.confidence)?;
    if confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        return Err(Error::invalid(f("confidence"), "is outside 0.0-1.0 (0.7 and above is high, below 0.4 low)"));
    }
    Ok(Measurement {
        metric: metric.id,
        at,
        value,
        n: input.n,
        population: input.population,
        sd,
        confidence,
        source: validate::optional_text(&f("source"), input.source.as_deref(), 500)?,
        note: validate::optional_text(&f("note"), input.note.as_deref(), 2_000)?,
        recorded_by: change.actor.0.clone(),
        recorded_at: change.at,
    })
}

/// Validates every input; the first bad one refuses the call. Unless `insist`, a
/// value that looks like a typing mistake against the metric's stored values does too.
fn plan(
    store: &Store,
    inputs: Vec<(String, MeasurementInput)>,
    change: &Change,
    insist: bool,
    progress: Option<&Throttle>,
) -> Result<Vec<Measurement>> {
    let total = inputs.len();
    let mut resolver = Resolver { store, known: HashMap::new() };
    let mut recent: HashMap<MetricId, Vec<f64>> = HashMap::new();
    let mut planned = Vec::with_capacity(inputs.len());
    for (field, input) in inputs {
        let reference = (!insist).then(|| input.metric.clone());
        let measurement = plan_one(&mut resolver, &field, input, change)?;
        if let Some(reference) = reference {
            let (metric, _) = &resolver.known[&reference];
            let stored = match recent.entry(metric.id) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(recent_values(store, metric.id, RECENT)?)
                }
            };
            if let Some(doubt) = implausible(metric, measurement.value, stored) {
                return Err(Error::invalid(format!("{field}.value"), doubt));
            }
            // The values before it in the same call or file count as history too.
            stored.insert(0, measurement.value);
            stored.truncate(RECENT);
        }
        planned.push(measurement);
        if let Some(progress) = progress {
            progress.step(Phase::Validate, planned.len(), total);
        }
    }
    Ok(planned)
}

/// How many stored values a new one is compared with.
const RECENT: usize = 20;
/// A value further than this many spreads from the recent median is doubted.
const JUMP_SPREADS: f64 = 6.0;

/// The last `count` stored values of `metric`, newest first.
fn recent_values(store: &Store, metric: MetricId, count: usize) -> Result<Vec<f64>> {
    let mut values = vec![];
    for block in store.tree(Table::Measurements).range(block_key(metric, 0)..=block_key(metric, u32::MAX)).rev() {
        let (_, block) = block?;
        let entries: Vec<(i64, &[u8])> = block_entries(&block).collect();
        for (at, entry) in entries.into_iter().rev() {
            values.push(MeasurementPoint::decode(at, entry).ok_or_else(|| unreadable(metric))?.value);
            if values.len() == count {
                return Ok(values);
            }
        }
    }
    Ok(values)
}

/// Why `value` looks like a typing mistake for `metric`, given its recent values;
/// None when it does not (or when there is no history to judge by).
fn implausible(metric: &Metric, value: f64, recent: &[f64]) -> Option<Words> {
    if recent.is_empty() {
        return None;
    }
    let mut sorted = recent.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let (low, high) = (sorted[0], sorted[sorted.len() - 1]);
    let range = if low == high { format!("{low}") } else { format!("{low} to {high}") };
    let keep = |said: String| words![said, send_again_with("insist", "true"), format!(" to keep {value}")];
    if matches!(metric.unit, Some(Unit::Percent)) && value != 0.0 && value.abs() < 1.0 && median.abs() >= 2.0 {
        let meant = (value * 10_000.0).round() / 100.0;
        return Some(keep(format!(
            "{value} looks like a fraction, but {} is in % and its recent values are {range}: did you mean {meant}? \
             Record {meant}, or ",
            metric.name
        )));
    }
    if sorted.len() >= 5 {
        let mut deviations: Vec<f64> = sorted.iter().map(|v| (v - median).abs()).collect();
        deviations.sort_by(f64::total_cmp);
        // The median absolute deviation, scaled to a standard deviation; a flat series
        // still allows a move of 5% of its level per spread.
        let spread = (1.4826 * deviations[deviations.len() / 2]).max(0.05 * median.abs()).max(f64::EPSILON);
        if (value - median).abs() > JUMP_SPREADS * spread {
            return Some(keep(format!(
                "{value} is far outside {}'s recent values ({range}, median {median}); check the number \
                 (a wrong unit, a missing or extra digit), or if it really moved that much, ",
                metric.name
            )));
        }
    }
    None
}

/// Writes validated measurements in one atomic batch, keeping replaced values: each
/// month block touched is read once, merged and written once. The reads and the batch
/// run inside the store's writer gate, so two calls cannot both miss each other's value.
fn write(store: &Store, measurements: &[Measurement]) -> Result<Recorded> {
    let replaced = store.write_batch(Table::Measurements, |tree| write_blocks(store, tree, measurements))?;
    recorded(store, measurements, replaced)
}

/// Merges the arriving values into their month blocks: the batch that writes them, and
/// how many replaced a stored value.
fn write_blocks(store: &Store, tree: TableReader<'_>, measurements: &[Measurement]) -> Result<(Batch, usize)> {
    // In call order within each block, so the last write wins.
    let mut blocks: BTreeMap<[u8; 13], Vec<&Measurement>> = BTreeMap::new();
    for m in measurements {
        blocks.entry(block_key(m.metric, month_of(m.at))).or_default().push(m);
    }
    let mut batch = Batch::default();
    let mut replaced = 0;
    for (key, arriving) in blocks {
        let stored = tree.get(key)?;
        let mut entries: BTreeMap<i64, Vec<u8>> =
            stored.as_deref().map(|b| block_entries(b).map(|(at, e)| (at, e.to_vec())).collect()).unwrap_or_default();
        let mut changed = false;
        for m in arriving {
            let at = m.at.as_microsecond();
            if let Some(previous) = entries.get(&at) {
                if Measurement::decode(m.metric, at, previous).is_some_and(|p| p.same_reading(m)) {
                    continue;
                }
                batch.insert(history_key(m.metric, m.at, store.generate_id()?), previous.as_slice());
                replaced += 1;
            }
            entries.insert(at, m.encode());
            changed = true;
        }
        if changed {
            batch.insert(&key[..], encode_block(entries.iter().map(|(at, e)| (*at, e.as_slice()))));
        }
    }
    Ok((batch, replaced))
}

/// What a call recorded, per metric.
fn recorded(store: &Store, measurements: &[Measurement], replaced: usize) -> Result<Recorded> {
    let mut spans: Vec<MetricSpan> = vec![];
    for m in measurements {
        match spans.iter_mut().find(|s| s.metric == m.metric) {
            Some(span) => {
                span.values += 1;
                span.first = span.first.min(m.at);
                span.last = span.last.max(m.at);
            }
            None => {
                let name = store.metric(m.metric)?.map(|x| x.name).unwrap_or_default();
                spans.push(MetricSpan { metric: m.metric, name, values: 1, first: m.at, last: m.at });
            }
        }
    }
    Ok(Recorded { recorded: measurements.len(), replaced, metrics: spans })
}

/// Validates every input (each named by its field), then writes all in one batch.
/// The caller flushes before it answers; metric sources write several batches and
/// flush once.
/// `progress`, when given, hears of the validation and of the write (one batch: a
/// heartbeat through it).
pub(crate) fn store_unflushed(
    store: &Store,
    inputs: Vec<(String, MeasurementInput)>,
    change: &Change,
    insist: bool,
    progress: Option<&Throttle>,
) -> Result<Recorded> {
    let total = inputs.len();
    let planned = plan(store, inputs, change, insist, progress)?;
    match progress {
        Some(progress) => progress.beating(total, || write(store, &planned)),
        None => write(store, &planned),
    }
}

/// `record_measurements`: validates all, writes all in one batch, flushes, answers.
pub async fn record_measurements(store: &Store, request: RecordRequest, actor: &Actor) -> Result<Recorded> {
    if request.measurements.is_empty() || request.measurements.len() > MAX_PER_CALL {
        return Err(Error::invalid(
            "measurements",
            words![
                format!("holds {} values; 1 to {MAX_PER_CALL} per call are accepted (", request.measurements.len()),
                Operation::ImportMeasurements,
                " takes files)"
            ],
        ));
    }
    let inputs = request.measurements.into_iter().enumerate().map(|(i, m)| (format!("measurements[{i}]"), m)).collect();
    let recorded = store_unflushed(store, inputs, &Change::now(actor, None), request.insist, None)?;
    store.flush().await?;
    Ok(recorded)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementFormat {
    // A header row with metric, at (or date), value, and optionally n, population, sd,
    // confidence, source, note.
    Csv,
    // The same, tab-separated (.tsv).
    Tsv,
    // The same in a spreadsheet (.xlsx, .xls, .ods): the first sheet, or `sheet`.
    Spreadsheet,
    // One measurement object per line (the record_measurements item shape).
    Jsonl,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementImport {
    // GROUNDED_IMPORT_ROOTS; by default the working directory and the database's folder.
    /// Under the server's import roots; or give url.
    #[serde(default)]
    pub path: Option<String>,
    // GROUNDED_ALLOWED_HOSTS.
    /// http(s), host on the server's allowlist; or give path.
    #[serde(default)]
    pub url: Option<String>,
    // Read from the file name when left out (.csv, .tsv, .xlsx, .xls, .ods, .jsonl).
    /// Default: from the file name.
    #[serde(default)]
    pub format: Option<MeasurementFormat>,
    /// Default: the first.
    #[serde(default)]
    pub sheet: Option<String>,
    // A day alone is its start in the database's time zone; RFC 3339 times keep their
    // instant.
    /// Needed only for dates like 03/10/2026.
    #[serde(default)]
    pub date_format: Option<crate::clock::DateOrder>,
    /// For rows without one: M-4, a name or KR-12.
    #[serde(default)]
    pub metric: Option<String>,
    /// Keep likely typing mistakes.
    #[serde(default)]
    pub insist: bool,
}

const CSV_COLUMNS: &[&str] =
    &["metric", "at", "date", "value", "n", "population", "sd", "confidence", "source", "note"];

/// `import_measurements`: a CSV or JSONL file, all-or-nothing. What may be read is
/// `access`'s; errors name the line and column, never the file's content.
/// `progress` hears of every phase (read, validate, commit, flush), throttled.
pub async fn import_measurements(
    store: &Store,
    access: &Access,
    request: MeasurementImport,
    actor: &Actor,
    progress: crate::progress::Report<'_>,
) -> Result<Recorded> {
    let progress = Throttle::new(progress, "values");
    let (name, bytes) = match (&request.path, &request.url) {
        (Some(path), None) => (path.clone(), access.read_file("path", path)?),
        (None, Some(url)) => (url.clone(), access.get("url", url, "a CSV or JSONL file of measurements", None).await?),
        (Some(_), Some(_)) => return Err(Error::invalid("url", "give path or url, not both")),
        (None, None) => return Err(Error::invalid("path", "is needed (or url): the file to import")),
    };
    let field = if request.url.is_some() { "url" } else { "path" };
    let lower = name.to_lowercase();
    let format = match (request.format, TableKind::of_name(&lower)) {
        (Some(f), _) => f,
        (None, Some(TableKind::Csv)) => MeasurementFormat::Csv,
        (None, Some(TableKind::Tsv)) => MeasurementFormat::Tsv,
        (None, Some(TableKind::Spreadsheet)) => MeasurementFormat::Spreadsheet,
        (None, None) if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") => MeasurementFormat::Jsonl,
        (None, None) => {
            return Err(Error::invalid(
                "format",
                words![
                    format!("cannot tell the format of {name} from its name; give "),
                    setting("format", "csv, tsv, spreadsheet or jsonl")
                ],
            ));
        }
    };
    if request.sheet.is_some() && format != MeasurementFormat::Spreadsheet {
        return Err(Error::invalid(
            "sheet",
            format!("applies to spreadsheets (.xlsx, .xls, .ods), and {name} is read as {format:?}"),
        ));
    }
    let kind = match format {
        MeasurementFormat::Csv => Some(TableKind::Csv),
        MeasurementFormat::Tsv => Some(TableKind::Tsv),
        MeasurementFormat::Spreadsheet => Some(TableKind::Spreadsheet),
        MeasurementFormat::Jsonl => None,
    };
    let inputs = match kind {
        Some(kind) => {
            let table = read_table(field, &name, bytes, kind, request.sheet.as_deref())?;
            table_inputs(&name, &table, request.metric.as_deref(), request.date_format)?
        }
        None => {
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::invalid(field, format!("{name} is not UTF-8 text; save or export it as UTF-8")))?;
            jsonl_inputs(&name, &text, request.metric.as_deref())?
        }
    };
    if inputs.is_empty() {
        return Err(Error::invalid(field, format!("{name} holds no measurements")));
    }
    progress.step(Phase::Read, 0, inputs.len());
    let total = inputs.len();
    // The checks shared with record_measurements quote a bad value back; from a file,
    // only to the person who ran their own command on it.
    let recorded = store_unflushed(store, inputs, &Change::now(actor, None), request.insist, Some(&progress)).map_err(
        |e| match e {
            Error::Invalid { field, message } if !access.may_quote_files() => {
                Error::Invalid { field, message: message.map_text(validate::unquoted) }
            }
            other => other,
        },
    )?;
    progress.step(Phase::Flush, 0, total);
    store.flush().await?;
    Ok(recorded)
}

fn table_inputs(
    name: &str,
    table: &Tabular,
    metric: Option<&str>,
    dates: Option<crate::clock::DateOrder>,
) -> Result<Vec<(String, MeasurementInput)>> {
    let headers: Vec<String> = table.headers.iter().map(|h| h.to_lowercase()).collect();
    // The header is the file's first line: the unknown column is counted, not quoted.
    if let Some(unknown) = headers.iter().position(|h| !CSV_COLUMNS.contains(&h.as_str())) {
        return Err(Error::invalid(
            name,
            format!(
                "column {} of the header (line 1) is not one this import knows; the columns are {}",
                unknown + 1,
                CSV_COLUMNS.join(", ")
            ),
        ));
    }
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(at), Some(_)) = (column(&["at", "date"]), column(&["value"])) else {
        return Err(Error::invalid(name, "needs the columns at (or date) and value"));
    };
    let metric_column = column(&["metric"]);
    if metric_column.is_none() && metric.is_none() {
        return Err(Error::invalid(
            name,
            words!["has no metric column; add one, or give ", field("metric"), " for the whole file"],
        ));
    }
    let mut inputs = vec![];
    for record in &table.rows {
        let field = format!("{name} line {}", record.line);
        if let Err(reason) = &record.cells {
            return Err(Error::invalid(&field, format!("{reason}; nothing was imported")));
        }
        let get = |c: Option<usize>| record.get(c).map(str::to_string);
        // A day written as the file writes it, read once here in its stated order.
        let at = match get(Some(at)) {
            Some(text) if dates.is_some() => {
                crate::clock::parse_time(&format!("{field}: at"), &text, dates)?.to_string()
            }
            other => other.unwrap_or_default(),
        };
        let number = |c: &str| -> Result<Option<f64>> {
            get(column(&[c]))
                .map(|v| v.parse::<f64>().map_err(|_| Error::invalid(format!("{field}: {c}"), "is not a number")))
                .transpose()
        };
        let count = |c: &str| -> Result<Option<u64>> {
            get(column(&[c]))
                .map(|v| v.parse::<u64>().map_err(|_| Error::invalid(format!("{field}: {c}"), "is not a whole number")))
                .transpose()
        };
        inputs.push((
            field.clone(),
            MeasurementInput {
                metric: get(metric_column).or(metric.map(str::to_string)).unwrap_or_default(),
                at,
                value: number("value")?.ok_or_else(|| Error::invalid(format!("{field}: value"), "is empty"))?,
                n: count("n")?,
                population: count("population")?,
                sd: number("sd")?,
                confidence: number("confidence")?,
                source: get(column(&["source"])),
                note: get(column(&["note"])),
            },
        ));
    }
    Ok(inputs)
}

fn jsonl_inputs(name: &str, text: &str, metric: Option<&str>) -> Result<Vec<(String, MeasurementInput)>> {
    let mut inputs = vec![];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let field = format!("{name} line {}", i + 1);
        let mut value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::invalid(&field, format!("{}; nothing was imported", validate::json_reason(&e))))?;
        if let (Some(object), Some(metric)) = (value.as_object_mut(), metric) {
            object.entry("metric").or_insert_with(|| metric.into());
        }
        let input: MeasurementInput = serde_path_to_error::deserialize(value).map_err(|e| {
            let why = validate::serde_reason(&e.inner().to_string());
            Error::invalid(format!("{field}: {}", e.path()), format!("{why}; nothing was imported"))
        })?;
        inputs.push((field, input));
    }
    Ok(inputs)
}

fn unreadable(metric: MetricId) -> Error {
    Error::Corrupt { key: format!("measurements of {metric}"), message: "an unreadable measurement".into() }
}

/// The points of `metric` from `from` to `to` (inclusive), in time order; replaced
/// values are not among them.
pub fn points(store: &Store, metric: MetricId, from: Timestamp, to: Timestamp) -> Result<Vec<MeasurementPoint>> {
    in_range(store, metric, from, to, MeasurementPoint::decode)
}

/// The same measurements whole, with their source and note (for citing them).
pub fn readings(store: &Store, metric: MetricId, from: Timestamp, to: Timestamp) -> Result<Vec<Measurement>> {
    in_range(store, metric, from, to, |at, bytes| Measurement::decode(metric, at, bytes))
}

fn in_range<T>(
    store: &Store,
    metric: MetricId,
    from: Timestamp,
    to: Timestamp,
    decode: impl Fn(i64, &[u8]) -> Option<T>,
) -> Result<Vec<T>> {
    let mut found = vec![];
    if from > to {
        return Ok(found);
    }
    let (low, high) = (from.as_microsecond(), to.as_microsecond());
    let tree = store.tree(Table::Measurements);
    for block in tree.range(block_key(metric, month_of(from))..=block_key(metric, month_of(to))) {
        let (_, block) = block?;
        for (at, entry) in block_entries(&block) {
            if (low..=high).contains(&at) {
                found.push(decode(at, entry).ok_or_else(|| unreadable(metric))?);
            }
        }
    }
    Ok(found)
}

/// The last point of `metric` at or before `at`.
pub fn last_before(store: &Store, metric: MetricId, at: Timestamp) -> Result<Option<MeasurementPoint>> {
    let limit = at.as_microsecond();
    let tree = store.tree(Table::Measurements);
    for block in tree.range(block_key(metric, 0)..=block_key(metric, month_of(at))).rev() {
        let (_, block) = block?;
        if let Some((t, entry)) = block_entries(&block).take_while(|(t, _)| *t <= limit).last() {
            return MeasurementPoint::decode(t, entry).map(Some).ok_or_else(|| unreadable(metric));
        }
    }
    Ok(None)
}

/// Values that were replaced at `metric` and `at`, oldest first.
pub fn replaced(store: &Store, metric: MetricId, at: Timestamp) -> Result<Vec<Measurement>> {
    let mut found = vec![];
    for entry in store.tree(Table::Measurements).scan_prefix(history_prefix(metric, at)) {
        let (_, value) = entry?;
        found.push(Measurement::decode(metric, at.as_microsecond(), &value).ok_or_else(|| unreadable(metric))?);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_metric() -> (Store, MetricId) {
        let store = Store::temporary().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let draft = crate::okr::input::ObjectiveDraft::activation_example();
        let saved = runtime.block_on(crate::okr::draft::draft_okr(&store, draft, &Actor("t".into()))).unwrap();
        (store, saved.metric_ids[0].unwrap())
    }

    fn input(metric: &str, at: &str, value: f64) -> MeasurementInput {
        MeasurementInput { metric: metric.into(), at: at.into(), value, ..Default::default() }
    }

    fn record(store: &Store, inputs: Vec<MeasurementInput>) -> Result<Recorded> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(record_measurements(
            store,
            RecordRequest { measurements: inputs, insist: false },
            &Actor("t".into()),
        ))
    }

    #[test]
    fn a_typing_mistake_is_refused_with_the_likely_fix_unless_insisted_on() {
        // The activation example's first metric is retention in %, values near 50.
        let (store, metric) = store_with_metric();
        let m = metric.to_string();
        let weeks = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"];
        record(&store, weeks.iter().zip([48.0, 51.0, 50.0, 53.0, 52.0]).map(|(d, v)| input(&m, d, v)).collect())
            .unwrap();
        let before = store.checksum().unwrap();
        let fraction = record(&store, vec![input(&m, "2026-11-09", 0.52)]).unwrap_err().to_string();
        assert!(fraction.starts_with("measurements[0].value: 0.52 looks like a fraction"), "{fraction}");
        assert!(fraction.contains("did you mean 52?") && fraction.contains("48 to 53"), "{fraction}");
        let jump = record(&store, vec![input(&m, "2026-11-09", 5.0)]).unwrap_err().to_string();
        assert!(jump.contains("far outside") && jump.contains("insist: true"), "{jump}");
        assert_eq!(store.checksum().unwrap(), before, "a doubted value refuses the whole call");

        // A real move, even a large one, is not doubted; insisting keeps a doubted one.
        record(&store, vec![input(&m, "2026-11-09", 38.0)]).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let insisted = RecordRequest { measurements: vec![input(&m, "2026-11-10", 0.52)], insist: true };
        runtime.block_on(record_measurements(&store, insisted, &Actor("t".into()))).unwrap();
        assert_eq!(points(&store, metric, Timestamp::MIN, Timestamp::MAX).unwrap().last().unwrap().value, 0.52);
    }

    #[test]
    fn a_first_value_has_nothing_to_be_doubted_against() {
        let metric = Metric {
            id: MetricId(1),
            name: "refund error rate".into(),
            unit: Some(Unit::Percent),
            scale: None,
            created_at: Timestamp::now(),
        };
        assert_eq!(implausible(&metric, 0.52, &[]), None);
        assert!(implausible(&metric, 0.52, &[0.4, 0.6, 0.5]).is_none(), "a metric that lives below 1%");
    }

    #[test]
    fn the_last_write_wins_and_the_replaced_value_is_kept() {
        let (store, metric) = store_with_metric();
        let m = metric.to_string();
        record(&store, vec![input(&m, "2026-10-05", 41.0), input(&m, "2026-10-12", 42.5)]).unwrap();
        let again = record(&store, vec![input(&m, "2026-10-12", 43.0)]).unwrap();
        assert_eq!((again.recorded, again.replaced), (1, 1));
        let at = parse_time("at", "2026-10-12").unwrap();
        let all = points(&store, metric, Timestamp::MIN, Timestamp::MAX).unwrap();
        assert_eq!(all.iter().map(|p| p.value).collect::<Vec<_>>(), [41.0, 43.0]);
        assert_eq!(replaced(&store, metric, at).unwrap().iter().map(|m| m.value).collect::<Vec<_>>(), [42.5]);
        assert_eq!(last_before(&store, metric, at).unwrap().unwrap().value, 43.0);
    }

    #[test]
    fn ranges_and_the_last_value_before_cross_month_blocks() {
        let (store, metric) = store_with_metric();
        let m = metric.to_string();
        let days = ["2026-08-20", "2026-09-03", "2026-09-30T23:59:59Z", "2026-10-01", "2026-11-15"];
        record(&store, days.iter().enumerate().map(|(i, d)| input(&m, d, 40.0 + i as f64)).collect()).unwrap();
        let t = |text: &str| parse_time("t", text).unwrap();
        let middle = points(&store, metric, t("2026-09-03"), t("2026-10-01")).unwrap();
        assert_eq!(middle.iter().map(|p| p.value).collect::<Vec<_>>(), [41.0, 42.0, 43.0], "inclusive at both ends");
        assert_eq!(last_before(&store, metric, t("2026-10-20")).unwrap().unwrap().value, 43.0);
        assert_eq!(last_before(&store, metric, t("2026-10-01")).unwrap().unwrap().value, 43.0);
        assert_eq!(
            last_before(&store, metric, t("2026-09-30")).unwrap().unwrap().value,
            41.0,
            "skips the later one of the same month"
        );
        assert_eq!(last_before(&store, metric, t("2026-08-01")).unwrap(), None);
        assert!(points(&store, metric, t("2026-10-02"), t("2026-10-01")).unwrap().is_empty());
    }

    #[test]
    fn bad_values_refuse_the_whole_call() {
        let (store, metric) = store_with_metric();
        let m = metric.to_string();
        let before = store.checksum().unwrap();
        let cases = [
            (input(&m, "2026-10-05", 140.0), "measurements[1].value: 140 is not a percentage"),
            (input(&m, "2099-10-05", 40.0), "is in the future"),
            (input("KR-1", "2026-07-05", 40.0), "outside the key result's cycle 2026-Q4"),
            (input("M-99", "2026-10-05", 40.0), "M-99 does not exist"),
            (input("nothing like it", "2026-10-05", 40.0), "is not a metric id"),
            (input(&m, "last tuesday", 40.0), "is not a time"),
            (MeasurementInput { n: Some(10), population: Some(5), ..input(&m, "2026-10-05", 4.0) }, "below n = 10"),
            (MeasurementInput { confidence: Some(7.0), ..input(&m, "2026-10-05", 4.0) }, "0.0-1.0"),
            (MeasurementInput { sd: Some(f64::NAN), ..input(&m, "2026-10-05", 4.0) }, "finite number"),
            (input(&m, "2026-10-05", f64::INFINITY), "finite number"),
        ];
        for (bad, expected) in cases {
            let error = record(&store, vec![input(&m, "2026-10-01", 40.0), bad]).unwrap_err().to_string();
            assert!(error.contains(expected), "{error} lacks {expected}");
        }
        assert_eq!(store.checksum().unwrap(), before, "a refused call wrote something");
    }

    #[test]
    fn a_key_result_or_a_name_finds_the_metric() {
        let (store, metric) = store_with_metric();
        let done =
            record(&store, vec![input("KR-1", "2026-10-05", 41.0), input("Week-1 activation", "2026-10-06", 42.0)])
                .unwrap();
        assert_eq!(done.metrics.len(), 1);
        assert_eq!(done.metrics[0].metric, metric);
        assert_eq!(done.metrics[0].values, 2);
    }
}

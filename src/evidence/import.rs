//! `import_evidence`: research files (CSV with a column mapping, JSONL, a per-question
//! survey export, transcripts in WebVTT, SRT, Markdown or plain text) from a path or
//! a URL, turned into evidence.
//!
//! A file is all-or-nothing: one bad row refuses the file, naming the row and what
//! is wrong, unless the caller asks for row-level import, and then every skipped row
//! is reported with its reason. Transcripts are split into speaker turns that keep
//! their line range or time range; the interviewer's turns are left out, because
//! evidence is what customers said. Re-importing a file updates its records in
//! place (each row or turn has a stable record id) instead of duplicating them.
//!
//! What may be read is the caller's [`Access`] (import roots, host allowlist). Errors
//! name the line, the column or field and what is accepted, never the file's bytes:
//! the path is the caller's choice, and an error must not become a way to read a
//! file that was never meant to be imported.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::add::{AddedEvidence, EvidenceInput, EvidencePlan, parse_timecode, store_plans};
use crate::clock::DateOrder;
use crate::error::{Error, Result};
use crate::fetch::Access;
use crate::fetch::table::{SheetRead, TableKind, Tabular, read_table};
use crate::model::{AnswerCount, EvidenceId, EvidenceKind, QuestionType, Source, SurveyResult};
use crate::okr::Actor;
use crate::progress::{Phase, Throttle};
use crate::store::Store;
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// One row per item; columns named by `mapping`.
    Csv,
    /// The same, tab-separated (.tsv).
    Tsv,
    /// The same in a spreadsheet (.xlsx, .xls, .ods): the first sheet, or `sheet`.
    Spreadsheet,
    /// One evidence object per line (the add_evidence item shape).
    Jsonl,
    /// A per-question survey export: wave, wave_start, wave_end, question,
    /// question_type, scale_min, scale_max, answer, count, segment (as CSV, TSV or
    /// a spreadsheet: found by these columns).
    SurveyCsv,
    Vtt,
    Srt,
    Markdown,
    Text,
}

/// Which CSV column holds which field; each defaults to the field's own name.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CsvMapping {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub participant: Option<String>,
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub study: Option<String>,
    #[serde(default)]
    pub observed_at: Option<String>,
    /// Tags separated by ; or ,.
    #[serde(default)]
    pub tags: Option<String>,
    #[serde(default)]
    pub record_id: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// Values applied to every imported item that does not carry its own.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportDefaults {
    #[serde(default)]
    pub kind: Option<EvidenceKind>,
    #[serde(default)]
    pub participant: Option<String>,
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub study: Option<String>,
    #[serde(default)]
    pub observed_at: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl ImportDefaults {
    /// Checks the defaults once, before the file is read, with the rules an item's own
    /// fields follow: a bad default is the caller's argument (`defaults.observed_at`),
    /// not a fault of the file's first row, which is where it would surface otherwise.
    fn check(&self) -> Result<()> {
        self.check_as("defaults")
    }

    /// [`ImportDefaults::check`], the fields named under `field` (bare when empty).
    fn check_as(&self, field: &str) -> Result<()> {
        let probe = EvidenceInput {
            // Any kind without further requirements: the kind itself is checked by serde.
            kind: EvidenceKind::Observation,
            text: "defaults".into(),
            participant: self.participant.clone(),
            segment: self.segment.clone(),
            study: self.study.clone(),
            observed_at: self.observed_at.clone(),
            source: None,
            tags: self.tags.clone(),
            survey: None,
            record_id: None,
        };
        probe.into_plan(field).map(|_| ())
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// A local file path, under the server's import roots (GROUNDED_IMPORT_ROOTS;
    /// by default its working directory and the database's folder). Give this or url.
    #[serde(default)]
    pub path: Option<String>,
    /// An http(s) URL to fetch; its host must be on the server's allowlist
    /// (GROUNDED_ALLOWED_HOSTS). Give this or path.
    #[serde(default)]
    pub url: Option<String>,
    /// Read from the file name when left out (.csv, .tsv, .xlsx, .xls, .ods, .jsonl,
    /// .vtt, .srt, .md, .txt).
    #[serde(default)]
    pub format: Option<ImportFormat>,
    /// Tables (CSV, TSV, spreadsheets): which column holds which field.
    #[serde(default)]
    pub mapping: Option<CsvMapping>,
    /// Spreadsheets: the sheet to read (the first when left out).
    #[serde(default)]
    pub sheet: Option<String>,
    /// How the file writes dates like 03/10/2026: day_first or month_first. Needed
    /// only for such dates; YYYY-MM-DD and RFC 3339 times are read as they are.
    #[serde(default)]
    pub date_format: Option<DateOrder>,
    #[serde(default)]
    pub defaults: Option<ImportDefaults>,
    /// Transcripts: speaker names whose turns are not evidence (default: Interviewer,
    /// Moderator, Researcher, Facilitator, Q).
    #[serde(default)]
    pub interviewers: Vec<String>,
    /// Import the good rows and report each skipped row, instead of refusing the file.
    #[serde(default)]
    pub row_level: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SkippedRow {
    /// The row (CSV, JSONL: 1-based line) or the turn's first line.
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportReport {
    pub source: String,
    pub format: ImportFormat,
    /// Items read from the file.
    pub read: usize,
    /// The counts, and the first items in the file's order (`items`).
    #[serde(flatten)]
    pub added: AddedEvidence,
    /// Items not listed in `items`: a file of 50,000 rows answers with counts, not
    /// 50,000 ids.
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub not_listed: usize,
    /// The ids this import created, first and last: they are consecutive, in the
    /// file's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ids: Option<[EvidenceId; 2]>,
    /// Rows skipped with row_level (the first 50; `skipped_count` has them all).
    pub skipped: Vec<SkippedRow>,
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub skipped_count: usize,
    /// Spreadsheets: the sheet read and the workbook's other sheets (another is read
    /// with `sheet`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<SheetRead>,
    /// Transcripts: what the header before the first turn said, used where the request
    /// left a field unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<TranscriptHeader>,
}

/// A transcript's header: the `Key: value` lines before the first turn (`Study:
/// Churn interviews. Date: 2026-10-14.`), read as facts about the interview, not as
/// turns by a speaker named Study.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TranscriptHeader {
    /// The header's lines (1-based).
    pub lines: Vec<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<String>,
    /// Who was interviewed: the participant of turns labelled only with a role
    /// (Participant:, Customer:).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The interview's date (Date:, Recorded:), YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<String>,
    /// Who asked (Interviewer:, Moderator:): their turns are left out like the
    /// interviewers'.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewers: Vec<String>,
    /// Header values that could not be used, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The line each value used came from, for errors.
    #[serde(skip)]
    #[schemars(skip)]
    value_lines: Vec<(&'static str, usize)>,
}

/// Items and skipped rows an import answer lists; the counts cover the rest.
const LISTED: usize = 20;
const LISTED_SKIPS: usize = 50;

/// An item read from a file, with the line it started on.
struct Row {
    line: usize,
    item: std::result::Result<EvidenceInput, String>,
    /// The record id an earlier release gave this item (see [`Origin::former_record_id`]).
    former_record_id: Option<String>,
}

impl Row {
    fn new(line: usize, item: std::result::Result<EvidenceInput, String>) -> Row {
        Row { line, item, former_record_id: None }
    }
}

/// The file (or URL) an import reads, as its items are keyed: a transcript turn is
/// the same record when it comes from the same file and starts on the same line,
/// whatever else the request says (study, segment, tags, format).
///
/// "The same file" is the same file on disk: its canonical path, so `p3.md`,
/// `./p3.md`, an absolute path, a symlink and a command run from another folder all
/// name it once; two files of one name in two folders (`study-a/p1.md`,
/// `study-b/p1.md`) stay two. A URL is itself, without its `#fragment`. A file moved
/// or copied elsewhere is a new file. The key holds the file's name, for people, and
/// 12 hex digits of the identity's SHA-256, so it stays short (a record id is at most
/// 120 characters) and does not spell out where the file sits on the server's disk.
struct Origin {
    /// The canonical path or the URL.
    identity: String,
    /// The path or URL as the request gave it.
    given: String,
    is_url: bool,
}

impl Origin {
    fn file_name(&self) -> String {
        let path = self.identity.split(['?', '#']).next().unwrap_or("");
        let name = path.trim_end_matches('/').rsplit(['/', '\\']).next().unwrap_or("");
        let name = if name.is_empty() { "transcript" } else { name };
        name.chars().take(60).collect()
    }

    fn record_id(&self, line: usize) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.identity.as_bytes());
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}@{hash}#L{line}", self.file_name())
    }

    /// The id releases before this one gave a turn: the path as given and the turn's
    /// line range (Markdown, text) or start time (VTT, SRT). A URL's turns then shared
    /// one key per line, whatever the URL, so they are not looked up by it.
    fn former_record_id(&self, place: &str) -> Option<String> {
        (!self.is_url).then(|| format!("{}{place}", self.given))
    }
}

/// Reads the file (or URL), parses it, validates every item, stores them in one
/// transaction. `progress` hears of every phase (read, validate, write, flush),
/// throttled.
pub async fn import_evidence(
    store: &Store,
    access: &Access,
    request: ImportRequest,
    actor: &Actor,
    progress: crate::progress::Report<'_>,
) -> Result<ImportReport> {
    let progress = Throttle::new(progress, "items");
    if let Some(defaults) = &request.defaults {
        defaults.check()?;
    }
    let (name, identity, bytes) = match (&request.path, &request.url) {
        (Some(path), None) => {
            let (real, bytes) = access.read_file_resolved("path", path)?;
            (path.clone(), real.to_string_lossy().into_owned(), bytes)
        }
        (None, Some(url)) => {
            let bytes = access.get("url", url, "a research file (CSV, JSONL, VTT, SRT, Markdown, text)", None).await?;
            (url.clone(), url.split('#').next().unwrap_or(url).to_string(), bytes)
        }
        (Some(_), Some(_)) => return Err(Error::invalid("url", "give path or url, not both")),
        (None, None) => return Err(Error::invalid("path", "is needed (or url): the file to import")),
    };
    let field = if request.url.is_some() { "url" } else { "path" };
    let mut format = match request.format {
        Some(f) => f,
        None => format_of(&name)?,
    };
    if request.sheet.is_some() && format != ImportFormat::Spreadsheet {
        return Err(Error::invalid(
            "sheet",
            format!("applies to spreadsheets (.xlsx, .xls, .ods), and {name} is read as {format:?}"),
        ));
    }
    let mut defaults = request.defaults.clone().unwrap_or_default();
    let file_ref = request.path.clone();
    let origin = Origin { identity, given: name.clone(), is_url: request.url.is_some() };
    let mut sheet = None;
    let mut header = None;
    let table_kind = match format {
        ImportFormat::Csv | ImportFormat::SurveyCsv => Some(TableKind::Csv),
        ImportFormat::Tsv => Some(TableKind::Tsv),
        ImportFormat::Spreadsheet => Some(TableKind::Spreadsheet),
        _ => None,
    };
    let rows = match table_kind {
        Some(kind) => {
            let table = read_table(field, &name, bytes, kind, request.sheet.as_deref())?;
            sheet = table.sheet.clone();
            // A survey export is known by its columns, whatever the file's kind.
            let survey = format == ImportFormat::SurveyCsv
                || (request.format.is_none() && has_columns(&table, &["question_type", "count"]));
            if survey {
                format = ImportFormat::SurveyCsv;
                survey_rows(&table)
            } else {
                csv_rows(&table, request.mapping.clone().unwrap_or_default(), request.date_format)?
            }
        }
        None => {
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::invalid(
                    field,
                    format!(
                        "{name} is not UTF-8 text (invalid byte at offset {}); save or export it as UTF-8",
                        e.utf8_error().valid_up_to()
                    ),
                )
            })?;
            match format {
                ImportFormat::Vtt | ImportFormat::Srt => {
                    cues(&text, format, &request.interviewers, file_ref.as_deref(), &origin)
                }
                ImportFormat::Markdown | ImportFormat::Text => {
                    let read = read_header(&text, request.date_format);
                    read.check(&name, &defaults)?;
                    read.fill(&mut defaults);
                    let rows = turns(&text, &read, &request.interviewers, &defaults, file_ref.as_deref(), &origin);
                    header = Some(read).filter(|h| !h.lines.is_empty());
                    rows
                }
                _ => jsonl(&text),
            }
        }
    };
    if rows.is_empty() {
        return Err(Error::invalid("path", format!("{name} holds no evidence in the {format:?} format")));
    }
    let total = rows.len();
    progress.step(Phase::Read, 0, total);
    let mut plans: Vec<EvidencePlan> = Vec::with_capacity(total);
    let mut skipped = vec![];
    for (done, row) in rows.into_iter().enumerate() {
        // The place is the line, said once below: the item's own fields are named bare.
        let plan =
            row.item.and_then(|item| apply_defaults(item, &defaults, &name).into_plan("").map_err(|e| e.to_string()));
        let plan = plan.map(|plan| EvidencePlan { former_record_id: row.former_record_id, ..plan });
        // The checks shared with add_evidence quote a bad value back; from a file, only
        // to the person who ran their own command on it.
        let plan = plan.map_err(|reason| if access.may_quote_files() { reason } else { validate::unquoted(&reason) });
        match plan {
            Ok(plan) => plans.push(plan),
            Err(reason) if request.row_level => skipped.push(SkippedRow { line: row.line, reason }),
            Err(reason) => {
                return Err(Error::invalid(
                    name.clone(),
                    format!(
                        "line {}: {reason}; nothing was imported (row_level: true imports the good rows and reports the rest)",
                        row.line
                    ),
                ));
            }
        }
        progress.step(Phase::Validate, done + 1, total);
    }
    let added = if plans.is_empty() {
        AddedEvidence { items: vec![], created: 0, duplicates: 0, updated: 0, unchanged: 0, tag_notes: vec![] }
    } else {
        progress.beating(total, || store_plans(store, &plans, actor, &|n| progress.step(Phase::Write, n, total)))?
    };
    progress.step(Phase::Flush, 0, total);
    store.flush().await?;
    let mut report = ImportReport::new(name, format, total, added, skipped);
    report.sheet = sheet;
    report.header = header;
    Ok(report)
}

impl ImportReport {
    fn new(
        source: String,
        format: ImportFormat,
        read: usize,
        mut added: AddedEvidence,
        mut skipped: Vec<SkippedRow>,
    ) -> ImportReport {
        let created: Vec<EvidenceId> =
            added.items.iter().filter(|i| i.status == super::add::AddStatus::Created).map(|i| i.id).collect();
        let created_ids = created.iter().min().zip(created.iter().max()).map(|(a, b)| [*a, *b]);
        let not_listed = added.items.len().saturating_sub(LISTED);
        added.items.truncate(LISTED);
        let skipped_count = if skipped.len() > LISTED_SKIPS { skipped.len() } else { 0 };
        skipped.truncate(LISTED_SKIPS);
        ImportReport {
            source,
            format,
            read,
            added,
            not_listed,
            created_ids,
            skipped,
            skipped_count,
            sheet: None,
            header: None,
        }
    }
}

/// For a column missing from the first sheet of a workbook that has others: which
/// they are (a first sheet is often a cover page).
fn other_sheets(sheet: Option<&SheetRead>) -> String {
    match sheet {
        Some(sheet) if !sheet.chosen && !sheet.others.is_empty() => format!(
            ", or read another sheet with sheet (the first was read; the others are {})",
            sheet.others.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
        ),
        _ => String::new(),
    }
}

fn has_columns(table: &Tabular, names: &[&str]) -> bool {
    names.iter().all(|n| table.headers.iter().any(|h| h.eq_ignore_ascii_case(n)))
}

fn format_of(name: &str) -> Result<ImportFormat> {
    let lower = name.to_lowercase();
    let lower = lower.split(['?', '#']).next().unwrap_or("");
    Ok(if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        ImportFormat::Jsonl
    } else if let Some(kind) = TableKind::of_name(lower) {
        match kind {
            TableKind::Csv => ImportFormat::Csv,
            TableKind::Tsv => ImportFormat::Tsv,
            TableKind::Spreadsheet => ImportFormat::Spreadsheet,
        }
    } else if lower.ends_with(".vtt") {
        ImportFormat::Vtt
    } else if lower.ends_with(".srt") {
        ImportFormat::Srt
    } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
        ImportFormat::Markdown
    } else if lower.ends_with(".txt") {
        ImportFormat::Text
    } else {
        return Err(Error::invalid(
            "format",
            format!(
                "cannot tell the format of {name}; give format: csv, tsv, spreadsheet, jsonl, survey_csv, vtt, srt, markdown or text"
            ),
        ));
    })
}

fn apply_defaults(mut item: EvidenceInput, d: &ImportDefaults, name: &str) -> EvidenceInput {
    item.participant = item.participant.or_else(|| d.participant.clone());
    item.segment = item.segment.or_else(|| d.segment.clone());
    item.study = item.study.or_else(|| d.study.clone());
    item.observed_at = item.observed_at.or_else(|| d.observed_at.clone());
    item.tags.extend(d.tags.iter().cloned());
    let mut source = item.source.take().unwrap_or_default();
    if source.file.is_none() && source.url.is_none() {
        if name.starts_with("http") {
            source.url = Some(name.to_string())
        } else {
            source.file = Some(name.to_string())
        }
    }
    item.source = Some(source);
    item
}

fn jsonl(text: &str) -> Vec<Row> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            Row::new(
                i + 1,
                serde_path_to_error::deserialize::<_, EvidenceInput>(&mut serde_json::Deserializer::from_str(line))
                    .map_err(|e| {
                        let path = e.path().to_string();
                        let why = validate::json_reason(&e.into_inner());
                        if path == "." { why } else { format!("{path}: {why}") }
                    }),
            )
        })
        .collect()
}

fn csv_rows(table: &Tabular, mapping: CsvMapping, dates: Option<DateOrder>) -> Result<Vec<Row>> {
    let headers = &table.headers;
    let column = |field: &str, mapped: &Option<String>, required: bool| -> Result<Option<usize>> {
        let wanted = mapped.clone().unwrap_or_else(|| field.to_string());
        match headers.iter().position(|h| h.eq_ignore_ascii_case(&wanted)) {
            Some(i) => Ok(Some(i)),
            // The header is the file's first line: it is counted, never quoted.
            None if required || mapped.is_some() => Err(Error::invalid(
                format!("mapping.{field}"),
                format!(
                    "{} has no column {wanted:?} among the {} of its header (line 1); name the column holding the {field} with mapping.{field}{}",
                    table.sheet.as_ref().map_or("the table".to_string(), |s| format!("sheet {:?}", s.read)),
                    headers.len(),
                    other_sheets(table.sheet.as_ref()),
                ),
            )),
            None => Ok(None),
        }
    };
    let text_col = column("text", &mapping.text, true)?.unwrap_or(0);
    let cols = [
        ("kind", column("kind", &mapping.kind, false)?),
        ("participant", column("participant", &mapping.participant, false)?),
        ("segment", column("segment", &mapping.segment, false)?),
        ("study", column("study", &mapping.study, false)?),
        ("observed_at", column("observed_at", &mapping.observed_at, false)?),
        ("tags", column("tags", &mapping.tags, false)?),
        ("record_id", column("record_id", &mapping.record_id, false)?),
        ("url", column("url", &mapping.url, false)?),
    ];
    let mut rows = vec![];
    for record in &table.rows {
        let line = record.line;
        if let Err(reason) = &record.cells {
            rows.push(Row::new(line, Err(reason.clone())));
            continue;
        }
        let value =
            |name: &str| record.get(cols.iter().find(|(n, _)| *n == name).and_then(|(_, c)| *c)).map(String::from);
        // Dates as the file writes them, read once here in its stated order.
        let observed_at = match value("observed_at") {
            None => Ok(None),
            Some(d) => crate::clock::parse_day("observed_at", &d, dates)
                .map(|d| Some(d.to_string()))
                .map_err(|e| e.to_string()),
        };
        let observed_at = match observed_at {
            Ok(d) => d,
            Err(reason) => {
                rows.push(Row::new(line, Err(reason)));
                continue;
            }
        };
        let kind = match value("kind").map(|k| k.to_lowercase()) {
            None => Ok(EvidenceKind::Interview),
            Some(k) => match k.as_str() {
                "interview" => Ok(EvidenceKind::Interview),
                "observation" => Ok(EvidenceKind::Observation),
                _ => Err("kind: is not interview or observation (surveys import as survey_csv)".to_string()),
            },
        };
        let item = kind.map(|kind| EvidenceInput {
            kind,
            text: record.get(Some(text_col)).unwrap_or("").to_string(),
            participant: value("participant"),
            segment: value("segment"),
            study: value("study"),
            observed_at,
            source: Some(Source {
                url: value("url"),
                record_id: value("record_id"),
                lines: Some([line as u32, line as u32]),
                ..Default::default()
            }),
            tags: value("tags")
                .map(|t| t.split([';', ',']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default(),
            survey: None,
            record_id: None,
        });
        rows.push(Row::new(line, item));
    }
    Ok(rows)
}

/// (wave, question, segment).
type QuestionKey = (String, String, String);
/// The line a question starts on, its result so far (or why it is unreadable), its segment.
type QuestionGroup = (usize, std::result::Result<SurveyResult, String>, Option<String>);

/// One row per answer of one question in one wave; grouped into one survey result each.
fn survey_rows(table: &Tabular) -> Vec<Row> {
    #[derive(Deserialize)]
    struct Line {
        #[serde(default)]
        wave: String,
        #[serde(default)]
        wave_start: String,
        #[serde(default)]
        wave_end: String,
        question: String,
        question_type: QuestionType,
        #[serde(default)]
        scale_min: String,
        #[serde(default)]
        scale_max: String,
        answer: String,
        count: u32,
        #[serde(default)]
        segment: String,
    }
    let headers = csv::StringRecord::from(table.headers.iter().map(|h| h.to_lowercase()).collect::<Vec<_>>());
    let mut groups: BTreeMap<QuestionKey, QuestionGroup> = BTreeMap::new();
    let mut order = vec![];
    for record in &table.rows {
        let line = record.line;
        let parsed = match &record.cells {
            Ok(cells) => csv::StringRecord::from(cells.clone())
                .deserialize::<Line>(Some(&headers))
                .map_err(|e| validate::csv_reason(&e)),
            Err(reason) => Err(reason.clone()),
        };
        let row = match parsed {
            Ok(row) => row,
            Err(reason) => {
                let key = (format!("#error{line}"), String::new(), String::new());
                order.push(key.clone());
                groups.insert(key, (line, Err(reason), None));
                continue;
            }
        };
        let key = (row.wave.clone(), row.question.clone(), row.segment.clone());
        let parse_int = |s: &str, what: &str| -> std::result::Result<Option<i32>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                s.trim().parse().map(Some).map_err(|_| format!("{what}: is not a whole number"))
            }
        };
        let parse_date = |s: &str, what: &str| -> std::result::Result<Option<jiff::civil::Date>, String> {
            if s.trim().is_empty() { Ok(None) } else { validate::date(what, s).map(Some).map_err(|e| e.to_string()) }
        };
        let entry = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            let survey = (|| {
                Ok(SurveyResult {
                    question_type: row.question_type,
                    n: 0,
                    scale_min: parse_int(&row.scale_min, "scale_min")?,
                    scale_max: parse_int(&row.scale_max, "scale_max")?,
                    labels: vec![],
                    answers: vec![],
                    ranks: vec![],
                    responses: vec![],
                    wave: Some(row.wave.clone()).filter(|w| !w.is_empty()),
                    wave_start: parse_date(&row.wave_start, "wave_start")?,
                    wave_end: parse_date(&row.wave_end, "wave_end")?,
                })
            })();
            (line, survey, Some(row.segment.clone()).filter(|s| !s.is_empty()))
        });
        if let Ok(survey) = &mut entry.1 {
            if survey.question_type == QuestionType::OpenEnded {
                survey.responses.push(row.answer.clone());
            } else {
                survey.answers.push(AnswerCount { answer: row.answer.clone(), count: row.count });
            }
            if survey.question_type != QuestionType::MultipleChoice {
                survey.n += row.count.max(u32::from(survey.question_type == QuestionType::OpenEnded));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|key| {
            let (line, survey, segment) = groups.remove(&key)?;
            let item = survey.map(|survey| EvidenceInput {
                kind: EvidenceKind::Survey,
                text: key.1.clone(),
                participant: None,
                segment,
                study: None,
                observed_at: survey.wave_end.map(|d| d.to_string()),
                source: Some(Source {
                    record_id: Some(format!("survey:{}:{}:{}", key.0, key.1, key.2)),
                    ..Default::default()
                }),
                tags: vec![],
                survey: Some(survey),
                record_id: None,
            });
            Some(Row::new(line, item))
        })
        .collect()
}

const DEFAULT_INTERVIEWERS: &[&str] = &["interviewer", "moderator", "researcher", "facilitator", "q", "host"];

fn is_interviewer(speaker: &str, interviewers: &[String]) -> bool {
    let s = speaker.trim().to_lowercase();
    if interviewers.is_empty() {
        DEFAULT_INTERVIEWERS.contains(&s.as_str())
    } else {
        interviewers.iter().any(|i| i.trim().to_lowercase() == s)
    }
}

/// `**P3:** text`, `P3: text`, `- P3: text` → (speaker, text).
fn speaker_line(line: &str) -> Option<(String, String)> {
    let l = line.trim().trim_start_matches(['-', '>', ' ']);
    let (speaker, rest) = if let Some(rest) = l.strip_prefix("**") {
        let end = rest.find("**")?;
        let name = rest[..end].trim().trim_end_matches(':').to_string();
        let after = rest[end + 2..].trim_start().trim_start_matches(':').trim();
        (name, after.to_string())
    } else {
        let (name, after) = l.split_once(':')?;
        (name.trim().to_string(), after.trim().to_string())
    };
    let plausible = !speaker.is_empty()
        && speaker.chars().count() <= 40
        && speaker.split_whitespace().count() <= 4
        && !speaker.contains("http");
    plausible.then_some((speaker, rest))
}

impl TranscriptHeader {
    /// Fills what the request left unset: the request's values win over the file's.
    fn fill(&self, defaults: &mut ImportDefaults) {
        let fill = |field: &mut Option<String>, value: &Option<String>| {
            if field.is_none() {
                field.clone_from(value);
            }
        };
        fill(&mut defaults.study, &self.study);
        fill(&mut defaults.segment, &self.segment);
        fill(&mut defaults.observed_at, &self.observed_at);
        fill(&mut defaults.participant, &self.participant);
    }

    /// Checks the values used (the request's `given` defaults win, and were checked
    /// before) as an item's fields are checked: a bad one (a date in the future, a
    /// study name of 500 characters) refuses the file at its header line, which is
    /// where it is wrong, rather than at every turn.
    fn check(&self, name: &str, given: &ImportDefaults) -> Result<()> {
        let mut probe = given.clone();
        self.fill(&mut probe);
        probe.check_as("").map_err(|e| {
            let line = match &e {
                Error::Invalid { field, .. } => self.value_lines.iter().find(|(f, _)| field == f).map(|(_, l)| *l),
                _ => None,
            };
            let place = line.map_or("the header".to_string(), |l| format!("line {l}"));
            Error::invalid(name, format!("{place}: {}; nothing was imported", validate::unquoted(&e.to_string())))
        })
    }
}

/// Speaker labels that say a role, not who: such turns are the participant's the
/// request or the header names, when one does.
const PARTICIPANT_ROLES: &[&str] = &["participant", "interviewee", "respondent", "customer", "user", "guest"];

/// Header keys whose values fill a field, by the field.
const HEADER_KEYS: &[(&str, &[&str])] = &[
    ("study", &["study", "project", "research"]),
    ("observed_at", &["date", "recorded", "recorded on", "interview date", "recording date", "interviewed on"]),
    ("participant", &["participant", "interviewee", "respondent", "customer"]),
    ("segment", &["segment", "cohort"]),
    ("interviewer", &["interviewer", "moderator", "researcher", "facilitator", "host"]),
];

/// Header keys that are facts about the interview grounded does not keep; a line of
/// them is still no turn.
const HEADER_OTHER_KEYS: &[&str] = &[
    "title",
    "duration",
    "length",
    "time",
    "location",
    "session",
    "topic",
    "language",
    "consent",
    "notes",
    "note",
    "transcript",
    "transcribed by",
    "recording",
    "company",
    "role",
    "team",
    "plan",
    "interview",
];

/// Dates as headers write them besides the forms [`crate::clock::parse_day`] reads.
const HEADER_DATE_FORMS: &[&str] = &["%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y"];

/// The field a header key fills (`None`: a known key whose value is not kept), or
/// nothing when it is no header key.
fn header_key(key: &str) -> Option<Option<&'static str>> {
    let key = key.trim().trim_matches('*').trim().to_lowercase();
    if let Some((field, _)) = HEADER_KEYS.iter().find(|(_, keys)| keys.contains(&key.as_str())) {
        return Some(Some(field));
    }
    HEADER_OTHER_KEYS.contains(&key.as_str()).then_some(None)
}

/// A header line's `Key: value` pairs, or None when the line is no header line.
///
/// A line is a header line when its first key is a header key: `Study: ...`,
/// `Date: ...`, or several pairs (`Study: Churn interviews. Date: 2026-10-14;
/// Participant: P3`). A key that is also a speaker's role (Participant:,
/// Interviewer:) makes a header line only when its value is a name, not a sentence:
/// `Interviewer: Maya Chen` is a header, `Interviewer: How did the first week go?` a
/// turn.
fn header_pairs(line: &str) -> Option<Vec<(String, String)>> {
    let (key, rest) = speaker_line(line)?;
    let field = header_key(&key)?;
    // Pairs are separated by `;` or by a sentence's full stop (`. `): not by the dot
    // of 4.12 or 14.10.2026.
    let mut segments = vec![];
    let mut current = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        let ends = c == ';' || (c == '.' && chars.peek().is_none_or(|n| n.is_whitespace()));
        if ends {
            segments.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    segments.push(current);
    let mut segments = segments.into_iter().map(|s| s.trim().to_string());
    let first = segments.next().unwrap_or_default();
    let mut pairs = vec![(key.clone(), first.clone())];
    for segment in segments {
        if let Some((k, v)) = segment.split_once(':')
            && header_key(k).is_some()
        {
            pairs.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let is_role = matches!(field, Some("participant" | "interviewer"))
        || DEFAULT_INTERVIEWERS.contains(&key.trim().to_lowercase().as_str());
    let a_name = !first.is_empty()
        && first.split_whitespace().count() <= 5
        && !rest.contains(['?', '!'])
        && !rest.trim_end().ends_with('.');
    (!is_role || pairs.len() > 1 || a_name).then_some(pairs)
}

/// Reads a transcript's header: the header lines before its first turn (blank lines,
/// Markdown headings, `---` fences and prose between them are passed over).
fn read_header(text: &str, dates: Option<DateOrder>) -> TranscriptHeader {
    let mut header = TranscriptHeader::default();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let Some(pairs) = header_pairs(line) else {
            if speaker_line(line).is_some() {
                break; // the first turn
            }
            continue;
        };
        header.lines.push(number);
        for (key, value) in pairs {
            let value = value.trim().trim_matches('*').trim().trim_end_matches('.').trim().to_string();
            if value.is_empty() {
                continue;
            }
            // The first value of each field counts.
            let slot = match header_key(&key).flatten() {
                Some("study") => &mut header.study,
                Some("participant") => &mut header.participant,
                Some("segment") => &mut header.segment,
                Some("interviewer") => {
                    header.interviewers.push(value);
                    continue;
                }
                Some("observed_at") => &mut header.observed_at,
                _ => continue,
            };
            if slot.is_some() {
                continue;
            }
            let field = header_key(&key).flatten().unwrap_or_default();
            match field {
                "observed_at" => match header_date(&value, dates) {
                    Ok(day) => *slot = Some(day.to_string()),
                    Err(why) => header.notes.push(format!(
                        "line {number}: the header's {} is not used as the items' date: {why}",
                        key.trim().trim_matches('*')
                    )),
                },
                _ => *slot = Some(value),
            }
            if slot.is_some() {
                header.value_lines.push((field, number));
            }
        }
    }
    header
}

/// A header's date: any form [`crate::clock::parse_day`] reads, or `October 14, 2026`.
fn header_date(value: &str, dates: Option<DateOrder>) -> std::result::Result<jiff::civil::Date, String> {
    crate::clock::parse_day("observed_at", value, dates).or_else(|e| {
        HEADER_DATE_FORMS.iter().find_map(|form| jiff::civil::Date::strptime(form, value).ok()).ok_or_else(|| match e {
            Error::Invalid { message, .. } => validate::unquoted(&message),
            other => other.to_string(),
        })
    })
}

/// Markdown and plain-text transcripts: a turn starts with `Speaker:`; following
/// lines belong to it until the next speaker. The header's lines are no turns; its
/// interviewers' turns are left out too. `defaults` (the request's, then the
/// header's) names the participant of turns labelled with a role only.
fn turns(
    text: &str,
    header: &TranscriptHeader,
    interviewers: &[String],
    defaults: &ImportDefaults,
    file: Option<&str>,
    origin: &Origin,
) -> Vec<Row> {
    struct Turn {
        speaker: String,
        first: usize,
        last: usize,
        text: String,
    }
    let mut list: Vec<Turn> = vec![];
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if header.lines.contains(&number) {
            continue;
        }
        if let Some((speaker, rest)) = speaker_line(line) {
            list.push(Turn { speaker, first: number, last: number, text: rest });
        } else if let Some(turn) = list.last_mut() {
            let trimmed = line.trim();
            if trimmed.starts_with('#') {
                continue;
            }
            if !trimmed.is_empty() {
                if !turn.text.is_empty() {
                    turn.text.push(' ');
                }
                turn.text.push_str(trimmed);
                turn.last = number;
            }
        }
    }
    let asked = |speaker: &str| {
        is_interviewer(speaker, interviewers)
            || header.interviewers.iter().any(|i| i.eq_ignore_ascii_case(speaker.trim()))
    };
    list.into_iter()
        .filter(|t| !asked(&t.speaker) && !t.text.trim().is_empty())
        .map(|t| {
            let participant = match &defaults.participant {
                Some(named) if PARTICIPANT_ROLES.contains(&t.speaker.trim().to_lowercase().as_str()) => named.clone(),
                _ => t.speaker,
            };
            Row {
                line: t.first,
                item: Ok(EvidenceInput {
                    kind: EvidenceKind::Interview,
                    text: t.text,
                    participant: Some(participant),
                    segment: None,
                    study: None,
                    observed_at: None,
                    source: Some(Source {
                        file: file.map(String::from),
                        lines: Some([t.first as u32, t.last as u32]),
                        record_id: Some(origin.record_id(t.first)),
                        ..Default::default()
                    }),
                    tags: vec![],
                    survey: None,
                    record_id: None,
                }),
                former_record_id: origin.former_record_id(&format!("#L{}-{}", t.first, t.last)),
            }
        })
        .collect()
}

/// WebVTT and SRT: cues with times; the speaker from `<v Name>` or `Name:`.
/// Consecutive cues of one speaker make one turn, from the first start to the last end.
fn cues(text: &str, format: ImportFormat, interviewers: &[String], file: Option<&str>, origin: &Origin) -> Vec<Row> {
    struct Turn {
        speaker: String,
        line: usize,
        start: String,
        end: String,
        text: String,
    }
    let mut list: Vec<Turn> = vec![];
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let Some((start, end)) = lines[i].split_once("-->") else {
            i += 1;
            continue;
        };
        let start = start.trim().to_string();
        let end = end.split_whitespace().next().unwrap_or("").to_string();
        let cue_line = i + 1;
        i += 1;
        let mut body = vec![];
        while i < lines.len() && !lines[i].trim().is_empty() {
            body.push(lines[i].trim());
            i += 1;
        }
        if parse_timecode(&start).is_none() || parse_timecode(&end).is_none() {
            continue;
        }
        let joined = body.join(" ");
        let (speaker, said) = if let Some(rest) = joined.strip_prefix("<v") {
            let close = rest.find('>').unwrap_or(0);
            (rest[..close].trim().to_string(), strip_tags(&rest[close + 1..]))
        } else if let Some((s, t)) = speaker_line(&joined) {
            (s, strip_tags(&t))
        } else {
            (list.last().map(|t| t.speaker.clone()).unwrap_or_default(), strip_tags(&joined))
        };
        let (start, end) =
            if format == ImportFormat::Srt { (start.replace(',', "."), end.replace(',', ".")) } else { (start, end) };
        match list.last_mut() {
            Some(turn) if turn.speaker == speaker => {
                turn.text.push(' ');
                turn.text.push_str(said.trim());
                turn.end = end;
            }
            _ => list.push(Turn { speaker, line: cue_line, start, end, text: said.trim().to_string() }),
        }
    }
    list.into_iter()
        .filter(|t| !t.speaker.is_empty() && !is_interviewer(&t.speaker, interviewers) && !t.text.is_empty())
        .map(|t| Row {
            line: t.line,
            item: Ok(EvidenceInput {
                kind: EvidenceKind::Interview,
                text: t.text,
                participant: Some(t.speaker),
                segment: None,
                study: None,
                observed_at: None,
                source: Some(Source {
                    file: file.map(String::from),
                    record_id: Some(origin.record_id(t.line)),
                    timecode: Some([normalize_timecode(&t.start), normalize_timecode(&t.end)]),
                    ..Default::default()
                }),
                tags: vec![],
                survey: None,
                record_id: None,
            }),
            former_record_id: origin.former_record_id(&format!("@{}", t.start)),
        })
        .collect()
}

/// `01:05.000` → `00:01:05.000`.
fn normalize_timecode(t: &str) -> String {
    if t.matches(':').count() == 1 { format!("00:{t}") } else { t.to_string() }
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(rows: Vec<Row>) -> Vec<EvidenceInput> {
        rows.into_iter().map(|r| r.item.unwrap()).collect()
    }

    #[test]
    fn bad_defaults_are_named_as_defaults() {
        let defaults =
            |observed_at: &str| ImportDefaults { observed_at: Some(observed_at.into()), ..Default::default() };
        let err = defaults("1999-12-31").check().unwrap_err().to_string();
        assert!(err.starts_with("defaults.observed_at: 1999-12-31 is out of range"), "{err}");
        let err = defaults("yesterday").check().unwrap_err().to_string();
        assert!(err.starts_with("defaults.observed_at: \"yesterday\" is not a date"), "{err}");
        let bell = ImportDefaults { participant: Some("P\u{7}".into()), ..Default::default() };
        assert!(bell.check().unwrap_err().to_string().starts_with("defaults.participant: contains the control"));
        assert!(defaults("2026-01-15").check().is_ok());
    }

    fn origin(identity: &str) -> Origin {
        Origin { identity: identity.into(), given: "p3.md".into(), is_url: false }
    }

    /// A transcript's turns as the importer reads them: header first.
    fn read_turns(text: &str, defaults: ImportDefaults) -> (TranscriptHeader, Vec<EvidenceInput>) {
        let header = read_header(text, None);
        let mut defaults = defaults;
        header.fill(&mut defaults);
        let rows = turns(text, &header, &[], &defaults, Some("p3.md"), &origin("/research/p3.md"));
        (header, items(rows))
    }

    #[test]
    fn markdown_transcripts_split_into_turns_with_line_ranges() {
        let text = "# Interview with P3\n\n**Interviewer:** How did the first week go?\n\n**P3:** Honestly I stared at the blank canvas.\nI didn't know which template to pick.\n\n**Interviewer:** Then what?\n\n**P3:** I gave up.\n";
        let (header, turns) = read_turns(text, ImportDefaults::default());
        assert_eq!(header, TranscriptHeader::default());
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "Honestly I stared at the blank canvas. I didn't know which template to pick.");
        assert_eq!(turns[0].participant.as_deref(), Some("P3"));
        assert_eq!(turns[0].source.as_ref().unwrap().lines, Some([5, 6]));
        assert_eq!(turns[1].source.as_ref().unwrap().lines, Some([10, 10]));
    }

    #[test]
    fn a_header_before_the_first_turn_is_metadata_not_a_turn() {
        let text = "# Interview with P3 (churned)\n\nStudy: Churn interviews, October. Date: 2026-10-14. Recorded with consent; names removed.\nInterviewer: Maya Chen\nSegment: churned; Duration: 45 min\n\n**Maya Chen:** Thanks for making time.\n\n**P3:** We're a small team.\nAbout eight people.\n\n**Interviewer:** And then?\n\n**P3:** Date: I forget.\n";
        let (header, turns) = read_turns(text, ImportDefaults::default());
        assert_eq!(header.lines, [3, 4, 5]);
        assert_eq!(header.study.as_deref(), Some("Churn interviews, October"));
        assert_eq!(header.observed_at.as_deref(), Some("2026-10-14"));
        assert_eq!(header.segment.as_deref(), Some("churned"));
        assert_eq!(header.interviewers, ["Maya Chen"]);
        // No turn by Study or by the interviewer named in the header; a Key: value
        // inside a later turn is what was said.
        let said: Vec<_> = turns.iter().map(|t| (t.participant.as_deref().unwrap(), t.text.as_str())).collect();
        assert_eq!(said, [("P3", "We're a small team. About eight people."), ("P3", "Date: I forget.")]);
    }

    #[test]
    fn a_role_key_is_a_header_only_when_its_value_is_a_name() {
        assert!(header_pairs("Interviewer: Maya Chen").is_some());
        assert!(header_pairs("**Participant:** P7").is_some());
        assert!(header_pairs("Interviewer: How did the first week go?").is_none());
        assert!(header_pairs("Participant: We tried it for a week.").is_none());
        assert!(header_pairs("P3: Study: none").is_none(), "a speaker's turn, whatever it says");
        let pairs = header_pairs("Study: Onboarding v4.12; Date: 14.10.2026. Participant: P3").unwrap();
        let keys: Vec<_> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(keys, ["Study=Onboarding v4.12", "Date=14.10.2026", "Participant=P3"]);

        // Turns labelled with a role are the header's participant's; flags win over it.
        let text = "Participant: P7\nDate: October 14, 2026\n\nInterviewer: Why did you leave?\nParticipant: The import kept failing.\n";
        let (header, turns) = read_turns(text, ImportDefaults::default());
        assert_eq!((header.participant.as_deref(), header.observed_at.as_deref()), (Some("P7"), Some("2026-10-14")));
        assert_eq!(turns[0].participant.as_deref(), Some("P7"));
        let named = ImportDefaults { participant: Some("R2".into()), ..Default::default() };
        assert_eq!(read_turns(text, named).1[0].participant.as_deref(), Some("R2"));
    }

    #[test]
    fn a_header_date_grounded_cannot_read_is_a_note_without_the_value() {
        let header = read_header("Date: 03/10/2026\nRecorded: last Tuesday\n\nP1: Hi.\n", None);
        assert_eq!(header.observed_at, None);
        assert_eq!(header.lines, [1, 2]);
        assert_eq!(header.notes.len(), 2, "{:?}", header.notes);
        assert!(header.notes[0].starts_with("line 1: the header's Date is not used"), "{:?}", header.notes);
        assert!(header.notes[0].contains("day_first or month_first"), "{:?}", header.notes);
        assert!(!header.notes.iter().any(|n| n.contains("03/10") || n.contains("Tuesday")), "{:?}", header.notes);
        let day_first = read_header("Date: 03/10/2026\n", Some(DateOrder::DayFirst));
        assert_eq!(day_first.observed_at.as_deref(), Some("2026-10-03"));
    }

    #[test]
    fn a_turn_is_keyed_by_its_files_identity_and_first_line_only() {
        let a = origin("/research/study-a/p1.md");
        assert_eq!(a.record_id(7), origin("/research/study-a/p1.md").record_id(7));
        assert_ne!(a.record_id(7), a.record_id(8));
        assert_ne!(a.record_id(7), origin("/research/study-b/p1.md").record_id(7), "one name, two files");
        assert!(a.record_id(7).starts_with("p1.md@") && a.record_id(7).ends_with("#L7"), "{}", a.record_id(7));
        let deep = origin(&format!("/{}/{}.md", "folder/".repeat(40), "n".repeat(200)));
        assert!(deep.record_id(12_345).chars().count() <= validate::MAX_NAME_CHARS, "{}", deep.record_id(12_345));
        let url = Origin {
            identity: "https://x.example/t.vtt".into(),
            given: "https://x.example/t.vtt".into(),
            is_url: true,
        };
        assert_eq!(url.former_record_id("@00:01.000"), None);
        assert_eq!(a.former_record_id("#L7-9").as_deref(), Some("p3.md#L7-9"));
    }

    #[test]
    fn vtt_and_srt_cues_merge_per_speaker_with_time_ranges() {
        let vtt = "WEBVTT\n\n00:01:05.000 --> 00:01:12.500\n<v Interviewer>What happened next?\n\n00:01:13.000 --> 00:01:20.000\n<v P6>I invited two teammates.\n\n00:01:20.000 --> 00:01:25.000\n<v P6>That changed everything.\n";
        let turns = items(cues(vtt, ImportFormat::Vtt, &[], Some("p6.vtt"), &origin("/research/p6.vtt")));
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].text, "I invited two teammates. That changed everything.");
        assert_eq!(
            turns[0].source.as_ref().unwrap().timecode,
            Some(["00:01:13.000".to_string(), "00:01:25.000".to_string()])
        );
        let srt = "1\n00:00:01,000 --> 00:00:04,000\nModerator: Tell me about setup.\n\n2\n00:00:05,000 --> 00:00:09,500\nDana: The CSV import kept failing.\n";
        let turns = items(cues(srt, ImportFormat::Srt, &[], None, &origin("/research/dana.srt")));
        assert_eq!(turns.len(), 1);
        assert_eq!(
            (turns[0].participant.as_deref(), turns[0].text.as_str()),
            (Some("Dana"), "The CSV import kept failing.")
        );
        assert_eq!(
            turns[0].source.as_ref().unwrap().timecode,
            Some(["00:00:05.000".to_string(), "00:00:09.500".to_string()])
        );
    }

    fn csv(text: &str) -> Tabular {
        read_table("path", "t.csv", text.as_bytes().to_vec(), TableKind::Csv, None).unwrap()
    }

    #[test]
    fn csv_columns_are_mapped_and_bad_rows_named() {
        let text =
            csv("Quote,Who,When,Labels\n\"I gave up, honestly\",P1,2026-10-01,onboarding;templates\nshort row\n");
        let mapping = CsvMapping {
            text: Some("Quote".into()),
            participant: Some("Who".into()),
            observed_at: Some("When".into()),
            tags: Some("Labels".into()),
            ..Default::default()
        };
        let rows = csv_rows(&text, mapping, None).unwrap();
        let first = rows[0].item.as_ref().unwrap();
        assert_eq!((first.text.as_str(), first.tags.len()), ("I gave up, honestly", 2));
        assert_eq!(rows[1].line, 3);
        assert!(
            rows[1].item.as_ref().unwrap_err().contains("has 1 fields where the header has 4"),
            "{:?}",
            rows[1].item.as_ref().err()
        );
        let err = csv_rows(&text, CsvMapping { text: Some("Text".into()), ..Default::default() }, None)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("mapping.text: the table has no column \"Text\" among the 4 of its header (line 1)"),
            "{err}"
        );
        assert!(!err.contains("Quote"), "{err}");
    }

    #[test]
    fn survey_exports_group_into_one_result_per_question_and_wave() {
        let text = "wave,wave_start,wave_end,question,question_type,scale_min,scale_max,answer,count,segment\nW1,2026-09-01,2026-09-07,How satisfied?,scale,1,5,4,30,all\nW1,2026-09-01,2026-09-07,How satisfied?,scale,1,5,5,10,all\nW2,2026-10-01,2026-10-07,How satisfied?,scale,1,5,4,20,all\n";
        let rows = items(survey_rows(&csv(text)));
        assert_eq!(rows.len(), 2);
        let s = rows[0].survey.as_ref().unwrap();
        assert_eq!((s.n, s.answers.len(), s.wave.as_deref()), (40, 2, Some("W1")));
        assert_eq!(rows[0].observed_at.as_deref(), Some("2026-09-07"));
    }

    #[test]
    fn dates_are_read_in_the_files_stated_order_and_otherwise_refused_by_row() {
        let text = csv("text,observed_at\nfirst,03/10/2026\nsecond,2026-10-02T14:33:00Z\n");
        let day_first = csv_rows(&text, CsvMapping::default(), Some(DateOrder::DayFirst)).unwrap();
        assert_eq!(day_first[0].item.as_ref().unwrap().observed_at.as_deref(), Some("2026-10-03"));
        let unstated =
            crate::clock::with_zone(jiff::tz::TimeZone::UTC, || csv_rows(&text, CsvMapping::default(), None).unwrap());
        assert!(unstated[0].item.as_ref().unwrap_err().contains("day_first or month_first"));
        assert_eq!(unstated[1].item.as_ref().unwrap().observed_at.as_deref(), Some("2026-10-02"));
        // 14:33 UTC is already the next day in Kiritimati (UTC+14): the user's day counts.
        let zone = jiff::tz::TimeZone::get("Pacific/Kiritimati").unwrap();
        let there = crate::clock::with_zone(zone, || csv_rows(&text, CsvMapping::default(), None).unwrap());
        assert_eq!(there[1].item.as_ref().unwrap().observed_at.as_deref(), Some("2026-10-03"));
    }
}

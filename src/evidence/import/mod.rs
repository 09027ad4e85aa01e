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

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::add::{AddedEvidence, EvidenceInput, EvidencePlan, store_plans};
use crate::clock::DateOrder;
use crate::error::{Error, Result, Words};
use crate::fetch::Access;
use crate::fetch::table::{SheetRead, TableKind, Tabular, read_table};
use crate::model::Actor;
use crate::model::{EvidenceId, EvidenceKind, Source};
use crate::progress::{Phase, Throttle};
use crate::store::Store;
use crate::validate;

mod responses;
mod survey;
mod transcript;
mod vendors;

pub use responses::{QuestionRead, QuestionSpec, ResponsesRead, SpecType, WaveBy};
use survey::survey_rows;
pub use transcript::{TranscriptHeader, TranscriptRead};
use transcript::{cues, docx_text, gong, read_header, turns};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    // One row per item; columns named by `mapping`.
    Csv,
    // The same, tab-separated (.tsv).
    Tsv,
    // The same in a spreadsheet (.xlsx, .xls, .ods): the first sheet, or `sheet`.
    Spreadsheet,
    // One evidence object per line (the add_evidence item shape).
    Jsonl,
    // A per-question survey export: wave, wave_start, wave_end, question, question_type,
    // scale_min, scale_max, answer, count, segment (as CSV, TSV or a spreadsheet: found by
    // these columns).
    SurveyCsv,
    // One row per respondent (Qualtrics, SurveyMonkey, Typeform, Google Forms are
    // recognised without it).
    SurveyResponses,
    // Qualtrics or Typeform responses, a Gong call transcript.
    Json,
    // A Word transcript.
    Docx,
    Vtt,
    Srt,
    Markdown,
    Text,
}

/// Column per field; default: the field's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
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

// Values applied to every imported item that does not carry its own.
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
    // GROUNDED_IMPORT_ROOTS; by default the working directory and the database's folder.
    /// Under the server's import roots; or give url.
    #[serde(default)]
    pub path: Option<String>,
    // GROUNDED_ALLOWED_HOSTS.
    /// http(s), host on the server's allowlist; or give path.
    #[serde(default)]
    pub url: Option<String>,
    // Read from the file name when left out (.csv, .tsv, .xlsx, .xls, .ods, .jsonl, .vtt,
    // .srt, .md, .txt).
    /// Default: from the file name.
    #[serde(default)]
    pub format: Option<ImportFormat>,
    // Tables (CSV, TSV, spreadsheets): which column holds which field.
    #[serde(default)]
    pub mapping: Option<CsvMapping>,
    /// Default: the first.
    #[serde(default)]
    pub sheet: Option<String>,
    // YYYY-MM-DD and RFC 3339 times are read as they are.
    /// Needed only for dates like 03/10/2026.
    #[serde(default)]
    pub date_format: Option<DateOrder>,
    #[serde(default)]
    pub defaults: Option<ImportDefaults>,
    /// Transcripts: speakers left out (default: Interviewer, Moderator, Researcher,
    /// Facilitator, Host, Q; else who asks most).
    #[serde(default)]
    pub interviewers: Vec<String>,
    /// Skip bad rows (reported) instead of refusing the file.
    #[serde(default)]
    pub row_level: bool,
    /// How to read questions the answer calls unclear.
    #[serde(default)]
    pub questions: Vec<QuestionSpec>,
    // Survey responses: how answers are grouped into waves.
    /// Default: month if the responses span over 31 days, else none.
    #[serde(default)]
    pub wave_by: Option<WaveBy>,
    /// Read and check, write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// List every question, not just unclear ones and 40 more.
    #[serde(default)]
    pub all_questions: bool,
    // Its name must match GROUNDED_TOKEN_VARS.
    /// Environment variable with a bearer token for url.
    #[serde(default)]
    pub token_env: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SkippedRow {
    /// The row (CSV, JSONL: 1-based line) or the turn's first line.
    pub line: usize,
    pub reason: Words,
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
    /// Transcripts: the layout read, and whose turns were left out by which rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<TranscriptRead>,
    /// Survey responses: the export recognised and what each question was read as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses: Option<ResponsesRead>,
    /// A table that was not UTF-8, read in this encoding (Windows-1252, Excel's on
    /// Windows): check its accented letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Nothing was written: `read` items were read and checked, `skipped` would be skipped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

/// Items and skipped rows an import answer lists; the counts cover the rest.
const LISTED: usize = 20;
const LISTED_SKIPS: usize = 50;

/// An item read from a file, with the line it started on.
struct Row {
    line: usize,
    item: std::result::Result<EvidenceInput, Words>,
    /// The record id an earlier release gave this item (see [`Origin::former_record_id`]).
    former_record_id: Option<String>,
}

impl Row {
    fn new(line: usize, item: std::result::Result<EvidenceInput, impl Into<Words>>) -> Row {
        Row { line, item: item.map_err(Into::into), former_record_id: None }
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
        self.key(&format!("L{line}"))
    }

    /// The record id of a place in this file (`L12`, `Q5/2026-10`).
    fn key(&self, place: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.identity.as_bytes());
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}@{hash}#{place}", self.file_name())
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
    if request.path.is_some() && request.token_env.is_some() {
        return Err(Error::invalid("token_env", "applies to a url; a local file needs no token"));
    }
    let (name, identity, bytes) = match (&request.path, &request.url) {
        (Some(path), None) => {
            let (real, bytes) = access.read_file_resolved("path", path)?;
            (path.clone(), real.to_string_lossy().into_owned(), bytes)
        }
        (None, Some(url)) => {
            let bearer = match &request.token_env {
                Some(name) => {
                    let parsed = url.parse::<url::Url>().map_err(|e| Error::invalid("url", e.to_string()))?;
                    access.check_token_env("token_env", name, &parsed)?;
                    Some(access.bearer("token_env", name)?)
                }
                None => None,
            };
            let what = "a research file (a table, a survey tool's export, JSONL, a transcript)";
            let bytes = access.get("url", url, what, bearer.as_deref()).await?;
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
    let mut responses = None;
    let mut transcript = None;
    let mut encoding = None;
    let table_kind = match format {
        ImportFormat::Csv | ImportFormat::SurveyCsv | ImportFormat::SurveyResponses => Some(TableKind::Csv),
        ImportFormat::Tsv => Some(TableKind::Tsv),
        ImportFormat::Spreadsheet => Some(TableKind::Spreadsheet),
        _ => None,
    };
    let rows = match table_kind {
        Some(kind) => {
            let table = read_table(field, &name, bytes, kind, request.sheet.as_deref())?;
            sheet = table.sheet.clone();
            encoding = table.encoding.map(String::from);
            // A survey export is known by its columns, whatever the file's kind.
            let survey = format == ImportFormat::SurveyCsv
                || (request.format.is_none() && has_columns(&table, &["question_type", "count"]));
            let mapping = request.mapping.clone().unwrap_or_default();
            let exported = (!survey)
                .then(|| {
                    let generic = format == ImportFormat::SurveyResponses;
                    vendors::from_table(&table, &mapping, request.date_format, generic)
                })
                .flatten();
            if survey {
                format = ImportFormat::SurveyCsv;
                survey_rows(&table)
            } else if let Some(sheet) = exported {
                format = ImportFormat::SurveyResponses;
                let sheet = sheet.map_err(|why| export_error(&name, why))?;
                let (rows, read) = read_responses(sheet, &request, &mapping, file_ref.as_deref(), &origin);
                responses = Some(read);
                rows
            } else {
                csv_rows(&table, request.mapping.clone().unwrap_or_default(), request.date_format)?
            }
        }
        None => {
            // A Word transcript is its paragraphs' text, read as a text transcript.
            let text = if format == ImportFormat::Docx {
                docx_text(&bytes).map_err(|why| Error::invalid(field, format!("{name} {why}")))?
            } else {
                String::from_utf8(bytes).map_err(|e| {
                    Error::invalid(
                        field,
                        format!(
                            "{name} is not UTF-8 text (invalid byte at offset {}); save or export it as UTF-8",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                })?
            };
            match format {
                ImportFormat::Vtt | ImportFormat::Srt => {
                    let (rows, read) = cues(&text, format, &request.interviewers, file_ref.as_deref(), &origin);
                    transcript = Some(read);
                    rows
                }
                ImportFormat::Markdown | ImportFormat::Text | ImportFormat::Docx => {
                    let read = read_header(&text, request.date_format);
                    read.check(&name, &defaults)?;
                    read.fill(&mut defaults);
                    let (rows, asked) =
                        turns(&text, &read, &request.interviewers, &defaults, file_ref.as_deref(), &origin);
                    header = Some(read).filter(|h| !h.lines.is_empty());
                    transcript = Some(asked);
                    rows
                }
                ImportFormat::Json => {
                    let json: serde_json::Value =
                        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                            Error::invalid(
                                field,
                                format!(
                                    "{name} is not JSON: {} (line {}, column {})",
                                    validate::json_reason(&e),
                                    e.line(),
                                    e.column()
                                ),
                            )
                        })?;
                    let mapping = request.mapping.clone().unwrap_or_default();
                    if let Some((rows, read)) = gong(&json, &request.interviewers, file_ref.as_deref(), &origin) {
                        transcript = Some(read);
                        rows
                    } else if let Some(sheet) = vendors::from_json(&json, &mapping) {
                        let sheet = sheet.map_err(|why| export_error(&name, why))?;
                        let (rows, read) = read_responses(sheet, &request, &mapping, file_ref.as_deref(), &origin);
                        responses = Some(read);
                        rows
                    } else {
                        return Err(Error::invalid(
                            field,
                            format!(
                                "{name} is JSON of no export grounded knows ({}, or a Gong call transcript); evidence items one per line are format jsonl",
                                vendors::KNOWN
                            ),
                        ));
                    }
                }
                _ => jsonl(&text),
            }
        }
    };
    if rows.is_empty() && responses.is_none() {
        return Err(Error::invalid("path", format!("{name} holds no evidence in the {format:?} format")));
    }
    let total = rows.len();
    progress.step(Phase::Read, 0, total);
    let mut plans: Vec<EvidencePlan> = Vec::with_capacity(total);
    let mut skipped = vec![];
    for (done, row) in rows.into_iter().enumerate() {
        // The place is the line, said once below: the item's own fields are named bare.
        let plan =
            row.item.and_then(|item| apply_defaults(item, &defaults, &name).into_plan("").map_err(Error::into_words));
        let plan = plan.map(|plan| EvidencePlan { former_record_id: row.former_record_id, ..plan });
        // The checks shared with add_evidence quote a bad value back; from a file, only
        // to the person who ran their own command on it.
        let plan =
            plan.map_err(|reason| if access.may_quote_files() { reason } else { reason.map_text(validate::unquoted) });
        match plan {
            Ok(plan) => plans.push(plan),
            Err(reason) if request.row_level => skipped.push(SkippedRow { line: row.line, reason }),
            Err(reason) => {
                return Err(Error::invalid(
                    name.clone(),
                    Words::from(format!("line {}: ", row.line)).and(reason).and(crate::words![
                        "; nothing was imported (",
                        crate::error::setting("row_level", "true"),
                        " imports the good rows and reports the rest)"
                    ]),
                ));
            }
        }
        progress.step(Phase::Validate, done + 1, total);
    }
    let added = if plans.is_empty() || request.dry_run {
        AddedEvidence { items: vec![], created: 0, duplicates: 0, updated: 0, unchanged: 0, tag_notes: vec![] }
    } else {
        progress.beating(total, || store_plans(store, &plans, actor, &|n| progress.step(Phase::Write, n, total)))?
    };
    progress.step(Phase::Flush, 0, total);
    store.flush().await?;
    let mut report = ImportReport::new(name, format, total, added, skipped);
    report.sheet = sheet;
    report.header = header;
    report.responses = responses;
    report.transcript = transcript;
    report.encoding = encoding;
    report.dry_run = request.dry_run;
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
            responses: None,
            transcript: None,
            encoding: None,
            dry_run: false,
        }
    }
}

/// For a column missing from the first sheet of a workbook that has others: which
/// they are (a first sheet is often a cover page).
fn other_sheets(sheet: Option<&SheetRead>) -> crate::error::Words {
    match sheet {
        Some(sheet) if !sheet.chosen && !sheet.others.is_empty() => crate::words![
            ", or read another sheet with ",
            crate::error::field("sheet"),
            format!(
                " (the first was read; the others are {})",
                sheet.others.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
            )
        ],
        _ => crate::error::Words::default(),
    }
}

/// A response export that cannot be read: a mapping the export does not have is the
/// request's field; anything else is the file's.
fn export_error(name: &str, why: String) -> Error {
    match why.split_once(": ") {
        Some((field, message)) if field.starts_with("mapping.") => Error::invalid(field, message),
        _ => Error::invalid(name, format!("{why}; nothing was imported")),
    }
}

/// Reads a recognised response export with what the request says about it.
fn read_responses(
    sheet: responses::Sheet,
    request: &ImportRequest,
    mapping: &CsvMapping,
    file: Option<&str>,
    origin: &Origin,
) -> (Vec<Row>, ResponsesRead) {
    let segment = mapping
        .segment
        .as_ref()
        .and_then(|wanted| sheet.attributes.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted.trim())))
        .cloned();
    let asked = responses::Asked {
        specs: &request.questions,
        wave_by: request.wave_by,
        segment: segment.as_ref().map(|(_, column)| *column),
        segment_name: segment.map(|(name, _)| name),
        file,
        all_questions: request.all_questions,
    };
    responses::responses(sheet, &asked, origin)
}

fn has_columns(table: &Tabular, names: &[&str]) -> bool {
    names.iter().all(|n| table.headers.iter().any(|h| h.eq_ignore_ascii_case(n)))
}

fn format_of(name: &str) -> Result<ImportFormat> {
    let lower = name.to_lowercase();
    let lower = lower.split(['?', '#']).next().unwrap_or("");
    Ok(if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        ImportFormat::Jsonl
    } else if lower.ends_with(".json") {
        ImportFormat::Json
    } else if lower.ends_with(".docx") {
        ImportFormat::Docx
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
            crate::words![
                format!("cannot tell the format of {name}; give "),
                crate::error::setting(
                    "format",
                    "csv, tsv, spreadsheet, jsonl, survey_csv, survey_responses, json, docx, vtt, srt, markdown or text"
                )
            ],
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
                crate::words![
                    format!(
                        "{} has no column {wanted:?} among the {} of its header (line 1); name the column holding the {field} with ",
                        table.sheet.as_ref().map_or("the table".to_string(), |s| format!("sheet {:?}", s.read)),
                        headers.len(),
                    ),
                    crate::error::field(format!("mapping.{field}")),
                ]
                .and(other_sheets(table.sheet.as_ref())),
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
                .map_err(Error::into_words),
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn items(rows: Vec<Row>) -> Vec<EvidenceInput> {
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

    pub(super) fn csv(text: &str) -> Tabular {
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
            rows[1].item.as_ref().unwrap_err().to_string().contains("has 1 fields where the header has 4"),
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
    fn dates_are_read_in_the_files_stated_order_and_otherwise_refused_by_row() {
        let text = csv("text,observed_at\nfirst,03/10/2026\nsecond,2026-10-02T14:33:00Z\n");
        let day_first = csv_rows(&text, CsvMapping::default(), Some(DateOrder::DayFirst)).unwrap();
        assert_eq!(day_first[0].item.as_ref().unwrap().observed_at.as_deref(), Some("2026-10-03"));
        let unstated =
            crate::clock::with_zone(jiff::tz::TimeZone::UTC, || csv_rows(&text, CsvMapping::default(), None).unwrap());
        assert!(unstated[0].item.as_ref().unwrap_err().to_string().contains("day_first or month_first"));
        assert_eq!(unstated[1].item.as_ref().unwrap().observed_at.as_deref(), Some("2026-10-02"));
        // 14:33 UTC is already the next day in Kiritimati (UTC+14): the user's day counts.
        let zone = jiff::tz::TimeZone::get("Pacific/Kiritimati").unwrap();
        let there = crate::clock::with_zone(zone, || csv_rows(&text, CsvMapping::default(), None).unwrap());
        assert_eq!(there[1].item.as_ref().unwrap().observed_at.as_deref(), Some("2026-10-03"));
    }
}

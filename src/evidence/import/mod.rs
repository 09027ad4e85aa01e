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
use crate::fetch::table::{SheetRead, TableKind, read_table};
use crate::model::{Actor, Change};
use crate::model::{EvidenceId, EvidenceKind};
use crate::progress::{Phase, Throttle};
use crate::store::Store;
use crate::validate;

mod responses;
mod rows;
mod survey;
mod transcript;
mod vendors;

pub use responses::{QuestionRead, QuestionSpec, ResponsesRead, SpecType, WaveBy};
use rows::{Origin, Row, apply_defaults, csv_rows, has_columns, jsonl};
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
    let fetched = fetch(access, &request).await?;
    let mut read = read(&request, fetched)?;
    let rows = std::mem::take(&mut read.rows);
    if rows.is_empty() && read.responses.is_none() {
        return Err(Error::invalid("path", format!("{} holds no evidence in the {:?} format", read.name, read.format)));
    }
    let total = rows.len();
    progress.step(Phase::Read, 0, total);
    let (plans, skipped) =
        plan(rows, &read, access, request.row_level, &|done| progress.step(Phase::Validate, done, total))?;
    let added = if plans.is_empty() || request.dry_run {
        AddedEvidence { items: vec![], created: 0, duplicates: 0, updated: 0, unchanged: 0, tag_notes: vec![] }
    } else {
        progress.beating(total, || {
            store_plans(store, &plans, &Change::now(actor, None), &|n| progress.step(Phase::Write, n, total))
        })?
    };
    progress.step(Phase::Flush, 0, total);
    store.flush().await?;
    let mut report = ImportReport::new(read.name, read.format, total, added, skipped);
    report.sheet = read.sheet;
    report.header = read.header;
    report.responses = read.responses;
    report.transcript = read.transcript;
    report.encoding = read.encoding;
    report.dry_run = request.dry_run;
    Ok(report)
}

/// The bytes of the file or URL asked for, its name as given, and its identity (the
/// canonical path, or the URL without its fragment).
struct Fetched {
    name: String,
    identity: String,
    bytes: Vec<u8>,
    /// The request's field the bytes came from: `path` or `url`.
    field: &'static str,
}

async fn fetch(access: &Access, request: &ImportRequest) -> Result<Fetched> {
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
    Ok(Fetched { name, identity, bytes, field })
}

/// What a file held: its rows, the format it was read as, and what the reading found
/// on the way (the sheet, a transcript's header and speakers, a survey export's
/// questions, the text encoding), with the defaults the header filled in.
struct Read {
    name: String,
    format: ImportFormat,
    rows: Vec<Row>,
    defaults: ImportDefaults,
    sheet: Option<SheetRead>,
    header: Option<TranscriptHeader>,
    responses: Option<ResponsesRead>,
    transcript: Option<TranscriptRead>,
    encoding: Option<String>,
}

/// The file read by its format: a table (a survey export, a response export, or rows
/// through the mapping), or text (a transcript, a vendor's JSON, JSONL).
fn read(request: &ImportRequest, fetched: Fetched) -> Result<Read> {
    let format = match request.format {
        Some(f) => f,
        None => format_of(&fetched.name)?,
    };
    if request.sheet.is_some() && format != ImportFormat::Spreadsheet {
        return Err(Error::invalid(
            "sheet",
            format!("applies to spreadsheets (.xlsx, .xls, .ods), and {} is read as {format:?}", fetched.name),
        ));
    }
    let origin =
        Origin { identity: fetched.identity.clone(), given: fetched.name.clone(), is_url: request.url.is_some() };
    let mut read = Read {
        name: fetched.name.clone(),
        format,
        rows: vec![],
        defaults: request.defaults.clone().unwrap_or_default(),
        sheet: None,
        header: None,
        responses: None,
        transcript: None,
        encoding: None,
    };
    let table_kind = match format {
        ImportFormat::Csv | ImportFormat::SurveyCsv | ImportFormat::SurveyResponses => Some(TableKind::Csv),
        ImportFormat::Tsv => Some(TableKind::Tsv),
        ImportFormat::Spreadsheet => Some(TableKind::Spreadsheet),
        _ => None,
    };
    read.rows = match table_kind {
        Some(kind) => table_rows(request, fetched, kind, &origin, &mut read)?,
        None => text_rows(request, fetched, &origin, &mut read)?,
    };
    Ok(read)
}

fn table_rows(
    request: &ImportRequest,
    fetched: Fetched,
    kind: TableKind,
    origin: &Origin,
    read: &mut Read,
) -> Result<Vec<Row>> {
    let table = read_table(fetched.field, &fetched.name, fetched.bytes, kind, request.sheet.as_deref())?;
    read.sheet = table.sheet.clone();
    read.encoding = table.encoding.map(String::from);
    // A survey export is known by its columns, whatever the file's kind.
    let survey = read.format == ImportFormat::SurveyCsv
        || (request.format.is_none() && has_columns(&table, &["question_type", "count"]));
    let mapping = request.mapping.clone().unwrap_or_default();
    let exported = (!survey)
        .then(|| {
            let generic = read.format == ImportFormat::SurveyResponses;
            vendors::from_table(&table, &mapping, request.date_format, generic)
        })
        .flatten();
    Ok(if survey {
        read.format = ImportFormat::SurveyCsv;
        survey_rows(&table)
    } else if let Some(sheet) = exported {
        read.format = ImportFormat::SurveyResponses;
        let sheet = sheet.map_err(|why| export_error(&fetched.name, why))?;
        let (rows, answers) = read_responses(sheet, request, &mapping, request.path.as_deref(), origin);
        read.responses = Some(answers);
        rows
    } else {
        csv_rows(&table, request.mapping.clone().unwrap_or_default(), request.date_format)?
    })
}

fn text_rows(request: &ImportRequest, fetched: Fetched, origin: &Origin, read: &mut Read) -> Result<Vec<Row>> {
    // A Word transcript is its paragraphs' text, read as a text transcript.
    let (field, name, format) = (fetched.field, &fetched.name, read.format);
    let text = if format == ImportFormat::Docx {
        docx_text(&fetched.bytes).map_err(|why| Error::invalid(field, format!("{name} {why}")))?
    } else {
        String::from_utf8(fetched.bytes).map_err(|e| {
            Error::invalid(
                field,
                format!(
                    "{name} is not UTF-8 text (invalid byte at offset {}); save or export it as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?
    };
    Ok(match format {
        ImportFormat::Vtt | ImportFormat::Srt => {
            let (rows, turns_read) = cues(&text, format, &request.interviewers, request.path.as_deref(), origin);
            read.transcript = Some(turns_read);
            rows
        }
        ImportFormat::Markdown | ImportFormat::Text | ImportFormat::Docx => {
            let found = read_header(&text, request.date_format);
            found.check(name, &read.defaults)?;
            found.fill(&mut read.defaults);
            let (rows, asked) =
                turns(&text, &found, &request.interviewers, &read.defaults, request.path.as_deref(), origin);
            read.header = Some(found).filter(|h| !h.lines.is_empty());
            read.transcript = Some(asked);
            rows
        }
        ImportFormat::Json => {
            let json: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
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
            if let Some((rows, turns_read)) = gong(&json, &request.interviewers, request.path.as_deref(), origin) {
                read.transcript = Some(turns_read);
                rows
            } else if let Some(sheet) = vendors::from_json(&json, &mapping) {
                let sheet = sheet.map_err(|why| export_error(name, why))?;
                let (rows, answers) = read_responses(sheet, request, &mapping, request.path.as_deref(), origin);
                read.responses = Some(answers);
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
    })
}

/// Each row checked as `add_evidence` checks an item, with the defaults applied: the
/// plans to store, and the rows skipped with why (row-level), or the first bad row
/// refusing the whole file.
fn plan(
    rows: Vec<Row>,
    read: &Read,
    access: &Access,
    row_level: bool,
    validated: &dyn Fn(usize),
) -> Result<(Vec<EvidencePlan>, Vec<SkippedRow>)> {
    let (defaults, name) = (&read.defaults, &read.name);
    let mut plans: Vec<EvidencePlan> = Vec::with_capacity(rows.len());
    let mut skipped = vec![];
    for (done, row) in rows.into_iter().enumerate() {
        // The place is the line, said once below: the item's own fields are named bare.
        let plan =
            row.item.and_then(|item| apply_defaults(item, defaults, name).into_plan("").map_err(Error::into_words));
        let plan = plan.map(|plan| EvidencePlan { former_record_id: row.former_record_id, ..plan });
        // The checks shared with add_evidence quote a bad value back; from a file, only
        // to the person who ran their own command on it.
        let plan =
            plan.map_err(|reason| if access.may_quote_files() { reason } else { reason.map_text(validate::unquoted) });
        match plan {
            Ok(plan) => plans.push(plan),
            Err(reason) if row_level => skipped.push(SkippedRow { line: row.line, reason }),
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
        validated(done + 1);
    }
    Ok((plans, skipped))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::table::Tabular;

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

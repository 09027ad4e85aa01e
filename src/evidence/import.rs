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
use crate::fetch::table::{TableKind, Tabular, read_table};
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
        probe.into_plan("defaults").map(|_| ())
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
}

/// Items and skipped rows an import answer lists; the counts cover the rest.
const LISTED: usize = 20;
const LISTED_SKIPS: usize = 50;

/// An item read from a file, with the line it started on.
struct Row {
    line: usize,
    item: std::result::Result<EvidenceInput, String>,
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
    let (name, bytes) = match (&request.path, &request.url) {
        (Some(path), None) => (path.clone(), access.read_file("path", path)?),
        (None, Some(url)) => {
            (url.clone(), access.get("url", url, "a research file (CSV, JSONL, VTT, SRT, Markdown, text)", None).await?)
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
    let defaults = request.defaults.clone().unwrap_or_default();
    let file_ref = request.path.clone();
    let table_kind = match format {
        ImportFormat::Csv | ImportFormat::SurveyCsv => Some(TableKind::Csv),
        ImportFormat::Tsv => Some(TableKind::Tsv),
        ImportFormat::Spreadsheet => Some(TableKind::Spreadsheet),
        _ => None,
    };
    let rows = match table_kind {
        Some(kind) => {
            let table = read_table(field, &name, bytes, kind, request.sheet.as_deref())?;
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
                    cues(&text, format, &request.interviewers, file_ref.as_deref())
                }
                ImportFormat::Markdown | ImportFormat::Text => turns(&text, &request.interviewers, file_ref.as_deref()),
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
        let plan = row.item.and_then(|item| {
            apply_defaults(item, &defaults, &name).into_plan(&format!("line {}", row.line)).map_err(|e| e.to_string())
        });
        // The checks shared with add_evidence quote a bad value back; from a file, not.
        let plan = plan.map_err(|reason| validate::unquoted(&reason));
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
        AddedEvidence { items: vec![], created: 0, duplicates: 0, updated: 0, tag_notes: vec![] }
    } else {
        progress.beating(total, || store_plans(store, &plans, actor, &|n| progress.step(Phase::Write, n, total)))?
    };
    progress.step(Phase::Flush, 0, total);
    store.flush().await?;
    Ok(ImportReport::new(name, format, total, added, skipped))
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
        ImportReport { source, format, read, added, not_listed, created_ids, skipped, skipped_count }
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
        .map(|(i, line)| Row {
            line: i + 1,
            item: serde_path_to_error::deserialize::<_, EvidenceInput>(&mut serde_json::Deserializer::from_str(line))
                .map_err(|e| {
                    let path = e.path().to_string();
                    let why = validate::json_reason(&e.into_inner());
                    if path == "." { why } else { format!("{path}: {why}") }
                }),
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
                    "the table has no column {wanted:?} among the {} of its header (line 1); name the column holding the {field} with mapping.{field}",
                    headers.len()
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
            rows.push(Row { line, item: Err(reason.clone()) });
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
                rows.push(Row { line, item: Err(reason) });
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
        rows.push(Row { line, item });
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
            Some(Row { line, item })
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

/// Markdown and plain-text transcripts: a turn starts with `Speaker:`; following
/// lines belong to it until the next speaker.
fn turns(text: &str, interviewers: &[String], file: Option<&str>) -> Vec<Row> {
    struct Turn {
        speaker: String,
        first: usize,
        last: usize,
        text: String,
    }
    let mut list: Vec<Turn> = vec![];
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
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
    list.into_iter()
        .filter(|t| !is_interviewer(&t.speaker, interviewers) && !t.text.trim().is_empty())
        .map(|t| Row {
            line: t.first,
            item: Ok(EvidenceInput {
                kind: EvidenceKind::Interview,
                text: t.text,
                participant: Some(t.speaker),
                segment: None,
                study: None,
                observed_at: None,
                source: Some(Source {
                    file: file.map(String::from),
                    lines: Some([t.first as u32, t.last as u32]),
                    record_id: Some(format!("{}#L{}-{}", file.unwrap_or("transcript"), t.first, t.last)),
                    ..Default::default()
                }),
                tags: vec![],
                survey: None,
                record_id: None,
            }),
        })
        .collect()
}

/// WebVTT and SRT: cues with times; the speaker from `<v Name>` or `Name:`.
/// Consecutive cues of one speaker make one turn, from the first start to the last end.
fn cues(text: &str, format: ImportFormat, interviewers: &[String], file: Option<&str>) -> Vec<Row> {
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
                    record_id: Some(format!("{}@{}", file.unwrap_or("recording"), t.start)),
                    timecode: Some([normalize_timecode(&t.start), normalize_timecode(&t.end)]),
                    ..Default::default()
                }),
                tags: vec![],
                survey: None,
                record_id: None,
            }),
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

    #[test]
    fn markdown_transcripts_split_into_turns_with_line_ranges() {
        let text = "# Interview with P3\n\n**Interviewer:** How did the first week go?\n\n**P3:** Honestly I stared at the blank canvas.\nI didn't know which template to pick.\n\n**Interviewer:** Then what?\n\n**P3:** I gave up.\n";
        let turns = items(turns(text, &[], Some("p3.md")));
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "Honestly I stared at the blank canvas. I didn't know which template to pick.");
        assert_eq!(turns[0].participant.as_deref(), Some("P3"));
        assert_eq!(turns[0].source.as_ref().unwrap().lines, Some([5, 6]));
        assert_eq!(turns[1].source.as_ref().unwrap().lines, Some([10, 10]));
    }

    #[test]
    fn vtt_and_srt_cues_merge_per_speaker_with_time_ranges() {
        let vtt = "WEBVTT\n\n00:01:05.000 --> 00:01:12.500\n<v Interviewer>What happened next?\n\n00:01:13.000 --> 00:01:20.000\n<v P6>I invited two teammates.\n\n00:01:20.000 --> 00:01:25.000\n<v P6>That changed everything.\n";
        let turns = items(cues(vtt, ImportFormat::Vtt, &[], Some("p6.vtt")));
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].text, "I invited two teammates. That changed everything.");
        assert_eq!(
            turns[0].source.as_ref().unwrap().timecode,
            Some(["00:01:13.000".to_string(), "00:01:25.000".to_string()])
        );
        let srt = "1\n00:00:01,000 --> 00:00:04,000\nModerator: Tell me about setup.\n\n2\n00:00:05,000 --> 00:00:09,500\nDana: The CSV import kept failing.\n";
        let turns = items(cues(srt, ImportFormat::Srt, &[], None));
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

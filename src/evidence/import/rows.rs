//! The rows of a file: an item read from a JSONL line or a table's row (through a
//! column mapping), with the line it started on, and the key that makes a re-import
//! update the same records (the file's identity and the place in it).

use super::{CsvMapping, ImportDefaults};
use crate::clock::DateOrder;
use crate::error::{Error, Result, Words};
use crate::evidence::add::EvidenceInput;
use crate::fetch::table::{SheetRead, Tabular};
use crate::model::{EvidenceKind, Source};
use crate::validate;

/// An item read from a file, with the line it started on.
pub(super) struct Row {
    pub(super) line: usize,
    pub(super) item: std::result::Result<EvidenceInput, Words>,
    /// The record id an earlier release gave this item (see [`Origin::former_record_id`]).
    pub(super) former_record_id: Option<String>,
}

impl Row {
    pub(super) fn new(line: usize, item: std::result::Result<EvidenceInput, impl Into<Words>>) -> Row {
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
pub(super) struct Origin {
    /// The canonical path or the URL.
    pub(super) identity: String,
    /// The path or URL as the request gave it.
    pub(super) given: String,
    pub(super) is_url: bool,
}

impl Origin {
    pub(super) fn file_name(&self) -> String {
        let path = self.identity.split(['?', '#']).next().unwrap_or("");
        let name = path.trim_end_matches('/').rsplit(['/', '\\']).next().unwrap_or("");
        let name = if name.is_empty() { "transcript" } else { name };
        name.chars().take(60).collect()
    }

    pub(super) fn record_id(&self, line: usize) -> String {
        self.key(&format!("L{line}"))
    }

    /// The record id of a place in this file (`L12`, `Q5/2026-10`).
    pub(super) fn key(&self, place: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.identity.as_bytes());
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}@{hash}#{place}", self.file_name())
    }

    /// The id releases before this one gave a turn: the path as given and the turn's
    /// line range (Markdown, text) or start time (VTT, SRT). A URL's turns then shared
    /// one key per line, whatever the URL, so they are not looked up by it.
    pub(super) fn former_record_id(&self, place: &str) -> Option<String> {
        (!self.is_url).then(|| format!("{}{place}", self.given))
    }
}

/// For a column missing from the first sheet of a workbook that has others: which
/// they are (a first sheet is often a cover page).
pub(super) fn other_sheets(sheet: Option<&SheetRead>) -> crate::error::Words {
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

pub(super) fn has_columns(table: &Tabular, names: &[&str]) -> bool {
    names.iter().all(|n| table.headers.iter().any(|h| h.eq_ignore_ascii_case(n)))
}

pub(super) fn apply_defaults(mut item: EvidenceInput, d: &ImportDefaults, name: &str) -> EvidenceInput {
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

pub(super) fn jsonl(text: &str) -> Vec<Row> {
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

pub(super) fn csv_rows(table: &Tabular, mapping: CsvMapping, dates: Option<DateOrder>) -> Result<Vec<Row>> {
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

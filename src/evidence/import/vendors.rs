//! The shapes survey tools export responses in, recognised and read into one
//! [`Sheet`] of questions and respondents, which [`super::responses`] reads alike:
//!
//! - **Qualtrics CSV**: three header rows: export tags (Q1, Q5_1), question text
//!   (`text - option` for the columns of one question), and `{"ImportId":"QID5_1"}`.
//!   Columns whose ImportId is no question are the response's facts (StartDate,
//!   IPAddress) or embedded data (respondent attributes). `QIDn_NPS_GROUP` is derived
//!   from the NPS answer and left out; `_TEXT` columns are text entries.
//! - **Qualtrics JSON** (the response export API): `responses[].values` by ImportId,
//!   `labels` for choice text, `displayedValues` for the points shown.
//! - **SurveyMonkey** (CSV or XLSX, "all individual responses"): Respondent ID,
//!   Collector ID, dates, then questions; a question's extra columns have an empty
//!   first header, and a second header row names each column's option ("Response",
//!   "Open-Ended Response" or the option's text).
//! - **Typeform CSV**: `#` (the response token), the questions, hidden fields, then
//!   Response Type, Start Date (UTC), Submit Date (UTC), Network ID, Tags, Ending.
//!   Older exports give a multiple-choice question one column per option, headed by
//!   the option alone.
//! - **Typeform JSON** (the responses API): `items[].answers[]` with the field's type.
//! - **Google Forms** (CSV from Forms or Sheets): Timestamp, then one column per
//!   question; grid rows as `question [row]`; checkboxes joined with `, ` or `;`.
//!
//! Any other table with one row per respondent is read with `format:
//! survey_responses`, every column a question but the mapped ones.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value;

use super::CsvMapping;
use super::responses::{Declared, Part, Question, Respondent, Sheet, read_days};
use crate::clock::DateOrder;
use crate::fetch::table::Tabular;
use crate::model::QuestionType;

/// One column as the export heads it.
struct Column {
    header: String,
    /// The question's text (Qualtrics' and SurveyMonkey's rows; the header elsewhere).
    text: String,
    /// Qualtrics' ImportId, SurveyMonkey's option row.
    detail: String,
    /// What a JSON export declares about the column's question.
    declared: Option<Declared>,
}

/// What each column is.
#[derive(Clone, PartialEq)]
enum Role {
    /// About the response (dates, IP address): left out.
    Fact,
    /// The respondent's id.
    Id,
    /// The response's date.
    Date,
    /// Describes the respondent: a segment to split by.
    Attribute,
    /// Part of the question with this key, holding this option.
    Answer { key: String, option: Option<String> },
}

/// The vendors whose exports are recognised, for messages.
pub(super) const KNOWN: &str =
    "Qualtrics (CSV, JSON), SurveyMonkey (CSV, XLSX), Typeform (CSV, JSON), Google Forms (CSV)";

const QUALTRICS_FACTS: &[&str] = &[
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration",
    "finished",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
];

const TIMESTAMP_HEADERS: &[&str] =
    &["timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data/hora", "informazioni cronologiche"];

/// A response export recognised from its table, or None when it is no export known.
pub(super) fn from_table(
    table: &Tabular,
    mapping: &CsvMapping,
    dates: Option<DateOrder>,
    generic: bool,
) -> Option<std::result::Result<Sheet, String>> {
    let headers = &table.headers;
    let has = |name: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(name));
    let row = |i: usize| table.rows.get(i).and_then(|r| r.cells.as_ref().ok());
    let (export, columns, skip): (&str, Vec<Column>, usize) = if row(1)
        .is_some_and(|cells| cells.iter().filter(|c| c.starts_with("{\"ImportId\"")).count() * 2 > cells.len())
    {
        let texts = row(0)?;
        let ids = row(1)?;
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, h)| Column {
                header: h.clone(),
                text: texts.get(i).cloned().unwrap_or_default(),
                detail: ids
                    .get(i)
                    .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
                    .and_then(|v| v.get("ImportId").and_then(|i| i.as_str()).map(String::from))
                    .unwrap_or_default(),
                declared: None,
            })
            .collect();
        ("Qualtrics CSV (three header rows)", columns, 2)
    } else if (has("Respondent ID") && has("Collector ID")) || row(0).is_some_and(|cells| options_row(cells)) {
        let options = row(0)?;
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, h)| Column {
                header: h.clone(),
                text: h.clone(),
                detail: options.get(i).cloned().unwrap_or_default(),
                declared: None,
            })
            .collect();
        ("SurveyMonkey (a second header row of options)", columns, 1)
    } else if headers.first().is_some_and(|h| h == "#") && (has("Submit Date (UTC)") || has("Network ID")) {
        ("Typeform CSV", plain(headers), 0)
    } else if headers.first().is_some_and(|h| TIMESTAMP_HEADERS.contains(&h.to_lowercase().as_str())) {
        ("Google Forms CSV", plain(headers), 0)
    } else if generic {
        ("a table of responses, one row per respondent", plain(headers), 0)
    } else {
        return None;
    };
    let roles = match export {
        e if e.starts_with("Qualtrics") => qualtrics_roles(&columns),
        e if e.starts_with("SurveyMonkey") => surveymonkey_roles(&columns),
        e if e.starts_with("Typeform") => typeform_roles(&columns, table),
        e if e.starts_with("Google") => google_roles(&columns),
        _ => generic_roles(&columns),
    };
    let mut rows: Vec<(usize, Vec<String>)> =
        table.rows.iter().skip(skip).filter_map(|r| r.cells.as_ref().ok().map(|c| (r.line, c.clone()))).collect();
    // A response not submitted (Typeform's partial ones) is dated when it started.
    let position = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    if let (Some(submitted), Some(started)) = (position("Submit Date (UTC)"), position("Start Date (UTC)")) {
        for (_, cells) in &mut rows {
            if cells.get(submitted).is_some_and(|c| c.is_empty()) {
                cells[submitted] = cells.get(started).cloned().unwrap_or_default();
            }
        }
    }
    if let Some(bad) = table.rows.iter().skip(skip).find(|r| r.cells.is_err()) {
        return Some(Err(format!("line {}: {}", bad.line, bad.cells.as_ref().err().cloned().unwrap_or_default())));
    }
    Some(sheet(export.to_string(), &columns, roles, rows, mapping, dates))
}

/// SurveyMonkey's second header row: "Response" over each single-column question,
/// "Open-Ended Response" over each open one, an option's text over each option column.
/// Known by those words even when a publisher removed the id and date columns.
fn options_row(cells: &[String]) -> bool {
    let count = |word: &str| cells.iter().filter(|c| c.as_str() == word).count();
    count("Open-Ended Response") >= 1 || count("Response") >= 2
}

fn plain(headers: &[String]) -> Vec<Column> {
    headers
        .iter()
        .map(|h| Column { header: h.clone(), text: h.clone(), detail: String::new(), declared: None })
        .collect()
}

/// Spreadsheet column letters: 0 → A, 26 → AA.
pub(super) fn letter(mut i: usize) -> String {
    let mut out = vec![];
    loop {
        out.push((b'A' + (i % 26) as u8) as char);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.iter().rev().collect()
}

fn qualtrics_roles(columns: &[Column]) -> Vec<Role> {
    columns
        .iter()
        .map(|c| {
            let id = c.detail.as_str();
            let lower = id.to_lowercase();
            if lower == "_recordid" || c.header.eq_ignore_ascii_case("ResponseId") {
                Role::Id
            } else if lower == "recordeddate" {
                Role::Date
            } else if QUALTRICS_FACTS.contains(&lower.as_str()) || lower.ends_with("_nps_group") {
                Role::Fact
            } else if id.starts_with("QID") {
                // QID5_1 and QID5_2 are parts of QID5; QID7_TEXT and QID4_4_TEXT are
                // text entries, questions of their own.
                let text_entry = id.ends_with("_TEXT");
                let base = if text_entry { id.to_string() } else { strip_part(id) };
                let option = (!text_entry && base != id).then(|| after_dash(&c.text));
                Role::Answer { key: base, option }
            } else {
                Role::Attribute
            }
        })
        .collect()
}

/// `QID5_1` → `QID5`; `Q5` → `Q5`.
fn strip_part(id: &str) -> String {
    match id.rsplit_once('_') {
        Some((base, part)) if !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()) => base.to_string(),
        _ => id.to_string(),
    }
}

/// `Please rank these. - Speed` → `Speed`.
fn after_dash(text: &str) -> String {
    text.rsplit_once(" - ").map_or(text, |(_, option)| option).trim().to_string()
}

fn surveymonkey_roles(columns: &[Column]) -> Vec<Role> {
    let mut roles = vec![];
    let mut key = String::new();
    for (i, c) in columns.iter().enumerate() {
        let header = c.header.to_lowercase();
        let role = match header.as_str() {
            "respondent id" => Role::Id,
            "end date" => Role::Date,
            "collector id" | "start date" | "ip address" | "email address" | "first name" | "last name" => Role::Fact,
            h if h.starts_with("custom data") => Role::Attribute,
            _ => {
                if !c.header.is_empty() {
                    key = letter(i);
                }
                let detail = c.detail.trim();
                let option = (!detail.is_empty()
                    && !detail.eq_ignore_ascii_case("Response")
                    && !detail.eq_ignore_ascii_case("Open-Ended Response"))
                .then(|| detail.to_string());
                // "Other (please specify)" holds words, not a tick: a question of its own.
                if option.as_deref().is_some_and(|o| o.to_lowercase().starts_with("other (please specify)")) {
                    Role::Answer { key: format!("{key}:other"), option: None }
                } else {
                    Role::Answer { key: key.clone(), option }
                }
            }
        };
        roles.push(role);
    }
    roles
}

fn typeform_roles(columns: &[Column], table: &Tabular) -> Vec<Role> {
    let facts = ["response type", "start date (utc)", "stage date (utc)", "network id", "tags", "ending"];
    // Older exports: a multiple-choice question as a run of columns, each headed by
    // its option and holding it when chosen.
    let ticks = |i: usize| {
        let mut filled = 0;
        let all = table.rows.iter().filter_map(|r| r.cells.as_ref().ok()).all(|cells| {
            let cell = cells.get(i).map(String::as_str).unwrap_or("");
            filled += usize::from(!cell.is_empty());
            cell.is_empty() || cell == columns[i].header
        });
        all && filled > 0
    };
    let mut roles: Vec<Role> = vec![];
    let mut i = 0;
    while i < columns.len() {
        let header = columns[i].header.to_lowercase();
        let role = match header.as_str() {
            "#" => Role::Id,
            "submit date (utc)" => Role::Date,
            h if facts.contains(&h) => Role::Fact,
            _ => Role::Answer { key: letter(i), option: None },
        };
        if matches!(role, Role::Answer { .. }) && ticks(i) && i + 1 < columns.len() && ticks(i + 1) {
            let key = letter(i);
            while i < columns.len() && ticks(i) {
                roles.push(Role::Answer { key: key.clone(), option: Some(columns[i].header.clone()) });
                i += 1;
            }
            continue;
        }
        roles.push(role);
        i += 1;
    }
    roles
}

fn google_roles(columns: &[Column]) -> Vec<Role> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let header = c.header.to_lowercase();
            if i == 0 {
                Role::Date
            } else if header == "email address" || header == "score" || header == "email" {
                Role::Fact
            } else if let Some((question, row)) = grid_row(&c.header) {
                Role::Answer { key: format!("grid:{question}"), option: Some(row) }
            } else {
                Role::Answer { key: letter(i), option: None }
            }
        })
        .collect()
}

/// `How much do you agree? [Reliable]` → (`How much do you agree?`, `Reliable`).
fn grid_row(header: &str) -> Option<(String, String)> {
    let inner = header.strip_suffix(']')?;
    let (question, row) = inner.rsplit_once(" [")?;
    Some((question.trim().to_string(), row.trim().to_string()))
}

/// Any table: `question [option]` headers (LimeSurvey, SurveyGizmo and other tools
/// write a grid or an option that way, often after a code: `q13[2]. Question [Option]`)
/// are parts of one question; every other column is a question of its own.
fn generic_roles(columns: &[Column]) -> Vec<Role> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| match grid_row(without_code(&c.header)) {
            Some((question, option)) if !option.is_empty() => {
                Role::Answer { key: format!("grid:{question}"), option: Some(option) }
            }
            _ => Role::Answer { key: letter(i), option: None },
        })
        .collect()
}

/// `currentEmp13[2]. In which disciplines...` → `In which disciplines...`: the code a
/// tool puts before each column's question, which differs between a question's parts.
fn without_code(header: &str) -> &str {
    match header.split_once(". ") {
        Some((code, rest))
            if !code.is_empty() && !code.contains(' ') && code.chars().any(|c| c.is_ascii_alphabetic()) =>
        {
            rest
        }
        _ => header,
    }
}

/// Builds the sheet: questions from the roles, respondents from the rows; the
/// request's mapping names the id, date and segment columns where it gives them.
fn sheet(
    export: String,
    columns: &[Column],
    mut roles: Vec<Role>,
    rows: Vec<(usize, Vec<String>)>,
    mapping: &CsvMapping,
    dates: Option<DateOrder>,
) -> std::result::Result<Sheet, String> {
    apply_mapping(columns, &mut roles, mapping)?;
    let id_column = roles.iter().position(|r| *r == Role::Id);
    let dated = response_days(columns, &roles, &rows, mapping, dates)?;
    let respondents = respondents(rows, dated.days, id_column);
    let questions = questions(&export, columns, &roles);
    let left_out =
        columns.iter().zip(&roles).filter(|(_, r)| **r == Role::Fact).map(|(c, _)| c.header.clone()).collect();
    let column_names = columns
        .iter()
        .enumerate()
        .map(|(i, c)| if export.contains("JSON") { c.header.clone() } else { letter(i) })
        .collect();
    Ok(Sheet {
        export,
        notes: dated.note.into_iter().collect(),
        column_names,
        questions,
        respondents,
        left_out,
        attributes: columns
            .iter()
            .enumerate()
            .filter(|(i, _)| roles[*i] == Role::Attribute)
            .map(|(i, c)| (c.header.clone(), i))
            .collect(),
        id_column: id_column.map(|c| columns[c].header.clone()),
        date_column: dated.column.map(|c| columns[c].header.clone()),
    })
}

/// The columns the request's mapping names: the respondent's id and the response's
/// date in place of the export's own (which become facts), a segment to split by.
fn apply_mapping(columns: &[Column], roles: &mut [Role], mapping: &CsvMapping) -> std::result::Result<(), String> {
    if let Some(i) = mapped_column(columns, "participant", &mapping.participant)? {
        take_role(roles, i, Role::Id);
    }
    if let Some(i) = mapped_column(columns, "observed_at", &mapping.observed_at)? {
        take_role(roles, i, Role::Date);
    }
    if let Some(i) = mapped_column(columns, "segment", &mapping.segment)? {
        roles[i] = Role::Attribute;
    }
    Ok(())
}

/// The column a mapping's field names, by its header; an error when the export has none.
fn mapped_column(
    columns: &[Column],
    field: &str,
    wanted: &Option<String>,
) -> std::result::Result<Option<usize>, String> {
    match wanted {
        None => Ok(None),
        Some(w) => columns.iter().position(|c| c.header.eq_ignore_ascii_case(w.trim())).map(Some).ok_or_else(|| {
            format!("mapping.{field}: the export has no column {:?} among its {}", w.trim(), columns.len())
        }),
    }
}

/// Gives column `i` a role one column holds (the id, the date): the column that held
/// it before is left out as a fact.
fn take_role(roles: &mut [Role], i: usize, role: Role) {
    roles.iter_mut().for_each(|r| {
        if *r == role {
            *r = Role::Fact
        }
    });
    roles[i] = role;
}

/// The responses' days, the column they were read from, and why they are undated
/// when the export's own date column did not read.
struct Dated {
    days: Vec<Option<Date>>,
    column: Option<usize>,
    note: Option<String>,
}

/// Reads each response's day from the date column, in the request's order of day and
/// month when it gives one.
fn response_days(
    columns: &[Column],
    roles: &[Role],
    rows: &[(usize, Vec<String>)],
    mapping: &CsvMapping,
    dates: Option<DateOrder>,
) -> std::result::Result<Dated, String> {
    let column = roles.iter().position(|r| *r == Role::Date);
    let cells: Vec<Option<&str>> = rows
        .iter()
        .map(|(_, cells)| column.and_then(|c| cells.get(c)).map(String::as_str).filter(|c| !c.is_empty()))
        .collect();
    match read_days(&cells, dates) {
        Ok(days) => Ok(Dated { days, column, note: None }),
        Err(why) => {
            let header = column.map(|c| columns[c].header.clone()).unwrap_or_default();
            // The request named the column: its dates must read. The export's own date
            // column that does not read (a publisher's Excel serial numbers) leaves the
            // responses undated, in one wave, and the answer says why.
            if mapping.observed_at.is_some() {
                return Err(format!("column {header:?}: {why}"));
            }
            let note =
                format!("column {header:?} was not read as the responses' dates ({why}); they are one wave, undated");
            Ok(Dated { days: vec![None; cells.len()], column: None, note: Some(note) })
        }
    }
}

/// Each row as a respondent, with its day: named by the id column, else by its place
/// ("row 3").
fn respondents(rows: Vec<(usize, Vec<String>)>, days: Vec<Option<Date>>, id_column: Option<usize>) -> Vec<Respondent> {
    rows.into_iter()
        .zip(days)
        .enumerate()
        .map(|(i, ((line, cells), date))| Respondent {
            line,
            id: id_column
                .and_then(|c| cells.get(c))
                .filter(|c| !c.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("row {}", i + 1)),
            date,
            cells,
        })
        .collect()
}

/// The questions the answer columns make: a column joins the question of its key, or
/// starts one.
fn questions(export: &str, columns: &[Column], roles: &[Role]) -> Vec<Question> {
    let mut questions: Vec<Question> = vec![];
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, role) in roles.iter().enumerate() {
        let Role::Answer { key, option } = role else { continue };
        let part = Part { column: i, option: option.clone() };
        match index.get(key) {
            Some(&q) => questions[q].parts.push(part),
            None => {
                // SurveyMonkey's "Other (please specify)" column: the question it belongs to.
                let asked = key
                    .strip_suffix(":other")
                    .map(|base| index.get(base).map(|q| questions[*q].text.clone()).unwrap_or_default());
                index.insert(key.clone(), questions.len());
                questions.push(question(export, key, &columns[i], part, asked));
            }
        }
    }
    for q in &mut questions {
        // One column of a question is no option of it: it holds the answers.
        if q.parts.len() == 1 {
            q.parts[0].option = None;
        }
        // Older Typeform exports head an option's column with the option alone: the
        // question's own words are not in the file.
        if export.starts_with("Typeform") && q.parts.len() > 1 {
            q.text = q.parts.iter().filter_map(|p| p.option.clone()).collect::<Vec<_>>().join(" / ");
        }
    }
    questions
}

/// The question a column starts, with that column as its first part; `asked` is the
/// text of the question an "Other (please specify)" column belongs to.
fn question(export: &str, key: &str, column: &Column, part: Part, asked: Option<String>) -> Question {
    let i = part.column;
    let (id, mut text) = question_names(export, key, column, i, part.option.is_some());
    // A column without a header still holds answers to something: it is named by its
    // place, not left out or refused.
    if text.trim().is_empty() {
        text = format!("column {}", letter(i));
    }
    if let Some(asked) = asked {
        text = format!("{asked} - Other (please specify)");
    }
    let declared = column.declared.clone().unwrap_or_else(|| Declared {
        kind: (column.detail.eq_ignore_ascii_case("Open-Ended Response") || column.detail.ends_with("_TEXT"))
            .then_some(QuestionType::OpenEnded),
        ..Default::default()
    });
    Question { id, text, parts: vec![part], declared }
}

/// A question's id and text from its first column (`i`).
fn question_names(export: &str, key: &str, column: &Column, i: usize, parts: bool) -> (String, String) {
    if export.starts_with("Qualtrics") {
        let id = if parts { strip_part(&column.header) } else { column.header.clone() };
        // The JSON export carries no question text: the question is its id.
        let text = if column.text == column.header {
            id.clone()
        } else if parts {
            column.text.rsplit_once(" - ").map_or(column.text.as_str(), |(q, _)| q).to_string()
        } else {
            column.text.clone()
        };
        return (id, text);
    }
    match key.strip_prefix("grid:") {
        Some(question) => (letter(i), question.to_string()),
        // JSON exports name their fields (Typeform's refs); tables have letters.
        None if export.contains("JSON") => (column.header.clone(), column.text.clone()),
        None => (letter(i), column.text.clone()),
    }
}

/// Several choices of one JSON answer in one cell, apart: choice text may hold commas.
const LIST: &str = "\n";

/// A response export in JSON (Qualtrics' response export, Typeform's responses API),
/// or None when the JSON is neither.
pub(super) fn from_json(json: &Value, mapping: &CsvMapping) -> Option<std::result::Result<Sheet, String>> {
    let (export, table, roles) = if let Some(responses) = json.get("responses").and_then(Value::as_array) {
        let table = qualtrics_json(responses)?;
        let roles = qualtrics_roles(&table.columns);
        ("Qualtrics JSON (response export)", table, roles)
    } else if let Some(items) = json.get("items").and_then(Value::as_array) {
        let (table, facts) = typeform_json(items);
        let roles = typeform_json_roles(&table.columns, &facts);
        ("Typeform JSON (responses API)", table, roles)
    } else {
        return None;
    };
    let (columns, rows) = table.into_rows();
    Some(sheet(export.to_string(), &columns, roles, rows, mapping, None))
}

/// A JSON value as a cell: a list's items one per line ([`LIST`]), null empty.
fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(String::from).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join(LIST),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON export read as a table: a column per key, in the order keys first appear,
/// and each response's cells by column (a response leaves out what it did not answer).
#[derive(Default)]
struct JsonTable {
    columns: Vec<Column>,
    at: BTreeMap<String, usize>,
    rows: Vec<(usize, Vec<(usize, String)>)>,
}

impl JsonTable {
    /// The column of `key`, added when it is new, with what this response declares
    /// about its question.
    fn column(&mut self, key: &str, declared: Option<Declared>) -> usize {
        let columns = &mut self.columns;
        let i = *self.at.entry(key.to_string()).or_insert_with(|| {
            columns.push(Column {
                header: key.to_string(),
                text: key.to_string(),
                detail: key.to_string(),
                declared: None,
            });
            columns.len() - 1
        });
        // A field answered with one choice in one response and several in another
        // is a multiple-choice question.
        let known = &mut columns[i].declared;
        match (known.as_ref().and_then(|d| d.kind), declared) {
            (Some(QuestionType::MultipleChoice), _) | (_, None) => {}
            (_, Some(d)) => *known = Some(d),
        }
        i
    }

    /// The columns, and each response's cells in every column (empty where it gave
    /// no answer).
    fn into_rows(self) -> (Vec<Column>, Vec<(usize, Vec<String>)>) {
        let width = self.columns.len();
        let rows = self
            .rows
            .into_iter()
            .map(|(line, cells)| {
                let mut full = vec![String::new(); width];
                for (c, v) in cells {
                    full[c] = v;
                }
                (line, full)
            })
            .collect();
        (self.columns, rows)
    }
}

/// Qualtrics' `responses[]`: each response's `values` by ImportId, shown as their
/// `labels` where a choice has one. None when a response has no values.
fn qualtrics_json(responses: &[Value]) -> Option<JsonTable> {
    let mut table = JsonTable::default();
    for (i, response) in responses.iter().enumerate() {
        let values = response.get("values").and_then(Value::as_object)?;
        let labels = response.get("labels").and_then(Value::as_object);
        let shown = response.get("displayedValues").and_then(Value::as_object);
        let mut cells = vec![];
        for (key, value) in values {
            let label = labels.and_then(|l| l.get(key));
            let points = shown.and_then(|s| s.get(key)).and_then(Value::as_array);
            let c = table.column(key, qualtrics_declared(key, value, label, points));
            cells.push((c, cell_text(label.unwrap_or(value))));
        }
        table.rows.push((i + 1, cells));
    }
    Some(table)
}

/// What a Qualtrics answer says about its question: several values are a multiple
/// choice; the points shown, for a question answered in numbers without labels, a
/// scale (NPS 0-10) when they run whole from low to high over five or more.
fn qualtrics_declared(key: &str, value: &Value, label: Option<&Value>, shown: Option<&Vec<Value>>) -> Option<Declared> {
    match (label, shown) {
        (None, Some(points)) if !value.is_array() => {
            let points: Vec<i64> = points.iter().filter_map(Value::as_i64).collect();
            let (low, high) = (points.iter().min().copied(), points.iter().max().copied());
            match (low, high) {
                (Some(l), Some(h)) if points.len() as i64 == h - l + 1 && h - l >= 4 && !key.contains('_') => {
                    Some(Declared {
                        kind: Some(QuestionType::Scale),
                        scale: Some((l as i32, h as i32)),
                        ..Default::default()
                    })
                }
                _ => None,
            }
        }
        _ if value.is_array() => {
            Some(Declared { kind: Some(QuestionType::MultipleChoice), separator: Some(LIST), ..Default::default() })
        }
        _ => None,
    }
}

/// Typeform's `items[]`: each response's id, day, hidden fields and answers, keyed by
/// the field's ref; and the fields whose answers are kept out as facts.
fn typeform_json(items: &[Value]) -> (JsonTable, Vec<String>) {
    let mut table = JsonTable::default();
    let mut facts = vec![];
    for (i, item) in items.iter().enumerate() {
        let mut cells = vec![];
        let id = item.get("response_id").or_else(|| item.get("token")).map(cell_text).unwrap_or_default();
        cells.push((table.column("response_id", None), id));
        let when = item.get("submitted_at").or_else(|| item.get("landed_at")).map(cell_text).unwrap_or_default();
        cells.push((table.column("submitted_at", None), when));
        for (key, value) in item.get("hidden").and_then(Value::as_object).into_iter().flatten() {
            cells.push((table.column(&format!("hidden:{key}"), None), cell_text(value)));
        }
        for answer in item.get("answers").and_then(Value::as_array).into_iter().flatten() {
            let field = answer.get("field");
            let field_type = field.and_then(|f| f.get("type")).and_then(Value::as_str).unwrap_or("");
            let key = field
                .and_then(|f| f.get("ref").or_else(|| f.get("id")))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let answer_type = answer.get("type").and_then(Value::as_str).unwrap_or("");
            let Some(value) = typeform_value(answer, answer_type) else {
                facts.push(key);
                continue;
            };
            if let Some(value) = value {
                cells.push((table.column(&key, Some(typeform_declared(field_type, answer_type))), value));
            }
        }
        table.rows.push((i + 1, cells));
    }
    (table, facts)
}

/// A Typeform answer's cell: its choice or choices, yes or no, number or text (Some
/// of None when the answer lacks it). None for an answer that is no evidence to keep:
/// contact details, dates, files and payments.
fn typeform_value(answer: &Value, answer_type: &str) -> Option<Option<String>> {
    Some(match answer_type {
        "choice" => answer.get("choice").and_then(|c| c.get("label").or_else(|| c.get("other"))).map(cell_text),
        "choices" => answer.get("choices").map(|c| {
            let mut chosen: Vec<String> = c
                .get("labels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|l| l.as_str().map(String::from))
                .collect();
            chosen.extend(c.get("other").and_then(Value::as_str).map(String::from));
            chosen.join(LIST)
        }),
        "boolean" => answer.get("boolean").and_then(Value::as_bool).map(|b| if b { "yes" } else { "no" }.to_string()),
        "number" | "text" => answer.get(answer_type).map(cell_text),
        _ => return None,
    })
}

/// What a Typeform field's type declares about its question.
fn typeform_declared(field_type: &str, answer_type: &str) -> Declared {
    Declared {
        kind: match field_type {
            "nps" | "opinion_scale" | "rating" => Some(QuestionType::Scale),
            "yes_no" | "legal" => Some(QuestionType::YesNo),
            "short_text" | "long_text" => Some(QuestionType::OpenEnded),
            "ranking" => Some(QuestionType::Ranking),
            "multiple_choice" | "picture_choice" if answer_type == "choices" => Some(QuestionType::MultipleChoice),
            "multiple_choice" | "picture_choice" | "dropdown" => Some(QuestionType::SingleChoice),
            _ => None,
        },
        scale: (field_type == "nps").then_some((0, 10)),
        separator: (answer_type == "choices").then_some(LIST),
        battery: None,
    }
}

/// The roles of a Typeform JSON export's columns: the response's id and day, hidden
/// fields as attributes, facts left out, and each field a question of its own, keyed
/// by its ref.
fn typeform_json_roles(columns: &[Column], facts: &[String]) -> Vec<Role> {
    columns
        .iter()
        .map(|c| match c.header.as_str() {
            "response_id" => Role::Id,
            "submitted_at" => Role::Date,
            h if h.starts_with("hidden:") => Role::Attribute,
            h if facts.iter().any(|f| f == h) => Role::Fact,
            h => Role::Answer { key: h.to_string(), option: None },
        })
        .collect()
}

//! Tables as people keep them: CSV, TSV and spreadsheets (.xlsx, .xls, .ods), read
//! into one shape, a header and rows of text cells, so each importer maps columns
//! once whatever the file was.
//!
//! Spreadsheet cells become the text a person sees: numbers as written, dates as
//! YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS when they carry a time, read later in the
//! user's zone, since a spreadsheet has none). A row's `line` is its row number in
//! the sheet, the header being 1, as in a CSV file.

use std::io::Cursor;

use calamine::{Data, Reader};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate;

/// How a table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Csv,
    Tsv,
    /// .xlsx, .xlsm, .xls, .xlsb or .ods: the first sheet, or the one named.
    Spreadsheet,
}

impl TableKind {
    /// The kind a file name says, if it names a table.
    pub fn of_name(name: &str) -> Option<TableKind> {
        let lower = name.to_lowercase();
        let lower = lower.split(['?', '#']).next().unwrap_or("");
        let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "csv" => Some(TableKind::Csv),
            "tsv" | "tab" => Some(TableKind::Tsv),
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Some(TableKind::Spreadsheet),
            _ => None,
        }
    }
}

pub struct Tabular {
    /// The header's cells, trimmed.
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
    /// Spreadsheets: which sheet was read, and the others there are.
    pub sheet: Option<SheetRead>,
    /// The encoding a text table was read in when it was not UTF-8.
    pub encoding: Option<&'static str>,
}

/// The sheet of a workbook an import read, so its answer can say so: a workbook's
/// first sheet is often a cover page, and which sheet was read is not visible in the
/// rows. Facts only; each front end says how to choose another (a flag, a field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SheetRead {
    /// The sheet read.
    pub read: String,
    /// The workbook's other sheets, in its order.
    pub others: Vec<String>,
    /// True when the request named the sheet; false when the first was read.
    pub chosen: bool,
}

pub struct TableRow {
    /// 1-based: the header is line 1.
    pub line: usize,
    /// The cells, trimmed; or why the row cannot be read.
    pub cells: std::result::Result<Vec<String>, String>,
}

impl TableRow {
    /// A cell, None when the row is shorter or the cell empty.
    pub fn get(&self, column: Option<usize>) -> Option<&str> {
        let cells = self.cells.as_ref().ok()?;
        column.and_then(|c| cells.get(c)).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// Reads `bytes` (from `name`, for messages) as a table. `field` is the request
/// field errors about the file as a whole are charged to (path or url).
pub fn read_table(field: &str, name: &str, bytes: Vec<u8>, kind: TableKind, sheet: Option<&str>) -> Result<Tabular> {
    match kind {
        TableKind::Csv => delimited(field, name, &bytes, b','),
        TableKind::Tsv => delimited(field, name, &bytes, b'\t'),
        TableKind::Spreadsheet => spreadsheet(field, name, bytes, sheet),
    }
}

fn delimited(field: &str, name: &str, bytes: &[u8], delimiter: u8) -> Result<Tabular> {
    let (text, encoding) = decode(field, name, bytes)?;
    let text: &str = &text;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            Error::invalid(field, format!("the header (line 1) cannot be read: {}", validate::csv_reason(&e)))
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let rows = reader
        .records()
        .enumerate()
        .map(|(i, record)| TableRow {
            line: i + 2,
            cells: record
                .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
                .map_err(|e| validate::csv_reason(&e)),
        })
        .collect();
    Ok(Tabular { headers, rows, sheet: None, encoding })
}

/// The table's text: UTF-8, or else Windows-1252, which Excel on Windows writes a
/// "CSV" in and which survey tools export by default on many machines. A file with
/// bytes that are text in neither (NULs, the code points Windows-1252 leaves
/// undefined) is refused: it is no text table.
fn decode<'a>(field: &str, name: &str, bytes: &'a [u8]) -> Result<(std::borrow::Cow<'a, str>, Option<&'static str>)> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((std::borrow::Cow::Borrowed(text), None)),
        Err(e) => {
            let undefined = [0x81u8, 0x8d, 0x8f, 0x90, 0x9d];
            let text_like = !bytes.iter().any(|b| *b == 0 || undefined.contains(b));
            if !text_like {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{name} is not UTF-8 text (invalid byte at offset {}) nor Windows-1252; save or export it as UTF-8",
                        e.valid_up_to()
                    ),
                ));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text, Some("Windows-1252")))
        }
    }
}

fn spreadsheet(field: &str, name: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Tabular> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Error::invalid(field, format!("{name} cannot be read as a spreadsheet (.xlsx, .xls, .ods): {e}"))
    })?;
    let names = workbook.sheet_names();
    let chosen = match sheet {
        Some(wanted) => names.iter().find(|n| n.eq_ignore_ascii_case(wanted.trim())).cloned().ok_or_else(|| {
            Error::invalid(
                "sheet",
                format!(
                    "{name} has no sheet {:?}; its sheets are {}",
                    validate::truncate(wanted, 60),
                    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
                ),
            )
        })?,
        None => names.first().cloned().ok_or_else(|| Error::invalid(field, format!("{name} has no sheet")))?,
    };
    let range = workbook
        .worksheet_range(&chosen)
        .map_err(|e| Error::invalid(field, format!("sheet {chosen:?} of {name} cannot be read: {e}")))?;
    // Rows are numbered as the sheet numbers them, from its first used row.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = range.rows().enumerate().map(|(i, cells)| (first_row + i + 1, cells));
    let Some((_, header)) = rows.next() else {
        return Err(Error::invalid(field, format!("sheet {chosen:?} of {name} is empty")));
    };
    let headers: Vec<String> = header.iter().map(cell_text).collect();
    let rows = rows
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(line, cells)| TableRow { line, cells: Ok(cells.iter().map(cell_text).collect()) })
        .collect();
    let others = names.iter().filter(|n| **n != chosen).cloned().collect();
    Ok(Tabular {
        headers,
        rows,
        sheet: Some(SheetRead { read: chosen, others, chosen: sheet.is_some() }),
        encoding: None,
    })
}

/// A cell as the text a person sees in it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::DateTime(at) if at.is_datetime() => {
            let (year, month, day, hour, minute, second, _) = at.to_ymd_hms_milli();
            if (hour, minute, second) == (0, 0, 0) {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")
            }
        }
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_name() {
        assert_eq!(TableKind::of_name("notes/Highlights.TSV"), Some(TableKind::Tsv));
        assert_eq!(TableKind::of_name("https://x.example/export.xlsx?dl=1"), Some(TableKind::Spreadsheet));
        assert_eq!(TableKind::of_name("survey.ods"), Some(TableKind::Spreadsheet));
        assert_eq!(TableKind::of_name("notes.txt"), None);
    }

    #[test]
    fn a_table_that_is_not_utf8_is_read_as_windows_1252_unless_it_is_no_text() {
        let excel = b"text,participant\nCaf\xe9 was closed \x96 again,P1\n".to_vec();
        let table = read_table("path", "t.csv", excel, TableKind::Csv, None).unwrap();
        assert_eq!(table.encoding, Some("Windows-1252"));
        assert_eq!(table.rows[0].get(Some(0)), Some("Caf\u{e9} was closed \u{2013} again"));
        let binary = b"text\n\x00\x81\xff".to_vec();
        let err = read_table("path", "t.csv", binary, TableKind::Csv, None).err().unwrap().to_string();
        assert!(err.contains("is not UTF-8 text (invalid byte at offset 6) nor Windows-1252"), "{err}");
    }

    #[test]
    fn a_tsv_keeps_commas_inside_cells_and_a_bom_is_not_a_header() {
        let text = "\u{feff}text\tparticipant\nI paid, then left\tP1\nshort row\n";
        let table = read_table("path", "t.tsv", text.as_bytes().to_vec(), TableKind::Tsv, None).unwrap();
        assert_eq!(table.headers, ["text", "participant"]);
        assert_eq!(table.rows[0].cells.as_ref().unwrap(), &["I paid, then left", "P1"]);
        assert_eq!(table.rows[0].get(Some(1)), Some("P1"));
        assert!(table.rows[1].cells.as_ref().unwrap_err().contains("has 1 fields where the header has 2"));
        assert_eq!(table.rows[1].line, 3);
    }

    #[test]
    fn bytes_that_are_no_spreadsheet_are_refused_by_name() {
        let error = read_table("path", "x.xlsx", b"not a zip".to_vec(), TableKind::Spreadsheet, None).err().unwrap();
        assert!(error.to_string().starts_with("path: x.xlsx cannot be read as a spreadsheet"), "{error}");
    }
}

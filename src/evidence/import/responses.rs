//! Survey response exports: one row per respondent and one or more columns per
//! question, as Qualtrics, SurveyMonkey, Typeform and Google Forms write them (their
//! shapes are recognised in [`super::vendors`]; this module knows none of them).
//!
//! Each question's type is read from its answers and from what the export declares
//! (a choice list, scale bounds, an NPS question), by the rules below, and the
//! answer says what each question was read as. When the answers cannot decide (whole
//! numbers 1 to 10: a 1-10 scale or a 0-10 one nobody answered 0 on?), the question
//! is not guessed: it is left out and asked about, with the readings it could have,
//! and `questions` in the request settles it.
//!
//! Closed questions become one survey result per wave (and per segment, when a
//! segment column is named); open-text answers become one item each, with the
//! respondent's id, segment and date. Every item has a record id made of the file,
//! the question and the wave or respondent, so pulling the same export again updates
//! the results instead of adding them twice.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rows::{Origin, Row};
use crate::clock::DateOrder;
use crate::evidence::add::EvidenceInput;
use crate::model::{AnswerCount, EvidenceKind, QuestionType, RankCounts, ScaleLabel, Source, SurveyResult};

/// A response export, read into questions and respondents.
pub(super) struct Sheet {
    /// What was recognised, for people: "Qualtrics CSV (three header rows)".
    pub export: String,
    pub questions: Vec<Question>,
    pub respondents: Vec<Respondent>,
    /// Columns that are facts about the response, not answers (StartDate, IP Address...).
    pub left_out: Vec<String>,
    /// Columns that describe the respondent (embedded data, hidden fields): segments
    /// the request may split results by.
    pub attributes: Vec<(String, usize)>,
    /// The columns the respondent's id and the response's date were read from.
    pub id_column: Option<String>,
    pub date_column: Option<String>,
    /// How the answer names each column: its letter, or a JSON export's field.
    pub column_names: Vec<String>,
    /// What could not be read and what was done instead.
    pub notes: Vec<String>,
}

/// One question and the columns that hold its answers.
pub(super) struct Question {
    /// The export's own name for it (Q5, a field ref) or the column's letter.
    pub id: String,
    pub text: String,
    /// One column per part: a single column, or one per option, item or row.
    pub parts: Vec<Part>,
    pub declared: Declared,
}

pub(super) struct Part {
    pub column: usize,
    /// The option, item or row this column holds (SurveyMonkey's second header row,
    /// the text after " - " in Qualtrics).
    pub option: Option<String>,
}

/// What the export itself says about a question.
#[derive(Default, Clone)]
pub(super) struct Declared {
    pub kind: Option<QuestionType>,
    pub scale: Option<(i32, i32)>,
    /// The export separates several choices in one cell with this (Qualtrics: ",").
    pub separator: Option<&'static str>,
    /// The lowest and highest whole number answered to the questions of its battery.
    pub battery: Option<(i32, i32)>,
}

pub(super) struct Respondent {
    /// The row (or, for JSON, the response's position).
    pub line: usize,
    pub id: String,
    pub date: Option<jiff::civil::Date>,
    pub cells: Vec<String>,
}

impl Respondent {
    /// A cell's answer: None when empty or a skip code (-99: seen and not answered).
    fn answer(&self, column: usize) -> Option<&str> {
        let cell = self.cells.get(column)?.trim();
        (!cell.is_empty() && cell != "-99").then_some(cell)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaveBy {
    Week,
    Month,
    Quarter,
    None,
}

// How to read one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionSpec {
    /// Id as listed (Q5), or text.
    pub question: String,
    #[serde(rename = "type")]
    pub read_as: SpecType,
    #[serde(default)]
    pub scale_min: Option<i32>,
    #[serde(default)]
    pub scale_max: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpecType {
    Scale,
    Nps,
    SingleChoice,
    MultipleChoice,
    Ranking,
    YesNo,
    OpenEnded,
    Skip,
}

/// What one question was read as, in the import's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuestionRead {
    pub question: String,
    /// The question's text, cut at 60 characters.
    pub text: String,
    /// scale 1-5, nps 0-10, single_choice, multiple_choice, ranking, yes_no,
    /// open_ended, skipped, or unclear (see ask).
    pub read_as: String,
    /// How the reading was found: declared by the export, from the answers, or given.
    pub because: String,
    /// The columns it was read from, by letter as a spreadsheet names them (`R`, or
    /// `R:CD` for R through CD); JSON exports by field.
    pub columns: Vec<String>,
    /// Respondents who answered it, over all waves.
    pub answered: u32,
    /// Items made from it (results per wave and segment, or one per open answer).
    pub items: usize,
    /// When the answers cannot decide: the readings they allow. Not imported until
    /// the request's `questions` gives one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub could_be: Vec<String>,
}

/// The import's account of a response export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponsesRead {
    /// The export recognised, such as "Qualtrics CSV (three header rows)".
    pub export: String,
    pub respondents: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Respondent attributes that could split results (mapping.segment names one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segment_columns: Vec<String>,
    pub wave_by: WaveBy,
    pub waves: Vec<String>,
    /// Every unclear question, and the others up to 40 (all with all_questions).
    pub questions: Vec<QuestionRead>,
    #[serde(default, skip_serializing_if = "crate::model::is_zero")]
    pub questions_not_listed: usize,
    /// What could not be read, and what was done instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Columns about the response rather than its answers, not imported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

/// A question's reading.
#[derive(Debug, Clone, PartialEq)]
enum Reading {
    /// Points min..max; `labels` maps answer text to its point when answers are words.
    Scale {
        min: i32,
        max: i32,
        labels: Vec<(String, i32)>,
    },
    /// `options` the answers that recur; any other answer is a write-in, counted as
    /// "Other". Empty: every answer is an option.
    SingleChoice {
        options: Vec<String>,
    },
    MultipleChoice {
        options: Vec<String>,
        separator: Option<&'static str>,
    },
    /// Ranks in one column per option (`separator` None), or each respondent's
    /// options in order in one cell.
    Ranking {
        options: Vec<String>,
        separator: Option<&'static str>,
    },
    YesNo,
    OpenEnded,
    Skip,
    Unclear {
        could_be: Vec<String>,
        why: String,
    },
}

impl Reading {
    fn name(&self) -> String {
        match self {
            Reading::Scale { min: 0, max: 10, .. } => "nps 0-10".into(),
            Reading::Scale { min, max, .. } => format!("scale {min}-{max}"),
            Reading::SingleChoice { .. } => "single_choice".into(),
            Reading::MultipleChoice { .. } => "multiple_choice".into(),
            Reading::Ranking { .. } => "ranking".into(),
            Reading::YesNo => "yes_no".into(),
            Reading::OpenEnded => "open_ended".into(),
            Reading::Skip => "skipped".into(),
            Reading::Unclear { .. } => "unclear".into(),
        }
    }
}

/// Label ladders of common scales, lowest point first (compared without case).
const LADDERS: &[&[&str]] = &[
    &["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"],
    &["strongly disagree", "somewhat disagree", "neither agree nor disagree", "somewhat agree", "strongly agree"],
    &[
        "strongly disagree",
        "disagree",
        "somewhat disagree",
        "neither agree nor disagree",
        "somewhat agree",
        "agree",
        "strongly agree",
    ],
    &["very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied", "very satisfied"],
    &[
        "very dissatisfied",
        "somewhat dissatisfied",
        "neither satisfied nor dissatisfied",
        "somewhat satisfied",
        "very satisfied",
    ],
    &[
        "extremely dissatisfied",
        "somewhat dissatisfied",
        "neither satisfied nor dissatisfied",
        "somewhat satisfied",
        "extremely satisfied",
    ],
    &["very unlikely", "unlikely", "neither likely nor unlikely", "likely", "very likely"],
    &["extremely unlikely", "somewhat unlikely", "neither likely nor unlikely", "somewhat likely", "extremely likely"],
    &["very difficult", "difficult", "neither easy nor difficult", "easy", "very easy"],
    &["very difficult", "somewhat difficult", "neither easy nor difficult", "somewhat easy", "very easy"],
    &["not at all important", "slightly important", "moderately important", "very important", "extremely important"],
    &["very poor", "poor", "fair", "good", "excellent"],
    &["never", "rarely", "sometimes", "often", "always"],
];

/// Middle points written another way.
const NEUTRAL: &[&str] = &["neutral", "neither", "neither agree or disagree"];

const YES: &[&str] = &["yes", "y", "true", "1"];
const NO: &[&str] = &["no", "n", "false", "0"];

/// Write-ins of a choice question: answers that do not recur, counted together.
const OTHER: &str = "Other (written in)";

/// Words by which a question says several answers may be chosen.
fn says_check_all(question: &Question) -> bool {
    let text = question.text.to_lowercase();
    ["check all", "select all", "all that apply", "select as many", "choose all", "tick all", "mark all"]
        .iter()
        .any(|w| text.contains(w))
}

/// At most this many distinct answers make a choice question.
const MAX_CHOICES: usize = 15;

/// The point a scale answer stands for: `4`, `4 - Agree`, `10 (Extremely likely)`.
fn leading_point(answer: &str) -> Option<i32> {
    let digits: String = answer.trim().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    let rest = answer.trim()[digits.len()..].trim_start();
    let point = digits.parse::<i32>().ok()?;
    (rest.is_empty() || rest.starts_with(['-', '(', '=', ':', '–'])).then_some(point)
}

/// A ladder every answer is on, with each answer's point (1-based).
fn ladder_of(answers: &BTreeSet<String>) -> Option<(i32, Vec<(String, i32)>)> {
    LADDERS.iter().find_map(|ladder| {
        let mut labels = vec![];
        for answer in answers {
            let lower = answer.to_lowercase();
            let position = ladder.iter().position(|step| *step == lower).or_else(|| {
                NEUTRAL.contains(&lower.as_str()).then_some(ladder.len() / 2).filter(|_| ladder.len() % 2 == 1)
            })?;
            labels.push((answer.clone(), position as i32 + 1));
        }
        Some((ladder.len() as i32, labels))
    })
}

/// Whether a question's words say it is the NPS question.
fn says_nps(question: &Question) -> bool {
    let words = format!("{} {}", question.id, question.text).to_lowercase();
    words.contains("recommend") || words.contains("nps") || words.contains("net promoter")
}

/// The scale standard bounds the observed points fit, found from both ends: or why not.
fn scale_bounds(question: &Question, low: i32, high: i32) -> std::result::Result<(i32, i32), (Vec<String>, String)> {
    let nps = says_nps(question);
    let seen = format!("whole numbers {low} to {high}");
    match (low, high) {
        (0, 10) => Ok((0, 10)),
        (l, 10) if l >= 0 && nps => Ok((0, 10)),
        (l, 10) if l >= 1 => Err((
            vec!["scale 1-10".into(), "nps 0-10".into()],
            format!("{seen}: a 1-10 scale, or a 0-10 one nobody answered 0 on"),
        )),
        (l, h) if l >= 0 && h <= 10 && nps => Ok((0, 10)),
        (l, 5) if l >= 1 => Ok((1, 5)),
        (l, 7) if l >= 1 => Ok((1, 7)),
        (l, h) if l >= 0 && h <= 10 => {
            // Codes of choices are as likely as a scale nobody answered the top of.
            let mut could_be = vec!["single_choice".to_string()];
            if let Some((a, b)) = [(1, 5), (1, 7), (0, 10)].iter().find(|(a, b)| *a <= l && h <= *b) {
                could_be.push(format!("scale {a}-{b}"));
            }
            if h - l >= 2 {
                could_be.push(format!("scale {l}-{h}"));
            }
            Err((
                could_be,
                format!(
                    "{seen}: choice codes, or a scale whose top nobody answered (no standard scale ends at {high})"
                ),
            ))
        }
        _ => Err((
            vec!["open_ended".into(), "skip".into()],
            format!("{seen}: counts or amounts, not one of the six question types"),
        )),
    }
}

/// Reads one single-column question from its answers and what the export declares.
fn read_single(question: &Question, answers: &[&str]) -> (Reading, String) {
    let distinct: BTreeSet<String> = answers.iter().map(|a| a.to_string()).collect();
    let declared = &question.declared;
    let from_answers = "from the answers".to_string();
    if answers.is_empty() {
        return (Reading::Skip, "nobody answered it".into());
    }
    // What the export declares wins where the answers fit it.
    match declared.kind {
        Some(QuestionType::Scale) => {
            if let Some((min, max)) = declared.scale {
                return (Reading::Scale { min, max, labels: vec![] }, "declared by the export".into());
            }
        }
        Some(QuestionType::OpenEnded) => return (Reading::OpenEnded, "declared by the export".into()),
        Some(QuestionType::YesNo) => return (Reading::YesNo, "declared by the export".into()),
        Some(QuestionType::MultipleChoice) => {
            return (
                Reading::MultipleChoice { options: vec![], separator: declared.separator },
                "declared by the export".into(),
            );
        }
        Some(QuestionType::Ranking) => {
            let reading = match multiple_in_one_cell(question, answers) {
                Some(Reading::Ranking { options, separator } | Reading::MultipleChoice { options, separator }) => {
                    Reading::Ranking { options, separator }
                }
                _ => Reading::Ranking { options: distinct.iter().cloned().collect(), separator: declared.separator },
            };
            return (reading, "declared by the export".into());
        }
        Some(QuestionType::SingleChoice) if distinct.iter().all(|a| leading_point(a).is_none()) => {
            return (Reading::SingleChoice { options: vec![] }, "declared by the export".into());
        }
        _ => {}
    }
    let lower: BTreeSet<String> = distinct.iter().map(|a| a.to_lowercase()).collect();
    if lower.iter().all(|a| YES.contains(&a.as_str()) || NO.contains(&a.as_str()))
        && lower.iter().any(|a| YES.contains(&a.as_str()))
        && lower.iter().any(|a| NO.contains(&a.as_str()))
    {
        let coded = lower.contains("1") || lower.contains("0");
        return (Reading::YesNo, if coded { "from the answers: 1 read as yes, 0 as no".into() } else { from_answers });
    }
    let points: Option<Vec<i32>> = distinct.iter().map(|a| leading_point(a)).collect();
    if let Some(points) = points {
        let (low, high) = (*points.iter().min().unwrap_or(&0), *points.iter().max().unwrap_or(&0));
        let labels: Vec<(String, i32)> = distinct.iter().filter_map(|a| Some((a.clone(), leading_point(a)?))).collect();
        let words = labels.iter().any(|(a, p)| a.trim() != p.to_string());
        let labels = if words { labels } else { vec![] };
        // Both ends written with their words ("1 (Never)", "10 (Always)"): those are the ends.
        let labelled = |point: i32| labels.iter().any(|(a, p)| *p == point && a.trim() != point.to_string());
        if labelled(low) && labelled(high) && high - low >= 2 {
            return (
                Reading::Scale { min: low, max: high, labels },
                "from the answers: both ends carry their labels".into(),
            );
        }
        // A question of a battery (MARS3_1, MARS4_1 ...; a grid's rows) shares its scale.
        let (low, high, because) = match question.declared.battery {
            Some((l, h)) if (l, h) != (low, high) => {
                (low.min(l), high.max(h), "from the answers to it and the questions of its battery".to_string())
            }
            _ => (low, high, from_answers),
        };
        return match scale_bounds(question, low, high) {
            Ok((min, max)) => (Reading::Scale { min, max, labels }, because),
            Err((could_be, why)) => (Reading::Unclear { could_be, why }, because),
        };
    }
    if let Some((steps, labels)) = ladder_of(&distinct) {
        return (Reading::Scale { min: 1, max: steps, labels }, "from the answers' labels".into());
    }
    if let Some(reading) = multiple_in_one_cell(question, answers) {
        return (reading, from_answers);
    }
    let n = answers.len();
    // Options recur; a write-in ("Other: ...", typed into the same column) does not.
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for a in answers {
        *times.entry(a).or_default() += 1;
    }
    let options: Vec<String> = times.iter().filter(|(_, t)| **t >= 2).map(|(a, _)| a.to_string()).collect();
    let covered = times.iter().filter(|(_, t)| **t >= 2).map(|(_, t)| t).sum::<usize>();
    let longest = options.iter().map(|a| a.chars().count()).max().unwrap_or(0);
    if (2..=MAX_CHOICES).contains(&options.len()) && covered * 10 >= n * 7 && longest <= 80 {
        let options = if options.len() == distinct.len() { vec![] } else { options };
        let because = if options.is_empty() {
            from_answers
        } else {
            "from the answers: the ones that recur are its options, the rest write-ins counted as Other".into()
        };
        return (Reading::SingleChoice { options }, because);
    }
    let mean_words = answers.iter().map(|a| a.split_whitespace().count()).sum::<usize>() as f64 / n as f64;
    if distinct.len() * 4 >= n * 3 || mean_words >= 6.0 {
        return (Reading::OpenEnded, from_answers);
    }
    (
        Reading::Unclear {
            could_be: vec!["single_choice".into(), "open_ended".into()],
            why: format!("{} different answers from {n} respondents: options, or short free text", distinct.len()),
        },
        from_answers,
    )
}

/// Several choices in one cell (Google Forms' "A, B", Qualtrics' "A,B"): the cells
/// split into parts that recur.
fn multiple_in_one_cell(question: &Question, answers: &[&str]) -> Option<Reading> {
    let separators = question.declared.separator.into_iter().chain([", ", ";", ","]);
    for separator in separators {
        let split: Vec<Vec<String>> = answers.iter().map(|a| split_choices(a, separator, &[])).collect();
        if !split.iter().any(|parts| parts.len() > 1) {
            continue;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for part in split.iter().flatten() {
            *counts.entry(part.as_str()).or_default() += 1;
        }
        // Options recur; write-ins among them ("Other: ...") do not. The question's
        // own words ("check all that apply") say it is one even when few recur.
        let total: usize = counts.values().sum();
        let recurring: Vec<&str> = counts.iter().filter(|(_, c)| **c >= 2).map(|(p, _)| *p).collect();
        let covered: usize = counts.iter().filter(|(_, c)| **c >= 2).map(|(_, c)| c).sum();
        let check_all = says_check_all(question);
        let enough = covered * 10 >= total * 8 || (check_all && covered * 2 >= total);
        let short = recurring.iter().all(|p| p.chars().count() <= 60 && !p.ends_with('.'));
        let most = if check_all { 3 * MAX_CHOICES } else { MAX_CHOICES };
        if recurring.len() <= most && !recurring.is_empty() && enough && short {
            let mut options: Vec<String> = recurring.iter().map(|k| k.to_string()).collect();
            if recurring.len() < counts.len() {
                options.push(OTHER.to_string());
            }
            // Every respondent listing every option, in orders that differ: a ranking.
            let all = recurring.len() == counts.len()
                && split.iter().all(|parts| {
                    parts.len() == options.len() && parts.iter().collect::<BTreeSet<_>>().len() == options.len()
                });
            let orders: BTreeSet<&Vec<String>> = split.iter().collect();
            if all && options.len() > 1 && orders.len() > 1 {
                let first = split[0].clone();
                return Some(Reading::Ranking { options: first, separator: Some(separator) });
            }
            return Some(Reading::MultipleChoice { options, separator: Some(separator) });
        }
    }
    None
}

/// A cell's choices: the known options found in it (they may hold the separator
/// themselves), or its parts.
fn split_choices(cell: &str, separator: &str, known: &[String]) -> Vec<String> {
    if !known.is_empty() {
        let found: Vec<String> = known
            .iter()
            .filter(|choice| {
                cell.split(separator).any(|p| p.trim() == choice.as_str()) || cell.trim() == choice.as_str()
            })
            .cloned()
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    cell.split(separator).map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// A cell of an option's column: Some(true) when the option was chosen (the cell holds
/// the option, 1, Yes, Selected), Some(false) when it says it was not (0, No), None
/// when it holds something else (a grid's answer).
fn tick(cell: &str, option: &str) -> Option<bool> {
    let lower = cell.trim().to_lowercase();
    if lower == option.trim().to_lowercase()
        || ["1", "yes", "y", "selected", "checked", "true"].contains(&lower.as_str())
    {
        Some(true)
    } else {
        ["0", "no", "n", "not selected", "unchecked", "false"].contains(&lower.as_str()).then_some(false)
    }
}

/// Reads a question of several columns: options ticked (multiple choice), ranks
/// (ranking), or rows of a grid (each read as a question of its own, by the caller).
fn read_parts(question: &Question, respondents: &[Respondent]) -> Option<(Reading, String)> {
    let cells: Vec<Vec<Option<&str>>> =
        respondents.iter().map(|r| question.parts.iter().map(|p| r.answer(p.column)).collect()).collect();
    let k = question.parts.len();
    let ranks = cells.iter().all(|row| {
        let mut seen: Vec<i64> = row.iter().flatten().filter_map(|c| c.parse().ok()).collect();
        let numbers = row.iter().flatten().count() == seen.len();
        seen.sort_unstable();
        numbers && seen.iter().enumerate().all(|(i, r)| *r == i as i64 + 1)
    }) && cells.iter().any(|row| row.iter().flatten().count() > 1)
        && cells.iter().flatten().flatten().all(|c| c.parse::<usize>().is_ok_and(|r| (1..=k).contains(&r)));
    if ranks && question.declared.kind != Some(QuestionType::MultipleChoice) {
        let options = question.parts.iter().map(|p| p.option.clone().unwrap_or_default()).collect();
        return Some((
            Reading::Ranking { options, separator: None },
            "from the answers: each respondent's ranks run 1, 2, 3...".into(),
        ));
    }
    let ticked = question.parts.iter().enumerate().all(|(i, part)| {
        let option = part.option.as_deref().unwrap_or("");
        cells.iter().filter_map(|row| row[i]).all(|c| tick(c, option).is_some())
    });
    if ticked || question.declared.kind == Some(QuestionType::MultipleChoice) {
        let options = question.parts.iter().map(|p| p.option.clone().unwrap_or_default()).collect();
        return Some((
            Reading::MultipleChoice { options, separator: None },
            "from the export: one column per option, filled when chosen".into(),
        ));
    }
    None
}

/// The wave a day falls in, named.
fn wave_of(day: jiff::civil::Date, by: WaveBy) -> Option<String> {
    match by {
        WaveBy::None => None,
        WaveBy::Month => Some(format!("{:04}-{:02}", day.year(), day.month())),
        WaveBy::Quarter => Some(format!("{:04}-Q{}", day.year(), (day.month() - 1) / 3 + 1)),
        WaveBy::Week => {
            let week = day.iso_week_date();
            Some(format!("{:04}-W{:02}", week.year(), week.week()))
        }
    }
}

/// What the request says about how to read the export.
pub(super) struct Asked<'a> {
    pub specs: &'a [QuestionSpec],
    pub wave_by: Option<WaveBy>,
    /// The column that splits results by segment.
    pub segment: Option<usize>,
    pub segment_name: Option<String>,
    pub file: Option<&'a str>,
    pub all_questions: bool,
}

/// Questions an answer lists besides the unclear ones, unless asked for all.
const LISTED_QUESTIONS: usize = 40;

/// A question's columns as a spreadsheet names ranges: `R`, `R:CD` for R through CD.
fn column_ranges(parts: &[Part], names: &[String]) -> Vec<String> {
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    let mut out: Vec<String> = vec![];
    let mut run: Option<(usize, usize)> = None;
    for part in parts {
        run = match run {
            Some((start, end)) if part.column == end + 1 => Some((start, part.column)),
            Some((start, end)) => {
                out.push(if start == end { name(start) } else { format!("{}:{}", name(start), name(end)) });
                Some((part.column, part.column))
            }
            None => Some((part.column, part.column)),
        };
    }
    if let Some((start, end)) = run {
        out.push(if start == end { name(start) } else { format!("{}:{}", name(start), name(end)) });
    }
    out
}

/// Reads every question and makes the items.
pub(super) fn responses(sheet: Sheet, asked: &Asked, origin: &Origin) -> (Vec<Row>, ResponsesRead) {
    let days: Vec<jiff::civil::Date> = sheet.respondents.iter().filter_map(|r| r.date).collect();
    let span = days.iter().min().zip(days.iter().max()).map(|(a, b)| (*b - *a).get_days()).unwrap_or(0);
    // A study that ran for more than a month is read month by month, unless asked otherwise.
    let wave_by = asked.wave_by.unwrap_or(if span > 31 { WaveBy::Month } else { WaveBy::None });
    let waves: BTreeSet<String> = days.iter().filter_map(|d| wave_of(*d, wave_by)).collect();
    let segment_of = |r: &Respondent| asked.segment.and_then(|c| r.answer(c)).map(str::to_string);
    let mut rows = vec![];
    let mut reads: Vec<QuestionRead> = vec![];
    let mut questions = expand(&sheet.questions, &sheet.respondents);
    batteries(&mut questions, &sheet.respondents);
    for question in questions {
        let spec = asked.specs.iter().find(|s| {
            let wanted = s.question.trim();
            wanted.eq_ignore_ascii_case(&question.id) || wanted.eq_ignore_ascii_case(question.text.trim())
        });
        let (reading, because) = read(&question, &sheet.respondents, spec);
        let mut read = QuestionRead {
            question: question.id.clone(),
            text: crate::validate::truncate(&question.text, 60),
            read_as: reading.name(),
            because,
            columns: column_ranges(&question.parts, &sheet.column_names),
            answered: 0,
            items: 0,
            could_be: vec![],
        };
        if let Reading::Unclear { could_be, why } = &reading {
            read.could_be = could_be.clone();
            read.because = why.clone();
        }
        let made = items(&question, &reading, &sheet.respondents, wave_by, &segment_of, asked, origin);
        read.answered = made.answered;
        read.items = made.rows.len();
        rows.extend(made.rows);
        reads.push(read);
    }
    // The unclear questions are always listed: they need an answer. The others up to
    // LISTED_QUESTIONS, unless the request asks for all.
    let total = reads.len();
    let mut others = 0;
    reads.retain(|q| {
        let keep = !q.could_be.is_empty() || asked.all_questions || others < LISTED_QUESTIONS;
        others += usize::from(q.could_be.is_empty());
        keep
    });
    let read = ResponsesRead {
        questions_not_listed: total - reads.len(),
        export: sheet.export,
        respondents: sheet.respondents.len(),
        respondent_id: sheet.id_column,
        date: sheet.date_column,
        segment: asked.segment_name.clone(),
        segment_columns: sheet.attributes.iter().map(|(name, _)| name.clone()).collect(),
        wave_by,
        waves: waves.into_iter().collect(),
        questions: reads,
        left_out: sheet.left_out,
        notes: sheet.notes,
    };
    (rows, read)
}

/// The stem a battery's questions share: `MARS3_1` → `MARS`, a grid row `D_2` of
/// `Agree? - Reliable` → its question's text. None for ids that say nothing of a
/// battery (Q5, letters, QID7).
fn battery_stem(question: &Question) -> Option<String> {
    if let Some((asked, _)) = question.text.rsplit_once(" - ")
        && question.id.contains('_')
    {
        return Some(format!("text:{asked}"));
    }
    // A tool's code before the question (`likert0[time1can]. In an average month ...`).
    if let Some((code, _)) = question.text.split_once(['[', ' '])
        && question.text.starts_with(code)
        && code.len() >= 2
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && question.text[code.len()..].starts_with('[')
    {
        return Some(format!("code:{code}"));
    }
    let stem = question.id.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
    let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_');
    (stem.len() >= 2 && !["QID", "Q"].contains(&stem)).then(|| stem.to_string())
}

/// Neighbouring questions answered in whole numbers that share a stem are a battery
/// (items of one instrument): each learns the range answered over all of them, so an
/// item nobody answered 7 on still reads as the battery's 1-7.
fn batteries(questions: &mut [Question], respondents: &[Respondent]) {
    let range = |q: &Question| -> Option<(i32, i32)> {
        if q.parts.len() != 1 {
            return None;
        }
        let points: Option<Vec<i32>> =
            respondents.iter().filter_map(|r| r.answer(q.parts[0].column)).map(leading_point).collect();
        let points = points.filter(|p| !p.is_empty())?;
        Some((*points.iter().min()?, *points.iter().max()?))
    };
    let ranges: Vec<Option<(i32, i32)>> = questions.iter().map(range).collect();
    let stems: Vec<Option<String>> = questions.iter().map(battery_stem).collect();
    let mut start = 0;
    while start < questions.len() {
        let mut end = start + 1;
        while end < questions.len() && stems[start].is_some() && stems[end] == stems[start] && ranges[end].is_some() {
            end += 1;
        }
        if end - start >= 2 && ranges[start].is_some() {
            let low = ranges[start..end].iter().flatten().map(|r| r.0).min();
            let high = ranges[start..end].iter().flatten().map(|r| r.1).max();
            if let (Some(low), Some(high)) = (low, high) {
                for q in &mut questions[start..end] {
                    q.declared.battery = Some((low, high));
                }
            }
        }
        start = end;
    }
}

/// Grid questions (rows of one scale across several columns) as one question per row;
/// among option columns ticked Yes or No, a column of words (an "Other" write-in) as a
/// question of its own.
fn expand(questions: &[Question], respondents: &[Respondent]) -> Vec<Question> {
    let part_of = |question: &Question, i: usize, part: &Part| {
        let option = part.option.clone().unwrap_or_else(|| format!("{}", i + 1));
        Question {
            id: format!("{}_{}", question.id, i + 1),
            text: format!("{} - {option}", question.text),
            parts: vec![Part { column: part.column, option: None }],
            declared: question.declared.clone(),
        }
    };
    let copy = |question: &Question, parts: Vec<&Part>| Question {
        id: question.id.clone(),
        text: question.text.clone(),
        parts: parts.into_iter().map(|p| Part { column: p.column, option: p.option.clone() }).collect(),
        declared: question.declared.clone(),
    };
    let mut out = vec![];
    for question in questions {
        if question.parts.len() < 2 || read_parts(question, respondents).is_some() {
            out.push(copy(question, question.parts.iter().collect()));
            continue;
        }
        let ticks = |part: &Part| {
            let option = part.option.as_deref().unwrap_or("");
            let mut answered = respondents.iter().filter_map(|r| r.answer(part.column)).peekable();
            answered.peek().is_some() && answered.all(|c| tick(c, option).is_some())
        };
        let (ticked, words): (Vec<_>, Vec<_>) = question.parts.iter().enumerate().partition(|(_, p)| ticks(p));
        if ticked.len() >= 2 && words.len() * 4 <= question.parts.len() {
            out.push(copy(question, ticked.iter().map(|(_, p)| *p).collect()));
            out.extend(words.into_iter().map(|(i, p)| part_of(question, i, p)));
        } else {
            out.extend(question.parts.iter().enumerate().map(|(i, p)| part_of(question, i, p)));
        }
    }
    out
}

fn read(question: &Question, respondents: &[Respondent], spec: Option<&QuestionSpec>) -> (Reading, String) {
    let column = question.parts[0].column;
    let answers: Vec<&str> = respondents.iter().filter_map(|r| r.answer(column)).collect();
    if let Some(spec) = spec {
        let given = "given in the request".to_string();
        let reading = match spec.read_as {
            SpecType::Skip => Reading::Skip,
            SpecType::OpenEnded => Reading::OpenEnded,
            SpecType::YesNo => Reading::YesNo,
            SpecType::SingleChoice => Reading::SingleChoice { options: vec![] },
            SpecType::Ranking if question.parts.len() > 1 => Reading::Ranking {
                options: question.parts.iter().map(|p| p.option.clone().unwrap_or_default()).collect(),
                separator: None,
            },
            SpecType::Ranking => match multiple_in_one_cell(question, &answers) {
                Some(Reading::Ranking { options, separator }) => Reading::Ranking { options, separator },
                Some(Reading::MultipleChoice { options, separator }) => Reading::Ranking { options, separator },
                _ => Reading::Ranking { options: vec![], separator: Some(",") },
            },
            SpecType::MultipleChoice if question.parts.len() > 1 => Reading::MultipleChoice {
                options: question.parts.iter().map(|p| p.option.clone().unwrap_or_default()).collect(),
                separator: None,
            },
            SpecType::MultipleChoice => multiple_in_one_cell(question, &answers)
                .unwrap_or(Reading::MultipleChoice { options: vec![], separator: Some(",") }),
            SpecType::Nps => Reading::Scale { min: 0, max: 10, labels: labels_of(&answers) },
            SpecType::Scale => {
                let found = read_single(question, &answers).0;
                let (min, max, labels) = match found {
                    Reading::Scale { min, max, labels } => (min, max, labels),
                    _ => (1, 5, labels_of(&answers)),
                };
                Reading::Scale { min: spec.scale_min.unwrap_or(min), max: spec.scale_max.unwrap_or(max), labels }
            }
        };
        return (reading, given);
    }
    if question.parts.len() > 1 {
        return read_parts(question, respondents).unwrap_or((Reading::Skip, "its columns could not be read".into()));
    }
    read_single(question, &answers)
}

/// Answers written as `4 - Agree` or as ladder labels, with their points.
fn labels_of(answers: &[&str]) -> Vec<(String, i32)> {
    let distinct: BTreeSet<String> = answers.iter().map(|a| a.to_string()).collect();
    let numbered: Vec<(String, i32)> = distinct.iter().filter_map(|a| Some((a.clone(), leading_point(a)?))).collect();
    if numbered.len() == distinct.len() {
        return numbered.into_iter().filter(|(a, p)| a.trim() != p.to_string()).collect();
    }
    ladder_of(&distinct).map(|(_, labels)| labels).unwrap_or_default()
}

struct Made {
    rows: Vec<Row>,
    answered: u32,
}

/// The items of one question: a result per wave (and segment), or an item per open answer.
fn items(
    question: &Question,
    reading: &Reading,
    respondents: &[Respondent],
    wave_by: WaveBy,
    segment_of: &dyn Fn(&Respondent) -> Option<String>,
    asked: &Asked,
    origin: &Origin,
) -> Made {
    let answered_by = |r: &Respondent| question.parts.iter().any(|p| r.answer(p.column).is_some());
    let answered = respondents.iter().filter(|r| answered_by(r)).count() as u32;
    let mut rows = vec![];
    let qid: String = question.id.chars().take(24).collect();
    match reading {
        Reading::Skip | Reading::Unclear { .. } => {}
        Reading::OpenEnded => {
            let column = question.parts[0].column;
            for r in respondents {
                let Some(answer) = r.answer(column) else { continue };
                let survey = SurveyResult {
                    question_type: QuestionType::OpenEnded,
                    n: 1,
                    responses: vec![answer.to_string()],
                    wave: r.date.and_then(|d| wave_of(d, wave_by)),
                    ..empty_result(QuestionType::OpenEnded)
                };
                let rid: String = r.id.chars().take(32).collect();
                rows.push(Row::new(
                    r.line,
                    Ok::<_, crate::error::Words>(item(
                        question,
                        survey,
                        asked,
                        Whose {
                            participant: Some(r.id.clone()),
                            segment: segment_of(r),
                            day: r.date,
                            record_id: origin.key(&format!("{qid}/{rid}")),
                            line: r.line,
                        },
                    )),
                ));
            }
        }
        closed => {
            // Respondents by (wave, segment): every one counts in its wave's overall
            // result, and in its segment's when results are split by segment.
            let mut groups: BTreeMap<(Option<String>, Option<String>), Vec<&Respondent>> = BTreeMap::new();
            for r in respondents.iter().filter(|r| answered_by(r)) {
                let wave = r.date.and_then(|d| wave_of(d, wave_by));
                groups.entry((wave.clone(), None)).or_default().push(r);
                if let Some(segment) = segment_of(r) {
                    groups.entry((wave, Some(segment))).or_default().push(r);
                }
            }
            for ((wave, segment), members) in groups {
                let survey = result(question, closed, &members, wave.clone());
                if survey.n == 0 {
                    continue;
                }
                let place = format!(
                    "{qid}/{}{}",
                    wave.as_deref().unwrap_or("all"),
                    segment
                        .as_deref()
                        .map(|s| format!("/{}", s.chars().take(24).collect::<String>()))
                        .unwrap_or_default()
                );
                let end = survey.wave_end;
                let line = members[0].line;
                rows.push(Row::new(
                    line,
                    Ok::<_, crate::error::Words>(item(
                        question,
                        survey,
                        asked,
                        Whose { participant: None, segment, day: end, record_id: origin.key(&place), line },
                    )),
                ));
            }
        }
    }
    Made { rows, answered }
}

fn empty_result(question_type: QuestionType) -> SurveyResult {
    SurveyResult {
        question_type,
        n: 0,
        scale_min: None,
        scale_max: None,
        labels: vec![],
        answers: vec![],
        ranks: vec![],
        responses: vec![],
        wave: None,
        wave_start: None,
        wave_end: None,
    }
}

/// One closed question's result over some respondents.
fn result(question: &Question, reading: &Reading, members: &[&Respondent], wave: Option<String>) -> SurveyResult {
    let days: Vec<jiff::civil::Date> = members.iter().filter_map(|r| r.date).collect();
    let column = question.parts[0].column;
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut order: Vec<String> = vec![];
    let mut count = |answer: String| {
        if !order.contains(&answer) {
            order.push(answer.clone());
        }
        *counts.entry(answer).or_default() += 1;
    };
    let mut survey = match reading {
        Reading::Scale { min, max, labels } => {
            for r in members {
                let Some(answer) = r.answer(column) else { continue };
                let point = labels.iter().find(|(l, _)| l == answer).map(|(_, p)| *p).or_else(|| leading_point(answer));
                if let Some(point) = point.filter(|p| (*min..=*max).contains(p)) {
                    count(point.to_string());
                }
            }
            let mut labels: Vec<ScaleLabel> = labels
                .iter()
                .filter(|(text, point)| text.trim() != point.to_string())
                .map(|(text, point)| ScaleLabel { point: *point, label: strip_point(text) })
                .collect();
            labels.sort_by_key(|l| l.point);
            labels.dedup_by_key(|l| l.point);
            SurveyResult { scale_min: Some(*min), scale_max: Some(*max), labels, ..empty_result(QuestionType::Scale) }
        }
        Reading::YesNo => {
            for r in members {
                if let Some(answer) = r.answer(column) {
                    let yes = YES.contains(&answer.to_lowercase().as_str());
                    count(if yes { "yes" } else { "no" }.to_string());
                }
            }
            empty_result(QuestionType::YesNo)
        }
        Reading::SingleChoice { options } => {
            for r in members {
                if let Some(answer) = r.answer(column) {
                    let listed = options.is_empty() || options.iter().any(|o| o == answer);
                    count(if listed { answer.to_string() } else { OTHER.to_string() });
                }
            }
            empty_result(QuestionType::SingleChoice)
        }
        Reading::MultipleChoice { options, separator } => {
            let mut n = 0;
            for r in members {
                let chosen: Vec<String> = match separator {
                    None => question
                        .parts
                        .iter()
                        .filter(|p| {
                            let option = p.option.as_deref().unwrap_or("");
                            r.answer(p.column).is_some_and(|c| tick(c, option) != Some(false))
                        })
                        .map(|p| p.option.clone().unwrap_or_default())
                        .collect(),
                    Some(sep) => r
                        .answer(column)
                        .map(|c| split_choices(c, sep, options))
                        .unwrap_or_default()
                        .into_iter()
                        .map(
                            |part| if options.is_empty() || options.contains(&part) { part } else { OTHER.to_string() },
                        )
                        .collect::<BTreeSet<String>>()
                        .into_iter()
                        .collect(),
                };
                // Who saw the options counts, even choosing none ("No" in every column).
                if !chosen.is_empty() || question.parts.iter().any(|p| r.answer(p.column).is_some()) {
                    n += 1;
                }
                for c in chosen {
                    count(c);
                }
            }
            SurveyResult { n, ..empty_result(QuestionType::MultipleChoice) }
        }
        Reading::Ranking { options, separator } => {
            let k = options.len();
            let mut ranks: Vec<RankCounts> =
                options.iter().map(|o| RankCounts { option: o.clone(), counts: vec![0; k] }).collect();
            let mut n = 0;
            for r in members {
                // (option index, rank) pairs: from one column per option, or from the order in one cell.
                let ranked: Vec<(usize, usize)> = match separator {
                    None => question
                        .parts
                        .iter()
                        .enumerate()
                        .filter_map(|(i, part)| Some((i, r.answer(part.column)?.parse::<usize>().ok()?)))
                        .collect(),
                    Some(sep) => r
                        .answer(column)
                        .map(|c| split_choices(c, sep, &[]))
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .filter_map(|(place, option)| Some((options.iter().position(|o| o == option)?, place + 1)))
                        .collect(),
                };
                let ranked: Vec<(usize, usize)> =
                    ranked.into_iter().filter(|(_, rank)| (1..=k).contains(rank)).collect();
                for (option, rank) in &ranked {
                    ranks[*option].counts[rank - 1] += 1;
                }
                n += u32::from(!ranked.is_empty());
            }
            SurveyResult { n, ranks, ..empty_result(QuestionType::Ranking) }
        }
        Reading::OpenEnded | Reading::Skip | Reading::Unclear { .. } => empty_result(QuestionType::OpenEnded),
    };
    if !matches!(reading, Reading::MultipleChoice { .. } | Reading::Ranking { .. }) {
        survey.n = counts.values().sum();
    }
    // Scale points low to high; choices in the order the file first gave them.
    if matches!(reading, Reading::Scale { .. }) {
        order.sort_by_key(|p| p.parse::<i32>().unwrap_or(0));
    }
    survey.answers = order.into_iter().map(|answer| AnswerCount { count: counts[&answer], answer }).collect();
    survey.wave = wave;
    survey.wave_start = days.iter().min().copied();
    survey.wave_end = days.iter().max().copied();
    survey
}

/// `4 - Agree` → `Agree`.
fn strip_point(text: &str) -> String {
    match leading_point(text) {
        Some(point) => text.trim()[point.to_string().len()..]
            .trim_start_matches([' ', '-', '(', '=', ':', '–'])
            .trim_end_matches(')')
            .trim()
            .to_string(),
        None => text.trim().to_string(),
    }
}

/// Whose answers a survey result holds and where they were read: one respondent's
/// (an open answer), or a wave's or segment's (a closed question's result).
struct Whose {
    participant: Option<String>,
    segment: Option<String>,
    day: Option<jiff::civil::Date>,
    /// Stable across re-imports of the same export, so a re-import updates in place.
    record_id: String,
    line: usize,
}

fn item(question: &Question, survey: SurveyResult, asked: &Asked, whose: Whose) -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Survey,
        text: question.text.clone(),
        participant: whose.participant,
        segment: whose.segment,
        study: None,
        observed_at: whose.day.map(|d| d.to_string()),
        source: Some(Source {
            file: asked.file.map(String::from),
            record_id: Some(whose.record_id),
            lines: Some([whose.line as u32, whose.line as u32]),
            ..Default::default()
        }),
        tags: vec![],
        survey: Some(survey),
        record_id: None,
    }
}

/// Reads a column of dates as the export writes them (`2026-10-14 09:12:33`,
/// `10/14/2026 09:12:33 AM`, `2026/10/14 9:12:33 AM GMT+1`): the day only. Days
/// written `10/03/2026` are read in the request's order, or in the order a day above
/// 12 in the same column proves; otherwise they are refused with the question.
pub(super) fn read_days(
    cells: &[Option<&str>],
    order: Option<DateOrder>,
) -> std::result::Result<Vec<Option<jiff::civil::Date>>, String> {
    let day_part = |cell: &str| -> String {
        let first = cell.trim().split([' ', 'T']).next().unwrap_or("").to_string();
        if first.len() >= 8 && first.chars().take(4).all(|c| c.is_ascii_digit()) {
            first.replace('/', "-")
        } else {
            first
        }
    };
    let order = order.or_else(|| {
        let slashed: Vec<Vec<u32>> = cells
            .iter()
            .flatten()
            .map(|c| day_part(c))
            .filter(|d| d.contains('/'))
            .map(|d| d.split('/').filter_map(|p| p.parse().ok()).collect())
            .collect();
        if slashed.iter().any(|p| p.first().is_some_and(|d| *d > 12)) {
            Some(DateOrder::DayFirst)
        } else if slashed.iter().any(|p| p.get(1).is_some_and(|d| *d > 12)) {
            Some(DateOrder::MonthFirst)
        } else {
            None
        }
    });
    cells
        .iter()
        .map(|cell| match cell {
            None => Ok(None),
            Some(cell) => crate::clock::parse_day("date", cell, order)
                .or_else(|_| crate::clock::parse_day("date", &day_part(cell), order))
                .map(Some)
                .map_err(|e| match e {
                    crate::error::Error::Invalid { message, .. } => message.to_string(),
                    other => other.to_string(),
                }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(text: &str) -> Question {
        Question {
            id: "Q1".into(),
            text: text.into(),
            parts: vec![Part { column: 0, option: None }],
            declared: Declared::default(),
        }
    }

    fn reading(text: &str, answers: &[&str]) -> Reading {
        read_single(&question(text), answers).0
    }

    #[test]
    fn scales_are_read_from_their_ends_and_asked_about_when_an_end_is_missing() {
        let scale = |min, max| Reading::Scale { min, max, labels: vec![] };
        assert_eq!(reading("How easy?", &["2", "5", "4", "3"]), scale(1, 5), "a 5 ends a 1-5 scale");
        assert_eq!(reading("How likely are you to recommend us?", &["3", "9", "10"]), scale(0, 10));
        assert_eq!(reading("Rate it", &["0", "7", "10"]), scale(0, 10), "a 0 starts 0-10");
        // 1..10 without a 0 and without the NPS question's words: 1-10 or 0-10?
        let Reading::Unclear { could_be, .. } = reading("Rate it", &["1", "6", "10"]) else { panic!() };
        assert_eq!(could_be, ["scale 1-10", "nps 0-10"]);
        // Codes 1..4: choices written as numbers, or a scale nobody topped.
        let Reading::Unclear { could_be, why } = reading("Which feature?", &["1", "2", "4", "3"]) else { panic!() };
        assert_eq!(could_be[0], "single_choice", "{why}");
        let Reading::Unclear { could_be, .. } = reading("Team size?", &["3", "40", "12"]) else { panic!() };
        assert_eq!(could_be, ["open_ended", "skip"], "amounts are none of the six types");
    }

    #[test]
    fn label_ladders_and_numbered_labels_become_points() {
        let Reading::Scale { min, max, labels } =
            reading("Agree?", &["Strongly agree", "Somewhat agree", "Neither agree nor disagree", "Strongly agree"])
        else {
            panic!()
        };
        assert_eq!((min, max), (1, 5), "Qualtrics' five-point ladder, not a seven-point one");
        assert!(labels.contains(&("Somewhat agree".to_string(), 4)), "{labels:?}");
        let Reading::Scale { min, max, labels } =
            reading("Likely?", &["0 - Not at all likely", "10 - Extremely likely", "7"])
        else {
            panic!()
        };
        assert_eq!((min, max), (0, 10));
        assert_eq!(strip_point(&labels[0].0), "Not at all likely");
    }

    #[test]
    fn choices_in_one_cell_are_several_answers_or_a_ranking() {
        let Reading::MultipleChoice { options, separator } =
            reading("Platforms?", &["Web, macOS", "Web", "macOS, iOS", "iOS", "Web, iOS"])
        else {
            panic!()
        };
        assert_eq!((options.len(), separator), (3, Some(", ")));
        let ranking =
            reading("Rank", &["Speed,Price,Integrations", "Price,Speed,Integrations", "Speed,Integrations,Price"]);
        assert!(matches!(ranking, Reading::Ranking { separator: Some(","), .. }), "{ranking:?}");
        // Words with commas that do not recur are someone's sentence, not choices.
        let open =
            reading("Why?", &["Too pricey, honestly", "Slow, and it crashed", "Fine", "Love it, thanks", "Meh, ok"]);
        assert_eq!(open, Reading::OpenEnded);
        assert_eq!(reading("Contacted support?", &["1", "0", "0"]), Reading::YesNo);
        let plan = reading("Plan?", &["Team", "Free", "Team", "Free", "Enterprise", "Enterprise", "Team", "Our own"]);
        assert_eq!(plan, Reading::SingleChoice { options: vec!["Enterprise".into(), "Free".into(), "Team".into()] });
    }
}

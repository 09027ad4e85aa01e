//! Per-question survey exports (`survey_csv`): one row per answer of one question in
//! one wave, grouped into one survey result per question, wave and segment.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::rows::Row;
use crate::evidence::add::EvidenceInput;
use crate::fetch::table::Tabular;
use crate::model::{AnswerCount, EvidenceKind, QuestionType, Source, SurveyResult};
use crate::validate;

/// (wave, question, segment).
type QuestionKey = (String, String, String);
/// The line a question starts on, its result so far (or why it is unreadable), its segment.
type QuestionGroup = (usize, std::result::Result<SurveyResult, String>, Option<String>);

/// One row per answer of one question in one wave; grouped into one survey result each.
pub(super) fn survey_rows(table: &Tabular) -> Vec<Row> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{csv, items};
    use super::*;

    #[test]
    fn survey_exports_group_into_one_result_per_question_and_wave() {
        let text = "wave,wave_start,wave_end,question,question_type,scale_min,scale_max,answer,count,segment\nW1,2026-09-01,2026-09-07,How satisfied?,scale,1,5,4,30,all\nW1,2026-09-01,2026-09-07,How satisfied?,scale,1,5,5,10,all\nW2,2026-10-01,2026-10-07,How satisfied?,scale,1,5,4,20,all\n";
        let rows = items(survey_rows(&csv(text)));
        assert_eq!(rows.len(), 2);
        let s = rows[0].survey.as_ref().unwrap();
        assert_eq!((s.n, s.answers.len(), s.wave.as_deref()), (40, 2, Some("W1")));
        assert_eq!(rows[0].observed_at.as_deref(), Some("2026-09-07"));
    }
}

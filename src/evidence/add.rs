//! `add_evidence`: validate research items and store them, one transaction for the
//! whole batch, with duplicates found by normalized content and re-imports of the
//! same source record updating it in place.

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::tags;
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{Evidence, EvidenceId, EvidenceKind, QuestionType, Source, Study, StudyId, SurveyResult};
use crate::store::{Store, Table, Tx, TxError};
use crate::validate::{self, MAX_NAME_CHARS};

/// Longest evidence text: a long quote or an observation, not a whole transcript
/// (import a transcript to have it split into turns).
pub const MAX_EVIDENCE_CHARS: usize = 10_000;
/// Items in one call.
pub const MAX_ITEMS: usize = 5_000;

// One piece of research as a caller gives it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// interview: a verbatim quote; survey: one question's result; observation: a note.
    pub kind: EvidenceKind,
    // The quote exactly as said, the survey question, or the observation.
    /// For kind survey: the question.
    pub text: String,
    /// A pseudonym, such as P3.
    #[serde(default)]
    pub participant: Option<String>,
    // The segment the participant belongs to, such as churned or retained.
    #[serde(default)]
    pub segment: Option<String>,
    /// ST-2, or a name (created if new).
    #[serde(default)]
    pub study: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub observed_at: Option<String>,
    #[serde(default)]
    pub source: Option<Source>,
    // Aliases are resolved to their canonical tag.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Required for kind survey.
    #[serde(default)]
    pub survey: Option<SurveyResult>,
    // Its id in the tool it came from (same as source.record_id).
    /// The same id again updates the item.
    #[serde(default)]
    pub record_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddEvidenceRequest {
    // At most 5,000 (MAX_ITEMS).
    pub items: Vec<EvidenceInput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddStatus {
    Created,
    /// The same content was already stored; nothing was added.
    Duplicate,
    /// The same source record was imported before; it was updated.
    Updated,
    /// The same source record was imported before and nothing in it changed.
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddedItem {
    /// Position in the request.
    pub index: usize,
    pub id: EvidenceId,
    pub status: AddStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddedEvidence {
    pub items: Vec<AddedItem>,
    pub created: usize,
    pub duplicates: usize,
    /// Source records imported before that changed now.
    pub updated: usize,
    /// Source records imported before that are the same now: nothing was written.
    pub unchanged: usize,
    /// New tags that look like existing ones: merge them to keep the vocabulary tidy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_notes: Vec<String>,
}

/// A validated item, ready to be written.
#[derive(Debug, Clone)]
pub struct EvidencePlan {
    pub kind: EvidenceKind,
    pub text: String,
    pub participant: Option<String>,
    pub segment: Option<String>,
    pub study: Option<StudyRef>,
    pub observed_at: Option<Date>,
    pub source: Source,
    pub tags: Vec<String>,
    pub survey: Option<SurveyResult>,
    /// The record id an earlier release gave this source record, looked up when
    /// `source.record_id` is not found, so a file imported then is updated, not copied.
    pub former_record_id: Option<String>,
}

#[derive(Debug, Clone)]
pub enum StudyRef {
    Id(StudyId),
    Name(String),
}

impl EvidenceInput {
    /// Validates one item; `field` is its path in the request (`items[3]`), or empty
    /// when the caller names the place itself (a file's line).
    pub fn into_plan(self, field: &str) -> Result<EvidencePlan> {
        let at = |name: &str| if field.is_empty() { name.to_string() } else { format!("{field}.{name}") };
        let text = evidence_text(&at("text"), &self.text)?;
        let participant = validate::optional_text(&at("participant"), self.participant.as_deref(), MAX_NAME_CHARS)?;
        let segment = validate::optional_text(&at("segment"), self.segment.as_deref(), MAX_NAME_CHARS)?;
        let study = match self.study.as_deref() {
            None => None,
            Some(s) if s.trim().to_ascii_uppercase().starts_with("ST-") => Some(StudyRef::Id(
                s.parse().map_err(|e: crate::model::IdParseError| Error::invalid(at("study"), e.to_string()))?,
            )),
            Some(s) => Some(StudyRef::Name(validate::text(&at("study"), s, MAX_NAME_CHARS)?)),
        };
        let observed_at =
            self.observed_at.as_deref().map(|d| crate::clock::parse_day(&at("observed_at"), d, None)).transpose()?;
        if let Some(date) = observed_at {
            let today = crate::clock::today();
            if date > today {
                return Err(Error::invalid(
                    at("observed_at"),
                    format!("{date} is in the future; evidence is observed on or before today ({today})"),
                ));
            }
        }
        let mut source = self.source.unwrap_or_default();
        if self.record_id.is_some() {
            source.record_id = self.record_id;
        }
        let source = validate_source(&at("source"), source)?;
        let tags = self
            .tags
            .iter()
            .enumerate()
            .map(|(i, t)| crate::validate::tag(&format!("{}[{i}]", at("tags")), t))
            .collect::<Result<Vec<_>>>()?;
        let survey = match (self.kind, self.survey) {
            (EvidenceKind::Survey, Some(survey)) => Some(validate_survey(&at("survey"), survey)?),
            (EvidenceKind::Survey, None) => {
                return Err(Error::invalid(
                    at("survey"),
                    "is needed for kind survey: give question_type, n and the answers",
                ));
            }
            (_, Some(_)) => return Err(Error::invalid(at("survey"), "is only accepted with kind survey")),
            (_, None) => None,
        };
        Ok(EvidencePlan {
            kind: self.kind,
            text,
            participant,
            segment,
            study,
            observed_at,
            source,
            tags,
            survey,
            former_record_id: None,
        })
    }
}

/// Evidence text is kept verbatim (line breaks included) but must be text.
fn evidence_text(field: &str, text: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::invalid(field, "is empty; give the quote, the survey question or the observation"));
    }
    let chars = text.chars().count();
    if chars > MAX_EVIDENCE_CHARS {
        return Err(Error::invalid(
            field,
            format!(
                "is {chars} characters long; at most {MAX_EVIDENCE_CHARS} are accepted (import a transcript to have it split into turns)"
            ),
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
        return Err(Error::invalid(
            field,
            format!("contains the control character U+{:04X}; only text is accepted", c as u32),
        ));
    }
    Ok(text.trim().to_string())
}

fn validate_source(field: &str, source: Source) -> Result<Source> {
    let at = |name: &str| format!("{field}.{name}");
    if let Some(file) = &source.file {
        validate::text(&at("file"), file, 1_000)?;
    }
    if let Some([first, last]) = source.lines
        && (first == 0 || last < first)
    {
        return Err(Error::invalid(
            at("lines"),
            format!("[{first}, {last}] is not a line range; give [first, last], 1-based, first ≤ last"),
        ));
    }
    if let Some(url) = &source.url {
        let url = validate::text(&at("url"), url, 2_000)?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::invalid(at("url"), "must start with http:// or https://"));
        }
    }
    if let Some([start, end]) = &source.timecode {
        for (t, which) in [(start, "start"), (end, "end")] {
            if parse_timecode(t).is_none() {
                return Err(Error::invalid(
                    at("timecode"),
                    format!("{which} {t:?} is not a timecode; write HH:MM:SS or HH:MM:SS.mmm"),
                ));
            }
        }
    }
    if let Some(id) = &source.record_id {
        validate::text(&at("record_id"), id, MAX_NAME_CHARS)?;
    }
    Ok(source)
}

/// Seconds from `HH:MM:SS(.mmm)` or `MM:SS(.mmm)` (a comma is accepted, as SRT writes it).
pub fn parse_timecode(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut seconds = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let value: f64 = if last { part.replace(',', ".").parse().ok()? } else { part.parse::<u32>().ok()? as f64 };
        if value < 0.0 || (i > 0 && value >= 60.0) {
            return None;
        }
        seconds = seconds * 60.0 + value;
    }
    Some(seconds)
}

/// A survey result whose numbers add up (docs/domain.md#survey-statistics).
pub fn validate_survey(field: &str, mut survey: SurveyResult) -> Result<SurveyResult> {
    let at = |name: &str| format!("{field}.{name}");
    let sum: u64 = survey.answers.iter().map(|a| u64::from(a.count)).sum();
    for (i, a) in survey.answers.iter_mut().enumerate() {
        a.answer = validate::text(&format!("{}[{i}].answer", at("answers")), &a.answer, 500)?;
    }
    match survey.question_type {
        QuestionType::OpenEnded => {
            if survey.responses.is_empty() {
                return Err(Error::invalid(
                    at("responses"),
                    "is empty; an open_ended result carries its responses, verbatim",
                ));
            }
            if survey.n == 0 {
                survey.n = survey.responses.len() as u32;
            }
        }
        QuestionType::Scale => {
            let (Some(min), Some(max)) = (survey.scale_min, survey.scale_max) else {
                return Err(Error::invalid(
                    at("scale_min"),
                    "a scale question needs scale_min and scale_max, such as 1 and 5",
                ));
            };
            if min >= max {
                return Err(Error::invalid(at("scale_max"), format!("{max} is not above scale_min {min}")));
            }
            for (i, a) in survey.answers.iter().enumerate() {
                let point: i64 = a.answer.parse().map_err(|_| {
                    Error::invalid(
                        format!("{}[{i}].answer", at("answers")),
                        format!("{:?} is not a point of the {min}..{max} scale", a.answer),
                    )
                })?;
                if point < i64::from(min) || point > i64::from(max) {
                    return Err(Error::invalid(
                        format!("{}[{i}].answer", at("answers")),
                        format!("{point} is outside the {min}..{max} scale"),
                    ));
                }
            }
            check_sum(&at("answers"), sum, survey.n)?;
        }
        QuestionType::SingleChoice => check_sum(&at("answers"), sum, survey.n)?,
        QuestionType::YesNo => {
            for (i, a) in survey.answers.iter().enumerate() {
                if !matches!(a.answer.to_lowercase().as_str(), "yes" | "no") {
                    return Err(Error::invalid(
                        format!("{}[{i}].answer", at("answers")),
                        format!("{:?} is neither yes nor no", a.answer),
                    ));
                }
            }
            check_sum(&at("answers"), sum, survey.n)?;
        }
        QuestionType::MultipleChoice => {
            if let Some((i, a)) = survey.answers.iter().enumerate().find(|(_, a)| a.count > survey.n) {
                return Err(Error::invalid(
                    format!("{}[{i}].count", at("answers")),
                    format!("{} respondents chose {:?}, more than the {} who answered", a.count, a.answer, survey.n),
                ));
            }
        }
        QuestionType::Ranking => {
            if let Some((i, r)) = survey
                .ranks
                .iter()
                .enumerate()
                .find(|(_, r)| r.counts.iter().map(|c| u64::from(*c)).sum::<u64>() > u64::from(survey.n))
            {
                return Err(Error::invalid(
                    format!("{}[{i}].counts", at("ranks")),
                    format!("{:?} was ranked more often than the {} who answered", r.option, survey.n),
                ));
            }
        }
    }
    if survey.n == 0 {
        return Err(Error::invalid(at("n"), "is 0; a survey result needs respondents"));
    }
    // The wave is a short name shown beside every survey number: the same rules as
    // participants and segments.
    survey.wave = validate::optional_text(&at("wave"), survey.wave.as_deref(), MAX_NAME_CHARS)?;
    for (name, day) in [("wave_start", survey.wave_start), ("wave_end", survey.wave_end)] {
        if let Some(day) = day {
            validate::date_in_range(&at(name), day)?;
        }
    }
    if let (Some(start), Some(end)) = (survey.wave_start, survey.wave_end)
        && end < start
    {
        return Err(Error::invalid(at("wave_end"), format!("{end} is before wave_start {start}")));
    }
    Ok(survey)
}

fn check_sum(field: &str, sum: u64, n: u32) -> Result<()> {
    if sum != u64::from(n) {
        return Err(Error::invalid(
            field,
            format!("the counts add up to {sum}, but n is {n}; give every answer's count, or the n that answered"),
        ));
    }
    Ok(())
}

/// The content two items are the same evidence by (see [`crate::model::content_key`]).
pub fn content_key(plan: &EvidencePlan) -> [u8; 16] {
    crate::model::content_key(
        plan.kind,
        plan.participant.as_deref(),
        plan.segment.as_deref(),
        plan.survey.as_ref(),
        &plan.text,
    )
}

/// Validates every item, then writes them all in one transaction, durable on return.
pub async fn add_evidence(store: &Store, request: AddEvidenceRequest, actor: &Actor) -> Result<AddedEvidence> {
    if request.items.is_empty() {
        return Err(Error::invalid("items", "is empty; give at least one piece of evidence"));
    }
    if request.items.len() > MAX_ITEMS {
        return Err(Error::invalid(
            "items",
            crate::words![
                format!("has {} items; at most {MAX_ITEMS} per call (use ", request.items.len()),
                crate::error::Operation::ImportEvidence,
                " for files)"
            ],
        ));
    }
    let plans = request
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| item.into_plan(&format!("items[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    let added = store_plans(store, &plans, &Change::now(actor, None), &|_| {})?;
    store.flush().await?;
    Ok(added)
}

/// Writes validated items in one transaction. Shared by add_evidence and the importers;
/// `written(n)` is told as items are written (a retried transaction counts again).
pub fn store_plans(
    store: &Store,
    plans: &[EvidencePlan],
    change: &Change,
    written: &(dyn Fn(usize) + Sync),
) -> Result<AddedEvidence> {
    for (i, plan) in plans.iter().enumerate() {
        if let Some(StudyRef::Id(id)) = &plan.study
            && store.get::<Study>(Table::Studies, &id.key())?.is_none()
        {
            return Err(Error::not_found(format!("items[{i}].study"), id, "give a study name to create one"));
        }
    }
    let tag_notes = tags::notes_for_new(store, plans.iter().flat_map(|p| p.tags.iter()))?;
    let items = super::search::change_and_index(store, || {
        let items = store.transact(|tx| {
            let mut items = Vec::with_capacity(plans.len());
            for (index, plan) in plans.iter().enumerate() {
                let (id, status) = write_plan(tx, plan, change)?;
                items.push(AddedItem { index, id, status });
                written(index + 1);
            }
            // The index catches up with what changed; a re-import that changed nothing
            // leaves it (and every record) as it was.
            if items.iter().any(|i: &AddedItem| matches!(i.status, AddStatus::Created | AddStatus::Updated)) {
                super::search::bump_generation(tx)?;
            }
            Ok(items)
        })?;
        let changed = items
            .iter()
            .filter(|i| matches!(i.status, AddStatus::Created | AddStatus::Updated))
            .map(|i| i.id)
            .collect();
        Ok((items, changed))
    })?;
    let count = |s: AddStatus| items.iter().filter(|i| i.status == s).count();
    Ok(AddedEvidence {
        created: count(AddStatus::Created),
        duplicates: count(AddStatus::Duplicate),
        updated: count(AddStatus::Updated),
        unchanged: count(AddStatus::Unchanged),
        items,
        tag_notes,
    })
}

fn write_plan(tx: &Tx<'_>, plan: &EvidencePlan, change: &Change) -> Result<(EvidenceId, AddStatus), TxError> {
    let content = content_key(plan);
    let lookup = |record: &String| -> Result<Option<EvidenceId>, TxError> {
        Ok(tx.bucket_get(Table::EvidenceByRecord, record.as_bytes())?.and_then(|v| EvidenceId::from_key(&v)))
    };
    let mut found = None;
    if let Some(record) = &plan.source.record_id {
        found = lookup(record)?.map(|id| (id, record));
    }
    if found.is_none()
        && let Some(former) = &plan.former_record_id
    {
        found = lookup(former)?.map(|id| (id, former));
    }
    let mut old = None;
    // Found only under the id an earlier release gave it: that key goes, the new one stays.
    let mut former_key = None;
    if let Some((id, key)) = found {
        match tx.get::<Evidence>(Table::Evidence, &id.key())? {
            // The record's own item: updated below.
            Some(item) if item.source.record_id.as_ref() == Some(key) => {
                former_key = (plan.former_record_id.as_ref() == Some(key)).then_some(key);
                old = Some(item);
            }
            // The record was a duplicate of another source's item when first imported:
            // while its words are that item's, it still is, whatever else the request
            // says now (another segment, study). New words are new evidence.
            Some(item) if same_words(&item, &plan.text) => return Ok((id, AddStatus::Duplicate)),
            // Deleted or erased since, or reworded: imported afresh.
            _ => {}
        }
    }
    if old.is_none()
        && let Some(existing) =
            tx.bucket_get(Table::EvidenceByContent, &content)?.and_then(|v| EvidenceId::from_key(&v))
    {
        // Remembered under the record too, so a re-import finds it by file and line
        // even when other defaults change its content key.
        if let Some(record) = &plan.source.record_id {
            tx.bucket_put(Table::EvidenceByRecord, record.as_bytes(), existing.key())?;
        }
        return Ok((existing, AddStatus::Duplicate));
    }
    let study = match &plan.study {
        Some(StudyRef::Id(id)) => Some(*id),
        Some(StudyRef::Name(name)) => Some(study_by_name(tx, name, change.at)?),
        None => None,
    };
    let mut tags = plan.tags.iter().map(|t| tags::resolve(tx, t)).collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    let (id, created_at, created_by) = match &old {
        Some(old) => (old.id, old.created_at, old.created_by.clone()),
        None => (EvidenceId(tx.next_id(EvidenceId::PREFIX)?), change.at, change.actor.0.clone()),
    };
    let evidence = Evidence {
        id,
        kind: plan.kind,
        text: plan.text.clone(),
        participant: plan.participant.clone(),
        segment: plan.segment.clone(),
        study,
        observed_at: plan.observed_at,
        source: plan.source.clone(),
        tags,
        survey: plan.survey.clone(),
        created_at,
        created_by,
    };
    let status = match &old {
        // The same record, the same in every field: nothing to write, nothing to reindex.
        Some(old) if *old == evidence => return Ok((id, AddStatus::Unchanged)),
        Some(old) => {
            tx.bucket_remove(Table::EvidenceByContent, &old.content_key())?;
            AddStatus::Updated
        }
        None => AddStatus::Created,
    };
    if let Some(former) = former_key {
        tx.bucket_remove(Table::EvidenceByRecord, former.as_bytes())?;
    }
    tx.put(Table::Evidence, &id.key(), &evidence)?;
    tx.bucket_put(Table::EvidenceByContent, &content, id.key())?;
    if let Some(record) = &plan.source.record_id {
        tx.bucket_put(Table::EvidenceByRecord, record.as_bytes(), id.key())?;
    }
    Ok((id, status))
}

/// Whether `text` is `item`'s text, as duplicates are told apart (case, spacing and
/// punctuation aside).
fn same_words(item: &Evidence, text: &str) -> bool {
    let key = crate::model::content_key(
        item.kind,
        item.participant.as_deref(),
        item.segment.as_deref(),
        item.survey.as_ref(),
        text,
    );
    key == item.content_key()
}

fn study_by_name(tx: &Tx<'_>, name: &str, now: Timestamp) -> Result<StudyId, TxError> {
    let key = name.trim().to_lowercase();
    if let Some(id) = tx.get_raw(Table::StudyNames, key.as_bytes())?.and_then(|v| StudyId::from_key(&v)) {
        return Ok(id);
    }
    let id = StudyId(tx.next_id(StudyId::PREFIX)?);
    tx.put(Table::Studies, &id.key(), &Study { id, name: name.trim().to_string(), created_at: now })?;
    tx.put_raw(Table::StudyNames, key.as_bytes(), &id.key())?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AnswerCount;

    fn interview(text: &str) -> EvidenceInput {
        EvidenceInput {
            kind: EvidenceKind::Interview,
            text: text.into(),
            participant: Some("P3".into()),
            segment: Some("churned".into()),
            study: Some("Churn interviews, October".into()),
            observed_at: Some("2026-10-14".into()),
            source: None,
            tags: vec!["Onboarding".into()],
            survey: None,
            record_id: None,
        }
    }

    fn scale(n: u32, answers: &[(&str, u32)]) -> SurveyResult {
        SurveyResult {
            question_type: QuestionType::Scale,
            n,
            scale_min: Some(1),
            scale_max: Some(5),
            labels: vec![],
            answers: answers.iter().map(|(a, c)| AnswerCount { answer: a.to_string(), count: *c }).collect(),
            ranks: vec![],
            responses: vec![],
            wave: Some("W1".into()),
            wave_start: None,
            wave_end: None,
        }
    }

    #[tokio::test]
    async fn duplicates_are_found_by_content_and_re_imports_update() {
        let store = Store::temporary().unwrap();
        let actor = Actor("t".into());
        let request = AddEvidenceRequest {
            items: vec![
                interview("I didn't know which template to pick."),
                interview("I  didn't know which TEMPLATE to pick"),
            ],
        };
        let added = add_evidence(&store, request, &actor).await.unwrap();
        assert_eq!((added.created, added.duplicates), (1, 1));
        assert_eq!(added.items[1].id, added.items[0].id);

        let mut first = interview("The blank canvas scared me.");
        first.source = Some(Source { record_id: Some("int-007".into()), ..Default::default() });
        let id =
            add_evidence(&store, AddEvidenceRequest { items: vec![first.clone()] }, &actor).await.unwrap().items[0].id;
        first.text = "The blank canvas honestly scared me.".into();
        let again = add_evidence(&store, AddEvidenceRequest { items: vec![first] }, &actor).await.unwrap();
        assert_eq!((again.items[0].id, again.items[0].status), (id, AddStatus::Updated));
        let stored: Evidence = store.get(Table::Evidence, &id.key()).unwrap().unwrap();
        assert_eq!(stored.text, "The blank canvas honestly scared me.");
        assert_eq!(stored.tags, ["onboarding"]);
    }

    #[tokio::test]
    async fn a_record_imported_again_unchanged_is_unchanged_and_is_not_rewritten() {
        let store = Store::temporary().unwrap();
        let actor = Actor("t".into());
        let mut item = interview("The blank canvas scared me.");
        item.record_id = Some("int-9".into());
        let add = |item: &EvidenceInput| add_evidence(&store, AddEvidenceRequest { items: vec![item.clone()] }, &actor);
        let first = add(&item).await.unwrap();
        let before = store.checksum().unwrap();
        let again = add(&item).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
        assert_eq!(again.items[0], AddedItem { index: 0, id: first.items[0].id, status: AddStatus::Unchanged });
        assert_eq!(store.checksum().unwrap(), before, "an unchanged record is not written");
        item.segment = Some("retained".into());
        assert_eq!(add(&item).await.unwrap().updated, 1);
    }

    #[tokio::test]
    async fn a_record_first_seen_as_a_duplicate_stays_one_whatever_else_changes() {
        let store = Store::temporary().unwrap();
        let actor = Actor("t".into());
        let add = |item: EvidenceInput| add_evidence(&store, AddEvidenceRequest { items: vec![item] }, &actor);
        let original = add(interview("I gave up on the import.")).await.unwrap().items[0].id;
        let mut turn = interview("I gave up on the import.");
        turn.record_id = Some("p3.md@abc#L7".into());
        let first = add(turn.clone()).await.unwrap();
        assert_eq!((first.items[0].id, first.items[0].status), (original, AddStatus::Duplicate));
        // Another segment changes the content key; the record still finds the item.
        turn.segment = None;
        let again = add(turn.clone()).await.unwrap();
        assert_eq!((again.items[0].id, again.items[0].status, again.created), (original, AddStatus::Duplicate, 0));
        // New words under the record are new evidence, and the record is theirs from now on.
        turn.text = "I gave up on the CSV import after the third error.".into();
        let reworded = add(turn.clone()).await.unwrap();
        assert_eq!((reworded.created, reworded.duplicates), (1, 0));
        turn.tags.push("import".into());
        assert_eq!(
            add(turn).await.unwrap().items[0],
            AddedItem { index: 0, id: reworded.items[0].id, status: AddStatus::Updated }
        );
    }

    #[tokio::test]
    async fn a_record_stored_under_its_former_id_is_updated_and_rekeyed() {
        let store = Store::temporary().unwrap();
        let actor = Actor("t".into());
        let mut old = interview("The trial ran out.");
        old.record_id = Some("notes/p3.md#L27-27".into());
        let id = add_evidence(&store, AddEvidenceRequest { items: vec![old] }, &actor).await.unwrap().items[0].id;
        let mut plan = interview("The trial ran out.").into_plan("items[0]").unwrap();
        plan.segment = Some("retained".into());
        plan.source.record_id = Some("p3.md@abc#L27".into());
        plan.former_record_id = Some("notes/p3.md#L27-27".into());
        let moved = store_plans(&store, std::slice::from_ref(&plan), &Change::now(&actor, None), &|_| {}).unwrap();
        assert_eq!((moved.items[0].id, moved.items[0].status), (id, AddStatus::Updated));
        let stored: Evidence = store.get(Table::Evidence, &id.key()).unwrap().unwrap();
        assert_eq!(stored.source.record_id.as_deref(), Some("p3.md@abc#L27"));
        let again = store_plans(&store, &[plan], &Change::now(&actor, None), &|_| {}).unwrap();
        assert_eq!((again.items[0].id, again.items[0].status), (id, AddStatus::Unchanged));
        let by_former = store.transact(|tx| tx.bucket_get(Table::EvidenceByRecord, b"notes/p3.md#L27-27")).unwrap();
        assert_eq!(by_former, None, "the former key is gone");
    }

    #[tokio::test]
    async fn a_bad_item_rejects_the_whole_batch() {
        let store = Store::temporary().unwrap();
        let before = store.checksum().unwrap();
        let mut bad = interview("Fine");
        bad.observed_at = Some("2099-01-01".into());
        let err = add_evidence(&store, AddEvidenceRequest { items: vec![interview("Good"), bad] }, &Actor("t".into()))
            .await
            .unwrap_err();
        assert!(err.to_string().starts_with("items[1].observed_at: 2099-01-01 is in the future"), "{err}");
        assert_eq!(store.checksum().unwrap(), before);
    }

    #[test]
    fn surveys_must_add_up() {
        let ok = validate_survey("survey", scale(10, &[("4", 6), ("5", 4)]));
        assert!(ok.is_ok());
        let err = validate_survey("survey", scale(12, &[("4", 6), ("5", 4)])).unwrap_err().to_string();
        assert_eq!(
            err,
            "survey.answers: the counts add up to 10, but n is 12; give every answer's count, or the n that answered"
        );
        let err = validate_survey("survey", scale(10, &[("6", 6), ("5", 4)])).unwrap_err().to_string();
        assert_eq!(err, "survey.answers[0].answer: 6 is outside the 1..5 scale");
        let err = validate_survey("survey", scale(10, &[("great", 10)])).unwrap_err().to_string();
        assert!(err.contains("is not a point of the 1..5 scale"), "{err}");
        let mut multi = scale(10, &[("A", 8), ("B", 11)]);
        multi.question_type = QuestionType::MultipleChoice;
        assert!(validate_survey("survey", multi).unwrap_err().to_string().contains("more than the 10 who answered"));
        let mut yes_no = scale(10, &[("yes", 6), ("maybe", 4)]);
        yes_no.question_type = QuestionType::YesNo;
        assert!(validate_survey("survey", yes_no).unwrap_err().to_string().contains("neither yes nor no"));
    }

    #[test]
    fn a_survey_wave_is_a_short_printable_name_within_the_dates() {
        let mut long = scale(10, &[("4", 10)]);
        long.wave = Some(format!("W1\u{0}\u{7}{}", "x".repeat(1_000_000)));
        let err = validate_survey("survey", long).unwrap_err().to_string();
        assert!(err.starts_with("survey.wave: is 1000004 characters long; at most 120"), "{err}");
        let mut bell = scale(10, &[("4", 10)]);
        bell.wave = Some("W\u{7}1".into());
        assert!(validate_survey("survey", bell).unwrap_err().to_string().contains("survey.wave: contains the control"));
        let mut early = scale(10, &[("4", 10)]);
        early.wave_start = Some(jiff::civil::date(0, 1, 1));
        let err = validate_survey("survey", early).unwrap_err().to_string();
        assert!(err.starts_with("survey.wave_start: 0000-01-01 is out of range"), "{err}");
        let mut trimmed = scale(10, &[("4", 10)]);
        trimmed.wave = Some(" W3 ".into());
        assert_eq!(validate_survey("survey", trimmed).unwrap().wave.as_deref(), Some("W3"));
    }

    #[test]
    fn timecodes() {
        assert_eq!(parse_timecode("00:03:10.500"), Some(190.5));
        assert_eq!(parse_timecode("03:10,250"), Some(190.25));
        assert_eq!(parse_timecode("00:61:00"), None);
        assert_eq!(parse_timecode("soon"), None);
    }
}

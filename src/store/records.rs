//! How each domain type is stored: JSON for the few and small (objectives, key
//! results, history...), a binary layout for evidence, of which a workspace holds a
//! hundred thousand. Kept here so the model stays plain data.
//!
//! Evidence in JSON spent three bytes of field names and punctuation for every byte
//! of the quote (425 bytes per generated excerpt of about 95 characters); the layout
//! below keeps the words and drops the rest.

use jiff::Timestamp;
use jiff::civil::Date;

use super::codec::{BINARY_VERSION, Reader, Record, Writer, decode_json};
use crate::error::Error;
use crate::model::{
    AuditEntry, Evidence, EvidenceId, EvidenceKind, Indicator, Initiative, KeyResult, Link, Metric, MetricSource,
    Objective, Source, Study, StudyId, SurveyResult,
};

impl Record for Objective {}
impl Record for KeyResult {}
impl Record for Metric {}
impl Record for Indicator {}
impl Record for Initiative {}
impl Record for AuditEntry {}
impl Record for Study {}
impl Record for Link {}
impl Record for MetricSource {}

/// Evidence, field by field in declaration order. A survey result (rare, and with
/// many optional parts) stays JSON inside the record.
impl Record for Evidence {
    fn to_record(&self) -> Vec<u8> {
        let mut w = Writer::binary(self.text.len() + 64);
        w.u64(self.id.0);
        w.byte(match self.kind {
            EvidenceKind::Interview => 0,
            EvidenceKind::Survey => 1,
            EvidenceKind::Observation => 2,
        });
        w.str(&self.text);
        w.option(self.participant.as_deref(), Writer::str);
        w.option(self.segment.as_deref(), Writer::str);
        w.option(self.study, |w, s| w.u64(s.0));
        w.option(self.observed_at, write_date);
        let source = &self.source;
        w.option(source.file.as_deref(), Writer::str);
        w.option(source.lines, |w, [first, last]| {
            w.u64(first.into());
            w.u64(last.into());
        });
        w.option(source.url.as_deref(), Writer::str);
        w.option(source.timecode.as_ref(), |w, [start, end]| {
            w.str(start);
            w.str(end);
        });
        w.option(source.record_id.as_deref(), Writer::str);
        w.u64(self.tags.len() as u64);
        for tag in &self.tags {
            w.str(tag);
        }
        w.option(self.survey.as_ref(), |w, survey| {
            w.bytes(&serde_json::to_vec(survey).expect("a survey result serializes to JSON"))
        });
        w.i64(self.created_at.as_second());
        w.u64(self.created_at.subsec_nanosecond() as u64);
        w.str(&self.created_by);
        w.finish()
    }

    fn from_record(key: &[u8], bytes: &[u8]) -> Result<Self, Error> {
        if bytes.first() != Some(&BINARY_VERSION) {
            return decode_json(key, bytes);
        }
        let mut r = Reader::binary(key, bytes)?;
        let id = EvidenceId(r.u64("id")?);
        let kind = match r.byte("kind")? {
            0 => EvidenceKind::Interview,
            1 => EvidenceKind::Survey,
            2 => EvidenceKind::Observation,
            other => return Err(r.invalid(format!("kind {other} is not a kind of evidence"))),
        };
        let text = r.str("text")?;
        let participant = r.option("participant", |r| r.str("participant"))?;
        let segment = r.option("segment", |r| r.str("segment"))?;
        let study = r.option("study", |r| r.u64("study").map(StudyId))?;
        let observed_at = r.option("observed_at", read_date)?;
        let source = Source {
            file: r.option("source file", |r| r.str("source file"))?,
            lines: r.option("source lines", |r| Ok([line(r)?, line(r)?]))?,
            url: r.option("source url", |r| r.str("source url"))?,
            timecode: r.option("timecode", |r| Ok([r.str("timecode")?, r.str("timecode")?]))?,
            record_id: r.option("record id", |r| r.str("record id"))?,
        };
        let tags = (0..r.u64("tags")?).map(|_| r.str("tag")).collect::<Result<Vec<_>, _>>()?;
        let survey = r.option("survey", |r| {
            let json = r.bytes("survey")?;
            serde_json::from_slice::<SurveyResult>(json).map_err(|e| r.invalid(format!("survey: {e}")))
        })?;
        let seconds = r.i64("created_at")?;
        let nanos = i32::try_from(r.u64("created_at")?).map_err(|_| r.invalid("created_at nanoseconds"))?;
        let created_at = Timestamp::new(seconds, nanos).map_err(|e| r.invalid(format!("created_at: {e}")))?;
        let created_by = r.str("created_by")?;
        r.finish()?;
        Ok(Evidence {
            id,
            kind,
            text,
            participant,
            segment,
            study,
            observed_at,
            source,
            tags,
            survey,
            created_at,
            created_by,
        })
    }
}

fn write_date(w: &mut Writer, date: Date) {
    w.i64(date.year().into());
    w.byte(date.month() as u8);
    w.byte(date.day() as u8);
}

fn read_date(r: &mut Reader<'_>) -> Result<Date, Error> {
    let year = i16::try_from(r.i64("observed_at")?).map_err(|_| r.invalid("observed_at year"))?;
    let (month, day) = (r.byte("observed_at")? as i8, r.byte("observed_at")? as i8);
    Date::new(year, month, day).map_err(|e| r.invalid(format!("observed_at: {e}")))
}

fn line(r: &mut Reader<'_>) -> Result<u32, Error> {
    u32::try_from(r.u64("source lines")?).map_err(|_| r.invalid("source lines"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnswerCount, QuestionType};
    use crate::store::encode_json;

    fn quote() -> Evidence {
        Evidence {
            id: EvidenceId(12_345),
            kind: EvidenceKind::Interview,
            text: "I couldn't find the import — so we stopped using it. 日本".into(),
            participant: Some("P3".into()),
            segment: None,
            study: Some(StudyId(4)),
            observed_at: Some(Date::constant(2026, 10, 15)),
            source: Source {
                file: Some("interviews/p3.md".into()),
                lines: Some([12, 14]),
                url: None,
                timecode: Some(["00:03:10.000".into(), "00:03:22.000".into()]),
                record_id: Some("dovetail-88".into()),
            },
            tags: vec!["csv-import".into(), "onboarding".into()],
            survey: None,
            created_at: "2026-11-29T22:13:00.123456789Z".parse().unwrap(),
            created_by: "Maya Chen".into(),
        }
    }

    #[test]
    fn evidence_round_trips_through_its_binary_layout() {
        let mut survey = quote();
        survey.kind = EvidenceKind::Survey;
        survey.participant = None;
        survey.observed_at = Some(Date::constant(-44, 3, 15));
        survey.created_at = "1969-07-20T20:17:40Z".parse().unwrap();
        survey.survey = Some(SurveyResult {
            question_type: QuestionType::Scale,
            n: 412,
            scale_min: Some(1),
            scale_max: Some(5),
            labels: vec![],
            answers: vec![AnswerCount { answer: "5".into(), count: 200 }],
            ranks: vec![],
            responses: vec![],
            wave: Some("W3".into()),
            wave_start: None,
            wave_end: None,
        });
        for evidence in [quote(), survey, Evidence { source: Source::default(), tags: vec![], ..quote() }] {
            let bytes = evidence.to_record();
            assert_eq!(bytes[0], BINARY_VERSION);
            assert_eq!(Evidence::from_record(b"EV", &bytes).unwrap(), evidence);
        }
    }

    #[test]
    fn evidence_written_as_json_before_is_still_read() {
        let json = encode_json(&quote());
        assert_eq!(Evidence::from_record(b"EV", &json).unwrap(), quote());
        assert!(quote().to_record().len() * 2 < json.len(), "the binary layout is less than half the JSON");
    }

    #[test]
    fn damaged_evidence_is_an_error_not_a_panic() {
        let bytes = quote().to_record();
        for cut in 1..bytes.len() {
            assert!(Evidence::from_record(b"EV", &bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut wrong_kind = bytes.clone();
        wrong_kind[3] = 9;
        let err = Evidence::from_record(b"EV", &wrong_kind).unwrap_err().to_string();
        assert!(err.contains("not a kind of evidence"), "{err}");
    }
}

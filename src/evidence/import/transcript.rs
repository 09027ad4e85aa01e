//! Transcripts: Markdown and plain text split into speaker turns with their line
//! ranges, WebVTT and SRT cues merged per speaker with their time ranges, and the
//! `Key: value` header before the first turn read as facts about the interview.
//! The interviewer's turns are left out: evidence is what customers said.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ImportDefaults, ImportFormat, Origin, Row};
use crate::clock::DateOrder;
use crate::error::{Error, Result};
use crate::evidence::add::{EvidenceInput, parse_timecode};
use crate::model::{EvidenceKind, Source};
use crate::validate;

/// A transcript's header: the `Key: value` lines before the first turn (`Study:
/// Churn interviews. Date: 2026-10-14.`), read as facts about the interview, not as
/// turns by a speaker named Study.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TranscriptHeader {
    /// The header's lines (1-based).
    pub lines: Vec<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<String>,
    /// Who was interviewed: the participant of turns labelled only with a role
    /// (Participant:, Customer:).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The interview's date (Date:, Recorded:), YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<String>,
    /// Who asked (Interviewer:, Moderator:): their turns are left out like the
    /// interviewers'.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewers: Vec<String>,
    /// Header values that could not be used, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The line each value used came from, for errors.
    #[serde(skip)]
    #[schemars(skip)]
    value_lines: Vec<(&'static str, usize)>,
}

const DEFAULT_INTERVIEWERS: &[&str] = &["interviewer", "moderator", "researcher", "facilitator", "q", "host"];

pub(super) fn is_interviewer(speaker: &str, interviewers: &[String]) -> bool {
    let s = speaker.trim().to_lowercase();
    if interviewers.is_empty() {
        DEFAULT_INTERVIEWERS.contains(&s.as_str())
    } else {
        interviewers.iter().any(|i| i.trim().to_lowercase() == s)
    }
}

/// `**P3:** text`, `P3: text`, `- P3: text` → (speaker, text).
pub(super) fn speaker_line(line: &str) -> Option<(String, String)> {
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

impl TranscriptHeader {
    /// Fills what the request left unset: the request's values win over the file's.
    pub(super) fn fill(&self, defaults: &mut ImportDefaults) {
        let fill = |field: &mut Option<String>, value: &Option<String>| {
            if field.is_none() {
                field.clone_from(value);
            }
        };
        fill(&mut defaults.study, &self.study);
        fill(&mut defaults.segment, &self.segment);
        fill(&mut defaults.observed_at, &self.observed_at);
        fill(&mut defaults.participant, &self.participant);
    }

    /// Checks the values used (the request's `given` defaults win, and were checked
    /// before) as an item's fields are checked: a bad one (a date in the future, a
    /// study name of 500 characters) refuses the file at its header line, which is
    /// where it is wrong, rather than at every turn.
    pub(super) fn check(&self, name: &str, given: &ImportDefaults) -> Result<()> {
        let mut probe = given.clone();
        self.fill(&mut probe);
        probe.check_as("").map_err(|e| {
            let line = match &e {
                Error::Invalid { field, .. } => self.value_lines.iter().find(|(f, _)| field == f).map(|(_, l)| *l),
                _ => None,
            };
            let place = line.map_or("the header".to_string(), |l| format!("line {l}"));
            Error::invalid(name, format!("{place}: {}; nothing was imported", validate::unquoted(&e.to_string())))
        })
    }
}

/// Speaker labels that say a role, not who: such turns are the participant's the
/// request or the header names, when one does.
const PARTICIPANT_ROLES: &[&str] = &["participant", "interviewee", "respondent", "customer", "user", "guest"];

/// Header keys whose values fill a field, by the field.
const HEADER_KEYS: &[(&str, &[&str])] = &[
    ("study", &["study", "project", "research"]),
    ("observed_at", &["date", "recorded", "recorded on", "interview date", "recording date", "interviewed on"]),
    ("participant", &["participant", "interviewee", "respondent", "customer"]),
    ("segment", &["segment", "cohort"]),
    ("interviewer", &["interviewer", "moderator", "researcher", "facilitator", "host"]),
];

/// Header keys that are facts about the interview grounded does not keep; a line of
/// them is still no turn.
const HEADER_OTHER_KEYS: &[&str] = &[
    "title",
    "duration",
    "length",
    "time",
    "location",
    "session",
    "topic",
    "language",
    "consent",
    "notes",
    "note",
    "transcript",
    "transcribed by",
    "recording",
    "company",
    "role",
    "team",
    "plan",
    "interview",
];

/// Dates as headers write them besides the forms [`crate::clock::parse_day`] reads.
const HEADER_DATE_FORMS: &[&str] = &["%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y"];

/// The field a header key fills (`None`: a known key whose value is not kept), or
/// nothing when it is no header key.
fn header_key(key: &str) -> Option<Option<&'static str>> {
    let key = key.trim().trim_matches('*').trim().to_lowercase();
    if let Some((field, _)) = HEADER_KEYS.iter().find(|(_, keys)| keys.contains(&key.as_str())) {
        return Some(Some(field));
    }
    HEADER_OTHER_KEYS.contains(&key.as_str()).then_some(None)
}

/// A header line's `Key: value` pairs, or None when the line is no header line.
///
/// A line is a header line when its first key is a header key: `Study: ...`,
/// `Date: ...`, or several pairs (`Study: Churn interviews. Date: 2026-10-14;
/// Participant: P3`). A key that is also a speaker's role (Participant:,
/// Interviewer:) makes a header line only when its value is a name, not a sentence:
/// `Interviewer: Maya Chen` is a header, `Interviewer: How did the first week go?` a
/// turn.
fn header_pairs(line: &str) -> Option<Vec<(String, String)>> {
    let (key, rest) = speaker_line(line)?;
    let field = header_key(&key)?;
    // Pairs are separated by `;` or by a sentence's full stop (`. `): not by the dot
    // of 4.12 or 14.10.2026.
    let mut segments = vec![];
    let mut current = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        let ends = c == ';' || (c == '.' && chars.peek().is_none_or(|n| n.is_whitespace()));
        if ends {
            segments.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    segments.push(current);
    let mut segments = segments.into_iter().map(|s| s.trim().to_string());
    let first = segments.next().unwrap_or_default();
    let mut pairs = vec![(key.clone(), first.clone())];
    for segment in segments {
        if let Some((k, v)) = segment.split_once(':')
            && header_key(k).is_some()
        {
            pairs.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let is_role = matches!(field, Some("participant" | "interviewer"))
        || DEFAULT_INTERVIEWERS.contains(&key.trim().to_lowercase().as_str());
    let a_name = !first.is_empty()
        && first.split_whitespace().count() <= 5
        && !rest.contains(['?', '!'])
        && !rest.trim_end().ends_with('.');
    (!is_role || pairs.len() > 1 || a_name).then_some(pairs)
}

/// Reads a transcript's header: the header lines before its first turn (blank lines,
/// Markdown headings, `---` fences and prose between them are passed over).
pub(super) fn read_header(text: &str, dates: Option<DateOrder>) -> TranscriptHeader {
    let mut header = TranscriptHeader::default();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let Some(pairs) = header_pairs(line) else {
            if speaker_line(line).is_some() {
                break; // the first turn
            }
            continue;
        };
        header.lines.push(number);
        for (key, value) in pairs {
            let value = value.trim().trim_matches('*').trim().trim_end_matches('.').trim().to_string();
            if value.is_empty() {
                continue;
            }
            // The first value of each field counts.
            let slot = match header_key(&key).flatten() {
                Some("study") => &mut header.study,
                Some("participant") => &mut header.participant,
                Some("segment") => &mut header.segment,
                Some("interviewer") => {
                    header.interviewers.push(value);
                    continue;
                }
                Some("observed_at") => &mut header.observed_at,
                _ => continue,
            };
            if slot.is_some() {
                continue;
            }
            let field = header_key(&key).flatten().unwrap_or_default();
            match field {
                "observed_at" => match header_date(&value, dates) {
                    Ok(day) => *slot = Some(day.to_string()),
                    Err(why) => header.notes.push(format!(
                        "line {number}: the header's {} is not used as the items' date: {why}",
                        key.trim().trim_matches('*')
                    )),
                },
                _ => *slot = Some(value),
            }
            if slot.is_some() {
                header.value_lines.push((field, number));
            }
        }
    }
    header
}

/// A header's date: any form [`crate::clock::parse_day`] reads, or `October 14, 2026`.
fn header_date(value: &str, dates: Option<DateOrder>) -> std::result::Result<jiff::civil::Date, String> {
    crate::clock::parse_day("observed_at", value, dates).or_else(|e| {
        HEADER_DATE_FORMS.iter().find_map(|form| jiff::civil::Date::strptime(form, value).ok()).ok_or_else(|| match e {
            Error::Invalid { message, .. } => validate::unquoted(&message),
            other => other.to_string(),
        })
    })
}

/// Markdown and plain-text transcripts: a turn starts with `Speaker:`; following
/// lines belong to it until the next speaker. The header's lines are no turns; its
/// interviewers' turns are left out too. `defaults` (the request's, then the
/// header's) names the participant of turns labelled with a role only.
pub(super) fn turns(
    text: &str,
    header: &TranscriptHeader,
    interviewers: &[String],
    defaults: &ImportDefaults,
    file: Option<&str>,
    origin: &Origin,
) -> Vec<Row> {
    struct Turn {
        speaker: String,
        first: usize,
        last: usize,
        text: String,
    }
    let mut list: Vec<Turn> = vec![];
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if header.lines.contains(&number) {
            continue;
        }
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
    let asked = |speaker: &str| {
        is_interviewer(speaker, interviewers)
            || header.interviewers.iter().any(|i| i.eq_ignore_ascii_case(speaker.trim()))
    };
    list.into_iter()
        .filter(|t| !asked(&t.speaker) && !t.text.trim().is_empty())
        .map(|t| {
            let participant = match &defaults.participant {
                Some(named) if PARTICIPANT_ROLES.contains(&t.speaker.trim().to_lowercase().as_str()) => named.clone(),
                _ => t.speaker,
            };
            Row {
                line: t.first,
                item: Ok(EvidenceInput {
                    kind: EvidenceKind::Interview,
                    text: t.text,
                    participant: Some(participant),
                    segment: None,
                    study: None,
                    observed_at: None,
                    source: Some(Source {
                        file: file.map(String::from),
                        lines: Some([t.first as u32, t.last as u32]),
                        record_id: Some(origin.record_id(t.first)),
                        ..Default::default()
                    }),
                    tags: vec![],
                    survey: None,
                    record_id: None,
                }),
                former_record_id: origin.former_record_id(&format!("#L{}-{}", t.first, t.last)),
            }
        })
        .collect()
}

/// WebVTT and SRT: cues with times; the speaker from `<v Name>` or `Name:`.
/// Consecutive cues of one speaker make one turn, from the first start to the last end.
pub(super) fn cues(
    text: &str,
    format: ImportFormat,
    interviewers: &[String],
    file: Option<&str>,
    origin: &Origin,
) -> Vec<Row> {
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
                    record_id: Some(origin.record_id(t.line)),
                    timecode: Some([normalize_timecode(&t.start), normalize_timecode(&t.end)]),
                    ..Default::default()
                }),
                tags: vec![],
                survey: None,
                record_id: None,
            }),
            former_record_id: origin.former_record_id(&format!("@{}", t.start)),
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
    use super::super::tests::items;
    use super::*;

    fn origin(identity: &str) -> Origin {
        Origin { identity: identity.into(), given: "p3.md".into(), is_url: false }
    }

    /// A transcript's turns as the importer reads them: header first.
    fn read_turns(text: &str, defaults: ImportDefaults) -> (TranscriptHeader, Vec<EvidenceInput>) {
        let header = read_header(text, None);
        let mut defaults = defaults;
        header.fill(&mut defaults);
        let rows = turns(text, &header, &[], &defaults, Some("p3.md"), &origin("/research/p3.md"));
        (header, items(rows))
    }

    #[test]
    fn markdown_transcripts_split_into_turns_with_line_ranges() {
        let text = "# Interview with P3\n\n**Interviewer:** How did the first week go?\n\n**P3:** Honestly I stared at the blank canvas.\nI didn't know which template to pick.\n\n**Interviewer:** Then what?\n\n**P3:** I gave up.\n";
        let (header, turns) = read_turns(text, ImportDefaults::default());
        assert_eq!(header, TranscriptHeader::default());
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "Honestly I stared at the blank canvas. I didn't know which template to pick.");
        assert_eq!(turns[0].participant.as_deref(), Some("P3"));
        assert_eq!(turns[0].source.as_ref().unwrap().lines, Some([5, 6]));
        assert_eq!(turns[1].source.as_ref().unwrap().lines, Some([10, 10]));
    }

    #[test]
    fn a_header_before_the_first_turn_is_metadata_not_a_turn() {
        let text = "# Interview with P3 (churned)\n\nStudy: Churn interviews, October. Date: 2026-10-14. Recorded with consent; names removed.\nInterviewer: Maya Chen\nSegment: churned; Duration: 45 min\n\n**Maya Chen:** Thanks for making time.\n\n**P3:** We're a small team.\nAbout eight people.\n\n**Interviewer:** And then?\n\n**P3:** Date: I forget.\n";
        let (header, turns) = read_turns(text, ImportDefaults::default());
        assert_eq!(header.lines, [3, 4, 5]);
        assert_eq!(header.study.as_deref(), Some("Churn interviews, October"));
        assert_eq!(header.observed_at.as_deref(), Some("2026-10-14"));
        assert_eq!(header.segment.as_deref(), Some("churned"));
        assert_eq!(header.interviewers, ["Maya Chen"]);
        // No turn by Study or by the interviewer named in the header; a Key: value
        // inside a later turn is what was said.
        let said: Vec<_> = turns.iter().map(|t| (t.participant.as_deref().unwrap(), t.text.as_str())).collect();
        assert_eq!(said, [("P3", "We're a small team. About eight people."), ("P3", "Date: I forget.")]);
    }

    #[test]
    fn a_role_key_is_a_header_only_when_its_value_is_a_name() {
        assert!(header_pairs("Interviewer: Maya Chen").is_some());
        assert!(header_pairs("**Participant:** P7").is_some());
        assert!(header_pairs("Interviewer: How did the first week go?").is_none());
        assert!(header_pairs("Participant: We tried it for a week.").is_none());
        assert!(header_pairs("P3: Study: none").is_none(), "a speaker's turn, whatever it says");
        let pairs = header_pairs("Study: Onboarding v4.12; Date: 14.10.2026. Participant: P3").unwrap();
        let keys: Vec<_> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(keys, ["Study=Onboarding v4.12", "Date=14.10.2026", "Participant=P3"]);

        // Turns labelled with a role are the header's participant's; flags win over it.
        let text = "Participant: P7\nDate: October 14, 2026\n\nInterviewer: Why did you leave?\nParticipant: The import kept failing.\n";
        let (header, turns) = read_turns(text, ImportDefaults::default());
        assert_eq!((header.participant.as_deref(), header.observed_at.as_deref()), (Some("P7"), Some("2026-10-14")));
        assert_eq!(turns[0].participant.as_deref(), Some("P7"));
        let named = ImportDefaults { participant: Some("R2".into()), ..Default::default() };
        assert_eq!(read_turns(text, named).1[0].participant.as_deref(), Some("R2"));
    }

    #[test]
    fn a_header_date_grounded_cannot_read_is_a_note_without_the_value() {
        let header = read_header("Date: 03/10/2026\nRecorded: last Tuesday\n\nP1: Hi.\n", None);
        assert_eq!(header.observed_at, None);
        assert_eq!(header.lines, [1, 2]);
        assert_eq!(header.notes.len(), 2, "{:?}", header.notes);
        assert!(header.notes[0].starts_with("line 1: the header's Date is not used"), "{:?}", header.notes);
        assert!(header.notes[0].contains("day_first or month_first"), "{:?}", header.notes);
        assert!(!header.notes.iter().any(|n| n.contains("03/10") || n.contains("Tuesday")), "{:?}", header.notes);
        let day_first = read_header("Date: 03/10/2026\n", Some(DateOrder::DayFirst));
        assert_eq!(day_first.observed_at.as_deref(), Some("2026-10-03"));
    }

    #[test]
    fn a_turn_is_keyed_by_its_files_identity_and_first_line_only() {
        let a = origin("/research/study-a/p1.md");
        assert_eq!(a.record_id(7), origin("/research/study-a/p1.md").record_id(7));
        assert_ne!(a.record_id(7), a.record_id(8));
        assert_ne!(a.record_id(7), origin("/research/study-b/p1.md").record_id(7), "one name, two files");
        assert!(a.record_id(7).starts_with("p1.md@") && a.record_id(7).ends_with("#L7"), "{}", a.record_id(7));
        let deep = origin(&format!("/{}/{}.md", "folder/".repeat(40), "n".repeat(200)));
        assert!(deep.record_id(12_345).chars().count() <= validate::MAX_NAME_CHARS, "{}", deep.record_id(12_345));
        let url = Origin {
            identity: "https://x.example/t.vtt".into(),
            given: "https://x.example/t.vtt".into(),
            is_url: true,
        };
        assert_eq!(url.former_record_id("@00:01.000"), None);
        assert_eq!(a.former_record_id("#L7-9").as_deref(), Some("p3.md#L7-9"));
    }

    #[test]
    fn vtt_and_srt_cues_merge_per_speaker_with_time_ranges() {
        let vtt = "WEBVTT\n\n00:01:05.000 --> 00:01:12.500\n<v Interviewer>What happened next?\n\n00:01:13.000 --> 00:01:20.000\n<v P6>I invited two teammates.\n\n00:01:20.000 --> 00:01:25.000\n<v P6>That changed everything.\n";
        let turns = items(cues(vtt, ImportFormat::Vtt, &[], Some("p6.vtt"), &origin("/research/p6.vtt")));
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].text, "I invited two teammates. That changed everything.");
        assert_eq!(
            turns[0].source.as_ref().unwrap().timecode,
            Some(["00:01:13.000".to_string(), "00:01:25.000".to_string()])
        );
        let srt = "1\n00:00:01,000 --> 00:00:04,000\nModerator: Tell me about setup.\n\n2\n00:00:05,000 --> 00:00:09,500\nDana: The CSV import kept failing.\n";
        let turns = items(cues(srt, ImportFormat::Srt, &[], None, &origin("/research/dana.srt")));
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
}

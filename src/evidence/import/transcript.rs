//! Transcripts: Markdown and plain text split into speaker turns with their line
//! ranges, WebVTT and SRT cues merged per speaker with their time ranges, and the
//! `Key: value` header before the first turn read as facts about the interview.
//! The interviewer's turns are left out: evidence is what customers said.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rows::{Origin, Row};
use super::{ImportDefaults, ImportFormat};
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
    pub notes: Vec<crate::error::Words>,
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
        && !speaker.contains(',')
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
        if heading(trimmed).is_some() {
            break; // the first turn
        }
        // A date alone on its line (Meet's "Mar 3, 2026", Teams' "March 3, 2026, 3:02PM").
        if header.observed_at.is_none()
            && let Some(day) = standalone_date(trimmed, dates)
        {
            header.lines.push(number);
            header.observed_at = Some(day.to_string());
            header.value_lines.push(("observed_at", number));
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
                    Err(why) => header.notes.push(why.after(format!(
                        "line {number}: the header's {} is not used as the items' date: ",
                        key.trim().trim_matches('*')
                    ))),
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

/// A line that is a date and nothing else, perhaps with the time after a comma.
fn standalone_date(line: &str, dates: Option<DateOrder>) -> Option<jiff::civil::Date> {
    let line = line.trim_start_matches('\u{feff}').trim();
    let day = line.rsplit_once(", ").filter(|(_, time)| time.contains(':')).map_or(line, |(day, _)| day);
    header_date(day, dates).ok()
}

/// A header's date: any form [`crate::clock::parse_day`] reads, or `October 14, 2026`.
fn header_date(value: &str, dates: Option<DateOrder>) -> std::result::Result<jiff::civil::Date, crate::error::Words> {
    crate::clock::parse_day("observed_at", value, dates).or_else(|e| {
        HEADER_DATE_FORMS.iter().find_map(|form| jiff::civil::Date::strptime(form, value).ok()).ok_or_else(|| match e {
            Error::Invalid { message, .. } => message.map_text(validate::unquoted),
            other => other.to_string().into(),
        })
    })
}

/// Markdown and plain-text transcripts: a turn starts with `Speaker:`, or with a
/// heading line naming the speaker and a time (`[Priya Raman] 15:02:16` as Zoom saves
/// it, `Priya Raman  0:04` as Otter and Teams write it); following lines belong to it
/// until the next speaker. Lines that are only a time (Meet's markers) are no words of
/// anyone's, and a closing line (`Transcription ended after ...`, `Transcribed by
/// https://otter.ai`) ends the transcript. The header's lines are no turns. Who asked
/// is found by [`who_asked`]; `defaults` (the request's, then the header's) names the
/// participant of turns labelled with a role only.
pub(super) fn turns(
    text: &str,
    header: &TranscriptHeader,
    interviewers: &[String],
    defaults: &ImportDefaults,
    file: Option<&str>,
    origin: &Origin,
) -> (Vec<Row>, TranscriptRead) {
    struct Turn {
        speaker: String,
        first: usize,
        last: usize,
        text: String,
    }
    let mut list: Vec<Turn> = vec![];
    let mut headings = 0;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if header.lines.contains(&number) {
            continue;
        }
        let trimmed = line.trim().trim_start_matches('\u{feff}');
        if is_closing(trimmed) {
            break;
        }
        if is_time(trimmed) {
            continue;
        }
        if let Some(speaker) = heading(trimmed) {
            headings += 1;
            // Zoom saves a turn in pieces, each under its own heading: one turn.
            match list.last_mut() {
                Some(turn) if turn.speaker == speaker && !turn.text.is_empty() && turn.last + 2 >= number => {}
                _ => list.push(Turn { speaker, first: number, last: number, text: String::new() }),
            }
        } else if let Some((speaker, rest)) = speaker_line(line) {
            list.push(Turn { speaker, first: number, last: number, text: rest });
        } else if let Some(turn) = list.last_mut() {
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
    let named = |speaker: &str| {
        is_interviewer(speaker, interviewers)
            || header.interviewers.iter().any(|i| i.eq_ignore_ascii_case(speaker.trim()))
    };
    let mut read =
        who_asked(list.iter().map(|t| (t.speaker.as_str(), t.text.as_str())), named, !interviewers.is_empty());
    read.shape = if headings > 0 { "speaker and time headings" } else { "Speaker: text lines" }.into();
    let rows = list
        .into_iter()
        .filter(|t| !read.interviewers.contains(&t.speaker) && !t.text.trim().is_empty())
        .map(|t| {
            let participant = match &defaults.participant {
                Some(named) if PARTICIPANT_ROLES.contains(&t.speaker.trim().to_lowercase().as_str()) => named.clone(),
                _ => t.speaker,
            };
            Row {
                line: t.first,
                item: Ok(said(
                    t.text,
                    participant,
                    Source {
                        file: file.map(String::from),
                        lines: Some([t.first as u32, t.last as u32]),
                        record_id: Some(origin.record_id(t.first)),
                        ..Default::default()
                    },
                )),
                former_record_id: origin.former_record_id(&format!("#L{}-{}", t.first, t.last)),
            }
        })
        .collect();
    (rows, read)
}

/// One turn as evidence: what a participant said, and where in the file.
fn said(text: String, participant: String, source: Source) -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Interview,
        text,
        participant: Some(participant),
        segment: None,
        study: None,
        observed_at: None,
        source: Some(source),
        tags: vec![],
        survey: None,
        record_id: None,
    }
}

/// How a transcript was read, and whose turns were left out and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TranscriptRead {
    /// The layout recognised: Speaker: text lines, speaker and time headings, cues,
    /// a Gong call.
    pub shape: String,
    /// Speakers whose turns are not evidence.
    pub interviewers: Vec<String>,
    /// How they were found; the request's `interviewers` overrides it.
    pub rule: String,
}

/// Who asked: the speakers named as interviewers (by the request, the header, or the
/// roles Interviewer, Moderator, Researcher, Facilitator, Host, Q); when nobody is,
/// the speaker whose turns hold most of the questions, at least two of them and at
/// least twice anyone else's. When neither finds one, every turn is kept and the
/// answer says so.
pub(super) fn who_asked<'a>(
    turns: impl Iterator<Item = (&'a str, &'a str)>,
    named: impl Fn(&str) -> bool,
    request_named: bool,
) -> TranscriptRead {
    let mut questions: Vec<(String, usize)> = vec![];
    let mut left_out: Vec<String> = vec![];
    for (speaker, text) in turns {
        if named(speaker) {
            if !left_out.iter().any(|s| s == speaker) {
                left_out.push(speaker.to_string());
            }
            continue;
        }
        let asks = usize::from(text.contains('?'));
        match questions.iter_mut().find(|(s, _)| s == speaker) {
            Some((_, n)) => *n += asks,
            None => questions.push((speaker.to_string(), asks)),
        }
    }
    if !left_out.is_empty() {
        let by = if request_named { "named in the request's interviewers" } else { "named as interviewer" };
        return TranscriptRead {
            shape: String::new(),
            rule: format!("{}: {by}", left_out.join(", ")),
            interviewers: left_out,
        };
    }
    let total: usize = questions.iter().map(|(_, n)| n).sum();
    let mut ranked = questions.clone();
    ranked.sort_by_key(|(_, asked)| std::cmp::Reverse(*asked));
    match ranked.as_slice() {
        [(top, asked), rest @ ..] if !rest.is_empty() && *asked >= 2 && rest.iter().all(|(_, n)| asked >= &(2 * n)) => {
            TranscriptRead {
                shape: String::new(),
                rule: format!(
                    "{top}'s turns hold {asked} of the {total} that ask a question: taken as the interviewer"
                ),
                interviewers: vec![top.clone()],
            }
        }
        _ => TranscriptRead {
            shape: String::new(),
            rule: "no speaker is named as interviewer and none asks most of the questions: every turn is kept".into(),
            interviewers: vec![],
        },
    }
}

/// A heading that names a turn's speaker and when it began: `[Priya Raman] 15:02:16`,
/// `Priya Raman  0:04`, `Priya Raman   1:02:03`.
fn heading(line: &str) -> Option<String> {
    let (name, time) = if let Some(rest) = line.strip_prefix('[') {
        let (name, time) = rest.split_once(']')?;
        (name.trim(), time.trim())
    } else {
        let (name, time) = line.rsplit_once(char::is_whitespace)?;
        (name.trim(), time.trim())
    };
    // A name's words are capitalised (Priya Raman, Speaker 2, P3): "until 11:30"
    // ending a line of someone's words is no heading.
    let capitalised =
        name.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()));
    let plausible = !name.is_empty()
        && capitalised
        && name.split_whitespace().count() <= 5
        && !name.contains(':')
        && !name.ends_with(['.', '?', '!', ',']);
    (plausible && is_time(time)).then(|| name.to_string())
}

/// `0:04`, `15:02:16`, `00:01:12`, `1:02:03.500`: a time and nothing else.
fn is_time(text: &str) -> bool {
    let text = text.split('.').next().unwrap_or(text);
    let parts: Vec<&str> = text.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()))
}

/// The line a tool writes after the last turn.
fn is_closing(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["transcription ended after", "meeting ended after", "transcribed by https://otter.ai"]
        .iter()
        .any(|c| lower.starts_with(c))
        || lower.ends_with(" stopped transcription")
}

/// WebVTT and SRT: cues with times; the speaker from `<v Name>` or `Name:`.
/// Consecutive cues of one speaker make one turn, from the first start to the last end.
pub(super) fn cues(
    text: &str,
    format: ImportFormat,
    interviewers: &[String],
    file: Option<&str>,
    origin: &Origin,
) -> (Vec<Row>, TranscriptRead) {
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
    let named = |speaker: &str| is_interviewer(speaker, interviewers);
    let speaking = list.iter().filter(|t| !t.speaker.is_empty()).map(|t| (t.speaker.as_str(), t.text.as_str()));
    let mut read = who_asked(speaking, named, !interviewers.is_empty());
    read.shape = "cues".into();
    let rows = list
        .into_iter()
        .filter(|t| !t.speaker.is_empty() && !read.interviewers.contains(&t.speaker) && !t.text.is_empty())
        .map(|t| Row {
            line: t.line,
            item: Ok(said(
                t.text,
                t.speaker,
                Source {
                    file: file.map(String::from),
                    record_id: Some(origin.record_id(t.line)),
                    timecode: Some([normalize_timecode(&t.start), normalize_timecode(&t.end)]),
                    ..Default::default()
                },
            )),
            former_record_id: origin.former_record_id(&format!("@{}", t.start)),
        })
        .collect();
    (rows, read)
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

/// A DOCX file's text: one line per paragraph, a line break inside one as a new line
/// (Teams puts the speaker, the time and each sentence on lines of one paragraph).
pub(super) fn docx_text(bytes: &[u8]) -> std::result::Result<String, String> {
    use quick_xml::events::Event;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("is not a DOCX file (a zip archive): {e}"))?;
    let mut xml = String::new();
    {
        use std::io::Read;
        let mut part = archive
            .by_name("word/document.xml")
            .map_err(|_| "is no Word document: it has no word/document.xml".to_string())?;
        // A transcript of hours is a few MB of XML; a larger part is no transcript.
        part.by_ref()
            .take(64 << 20)
            .read_to_string(&mut xml)
            .map_err(|e| format!("word/document.xml cannot be read: {e}"))?;
    }
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().0 == "w:t" => in_text = true,
            Ok(Event::End(e)) if e.name().0 == "w:t" => in_text = false,
            Ok(Event::End(e)) if e.name().0 == "w:p" => text.push('\n'),
            Ok(Event::Empty(e)) if e.name().0 == "w:br" => text.push('\n'),
            Ok(Event::Empty(e)) if e.name().0 == "w:tab" => text.push(' '),
            Ok(Event::Text(t)) if in_text => text.push_str(&t.xml10_content()),
            // &amp; &lt; &#8217; between text events.
            Ok(Event::GeneralRef(r)) if in_text => {
                let entity = format!("&{};", r.xml10_content());
                text.push_str(&quick_xml::escape::unescape(&entity).unwrap_or_default());
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(format!("word/document.xml is not well-formed at byte {}: {e}", reader.buffer_position()));
            }
            _ => {}
        }
    }
    Ok(text)
}

/// A Gong call transcript (its API's `callTranscripts`: monologues of one speaker id,
/// each of sentences with start and end in milliseconds). Speakers are named, and the
/// team's own people (affiliation Internal) left out, when the file also holds the
/// call's `parties` (from Gong's calls API, as `calls[].parties` beside
/// `callTranscripts`); otherwise they are their speaker ids and [`who_asked`] decides.
pub(super) fn gong(
    json: &serde_json::Value,
    interviewers: &[String],
    file: Option<&str>,
    origin: &Origin,
) -> Option<(Vec<Row>, TranscriptRead)> {
    use serde_json::Value;
    let calls = json.get("callTranscripts")?.as_array()?;
    let parties: Vec<&Value> = json
        .get("calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("parties").and_then(Value::as_array))
        .flatten()
        .collect();
    let party = |speaker: &str| parties.iter().find(|p| p.get("speakerId").and_then(Value::as_str) == Some(speaker));
    let name_of = |speaker: &str| {
        party(speaker)
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| format!("speaker {speaker}"))
    };
    let internal: Vec<String> = parties
        .iter()
        .filter(|p| p.get("affiliation").and_then(Value::as_str) == Some("Internal"))
        .filter_map(|p| p.get("speakerId").and_then(Value::as_str))
        .map(name_of)
        .collect();
    struct Turn {
        speaker: String,
        call: String,
        index: usize,
        start: u64,
        end: u64,
        text: String,
    }
    let mut list: Vec<Turn> = vec![];
    for call in calls {
        let call_id = call.get("callId").and_then(Value::as_str).unwrap_or("call").to_string();
        for (index, monologue) in call.get("transcript").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let speaker = name_of(monologue.get("speakerId").and_then(Value::as_str).unwrap_or(""));
            let sentences: Vec<&Value> =
                monologue.get("sentences").and_then(Value::as_array).into_iter().flatten().collect();
            let said: Vec<&str> = sentences.iter().filter_map(|s| s.get("text").and_then(Value::as_str)).collect();
            let time = |s: Option<&&Value>, key: &str| s.and_then(|s| s.get(key)).and_then(Value::as_u64).unwrap_or(0);
            let (start, end) = (time(sentences.first(), "start"), time(sentences.last(), "end"));
            match list.last_mut() {
                // Gong starts a new monologue at a topic change: one speaker's words stay one turn.
                Some(turn) if turn.speaker == speaker && turn.call == call_id => {
                    turn.text.push(' ');
                    turn.text.push_str(&said.join(" "));
                    turn.end = end;
                }
                _ => list.push(Turn {
                    speaker,
                    call: call_id.clone(),
                    index: index + 1,
                    start,
                    end,
                    text: said.join(" "),
                }),
            }
        }
    }
    let by_gong = interviewers.is_empty() && !internal.is_empty();
    let named = |speaker: &str| {
        if by_gong { internal.iter().any(|i| i == speaker) } else { is_interviewer(speaker, interviewers) }
    };
    let mut read =
        who_asked(list.iter().map(|t| (t.speaker.as_str(), t.text.as_str())), named, !interviewers.is_empty());
    if by_gong {
        read.rule =
            format!("{}: the call's own team (affiliation Internal in its parties)", read.interviewers.join(", "));
    }
    read.shape = "a Gong call transcript".into();
    let clock =
        |ms: u64| format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let rows = list
        .into_iter()
        .filter(|t| !read.interviewers.contains(&t.speaker) && !t.text.trim().is_empty())
        .map(|t| {
            Row::new(
                t.index,
                Ok::<_, crate::error::Words>(said(
                    t.text,
                    t.speaker,
                    Source {
                        file: file.map(String::from),
                        record_id: Some(origin.key(&format!("{}/{}", t.call, t.start))),
                        timecode: Some([clock(t.start), clock(t.end)]),
                        ..Default::default()
                    },
                )),
            )
        })
        .collect();
    Some((rows, read))
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
        (header, items(rows.0))
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
        let notes: Vec<String> = header.notes.iter().map(|n| n.to_string()).collect();
        assert!(notes[0].starts_with("line 1: the header's Date is not used"), "{notes:?}");
        assert!(notes[0].contains("day_first or month_first"), "{notes:?}");
        assert!(!notes.iter().any(|n| n.contains("03/10") || n.contains("Tuesday")), "{notes:?}");
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
        let turns = items(cues(vtt, ImportFormat::Vtt, &[], Some("p6.vtt"), &origin("/research/p6.vtt")).0);
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].text, "I invited two teammates. That changed everything.");
        assert_eq!(
            turns[0].source.as_ref().unwrap().timecode,
            Some(["00:01:13.000".to_string(), "00:01:25.000".to_string()])
        );
        let srt = "1\n00:00:01,000 --> 00:00:04,000\nModerator: Tell me about setup.\n\n2\n00:00:05,000 --> 00:00:09,500\nDana: The CSV import kept failing.\n";
        let turns = items(cues(srt, ImportFormat::Srt, &[], None, &origin("/research/dana.srt")).0);
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

    #[test]
    fn headings_time_markers_and_closing_lines_are_no_words_of_anyone() {
        let zoom = "[Priya Raman] 15:02:16\nHow did the first week go?\n\n[Marcus Delgado] 15:02:25\nSure.\n\n[Marcus Delgado] 15:02:32\nI worked until about 11:30 on it.\n\n[Priya Raman] 15:02:40\nAnd then?\n";
        let (_, turns) = read_turns(zoom, ImportDefaults::default());
        assert_eq!(turns.len(), 1, "Priya asks, Marcus's two pieces are one turn");
        assert_eq!(turns[0].text, "Sure. I worked until about 11:30 on it.");
        assert_eq!(turns[0].participant.as_deref(), Some("Marcus Delgado"));
        let meet = "\u{feff}Mar 3, 2026\nOnboarding - Transcript\n00:00:00\n\nPriya Raman: Why?\nMarcus Delgado: Because.\n00:01:12\nMarcus Delgado: And more.\nPriya Raman: Anything else?\nTranscription ended after 00:02:51\nThis editable transcript was computer generated.\n";
        let (header, turns) = read_turns(meet, ImportDefaults::default());
        assert_eq!(header.observed_at.as_deref(), Some("2026-03-03"));
        assert_eq!(turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["Because.", "And more."]);
    }

    #[test]
    fn the_speaker_who_asks_most_is_the_interviewer_only_when_clearly_so() {
        let asked = |turns: &[(&str, &str)]| who_asked(turns.iter().copied(), |_| false, false);
        let clear = asked(&[("Ann", "Why?"), ("Bo", "Because."), ("Ann", "And then?"), ("Bo", "I left. Why not?")]);
        assert_eq!(clear.interviewers, ["Ann"]);
        assert!(clear.rule.contains("2 of the 3"), "{}", clear.rule);
        let even = asked(&[("Ann", "Why?"), ("Bo", "How?"), ("Ann", "When?"), ("Bo", "Where?")]);
        assert!(even.interviewers.is_empty() && even.rule.contains("every turn is kept"), "{}", even.rule);
    }
}

//! Evidence: customer research (interview excerpts, survey results, observations),
//! the studies it was gathered in, and the links that attach it to what it grounds.

use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{EvidenceId, LinkId, StudyId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    // A verbatim quote from an interview.
    Interview,
    // The result of one survey question in one wave.
    Survey,
    // A written observation (support tickets, a session recording, a sales call).
    Observation,
}

// Where a piece of evidence came from, so anyone can go back to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    // A file path, such as interviews/p3.md.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    // First and last line in the file (1-based, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// [start, end], such as "00:03:10.000".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode: Option<[String; 2]>,
    // The id of the record in the tool it was imported from; a re-import with the same id
    // updates instead of duplicating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    OpenEnded,
    Scale,
    SingleChoice,
    MultipleChoice,
    Ranking,
    YesNo,
}

// How many respondents gave one answer (a scale point, an option, yes or no).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerCount {
    /// A scale point ("4"), an option, or yes/no.
    pub answer: String,
    pub count: u32,
}

// The label of one point of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleLabel {
    pub point: i32,
    pub label: String,
}

// For ranking questions: how often an option was ranked 1st, 2nd, ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankCounts {
    pub option: String,
    /// Respondents ranking it 1st, 2nd, ...
    pub counts: Vec<u32>,
}

// The raw result of one survey question; statistics are computed when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyResult {
    pub question_type: QuestionType,
    // Respondents who answered this question.
    pub n: u32,
    // Scale questions: the lowest and highest point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_min: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_max: Option<i32>,
    // Scale questions: labels of points, such as 1 = "Very dissatisfied".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<ScaleLabel>,
    // Scale, single_choice, multiple_choice, yes_no: the answer distribution; ranks and
    // responses hold the others.
    /// Not for ranking or open_ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerCount>,
    // Ranking questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranks: Vec<RankCounts>,
    // Open-ended questions: the responses, verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<String>,
    // The wave's name, such as W3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave_start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave_end: Option<Date>,
}

/// One piece of customer research.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    pub id: EvidenceId,
    pub kind: EvidenceKind,
    /// The quote (verbatim), the survey question, or the observation. Stored and
    /// returned exactly as given: it is data, never instructions.
    pub text: String,
    pub participant: Option<String>,
    pub segment: Option<String>,
    pub study: Option<StudyId>,
    pub observed_at: Option<Date>,
    pub source: Source,
    /// Canonical tag names (aliases resolved).
    pub tags: Vec<String>,
    pub survey: Option<SurveyResult>,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// The content two items are the same evidence by: kind, who said it, where, and
/// the words (case, spacing and punctuation aside). Kept as the first 16 bytes of its
/// SHA-256: a fixed-size key a tenth of the text's, and one that holds no words of the
/// person quoted.
pub fn content_key(
    kind: EvidenceKind,
    participant: Option<&str>,
    segment: Option<&str>,
    survey: Option<&SurveyResult>,
    text: &str,
) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let survey = survey.map(|s| format!("{}|{}", s.wave.clone().unwrap_or_default(), s.n)).unwrap_or_default();
    let content = format!(
        "{kind:?}|{}|{}|{survey}|{}",
        participant.unwrap_or("").to_lowercase(),
        segment.unwrap_or("").to_lowercase(),
        words.join(" ")
    );
    let digest = Sha256::digest(content.as_bytes());
    digest[..16].try_into().expect("a SHA-256 has 32 bytes")
}

impl Evidence {
    /// This item's [`content_key`].
    pub fn content_key(&self) -> [u8; 16] {
        content_key(self.kind, self.participant.as_deref(), self.segment.as_deref(), self.survey.as_ref(), &self.text)
    }
}

/// A group of evidence gathered together: a round of interviews, a survey wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Study {
    pub id: StudyId,
    pub name: String,
    pub created_at: Timestamp,
}

// What a link says the evidence does for its target (docs/domain.md#link-relations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    // Why the objective exists.
    Motivates,
    // Where the starting number came from.
    Baseline,
    // Supports an indicator's predictive claim.
    Validates,
    Supports,
    Contradicts,
    // Explains a movement of the number.
    Explains,
}

/// A first-class record joining evidence to an objective, key result, indicator or metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Link {
    pub id: LinkId,
    pub evidence: EvidenceId,
    /// `O-3`, `KR-12`, `IND-2` or `M-4`.
    pub target: String,
    pub relation: Relation,
    /// Why this evidence bears on the target, in words.
    pub rationale: String,
    pub author: String,
    pub created_at: Timestamp,
}

//! What a caller hands in to check or draft an objective, and how it becomes a
//! validated plan: every field checked, every key-result statement parsed, and the
//! caller's structured fields taking precedence over what the parser read.
//!
//! Hard limits (a cycle that does not exist, NaN, 30 key results, 100 KB of text)
//! are errors here; matters of judgement (one key result, no baseline) are findings
//! of the quality checks, so a weak draft can still be saved and improved.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use super::children::{IndicatorPlan, IndicatorSpec, InitiativePlan, InitiativeSpec};
use super::statement::{ParsedStatement, RelativeChange, TimeBound, parse_statement};
use crate::error::{Error, Result};
use crate::model::{
    Commitment, Cycle, Direction, KrRole, KrType, Level, MetricId, ObjectiveId, Scale, Threshold, Unit,
};
use crate::validate::{self, MAX_NAME_CHARS, MAX_STATEMENT_CHARS, MAX_TITLE_CHARS};

/// Above this, a set is not an OKR but a backlog; 6-10 are saved with a failing check.
pub const MAX_KEY_RESULTS: usize = 10;

/// An objective with its key results, as written by a person or an assistant.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveDraft {
    // For customers or the business.
    /// A qualitative outcome, no numbers.
    pub objective: String,
    // The one accountable person.
    /// One person, never a team.
    #[serde(default)]
    pub owner: Option<String>,
    /// 2026-Q4, 2026-H1, 2026 or 2026-01-15..2026-04-30; draft_okr needs it.
    #[serde(default)]
    pub cycle: Option<String>,
    #[serde(default)]
    pub level: Option<Level>,
    #[serde(default)]
    pub kind: Option<Commitment>,
    // The objective this one contributes to.
    /// Such as O-1.
    #[serde(default)]
    pub parent: Option<String>,
    // awareness, activation, adoption, retention, expansion, support, ...
    /// Journey stage, such as activation.
    #[serde(default)]
    pub stage: Option<String>,
    // Plain statements or objects with a statement and explicit fields.
    /// 2 to 5, such as "Raise week-1 retention from 50% to 65%".
    pub key_results: Vec<KeyResultDraft>,
    // By default a second objective of the same title in the cycle is refused, naming the
    // one that exists.
    /// draft_okr: save despite a same-title objective.
    #[serde(default)]
    pub same_title_intended: bool,
}

// A key result given as a plain statement or with explicit fields.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
// A draft holds at most ten of these, read once: boxing the spec would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum KeyResultDraft {
    Statement(String),
    Structured(KeyResultSpec),
}

// Untagged enums answer "data did not match any variant"; this visitor says what
// was wrong, and reads the object straight from the input (a detour through
// serde_json::Value would turn a YAML `.nan` into a silent null).
impl<'de> Deserialize<'de> for KeyResultDraft {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DraftVisitor;
        impl<'de> serde::de::Visitor<'de> for DraftVisitor {
            type Value = KeyResultDraft;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a statement string or an object with a statement and fields")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeyResultDraft, E> {
                Ok(KeyResultDraft::Statement(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<KeyResultDraft, A::Error> {
                KeyResultSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(KeyResultDraft::Structured)
            }
        }
        d.deserialize_any(DraftVisitor)
    }
}

/// Fields left out are read from the statement.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyResultSpec {
    /// Verb + metric + from X to Y (+ by when).
    #[serde(default)]
    pub statement: Option<String>,
    /// M-4, or a name (created if new).
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub unit: Option<Unit>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default, rename = "type")]
    pub kr_type: Option<KrType>,
    #[serde(default)]
    pub role: Option<KrRole>,
    #[serde(default)]
    pub owner: Option<String>,
    /// YYYY-MM-DD; default: the cycle's end.
    #[serde(default)]
    pub due: Option<String>,
    // Relative weight in the objective's progress.
    /// Relative; default 1.
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub commitment: Option<Commitment>,
    #[serde(default)]
    pub scale: Option<Scale>,
    // Leading indicators expected to move before it; each starts `assumed`.
    #[serde(default)]
    pub indicators: Vec<IndicatorSpec>,
    // Work expected to move it; tracked, never counted as progress.
    #[serde(default)]
    pub initiatives: Vec<InitiativeSpec>,
}

/// A validated objective, ready to be checked and saved.
#[derive(Debug, Clone)]
pub struct ObjectivePlan {
    pub title: String,
    pub owner: Option<String>,
    pub cycle: Option<Cycle>,
    pub level: Level,
    pub kind: Commitment,
    pub parent: Option<ObjectiveId>,
    pub stage: Option<String>,
    pub key_results: Vec<KeyResultPlan>,
}

/// A validated key result: the statement, what the parser read, and the resolved fields.
#[derive(Debug, Clone)]
pub struct KeyResultPlan {
    pub statement: String,
    pub parsed: ParsedStatement,
    pub kr_type: KrType,
    pub role: Option<KrRole>,
    /// Stored metric named by id.
    pub metric_id: Option<MetricId>,
    /// The metric's name as written (by id: filled in from the store by the caller).
    pub metric_name: Option<String>,
    pub direction: Option<Direction>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub threshold: Option<Threshold>,
    pub relative_change: Option<RelativeChange>,
    pub unit: Option<Unit>,
    pub scale: Option<Scale>,
    pub weight: f64,
    pub owner: Option<String>,
    pub due: Option<Date>,
    pub commitment: Option<Commitment>,
    pub indicators: Vec<IndicatorPlan>,
    pub initiatives: Vec<InitiativePlan>,
}

impl ObjectiveDraft {
    /// Validates every field; the first problem found is the error.
    pub fn into_plan(self) -> Result<ObjectivePlan> {
        let title = validate::text("objective", &self.objective, MAX_TITLE_CHARS)?;
        let owner = validate::optional_text("owner", self.owner.as_deref(), MAX_NAME_CHARS)?;
        let cycle = self
            .cycle
            .as_deref()
            .map(|c| c.parse::<Cycle>().map_err(|e| Error::invalid("cycle", e.to_string())))
            .transpose()?;
        let parent = self
            .parent
            .as_deref()
            .map(|p| p.parse::<ObjectiveId>().map_err(|e| Error::invalid("parent", e.to_string())))
            .transpose()?;
        let stage = validate::optional_text("stage", self.stage.as_deref(), MAX_NAME_CHARS)?;
        match self.key_results.len() {
            0 => {
                return Err(Error::invalid(
                    "key_results",
                    "is empty; give 2 to 5 key results, such as \"Raise week-1 retention from 50% to 65%\"",
                ));
            }
            n if n > MAX_KEY_RESULTS => {
                return Err(Error::invalid(
                    "key_results",
                    format!(
                        "has {n} key results; at most {MAX_KEY_RESULTS} are accepted, and 2 to 5 is good practice: keep the ones that prove the objective and move the rest to initiatives or another objective"
                    ),
                ));
            }
            _ => {}
        }
        let key_results = self
            .key_results
            .into_iter()
            .enumerate()
            .map(|(i, kr)| kr.into_plan(&format!("key_results[{i}]"), cycle.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        Ok(ObjectivePlan {
            title,
            owner,
            cycle,
            level: self.level.unwrap_or_default(),
            kind: self.kind.unwrap_or_default(),
            parent,
            stage,
            key_results,
        })
    }
}

impl KeyResultDraft {
    pub fn into_plan(self, field: &str, cycle: Option<&Cycle>) -> Result<KeyResultPlan> {
        let spec = match self {
            KeyResultDraft::Statement(statement) => KeyResultSpec { statement: Some(statement), ..Default::default() },
            KeyResultDraft::Structured(spec) => spec,
        };
        spec.into_plan(field, cycle)
    }
}

impl KeyResultSpec {
    pub fn into_plan(self, field: &str, cycle: Option<&Cycle>) -> Result<KeyResultPlan> {
        let at = |name: &str| format!("{field}.{name}");
        let metric_given = validate::optional_text(&at("metric"), self.metric.as_deref(), MAX_NAME_CHARS)?;
        let statement = match self.statement.as_deref() {
            Some(s) => validate::text(&at("statement"), s, MAX_STATEMENT_CHARS)?,
            None => compose_statement(metric_given.as_deref(), self.direction, self.baseline, self.target)
                .ok_or_else(|| {
                    Error::invalid(
                        field.to_string(),
                        "has neither a statement nor a metric; give a statement such as \"Raise week-1 retention from 50% to 65%\"",
                    )
                })?,
        };
        let parsed = parse_statement(&statement);
        let baseline = validate::optional_finite(&at("baseline"), self.baseline)?.or(parsed.baseline);
        let target = validate::optional_finite(&at("target"), self.target)?.or(parsed.target);
        let weight = validate::optional_finite(&at("weight"), self.weight)?.unwrap_or(1.0);
        if weight <= 0.0 || weight > 100.0 {
            return Err(Error::invalid(
                at("weight"),
                format!("is {weight}; a weight above 0 and at most 100 is accepted"),
            ));
        }
        if let Some(scale) = self.scale {
            validate::scale(&at("scale"), scale)?;
        }
        let owner = validate::optional_text(&at("owner"), self.owner.as_deref(), MAX_NAME_CHARS)?;
        let due = match self.due.as_deref() {
            Some(d) => Some(validate::date(&at("due"), d)?),
            None => parsed.due.as_ref().and_then(|bound| resolve_due(bound, cycle)),
        };
        let (metric_id, metric_name) = match metric_given {
            Some(m) if m.to_ascii_uppercase().starts_with("M-") => {
                let id = m.parse::<MetricId>().map_err(|e| Error::invalid(at("metric"), e.to_string()))?;
                (Some(id), None)
            }
            Some(m) => (None, Some(m)),
            None => (None, parsed.metric.clone()),
        };
        let direction = self.direction.or(parsed.direction).or_else(|| infer_direction(baseline, target));
        let kr_type = self.kr_type.unwrap_or_else(|| infer_type(&parsed, direction, target));
        let unit = self.unit.or_else(|| parsed.unit.clone());
        let scale = self.scale.or(parsed.scale);
        let indicators = (self.indicators.into_iter().enumerate())
            .map(|(i, spec)| spec.into_plan(&at(&format!("indicators[{i}]"))))
            .collect::<Result<Vec<_>>>()?;
        let initiatives = (self.initiatives.into_iter().enumerate())
            .map(|(i, spec)| spec.into_plan(&at(&format!("initiatives[{i}]"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(KeyResultPlan {
            indicators,
            initiatives,
            kr_type,
            role: self.role,
            metric_id,
            metric_name,
            direction,
            baseline,
            target,
            threshold: parsed.threshold,
            relative_change: parsed.relative_change.clone(),
            unit,
            scale,
            weight,
            owner,
            due,
            commitment: self.commitment,
            statement,
            parsed,
        })
    }
}

/// A statement from structured fields, so every stored key result reads as one.
fn compose_statement(
    metric: Option<&str>,
    direction: Option<Direction>,
    baseline: Option<f64>,
    target: Option<f64>,
) -> Option<String> {
    let metric = metric?;
    let verb = match direction.or_else(|| infer_direction(baseline, target)) {
        Some(Direction::Decrease) => "Reduce",
        Some(Direction::Maintain) => "Keep",
        _ => "Raise",
    };
    Some(match (baseline, target) {
        (Some(b), Some(t)) => format!("{verb} {metric} from {b} to {t}"),
        (None, Some(t)) => format!("{verb} {metric} to {t}"),
        _ => format!("{verb} {metric}"),
    })
}

fn infer_direction(baseline: Option<f64>, target: Option<f64>) -> Option<Direction> {
    match (baseline, target) {
        (Some(b), Some(t)) if t > b => Some(Direction::Increase),
        (Some(b), Some(t)) if t < b => Some(Direction::Decrease),
        _ => None,
    }
}

/// Milestone when there is nothing to measure, baseline when the verb says the
/// number is to be established, maintain when the statement says keep.
fn infer_type(parsed: &ParsedStatement, direction: Option<Direction>, target: Option<f64>) -> KrType {
    let verb = parsed.verb.as_deref().unwrap_or("");
    if matches!(verb, "establish" | "measure" | "baseline" | "benchmark") {
        KrType::Baseline
    } else if direction == Some(Direction::Maintain) {
        KrType::Maintain
    } else if target.is_none()
        && parsed.threshold.is_none()
        && parsed.relative_change.is_none()
        && super::vocabulary::is_output_verb(verb)
    {
        // "Launch the new flow": done or not done. Without an output verb ("Improve
        // onboarding") it is a metric key result missing its number, which must fail.
        KrType::Milestone
    } else {
        KrType::Metric
    }
}

/// A parsed time bound as a date, where the cycle makes it unambiguous.
pub fn resolve_due(bound: &TimeBound, cycle: Option<&Cycle>) -> Option<Date> {
    let cycle_year = cycle.map(|c| c.end().year());
    let last_of_month =
        |year: i16, month: i8| -> Option<Date> { Some(Date::new(year, month, 1).ok()?.last_of_month()) };
    match *bound {
        TimeBound::Date { month, day, year } => Date::new(year.or(cycle_year)?, month as i8, day as i8).ok(),
        TimeBound::QuarterEnd { quarter, year } => last_of_month(year.or(cycle_year)?, quarter as i8 * 3),
        TimeBound::ThisQuarter => cycle.map(Cycle::end),
        TimeBound::ThisYear => last_of_month(cycle_year?, 12),
        TimeBound::YearEnd { year } => last_of_month(year.or(cycle_year)?, 12),
        TimeBound::Within { days } => cycle?.start().checked_add(jiff::Span::new().days(i64::from(days))).ok(),
    }
}

#[cfg(test)]
impl ObjectiveDraft {
    /// One objective with one activation key result in 2026-Q4: the fixture unit tests
    /// of other modules draft when they need a metric to exist.
    pub(crate) fn activation_example() -> ObjectiveDraft {
        ObjectiveDraft {
            objective: "New customers reach lasting value in their first week".into(),
            owner: Some("Maya".into()),
            cycle: Some("2026-Q4".into()),
            level: None,
            kind: None,
            parent: None,
            stage: None,
            key_results: vec![KeyResultDraft::Statement("Raise week-1 activation from 40% to 55%".into())],
            same_title_intended: false,
        }
    }
}

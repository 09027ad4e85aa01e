//! Domain types: what grounded stores and reasons about, in the domain's own words.
//!
//! Plain data with serde and JSON Schema derives; no storage or protocol code here,
//! so the store, the checks and both front ends (MCP and CLI) share one vocabulary.

mod actor;
mod cycle;
mod evidence;
mod history;
mod ids;
mod indicator;
mod key_result;
mod measurement;
mod metric;
mod objective;
mod source;

pub use actor::{Actor, Change};
pub use cycle::{CYCLE_FORMS, Cycle, CycleParseError};
pub use evidence::{
    AnswerCount, Evidence, EvidenceKind, Link, QuestionType, RankCounts, Relation, ScaleLabel, Source, Study,
    SurveyResult, content_key,
};
pub use history::{AuditEntry, FieldChange};
pub use ids::{
    EvidenceId, FeedId, IdParseError, IndicatorId, InitiativeId, KeyResultId, LinkId, MetricId, ObjectiveId, OkrId,
    SourceId, StudyId,
};
pub use indicator::{Indicator, IndicatorStatus, Initiative, ValidationSummary};
pub use key_result::{Direction, KeyResult, KrRole, KrType, Scale, Threshold, ThresholdKind, Unit};
pub use measurement::{
    Measurement, MeasurementPoint, block_entries, block_key, encode_block, history_key, history_prefix, month_of,
    parse_measurement_key,
};
pub use metric::{Metric, normalize_metric_name};
pub use objective::{Commitment, Level, Objective, Status};
pub use source::{MetricSource, PullOutcome, SourceKind};

/// For `skip_serializing_if`: a count of nothing is left out of an answer.
pub fn is_zero(n: &usize) -> bool {
    *n == 0
}

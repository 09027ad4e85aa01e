//! Domain types: what grounded stores and reasons about, in the domain's own words.
//!
//! Plain data with serde and JSON Schema derives; no storage or protocol code here,
//! so the store, the checks and both front ends (MCP and CLI) share one vocabulary.

mod cycle;
mod history;
mod ids;
mod indicator;
mod key_result;
mod metric;
mod objective;

pub use cycle::{CYCLE_FORMS, Cycle, CycleParseError};
pub use history::{AuditEntry, FieldChange};
pub use ids::{IdParseError, IndicatorId, InitiativeId, KeyResultId, MetricId, ObjectiveId, OkrId};
pub use indicator::{Indicator, IndicatorStatus, Initiative};
pub use key_result::{Direction, KeyResult, KrRole, KrType, Scale, Threshold, ThresholdKind, Unit};
pub use metric::{Metric, normalize_metric_name};
pub use objective::{Commitment, Level, Objective, Status};

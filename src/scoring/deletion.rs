//! `delete_measurements`: taking wrong values out of a metric, keeping them in history.
//!
//! A value typed wrong poisons every score, interval, forecast and indicator check
//! that reads it. A correction is a value recorded at the same time (the replaced
//! one is kept); a value that should never have been there is deleted here. Either
//! way nothing is lost: the deleted values move to the metric's value history (the
//! same keys as replaced values), and the metric's audit trail records who deleted
//! how many, when and why, in the same transaction.

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::measurements::{parse_time, resolve_metric};
use crate::error::{Error, Result};
use crate::model::{Actor, Change};
use crate::model::{FieldChange, Measurement, MetricId, block_entries, block_key, encode_block, history_key, month_of};
use crate::store::{Store, Table, abort};
use crate::validate;

/// Deleted values listed in an answer; the count covers the rest.
const LISTED: usize = 50;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeasurementsRequest {
    /// M-4, a name, or KR-12 for its metric.
    pub metric: String,
    // YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
    /// Exact times as recorded; or give from/to.
    #[serde(default)]
    pub at: Vec<String>,
    /// Inclusive.
    #[serde(default)]
    pub from: Option<String>,
    /// Inclusive.
    #[serde(default)]
    pub to: Option<String>,
    // Why the values are wrong; kept in the metric's history.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MeasurementsDeleted {
    pub metric: MetricId,
    pub name: String,
    pub deleted: usize,
    /// The deleted values, oldest first (the first 50).
    pub values: Vec<DeletedValue>,
    /// Where the deleted values are kept.
    pub kept: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeletedValue {
    pub at: Timestamp,
    pub value: f64,
}

/// Which values a request names.
enum Selection {
    Times(Vec<Timestamp>),
    Range(Timestamp, Timestamp),
}

impl Selection {
    fn of(request: &DeleteMeasurementsRequest) -> Result<Selection> {
        let range = request.from.is_some() || request.to.is_some();
        match (request.at.is_empty(), range) {
            (false, true) => Err(Error::invalid(
                "at",
                crate::words![
                    "and ",
                    crate::error::field("from"),
                    "/",
                    crate::error::field("to"),
                    " are both given; give the exact times or a range"
                ],
            )),
            (true, false) => Err(Error::invalid(
                "at",
                crate::words![
                    "is empty; give the times of the values to delete, or ",
                    crate::error::field("from"),
                    " and/or ",
                    crate::error::field("to"),
                    " for a range"
                ],
            )),
            (false, false) => {
                let times = request
                    .at
                    .iter()
                    .enumerate()
                    .map(|(i, t)| parse_time(&format!("at[{i}]"), t))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Selection::Times(times))
            }
            (true, true) => {
                let from = request.from.as_deref().map(|t| parse_time("from", t)).transpose()?;
                let to = request.to.as_deref().map(|t| parse_time("to", t)).transpose()?;
                let (from, to) = (from.unwrap_or(Timestamp::MIN), to.unwrap_or(Timestamp::MAX));
                if from > to {
                    return Err(Error::invalid("from", format!("{from} is after to ({to}); from comes first")));
                }
                Ok(Selection::Range(from, to))
            }
        }
    }

    /// The month blocks the selection can touch, in order.
    fn months(&self) -> Vec<u32> {
        let mut months: Vec<u32> = match self {
            Selection::Times(times) => times.iter().map(|t| month_of(*t)).collect(),
            Selection::Range(from, to) => (month_of(*from)..=month_of(*to)).collect(),
        };
        months.sort_unstable();
        months.dedup();
        months
    }

    fn contains(&self, at_micros: i64) -> bool {
        match self {
            Selection::Times(times) => times.iter().any(|t| t.as_microsecond() == at_micros),
            Selection::Range(from, to) => (from.as_microsecond()..=to.as_microsecond()).contains(&at_micros),
        }
    }
}

/// Deletes the named values of one metric in one transaction (all or nothing: an
/// exact time without a value refuses the call), then flushes.
pub async fn delete_measurements(
    store: &Store,
    request: DeleteMeasurementsRequest,
    actor: &Actor,
) -> Result<MeasurementsDeleted> {
    let reason = validate::text("reason", &request.reason, 2_000)?;
    let metric = resolve_metric(store, "metric", &request.metric)?;
    let selection = Selection::of(&request)?;
    // A range over all time would walk every possible month; the metric's own blocks
    // bound it.
    let months = match &selection {
        Selection::Range(from, to) => stored_months(store, metric.id, month_of(*from), month_of(*to))?,
        Selection::Times(_) => selection.months(),
    };
    let change = Change::now(actor, Some(reason));
    let deleted = store.transact(|tx| {
        let mut deleted: Vec<Measurement> = vec![];
        for month in &months {
            let key = block_key(metric.id, *month);
            let Some(block) = tx.get_raw(Table::Measurements, &key)? else { continue };
            let (mut kept, mut changed) = (vec![], false);
            for (at, entry) in block_entries(&block) {
                if selection.contains(at) {
                    let value = Measurement::decode(metric.id, at, entry).ok_or_else(|| {
                        abort(Error::Corrupt {
                            key: format!("measurements of {}", metric.id),
                            message: "an unreadable measurement".into(),
                        })
                    })?;
                    let sequence = tx.next_id("measurement_history")?;
                    tx.put_raw(Table::Measurements, &history_key(metric.id, value.at, sequence), entry)?;
                    deleted.push(value);
                    changed = true;
                } else {
                    kept.push((at, entry.to_vec()));
                }
            }
            if changed && kept.is_empty() {
                tx.remove(Table::Measurements, &key)?;
            } else if changed {
                tx.put_raw(Table::Measurements, &key, &encode_block(kept.iter().map(|(at, e)| (*at, e.as_slice()))))?;
            }
        }
        if let Selection::Times(times) = &selection
            && let Some(missing) = times.iter().find(|t| !deleted.iter().any(|d| d.at == **t))
        {
            return Err(abort(Error::invalid(
                "at",
                format!(
                    "{} has no value at {missing}; nothing was deleted (times must match the recorded ones)",
                    metric.id
                ),
            )));
        }
        if deleted.is_empty() {
            return Err(abort(Error::invalid(
                "from",
                format!("{} has no values between from and to; nothing was deleted", metric.id),
            )));
        }
        tx.append_history(&change.entry(
            metric.id.to_string(),
            "measurements_deleted",
            vec![FieldChange {
                field: "measurements".into(),
                from: json!(deleted.iter().map(|m| json!({"at": m.at, "value": m.value})).collect::<Vec<_>>()),
                to: serde_json::Value::Null,
            }],
        ))?;
        Ok(deleted)
    })?;
    store.flush().await?;
    Ok(MeasurementsDeleted {
        metric: metric.id,
        name: metric.name.clone(),
        deleted: deleted.len(),
        values: deleted.iter().take(LISTED).map(|m| DeletedValue { at: m.at, value: m.value }).collect(),
        kept: format!("in {}'s history, with the reason; a value recorded at a deleted time is a new value", metric.id),
    })
}

/// The months from `first` to `last` in which `metric` has a block.
fn stored_months(store: &Store, metric: MetricId, first: u32, last: u32) -> Result<Vec<u32>> {
    let mut months = vec![];
    for entry in store.tree(Table::Measurements).range(block_key(metric, first)..=block_key(metric, last)) {
        let (key, _) = entry?;
        months.push(u32::from_be_bytes(key[9..13].try_into().expect("a block key is 13 bytes")));
    }
    Ok(months)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::measurements::{MeasurementInput, RecordRequest, points, record_measurements, replaced};

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    fn store_with_values() -> (Store, MetricId) {
        let store = Store::temporary().unwrap();
        let actor = Actor("t".into());
        let draft = crate::okr::input::ObjectiveDraft::activation_example();
        let metric = run(crate::okr::draft::draft_okr(&store, draft, &actor)).unwrap().metric_ids[0].unwrap();
        let days = ["2026-09-28", "2026-10-05", "2026-10-12", "2026-11-02"];
        let measurements = days
            .iter()
            .enumerate()
            .map(|(i, d)| MeasurementInput {
                metric: metric.to_string(),
                at: (*d).into(),
                value: 50.0 + i as f64,
                ..Default::default()
            })
            .collect();
        run(record_measurements(&store, RecordRequest { measurements, insist: false }, &actor)).unwrap();
        (store, metric)
    }

    fn delete(store: &Store, request: DeleteMeasurementsRequest) -> Result<MeasurementsDeleted> {
        run(delete_measurements(store, request, &Actor("ann".into())))
    }

    fn values(store: &Store, metric: MetricId) -> Vec<f64> {
        points(store, metric, Timestamp::MIN, Timestamp::MAX).unwrap().iter().map(|p| p.value).collect()
    }

    #[test]
    fn exact_times_go_and_stay_in_history_with_the_reason() {
        let (store, metric) = store_with_values();
        let request = DeleteMeasurementsRequest {
            metric: metric.to_string(),
            at: vec!["2026-10-12".into()],
            reason: "typed as a fraction".into(),
            ..Default::default()
        };
        let done = delete(&store, request).unwrap();
        assert_eq!((done.deleted, done.values[0].value), (1, 52.0));
        assert_eq!(values(&store, metric), [50.0, 51.0, 53.0]);
        let at = parse_time("at", "2026-10-12").unwrap();
        assert_eq!(replaced(&store, metric, at).unwrap()[0].value, 52.0);
        let history = store.history(&metric.to_string()).unwrap();
        let entry = history.iter().find(|e| e.action == "measurements_deleted").unwrap();
        assert_eq!((entry.author.as_str(), entry.reason.as_deref()), ("ann", Some("typed as a fraction")));
    }

    #[test]
    fn a_range_across_months_goes_and_an_emptied_block_is_removed() {
        let (store, metric) = store_with_values();
        let request = DeleteMeasurementsRequest {
            metric: metric.to_string(),
            from: Some("2026-10-01".into()),
            to: Some("2026-11-30".into()),
            reason: "the October export double-counted".into(),
            ..Default::default()
        };
        assert_eq!(delete(&store, request).unwrap().deleted, 3);
        assert_eq!(values(&store, metric), [50.0]);
        let blocks = stored_months(&store, metric, 0, u32::MAX).unwrap();
        assert_eq!(blocks.len(), 1, "only September's block is left: {blocks:?}");
    }

    #[test]
    fn a_time_without_a_value_or_a_bad_request_deletes_nothing() {
        let (store, metric) = store_with_values();
        let before = store.checksum().unwrap();
        let cases = [
            (vec!["2026-10-05".into(), "2026-10-06".into()], None, "x", "at: M-1 has no value at 2026-10-06"),
            (vec![], None, "x", "at: is empty"),
            (vec!["2026-10-05".into()], Some("2026-10-01"), "x", "at: and from/to are both given"),
            (vec!["2026-10-05".into()], None, " ", "reason"),
        ];
        for (at, from, reason, expected) in cases {
            let request = DeleteMeasurementsRequest {
                metric: metric.to_string(),
                at,
                from: from.map(Into::into),
                reason: reason.into(),
                ..Default::default()
            };
            let error = delete(&store, request).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
        let empty = DeleteMeasurementsRequest {
            metric: metric.to_string(),
            from: Some("2025-01-01".into()),
            to: Some("2025-02-01".into()),
            reason: "x".into(),
            ..Default::default()
        };
        assert!(delete(&store, empty).unwrap_err().to_string().contains("no values between"));
        assert_eq!(store.checksum().unwrap(), before, "refused calls changed the store");
    }
}

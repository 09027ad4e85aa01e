//! Measurements: a metric's value at a moment, with how much it can be trusted.
//!
//! A measurement belongs to a metric, not to a key result: one metric ("week-1
//! activation") is shared by the KRs of many teams, and each KR scores against the
//! same numbers. Besides the value it carries what the honesty rules of docs/domain.md#trust-n-coverage-interval
//! need: the sample size `n`, the population it was drawn from (coverage = n/N) and,
//! for means, the sample's standard deviation.
//!
//! Scoring reads a million of these per cycle, so they are stored by the month: one
//! key per metric and calendar month (UTC) holds that month's measurements in time
//! order ([`block_key`]), and a quarter of a metric is three reads, not one iterator
//! step per value. Each entry is its time, a fixed binary head (what scoring needs)
//! and JSON for the descriptive rest; [`MeasurementPoint::decode`] reads the head
//! alone. A value replaced at the same time is kept under a [`history_key`].

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::MetricId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Measurement {
    pub metric: MetricId,
    /// When the value was true (not when it was recorded).
    pub at: Timestamp,
    pub value: f64,
    /// How many units (people, conversations, accounts) the value was computed from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// How many there were in all; coverage = n / population.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// For a mean: the standard deviation of the values it averages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// The owner's confidence (0.0-1.0) that the key result will be met, given at this check-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Where the number came from: a dashboard, a query, a source id (SRC-..).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// What scoring needs of a measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasurementPoint {
    pub at: Timestamp,
    pub value: f64,
    pub n: Option<u64>,
    pub population: Option<u64>,
    pub sd: Option<f64>,
    pub confidence: Option<f64>,
}

const VERSION: u8 = 1;
const HEAD: usize = 1 + 8 * 6;

/// The descriptive tail, stored as JSON after the binary head.
#[derive(Serialize, Deserialize)]
struct Tail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    by: String,
}

/// Marks a month block key; history keys use [`HISTORY_TAG`]. Both follow the metric
/// id, so a metric's blocks sort together, by month, before its history.
const BLOCK_TAG: u8 = 0;
const HISTORY_TAG: u8 = 1;
const BLOCK_VERSION: u8 = 1;
/// Each block entry: the time (i64 microseconds) and the entry's length (u32).
const ENTRY_HEAD: usize = 12;

/// Months since year -10000, so every representable time has a positive index that
/// sorts in time order.
pub fn month_of(at: Timestamp) -> u32 {
    // UTC whatever the user's zone: this is the storage layout, not a day anyone reads.
    let date = at.to_zoned(jiff::tz::TimeZone::UTC).date();
    ((i32::from(date.year()) + 10_000) * 12 + i32::from(date.month()) - 1) as u32
}

/// The key of a metric's measurements in one month: metric id (big-endian), a tag,
/// the month index (big-endian).
pub fn block_key(metric: MetricId, month: u32) -> [u8; 13] {
    let mut key = [0; 13];
    key[..8].copy_from_slice(&metric.0.to_be_bytes());
    key[8] = BLOCK_TAG;
    key[9..].copy_from_slice(&month.to_be_bytes());
    key
}

/// Where the values replaced at (`metric`, `at`) are kept: this prefix + a sequence.
pub fn history_prefix(metric: MetricId, at: Timestamp) -> [u8; 17] {
    let mut key = [0; 17];
    key[..8].copy_from_slice(&metric.0.to_be_bytes());
    key[8] = HISTORY_TAG;
    key[9..].copy_from_slice(&time_bits(at).to_be_bytes());
    key
}

pub fn history_key(metric: MetricId, at: Timestamp, sequence: u64) -> Vec<u8> {
    let mut key = history_prefix(metric, at).to_vec();
    key.extend_from_slice(&sequence.to_be_bytes());
    key
}

/// The metric a block or history key belongs to, and whether it is a block.
pub fn parse_measurement_key(key: &[u8]) -> Option<(MetricId, bool)> {
    let metric = MetricId(u64::from_be_bytes(key.get(..8)?.try_into().ok()?));
    Some((metric, key.len() == 13 && key[8] == BLOCK_TAG))
}

fn time_bits(at: Timestamp) -> u64 {
    (at.as_microsecond() as u64) ^ (1 << 63)
}

/// A month block's entries: (time in microseconds, encoded measurement), time order.
pub fn block_entries(block: &[u8]) -> impl Iterator<Item = (i64, &[u8])> {
    let body = if block.first() == Some(&BLOCK_VERSION) { &block[1..] } else { &[][..] };
    let mut rest = body;
    std::iter::from_fn(move || {
        if rest.len() < ENTRY_HEAD {
            return None;
        }
        let at = i64::from_le_bytes(rest[..8].try_into().ok()?);
        let len = u32::from_le_bytes(rest[8..12].try_into().ok()?) as usize;
        let entry = rest.get(ENTRY_HEAD..ENTRY_HEAD + len)?;
        rest = &rest[ENTRY_HEAD + len..];
        Some((at, entry))
    })
}

/// Encodes entries given in time order into a month block.
pub fn encode_block<'a>(entries: impl Iterator<Item = (i64, &'a [u8])>) -> Vec<u8> {
    let mut block = vec![BLOCK_VERSION];
    for (at, entry) in entries {
        block.extend_from_slice(&at.to_le_bytes());
        block.extend_from_slice(&(entry.len() as u32).to_le_bytes());
        block.extend_from_slice(entry);
    }
    block
}

fn opt_u64(v: Option<u64>) -> u64 {
    v.unwrap_or(u64::MAX)
}
fn opt_f64(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}
fn read_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}
fn read_f64(bytes: &[u8], at: usize) -> f64 {
    f64::from_bits(read_u64(bytes, at))
}

impl Measurement {
    /// The same reading recorded again (by a re-import or a source pulled twice):
    /// everything but who recorded it and when is equal. Not a replacement.
    pub fn same_reading(&self, other: &Measurement) -> bool {
        Measurement { recorded_by: String::new(), recorded_at: Timestamp::UNIX_EPOCH, ..self.clone() }
            == Measurement { recorded_by: String::new(), recorded_at: Timestamp::UNIX_EPOCH, ..other.clone() }
    }

    /// The entry bytes (the time and metric live in the key and the block).
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEAD + 32);
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.value.to_le_bytes());
        bytes.extend_from_slice(&opt_u64(self.n).to_le_bytes());
        bytes.extend_from_slice(&opt_u64(self.population).to_le_bytes());
        bytes.extend_from_slice(&opt_f64(self.sd).to_le_bytes());
        bytes.extend_from_slice(&opt_f64(self.confidence).to_le_bytes());
        bytes.extend_from_slice(&self.recorded_at.as_microsecond().to_le_bytes());
        let tail = Tail { source: self.source.clone(), note: self.note.clone(), by: self.recorded_by.clone() };
        serde_json::to_writer(&mut bytes, &tail).expect("the tail serializes");
        bytes
    }

    pub fn decode(metric: MetricId, at_microsecond: i64, bytes: &[u8]) -> Option<Measurement> {
        let point = MeasurementPoint::decode(at_microsecond, bytes)?;
        let tail: Tail = serde_json::from_slice(&bytes[HEAD..]).ok()?;
        Some(Measurement {
            metric,
            at: point.at,
            value: point.value,
            n: point.n,
            population: point.population,
            sd: point.sd,
            confidence: point.confidence,
            source: tail.source,
            note: tail.note,
            recorded_by: tail.by,
            recorded_at: Timestamp::from_microsecond(read_u64(bytes, 41) as i64).ok()?,
        })
    }
}

impl MeasurementPoint {
    pub fn decode(at_microsecond: i64, bytes: &[u8]) -> Option<MeasurementPoint> {
        if bytes.len() < HEAD || bytes[0] != VERSION {
            return None;
        }
        let some_u64 = |v: u64| (v != u64::MAX).then_some(v);
        let some_f64 = |v: f64| (!v.is_nan()).then_some(v);
        Some(MeasurementPoint {
            at: Timestamp::from_microsecond(at_microsecond).ok()?,
            value: read_f64(bytes, 1),
            n: some_u64(read_u64(bytes, 9)),
            population: some_u64(read_u64(bytes, 17)),
            sd: some_f64(read_f64(bytes, 25)),
            confidence: some_f64(read_f64(bytes, 33)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Measurement {
        Measurement {
            metric: MetricId(7),
            at: "2026-10-05T00:00:00Z".parse().unwrap(),
            value: -1.25,
            n: Some(412),
            population: None,
            sd: Some(0.8),
            confidence: None,
            source: Some("Looker: activation dashboard".into()),
            note: None,
            recorded_by: "Maya Chen".into(),
            recorded_at: "2026-10-06T09:30:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn round_trips_through_the_binary_head_and_json_tail() {
        let m = sample();
        let bytes = m.encode();
        let at = m.at.as_microsecond();
        assert_eq!(Measurement::decode(m.metric, at, &bytes), Some(m.clone()));
        let point = MeasurementPoint::decode(at, &bytes).unwrap();
        assert_eq!((point.value, point.n, point.population, point.sd), (-1.25, Some(412), None, Some(0.8)));
    }

    #[test]
    fn blocks_sort_by_metric_then_month_including_before_1970_and_history_after() {
        let month = |t: &str| month_of(t.parse().unwrap());
        let early = block_key(MetricId(1), month("1969-12-31T00:00:00Z"));
        let late = block_key(MetricId(1), month("2026-01-01T00:00:00Z"));
        let history = history_key(MetricId(1), "1999-01-01T00:00:00Z".parse().unwrap(), 1);
        let other = block_key(MetricId(2), month("1999-01-01T00:00:00Z"));
        assert!(early.as_slice() < late.as_slice() && late.as_slice() < history.as_slice());
        assert!(history.as_slice() < other.as_slice());
        assert_eq!(month("2026-01-31T23:59:59Z") + 1, month("2026-02-01T00:00:00Z"));
        assert_eq!(parse_measurement_key(&late), Some((MetricId(1), true)));
        assert_eq!(parse_measurement_key(&history), Some((MetricId(1), false)));
    }

    #[test]
    fn block_entries_round_trip_in_order() {
        let a = sample().encode();
        let b = Measurement { value: 3.0, ..sample() }.encode();
        let block = encode_block([(-5, a.as_slice()), (7, b.as_slice())].into_iter());
        let entries: Vec<(i64, &[u8])> = block_entries(&block).collect();
        assert_eq!(entries, [(-5, a.as_slice()), (7, b.as_slice())]);
        assert_eq!(block_entries(&[9, 1, 2]).count(), 0, "a foreign block version reads as nothing");
    }

    #[test]
    fn refuses_a_foreign_value() {
        assert!(MeasurementPoint::decode(0, &[2, 0, 0]).is_none());
    }
}

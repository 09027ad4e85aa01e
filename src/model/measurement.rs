//! Measurements: a metric's value at a moment, with how much it can be trusted.
//!
//! A measurement belongs to a metric, not to a key result: one metric ("week-1
//! activation") is shared by the KRs of many teams, and each KR scores against the
//! same numbers. Besides the value it carries what the honesty rules of DOMAIN.md §3
//! need: the sample size `n`, the population it was drawn from (coverage = n/N) and,
//! for means, the sample's standard deviation.
//!
//! Scoring reads hundreds of thousands of these per request, so the stored form is a
//! fixed binary head (what scoring needs) followed by JSON for the descriptive rest;
//! [`MeasurementPoint::decode`] reads the head alone.

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

/// The key of a metric's measurement at `at`: metric id, then the time, both
/// big-endian (the time with its sign bit flipped) so a range scan runs in time order.
pub fn measurement_key(metric: MetricId, at: Timestamp) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&metric.0.to_be_bytes());
    key[8..].copy_from_slice(&time_bits(at).to_be_bytes());
    key
}

fn time_bits(at: Timestamp) -> u64 {
    (at.as_microsecond() as u64) ^ (1 << 63)
}

fn time_from_bits(bits: u64) -> Option<Timestamp> {
    Timestamp::from_microsecond((bits ^ (1 << 63)) as i64).ok()
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

    pub fn key(&self) -> [u8; 16] {
        measurement_key(self.metric, self.at)
    }

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

    /// `key` is the 16-byte key the value was stored under.
    pub fn decode(key: &[u8], bytes: &[u8]) -> Option<Measurement> {
        let point = MeasurementPoint::decode(key, bytes)?;
        let tail: Tail = serde_json::from_slice(&bytes[HEAD..]).ok()?;
        Some(Measurement {
            metric: MetricId(u64::from_be_bytes(key[..8].try_into().ok()?)),
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
    pub fn decode(key: &[u8], bytes: &[u8]) -> Option<MeasurementPoint> {
        if key.len() < 16 || bytes.len() < HEAD || bytes[0] != VERSION {
            return None;
        }
        let some_u64 = |v: u64| (v != u64::MAX).then_some(v);
        let some_f64 = |v: f64| (!v.is_nan()).then_some(v);
        Some(MeasurementPoint {
            at: time_from_bits(u64::from_be_bytes(key[8..16].try_into().ok()?))?,
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
        assert_eq!(Measurement::decode(&m.key(), &bytes), Some(m.clone()));
        let point = MeasurementPoint::decode(&m.key(), &bytes).unwrap();
        assert_eq!((point.value, point.n, point.population, point.sd), (-1.25, Some(412), None, Some(0.8)));
    }

    #[test]
    fn keys_sort_by_metric_then_time_including_before_1970() {
        let early = measurement_key(MetricId(1), "1969-12-31T00:00:00Z".parse().unwrap());
        let late = measurement_key(MetricId(1), "2026-01-01T00:00:00Z".parse().unwrap());
        let other = measurement_key(MetricId(2), "1999-01-01T00:00:00Z".parse().unwrap());
        assert!(early < late && late < other);
        assert_eq!(
            MeasurementPoint::decode(&early, &sample().encode()).unwrap().at.to_string(),
            "1969-12-31T00:00:00Z"
        );
    }

    #[test]
    fn refuses_a_foreign_value() {
        assert!(MeasurementPoint::decode(&sample().key(), &[2, 0, 0]).is_none());
    }
}

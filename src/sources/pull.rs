//! Pulling one source: building the request, fetching it (with retries), and reading
//! the numbers out of the answer. Nothing here writes; `sources` stores what this
//! returns as measurements.

use jiff::Timestamp;
use reqwest::Url;

use crate::error::{Error, Result};
use crate::fetch::Access;
use crate::model::{MetricSource, SourceKind};

/// A value read from a source, before it becomes a measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: Timestamp,
    pub value: f64,
    pub n: Option<u64>,
}

/// What one pull read: the samples, how many points were skipped (NaN in a range),
/// and how many attempts the fetch took.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    pub samples: Vec<Sample>,
    pub skipped: usize,
    pub attempts: u32,
}

/// A Prometheus range pull: from when, and one point every `step_seconds`.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: Timestamp,
    pub step_seconds: u64,
}

/// The URL a pull GETs.
pub fn request_url(source: &MetricSource, now: Timestamp, range: Option<Range>) -> Result<Url> {
    let mut url: Url =
        source.url.parse().map_err(|e| Error::invalid("url", format!("{:?} is not a URL: {e}", source.url)))?;
    if source.kind == SourceKind::Prometheus {
        let query = source.query.clone().unwrap_or_default();
        let base = url
            .path()
            .trim_end_matches('/')
            .trim_end_matches("/api/v1/query_range")
            .trim_end_matches("/api/v1/query")
            .to_string();
        let endpoint = if range.is_some() { "query_range" } else { "query" };
        url.set_path(&format!("{base}/api/v1/{endpoint}"));
        url.set_query(None);
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("query", &query);
        match range {
            Some(range) => {
                pairs.append_pair("start", &range.from.as_second().to_string());
                pairs.append_pair("end", &now.as_second().to_string());
                pairs.append_pair("step", &format!("{}s", range.step_seconds));
            }
            None => {
                pairs.append_pair("time", &now.as_second().to_string());
            }
        }
        drop(pairs);
    }
    Ok(url)
}

/// Fetches and reads one source. `token` is the bearer token already read from the
/// environment variable the source names.
pub async fn pull(
    access: &Access,
    source: &MetricSource,
    token: Option<&str>,
    now: Timestamp,
    range: Option<Range>,
) -> Result<Pulled> {
    let url = request_url(source, now, range)?;
    let expected = match source.kind {
        SourceKind::Json => "JSON",
        SourceKind::Prometheus => "a Prometheus query answer",
    };
    let (bytes, attempts) = access.get_retrying("url", url.as_str(), expected, token).await?;
    let body: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::invalid("url", format!("{} did not answer JSON ({e}); check the address", source.url)))?;
    let (samples, skipped) = match source.kind {
        SourceKind::Json => (vec![read_json(source, &body, now)?], 0),
        SourceKind::Prometheus => read_prometheus(&body)?,
    };
    let factor = source.multiply.unwrap_or(1.0);
    let samples = samples.into_iter().map(|s| Sample { value: s.value * factor, ..s }).collect();
    Ok(Pulled { samples, skipped, attempts })
}

/// A number, or a string holding one ("0.42"): both are common in JSON APIs.
fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn describe(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a true/false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a text that is not a number",
        serde_json::Value::Array(_) => "an array (point at one element, such as /0/value)",
        serde_json::Value::Object(_) => "an object (point at one of its fields)",
    }
}

fn read_json(source: &MetricSource, body: &serde_json::Value, now: Timestamp) -> Result<Sample> {
    let pointer = source.pointer.as_deref().unwrap_or("");
    let found = body.pointer(pointer).ok_or_else(|| {
        Error::invalid(
            "pointer",
            format!(
                "{pointer} finds nothing in the answer of {}; its top-level fields are {}",
                source.url,
                fields(body)
            ),
        )
    })?;
    let value = number(found)
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::invalid("pointer", format!("{pointer} points at {}, not a number", describe(found))))?;
    let n = match &source.n_pointer {
        Some(p) => {
            let found = body
                .pointer(p)
                .ok_or_else(|| Error::invalid("n_pointer", format!("{p} finds nothing in the answer")))?;
            let n = number(found).filter(|n| *n >= 1.0 && n.fract() == 0.0).ok_or_else(|| {
                Error::invalid(
                    "n_pointer",
                    format!("{p} points at {}, not a whole number of 1 or more", describe(found)),
                )
            })?;
            Some(n as u64)
        }
        None => None,
    };
    let at = match &source.at_pointer {
        Some(p) => {
            let found = body
                .pointer(p)
                .ok_or_else(|| Error::invalid("at_pointer", format!("{p} finds nothing in the answer")))?;
            time(found).ok_or_else(|| {
                Error::invalid(
                    "at_pointer",
                    format!("{p} points at {}, not an RFC 3339 time or Unix seconds", describe(found)),
                )
            })?
        }
        None => now,
    };
    Ok(Sample { at, value, n })
}

fn fields(body: &serde_json::Value) -> String {
    match body.as_object() {
        Some(object) if !object.is_empty() => {
            object.keys().take(12).map(|k| format!("/{k}")).collect::<Vec<_>>().join(", ")
        }
        _ => format!("none ({})", describe(body)),
    }
}

fn time(value: &serde_json::Value) -> Option<Timestamp> {
    if let Some(text) = value.as_str()
        && let Ok(at) = text.parse::<Timestamp>()
    {
        return Some(at);
    }
    let seconds = number(value)?;
    Timestamp::from_microsecond((seconds * 1e6).round() as i64).ok()
}

/// Reads `{"status":"success","data":{"resultType":..., "result":...}}`: a vector or a
/// scalar (instant query) or a matrix (range query) of exactly one series.
fn read_prometheus(body: &serde_json::Value) -> Result<(Vec<Sample>, usize)> {
    let field = "query";
    if body["status"] != "success" {
        let why = body["error"].as_str().unwrap_or("no error given");
        let kind = body["errorType"].as_str().unwrap_or("error");
        return Err(Error::invalid(field, format!("Prometheus refused the query ({kind}: {why})")));
    }
    let data = &body["data"];
    let result = &data["result"];
    let one_series = || -> Result<&serde_json::Value> {
        let series = result
            .as_array()
            .ok_or_else(|| Error::invalid(field, "the answer has no result list; is this a Prometheus server?"))?;
        match series.len() {
            1 => Ok(&series[0]),
            0 => Err(Error::invalid(field, "the query returned no series; check the metric name and labels")),
            n => Err(Error::invalid(
                field,
                format!("the query returned {n} series; aggregate it to one (such as sum(...) or avg(...))"),
            )),
        }
    };
    let point = |pair: &serde_json::Value| -> Result<Option<Sample>> {
        let bad = || Error::invalid(field, format!("{pair} is not a Prometheus sample [time, \"value\"]"));
        let at = pair.get(0).and_then(time).ok_or_else(bad)?;
        let value = pair.get(1).and_then(number).ok_or_else(bad)?;
        Ok(value.is_finite().then_some(Sample { at, value, n: None }))
    };
    match data["resultType"].as_str() {
        Some("vector") => {
            let sample = point(&one_series()?["value"])?
                .ok_or_else(|| Error::invalid(field, "the query's value is NaN or infinite; nothing to store"))?;
            Ok((vec![sample], 0))
        }
        Some("scalar") => {
            let sample = point(result)?
                .ok_or_else(|| Error::invalid(field, "the query's value is NaN or infinite; nothing to store"))?;
            Ok((vec![sample], 0))
        }
        Some("matrix") => {
            let values = one_series()?["values"].as_array().cloned().unwrap_or_default();
            let mut samples = vec![];
            let mut skipped = 0;
            for pair in &values {
                match point(pair)? {
                    Some(sample) => samples.push(sample),
                    None => skipped += 1,
                }
            }
            if samples.is_empty() {
                return Err(Error::invalid(field, "the query returned no finite values in the range"));
            }
            Ok((samples, skipped))
        }
        other => Err(Error::invalid(
            field,
            format!("the answer's resultType is {}, not vector, scalar or matrix", other.unwrap_or("missing")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{MetricId, SourceId};

    fn source(kind: SourceKind) -> MetricSource {
        MetricSource {
            id: SourceId(1),
            metric: MetricId(1),
            kind,
            url: "http://prom:9090/".into(),
            pointer: Some("/data/activation".into()),
            n_pointer: None,
            at_pointer: None,
            query: Some("sum(rate(x[1d]))".into()),
            token_env: None,
            multiply: None,
            created_by: "t".into(),
            created_at: Timestamp::UNIX_EPOCH,
            last_pull: None,
        }
    }

    #[test]
    fn prometheus_urls_use_the_query_api_whatever_base_was_given() {
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let url = request_url(&source(SourceKind::Prometheus), now, None).unwrap();
        assert_eq!(url.as_str(), "http://prom:9090/api/v1/query?query=sum%28rate%28x%5B1d%5D%29%29&time=1700000000");
        let mut with_path = source(SourceKind::Prometheus);
        with_path.url = "http://prom:9090/prometheus/api/v1/query?old=1".into();
        let range = Range { from: Timestamp::from_second(1_699_000_000).unwrap(), step_seconds: 86_400 };
        let url = request_url(&with_path, now, Some(range)).unwrap();
        assert_eq!(url.path(), "/prometheus/api/v1/query_range");
        assert!(url.query().unwrap().ends_with("start=1699000000&end=1700000000&step=86400s"), "{url}");
    }

    #[test]
    fn json_pointers_read_numbers_and_numeric_strings() {
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let mut s = source(SourceKind::Json);
        s.n_pointer = Some("/data/n".into());
        s.at_pointer = Some("/data/at".into());
        let body = json!({"data": {"activation": "41.5", "n": 812, "at": "2026-11-02T00:00:00Z"}});
        let sample = read_json(&s, &body, now).unwrap();
        assert_eq!(sample, Sample { at: "2026-11-02T00:00:00Z".parse().unwrap(), value: 41.5, n: Some(812) });
        let err = read_json(&s, &json!({"data": {"activation": [1, 2]}}), now).unwrap_err().to_string();
        assert_eq!(
            err,
            "pointer: /data/activation points at an array (point at one element, such as /0/value), not a number"
        );
        let err = read_json(&s, &json!({"rows": []}), now).unwrap_err().to_string();
        assert!(err.contains("finds nothing") && err.contains("/rows"), "{err}");
    }

    #[test]
    fn prometheus_answers_of_each_shape_are_read() {
        let vector = json!({"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1700000000.5, "0.42"]}]}});
        let (samples, _) = read_prometheus(&vector).unwrap();
        assert_eq!(samples[0].value, 0.42);
        assert_eq!(samples[0].at, Timestamp::from_microsecond(1_700_000_000_500_000).unwrap());
        let scalar = json!({"status": "success", "data": {"resultType": "scalar", "result": [1700000000, "7"]}});
        assert_eq!(read_prometheus(&scalar).unwrap().0[0].value, 7.0);
        let matrix = json!({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, "1"], [2, "NaN"], [3, "3"]]}]}});
        let (samples, skipped) = read_prometheus(&matrix).unwrap();
        assert_eq!((samples.len(), skipped), (2, 1));
        let two = json!({"status": "success", "data": {"resultType": "vector", "result": [{"value": [1, "1"]}, {"value": [1, "2"]}]}});
        assert!(read_prometheus(&two).unwrap_err().to_string().contains("returned 2 series; aggregate"));
        let error = json!({"status": "error", "errorType": "bad_data", "error": "parse error at char 4"});
        assert_eq!(
            read_prometheus(&error).unwrap_err().to_string(),
            "query: Prometheus refused the query (bad_data: parse error at char 4)"
        );
    }
}

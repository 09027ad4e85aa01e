//! How a record is laid out as a sled value: one version byte, then JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// Bumped when a record's fields change incompatibly; old versions are migrated on read.
pub const RECORD_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = vec![RECORD_VERSION];
    // Serializing our own plain-data types to a Vec cannot fail: no maps with
    // non-string keys, no I/O.
    serde_json::to_writer(&mut bytes, value).expect("record types serialize to JSON");
    bytes
}

pub fn decode<T: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T, Error> {
    let corrupt = |message: String| Error::Corrupt { key: String::from_utf8_lossy(key).into_owned(), message };
    match bytes.split_first() {
        Some((&RECORD_VERSION, json)) => serde_json::from_slice(json).map_err(|e| corrupt(e.to_string())),
        Some((version, _)) => {
            Err(corrupt(format!("record version {version}; this grounded reads version {RECORD_VERSION}")))
        }
        None => Err(corrupt("empty value".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_unknown_versions() {
        let bytes = encode(&vec![1.5, 2.0]);
        assert_eq!(bytes[0], RECORD_VERSION);
        assert_eq!(decode::<Vec<f64>>(b"k", &bytes).unwrap(), vec![1.5, 2.0]);
        let mut future = bytes.clone();
        future[0] = 9;
        assert!(decode::<Vec<f64>>(b"k", &future).unwrap_err().to_string().contains("record version 9"));
        assert!(decode::<Vec<f64>>(b"k", &[]).is_err());
    }
}

//! How a record is laid out as a sled value: one version byte, then the record.
//!
//! Most records are JSON after the byte (version 1): few, small, and readable when
//! debugging. A record type there are a hundred thousand of (evidence) has its own
//! binary layout under version 2, written with [`Writer`] and read with [`Reader`]:
//! no field names, varint numbers, so the store is smaller, opens faster and decodes
//! without a JSON parser. Each type says how it is stored by implementing [`Record`];
//! a reader accepts every version its type was ever written in.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// The version byte of a JSON record.
pub const RECORD_VERSION: u8 = 1;
/// The version byte of a record in its type's own binary layout.
pub const BINARY_VERSION: u8 = 2;

/// A type kept in a sled tree. The defaults store it as JSON; a type with a binary
/// layout overrides both methods (and still reads its JSON records of before).
pub trait Record: Serialize + DeserializeOwned {
    fn to_record(&self) -> Vec<u8> {
        encode_json(self)
    }

    fn from_record(key: &[u8], bytes: &[u8]) -> Result<Self, Error> {
        decode_json(key, bytes)
    }
}

impl Record for String {}

pub fn encode<T: Record>(value: &T) -> Vec<u8> {
    value.to_record()
}

pub fn decode<T: Record>(key: &[u8], bytes: &[u8]) -> Result<T, Error> {
    T::from_record(key, bytes)
}

/// The error for a value that cannot be read as its record type.
pub fn corrupt(key: &[u8], message: impl Into<String>) -> Error {
    Error::Corrupt { key: String::from_utf8_lossy(key).into_owned(), message: message.into() }
}

pub fn encode_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = vec![RECORD_VERSION];
    // Serializing our own plain-data types to a Vec cannot fail: no maps with
    // non-string keys, no I/O.
    serde_json::to_writer(&mut bytes, value).expect("record types serialize to JSON");
    bytes
}

pub fn decode_json<T: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T, Error> {
    match bytes.split_first() {
        Some((&RECORD_VERSION, json)) => serde_json::from_slice(json).map_err(|e| corrupt(key, e.to_string())),
        Some((version, _)) => {
            Err(corrupt(key, format!("record version {version}; this grounded reads version {RECORD_VERSION}")))
        }
        None => Err(corrupt(key, "empty value")),
    }
}

/// Writes a binary record: LEB128 varints, zigzag for signed numbers, strings as a
/// length and UTF-8 bytes, an option as a presence byte then the value.
pub struct Writer(Vec<u8>);

impl Writer {
    /// A record of the type's binary layout; the version byte comes first.
    pub fn binary(capacity: usize) -> Writer {
        let mut bytes = Vec::with_capacity(capacity + 1);
        bytes.push(BINARY_VERSION);
        Writer(bytes)
    }

    pub fn u64(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    pub fn i64(&mut self, value: i64) {
        self.u64(((value << 1) ^ (value >> 63)) as u64);
    }

    pub fn byte(&mut self, value: u8) {
        self.0.push(value);
    }

    pub fn bytes(&mut self, value: &[u8]) {
        self.u64(value.len() as u64);
        self.0.extend_from_slice(value);
    }

    pub fn str(&mut self, value: &str) {
        self.bytes(value.as_bytes());
    }

    /// A presence byte, then the value when there is one.
    pub fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Writer, T)) {
        match value {
            Some(v) => {
                self.0.push(1);
                write(self, v);
            }
            None => self.0.push(0),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Reads what [`Writer`] wrote, in the same order; every read checks its bounds, so
/// a damaged value is an error naming its key, never a panic.
pub struct Reader<'a> {
    key: &'a [u8],
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The reader of a value written by [`Writer::binary`] (after its version byte).
    pub fn binary(key: &'a [u8], bytes: &'a [u8]) -> Result<Reader<'a>, Error> {
        match bytes.split_first() {
            Some((&BINARY_VERSION, rest)) => Ok(Reader { key, rest }),
            Some((version, _)) => Err(corrupt(key, format!("record version {version} is not a binary record"))),
            None => Err(corrupt(key, "empty value")),
        }
    }

    fn cut(&self, what: &str) -> Error {
        corrupt(self.key, format!("the record ends before its {what}"))
    }

    pub fn u64(&mut self, what: &str) -> Result<u64, Error> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.rest.split_first().ok_or_else(|| self.cut(what))?;
            self.rest = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(corrupt(self.key, format!("{what} is not a number")))
    }

    pub fn i64(&mut self, what: &str) -> Result<i64, Error> {
        let bits = self.u64(what)?;
        Ok((bits >> 1) as i64 ^ -((bits & 1) as i64))
    }

    pub fn byte(&mut self, what: &str) -> Result<u8, Error> {
        let (&byte, rest) = self.rest.split_first().ok_or_else(|| self.cut(what))?;
        self.rest = rest;
        Ok(byte)
    }

    pub fn bytes(&mut self, what: &str) -> Result<&'a [u8], Error> {
        let len = usize::try_from(self.u64(what)?).map_err(|_| self.cut(what))?;
        if self.rest.len() < len {
            return Err(self.cut(what));
        }
        let (value, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(value)
    }

    pub fn str(&mut self, what: &str) -> Result<String, Error> {
        let bytes = self.bytes(what)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt(self.key, format!("{what} is not UTF-8")))
    }

    pub fn option<T>(
        &mut self,
        what: &str,
        read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.byte(what)? {
            0 => Ok(None),
            1 => read(self).map(Some),
            other => Err(corrupt(self.key, format!("{what} has presence byte {other}"))),
        }
    }

    /// The error for a value that does not fit its field.
    pub fn invalid(&self, message: impl Into<String>) -> Error {
        corrupt(self.key, message)
    }

    /// Checks nothing is left over: a record longer than its layout is damaged.
    pub fn finish(self) -> Result<(), Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(corrupt(self.key, format!("{} bytes after the end of the record", self.rest.len())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Record for Vec<f64> {}

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

    #[test]
    fn binary_fields_round_trip_at_their_edges() {
        let mut w = Writer::binary(16);
        for n in [0, 1, 127, 128, 300, u64::MAX] {
            w.u64(n);
        }
        for n in [0, -1, 1, i64::MIN, i64::MAX] {
            w.i64(n);
        }
        w.str("héllo");
        w.option(None::<u64>, Writer::u64);
        w.option(Some("x"), Writer::str);
        let bytes = w.finish();
        let mut r = Reader::binary(b"k", &bytes).unwrap();
        for n in [0, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(r.u64("n").unwrap(), n);
        }
        for n in [0, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.i64("n").unwrap(), n);
        }
        assert_eq!(r.str("s").unwrap(), "héllo");
        assert_eq!(r.option("o", |r| r.u64("o")).unwrap(), None);
        assert_eq!(r.option("o", |r| r.str("o")).unwrap().as_deref(), Some("x"));
        r.finish().unwrap();
    }

    #[test]
    fn a_damaged_binary_record_is_an_error_naming_the_field() {
        let mut w = Writer::binary(8);
        w.str("a longer text");
        let bytes = w.finish();
        let mut short = Reader::binary(b"EV", &bytes[..5]).unwrap();
        let err = short.str("text").unwrap_err().to_string();
        assert!(err.contains("before its text"), "{err}");
        let mut extra = bytes.clone();
        extra.push(0);
        let mut r = Reader::binary(b"EV", &extra).unwrap();
        r.str("text").unwrap();
        assert!(r.finish().unwrap_err().to_string().contains("1 bytes after"));
        assert!(Reader::binary(b"EV", &[1, b'{']).is_err(), "a JSON record is not read as binary");
    }
}

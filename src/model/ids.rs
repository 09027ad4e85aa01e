//! Typed, human-friendly record ids (`O-3`, `KR-12`, `M-4`, ...).
//!
//! An assistant says these in chat and a person types them, so they are short,
//! stable and prefixed by what they name. Each record type has its own Rust type,
//! which keeps a `KeyResultId` from ever being passed where an `ObjectiveId` is meant.
//! Parsing is forgiving about case and the dash (`kr12`, `Kr-12`), strict about
//! the prefix: `KR-12` given where an objective is expected is an error that says so.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not an id of the expected kind; the message says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not {article} {noun} id; expected {prefix}-<number>, such as {prefix}-3")]
pub struct IdParseError {
    pub text: String,
    pub prefix: &'static str,
    pub noun: &'static str,
    pub article: &'static str,
}

/// Splits `PREFIX-123` (case-insensitive, dash optional) into its number.
fn parse_prefixed(text: &str, prefix: &str) -> Option<u64> {
    let text = text.trim();
    let head = text.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = &text[prefix.len()..];
    let digits = rest.strip_prefix('-').unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|n| *n > 0)
}

/// The JSON Schema pattern of an id: `^[Kk][Rr]-?[0-9]+$`. Written without inline
/// flags such as `(?i)`, which ECMA-262 regexes (what JSON Schema validators use)
/// do not have.
fn id_pattern(prefix: &str) -> String {
    let letters: String =
        prefix.chars().map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())).collect();
    format!("^{letters}-?[0-9]+$")
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $noun:literal, $article:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl $name {
            pub const PREFIX: &'static str = $prefix;
            pub const NOUN: &'static str = $noun;

            /// Big-endian bytes: sled keys sort in id order.
            pub fn key(self) -> [u8; 8] {
                self.0.to_be_bytes()
            }

            pub fn from_key(bytes: &[u8]) -> Option<Self> {
                Some(Self(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}-{}", $prefix, self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                parse_prefixed(text, $prefix).map($name).ok_or_else(|| IdParseError {
                    text: text.chars().take(40).collect(),
                    prefix: $prefix,
                    noun: $noun,
                    article: $article,
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": id_pattern($prefix),
                    "description": concat!("A ", $noun, " id such as ", $prefix, "-3"),
                })
            }
        }
    };
}

typed_id!(/// An objective: `O-3`.
    ObjectiveId, "O", "objective", "an");
typed_id!(/// A key result: `KR-12`.
    KeyResultId, "KR", "key result", "a");
typed_id!(/// A metric, shared by the key results and indicators that measure it: `M-4`.
    MetricId, "M", "metric", "a");
typed_id!(/// A leading indicator of a key result: `IND-2`.
    IndicatorId, "IND", "indicator", "an");
typed_id!(/// An initiative expected to move a key result: `INI-5`.
    InitiativeId, "INI", "initiative", "an");

typed_id!(/// A piece of evidence: `EV-305`.
    EvidenceId, "EV", "evidence", "an");
typed_id!(/// A study (a round of interviews, a survey): `ST-2`.
    StudyId, "ST", "study", "a");
typed_id!(/// A link from evidence to what it grounds: `LNK-9`.
    LinkId, "LNK", "link", "a");
typed_id!(/// A metric source pulled over HTTP (a JSON endpoint or a Prometheus query): `SRC-2`.
    SourceId, "SRC", "source", "a");
typed_id!(/// A research feed: a survey tool's export at a URL, pulled into evidence: `FEED-1`.
    FeedId, "FEED", "feed", "a");

/// Any id an OKR tool may be handed where several kinds are accepted
/// (`update_okr` and `get_okr` take an objective or a key result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkrId {
    Objective(ObjectiveId),
    KeyResult(KeyResultId),
}

impl FromStr for OkrId {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // KR before O: no prefix is a prefix of the other, but keep the order obvious.
        if let Ok(id) = text.parse::<KeyResultId>() {
            return Ok(OkrId::KeyResult(id));
        }
        if let Ok(id) = text.parse::<ObjectiveId>() {
            return Ok(OkrId::Objective(id));
        }
        Err(format!(
            "{:?} is neither an objective id (O-3) nor a key result id (KR-12)",
            text.chars().take(40).collect::<String>()
        ))
    }
}

impl fmt::Display for OkrId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OkrId::Objective(id) => id.fmt(f),
            OkrId::KeyResult(id) => id.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_and_parse_both_ways() {
        assert_eq!(KeyResultId(12).to_string(), "KR-12");
        assert_eq!("KR-12".parse::<KeyResultId>(), Ok(KeyResultId(12)));
        assert_eq!("kr12".parse::<KeyResultId>(), Ok(KeyResultId(12)));
        assert_eq!(" o-3 ".parse::<ObjectiveId>(), Ok(ObjectiveId(3)));
    }

    #[test]
    fn wrong_prefix_zero_and_junk_are_refused_with_the_accepted_form() {
        let err = "KR-12".parse::<ObjectiveId>().unwrap_err();
        assert_eq!(err.to_string(), "\"KR-12\" is not an objective id; expected O-<number>, such as O-3");
        assert!("O-0".parse::<ObjectiveId>().is_err());
        assert!("O-".parse::<ObjectiveId>().is_err());
        assert!("O-1x".parse::<ObjectiveId>().is_err());
        assert!("O-99999999999999999999999".parse::<ObjectiveId>().is_err());
        assert!("".parse::<ObjectiveId>().is_err());
        // A multi-byte first character must not split a char boundary.
        assert!("é-1".parse::<ObjectiveId>().is_err());
    }

    #[test]
    fn okr_id_tells_objectives_from_key_results() {
        assert_eq!("O-3".parse::<OkrId>(), Ok(OkrId::Objective(ObjectiveId(3))));
        assert_eq!("KR-3".parse::<OkrId>(), Ok(OkrId::KeyResult(KeyResultId(3))));
        assert!("M-3".parse::<OkrId>().is_err());
    }

    #[test]
    fn schema_patterns_are_plain_ecma_regexes() {
        assert_eq!(id_pattern("KR"), "^[Kk][Rr]-?[0-9]+$");
    }

    #[test]
    fn keys_sort_in_id_order() {
        assert!(ObjectiveId(2).key() < ObjectiveId(10).key());
        assert_eq!(ObjectiveId::from_key(&ObjectiveId(10).key()), Some(ObjectiveId(10)));
    }
}

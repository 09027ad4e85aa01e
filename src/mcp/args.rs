//! Tool arguments in, tool errors out.
//!
//! rmcp's own extractor turns a malformed argument into a JSON-RPC protocol error,
//! which many clients hide from the model. Here a bad argument is a tool result with
//! `isError: true` whose text names the field path (`key_results[2].target`), so the
//! assistant can correct the call itself (the MCP spec's advice for input errors).
//!
//! Arguments must satisfy the tool's advertised `inputSchema`, not only serde: a
//! derived `Deserialize` for a struct also accepts a JSON array, field by field in
//! declaration order, so `"changes": ["a", 1]` once set a statement to "a" and a
//! target to 1. Every call is therefore checked against the very schema the tool
//! advertises ([`super::full_input`], before it is trimmed for the model), compiled once per input type.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use rmcp::model::JsonObject;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::validate::truncate;

/// At most this many schema errors are listed in one answer: enough to fix a call,
/// short enough to read.
const MAX_LISTED: usize = 5;

/// Deserializes tool arguments into the tool's input type `T`, naming the offending
/// field on failure. `T` must be the type the tool advertises with `input::<T>()`.
pub fn parse<T: DeserializeOwned + schemars::JsonSchema + 'static>(arguments: JsonObject) -> Result<T, String> {
    let arguments = Value::Object(arguments);
    let validator = validator::<T>();
    // The fast check first: a valid call pays no error collection.
    let schema_errors = if validator.is_valid(&arguments) { vec![] } else { schema_errors(validator, &arguments) };
    match serde_path_to_error::deserialize::<_, T>(&arguments) {
        Ok(value) if schema_errors.is_empty() => Ok(value),
        // serde took it, the schema did not (an array for an object, a number out of
        // the advertised range): the advertised contract wins.
        Ok(_) => Err(answer(&schema_errors)),
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." { "arguments".to_string() } else { path };
            // serde's message is the more precise one ("unknown variant `up`, expected
            // one of ...") unless the schema found the shape wrong *above* that field:
            // serde reading `changes: ["a", "b"]` as a struct blames `changes[1]`,
            // the schema rightly blames `changes`.
            if let Some(above) = schema_errors.iter().find(|s| s.shape && is_strictly_above(&s.field, &field)) {
                return Err(answer(std::slice::from_ref(above)));
            }
            let message = shortened(&e.into_inner().to_string());
            Err(format!("{field}: {message}; the tool's inputSchema lists the accepted fields"))
        }
    }
}

/// A core error as the text of an `isError` tool result.
pub fn failure(error: crate::Error) -> String {
    if !error.is_user_error() {
        tracing::error!(%error, "tool failed");
    }
    error.to_string()
}

/// One thing the schema refused: where (`key_results[1].target`) and what.
#[derive(Debug, Clone, PartialEq)]
struct SchemaError {
    field: String,
    message: String,
    /// The value has the wrong JSON type (an array for an object): everything serde
    /// says below this field is then beside the point.
    shape: bool,
}

fn answer(errors: &[SchemaError]) -> String {
    let mut parts: Vec<String> =
        errors.iter().take(MAX_LISTED).map(|e| format!("{}: {}", e.field, e.message)).collect();
    if errors.len() > MAX_LISTED {
        parts.push(format!("and {} more", errors.len() - MAX_LISTED));
    }
    format!("{}; the tool's inputSchema lists the accepted fields", parts.join("; "))
}

/// The compiled validator of `T`'s advertised input schema, built on first use.
/// Compiling costs far more than validating, and the set of input types is fixed
/// (one per tool), so each is compiled once and kept for the life of the process.
fn validator<T: schemars::JsonSchema + 'static>() -> &'static Validator {
    static CACHE: OnceLock<RwLock<HashMap<TypeId, &'static Validator>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = TypeId::of::<T>();
    if let Some(found) = cache.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found;
    }
    let mut cache = cache.write().unwrap_or_else(|e| e.into_inner());
    cache.entry(key).or_insert_with(|| {
        let schema = Value::Object(super::full_input::<T>());
        // Our own generated schema: failing to compile is a bug, found by any test
        // that calls the tool. Drafts are fixed so no `$schema` change can make it
        // fetch anything (remote resolving is compiled out anyway).
        let validator = jsonschema::draft202012::new(&schema)
            .unwrap_or_else(|e| panic!("input schema of {}: {e}", std::any::type_name::<T>()));
        Box::leak(Box::new(validator))
    })
}

/// Every schema error in `arguments`, as field paths and plain sentences.
fn schema_errors(validator: &Validator, arguments: &Value) -> Vec<SchemaError> {
    let mut out = vec![];
    for error in validator.iter_errors(arguments) {
        describe(&error, arguments, &mut out);
    }
    out.dedup();
    out
}

/// Turns one validation error into sentences. `anyOf`/`oneOf` (nullable fields,
/// enums, a key result as text or object) are opened: branches that failed only
/// because the value has another type are summed up as "... expected", and a
/// branch of the right type reports its own, deeper errors.
fn describe(error: &ValidationError<'_>, arguments: &Value, out: &mut Vec<SchemaError>) {
    let field = field_path(error.instance_path().as_str(), arguments);
    let instance = error.instance();
    let message = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let here = error.instance_path().as_str();
            let (mut types, mut values) = (vec![], vec![]);
            let mut deeper: Option<&Vec<ValidationError<'static>>> = None;
            for branch in context {
                match branch.as_slice() {
                    [only] if only.instance_path().as_str() == here => match only.kind() {
                        ValidationErrorKind::Type { kind } => types.extend(type_names(kind)),
                        ValidationErrorKind::Constant { expected_value } => values.push(expected_value.to_string()),
                        ValidationErrorKind::Enum { options } => {
                            values.extend(options.as_array().into_iter().flatten().map(Value::to_string))
                        }
                        _ => deeper = deeper.or(Some(branch)),
                    },
                    _ => deeper = deeper.or(Some(branch)),
                }
            }
            if let Some(branch) = deeper {
                branch.iter().for_each(|e| describe(e, arguments, out));
                return;
            }
            if values.is_empty() {
                types.dedup();
                out.push(SchemaError {
                    field,
                    message: format!("is {}; {} expected", kind_of(instance), or_list(&types)),
                    shape: true,
                });
                return;
            }
            format!("is {}; one of {} is expected", quote(instance), values.join(", "))
        }
        ValidationErrorKind::Type { kind } => {
            let message = format!("is {}; {} expected", kind_of(instance), or_list(&type_names(kind)));
            out.push(SchemaError { field, message, shape: true });
            return;
        }
        ValidationErrorKind::Required { property } => {
            format!("missing field `{}`", property.as_str().unwrap_or_default())
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|n| format!("`{n}`")).collect();
            format!("unknown field {}", names.join(", "))
        }
        ValidationErrorKind::Enum { options } => format!("is {}; one of {options} is expected", quote(instance)),
        ValidationErrorKind::Constant { expected_value } => {
            format!("is {}; {expected_value} is expected", quote(instance))
        }
        ValidationErrorKind::Minimum { limit } => format!("is {}; at least {limit} is accepted", quote(instance)),
        ValidationErrorKind::Maximum { limit } => format!("is {}; at most {limit} is accepted", quote(instance)),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("is {}; more than {limit} is needed", quote(instance))
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("is {}; less than {limit} is needed", quote(instance))
        }
        ValidationErrorKind::MinItems { limit } => format!("has {} items; at least {limit}", len(instance)),
        ValidationErrorKind::MaxItems { limit } => format!("has {} items; at most {limit}", len(instance)),
        ValidationErrorKind::MinLength { limit } => format!("is too short; at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("is too long; at most {limit} characters"),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{} does not have the expected form ({pattern})", quote(instance))
        }
        other => format!("does not satisfy the schema's `{}`", other.keyword()),
    };
    out.push(SchemaError { field, message, shape: false });
}

fn type_names(kind: &TypeKind) -> Vec<&'static str> {
    let name = |t: JsonType| match t {
        JsonType::Array => "an array",
        JsonType::Boolean => "true or false",
        JsonType::Integer => "an integer",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "an object",
        JsonType::String => "a string",
    };
    match kind {
        TypeKind::Single(t) => vec![name(*t)],
        TypeKind::Multiple(set) => set.iter().map(name).collect(),
    }
}

/// What was given, in words, quoting short values.
fn kind_of(value: &Value) -> String {
    match value {
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        Value::Null => "null".into(),
        other => quote(other),
    }
}

/// A value quoted back, cut short so a 1 MB string is not echoed.
fn quote(value: &Value) -> String {
    truncate(&value.to_string(), 40)
}

/// serde quotes the bad value whole (`invalid type: string "xxxx…", expected u8`): a
/// 1 MB string would come back as a 1 MB error. The start and the end (what was
/// expected) are kept.
fn shortened(message: &str) -> String {
    let chars = message.chars().count();
    if chars <= 300 {
        return message.to_string();
    }
    let head: String = message.chars().take(120).collect();
    let tail: String = message.chars().skip(chars - 80).collect();
    format!("{head}…{tail}")
}

fn len(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

fn or_list(names: &[&'static str]) -> String {
    match names {
        [] => "another type is".into(),
        [one] => format!("{one} is"),
        [init @ .., last] => format!("{} or {last} is", init.join(", ")),
    }
}

/// A JSON pointer into the arguments (`/key_results/1/target`) as the field path
/// serde_path_to_error writes (`key_results[1].target`), so both kinds of error read
/// alike. A segment of digits is an index only where the arguments hold an array
/// there (an object key may be "1" too). The root is `arguments`.
pub(crate) fn field_path(pointer: &str, arguments: &Value) -> String {
    let mut path = String::new();
    let mut at = Some(arguments);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) if segment.parse::<usize>().is_ok() => {
                let index: usize = segment.parse().unwrap_or_default();
                path.push_str(&format!("[{index}]"));
                at = items.get(index);
            }
            _ => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&segment);
                at = at.and_then(|v| v.get(&segment));
            }
        }
    }
    if path.is_empty() { "arguments".into() } else { path }
}

/// Whether `above` is a proper ancestor of `field` (`changes` of `changes[1]`,
/// `arguments` of everything else).
fn is_strictly_above(above: &str, field: &str) -> bool {
    if above == field {
        return false;
    }
    above == "arguments" || field.strip_prefix(above).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}
#[cfg(test)]
mod tests {
    use super::*;
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        items: Vec<Item>,
        #[allow(dead_code)]
        #[serde(default)]
        changes: Option<Item>,
        /// serde takes any u8; the schema says at most 10.
        #[allow(dead_code)]
        #[serde(default)]
        #[schemars(range(max = 10))]
        level: u8,
    }
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code)]
        target: f64,
        #[allow(dead_code)]
        #[serde(default)]
        note: Option<String>,
    }

    fn object(value: Value) -> JsonObject {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn the_error_names_the_path_of_the_bad_field() {
        let err = parse::<Sample>(object(json!({"items": [{"target": 1}, {"target": "high"}]}))).unwrap_err();
        assert!(err.starts_with("items[1].target: invalid type: string \"high\", expected f64"), "{err}");
        let err = parse::<Sample>(object(json!({}))).unwrap_err();
        assert!(err.starts_with("arguments: missing field `items`"), "{err}");
        let err = parse::<Sample>(object(json!({"items": [], "extra": 1}))).unwrap_err();
        assert!(err.contains("unknown field `extra`"), "{err}");
    }

    #[test]
    fn an_array_for_an_object_is_refused_though_serde_would_take_it() {
        // serde alone reads these arrays field by field, in order.
        assert!(serde_json::from_value::<Sample>(json!({"items": [[1, "x"]], "changes": [2]})).is_ok());
        let err = parse::<Sample>(object(json!({"items": [[1, "x"]]}))).unwrap_err();
        assert_eq!(
            err,
            "items[0]: is an array; an object is expected; the tool's inputSchema lists the accepted fields"
        );
        let err = parse::<Sample>(object(json!({"items": [], "changes": [2]}))).unwrap_err();
        assert!(err.starts_with("changes: is an array; an object or null is expected"), "{err}");
        // serde stumbles inside the array and blames changes[1]; the schema's verdict on
        // `changes` itself is the useful one.
        let err = parse::<Sample>(object(json!({"items": [], "changes": [2, 3]}))).unwrap_err();
        assert!(err.starts_with("changes: is an array; an object or null is expected"), "{err}");
        assert!(parse::<Sample>(object(json!({"items": [{"target": 1}], "changes": {"target": 2}}))).is_ok());
    }

    #[test]
    fn what_the_schema_bounds_is_refused_with_the_bound() {
        let err = parse::<Sample>(object(json!({"items": [], "level": 11}))).unwrap_err();
        assert!(err.starts_with("level: is 11; at most 10 is accepted"), "{err}");
        assert!(parse::<Sample>(object(json!({"items": [], "level": 10}))).is_ok());
    }

    #[test]
    fn pointers_become_serde_style_field_paths() {
        let arguments = json!({"key_results": [{"target": 1}, {"target": "x"}], "changes": {"1": {"a/b": 2}}});
        assert_eq!(field_path("", &arguments), "arguments");
        assert_eq!(field_path("/key_results", &arguments), "key_results");
        assert_eq!(field_path("/key_results/1/target", &arguments), "key_results[1].target");
        // "1" is a key here, not an index; ~1 is an escaped slash.
        assert_eq!(field_path("/changes/1/a~1b", &arguments), "changes.1.a/b");
        assert_eq!(field_path("/changes/~0x", &arguments), "changes.~x");
        // A path past the end of the arguments still reads sensibly.
        assert_eq!(field_path("/missing/0/x", &arguments), "missing.0.x");
    }

    #[test]
    fn ancestors_are_told_apart_from_siblings() {
        assert!(is_strictly_above("changes", "changes[1]"));
        assert!(is_strictly_above("changes", "changes.target"));
        assert!(is_strictly_above("arguments", "objective"));
        assert!(!is_strictly_above("changes", "changes"));
        assert!(!is_strictly_above("change", "changes.target"));
        assert!(!is_strictly_above("items[1]", "items[10].target"));
    }

    #[test]
    fn each_schema_is_compiled_once() {
        let first: *const Validator = validator::<Sample>();
        let again: *const Validator = validator::<Sample>();
        assert!(std::ptr::eq(first, again));
        assert!(!std::ptr::eq(first, validator::<Item>()));
    }

    #[test]
    fn long_values_are_not_echoed() {
        let err = parse::<Sample>(object(json!({"items": [], "level": "x".repeat(10_000)}))).unwrap_err();
        assert!(err.len() < 300 && err.contains("expected u8"), "{err}");
        let err = parse::<Sample>(object(json!({"items": [{"target": 1, "note": ["y".repeat(10_000)]}]}))).unwrap_err();
        assert!(err.len() < 300, "{err}");
    }
}

//! Tool arguments in, tool errors out.
//!
//! rmcp's own extractor turns a malformed argument into a JSON-RPC protocol error,
//! which many clients hide from the model. Here a bad argument is a tool result with
//! `isError: true` whose text names the field path (`key_results[2].target`), so the
//! assistant can correct the call itself (the MCP spec's advice for input errors).

use rmcp::model::JsonObject;
use serde::de::DeserializeOwned;

/// Deserializes tool arguments, naming the offending field on failure.
pub fn parse<T: DeserializeOwned>(arguments: JsonObject) -> Result<T, String> {
    serde_path_to_error::deserialize(serde_json::Value::Object(arguments)).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." { "arguments".to_string() } else { path };
        format!("{field}: {message}; the tool's inputSchema lists the accepted fields")
    })
}

/// A core error as the text of an `isError` tool result.
pub fn failure(error: crate::Error) -> String {
    if !error.is_user_error() {
        tracing::error!(%error, "tool failed");
    }
    error.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code)]
        target: f64,
    }

    fn object(value: serde_json::Value) -> JsonObject {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn the_error_names_the_path_of_the_bad_field() {
        let err =
            parse::<Sample>(object(serde_json::json!({"items": [{"target": 1}, {"target": "high"}]}))).unwrap_err();
        assert!(err.starts_with("items[1].target: invalid type: string \"high\", expected f64"), "{err}");
        let err = parse::<Sample>(object(serde_json::json!({}))).unwrap_err();
        assert!(err.starts_with("arguments: missing field `items`"), "{err}");
        let err = parse::<Sample>(object(serde_json::json!({"items": [], "extra": 1}))).unwrap_err();
        assert!(err.contains("unknown field `extra`"), "{err}");
    }
}

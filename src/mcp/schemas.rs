//! The JSON Schemas in `schemas/`: every tool's input and output, and the OKR
//! document format, generated from the Rust types. The test below fails when the
//! files drift from the code; `GROUNDED_BLESS=1 cargo test schemas` rewrites them.

use serde_json::{Value, json};

use super::GroundedServer;
use crate::okr::Actor;
use crate::store::Store;

/// File name → schema, for every file under `schemas/`.
pub fn schema_files() -> crate::Result<Vec<(String, Value)>> {
    let access = crate::fetch::Access::from_env(crate::fetch::Caller::Local, &std::env::temp_dir());
    let server = GroundedServer::new(Store::temporary()?, Actor("schemas".into()), access);
    let mut files = vec![];
    for tool in server.tools() {
        files.push((format!("{}.input.json", tool.name), Value::Object((*tool.input_schema).clone())));
        if let Some(output) = &tool.output_schema {
            files.push((format!("{}.output.json", tool.name), Value::Object((**output).clone())));
        }
    }
    let objective = serde_json::to_value(schemars::schema_for!(crate::okr::input::ObjectiveDraft)).unwrap_or_default();
    let objective = Value::Object(super::standard_formats_only(objective.as_object().cloned().unwrap_or_default()));
    files.push((
        "okr-document.json".into(),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "OKR document (grounded check FILE, YAML)",
            "description": "One objective, or a set of objectives sharing a cycle and an owner.",
            "oneOf": [
                {"$ref": "#/$defs/ObjectiveDraft"},
                {
                    "type": "object",
                    "properties": {
                        "cycle": {"type": "string"},
                        "owner": {"type": "string"},
                        "objectives": {"type": "array", "items": {"$ref": "#/$defs/ObjectiveDraft"}}
                    },
                    "required": ["objectives"],
                    "additionalProperties": false
                }
            ],
            "$defs": merged_defs(objective),
        }),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The objective schema and its own definitions, side by side under `$defs`.
fn merged_defs(mut objective: Value) -> Value {
    let mut defs = objective.as_object_mut().and_then(|o| o.remove("$defs")).unwrap_or_else(|| json!({}));
    if let Some(o) = objective.as_object_mut() {
        o.remove("$schema");
    }
    defs["ObjectiveDraft"] = objective;
    defs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_folder_matches_the_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let files = schema_files().unwrap();
        if std::env::var_os("GROUNDED_BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            for entry in std::fs::read_dir(&dir).unwrap() {
                std::fs::remove_file(entry.unwrap().path()).unwrap();
            }
            for (name, schema) in &files {
                std::fs::write(dir.join(name), serde_json::to_string_pretty(schema).unwrap() + "\n").unwrap();
            }
        }
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("schemas/ exists; run GROUNDED_BLESS=1 cargo test schemas")
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let expected: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(
            on_disk, expected,
            "schemas/ has other files than the code generates; run GROUNDED_BLESS=1 cargo test schemas"
        );
        for (name, schema) in files {
            let stored: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
            assert_eq!(stored, schema, "schemas/{name} drifted from the code; run GROUNDED_BLESS=1 cargo test schemas");
        }
        assert!(
            expected.iter().any(|n| n == "check_okr.input.json")
                && expected.iter().any(|n| n == "check_okr.output.json")
        );
    }
}

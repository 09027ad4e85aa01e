//! The JSON Schemas in `schemas/`: every tool's input and output, and the OKR
//! document format, generated from the Rust types. The test below fails when the
//! files drift from the code; `GROUNDED_BLESS=1 cargo test schemas` rewrites them.

use serde_json::{Value, json};

use super::GroundedServer;
use crate::model::Actor;
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

/// An input schema as a model reads it in tools/list, every turn of every chat: what
/// it needs to call the tool right, nothing it would not act on. Left out:
/// - nullability: an optional field is one not in `required`, so `"default": null`,
///   `["string", "null"]` and `anyOf [X, null]` say nothing a model uses (the server
///   still accepts null);
/// - `additionalProperties: false`, `$schema` and the type's `title`: the server
///   refuses unknown fields with an error naming them and the fields accepted;
/// - the branches of a tagged union (`{"kind": "currency", "code": "EUR"}` or
///   `{"kind": "percent"}`): one object whose tag lists the values, and the fields
///   that only some branches have, described by the branch that needs them;
/// - the per-value descriptions of a choice of strings: one `enum` of the values (the
///   field's own description says what matters about them);
/// - definitions used once: written where they are used, not named and referred to.
///
/// Arguments are still validated against the full schema (`mcp::full_input`).
pub fn for_the_model(mut schema: serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    fn trim(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.get("default").is_some_and(Value::is_null) {
                    map.remove("default");
                }
                if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                    map.remove("additionalProperties");
                }
                if let Some(Value::Array(types)) = map.get_mut("type") {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        let only = types.remove(0);
                        map.insert("type".into(), only);
                    }
                }
                let nullable = map.get("anyOf").and_then(Value::as_array).and_then(|branches| {
                    let null = json!({"type": "null"});
                    (branches.len() == 2 && branches.contains(&null))
                        .then(|| branches.iter().find(|b| **b != null).cloned())
                        .flatten()
                });
                if let Some(Value::Object(other)) = nullable {
                    map.remove("anyOf");
                    for (key, value) in other {
                        map.entry(key).or_insert(value);
                    }
                }
                if let Some(values) = map.get("oneOf").and_then(string_choice) {
                    map.remove("oneOf");
                    map.insert("type".into(), json!("string"));
                    map.insert("enum".into(), Value::Array(values));
                }
                if let Some(flat) = map.get("oneOf").and_then(flattened_union) {
                    map.remove("oneOf");
                    for (key, value) in flat {
                        map.entry(key).or_insert(value);
                    }
                }
                map.values_mut().for_each(trim);
            }
            Value::Array(items) => items.iter_mut().for_each(trim),
            _ => {}
        }
    }
    schema.remove("$schema");
    schema.remove("title");
    let mut value = Value::Object(schema);
    trim(&mut value);
    inline_single_use_definitions(&mut value);
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a schema object stays an object"),
    }
}

/// Writes each definition referred to once (and not by itself) where it is used.
fn inline_single_use_definitions(schema: &mut Value) {
    fn count(value: &Value, uses: &mut std::collections::HashMap<String, usize>) {
        match value {
            Value::Object(map) => {
                if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                    *uses.entry(name.to_string()).or_default() += 1;
                }
                map.values().for_each(|v| count(v, uses));
            }
            Value::Array(items) => items.iter().for_each(|v| count(v, uses)),
            _ => {}
        }
    }
    fn replace(value: &mut Value, inlined: &serde_json::Map<String, Value>) {
        match value {
            Value::Object(map) => {
                let name = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/"));
                if let Some(Value::Object(definition)) = name.and_then(|n| inlined.get(n)) {
                    map.remove("$ref");
                    for (key, value) in definition {
                        // The use's own description says more about this place than the type's.
                        map.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
                map.values_mut().for_each(|v| replace(v, inlined));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| replace(v, inlined)),
            _ => {}
        }
    }
    let mut uses = std::collections::HashMap::new();
    count(schema, &mut uses);
    let Some(Value::Object(definitions)) = schema.get_mut("$defs") else { return };
    let mut inlined = serde_json::Map::new();
    for (name, definition) in definitions.iter() {
        let mut own = std::collections::HashMap::new();
        count(definition, &mut own);
        if uses.get(name) == Some(&1) && !own.contains_key(name) {
            inlined.insert(name.clone(), definition.clone());
        }
    }
    definitions.retain(|name, _| !inlined.contains_key(name));
    let empty = definitions.is_empty();
    // One pass: `replace` walks into what it has just written, so an inlined definition
    // that refers to another inlined one is resolved too.
    replace(schema, &inlined);
    if empty && let Value::Object(map) = schema {
        map.remove("$defs");
    }
}

/// The values of a `oneOf` whose branches are all strings (`const`s or `enum`s).
fn string_choice(branches: &Value) -> Option<Vec<Value>> {
    let mut values = vec![];
    for branch in branches.as_array()? {
        if branch.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        match (branch.get("const"), branch.get("enum").and_then(Value::as_array)) {
            (Some(value), _) => values.push(value.clone()),
            (None, Some(listed)) => values.extend(listed.iter().cloned()),
            (None, None) => return None,
        }
    }
    (!values.is_empty()).then_some(values)
}

/// A `oneOf` of objects told apart by one constant property, as one object: the tag's
/// values in an enum, required; the other fields optional, each described by the
/// branch that has it ("ISO 4217 code: USD, EUR" on `code`). None for other unions.
fn flattened_union(branches: &Value) -> Option<serde_json::Map<String, Value>> {
    let branches = branches.as_array()?;
    let tag_of = |branch: &Value| -> Option<(String, Value)> {
        branch
            .get("properties")?
            .as_object()?
            .iter()
            .find_map(|(name, p)| Some((name.clone(), p.get("const")?.clone())))
    };
    let (tag, _) = tag_of(branches.first()?)?;
    let mut values = vec![];
    let mut properties = serde_json::Map::new();
    for branch in branches {
        if branch.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        let (name, value) = tag_of(branch)?;
        if name != tag {
            return None;
        }
        values.push(value);
        let own = branch.get("properties")?.as_object()?;
        let extra: Vec<(&String, &Value)> = own.iter().filter(|(n, _)| **n != tag).collect();
        for (name, property) in &extra {
            let mut property = (*property).clone();
            if extra.len() == 1
                && property.get("description").is_none()
                && let Some(why) = branch.get("description")
            {
                property["description"] = why.clone();
            }
            properties.entry((*name).clone()).or_insert(property);
        }
    }
    properties.insert(tag.clone(), json!({"type": "string", "enum": values}));
    let mut flat = serde_json::Map::new();
    flat.insert("type".into(), json!("object"));
    flat.insert("properties".into(), Value::Object(properties));
    flat.insert("required".into(), json!([tag]));
    Some(flat)
}

/// The schema of a tool that takes another tool's arguments: its top-level fields as
/// they are, nested objects named ("as in draft_okr") instead of defined again. Enum
/// definitions are inlined, being short; a model that reads both tools learns the
/// nested fields once, and the server validates against the full schema either way.
pub fn sharing_definitions(mut schema: serde_json::Map<String, Value>, tool: &str) -> serde_json::Map<String, Value> {
    let defs = match schema.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => return schema,
    };
    fn resolve(value: &mut Value, defs: &serde_json::Map<String, Value>, tool: &str) {
        match value {
            Value::Object(map) => {
                if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                    let name = name.to_string();
                    map.remove("$ref");
                    match defs.get(&name) {
                        Some(Value::Object(def)) if def.contains_key("enum") => {
                            for key in ["type", "enum"] {
                                if let Some(v) = def.get(key) {
                                    map.insert(key.into(), v.clone());
                                }
                            }
                        }
                        Some(Value::Object(def)) if def.contains_key("anyOf") => {
                            // A choice of shapes (a key result as text or fields): the
                            // plain ones kept, the defined ones named.
                            let mut branches = def["anyOf"].clone();
                            resolve(&mut branches, defs, tool);
                            map.insert("anyOf".into(), branches);
                            map.entry("description").or_insert_with(|| {
                                def.get("description").cloned().unwrap_or_else(|| json!(format!("as in {tool}")))
                            });
                        }
                        _ => {
                            map.insert("type".into(), json!("object"));
                            map.entry("description").or_insert_with(|| json!(format!("fields as in {tool}")));
                        }
                    }
                }
                map.values_mut().for_each(|v| resolve(v, defs, tool));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| resolve(v, defs, tool)),
            _ => {}
        }
    }
    let mut value = Value::Object(schema);
    resolve(&mut value, &defs, tool);
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a schema object stays an object"),
    }
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

    fn object(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn the_model_reads_optional_fields_without_their_nullability_and_nothing_else_is_lost() {
        let full = object(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Request", "type": "object",
            "additionalProperties": false, "required": ["id"],
            "properties": {
                "id": {"type": "string", "description": "O-3"},
                "owner": {"type": ["string", "null"], "default": null},
                "unit": {"anyOf": [{"$ref": "#/$defs/Unit"}, {"type": "null"}], "default": null, "description": "u"},
                "either": {"type": ["string", "number", "null"]},
                "limit": {"type": "integer", "default": 20, "minimum": 1}
            },
            "$defs": {"Unit": {"enum": ["percent", "count"], "type": "string"}}
        }));
        let trimmed = Value::Object(for_the_model(full));
        assert_eq!(
            trimmed,
            json!({
                "type": "object", "required": ["id"],
                "properties": {
                    "id": {"type": "string", "description": "O-3"},
                    "owner": {"type": "string"},
                    // Used once: written in place.
                    "unit": {"enum": ["percent", "count"], "type": "string", "description": "u"},
                    "either": {"type": ["string", "number"]},
                    "limit": {"type": "integer", "default": 20, "minimum": 1}
                }
            })
        );
    }

    #[test]
    fn a_tagged_union_reaches_the_model_as_one_object_with_its_tag_values() {
        let full = object(json!({"type": "object", "properties": {"unit": {"description": "The unit.", "oneOf": [
            {"type": "object", "properties": {"kind": {"const": "percent", "type": "string"}}, "required": ["kind"]},
            {"type": "object", "description": "ISO 4217 code: USD, EUR.",
             "properties": {"kind": {"const": "currency", "type": "string"}, "code": {"type": "string"}},
             "required": ["kind", "code"]}
        ]}}}));
        assert_eq!(
            Value::Object(for_the_model(full)),
            json!({"type": "object", "properties": {"unit": {
                "description": "The unit.", "type": "object", "required": ["kind"],
                "properties": {
                    "code": {"type": "string", "description": "ISO 4217 code: USD, EUR."},
                    "kind": {"type": "string", "enum": ["percent", "currency"]}
                }
            }}})
        );
        // A choice of strings: the values, without a description each.
        let choice = object(json!({"description": "What kind.", "oneOf": [
            {"enum": ["vtt", "srt"], "type": "string"},
            {"const": "csv", "type": "string", "description": "One row per item."}
        ]}));
        assert_eq!(
            Value::Object(for_the_model(choice)),
            json!({"description": "What kind.", "type": "string", "enum": ["vtt", "srt", "csv"]})
        );
        // Neither: left as it is.
        let mixed = object(json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(Value::Object(for_the_model(mixed.clone())), Value::Object(mixed));
    }

    #[test]
    fn definitions_used_twice_or_by_themselves_stay_named() {
        let schema = object(json!({
            "type": "object",
            "properties": {
                "a": {"$ref": "#/$defs/Scale"}, "b": {"$ref": "#/$defs/Scale"}, "tree": {"$ref": "#/$defs/Node"}
            },
            "$defs": {
                "Scale": {"type": "object", "properties": {"min": {"type": "number"}}},
                "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}
            }
        }));
        assert_eq!(Value::Object(for_the_model(schema.clone())), Value::Object(schema));
    }

    #[test]
    fn a_tool_sharing_another_ones_arguments_names_their_nested_objects_and_inlines_enums() {
        let schema = object(json!({
            "type": "object",
            "properties": {
                "kind": {"$ref": "#/$defs/Commitment"},
                "key_results": {"type": "array", "items": {"$ref": "#/$defs/KeyResultDraft"}}
            },
            "$defs": {
                "Commitment": {"enum": ["committed", "aspirational"], "type": "string", "description": "long"},
                "KeyResultDraft": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/KeyResultSpec"}], "description": "text or fields"},
                "KeyResultSpec": {"type": "object", "properties": {"statement": {"type": "string"}}}
            }
        }));
        assert_eq!(
            Value::Object(sharing_definitions(schema, "draft_okr")),
            json!({
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["committed", "aspirational"]},
                    "key_results": {"type": "array", "items": {
                        "anyOf": [{"type": "string"}, {"type": "object", "description": "fields as in draft_okr"}],
                        "description": "text or fields"
                    }}
                }
            })
        );
    }

    /// What a model reads of tools/list in every turn of every chat (BENCHMARKS.md
    /// has it per tool): a byte count of the answer, not a timing.
    #[test]
    fn the_tool_list_a_model_reads_stays_under_32_kb() {
        const BUDGET: usize = 32_000;
        let access = crate::fetch::Access::from_env(crate::fetch::Caller::Local, &std::env::temp_dir());
        let server = GroundedServer::new(Store::temporary().unwrap(), Actor("schemas".into()), access);
        let mut total = 0;
        for mut tool in server.tools() {
            tool.output_schema = None;
            total += serde_json::to_string(&tool).unwrap().len();
        }
        assert!(total < BUDGET, "tools/list's model-facing part is {total} bytes, over {BUDGET}");
    }

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

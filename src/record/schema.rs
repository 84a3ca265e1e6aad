//! JSON Schemas of every kind (draft-07, for Taplo / Even Better TOML) generated from the Rust
//! types, and the [`Shape`] the validator walks to find unknown fields and bad enum values.
//!
//! `schemas/<kind>.schema.json` in the repository are this module's output; a test fails when
//! they are stale.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::{CaseMeta, Common, Kind, body_schema};

/// The JSON Schema of a complete record of `kind`: common fields plus the kind's own.
pub fn record_schema(kind: Kind) -> Value {
    let mut generator = settings().into_generator();
    let common = normalize(generator.root_schema_for::<Common>().to_value());
    let body = normalize(body_schema(kind, &mut generator).to_value());

    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in [&common, &body] {
        if let Some(props) = part.get("properties").and_then(Value::as_object) {
            properties.extend(props.clone());
        }
        if let Some(req) = part.get("required").and_then(Value::as_array) {
            required.extend(req.iter().cloned());
        }
    }
    properties.insert(
        "kind".into(),
        json!({ "description": kind.describe(), "const": kind.as_str() }),
    );
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": format!("iepcase {} record", kind.as_str()),
        "description": format!("A record of kind `{}`: {}.", kind.as_str(), kind.describe()),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The names of the fields every kind shares.
pub fn common_fields() -> Vec<&'static str> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut generator = settings().into_generator();
            let common = generator.root_schema_for::<Common>().to_value();
            common["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        })
        .iter()
        .map(String::as_str)
        .collect()
}

/// The JSON Schema of case metadata (`case.age`).
pub fn case_schema() -> Value {
    let mut generator = settings().into_generator();
    let mut schema = normalize(generator.root_schema_for::<CaseMeta>().to_value());
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), json!("iepcase case metadata"));
        obj.insert("additionalProperties".into(), json!(false));
    }
    schema
}

/// Every schema file: `(file name, pretty JSON)`, in a stable order.
pub fn all_schema_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Kind::ALL
        .iter()
        .map(|&kind| (format!("{kind}.schema.json"), pretty(&record_schema(kind))))
        .collect();
    files.push(("case.schema.json".into(), pretty(&case_schema())));
    files
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("schemas serialize");
    text.push('\n');
    text
}

fn settings() -> SchemaSettings {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    settings
}

/// Removes what TOML cannot express (null) and schemars' root decorations.
fn normalize(mut value: Value) -> Value {
    strip_nulls(&mut value);
    if let Some(obj) = value.as_object_mut() {
        obj.remove("$schema");
        obj.remove("title");
    }
    value
}

fn strip_nulls(value: &mut Value) {
    let Some(obj) = value.as_object_mut() else {
        if let Some(items) = value.as_array_mut() {
            items.iter_mut().for_each(strip_nulls);
        }
        return;
    };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let single = types[0].clone();
            obj.insert("type".into(), single);
        }
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    if obj.get("default").is_some_and(Value::is_null) {
        obj.remove("default");
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = obj.get_mut(key) {
            branches.retain(|b| b.get("type") != Some(&json!("null")));
            if branches.len() == 1 {
                let only = branches.remove(0);
                obj.remove(key);
                if let Value::Object(inner) = only {
                    for (k, v) in inner {
                        obj.entry(k).or_insert(v);
                    }
                }
            }
        }
    }
    for (_, child) in obj.iter_mut() {
        strip_nulls(child);
    }
}

/// What the validator expects at one place in a document.
#[derive(Debug, Clone)]
pub enum Shape {
    /// Anything goes (free-form tables, values the schema does not constrain).
    Any,
    /// A table with known fields; `open` tables accept any key.
    Table {
        fields: BTreeMap<String, Shape>,
        open: bool,
    },
    /// An array whose items all have one shape.
    Array(Box<Shape>),
    /// A string from a closed list.
    Enum(Vec<String>),
    /// Free text (a string that is not a date, time or id).
    Text,
}

impl Shape {
    pub fn from_schema(schema: &Value) -> Shape {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Shape::Enum(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
            );
        }
        if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
            let consts: Option<Vec<String>> = branches
                .iter()
                .map(|b| b.get("const").and_then(Value::as_str).map(String::from))
                .collect();
            if let Some(consts) = consts {
                return Shape::Enum(consts);
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                let fields = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|props| {
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), Shape::from_schema(v)))
                            .collect()
                    })
                    .unwrap_or_default();
                let open = schema.get("additionalProperties") != Some(&Value::Bool(false))
                    && schema.get("properties").is_none();
                Shape::Table { fields, open }
            }
            Some("array") => Shape::Array(Box::new(
                schema.get("items").map_or(Shape::Any, Shape::from_schema),
            )),
            // Times and ids are strings with a pattern; other patterns (a one-line title)
            // still mark free text.
            Some("string")
                if schema.get("format").is_none()
                    && !matches!(
                        schema.get("pattern").and_then(Value::as_str),
                        Some(super::value::TIME_PATTERN | super::value::REF_PATTERN)
                    ) =>
            {
                Shape::Text
            }
            _ => Shape::Any,
        }
    }

    /// The known field names of a table shape.
    pub fn field_names(&self) -> Vec<&str> {
        match self {
            Shape::Table { fields, .. } => fields.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// The shape of a record of `kind`, computed once per kind when first needed.
pub fn record_shape(kind: Kind) -> &'static Shape {
    static SHAPES: [OnceLock<Shape>; Kind::ALL.len()] =
        [const { OnceLock::new() }; Kind::ALL.len()];
    let index = Kind::ALL
        .iter()
        .position(|&k| k == kind)
        .expect("every kind is in ALL");
    SHAPES[index].get_or_init(|| {
        let mut shape = Shape::from_schema(&record_schema(kind));
        // `kind` is checked before the walk, with its own message.
        if let Shape::Table { fields, .. } = &mut shape {
            fields.insert("kind".into(), Shape::Any);
        }
        shape
    })
}

/// Fields that always stay in a bundle: they are the fact of the record (what it is and
/// when), or they say what is withheld and why.
const NEVER_WITHHELD: &[&str] = &[
    "kind",
    "schema",
    "date",
    "title",
    "privileged",
    "confidential",
    "confidential_fields",
];

/// The fields a record of `kind` may list in `confidential_fields`: every field of the kind
/// but the fact of the record and the required fields, sorted.
pub fn withholdable_fields(kind: Kind) -> Vec<String> {
    let schema = record_schema(kind);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<String> = record_shape(kind)
        .field_names()
        .into_iter()
        .filter(|f| !NEVER_WITHHELD.contains(f) && !required.contains(f))
        .map(str::to_owned)
        .collect();
    fields.sort();
    fields
}

/// The shape of case metadata, computed once.
pub fn case_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(|| Shape::from_schema(&case_schema()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_schema_merges_common_and_kind_fields() {
        let schema = record_schema(Kind::Iep);
        let props = schema["properties"].as_object().unwrap();
        for field in [
            "kind",
            "date",
            "title",
            "goals",
            "services",
            "lre_percent",
            "extra",
        ] {
            assert!(props.contains_key(field), "missing {field}");
        }
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["properties"]["kind"]["const"], json!("iep"));
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(required.contains(&"date") && required.contains(&"title"));
        assert!(!required.contains(&"summary"));
    }

    #[test]
    fn shapes_know_nested_fields_and_enums() {
        let Shape::Table { fields, open } = record_shape(Kind::Iep) else {
            panic!()
        };
        assert!(!open);
        let Shape::Array(goal) = &fields["goals"] else {
            panic!("goals: {:?}", fields["goals"])
        };
        assert!(goal.field_names().contains(&"baseline"));
        let Shape::Array(service) = &fields["services"] else {
            panic!()
        };
        let Shape::Table {
            fields: service, ..
        } = service.as_ref()
        else {
            panic!()
        };
        let Shape::Enum(per) = &service["per"] else {
            panic!("per: {:?}", service["per"])
        };
        assert_eq!(per, &["day", "week", "month", "year"]);
        let Shape::Enum(method) = &fields["method"] else {
            panic!("{:?}", fields["method"])
        };
        assert!(method.contains(&"certified-mail".to_string()));
        assert!(matches!(&fields["extra"], Shape::Table { open: true, .. }));
    }

    #[test]
    fn no_null_survives_normalization() {
        for (name, text) in all_schema_files() {
            assert!(!text.contains("\"null\""), "{name} mentions null");
        }
    }
}

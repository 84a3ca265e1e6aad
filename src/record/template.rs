//! The starting text `iepcase new KIND` opens in the editor, generated from the kind's schema:
//! required fields to fill in, optional ones commented out, with what each one means.

use serde_json::Value;

use super::schema::record_schema;
use super::{Date, Kind};

/// Fields iepcase sets itself or that need no prompt.
const SKIP: &[&str] = &["kind", "schema", "attachments", "extra", "date", "title"];

/// The editor template for a new record of `kind` dated `today`.
pub fn template(kind: Kind, today: Date) -> String {
    let schema = record_schema(kind);
    let empty = serde_json::Map::new();
    let props = schema["properties"].as_object().unwrap_or(&empty);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let common: Vec<&str> = super::schema::common_fields();

    let mut out = format!(
        "{note} New {kind} record: {}.\n{note} Fill in the fields, then save and close. Lines starting with # are comments;\n\
         {note} remove the # in front of an optional field to use it. To cancel, close without saving.\n",
        kind.describe(),
        note = "# iepcase:",
    );
    out.push_str(&format!(
        "kind = \"{kind}\"\ndate = {today}\ntitle = \"\"\n"
    ));

    let mut tables = String::new();
    let own = props
        .iter()
        .filter(|(name, _)| !common.contains(&name.as_str()));
    let shared = props
        .iter()
        .filter(|(name, _)| common.contains(&name.as_str()));
    for (name, field) in own.chain(shared) {
        if SKIP.contains(&name.as_str()) {
            continue;
        }
        let is_required = required.contains(&name.as_str());
        if let Some(item) = table_items(field) {
            tables.push_str(&table_block(name, field, item, today));
            continue;
        }
        if let Some(description) = field.get("description").and_then(Value::as_str) {
            out.push_str(&format!("# {}\n", first_line(description)));
        }
        let values = enum_values(field);
        if let Some(values) = &values {
            out.push_str(&format!("# one of: {}\n", values.join(", ")));
        }
        let value = placeholder(field, today, is_required);
        if is_required {
            out.push_str(&format!("{name} = {value}\n"));
        } else {
            out.push_str(&format!("# {name} = {value}\n"));
        }
    }
    out.push_str(&tables);
    out.push_str(
        "# Fields of your own go in an [extra] table:\n# [extra]\n# school_year = \"2026-27\"\n",
    );
    out
}

/// Removes the template's untouched comment lines from an edited record.
pub fn strip_template_comments(edited: &str, template: &str) -> String {
    let template_comments: std::collections::HashSet<&str> =
        template.lines().filter(|l| l.starts_with('#')).collect();
    let mut out = String::new();
    for line in edited.lines() {
        if !template_comments.contains(line) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn table_items(field: &Value) -> Option<&Value> {
    let items = field.get("items")?;
    (items.get("type").and_then(Value::as_str) == Some("object")).then_some(items)
}

fn table_block(name: &str, field: &Value, item: &Value, today: Date) -> String {
    let mut out = String::new();
    if let Some(description) = field.get("description").and_then(Value::as_str) {
        out.push_str(&format!("# {}\n", first_line(description)));
    }
    out.push_str(&format!("# [[{name}]]\n"));
    let required: Vec<&str> = item["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = item.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            let value = placeholder(sub, today, true);
            let note = if required.contains(&key.as_str()) {
                "  (required)"
            } else {
                ""
            };
            let values = enum_values(sub)
                .map(|v| format!("  one of: {}", v.join(", ")))
                .unwrap_or_default();
            out.push_str(&format!("# {key} = {value}{}{}\n", note.trim_end(), values));
        }
    }
    out
}

fn enum_values(field: &Value) -> Option<Vec<String>> {
    if let Some(values) = field.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        );
    }
    let branches = field.get("oneOf").and_then(Value::as_array)?;
    branches
        .iter()
        .map(|b| b.get("const").and_then(Value::as_str).map(String::from))
        .collect()
}

fn placeholder(field: &Value, today: Date, required: bool) -> String {
    if let Some(values) = enum_values(field) {
        return if required {
            "\"\"".into()
        } else {
            format!("\"{}\"", values.first().cloned().unwrap_or_default())
        };
    }
    match (
        field.get("type").and_then(Value::as_str),
        field.get("format").and_then(Value::as_str),
    ) {
        (Some("string"), Some("date")) => today.to_string(),
        (Some("string"), _)
            if field
                .get("pattern")
                .is_some_and(|p| p.as_str().is_some_and(|p| p.contains(":"))) =>
        {
            "16:00:00".into()
        }
        (Some("string"), _) => "\"\"".into(),
        (Some("integer"), _) => "0".into(),
        (Some("boolean"), _) => "false".into(),
        (Some("array"), _) => "[]".into(),
        _ => "\"\"".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    #[test]
    fn templates_need_a_title_and_choices_then_parse() {
        let today = Date::new(2026, 11, 28).unwrap();
        for &kind in Kind::ALL {
            let text = template(kind, today);
            assert!(text.contains(&format!("kind = \"{kind}\"")), "{text}");
            // An untouched template is never a valid record: the title is empty.
            let err =
                parse_record(&text, "t").expect_err("an untouched template must not validate");
            assert!(!err.diagnostics().is_empty());
        }
        let text = template(Kind::Request, today)
            .replace("title = \"\"", "title = \"Asked for an evaluation\"")
            .replace("type = \"\"", "type = \"evaluation\"");
        let record = parse_record(&text, "t").unwrap();
        assert_eq!(record.type_name(), Some("evaluation"));
        let stripped = strip_template_comments(&text, &template(Kind::Request, today));
        assert!(!stripped.contains('#'), "{stripped}");
        assert_eq!(parse_record(&stripped, "t").unwrap(), record);
    }

    #[test]
    fn iep_template_shows_goal_and_service_tables() {
        let text = template(Kind::Iep, Date::new(2026, 1, 1).unwrap());
        assert!(text.contains("# [[goals]]"), "{text}");
        assert!(text.contains("# [[services]]"), "{text}");
        assert!(text.contains("one of: day, week, month, year"), "{text}");
    }
}

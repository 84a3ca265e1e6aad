//! The data a letter template sees: the case, the sender, the record the letter answers, the
//! facts given with `--set`, and the facts it needs (taken from that data or asked for).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{LetterError, Template};
use crate::record::{CaseMeta, Date, state_name, to_json};
use crate::store::StoredRecord;
use crate::workspace::Advocate;

/// Everything a letter is written from.
pub struct LetterInput<'a> {
    /// The letter's date.
    pub date: Date,
    /// Who it goes to (`--to`).
    pub to: Option<String>,
    /// `--set NAME=VALUE` facts; a name given several times is a list.
    pub facts: BTreeMap<String, Vec<String>>,
    /// The record the letter answers (`--for`).
    pub for_record: Option<&'a StoredRecord>,
    pub meta: &'a CaseMeta,
    /// The sender, from the workspace's `[advocate]` (or `[author]`) settings.
    pub sender: Advocate,
}

impl LetterInput<'_> {
    /// The template's data, with every needed fact found or an error naming the flag.
    pub fn data(&self, template: &Template) -> Result<Value, LetterError> {
        if let (Some(record), false) = (self.for_record, template.spec.for_kinds.is_empty())
            && !template.spec.for_kinds.contains(&record.record.kind())
        {
            let expected: Vec<&str> = template.spec.for_kinds.iter().map(|k| k.as_str()).collect();
            return Err(LetterError::WrongFor {
                template: template.name.clone(),
                id: record.id.to_string(),
                expected: expected.join(" or "),
                found: record.record.kind().to_string(),
            });
        }
        let mut data = json!({
            "date": self.date.to_string(),
            "to": self.to,
            "case": case_data(self.meta),
            "agency": agency(self.meta.state.as_deref()),
            "sender": {
                "name": self.sender.name, "role": self.sender.role,
                "organization": self.sender.organization, "email": self.sender.email,
                "phone": self.sender.phone, "address": self.sender.address,
            },
            "about": self.for_record.map(record_data),
            "letter": {
                "name": template.name,
                "title": template.spec.title,
                "cite": template.spec.cite,
                "confidence": template.spec.confidence,
            },
        });
        let mut facts = serde_json::Map::new();
        for (name, values) in &self.facts {
            let value = match values.as_slice() {
                [one] => json!(one),
                many => json!(many),
            };
            facts.insert(name.clone(), value);
        }
        let mut missing = Vec::new();
        for need in &template.spec.needs {
            if facts.contains_key(&need.name) {
                continue;
            }
            let found = need
                .from
                .iter()
                .find_map(|path| lookup(&data, path).filter(|v| !v.is_null()).cloned());
            match found {
                Some(value) => {
                    facts.insert(need.name.clone(), value);
                }
                None => missing.push(need.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(LetterError::MissingFacts {
                template: template.name.clone(),
                missing,
            });
        }
        data["facts"] = Value::Object(facts);
        Ok(data)
    }
}

/// The value at a dotted path such as `for.date` or `case.extra.address`.
fn lookup<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(data, |value, key| value.get(key))
}

fn case_data(meta: &CaseMeta) -> Value {
    let value = toml::Value::try_from(meta)
        .map(|v| to_json(&v))
        .unwrap_or(Value::Null);
    let mut data = value.as_object().cloned().unwrap_or_default();
    let first = meta.child.split_whitespace().next().unwrap_or_default();
    data.insert("first_name".into(), json!(first));
    data.insert(
        "state_name".into(),
        json!(meta.state.as_deref().and_then(state_name)),
    );
    for key in [
        "initials", "born", "state", "district", "school", "grade", "contacts", "extra",
    ] {
        data.entry(key).or_insert(Value::Null);
    }
    Value::Object(data)
}

fn record_data(stored: &StoredRecord) -> Value {
    let value: toml::Value =
        toml::from_str(&stored.text).unwrap_or(toml::Value::Table(Default::default()));
    let mut data = to_json(&value);
    if let Some(obj) = data.as_object_mut() {
        // Every field of the kind is there, empty when the record leaves it out, so a
        // template can test `about.via == "verbal"` on any record.
        for field in crate::record::schema::record_shape(stored.record.kind()).field_names() {
            obj.entry(field).or_insert(Value::Null);
        }
        obj.insert("id".into(), json!(stored.id.as_str()));
        obj.insert("type".into(), json!(stored.record.type_name()));
        // Times as people write them: 08:30, not 08:30:00.
        let time = stored.record.common.time.map(|t| t.to_string());
        obj.insert("time".into(), json!(time));
        obj.entry("summary").or_insert(Value::Null);
    }
    data
}

/// The state educational agency's office that hears special-education disputes.
fn agency(state: Option<&str>) -> String {
    match state {
        Some("MS") => "Mississippi Department of Education, Office of Special Education".into(),
        Some(code) => match state_name(code) {
            Some(name) => format!("{name} Department of Education"),
            None => "the State Department of Education".into(),
        },
        None => "the State Department of Education".into(),
    }
}

/// `2026-03-24` as `March 24, 2026`.
pub fn long_date(text: &str) -> Option<String> {
    let date: Date = text.get(..10)?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(usize::try_from(date.0.month()).ok()?.checked_sub(1)?)?;
    Some(format!("{month} {}, {}", date.0.day(), date.0.year()))
}

//! Case metadata (`case.age`): the child, the school, contacts and the school calendar.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::enums::CaseStatus;
use super::value::Date;

/// What `case.age` holds (SPEC section 4, "Case metadata").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseMeta {
    /// The child's name. Encrypted like everything else in the case.
    pub child: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initials: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<Date>,
    /// Two-letter state code; picks the deadline rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Where the dispute is heard, as a caption names it: "Mississippi Department of
    /// Education, Office of Special Education".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forum: Option<String>,
    /// The docket or complaint number the forum gave the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<Date>,
    #[serde(default = "open", skip_serializing_if = "is_open")]
    pub status: CaseStatus,
    /// Prefix for Bates numbers in bundles, such as `JE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bates_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// School days, for deadlines counted in school days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<SchoolCalendar>,
    /// Any fields of your own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub extra: Option<toml::Table>,
}

fn open() -> CaseStatus {
    CaseStatus::Open
}

fn is_open(status: &CaseStatus) -> bool {
    *status == CaseStatus::Open
}

/// A person on the case: teacher, case manager, attorney, parent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The school year: first and last day and the days the school is closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchoolCalendar {
    pub first_day: Date,
    pub last_day: Date,
    /// Closed days: dates, or inline tables `{ from = 2026-12-21, to = 2027-01-01 }`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<Closed>,
}

/// A closed day or an inclusive range of closed days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    Day(Date),
    Range { from: Date, to: Date },
}

impl Closed {
    /// Whether `date` falls in this closure.
    pub fn contains(&self, date: Date) -> bool {
        match *self {
            Closed::Day(day) => day == date,
            Closed::Range { from, to } => from <= date && date <= to,
        }
    }
}

impl Serialize for Closed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Range {
            from: Date,
            to: Date,
        }
        match *self {
            Closed::Day(day) => day.serialize(serializer),
            Closed::Range { from, to } => Range { from, to }.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Closed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ClosedVisitor;
        impl<'de> Visitor<'de> for ClosedVisitor {
            type Value = Closed;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date or a table { from = DATE, to = DATE }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Closed, E> {
                v.parse().map(Closed::Day).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Closed, A::Error> {
                let mut from = None;
                let mut to = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "$__toml_private_datetime" => {
                            let text = map.next_value::<String>()?;
                            return text.parse().map(Closed::Day).map_err(de::Error::custom);
                        }
                        "from" => from = Some(map.next_value::<Date>()?),
                        "to" => to = Some(map.next_value::<Date>()?),
                        other => return Err(de::Error::unknown_field(other, &["from", "to"])),
                    }
                }
                let from = from.ok_or_else(|| de::Error::missing_field("from"))?;
                let to = to.ok_or_else(|| de::Error::missing_field("to"))?;
                if to < from {
                    return Err(de::Error::custom(format!(
                        "closed range ends ({to}) before it starts ({from})"
                    )));
                }
                Ok(Closed::Range { from, to })
            }
        }
        deserializer.deserialize_any(ClosedVisitor)
    }
}

impl JsonSchema for Closed {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Closed".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A closed date, or an inclusive range of closed dates",
            "anyOf": [
                { "type": "string", "format": "date" },
                {
                    "type": "object",
                    "properties": {
                        "from": { "type": "string", "format": "date" },
                        "to": { "type": "string", "format": "date" }
                    },
                    "required": ["from", "to"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

//! Scalar values records hold: calendar dates, local times and references to other records.
//!
//! TOML has native dates (`date = 2026-01-15`) and times (`time = 16:00:00`); the types here
//! accept those and, for convenience, the same values written as strings (`"2026-01-15"`,
//! `"16:00"`). They serialize back as native TOML values, so they must only be serialized
//! through the `toml` serializer: JSON output goes through [`crate::record::to_json`].

use std::fmt;
use std::str::FromStr;

use jiff::civil;
use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The private field name the `toml` crate uses to pass datetimes through serde.
const TOML_DATETIME_FIELD: &str = "$__toml_private_datetime";

/// A calendar date without a time zone, such as `2026-01-15`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub civil::Date);

impl Date {
    /// Builds a date, or `None` when the day does not exist.
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        civil::Date::new(year, month, day).ok().map(Date)
    }

    /// The underlying calendar date.
    pub fn civil(self) -> civil::Date {
        self.0
    }

    /// Seconds since the Unix epoch at `hour`:00 UTC on this date.
    pub fn utc_seconds_at(self, hour: i8) -> i64 {
        let time = civil::Time::new(hour.clamp(0, 23), 0, 0, 0).expect("hour is clamped to 0-23");
        jiff::tz::TimeZone::UTC
            .to_timestamp(self.0.to_datetime(time))
            .map_or(0, |t| t.as_second())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let valid_shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !valid_shape {
            let example = us_date_as_iso(s).unwrap_or_else(|| "2026-01-15".to_owned());
            return Err(format!(
                "`{s}` is not a date: write dates as YYYY-MM-DD, e.g. {example}"
            ));
        }
        let date = s
            .parse::<civil::Date>()
            .map_err(|_| format!("`{s}` is not a real calendar date"))?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
            return Err(format!(
                "`{s}` is outside the dates iepcase accepts ({MIN_YEAR}-01-01 to {MAX_YEAR}-12-31)"
            ));
        }
        Ok(Date(date))
    }
}

/// The first year a record's date may have (docs/records.md): older dates are typing
/// mistakes, and deadlines computed from the last one stay far inside the calendar.
pub const MIN_YEAR: i16 = 1900;
/// The last year a record's date may have.
pub const MAX_YEAR: i16 = 2199;

/// A date written the US way, month first (`4/2/2026`, `04-02-2026`), as `YYYY-MM-DD`;
/// `None` when `text` is not such a date.
pub(crate) fn us_date_as_iso(text: &str) -> Option<String> {
    let separator = if text.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = text.trim().split(separator).collect();
    let [month, day, year] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, lengths: &[usize]| {
        lengths.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(month, &[1, 2]) && digits(day, &[1, 2]) && digits(year, &[4])) {
        return None;
    }
    let date = civil::Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()?;
    Some(date.to_string())
}

impl From<civil::Date> for Date {
    fn from(date: civil::Date) -> Self {
        Date(date)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let datetime = toml::value::Datetime {
            date: Some(toml::value::Date {
                year: self.0.year() as u16,
                month: self.0.month() as u8,
                day: self.0.day() as u8,
            }),
            time: None,
            offset: None,
        };
        datetime.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as 2026-01-15")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let text = toml_datetime_text(map)?;
                if text.len() != 10 {
                    return Err(de::Error::custom(format!(
                        "expected a date such as 2026-01-15, found the date-time `{text}`"
                    )));
                }
                text.parse().map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// The JSON Schema pattern of a time of day.
pub const TIME_PATTERN: &str = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?$";

/// The JSON Schema pattern of a record id.
pub const REF_PATTERN: &str = "^[0-9a-hjkmnp-tv-z]{10}$";

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "A date such as 2026-01-15"
        })
    }
}

/// A local time of day, such as `16:00`; orders events that share a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub civil::Time);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.second() == 0 && self.0.subsec_nanosecond() == 0 {
            write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
        } else {
            write!(
                f,
                "{:02}:{:02}:{:02}",
                self.0.hour(),
                self.0.minute(),
                self.0.second()
            )
        }
    }
}

impl FromStr for Time {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a time: write it as HH:MM or HH:MM:SS, e.g. 16:00");
        let mut parts = s.split(':');
        let mut next = |max: i8| -> Result<Option<i8>, String> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    let n: i8 = p.parse().map_err(|_| bad())?;
                    if n > max { Err(bad()) } else { Ok(Some(n)) }
                }
                Some(p) => {
                    // Fractional seconds from a TOML time such as 16:00:00.5.
                    let whole = p.split('.').next().unwrap_or_default();
                    match whole.parse::<i8>() {
                        Ok(n) if whole.len() == 2 && n <= max => Ok(Some(n)),
                        _ => Err(bad()),
                    }
                }
            }
        };
        let hour = next(23)?.ok_or_else(bad)?;
        let minute = next(59)?.ok_or_else(bad)?;
        let second = next(59)?.unwrap_or(0);
        if parts.next().is_some() {
            return Err(bad());
        }
        civil::Time::new(hour, minute, second, 0)
            .map(Time)
            .map_err(|_| bad())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let datetime = toml::value::Datetime {
            date: None,
            time: Some(toml::value::Time {
                hour: self.0.hour() as u8,
                minute: self.0.minute() as u8,
                second: Some(self.0.second() as u8),
                nanosecond: None,
            }),
            offset: None,
        };
        datetime.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimeVisitor;
        impl<'de> Visitor<'de> for TimeVisitor {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time such as 16:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Time, A::Error> {
                let text = toml_datetime_text(map)?;
                if text.contains('-') {
                    return Err(de::Error::custom(format!(
                        "expected a time such as 16:00, found `{text}`"
                    )));
                }
                text.parse().map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(TimeVisitor)
    }
}

impl JsonSchema for Time {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Time".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": TIME_PATTERN,
            "description": "A local time such as 16:00:00 (\"16:00\" is accepted too)"
        })
    }
}

/// Reads the text of a TOML datetime passed through serde as a one-entry map.
fn toml_datetime_text<'de, A: MapAccess<'de>>(mut map: A) -> Result<String, A::Error> {
    match map.next_key::<String>()? {
        Some(key) if key == TOML_DATETIME_FIELD => map.next_value::<String>(),
        _ => Err(de::Error::custom("expected a date or time, found a table")),
    }
}

/// The id of another record in the same case, as written in `refuses`, `responds_to`, etc.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RecordRef(pub String);

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RecordRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        if crate::record::RecordId::is_valid(&s) {
            Ok(RecordRef(s))
        } else {
            Err(de::Error::custom(format!(
                "`{s}` is not a record id: ids are 10 characters such as k3f9a2bq7x \
                 (see `iepcase list`)"
            )))
        }
    }
}

impl JsonSchema for RecordRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RecordRef".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": REF_PATTERN,
            "description": "The id of another record in this case, such as k3f9a2bq7x"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        date: Date,
        time: Option<Time>,
    }

    #[test]
    fn native_and_string_dates_parse() {
        let doc: Doc = toml::from_str("date = 2026-01-15\ntime = 16:00:00").unwrap();
        assert_eq!(doc.date.to_string(), "2026-01-15");
        assert_eq!(doc.time.unwrap().to_string(), "16:00");
        let doc: Doc = toml::from_str("date = \"2026-01-15\"\ntime = \"09:30\"").unwrap();
        assert_eq!(doc.date, Date::new(2026, 1, 15).unwrap());
        assert_eq!(doc.time.unwrap().to_string(), "09:30");
    }

    #[test]
    fn bad_dates_are_explained() {
        let err = toml::from_str::<Doc>("date = \"2026-02-30\"")
            .err()
            .unwrap();
        assert!(err.message().contains("not a real calendar date"), "{err}");
        let err = toml::from_str::<Doc>("date = \"15/01/2026\"")
            .err()
            .unwrap();
        assert!(err.message().contains("YYYY-MM-DD"), "{err}");
        let err = toml::from_str::<Doc>("date = 2026-01-15T10:00:00")
            .err()
            .unwrap();
        assert!(err.message().contains("date-time"), "{err}");
        let err = toml::from_str::<Doc>("date = 2026-01-15\ntime = \"25:00\"")
            .err()
            .unwrap();
        assert!(err.message().contains("not a time"), "{err}");
    }

    #[test]
    fn dates_serialize_as_native_toml() {
        #[derive(Serialize)]
        struct Out {
            date: Date,
            time: Time,
        }
        let out = Out {
            date: Date::new(2026, 3, 4).unwrap(),
            time: "16:05".parse().unwrap(),
        };
        assert_eq!(
            toml::to_string(&out).unwrap(),
            "date = 2026-03-04\ntime = 16:05:00\n"
        );
    }
}

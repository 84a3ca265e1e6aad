//! The record model: 17 kinds of records and the case metadata, as Rust types (SPEC section 4).
//!
//! A record is stored as the TOML text its author wrote (comments and layout kept); this module
//! parses and validates that text strictly ([`parse`]), edits it without losing layout
//! ([`edit`]), and generates the JSON Schemas editors use ([`schema`]). It knows nothing about
//! encryption or git.

mod case_meta;
mod common;
pub mod edit;
pub mod enums;
mod id;
pub mod kinds;
pub mod parse;
pub mod refs;
pub mod schema;
mod states;
mod stored;
pub mod template;
mod value;

use serde::Deserialize;

pub use case_meta::{CaseMeta, Closed, Contact, SchoolCalendar};
pub use common::{Attachment, Common};
pub use enums::*;
pub use id::{IdError, RecordId};
pub use parse::{Diagnostic, RecordError, parse_case_meta, parse_record};
pub(crate) use value::us_date_as_iso;
pub use value::{Date, RecordRef, Time};

use enums::string_enum;

/// Declares the kinds once: the `Kind` enum, the `Body` enum and the per-kind dispatch.
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident($ty:ident) = $text:literal),+ $(,)?) => {
        string_enum! {
            /// What a record is.
            Kind { $($variant = $text),+ }
        }

        /// The kind-specific part of a record.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Body {
            $($(#[$doc])* $variant(kinds::$ty)),+
        }

        impl Body {
            /// The kind of this body.
            pub fn kind(&self) -> Kind {
                match self { $(Body::$variant(_) => Kind::$variant),+ }
            }

            /// Deserializes the fields of `kind` from a record table.
            pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
                kind: Kind,
                deserializer: D,
            ) -> Result<Body, D::Error> {
                match kind {
                    $(Kind::$variant => kinds::$ty::deserialize(deserializer).map(Body::$variant)),+
                }
            }

            /// Serializes the kind-specific fields, as [`Body::deserialize`] reads them back.
            pub(crate) fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                use serde::Serialize as _;
                match self {
                    $(Body::$variant(body) => body.serialize(serializer)),+
                }
            }

            /// Serializes the kind-specific fields into a TOML table.
            pub(crate) fn to_table(&self) -> Result<toml::Table, toml::ser::Error> {
                match self {
                    $(Body::$variant(body) => toml::Table::try_from(body)),+
                }
            }
        }

        /// The JSON Schema of the fields `kind` adds to the common ones.
        pub(crate) fn body_schema(
            kind: Kind,
            generator: &mut schemars::SchemaGenerator,
        ) -> schemars::Schema {
            match kind {
                $(Kind::$variant => generator.root_schema_for::<kinds::$ty>()),+
            }
        }
    };
}

kinds! {
    Iep(Iep) = "iep",
    Request(Request) = "request",
    Refusal(Refusal) = "refusal",
    Response(Response) = "response",
    Pwn(Pwn) = "pwn",
    Notice(Notice) = "notice",
    Consent(Consent) = "consent",
    Meeting(Meeting) = "meeting",
    Evaluation(Evaluation) = "evaluation",
    Eligibility(Eligibility) = "eligibility",
    ProgressReport(ProgressReport) = "progress-report",
    ServiceLog(ServiceLog) = "service-log",
    Communication(Communication) = "communication",
    Complaint(Complaint) = "complaint",
    Decision(Decision) = "decision",
    Discipline(Discipline) = "discipline",
    Note(Note) = "note",
}

impl Kind {
    /// A one-line description for help text and templates.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Iep => "an IEP version: goals, services, accommodations, placement",
            Kind::Request => "a parent's request to the district",
            Kind::Refusal => "the district refusing a request",
            Kind::Response => "the district answering a request",
            Kind::Pwn => "a prior written notice (34 CFR 300.503)",
            Kind::Notice => "a notice to the team: recording, meeting, safeguards",
            Kind::Consent => "a parent's consent, refusal of consent or revocation",
            Kind::Meeting => "a meeting: IEP, eligibility, mediation, hearing",
            Kind::Evaluation => "an evaluation of the child",
            Kind::Eligibility => "an eligibility determination",
            Kind::ProgressReport => "a progress report on IEP goals",
            Kind::ServiceLog => "service minutes scheduled and delivered over a period",
            Kind::Communication => "an e-mail, letter or call",
            Kind::Complaint => "a state complaint or due-process complaint",
            Kind::Decision => "findings, a hearing decision or an agreement",
            Kind::Discipline => "a disciplinary removal",
            Kind::Note => "a private note (advocate work product)",
        }
    }
}

/// Whether a record of `kind` at `date` and `time` is a meeting still to come at `now`: a
/// meeting dated today is upcoming until its time has passed, and all day without one.
pub fn upcoming(kind: Kind, date: Date, time: Option<Time>, now: jiff::civil::DateTime) -> bool {
    kind == Kind::Meeting
        && (date.0 > now.date() || (date.0 == now.date() && time.is_none_or(|t| t.0 > now.time())))
}

/// A parsed, validated record.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub common: Common,
    pub body: Body,
}

impl Record {
    /// What this record is.
    pub fn kind(&self) -> Kind {
        self.common.kind
    }

    /// When it happened.
    pub fn date(&self) -> Date {
        self.common.date
    }

    /// Its one-line title.
    pub fn title(&self) -> &str {
        &self.common.title
    }

    /// The record's `type` field, for the kinds that have one.
    pub fn type_name(&self) -> Option<&'static str> {
        match &self.body {
            Body::Request(r) => Some(r.request_type.as_str()),
            Body::Notice(n) => Some(n.notice_type.as_str()),
            Body::Meeting(m) => Some(m.meeting_type.as_str()),
            Body::Evaluation(e) => Some(e.evaluation_type.as_str()),
            Body::Complaint(c) => Some(c.complaint_type.as_str()),
            Body::Decision(d) => Some(d.decision_type.as_str()),
            _ => None,
        }
    }

    /// What sort of record of its kind this is, in a word or two, for listings: the `type`
    /// where the kind has one, else its most telling field (an IEP's status, how a refusal
    /// came, whether consent was given, …); `None` when the record says nothing more.
    pub fn list_type(&self) -> Option<String> {
        if let Some(t) = self.type_name() {
            return Some(t.to_owned());
        }
        let method = || self.common.method.map(|m| m.as_str().to_owned());
        match &self.body {
            Body::Iep(i) => i.status.map(|s| s.as_str().to_owned()),
            Body::Refusal(r) => r.via.map(|v| format!("via {}", v.as_str())),
            Body::Response(r) => r.decision.map(|d| d.as_str().to_owned()),
            Body::Pwn(p) => Some(p.action.as_str().to_owned()),
            Body::Consent(c) => Some(format!("{} {}", c.decision.as_str(), c.scope.as_str())),
            Body::Eligibility(e) => Some(
                if e.eligible {
                    "eligible"
                } else {
                    "not eligible"
                }
                .into(),
            ),
            Body::ProgressReport(p) => p.period.clone(),
            Body::ServiceLog(l) => match (l.delivered_minutes, l.scheduled_minutes) {
                (Some(d), Some(s)) => Some(format!("{d}/{s} min")),
                _ => Some(l.service.clone()),
            },
            Body::Communication(c) => Some(c.direction.as_str().to_owned()),
            Body::Discipline(d) => Some(d.removal.as_str().to_owned()),
            Body::Note(_) => method(),
            _ => None,
        }
    }

    /// Advocate work product, left out of bundles unless asked; notes are by default.
    pub fn is_privileged(&self) -> bool {
        self.common.privileged.unwrap_or(self.kind() == Kind::Note)
    }

    /// Whether this is a meeting still to come at `now` (SPEC section 11: a meeting dated in
    /// the future is upcoming). A meeting dated today is upcoming until its time has passed, and
    /// all day when it has no time.
    pub fn is_upcoming(&self, now: jiff::civil::DateTime) -> bool {
        upcoming(self.kind(), self.date(), self.common.time, now)
    }

    /// Every id this record refers to: `related` and the kind's own links.
    pub fn references(&self) -> Vec<&RecordRef> {
        self.each_reference().collect()
    }

    /// [`Record::references`], one by one, for a caller that looks at many records.
    pub fn each_reference(&self) -> impl Iterator<Item = &RecordRef> {
        let own = match &self.body {
            Body::Refusal(r) => r.refuses.as_ref(),
            Body::Response(r) => r.responds_to.as_ref(),
            Body::Pwn(p) => p.responds_to.as_ref(),
            Body::Notice(n) => n.meeting.as_ref(),
            Body::Decision(d) => d.responds_to.as_ref(),
            _ => None,
        };
        self.common.related.iter().chain(own)
    }

    /// A hash of what the record says: every field in canonical order, attachments by name,
    /// type, size and content hash but not by where the case stores them (`blob`). Two
    /// records with the same content hash say the same thing (SPEC section 11: `add` refuses
    /// such a duplicate).
    pub fn content_hash(&self) -> String {
        let mut record = self.clone();
        for attachment in &mut record.common.attachments {
            attachment.blob = None;
        }
        crate::crypto::sha256_hex(record.to_toml().as_bytes())
    }

    /// Serializes the record as TOML in canonical field order.
    pub fn to_toml(&self) -> String {
        let mut table =
            toml::Table::try_from(&self.common).expect("common fields always serialize to a table");
        let attachments = table.remove("attachments");
        let extra = table.remove("extra");
        let body = self
            .body
            .to_table()
            .expect("record bodies always serialize to a table");
        table.extend(body);
        if let Some(attachments) = attachments {
            table.insert("attachments".into(), attachments);
        }
        if let Some(extra) = extra {
            table.insert("extra".into(), extra);
        }
        toml::to_string(&table).expect("a TOML table always serializes")
    }
}

/// Converts a TOML value to JSON, writing dates and times as strings.
/// "a" or "an" for `word` as it is read aloud: "an iep", "an evaluation", "a refusal".
pub use states::{starts_state_name, state_name};
pub use stored::StoredRecord;

pub fn article(word: &str) -> &'static str {
    let first = word.trim_start_matches(['`', '"']).chars().next();
    match first.map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

pub fn to_json(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            J::Object(table.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod list_type_tests {
    use super::parse_record;

    fn list_type(fields: &str, kind: &str) -> Option<String> {
        let text = format!("kind = \"{kind}\"\ndate = 2026-01-15\ntitle = \"x\"\n{fields}");
        parse_record(&text, "r").unwrap().list_type()
    }

    #[test]
    fn every_kind_says_what_it_is() {
        let cases = [
            ("iep", "status = \"proposed\"", Some("proposed")),
            ("iep", "", None),
            ("request", "type = \"iee\"", Some("iee")),
            ("refusal", "via = \"verbal\"", Some("via verbal")),
            ("response", "decision = \"partial\"", Some("partial")),
            ("pwn", "action = \"refuse\"", Some("refuse")),
            (
                "consent",
                "scope = \"reevaluation\"\ndecision = \"declined\"",
                Some("declined reevaluation"),
            ),
            ("eligibility", "eligible = false", Some("not eligible")),
            ("progress-report", "period = \"Q2\"", Some("Q2")),
            (
                "service-log",
                "service = \"OT\"\nperiod_start = 2026-01-01\nperiod_end = 2026-01-31\n\
                 scheduled_minutes = 120\ndelivered_minutes = 60",
                Some("60/120 min"),
            ),
            (
                "communication",
                "direction = \"received\"",
                Some("received"),
            ),
            ("discipline", "removal = \"oss\"", Some("oss")),
            ("note", "method = \"phone\"", Some("phone")),
        ];
        for (kind, fields, expected) in cases {
            assert_eq!(
                list_type(fields, kind).as_deref(),
                expected,
                "{kind}: {fields}"
            );
        }
    }
}

#[cfg(test)]
mod article_tests {
    use super::article;

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(article("iep"), "an");
        assert_eq!(article("evaluation"), "an");
        assert_eq!(article("`eligibility`"), "an");
        assert_eq!(article("refusal"), "a");
        assert_eq!(article("meeting"), "a");
    }
}

#[cfg(test)]
mod upcoming_tests {
    use super::parse_record;
    use jiff::civil::date;

    fn meeting(when: &str) -> super::Record {
        let text = format!("kind = \"meeting\"\n{when}\ntitle = \"IEP meeting\"\ntype = \"iep\"\n");
        parse_record(&text, "m").unwrap()
    }

    #[test]
    fn a_meeting_is_upcoming_until_it_has_started() {
        let now = date(2026, 3, 10).at(14, 0, 0, 0);
        assert!(meeting("date = 2026-03-11").is_upcoming(now));
        assert!(!meeting("date = 2026-03-09").is_upcoming(now));
        // Today without a time: upcoming all day.
        assert!(meeting("date = 2026-03-10").is_upcoming(now));
        assert!(meeting("date = 2026-03-10\ntime = 15:30:00").is_upcoming(now));
        assert!(!meeting("date = 2026-03-10\ntime = 09:00:00").is_upcoming(now));
        let note = parse_record("kind = \"note\"\ndate = 2026-04-01\ntitle = \"n\"\n", "n");
        assert!(
            !note.unwrap().is_upcoming(now),
            "only meetings are upcoming"
        );
    }
}

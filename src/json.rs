//! The JSON documents commands print with `--json` (docs/json.md), where a document is not
//! simply a library type serialized: one row joins a case slug to a finding, a deadline
//! gains the links it rests on, a sync that failed is `{case, error}`. Each view borrows
//! the report it shows and derives `Serialize`, so the field order and the fields left out
//! are written once, here. The serde helpers at the top spell values as the documents do
//! (dates `YYYY-MM-DD`, ids as strings), which is not always how records store them.
//!
//! Pure: nothing here reads files or prints.

use std::fmt::Display;

use serde::{Serialize, Serializer};

use crate::check::{Code, Finding, Severity};
use crate::links::LinkField;
use crate::record::{Date, RecordId, Time};
use crate::rules::{Confidence, DayType, Deadline, Status};
use crate::store::Problem;

/// Serializes a value as its `Display` text.
pub fn display<T: Display, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Serializes an optional value as its `Display` text, or `null`.
pub fn display_option<T: Display, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

/// Serializes a time as `HH:MM:SS`, seconds always written.
pub fn time_hms<S: Serializer>(time: &Option<Time>, serializer: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.collect_str(&crate::timeline::time_text(*time)),
        None => serializer.serialize_none(),
    }
}

/// For `skip_serializing_if`: a flag that is left out when false.
pub fn is_false(flag: &bool) -> bool {
    !*flag
}

/// One finding of `check --json`, with its case.
#[derive(Debug, Serialize)]
pub struct FindingJson<'a> {
    pub case: &'a str,
    pub code: Code,
    pub severity: Severity,
    #[serde(
        serialize_with = "display_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub record: Option<&'a RecordId>,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub inferred: &'a [LinkField],
}

impl<'a> FindingJson<'a> {
    pub fn new(case: &'a str, f: &'a Finding) -> FindingJson<'a> {
        FindingJson {
            case,
            code: f.code,
            severity: f.severity,
            record: f.record.as_ref(),
            message: &f.message,
            next_step: f.next_step.as_deref(),
            cite: f.cite.as_deref(),
            confidence: f.confidence,
            inferred: &f.inferred,
        }
    }
}

/// One deadline of `deadlines --json`, with its case and the link fields it rests on.
#[derive(Debug, Serialize)]
pub struct DeadlineJson<'a> {
    pub case: &'a str,
    pub rule: &'a str,
    pub label: &'a str,
    #[serde(serialize_with = "display")]
    pub trigger: &'a RecordId,
    #[serde(serialize_with = "display")]
    pub start: Date,
    #[serde(serialize_with = "display")]
    pub due: Date,
    pub day_type: DayType,
    pub status: &'static str,
    pub days_left: Option<i64>,
    pub cite: &'a str,
    pub confidence: Confidence,
    pub approximate: bool,
    #[serde(
        serialize_with = "display_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_time: Option<Time>,
    #[serde(
        serialize_with = "display_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub met_by: Option<&'a RecordId>,
    #[serde(
        serialize_with = "display_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub met_on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late: Option<bool>,
    /// Beside `status` `ended`, for scripts written when such windows were reported as met.
    #[serde(skip_serializing_if = "is_false")]
    pub ended: bool,
    #[serde(
        serialize_with = "display_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub before: Option<&'a RecordId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inferred: Vec<&'static str>,
}

impl<'a> DeadlineJson<'a> {
    pub fn new(case: &'a str, d: &'a Deadline, inferred: Vec<&'static str>) -> DeadlineJson<'a> {
        DeadlineJson {
            case,
            rule: &d.rule,
            label: &d.label,
            trigger: &d.trigger,
            start: d.start,
            due: d.due,
            day_type: d.day_type,
            status: d.status.as_str(),
            days_left: d.days_left,
            cite: &d.cite,
            confidence: d.confidence,
            approximate: d.approximate,
            due_time: d.due_time,
            met_by: d.met.as_ref().map(|m| &m.by),
            met_on: d.met.as_ref().map(|m| m.on),
            late: d.met.as_ref().map(|m| m.late),
            ended: d.status == Status::Ended,
            before: d.before.as_ref(),
            inferred,
        }
    }
}

/// A case's next deadline, as `case list --json` shows it.
#[derive(Debug, Serialize)]
pub struct NextDeadlineJson<'a> {
    pub rule: &'a str,
    pub label: &'a str,
    #[serde(serialize_with = "display")]
    pub due: Date,
    pub days_left: Option<i64>,
    #[serde(serialize_with = "display")]
    pub trigger: &'a RecordId,
    pub status: &'static str,
}

impl<'a> NextDeadlineJson<'a> {
    pub fn new(d: &'a Deadline) -> NextDeadlineJson<'a> {
        NextDeadlineJson {
            rule: &d.rule,
            label: &d.label,
            due: d.due,
            days_left: d.days_left,
            trigger: &d.trigger,
            status: d.status.as_str(),
        }
    }
}

/// A case's next meeting, as `case list --json` shows it (`time` and `type` are `null`
/// when the meeting has none).
#[derive(Debug, Serialize)]
pub struct NextMeetingJson {
    #[serde(serialize_with = "display")]
    pub id: RecordId,
    #[serde(serialize_with = "display")]
    pub date: Date,
    #[serde(serialize_with = "display_option")]
    pub time: Option<Time>,
    #[serde(rename = "type")]
    pub type_name: Option<&'static str>,
    pub title: String,
}

impl NextMeetingJson {
    pub fn of(meeting: &crate::store::StoredRecord) -> NextMeetingJson {
        NextMeetingJson {
            id: meeting.id.clone(),
            date: meeting.record.date(),
            time: meeting.record.common.time,
            type_name: meeting.record.type_name(),
            title: meeting.record.title().to_owned(),
        }
    }
}

/// One case of `case list --json`: its summary, or why it cannot be opened.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CaseRowJson<'a> {
    Open {
        slug: &'a str,
        child: &'a str,
        state: &'a str,
        status: &'static str,
        records: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_deadline: Option<NextDeadlineJson<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_meeting: Option<&'a NextMeetingJson>,
        #[serde(skip_serializing_if = "is_false")]
        current: bool,
    },
    Failed {
        slug: &'a str,
        error: &'a str,
    },
}

impl<'a> CaseRowJson<'a> {
    /// One case as `case list --json` shows it: its summary, or why it cannot be opened.
    pub fn of(
        slug: &'a str,
        overview: &'a Result<crate::ops::cases::Overview, crate::ops::case_list::Unopened>,
        meeting: Option<&'a NextMeetingJson>,
        current: Option<&str>,
    ) -> CaseRowJson<'a> {
        match overview {
            Ok(o) => CaseRowJson::Open {
                slug,
                child: &o.meta.child,
                state: o.meta.state.as_deref().unwrap_or_default(),
                status: o.meta.status.as_str(),
                records: o.records,
                next_deadline: o
                    .next_deadline
                    .as_ref()
                    .map(|(d, _)| NextDeadlineJson::new(d)),
                next_meeting: meeting,
                current: current == Some(slug),
            },
            Err(unopened) => CaseRowJson::Failed {
                slug,
                error: &unopened.message,
            },
        }
    }
}

/// `case use --json` without a slug: the current case, or `null`.
#[derive(Debug, Serialize)]
pub struct CurrentCaseJson<'a> {
    pub current: Option<&'a str>,
}

/// `keys show --json`: the identity file and its public keys.
#[derive(Debug, Serialize)]
pub struct KeysJson {
    pub identity: String,
    pub public_keys: Vec<String>,
}

/// A record as `show --json` prints it: its fields after `id`, then each link inferred for
/// it under the field it fills, and `inferred` naming those fields.
pub fn record(
    stored: &crate::store::StoredRecord,
    inferred: &[(LinkField, RecordId, String)],
) -> serde_json::Value {
    let value: toml::Value =
        toml::from_str(&stored.text).unwrap_or(toml::Value::Table(Default::default()));
    let mut json = crate::record::to_json(&value);
    if let Some(obj) = json.as_object_mut() {
        obj.shift_insert(0, "id".into(), stored.id.as_str().into());
        if !inferred.is_empty() {
            for (field, target, _) in inferred {
                obj.insert(field.as_str().into(), target.as_str().into());
            }
            let fields: Vec<&str> = inferred.iter().map(|(f, _, _)| f.as_str()).collect();
            obj.insert("inferred".into(), fields.into());
        }
    }
    json
}

/// `bundle --json`: the manifest, and the disclosure recorded with `--disclosed-to` (which
/// is not part of `manifest.json`).
#[derive(Debug, Serialize)]
pub struct BundleJson<'a> {
    #[serde(flatten)]
    pub manifest: &'a crate::bundle::Manifest,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<&'a crate::ops::bundle::Recorded>,
}

/// One commit of `log --json`.
#[derive(Debug, Serialize)]
pub struct LogEntryJson<'a> {
    pub commit: String,
    /// The commit time in RFC 3339 (UTC).
    pub date: String,
    pub author: &'a str,
    pub message: &'a str,
    pub records: Vec<LogRecordJson<'a>>,
}

impl<'a> LogEntryJson<'a> {
    /// The commit of `entry`, each record with the changes `changes` gives for it (`log -p`).
    pub fn new(
        entry: &'a crate::store::HistoryEntry,
        changes: impl Fn(&crate::store::Touched) -> Option<Vec<crate::diff::Change>>,
    ) -> LogEntryJson<'a> {
        let time = entry.commit.time;
        LogEntryJson {
            commit: entry.commit.id.to_string(),
            date: jiff::Timestamp::from_second(time)
                .map_or_else(|_| time.to_string(), |t| t.to_string()),
            author: &entry.commit.author,
            message: &entry.commit.message,
            records: entry
                .records
                .iter()
                .map(|touched| LogRecordJson {
                    id: touched.0.as_str(),
                    change: touched.1.as_str(),
                    changes: changes(touched),
                })
                .collect(),
        }
    }
}

/// One record a commit touched; `changes` (in the `diff` shape) only with `log -p`.
#[derive(Debug, Serialize)]
pub struct LogRecordJson<'a> {
    pub id: &'a str,
    pub change: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<crate::diff::Change>>,
}

/// One case of `fsck --json`; `records` and `attachments` are `null` when the case could not
/// be opened.
#[derive(Debug, Serialize)]
pub struct FsckJson<'a> {
    pub case: &'a str,
    pub ok: bool,
    pub records: Option<usize>,
    pub attachments: Option<usize>,
    pub problems: &'a [Problem],
    pub notes: &'a [String],
}

/// One case of `sync --json`: what the sync did, or why it did not.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SyncRowJson<'a> {
    Synced {
        case: &'a str,
        remote: &'a str,
        fetched: usize,
        merged: usize,
        merged_field_by_field: &'a [String],
        kept: &'a [String],
        fast_forward: bool,
        pushed: usize,
        conflicts: Vec<ConflictJson<'a>>,
        members_added: &'a [String],
        members_removed: &'a [String],
        rewound: bool,
    },
    Failed {
        case: &'a str,
        error: &'a str,
    },
}

impl<'a> SyncRowJson<'a> {
    pub fn synced(case: &'a str, r: &'a crate::sync::SyncReport) -> SyncRowJson<'a> {
        SyncRowJson::Synced {
            case,
            remote: &r.remote,
            fetched: r.fetched,
            merged: r.merge.updated,
            merged_field_by_field: &r.merge.merged,
            kept: &r.merge.kept,
            fast_forward: r.merge.fast_forward,
            pushed: r.pushed,
            conflicts: r
                .merge
                .conflicts
                .iter()
                .map(|(record, copy, fields)| ConflictJson {
                    record,
                    copy,
                    fields,
                })
                .collect(),
            members_added: &r.merge.members_added,
            members_removed: &r.merge.members_removed,
            rewound: r.rewound.is_some(),
        }
    }
}

/// A record kept with the other side's version beside it.
#[derive(Debug, Serialize)]
pub struct ConflictJson<'a> {
    pub record: &'a str,
    pub copy: &'a str,
    pub fields: &'a [String],
}

/// One remote of `remote list --json` (the address with any password hidden).
#[derive(Debug, Serialize)]
pub struct RemoteJson<'a> {
    pub name: &'a str,
    pub url: String,
}

/// One case of `remote add --all --json`: `added`, `already there`, or the error.
#[derive(Debug, Serialize)]
pub struct RemoteAddedJson<'a> {
    pub case: &'a str,
    pub url: String,
    pub status: String,
}

/// One member of `recipients --json`.
#[derive(Debug, Serialize)]
pub struct MemberJson<'a> {
    pub key: String,
    #[serde(rename = "type")]
    pub key_type: &'static str,
    pub label: Option<&'a str>,
    pub linkable: bool,
    pub you: bool,
    pub pending: bool,
}

/// One template of `letter --list --json`: what it writes, or why it does not parse.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum TemplateJson<'a> {
    Parsed {
        name: &'a str,
        description: &'a str,
        record: &'static str,
        #[serde(rename = "type")]
        record_type: &'a str,
        cite: &'a str,
        confidence: &'a str,
        /// The rule in the states that have their own, by code; left out when none does.
        #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        states: &'a std::collections::BTreeMap<String, crate::letters::StateAuthority>,
        builtin: bool,
        origin: &'a str,
    },
    Broken {
        name: &'a str,
        builtin: bool,
        origin: &'a str,
        error: String,
    },
}

impl<'a> TemplateJson<'a> {
    pub fn new(l: &'a crate::letters::Listing) -> TemplateJson<'a> {
        match &l.template {
            Ok(t) => TemplateJson::Parsed {
                name: &l.name,
                description: &t.spec.description,
                record: t.spec.record.as_str(),
                record_type: &t.spec.record_type,
                cite: &t.spec.cite,
                confidence: &t.spec.confidence,
                states: &t.spec.states,
                builtin: l.builtin,
                origin: &l.origin,
            },
            Err(e) => TemplateJson::Broken {
                name: &l.name,
                builtin: l.builtin,
                origin: &l.origin,
                error: e.to_string(),
            },
        }
    }
}

/// `prep --json`: one meeting's checklist, with its case.
#[derive(Debug, Serialize)]
pub struct ChecklistJson<'a> {
    pub case: &'a str,
    #[serde(flatten)]
    pub checklist: &'a crate::prep::Checklist,
}

/// `bundle verify --json`.
#[derive(Debug, Serialize)]
pub struct VerifyJson<'a> {
    pub case: &'a str,
    pub source_commit: &'a str,
    pub intact: bool,
    /// The files the manifest lists.
    pub files: usize,
    pub changed: &'a [String],
    pub missing: &'a [String],
    pub extra: &'a [String],
    pub manifest_sha256: &'a str,
    /// The recorded disclosures of this bundle, when its case can be opened here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosures: Option<Vec<DisclosureJson<'a>>>,
}

impl<'a> VerifyJson<'a> {
    pub fn new(
        report: &'a crate::bundle::VerifyReport,
        manifest_sha256: &'a str,
        disclosures: Option<Vec<DisclosureJson<'a>>>,
    ) -> VerifyJson<'a> {
        VerifyJson {
            case: &report.case,
            source_commit: &report.source_commit,
            intact: report.is_intact(),
            files: report.intact.len() + report.changed.len() + report.missing.len(),
            changed: &report.changed,
            missing: &report.missing,
            extra: &report.extra,
            manifest_sha256,
            disclosures,
        }
    }
}

/// A communication that records a disclosure of a bundle.
#[derive(Debug, Serialize)]
pub struct DisclosureJson<'a> {
    pub record: &'a str,
    pub date: &'a str,
    pub with: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_shows_its_id_first_and_the_links_inferred_for_it() {
        let found = crate::example::records()
            .into_iter()
            .find(|r| r.text.contains("kind = \"refusal\""))
            .expect("the example has a refusal");
        let stored = crate::store::StoredRecord {
            id: found.id.clone(),
            text: found.text.to_owned(),
            record: crate::record::parse_record(found.text, found.id.as_str()).unwrap(),
        };
        let plain = record(&stored, &[]);
        let keys: Vec<&String> = plain.as_object().unwrap().keys().collect();
        assert_eq!(keys[..2], ["id", "kind"]);
        assert_eq!(plain["id"], found.id.as_str());
        assert!(plain.get("inferred").is_none());
        let target = RecordId::parse("k3f9a2bq7x").unwrap();
        let linked = record(&stored, &[(LinkField::Refuses, target, "why".into())]);
        assert_eq!(linked["refuses"], "k3f9a2bq7x");
        assert_eq!(linked["inferred"], serde_json::json!(["refuses"]));
    }

    #[test]
    fn a_log_entry_has_its_commit_time_in_rfc_3339_and_changes_only_when_asked() {
        let id = RecordId::parse("k3f9a2bq7x").unwrap();
        let entry = crate::store::HistoryEntry {
            commit: crate::git::CommitInfo {
                id: git2::Oid::ZERO_SHA1,
                time: 1_795_100_640,
                author: "Ada".into(),
                email: "ada@example.org".into(),
                message: "add a note".into(),
                parents: Vec::new(),
            },
            records: vec![(id, crate::store::RecordChange::Added, None, None)],
        };
        let plain = LogEntryJson::new(&entry, |_| None);
        assert_eq!(plain.date, "2026-11-19T15:04:00Z");
        assert_eq!(plain.commit, "0".repeat(40));
        let text = serde_json::to_string(&plain).unwrap();
        assert!(
            text.ends_with(r#""records":[{"id":"k3f9a2bq7x","change":"added"}]}"#),
            "{text}"
        );
        let patched = LogEntryJson::new(&entry, |_| Some(Vec::new()));
        let text = serde_json::to_string(&patched).unwrap();
        assert!(
            text.ends_with(r#""change":"added","changes":[]}]}"#),
            "{text}"
        );
    }
}

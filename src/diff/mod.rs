//! What changed between two records: a semantic diff for IEPs (goals matched by key, area
//! and text, services by name with minutes normalised per week, accommodations as sets) and
//! a field-by-field diff for every other kind (SPEC section 6).
//!
//! The result is plain data ([`Change`]); [`render`] turns it into text or Markdown without
//! colour, and the command line paints it. Unchanged items are never reported.

mod generic;
mod iep;
pub mod render;
mod words;

use serde_json::Value;

use crate::record::{Body, Record, to_json};

pub use iep::goal_label;
pub use words::{Segment, SegmentKind, word_diff};

/// What happened to a field or an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Added,
    Removed,
    Changed,
}

impl Op {
    /// The operation as JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Added => "added",
            Op::Removed => "removed",
            Op::Changed => "changed",
        }
    }
}

/// One difference; serialized, a change in the JSON shape of SPEC section 5 (`before` is
/// absent for `added`, `after` for `removed`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    /// `fields` for plain fields, else the list or table the change is in (`goals`,
    /// `services`, `accommodations`, ...).
    pub section: String,
    /// The item of the list: a goal's key, a service's name, an accommodation's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The field that changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub op: Op,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// For long text, the word-level diff (text output only).
    #[serde(skip)]
    pub words: Option<Vec<Segment>>,
}

impl Change {
    pub(crate) fn new(section: &str, op: Op) -> Change {
        Change {
            section: section.to_owned(),
            item: None,
            field: None,
            op,
            before: None,
            after: None,
            words: None,
        }
    }

    pub(crate) fn item(mut self, item: impl Into<String>) -> Change {
        self.item = Some(item.into());
        self
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Change {
        self.field = Some(field.into());
        self
    }

    pub(crate) fn values(mut self, before: Option<Value>, after: Option<Value>) -> Change {
        self.before = before;
        self.after = after;
        self
    }
}

/// A diff between two versions of a record, labelled for output; serialized, the document
/// `diff --json` prints: `{from, to, changes}`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecordDiff {
    pub from: String,
    pub to: String,
    pub changes: Vec<Change>,
}

/// Compares two records given as their stored text and parsed form.
pub fn diff_records(before: (&str, &Record), after: (&str, &Record)) -> Vec<Change> {
    let table = |text: &str| match toml::from_str::<toml::Value>(text) {
        Ok(toml::Value::Table(t)) => t,
        _ => toml::Table::new(),
    };
    let (mut old, mut new) = (table(before.0), table(after.0));
    let mut changes = Vec::new();
    if let (Body::Iep(a), Body::Iep(b)) = (&before.1.body, &after.1.body) {
        for key in iep::SEMANTIC_FIELDS {
            old.remove(*key);
            new.remove(*key);
        }
        // Services and goals first: they are what a family reads an IEP diff for.
        changes.extend(iep::diff(a, b));
        changes.extend(generic::diff_tables(&old, &new));
    } else {
        changes.extend(generic::diff_tables(&old, &new));
    }
    changes
}

/// The JSON form of a TOML value, for `before`/`after`.
pub(crate) fn json_of(value: &toml::Value) -> Value {
    to_json(value)
}

/// Lowercases and collapses white space, for matching list items.
pub(crate) fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests;

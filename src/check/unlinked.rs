//! `record-unlinked`: what iepcase could not link (see [`crate::links`]), with the records it
//! may be linked to and the command that links it.

use super::{Code, Facts, Finding, Severity};
use crate::links::LinkField;
use crate::record::Body;
use crate::record::StoredRecord;

/// A record in a message: `6zcyhq27et (request of 2026-01-08, "Written request …")`.
fn describe(record: &StoredRecord) -> String {
    format!(
        "{} ({} of {}, \"{}\")",
        record.id,
        record.record.kind(),
        record.record.date(),
        record.record.title()
    )
}

/// How many of the records a link may point at a finding names.
const LISTED: usize = 5;

/// What the record is, in words.
fn noun(record: &StoredRecord) -> &'static str {
    match &record.record.body {
        Body::Refusal(_) => "refusal",
        Body::Response(_) => "response",
        Body::Pwn(_) => "prior written notice",
        Body::Decision(_) => "decision",
        Body::Notice(_) => "notice of intent to record",
        _ => "record",
    }
}

/// The question the link answers: "which request this refusal of 2026-01-20 refuses".
fn question(field: LinkField, record: &StoredRecord) -> String {
    let this = format!("this {} of {}", noun(record), record.record.date());
    match field {
        LinkField::Refuses => format!("which request {this} refuses"),
        LinkField::RespondsTo => format!("what {this} answers"),
        LinkField::Meeting => format!("which meeting {this} is for"),
    }
}

/// What iepcase does until the user says.
fn meanwhile(field: LinkField) -> &'static str {
    match field {
        LinkField::Refuses => "Until you say, iepcase does not count it as refusing any of them.",
        LinkField::RespondsTo => {
            "Until you say, iepcase counts it as answering none of them, and calls none of them \
             unanswered."
        }
        LinkField::Meeting => {
            "Until you say, iepcase does not say any of those meetings lacked a notice."
        }
    }
}

pub(super) fn unlinked(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for u in &facts.linked.unlinked {
        let Some(record) = facts.get(u.record.as_str()) else {
            continue;
        };
        let candidates: Vec<&StoredRecord> = u
            .candidates
            .iter()
            .filter_map(|c| facts.get(c.as_str()))
            .collect();
        let Some(first) = candidates.first() else {
            continue;
        };
        let command =
            |c: &StoredRecord| format!("iepcase edit {} --set {}={}", u.record, u.field, c.id);
        // A case of years can leave dozens of records equally likely: the message names the
        // most likely few and counts the rest.
        let more = candidates.len().saturating_sub(LISTED);
        let candidates = &candidates[..candidates.len().min(LISTED)];
        let mut list: Vec<String> = candidates.iter().map(|c| describe(c)).collect();
        if more > 0 {
            list.push(format!(
                "one of {more} more records of the same kind on file"
            ));
        }
        let others: Vec<String> = candidates
            .iter()
            .skip(1)
            .map(|c| format!("`--set {}={}`", u.field, c.id))
            .collect();
        let how = if others.is_empty() {
            format!("Link it with `{}`.", command(first))
        } else {
            format!(
                "Link it with `{}` (or {}).",
                command(first),
                others.join(", ")
            )
        };
        let (severity, message) = if u.ambiguous {
            (
                Severity::Warning,
                format!(
                    "iepcase cannot tell {}: {}. {} {how}",
                    question(u.field, record),
                    list.join(" or "),
                    meanwhile(u.field)
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "iepcase cannot tell {}: the record does not say, and nothing on file matches \
                     it by subject. If it is one of these, {}: {}. {}",
                    question(u.field, record),
                    how.trim_end_matches('.').replacen("Link it", "link it", 1),
                    list.join("; "),
                    meanwhile(u.field)
                ),
            )
        };
        out.push(Finding {
            code: Code::RecordUnlinked,
            severity,
            record: Some(u.record.clone()),
            message,
            cite: None,
            confidence: None,
            next_step: Some(command(first)),
            inferred: Vec::new(),
        });
    }
}

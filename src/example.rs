//! The built-in example case (`examples/case/` in the source tree): a fictional Mississippi
//! dispute used by `iepcase demo`, the docs and the tests.

use crate::git::CommitContext;
use crate::record::{RecordId, parse_record};
use crate::store::{Case, CaseLock, StoreError};

include!(concat!(env!("OUT_DIR"), "/example_files.rs"));

/// One record of the example, with its fixed id and attachments.
pub struct ExampleRecord {
    pub id: RecordId,
    pub text: &'static str,
    pub attachments: Vec<(&'static str, &'static [u8])>,
}

/// The example case's metadata text (`case.toml`).
pub fn meta() -> &'static str {
    FILES
        .iter()
        .find(|(path, _)| *path == "case.toml")
        .and_then(|(_, data)| std::str::from_utf8(data).ok())
        .expect("the example case has a UTF-8 case.toml")
}

/// The example records, in chronological order.
pub fn records() -> Vec<ExampleRecord> {
    let mut records: Vec<ExampleRecord> = FILES
        .iter()
        .filter_map(|(path, data)| {
            let stem = path.strip_prefix("records/")?.strip_suffix(".toml")?;
            let id = RecordId::parse(stem)?;
            let text = std::str::from_utf8(data).ok()?;
            let prefix = format!("attachments/{stem}/");
            let attachments = FILES
                .iter()
                .filter_map(|(p, d)| Some((p.strip_prefix(prefix.as_str())?, *d)))
                .collect();
            Some(ExampleRecord {
                id,
                text,
                attachments,
            })
        })
        .collect();
    records.sort_by_key(|r| {
        let record = parse_record(r.text, "example").expect("example records are valid");
        (
            record.common.date,
            record.common.time.is_none(),
            record.common.time,
            r.id.clone(),
        )
    });
    records
}

/// The example records parsed, as the store gives them, for tests.
#[cfg(test)]
pub(crate) fn stored_records() -> Vec<crate::record::StoredRecord> {
    records()
        .into_iter()
        .map(|r| crate::record::StoredRecord {
            record: parse_record(r.text, r.id.as_str()).expect("example records are valid"),
            text: r.text.to_owned(),
            id: r.id,
        })
        .collect()
}

/// Imports the example records into `case`, one commit per record dated on the record's
/// day, so history and bundles look like a real case built over time. Records dated after
/// `author.time` (the hearing is scheduled) are committed at that time, never in the future.
pub fn import(case: &Case, lock: &CaseLock, author: &CommitContext) -> Result<usize, StoreError> {
    let records = records();
    for example in &records {
        let record = parse_record(example.text, &format!("example record {}", example.id))?;
        let mut tx = case.transaction(lock);
        let mut attachments = Vec::new();
        for (name, data) in &example.attachments {
            attachments.push(tx.add_attachment_bytes(name, data)?);
        }
        let text = crate::record::edit::append_attachments(example.text, &attachments)
            .expect("example records are valid TOML");
        tx.put_record(
            &example.id,
            if attachments.is_empty() {
                example.text
            } else {
                &text
            },
        )?;
        let context = CommitContext {
            time: record.common.date.utc_seconds_at(17).min(author.time),
            ..author.clone()
        };
        tx.commit(&format!("add record {}", example.id), &context)?;
    }
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_file_is_valid_and_used() {
        crate::record::parse_case_meta(meta(), "case.toml").unwrap();
        let records = records();
        assert!(records.len() >= 25, "about 25 records or more");
        let attached: usize = records.iter().map(|r| r.attachments.len()).sum();
        let files = FILES
            .iter()
            .filter(|(p, _)| p.starts_with("attachments/"))
            .count();
        assert_eq!(attached, files, "every attachment folder names a record");
        let kinds: std::collections::BTreeSet<_> = records
            .iter()
            .map(|r| parse_record(r.text, "x").unwrap().kind())
            .collect();
        assert_eq!(
            kinds.len(),
            crate::record::Kind::ALL.len(),
            "every kind appears"
        );
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        for r in &records {
            for reference in parse_record(r.text, "x").unwrap().references() {
                assert!(
                    ids.contains(&reference.0.as_str()),
                    "{} refers to missing {reference}",
                    r.id
                );
            }
        }
    }
}

//! Every record of a case kept parsed in its cache, so a command that reads them all
//! (`deadlines`, `timeline`, `check`, `prep`) does not parse ten thousand TOML documents again
//! until a record changes.
//!
//! The kept records are one sealed file of the case's cache (`records.age`), used only for the
//! very records it was written from, by the very code that parsed them (its key is the
//! fingerprint of [`super::read`]). Each record is kept with its text and, where it reads
//! back exactly, its parsed fields in a compact form; a record whose fields would not read
//! back equal (a value no compact form can carry) is kept as text only and parsed again.

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize as _;

use crate::crypto::CaseKey;
use crate::record::{Body, Common, Kind, Record, RecordId, StoredRecord, parse_record};

/// The name of the kept records in the case's cache folder.
const RECORDS_CACHE: &str = "records";

/// What the kept records start with, after the cache's own header.
const FORMAT: &[u8] = b"iepcase-kept-records 1\n";

/// The records kept for fingerprint `fingerprint` in the cache of the case at `root`, in the
/// order they were kept; `None` when none are kept for it or what is kept cannot be read.
pub(super) fn load(
    root: &Path,
    key: &CaseKey,
    fingerprint: &[u8; 32],
) -> Option<Vec<StoredRecord>> {
    let data = super::cache::load_derived(root, key, RECORDS_CACHE, fingerprint)?;
    decode(&data)
}

/// Keeps `records` for [`load`] under `fingerprint`; failure only costs speed next time.
pub(super) fn save(root: &Path, key: &CaseKey, fingerprint: &[u8; 32], records: &[StoredRecord]) {
    super::cache::save_derived(root, key, RECORDS_CACHE, fingerprint, &encode(records));
}

/// One record's entry: its id, its text, and its fields in the compact form when they read
/// back equal to `record`'s (else empty: the text is parsed again).
fn entry(stored: &StoredRecord) -> Vec<u8> {
    let fields = compact(&stored.record).unwrap_or_default();
    let id = stored.id.as_str().as_bytes();
    let mut out = Vec::with_capacity(1 + id.len() + 8 + stored.text.len() + fields.len());
    out.push(id.len() as u8);
    out.extend_from_slice(id);
    put_sized(&mut out, stored.text.as_bytes());
    put_sized(&mut out, &fields);
    out
}

/// `record`'s fields in the compact form, when they read back equal to it.
fn compact(record: &Record) -> Option<Vec<u8>> {
    let kind = record.body.kind().as_str().as_bytes();
    let common = serde_json::to_vec(&record.common).ok()?;
    let mut body = Vec::new();
    record
        .body
        .serialize(&mut serde_json::Serializer::new(&mut body))
        .ok()?;
    let mut out = Vec::with_capacity(1 + kind.len() + 8 + common.len() + body.len());
    out.push(kind.len() as u8);
    out.extend_from_slice(kind);
    put_sized(&mut out, &common);
    put_sized(&mut out, &body);
    (expand(&out).as_ref() == Some(record)).then_some(out)
}

/// A record from its compact form.
fn expand(mut data: &[u8]) -> Option<Record> {
    let kind_len = usize::from(*data.first()?);
    let kind: Kind = std::str::from_utf8(data.get(1..1 + kind_len)?)
        .ok()?
        .parse()
        .ok()?;
    data = &data[1 + kind_len..];
    let common = take_sized(&mut data)?;
    let body = take_sized(&mut data)?;
    if !data.is_empty() {
        return None;
    }
    let common = Common::deserialize(&mut serde_json::Deserializer::from_slice(common)).ok()?;
    let body = Body::deserialize(kind, &mut serde_json::Deserializer::from_slice(body)).ok()?;
    Some(Record { common, body })
}

fn encode(records: &[StoredRecord]) -> Vec<u8> {
    let entries: Vec<Vec<u8>> = records.par_iter().map(entry).collect();
    let size = entries.iter().map(Vec::len).sum::<usize>();
    let mut out = Vec::with_capacity(FORMAT.len() + 4 + size);
    out.extend_from_slice(FORMAT);
    out.extend_from_slice(&(records.len() as u32).to_le_bytes());
    for entry in entries {
        out.extend_from_slice(&entry);
    }
    out
}

fn decode(data: &[u8]) -> Option<Vec<StoredRecord>> {
    let mut rest = data.strip_prefix(FORMAT)?;
    let count = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    rest = &rest[4..];
    // Cut into entries first (cheap), then read them side by side.
    let mut entries: Vec<(&[u8], &[u8], &[u8])> = Vec::with_capacity(count.min(rest.len()));
    while !rest.is_empty() {
        let id_len = usize::from(*rest.first()?);
        let id = rest.get(1..1 + id_len)?;
        rest = &rest[1 + id_len..];
        let text = take_sized(&mut rest)?;
        let fields = take_sized(&mut rest)?;
        entries.push((id, text, fields));
    }
    if entries.len() != count {
        return None;
    }
    entries
        .into_par_iter()
        .map(|(id, text, fields)| {
            let id = RecordId::parse(std::str::from_utf8(id).ok()?)?;
            let text = std::str::from_utf8(text).ok()?.to_owned();
            let record = if fields.is_empty() {
                parse_record(&text, &format!("record {id}")).ok()?
            } else {
                expand(fields)?
            };
            Some(StoredRecord { id, text, record })
        })
        .collect()
}

fn put_sized(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn take_sized<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let bytes = data.get(4..4 + len)?;
    *data = &data[4 + len..];
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(text: &str) -> StoredRecord {
        StoredRecord {
            id: RecordId::generate(),
            text: text.to_owned(),
            record: parse_record(text, "test").expect("a valid record"),
        }
    }

    #[test]
    fn every_record_of_the_example_case_reads_back_as_parsed_without_parsing_it_again() {
        let records: Vec<StoredRecord> = crate::example::FILES
            .iter()
            .filter(|(path, _)| path.starts_with("records/") && path.ends_with(".toml"))
            .map(|(_, bytes)| stored(std::str::from_utf8(bytes).expect("UTF-8")))
            .collect();
        assert!(records.len() > 10, "the example case has its records");
        for record in &records {
            assert!(
                compact(&record.record).is_some(),
                "{} is kept in the compact form",
                record.text
            );
        }
        let back = decode(&encode(&records)).expect("reads back");
        assert_eq!(back.len(), records.len());
        for (a, b) in records.iter().zip(&back) {
            assert_eq!((&a.id, &a.text, &a.record), (&b.id, &b.text, &b.record));
        }
    }

    #[test]
    fn a_record_whose_fields_would_not_read_back_is_kept_as_text_and_parsed_again() {
        // A float no compact form carries (it would come back as nothing, or as another
        // number), in the record's own [extra] table.
        let odd = stored(
            "kind = \"note\"\ndate = 2026-01-15\ntitle = \"Odd\"\n\n[extra]\nscore = nan\n\
             when = 2026-01-15T10:00:00\n",
        );
        let plain = stored("kind = \"note\"\ndate = 2026-01-16\ntitle = \"Plain\"\n");
        assert!(compact(&odd.record).is_none());
        assert!(compact(&plain.record).is_some());
        let back = decode(&encode(&[odd.clone(), plain.clone()])).expect("reads back");
        assert_eq!(back[0].text, odd.text);
        let score = |r: &Record| r.common.extra.as_ref().map(|e| e["score"].clone());
        assert!(matches!(score(&back[0].record), Some(toml::Value::Float(f)) if f.is_nan()));
        assert_eq!(back[1].record, plain.record);
    }

    #[test]
    fn a_damaged_or_cut_kept_file_reads_as_nothing() {
        let records = vec![stored(
            "kind = \"note\"\ndate = 2026-01-16\ntitle = \"Plain\"\n",
        )];
        let data = encode(&records);
        for cut in [0, FORMAT.len() + 2, data.len() - 1] {
            assert!(decode(&data[..cut]).is_none(), "cut at {cut}");
        }
        let mut wrong_count = data.clone();
        wrong_count[FORMAT.len()] = 2;
        assert!(decode(&wrong_count).is_none());
        let mut bad_json = data.clone();
        let at = bad_json.len() - 2;
        bad_json[at] = b'!';
        assert!(decode(&bad_json).is_none());
    }
}

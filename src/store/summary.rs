//! What `list` shows of a record (id, date, kind, type, title, marks), kept in a cache of its
//! own so a listing neither decrypts nor parses records that have not changed.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cache::{CacheKind, PlainCache};
use super::read::Broken;
use super::{Case, StoreError};
use crate::record::StoredRecord;
use crate::record::{Date, Kind, RecordId, Time, parse_record};

/// The fields of a record a listing shows; serialized, a row of `list --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    #[serde(serialize_with = "crate::json::display")]
    pub id: RecordId,
    #[serde(serialize_with = "crate::json::display")]
    pub kind: Kind,
    /// The record's `type` (requests, notices, meetings, …), as in JSON output.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The TYPE column of `list`: the type, or what stands for it (an IEP's status, …).
    #[serde(skip)]
    pub list_type: Option<String>,
    #[serde(serialize_with = "crate::json::display")]
    pub date: Date,
    #[serde(
        serialize_with = "crate::json::time_hms",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<Time>,
    pub title: String,
    #[serde(skip_serializing_if = "crate::json::is_false")]
    pub privileged: bool,
    /// `mediation` for a record from a mediation session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidential: Option<String>,
    /// [`crate::record::Record::content_hash`]: equal for records that say the same thing.
    #[serde(skip)]
    pub content: String,
}

/// Every record summary of a case: the readable ones in chronological order, and the broken.
#[derive(Debug, Default)]
pub struct LoadedSummaries {
    pub records: Vec<RecordSummary>,
    pub broken: Vec<Broken>,
}

/// The cached form, without the id (the cache key already names the blob).
#[derive(Serialize, Deserialize)]
struct Cached {
    k: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    l: Option<String>,
    d: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    h: Option<String>,
    n: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    p: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<String>,
    /// The content hash; entries cached before it existed lack it and are read again.
    s: Option<String>,
}

impl RecordSummary {
    /// The summary of a stored record.
    pub fn of(stored: &StoredRecord) -> RecordSummary {
        let record = &stored.record;
        let common = &record.common;
        RecordSummary {
            id: stored.id.clone(),
            kind: record.kind(),
            type_name: record.type_name().map(str::to_owned),
            list_type: record.list_type(),
            date: common.date,
            time: common.time,
            title: common.title.clone(),
            privileged: record.is_privileged(),
            confidential: common.confidential.map(|c| c.as_str().to_owned()),
            content: record.content_hash(),
        }
    }

    /// The chronological sort key of SPEC section 5: date, then time (untimed last), then id.
    pub fn order_key(&self) -> (Date, bool, Option<Time>, &RecordId) {
        (self.date, self.time.is_none(), self.time, &self.id)
    }

    /// Whether this is a meeting still to come at `now` ([`crate::record::Record::is_upcoming`]).
    pub fn is_upcoming(&self, now: jiff::civil::DateTime) -> bool {
        !self.id.is_conflict() && crate::record::upcoming(self.kind, self.date, self.time, now)
    }

    fn encode(&self) -> String {
        let cached = Cached {
            k: self.kind.as_str().to_owned(),
            t: self.type_name.clone(),
            l: self.list_type.clone(),
            d: self.date.to_string(),
            h: self.time.map(crate::timeline::time_text),
            n: self.title.clone(),
            p: self.privileged,
            c: self.confidential.clone(),
            s: Some(self.content.clone()),
        };
        serde_json::to_string(&cached).unwrap_or_default()
    }

    fn decode(id: &RecordId, text: &str) -> Option<RecordSummary> {
        let cached: Cached = serde_json::from_str(text).ok()?;
        Some(RecordSummary {
            id: id.clone(),
            kind: cached.k.parse().ok()?,
            type_name: cached.t,
            list_type: cached.l,
            date: cached.d.parse().ok()?,
            time: match cached.h {
                Some(h) => Some(h.parse().ok()?),
                None => None,
            },
            title: cached.n,
            privileged: cached.p,
            confidential: cached.c,
            content: cached.s?,
        })
    }
}

/// The name of the kept listing in the case's cache folder.
const LISTING_CACHE: &str = "listing";

/// The fingerprint of the listing of `records`, the id of a `records/` tree: the tree names
/// every record's blob, and the code that makes a summary from a record is part of it too.
fn listing_print(records: git2::Oid) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(env!("IEPCASE_LINKS_CODE").as_bytes());
    hasher.update(include_str!("summary.rs").as_bytes());
    hasher.update(records.as_bytes());
    hasher.finalize().into()
}

/// The summaries of a whole listing, in order, as length-prefixed fields.
fn encode_listing(records: &[RecordSummary]) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, text: &str) {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    fn optional(out: &mut Vec<u8>, value: Option<&str>) {
        match value {
            Some(value) => {
                out.push(1);
                text(out, value);
            }
            None => out.push(0),
        }
    }
    let mut out = Vec::with_capacity(records.len() * 160);
    for r in records {
        text(&mut out, r.id.as_str());
        text(&mut out, r.kind.as_str());
        optional(&mut out, r.type_name.as_deref());
        optional(&mut out, r.list_type.as_deref());
        text(&mut out, &r.date.to_string());
        optional(&mut out, r.time.map(crate::timeline::time_text).as_deref());
        text(&mut out, &r.title);
        out.push(u8::from(r.privileged));
        optional(&mut out, r.confidential.as_deref());
        text(&mut out, &r.content);
    }
    out
}

/// The listing [`encode_listing`] wrote; `None` for anything else.
fn decode_listing(mut data: &[u8]) -> Option<Vec<RecordSummary>> {
    fn text<'a>(data: &mut &'a [u8]) -> Option<&'a str> {
        let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
        let text = std::str::from_utf8(data.get(4..4 + len)?).ok()?;
        *data = &data[4 + len..];
        Some(text)
    }
    fn byte(data: &mut &[u8]) -> Option<u8> {
        let (&first, rest) = data.split_first()?;
        *data = rest;
        Some(first)
    }
    fn optional<'a>(data: &mut &'a [u8]) -> Option<Option<&'a str>> {
        match byte(data)? {
            0 => Some(None),
            1 => Some(Some(text(data)?)),
            _ => None,
        }
    }
    let mut records = Vec::new();
    while !data.is_empty() {
        records.push(RecordSummary {
            id: RecordId::parse(text(&mut data)?)?,
            kind: text(&mut data)?.parse().ok()?,
            type_name: optional(&mut data)?.map(str::to_owned),
            list_type: optional(&mut data)?.map(str::to_owned),
            date: text(&mut data)?.parse().ok()?,
            time: match optional(&mut data)? {
                Some(time) => Some(time.parse().ok()?),
                None => None,
            },
            title: text(&mut data)?.to_owned(),
            privileged: match byte(&mut data)? {
                0 => false,
                1 => true,
                _ => return None,
            },
            confidential: optional(&mut data)?.map(str::to_owned),
            content: text(&mut data)?.to_owned(),
        });
    }
    Some(records)
}

impl Case {
    /// What `list` shows of every record at HEAD, chronological; unreadable records are
    /// reported, not fatal. Only records changed since the last listing are decrypted, and
    /// when no record has changed the whole listing is read back as it was kept.
    pub fn summaries(&self) -> Result<LoadedSummaries, StoreError> {
        // Untrusted files must be refused one by one, which the full read does.
        let trust_all = self.untrusted_files().is_empty();
        let head = self.head()?;
        let tree = super::contents::records_tree_of(Some(&head));
        let print = listing_print(tree);
        let kept = (trust_all && tree != git2::Oid::ZERO_SHA1)
            .then(|| super::cache::load_derived(&self.root, &self.key, LISTING_CACHE, &print))
            .flatten()
            .and_then(|data| decode_listing(&data));
        if let Some(records) = kept {
            self.keep_content_index(&records);
            return Ok(LoadedSummaries {
                records,
                broken: Vec::new(),
            });
        }
        let ids = self.record_ids_in(&head)?;
        let mut cache = PlainCache::load(&self.root, &self.key, CacheKind::Summaries);
        let mut loaded = LoadedSummaries::default();
        let mut misses = Vec::new();
        for (id, oid) in &ids {
            let hit = trust_all
                .then(|| cache.get(*oid))
                .flatten()
                .and_then(|text| RecordSummary::decode(id, text));
            match hit {
                Some(summary) => loaded.records.push(summary),
                None => misses.push((id.clone(), *oid)),
            }
        }
        if !misses.is_empty() {
            // Nothing cached (a new clone, a lost cache): fill the text cache on the way.
            let all = misses.len() == ids.len();
            let texts = self.record_texts(&misses, all)?;
            let parsed: Vec<(git2::Oid, Result<RecordSummary, Broken>)> = misses
                .into_par_iter()
                .zip(texts.into_par_iter())
                .map(|((id, oid), text)| {
                    let summary = text
                        .and_then(|text| {
                            let record = parse_record(&text, &format!("record {id}"))?;
                            Ok(RecordSummary::of(&StoredRecord {
                                id: id.clone(),
                                text,
                                record,
                            }))
                        })
                        .map_err(|error| Broken {
                            id,
                            error: Box::new(error),
                        });
                    (oid, summary)
                })
                .collect();
            for (oid, summary) in parsed {
                match summary {
                    Ok(summary) => {
                        cache.insert(oid, summary.encode());
                        loaded.records.push(summary);
                    }
                    Err(broken) => loaded.broken.push(broken),
                }
            }
        }
        let live: HashSet<git2::Oid> = ids.iter().map(|(_, oid)| *oid).collect();
        cache.retain(&live);
        cache.save(&self.root, &self.key);
        loaded
            .records
            .sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        loaded.broken.sort_by(|a, b| a.id.cmp(&b.id));
        self.keep_content_index(&loaded.records);
        // A listing with broken records is worked out again, so each run reports them.
        if trust_all && loaded.broken.is_empty() && tree != git2::Oid::ZERO_SHA1 {
            let data = encode_listing(&loaded.records);
            super::cache::save_derived(&self.root, &self.key, LISTING_CACHE, &print, &data);
        }
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixture::{Fixture, note, open, put};

    fn summary(id: &str) -> RecordSummary {
        RecordSummary {
            id: RecordId::parse(id).unwrap(),
            kind: Kind::Meeting,
            type_name: Some("iep".into()),
            list_type: Some("iep".into()),
            date: "2026-03-04".parse().unwrap(),
            time: Some("14:30".parse().unwrap()),
            title: "Annual IEP meeting — « room 2 »".into(),
            privileged: true,
            confidential: Some("mediation".into()),
            content: "c0ffee".into(),
        }
    }

    #[test]
    fn a_kept_listing_reads_back_as_written_and_garbage_reads_as_nothing() {
        let mut plain = summary("k3f9a2bq7x.conflict-2");
        plain.type_name = None;
        plain.list_type = None;
        plain.time = None;
        plain.privileged = false;
        plain.confidential = None;
        let records = vec![summary("k3f9a2bq7x"), plain];
        let data = encode_listing(&records);
        assert_eq!(decode_listing(&data).unwrap(), records);
        assert_eq!(decode_listing(&[]).unwrap(), Vec::new());
        assert!(decode_listing(&data[..data.len() - 1]).is_none());
        let mut bad_flag = encode_listing(&records[..1]);
        let at = 4 + 10 + 4 + "meeting".len();
        bad_flag[at] = 7;
        assert!(decode_listing(&bad_flag).is_none());
    }

    #[test]
    fn the_kept_listing_follows_every_change_to_the_records() {
        let fixture = Fixture::new();
        let (case, lock) = open(&fixture.root(), &fixture.owner);
        let first = RecordId::parse("k3f9a2bq7x").unwrap();
        let second = RecordId::parse("m4g8b3cr6y").unwrap();
        put(&case, &lock, &[(&first, &note("First", "one"))]);
        let titles = |case: &Case| -> Vec<String> {
            let loaded = case.summaries().unwrap();
            assert!(loaded.broken.is_empty());
            loaded.records.into_iter().map(|r| r.title).collect()
        };
        assert_eq!(titles(&case), ["First"]);
        let kept = PlainCache::dir(&fixture.root()).join(format!("{LISTING_CACHE}.age"));
        assert!(kept.exists(), "the listing is kept");
        // Read back from the kept listing, then after each change.
        assert_eq!(titles(&case), ["First"]);
        put(&case, &lock, &[(&first, &note("First, renamed", "one"))]);
        assert_eq!(titles(&case), ["First, renamed"]);
        put(&case, &lock, &[(&second, &note("Second", "two"))]);
        assert_eq!(titles(&case), ["First, renamed", "Second"]);
        assert_eq!(titles(&case), ["First, renamed", "Second"]);
        // A kept listing that cannot be opened is worked out again.
        std::fs::write(&kept, b"not sealed").unwrap();
        assert_eq!(titles(&case), ["First, renamed", "Second"]);
    }
}

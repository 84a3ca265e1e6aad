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

impl Case {
    /// What `list` shows of every record at HEAD, chronological; unreadable records are
    /// reported, not fatal. Only records changed since the last listing are decrypted.
    pub fn summaries(&self) -> Result<LoadedSummaries, StoreError> {
        let ids = self.record_ids()?;
        let mut cache = PlainCache::load(&self.root, &self.key, CacheKind::Summaries);
        // Untrusted files must be refused one by one, which the full read does.
        let trust_all = self.untrusted_files().is_empty();
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
        Ok(loaded)
    }
}

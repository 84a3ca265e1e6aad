//! The local plaintext cache of a case: decrypted record text keyed by the id of the
//! encrypted blob it came from, so listings need one decryption instead of one per record.
//!
//! It lives in `.git/iepcase/cache.age` (never committed), is itself encrypted to the case
//! key, and is rebuildable: any problem reading it just means starting empty. Keys are blob
//! ids of ciphertext, so an entry can never be stale, only unused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::Oid;

use crate::crypto::CaseKey;

const MAGIC: &[u8] = b"iepcase-cache 1\n";

/// Decrypted record texts by blob id.
#[derive(Default)]
pub struct PlainCache {
    entries: HashMap<Oid, String>,
    changed: bool,
}

impl PlainCache {
    /// The cache file of the case at `root`.
    pub fn path(root: &Path) -> PathBuf {
        super::local_dir(root).join("cache.age")
    }

    /// Loads the cache, or an empty one when it is missing, unreadable or from an old key.
    pub fn load(root: &Path, key: &CaseKey) -> PlainCache {
        let Ok(ciphertext) = std::fs::read(Self::path(root)) else {
            return PlainCache::default();
        };
        let Ok(plain) = key.decrypt(&ciphertext, "the local cache") else {
            return PlainCache {
                entries: HashMap::new(),
                changed: true,
            };
        };
        decode(&plain).map_or_else(
            || PlainCache {
                entries: HashMap::new(),
                changed: true,
            },
            |entries| PlainCache {
                entries,
                changed: false,
            },
        )
    }

    /// The text cached for `blob`.
    pub fn get(&self, blob: Oid) -> Option<&str> {
        self.entries.get(&blob).map(String::as_str)
    }

    /// Caches `text` for `blob`.
    pub fn insert(&mut self, blob: Oid, text: String) {
        self.entries.insert(blob, text);
        self.changed = true;
    }

    /// Keeps only entries for `live` blobs, so removed records leave the cache too.
    pub fn retain(&mut self, live: &std::collections::HashSet<Oid>) {
        let before = self.entries.len();
        self.entries.retain(|oid, _| live.contains(oid));
        self.changed |= self.entries.len() != before;
    }

    /// Writes the cache back if it changed; failure only costs speed next time.
    pub fn save(&self, root: &Path, key: &CaseKey) {
        if !self.changed {
            return;
        }
        let plain = encode(&self.entries);
        if let Ok(ciphertext) = key.encrypt(&plain, "the local cache") {
            let _ = std::fs::create_dir_all(super::local_dir(root));
            let _ = crate::atomic::write(&Self::path(root), &ciphertext, Some(0o600));
        }
    }
}

fn encode(entries: &HashMap<Oid, String>) -> Vec<u8> {
    let size: usize = entries.values().map(|t| t.len() + 40).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + size);
    out.extend_from_slice(MAGIC);
    for (oid, text) in entries {
        let id = oid.as_bytes();
        out.push(id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    out
}

fn decode(mut data: &[u8]) -> Option<HashMap<Oid, String>> {
    data = data.strip_prefix(MAGIC)?;
    let mut entries = HashMap::new();
    while !data.is_empty() {
        let id_len = *data.first()? as usize;
        let oid = Oid::from_bytes(data.get(1..1 + id_len)?).ok()?;
        data = &data[1 + id_len..];
        let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
        let text = std::str::from_utf8(data.get(4..4 + len)?).ok()?.to_owned();
        data = &data[4 + len..];
        entries.insert(oid, text);
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_round_trips_and_survives_garbage() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let key = CaseKey::generate();
        let oid = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        let mut cache = PlainCache::load(dir.path(), &key);
        cache.insert(oid, "kind = \"note\"".into());
        cache.save(dir.path(), &key);
        let again = PlainCache::load(dir.path(), &key);
        assert_eq!(again.get(oid), Some("kind = \"note\""));
        let on_disk = std::fs::read(PlainCache::path(dir.path())).unwrap();
        assert!(
            !on_disk.windows(4).any(|w| w == b"note"),
            "the cache is encrypted"
        );

        let other = CaseKey::generate();
        assert!(PlainCache::load(dir.path(), &other).get(oid).is_none());
        std::fs::write(PlainCache::path(dir.path()), b"garbage").unwrap();
        assert!(PlainCache::load(dir.path(), &key).get(oid).is_none());
    }
}

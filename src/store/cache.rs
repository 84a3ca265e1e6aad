//! The local caches of a case: decrypted record texts, and the few fields `list` shows, each
//! keyed by the id of the encrypted blob they came from, so a listing needs one decryption per
//! changed record instead of one per record.
//!
//! They live in `.git/iepcase/cache/` (never committed), sealed with a key derived from the
//! case key (XChaCha20-Poly1305, [`CaseKey::seal_local`]), and are
//! rebuildable: any problem reading one just means starting empty. Keys are blob ids of
//! ciphertext, so an entry can never be stale, only unused. Each cache is split into
//! [`SEGMENTS`] files by the first bits of the blob id, so changing one record rewrites one or
//! two small files, not everything the case holds.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::Oid;
use rayon::prelude::*;

use crate::crypto::CaseKey;

const MAGIC: &[u8] = b"iepcase-cache 2\n";

/// How many files each cache is split into.
pub const SEGMENTS: usize = 64;

/// Which cache: full record texts, or list summaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKind {
    /// Decrypted record texts.
    Texts,
    /// What `list` shows of each record ([`super::RecordSummary`]).
    Summaries,
}

impl CacheKind {
    fn prefix(self) -> &'static str {
        match self {
            CacheKind::Texts => "text",
            CacheKind::Summaries => "list",
        }
    }
}

/// Cached strings by blob id.
pub struct PlainCache {
    kind: CacheKind,
    segments: Vec<HashMap<Oid, String>>,
    dirty: Vec<bool>,
}

fn segment_of(oid: Oid) -> usize {
    (oid.as_bytes()[0] as usize) % SEGMENTS
}

impl PlainCache {
    /// The folder holding the caches of the case at `root`.
    pub fn dir(root: &Path) -> PathBuf {
        super::local_dir(root).join("cache")
    }

    fn segment_path(root: &Path, kind: CacheKind, segment: usize) -> PathBuf {
        Self::dir(root).join(format!("{}-{segment:02}.age", kind.prefix()))
    }

    /// A cache with nothing in it, never saved unless filled.
    pub fn empty(kind: CacheKind) -> PlainCache {
        PlainCache {
            kind,
            segments: vec![HashMap::new(); SEGMENTS],
            dirty: vec![false; SEGMENTS],
        }
    }

    /// Loads cache `kind`; segments that are missing, unreadable or from an old key start
    /// empty (and are rewritten on [`save`](Self::save)).
    pub fn load(root: &Path, key: &CaseKey, kind: CacheKind) -> PlainCache {
        let loaded: Vec<(HashMap<Oid, String>, bool)> = (0..SEGMENTS)
            .into_par_iter()
            .map(|segment| {
                let Ok(ciphertext) = std::fs::read(Self::segment_path(root, kind, segment)) else {
                    return (HashMap::new(), false);
                };
                key.open_local(&ciphertext)
                    .and_then(|plain| decode(&plain))
                    .map_or_else(|| (HashMap::new(), true), |entries| (entries, false))
            })
            .collect();
        let (segments, dirty) = loaded.into_iter().unzip();
        PlainCache {
            kind,
            segments,
            dirty,
        }
    }

    /// The string cached for `blob`.
    pub fn get(&self, blob: Oid) -> Option<&str> {
        self.segments[segment_of(blob)]
            .get(&blob)
            .map(String::as_str)
    }

    /// Caches `text` for `blob`.
    pub fn insert(&mut self, blob: Oid, text: String) {
        let segment = segment_of(blob);
        self.segments[segment].insert(blob, text);
        self.dirty[segment] = true;
    }

    /// Keeps only entries for `live` blobs, so removed records leave the cache too.
    pub fn retain(&mut self, live: &HashSet<Oid>) {
        for (entries, dirty) in self.segments.iter_mut().zip(&mut self.dirty) {
            let before = entries.len();
            entries.retain(|oid, _| live.contains(oid));
            *dirty |= entries.len() != before;
        }
    }

    /// Writes back the segments that changed; failure only costs speed next time.
    pub fn save(&self, root: &Path, key: &CaseKey) {
        if !self.dirty.iter().any(|d| *d) {
            return;
        }
        let _ = std::fs::create_dir_all(Self::dir(root));
        // The single-file cache of earlier versions is simply dropped.
        let _ = std::fs::remove_file(super::local_dir(root).join("cache.age"));
        (0..SEGMENTS)
            .into_par_iter()
            .filter(|segment| self.dirty[*segment])
            .for_each(|segment| {
                let path = Self::segment_path(root, self.kind, segment);
                let entries = &self.segments[segment];
                if entries.is_empty() {
                    let _ = std::fs::remove_file(&path);
                    return;
                }
                let sealed = key.seal_local(&encode(entries));
                let dir = Self::dir(root);
                let _ = crate::atomic::write_copy_in(&dir, &path, &sealed, Some(0o600));
            });
    }
}

const DERIVED_MAGIC: &[u8] = b"iepcase-derived 1\n";

/// Facts worked out from all of a case's records together (the links between them), kept
/// under `name` with the fingerprint of the records and code they came from: read back only
/// when `fingerprint` is the same, so they are never stale.
pub fn load_derived(
    root: &Path,
    key: &CaseKey,
    name: &str,
    fingerprint: &[u8; 32],
) -> Option<Derived> {
    let mut bytes = std::fs::read(PlainCache::dir(root).join(format!("{name}.age"))).ok()?;
    // Opened where it was read: a kept file may be tens of megabytes.
    let plain = key.open_local_in_place(&mut bytes)?;
    let rest = bytes[plain.clone()].strip_prefix(DERIVED_MAGIC)?;
    let stored = rest.get(..fingerprint.len())?;
    let start = plain.start + DERIVED_MAGIC.len() + fingerprint.len();
    (stored == fingerprint).then_some(Derived {
        bytes,
        data: start..plain.end,
    })
}

/// What [`load_derived`] read back: the kept data, in the buffer it was opened in.
pub struct Derived {
    bytes: Vec<u8>,
    data: std::ops::Range<usize>,
}

impl std::ops::Deref for Derived {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[self.data.clone()]
    }
}

/// Keeps `data` for [`load_derived`]; failure only costs speed next time.
pub fn save_derived(root: &Path, key: &CaseKey, name: &str, fingerprint: &[u8; 32], data: &[u8]) {
    let dir = PlainCache::dir(root);
    let _ = std::fs::create_dir_all(&dir);
    let mut plain = Vec::with_capacity(DERIVED_MAGIC.len() + fingerprint.len() + data.len());
    plain.extend_from_slice(DERIVED_MAGIC);
    plain.extend_from_slice(fingerprint);
    plain.extend_from_slice(data);
    let sealed = key.seal_local(&plain);
    let _ =
        crate::atomic::write_copy_in(&dir, &dir.join(format!("{name}.age")), &sealed, Some(0o600));
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

    fn oid(first: u8) -> Oid {
        let mut bytes = [7u8; 20];
        bytes[0] = first;
        Oid::from_bytes(&bytes).unwrap()
    }

    fn segment_files(root: &Path) -> Vec<(String, std::time::SystemTime)> {
        let mut files: Vec<_> = std::fs::read_dir(PlainCache::dir(root))
            .unwrap()
            .flatten()
            .map(|e| {
                (
                    e.file_name().into_string().unwrap(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn cache_round_trips_and_survives_garbage() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let key = CaseKey::generate();
        let oid = oid(1);
        let mut cache = PlainCache::load(dir.path(), &key, CacheKind::Texts);
        cache.insert(oid, "kind = \"note\"".into());
        cache.save(dir.path(), &key);
        let again = PlainCache::load(dir.path(), &key, CacheKind::Texts);
        assert_eq!(again.get(oid), Some("kind = \"note\""));
        let summaries = PlainCache::load(dir.path(), &key, CacheKind::Summaries);
        assert_eq!(summaries.get(oid), None, "the two caches are apart");
        for (name, _) in segment_files(dir.path()) {
            let on_disk = std::fs::read(PlainCache::dir(dir.path()).join(name)).unwrap();
            assert!(
                !on_disk.windows(4).any(|w| w == b"note"),
                "the cache is encrypted"
            );
        }

        let other = CaseKey::generate();
        assert!(
            PlainCache::load(dir.path(), &other, CacheKind::Texts)
                .get(oid)
                .is_none()
        );
        let path = PlainCache::segment_path(dir.path(), CacheKind::Texts, segment_of(oid));
        std::fs::write(path, b"garbage").unwrap();
        assert!(
            PlainCache::load(dir.path(), &key, CacheKind::Texts)
                .get(oid)
                .is_none()
        );
    }

    #[test]
    fn a_change_rewrites_only_its_segments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let key = CaseKey::generate();
        let mut cache = PlainCache::load(dir.path(), &key, CacheKind::Texts);
        for first in 0..=255u8 {
            cache.insert(oid(first), format!("record {first}"));
        }
        cache.save(dir.path(), &key);
        let before = segment_files(dir.path());
        assert_eq!(before.len(), SEGMENTS);

        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut cache = PlainCache::load(dir.path(), &key, CacheKind::Texts);
        cache.insert(oid(3), "changed".into());
        cache.save(dir.path(), &key);
        let after = segment_files(dir.path());
        let rewritten: Vec<&String> = before
            .iter()
            .zip(&after)
            .filter(|(b, a)| b.1 != a.1)
            .map(|(_, a)| &a.0)
            .collect();
        assert_eq!(rewritten, ["text-03.age"]);
        let again = PlainCache::load(dir.path(), &key, CacheKind::Texts);
        assert_eq!(again.get(oid(3)), Some("changed"));
        assert_eq!(again.get(oid(200)), Some("record 200"));
    }
}

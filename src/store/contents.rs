//! Which record says what: the content hash ([`crate::record::Record::content_hash`]) of every
//! record at HEAD, so `add` can refuse a record the case already holds without reading the
//! case's records, however many there are.
//!
//! The index lives beside the other local caches (`.git/iepcase/cache/`, never committed),
//! sealed with the case's local key like them. Its file is named after the `records/` tree it
//! describes, so it can never be stale, only missing: a sync, an edit or a removal leaves a
//! tree no index names, and the next check rebuilds it from the list summaries (which `list`
//! keeps current). An `add` that started from an indexed tree carries the index forward to the
//! tree it commits.

use std::path::{Path, PathBuf};

use git2::Oid;

use super::cache::PlainCache;
use super::{Case, RECORDS_DIR, RecordSummary, StoreError};
use crate::crypto::CaseKey;
use crate::record::RecordId;

const MAGIC: &str = "iepcase-contents 1\n";

/// The content hashes of the records of one `records/` tree: lines of `HASH ID`, a later
/// line for a hash standing for the earlier ones. Kept as text and searched as text, so
/// reading it costs one decryption and one scan, not a map of ten thousand entries.
#[derive(Debug)]
pub struct ContentIndex {
    tree: Oid,
    lines: String,
}

impl ContentIndex {
    /// The record whose content hash is `hash`, if any.
    pub fn get(&self, hash: &str) -> Option<RecordId> {
        if hash.is_empty() || hash.contains(['\n', ' ']) {
            return None;
        }
        let mut found = None;
        let mut rest = self.lines.as_str();
        while let Some(at) = rest.find(hash) {
            let line_start = at == 0 || rest.as_bytes()[at - 1] == b'\n';
            let after = &rest[at + hash.len()..];
            if line_start && let Some(id) = after.strip_prefix(' ') {
                let id = id.split('\n').next().unwrap_or_default();
                found = RecordId::parse(id).or(found);
            }
            rest = after;
        }
        found
    }

    fn of(tree: Oid, records: &[RecordSummary]) -> ContentIndex {
        let mut index = ContentIndex {
            tree,
            lines: String::new(),
        };
        for r in records {
            index.push(&r.content, &r.id);
        }
        index
    }

    fn push(&mut self, hash: &str, id: &RecordId) {
        self.lines.push_str(hash);
        self.lines.push(' ');
        self.lines.push_str(id.as_str());
        self.lines.push('\n');
    }

    fn path(root: &Path, tree: Oid) -> PathBuf {
        PlainCache::dir(root).join(format!("contents-{tree}.age"))
    }

    fn load(root: &Path, key: &CaseKey, tree: Oid) -> Option<ContentIndex> {
        let sealed = std::fs::read(Self::path(root, tree)).ok()?;
        let plain = String::from_utf8(key.open_local(&sealed)?).ok()?;
        let lines = plain.strip_prefix(MAGIC)?.to_owned();
        Some(ContentIndex { tree, lines })
    }

    /// Writes the index under its tree's name and drops the files of other trees; failure
    /// only costs speed next time.
    fn save(&self, root: &Path, key: &CaseKey) {
        let text = format!("{MAGIC}{}", self.lines);
        let dir = PlainCache::dir(root);
        let _ = std::fs::create_dir_all(&dir);
        let path = Self::path(root, self.tree);
        if crate::atomic::write_copy_in(&dir, &path, &key.seal_local(text.as_bytes()), Some(0o600))
            .is_err()
        {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("contents-") && entry.path() != path {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

impl Case {
    /// The id of the `records/` tree at HEAD (the empty tree's id when there is none).
    fn records_tree(&self) -> Result<Oid, StoreError> {
        let tree = crate::git::head_tree(&self.repo).map_err(StoreError::git("read the case"))?;
        Ok(records_tree_of(tree.as_ref()))
    }

    /// The content index of the records at HEAD: read from the local cache when it describes
    /// HEAD's records, else built from the list summaries (and saved for next time).
    pub fn content_index(&self) -> Result<ContentIndex, StoreError> {
        let tree = self.records_tree()?;
        if let Some(index) = ContentIndex::load(&self.root, &self.key, tree) {
            return Ok(index);
        }
        // Listing the summaries saves the index for HEAD's records as well.
        let summaries = self.summaries()?;
        Ok(ContentIndex::of(tree, &summaries.records))
    }

    /// Carries `index` forward after a commit that added `added` (id and content hash) to
    /// the records it describes: saved for the new HEAD when HEAD's parent is the tree the
    /// index describes, else left to be rebuilt.
    pub fn content_added(&self, mut index: ContentIndex, added: &[(RecordId, String)]) {
        let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) else {
            return;
        };
        let parent_tree = head.parent(0).ok().and_then(|p| p.tree().ok());
        if records_tree_of(parent_tree.as_ref()) != index.tree {
            return;
        }
        let Ok(tree) = head.tree() else {
            return;
        };
        index.tree = records_tree_of(Some(&tree));
        for (id, hash) in added {
            index.push(hash, id);
        }
        index.save(&self.root, &self.key);
    }

    /// Saves the content index of `records` (every summary at HEAD) unless HEAD's records
    /// already have one.
    pub(super) fn keep_content_index(&self, records: &[RecordSummary]) {
        let Ok(tree) = self.records_tree() else {
            return;
        };
        if !ContentIndex::path(&self.root, tree).exists() {
            ContentIndex::of(tree, records).save(&self.root, &self.key);
        }
    }
}

pub(super) fn records_tree_of(tree: Option<&git2::Tree<'_>>) -> Oid {
    // A case with no records yet has no tree: all zeros stands for it.
    tree.and_then(|t| t.get_name(RECORDS_DIR).map(|e| e.id()))
        .unwrap_or(Oid::ZERO_SHA1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_round_trips_sealed_and_only_for_its_tree() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let key = CaseKey::generate();
        let tree = Oid::from_str("1111111111111111111111111111111111111111").unwrap();
        let id = RecordId::parse("abcdefghjk").unwrap();
        let mut index = ContentIndex {
            tree,
            lines: String::new(),
        };
        index.push("feedface", &RecordId::parse("zzzzzzzzzz").unwrap());
        index.push("0feedface", &RecordId::parse("yyyyyyyyyy").unwrap());
        index.push("feedface", &id);
        index.save(dir.path(), &key);
        let again = ContentIndex::load(dir.path(), &key, tree).unwrap();
        assert_eq!(
            again.get("feedface"),
            Some(id.clone()),
            "the latest line wins"
        );
        assert_eq!(
            again.get("0feedface"),
            Some(RecordId::parse("yyyyyyyyyy").unwrap())
        );
        assert!(again.get("feed").is_none(), "whole hashes only");
        assert!(again.get("other").is_none());
        let other = Oid::from_str("2222222222222222222222222222222222222222").unwrap();
        assert!(ContentIndex::load(dir.path(), &key, other).is_none());
        assert!(ContentIndex::load(dir.path(), &CaseKey::generate(), tree).is_none());
        let on_disk = std::fs::read(ContentIndex::path(dir.path(), tree)).unwrap();
        assert!(!on_disk.windows(10).any(|w| w == b"abcdefghjk"), "sealed");
        // A newer tree's index replaces the old file.
        ContentIndex {
            tree: other,
            lines: String::new(),
        }
        .save(dir.path(), &key);
        assert!(!ContentIndex::path(dir.path(), tree).exists());
    }
}

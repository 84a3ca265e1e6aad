//! The history of a case or of one record: which commits added, changed or removed records.

use std::collections::BTreeMap;

use git2::Oid;

use super::{Case, RECORDS_DIR, StoreError};
use crate::git::CommitInfo;
use crate::record::RecordId;

/// What a commit did to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordChange {
    Added,
    Changed,
    Removed,
}

impl RecordChange {
    /// The change as a word for output.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordChange::Added => "added",
            RecordChange::Changed => "changed",
            RecordChange::Removed => "removed",
        }
    }
}

/// A record a commit touched: its id, what happened, and its blob before and after.
pub type Touched = (RecordId, RecordChange, Option<Oid>, Option<Oid>);

/// One commit and the records it touched.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub commit: CommitInfo,
    /// Records touched, with their blob before and after.
    pub records: Vec<Touched>,
}

impl Case {
    /// The one record in the case's history, removed ones included, whose id starts with
    /// `prefix`; `None` when no record or several match.
    pub fn resolve_in_history(&self, prefix: &str) -> Result<Option<RecordId>, StoreError> {
        let prefix = prefix.to_ascii_lowercase();
        let mut found: Option<RecordId> = None;
        let mut ambiguous = false;
        self.walk_history(None, None, &mut |entry| {
            for (id, ..) in &entry.records {
                if id.is_conflict() || !id.as_str().starts_with(&prefix) {
                    continue;
                }
                match &found {
                    Some(other) if other != id => {
                        ambiguous = true;
                        return false;
                    }
                    _ => found = Some(id.clone()),
                }
            }
            true
        })?;
        Ok(if ambiguous { None } else { found })
    }

    /// Commits from newest to oldest; with `only`, just those touching that record.
    pub fn history(&self, only: Option<&RecordId>) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut out = Vec::new();
        self.walk_history(only, None, &mut |entry| {
            out.push(entry);
            true
        })?;
        Ok(out)
    }

    /// Walks the history from `from` (default HEAD), newest first, calling `visit` with each
    /// commit and the records it touched (with `only`, only commits touching that record);
    /// `visit` returns `false` to stop. Each commit is compared with its first parent tree by
    /// tree, skipping every folder both share, so a step costs what the commit changed.
    pub fn walk_history(
        &self,
        only: Option<&RecordId>,
        from: Option<Oid>,
        visit: &mut dyn FnMut(HistoryEntry) -> bool,
    ) -> Result<(), StoreError> {
        let git = StoreError::git("read history");
        let start = match from {
            Some(commit) => commit,
            None => match crate::git::head_commit(&self.repo).map_err(git)? {
                Some(commit) => commit.id(),
                None => return Ok(()),
            },
        };
        let mut walk = self
            .repo
            .revwalk()
            .map_err(StoreError::git("read history"))?;
        walk.push(start).map_err(StoreError::git("read history"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)
            .map_err(StoreError::git("read history"))?;
        for oid in walk {
            let oid = oid.map_err(StoreError::git("read history"))?;
            let commit = self
                .repo
                .find_commit(oid)
                .map_err(StoreError::git("read history"))?;
            let records = self.touched_by(&commit, only)?;
            if only.is_some() && records.is_empty() {
                continue;
            }
            let entry = HistoryEntry {
                commit: CommitInfo::of(&commit),
                records,
            };
            if !visit(entry) {
                break;
            }
        }
        Ok(())
    }

    /// The records `commit` added, changed or removed compared with its first parent.
    fn touched_by(
        &self,
        commit: &git2::Commit<'_>,
        only: Option<&RecordId>,
    ) -> Result<Vec<Touched>, StoreError> {
        let git = StoreError::git("read history");
        let tree = commit.tree().map_err(git)?;
        let parent_tree = match commit.parent(0) {
            Ok(parent) => Some(parent.tree().map_err(StoreError::git("read history"))?),
            Err(_) => None,
        };
        if let Some(id) = only {
            let after = super::read::record_blob(&tree, id);
            let before = parent_tree
                .as_ref()
                .and_then(|t| super::read::record_blob(t, id));
            return Ok(change(id, before, after).into_iter().collect());
        }
        let records = |t: &git2::Tree<'_>| {
            t.get_name(RECORDS_DIR)
                .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                .map(|e| e.id())
        };
        let (before, after) = (parent_tree.as_ref().and_then(records), records(&tree));
        if before == after {
            return Ok(Vec::new());
        }
        let mut differing = Vec::new();
        diff_trees(&self.repo, before, after, RECORDS_DIR, &mut differing)
            .map_err(StoreError::git("read history"))?;
        // A record that only moved (the upgrade to folders) has the same blob on both sides.
        let mut by_id: BTreeMap<RecordId, (Option<Oid>, Option<Oid>)> = BTreeMap::new();
        for (path, old, new) in differing {
            let Some(id) = super::record_of(&path) else {
                continue;
            };
            let slot = by_id.entry(id).or_default();
            slot.0 = slot.0.or(old);
            slot.1 = slot.1.or(new);
        }
        Ok(by_id
            .into_iter()
            .filter_map(|(id, (old, new))| change(&id, old, new))
            .collect())
    }
}

/// What happened to record `id` between blobs `before` and `after`.
fn change(id: &RecordId, before: Option<Oid>, after: Option<Oid>) -> Option<Touched> {
    let kind = match (before, after) {
        (None, Some(_)) => RecordChange::Added,
        (Some(_), None) => RecordChange::Removed,
        (Some(a), Some(b)) if a != b => RecordChange::Changed,
        _ => return None,
    };
    Some((id.clone(), kind, before, after))
}

/// The files that differ between trees `a` and `b` (either may be missing), as
/// `(path, blob in a, blob in b)`; folders both hold unchanged are skipped.
fn diff_trees(
    repo: &git2::Repository,
    a: Option<Oid>,
    b: Option<Oid>,
    prefix: &str,
    out: &mut Vec<(String, Option<Oid>, Option<Oid>)>,
) -> Result<(), git2::Error> {
    if a == b {
        return Ok(());
    }
    let entries = |oid: Option<Oid>| -> Result<BTreeMap<Vec<u8>, (Oid, bool)>, git2::Error> {
        let Some(oid) = oid else {
            return Ok(BTreeMap::new());
        };
        let tree = repo.find_tree(oid)?;
        Ok(tree
            .iter()
            .map(|e| {
                let is_tree = e.kind() == Some(git2::ObjectType::Tree);
                (e.name_bytes().to_vec(), (e.id(), is_tree))
            })
            .collect())
    };
    let (left, right) = (entries(a)?, entries(b)?);
    let names: std::collections::BTreeSet<&Vec<u8>> = left.keys().chain(right.keys()).collect();
    for name in names {
        let (l, r) = (left.get(name), right.get(name));
        if l == r {
            continue;
        }
        let path = format!("{prefix}/{}", String::from_utf8_lossy(name));
        let folder = |side: Option<&(Oid, bool)>| side.filter(|(_, t)| *t).map(|(o, _)| *o);
        let file = |side: Option<&(Oid, bool)>| side.filter(|(_, t)| !*t).map(|(o, _)| *o);
        if folder(l).is_some() || folder(r).is_some() {
            diff_trees(repo, folder(l), folder(r), &path, out)?;
        }
        if file(l).is_some() || file(r).is_some() {
            out.push((path, file(l), file(r)));
        }
    }
    Ok(())
}

/// A record's text and its parsed form, as one version of it was.
pub type Version = (String, crate::record::Record);

impl Case {
    /// The record `touched` names as it was before and after that commit: `None` where it
    /// did not exist, or that version cannot be read.
    pub fn versions(&self, touched: &Touched) -> (Option<Version>, Option<Version>) {
        let (id, _, before, after) = touched;
        let read = |oid: &Option<Oid>| -> Option<Version> {
            let text = self.record_text(id, (*oid)?).ok()?;
            let record = crate::record::parse_record(&text, "history").ok()?;
            Some((text, record))
        };
        (read(before), read(after))
    }
}

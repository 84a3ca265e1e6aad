//! The history of a case or of one record: which commits added, changed or removed records.

use std::collections::HashMap;

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
        for entry in self.history(None)? {
            for (id, ..) in &entry.records {
                if id.is_conflict() || !id.as_str().starts_with(&prefix) {
                    continue;
                }
                match &found {
                    Some(other) if other != id => return Ok(None),
                    _ => found = Some(id.clone()),
                }
            }
        }
        Ok(found)
    }

    /// Commits from newest to oldest; with `only`, just those touching that record.
    pub fn history(&self, only: Option<&RecordId>) -> Result<Vec<HistoryEntry>, StoreError> {
        let commits = crate::git::history(&self.repo).map_err(StoreError::git("read history"))?;
        let mut out = Vec::new();
        for commit in commits {
            let records = self.records_touched(&commit, only)?;
            if only.is_some() && records.is_empty() {
                continue;
            }
            out.push(HistoryEntry { commit, records });
        }
        Ok(out)
    }

    fn records_touched(
        &self,
        commit: &CommitInfo,
        only: Option<&RecordId>,
    ) -> Result<Vec<Touched>, StoreError> {
        let git_err = StoreError::git("read history");
        let this = self.repo.find_commit(commit.id).map_err(git_err)?;
        let tree = this.tree().map_err(StoreError::git("read history"))?;
        let parent_tree = match commit.parents.first() {
            Some(id) => Some(
                self.repo
                    .find_commit(*id)
                    .and_then(|c| c.tree())
                    .map_err(StoreError::git("read history"))?,
            ),
            None => None,
        };
        let subtree_id = |t: &git2::Tree<'_>| {
            t.get_path(std::path::Path::new(RECORDS_DIR))
                .ok()
                .map(|e| e.id())
        };
        if parent_tree.as_ref().map(subtree_id) == Some(subtree_id(&tree)) {
            return Ok(Vec::new());
        }
        let after: HashMap<RecordId, Oid> = self.record_ids_in(&tree)?.into_iter().collect();
        let before: HashMap<RecordId, Oid> = match &parent_tree {
            Some(t) => self.record_ids_in(t)?.into_iter().collect(),
            None => HashMap::new(),
        };
        let mut touched = Vec::new();
        for (id, oid) in &after {
            match before.get(id) {
                None => touched.push((id.clone(), RecordChange::Added, None, Some(*oid))),
                Some(old) if old != oid => {
                    touched.push((id.clone(), RecordChange::Changed, Some(*old), Some(*oid)))
                }
                Some(_) => {}
            }
        }
        for (id, oid) in &before {
            if !after.contains_key(id) {
                touched.push((id.clone(), RecordChange::Removed, Some(*oid), None));
            }
        }
        if let Some(only) = only {
            touched.retain(|(id, ..)| id == only);
        }
        touched.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(touched)
    }
}

//! `fsck --repair`: puts back what the members wrote and re-encrypts what an earlier case key
//! still opens, in one commit; then brings the files beside `.git` up to date.

use super::{ATTACHMENTS_DIR, CASE_FILE, CASE_KEY_FILE, Case, CaseLock, RECORDS_DIR, StoreError};
use crate::git::CommitContext;

/// What a repair did.
#[derive(Debug, Default)]
pub struct RepairReport {
    /// Files put back as the last trusted commit had them (or removed, when it had none).
    pub restored: Vec<String>,
    /// Files re-encrypted to the current case key.
    pub reencrypted: Vec<String>,
    /// The commit, when anything changed.
    pub commit: Option<git2::Oid>,
}

impl Case {
    /// Repairs the case (see the module docs).
    pub fn repair(
        &self,
        lock: &CaseLock,
        context: &CommitContext,
    ) -> Result<RepairReport, StoreError> {
        let mut report = RepairReport::default();
        let mut tx = self.transaction(lock);
        tx.repair_untrusted(self.commits_since_trusted());
        if self.head_problem().is_some() {
            if self.untrusted_files().contains(CASE_KEY_FILE) {
                // The key itself is in question: only a fresh copy from a member settles it.
                return Err(StoreError::KeyNotTrusted {
                    case: self.slug.clone(),
                    commit: self.head_commit(),
                });
            }
            let trusted = self
                .trust
                .trusted_commit
                .and_then(|c| self.repo.find_commit(c).ok())
                .and_then(|c| c.tree().ok());
            let (_, removed) = self.head_problem().expect("checked above");
            for path in self.untrusted_files().iter().chain(removed) {
                match trusted.as_ref().and_then(|t| crate::git::blob_id(t, path)) {
                    Some(oid) => tx.put_existing(path, oid),
                    None => tx.remove_path(path),
                }
                report.restored.push(path.clone());
            }
        }
        // Files an earlier key still opens: re-encrypted, as text for records and case
        // details, streamed for attachments.
        let tree = crate::git::head_tree(&self.repo)
            .map_err(StoreError::git("read the case"))?
            .ok_or_else(|| StoreError::NotACase {
                path: self.root.clone(),
            })?;
        let mut stale = Vec::new();
        for dir in [RECORDS_DIR, ATTACHMENTS_DIR] {
            stale.extend(
                crate::git::files_under(&self.repo, &tree, dir, 2)
                    .map_err(StoreError::git("list the case"))?,
            );
        }
        if let Some(oid) = crate::git::blob_id(&tree, CASE_FILE) {
            stale.push((CASE_FILE.to_owned(), oid));
        }
        let mut renamed = std::collections::BTreeMap::new();
        for (path, oid) in stale {
            if report.restored.contains(&path) || self.opens_with_current(oid) {
                continue;
            }
            if let Some(name) = super::attachment_of(&path) {
                let new = tx.reencrypt_attachment(oid, &self.key, name)?;
                if super::attachment_path(&new) != path {
                    tx.remove_path(&path);
                }
                if new != name {
                    renamed.insert(name.to_owned(), new);
                }
            } else if path == CASE_FILE {
                let (text, _) = self.meta()?;
                tx.put_meta(&text)?;
            } else if let Some(id) = super::record_of(&path) {
                let text = self.record_text(&id, oid)?;
                tx.force_record(&id, &text)?;
                if super::record_path(&id) != path {
                    tx.remove_path(&path);
                }
            }
            report.reencrypted.push(path);
        }
        // Records that name a re-encrypted attachment follow its new name.
        if !renamed.is_empty() {
            for (id, text) in self.texts()? {
                let Ok(text) = text else { continue };
                let moved = super::rename_attachments(&text, &renamed);
                if moved != text {
                    tx.force_record(&id, &moved)?;
                }
            }
        }
        if !tx.is_empty() {
            report.commit = tx.commit("repair case", context)?;
        }
        self.sync_working_files()?;
        Ok(report)
    }

    /// The commits from the last trusted one (excluded) to HEAD: what a repair covers.
    fn commits_since_trusted(&self) -> Vec<git2::Oid> {
        if self.head_problem().is_none() {
            return Vec::new();
        }
        let Ok(mut walk) = self.repo.revwalk() else {
            return Vec::new();
        };
        if walk.push(self.head_commit()).is_err() {
            return Vec::new();
        }
        if let Some(trusted) = self.trust.trusted_commit {
            let _ = walk.hide(trusted);
        }
        walk.flatten().collect()
    }

    /// Whether blob `oid` is encrypted to the current case key (unreadable blobs count as
    /// current: fsck reports them on their own).
    fn opens_with_current(&self, oid: git2::Oid) -> bool {
        let read = |check: &dyn Fn(&mut dyn std::io::BufRead) -> bool| {
            super::blob::with_blob_reader(&self.repo, oid, |ciphertext, _| check(ciphertext))
                .unwrap_or(true)
        };
        read(&|ciphertext| self.key.opens_with_current(ciphertext))
            || !read(&|ciphertext| self.key.decrypt_reader(ciphertext, "a file").is_ok())
    }
}

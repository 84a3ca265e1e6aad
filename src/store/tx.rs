//! Writing to a case: a [`Transaction`] stages encrypted files in git's object database and
//! commits them all at once, or nothing.
//!
//! Order of work in `commit`: (1) a crash marker is written, (2) the commit is created and
//! HEAD moved in one atomic ref update, (3) the working tree and index are brought up to date,
//! (4) the marker is removed. A crash before (2) leaves HEAD untouched; a crash after it is
//! finished by the next command ([`Case::lock`] repairs from the marker). Ctrl-C waits for
//! the whole sequence to end ([`crate::atomic::critical_section`]).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use git2::Oid;

use super::{CASE_FILE, Case, CaseLock, StoreError, attachment_path, record_path};
use crate::git::{CommitContext, PathChange};
use crate::record::{Attachment, RecordId, parse_case_meta, parse_record};

/// The marker saying a working-tree update is in progress.
pub(crate) fn checkout_marker(root: &Path) -> PathBuf {
    super::local_dir(root).join("checkout-pending")
}

/// Where files are written before being renamed into place; emptied by the next command
/// after a crash.
pub(crate) fn temp_dir(root: &Path) -> PathBuf {
    super::local_dir(root).join("tmp")
}

/// What the working tree gets for a staged path.
enum Working {
    Bytes(Vec<u8>),
    /// A blob already in the object database (from a fetched commit).
    Stored,
    /// An encrypted attachment written beside its final place, removed on Ctrl-C.
    Temp(tempfile::NamedTempFile, crate::atomic::CleanupGuard),
}

enum Staged {
    Put { blob: Oid, working: Working },
    Remove,
}

/// Changes to one case, committed together by [`Transaction::commit`].
pub struct Transaction<'c> {
    case: &'c Case,
    _lock: &'c CaseLock,
    staged: BTreeMap<String, Staged>,
    /// The key new files are encrypted to, when it is not the case's current key (rotation).
    key: Option<&'c crate::crypto::CaseKey>,
    /// Parents of the commit besides HEAD (a merge).
    extra_parents: Vec<Oid>,
}

impl<'c> Transaction<'c> {
    pub(super) fn new(case: &'c Case, lock: &'c CaseLock) -> Self {
        Transaction {
            case,
            _lock: lock,
            staged: BTreeMap::new(),
            key: None,
            extra_parents: Vec::new(),
        }
    }

    /// Encrypts everything staged from now on to `key` instead of the case's key, and never
    /// skips a record as unchanged (its ciphertext must change with the key).
    pub fn encrypt_to(&mut self, key: &'c crate::crypto::CaseKey) {
        self.key = Some(key);
    }

    fn key(&self) -> &crate::crypto::CaseKey {
        self.key.unwrap_or(&self.case.key)
    }

    /// Makes the commit a merge with `parent` as its second parent.
    pub fn merge_parent(&mut self, parent: Oid) {
        self.extra_parents.push(parent);
    }

    /// Stages `path` with an existing blob, as it is (a file taken from a fetched commit).
    pub fn put_existing(&mut self, path: &str, blob: Oid) {
        self.staged.insert(
            path.to_owned(),
            Staged::Put {
                blob,
                working: Working::Stored,
            },
        );
    }

    /// Stages ciphertext for `path`, as it is.
    pub fn put_ciphertext(&mut self, path: &str, ciphertext: Vec<u8>) -> Result<(), StoreError> {
        self.put_bytes(path.to_owned(), ciphertext)
    }

    /// Stages the removal of `path`.
    pub fn remove_path(&mut self, path: &str) {
        self.staged.insert(path.to_owned(), Staged::Remove);
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Stages record `id` with `text` (validated here). Returns `false` when the record
    /// already has exactly this text: unchanged records are never re-encrypted.
    pub fn put_record(&mut self, id: &RecordId, text: &str) -> Result<bool, StoreError> {
        parse_record(text, &format!("record {id}"))?;
        let path = record_path(id);
        let head =
            crate::git::head_tree(&self.case.repo).map_err(StoreError::git("read the case"))?;
        if self.key.is_none()
            && let Some(oid) = head
                .as_ref()
                .and_then(|tree| crate::git::blob_id(tree, &path))
            && self
                .case
                .record_text(id, oid)
                .is_ok_and(|current| current == text)
        {
            self.staged.remove(&path);
            return Ok(false);
        }
        let ciphertext = self
            .key()
            .encrypt(text.as_bytes(), &format!("record {id}"))?;
        self.put_bytes(path, ciphertext)?;
        Ok(true)
    }

    /// Stages the removal of record `id`.
    pub fn remove_record(&mut self, id: &RecordId) {
        self.staged.insert(record_path(id), Staged::Remove);
    }

    /// Stages new case metadata (validated here).
    pub fn put_meta(&mut self, text: &str) -> Result<(), StoreError> {
        parse_case_meta(text, "case metadata")?;
        let ciphertext = self.key().encrypt(text.as_bytes(), "the case metadata")?;
        self.put_bytes(CASE_FILE.to_owned(), ciphertext)
    }

    /// Stages a file that is not secret (`.iepcase/format`, recipients, the wrapped key).
    pub fn put_plain(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.put_bytes(path.to_owned(), bytes)
    }

    fn put_bytes(&mut self, path: String, bytes: Vec<u8>) -> Result<(), StoreError> {
        let blob = self
            .case
            .repo
            .blob(&bytes)
            .map_err(StoreError::git("store a file"))?;
        self.staged.insert(
            path,
            Staged::Put {
                blob,
                working: Working::Bytes(bytes),
            },
        );
        Ok(())
    }

    /// Encrypts and stages the file at `file` as an attachment, streaming it; returns its
    /// metadata for the record's `[[attachments]]`. A file already in the case is not stored
    /// twice.
    pub fn add_attachment(&mut self, file: &Path) -> Result<Attachment, StoreError> {
        let open = || {
            File::open(file)
                .map(BufReader::new)
                .map_err(StoreError::io(file))
        };
        let mut mac = self.key().attachment_mac();
        let mut reader = open()?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = reader.read(&mut buf).map_err(StoreError::io(file))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            mac.update(&buf[..n]);
        }
        let (blob_name, sha256) = mac.finish();
        let name = file
            .file_name()
            .map_or_else(|| "attachment".into(), |n| n.to_string_lossy().into_owned());
        let attachment = Attachment {
            media_type: Some(media_type(&name)),
            name,
            size: Some(size),
            sha256,
            blob: Some(blob_name.clone()),
        };
        let path = attachment_path(&blob_name);
        if self.staged.contains_key(&path) || self.case.has_attachment(&blob_name)? {
            return Ok(attachment);
        }
        let dir = temp_dir(&self.case.root);
        fs_err::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
        let temp = tempfile::Builder::new()
            .prefix(".iepcase-tmp-")
            .tempfile_in(&dir)
            .map_err(StoreError::io(&dir))?;
        let guard = crate::atomic::remove_on_interrupt(temp.path());
        {
            let mut out = std::io::BufWriter::new(temp.as_file());
            self.key().encrypt_stream(
                &mut open()?,
                &mut out,
                &format!("attachment `{}`", attachment.name),
            )?;
            std::io::Write::flush(&mut out).map_err(StoreError::io(temp.path()))?;
        }
        let blob = self
            .case
            .repo
            .blob_path(temp.path())
            .map_err(StoreError::git("store an attachment"))?;
        self.staged.insert(
            path,
            Staged::Put {
                blob,
                working: Working::Temp(temp, guard),
            },
        );
        Ok(attachment)
    }

    /// Encrypts and stages in-memory bytes as an attachment named `name`.
    pub fn add_attachment_bytes(
        &mut self,
        name: &str,
        data: &[u8],
    ) -> Result<Attachment, StoreError> {
        let mut mac = self.key().attachment_mac();
        mac.update(data);
        let (blob_name, sha256) = mac.finish();
        let attachment = Attachment {
            name: name.to_owned(),
            media_type: Some(media_type(name)),
            size: Some(data.len() as u64),
            sha256,
            blob: Some(blob_name.clone()),
        };
        let path = attachment_path(&blob_name);
        if !self.staged.contains_key(&path) && !self.case.has_attachment(&blob_name)? {
            let ciphertext = self.key().encrypt(data, &format!("attachment `{name}`"))?;
            self.put_bytes(path, ciphertext)?;
        }
        Ok(attachment)
    }

    /// Commits everything staged with `message`; `None` when nothing changed. A merge is
    /// committed even when its tree is HEAD's (both sides made the same change): without the
    /// commit, HEAD would not contain the other parent and the next push would be refused.
    pub fn commit(self, message: &str, context: &CommitContext) -> Result<Option<Oid>, StoreError> {
        if self.staged.is_empty() && self.extra_parents.is_empty() {
            return Ok(None);
        }
        failpoint("pause-before-commit");
        let case = self.case;
        let changes: Vec<PathChange> = self
            .staged
            .iter()
            .map(|(path, staged)| match staged {
                Staged::Put { blob, .. } => PathChange::Put {
                    path: path.clone(),
                    blob: *blob,
                },
                Staged::Remove => PathChange::Remove { path: path.clone() },
            })
            .collect();
        let critical = crate::atomic::critical_section();
        let marker = checkout_marker(&case.root);
        fs_err::create_dir_all(temp_dir(&case.root)).map_err(StoreError::io(&marker))?;
        crate::atomic::write(&marker, b"", None).map_err(StoreError::io(&marker))?;
        failpoint("before-commit");
        let commit =
            crate::git::commit(&case.repo, &changes, message, context, &self.extra_parents)
                .map_err(StoreError::git("commit"))?;
        if commit.is_some() {
            crate::atomic::note_saved();
            failpoint("after-commit");
            self.update_working_tree()?;
        }
        fs_err::remove_file(&marker).map_err(StoreError::io(&marker))?;
        drop(critical);
        failpoint("pause-after-commit");
        Ok(commit)
    }

    fn update_working_tree(self) -> Result<(), StoreError> {
        let root = self.case.root.clone();
        for (n, (path, staged)) in self.staged.into_iter().enumerate() {
            let target = root.join(&path);
            if let Some(dir) = target.parent() {
                fs_err::create_dir_all(dir).map_err(StoreError::io(dir))?;
            }
            match staged {
                Staged::Put {
                    working: Working::Bytes(bytes),
                    ..
                } => {
                    crate::atomic::write_in(&temp_dir(&root), &target, &bytes, None)
                        .map_err(StoreError::io(&target))?;
                }
                Staged::Put {
                    blob,
                    working: Working::Stored,
                } => {
                    let data = self
                        .case
                        .repo
                        .find_blob(blob)
                        .map_err(StoreError::git("read a file"))?;
                    crate::atomic::write_in(&temp_dir(&root), &target, data.content(), None)
                        .map_err(StoreError::io(&target))?;
                }
                Staged::Put {
                    working: Working::Temp(temp, _guard),
                    ..
                } => {
                    temp.persist(&target).map_err(|e| StoreError::Io {
                        path: target.clone(),
                        source: e.error,
                    })?;
                }
                Staged::Remove => match fs_err::remove_file(&target) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(StoreError::Io {
                            path: target,
                            source: e,
                        });
                    }
                },
            }
            if n == 0 {
                failpoint("mid-checkout");
            }
        }
        Ok(())
    }
}

/// The media type guessed from a file name.
pub fn media_type(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".eml") {
        return "message/rfc822".into();
    }
    mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// Test builds can simulate a crash at a named point (`IEPCASE_FAILPOINT=after-commit`);
/// `pause-…` points wait instead, so a test can interrupt the command there.
fn failpoint(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("IEPCASE_FAILPOINT").is_ok_and(|v| v == name) {
        if name.starts_with("pause-") {
            std::thread::sleep(std::time::Duration::from_secs(5));
        } else {
            std::process::abort();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

impl Case {
    /// Moves HEAD forward to `target` (a descendant of HEAD, such as a fetched commit) and
    /// brings the working files up to date, with the same crash safety as a commit.
    pub fn fast_forward(&self, _lock: &CaseLock, target: Oid) -> Result<(), StoreError> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(StoreError::git("read the case"))?;
        let _critical = crate::atomic::critical_section();
        let marker = checkout_marker(&self.root);
        fs_err::create_dir_all(temp_dir(&self.root)).map_err(StoreError::io(&marker))?;
        crate::atomic::write(&marker, b"", None).map_err(StoreError::io(&marker))?;
        let branch = format!("refs/heads/{}", crate::git::BRANCH);
        self.repo
            .reference_matching(&branch, target, true, head.id(), "iepcase: fast-forward")
            .map_err(StoreError::git("move to the fetched changes"))?;
        self.sync_working_files()?;
        fs_err::remove_file(&marker).map_err(StoreError::io(&marker))?;
        Ok(())
    }
}

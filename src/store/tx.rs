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
    /// Parents of the commit besides HEAD (a merge), with the case key each was made with
    /// when it is not this case's.
    extra_parents: Vec<(Oid, Option<&'c crate::crypto::CaseKey>)>,
    /// A repair that replaces files no member vouches for may commit on top of them; it
    /// names the commits it repairs.
    repairs_untrusted: Option<Vec<Oid>>,
    /// The largest file [`Transaction::add_attachment`] takes, in bytes.
    max_attachment: u64,
}

/// The largest attachment iepcase takes unless told otherwise (`--max-size`), in bytes.
pub const DEFAULT_MAX_ATTACHMENT: u64 = 1 << 30;

impl<'c> Transaction<'c> {
    pub(super) fn new(case: &'c Case, lock: &'c CaseLock) -> Self {
        Transaction {
            case,
            _lock: lock,
            staged: BTreeMap::new(),
            key: None,
            extra_parents: Vec::new(),
            repairs_untrusted: None,
            max_attachment: DEFAULT_MAX_ATTACHMENT,
        }
    }

    /// Lets [`Transaction::add_attachment`] take files up to `bytes` (default 1 GiB).
    pub fn limit_attachments(&mut self, bytes: u64) {
        self.max_attachment = bytes;
    }

    /// Lets this transaction commit on a HEAD that holds unauthenticated files: it is the
    /// repair that puts back what members wrote, and names the `commits` it repairs.
    pub fn repair_untrusted(&mut self, commits: Vec<Oid>) {
        self.repairs_untrusted = Some(commits);
    }

    /// Encrypts everything staged from now on to `key` instead of the case's key, and never
    /// skips a record as unchanged (its ciphertext must change with the key).
    pub fn encrypt_to(&mut self, key: &'c crate::crypto::CaseKey) {
        self.key = Some(key);
    }

    fn key(&self) -> &crate::crypto::CaseKey {
        self.key.unwrap_or(&self.case.key)
    }

    /// Makes the commit a merge with `parent` as its second parent; `key` is the case key
    /// `parent` was made with, when it is not this case's (the new commit proves it succeeds it).
    pub fn merge_parent(&mut self, parent: Oid, key: Option<&'c crate::crypto::CaseKey>) {
        self.extra_parents.push((parent, key));
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
                .and_then(|tree| super::read::record_blob(tree, id))
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

    /// Stages record `id` with `text`, encrypted anew even when the text is unchanged (to
    /// move it to the current key).
    pub fn force_record(&mut self, id: &RecordId, text: &str) -> Result<(), StoreError> {
        parse_record(text, &format!("record {id}"))?;
        let ciphertext = self
            .key()
            .encrypt(text.as_bytes(), &format!("record {id}"))?;
        self.put_bytes(record_path(id), ciphertext)
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
        let too_large = |size| StoreError::AttachmentTooLarge {
            path: file.to_owned(),
            size,
            limit: self.max_attachment,
        };
        let declared = fs_err::metadata(file).map_err(StoreError::io(file))?.len();
        if declared > self.max_attachment {
            return Err(too_large(declared));
        }
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
            // A file that grows while it is read (a device, a log) stops at the limit too.
            if size > self.max_attachment {
                return Err(too_large(size));
            }
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
                &mut Read::take(open()?, size),
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

    /// Re-encrypts the attachment in blob `oid` (encrypted to `from`) to this transaction's
    /// key, streaming it through a temporary file in bounded memory, and stages it under its
    /// new name; returns that name.
    pub fn reencrypt_attachment(
        &mut self,
        oid: Oid,
        from: &crate::crypto::CaseKey,
        name: &str,
    ) -> Result<String, StoreError> {
        let case = self.case;
        let what = format!("attachment {name}");
        let dir = temp_dir(&case.root);
        fs_err::create_dir_all(&dir).map_err(StoreError::io(&dir))?;
        let temp = tempfile::Builder::new()
            .prefix(".iepcase-tmp-")
            .tempfile_in(&dir)
            .map_err(StoreError::io(&dir))?;
        let guard = crate::atomic::remove_on_interrupt(temp.path());
        let key = self.key();
        let unreadable = |source| StoreError::FileUnreadable {
            case: case.slug.clone(),
            what: what.clone(),
            source,
        };
        let new_name = super::blob::with_blob_reader(&case.repo, oid, |ciphertext, _| {
            let reader = from.decrypt_reader(ciphertext, &what).map_err(unreadable)?;
            let mut tee = MacReader {
                inner: reader,
                mac: key.attachment_mac(),
            };
            let mut out = std::io::BufWriter::new(temp.as_file());
            key.encrypt_stream(&mut tee, &mut out, &what)
                .map_err(unreadable)?;
            std::io::Write::flush(&mut out).map_err(StoreError::io(temp.path()))?;
            Ok::<_, StoreError>(tee.mac.finish().0)
        })
        .map_err(|source| StoreError::CorruptObject {
            case: case.slug.clone(),
            what: what.clone(),
            source,
        })??;
        let blob = case
            .repo
            .blob_path(temp.path())
            .map_err(StoreError::git("store an attachment"))?;
        self.staged.insert(
            attachment_path(&new_name),
            Staged::Put {
                blob,
                working: Working::Temp(temp, guard),
            },
        );
        Ok(new_name)
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

    /// Commits everything staged with `message`, with a new manifest; `None` when nothing
    /// changed. A merge is committed even when its tree is HEAD's (both sides made the same
    /// change): without the commit, HEAD would not contain the other parent and the next push
    /// would be refused.
    pub fn commit(self, message: &str, context: &CommitContext) -> Result<Option<Oid>, StoreError> {
        if self.staged.is_empty() && self.extra_parents.is_empty() {
            return Ok(None);
        }
        let case = self.case;
        if case.trust.problem.is_some() && self.repairs_untrusted.is_none() {
            return Err(StoreError::UntrustedHead {
                case: case.slug.clone(),
                commit: case.head.get(),
            });
        }
        super::failpoint::reach("pause-before-commit");
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
        let git = StoreError::git("commit");
        let parent = crate::git::head_commit(&case.repo).map_err(git)?;
        // Whatever HEAD is now must be what this command opened: the lock guarantees it.
        if parent.as_ref().map(|c| c.id()) != Some(case.head.get()) && !case.head.get().is_zero() {
            return Err(StoreError::KeyChanged {
                case: case.slug.clone(),
            });
        }
        let base = crate::git::tree_or_empty(&case.repo, parent.as_ref())
            .map_err(StoreError::git("commit"))?;
        let tree = crate::git::updated_tree(&case.repo, &base, &changes)
            .map_err(StoreError::git("commit"))?;
        if parent.is_some() && tree == base.id() && self.extra_parents.is_empty() {
            return Ok(None);
        }
        let (tree, version, manifest) = self.with_manifest(parent.as_ref(), tree)?;
        let critical = crate::atomic::critical_section();
        let marker = checkout_marker(&case.root);
        fs_err::create_dir_all(temp_dir(&case.root)).map_err(StoreError::io(&marker))?;
        crate::atomic::write(&marker, b"", None).map_err(StoreError::io(&marker))?;
        super::failpoint::reach("before-commit");
        let extra: Vec<Oid> = self.extra_parents.iter().map(|(oid, _)| *oid).collect();
        let commit =
            crate::git::commit_tree(&case.repo, parent.as_ref(), tree, message, context, &extra)
                .map_err(StoreError::git("commit"))?;
        crate::atomic::note_saved();
        case.head.set(commit);
        // The new key and version are this copy's to trust from now on.
        let _ = super::trust::Pin {
            key: self.key().fingerprint().to_owned(),
            version,
        }
        .save(&case.root);
        super::failpoint::reach("after-commit");
        let root = case.root.clone();
        self.update_working_tree()?;
        if let Some(text) = manifest {
            let path = super::safe_join(&root, super::MANIFEST_FILE)
                .ok_or_else(|| StoreError::io(&root)(std::io::ErrorKind::InvalidInput.into()))?;
            crate::atomic::write_copy_in(&temp_dir(&root), &path, text.as_bytes(), None)
                .map_err(StoreError::io(&path))?;
        }
        // The working files are copies of the commit, written without waiting for the disk:
        // the marker (which was) stays until here, so after a crash or power loss the next
        // command rewrites them from git.
        fs_err::remove_file(&marker).map_err(StoreError::io(&marker))?;
        drop(critical);
        super::failpoint::reach("pause-after-commit");
        Ok(Some(commit))
    }

    /// Adds `.iepcase/manifest` to `tree` when the case is in format 2; returns the tree and
    /// the manifest's version.
    fn with_manifest(
        &self,
        parent: Option<&git2::Commit<'_>>,
        tree: Oid,
    ) -> Result<(Oid, u64, Option<String>), StoreError> {
        let repo = &self.case.repo;
        let git = |action| StoreError::git(action);
        let tree_obj = repo.find_tree(tree).map_err(git("commit"))?;
        let format =
            super::trust::format_of(repo, &tree_obj).map_err(|reason| StoreError::BadFormat {
                case: self.case.slug.clone(),
                reason: reason.to_string(),
            })?;
        if format < 2 {
            return Ok((tree, 0, None));
        }
        let key = self.key();
        let mut version = 0;
        let mut proofs = Vec::new();
        let parents = parent
            .map(|c| (c.id(), Some(&self.case.key)))
            .into_iter()
            .chain(self.extra_parents.iter().map(|(oid, k)| (*oid, *k)));
        for (oid, parent_key) in parents {
            let parent_tree = repo
                .find_commit(oid)
                .and_then(|c| c.tree())
                .map_err(git("read a parent commit"))?;
            let Ok((parent_state, _)) = super::trust::state_of(repo, &parent_tree) else {
                continue;
            };
            version = version.max(parent_state.version);
            let Some(from) = parent_state.key else {
                continue;
            };
            if from == key.fingerprint()
                || proofs.iter().any(|(f, _): &(String, String)| *f == from)
            {
                continue;
            }
            let old = parent_key
                .unwrap_or(&self.case.key)
                .chain()
                .into_iter()
                .find(|k| k.fingerprint() == from)
                .ok_or_else(|| StoreError::KeyChanged {
                    case: self.case.slug.clone(),
                })?;
            proofs.push((from.clone(), old.successor_proof(key.fingerprint())));
        }
        version += 1;
        let entries = super::manifest::entries_of(repo, &tree_obj).map_err(git("commit"))?;
        let repairs = self.repairs_untrusted.clone().unwrap_or_default();
        let manifest = super::manifest::Manifest::repairing(version, key, proofs, repairs, entries);
        let text = manifest.render();
        let blob = repo.blob(text.as_bytes()).map_err(git("store a file"))?;
        let with = crate::git::updated_tree(
            repo,
            &tree_obj,
            &[PathChange::Put {
                path: super::MANIFEST_FILE.to_owned(),
                blob,
            }],
        )
        .map_err(git("commit"))?;
        Ok((with, version, Some(text)))
    }

    fn update_working_tree(self) -> Result<(), StoreError> {
        let root = self.case.root.clone();
        for (n, (path, staged)) in self.staged.into_iter().enumerate() {
            let target = super::safe_join(&root, &path).ok_or_else(|| StoreError::Io {
                path: root.join(&path),
                source: std::io::ErrorKind::InvalidInput.into(),
            })?;
            if let Some(dir) = target.parent() {
                fs_err::create_dir_all(dir).map_err(StoreError::io(dir))?;
            }
            match staged {
                Staged::Put {
                    working: Working::Bytes(bytes),
                    ..
                } => {
                    crate::atomic::write_copy_in(&temp_dir(&root), &target, &bytes, None)
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
                    crate::atomic::write_copy_in(&temp_dir(&root), &target, data.content(), None)
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
                super::failpoint::reach("mid-checkout");
            }
        }
        Ok(())
    }
}

/// Feeds what passes through it into an attachment MAC.
struct MacReader<R> {
    inner: R,
    mac: crate::crypto::AttachmentMac,
}

impl<R: Read> Read for MacReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.mac.update(&buf[..n]);
        Ok(n)
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

impl Case {
    /// Moves HEAD forward to `target` (a verified descendant of HEAD, such as a fetched
    /// commit whose case key is `key`) and brings the working files up to date, with the same
    /// crash safety as a commit. `key` becomes the key this copy trusts.
    pub fn fast_forward(
        &self,
        _lock: &CaseLock,
        target: Oid,
        key: &crate::crypto::CaseKey,
    ) -> Result<(), StoreError> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(StoreError::git("read the case"))?;
        let version = self
            .repo
            .find_commit(target)
            .and_then(|c| c.tree())
            .ok()
            .and_then(|tree| super::trust::state_of(&self.repo, &tree).ok())
            .map_or(0, |(state, _)| state.version);
        let _critical = crate::atomic::critical_section();
        let marker = checkout_marker(&self.root);
        fs_err::create_dir_all(temp_dir(&self.root)).map_err(StoreError::io(&marker))?;
        crate::atomic::write(&marker, b"", None).map_err(StoreError::io(&marker))?;
        let branch = format!("refs/heads/{}", crate::git::BRANCH);
        self.repo
            .reference_matching(&branch, target, true, head.id(), "iepcase: fast-forward")
            .map_err(StoreError::git("move to the fetched changes"))?;
        self.head.set(target);
        let _ = super::trust::Pin {
            key: key.fingerprint().to_owned(),
            version,
        }
        .save(&self.root);
        self.sync_working_files()?;
        fs_err::remove_file(&marker).map_err(StoreError::io(&marker))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;

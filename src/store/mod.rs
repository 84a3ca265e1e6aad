//! A case on disk: one git repository of age-encrypted files (SPEC section 2).
//!
//! ```text
//! .iepcase/format         "iepcase-case 3"
//! .iepcase/recipients     members' public keys, `# label` comments
//! .iepcase/case-key.age   the case key, wrapped to every member
//! .iepcase/manifest       every file's id, versioned and authenticated with the case key
//! case.age                case metadata
//! records/k/3/<id>.age    one record each, in folders of its first two characters
//! attachments/7/c/<mac>.age  one attached file each, named by a keyed hash
//! .git/iepcase/           local only: lock, trust pin, plaintext cache (encrypted), crash marker
//! ```
//!
//! Reads come from HEAD's tree, not the working tree; writes go through a [`Transaction`]
//! that commits all its changes or none, with a new manifest ([`manifest`]). Opening a case
//! checks HEAD against its manifest and the key this copy pinned ([`trust`]); files no
//! member vouches for cannot be read or built upon. The working tree mirrors HEAD for people
//! who want to decrypt files by hand.

mod advice;
pub mod blob;
mod cache;
mod contents;
pub mod failpoint;
#[cfg(test)]
pub(crate) mod fixture;
mod fsck;
#[cfg(test)]
mod fuzz;
mod history;
mod kept;
pub mod layout;
mod lock;
pub mod manifest;
mod members;
pub mod pack;
mod read;
mod repair;
mod summary;
pub mod trust;
mod tx;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use crate::crypto::{CaseKey, CryptoError, Identities, Recipient};
use crate::record::{IdError, RecordError, RecordId};

pub use crate::record::StoredRecord;
pub use cache::{CacheKind, PlainCache};
pub use contents::ContentIndex;
pub use fsck::{FsckReport, Problem};
pub use history::{HistoryEntry, RecordChange, Touched, Version};
pub use lock::CaseLock;
pub use members::{
    Members, MembershipError, is_encrypted_data, is_membership_file, rename_attachments,
};
pub use read::{Broken, LoadedRecords, RecordText};
pub use repair::RepairReport;
pub use summary::{LoadedSummaries, RecordSummary};
pub use tx::{DEFAULT_MAX_ATTACHMENT, Transaction};

pub const FORMAT_FILE: &str = ".iepcase/format";
pub const MANIFEST_FILE: &str = ".iepcase/manifest";
pub const RECIPIENTS_FILE: &str = ".iepcase/recipients";
pub const CASE_KEY_FILE: &str = ".iepcase/case-key.age";
pub const CASE_FILE: &str = "case.age";
pub const RECORDS_DIR: &str = "records";
pub const ATTACHMENTS_DIR: &str = "attachments";

/// The path of record `id` in the repository: `records/k/3/k3f9a2bq7x.age`, in a folder per
/// first and second character so that a commit rewrites small trees (format 3).
pub fn record_path(id: &RecordId) -> String {
    let b = id.as_str().as_bytes();
    format!("{RECORDS_DIR}/{}/{}/{id}.age", b[0] as char, b[1] as char)
}

/// The path of the attachment named `blob` in the repository: `attachments/7/c/7c51….age`.
pub fn attachment_path(blob: &str) -> String {
    let mut chars = blob.chars();
    let (a, b) = (chars.next().unwrap_or('0'), chars.next().unwrap_or('0'));
    format!("{ATTACHMENTS_DIR}/{a}/{b}/{blob}.age")
}

/// Where formats 1 and 2 kept record `id`: `records/k3f9a2bq7x.age`.
pub fn flat_record_path(id: &RecordId) -> String {
    format!("{RECORDS_DIR}/{id}.age")
}

/// Where formats 1 and 2 kept attachment `blob`.
pub fn flat_attachment_path(blob: &str) -> String {
    format!("{ATTACHMENTS_DIR}/{blob}.age")
}

/// The record a path of either layout holds.
pub fn record_of(path: &str) -> Option<RecordId> {
    let name = match path.split('/').collect::<Vec<_>>().as_slice() {
        [RECORDS_DIR, name] => *name,
        [RECORDS_DIR, a, b, name] => {
            let name = *name;
            (name.len() > 2 && name[..1] == **a && name[1..2] == **b).then_some(name)?
        }
        _ => return None,
    };
    RecordId::parse(name.strip_suffix(".age")?)
}

/// The attachment name a path of either layout holds.
pub fn attachment_of(path: &str) -> Option<&str> {
    let name = match path.split('/').collect::<Vec<_>>().as_slice() {
        [ATTACHMENTS_DIR, name] => *name,
        [ATTACHMENTS_DIR, a, b, name] => {
            let name = *name;
            (name.len() > 2 && name[..1] == **a && name[1..2] == **b).then_some(name)?
        }
        _ => return None,
    };
    let mac = name.strip_suffix(".age")?;
    (mac.len() == 64 && mac.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(mac)
}

/// iepcase's local state inside a case's `.git`.
pub fn local_dir(root: &Path) -> PathBuf {
    root.join(".git").join("iepcase")
}

/// Errors reading or writing a case.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{} is not an iepcase case", path.display())]
    NotACase { path: PathBuf },
    #[error("case `{case}` uses format {found}, newer than this iepcase knows")]
    NewerFormat { case: String, found: u32 },
    #[error("case `{case}` cannot be opened: {reason}")]
    BadFormat { case: String, reason: String },
    #[error(
        "the case key of case `{case}` is not the one this copy trusts: it was replaced outside iepcase"
    )]
    KeyNotTrusted { case: String, commit: Oid },
    #[error("{what} of case `{case}` is not authenticated: no member of the case wrote it")]
    Unauthenticated {
        case: String,
        what: String,
        commit: Oid,
    },
    #[error("case `{case}` holds changes no member made (commit {}); nothing can be added on top of them", &commit.to_string()[..10])]
    UntrustedHead { case: String, commit: Oid },
    #[error("{what} of case `{case}` cannot be read: git's copy of it is damaged")]
    CorruptObject {
        case: String,
        what: String,
        source: git2::Error,
    },
    #[error("{} is {} MiB, over the limit of {} MiB for one attachment", path.display(), size / (1 << 20), limit / (1 << 20))]
    AttachmentTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("case `{case}` changed while this command ran")]
    KeyChanged { case: String },
    #[error("your key is not a member of case `{case}`")]
    NotAMember {
        case: String,
        public_keys: Vec<String>,
    },
    #[error("record {id} of case `{case}` cannot be read")]
    Unreadable {
        case: String,
        id: String,
        source: CryptoError,
    },
    #[error("{what} of case `{case}` cannot be read")]
    FileUnreadable {
        case: String,
        what: String,
        source: CryptoError,
    },
    #[error(transparent)]
    Invalid(#[from] RecordError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("{source}")]
    Id { source: IdError },
    #[error("git failed to {action}")]
    Git {
        action: &'static str,
        source: git2::Error,
    },
    #[error("cannot read or write {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("case `{case}` is busy: {holder} is working on it")]
    Locked { case: String, holder: String },
    #[error("case `{slug}` already exists")]
    CaseExists { slug: String },
    #[error("`{rev}` is not a revision of this case")]
    NoSuchRevision { rev: String },
    #[error("record {id} does not exist at revision `{rev}`")]
    NotAtRevision { id: String, rev: String },
    #[error("attachment `{name}` of record {id} is missing from the case")]
    AttachmentMissing { id: String, name: String },
    #[error(transparent)]
    Membership(#[from] MembershipError),
    #[error("attachment `{name}` of record {id} does not match its checksum")]
    AttachmentMismatch { id: String, name: String },
}

impl StoreError {
    pub(crate) fn git(action: &'static str) -> impl FnOnce(git2::Error) -> StoreError {
        move |source| StoreError::Git { action, source }
    }

    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        move |source| StoreError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// An open case whose key this user holds.
pub struct Case {
    slug: String,
    root: PathBuf,
    repo: Repository,
    key: CaseKey,
    /// The commit HEAD points at: where the case was opened, moved by its own commits.
    head: std::cell::Cell<Oid>,
    /// What HEAD's manifest says, and what in HEAD is not authenticated.
    trust: trust::HeadCheck,
}

impl Case {
    /// Opens the case at `root`, unwrapping its key with `identities`, and checks HEAD against
    /// its manifest and this copy's pin.
    pub fn open(root: &Path, slug: &str, identities: &Identities) -> Result<Case, StoreError> {
        let repo = open_repo(root)?;
        let head_commit =
            repo.head()
                .and_then(|h| h.peel_to_commit())
                .map_err(|_| StoreError::NotACase {
                    path: root.to_owned(),
                })?;
        let head = head_commit.id();
        let tree = head_commit
            .tree()
            .map_err(StoreError::git("read the case"))?;
        let format = crate::git::read(&repo, &tree, FORMAT_FILE)
            .map_err(StoreError::git("read the case format"))?
            .ok_or_else(|| StoreError::NotACase {
                path: root.to_owned(),
            })?;
        match layout::parse_format(&format) {
            Ok(layout::Format::Known(_)) => {}
            Ok(layout::Format::Newer(found)) => {
                return Err(StoreError::NewerFormat {
                    case: slug.to_owned(),
                    found,
                });
            }
            Err(violation) => {
                return Err(StoreError::BadFormat {
                    case: slug.to_owned(),
                    reason: format!("{} (commit {})", violation, &head.to_string()[..10]),
                });
            }
        }
        let wrapped = crate::git::read(&repo, &tree, CASE_KEY_FILE)
            .map_err(StoreError::git("read the case key"))?
            .ok_or_else(|| StoreError::NotACase {
                path: root.to_owned(),
            })?;
        let key = CaseKey::unwrap(&wrapped, identities).map_err(|e| match e {
            CryptoError::NotAMember { public_keys } => StoreError::NotAMember {
                case: slug.to_owned(),
                public_keys,
            },
            source => StoreError::FileUnreadable {
                case: slug.to_owned(),
                what: "the case key".into(),
                source,
            },
        })?;
        let check = trust::check_head(&repo, head, &tree, &key);
        drop(tree);
        drop(head_commit);
        let case = Case {
            slug: slug.to_owned(),
            root: root.to_owned(),
            repo,
            key,
            head: std::cell::Cell::new(head),
            trust: check,
        };
        case.check_pin()?;
        Ok(case)
    }

    /// Takes the case's lock, waiting up to `timeout`, then opens the case: the key is read
    /// only once no other command can change it. A case still in format 1 is upgraded here,
    /// in one commit (the trust anchor of its format-2 history).
    pub fn open_locked(
        root: &Path,
        slug: &str,
        identities: &Identities,
        command: &str,
        timeout: std::time::Duration,
        on_wait: &mut dyn FnMut(&str),
        context: &crate::git::CommitContext,
    ) -> Result<(Case, CaseLock), StoreError> {
        if !root.join(".git").exists() {
            return Err(StoreError::NotACase {
                path: root.to_owned(),
            });
        }
        let lock = CaseLock::acquire(root, slug, command, timeout, on_wait)?;
        repair(root)?;
        let mut case = Case::open(root, slug, identities)?;
        if case.trust.state.format < layout::CURRENT_FORMAT {
            case.upgrade(&lock, context)?;
            case = Case::open(root, slug, identities)?;
        }
        Ok((case, lock))
    }

    /// Brings the case to the current format in one commit: the format line, records and
    /// attachments moved into their folders (the same blobs: nothing is re-encrypted), and,
    /// from format 1, the first manifest (the trust anchor).
    fn upgrade(
        &self,
        lock: &CaseLock,
        context: &crate::git::CommitContext,
    ) -> Result<(), StoreError> {
        if self.trust.problem.is_some() {
            return Err(StoreError::UntrustedHead {
                case: self.slug.clone(),
                commit: self.head.get(),
            });
        }
        let tree = crate::git::head_tree(&self.repo)
            .map_err(StoreError::git("read the case"))?
            .ok_or_else(|| StoreError::NotACase {
                path: self.root.clone(),
            })?;
        let mut tx = self.transaction(lock);
        tx.put_plain(
            FORMAT_FILE,
            layout::format_line(layout::CURRENT_FORMAT).into_bytes(),
        )?;
        for dir in [RECORDS_DIR, ATTACHMENTS_DIR] {
            let files = crate::git::files_under(&self.repo, &tree, dir, 0)
                .map_err(StoreError::git("list the case"))?;
            for (path, oid) in files {
                let moved = record_of(&path)
                    .map(|id| record_path(&id))
                    .or_else(|| attachment_of(&path).map(attachment_path));
                if let Some(moved) = moved.filter(|m| *m != path) {
                    tx.remove_path(&path);
                    tx.put_existing(&moved, oid);
                }
            }
        }
        failpoint::reach("mid-migration");
        tx.commit("upgrade case format", context)?;
        Ok(())
    }

    /// Pins the case key on first sight; refuses a key that is neither the pinned one nor a
    /// successor that knows it.
    fn check_pin(&self) -> Result<(), StoreError> {
        let fingerprint = self.key.fingerprint();
        let version = self.trust.state.version;
        let pin = trust::Pin::load(&self.root);
        let updated = match &pin {
            None => trust::Pin {
                key: fingerprint.to_owned(),
                version,
            },
            Some(pin) if pin.key == fingerprint && pin.version >= version => return Ok(()),
            Some(pin) if pin.key == fingerprint || self.key.knows(&pin.key) => trust::Pin {
                key: fingerprint.to_owned(),
                version: version.max(pin.version),
            },
            Some(_) => {
                return Err(StoreError::KeyNotTrusted {
                    case: self.slug.clone(),
                    commit: self.head.get(),
                });
            }
        };
        // A pin that cannot be written is only re-learned next time.
        let _ = updated.save(&self.root);
        Ok(())
    }

    /// Creates a case repository at `root` with its first commit, shared with `members`.
    pub fn create(
        root: &Path,
        slug: &str,
        meta_text: &str,
        members: &[(Recipient, Option<String>)],
        context: &crate::git::CommitContext,
    ) -> Result<Case, StoreError> {
        if root.join(".git").exists() {
            return Err(StoreError::CaseExists {
                slug: slug.to_owned(),
            });
        }
        crate::record::parse_case_meta(meta_text, "case metadata")?;
        let repo = crate::git::init(root).map_err(StoreError::git("create the case repository"))?;
        let mut case = Case {
            slug: slug.to_owned(),
            root: root.to_owned(),
            repo,
            key: CaseKey::generate(),
            head: std::cell::Cell::new(Oid::ZERO_SHA1),
            trust: trust::HeadCheck::default(),
        };
        let lock = CaseLock::acquire(
            root,
            slug,
            "case new",
            std::time::Duration::ZERO,
            &mut |_| {},
        )?;
        let mut tx = case.transaction(&lock);
        let keys: Vec<Recipient> = members.iter().map(|(r, _)| r.clone()).collect();
        tx.put_plain(
            FORMAT_FILE,
            layout::format_line(layout::CURRENT_FORMAT).into_bytes(),
        )?;
        tx.put_plain(
            RECIPIENTS_FILE,
            crate::crypto::render_recipients(members).into_bytes(),
        )?;
        tx.put_plain(CASE_KEY_FILE, case.key.wrap(&keys)?)?;
        tx.put_meta(meta_text)?;
        let commit = tx
            .commit("create case", context)?
            .expect("a new case has files");
        drop(lock);
        case.head.set(commit);
        case.trust.state = trust::State {
            format: layout::CURRENT_FORMAT,
            version: 1,
            key: Some(case.key.fingerprint().to_owned()),
        };
        case.accept_recipients(members)?;
        Ok(case)
    }

    /// Files at HEAD that no member's manifest vouches for (empty when HEAD is trusted).
    pub fn untrusted_files(&self) -> &BTreeSet<String> {
        &self.trust.untrusted
    }

    /// Why HEAD is not trusted, and the files an earlier trusted commit had that HEAD lacks.
    pub fn head_problem(&self) -> Option<(&trust::Distrust, &[String])> {
        self.trust
            .problem
            .as_ref()
            .map(|p| (p, self.trust.removed.as_slice()))
    }

    /// The format and manifest version at HEAD.
    pub fn head_state(&self) -> &trust::State {
        &self.trust.state
    }

    /// The commit HEAD points at.
    pub fn head_commit(&self) -> Oid {
        self.head.get()
    }

    /// An error when `path` at HEAD is not authenticated.
    pub(crate) fn require_trusted(
        &self,
        path: &str,
        what: impl FnOnce() -> String,
    ) -> Result<(), StoreError> {
        if self.trust.untrusted.contains(path) {
            return Err(StoreError::Unauthenticated {
                case: self.slug.clone(),
                what: what(),
                commit: self.head.get(),
            });
        }
        Ok(())
    }

    /// The case's slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The case folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The git repository.
    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// The case key.
    pub fn key(&self) -> &CaseKey {
        &self.key
    }

    /// Starts a set of changes committed together; `lock` proves the caller holds the lock.
    pub fn transaction<'c>(&'c self, lock: &'c CaseLock) -> Transaction<'c> {
        Transaction::new(self, lock)
    }

    /// Makes the files beside `.git` match HEAD: writes what is missing or different and
    /// removes encrypted files HEAD no longer has.
    pub fn sync_working_files(&self) -> Result<(), StoreError> {
        write_working_files(&self.repo, &self.root)
    }
}

/// Writes HEAD's files beside `.git` (see [`Case::sync_working_files`]). Every path goes
/// through [`safe_join`], so no tree, however it was made, writes outside the case folder.
fn write_working_files(repo: &Repository, root: &Path) -> Result<(), StoreError> {
    let tree = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .map_err(StoreError::git("read the case"))?;
    let temp = tx::temp_dir(root);
    fs_err::create_dir_all(&temp).map_err(StoreError::io(&temp))?;
    let mut wanted = std::collections::HashSet::new();
    let mut files = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            files.push((
                format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes())),
                entry.id(),
            ));
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(StoreError::git("walk the case"))?;
    for (rel, oid) in files {
        let Some(path) = safe_join(root, &rel) else {
            return Err(StoreError::BadFormat {
                case: root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                reason: format!(
                    "its last commit holds `{rel}`, which is not a file iepcase writes"
                ),
            });
        };
        wanted.insert(path.clone());
        let blob = repo
            .find_blob(oid)
            .map_err(StoreError::git("read a file"))?;
        let same = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file() && m.len() == blob.size() as u64)
            && std::fs::read(&path).ok().as_deref() == Some(blob.content());
        if same {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs_err::create_dir_all(parent).map_err(StoreError::io(parent))?;
        }
        crate::atomic::write_copy_in(&temp, &path, blob.content(), None)
            .map_err(|source| StoreError::Io { path, source })?;
    }
    for dir in [RECORDS_DIR, ATTACHMENTS_DIR] {
        for path in working_files_under(&root.join(dir)) {
            if path.extension().is_some_and(|e| e == "age") && !wanted.contains(&path) {
                fs_err::remove_file(&path).map_err(StoreError::io(&path))?;
            }
        }
        remove_empty_folders(&root.join(dir));
    }
    Ok(())
}

/// Every file under `dir`, two folders deep at most (the case layout), symbolic links not
/// followed.
pub(crate) fn working_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![(dir.to_owned(), 0)];
    while let Some((folder, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && depth < 2 {
                stack.push((entry.path(), depth + 1));
            } else if !kind.is_dir() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

/// Removes the folders under `dir` (not `dir` itself) that hold nothing any more.
fn remove_empty_folders(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_folders(&entry.path());
            // Fails, harmlessly, when the folder still holds something.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

/// `root/rel` when `rel` is a path of the case layout (`.iepcase/format`, `records/k/3/<id>.age`,
/// …) and every folder on the way is a real folder inside `root`, not a symbolic link;
/// `None` otherwise. It cannot name anything outside the case folder.
pub fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = rel.split('/').collect();
    let allowed = match parts.as_slice() {
        [".iepcase", name] => {
            matches!(*name, "format" | "recipients" | "case-key.age" | "manifest")
        }
        [file] => *file == CASE_FILE,
        _ => record_of(rel).is_some() || attachment_of(rel).is_some(),
    };
    if !allowed {
        return None;
    }
    let mut path = root.to_owned();
    for (n, part) in parts.iter().enumerate() {
        path.push(part);
        let last = n + 1 == parts.len();
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return None,
            Ok(meta) if !last && !meta.is_dir() => return None,
            _ => {}
        }
    }
    Some(path)
}

/// Finishes a working-tree update a crash interrupted: HEAD is the truth.
fn repair(root: &Path) -> Result<(), StoreError> {
    // Temporary files of a crashed command; only iepcase writes here.
    if let Ok(entries) = std::fs::read_dir(tx::temp_dir(root)) {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let marker = tx::checkout_marker(root);
    if !marker.exists() {
        return Ok(());
    }
    for stale in ["HEAD.lock", "refs/heads/main.lock"] {
        let _ = std::fs::remove_file(root.join(".git").join(stale));
    }
    let repo = open_repo(root)?;
    write_working_files(&repo, root)?;
    fs_err::remove_file(&marker).map_err(StoreError::io(&marker))?;
    Ok(())
}

fn open_repo(root: &Path) -> Result<Repository, StoreError> {
    crate::git::configure();
    if !root.join(".git").exists() {
        return Err(StoreError::NotACase {
            path: root.to_owned(),
        });
    }
    Repository::open(root.join(".git")).map_err(|source| match source.code() {
        git2::ErrorCode::NotFound => StoreError::NotACase {
            path: root.to_owned(),
        },
        _ => StoreError::Git {
            action: "open the case repository",
            source,
        },
    })
}

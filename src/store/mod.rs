//! A case on disk: one git repository of age-encrypted files (SPEC section 2).
//!
//! ```text
//! .iepcase/format         "iepcase-case 1"
//! .iepcase/recipients     members' public keys, `# label` comments
//! .iepcase/case-key.age   the case key, wrapped to every member
//! case.age                case metadata
//! records/<id>.age        one record each
//! attachments/<mac>.age   one attached file each, named by a keyed hash
//! .git/iepcase/           local only: lock, plaintext cache (encrypted), crash marker
//! ```
//!
//! Reads come from HEAD's tree, not the working tree; writes go through a [`Transaction`]
//! that commits all its changes or none. The working tree mirrors HEAD for people who want to
//! decrypt files by hand.

mod cache;
mod fsck;
mod history;
mod lock;
mod members;
mod read;
mod tx;

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::crypto::{CaseKey, CryptoError, Identities, Recipient};
use crate::record::{IdError, RecordError, RecordId};

pub use cache::PlainCache;
pub use fsck::{FsckReport, Problem};
pub use history::{HistoryEntry, RecordChange, Touched};
pub use lock::CaseLock;
pub use members::{
    Members, MembershipError, is_encrypted_data, is_membership_file, reencrypt_attachment,
    rename_attachments,
};
pub use read::{Broken, LoadedRecords, RecordText, StoredRecord};
pub use tx::Transaction;

/// The format line of `.iepcase/format`.
pub const FORMAT: &str = "iepcase-case 1";
pub const FORMAT_FILE: &str = ".iepcase/format";
pub const RECIPIENTS_FILE: &str = ".iepcase/recipients";
pub const CASE_KEY_FILE: &str = ".iepcase/case-key.age";
pub const CASE_FILE: &str = "case.age";
pub const RECORDS_DIR: &str = "records";
pub const ATTACHMENTS_DIR: &str = "attachments";

/// The path of record `id` in the repository.
pub fn record_path(id: &RecordId) -> String {
    format!("{RECORDS_DIR}/{id}.age")
}

/// The path of the attachment named `blob` in the repository.
pub fn attachment_path(blob: &str) -> String {
    format!("{ATTACHMENTS_DIR}/{blob}.age")
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
    #[error("case `{case}` uses format `{found}`, which this iepcase does not know")]
    NewerFormat { case: String, found: String },
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
}

impl Case {
    /// Opens the case at `root`, unwrapping its key with `identities`.
    pub fn open(root: &Path, slug: &str, identities: &Identities) -> Result<Case, StoreError> {
        let repo = open_repo(root)?;
        let tree = crate::git::head_tree(&repo)
            .map_err(StoreError::git("read the case"))?
            .ok_or_else(|| StoreError::NotACase {
                path: root.to_owned(),
            })?;
        let format = crate::git::read(&repo, &tree, FORMAT_FILE)
            .map_err(StoreError::git("read the case format"))?
            .ok_or_else(|| StoreError::NotACase {
                path: root.to_owned(),
            })?;
        let format = String::from_utf8_lossy(&format).trim().to_owned();
        if format != FORMAT {
            return Err(StoreError::NewerFormat {
                case: slug.to_owned(),
                found: format,
            });
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
        drop(tree);
        Ok(Case {
            slug: slug.to_owned(),
            root: root.to_owned(),
            repo,
            key,
        })
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
        let case = Case {
            slug: slug.to_owned(),
            root: root.to_owned(),
            repo,
            key: CaseKey::generate(),
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
        tx.put_plain(FORMAT_FILE, format!("{FORMAT}\n").into_bytes())?;
        tx.put_plain(
            RECIPIENTS_FILE,
            crate::crypto::render_recipients(members).into_bytes(),
        )?;
        tx.put_plain(CASE_KEY_FILE, case.key.wrap(&keys)?)?;
        tx.put_meta(meta_text)?;
        tx.commit("create case", context)?;
        drop(lock);
        case.accept_recipients(members)?;
        Ok(case)
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

    /// Takes this case's lock, waiting up to `timeout`.
    pub fn lock(
        &self,
        command: &str,
        timeout: std::time::Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<CaseLock, StoreError> {
        let lock = CaseLock::acquire(&self.root, &self.slug, command, timeout, on_wait)?;
        self.repair()?;
        Ok(lock)
    }

    /// Finishes a working-tree update a crash interrupted: HEAD is the truth.
    fn repair(&self) -> Result<(), StoreError> {
        // Temporary files of a crashed command; only iepcase writes here.
        if let Ok(entries) = std::fs::read_dir(tx::temp_dir(&self.root)) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let marker = tx::checkout_marker(&self.root);
        if !marker.exists() {
            return Ok(());
        }
        for stale in ["HEAD.lock", "refs/heads/main.lock"] {
            let _ = std::fs::remove_file(self.root.join(".git").join(stale));
        }
        self.sync_working_files()?;
        fs_err::remove_file(&marker).map_err(StoreError::io(&marker))?;
        Ok(())
    }

    /// Makes the files beside `.git` match HEAD: writes what is missing or different and
    /// removes encrypted files HEAD no longer has.
    pub fn sync_working_files(&self) -> Result<(), StoreError> {
        let tree = self
            .repo
            .head()
            .and_then(|h| h.peel_to_tree())
            .map_err(StoreError::git("read the case"))?;
        let temp = tx::temp_dir(&self.root);
        fs_err::create_dir_all(&temp).map_err(StoreError::io(&temp))?;
        let mut wanted = std::collections::HashSet::new();
        let mut result = Ok(());
        let walked = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(git2::ObjectType::Blob) {
                return git2::TreeWalkResult::Ok;
            }
            let rel = format!("{dir}{}", entry.name().unwrap_or_default());
            let path = self.root.join(&rel);
            wanted.insert(path.clone());
            let blob = match self.repo.find_blob(entry.id()) {
                Ok(blob) => blob,
                Err(source) => {
                    result = Err(StoreError::Git {
                        action: "read a file",
                        source,
                    });
                    return git2::TreeWalkResult::Abort;
                }
            };
            if std::fs::read(&path).ok().as_deref() != Some(blob.content()) {
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|_| {
                        crate::atomic::write_in(
                            &tx::temp_dir(&self.root),
                            &path,
                            blob.content(),
                            None,
                        )
                    });
                if let Err(source) = written {
                    result = Err(StoreError::Io { path, source });
                    return git2::TreeWalkResult::Abort;
                }
            }
            git2::TreeWalkResult::Ok
        });
        // The callback's own error says more than libgit2's "callback aborted".
        result?;
        walked.map_err(StoreError::git("walk the case"))?;
        for dir in [RECORDS_DIR, ATTACHMENTS_DIR] {
            let Ok(entries) = std::fs::read_dir(self.root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "age") && !wanted.contains(&path) {
                    fs_err::remove_file(&path).map_err(StoreError::io(&path))?;
                }
            }
        }
        Ok(())
    }
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

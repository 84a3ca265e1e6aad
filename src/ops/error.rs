//! Why a use case failed: the error of the layer it came from, or a refusal of its own.

use std::path::PathBuf;

use crate::bundle::BundleError;
use crate::letters::LetterError;
use crate::record::RecordError;
use crate::record::edit::EditError;
use crate::rules::RuleError;
use crate::store::StoreError;

/// Errors of [`crate::ops`].
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error(transparent)]
    Batch(#[from] super::add::BatchError),
    #[error(transparent)]
    InvalidDraft(Box<super::import::InvalidDraft>),
    #[error(transparent)]
    Letter(#[from] LetterError),
    #[error(transparent)]
    Signer(#[from] crate::letters::SignerError),
    /// Plaintext would be written into the workspace's `cases/` folder.
    #[error("{} is inside the workspace's cases folder, which holds only encrypted files", path.display())]
    InsideCases { path: PathBuf },
    #[error(transparent)]
    Resolve(#[from] super::records::ResolveError),
    #[error(transparent)]
    NoSuchRecord(#[from] super::records::NoSuchRecord),
    #[error(transparent)]
    Export(#[from] super::export::ExportError),
    #[error(transparent)]
    Detach(#[from] super::attachments::DetachError),
    #[error(transparent)]
    Sync(Box<crate::sync::SyncError>),
    /// The threads that sync cases side by side could not start.
    #[error("cannot start sync threads: {source}")]
    Threads { source: rayon::ThreadPoolBuildError },
    /// `diff` compares records of one kind.
    #[error(
        "cannot compare {} `{from}` record with {} `{to}` record",
        crate::record::article(from.as_str()),
        crate::record::article(to.as_str())
    )]
    KindsDiffer {
        from: crate::record::Kind,
        to: crate::record::Kind,
    },
    /// A record that was never changed has no earlier version.
    #[error("record {id} has only one version")]
    OneVersion { id: crate::record::RecordId },
    /// A remote address for every case must say where each case's slug goes.
    #[error("`{template}` has no {{slug}} for each case's name")]
    NoSlugInTemplate { template: String },
    /// A clone was given no slug, and the address's last part cannot be one.
    #[error("cannot guess a slug from `{url}`")]
    NoSlugInUrl { url: String },
    /// The workspace has no case to work on.
    #[error("the workspace has no cases yet")]
    NoCases,
    /// A member's label would show the child's name unencrypted.
    #[error("the label looks like it contains the child's name")]
    LabelNamesChild,
    #[error(transparent)]
    Crypto(Box<crate::crypto::CryptoError>),
    #[error(transparent)]
    Workspace(Box<crate::workspace::WorkspaceError>),
    /// A case needs the child's name.
    #[error("the child's name is empty")]
    NoChild,
    /// A file to write exists and may not be replaced.
    #[error("{} already exists", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write to {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A record's `[[attachments]]` names a file the case does not hold.
    #[error("attachment `{name}` is not in the case")]
    MissingAttachment { name: String },
    /// A record says exactly what another already says.
    #[error("{} says exactly what {} says ({} of {}, \"{}\")", .0.origin, .0.same_as, .0.kind, .0.date, .0.title)]
    Duplicate(Box<super::records::Duplicate>),
    /// A file or folder could not be read or written (the error names it).
    #[error(transparent)]
    File(std::io::Error),
    /// A new identity file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    WriteIdentity {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `demo` replaces only a folder an earlier demo made.
    #[error("{} exists and is not an earlier demo", path.display())]
    NotADemo { path: PathBuf },
    /// A certified-mail number that is blank.
    #[error("the tracking number is blank")]
    BlankTracking,
    /// `--disclosed-to` must name someone, on one line.
    #[error("a disclosure needs one line naming who received the bundle")]
    BadRecipient,
}

impl OpsError {
    /// Whether a case could not be opened because the identity's key is not one of its
    /// members (the same identity may open other cases).
    pub fn is_not_a_member(&self) -> bool {
        let store = match self {
            OpsError::Store(e) => e,
            OpsError::Sync(e) => match e.as_ref() {
                crate::sync::SyncError::Store(e) => e,
                _ => return false,
            },
            _ => return false,
        };
        matches!(store, StoreError::NotAMember { .. })
    }
}

/// The errors of layers that are large, boxed so that every use case's result stays small.
macro_rules! boxed_from {
    ($($variant:ident($error:ty)),*) => {$(
        impl From<$error> for OpsError {
            fn from(e: $error) -> Self {
                OpsError::$variant(Box::new(e))
            }
        }
    )*};
}

boxed_from!(
    Sync(crate::sync::SyncError),
    Crypto(crate::crypto::CryptoError),
    Workspace(crate::workspace::WorkspaceError)
);

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
    Letter(#[from] LetterError),
    /// Plaintext would be written into the workspace's `cases/` folder.
    #[error("{} is inside the workspace's cases folder, which holds only encrypted files", path.display())]
    InsideCases { path: PathBuf },
    /// `--disclosed-to` must name someone, on one line.
    #[error("a disclosure needs one line naming who received the bundle")]
    BadRecipient,
}

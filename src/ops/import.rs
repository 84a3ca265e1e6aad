//! `import`: e-mails, mbox files, PDFs and images read into draft records, checked against
//! what the case already holds, then added in one commit.

use std::path::PathBuf;

use crate::git::CommitContext;
use crate::import::{self, Draft, Known, Plan};
use crate::store::{Case, CaseLock};
use crate::workspace::Workspace;

use super::OpsError;
use super::records::Written;

impl Workspace {
    /// The user's own e-mail addresses (the commit author's and the advocate's): messages
    /// from them were sent, not received.
    pub fn my_addresses(&self) -> Vec<String> {
        self.config
            .author
            .email
            .iter()
            .chain(self.config.advocate.iter().flat_map(|a| a.email.iter()))
            .cloned()
            .collect()
    }
}

/// Reads `files` (absolute paths) into drafts, leaving out what the case already holds (same
/// Message-ID or same content); `progress` hears how many bytes of how many are read.
pub fn plan(
    case: &Case,
    files: &[PathBuf],
    options: &import::Options,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Plan, OpsError> {
    let loaded = case.records()?;
    let known = Known::from_records(&loaded.records);
    Ok(import::plan(files, options, &known, progress)?)
}

/// Adds `drafts` as records, with their files attached, in one commit.
pub fn save(
    case: &Case,
    lock: &CaseLock,
    drafts: &[Draft],
    context: &CommitContext,
) -> Result<Vec<Written>, OpsError> {
    let mut tx = case.transaction(lock);
    let saved = import::save(&mut tx, drafts)?;
    let message = match saved.as_slice() {
        [(one, _)] => format!("add record {one}"),
        many => format!("add {} records", many.len()),
    };
    tx.commit(&message, context)?;
    Ok(saved
        .into_iter()
        .map(|(id, record)| {
            let dangling = super::records::dangling(case, &record);
            Written {
                id,
                record,
                dangling,
            }
        })
        .collect())
}

//! `share`, `recipients`: who can read a case. Removing someone and replacing the case key
//! are the store's own calls ([`Case::unshare`], [`Case::rotate`]).

use crate::crypto::Recipient;
use crate::git::CommitContext;
use crate::store::{Case, CaseLock, Members};

use super::OpsError;

/// Shares the case with `recipient`, under `label` in the recipients file. Labels are not
/// encrypted: one that looks like the child's name is refused.
pub fn share(
    case: &Case,
    lock: &CaseLock,
    recipient: Recipient,
    label: Option<String>,
    context: &CommitContext,
) -> Result<(), OpsError> {
    if let Some(label) = &label
        && let Ok((_, meta)) = case.meta()
        && crate::workspace::slug_looks_like_name(label, &meta.child)
    {
        return Err(OpsError::LabelNamesChild);
    }
    case.share(lock, recipient, label, context)?;
    Ok(())
}

/// Accepts every member of the case, so keys may be wrapped to them; returns those that were
/// not accepted before.
pub fn accept(case: &Case, _lock: &CaseLock) -> Result<Members, OpsError> {
    let members = case.recipients()?;
    let pending = case.pending_recipients()?;
    case.accept_recipients(&members)?;
    Ok(pending)
}

/// A member of a case, as `recipients` lists it.
#[derive(Debug, PartialEq)]
pub struct Member {
    pub key: Recipient,
    pub label: Option<String>,
    /// One of `mine`.
    pub you: bool,
    /// Arrived from a remote and not accepted yet.
    pub pending: bool,
}

/// The members of the case; `mine` are the user's public keys.
pub fn members(case: &Case, mine: &[String]) -> Result<Vec<Member>, OpsError> {
    let pending = case.pending_recipients()?;
    Ok(case
        .recipients()?
        .into_iter()
        .map(|(key, label)| Member {
            you: mine.contains(&key.to_string()),
            pending: pending.iter().any(|(p, _)| *p == key),
            key,
            label,
        })
        .collect())
}

/// How many files re-encrypting the case to a new key writes.
pub fn files_to_reencrypt(case: &Case) -> Result<usize, OpsError> {
    Ok(case.record_ids()?.len() + case.attachment_blobs()?.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixture::{self, Fixture};

    #[test]
    fn a_label_naming_the_child_is_refused_and_nothing_is_shared() {
        let fx = Fixture::new();
        let other = fx.member("other");
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let label = Some("child's aunt".to_owned());
        let refused = share(&case, &lock, other.recipient(), label, &fixture::context());
        assert!(matches!(refused, Err(OpsError::LabelNamesChild)));
        assert_eq!(case.recipients().unwrap().len(), 1);
        let label = Some("co-advocate".to_owned());
        share(&case, &lock, other.recipient(), label, &fixture::context()).unwrap();
        let listed = members(&case, &fx.owner.keys()).unwrap();
        assert_eq!(listed.len(), 2);
        let theirs = listed.iter().find(|m| m.key == other.recipient()).unwrap();
        assert_eq!(theirs.label.as_deref(), Some("co-advocate"));
        assert!(!theirs.you);
        assert!(
            listed
                .iter()
                .any(|m| m.you && m.key == fx.owner.recipient())
        );
    }

    #[test]
    fn accepting_returns_only_the_members_not_accepted_before() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let first = accept(&case, &lock).unwrap();
        let again = accept(&case, &lock).unwrap();
        assert!(again.is_empty(), "{first:?} accepted twice");
        assert!(members(&case, &[]).unwrap().iter().all(|m| !m.pending));
    }
}

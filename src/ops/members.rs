//! `share`, `unshare`, `rotate` and `recipients [accept|reject]`: who can read a case.
//! Removing someone and replacing the case key re-encrypt every file to a new key
//! ([`Case::unshare`], [`Case::rotate`]); the caller is told how many before it starts.

use crate::crypto::{Identities, Recipient};
use crate::git::CommitContext;
use crate::json::MemberJson;
use crate::store::{Case, CaseLock, Members};
use crate::text::{Paint, Table};

use super::{Notice, OpsError};

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

/// Removes `recipient` from the case and re-encrypts every file to a new case key, calling
/// `reencrypting` with the number of files first. `identities` are the user's: a change that
/// would leave them out is refused.
pub fn unshare(
    case: &Case,
    lock: &CaseLock,
    recipient: &Recipient,
    identities: &Identities,
    context: &CommitContext,
    reencrypting: &mut dyn FnMut(usize),
) -> Result<(), OpsError> {
    let mine = identities.public_keys();
    reencrypting(files_to_reencrypt(case)?);
    case.unshare(lock, recipient, &mine, context)?;
    Ok(())
}

/// Replaces the case key and re-encrypts every file to it, members unchanged; calls
/// `reencrypting` with the number of files first.
pub fn rotate(
    case: &Case,
    lock: &CaseLock,
    identities: &Identities,
    context: &CommitContext,
    reencrypting: &mut dyn FnMut(usize),
) -> Result<(), OpsError> {
    let mine = identities.public_keys();
    reencrypting(files_to_reencrypt(case)?);
    case.rotate(lock, &mine, context)?;
    Ok(())
}

/// Removes every member that arrived from a remote and was not accepted, under a new case
/// key; returns them (none: nothing changed).
pub fn reject(
    case: &Case,
    lock: &CaseLock,
    identities: &Identities,
    context: &CommitContext,
) -> Result<Members, OpsError> {
    Ok(case.reject_pending(lock, &identities.public_keys(), context)?)
}

/// How many files re-encrypting the case to a new key writes.
fn files_to_reencrypt(case: &Case) -> Result<usize, OpsError> {
    Ok(case.record_ids()?.len() + case.attachment_blobs()?.len())
}

impl Member {
    /// What to note of the member in a listing: the user's own key, a linkable key, one to
    /// accept.
    pub fn notes(&self) -> Vec<&'static str> {
        [
            (self.you, "you"),
            (self.key.is_linkable(), "linkable"),
            (self.pending, "pending: run `iepcase recipients accept`"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, note)| note)
        .collect()
    }
}

/// What sharing case `slug` with `recipient` has to tell.
pub fn shared_notices(slug: &str, recipient: &Recipient) -> Vec<Notice> {
    let mut notices = vec![Notice::Status(format!(
        "Shared case `{slug}` with {recipient}"
    ))];
    if recipient.is_linkable() {
        notices.push(Notice::Warning(
            "an SSH key is linkable: anyone who has this public key can tell it is a member".into(),
        ));
    }
    notices.push(Notice::Hint(
        "push it with `iepcase sync`; they can then `iepcase clone URL`".into(),
    ));
    notices
}

/// What removing `recipient` from case `slug` has to tell: what they can still read.
pub fn unshared_notices(slug: &str, recipient: &Recipient) -> Vec<Notice> {
    vec![
        Notice::Status(format!(
            "Removed {recipient} from case `{slug}`: the case key was replaced and every file re-encrypted"
        )),
        Notice::Warning(
            "everything in the case up to now stays readable to them: git history keeps the old \
             files, and they may have copies"
                .into(),
        ),
        Notice::Hint("push the change with `iepcase sync`".into()),
    ]
}

/// What replacing case `slug`'s key has to tell.
pub fn rotated_notices(slug: &str) -> Vec<Notice> {
    vec![
        Notice::Status(format!(
            "Replaced the key of case `{slug}` and re-encrypted every file"
        )),
        Notice::Hint("push the change with `iepcase sync`".into()),
    ]
}

/// What rejecting the members in `removed` has to tell.
pub fn rejected_notices(removed: &Members) -> Vec<Notice> {
    if removed.is_empty() {
        return vec![Notice::Status(
            "Nothing to reject: every member is accepted".into(),
        )];
    }
    let mut notices: Vec<Notice> = (removed.iter())
        .map(|(key, _)| Notice::Status(format!("Removed {key}; the case key was replaced")))
        .collect();
    notices.push(Notice::Hint("push the change with `iepcase sync`".into()));
    notices
}

/// What accepting the members in `accepted` has to tell.
pub fn accepted_notices(accepted: &Members) -> Vec<Notice> {
    if accepted.is_empty() {
        return vec![Notice::Status(
            "Nothing to accept: every member is already accepted".into(),
        )];
    }
    (accepted.iter())
        .map(|(key, label)| {
            let label = label
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            Notice::Status(format!("Accepted {key}{label}"))
        })
        .collect()
}

/// The table of `members` fitting `width`: key, type, label and what to note of each.
pub fn render(members: &[Member], width: Option<usize>, paint: Paint) -> String {
    let mut table = Table::new(&["KEY", "TYPE", "LABEL", "NOTES"]).flexible(&[3, 2]);
    for m in members {
        table.row(vec![
            m.key.to_string(),
            m.key.key_type().into(),
            m.label.clone().unwrap_or_default(),
            m.notes().join(", "),
        ]);
    }
    table.render(width, paint)
}

/// The rows of `recipients --json`.
pub fn json_rows(members: &[Member]) -> Vec<MemberJson<'_>> {
    members
        .iter()
        .map(|m| MemberJson {
            key: m.key.to_string(),
            key_type: m.key.key_type(),
            label: m.label.as_deref(),
            linkable: m.key.is_linkable(),
            you: m.you,
            pending: m.pending,
        })
        .collect()
}

/// What a listing of `members` has to tell after the table: members still to accept.
pub fn pending_notices(members: &[Member]) -> Vec<Notice> {
    if !members.iter().any(|m| m.pending) {
        return Vec::new();
    }
    vec![
        Notice::Warning("some members arrived from a remote and are not accepted yet".into()),
        Notice::Hint(
            "check them with whoever shared the case, then run `iepcase recipients accept` \
             (or `iepcase recipients reject` to remove them)"
                .into(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixture::{self, Fixture};

    #[test]
    fn a_member_is_noted_as_you_linkable_or_pending() {
        let fx = Fixture::new();
        let age = Member {
            key: fx.owner.recipient(),
            label: None,
            you: true,
            pending: false,
        };
        assert_eq!(age.notes(), ["you"]);
        let ssh: Recipient =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN"
                .parse()
                .unwrap();
        let theirs = Member {
            key: ssh.clone(),
            label: Some("co-advocate".into()),
            you: false,
            pending: true,
        };
        assert_eq!(
            theirs.notes(),
            ["linkable", "pending: run `iepcase recipients accept`"]
        );
        assert!(pending_notices(&[age]).is_empty());
        assert_eq!(pending_notices(&[theirs]).len(), 2);
        // Sharing with an SSH key warns that it is linkable; an age key does not.
        assert_eq!(shared_notices("eq", &ssh).len(), 3);
        assert_eq!(shared_notices("eq", &fx.owner.recipient()).len(), 2);
    }

    #[test]
    fn accepting_or_rejecting_nobody_says_so() {
        let fx = Fixture::new();
        assert_eq!(
            accepted_notices(&Vec::new()),
            [Notice::Status(
                "Nothing to accept: every member is already accepted".into()
            )]
        );
        let key = fx.owner.recipient();
        let one = vec![(key.clone(), Some("co-advocate".to_owned()))];
        assert_eq!(
            accepted_notices(&one),
            [Notice::Status(format!("Accepted {key} (co-advocate)"))]
        );
        assert_eq!(rejected_notices(&Vec::new()).len(), 1);
        assert_eq!(
            rejected_notices(&one),
            [
                Notice::Status(format!("Removed {key}; the case key was replaced")),
                Notice::Hint("push the change with `iepcase sync`".into()),
            ]
        );
    }

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

    /// The ciphertext of record `id` at HEAD.
    fn blob(case: &Case, id: &crate::record::RecordId) -> Vec<u8> {
        let ids = case.record_ids().unwrap();
        let (_, oid) = ids.iter().find(|(known, _)| known == id).unwrap();
        case.repo().find_blob(*oid).unwrap().content().to_vec()
    }

    #[test]
    fn after_rotate_the_old_key_opens_no_file_old_or_new() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let first = crate::record::RecordId::generate();
        fixture::put(&case, &lock, &[(&first, &fixture::note("Call", "Yes."))]);
        let old = case.key().clone();
        assert!(old.decrypt(&blob(&case, &first), "record").is_ok());
        let mut told = None;
        let (id, context) = (&fx.owner.identities, fixture::context());
        rotate(&case, &lock, id, &context, &mut |n| told = Some(n)).unwrap();
        assert_eq!(told, Some(1));
        drop((case, lock));
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let second = crate::record::RecordId::generate();
        fixture::put(&case, &lock, &[(&second, &fixture::note("Visit", "No."))]);
        for id in [&first, &second] {
            assert!(old.decrypt(&blob(&case, id), "record").is_err());
            assert!(case.key().decrypt(&blob(&case, id), "record").is_ok());
        }
        assert!(!case.key().same_as(&old));
    }

    #[test]
    fn an_unshared_member_can_no_longer_open_the_case() {
        let fx = Fixture::new();
        let other = fx.member("other");
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let context = fixture::context();
        share(&case, &lock, other.recipient(), None, &context).unwrap();
        drop(lock);
        assert!(fixture::try_open(&fx.root(), &other).is_ok());
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let ids = &fx.owner.identities;
        unshare(&case, &lock, &other.recipient(), ids, &context, &mut |_| {}).unwrap();
        drop(lock);
        assert!(matches!(
            fixture::try_open(&fx.root(), &other),
            Err(crate::store::StoreError::NotAMember { .. })
        ));
        assert!(fixture::try_open(&fx.root(), &fx.owner).is_ok());
    }

    #[test]
    fn unsharing_yourself_is_refused_before_any_file_is_rewritten() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let before = fixture::commits(&case);
        let ids = &fx.owner.identities;
        let me = fx.owner.recipient();
        let refused = unshare(&case, &lock, &me, ids, &fixture::context(), &mut |_| {});
        assert!(refused.is_err());
        assert_eq!(fixture::commits(&case), before);
    }

    #[test]
    fn rejecting_with_every_member_accepted_removes_no_one() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let before = fixture::commits(&case);
        let removed = reject(&case, &lock, &fx.owner.identities, &fixture::context()).unwrap();
        assert!(removed.is_empty());
        assert_eq!(fixture::commits(&case), before);
        assert_eq!(case.recipients().unwrap().len(), 1);
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

    #[test]
    fn the_listing_shows_each_key_with_its_label_and_notes() {
        let fx = Fixture::new();
        let key = fx.owner.recipient();
        let me = Member {
            key: key.clone(),
            label: Some("me".into()),
            you: true,
            pending: false,
        };
        let text = render(std::slice::from_ref(&me), None, Paint::plain());
        let pad = " ".repeat(key.to_string().len() - 3);
        assert_eq!(
            text,
            format!("KEY{pad}  TYPE  LABEL  NOTES\n{key}  age   me     you\n")
        );
        assert_eq!(render(&[me], None, Paint::new(true)), text);
    }
}

//! What to tell the user of a store error beyond its message: the facts that explain it and
//! what to do, with the exact command.

use super::StoreError;
use super::members::MembershipError;
use crate::crypto::CryptoError;

impl StoreError {
    /// Facts that explain the error beyond its message.
    pub fn causes(&self) -> Vec<String> {
        match self {
            StoreError::KeyNotTrusted { commit, .. } => vec![format!(
                "the key at commit {} neither is the key this copy pinned nor knows it",
                crate::git::short(commit)
            )],
            StoreError::Unauthenticated { commit, .. } => vec![format!(
                "commit {} changed it outside iepcase (a moved, replayed or altered file)",
                crate::git::short(commit)
            )],
            StoreError::NotAMember { public_keys, .. } => {
                crate::crypto::advice::your_keys(public_keys)
            }
            _ => Vec::new(),
        }
    }

    /// Whether the errors underneath say something the user needs: when the error has no
    /// advice of its own, or the file it could not read is the point.
    pub fn shows_sources(&self) -> bool {
        matches!(
            self,
            StoreError::CorruptObject { .. }
                | StoreError::Unreadable { .. }
                | StoreError::FileUnreadable { .. }
        ) || self.hints().is_empty()
    }

    /// What to do about the error, with the exact command where there is one. Errors of the
    /// layers underneath (records, keys, members) carry their own.
    pub fn hints(&self) -> Vec<String> {
        let one = |hint: &str| vec![hint.to_owned()];
        match self {
            StoreError::NotACase { .. } => one(
                "cases live in the workspace's cases/ folder; see them with `iepcase case list`",
            ),
            StoreError::NewerFormat { .. } => one("upgrade iepcase to open this case"),
            StoreError::BadFormat { case, .. } => vec![format!(
                "`iepcase -c {case} fsck` shows what is wrong; every earlier state of the case is \
                 in its history (`git -C cases/{case} log`)"
            )],
            StoreError::KeyNotTrusted { case, .. } => vec![
                "nothing was read with it: someone changed this copy's history outside iepcase"
                    .to_owned(),
                format!(
                    "tell the case's members; clone the case again from a member you trust \
                     (`iepcase clone URL {case}-fresh`) and compare"
                ),
            ],
            StoreError::Unauthenticated { case, .. } => vec![format!(
                "`iepcase -c {case} fsck` names every such file; `iepcase -c {case} fsck \
                 --repair` puts back what the members wrote"
            )],
            StoreError::UntrustedHead { case, .. } => vec![format!(
                "`iepcase -c {case} fsck` names them; `iepcase -c {case} fsck --repair` puts \
                 back what the members wrote, then run your command again"
            )],
            StoreError::AttachmentTooLarge { .. } => one(
                "if the file is meant to be this large (a recording), raise the limit for it: \
                 `--max-size 4G`",
            ),
            StoreError::CorruptObject { case, .. } => vec![format!(
                "`iepcase -c {case} fsck` lists every damaged file; take a fresh copy from a \
                 remote with `iepcase clone` and compare"
            )],
            StoreError::KeyChanged { .. } => {
                one("another change reached the case at the same moment: run your command again")
            }
            StoreError::Unreadable { case, source, .. }
            | StoreError::FileUnreadable { case, source, .. } => vec![unreadable(case, source)],
            StoreError::Locked { .. } => one("wait for it to finish and run your command again"),
            StoreError::CaseExists { .. } => one("pick another slug, or see `iepcase case list`"),
            StoreError::NoSuchRevision { .. } | StoreError::NotAtRevision { .. } => {
                one("see the revisions with `iepcase log`")
            }
            StoreError::AttachmentMismatch { .. } | StoreError::AttachmentMissing { .. } => {
                one("run `iepcase fsck` to check the whole case")
            }
            StoreError::NotAMember { .. } => crate::crypto::advice::not_a_member(),
            _ => Vec::new(),
        }
    }
}

impl MembershipError {
    /// Facts that explain the refusal beyond its message: the members not accepted yet.
    pub fn causes(&self) -> Vec<String> {
        match self {
            MembershipError::Pending { keys, .. } => keys
                .iter()
                .map(|key| format!("not accepted yet: {key}"))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// What to do instead, with the command that shows the members.
    pub fn hint(&self) -> &'static str {
        match self {
            MembershipError::AlreadyMember { .. } => "see the members with `iepcase recipients`",
            MembershipError::NotAMember { .. } => {
                "see the members, with their keys as written, with `iepcase recipients`"
            }
            MembershipError::LockOut { .. } => {
                "share the case with another key of yours first, or remove someone else"
            }
            MembershipError::Pending { .. } => {
                "check them with `iepcase recipients`, then `iepcase recipients accept` or `iepcase recipients reject`"
            }
        }
    }
}

/// A file of case `case` that could not be decrypted: advice to remove anything only when the
/// file is proven damaged.
fn unreadable(case: &str, source: &CryptoError) -> String {
    let damaged = matches!(source, CryptoError::Decrypt { reason, .. }
        if !reason.contains("none of your keys"));
    if damaged {
        format!(
            "run `iepcase -c {case} fsck` to check the whole case; restore the file from another \
             copy with git (every change is in history), or remove the record"
        )
    } else {
        format!(
            "the file is intact but encrypted to a key this copy does not hold: run \
             `iepcase -c {case} sync` to take in the case's current key, then \
             `iepcase -c {case} fsck`"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_you_are_not_a_member_of_names_your_keys_and_hides_nothing_underneath() {
        let e = StoreError::NotAMember {
            case: "eq-2025".into(),
            public_keys: vec!["age1mine".into()],
        };
        assert_eq!(e.causes(), ["your public key: age1mine"]);
        assert_eq!(e.hints().len(), 2);
        assert!(!e.shows_sources());
    }

    #[test]
    fn members_not_accepted_yet_are_each_named() {
        let e = MembershipError::Pending {
            case: "eq-2025".into(),
            keys: vec!["age1new".into()],
        };
        assert_eq!(e.causes(), ["not accepted yet: age1new"]);
        assert!(e.hint().contains("iepcase recipients accept"));
        let locked = MembershipError::LockOut {
            case: "eq-2025".into(),
        };
        assert!(locked.causes().is_empty());
    }
}

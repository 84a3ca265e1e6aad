//! Who can read a case: sharing (re-wrapping the case key), unsharing and rotating (a new
//! case key and every file re-encrypted to it, in one commit), and the recipients this machine
//! has accepted (a recipients change that arrives from a remote must be accepted before iepcase
//! wraps keys to it).

use std::collections::BTreeMap;

use git2::Oid;

use super::{CASE_FILE, CASE_KEY_FILE, Case, CaseLock, RECIPIENTS_FILE, StoreError};
use crate::crypto::{self, Recipient};
use crate::git::CommitContext;

/// The members of a case: public keys and their labels.
pub type Members = Vec<(Recipient, Option<String>)>;

/// Why a membership change was refused.
#[derive(Debug, thiserror::Error)]
pub enum MembershipError {
    #[error("{key} is already a member of case `{case}`")]
    AlreadyMember { case: String, key: String },
    #[error("{key} is not a member of case `{case}`")]
    NotAMember { case: String, key: String },
    #[error("this would lock you out of case `{case}`: none of your keys would remain a member")]
    LockOut { case: String },
    #[error("the members of case `{case}` changed on a remote and are not accepted yet")]
    Pending { case: String, keys: Vec<String> },
}

impl Case {
    fn accepted_path(&self) -> std::path::PathBuf {
        super::local_dir(&self.root).join("accepted-recipients")
    }

    /// The public keys this machine has accepted as members. A case that never recorded any
    /// (made before this was kept) accepts its current members.
    pub fn accepted_recipients(&self) -> Result<Vec<String>, StoreError> {
        match std::fs::read_to_string(self.accepted_path()) {
            Ok(text) => Ok(text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()),
            Err(_) => Ok(self
                .recipients()?
                .iter()
                .map(|(r, _)| r.to_string())
                .collect()),
        }
    }

    /// Records `members` as accepted on this machine.
    pub fn accept_recipients(
        &self,
        members: &[(Recipient, Option<String>)],
    ) -> Result<(), StoreError> {
        let mut keys: Vec<String> = members.iter().map(|(r, _)| r.to_string()).collect();
        keys.sort();
        keys.dedup();
        let path = self.accepted_path();
        fs_err::create_dir_all(super::local_dir(&self.root)).map_err(StoreError::io(&path))?;
        crate::atomic::write(&path, format!("{}\n", keys.join("\n")).as_bytes(), None)
            .map_err(StoreError::io(&path))
    }

    /// Members listed in the case that this machine has not accepted.
    pub fn pending_recipients(&self) -> Result<Members, StoreError> {
        let accepted = self.accepted_recipients()?;
        Ok(self
            .recipients()?
            .into_iter()
            .filter(|(r, _)| !accepted.contains(&r.to_string()))
            .collect())
    }

    fn refuse_pending(&self) -> Result<(), StoreError> {
        self.refuse_pending_except(&[])
    }

    /// Refuses while members not accepted here remain, other than those being removed.
    fn refuse_pending_except(&self, removing: &[&Recipient]) -> Result<(), StoreError> {
        let mut pending = self.pending_recipients()?;
        pending.retain(|(r, _)| !removing.contains(&r));
        if pending.is_empty() {
            return Ok(());
        }
        Err(MembershipError::Pending {
            case: self.slug.clone(),
            keys: pending.iter().map(|(r, _)| r.to_string()).collect(),
        }
        .into())
    }

    /// Adds a member: re-wraps the case key (one file) and lists them. Returns the commit.
    pub fn share(
        &self,
        lock: &CaseLock,
        recipient: Recipient,
        label: Option<String>,
        context: &CommitContext,
    ) -> Result<Oid, StoreError> {
        self.refuse_pending()?;
        let mut members = self.recipients()?;
        if members.iter().any(|(r, _)| *r == recipient) {
            return Err(MembershipError::AlreadyMember {
                case: self.slug.clone(),
                key: recipient.to_string(),
            }
            .into());
        }
        members.push((recipient, label));
        let keys: Vec<Recipient> = members.iter().map(|(r, _)| r.clone()).collect();
        let mut tx = self.transaction(lock);
        tx.put_plain(CASE_KEY_FILE, self.key.wrap(&keys)?)?;
        tx.put_plain(
            RECIPIENTS_FILE,
            crypto::render_recipients(&members).into_bytes(),
        )?;
        let commit = tx
            .commit("share case", context)?
            .expect("sharing changes the case");
        self.accept_recipients(&members)?;
        Ok(commit)
    }

    /// Removes a member and rotates the case key. `mine` are the operator's public keys: a
    /// change that leaves none of them a member is refused.
    pub fn unshare(
        &self,
        lock: &CaseLock,
        recipient: &Recipient,
        mine: &[String],
        context: &CommitContext,
    ) -> Result<Oid, StoreError> {
        // Removing a member nobody here accepted yet is how such a member is rejected.
        self.refuse_pending_except(&[recipient])?;
        let mut members = self.recipients()?;
        let before = members.len();
        members.retain(|(r, _)| r != recipient);
        if members.len() == before {
            return Err(MembershipError::NotAMember {
                case: self.slug.clone(),
                key: recipient.to_string(),
            }
            .into());
        }
        self.rotate_to(lock, &members, mine, "unshare case", context)
    }

    /// Removes every member not accepted here, in one rotation; returns them.
    pub fn reject_pending(
        &self,
        lock: &CaseLock,
        mine: &[String],
        context: &CommitContext,
    ) -> Result<Members, StoreError> {
        let pending = self.pending_recipients()?;
        if pending.is_empty() {
            return Ok(pending);
        }
        let members: Members = self
            .recipients()?
            .into_iter()
            .filter(|(r, _)| !pending.iter().any(|(p, _)| p == r))
            .collect();
        self.rotate_to(lock, &members, mine, "unshare case", context)?;
        Ok(pending)
    }

    /// Makes a new case key and re-encrypts everything to it, members unchanged.
    pub fn rotate(
        &self,
        lock: &CaseLock,
        mine: &[String],
        context: &CommitContext,
    ) -> Result<Oid, StoreError> {
        self.refuse_pending()?;
        let members = self.recipients()?;
        self.rotate_to(lock, &members, mine, "rotate case key", context)
    }

    fn rotate_to(
        &self,
        lock: &CaseLock,
        members: &[(Recipient, Option<String>)],
        mine: &[String],
        message: &str,
        context: &CommitContext,
    ) -> Result<Oid, StoreError> {
        if !members.iter().any(|(r, _)| mine.contains(&r.to_string())) {
            return Err(MembershipError::LockOut {
                case: self.slug.clone(),
            }
            .into());
        }
        // The new key keeps the old ones, so members can still read the case's history.
        let new_key = self.key.successor();
        let keys: Vec<Recipient> = members.iter().map(|(r, _)| r.clone()).collect();
        let mut tx = self.transaction(lock);
        tx.encrypt_to(&new_key);
        let renamed = self.reencrypt_attachments(&mut tx)?;
        for (id, text) in self.texts()? {
            let text = text?;
            tx.put_record(&id, &rename_attachments(&text, &renamed))?;
        }
        let (meta, _) = self.meta()?;
        tx.put_meta(&meta)?;
        tx.put_plain(CASE_KEY_FILE, new_key.wrap(&keys)?)?;
        tx.put_plain(
            RECIPIENTS_FILE,
            crypto::render_recipients(members).into_bytes(),
        )?;
        let commit = tx
            .commit(message, context)?
            .expect("a new key changes every file");
        self.accept_recipients(members)?;
        Ok(commit)
    }

    /// Re-encrypts every attachment at HEAD to the transaction's key, staging the renames;
    /// returns old name → new name.
    fn reencrypt_attachments(
        &self,
        tx: &mut super::Transaction<'_>,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let mut renamed = BTreeMap::new();
        for (old, path, oid) in self.attachment_blobs()? {
            let new = tx.reencrypt_attachment(oid, &self.key, &old)?;
            if super::attachment_path(&new) != path {
                tx.remove_path(&path);
            }
            renamed.insert(old, new);
        }
        Ok(renamed)
    }
}

/// Points a record's `[[attachments]]` at renamed files.
pub fn rename_attachments(text: &str, renamed: &BTreeMap<String, String>) -> String {
    if renamed.is_empty() || !text.contains("attachments") {
        return text.to_owned();
    }
    let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>() else {
        return text.to_owned();
    };
    let mut changed = false;
    if let Some(list) = doc
        .get_mut("attachments")
        .and_then(|i| i.as_array_of_tables_mut())
    {
        for table in list.iter_mut() {
            let Some(new) = table
                .get("blob")
                .and_then(|b| b.as_str())
                .and_then(|b| renamed.get(b))
            else {
                continue;
            };
            let new = new.clone();
            table.insert("blob", toml_edit::value(new));
            changed = true;
        }
    }
    if changed {
        doc.to_string()
    } else {
        text.to_owned()
    }
}

/// Whether `path` is one of the files that encode membership.
pub fn is_membership_file(path: &str) -> bool {
    path == CASE_KEY_FILE || path == RECIPIENTS_FILE
}

/// Whether `path` holds data encrypted to the case key.
pub fn is_encrypted_data(path: &str) -> bool {
    path == CASE_FILE || path.starts_with("records/") || path.starts_with("attachments/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordId;
    use crate::store::fixture::{Fixture, context, note, open, put, text_of, try_open};

    fn not_a_member(result: Result<(Case, CaseLock), StoreError>) -> bool {
        matches!(result, Err(StoreError::NotAMember { .. }))
    }

    #[test]
    fn a_shared_member_opens_the_case_and_reads_its_records() {
        let f = Fixture::new();
        let bob = f.member("bob");
        let id = RecordId::generate();
        {
            let (case, lock) = open(&f.root(), &f.owner);
            put(&case, &lock, &[(&id, &note("IEP meeting", "notes"))]);
        }
        assert!(not_a_member(try_open(&f.root(), &bob)), "not shared yet");
        {
            let (case, lock) = open(&f.root(), &f.owner);
            case.share(&lock, bob.recipient(), Some("Bob".into()), &context())
                .unwrap();
            let members = case.recipients().unwrap();
            assert_eq!(members.len(), 2);
            assert_eq!(members[1], (bob.recipient(), Some("Bob".into())));
        }
        let (case, _lock) = open(&f.root(), &bob);
        assert_eq!(text_of(&case, &id), Some(note("IEP meeting", "notes")));
    }

    #[test]
    fn unsharing_gives_the_case_a_key_the_removed_member_cannot_open() {
        let f = Fixture::new();
        let bob = f.member("bob");
        let id = RecordId::generate();
        let (old_key, old_attachment) = {
            let (case, lock) = open(&f.root(), &f.owner);
            case.share(&lock, bob.recipient(), None, &context())
                .unwrap();
            let mut tx = case.transaction(&lock);
            let attachment = tx
                .add_attachment_bytes("letter.pdf", b"%PDF a letter")
                .unwrap();
            let text = format!(
                "{}\n[[attachments]]\nname = \"letter.pdf\"\nsha256 = \"{}\"\nblob = \"{}\"\n",
                note("Letter", "sent"),
                attachment.sha256,
                attachment.blob.clone().unwrap()
            );
            tx.put_record(&id, &text).unwrap();
            tx.commit("add", &context()).unwrap().unwrap();
            (case.key().clone(), attachment.blob.unwrap())
        };
        // Bob's copy of the case key, as he could have kept it.
        assert!(open(&f.root(), &bob).0.key().same_as(&old_key));
        {
            let (case, lock) = open(&f.root(), &f.owner);
            case.unshare(&lock, &bob.recipient(), &f.owner.keys(), &context())
                .unwrap();
            assert_eq!(
                case.recipients().unwrap(),
                [(f.owner.recipient(), Some("Owner".into()))]
            );
        }
        assert!(not_a_member(try_open(&f.root(), &bob)));
        let (case, _lock) = open(&f.root(), &f.owner);
        assert!(!case.key().same_as(&old_key), "the case key was rotated");
        // Everything at HEAD is encrypted to the new key: the old one opens none of it.
        let (_, record_oid) = case.record_ids().unwrap().remove(0);
        let record = case.repo().find_blob(record_oid).unwrap();
        assert!(old_key.decrypt(record.content(), "record").is_err());
        let stored = case.read_record(&id).unwrap();
        let attachment = &stored.record.common.attachments[0];
        let new_blob = attachment.blob.clone().unwrap();
        assert_ne!(new_blob, old_attachment, "attachment names follow the key");
        assert!(!case.has_attachment(&old_attachment).unwrap());
        let mut out = Vec::new();
        case.extract_attachment(&id, attachment, &mut out).unwrap();
        assert_eq!(out, b"%PDF a letter");
        // The owner still reads the history written under the old key.
        assert!(case.key().knows(old_key.fingerprint()));
    }

    #[test]
    fn a_change_that_leaves_none_of_my_keys_a_member_is_refused() {
        let f = Fixture::new();
        let bob = f.member("bob");
        let (case, lock) = open(&f.root(), &f.owner);
        case.share(&lock, bob.recipient(), None, &context())
            .unwrap();
        let head = case.head_commit();
        let err = case
            .unshare(&lock, &f.owner.recipient(), &f.owner.keys(), &context())
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Membership(MembershipError::LockOut { .. })),
            "{err}"
        );
        // Nor can someone whose keys are not members rotate the key.
        let stranger = f.member("carol");
        let err = case
            .rotate(&lock, &stranger.keys(), &context())
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Membership(MembershipError::LockOut { .. })),
            "{err}"
        );
        assert_eq!(case.head_commit(), head, "nothing was committed");
        assert_eq!(case.recipients().unwrap().len(), 2);
    }

    #[test]
    fn sharing_twice_or_unsharing_a_stranger_is_refused() {
        let f = Fixture::new();
        let bob = f.member("bob");
        let (case, lock) = open(&f.root(), &f.owner);
        case.share(&lock, bob.recipient(), None, &context())
            .unwrap();
        let err = case
            .share(&lock, bob.recipient(), None, &context())
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Membership(MembershipError::AlreadyMember { .. })
            ),
            "{err}"
        );
        let carol = f.member("carol");
        let err = case
            .unshare(&lock, &carol.recipient(), &f.owner.keys(), &context())
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Membership(MembershipError::NotAMember { .. })
            ),
            "{err}"
        );
    }

    #[test]
    fn members_not_accepted_here_block_sharing_until_rejected() {
        let f = Fixture::new();
        let bob = f.member("bob");
        let carol = f.member("carol");
        let (case, lock) = open(&f.root(), &f.owner);
        case.share(&lock, bob.recipient(), None, &context())
            .unwrap();
        // Bob arrived from a remote: this machine has only accepted the owner.
        case.accept_recipients(&[(f.owner.recipient(), None)])
            .unwrap();
        assert_eq!(
            case.pending_recipients().unwrap(),
            [(bob.recipient(), None)]
        );
        let head = case.head_commit();
        for err in [
            case.share(&lock, carol.recipient(), None, &context())
                .unwrap_err(),
            case.rotate(&lock, &f.owner.keys(), &context()).unwrap_err(),
        ] {
            match err {
                StoreError::Membership(MembershipError::Pending { keys, .. }) => {
                    assert_eq!(keys, bob.keys())
                }
                other => panic!("expected Pending, got {other}"),
            }
        }
        assert_eq!(case.head_commit(), head);
        let rejected = case
            .reject_pending(&lock, &f.owner.keys(), &context())
            .unwrap();
        assert_eq!(rejected, [(bob.recipient(), None)]);
        assert!(case.pending_recipients().unwrap().is_empty());
        drop((case, lock));
        assert!(not_a_member(try_open(&f.root(), &bob)));
        let (case, lock) = open(&f.root(), &f.owner);
        case.share(&lock, carol.recipient(), None, &context())
            .unwrap();
    }

    #[test]
    fn renamed_attachments_are_followed_by_the_records_that_name_them() {
        let text = "kind = \"note\"\ndate = 2026-01-15\ntitle = \"t\"\n\n\
                    [[attachments]]\nname = \"a.pdf\"\nsha256 = \"00\"\nblob = \"old1\"\n\n\
                    [[attachments]]\nname = \"b.pdf\"\nsha256 = \"11\"\nblob = \"keep\"\n";
        let renamed = BTreeMap::from([("old1".to_owned(), "new1".to_owned())]);
        let out = rename_attachments(text, &renamed);
        assert!(out.contains("blob = \"new1\""), "{out}");
        assert!(out.contains("blob = \"keep\""), "{out}");
        assert!(!out.contains("old1"), "{out}");
        assert_eq!(rename_attachments(text, &BTreeMap::new()), text);
    }
}

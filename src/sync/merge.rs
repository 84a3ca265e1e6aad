//! Merging fetched changes into a case, record by record.
//!
//! Files changed on one side only are taken from that side. A record changed on both sides is
//! decrypted (base, ours, theirs) and merged field by field ([`super::fields`]); when the same
//! field changed differently, ours stays and theirs is kept beside it as `<id>.conflict-<n>`.
//! A record deleted on one side and edited on the other is kept. Attachments are named by
//! their content, so they merge as a union. Membership (`.iepcase/recipients` and the wrapped
//! case key) is taken from the one side that changed it, or kept as ours when both did; every
//! file that ends up encrypted to another key than the chosen one is re-encrypted. Nothing is
//! ever dropped: the merge commit has both histories as parents.

use std::collections::{BTreeMap, BTreeSet};

use git2::{Oid, Tree};

use super::SyncError;
use super::fields::{FieldMerge, merge_texts};
use crate::crypto::{CaseKey, Identities};
use crate::git::CommitContext;
use crate::record::RecordId;
use crate::store::trust::{Distrust, Keys, Untrusted, Verified};
use crate::store::{CASE_FILE, CASE_KEY_FILE, Case, CaseLock, RECIPIENTS_FILE, StoreError};

/// What a merge did.
#[derive(Debug, Default, Clone)]
pub struct MergeReport {
    /// Whether anything came in at all.
    pub changed: bool,
    /// Whether the local case simply moved forward to the remote's.
    pub fast_forward: bool,
    /// Records changed on both sides and merged field by field.
    pub merged: Vec<String>,
    /// Records one side removed and the other edited: kept, edits and all.
    pub kept: Vec<String>,
    /// Records whose content here changed with the merge.
    pub updated: usize,
    /// Records kept with the remote version beside them: `(id, conflict copy id, fields)`.
    pub conflicts: Vec<(String, String, Vec<String>)>,
    /// Case details changed differently on both sides (ours kept; theirs is in history).
    pub meta_conflict: Vec<String>,
    /// Membership changed on both sides (ours kept).
    pub membership_conflict: bool,
    /// Public keys the remote added to the members.
    pub members_added: Vec<String>,
    /// Public keys the remote removed.
    pub members_removed: Vec<String>,
}

impl MergeReport {
    /// Adds what a later merge of the same sync did.
    pub fn absorb(&mut self, later: MergeReport) {
        self.changed |= later.changed;
        self.fast_forward |= later.fast_forward;
        self.merged.extend(later.merged);
        self.kept.extend(later.kept);
        self.updated += later.updated;
        self.conflicts.extend(later.conflicts);
        if !later.meta_conflict.is_empty() {
            self.meta_conflict = later.meta_conflict;
        }
        self.membership_conflict |= later.membership_conflict;
        self.members_added.extend(later.members_added);
        self.members_removed.extend(later.members_removed);
    }
}

/// One side of the merge: its tree's files and the key its data is encrypted to.
struct Side<'r> {
    files: BTreeMap<String, Oid>,
    key: Option<CaseKey>,
    _tree: Tree<'r>,
}

/// Reads one side; its key is the one its manifest names (or, before format 2, the one its
/// wrapped key file holds for this copy's identities).
fn side<'r>(
    case: &'r Case,
    tree: Tree<'r>,
    keys: &Keys,
    identities: &Identities,
) -> Result<Side<'r>, SyncError> {
    let mut files = BTreeMap::new();
    // Keyed by where the current format keeps each file, so sides of different formats
    // (a copy not yet upgraded) compare file by file.
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            let path = format!("{dir}{}", entry.name().unwrap_or_default());
            files.insert(canonical(&path), entry.id());
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(|source| SyncError::Git {
        action: "read a fetched tree",
        source,
    })?;
    let named = crate::store::trust::state_of(case.repo(), &tree)
        .ok()
        .and_then(|(state, _)| state.key);
    let key = match (named, files.get(CASE_KEY_FILE)) {
        (Some(fingerprint), _) => keys.get(&fingerprint).cloned(),
        (None, Some(oid)) => {
            let blob = case
                .repo()
                .find_blob(*oid)
                .map_err(|source| SyncError::Git {
                    action: "read a case key",
                    source,
                })?;
            CaseKey::unwrap(blob.content(), identities).ok()
        }
        (None, None) => None,
    };
    Ok(Side {
        files,
        key,
        _tree: tree,
    })
}

/// Where a file of the result comes from.
enum Pick {
    Local,
    Remote(Oid),
    Delete,
    /// A record or case file merged field by field.
    Text(String),
}

/// Merges the fetched and verified commit `verified.head` into the case's HEAD and commits
/// the result. The remote's case key replaces this copy's only when it is proven to succeed
/// it; nothing is ever encrypted to a key that is not.
pub fn merge(
    case: &Case,
    lock: &CaseLock,
    verified: &Verified,
    identities: &Identities,
    context: &CommitContext,
) -> Result<MergeReport, SyncError> {
    let remote = verified.head;
    let repo = case.repo();
    let mut keys = Keys::default();
    keys.learn(case.key());
    keys.absorb(&verified.keys);
    let unpinned = || SyncError::Untrusted {
        case: case.slug().to_owned(),
        url: String::new(),
        source: Untrusted {
            commit: remote,
            reason: Distrust::UnpinnedKey,
        },
    };
    let git = |action: &'static str| move |source| SyncError::Git { action, source };
    let local = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(git("read the case"))?
        .id();
    let mut report = MergeReport::default();
    if local == remote
        || repo
            .graph_descendant_of(local, remote)
            .map_err(git("compare histories"))?
    {
        return Ok(report);
    }
    report.changed = true;
    let remote_tree = repo
        .find_commit(remote)
        .and_then(|c| c.tree())
        .map_err(git("read the fetched case"))?;
    let theirs = side(case, remote_tree, &keys, identities)?;
    let Some(key_r) = verified.key.as_ref().filter(|_| theirs.key.is_some()) else {
        return Err(SyncError::RemovedOnRemote {
            case: case.slug().to_owned(),
        });
    };
    let ours_tree = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .map_err(git("read the case"))?;
    let ours = side(case, ours_tree, &keys, identities)?;
    membership_changes(case, &ours, &theirs, &mut report)?;
    // This copy's key, or a successor that knows it: anything else is taken as the remote's
    // own key only for reading what it sent.
    let continuous = key_r.knows(case.key().fingerprint());
    if repo
        .graph_descendant_of(remote, local)
        .map_err(git("compare histories"))?
    {
        if !continuous {
            return Err(unpinned());
        }
        case.fast_forward(lock, remote, key_r)?;
        report.fast_forward = true;
        let records = |s: &Side<'_>| -> BTreeMap<String, Oid> {
            s.files
                .iter()
                .filter(|(p, _)| p.starts_with("records/"))
                .map(|(p, o)| (p.clone(), *o))
                .collect()
        };
        let (mine, yours) = (records(&ours), records(&theirs));
        report.updated = mine
            .iter()
            .filter(|(p, o)| yours.get(*p) != Some(o))
            .count()
            + yours.keys().filter(|p| !mine.contains_key(*p)).count();
        forget_removed_members(case)?;
        return Ok(report);
    }
    let base_id = repo
        .merge_base(local, remote)
        .map_err(|_| SyncError::Unrelated {
            case: case.slug().to_owned(),
        })?;
    let base_tree = repo
        .find_commit(base_id)
        .and_then(|c| c.tree())
        .map_err(git("read the common history"))?;
    let base = side(case, base_tree, &keys, identities)?;

    // Membership: from the side that changed it; ours when both did.
    let membership = |s: &Side<'_>| {
        (
            s.files.get(RECIPIENTS_FILE).copied(),
            s.files.get(CASE_KEY_FILE).copied(),
        )
    };
    let (mb, ml, mr) = (membership(&base), membership(&ours), membership(&theirs));
    let take_theirs = ml != mr && ml == mb;
    report.membership_conflict = ml != mr && ml != mb && mr != mb;
    if take_theirs && !key_r.same_as(case.key()) && !continuous {
        return Err(unpinned());
    }
    let key_l = case.key();
    let key = if take_theirs { key_r } else { key_l };

    let mut picks: BTreeMap<String, Pick> = BTreeMap::new();
    let paths: BTreeSet<&String> = base
        .files
        .keys()
        .chain(ours.files.keys())
        .chain(theirs.files.keys())
        .collect();
    for path in paths {
        if crate::store::is_membership_file(path) {
            if take_theirs {
                picks.insert(
                    path.clone(),
                    theirs
                        .files
                        .get(path)
                        .map_or(Pick::Delete, |o| Pick::Remote(*o)),
                );
            }
            continue;
        }
        let (b, l, r) = (
            base.files.get(path),
            ours.files.get(path),
            theirs.files.get(path),
        );
        let pick = if l == r || r == b {
            Pick::Local
        } else if l == b {
            r.map_or(Pick::Delete, |o| Pick::Remote(*o))
        } else {
            both_changed(case, path, (b, l, r), (&base, &ours, &theirs), &mut report)?
        };
        picks.insert(path.clone(), pick);
    }
    add_conflict_copies(case, &ours, &theirs, &mut picks, &mut report)?;
    report.updated = picks
        .iter()
        .filter(|(path, _)| path.starts_with("records/"))
        .filter(|(path, pick)| match pick {
            Pick::Local => false,
            Pick::Remote(_) => true,
            Pick::Delete => ours.files.contains_key(*path),
            Pick::Text(_) => {
                let id = record_id_of(path);
                !ours.files.contains_key(*path)
                    || report.merged.contains(&id)
                    || report.conflicts.iter().any(|(base, _, _)| *base == id)
            }
        })
        .count();
    // Both sides changed members and keys: ours stay, and learn theirs so the remote's
    // history stays readable.
    let widened =
        (report.membership_conflict && !key_r.same_as(key_l)).then(|| key_l.with_history_of(key_r));
    write_merge(
        case,
        lock,
        remote,
        key,
        widened.as_ref(),
        (&ours, &theirs),
        picks,
        context,
    )?;
    forget_removed_members(case)?;
    Ok(report)
}

/// Decides a file both sides changed.
fn both_changed(
    case: &Case,
    path: &str,
    (b, l, r): (Option<&Oid>, Option<&Oid>, Option<&Oid>),
    (base, ours, theirs): (&Side<'_>, &Side<'_>, &Side<'_>),
    report: &mut MergeReport,
) -> Result<Pick, SyncError> {
    let is_record = path.starts_with("records/");
    if !is_record && path != CASE_FILE {
        // Attachments are named by content: whichever side has the file, keep it.
        return Ok(if l.is_some() {
            Pick::Local
        } else {
            r.map_or(Pick::Delete, |o| Pick::Remote(*o))
        });
    }
    let text = |oid: Option<&Oid>, side: &Side<'_>| -> Result<Option<String>, SyncError> {
        match (oid, &side.key) {
            (Some(oid), Some(key)) => Ok(Some(decrypt_text(case, *oid, key, path)?)),
            (Some(_), None) => Ok(None),
            (None, _) => Ok(None),
        }
    };
    let (bt, lt, rt) = (text(b, base)?, text(l, ours)?, text(r, theirs)?);
    match (lt, rt) {
        (None, None) => Ok(Pick::Delete),
        // Deleted here: gone, unless they really edited it (not just re-encrypted it).
        (None, Some(rt)) => Ok(if bt.as_deref() == Some(rt.as_str()) {
            Pick::Delete
        } else {
            if is_record {
                report.kept.push(record_id_of(path));
            }
            Pick::Text(rt)
        }),
        (Some(lt), None) => Ok(if bt.as_deref() == Some(lt.as_str()) {
            Pick::Delete
        } else {
            if is_record {
                report.kept.push(record_id_of(path));
            }
            Pick::Text(lt)
        }),
        (Some(lt), Some(rt)) if lt == rt => Ok(Pick::Text(lt)),
        (Some(lt), Some(rt)) => match merge_texts(bt.as_deref(), &lt, &rt) {
            FieldMerge::Clean(merged) if valid(path, &merged) => {
                if is_record {
                    report.merged.push(record_id_of(path));
                }
                Ok(Pick::Text(merged))
            }
            FieldMerge::Clean(_) => conflict(
                path,
                lt,
                rt,
                vec!["(the merged record is not valid)".into()],
                report,
            ),
            // Ours, with their changes to the other fields taken in; theirs beside it.
            FieldMerge::Conflict {
                fields,
                partial: Some(partial),
            } if valid(path, &partial) => conflict(path, partial, rt, fields, report),
            FieldMerge::Conflict { fields, .. } => conflict(path, lt, rt, fields, report),
        },
    }
}

fn valid(path: &str, text: &str) -> bool {
    if path == CASE_FILE {
        crate::record::parse_case_meta(text, "merged").is_ok()
    } else {
        crate::record::parse_record(text, "merged").is_ok()
    }
}

/// Keeps ours; theirs goes beside it (records) or stays in history (case details).
fn conflict(
    path: &str,
    ours: String,
    theirs: String,
    fields: Vec<String>,
    report: &mut MergeReport,
) -> Result<Pick, SyncError> {
    if path == CASE_FILE {
        report.meta_conflict = fields;
    } else {
        // The copy's path is filled in once every pick is known.
        report.conflicts.push((record_id_of(path), theirs, fields));
    }
    Ok(Pick::Text(ours))
}

fn record_id_of(path: &str) -> String {
    crate::store::record_of(path).map_or_else(|| path.to_owned(), |id| id.to_string())
}

/// Where the current format keeps the file at `path` (of any format).
fn canonical(path: &str) -> String {
    crate::store::record_of(path)
        .map(|id| crate::store::record_path(&id))
        .or_else(|| crate::store::attachment_of(path).map(crate::store::attachment_path))
        .unwrap_or_else(|| path.to_owned())
}

/// Gives each conflict its `<id>.conflict-<n>` record, numbered past any existing copy.
fn add_conflict_copies(
    _case: &Case,
    ours: &Side<'_>,
    theirs: &Side<'_>,
    picks: &mut BTreeMap<String, Pick>,
    report: &mut MergeReport,
) -> Result<(), SyncError> {
    for (id, theirs_text, _) in report.conflicts.iter_mut() {
        let base = RecordId::parse(id).ok_or_else(|| SyncError::Git {
            action: "name a conflict copy",
            source: git2::Error::from_str("bad record id"),
        })?;
        let mut n = 1;
        let taken = |n: u32| {
            let path = crate::store::record_path(&base.conflict(n));
            ours.files.contains_key(&path)
                || theirs.files.contains_key(&path)
                || picks.contains_key(&path)
        };
        while taken(n) {
            n += 1;
        }
        let copy = base.conflict(n);
        picks.insert(
            crate::store::record_path(&copy),
            Pick::Text(std::mem::take(theirs_text)),
        );
        *theirs_text = copy.to_string();
    }
    Ok(())
}

fn decrypt_text(case: &Case, oid: Oid, key: &CaseKey, path: &str) -> Result<String, SyncError> {
    let blob = case
        .repo()
        .find_blob(oid)
        .map_err(|source| SyncError::Git {
            action: "read a file",
            source,
        })?;
    let plain = key.decrypt(blob.content(), path).map_err(|source| {
        SyncError::Store(StoreError::FileUnreadable {
            case: case.slug().to_owned(),
            what: path.to_owned(),
            source,
        })
    })?;
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

/// Stages every pick, re-encrypting what is under another key, and commits the merge.
#[allow(clippy::too_many_arguments)]
fn write_merge(
    case: &Case,
    lock: &CaseLock,
    remote: Oid,
    key: &CaseKey,
    widened: Option<&CaseKey>,
    (ours, theirs): (&Side<'_>, &Side<'_>),
    picks: BTreeMap<String, Pick>,
    context: &CommitContext,
) -> Result<(), SyncError> {
    let mut tx = case.transaction(lock);
    if !key.same_as(case.key()) {
        tx.encrypt_to(key);
    }
    let key_of = |local: bool| {
        if local {
            case.key()
        } else {
            theirs.key.as_ref().unwrap_or(case.key())
        }
    };
    // Attachments first: re-encrypting renames them, and records must follow.
    let mut renamed = BTreeMap::new();
    for (path, pick) in &picks {
        let Some(name) = crate::store::attachment_of(path) else {
            continue;
        };
        let (oid, local) = match pick {
            Pick::Local => match ours.files.get(path) {
                Some(oid) => (*oid, true),
                None => continue,
            },
            Pick::Remote(oid) => (*oid, false),
            Pick::Delete => {
                tx.remove_path(path);
                continue;
            }
            Pick::Text(_) => continue,
        };
        let from = key_of(local);
        if from.same_as(key) {
            if !local {
                tx.put_existing(path, oid);
            }
            continue;
        }
        let new = tx.reencrypt_attachment(oid, from, name)?;
        if local && new != name {
            tx.remove_path(path);
        }
        renamed.insert(name.to_owned(), new);
    }
    for (path, pick) in picks {
        if path.starts_with("attachments/") {
            continue;
        }
        let is_record = path.starts_with("records/");
        let text = match pick {
            Pick::Delete => {
                tx.remove_path(&path);
                continue;
            }
            // Files that are not encrypted to the case key (the format line, membership)
            // are taken as they are.
            Pick::Remote(oid) if !crate::store::is_encrypted_data(&path) => {
                tx.put_existing(&path, oid);
                continue;
            }
            Pick::Local if !crate::store::is_encrypted_data(&path) => continue,
            Pick::Local if key.same_as(case.key()) && renamed.is_empty() => continue,
            Pick::Remote(oid) if key_of(false).same_as(key) && renamed.is_empty() => {
                tx.put_existing(&path, oid);
                continue;
            }
            Pick::Local => match ours.files.get(&path) {
                Some(oid) => decrypt_text(case, *oid, key_of(true), &path)?,
                None => continue,
            },
            Pick::Remote(oid) => decrypt_text(case, oid, key_of(false), &path)?,
            Pick::Text(text) => text,
        };
        let text = crate::store::rename_attachments(&text, &renamed);
        if is_record {
            let id = RecordId::parse(&record_id_of(&path)).ok_or_else(|| SyncError::Git {
                action: "read a record name",
                source: git2::Error::from_str(&path),
            })?;
            tx.put_record(&id, &text)?;
        } else if path == CASE_FILE {
            tx.put_meta(&text)?;
        }
    }
    if let Some(widened) = widened {
        let members: Vec<crate::crypto::Recipient> =
            case.recipients()?.into_iter().map(|(r, _)| r).collect();
        tx.put_plain(
            CASE_KEY_FILE,
            widened.wrap(&members).map_err(StoreError::from)?,
        )?;
    }
    tx.merge_parent(remote, theirs.key.as_ref());
    tx.commit("merge remote changes", context)?;
    Ok(())
}

/// Reports the members the remote added or removed.
fn membership_changes(
    case: &Case,
    ours: &Side<'_>,
    theirs: &Side<'_>,
    report: &mut MergeReport,
) -> Result<(), SyncError> {
    let members = |side: &Side<'_>| -> Result<BTreeSet<String>, SyncError> {
        let Some(oid) = side.files.get(RECIPIENTS_FILE) else {
            return Ok(BTreeSet::new());
        };
        let blob = case
            .repo()
            .find_blob(*oid)
            .map_err(|source| SyncError::Git {
                action: "read the members",
                source,
            })?;
        let list = crate::crypto::parse_recipients(&String::from_utf8_lossy(blob.content()))
            .map_err(StoreError::from)?;
        Ok(list.into_iter().map(|(r, _)| r.to_string()).collect())
    };
    let (mine, yours) = (members(ours)?, members(theirs)?);
    report.members_added = yours.difference(&mine).cloned().collect();
    report.members_removed = mine.difference(&yours).cloned().collect();
    Ok(())
}

/// A member removed by the remote is no longer accepted here; an added one stays pending
/// until accepted.
fn forget_removed_members(case: &Case) -> Result<(), SyncError> {
    let members = case.recipients()?;
    let accepted = case.accepted_recipients()?;
    let keep: Vec<_> = members
        .into_iter()
        .filter(|(r, _)| accepted.contains(&r.to_string()))
        .collect();
    case.accept_recipients(&keep)?;
    Ok(())
}

#[cfg(test)]
mod tests;

//! Which commits of a case this copy trusts (SPEC section 11; docs/security.md).
//!
//! A format-2 commit is trusted when its `.iepcase/manifest` matches its tree, was made with
//! a case key this copy knows, has a version above its parents', and proves every change of
//! the case key with the key it replaces. Commits from before a case's upgrade to format 2
//! are history: the first format-2 commit on a line is its trust anchor.
//!
//! Each copy pins, in `.git/iepcase/trust` (never committed), the fingerprint of the case key
//! it accepted last and the highest manifest version it has seen: a remote that swaps the key
//! or moves the case back is caught against the pin.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Tree};

use super::layout::{self, Format, Validator, Violation};
use super::manifest::{Manifest, entries_of};
use super::{CASE_KEY_FILE, FORMAT_FILE, MANIFEST_FILE, RECIPIENTS_FILE};
use crate::crypto::{CaseKey, CryptoError, Identities};

/// Why a commit is not trusted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Distrust {
    #[error("it holds a file iepcase would never write: {0}")]
    Layout(Violation),
    #[error("it uses format {0}, newer than this iepcase knows")]
    Newer(u32),
    #[error("it goes back to an older format than its parent's")]
    Downgrade,
    #[error("its manifest is missing or unreadable: {0}")]
    BadManifest(String),
    #[error("it was not made with the case key (its manifest does not authenticate)")]
    NotAuthentic,
    #[error("its files differ from what its manifest lists: {}", .0.join(", "))]
    Altered(Vec<String>),
    #[error(
        "its version ({version}) is not above its parent's ({parent}): an earlier state replayed"
    )]
    Replayed { version: u64, parent: u64 },
    #[error("it replaces the case key without proof from the key it replaces")]
    UnprovenKey,
    #[error("its case key is not the one this copy trusts, nor a proven successor of it")]
    UnpinnedKey,
    #[error("its case key is not the key the case's history was made with: a key swapped in")]
    ForeignKey,
    #[error("it was made with a case key this copy does not know")]
    UnknownKey,
    #[error("its members file is malformed: {0}")]
    Recipients(String),
}

/// A commit this copy does not trust, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("commit {} {reason}", short(.commit))]
pub struct Untrusted {
    pub commit: Oid,
    pub reason: Distrust,
}

fn short(oid: &Oid) -> String {
    oid.to_string()[..10].to_owned()
}

/// The local pin of a case: `.git/iepcase/trust`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// Fingerprint of the case key this copy accepted last.
    pub key: String,
    /// The highest manifest version this copy has seen.
    pub version: u64,
}

impl Pin {
    fn path(root: &Path) -> PathBuf {
        super::local_dir(root).join("trust")
    }

    /// The pin of the case at `root`, if it has one.
    pub fn load(root: &Path) -> Option<Pin> {
        let text = std::fs::read_to_string(Self::path(root)).ok()?;
        let mut key = None;
        let mut version = None;
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("key", k)) => key = Some(k.to_owned()),
                Some(("version", v)) => version = v.parse().ok(),
                _ => {}
            }
        }
        Some(Pin {
            key: key?,
            version: version?,
        })
    }

    /// Writes the pin (atomically).
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        let dir = super::local_dir(root);
        std::fs::create_dir_all(&dir)?;
        let text = format!(
            "# iepcase: the case key this copy trusts, and the newest version it has seen\nkey {}\nversion {}\n",
            self.key, self.version
        );
        crate::atomic::write(&Self::path(root), text.as_bytes(), Some(0o600))
    }
}

/// What a commit says about itself.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub format: u32,
    /// The manifest's version (0 before format 2).
    pub version: u64,
    /// Fingerprint of the key that made the manifest (format 2).
    pub key: Option<String>,
}

/// Reads a tree's `.iepcase/format`.
pub fn format_of(repo: &Repository, tree: &Tree<'_>) -> Result<u32, Distrust> {
    let format_bytes = crate::git::read(repo, tree, FORMAT_FILE)
        .ok()
        .flatten()
        .ok_or_else(|| {
            Distrust::Layout(Violation {
                path: FORMAT_FILE.into(),
                reason: "is missing".into(),
            })
        })?;
    match layout::parse_format(&format_bytes).map_err(Distrust::Layout)? {
        Format::Known(n) => Ok(n),
        Format::Newer(n) => Err(Distrust::Newer(n)),
    }
}

/// Reads a commit's format and manifest, without checking them.
pub fn state_of(repo: &Repository, tree: &Tree<'_>) -> Result<(State, Option<Manifest>), Distrust> {
    let format = format_of(repo, tree)?;
    if format < 2 {
        return Ok((
            State {
                format,
                ..State::default()
            },
            None,
        ));
    }
    let bytes = crate::git::read(repo, tree, MANIFEST_FILE)
        .ok()
        .flatten()
        .ok_or_else(|| Distrust::BadManifest("there is none".into()))?;
    let manifest = Manifest::parse(&bytes).map_err(Distrust::BadManifest)?;
    Ok((
        State {
            format,
            version: manifest.version,
            key: Some(manifest.key.clone()),
        },
        Some(manifest),
    ))
}

/// Case keys by fingerprint.
#[derive(Default)]
pub struct Keys(HashMap<String, CaseKey>);

impl Keys {
    /// Adds `key` (with the keys it replaced, for reading history) and every key it replaced.
    pub fn learn(&mut self, key: &CaseKey) {
        self.0.insert(key.fingerprint().to_owned(), key.clone());
        for k in key.chain() {
            self.0.entry(k.fingerprint().to_owned()).or_insert(k);
        }
    }

    /// Adds every key `other` knows.
    pub fn absorb(&mut self, other: &Keys) {
        for (fingerprint, key) in &other.0 {
            self.0
                .entry(fingerprint.clone())
                .or_insert_with(|| key.clone());
        }
    }

    pub fn get(&self, fingerprint: &str) -> Option<&CaseKey> {
        self.0.get(fingerprint)
    }
}

/// What a verified range of fetched commits leads to.
pub struct Verified {
    pub head: Oid,
    pub state: State,
    /// The head's case key, when this copy's identities can unwrap it.
    pub key: Option<CaseKey>,
    /// Every key seen, for reading the fetched history.
    pub keys: Keys,
}

/// Verifies every commit reachable from `head` but not from `known` (commits this copy
/// already trusts), parents first, before anything of them is written.
pub fn verify_fetched(
    repo: &Repository,
    head: Oid,
    known: &[Oid],
    local_key: Option<&CaseKey>,
    identities: &Identities,
) -> Result<Verified, Untrusted> {
    let untrusted = |commit: Oid| move |reason: Distrust| Untrusted { commit, reason };
    let git = |commit: Oid| {
        move |e: git2::Error| Untrusted {
            commit,
            reason: Distrust::Layout(Violation {
                path: "(the commit)".into(),
                reason: format!("cannot be read ({})", e.message()),
            }),
        }
    };
    let mut validator = Validator::new(repo);
    let head_tree = repo
        .find_commit(head)
        .and_then(|c| c.tree())
        .map_err(git(head))?;
    // A newer format may lay its files out differently: ask for an upgrade, not an alarm.
    if let Err(reason @ Distrust::Newer(_)) = format_of(repo, &head_tree) {
        return Err(untrusted(head)(reason));
    }
    validator
        .check_root(&head_tree)
        .map_err(|v| untrusted(head)(Distrust::Layout(v)))?;
    let mut keys = Keys::default();
    if let Some(local) = local_key {
        keys.learn(local);
    }
    let wrapped = crate::git::read(repo, &head_tree, CASE_KEY_FILE)
        .ok()
        .flatten()
        .unwrap_or_default();
    let head_key = match CaseKey::unwrap(&wrapped, identities) {
        Ok(key) => {
            keys.learn(&key);
            Some(key)
        }
        Err(CryptoError::NotAMember { .. }) => None,
        Err(_) => {
            return Err(untrusted(head)(Distrust::Layout(Violation {
                path: CASE_KEY_FILE.into(),
                reason: "does not hold a case key".into(),
            })));
        }
    };
    drop(head_tree);
    if head_key.is_none() && local_key.is_none() {
        // Not a member: nothing can be checked, and nothing will be taken.
        return Ok(Verified {
            head,
            state: State::default(),
            key: None,
            keys,
        });
    }

    let mut walk = repo.revwalk().map_err(git(head))?;
    walk.push(head).map_err(git(head))?;
    for oid in known {
        // A commit the remote does not have is simply not hidden.
        let _ = walk.hide(*oid);
    }
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .map_err(git(head))?;
    let mut states: HashMap<Oid, State> = HashMap::new();
    // A commit no member made is let through only when a later member's commit repairs it
    // (`fsck --repair` names what it repairs in its manifest).
    let mut failures: Vec<Untrusted> = Vec::new();
    let mut repaired = std::collections::HashSet::new();
    for oid in walk {
        let oid = oid.map_err(git(head))?;
        let commit = repo.find_commit(oid).map_err(git(oid))?;
        let tree = commit.tree().map_err(git(oid))?;
        if let Err(violation) = validator.check_root(&tree) {
            // Never checked out (the head's tree was checked first), so a later repair may
            // vouch for it like for any other commit no member made.
            failures.push(untrusted(oid)(Distrust::Layout(violation)));
            states.insert(
                oid,
                state_of(repo, &tree).map(|(s, _)| s).unwrap_or_default(),
            );
            continue;
        }
        let mut parents = Vec::new();
        for parent in commit.parent_ids() {
            let state = match states.get(&parent) {
                Some(state) => state.clone(),
                None => {
                    let tree = repo
                        .find_commit(parent)
                        .and_then(|c| c.tree())
                        .map_err(git(parent))?;
                    state_of(repo, &tree).map_err(untrusted(parent))?.0
                }
            };
            parents.push(state);
        }
        let state = match check_commit(repo, &tree, &parents, &keys) {
            Ok(state) => {
                if let Ok((_, Some(manifest))) = state_of(repo, &tree) {
                    repaired.extend(manifest.repairs);
                }
                state
            }
            // History made with a key the remote's own case key does not know: the key at its
            // head is the one swapped in.
            Err(Distrust::UnknownKey) if head_key.is_some() => {
                return Err(untrusted(head)(Distrust::ForeignKey));
            }
            // A newer format is not for this iepcase to judge.
            Err(reason @ Distrust::Newer(_)) => return Err(untrusted(oid)(reason)),
            Err(reason) => {
                failures.push(untrusted(oid)(reason));
                state_of(repo, &tree).map(|(s, _)| s).unwrap_or_default()
            }
        };
        states.insert(oid, state);
    }
    if let Some(failure) = failures.into_iter().find(|f| !repaired.contains(&f.commit)) {
        return Err(failure);
    }
    let state = match states.remove(&head) {
        Some(state) => state,
        None => {
            let tree = repo
                .find_commit(head)
                .and_then(|c| c.tree())
                .map_err(git(head))?;
            state_of(repo, &tree).map_err(untrusted(head))?.0
        }
    };
    if let (Some(key), Some(fingerprint)) = (&head_key, &state.key)
        && key.fingerprint() != fingerprint
    {
        return Err(untrusted(head)(Distrust::NotAuthentic));
    }
    Ok(Verified {
        head,
        state,
        key: head_key,
        keys,
    })
}

/// Checks one commit whose parents are trusted; returns what it says about itself.
fn check_commit(
    repo: &Repository,
    tree: &Tree<'_>,
    parents: &[State],
    keys: &Keys,
) -> Result<State, Distrust> {
    let recipients = crate::git::read(repo, tree, RECIPIENTS_FILE)
        .ok()
        .flatten()
        .unwrap_or_default();
    let members = crate::crypto::parse_recipients(&String::from_utf8_lossy(&recipients))
        .map_err(|e| Distrust::Recipients(e.to_string()))?;
    if members.is_empty() {
        return Err(Distrust::Recipients("it lists nobody".into()));
    }
    let (state, manifest) = state_of(repo, tree)?;
    if parents.iter().any(|p| p.format > state.format) {
        return Err(Distrust::Downgrade);
    }
    let Some(manifest) = manifest else {
        return Ok(state);
    };
    let entries = entries_of(repo, tree).map_err(|e| Distrust::BadManifest(e.message().into()))?;
    let differing = manifest.differences(&entries);
    if !differing.is_empty() {
        return Err(Distrust::Altered(differing));
    }
    let parent_version = parents.iter().map(|p| p.version).max().unwrap_or(0);
    if manifest.version <= parent_version {
        return Err(Distrust::Replayed {
            version: manifest.version,
            parent: parent_version,
        });
    }
    // A key change needs proof made with every key it replaces.
    for parent in parents {
        let Some(from) = &parent.key else { continue };
        if *from == manifest.key {
            continue;
        }
        let proven = keys
            .get(from)
            .zip(manifest.proof_from(from))
            .is_some_and(|(old, proof)| old.check_successor_proof(&manifest.key, proof));
        if !proven {
            return Err(Distrust::UnprovenKey);
        }
    }
    match keys.get(&manifest.key) {
        Some(key) if manifest.made_with(key) => Ok(state),
        Some(_) => Err(Distrust::NotAuthentic),
        // A proven change to a key this copy cannot unwrap: it was removed from the case.
        None if parents
            .iter()
            .any(|p| p.key.as_ref().is_some_and(|k| *k != manifest.key)) =>
        {
            Ok(state)
        }
        None => Err(Distrust::UnknownKey),
    }
}

/// What this copy makes of its own HEAD.
#[derive(Debug, Default)]
pub struct HeadCheck {
    pub state: State,
    /// Files at HEAD that no member's manifest vouches for.
    pub untrusted: BTreeSet<String>,
    /// Files an authenticated earlier commit had and HEAD lacks, removed outside iepcase.
    pub removed: Vec<String>,
    /// Why HEAD is not trusted, when it is not.
    pub problem: Option<Distrust>,
    /// The newest first-parent ancestor of HEAD that is trusted, when HEAD is not.
    pub trusted_commit: Option<Oid>,
}

/// Checks HEAD (`tree`, of commit `head`) against its manifest and `key`, the case key it
/// holds. When it fails, the files that differ from the nearest trusted commit are named.
pub fn check_head(repo: &Repository, head: Oid, tree: &Tree<'_>, key: &CaseKey) -> HeadCheck {
    let mut check = HeadCheck::default();
    let problem = match state_of(repo, tree) {
        Ok((state, None)) => {
            check.state = state;
            return check;
        }
        Ok((state, Some(manifest))) => {
            check.state = state;
            let entries = entries_of(repo, tree).unwrap_or_default();
            let differing = manifest.differences(&entries);
            if !manifest.made_with(key) {
                Distrust::NotAuthentic
            } else if !differing.is_empty() {
                Distrust::Altered(differing)
            } else {
                return check;
            }
        }
        Err(problem) => problem,
    };
    let mut keys = Keys::default();
    keys.learn(key);
    let trusted = last_trusted(repo, head, &keys);
    let (untrusted, removed) = diff_files(trusted.as_ref().map(|(_, t)| t), tree);
    check.trusted_commit = trusted.as_ref().map(|(c, _)| *c);
    check.untrusted = untrusted;
    check.removed = removed;
    check.problem = Some(problem);
    check
}

/// The newest first-parent ancestor of `head` whose manifest authenticates, and its tree.
fn last_trusted<'r>(repo: &'r Repository, head: Oid, keys: &Keys) -> Option<(Oid, Tree<'r>)> {
    let mut commit = repo.find_commit(head).ok()?;
    loop {
        commit = commit.parent(0).ok()?;
        let tree = commit.tree().ok()?;
        let Ok((state, manifest)) = state_of(repo, &tree) else {
            continue;
        };
        let Some(manifest) = manifest else {
            // Before the upgrade to format 2 nothing was authenticated.
            return (state.format < 2).then_some((commit.id(), tree));
        };
        let entries = entries_of(repo, &tree).ok()?;
        if keys
            .get(&manifest.key)
            .is_some_and(|k| manifest.made_with(k))
            && manifest.differences(&entries).is_empty()
        {
            return Some((commit.id(), tree));
        }
    }
}

/// Checks every commit of the history reachable from `head` (for `fsck`): the layout of
/// every tree, and for format-2 commits their manifests, versions and key changes. Returns
/// every commit that fails, oldest first.
pub fn verify_history(repo: &Repository, head: Oid, key: &CaseKey) -> Vec<Untrusted> {
    let mut keys = Keys::default();
    keys.learn(key);
    let mut validator = Validator::new(repo);
    let mut failures = Vec::new();
    let Ok(mut walk) = repo.revwalk() else {
        return failures;
    };
    if walk.push(head).is_err()
        || walk
            .set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .is_err()
    {
        return failures;
    }
    let mut states: HashMap<Oid, State> = HashMap::new();
    let mut repaired = std::collections::HashSet::new();
    for oid in walk.flatten() {
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        let Ok(tree) = commit.tree() else {
            continue;
        };
        let parents: Vec<State> = commit
            .parent_ids()
            .map(|p| states.get(&p).cloned().unwrap_or_default())
            .collect();
        let checked = validator
            .check_root(&tree)
            .map_err(Distrust::Layout)
            .and_then(|()| check_commit(repo, &tree, &parents, &keys));
        let state = match checked {
            Ok(state) => {
                if let Ok((_, Some(manifest))) = state_of(repo, &tree) {
                    repaired.extend(manifest.repairs);
                }
                state
            }
            Err(reason) => {
                failures.push(Untrusted {
                    commit: oid,
                    reason,
                });
                state_of(repo, &tree).map(|(s, _)| s).unwrap_or_default()
            }
        };
        states.insert(oid, state);
    }
    failures.retain(|f| !repaired.contains(&f.commit));
    failures
}

/// Files of `tree` that differ from `trusted` (all of them without it), and files of
/// `trusted` that `tree` lacks.
fn diff_files(trusted: Option<&Tree<'_>>, tree: &Tree<'_>) -> (BTreeSet<String>, Vec<String>) {
    let files = |t: &Tree<'_>| {
        let mut out = HashMap::new();
        let _ = t.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(git2::ObjectType::Tree) {
                out.insert(
                    format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes())),
                    entry.id(),
                );
            }
            git2::TreeWalkResult::Ok
        });
        out
    };
    let now = files(tree);
    let before = trusted.map(files).unwrap_or_default();
    let untrusted = now
        .iter()
        .filter(|(path, oid)| path.as_str() != MANIFEST_FILE && before.get(*path) != Some(oid))
        .map(|(path, _)| path.clone())
        .collect();
    let mut removed: Vec<String> = before
        .keys()
        .filter(|path| path.as_str() != MANIFEST_FILE && !now.contains_key(*path))
        .cloned()
        .collect();
    removed.sort();
    (untrusted, removed)
}

//! Cases for the unit tests of the store and of sync: members with identity files, a case in
//! a temporary folder, a second copy of it, and fetching one copy's commits into the other.

use std::path::{Path, PathBuf};
use std::time::Duration;

use age::secrecy::ExposeSecret;
use git2::Oid;

use super::{Case, CaseLock, StoreError};
use crate::crypto::{Identities, NoPrompt, Recipient, generate_identity};
use crate::git::CommitContext;
use crate::record::RecordId;

/// The slug every test case has.
pub const SLUG: &str = "c1";

/// The case details every test case starts with.
pub const META: &str = "child = \"Test Child\"\nstate = \"MS\"\nschool = \"Larkspur School\"\n";

/// Someone with an identity file.
pub struct Member {
    pub identities: Identities,
    pub public: String,
}

impl Member {
    /// A new identity, its file written in `dir`.
    pub fn new(dir: &Path, name: &str) -> Member {
        let new = generate_identity("2026-01-01T00:00:00Z");
        let path = dir.join(format!("{name}.key"));
        std::fs::write(&path, new.file.expose_secret()).unwrap();
        Member {
            identities: Identities::load(&path, &NoPrompt).unwrap(),
            public: new.public,
        }
    }

    /// The public key, as others share to it.
    pub fn recipient(&self) -> Recipient {
        self.public.parse().unwrap()
    }

    /// The public keys, as the operator's own (`mine`).
    pub fn keys(&self) -> Vec<String> {
        vec![self.public.clone()]
    }
}

/// Who commits, and when.
pub fn context() -> CommitContext {
    CommitContext {
        name: "Test Advocate".into(),
        email: "t@example.org".into(),
        time: 1_790_000_000,
    }
}

/// A temporary folder with an owner and a case only they can read.
pub struct Fixture {
    dir: tempfile::TempDir,
    pub owner: Member,
}

impl Fixture {
    /// A fresh case at [`Fixture::root`] whose one member is the owner.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let owner = Member::new(dir.path(), "owner");
        let fixture = Fixture { dir, owner };
        Case::create(
            &fixture.root(),
            SLUG,
            META,
            &[(fixture.owner.recipient(), Some("Owner".into()))],
            &context(),
        )
        .unwrap();
        fixture
    }

    /// The case folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join(SLUG)
    }

    /// Another person, with an identity of their own.
    pub fn member(&self, name: &str) -> Member {
        Member::new(self.dir.path(), name)
    }

    /// A second copy of the case, in a folder beside it (as a clone on another machine).
    pub fn copy(&self, name: &str) -> PathBuf {
        let to = self.dir.path().join(name);
        copy_dir(&self.root(), &to);
        to
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "lock" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Opens the case at `root` as `who`, holding its lock (repairing what a crash left first).
pub fn open(root: &Path, who: &Member) -> (Case, CaseLock) {
    try_open(root, who).unwrap()
}

/// The same, or why the case cannot be opened.
pub fn try_open(root: &Path, who: &Member) -> Result<(Case, CaseLock), StoreError> {
    Case::open_locked(
        root,
        SLUG,
        &who.identities,
        "test",
        Duration::ZERO,
        &mut |_| {},
        &context(),
    )
}

/// A note with `title` and `body`.
pub fn note(title: &str, body: &str) -> String {
    format!("kind = \"note\"\ndate = 2026-01-15\ntitle = \"{title}\"\nbody = \"{body}\"\n")
}

/// Commits `records` (id, text) in one transaction.
pub fn put(case: &Case, lock: &CaseLock, records: &[(&RecordId, &str)]) -> Oid {
    let mut tx = case.transaction(lock);
    for (id, text) in records {
        tx.put_record(id, text).unwrap();
    }
    tx.commit("add records", &context()).unwrap().unwrap()
}

/// The text of record `id` at HEAD, or `None` when the case has no such record.
pub fn text_of(case: &Case, id: &RecordId) -> Option<String> {
    case.record_ids()
        .unwrap()
        .iter()
        .any(|(known, _)| known == id)
        .then(|| case.read_record(id).unwrap().text)
}

/// The commits in the case's history.
pub fn commits(case: &Case) -> usize {
    let mut walk = case.repo().revwalk().unwrap();
    walk.push_head().unwrap();
    walk.count()
}

/// Fetches the branch of the case copy at `from` into `into`'s repository; returns its head.
pub fn fetch(into: &Case, from: &Path) -> Oid {
    let url = from.join(".git");
    let mut remote = into.repo().remote_anonymous(url.to_str().unwrap()).unwrap();
    remote
        .fetch(&["+refs/heads/main:refs/remotes/other/main"], None, None)
        .unwrap();
    into.repo()
        .refname_to_id("refs/remotes/other/main")
        .unwrap()
}

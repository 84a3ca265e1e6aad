//! A workspace for the unit tests of the use cases: cases under `cases/`, all readable by one
//! owner, in a temporary folder.

use std::path::PathBuf;

use crate::record::RecordId;
use crate::store::fixture::{self, META, Member, context};
use crate::store::{Case, CaseLock};
use crate::workspace::{Config, Workspace as Ws};

/// A workspace with some cases whose one member is the owner.
pub struct Workspace {
    dir: tempfile::TempDir,
    pub ws: Ws,
    pub owner: Member,
    /// The cases, in the order given.
    pub slugs: Vec<String>,
}

impl Workspace {
    /// A workspace holding a case for each of `slugs`.
    pub fn new(slugs: &[&str]) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let ws = Ws::create(dir.path(), &Config::default()).unwrap();
        let owner = Member::new(dir.path(), "owner");
        for slug in slugs {
            let members = [(owner.recipient(), Some("Owner".into()))];
            Case::create(&ws.case_dir(slug), slug, META, &members, &context()).unwrap();
        }
        let slugs = slugs.iter().map(|s| (*s).to_owned()).collect();
        Workspace {
            dir,
            ws,
            owner,
            slugs,
        }
    }

    /// The workspace folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// Another person, with an identity of their own.
    pub fn member(&self, name: &str) -> Member {
        Member::new(self.dir.path(), name)
    }

    /// Opens case `slug` as the owner, holding its lock.
    pub fn open(&self, slug: &str) -> (Case, CaseLock) {
        Case::open_locked(
            &self.ws.case_dir(slug),
            slug,
            &self.owner.identities,
            "test",
            std::time::Duration::ZERO,
            &mut |_| {},
            &context(),
        )
        .unwrap()
    }

    /// Adds a note titled `title` to case `slug`; returns its id.
    pub fn add_note(&self, slug: &str, title: &str) -> RecordId {
        let (case, lock) = self.open(slug);
        let id = RecordId::generate();
        fixture::put(&case, &lock, &[(&id, &fixture::note(title, "Said yes."))]);
        id
    }
}

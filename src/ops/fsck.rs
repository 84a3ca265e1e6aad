//! `fsck [--all] [--repair]`: each case checked in turn, after its repair when asked; a case
//! that does not open is a problem of its own, except that a key which is not a member of
//! the one case checked stops there.

use std::time::Duration;

use crate::crypto::{CryptoError, Identities};
use crate::git::CommitContext;
use crate::json::FsckJson;
use crate::store::{Case, FsckReport, Problem, RepairReport, StoreError};
use crate::workspace::Workspace;

use super::{Notice, OpsError};

/// The file a case that does not open is reported under.
const KEY_FILE: &str = ".iepcase/case-key.age";

/// How `fsck` runs.
pub struct Options<'a> {
    /// Every case of the workspace: one the key is not a member of is a problem, not the end.
    pub all: bool,
    /// Repair each case before checking it (`--repair`).
    pub repair: Option<Repair<'a>>,
}

/// What a repair needs: who commits it, and how to wait for a case another command holds.
pub struct Repair<'a> {
    pub commit: &'a CommitContext,
    /// How long to wait for another command on a case.
    pub lock_timeout: Duration,
    /// Told the case and who holds it, while waiting for its lock.
    pub on_wait: &'a dyn Fn(&str, &str),
}

/// What one case's check found.
#[derive(Debug)]
pub struct CaseFsck {
    pub slug: String,
    /// How many records and attachments were checked; none when the case did not open.
    pub checked: Option<(usize, usize)>,
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not wrong.
    pub notes: Vec<String>,
}

impl CaseFsck {
    /// The lines for stdout: each problem, with its case and file.
    pub fn lines(&self) -> Vec<String> {
        (self.problems.iter())
            .map(|p| format!("{}: {}: {}", self.slug, p.path, p.message))
            .collect()
    }

    /// What to tell beside the problems: each note, then what was checked.
    pub fn notices(&self) -> Vec<Notice> {
        let slug = &self.slug;
        let mut notices: Vec<Notice> = (self.notes.iter())
            .map(|note| Notice::Status(format!("note: {slug}: {note}")))
            .collect();
        let n = self.problems.len();
        notices.push(Notice::Status(match self.checked {
            Some((records, attachments)) => format!(
                "Checked case `{slug}`: {records} records, {attachments} attachments, {n} problem{}",
                if n == 1 { "" } else { "s" }
            ),
            None => format!("Could not check case `{slug}`"),
        }));
        notices
    }

    /// The case's row of `fsck --json`.
    pub fn json(&self) -> FsckJson<'_> {
        FsckJson {
            case: &self.slug,
            ok: self.problems.is_empty(),
            records: self.checked.map(|c| c.0),
            attachments: self.checked.map(|c| c.1),
            problems: &self.problems,
            notes: &self.notes,
        }
    }
}

/// What `--repair` did to case `slug`: each file put back or re-encrypted, and the hint to
/// push a repair that was committed.
pub fn repaired_notices(slug: &str, report: &RepairReport) -> Vec<Notice> {
    let restored = (report.restored.iter())
        .map(|path| format!("{slug}: put back {path} as the members last wrote it"));
    let reencrypted = (report.reencrypted.iter())
        .map(|path| format!("{slug}: re-encrypted {path} to the current case key"));
    let mut notices: Vec<Notice> = restored.chain(reencrypted).map(Notice::Status).collect();
    notices.push(Notice::Status(format!(
        "Restored the files of case `{slug}` from its last commit"
    )));
    if report.commit.is_some() {
        notices.push(Notice::Hint("push the repair with `iepcase sync`".into()));
    }
    notices
}

/// One step of `fsck`, in the order the cases are taken.
#[derive(Debug)]
pub enum Step {
    /// Case `slug` was repaired (before its check).
    Repaired {
        slug: String,
        report: RepairReport,
    },
    Checked(CaseFsck),
}

/// Checks each case of `slugs` of `ws`, one at a time, with the identities `unlock` gives
/// when the first case needs them (or why they did not unlock: then every case is reported as
/// unopened, and a repair cannot start). The steps come as each is done; the first error ends
/// them.
pub fn fsck<'a>(
    ws: &'a Workspace,
    slugs: &'a [String],
    unlock: impl FnOnce() -> Result<&'a Identities, CryptoError> + 'a,
    options: Options<'a>,
) -> Fsck<'a> {
    Fsck {
        ws,
        slugs: slugs.iter(),
        unlock: Some(Box::new(unlock)),
        identities: None,
        locked_out: None,
        unopened: String::new(),
        options,
        repaired: None,
        stopped: false,
    }
}

/// The steps of [`fsck`], done as they are asked for.
pub struct Fsck<'a> {
    ws: &'a Workspace,
    slugs: std::slice::Iter<'a, String>,
    /// Unlocks the identities, until the first case needs them.
    unlock: Option<Box<dyn FnOnce() -> Result<&'a Identities, CryptoError> + 'a>>,
    identities: Option<&'a Identities>,
    /// Why the identities did not unlock, until a repair reports it.
    locked_out: Option<CryptoError>,
    /// The same, as the problem of each case.
    unopened: String,
    options: Options<'a>,
    /// The case repaired and not checked yet.
    repaired: Option<&'a str>,
    stopped: bool,
}

impl Iterator for Fsck<'_> {
    type Item = Result<Step, OpsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        let step = match self.repaired.take() {
            Some(slug) => self.check(slug).map(Step::Checked),
            None => {
                let slug = self.slugs.next()?;
                if self.options.repair.is_some() {
                    self.repaired = Some(slug);
                    self.repair(slug).map(|report| Step::Repaired {
                        slug: slug.clone(),
                        report,
                    })
                } else {
                    self.check(slug).map(Step::Checked)
                }
            }
        };
        self.stopped = step.is_err();
        Some(step)
    }
}

impl<'a> Fsck<'a> {
    /// The identities, unlocked the first time they are asked for.
    fn identities(&mut self) -> Option<&'a Identities> {
        if let Some(unlock) = self.unlock.take() {
            match unlock() {
                Ok(ids) => self.identities = Some(ids),
                Err(e) => {
                    self.unopened = e.to_string();
                    self.locked_out = Some(e);
                }
            }
        }
        self.identities
    }

    /// Repairs case `slug` under its lock.
    fn repair(&mut self, slug: &str) -> Result<RepairReport, OpsError> {
        let Some(identities) = self.identities() else {
            let e = self
                .locked_out
                .take()
                .expect("no identities without a reason");
            return Err(e.into());
        };
        let repair = self.options.repair.as_ref().expect("only called to repair");
        let (case, lock) = Case::open_locked(
            &self.ws.case_dir(slug),
            slug,
            identities,
            "fsck --repair",
            repair.lock_timeout,
            &mut |holder| (repair.on_wait)(slug, holder),
            repair.commit,
        )?;
        Ok(case.repair(&lock, repair.commit)?)
    }

    /// Checks case `slug`; a case that does not open is reported with that problem.
    fn check(&mut self, slug: &str) -> Result<CaseFsck, OpsError> {
        let opened = match self.identities() {
            Some(ids) => Case::open(&self.ws.case_dir(slug), slug, ids),
            None => return Ok(unopened(slug, self.unopened.clone())),
        };
        match opened {
            Ok(case) => {
                let FsckReport {
                    records,
                    attachments,
                    problems,
                    notes,
                } = case.fsck()?;
                Ok(CaseFsck {
                    slug: slug.to_owned(),
                    checked: Some((records, attachments)),
                    problems,
                    notes,
                })
            }
            // A key that is not a member cannot check anything else.
            Err(e @ StoreError::NotAMember { .. }) if !self.options.all => Err(e.into()),
            Err(e) => Ok(unopened(slug, e.to_string())),
        }
    }
}

/// Case `slug`, reported with the reason it did not open as a problem with its key.
fn unopened(slug: &str, why: String) -> CaseFsck {
    CaseFsck {
        slug: slug.to_owned(),
        checked: None,
        problems: vec![Problem {
            path: KEY_FILE.to_owned(),
            record: None,
            message: why,
        }],
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::fixture::Workspace as Fixture;

    fn steps<'a>(
        fx: &'a Fixture,
        ids: Result<&'a Identities, CryptoError>,
        options: Options<'a>,
    ) -> Vec<Result<Step, OpsError>> {
        fsck(&fx.ws, &fx.slugs, move || ids, options).collect()
    }

    fn no_wait(_: &str, _: &str) {}

    #[test]
    fn repair_puts_back_a_deleted_record_file_and_the_check_then_finds_nothing() {
        let fx = Fixture::new(&["c1"]);
        let id = fx.add_note("c1", "Phone call");
        let file = fx.ws.case_dir("c1").join(crate::store::record_path(&id));
        let before = std::fs::read(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        let context = crate::store::fixture::context();
        let repair = Repair {
            commit: &context,
            lock_timeout: Duration::ZERO,
            on_wait: &no_wait,
        };
        let options = Options {
            all: false,
            repair: Some(repair),
        };
        let steps = steps(&fx, Ok(&fx.owner.identities), options);
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(matches!(&steps[0], Ok(Step::Repaired { slug, .. }) if slug == "c1"));
        let Ok(Step::Checked(checked)) = &steps[1] else {
            panic!("{steps:?}")
        };
        assert!(checked.problems.is_empty(), "{checked:?}");
        assert_eq!(checked.checked, Some((1, 0)));
        assert_eq!(std::fs::read(&file).unwrap(), before);
    }

    #[test]
    fn a_key_not_a_member_stops_one_case_but_is_a_problem_among_all() {
        let fx = Fixture::new(&["a", "b"]);
        let stranger = fx.member("stranger");
        let one = fsck(
            &fx.ws,
            &fx.slugs[..1],
            || Ok(&stranger.identities),
            Options {
                all: false,
                repair: None,
            },
        );
        let one: Vec<_> = one.collect();
        assert!(matches!(
            one.as_slice(),
            [Err(OpsError::Store(StoreError::NotAMember { .. }))]
        ));
        let all = steps(
            &fx,
            Ok(&stranger.identities),
            Options {
                all: true,
                repair: None,
            },
        );
        assert_eq!(all.len(), 2);
        for step in &all {
            let Ok(Step::Checked(case)) = step else {
                panic!("{all:?}")
            };
            assert_eq!(case.checked, None);
            assert_eq!(case.problems.len(), 1);
            assert_eq!(case.problems[0].path, KEY_FILE);
            assert!(
                case.problems[0].message.contains("not a member"),
                "{case:?}"
            );
        }
    }

    #[test]
    fn no_case_to_check_unlocks_no_identity() {
        let fx = Fixture::new(&[]);
        let options = Options {
            all: true,
            repair: None,
        };
        let unlock = || -> Result<&Identities, CryptoError> { panic!("unlocked") };
        assert_eq!(fsck(&fx.ws, &fx.slugs, unlock, options).count(), 0);
    }

    #[test]
    fn identities_that_do_not_unlock_make_every_case_unopened_and_stop_a_repair() {
        let fx = Fixture::new(&["a", "b"]);
        let missing = || CryptoError::NoIdentity {
            path: fx.root().join("nobody.key"),
        };
        let all = steps(
            &fx,
            Err(missing()),
            Options {
                all: true,
                repair: None,
            },
        );
        let why = missing().to_string();
        assert_eq!(all.len(), 2);
        for step in &all {
            let Ok(Step::Checked(case)) = step else {
                panic!("{all:?}")
            };
            assert_eq!(case.problems[0].message, why);
        }
        let context = crate::store::fixture::context();
        let options = Options {
            all: true,
            repair: Some(Repair {
                commit: &context,
                lock_timeout: Duration::ZERO,
                on_wait: &no_wait,
            }),
        };
        let repaired = steps(&fx, Err(missing()), options);
        assert!(matches!(repaired.as_slice(), [Err(OpsError::Crypto(_))]));
    }

    #[test]
    fn a_case_tells_its_problems_on_stdout_and_what_was_checked_beside() {
        let case = CaseFsck {
            slug: "eq".into(),
            checked: Some((3, 1)),
            problems: vec![Problem {
                path: "records/a.age".into(),
                record: None,
                message: "does not decrypt".into(),
            }],
            notes: vec!["an old key".into()],
        };
        assert_eq!(case.lines(), ["eq: records/a.age: does not decrypt"]);
        assert_eq!(
            case.notices(),
            [
                Notice::Status("note: eq: an old key".into()),
                Notice::Status("Checked case `eq`: 3 records, 1 attachments, 1 problem".into()),
            ]
        );
        assert!(!case.json().ok);
        let unopened = CaseFsck {
            checked: None,
            problems: Vec::new(),
            notes: Vec::new(),
            ..case
        };
        assert!(unopened.lines().is_empty());
        assert_eq!(
            unopened.notices(),
            [Notice::Status("Could not check case `eq`".into())]
        );
    }

    #[test]
    fn a_repair_names_each_file_and_says_to_push_it() {
        let report = RepairReport {
            restored: vec!["a.age".into()],
            reencrypted: vec!["b.age".into()],
            commit: Some(git2::Oid::ZERO_SHA1),
        };
        assert_eq!(
            repaired_notices("eq", &report),
            [
                Notice::Status("eq: put back a.age as the members last wrote it".into()),
                Notice::Status("eq: re-encrypted b.age to the current case key".into()),
                Notice::Status("Restored the files of case `eq` from its last commit".into()),
                Notice::Hint("push the repair with `iepcase sync`".into()),
            ]
        );
    }
}

//! `sync`: exchange one case, or every case that has a remote, with its remote, a few at a
//! time; one case that fails does not stop the others.

use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;

use crate::crypto::Identities;
use crate::git::CommitContext;
use crate::json::SyncRowJson;
use crate::store::Case;
use crate::sync::{Access, SyncError, SyncReport};
use crate::text::{Paint, Table};
use crate::workspace::Workspace;

use super::diagnosis::{Class, Diagnosis};
use super::{Notice, OpsError};

/// How `sync` runs.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The remote to use (default: the only one, or origin).
    pub remote: Option<&'a str>,
    /// Every case of the workspace: one without a remote is passed over, not an error.
    pub all: bool,
    /// How many cases sync at the same time, each with one connection open.
    pub jobs: usize,
    /// How long to wait for another command on a case.
    pub lock_timeout: Duration,
}

/// What was needed to sync.
pub struct Context<'a> {
    pub identities: &'a Identities,
    pub commit: &'a CommitContext,
    pub access: &'a Access<'a>,
}

/// One case's sync: its report, or why it failed.
#[derive(Debug)]
pub struct Outcome {
    pub slug: String,
    pub result: Result<SyncReport, OpsError>,
}

/// Syncs each case of `slugs` with its remote, `options.jobs` at a time, calling `done` with
/// each case's slug once it is over; the outcomes are in the order of `slugs`, without the
/// cases `--all` passed over.
pub fn sync_cases(
    ws: &Workspace,
    slugs: &[String],
    context: &Context<'_>,
    options: Options<'_>,
    done: &(dyn Fn(&str) + Sync),
) -> Result<Vec<Outcome>, OpsError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.min(slugs.len()).max(1))
        .build()
        .map_err(|source| OpsError::Threads { source })?;
    Ok(pool.install(|| {
        slugs
            .par_iter()
            .filter_map(|slug| {
                let result = sync_case(ws, slug, context, options);
                done(slug);
                match result {
                    Ok(None) => None,
                    Ok(Some(report)) => Some(Outcome {
                        slug: slug.clone(),
                        result: Ok(report),
                    }),
                    Err(e) => Some(Outcome {
                        slug: slug.clone(),
                        result: Err(e),
                    }),
                }
            })
            .collect()
    }))
}

/// Syncs case `slug`; `None` when `--all` passes it over for having no remote.
fn sync_case(
    ws: &Workspace,
    slug: &str,
    context: &Context<'_>,
    options: Options<'_>,
) -> Result<Option<SyncReport>, OpsError> {
    let case = Case::open(&ws.case_dir(slug), slug, context.identities)?;
    let remote = match crate::sync::pick_remote(&case, options.remote) {
        Err(SyncError::NoRemote { .. }) if options.all => return Ok(None),
        other => other?,
    };
    drop(case);
    let (case, lock) = Case::open_locked(
        &ws.case_dir(slug),
        slug,
        context.identities,
        "sync",
        options.lock_timeout,
        &mut |_| {},
        context.commit,
    )?;
    let report = crate::sync::sync(
        &case,
        &lock,
        &remote,
        context.identities,
        context.commit,
        context.access,
    )?;
    Ok(Some(report))
}

/// The slug a clone of `url` takes here: `given`, else the repository's name (the address's
/// last part without `.git`); checked either way.
pub fn clone_slug(url: &str, given: Option<String>) -> Result<String, OpsError> {
    let slug = match given {
        Some(slug) => slug,
        None => crate::sync::slug_from_url(url).ok_or_else(|| OpsError::NoSlugInUrl {
            url: url.to_owned(),
        })?,
    };
    crate::workspace::validate_slug(&slug)?;
    Ok(slug)
}

/// Clones the case at `url` into the workspace as `slug`; with how many records it holds.
pub fn clone(
    ws: &Workspace,
    url: &str,
    slug: &str,
    identities: &Identities,
    access: &Access<'_>,
) -> Result<(Case, usize), OpsError> {
    let case = crate::sync::clone_case(url, &ws.case_dir(slug), slug, identities, access)?;
    let records = case.record_ids()?.len();
    Ok((case, records))
}

/// Why cloning case `slug` failed: a clone the identity is not a member of has nothing to
/// sync yet, so the advice is to be shared the case and clone again.
pub fn clone_failure(e: OpsError, slug: &str) -> Diagnosis {
    let not_member = e.is_not_a_member();
    let mut diagnosis = Diagnosis::from(e);
    if not_member {
        diagnosis.hints = vec![
            format!(
                "send your public key to a member; once they run `iepcase -c {slug} share <your public key>` and `iepcase -c {slug} sync`, run this clone again"
            ),
            "if you have another identity file, point IEPCASE_IDENTITY at it".into(),
        ];
    }
    diagnosis
}

/// What several cases' syncs came to.
#[derive(Debug, Default, PartialEq)]
pub struct Totals {
    pub cases: usize,
    pub synced: usize,
    pub failed: usize,
    /// Commits fetched and pushed, over every case.
    pub fetched: usize,
    pub pushed: usize,
    /// Records changed on both sides, over every case.
    pub conflicts: usize,
    /// Some remote had been moved back to an earlier state.
    pub rewound: bool,
}

impl Totals {
    /// The totals of `outcomes`.
    pub fn of(outcomes: &[Outcome]) -> Totals {
        let mut totals = Totals {
            cases: outcomes.len(),
            ..Totals::default()
        };
        for outcome in outcomes {
            match &outcome.result {
                Ok(report) => {
                    totals.synced += 1;
                    totals.fetched += report.fetched;
                    totals.pushed += report.pushed;
                    totals.conflicts += report.merge.conflicts.len();
                    totals.rewound |= report.rewound.is_some();
                }
                Err(_) => totals.failed += 1,
            }
        }
        totals
    }
}

impl std::fmt::Display for Totals {
    /// `100 cases: 98 synced, 2 failed; 37 commits fetched, 12 pushed, 0 conflicts`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cases: {} synced, {} failed; {} commits fetched, {} pushed, {} conflicts",
            self.cases, self.synced, self.failed, self.fetched, self.pushed, self.conflicts
        )
    }
}

/// What case `slug`'s sync has to tell beyond its row: a rewound remote, records kept or
/// changed on both sides, case details and members that changed.
pub fn notices(slug: &str, report: &SyncReport) -> Vec<Notice> {
    let mut notices = Vec::new();
    if let Some((now, before)) = &report.rewound {
        notices.push(Notice::Warning(format!(
            "{slug}: the remote had been moved back to an earlier state of the case (commit {}, \
             before commit {} it held when this copy last synced); this sync put it forward again",
            &now.to_string()[..10],
            &before.to_string()[..10]
        )));
        notices.push(Notice::Hint(format!(
            "someone with write access to the remote rewound it: tell the case's members and check \
             who can push to `{slug}`'s remote"
        )));
    }
    for id in &report.merge.kept {
        notices.push(Notice::Status(format!(
            "{slug}: kept {id}: it was removed on one side and edited on the other"
        )));
    }
    for (id, copy, fields) in &report.merge.conflicts {
        notices.push(Notice::Warning(format!(
            "{slug}: {id} changed on both sides ({}); the remote's version is {copy}",
            fields.join(", ")
        )));
    }
    if !report.merge.meta_conflict.is_empty() {
        notices.push(Notice::Warning(format!(
            "{slug}: the case details changed on both sides ({}); yours were kept, the remote's are in `iepcase log`",
            report.merge.meta_conflict.join(", ")
        )));
    }
    if report.merge.membership_conflict {
        notices.push(Notice::Warning(format!("{slug}: the members changed on both sides; yours were kept: check `iepcase recipients` and share again if needed")));
    }
    for key in &report.merge.members_added {
        notices.push(Notice::Warning(format!(
            "{slug}: the remote added a member: {key}"
        )));
    }
    if !report.merge.members_added.is_empty() {
        notices.push(Notice::Hint(format!(
            "check with whoever shared `{slug}`, then run `iepcase -c {slug} recipients accept`"
        )));
    }
    for key in &report.merge.members_removed {
        notices.push(Notice::Status(format!(
            "{slug}: the remote removed a member: {key}"
        )));
    }
    notices
}

/// How a sync ends, once every case's table row and notices are shown.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every case synced, with nothing to settle.
    Clean,
    /// Something to look at: a rewound remote, or records changed on both sides (then with
    /// the hint to settle them).
    Found { hint: Option<&'static str> },
    /// The cases failed: each distinct hint once with the cases it is for, then the failure
    /// (the one case's own, or the count of several).
    Failed {
        hints: Vec<String>,
        diagnosis: Diagnosis,
    },
}

/// How the sync of `outcomes` (with `totals`) ends: the one case's own error, the failures
/// counted with their hints given once, or something found.
pub fn ending(failures: Vec<(String, Diagnosis)>, totals: &Totals, all: bool) -> Ending {
    if failures.len() == 1 && !all {
        let (_, diagnosis) = failures.into_iter().next().expect("one failure");
        let diagnosis = Diagnosis {
            detail: None,
            ..diagnosis
        };
        return Ending::Failed {
            hints: Vec::new(),
            diagnosis,
        };
    }
    if !failures.is_empty() {
        let alarm = failures.iter().any(|(_, d)| d.class == Class::Alarm);
        let mut diagnosis = Diagnosis::fixable(format!(
            "{} of {} cases did not sync",
            failures.len(),
            totals.cases
        ));
        if alarm {
            diagnosis.class = Class::Alarm;
        }
        return Ending::Failed {
            hints: shared_hints(&failures),
            diagnosis,
        };
    }
    if totals.rewound {
        return Ending::Found { hint: None };
    }
    if totals.conflicts > 0 {
        return Ending::Found {
            hint: Some(
                "see them with `iepcase list`, compare with `iepcase diff ID ID.conflict-1`, settle with `iepcase resolve ID --keep local|remote`",
            ),
        };
    }
    Ending::Clean
}

/// One line per distinct hint, with the cases it is for: a hundred cases on one unreachable
/// server need the advice once.
fn shared_hints(failures: &[(String, Diagnosis)]) -> Vec<String> {
    let mut hints: Vec<(&str, Vec<&str>)> = Vec::new();
    for (slug, d) in failures {
        for hint in &d.hints {
            match hints.iter_mut().find(|(h, _)| h == hint) {
                Some((_, slugs)) => slugs.push(slug),
                None => hints.push((hint, vec![slug])),
            }
        }
    }
    hints
        .into_iter()
        .map(|(hint, slugs)| {
            let which = match slugs.as_slice() {
                [one] => (*one).to_owned(),
                few if few.len() <= 3 => few.join(", "),
                many => format!("{} cases", many.len()),
            };
            format!("{which}: {hint}")
        })
        .collect()
}

/// Every case's sync as the user is told it: each case's report, or its failure in words.
#[derive(Debug)]
pub struct Synced {
    /// Each case synced (the ones `--all` passed over left out), in the order asked for.
    pub cases: Vec<(String, Result<SyncReport, Diagnosis>)>,
    /// What the syncs came to.
    pub totals: Totals,
    /// Every case of the workspace was asked for.
    pub all: bool,
}

impl Synced {
    /// The syncs of `outcomes`, each failure put in the words the user is told.
    pub fn of(outcomes: Vec<Outcome>, all: bool) -> Synced {
        let totals = Totals::of(&outcomes);
        let cases = outcomes
            .into_iter()
            .map(|o| (o.slug, o.result.map_err(Diagnosis::from)))
            .collect();
        Synced { cases, totals, all }
    }

    /// The rows of `sync --json`: what each sync did, or why it did not.
    pub fn json_rows(&self) -> Vec<SyncRowJson<'_>> {
        self.cases
            .iter()
            .map(|(slug, result)| match result {
                Ok(r) => SyncRowJson::synced(slug, r),
                Err(e) => SyncRowJson::Failed {
                    case: slug,
                    error: &e.message,
                },
            })
            .collect()
    }

    /// The table of cases synced, fitting `width`: what each fetched, merged and pushed, or
    /// its error; empty when no case was synced.
    pub fn render(&self, width: Option<usize>, paint: Paint) -> String {
        if self.cases.is_empty() {
            return String::new();
        }
        let mut table = Table::new(&[
            "CASE",
            "REMOTE",
            "FETCHED",
            "MERGED",
            "PUSHED",
            "CONFLICTS",
            "ERROR",
        ])
        .flexible(&[6, 1]);
        for (slug, result) in &self.cases {
            table.row(match result {
                Ok(r) => vec![
                    slug.clone(),
                    r.remote.clone(),
                    r.fetched.to_string(),
                    r.merge.updated.to_string(),
                    r.pushed.to_string(),
                    r.merge.conflicts.len().to_string(),
                    String::new(),
                ],
                Err(e) => {
                    let mut row = vec![slug.clone()];
                    row.extend(["-"; 5].map(String::from));
                    row.push(e.message.clone());
                    row
                }
            });
        }
        table.render(width, paint)
    }

    /// What to tell beside the table: that no case has a remote, each case's own
    /// [`notices`], and the totals when several cases were asked for.
    pub fn notices(&self) -> Vec<Notice> {
        let mut told = Vec::new();
        if self.cases.is_empty() {
            told.push(Notice::Status("No case has a remote".into()));
        }
        for (slug, result) in &self.cases {
            if let Ok(report) = result {
                told.extend(notices(slug, report));
            }
        }
        if self.all || self.cases.len() > 1 {
            told.push(Notice::Status(self.totals.to_string()));
        }
        told
    }

    /// How the command ends (see [`ending`]).
    pub fn ending(self) -> Ending {
        let failures = self
            .cases
            .into_iter()
            .filter_map(|(slug, result)| result.err().map(|e| (slug, e)))
            .collect();
        ending(failures, &self.totals, self.all)
    }
}

impl Ending {
    /// The hints to give before the command ends: the one to settle conflicts, or each
    /// failure's hint once with the cases it is for.
    pub fn notices(&self) -> Vec<Notice> {
        match self {
            Ending::Clean => Vec::new(),
            Ending::Found { hint } => hint.iter().map(|h| Notice::Hint((*h).into())).collect(),
            Ending::Failed { hints, .. } => hints.iter().cloned().map(Notice::Hint).collect(),
        }
    }
}

/// What to tell once case `slug` is cloned into `root` with its `records`.
pub fn cloned_notices(slug: &str, records: usize, root: &Path) -> Vec<Notice> {
    vec![
        Notice::Status(format!(
            "Cloned case `{slug}` ({records} records) into {}",
            root.display()
        )),
        Notice::Hint(format!(
            "work on it with `iepcase -c {slug} list`; `iepcase -c {slug} sync` exchanges changes"
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synced(fetched: usize, pushed: usize, conflicts: usize) -> Outcome {
        let mut report = SyncReport {
            remote: "origin".into(),
            fetched,
            pushed,
            ..SyncReport::default()
        };
        for n in 0..conflicts {
            let (id, copy) = (format!("r{n}"), format!("r{n}.conflict-1"));
            report
                .merge
                .conflicts
                .push((id, copy, vec!["title".into()]));
        }
        Outcome {
            slug: "a".into(),
            result: Ok(report),
        }
    }

    #[test]
    fn totals_count_synced_and_failed_cases_and_add_up_their_commits() {
        let failed = Outcome {
            slug: "b".into(),
            result: Err(SyncError::NoRemote { case: "b".into() }.into()),
        };
        let totals = Totals::of(&[synced(3, 1, 0), failed, synced(2, 0, 2)]);
        assert_eq!(
            totals,
            Totals {
                cases: 3,
                synced: 2,
                failed: 1,
                fetched: 5,
                pushed: 1,
                conflicts: 2,
                rewound: false,
            }
        );
    }

    #[test]
    fn a_clone_takes_the_slug_given_else_the_repository_name() {
        let guess = |url: &str| clone_slug(url, None);
        assert_eq!(guess("git@host:me/Case-One.git").unwrap(), "case-one");
        assert_eq!(guess("https://host/team/maya/").unwrap(), "maya");
        assert_eq!(guess("/srv/git/maya.git").unwrap(), "maya");
        assert_eq!(
            clone_slug("git@host:me/x.git", Some("mine".into())).unwrap(),
            "mine"
        );
        assert!(matches!(
            guess("https://host/team/.git"),
            Err(OpsError::NoSlugInUrl { url }) if url == "https://host/team/.git"
        ));
        assert!(matches!(
            clone_slug("git@host:me/x.git", Some("Not A Slug".into())),
            Err(OpsError::Workspace(_))
        ));
    }

    #[test]
    fn no_outcome_is_nothing_synced() {
        assert_eq!(Totals::of(&[]), Totals::default());
    }

    fn failure(hints: &[&str]) -> Diagnosis {
        let mut d = Diagnosis::fixable("cannot reach the remote");
        d.hints = hints.iter().map(|h| h.to_string()).collect();
        d.detail = Some("detail".into());
        d
    }

    #[test]
    fn a_clone_the_identity_cannot_open_says_to_be_shared_the_case_first() {
        let not_member = OpsError::Store(crate::store::StoreError::NotAMember {
            case: "eq".into(),
            public_keys: Vec::new(),
        });
        let d = clone_failure(not_member, "eq");
        assert_eq!(d.hints.len(), 2);
        assert!(
            d.hints[0].contains("`iepcase -c eq share <your public key>`"),
            "{d:?}"
        );
        let other = clone_failure(OpsError::NoCases, "eq");
        assert_eq!(
            other.hints,
            ["create one with `iepcase case new SLUG --child NAME`"]
        );
    }

    #[test]
    fn the_totals_read_as_one_line() {
        let totals = Totals::of(&[synced(3, 1, 0), synced(2, 0, 2)]);
        assert_eq!(
            totals.to_string(),
            "2 cases: 2 synced, 0 failed; 5 commits fetched, 1 pushed, 2 conflicts"
        );
    }

    #[test]
    fn a_hint_many_cases_share_is_given_once_with_the_cases_it_is_for() {
        let failures: Vec<(String, Diagnosis)> = ["a", "b", "c", "d"]
            .iter()
            .map(|slug| (slug.to_string(), failure(&["check the network"])))
            .chain([("e".to_string(), failure(&["check the network", "log in"]))])
            .collect();
        assert_eq!(
            shared_hints(&failures),
            ["5 cases: check the network", "e: log in"]
        );
        assert_eq!(
            shared_hints(&failures[3..]),
            ["d, e: check the network", "e: log in"]
        );
    }

    #[test]
    fn one_case_ends_with_its_own_error_and_several_with_their_count() {
        let totals = Totals {
            cases: 2,
            failed: 1,
            ..Totals::default()
        };
        let one = vec![("a".to_string(), failure(&["log in"]))];
        let Ending::Failed { hints, diagnosis } = ending(one.clone(), &totals, false) else {
            panic!("a failure");
        };
        assert!(hints.is_empty());
        assert_eq!(diagnosis.hints, ["log in"]);
        assert_eq!(diagnosis.detail, None);

        let mut alarm = failure(&[]);
        alarm.class = Class::Alarm;
        let both = [one, vec![("b".to_string(), alarm)]].concat();
        let Ending::Failed { hints, diagnosis } = ending(both, &totals, true) else {
            panic!("a failure");
        };
        assert_eq!(hints, ["a: log in"]);
        assert_eq!(diagnosis.message, "2 of 2 cases did not sync");
        assert_eq!(diagnosis.class, Class::Alarm);
    }

    #[test]
    fn conflicts_and_a_rewound_remote_are_found_and_a_clean_sync_is_not() {
        let mut totals = Totals::of(&[synced(1, 1, 0)]);
        assert_eq!(ending(Vec::new(), &totals, false), Ending::Clean);
        totals.conflicts = 1;
        assert!(matches!(
            ending(Vec::new(), &totals, false),
            Ending::Found { hint: Some(h) } if h.contains("iepcase resolve")
        ));
        totals.rewound = true;
        assert_eq!(
            ending(Vec::new(), &totals, false),
            Ending::Found { hint: None }
        );
    }

    #[test]
    fn notices_tell_of_conflicts_and_members_who_came_and_went() {
        let Outcome { result, .. } = synced(0, 0, 1);
        let mut report = result.unwrap();
        report.merge.members_added.push("age1new".into());
        report.merge.members_removed.push("age1old".into());
        assert_eq!(
            notices("eq", &report),
            [
                Notice::Warning(
                    "eq: r0 changed on both sides (title); the remote's version is r0.conflict-1"
                        .into()
                ),
                Notice::Warning("eq: the remote added a member: age1new".into()),
                Notice::Hint(
                    "check with whoever shared `eq`, then run `iepcase -c eq recipients accept`"
                        .into()
                ),
                Notice::Status("eq: the remote removed a member: age1old".into()),
            ]
        );
        assert!(notices("eq", &SyncReport::default()).is_empty());
    }

    fn failed(slug: &str, message: &str) -> Outcome {
        let mut outcome = synced(0, 0, 0);
        outcome.slug = slug.into();
        outcome.result = Err(OpsError::NoSlugInUrl {
            url: message.into(),
        });
        outcome
    }

    #[test]
    fn the_table_shows_what_each_case_exchanged_or_its_error() {
        let mut one = synced(3, 1, 2);
        one.slug = "eq".into();
        let done = Synced::of(vec![one, failed("mk", "x")], true);
        let error = Diagnosis::from(OpsError::NoSlugInUrl { url: "x".into() }).message;
        let plain = done.render(None, Paint::plain());
        assert_eq!(
            plain,
            format!(
                "CASE  REMOTE  FETCHED  MERGED  PUSHED  CONFLICTS  ERROR\n\
                 eq    origin  3        0       1       2\n\
                 mk    -       -        -       -       -          {error}\n"
            )
        );
        let colored = done.render(None, Paint::new(true));
        assert_eq!(colored, plain, "the table has no colours");
        assert_eq!(
            done.notices().last(),
            Some(&Notice::Status(
                "2 cases: 1 synced, 1 failed; 3 commits fetched, 1 pushed, 2 conflicts".into()
            ))
        );
        assert!(matches!(done.ending(), Ending::Failed { .. }));
    }

    #[test]
    fn no_case_with_a_remote_is_said_and_shows_no_table() {
        let none = Synced::of(Vec::new(), true);
        assert_eq!(none.render(Some(80), Paint::new(true)), "");
        assert_eq!(
            none.notices(),
            [
                Notice::Status("No case has a remote".into()),
                Notice::Status(
                    "0 cases: 0 synced, 0 failed; 0 commits fetched, 0 pushed, 0 conflicts".into()
                ),
            ]
        );
        assert!(none.json_rows().is_empty());
        assert_eq!(none.ending(), Ending::Clean);
    }

    #[test]
    fn the_ending_hints_are_notices() {
        let found = Ending::Found {
            hint: Some("settle"),
        };
        assert_eq!(found.notices(), [Notice::Hint("settle".into())]);
        assert!(Ending::Clean.notices().is_empty());
        assert_eq!(
            cloned_notices("eq", 4, Path::new("/w/cases/eq"))[0],
            Notice::Status("Cloned case `eq` (4 records) into /w/cases/eq".into())
        );
    }
}

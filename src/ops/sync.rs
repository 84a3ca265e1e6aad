//! `sync`: exchange one case, or every case that has a remote, with its remote, a few at a
//! time; one case that fails does not stop the others.

use std::time::Duration;

use rayon::prelude::*;

use crate::crypto::Identities;
use crate::git::CommitContext;
use crate::store::Case;
use crate::sync::{Access, SyncError, SyncReport};
use crate::workspace::Workspace;

use super::OpsError;

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
}

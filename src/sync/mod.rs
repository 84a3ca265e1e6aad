//! Private git remotes: adding them, cloning a case, and syncing (fetch, record-level merge,
//! push) (SPEC section 9).
//!
//! A remote only ever sees what is in the repository: ciphertext, random names, member public
//! keys and commit metadata. Merges happen here, on decrypted records ([`merge`]).

pub mod access;
mod advice;
pub mod fields;
pub mod known_hosts;
pub mod merge;
pub mod transport;

use std::path::Path;

use git2::Repository;

use crate::crypto::Identities;
use crate::git::CommitContext;
use crate::store::{Case, CaseLock, StoreError};

pub use access::{Access, Offered};
pub use known_hosts::HostKey;
pub use merge::MergeReport;

/// Errors talking to remotes and merging.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("case `{case}` has no remote")]
    NoRemote { case: String },
    #[error("case `{case}` has several remotes ({}); name the one to use", names.join(", "))]
    WhichRemote { case: String, names: Vec<String> },
    #[error("there is no remote `{name}`")]
    UnknownRemote { name: String },
    #[error("a remote `{name}` already exists")]
    RemoteExists { name: String },
    #[error("`{name}` cannot name a remote")]
    BadRemoteName { name: String },
    #[error("`{url}` is not a remote iepcase can use: {reason}")]
    BadRemoteUrl { url: String, reason: &'static str },
    #[error("the remote {url} did not accept any of your credentials")]
    Auth {
        url: String,
        source: git2::Error,
        /// What was offered, in order.
        offered: Vec<Offered>,
    },
    /// Signed in, but the server's access rules refused: to read, or (`write`) to push.
    #[error("{} {url} was refused by the server", if *write { "the push to" } else { "access to" })]
    Denied {
        url: String,
        write: bool,
        server_said: Vec<String>,
    },
    /// The SSH server's host key is in no known_hosts file.
    #[error("the host key of {} is not known, so iepcase did not connect to {url}", key.host_entry())]
    UnknownHost {
        url: String,
        key: HostKey,
        /// Where trusting it writes.
        known_hosts: std::path::PathBuf,
    },
    /// The SSH server presented another key than the one trusted for its host, or a
    /// revoked one: possibly someone between you and the server.
    #[error(
        "the host key of {} {}: refused to connect to {url}",
        key.host_entry(),
        if *revoked { "is revoked" } else { "has changed" }
    )]
    HostKeyChanged {
        url: String,
        key: HostKey,
        file: std::path::PathBuf,
        line: usize,
        revoked: bool,
    },
    /// A fingerprint given to trust a host is not the one the host presents.
    #[error("{host} presents the key {found}, not {expected}")]
    FingerprintMismatch {
        host: String,
        expected: String,
        found: String,
    },
    #[error("{url} is not an SSH remote: only SSH servers have host keys to trust")]
    NotSsh { url: String },
    #[error("cannot add the host key to {}", path.display())]
    TrustWrite {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The HTTPS server's certificate is not signed by an authority this computer trusts.
    #[error("the certificate of {url} is not trusted: {reason}")]
    UntrustedCertificate {
        url: String,
        /// SHA-256 of the server's certificate, as browsers show it, when it sent one.
        fingerprint: Option<String>,
        reason: String,
        /// The authorities git's `http.sslCAInfo` names, when set.
        ca_file: Option<std::path::PathBuf>,
    },
    #[error("git's http.sslCAInfo names {}, which is not a readable file", path.display())]
    CaFile { path: std::path::PathBuf },
    #[error("the passphrase for the SSH key {} is not right", key.display())]
    KeyPassphrase {
        url: String,
        key: std::path::PathBuf,
    },
    #[error("cannot reach the remote {url}")]
    Network { url: String, source: git2::Error },
    #[error("there is no repository at {url}")]
    NotFound { url: String, source: git2::Error },
    #[error("the remote {url} refused the push: it has changes this sync has not merged")]
    PushBehind { url: String },
    /// The server's own rules refused the push (a hook, a protected branch); `server_said`
    /// is what the server printed, line by line, when it printed anything.
    #[error("the remote {url} refused the push: {reason}")]
    Rejected {
        url: String,
        reason: String,
        server_said: Vec<String>,
    },
    #[error("the remote repository is empty")]
    EmptyRemote { url: String },
    #[error("your key is no longer a member of case `{case}` on the remote")]
    RemovedOnRemote { case: String },
    #[error("the remote's history of case `{case}` has nothing in common with this one")]
    Unrelated { case: String },
    /// The remote holds a commit no member of the case could have made.
    #[error("refused what the remote {url} holds for case `{case}`: {source}")]
    Untrusted {
        case: String,
        url: String,
        source: crate::store::trust::Untrusted,
    },
    /// The remote's branch no longer contains what this copy fetched from it before.
    #[error("the remote {url} rewrote the history of case `{case}`: its branch no longer contains commit {}", &known.to_string()[..10])]
    Rewritten {
        case: String,
        url: String,
        known: git2::Oid,
        commit: git2::Oid,
    },
    #[error("case `{case}` on the remote {url} uses format {found}, newer than this iepcase knows")]
    NewerFormat {
        case: String,
        url: String,
        found: u32,
    },
    #[error(
        "the remote {url} kept changing while this sync ran: someone pushed at the same moment, {attempts} times"
    )]
    PushRace { url: String, attempts: u32 },
    #[error("git failed to {action}")]
    Git {
        action: &'static str,
        source: git2::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one sync did.
#[derive(Debug, Default, Clone)]
pub struct SyncReport {
    pub remote: String,
    /// New commits that came from the remote.
    pub fetched: usize,
    /// New local commits the remote received.
    pub pushed: usize,
    pub merge: MergeReport,
    /// The remote had been moved back to an earlier state of the case (`(its commit, the one
    /// this copy fetched before)`); the push put it forward again.
    pub rewound: Option<(git2::Oid, git2::Oid)>,
}

/// How many times a sync fetches, merges and pushes again when someone else pushes at the
/// same moment.
const PUSH_ATTEMPTS: u32 = 4;

/// The remotes of a case: `(name, url)`.
pub fn remotes(repo: &Repository) -> Result<Vec<(String, String)>, SyncError> {
    let names = repo.remotes().map_err(|source| SyncError::Git {
        action: "list remotes",
        source,
    })?;
    Ok(names
        .iter()
        .flatten()
        .flatten()
        .filter_map(|name| {
            let remote = repo.find_remote(name).ok()?;
            Some((name.to_owned(), remote.url().unwrap_or_default().to_owned()))
        })
        .collect())
}

/// Adds a remote.
pub fn add_remote(repo: &Repository, name: &str, url: &str) -> Result<(), SyncError> {
    if !git2::Remote::is_valid_name(name) {
        return Err(SyncError::BadRemoteName {
            name: name.to_owned(),
        });
    }
    if repo.find_remote(name).is_ok() {
        return Err(SyncError::RemoteExists {
            name: name.to_owned(),
        });
    }
    check_remote_url(url)?;
    repo.remote(name, url).map_err(|source| SyncError::Git {
        action: "add the remote",
        source,
    })?;
    Ok(())
}

/// How a remote URL reaches its repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// `ssh://`, `https://`, `http://`, `git://` or `file://`.
    Url,
    /// `user@host:path`, the short form of SSH.
    ScpLike,
    /// A folder on this machine.
    Path,
}

/// The slug a clone of `url` takes when none is given: the repository's name, lowercase
/// (`case-2026-01` from `git@host:me/case-2026-01.git` or `/srv/case-2026-01/`); `None`
/// when that name cannot be a slug.
pub fn slug_from_url(url: &str) -> Option<String> {
    let last = url.trim_end_matches('/').rsplit(['/', ':']).next()?;
    let slug = last.trim_end_matches(".git").to_ascii_lowercase();
    crate::workspace::validate_slug(&slug).ok().map(|_| slug)
}

/// Sorts a remote URL, refusing ones that cannot work: an unknown scheme, a missing host,
/// spaces or control characters.
pub fn check_remote_url(url: &str) -> Result<UrlKind, SyncError> {
    let bad = |reason| {
        Err(SyncError::BadRemoteUrl {
            url: url.to_owned(),
            reason,
        })
    };
    if url.trim().is_empty() {
        return bad("it is empty");
    }
    if url.chars().any(char::is_control) {
        return bad("it holds control characters");
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        if !["ssh", "https", "http", "git", "file"].contains(&scheme.to_ascii_lowercase().as_str())
        {
            return bad("use an ssh://, https:// or file:// address, user@host:path, or a folder");
        }
        if scheme != "file"
            && rest
                .split(['/', ':'])
                .next()
                .is_none_or(|h| h.is_empty() || h.ends_with('@'))
        {
            return bad("it names no host");
        }
        if url.contains(' ') {
            return bad("it holds a space; write it as %20");
        }
        return Ok(UrlKind::Url);
    }
    if let Some((host, path)) = url.split_once(':')
        && !host.contains('/')
        && !host.is_empty()
    {
        if path.is_empty() {
            return bad("it names no repository after the `:`");
        }
        if host.contains(' ') {
            return bad("the host holds a space");
        }
        return Ok(UrlKind::ScpLike);
    }
    Ok(UrlKind::Path)
}

/// Removes a remote.
pub fn remove_remote(repo: &Repository, name: &str) -> Result<(), SyncError> {
    repo.find_remote(name)
        .map_err(|_| SyncError::UnknownRemote {
            name: name.to_owned(),
        })?;
    repo.remote_delete(name).map_err(|source| SyncError::Git {
        action: "remove the remote",
        source,
    })
}

impl Case {
    /// The case's remotes: `(name, url)`.
    pub fn remotes(&self) -> Result<Vec<(String, String)>, SyncError> {
        remotes(self.repo())
    }

    /// Adds remote `name` at `url`.
    pub fn add_remote(&self, name: &str, url: &str) -> Result<(), SyncError> {
        add_remote(self.repo(), name, url)
    }

    /// Removes remote `name`.
    pub fn remove_remote(&self, name: &str) -> Result<(), SyncError> {
        remove_remote(self.repo(), name)
    }

    /// The address of remote `name`.
    pub fn remote_url(&self, name: &str) -> Result<String, SyncError> {
        transport::url_of(self.repo(), name)
    }
}

/// Whether [`add_remote_in`] added the remote or found it there already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteAdded {
    New,
    AlreadyThere,
}

/// Adds remote `name` at `url` to the case repository in `dir` without opening the case (no
/// key is needed to name a remote); a remote of that name and address is left as it is.
pub fn add_remote_in(dir: &Path, name: &str, url: &str) -> Result<RemoteAdded, SyncError> {
    let repo = Repository::open(dir).map_err(|source| SyncError::Git {
        action: "open the case repository",
        source,
    })?;
    if let Ok(existing) = repo.find_remote(name)
        && existing.url().ok() == Some(url)
    {
        return Ok(RemoteAdded::AlreadyThere);
    }
    add_remote(&repo, name, url)?;
    Ok(RemoteAdded::New)
}

/// The remote to sync with: the one named, else the only one, else `origin`.
pub fn pick_remote(case: &Case, name: Option<&str>) -> Result<String, SyncError> {
    let all = remotes(case.repo())?;
    if let Some(name) = name {
        return all
            .iter()
            .find(|(n, _)| n == name)
            .map(|(n, _)| n.clone())
            .ok_or_else(|| SyncError::UnknownRemote {
                name: name.to_owned(),
            });
    }
    match all.as_slice() {
        [] => Err(SyncError::NoRemote {
            case: case.slug().to_owned(),
        }),
        [(only, _)] => Ok(only.clone()),
        many if many.iter().any(|(n, _)| n == "origin") => Ok("origin".into()),
        many => Err(SyncError::WhichRemote {
            case: case.slug().to_owned(),
            names: many.iter().map(|(n, _)| n.clone()).collect(),
        }),
    }
}

/// Fetches, merges and pushes one case. Everything fetched is verified before any of it is
/// merged or written ([`crate::store::trust`]); a push that loses a race with someone else's
/// push is retried, with a fresh fetch and merge, a few times.
pub fn sync(
    case: &Case,
    lock: &CaseLock,
    remote: &str,
    identities: &Identities,
    context: &CommitContext,
    access: &Access<'_>,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport {
        remote: remote.to_owned(),
        ..SyncReport::default()
    };
    let mut reopened;
    let mut current = case;
    for attempt in 1..=PUSH_ATTEMPTS {
        match sync_round(
            current,
            lock,
            remote,
            identities,
            context,
            access,
            &mut report,
        ) {
            Err(SyncError::PushBehind { url }) => {
                if attempt == PUSH_ATTEMPTS {
                    return Err(SyncError::PushRace {
                        url,
                        attempts: PUSH_ATTEMPTS,
                    });
                }
                // The merge may have changed the case key: read it again.
                reopened = Case::open(case.root(), case.slug(), identities)?;
                current = &reopened;
            }
            other => return other.map(|()| report),
        }
    }
    unreachable!("the loop returns on its last attempt")
}

fn sync_round(
    case: &Case,
    lock: &CaseLock,
    remote: &str,
    identities: &Identities,
    context: &CommitContext,
    access: &Access<'_>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let repo = case.repo();
    if case.head_problem().is_some() {
        return Err(StoreError::UntrustedHead {
            case: case.slug().to_owned(),
            commit: case.head_commit(),
        }
        .into());
    }
    let known = transport::last_verified(repo, remote);
    let url = transport::url_of(repo, remote)?;
    let fetched_head = transport::fetch(repo, remote, access)?;
    let result = take_fetched(
        case,
        lock,
        remote,
        identities,
        context,
        report,
        known,
        &url,
        fetched_head,
    );
    if result.is_err() {
        transport::reset_tracking(repo, remote);
    }
    result?;
    push_if_ahead(repo, remote, fetched_head, access, report)
}

/// Verifies and merges what a fetch brought (nothing when it brought nothing new).
#[allow(clippy::too_many_arguments)]
fn take_fetched(
    case: &Case,
    lock: &CaseLock,
    remote: &str,
    identities: &Identities,
    context: &CommitContext,
    report: &mut SyncReport,
    known: Option<git2::Oid>,
    url: &str,
    fetched_head: Option<git2::Oid>,
) -> Result<(), SyncError> {
    let repo = case.repo();
    let url = url.to_owned();
    if let Some(theirs) = fetched_head
        && Some(theirs) != known
    {
        let git = |source| SyncError::Git {
            action: "compare histories",
            source,
        };
        let head = case.head_commit();
        if let Some(known) = known
            && !repo.graph_descendant_of(theirs, known).map_err(git)?
        {
            // Moved back to an earlier state this copy has: pushing puts it forward again.
            if repo.graph_descendant_of(known, theirs).map_err(git)?
                && (head == known || repo.graph_descendant_of(head, known).map_err(git)?)
            {
                report.rewound = Some((theirs, known));
            } else {
                return Err(SyncError::Rewritten {
                    case: case.slug().to_owned(),
                    url,
                    known,
                    commit: theirs,
                });
            }
        } else {
            let hide: Vec<git2::Oid> = std::iter::once(head).chain(known).collect();
            let verified = crate::store::trust::verify_fetched(
                repo,
                theirs,
                &hide,
                Some(case.key()),
                identities,
            )
            .map_err(|source| fetched_error(case, &url, source))?;
            report.fetched += count_between(repo, theirs, Some(head))?;
            let merged =
                merge::merge(case, lock, &verified, identities, context).map_err(|e| match e {
                    SyncError::Untrusted { source, .. } => fetched_error(case, &url, source),
                    other => other,
                })?;
            report.merge.absorb(merged);
        }
        transport::set_tracking(repo, remote, theirs)?;
    }
    Ok(())
}

/// Pushes when this copy has commits the remote lacks.
fn push_if_ahead(
    repo: &git2::Repository,
    remote: &str,
    fetched_head: Option<git2::Oid>,
    access: &Access<'_>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|source| SyncError::Git {
            action: "read the case",
            source,
        })?;
    if fetched_head != Some(head.id()) {
        let pushed = count_between(repo, head.id(), fetched_head)?;
        transport::push(repo, remote, access)?;
        report.pushed += pushed;
    }
    Ok(())
}

/// The error for a fetched commit that fails verification.
fn fetched_error(case: &Case, url: &str, source: crate::store::trust::Untrusted) -> SyncError {
    if let crate::store::trust::Distrust::Newer(found) = source.reason {
        return SyncError::NewerFormat {
            case: case.slug().to_owned(),
            url: url.to_owned(),
            found,
        };
    }
    SyncError::Untrusted {
        case: case.slug().to_owned(),
        url: url.to_owned(),
        source,
    }
}

/// Commits reachable from `from` but not from `not`.
fn count_between(
    repo: &Repository,
    from: git2::Oid,
    not: Option<git2::Oid>,
) -> Result<usize, SyncError> {
    let git = |source| SyncError::Git {
        action: "count commits",
        source,
    };
    let mut walk = repo.revwalk().map_err(git)?;
    walk.push(from).map_err(git)?;
    if let Some(not) = not {
        walk.hide(not).map_err(git)?;
    }
    Ok(walk.count())
}

/// Clones the case at `url` into `dir` (a case folder) and opens it. Nothing is left behind
/// when it fails, for instance when your key is not a member.
pub fn clone_case(
    url: &str,
    dir: &Path,
    slug: &str,
    identities: &Identities,
    access: &Access<'_>,
) -> Result<Case, SyncError> {
    if dir.exists() {
        return Err(StoreError::CaseExists {
            slug: slug.to_owned(),
        }
        .into());
    }
    let result = clone_into(url, dir, slug, identities, access);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

fn clone_into(
    url: &str,
    dir: &Path,
    slug: &str,
    identities: &Identities,
    access: &Access<'_>,
) -> Result<Case, SyncError> {
    crate::git::configure();
    let repo = crate::git::init(dir).map_err(|source| SyncError::Git {
        action: "create the case repository",
        source,
    })?;
    add_remote(&repo, "origin", url)?;
    let Some(head) = transport::fetch(&repo, "origin", access)? else {
        return Err(SyncError::EmptyRemote {
            url: url.to_owned(),
        });
    };
    let untrusted = |source: crate::store::trust::Untrusted| {
        if let crate::store::trust::Distrust::Newer(found) = source.reason {
            return SyncError::NewerFormat {
                case: slug.to_owned(),
                url: url.to_owned(),
                found,
            };
        }
        SyncError::Untrusted {
            case: slug.to_owned(),
            url: url.to_owned(),
            source,
        }
    };
    // Every commit is checked before the branch points at any of them or a file is written.
    let verified = crate::store::trust::verify_fetched(&repo, head, &[], None, identities)
        .map_err(untrusted)?;
    if verified.key.is_none() {
        return Err(StoreError::NotAMember {
            case: slug.to_owned(),
            public_keys: identities.public_keys(),
        }
        .into());
    }
    repo.reference(
        &format!("refs/heads/{}", crate::git::BRANCH),
        head,
        true,
        "iepcase clone",
    )
    .map_err(|source| SyncError::Git {
        action: "set up the case",
        source,
    })?;
    transport::set_tracking(&repo, "origin", head)?;
    drop(repo);
    let case = Case::open(dir, slug, identities)?;
    case.accept_recipients(&case.recipients()?)?;
    case.sync_working_files()?;
    // The first listing should not have to decrypt everything: fill the caches now. A
    // record that cannot be read is for `fsck` to report, not a reason to fail the clone.
    let _ = case.summaries();
    Ok(case)
}

#[cfg(test)]
mod url_tests {
    use super::{UrlKind, check_remote_url, slug_from_url};

    #[test]
    fn slugs_from_urls() {
        assert_eq!(
            slug_from_url("git@host:me/case-2026-01.git").as_deref(),
            Some("case-2026-01")
        );
        assert_eq!(
            slug_from_url("/srv/git/eq-2025.git/").as_deref(),
            Some("eq-2025")
        );
        assert_eq!(slug_from_url("https://host/a/B.git").as_deref(), Some("b"));
        assert_eq!(slug_from_url("https://host/My Case"), None);
    }

    #[test]
    fn usable_addresses_are_sorted() {
        for (url, kind) in [
            ("git@git.example.org:pat/case.git", UrlKind::ScpLike),
            ("ssh://git@git.example.org/pat/case.git", UrlKind::Url),
            ("https://git.example.org/pat/case.git", UrlKind::Url),
            ("file:///media/backup/case.git", UrlKind::Url),
            ("/media/backup/case.git", UrlKind::Path),
            ("../backup/case.git", UrlKind::Path),
        ] {
            assert_eq!(check_remote_url(url).unwrap(), kind, "{url}");
        }
    }

    #[test]
    fn unusable_addresses_say_why() {
        for (url, why) in [
            ("htps://git.example.org/pat/case.git", "use an ssh://"),
            ("https:///pat/case.git", "names no host"),
            ("git@git.example.org:", "no repository"),
            ("", "empty"),
            ("https://git.example.org/my case.git", "space"),
        ] {
            let err = check_remote_url(url).unwrap_err().to_string();
            assert!(err.contains(why), "{url}: {err}");
        }
    }
}

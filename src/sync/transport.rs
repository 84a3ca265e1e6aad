//! Talking to remotes through libgit2: fetch and push with the credentials and server checks
//! of [`super::access`], and errors told apart (bad credentials, no network, no such
//! repository, access the server refused, a push refused because the remote moved on, a push
//! the server's rules refused).

use git2::{Oid, Repository};

use super::SyncError;
use super::access::{Access, Offered, Session};
use super::known_hosts::{self, HostKey, Verdict};
use crate::git::BRANCH;

/// The remote-tracking ref of `remote`'s main branch: what this copy last fetched from it,
/// verified, or pushed to it.
pub fn tracking_ref(remote: &str) -> String {
    format!("refs/remotes/{remote}/{BRANCH}")
}

/// Where a fetch puts `remote`'s main branch until it is verified: never read as the case.
fn quarantine_ref(remote: &str) -> String {
    format!("refs/iepcase/fetched/{remote}")
}

/// What this copy last took from `remote` (verified) or pushed to it. libgit2 moves the
/// remote-tracking ref itself on every fetch, verified or not, so it cannot say this.
fn verified_ref(remote: &str) -> String {
    format!("refs/iepcase/verified/{remote}")
}

/// The commit this copy last took from `remote` or pushed to it.
pub fn last_verified(repo: &Repository, remote: &str) -> Option<Oid> {
    repo.refname_to_id(&verified_ref(remote))
        .or_else(|_| repo.refname_to_id(&tracking_ref(remote)))
        .ok()
}

/// Records `commit` as what `remote` has, once it is verified (or pushed there).
pub fn set_tracking(repo: &Repository, remote: &str, commit: Oid) -> Result<(), SyncError> {
    for name in [verified_ref(remote), tracking_ref(remote)] {
        repo.reference(&name, commit, true, "iepcase: verified")
            .map_err(|source| SyncError::Git {
                action: "remember what the remote has",
                source,
            })?;
    }
    Ok(())
}

/// Puts the remote-tracking ref back where verification left it, after a refused fetch.
pub fn reset_tracking(repo: &Repository, remote: &str) {
    match last_verified(repo, remote) {
        Some(commit) => {
            let _ = repo.reference(&tracking_ref(remote), commit, true, "iepcase: refused");
        }
        None => {
            if let Ok(mut r) = repo.find_reference(&tracking_ref(remote)) {
                let _ = r.delete();
            }
        }
    }
}

/// The URL of `remote`.
pub fn url_of(repo: &Repository, remote: &str) -> Result<String, SyncError> {
    Ok(find_remote(repo, remote)?
        .url()
        .unwrap_or_default()
        .to_owned())
}

/// Fetches `remote`'s main branch into a quarantine ref; returns its commit, or `None` when
/// the remote is empty. The fetched objects are only in git's object database: nothing reads
/// them as the case until [`crate::store::trust::verify_fetched`] has checked them.
pub fn fetch(
    repo: &Repository,
    remote_name: &str,
    access: &Access<'_>,
) -> Result<Option<Oid>, SyncError> {
    let mut remote = find_remote(repo, remote_name)?;
    let url = remote.url().unwrap_or_default().to_owned();
    let session = Session::new(access, &url);
    let mut options = git2::FetchOptions::new();
    options.remote_callbacks(session.callbacks());
    let quarantine = quarantine_ref(remote_name);
    // A branch the remote no longer has must not be taken for the one fetched before.
    if let Ok(mut old) = repo.find_reference(&quarantine) {
        let _ = old.delete();
    }
    let refspec = format!("+refs/heads/{BRANCH}:{quarantine}");
    remote
        .fetch(
            &[refspec.as_str()],
            Some(&mut options),
            Some("iepcase sync"),
        )
        .map_err(|e| session.failure(e, &url))?;
    match repo.refname_to_id(&quarantine) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(source) => Err(SyncError::Git {
            action: "read the fetched branch",
            source,
        }),
    }
}

/// Pushes main to `remote`; a refused update is an error: [`SyncError::PushBehind`] when the
/// remote moved on since the fetch, [`SyncError::Rejected`] when its rules refused it.
pub fn push(repo: &Repository, remote_name: &str, access: &Access<'_>) -> Result<(), SyncError> {
    let mut remote = find_remote(repo, remote_name)?;
    let url = remote.url().unwrap_or_default().to_owned();
    let session = Session::new(access, &url);
    let mut options = git2::PushOptions::new();
    options.remote_callbacks(session.callbacks());
    let refspec = format!("refs/heads/{BRANCH}:refs/heads/{BRANCH}");
    remote
        .push(&[refspec.as_str()], Some(&mut options))
        .map_err(|e| match session.failure(e, &url) {
            SyncError::Denied {
                url, server_said, ..
            } => SyncError::Denied {
                url,
                write: true,
                server_said,
            },
            other => other,
        })?;
    let rejected = session.rejected.borrow();
    if let Some(reason) = rejected.first() {
        let said = session.server_said.borrow();
        if is_behind(reason) || lost_race(reason, &said) {
            return Err(SyncError::PushBehind { url });
        }
        return Err(SyncError::Rejected {
            url,
            reason: reason.clone(),
            server_said: server_lines(&session.server_said.borrow()),
        });
    }
    // What we pushed is now what the remote has.
    if let Ok(head) = repo.refname_to_id(&format!("refs/heads/{BRANCH}")) {
        let _ = set_tracking(repo, remote_name, head);
    }
    Ok(())
}

/// What trusting a host did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    /// The key was added to this known_hosts file.
    Added(std::path::PathBuf),
    /// A known_hosts file already trusted it.
    AlreadyKnown,
}

/// The host key the SSH server at `url` presents, and what the known_hosts files say of it.
/// The connection stops at the key: nothing is signed in or exchanged.
pub fn host_key(url: &str, access: &Access<'_>) -> Result<(HostKey, Verdict), SyncError> {
    let url = url.to_owned();
    let ssh = url.starts_with("ssh://")
        || matches!(super::check_remote_url(&url), Ok(super::UrlKind::ScpLike));
    if !ssh {
        return Err(SyncError::NotSsh { url });
    }
    crate::git::configure();
    let mut remote =
        git2::Remote::create_detached(url.as_str()).map_err(|source| SyncError::Git {
            action: "read the address",
            source,
        })?;
    let session = Session::new(access, &url);
    session.stop_at_host_key();
    let result = remote
        .connect_auth(git2::Direction::Fetch, Some(session.callbacks()), None)
        .map(|_| ());
    match (session.host_key(), result) {
        (Some(key), _) => {
            let verdict = known_hosts::check(&access.known_hosts, &key);
            Ok((key, verdict))
        }
        (None, Err(e)) => Err(session.failure(e, &url)),
        (None, Ok(())) => Err(SyncError::NotSsh { url }),
    }
}

/// Trusts the host key of the SSH server at `url` when its fingerprint is `fingerprint`
/// (which the user compared with the one the host publishes). A host whose trusted key
/// changed is refused: removing the old key is a decision of its own, made outside iepcase.
pub fn trust_host(
    url: &str,
    fingerprint: &str,
    access: &Access<'_>,
) -> Result<(HostKey, Trusted), SyncError> {
    let (key, verdict) = host_key(url, access)?;
    let url = url.to_owned();
    if key.fingerprint() != fingerprint.trim() {
        return Err(SyncError::FingerprintMismatch {
            host: key.host_entry(),
            expected: fingerprint.trim().to_owned(),
            found: key.fingerprint(),
        });
    }
    match verdict {
        Verdict::Known => Ok((key, Trusted::AlreadyKnown)),
        Verdict::Changed { file, line } => Err(SyncError::HostKeyChanged {
            url,
            key,
            file,
            line,
            revoked: false,
        }),
        Verdict::Revoked { file, line } => Err(SyncError::HostKeyChanged {
            url,
            key,
            file,
            line,
            revoked: true,
        }),
        Verdict::Unknown => {
            let file = access.known_hosts[0].clone();
            known_hosts::trust(&file, &key).map_err(|source| SyncError::TrustWrite {
                path: file.clone(),
                source,
            })?;
            Ok((key, Trusted::Added(file)))
        }
    }
}

fn find_remote<'r>(repo: &'r Repository, name: &str) -> Result<git2::Remote<'r>, SyncError> {
    repo.find_remote(name)
        .map_err(|_| SyncError::UnknownRemote {
            name: name.to_owned(),
        })
}

/// Whether a refused ref update says the remote has commits we have not merged (as opposed
/// to a hook or a rule of the server refusing it).
fn is_behind(status: &str) -> bool {
    let status = status.to_lowercase();
    [
        "non-fast-forward",
        "fetch first",
        "stale info",
        "failed to lock",
        "cannot lock ref",
    ]
    .iter()
    .any(|w| status.contains(w))
}

/// Whether a refused update lost a race with another push: the server could not lock or
/// update the branch because it moved while this push was on its way.
fn lost_race(status: &str, server_said: &str) -> bool {
    let status = status.to_lowercase();
    let said = server_said.to_lowercase();
    [
        "failed to update ref",
        "unable to update",
        "failed to lock",
        "cannot lock ref",
    ]
    .iter()
    .any(|w| status.contains(w))
        || (said.contains("cannot lock ref") || said.contains("but expected"))
}

/// The server's message as lines, without git's transfer progress.
fn server_lines(said: &str) -> Vec<String> {
    said.split(['\n', '\r'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .filter(|line| !line.contains("% ("))
        .map(str::to_owned)
        .collect()
}

/// Tells apart bad credentials, network trouble, a missing repository and a push the remote
/// refused because it moved on.
pub fn classify(
    error: git2::Error,
    url: &str,
    credentials_exhausted: bool,
    offered: Vec<Offered>,
) -> SyncError {
    let message = error.message().to_lowercase();
    let url = url.to_owned();
    let any = |words: &[&str]| words.iter().any(|w| message.contains(w));
    if credentials_exhausted
        || error.code() == git2::ErrorCode::Auth
        || any(&[
            "authentication",
            "credentials",
            // git2's credential helper lookup, when no helper has a password for the URL.
            "username/password",
            "permission denied (publickey",
            "401",
            "unauthorized",
        ])
    {
        return SyncError::Auth {
            url,
            source: error,
            offered,
        };
    }
    // Signed in, but the server's access rules say no (gitolite, Gitea/Forgejo, GitLab,
    // GitHub, or an HTTP 403).
    if !any(&["not exported", "not found"])
        && any(&[
            "403",
            "forbidden",
            "denied",
            "not allowed",
            "you are not allowed",
            "access rights",
        ])
    {
        let server_said = error
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        return SyncError::Denied {
            url,
            write: false,
            server_said,
        };
    }
    if error.code() == git2::ErrorCode::NotFastForward
        || error.code() == git2::ErrorCode::Locked
        || error.code() == git2::ErrorCode::Modified
        || any(&[
            "non-fastforwardable",
            "not present locally",
            "cannot lock ref",
            "failed to lock",
            "old reference value does not match",
        ])
    {
        return SyncError::PushBehind { url };
    }
    let local_path = !url.contains("://")
        && !url.contains('@')
        && (url.starts_with('/') || url.starts_with('.'));
    if (local_path && !std::path::Path::new(&url).exists())
        || error.code() == git2::ErrorCode::NotFound
        || any(&[
            "not found",
            "does not appear to be a git repository",
            "no such file or directory",
            "failed to resolve path",
            "could not find repository",
            "404",
            "repository not exported",
        ])
    {
        return SyncError::NotFound { url, source: error };
    }
    if matches!(
        error.class(),
        git2::ErrorClass::Net | git2::ErrorClass::Os | git2::ErrorClass::Ssl
    ) || any(&[
        "connection refused",
        "could not resolve",
        "timed out",
        "failed to connect",
        "unreachable",
        "network",
    ]) {
        return SyncError::Network { url, source: error };
    }
    SyncError::Git {
        action: "talk to the remote",
        source: error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: git2::ErrorCode, class: git2::ErrorClass, message: &str) -> git2::Error {
        git2::Error::new(code, class, message)
    }

    #[test]
    fn errors_are_told_apart() {
        use git2::{ErrorClass as C, ErrorCode as E};
        assert!(matches!(
            classify(
                err(
                    E::Auth,
                    C::Ssh,
                    "authentication required but no callback set"
                ),
                "u",
                false,
                Vec::new()
            ),
            SyncError::Auth { .. }
        ));
        assert!(matches!(
            classify(
                err(E::GenericError, C::Http, "unexpected http status code: 401"),
                "u",
                false,
                Vec::new()
            ),
            SyncError::Auth { .. }
        ));
        assert!(matches!(
            classify(err(E::GenericError, C::None, "x"), "u", true, Vec::new()),
            SyncError::Auth { .. }
        ));
        assert!(matches!(
            classify(
                err(
                    E::GenericError,
                    C::Net,
                    "failed to connect to 127.0.0.1: Connection refused"
                ),
                "u",
                false,
                Vec::new()
            ),
            SyncError::Network { .. }
        ));
        assert!(matches!(
            classify(
                err(
                    E::NotFound,
                    C::Repository,
                    "could not find repository at '/nope'"
                ),
                "u",
                false,
                Vec::new()
            ),
            SyncError::NotFound { .. }
        ));
        assert!(matches!(
            classify(
                err(E::GenericError, C::Http, "unexpected http status code: 403"),
                "u",
                false,
                Vec::new()
            ),
            SyncError::Denied { .. }
        ));
        assert!(matches!(
            classify(
                err(
                    E::GenericError,
                    C::Ssh,
                    "FATAL: R any c1 carol DENIED by fallthru"
                ),
                "u",
                false,
                Vec::new()
            ),
            SyncError::Denied { .. }
        ));
        assert!(matches!(
            classify(
                err(E::GenericError, C::Http, "unexpected http status code: 404"),
                "u",
                false,
                Vec::new()
            ),
            SyncError::NotFound { .. }
        ));
    }

    #[test]
    fn no_stored_password_is_an_authentication_failure() {
        use git2::{ErrorClass as C, ErrorCode as E};
        // What git2 reports for an HTTPS remote asking for a password when no credential
        // helper has one: the error of the credentials callback, as libgit2 passes it on.
        for class in [C::None, C::Http, C::Callback] {
            let error = err(
                E::GenericError,
                class,
                "failed to acquire username/password from local configuration",
            );
            assert!(
                matches!(
                    classify(error, "https://git.example.org/c1.git", false, Vec::new()),
                    SyncError::Auth { .. }
                ),
                "{class:?}"
            );
        }
    }

    #[test]
    fn a_remote_that_moved_on_is_told_from_a_refusal() {
        use git2::{ErrorClass as C, ErrorCode as E};
        assert!(matches!(
            classify(
                err(
                    E::NotFastForward,
                    C::Reference,
                    "cannot push non-fastforwardable reference"
                ),
                "u",
                false,
                Vec::new()
            ),
            SyncError::PushBehind { .. }
        ));
        assert!(is_behind("refs/heads/main: fetch first"));
        assert!(is_behind("refs/heads/main: non-fast-forward"));
        assert!(!is_behind("refs/heads/main: pre-receive hook declined"));
        assert_eq!(
            server_lines("Resolving deltas: 100% (2/2), done.\rno pushes today\n\n"),
            vec!["no pushes today".to_owned()]
        );
    }

    /// Commits a file on `main` of `repo` on top of `parent`, without touching HEAD.
    fn commit_on_main(repo: &Repository, parent: Option<Oid>, text: &str) -> Oid {
        let blob = repo.blob(text.as_bytes()).unwrap();
        let mut builder = repo.treebuilder(None).unwrap();
        builder.insert("file", blob, 0o100_644).unwrap();
        let tree = repo.find_tree(builder.write().unwrap()).unwrap();
        let signature = git2::Signature::now("Test", "t@example.org").unwrap();
        let parents: Vec<git2::Commit<'_>> = parent
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let id = repo
            .commit(None, &signature, &signature, text, &tree, &parents)
            .unwrap();
        repo.reference(&format!("refs/heads/{BRANCH}"), id, true, "test")
            .unwrap();
        id
    }

    #[test]
    fn a_push_behind_the_remote_says_to_sync_again() {
        let dir = tempfile::tempdir().unwrap();
        let remote_path = dir.path().join("remote.git");
        let remote = Repository::init_bare(&remote_path).unwrap();
        let local = crate::git::init(&dir.path().join("local")).unwrap();
        local
            .remote("origin", remote_path.to_str().unwrap())
            .unwrap();
        let access = Access::new(None, false, Vec::new(), None, &crate::crypto::NoPrompt).unwrap();
        let base = commit_on_main(&local, None, "base");
        push(&local, "origin", &access).unwrap();
        // Someone else pushes after our fetch; we commit on the old state.
        fetch(&local, "origin", &access).unwrap();
        commit_on_main(&remote, Some(base), "theirs");
        commit_on_main(&local, Some(base), "ours");
        assert!(matches!(
            push(&local, "origin", &access),
            Err(SyncError::PushBehind { .. })
        ));
        // Fetched but not merged: refused the same way.
        fetch(&local, "origin", &access).unwrap();
        assert!(matches!(
            push(&local, "origin", &access),
            Err(SyncError::PushBehind { .. })
        ));
    }
}

//! Talking to remotes through libgit2: fetch and push with credentials (ssh-agent, key files,
//! git credential helpers) tried a bounded number of times, and errors told apart (bad
//! credentials, no network, no such repository, a push refused because the remote moved on,
//! a push the server's rules refused).

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use git2::{Cred, CredentialType, Oid, RemoteCallbacks, Repository};

use super::SyncError;
use crate::git::BRANCH;

/// How many times libgit2 may ask for credentials in one operation (it would ask forever).
const MAX_CREDENTIAL_ATTEMPTS: u32 = 4;

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

struct Session {
    attempts: Cell<u32>,
    exhausted: Cell<bool>,
    rejected: RefCell<Vec<String>>,
    /// What the server printed (`remote: …` lines, such as a hook's message).
    server_said: RefCell<String>,
    home: Option<PathBuf>,
}

impl Session {
    fn new() -> Session {
        Session {
            attempts: Cell::new(0),
            exhausted: Cell::new(false),
            rejected: RefCell::new(Vec::new()),
            server_said: RefCell::new(String::new()),
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    fn callbacks(&self) -> RemoteCallbacks<'_> {
        let mut callbacks = RemoteCallbacks::new();
        callbacks
            .credentials(move |url, username, allowed| self.credentials(url, username, allowed));
        callbacks.push_update_reference(move |name, status| {
            if let Some(message) = status {
                self.rejected
                    .borrow_mut()
                    .push(format!("{name}: {message}"));
            }
            Ok(())
        });
        callbacks.sideband_progress(move |data| {
            self.server_said
                .borrow_mut()
                .push_str(&String::from_utf8_lossy(data));
            true
        });
        callbacks
    }

    fn credentials(
        &self,
        url: &str,
        username: Option<&str>,
        allowed: CredentialType,
    ) -> Result<Cred, git2::Error> {
        let attempt = self.attempts.get() + 1;
        self.attempts.set(attempt);
        if attempt > MAX_CREDENTIAL_ATTEMPTS {
            self.exhausted.set(true);
            return Err(git2::Error::from_str("no credentials were accepted"));
        }
        let user = username.unwrap_or("git");
        if allowed.contains(CredentialType::USERNAME) {
            return Cred::username(user);
        }
        if allowed.contains(CredentialType::SSH_KEY) {
            // First the agent, then the usual key files, one per attempt.
            if attempt == 1 {
                return Cred::ssh_key_from_agent(user);
            }
            let keys: Vec<PathBuf> = self
                .home
                .iter()
                .flat_map(|h| ["id_ed25519", "id_rsa", "id_ecdsa"].map(|k| h.join(".ssh").join(k)))
                .filter(|p| p.exists())
                .collect();
            if let Some(key) = keys.get(attempt as usize - 2) {
                return Cred::ssh_key(user, None, key, None);
            }
            self.exhausted.set(true);
            return Err(git2::Error::from_str("no SSH key was accepted"));
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            // No helper, or one with nothing stored: there is nothing else to try.
            let cred = git2::Config::open_default()
                .and_then(|config| Cred::credential_helper(&config, url, username));
            if cred.is_err() {
                self.exhausted.set(true);
            }
            return cred;
        }
        if allowed.contains(CredentialType::DEFAULT) {
            return Cred::default();
        }
        self.exhausted.set(true);
        Err(git2::Error::from_str("no usable credentials"))
    }
}

/// Fetches `remote`'s main branch into a quarantine ref; returns its commit, or `None` when
/// the remote is empty. The fetched objects are only in git's object database: nothing reads
/// them as the case until [`crate::store::trust::verify_fetched`] has checked them.
pub fn fetch(repo: &Repository, remote_name: &str) -> Result<Option<Oid>, SyncError> {
    let mut remote = find_remote(repo, remote_name)?;
    let url = remote.url().unwrap_or_default().to_owned();
    let session = Session::new();
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
        .map_err(|e| classify(e, &url, session.exhausted.get()))?;
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
pub fn push(repo: &Repository, remote_name: &str) -> Result<(), SyncError> {
    let mut remote = find_remote(repo, remote_name)?;
    let url = remote.url().unwrap_or_default().to_owned();
    let session = Session::new();
    let mut options = git2::PushOptions::new();
    options.remote_callbacks(session.callbacks());
    let refspec = format!("refs/heads/{BRANCH}:refs/heads/{BRANCH}");
    remote
        .push(&[refspec.as_str()], Some(&mut options))
        .map_err(|e| classify(e, &url, session.exhausted.get()))?;
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
pub fn classify(error: git2::Error, url: &str, credentials_exhausted: bool) -> SyncError {
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
            "permission denied",
            "401",
            "403",
            "unauthorized",
        ])
    {
        return SyncError::Auth { url, source: error };
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
                false
            ),
            SyncError::Auth { .. }
        ));
        assert!(matches!(
            classify(
                err(E::GenericError, C::Http, "unexpected http status code: 401"),
                "u",
                false
            ),
            SyncError::Auth { .. }
        ));
        assert!(matches!(
            classify(err(E::GenericError, C::None, "x"), "u", true),
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
                false
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
                false
            ),
            SyncError::NotFound { .. }
        ));
        assert!(matches!(
            classify(
                err(E::GenericError, C::Http, "unexpected http status code: 404"),
                "u",
                false
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
                    classify(error, "https://git.example.org/c1.git", false),
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
                false
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
        let base = commit_on_main(&local, None, "base");
        push(&local, "origin").unwrap();
        // Someone else pushes after our fetch; we commit on the old state.
        fetch(&local, "origin").unwrap();
        commit_on_main(&remote, Some(base), "theirs");
        commit_on_main(&local, Some(base), "ours");
        assert!(matches!(
            push(&local, "origin"),
            Err(SyncError::PushBehind { .. })
        ));
        // Fetched but not merged: refused the same way.
        fetch(&local, "origin").unwrap();
        assert!(matches!(
            push(&local, "origin"),
            Err(SyncError::PushBehind { .. })
        ));
    }
}

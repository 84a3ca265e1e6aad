//! Talking to remotes through libgit2: fetch and push with credentials (ssh-agent, key files,
//! git credential helpers) tried a bounded number of times, and errors told apart (bad
//! credentials, no network, no such repository, a push the server refused).

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use git2::{Cred, CredentialType, Oid, RemoteCallbacks, Repository};

use super::SyncError;
use crate::git::BRANCH;

/// How many times libgit2 may ask for credentials in one operation (it would ask forever).
const MAX_CREDENTIAL_ATTEMPTS: u32 = 4;

/// The remote-tracking ref of `remote`'s main branch.
pub fn tracking_ref(remote: &str) -> String {
    format!("refs/remotes/{remote}/{BRANCH}")
}

struct Session {
    attempts: Cell<u32>,
    exhausted: Cell<bool>,
    rejected: RefCell<Vec<String>>,
    home: Option<PathBuf>,
}

impl Session {
    fn new() -> Session {
        Session {
            attempts: Cell::new(0),
            exhausted: Cell::new(false),
            rejected: RefCell::new(Vec::new()),
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

/// Fetches `remote`'s main branch; returns its commit, or `None` when the remote is empty.
pub fn fetch(repo: &Repository, remote_name: &str) -> Result<Option<Oid>, SyncError> {
    let mut remote = find_remote(repo, remote_name)?;
    let url = remote.url().unwrap_or_default().to_owned();
    let session = Session::new();
    let mut options = git2::FetchOptions::new();
    options.remote_callbacks(session.callbacks());
    let refspec = format!("+refs/heads/{BRANCH}:{}", tracking_ref(remote_name));
    remote
        .fetch(
            &[refspec.as_str()],
            Some(&mut options),
            Some("iepcase sync"),
        )
        .map_err(|e| classify(e, &url, session.exhausted.get()))?;
    match repo.refname_to_id(&tracking_ref(remote_name)) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(source) => Err(SyncError::Git {
            action: "read the fetched branch",
            source,
        }),
    }
}

/// Pushes main to `remote`; a refused update is an error.
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
        return Err(SyncError::Rejected {
            url,
            reason: reason.clone(),
        });
    }
    // What we pushed is now what the remote has.
    if let Ok(head) = repo.refname_to_id(&format!("refs/heads/{BRANCH}")) {
        let _ = repo.reference(&tracking_ref(remote_name), head, true, "iepcase push");
    }
    Ok(())
}

fn find_remote<'r>(repo: &'r Repository, name: &str) -> Result<git2::Remote<'r>, SyncError> {
    repo.find_remote(name)
        .map_err(|_| SyncError::UnknownRemote {
            name: name.to_owned(),
        })
}

/// Tells apart bad credentials, network trouble and a missing repository.
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
}

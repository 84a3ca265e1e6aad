//! Who we are to a remote and who the remote is to us: the credentials offered (ssh-agent,
//! key files with their passphrases asked once, git credential helpers), each a bounded
//! number of times, and the checks on the server (SSH host keys against known_hosts, TLS
//! certificates against the system's authorities plus git's `http.sslCAInfo`).
//!
//! [`Access`] holds what one run of iepcase knows, shared by every case a `sync --all` runs
//! in parallel; a [`Session`] is one fetch or push, and remembers what it tried so a failure
//! can say what was refused.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use age::secrecy::{ExposeSecret, SecretString};
use git2::{CertificateCheckStatus, Cred, CredentialType, RemoteCallbacks};

use super::SyncError;
use super::known_hosts::{self, HostKey, Verdict};
use crate::crypto::PassphrasePrompt;

/// How many times libgit2 may ask for credentials in one operation (it would ask forever).
const MAX_CREDENTIAL_ATTEMPTS: u32 = 6;

/// What iepcase offers remotes and how it checks them, for one run.
pub struct Access<'p> {
    /// Whether an ssh-agent is there to ask first.
    pub agent: bool,
    /// Key files to offer after the agent, in order (missing ones are skipped).
    pub ssh_keys: Vec<PathBuf>,
    /// known_hosts files; the first is the user's own, where trusting a host writes.
    pub known_hosts: Vec<PathBuf>,
    /// The certificate authorities git's `http.sslCAInfo` names, trusted beside the system's.
    pub ca_file: Option<PathBuf>,
    prompt: &'p (dyn PassphrasePrompt + Sync),
    /// Passphrases of key files, asked once per run (`None`: asked, and none given).
    passphrases: Mutex<HashMap<PathBuf, Option<SecretString>>>,
}

impl<'p> Access<'p> {
    /// The usual places under `home`: the agent (when `agent` says one runs), then
    /// `extra_keys`, then `~/.ssh/id_ed25519`, `id_ecdsa` and `id_rsa`; `~/.ssh/known_hosts`
    /// and the system's known hosts. `ca_file` is made trusted for HTTPS for the rest of the
    /// process: call this before starting threads that talk to remotes.
    pub fn new(
        home: Option<&Path>,
        agent: bool,
        extra_keys: Vec<PathBuf>,
        ca_file: Option<PathBuf>,
        prompt: &'p (dyn PassphrasePrompt + Sync),
    ) -> Result<Access<'p>, SyncError> {
        let ssh_dir = home.map(|h| h.join(".ssh"));
        let mut ssh_keys = extra_keys;
        ssh_keys.extend(
            ssh_dir
                .iter()
                .flat_map(|d| ["id_ed25519", "id_ecdsa", "id_rsa"].map(|k| d.join(k))),
        );
        let mut known_hosts: Vec<PathBuf> = ssh_dir.iter().map(|d| d.join("known_hosts")).collect();
        known_hosts.push(PathBuf::from("/etc/ssh/ssh_known_hosts"));
        if let Some(file) = &ca_file {
            if !file.is_file() {
                return Err(SyncError::CaFile { path: file.clone() });
            }
            // SAFETY: called before any thread of this process uses libgit2's TLS (the
            // contract of this function), so nothing reads the setting while it changes.
            unsafe { git2::opts::set_ssl_cert_file(file) }.map_err(|source| SyncError::Git {
                action: "trust the certificate authorities of http.sslCAInfo",
                source,
            })?;
        }
        Ok(Access {
            agent,
            ssh_keys,
            known_hosts,
            ca_file,
            prompt,
            passphrases: Mutex::new(HashMap::new()),
        })
    }

    /// The passphrase of key file `key`, asked at most once per run (one question at a time
    /// when cases sync in parallel).
    fn with_passphrase<T>(&self, key: &Path, use_it: impl FnOnce(Option<&str>) -> T) -> T {
        let mut cache = self
            .passphrases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = cache
            .entry(key.to_owned())
            .or_insert_with(|| self.prompt.passphrase(key));
        use_it(entry.as_ref().map(|s| s.expose_secret()))
    }

    /// Forgets a passphrase the key refused, so the next run asks again.
    fn forget_passphrase(&self, key: &Path) {
        if let Ok(mut cache) = self.passphrases.lock() {
            cache.remove(key);
        }
    }
}

/// One credential offered to a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offered {
    Agent,
    KeyFile(PathBuf),
    /// A key file protected by a passphrase, for which none was given.
    KeyWithoutPassphrase(PathBuf),
    /// The user name and password a git credential helper had stored for the URL.
    StoredPassword,
    /// No credential helper had anything for the URL.
    NoStoredPassword,
}

impl std::fmt::Display for Offered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Offered::Agent => write!(f, "the keys in your ssh-agent"),
            Offered::KeyFile(path) => write!(f, "the key {}", path.display()),
            Offered::KeyWithoutPassphrase(path) => {
                write!(f, "the key {} (no passphrase given)", path.display())
            }
            Offered::StoredPassword => {
                write!(f, "the password stored in your git credential helper")
            }
            Offered::NoStoredPassword => {
                write!(
                    f,
                    "no git credential helper had a password for this address"
                )
            }
        }
    }
}

/// One fetch or push: what was offered and seen, for telling its failure apart.
pub(crate) struct Session<'a> {
    access: &'a Access<'a>,
    port: u16,
    attempts: Cell<u32>,
    ssh_step: Cell<usize>,
    pub(crate) exhausted: Cell<bool>,
    pub(crate) offered: RefCell<Vec<Offered>>,
    /// The protected key file last offered with a passphrase.
    protected_key: RefCell<Option<PathBuf>>,
    host_key: RefCell<Option<(HostKey, Verdict)>>,
    /// The server's TLS certificate (DER), when it sent one.
    certificate: RefCell<Option<Vec<u8>>>,
    /// Only looking at the server's host key: refuse it once seen.
    scan: Cell<bool>,
    pub(crate) rejected: RefCell<Vec<String>>,
    /// What the server printed (`remote: …` lines, such as a hook's message).
    pub(crate) server_said: RefCell<String>,
}

impl<'a> Session<'a> {
    pub(crate) fn new(access: &'a Access<'a>, url: &str) -> Session<'a> {
        Session {
            access,
            port: ssh_port(url),
            attempts: Cell::new(0),
            ssh_step: Cell::new(0),
            exhausted: Cell::new(false),
            offered: RefCell::new(Vec::new()),
            protected_key: RefCell::new(None),
            host_key: RefCell::new(None),
            certificate: RefCell::new(None),
            scan: Cell::new(false),
            rejected: RefCell::new(Vec::new()),
            server_said: RefCell::new(String::new()),
        }
    }

    pub(crate) fn callbacks(&self) -> RemoteCallbacks<'_> {
        let mut callbacks = RemoteCallbacks::new();
        callbacks
            .credentials(move |url, username, allowed| self.credentials(url, username, allowed));
        callbacks.certificate_check(move |cert, host| self.check_server(cert, host));
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

    /// Stops the connection at the host key (to show or trust it).
    pub(crate) fn stop_at_host_key(&self) {
        self.scan.set(true);
    }

    /// The host key the server presented, when it presented one.
    pub(crate) fn host_key(&self) -> Option<HostKey> {
        self.host_key.borrow().as_ref().map(|(key, _)| key.clone())
    }

    /// Checks an SSH host key against known_hosts; leaves TLS certificates to libgit2's
    /// check (the system's authorities and `http.sslCAInfo`), remembering them for the error.
    fn check_server(
        &self,
        cert: &git2::cert::Cert<'_>,
        host: &str,
    ) -> Result<CertificateCheckStatus, git2::Error> {
        if let Some(hostkey) = cert.as_hostkey() {
            let Some(blob) = hostkey.hostkey() else {
                return Err(git2::Error::from_str("the server sent no host key"));
            };
            let key = HostKey {
                host: host.to_owned(),
                port: self.port,
                blob: blob.to_vec(),
            };
            let verdict = known_hosts::check(&self.access.known_hosts, &key);
            let known = verdict == Verdict::Known && !self.scan.get();
            *self.host_key.borrow_mut() = Some((key, verdict));
            return if known {
                Ok(CertificateCheckStatus::CertificateOk)
            } else {
                Err(git2::Error::from_str(
                    "the server's host key is not trusted",
                ))
            };
        }
        if let Some(x509) = cert.as_x509() {
            *self.certificate.borrow_mut() = Some(x509.data().to_vec());
        }
        Ok(CertificateCheckStatus::CertificatePassthrough)
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
            return self.give_up("no credentials were accepted");
        }
        let user = username.unwrap_or("git");
        if allowed.contains(CredentialType::USERNAME) {
            return Cred::username(user);
        }
        if allowed.contains(CredentialType::SSH_KEY) {
            return self.next_ssh_key(user);
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            let mut offered = self.offered.borrow_mut();
            if offered.contains(&Offered::StoredPassword) {
                // The stored password was refused; asking the helper again gives the same.
                drop(offered);
                return self.give_up("the stored password was refused");
            }
            let cred = git2::Config::open_default()
                .and_then(|config| Cred::credential_helper(&config, url, username));
            offered.push(if cred.is_ok() {
                Offered::StoredPassword
            } else {
                Offered::NoStoredPassword
            });
            if cred.is_err() {
                self.exhausted.set(true);
            }
            return cred;
        }
        if allowed.contains(CredentialType::DEFAULT) {
            return Cred::default();
        }
        self.give_up("no usable credentials")
    }

    /// The agent first, then each key file that exists, one per call.
    fn next_ssh_key(&self, user: &str) -> Result<Cred, git2::Error> {
        loop {
            let step = self.ssh_step.get();
            self.ssh_step.set(step + 1);
            if step == 0 {
                if !self.access.agent {
                    continue;
                }
                self.offered.borrow_mut().push(Offered::Agent);
                return Cred::ssh_key_from_agent(user);
            }
            let Some(key) = self
                .access
                .ssh_keys
                .iter()
                .filter(|k| k.is_file())
                .nth(step - 1)
            else {
                return self.give_up("no SSH key was accepted");
            };
            if !is_protected(key) {
                self.offered
                    .borrow_mut()
                    .push(Offered::KeyFile(key.clone()));
                return Cred::ssh_key(user, None, key, None);
            }
            let cred = self.access.with_passphrase(key, |passphrase| {
                passphrase.map(|p| Cred::ssh_key(user, None, key, Some(p)))
            });
            match cred {
                Some(cred) => {
                    self.offered
                        .borrow_mut()
                        .push(Offered::KeyFile(key.clone()));
                    *self.protected_key.borrow_mut() = Some(key.clone());
                    return cred;
                }
                None => self
                    .offered
                    .borrow_mut()
                    .push(Offered::KeyWithoutPassphrase(key.clone())),
            }
        }
    }

    fn give_up(&self, why: &str) -> Result<Cred, git2::Error> {
        self.exhausted.set(true);
        Err(git2::Error::from_str(why))
    }

    /// The error for a failed fetch or push, told apart with what this session saw.
    pub(crate) fn failure(&self, error: git2::Error, url: &str) -> SyncError {
        let url_owned = url.to_owned();
        if let Some((key, verdict)) = self.host_key.borrow().clone() {
            match verdict {
                Verdict::Known => {}
                Verdict::Unknown => {
                    return SyncError::UnknownHost {
                        url: url_owned,
                        key,
                        known_hosts: self.access.known_hosts[0].clone(),
                    };
                }
                Verdict::Changed { file, line } => {
                    return SyncError::HostKeyChanged {
                        url: url_owned,
                        key,
                        file,
                        line,
                        revoked: false,
                    };
                }
                Verdict::Revoked { file, line } => {
                    return SyncError::HostKeyChanged {
                        url: url_owned,
                        key,
                        file,
                        line,
                        revoked: true,
                    };
                }
            }
        }
        let tls = error.class() == git2::ErrorClass::Ssl
            && error.message().to_lowercase().contains("certificate");
        if error.code() == git2::ErrorCode::Certificate || tls {
            use sha2::Digest as _;
            let fingerprint = self.certificate.borrow().as_ref().map(|der| {
                sha2::Sha256::digest(der)
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(":")
            });
            return SyncError::UntrustedCertificate {
                url: url_owned,
                fingerprint,
                reason: error.message().to_owned(),
                ca_file: self.access.ca_file.clone(),
            };
        }
        if let Some(key) = self.protected_key.borrow().as_ref() {
            let message = error.message().to_lowercase();
            if message.contains("passphrase") || message.contains("private key") {
                self.access.forget_passphrase(key);
                return SyncError::KeyPassphrase {
                    url: url_owned,
                    key: key.clone(),
                };
            }
        }
        super::transport::classify(
            error,
            url,
            self.exhausted.get(),
            self.offered.borrow().clone(),
        )
    }
}

/// Whether a private key file is protected by a passphrase (OpenSSH's own format, or PEM).
fn is_protected(key: &Path) -> bool {
    use base64::Engine as _;
    let Ok(text) = std::fs::read_to_string(key) else {
        return false;
    };
    if text.contains("ENCRYPTED") {
        return true;
    }
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(body.trim()) else {
        return false;
    };
    // "openssh-key-v1\0", then the cipher's name as a length-prefixed string.
    let Some(rest) = bytes.strip_prefix(b"openssh-key-v1\0") else {
        return false;
    };
    let Some(len) = rest.get(..4) else {
        return false;
    };
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    rest.get(4..4 + len).is_some_and(|cipher| cipher != b"none")
}

/// The port of an SSH URL (`ssh://user@host:2222/…`), 22 for every other form.
pub fn ssh_port(url: &str) -> u16 {
    let Some(rest) = url
        .strip_prefix("ssh://")
        .or_else(|| url.strip_prefix("ssh+git://"))
        .or_else(|| url.strip_prefix("git+ssh://"))
    else {
        return 22;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let port = match host_port.rsplit_once("]:") {
        Some((_, port)) => Some(port),
        None if !host_port.starts_with('[') => host_port.rsplit_once(':').map(|(_, p)| p),
        None => None,
    };
    port.and_then(|p| p.parse().ok()).unwrap_or(22)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_of_ssh_urls() {
        assert_eq!(ssh_port("ssh://git@127.0.0.1:2222/srv/c1.git"), 2222);
        assert_eq!(ssh_port("ssh://git@host/srv/c1.git"), 22);
        assert_eq!(ssh_port("ssh://[::1]:2200/c1.git"), 2200);
        assert_eq!(ssh_port("git@host:team/c1.git"), 22);
        assert_eq!(ssh_port("https://host:8443/c1.git"), 22);
    }

    #[test]
    fn protected_keys_are_told_from_open_ones() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, cipher: &str| {
            use base64::Engine as _;
            let mut bytes = b"openssh-key-v1\0".to_vec();
            bytes.extend((cipher.len() as u32).to_be_bytes());
            bytes.extend(cipher.as_bytes());
            bytes.extend([0u8; 16]);
            let body = base64::engine::general_purpose::STANDARD.encode(bytes);
            let path = dir.path().join(name);
            std::fs::write(
                &path,
                format!(
                    "-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----\n"
                ),
            )
            .unwrap();
            path
        };
        assert!(is_protected(&write("locked", "aes256-ctr")));
        assert!(!is_protected(&write("open", "none")));
        assert!(!is_protected(&dir.path().join("missing")));
    }
}

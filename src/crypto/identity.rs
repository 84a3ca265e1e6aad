//! A member's identity file: loading it (age identities, plain or passphrase-protected, or an
//! OpenSSH private key) and generating a new one.

use std::io;
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};

use super::CryptoError;
use super::passphrase::{PassphrasePrompt, unlock_with_passphrase};
use super::ssh::load_ssh_identity;

/// One identity from the identity file, with the public key it answers to.
pub(super) struct IdentityEntry {
    pub(super) identity: Box<dyn age::Identity + Send + Sync>,
    pub(super) public: String,
}

/// The identities a user decrypts with, unlocked once per process.
pub struct Identities {
    path: PathBuf,
    entries: Vec<IdentityEntry>,
}

impl Identities {
    /// Loads the identity file at `path`; a passphrase-protected file is unlocked here, once.
    pub fn load(path: &Path, prompt: &dyn PassphrasePrompt) -> Result<Identities, CryptoError> {
        let data = match fs_err::read(path) {
            Ok(data) => data,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CryptoError::NoIdentity {
                    path: path.to_owned(),
                });
            }
            Err(source) => {
                return Err(CryptoError::ReadIdentity {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let bad = |reason: String| CryptoError::BadIdentity {
            path: path.to_owned(),
            reason,
        };
        let entries = if is_age_file(&data) {
            let plain = unlock_with_passphrase(path, &data, prompt)?;
            parse_age_identities(&plain).map_err(bad)?
        } else if data.starts_with(b"-----BEGIN OPENSSH PRIVATE KEY-----")
            || data.starts_with(b"-----BEGIN RSA PRIVATE KEY-----")
        {
            vec![load_ssh_identity(path, &data, prompt)?]
        } else {
            parse_age_identities(&data).map_err(bad)?
        };
        if entries.is_empty() {
            return Err(bad("it holds no identity".into()));
        }
        Ok(Identities {
            path: path.to_owned(),
            entries,
        })
    }

    /// The file these identities came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The public keys of these identities, as others would `share` to them.
    pub fn public_keys(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.public.clone()).collect()
    }

    /// The first public key, the one `keys show` prints and new cases are shared with.
    pub fn primary_public(&self) -> &str {
        &self.entries[0].public
    }

    /// The identities as age decrypts with them.
    pub(super) fn as_age(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.entries
            .iter()
            .map(|e| e.identity.as_ref() as &dyn age::Identity)
    }
}

fn is_age_file(data: &[u8]) -> bool {
    data.starts_with(b"age-encryption.org/v1\n")
        || data.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
}

fn parse_age_identities(data: &[u8]) -> Result<Vec<IdentityEntry>, String> {
    let text = std::str::from_utf8(data).map_err(|_| "it is not text".to_owned())?;
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let identity: age::x25519::Identity = line.parse().map_err(|_| {
            format!(
                "line {} is not an age identity (a line starting `AGE-SECRET-KEY-`)",
                n + 1
            )
        })?;
        let public = identity.to_public().to_string();
        entries.push(IdentityEntry {
            identity: Box::new(identity),
            public,
        });
    }
    Ok(entries)
}

/// A fresh age identity file: comment lines and the secret key.
pub struct NewIdentity {
    /// The file content, `# created: …`, `# public key: …` and the secret key line.
    pub file: SecretString,
    /// The public key to give to others.
    pub public: String,
}

/// Generates a member identity; `created` is an RFC 3339 time for the comment line.
pub fn generate_identity(created: &str) -> NewIdentity {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let file = format!(
        "# created: {created}\n# public key: {public}\n{}\n",
        identity.to_string().expose_secret()
    );
    NewIdentity {
        file: SecretString::from(file),
        public,
    }
}

//! Keys and encryption: members' identities and recipients, the per-case key, and the age
//! encryption of every file in a case.
//!
//! Two levels (SPEC section 2): a member's identity (age X25519, or an OpenSSH ed25519/rsa key)
//! only unwraps `.iepcase/case-key.age`; the case key, an age X25519 identity of its own,
//! decrypts records, case metadata and attachments. This module never touches git or prints;
//! prompting for a passphrase is the caller's job, through [`PassphrasePrompt`].

use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Errors of keys and encryption.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("no identity file at {}", path.display())]
    NoIdentity { path: PathBuf },
    #[error("cannot read identity file {}", path.display())]
    ReadIdentity { path: PathBuf, source: io::Error },
    #[error("identity file {} is not usable: {reason}", path.display())]
    BadIdentity { path: PathBuf, reason: String },
    #[error("wrong passphrase for identity file {}", path.display())]
    WrongPassphrase { path: PathBuf },
    #[error("identity file {} is protected by a passphrase and none was given", path.display())]
    NoPassphrase { path: PathBuf },
    #[error("`{text}` is not a public key: {reason}")]
    BadRecipient { text: String, reason: String },
    #[error("your key is not a member of this case")]
    NotAMember { public_keys: Vec<String> },
    #[error("cannot decrypt {what}: {reason}")]
    Decrypt { what: String, reason: String },
    #[error("cannot encrypt {what}")]
    Encrypt {
        what: String,
        source: Box<age::EncryptError>,
    },
    #[error("i/o error while encrypting or decrypting {what}")]
    Io { what: String, source: io::Error },
}

/// Asks the user for a passphrase; `None` when nobody can answer.
pub trait PassphrasePrompt {
    /// Asks for the passphrase of `path`.
    fn passphrase(&self, path: &Path) -> Option<SecretString>;
}

/// A prompt that never answers, for non-interactive use.
pub struct NoPrompt;

impl PassphrasePrompt for NoPrompt {
    fn passphrase(&self, _: &Path) -> Option<SecretString> {
        None
    }
}

/// A public key that can read a case: an age X25519 key or an SSH public key.
#[derive(Clone)]
pub enum Recipient {
    X25519(age::x25519::Recipient),
    Ssh {
        key: age::ssh::Recipient,
        text: String,
    },
}

impl Recipient {
    /// The key type as users see it: `age`, `ssh-ed25519` or `ssh-rsa`.
    pub fn key_type(&self) -> &'static str {
        match self {
            Recipient::X25519(_) => "age",
            Recipient::Ssh { text, .. } if text.starts_with("ssh-rsa") => "ssh-rsa",
            Recipient::Ssh { .. } => "ssh-ed25519",
        }
    }

    /// SSH recipients are linkable: anyone can tell which key a file was encrypted to.
    pub fn is_linkable(&self) -> bool {
        matches!(self, Recipient::Ssh { .. })
    }

    fn as_age(&self) -> &dyn age::Recipient {
        match self {
            Recipient::X25519(r) => r,
            Recipient::Ssh { key, .. } => key,
        }
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recipient::X25519(r) => write!(f, "{r}"),
            Recipient::Ssh { text, .. } => f.write_str(text),
        }
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({self})")
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl FromStr for Recipient {
    type Err = CryptoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let bad = |reason: &str| CryptoError::BadRecipient {
            text: text.chars().take(80).collect(),
            reason: reason.to_owned(),
        };
        if text.starts_with("age1") {
            return text
                .parse::<age::x25519::Recipient>()
                .map(Recipient::X25519)
                .map_err(bad);
        }
        if text.starts_with("ssh-ed25519 ") || text.starts_with("ssh-rsa ") {
            // Keep the type and key, drop the comment: comments often hold names.
            let canonical: String = text
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            return canonical
                .parse::<age::ssh::Recipient>()
                .map(|key| Recipient::Ssh {
                    key,
                    text: canonical.clone(),
                })
                .map_err(|_| {
                    bad("it is not a valid SSH public key (copy the whole line of the .pub file)")
                });
        }
        Err(bad(
            "expected an age key (age1…), or an ssh-ed25519 or ssh-rsa public key",
        ))
    }
}

/// One identity from the identity file, with the public key it answers to.
struct IdentityEntry {
    identity: Box<dyn age::Identity + Send + Sync>,
    public: String,
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

    fn as_age(&self) -> impl Iterator<Item = &dyn age::Identity> {
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

fn unlock_with_passphrase(
    path: &Path,
    data: &[u8],
    prompt: &dyn PassphrasePrompt,
) -> Result<Vec<u8>, CryptoError> {
    let bad = |reason: String| CryptoError::BadIdentity {
        path: path.to_owned(),
        reason,
    };
    let reader = age::armor::ArmoredReader::new(data);
    let decryptor = age::Decryptor::new(reader).map_err(|e| bad(e.to_string()))?;
    if !decryptor.is_scrypt() {
        return Err(bad("it is encrypted to a key, not a passphrase".into()));
    }
    let passphrase = prompt
        .passphrase(path)
        .ok_or_else(|| CryptoError::NoPassphrase {
            path: path.to_owned(),
        })?;
    let identity = age::scrypt::Identity::new(passphrase);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|_| CryptoError::WrongPassphrase {
            path: path.to_owned(),
        })?;
    let mut plain = Vec::new();
    reader
        .read_to_end(&mut plain)
        .map_err(|_| CryptoError::WrongPassphrase {
            path: path.to_owned(),
        })?;
    Ok(plain)
}

fn load_ssh_identity(
    path: &Path,
    data: &[u8],
    prompt: &dyn PassphrasePrompt,
) -> Result<IdentityEntry, CryptoError> {
    let bad = |reason: String| CryptoError::BadIdentity {
        path: path.to_owned(),
        reason,
    };
    let parsed = age::ssh::Identity::from_buffer(data, Some(path.display().to_string()))
        .map_err(|e| bad(e.to_string()))?;
    let public = ssh_public_key(path, data)?;
    let identity = match parsed {
        age::ssh::Identity::Unencrypted(_) => parsed,
        age::ssh::Identity::Encrypted(encrypted) => {
            let passphrase = prompt
                .passphrase(path)
                .ok_or_else(|| CryptoError::NoPassphrase {
                    path: path.to_owned(),
                })?;
            let key = encrypted
                .decrypt(passphrase)
                .map_err(|_| CryptoError::WrongPassphrase {
                    path: path.to_owned(),
                })?;
            age::ssh::Identity::from(key)
        }
        age::ssh::Identity::Unsupported(key) => {
            return Err(bad(format!(
                "unsupported SSH key ({key:?}); use ed25519 or rsa"
            )));
        }
    };
    Ok(IdentityEntry {
        identity: Box::new(identity),
        public,
    })
}

/// The public key of an OpenSSH private key file: read from the file's unencrypted header,
/// or from the `.pub` file beside it.
fn ssh_public_key(path: &Path, data: &[u8]) -> Result<String, CryptoError> {
    if let Some(public) = openssh_embedded_public(data) {
        return Ok(public);
    }
    let mut pub_path = path.as_os_str().to_owned();
    pub_path.push(".pub");
    let text =
        fs_err::read_to_string(PathBuf::from(pub_path)).map_err(|_| CryptoError::BadIdentity {
            path: path.to_owned(),
            reason: "cannot find its public key: put the `.pub` file beside it".into(),
        })?;
    let recipient: Recipient = text.parse()?;
    Ok(recipient.to_string())
}

fn openssh_embedded_public(data: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(data).ok()?;
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()?;
    let mut rest = raw.strip_prefix(b"openssh-key-v1\0".as_slice())?;
    let mut field = || -> Option<&[u8]> {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let value = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some(value)
    };
    let (_cipher, _kdf, _kdf_options) = (field()?, field()?, field()?);
    // A u32 key count sits between the KDF options and the first public key.
    let count = field_u32(&mut rest)?;
    if count < 1 {
        return None;
    }
    let len = field_u32(&mut rest)? as usize;
    let wire = rest.get(..len)?;
    let type_len = u32::from_be_bytes(wire.get(..4)?.try_into().ok()?) as usize;
    let key_type = std::str::from_utf8(wire.get(4..4 + type_len)?).ok()?;
    Some(format!(
        "{key_type} {}",
        base64::engine::general_purpose::STANDARD.encode(wire)
    ))
}

fn field_u32(rest: &mut &[u8]) -> Option<u32> {
    let n = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?);
    *rest = &rest[4..];
    Some(n)
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

/// Encrypts an identity file with a passphrase (age scrypt, ASCII-armored).
pub fn protect_with_passphrase(
    file: &SecretString,
    passphrase: SecretString,
) -> Result<Vec<u8>, CryptoError> {
    let what = || "the identity file".to_owned();
    let encryptor = age::Encryptor::with_user_passphrase(passphrase);
    let mut out = Vec::new();
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|source| CryptoError::Io {
            what: what(),
            source,
        })?;
    let mut writer = encryptor
        .wrap_output(armored)
        .map_err(|source| CryptoError::Io {
            what: what(),
            source,
        })?;
    writer
        .write_all(file.expose_secret().as_bytes())
        .and_then(|_| writer.finish())
        .and_then(|armored| armored.finish())
        .map_err(|source| CryptoError::Io {
            what: what(),
            source,
        })?;
    Ok(out)
}

/// Parses a recipients file: one key per line, `#` comment lines carry labels.
pub fn parse_recipients(text: &str) -> Result<Vec<(Recipient, Option<String>)>, CryptoError> {
    let mut out = Vec::new();
    let mut label: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            label = Some(comment.trim().to_owned()).filter(|l| !l.is_empty());
            continue;
        }
        out.push((line.parse()?, label.take()));
    }
    Ok(out)
}

/// Renders a recipients file from keys and labels.
pub fn render_recipients(recipients: &[(Recipient, Option<String>)]) -> String {
    let mut out = String::from(
        "# Public keys that can read this case (iepcase share / unshare keep this file).\n\n",
    );
    for (recipient, label) in recipients {
        if let Some(label) = label {
            out.push_str(&format!("# {}\n", label.replace('\n', " ")));
        }
        out.push_str(&format!("{recipient}\n"));
    }
    out
}

/// A case's own key: decrypts everything in the case.
#[derive(Clone)]
pub struct CaseKey {
    identity: age::x25519::Identity,
    recipient: age::x25519::Recipient,
    mac_key: [u8; 32],
    /// See [`CaseKey::fingerprint`].
    fingerprint: String,
    /// Keys this one replaced: old files in history stay readable to current members.
    previous: Vec<age::x25519::Identity>,
}

impl CaseKey {
    /// A fresh case key.
    pub fn generate() -> CaseKey {
        Self::from_identity(age::x25519::Identity::generate())
    }

    fn from_identity(identity: age::x25519::Identity) -> CaseKey {
        let recipient = identity.to_public();
        // The attachment-name key is derived from the case key, so names change on rotation.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(identity.to_string().expose_secret().as_bytes())
                .expect("HMAC accepts keys of any length");
        mac.update(b"iepcase attachment names v1");
        let mac_key = mac.finalize().into_bytes().into();
        let mut key = CaseKey {
            identity,
            recipient,
            mac_key,
            fingerprint: String::new(),
            previous: Vec::new(),
        };
        key.fingerprint = hex::encode(&key.derive(b"iepcase case key id v2")[..16]);
        key
    }

    /// A new key that replaces this one, keeping it (and the keys it replaced) for reading
    /// history.
    pub fn successor(&self) -> CaseKey {
        let mut next = CaseKey::generate();
        next.previous.push(copy_identity(&self.identity));
        next.previous
            .extend(self.previous.iter().map(copy_identity));
        next
    }

    /// This key, also able to read what `other` (and the keys it replaced) encrypted.
    pub fn with_history_of(&self, other: &CaseKey) -> CaseKey {
        let mut key = Self::from_identity(copy_identity(&self.identity));
        key.previous = self.previous.iter().map(copy_identity).collect();
        for old in std::iter::once(&other.identity).chain(&other.previous) {
            let known = std::iter::once(&key.identity)
                .chain(&key.previous)
                .any(|k| k.to_public().to_string() == old.to_public().to_string());
            if !known {
                key.previous.push(copy_identity(old));
            }
        }
        key
    }

    /// The current key first, then the ones it replaced.
    fn identities(&self) -> impl Iterator<Item = &dyn age::Identity> {
        std::iter::once(&self.identity as &dyn age::Identity)
            .chain(self.previous.iter().map(|k| k as &dyn age::Identity))
    }

    /// Whether `other` is the same key.
    pub fn same_as(&self, other: &CaseKey) -> bool {
        self.recipient.to_string() == other.recipient.to_string()
    }

    /// Wraps this key for every member: the content of `.iepcase/case-key.age`.
    pub fn wrap(&self, members: &[Recipient]) -> Result<Vec<u8>, CryptoError> {
        let mut secret = format!(
            "# iepcase case key: decrypts every file of this case\n{}\n",
            self.identity.to_string().expose_secret()
        );
        if !self.previous.is_empty() {
            secret.push_str("# earlier case keys, for files in the case's history\n");
            for old in &self.previous {
                secret.push_str(&format!("{}\n", old.to_string().expose_secret()));
            }
        }
        let recipients: Vec<&dyn age::Recipient> = members.iter().map(Recipient::as_age).collect();
        encrypt_to(recipients, secret.as_bytes(), "the case key")
    }

    /// Unwraps `.iepcase/case-key.age` with the user's identities.
    pub fn unwrap(wrapped: &[u8], identities: &Identities) -> Result<CaseKey, CryptoError> {
        let plain =
            decrypt_with(wrapped, identities.as_age(), "the case key").map_err(|e| match e {
                CryptoError::Decrypt { ref reason, .. } if reason == NO_MATCHING_KEY => {
                    CryptoError::NotAMember {
                        public_keys: identities.public_keys(),
                    }
                }
                other => other,
            })?;
        let text = String::from_utf8(plain).map_err(|_| CryptoError::Decrypt {
            what: "the case key".into(),
            reason: "it does not hold a key".into(),
        })?;
        let bad = || CryptoError::Decrypt {
            what: "the case key".into(),
            reason: "it does not hold an age identity".into(),
        };
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.parse::<age::x25519::Identity>().map_err(|_| bad()));
        let mut key = Self::from_identity(keys.next().ok_or_else(bad)??);
        key.previous = keys.collect::<Result<_, _>>()?;
        Ok(key)
    }

    /// Encrypts a file of this case.
    pub fn encrypt(&self, plaintext: &[u8], what: &str) -> Result<Vec<u8>, CryptoError> {
        encrypt_to(
            vec![&self.recipient as &dyn age::Recipient],
            plaintext,
            what,
        )
    }

    /// Encrypts a stream into `out`, for large attachments.
    pub fn encrypt_stream(
        &self,
        input: &mut dyn Read,
        out: &mut dyn Write,
        what: &str,
    ) -> Result<(), CryptoError> {
        let io_err = |source| CryptoError::Io {
            what: what.to_owned(),
            source,
        };
        let encryptor = age::Encryptor::with_recipients(std::iter::once(
            &self.recipient as &dyn age::Recipient,
        ))
        .map_err(|source| CryptoError::Encrypt {
            what: what.to_owned(),
            source: Box::new(source),
        })?;
        let mut writer = encryptor.wrap_output(out).map_err(io_err)?;
        io::copy(input, &mut writer).map_err(io_err)?;
        writer.finish().map_err(io_err)?;
        Ok(())
    }

    /// Decrypts a file of this case; `what` names it in errors (`record k3f9a2bq7x`).
    pub fn decrypt(&self, ciphertext: &[u8], what: &str) -> Result<Vec<u8>, CryptoError> {
        decrypt_with(ciphertext, self.identities(), what)
    }

    /// Decrypts a stream, for large attachments.
    pub fn decrypt_stream<'a>(
        &self,
        ciphertext: &'a [u8],
        what: &str,
    ) -> Result<impl Read + 'a, CryptoError> {
        self.decrypt_reader(ciphertext, what)
    }

    /// Decrypts from a reader, in bounded memory (an attachment streamed out of git).
    pub fn decrypt_reader<'a, R: BufRead + 'a>(
        &self,
        ciphertext: R,
        what: &str,
    ) -> Result<impl Read + 'a, CryptoError> {
        let fail = |reason: String| CryptoError::Decrypt {
            what: what.to_owned(),
            reason,
        };
        let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(|e| fail(describe(&e)))?;
        decryptor
            .decrypt(self.identities())
            .map_err(|e| fail(describe(&e)))
    }

    /// Whether this key's current identity (not an earlier one) opens the age file that
    /// `ciphertext` starts with: files at the head of a case must be encrypted to the
    /// current key. Only the header is read.
    pub fn opens_with_current(&self, ciphertext: impl BufRead) -> bool {
        age::Decryptor::new_buffered(ciphertext)
            .and_then(|d| d.decrypt(std::iter::once(&self.identity as &dyn age::Identity)))
            .is_ok()
    }

    /// A short, stable name for this key that reveals nothing about it: 32 hex characters
    /// of a MAC keyed with the secret key. Members pin it; manifests name their key by it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The MAC that authenticates a manifest made with this key.
    pub fn auth_mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.derive(b"iepcase case authentication v2"))
            .expect("HMAC accepts 32-byte keys")
    }

    /// Proof, made with this key, that the key named `next` succeeds it (a rotation).
    pub fn successor_proof(&self, next: &str) -> String {
        let mut mac = self.auth_mac();
        mac.update(b"iepcase successor v2\n");
        mac.update(self.fingerprint().as_bytes());
        mac.update(b"\n");
        mac.update(next.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `proof` is this key's proof that the key named `next` succeeds it.
    pub fn check_successor_proof(&self, next: &str, proof: &str) -> bool {
        let Ok(proof) = hex::decode(proof) else {
            return false;
        };
        let mut mac = self.auth_mac();
        mac.update(b"iepcase successor v2\n");
        mac.update(self.fingerprint().as_bytes());
        mac.update(b"\n");
        mac.update(next.as_bytes());
        mac.verify_slice(&proof).is_ok()
    }

    /// This key and every key it replaced, each on its own (newest first).
    pub fn chain(&self) -> Vec<CaseKey> {
        std::iter::once(&self.identity)
            .chain(&self.previous)
            .map(|identity| CaseKey::from_identity(copy_identity(identity)))
            .collect()
    }

    /// Whether this key is, or replaced, the key with fingerprint `fingerprint`.
    pub fn knows(&self, fingerprint: &str) -> bool {
        self.chain().iter().any(|k| k.fingerprint == fingerprint)
    }

    fn derive(&self, label: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(
            self.identity.to_string().expose_secret().as_bytes(),
        )
        .expect("HMAC accepts keys of any length");
        mac.update(label);
        mac.finalize().into_bytes().into()
    }

    /// Seals data that stays on this machine (the caches) under a key derived from the case
    /// key, with XChaCha20-Poly1305 and a random nonce: symmetric, so reading many small
    /// cache files costs no public-key operation each.
    pub fn seal_local(&self, plain: &[u8]) -> Vec<u8> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.derive(LOCAL_LABEL).into());
        let nonce: [u8; 24] = rand::random();
        let sealed = cipher
            .encrypt(&nonce.into(), plain)
            .expect("XChaCha20-Poly1305 seals any length this program holds in memory");
        let mut out = Vec::with_capacity(LOCAL_MAGIC.len() + nonce.len() + sealed.len());
        out.extend_from_slice(LOCAL_MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`seal_local`](Self::seal_local) sealed with this key; `None` when it was
    /// sealed with another key, or changed.
    pub fn open_local(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let rest = sealed.strip_prefix(LOCAL_MAGIC)?;
        let (nonce, ciphertext) = rest.split_at_checked(24)?;
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.derive(LOCAL_LABEL).into());
        cipher.decrypt(&nonce.into(), ciphertext).ok()
    }

    /// The keyed name of an attachment's plaintext, so equal files dedupe without showing it.
    pub fn attachment_mac(&self) -> AttachmentMac {
        AttachmentMac {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
                .expect("HMAC accepts 32-byte keys"),
            sha: Sha256::new(),
        }
    }
}

/// What local sealed files start with, and the label their key is derived under.
const LOCAL_MAGIC: &[u8] = b"iepcase-local 1\n";
const LOCAL_LABEL: &[u8] = b"iepcase local cache v1";

fn copy_identity(identity: &age::x25519::Identity) -> age::x25519::Identity {
    identity
        .to_string()
        .expose_secret()
        .parse()
        .expect("an identity's own text parses back")
}

/// Computes an attachment's keyed name and its SHA-256 in one pass.
pub struct AttachmentMac {
    mac: Hmac<Sha256>,
    sha: Sha256,
}

impl AttachmentMac {
    /// Feeds plaintext.
    pub fn update(&mut self, data: &[u8]) {
        self.mac.update(data);
        self.sha.update(data);
    }

    /// `(keyed name, sha256)`, both lowercase hex.
    pub fn finish(self) -> (String, String) {
        (
            hex::encode(self.mac.finalize().into_bytes()),
            hex::encode(self.sha.finalize()),
        )
    }
}

/// Passes bytes through to a writer while hashing them.
pub struct Sha256Writer<W> {
    inner: W,
    sha: Sha256,
}

impl<W: Write> Sha256Writer<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Sha256Writer {
            inner,
            sha: Sha256::new(),
        }
    }

    /// The SHA-256 of everything written, lowercase hex.
    pub fn finish(self) -> String {
        hex::encode(self.sha.finalize())
    }
}

impl<W: Write> Write for Sha256Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 of `data`, lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

const NO_MATCHING_KEY: &str = "none of your keys can open it";

fn describe(error: &age::DecryptError) -> String {
    match error {
        age::DecryptError::NoMatchingKeys => NO_MATCHING_KEY.into(),
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            "it is not an intact age file (truncated or altered)".into()
        }
        age::DecryptError::InvalidMac | age::DecryptError::DecryptionFailed => {
            "its contents fail authentication (altered or corrupted)".into()
        }
        age::DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            "it ends early (truncated)".into()
        }
        other => other.to_string(),
    }
}

fn encrypt_to(
    recipients: Vec<&dyn age::Recipient>,
    plaintext: &[u8],
    what: &str,
) -> Result<Vec<u8>, CryptoError> {
    let encryptor = age::Encryptor::with_recipients(recipients.into_iter()).map_err(|source| {
        CryptoError::Encrypt {
            what: what.to_owned(),
            source: Box::new(source),
        }
    })?;
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let io_err = |source| CryptoError::Io {
        what: what.to_owned(),
        source,
    };
    let mut writer = encryptor.wrap_output(&mut out).map_err(io_err)?;
    writer.write_all(plaintext).map_err(io_err)?;
    writer.finish().map_err(io_err)?;
    Ok(out)
}

fn decrypt_with<'a>(
    ciphertext: &[u8],
    identities: impl Iterator<Item = &'a dyn age::Identity>,
    what: &str,
) -> Result<Vec<u8>, CryptoError> {
    let fail = |reason: String| CryptoError::Decrypt {
        what: what.to_owned(),
        reason,
    };
    let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(|e| fail(describe(&e)))?;
    let mut reader = decryptor
        .decrypt(identities)
        .map_err(|e| fail(describe(&e)))?;
    let mut plain = Vec::with_capacity(ciphertext.len());
    reader.read_to_end(&mut plain).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            fail("it ends early (truncated)".into())
        } else {
            fail("its contents fail authentication (altered or corrupted)".into())
        }
    })?;
    Ok(plain)
}

/// The recipient stanzas in an age file's header: `(type, tag)` per stanza, for checking
/// that a wrapped case key matches the recipients file.
pub fn header_stanzas(ciphertext: &[u8]) -> Option<Vec<(String, Option<String>)>> {
    let mut lines = io::BufReader::new(ciphertext).split(b'\n');
    if lines.next()?.ok()? != b"age-encryption.org/v1" {
        return None;
    }
    let mut stanzas = Vec::new();
    for line in lines {
        let line = line.ok()?;
        if line.starts_with(b"---") {
            return Some(stanzas);
        }
        if let Some(rest) = line.strip_prefix(b"-> ") {
            let rest = std::str::from_utf8(rest).ok()?;
            let mut parts = rest.split(' ');
            let kind = parts.next()?.to_owned();
            // age adds random "grease" stanzas; only real recipient types count.
            if kind != "X25519" && !kind.starts_with("ssh-") {
                continue;
            }
            let tag = kind
                .starts_with("ssh-")
                .then(|| parts.next().map(String::from))
                .flatten();
            stanzas.push((kind, tag));
        }
    }
    None
}

/// The stanza tag age writes for an SSH recipient, to match stanzas to keys.
pub fn ssh_stanza_tag(recipient: &Recipient) -> Option<String> {
    let Recipient::Ssh { text, .. } = recipient else {
        return None;
    };
    let wire = base64::engine::general_purpose::STANDARD
        .decode(text.split(' ').nth(1)?)
        .ok()?;
    let digest = Sha256::digest(&wire);
    Some(base64::engine::general_purpose::STANDARD_NO_PAD.encode(&digest[..4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identities_from(text: &str) -> Identities {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("id.txt");
        std::fs::write(&path, text).unwrap();
        Identities::load(&path, &NoPrompt).unwrap()
    }

    #[test]
    fn case_key_round_trip_and_membership() {
        let alice = generate_identity("2026-01-01T00:00:00Z");
        let bob = generate_identity("2026-01-01T00:00:00Z");
        let alice_ids = identities_from(alice.file.expose_secret());
        let bob_ids = identities_from(bob.file.expose_secret());
        assert_eq!(alice_ids.primary_public(), alice.public);

        let key = CaseKey::generate();
        let wrapped = key.wrap(&[alice.public.parse().unwrap()]).unwrap();
        let unwrapped = CaseKey::unwrap(&wrapped, &alice_ids).unwrap();
        let secret = unwrapped.encrypt(b"child record", "record x").unwrap();
        assert_eq!(key.decrypt(&secret, "record x").unwrap(), b"child record");

        match CaseKey::unwrap(&wrapped, &bob_ids) {
            Err(CryptoError::NotAMember { public_keys }) => assert_eq!(public_keys, [bob.public]),
            other => panic!("expected NotAMember, got {:?}", other.err()),
        }
    }

    #[test]
    fn tampering_and_truncation_are_reported() {
        let key = CaseKey::generate();
        let mut secret = key.encrypt(&[7u8; 5000], "record x").unwrap();
        let len = secret.len();
        secret[len - 10] ^= 1;
        let err = key.decrypt(&secret, "record x").unwrap_err().to_string();
        assert!(
            err.contains("record x") && err.contains("authentication"),
            "{err}"
        );
        let err = key
            .decrypt(&secret[..40], "record x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("truncated") || err.contains("intact"), "{err}");
    }

    #[test]
    fn attachment_names_are_keyed() {
        let a = CaseKey::generate();
        let b = CaseKey::generate();
        let name = |k: &CaseKey| {
            let mut mac = k.attachment_mac();
            mac.update(b"same file");
            mac.finish()
        };
        let (name_a, sha_a) = name(&a);
        let (name_b, sha_b) = name(&b);
        assert_ne!(name_a, name_b, "names depend on the case key");
        assert_eq!(sha_a, sha_b);
        assert_eq!(sha_a, sha256_hex(b"same file"));
    }

    #[test]
    fn passphrase_identity_unlocks_once_with_the_right_passphrase() {
        struct Fixed(&'static str);
        impl PassphrasePrompt for Fixed {
            fn passphrase(&self, _: &Path) -> Option<SecretString> {
                Some(SecretString::from(self.0.to_owned()))
            }
        }
        let id = generate_identity("now");
        let protected =
            protect_with_passphrase(&id.file, SecretString::from("hunter2".to_owned())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("id.age");
        std::fs::write(&path, &protected).unwrap();
        let ids = Identities::load(&path, &Fixed("hunter2")).unwrap();
        assert_eq!(ids.primary_public(), id.public);
        assert!(matches!(
            Identities::load(&path, &Fixed("wrong")),
            Err(CryptoError::WrongPassphrase { .. })
        ));
        assert!(matches!(
            Identities::load(&path, &NoPrompt),
            Err(CryptoError::NoPassphrase { .. })
        ));
    }

    #[test]
    fn recipients_file_round_trips_with_labels() {
        let a = generate_identity("now").public;
        let ssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@laptop";
        let list = vec![
            (
                a.parse::<Recipient>().unwrap(),
                Some("Pat (advocate)".to_owned()),
            ),
            (ssh.parse::<Recipient>().unwrap(), None),
        ];
        let text = render_recipients(&list);
        assert!(!text.contains("alice@laptop"), "ssh comments are dropped");
        let back = parse_recipients(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].1.as_deref(), Some("Pat (advocate)"));
        assert!(back[1].0.is_linkable());
        assert!("nonsense".parse::<Recipient>().is_err());
    }

    #[test]
    fn header_stanzas_name_recipient_types() {
        let ssh: Recipient =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN"
                .parse()
                .unwrap();
        let age_key: Recipient = generate_identity("now").public.parse().unwrap();
        let wrapped = CaseKey::generate().wrap(&[age_key, ssh.clone()]).unwrap();
        let stanzas = header_stanzas(&wrapped).unwrap();
        assert_eq!(stanzas.len(), 2);
        assert_eq!(stanzas[0].0, "X25519");
        assert_eq!(stanzas[1].0, "ssh-ed25519");
        assert_eq!(stanzas[1].1, ssh_stanza_tag(&ssh));
    }
}

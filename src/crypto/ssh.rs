//! OpenSSH private keys (ed25519, rsa) as identities, and the stanza tags age writes for SSH
//! recipients.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::CryptoError;
use super::identity::IdentityEntry;
use super::passphrase::PassphrasePrompt;
use super::recipient::Recipient;

/// Loads an OpenSSH private key, asking `prompt` for its passphrase if it has one.
pub(super) fn load_ssh_identity(
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

//! age files: encryption to recipients, decryption with identities, the wording of what went
//! wrong, and reading which recipients a file's header names.

use std::io::{self, BufRead, Read, Write};

use super::CryptoError;

/// The reason [`describe`] gives when no identity opens a file.
pub(super) const NO_MATCHING_KEY: &str = "none of your keys can open it";

/// Words an age decryption error for a user: what happened to the file, not age's jargon.
pub(super) fn describe(error: &age::DecryptError) -> String {
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

/// Encrypts `plaintext` to `recipients`; `what` names the file in errors.
pub(super) fn encrypt_to(
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

/// Decrypts `ciphertext` with the first of `identities` that opens it; `what` names the file
/// in errors.
pub(super) fn decrypt_with<'a>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{CaseKey, Recipient, generate_identity, ssh_stanza_tag};

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

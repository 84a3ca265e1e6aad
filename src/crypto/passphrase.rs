//! Passphrases: the prompt the caller supplies, and identity files protected by a passphrase
//! (age scrypt, ASCII-armored).

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};

use super::CryptoError;

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

/// Decrypts a passphrase-protected identity file, asking `prompt` for the passphrase.
pub(super) fn unlock_with_passphrase(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Identities, generate_identity};

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
}

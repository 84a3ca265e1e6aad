//! The case key: an age X25519 identity of the case's own, wrapped for every member in
//! `.iepcase/case-key.age`. It encrypts and decrypts the case's files, names itself by a
//! fingerprint, proves its successor on rotation, keys attachment names and seals local caches.

use std::io::{self, BufRead, Read, Write};

use age::secrecy::ExposeSecret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::CryptoError;
use super::age_file::{NO_MATCHING_KEY, decrypt_with, describe, encrypt_to};
use super::identity::Identities;
use super::mac::AttachmentMac;
use super::recipient::Recipient;

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

    /// Whether `ciphertext` is an age file sealed to an other key than the current one (an
    /// earlier case key): `false` for the current key, and for a file too damaged to tell
    /// (cut short, garbled), which is a problem of its own.
    pub fn sealed_to_other_key(&self, ciphertext: impl BufRead) -> bool {
        matches!(
            age::Decryptor::new_buffered(ciphertext)
                .and_then(|d| d.decrypt(std::iter::once(&self.identity as &dyn age::Identity))),
            Err(age::DecryptError::NoMatchingKeys)
        )
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

    /// Opens in place what [`seal_local`](Self::seal_local) sealed, without copying it: the
    /// plaintext is `sealed[range]` afterwards. `None` as for [`open_local`](Self::open_local).
    pub fn open_local_in_place(&self, sealed: &mut [u8]) -> Option<std::ops::Range<usize>> {
        use chacha20poly1305::aead::{AeadInPlace, KeyInit};
        const TAG: usize = 16;
        let header = LOCAL_MAGIC.len() + 24;
        if !sealed.starts_with(LOCAL_MAGIC) || sealed.len() < header + TAG {
            return None;
        }
        let nonce: [u8; 24] = sealed[LOCAL_MAGIC.len()..header].try_into().ok()?;
        let end = sealed.len() - TAG;
        let (body, tag) = sealed[header..].split_at_mut(end - header);
        let tag = chacha20poly1305::Tag::clone_from_slice(tag);
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(&self.derive(LOCAL_LABEL).into());
        cipher
            .decrypt_in_place_detached(&nonce.into(), b"", body, &tag)
            .ok()?;
        Some(header..end)
    }

    /// The keyed name of an attachment's plaintext, so equal files dedupe without showing it.
    pub fn attachment_mac(&self) -> AttachmentMac {
        AttachmentMac::new(&self.mac_key)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{CryptoError, NoPrompt, generate_identity};

    fn identities_from(text: &str) -> Identities {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("id.txt");
        std::fs::write(&path, text).unwrap();
        Identities::load(&path, &NoPrompt).unwrap()
    }

    #[test]
    fn a_sealed_file_opens_in_place_as_it_opens_by_copy_and_not_at_all_when_changed() {
        let key = CaseKey::generate();
        let plain = b"kept text about the child".repeat(100);
        let sealed = key.seal_local(&plain);
        let mut buffer = sealed.clone();
        let range = key.open_local_in_place(&mut buffer).expect("opens");
        assert_eq!(&buffer[range], &plain[..]);
        assert_eq!(key.open_local(&sealed).as_deref(), Some(&plain[..]));

        for at in [0, 20, sealed.len() / 2, sealed.len() - 1] {
            let mut changed = sealed.clone();
            changed[at] ^= 1;
            assert_eq!(
                key.open_local_in_place(&mut changed),
                None,
                "byte {at} changed"
            );
        }
        assert_eq!(key.open_local_in_place(&mut sealed[..30].to_vec()), None);
        let other = CaseKey::generate();
        assert_eq!(other.open_local_in_place(&mut sealed.clone()), None);
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
    fn only_a_file_sealed_to_another_key_counts_as_an_earlier_key() {
        let key = CaseKey::generate();
        let other = CaseKey::generate();
        let mine = key.encrypt(b"case details", "case").unwrap();
        let theirs = other.encrypt(b"case details", "case").unwrap();
        assert!(!key.sealed_to_other_key(&mine[..]));
        assert!(key.sealed_to_other_key(&theirs[..]));
        // Cut inside its header, a file cannot say whose it is: it is damaged, not old.
        assert!(!key.sealed_to_other_key(&theirs[..40]));
        assert!(!key.sealed_to_other_key(&b"garbage"[..]));
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
}

//! Keyed attachment names: a MAC of an attachment's plaintext under a key derived from the
//! case key, so equal files dedupe without the name revealing the content.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Computes an attachment's keyed name and its SHA-256 in one pass.
pub struct AttachmentMac {
    mac: Hmac<Sha256>,
    sha: Sha256,
}

impl AttachmentMac {
    /// Starts a name keyed with `key`, the case key's attachment-name key.
    pub(super) fn new(key: &[u8; 32]) -> Self {
        AttachmentMac {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts 32-byte keys"),
            sha: Sha256::new(),
        }
    }

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

#[cfg(test)]
mod tests {
    use crate::crypto::{CaseKey, sha256_hex};

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
}

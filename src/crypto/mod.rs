//! Keys and encryption: members' identities and recipients, the per-case key, and the age
//! encryption of every file in a case.
//!
//! Two levels (SPEC section 2): a member's identity (age X25519, or an OpenSSH ed25519/rsa key)
//! only unwraps `.iepcase/case-key.age`; the case key, an age X25519 identity of its own,
//! decrypts records, case metadata and attachments. This module never touches git or prints;
//! prompting for a passphrase is the caller's job, through [`PassphrasePrompt`].
//!
//! | file | holds |
//! |---|---|
//! | `identity.rs` | a member's identity file: loading it, generating a new one |
//! | `passphrase.rs` | passphrase prompts, and identity files protected by a passphrase |
//! | `ssh.rs` | OpenSSH private keys as identities, SSH stanza tags |
//! | `recipient.rs` | public keys that can read a case, and the `.iepcase/recipients` file |
//! | `case_key.rs` | the case key: wrapping, encryption, fingerprints, successor proofs, local sealing |
//! | `age_file.rs` | age encryption and decryption, error wording, header inspection |
//! | `mac.rs` | keyed attachment names |
//! | `hash.rs` | SHA-256 helpers |

use std::io;
use std::path::PathBuf;

pub(crate) mod advice;
mod age_file;
mod case_key;
mod hash;
mod identity;
mod mac;
mod passphrase;
mod recipient;
mod ssh;

pub use age_file::header_stanzas;
pub use case_key::CaseKey;
pub use hash::{Sha256Writer, sha256_hex};
pub use identity::{Identities, NewIdentity, generate_identity};
pub use mac::AttachmentMac;
pub use passphrase::{NoPrompt, PassphrasePrompt, protect_with_passphrase};
pub use recipient::{Recipient, parse_recipients, render_recipients};
pub use ssh::ssh_stanza_tag;

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

//! What the command line hands the library for talking to remotes: the home folder's SSH
//! keys and known hosts, a key named by `IEPCASE_SSH_KEY`, git's `http.sslCAInfo` (libgit2
//! does not read it), and a terminal prompt for key passphrases.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use iepcase::crypto::PassphrasePrompt;
use iepcase::sync::Access;

use super::super::error::CliError;

/// Asks for SSH key passphrases: `IEPCASE_SSH_PASSPHRASE` for scripts, else the terminal.
pub struct SshKeyPrompt;

impl PassphrasePrompt for SshKeyPrompt {
    fn passphrase(&self, key: &Path) -> Option<SecretString> {
        if let Ok(p) = std::env::var("IEPCASE_SSH_PASSPHRASE") {
            return Some(SecretString::from(p));
        }
        rpassword::prompt_password(format!("Passphrase for SSH key {}: ", key.display()))
            .ok()
            .filter(|p| !p.is_empty())
            .map(SecretString::from)
    }
}

static PROMPT: SshKeyPrompt = SshKeyPrompt;

/// The access for this run. Call it before cases sync in parallel: it sets the process's
/// trusted certificate authorities.
pub fn access() -> Result<Access<'static>, CliError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let extra_keys: Vec<PathBuf> = std::env::var_os("IEPCASE_SSH_KEY")
        .filter(|k| !k.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .collect();
    let agent = std::env::var_os("SSH_AUTH_SOCK").is_some_and(|s| !s.is_empty());
    Ok(Access::new(
        home.as_deref(),
        agent,
        extra_keys,
        ca_file(),
        &PROMPT,
    )?)
}

/// The CA file git uses for HTTPS: `GIT_SSL_CAINFO`, else `http.sslCAInfo`.
fn ca_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GIT_SSL_CAINFO").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    iepcase::git::ssl_ca_info()
}

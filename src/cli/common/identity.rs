//! Writing a new identity file (`init`, `keys new`, `demo`).

use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};

use super::super::context::Ctx;
use super::super::error::CliError;

/// Writes a fresh identity to `path` (mode 0600, folder 0700) and returns its public key.
pub fn write_identity(ctx: &Ctx, path: &Path, passphrase: bool) -> Result<String, CliError> {
    let identity = iepcase::crypto::generate_identity(&ctx.now.to_string());
    let content = if passphrase {
        let secret = ask_new_passphrase()?;
        iepcase::crypto::protect_with_passphrase(&identity.file, secret)?
    } else {
        identity.file.expose_secret().as_bytes().to_vec()
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.exists()) {
        fs_err::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    iepcase::atomic::write(path, &content, Some(0o600))
        .map_err(|e| CliError::user(format!("cannot write {}: {e}", path.display())))?;
    Ok(identity.public)
}

fn ask_new_passphrase() -> Result<SecretString, CliError> {
    if let Ok(p) = std::env::var("IEPCASE_PASSPHRASE") {
        if p.is_empty() {
            return Err(CliError::user("IEPCASE_PASSPHRASE is empty"));
        }
        return Ok(SecretString::from(p));
    }
    let no_tty = |e: std::io::Error| {
        CliError::user(format!("cannot ask for a passphrase: {e}"))
            .hint("run in a terminal, or set IEPCASE_PASSPHRASE for scripts")
    };
    let first = rpassword::prompt_password("New passphrase: ").map_err(no_tty)?;
    if first.is_empty() {
        return Err(CliError::user(
            "the passphrase is empty; nothing was written",
        ));
    }
    let second = rpassword::prompt_password("Repeat it: ").map_err(no_tty)?;
    if first != second {
        return Err(CliError::user(
            "the passphrases differ; nothing was written",
        ));
    }
    Ok(SecretString::from(first))
}

//! `iepcase keys new|show`: make an identity, print your public key.

use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use clap::{Args, Subcommand};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a new identity and print its public key
    New(NewKeyArgs),
    /// Print your public key
    Show,
}

#[derive(Debug, Args)]
pub struct NewKeyArgs {
    /// Protect the identity with a passphrase (asked once per command)
    #[arg(long)]
    pub passphrase: bool,
    /// Where to write it (default: the identity path in use)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, command: KeysCommand) -> Result<(), CliError> {
    match command {
        KeysCommand::New(args) => {
            let path = args
                .out
                .as_deref()
                .map_or_else(|| ctx.identity_path(), |p| ctx.absolute(p));
            if path.exists() {
                return Err(CliError::user(format!("{} already exists", path.display()))
                    .hint("an identity is never overwritten; pass `--out FILE` to write a new one elsewhere"));
            }
            let public = write_identity(ctx, &path, args.passphrase)?;
            ctx.ui
                .status(&format!("Created identity {}", path.display()));
            ctx.ui
                .warn("back this file up somewhere safe: without it you cannot open your cases");
            ctx.ui.line(&public)
        }
        KeysCommand::Show => {
            let ids = ctx.identities()?;
            ctx.ui.status(&format!("Identity {}", ids.path().display()));
            if ctx.ui.json {
                return ctx.ui.json(&iepcase::json::KeysJson {
                    identity: ids.path().display().to_string(),
                    public_keys: ids.public_keys(),
                });
            }
            for key in ids.public_keys() {
                ctx.ui.line(&key)?;
            }
            Ok(())
        }
    }
}

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

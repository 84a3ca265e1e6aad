//! `iepcase keys new|show`: make an identity, print your public key.

use std::path::PathBuf;

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
            let passphrase = args
                .passphrase
                .then(crate::cli::common::identity::ask_new_passphrase)
                .transpose()?;
            let public =
                iepcase::ops::keys::write_identity(&path, &ctx.now.to_string(), passphrase)?;
            ctx.ui.notices(&iepcase::ops::keys::written_notices(&path));
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

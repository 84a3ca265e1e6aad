//! `iepcase remote add|list|remove|trust`: the private git remotes of a case.

mod all;
mod trust;

use clap::Subcommand;
use iepcase::ops::remotes;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Add a remote: a private git repository (ssh, https or a local path)
    Add {
        /// A short name, such as origin
        name: String,
        /// Where it is: git@host:me/case-2026-01.git, https://host/me/case.git, /mnt/backup/case.git;
        /// with --all, a template where {slug} stands for each case's slug
        url: String,
        /// Add the remote to every case of the workspace, `{slug}` in URL naming each one
        #[arg(long)]
        all: bool,
    },
    /// List the remotes of the case
    List,
    /// Remove a remote (nothing on the remote is deleted)
    Remove {
        /// The remote's name
        name: String,
    },
    /// Trust an SSH server's host key, once you have compared its fingerprint
    Trust(trust::TrustArgs),
}

pub fn run(ctx: &Ctx, command: RemoteCommand) -> Result<(), CliError> {
    match command {
        RemoteCommand::Add {
            name,
            url,
            all: true,
        } => all::add(ctx, &name, &url),
        RemoteCommand::Add { name, url, .. } => add(ctx, &name, &url),
        RemoteCommand::List => list(ctx),
        RemoteCommand::Remove { name } => remove(ctx, &name),
        RemoteCommand::Trust(args) => trust::run(ctx, args),
    }
}

fn add(ctx: &Ctx, name: &str, url: &str) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let (url, notices) = iepcase::ops::remotes::stored_url(&ctx.cwd, url)?;
    ctx.ui.notices(&notices);
    case.add_remote(name, &url)?;
    ctx.ui
        .status(&format!("Added remote `{name}` to case `{}`", case.slug()));
    ctx.ui.hint("send the case there with `iepcase sync`");
    Ok(())
}

fn list(ctx: &Ctx) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let remotes = case.remotes()?;
    if ctx.ui.json {
        return ctx.ui.json(&remotes::list_json(&remotes));
    }
    if remotes.is_empty() {
        ctx.ui.notices(&remotes::no_remote_notices());
        return Ok(());
    }
    ctx.ui.out(&remotes::render_list(
        &remotes,
        ctx.ui.width(),
        ctx.ui.painter(),
    ))
}

fn remove(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    case.remove_remote(name)?;
    ctx.ui.status(&format!(
        "Removed remote `{name}` (the remote repository itself is untouched)"
    ));
    Ok(())
}

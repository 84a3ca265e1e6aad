//! `iepcase share`, `unshare`, `rotate` and `recipients [accept]`: who can read a case.

use clap::{Args, Subcommand};
use iepcase::crypto::Recipient;
use iepcase::ops;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ShareArgs {
    /// Their public key: age1…, or an ssh-ed25519 / ssh-rsa public key (quote it)
    pub recipient: String,
    /// A label for the recipients file, such as "co-advocate" (not encrypted: no child names)
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnshareArgs {
    /// The public key to remove (as `iepcase recipients` lists it)
    pub recipient: String,
}

#[derive(Debug, Args)]
pub struct RecipientsArgs {
    #[command(subcommand)]
    pub action: Option<RecipientsAction>,
}

#[derive(Debug, Subcommand)]
pub enum RecipientsAction {
    /// Accept the members that arrived from a remote, so iepcase may wrap keys to them
    Accept,
    /// Remove the members that arrived from a remote and are not accepted (a new case key)
    Reject,
}

fn parse_recipient(text: &str) -> Result<Recipient, CliError> {
    Ok(text.parse::<Recipient>()?)
}

pub fn share(ctx: &Ctx, args: ShareArgs) -> Result<(), CliError> {
    let recipient = parse_recipient(&args.recipient)?;
    let (case, lock) = ctx.open_case_locked("share")?;
    let context = ctx.commit_context()?;
    ops::members::share(&case, &lock, recipient.clone(), args.label, &context)?;
    ctx.ui
        .notices(&ops::members::shared_notices(case.slug(), &recipient));
    Ok(())
}

pub fn unshare(ctx: &Ctx, args: UnshareArgs) -> Result<(), CliError> {
    let recipient = parse_recipient(&args.recipient)?;
    let identities = ctx.identities()?;
    let (case, lock) = ctx.open_case_locked("unshare")?;
    let mut spinner = None;
    let context = ctx.commit_context()?;
    ops::members::unshare(
        &case,
        &lock,
        &recipient,
        identities,
        &context,
        &mut |files| {
            spinner = Some(reencrypting(ctx, case.slug(), files));
        },
    )?;
    if let Some(spinner) = spinner {
        spinner.finish();
    }
    ctx.ui
        .notices(&ops::members::unshared_notices(case.slug(), &recipient));
    Ok(())
}

pub fn rotate(ctx: &Ctx) -> Result<(), CliError> {
    let identities = ctx.identities()?;
    let (case, lock) = ctx.open_case_locked("rotate")?;
    let mut spinner = None;
    let context = ctx.commit_context()?;
    ops::members::rotate(&case, &lock, identities, &context, &mut |files| {
        spinner = Some(reencrypting(ctx, case.slug(), files));
    })?;
    if let Some(spinner) = spinner {
        spinner.finish();
    }
    ctx.ui.notices(&ops::members::rotated_notices(case.slug()));
    Ok(())
}

/// A spinner while the `files` of case `slug` are re-encrypted to a new key.
fn reencrypting(ctx: &Ctx, slug: &str, files: usize) -> super::ui::Progress {
    ctx.ui.spinner(&format!(
        "Re-encrypting {files} files of case `{slug}` to a new key"
    ))
}

pub fn recipients(ctx: &Ctx, args: RecipientsArgs) -> Result<(), CliError> {
    match args.action {
        Some(RecipientsAction::Reject) => reject(ctx),
        Some(RecipientsAction::Accept) => accept(ctx),
        None => list(ctx),
    }
}

fn reject(ctx: &Ctx) -> Result<(), CliError> {
    let identities = ctx.identities()?;
    let (case, lock) = ctx.open_case_locked("recipients reject")?;
    let removed = ops::members::reject(&case, &lock, identities, &ctx.commit_context()?)?;
    ctx.ui.notices(&ops::members::rejected_notices(&removed));
    Ok(())
}

fn accept(ctx: &Ctx) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("recipients accept")?;
    let accepted = ops::members::accept(&case, &lock)?;
    drop(lock);
    ctx.ui.notices(&ops::members::accepted_notices(&accepted));
    Ok(())
}

fn list(ctx: &Ctx) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let members = ops::members::members(&case, &ctx.identities()?.public_keys())?;
    if ctx.ui.json {
        return ctx.ui.json(&ops::members::json_rows(&members));
    }
    let width = ctx.ui.width();
    ctx.ui
        .out(&ops::members::render(&members, width, ctx.ui.painter()))?;
    ctx.ui.notices(&ops::members::pending_notices(&members));
    Ok(())
}

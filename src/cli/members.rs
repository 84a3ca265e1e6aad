//! `iepcase share`, `unshare`, `rotate` and `recipients [accept]`: who can read a case.

use clap::{Args, Subcommand};
use iepcase::crypto::Recipient;
use iepcase::json::MemberJson;
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
        .status(&format!("Shared case `{}` with {recipient}", case.slug()));
    if recipient.is_linkable() {
        ctx.ui
            .warn("an SSH key is linkable: anyone who has this public key can tell it is a member");
    }
    ctx.ui
        .hint("push it with `iepcase sync`; they can then `iepcase clone URL`");
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
    ctx.ui.status(&format!(
        "Removed {recipient} from case `{}`: the case key was replaced and every file re-encrypted",
        case.slug()
    ));
    ctx.ui.warn(
        "everything in the case up to now stays readable to them: git history keeps the old \
         files, and they may have copies",
    );
    ctx.ui.hint("push the change with `iepcase sync`");
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
    ctx.ui.status(&format!(
        "Replaced the key of case `{}` and re-encrypted every file",
        case.slug()
    ));
    ctx.ui.hint("push the change with `iepcase sync`");
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
    if removed.is_empty() {
        ctx.ui.status("Nothing to reject: every member is accepted");
        return Ok(());
    }
    for (key, _) in &removed {
        ctx.ui
            .status(&format!("Removed {key}; the case key was replaced"));
    }
    ctx.ui.hint("push the change with `iepcase sync`");
    Ok(())
}

fn accept(ctx: &Ctx) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("recipients accept")?;
    let accepted = ops::members::accept(&case, &lock)?;
    drop(lock);
    if accepted.is_empty() {
        ctx.ui
            .status("Nothing to accept: every member is already accepted");
    }
    for (key, label) in &accepted {
        let label = label
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        ctx.ui.status(&format!("Accepted {key}{label}"));
    }
    Ok(())
}

fn list(ctx: &Ctx) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let members = ops::members::members(&case, &ctx.identities()?.public_keys())?;
    if ctx.ui.json {
        let rows: Vec<MemberJson<'_>> = members
            .iter()
            .map(|m| MemberJson {
                key: m.key.to_string(),
                key_type: m.key.key_type(),
                label: m.label.as_deref(),
                linkable: m.key.is_linkable(),
                you: m.you,
                pending: m.pending,
            })
            .collect();
        return ctx.ui.json(&rows);
    }
    let rows: Vec<Vec<String>> = members.iter().map(member_row).collect();
    ctx.ui.out(
        &ctx.ui
            .fitted(&["KEY", "TYPE", "LABEL", "NOTES"], &[3, 2], &rows),
    )?;
    if members.iter().any(|m| m.pending) {
        ctx.ui
            .warn("some members arrived from a remote and are not accepted yet");
        ctx.ui.hint(
            "check them with whoever shared the case, then run `iepcase recipients accept` \
             (or `iepcase recipients reject` to remove them)",
        );
    }
    Ok(())
}

/// One member's row: key, type, label and what to note of it.
fn member_row(m: &ops::members::Member) -> Vec<String> {
    let notes = [
        (m.you, "you"),
        (m.key.is_linkable(), "linkable"),
        (m.pending, "pending: run `iepcase recipients accept`"),
    ];
    let notes: Vec<&str> = notes
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
    vec![
        m.key.to_string(),
        m.key.key_type().into(),
        m.label.clone().unwrap_or_default(),
        notes.join(", "),
    ]
}

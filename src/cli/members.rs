//! `iepcase share`, `unshare`, `rotate` and `recipients [accept]`: who can read a case.

use clap::{Args, Subcommand};
use iepcase::crypto::Recipient;
use iepcase::json::MemberJson;

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
    let case = ctx.open_case()?;
    if let Some(label) = &args.label
        && let Ok((_, meta)) = case.meta()
        && iepcase::workspace::slug_looks_like_name(label, &meta.child)
    {
        return Err(
            CliError::user("the label looks like it contains the child's name").hint(
                "labels are not encrypted: describe the person's role, such as \"co-advocate\"",
            ),
        );
    }
    let (case, lock) = ctx.open_case_locked("share")?;
    case.share(&lock, recipient.clone(), args.label, &ctx.commit_context()?)?;
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
    let mine = ctx.identities()?.public_keys();
    let (case, lock) = ctx.open_case_locked("unshare")?;
    let spinner = reencrypting(ctx, &case)?;
    case.unshare(&lock, &recipient, &mine, &ctx.commit_context()?)?;
    spinner.finish();
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
    let mine = ctx.identities()?.public_keys();
    let (case, lock) = ctx.open_case_locked("rotate")?;
    let spinner = reencrypting(ctx, &case)?;
    case.rotate(&lock, &mine, &ctx.commit_context()?)?;
    spinner.finish();
    ctx.ui.status(&format!(
        "Replaced the key of case `{}` and re-encrypted every file",
        case.slug()
    ));
    ctx.ui.hint("push the change with `iepcase sync`");
    Ok(())
}

/// A spinner while every file of the case is re-encrypted to a new key.
fn reencrypting(ctx: &Ctx, case: &iepcase::store::Case) -> Result<super::ui::Progress, CliError> {
    let files = case.record_ids()?.len() + case.attachment_blobs()?.len();
    Ok(ctx.ui.spinner(&format!(
        "Re-encrypting {files} files of case `{}` to a new key",
        case.slug()
    )))
}

pub fn recipients(ctx: &Ctx, args: RecipientsArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let members = case.recipients()?;
    let pending = case.pending_recipients()?;
    if let Some(RecipientsAction::Reject) = args.action {
        let mine = ctx.identities()?.public_keys();
        let (case, lock) = ctx.open_case_locked("recipients reject")?;
        let removed = case.reject_pending(&lock, &mine, &ctx.commit_context()?)?;
        if removed.is_empty() {
            ctx.ui.status("Nothing to reject: every member is accepted");
        }
        for (key, _) in &removed {
            ctx.ui
                .status(&format!("Removed {key}; the case key was replaced"));
        }
        if !removed.is_empty() {
            ctx.ui.hint("push the change with `iepcase sync`");
        }
        return Ok(());
    }
    if let Some(RecipientsAction::Accept) = args.action {
        let (case, lock) = ctx.open_case_locked("recipients accept")?;
        case.accept_recipients(&members)?;
        drop(lock);
        if pending.is_empty() {
            ctx.ui
                .status("Nothing to accept: every member is already accepted");
        }
        for (key, label) in &pending {
            ctx.ui.status(&format!(
                "Accepted {key}{}",
                label
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default()
            ));
        }
        return Ok(());
    }
    let mine = ctx.identities()?.public_keys();
    let notes = |key: &Recipient| {
        let mut notes = Vec::new();
        if mine.contains(&key.to_string()) {
            notes.push("you");
        }
        if key.is_linkable() {
            notes.push("linkable");
        }
        if pending.iter().any(|(p, _)| p == key) {
            notes.push("pending: run `iepcase recipients accept`");
        }
        notes.join(", ")
    };
    if ctx.ui.json {
        let rows: Vec<MemberJson<'_>> = members
            .iter()
            .map(|(key, label)| MemberJson {
                key: key.to_string(),
                key_type: key.key_type(),
                label: label.as_deref(),
                linkable: key.is_linkable(),
                you: mine.contains(&key.to_string()),
                pending: pending.iter().any(|(p, _)| p == key),
            })
            .collect();
        return ctx.ui.json(&rows);
    }
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|(key, label)| {
            vec![
                key.to_string(),
                key.key_type().into(),
                label.clone().unwrap_or_default(),
                notes(key),
            ]
        })
        .collect();
    ctx.ui.out(
        &ctx.ui
            .fitted(&["KEY", "TYPE", "LABEL", "NOTES"], &[3, 2], &rows),
    )?;
    if !pending.is_empty() {
        ctx.ui
            .warn("some members arrived from a remote and are not accepted yet");
        ctx.ui.hint(
            "check them with whoever shared the case, then run `iepcase recipients accept` \
             (or `iepcase recipients reject` to remove them)",
        );
    }
    Ok(())
}

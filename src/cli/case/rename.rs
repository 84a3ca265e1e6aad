//! `iepcase case rename OLD NEW`: a new slug for a case, saying what remotes and earlier
//! copies keep.

use clap::Args;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

#[derive(Debug, Args)]
pub struct CaseRenameArgs {
    /// The case to rename (a slug, or a unique start of one)
    #[arg(add = crate::cli::complete::case_slugs())]
    pub old: String,
    /// Its new slug: opaque, such as initials and a year (`eq-2025`)
    pub new: String,
}

pub fn run(ctx: &Ctx, args: CaseRenameArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let old = ws.resolve_slug(&args.old)?;
    iepcase::workspace::validate_slug(&args.new)?;
    if old == args.new {
        ctx.ui
            .status(&format!("Case `{old}` already has that slug"));
        return Ok(());
    }
    let (case, lock) = ctx.open_slug_locked(&old, "case rename")?;
    let (_, meta) = case.meta()?;
    let remotes = case.remotes()?;
    ws.rename_case(&old, &args.new, &lock)?;
    drop(lock);
    let notices = iepcase::ops::cases::renamed_notices(&old, &args.new, &meta.child, &remotes);
    ctx.ui.notices(&notices);
    Ok(())
}

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
    ctx.ui
        .status(&format!("Renamed case `{old}` to `{}`", args.new));
    if iepcase::workspace::slug_looks_like_name(&args.new, &meta.child) {
        ctx.ui.warn(&format!(
            "`{}` looks like it contains the child's name; slugs are visible on remotes",
            args.new
        ));
    }
    for (name, url) in &remotes {
        ctx.ui.warn(&format!(
            "remote `{name}` ({}) keeps its address: if the repository there is named `{old}`, \
             that name stays visible on the server until you rename it there",
            iepcase::ops::remotes::hide_secret(url)
        ));
    }
    if !remotes.is_empty() {
        ctx.ui.hint(&format!(
            "after renaming it on the server: `iepcase -c {new} remote remove NAME` and \
             `iepcase -c {new} remote add NAME NEW-URL`",
            new = args.new
        ));
    }
    ctx.ui.status(
        "Copies of the case cloned before keep the old name as their folder name; they still \
         sync, and their owners can rename them the same way. The history holds no slug.",
    );
    Ok(())
}

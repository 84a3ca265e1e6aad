//! `iepcase resolve ID --keep local|remote|CONFLICT_ID`: settle a sync conflict.

use clap::Args;
use iepcase::ops;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The record with a conflict (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Which version to keep: `local`, `remote`, or a conflict copy's id (k3f9a2bq7x.conflict-2)
    #[arg(long, value_name = "WHICH")]
    pub keep: String,
}

pub fn run(ctx: &Ctx, args: ResolveArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("resolve")?;
    let keep = ops::records::Keep::parse(&args.keep);
    let resolved =
        ops::records::resolve_conflict(&case, &lock, &args.id, &keep, &ctx.commit_context()?)?;
    ctx.ui.notices(&resolved.notices());
    Ok(())
}

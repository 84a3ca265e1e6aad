//! `iepcase rm ID`: remove a record; history keeps it.

use clap::Args;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
}

pub fn run(ctx: &Ctx, args: RmArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("rm")?;
    let notices = iepcase::ops::remove::remove(&case, &lock, &args.id, &ctx.commit_context()?)?;
    ctx.ui.notices(&notices);
    Ok(())
}

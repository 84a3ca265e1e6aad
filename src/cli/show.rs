//! `iepcase show ID [--rev REV]`: print a record as TOML, or JSON with `--json`, and point out
//! sync conflict copies left beside it.

use clap::Args;
use iepcase::ops;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Show it as it was at revision REV (a commit id from `iepcase log`, or HEAD~1)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let shown = ops::records::show(&case, &args.id, args.rev.as_deref())?;
    ctx.ui.notices(&shown.notices_before(!ctx.ui.json));
    if ctx.ui.json {
        let json = iepcase::json::record(&shown.stored, &shown.inferred);
        return ctx.ui.json(&json);
    }
    ctx.ui.out(&shown.text())?;
    ctx.ui.notices(&shown.notices_after());
    Ok(())
}

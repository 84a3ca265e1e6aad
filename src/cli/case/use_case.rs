//! `iepcase case use [SLUG | --clear]`: the current case, kept in a small local file beside
//! `iepcase.toml` and used when a command names no case.

use clap::Args;
use iepcase::json::CurrentCaseJson;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

#[derive(Debug, Args)]
pub struct CaseUseArgs {
    /// The case (a slug, or a unique start of one)
    #[arg(conflicts_with = "clear", add = crate::cli::complete::case_slugs())]
    pub slug: Option<String>,
    /// Stop using a current case
    #[arg(long)]
    pub clear: bool,
}

pub fn run(ctx: &Ctx, args: CaseUseArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    if args.clear {
        ws.set_current_case(None)?;
        ctx.ui.status("No current case");
        return Ok(());
    }
    let Some(given) = &args.slug else {
        let current = ws.current_case()?;
        if ctx.ui.json {
            return ctx.ui.json(&CurrentCaseJson {
                current: current.as_deref(),
            });
        }
        match current {
            Some(slug) => ctx.ui.line(&slug)?,
            None => {
                ctx.ui.status("No current case");
                ctx.ui.hint("choose one with `iepcase case use SLUG`");
            }
        }
        return Ok(());
    };
    let slug = ws.resolve_slug(given)?;
    ws.set_current_case(Some(&slug))?;
    ctx.ui.status(&format!(
        "Commands now work on case `{slug}` unless -c, IEPCASE_CASE or the folder you are in \
         names another"
    ));
    Ok(())
}

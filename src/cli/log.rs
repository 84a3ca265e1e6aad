//! `iepcase log [ID]`: the history of the case or of one record.

use clap::Args;
use iepcase::ops::history;
use iepcase::ops::log::Chunks;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only the history of this record
    #[arg(add = super::complete::record_ids())]
    pub id: Option<String>,
    /// Show what each commit changed in each record, field by field
    #[arg(short = 'p', long = "patch")]
    pub patch: bool,
}

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let id = match &args.id {
        None => None,
        Some(prefix) => Some(history::resolve(&case, prefix)?),
    };
    // Streamed newest first, so the first page shows at once even on years of history.
    let mut chunks = Chunks::new(ctx.ui.json);
    let (mut paged, mut failed) = (false, None);
    case.walk_history(id.as_ref(), None, &mut |entry| {
        let text = if ctx.ui.json {
            history::entry_json(&case, &entry, args.patch)
        } else {
            history::entry_text(&case, &entry, args.patch, ctx.ui.painter())
        };
        let Some(chunk) = chunks.push(&text) else {
            return true;
        };
        if !paged {
            // Long history goes through the pager, like `git log`.
            ctx.ui.page();
            paged = true;
        }
        ctx.ui.out(&chunk).map_err(|e| failed = Some(e)).is_ok()
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    match chunks.finish() {
        Some(rest) => ctx.ui.out(&rest),
        None => {
            ctx.ui.status("No history");
            Ok(())
        }
    }
}

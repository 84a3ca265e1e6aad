//! `iepcase case list`: every case with its child, state, status, record count, next
//! deadline and next meeting.

use clap::Args;
use iepcase::ops::case_list;
use iepcase::ops::diagnosis::Diagnosis;
use iepcase::record::Date;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

#[derive(Debug, Args)]
pub struct CaseListArgs {
    /// Compute the next deadlines as of DATE instead of today
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
}

pub fn run(ctx: &Ctx, args: CaseListArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let slugs = ws.case_slugs()?;
    let current = ws.current_case()?;
    let book = match crate::cli::common::cases::rulebook(ctx) {
        Ok(book) => Some(book),
        Err(e) if !slugs.is_empty() => {
            ctx.ui.warn(&format!("no deadlines shown: {}", e.message));
            None
        }
        Err(_) => None,
    };
    let today = crate::cli::common::cases::today(ctx, args.today);
    let now = ctx.now_or(args.today);
    let identities = ctx.try_identities().map_err(Diagnosis::from);
    let rows = case_list::rows(ws, &slugs, identities, book.as_ref(), today, now);
    ctx.ui.notices(&case_list::warnings(&rows));
    let current = current.as_deref();
    if ctx.ui.json {
        let meetings = case_list::next_meetings(&rows);
        ctx.ui
            .json(&case_list::json_rows(&rows, &meetings, current))?;
    } else if rows.is_empty() {
        ctx.ui.notices(&case_list::no_case_notices());
    } else {
        let width = ctx.ui.width();
        ctx.ui
            .out(&case_list::render(&rows, current, width, ctx.ui.painter()))?;
    }
    case_list::failure(&rows).map_or(Ok(()), |d| Err(d.into()))
}

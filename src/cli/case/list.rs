//! `iepcase case list`: every case with its child, state, status, record count, next
//! deadline and next meeting.

use clap::Args;
use iepcase::json::{CaseRowJson, NextMeetingJson};
use iepcase::ops::case_list::{self, Row};
use iepcase::ops::diagnosis::Diagnosis;
use iepcase::record::Date;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::ui::Table;

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
    for (slug, overview) in &rows {
        match overview {
            Ok(o) => {
                if let Some(state) = &o.fallback_state {
                    crate::cli::common::cases::warn_fallback(ctx, slug, state);
                }
            }
            Err(unopened) => ctx.ui.warn(&format!("case `{slug}`: {}", unopened.message)),
        }
    }
    show(ctx, &rows, current.as_deref())?;
    case_list::failure(&rows).map_or(Ok(()), |d| Err(d.into()))
}

/// The table of cases, or their rows as JSON.
fn show(ctx: &Ctx, overviews: &[Row], current: Option<&str>) -> Result<(), CliError> {
    if ctx.ui.json {
        let meetings: Vec<Option<NextMeetingJson>> = overviews
            .iter()
            .map(|(_, o)| {
                o.as_ref()
                    .ok()?
                    .next_meeting
                    .as_ref()
                    .map(NextMeetingJson::of)
            })
            .collect();
        let rows: Vec<CaseRowJson<'_>> = overviews
            .iter()
            .zip(&meetings)
            .map(|((slug, o), meeting)| CaseRowJson::of(slug, o, meeting.as_ref(), current))
            .collect();
        ctx.ui.json(&rows)?;
    } else if overviews.is_empty() {
        ctx.ui.status("No cases yet");
        ctx.ui
            .hint("create one with `iepcase case new SLUG --child NAME`");
    } else {
        let mut table = Table::new(&[
            "CASE",
            "CHILD",
            "STATE",
            "STATUS",
            "RECORDS",
            "NEXT DEADLINE",
            "NEXT MEETING",
        ])
        .flexible(&[5, 6, 1]);
        for (slug, overview) in overviews {
            table.row(case_list::cells(slug, current, overview));
        }
        ctx.ui.out(&ctx.ui.table(&table))?;
    }
    Ok(())
}

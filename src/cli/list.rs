//! `iepcase list`: records in date order, with filters.

use clap::Args;
use iepcase::record::{Date, Kind};

use super::context::Ctx;
use super::error::CliError;
use iepcase::store::RecordSummary;

use super::ui::Table;
use crate::cli::common::records::parse_kind;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only records of this kind (can be repeated)
    #[arg(long, value_parser = parse_kind, value_name = "KIND")]
    pub kind: Vec<Kind>,
    /// Only records on or after this date
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// Only records on or before this date
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
}

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<(), CliError> {
    crate::cli::common::args::check_range(args.from, args.to)?;
    let case = ctx.open_case()?;
    let loaded = case.summaries()?;
    let selected: Vec<_> = loaded
        .records
        .iter()
        .filter(|r| args.kind.is_empty() || args.kind.contains(&r.kind))
        .filter(|r| args.from.is_none_or(|from| r.date >= from))
        .filter(|r| args.to.is_none_or(|to| r.date <= to))
        .collect();
    if ctx.ui.json {
        ctx.ui.json(&selected)?;
    } else if selected.is_empty() && loaded.broken.is_empty() {
        ctx.ui.status("No records");
    } else {
        let now = ctx.local_now();
        let mut table = Table::new(&["ID", "DATE", "KIND", "TYPE", "TITLE"]).flexible(&[4, 1, 3]);
        for r in &selected {
            table.row(row(r, r.is_upcoming(now)));
        }
        ctx.ui.out(&ctx.ui.table(&table))?;
        if let Some(next) = loaded
            .records
            .iter()
            .filter(|r| r.is_upcoming(now))
            .min_by_key(|r| r.order_key())
        {
            crate::cli::common::render::next_meeting_status(ctx, next);
        }
    }
    if !loaded.broken.is_empty() {
        for broken in &loaded.broken {
            ctx.ui.warn(&format!(
                "record {} cannot be read: {}",
                broken.id,
                crate::cli::common::render::describe(&broken.error)
            ));
        }
        let ids: Vec<String> = loaded.broken.iter().map(|b| b.id.to_string()).collect();
        return Err(CliError::from(iepcase::ops::tally::unreadable(
            case.slug(),
            &ids,
        )));
    }
    let conflicts = loaded.records.iter().filter(|r| r.id.is_conflict()).count();
    if conflicts > 0 {
        ctx.ui.warn(&format!(
            "{conflicts} sync conflict copies; settle them with `iepcase resolve ID --keep …`"
        ));
    }
    Ok(())
}

/// One line of the table: the title marked when the record is privileged, confidential or a
/// sync conflict copy.
fn row(r: &RecordSummary, upcoming: bool) -> Vec<String> {
    let date = match r.time {
        Some(time) => format!("{} {time}", r.date),
        None => r.date.to_string(),
    };
    let mut marks = Vec::new();
    if r.privileged {
        marks.push("[privileged]".to_owned());
    }
    if let Some(confidential) = &r.confidential {
        marks.push(format!("[{confidential}-confidential]"));
    }
    if r.id.is_conflict() {
        marks.push("[sync conflict]".to_owned());
    }
    if upcoming {
        marks.push("[upcoming]".to_owned());
    }
    marks.push(r.title.clone());
    vec![
        r.id.to_string(),
        date,
        r.kind.to_string(),
        r.list_type.clone().unwrap_or_else(|| "-".into()),
        marks.join(" "),
    ]
}

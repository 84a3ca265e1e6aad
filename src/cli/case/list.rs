//! `iepcase case list`: every case with its child, state, status, record count, next
//! deadline and next meeting.

use clap::Args;
use iepcase::json::{CaseRowJson, NextDeadlineJson, NextMeetingJson};
use iepcase::ops::{self, cases::Overview};
use iepcase::record::Date;
use iepcase::rules::{Deadline, Status};

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
    let read = |case: &iepcase::store::Case| -> Result<_, CliError> {
        Ok(ops::cases::overview(ws, case, book.as_ref(), today, now)?)
    };
    // Without the identity no case opens; each row says so, as each case would.
    let overviews: Vec<(String, Result<Overview, CliError>)> = match ctx.identities() {
        Ok(ids) => ws.for_each_case(&slugs, ids, read),
        Err(e) => slugs
            .iter()
            .map(|slug| (slug.clone(), Err(CliError::user(e.message.clone()))))
            .collect(),
    };
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    let mut failed = Vec::new();
    for (slug, overview) in overviews {
        match overview {
            Ok(o) => {
                if let Some(state) = &o.fallback_state {
                    crate::cli::common::cases::warn_fallback(ctx, &slug, state);
                }
                rows.push(table_row(&slug, current.as_deref(), &o));
                json_rows.push(Ok(Summary {
                    state: o.meta.state.clone().unwrap_or_default(),
                    status: o.meta.status.as_str(),
                    records: o.records,
                    meeting: o.next_meeting.as_ref().map(NextMeetingJson::of),
                    next: o.next_deadline.map(|(d, _)| d),
                    child: o.meta.child,
                }));
            }
            Err(e) => {
                let why = if e.message.contains("not a member") {
                    "(no access)"
                } else {
                    "(unreadable)"
                };
                ctx.ui.warn(&format!("case `{slug}`: {}", e.message));
                let mut row = vec![mark(&slug, current.as_deref()), why.into()];
                row.extend(["-", "-", "-", "-", "-"].map(String::from));
                rows.push(row);
                json_rows.push(Err(e.message));
                failed.push(slug);
            }
        }
    }
    show(ctx, &slugs, current.as_deref(), rows, &json_rows)?;
    match failed.first() {
        None => Ok(()),
        Some(first) => Err(CliError::user(format!(
            "{} case(s) could not be opened: {}",
            failed.len(),
            failed.join(", ")
        ))
        .hint(format!(
            "run `iepcase -c {first} fsck`; a case you are not a member of needs `iepcase share` from a member"
        ))),
    }
}

/// The table of cases, or their rows as JSON.
fn show(
    ctx: &Ctx,
    slugs: &[String],
    current: Option<&str>,
    rows: Vec<Vec<String>>,
    json_rows: &[Result<Summary, String>],
) -> Result<(), CliError> {
    if ctx.ui.json {
        let rows: Vec<CaseRowJson<'_>> = slugs
            .iter()
            .zip(json_rows)
            .map(|(slug, row)| row_json(slug, row, current == Some(slug.as_str())))
            .collect();
        ctx.ui.json(&rows)?;
    } else if rows.is_empty() {
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
        for row in rows {
            table.row(row);
        }
        ctx.ui.out(&ctx.ui.table(&table))?;
    }
    Ok(())
}

/// The CASE cell: the current case marked with `*` (the others indented to match) when there
/// is one.
fn mark(slug: &str, current: Option<&str>) -> String {
    match current {
        Some(c) if c == slug => format!("* {slug}"),
        Some(_) => format!("  {slug}"),
        None => slug.to_owned(),
    }
}

/// One case's row of the table.
fn table_row(slug: &str, current: Option<&str>, o: &Overview) -> Vec<String> {
    let meeting = o.next_meeting.as_ref().map(|m| {
        let when = match m.record.common.time {
            Some(t) => format!("{} {t}", m.record.date()),
            None => m.record.date().to_string(),
        };
        format!("{when}  {}", m.record.title())
    });
    vec![
        mark(slug, current),
        o.meta.child.clone(),
        o.meta
            .state
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "-".into()),
        o.meta.status.to_string(),
        o.records.to_string(),
        o.next_deadline
            .as_ref()
            .map_or("-".into(), |(d, more)| next_text(d, *more)),
        meeting.unwrap_or_else(|| "-".into()),
    ]
}

/// The NEXT DEADLINE cell: due date and label, marked when overdue.
fn next_text(d: &Deadline, more_overdue: usize) -> String {
    let mut text = format!("{}  {}", d.due, d.label);
    if d.status == Status::Overdue {
        text.push_str(" (OVERDUE");
        if more_overdue > 0 {
            text.push_str(&format!(", and {more_overdue} more"));
        }
        text.push(')');
    }
    text
}

/// What `--json` shows of a case that opened.
struct Summary {
    child: String,
    state: String,
    status: &'static str,
    records: usize,
    next: Option<Deadline>,
    meeting: Option<NextMeetingJson>,
}

/// One case as `--json` shows it: its summary, or why it cannot be opened.
fn row_json<'a>(slug: &'a str, row: &'a Result<Summary, String>, current: bool) -> CaseRowJson<'a> {
    match row {
        Ok(s) => CaseRowJson::Open {
            slug,
            child: &s.child,
            state: &s.state,
            status: s.status,
            records: s.records,
            next_deadline: s.next.as_ref().map(NextDeadlineJson::new),
            next_meeting: s.meeting.as_ref(),
            current,
        },
        Err(error) => CaseRowJson::Failed { slug, error },
    }
}

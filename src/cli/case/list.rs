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
    // Without the identity no case opens; each row says so, as each case would.
    let overviews: Vec<Row> = match ctx.identities() {
        Ok(ids) => ops::cases::overviews(ws, &slugs, ids, book.as_ref(), today, now)
            .into_iter()
            .map(|(slug, o)| (slug, o.map_err(Failure::of)))
            .collect(),
        Err(e) => slugs
            .iter()
            .map(|slug| {
                let failure = Failure {
                    message: e.message.clone(),
                    no_access: false,
                };
                (slug.clone(), Err(failure))
            })
            .collect(),
    };
    for (slug, overview) in &overviews {
        match overview {
            Ok(o) => {
                if let Some(state) = &o.fallback_state {
                    crate::cli::common::cases::warn_fallback(ctx, slug, state);
                }
            }
            Err(failure) => ctx.ui.warn(&format!("case `{slug}`: {}", failure.message)),
        }
    }
    show(ctx, &overviews, current.as_deref())?;
    let failed: Vec<&str> = overviews
        .iter()
        .filter(|(_, o)| o.is_err())
        .map(|(slug, _)| slug.as_str())
        .collect();
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

/// Why a case could not be opened.
struct Failure {
    message: String,
    /// The identity opens other cases, but its key is not a member of this one.
    no_access: bool,
}

impl Failure {
    fn of(e: ops::OpsError) -> Failure {
        let no_access = e.is_not_a_member();
        Failure {
            message: CliError::from(e).message,
            no_access,
        }
    }
}

/// A case and its overview, or why it could not be opened.
type Row = (String, Result<Overview, Failure>);

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
            .map(|((slug, o), meeting)| row_json(slug, o, meeting.as_ref(), current))
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
            table.row(match overview {
                Ok(o) => table_row(slug, current, o),
                Err(failure) => failed_row(slug, current, failure),
            });
        }
        ctx.ui.out(&ctx.ui.table(&table))?;
    }
    Ok(())
}

/// The row of a case that could not be opened.
fn failed_row(slug: &str, current: Option<&str>, failure: &Failure) -> Vec<String> {
    let why = if failure.no_access {
        "(no access)"
    } else {
        "(unreadable)"
    };
    let mut row = vec![mark(slug, current), why.into()];
    row.extend(["-", "-", "-", "-", "-"].map(String::from));
    row
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

/// One case as `--json` shows it: its summary, or why it cannot be opened.
fn row_json<'a>(
    slug: &'a str,
    overview: &'a Result<Overview, Failure>,
    meeting: Option<&'a NextMeetingJson>,
    current: Option<&str>,
) -> CaseRowJson<'a> {
    match overview {
        Ok(o) => CaseRowJson::Open {
            slug,
            child: &o.meta.child,
            state: o.meta.state.as_deref().unwrap_or_default(),
            status: o.meta.status.as_str(),
            records: o.records,
            next_deadline: o
                .next_deadline
                .as_ref()
                .map(|(d, _)| NextDeadlineJson::new(d)),
            next_meeting: meeting,
            current: current == Some(slug),
        },
        Err(failure) => CaseRowJson::Failed {
            slug,
            error: &failure.message,
        },
    }
}

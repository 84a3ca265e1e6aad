//! `iepcase case list`: every case with its child, state, status, record count, next
//! deadline and next meeting.

use clap::Args;
use iepcase::json::{CaseRowJson, NextDeadlineJson, NextMeetingJson};
use iepcase::record::{CaseStatus, Date};
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
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    let mut failed = Vec::new();
    let load = |case: &iepcase::store::Case| -> Result<_, CliError> {
        let meta = case.meta()?.1;
        let count = case.record_ids()?.len();
        let records = if meta.status == CaseStatus::Open && book.is_some() {
            case.records()?.records
        } else {
            Vec::new()
        };
        Ok((meta, count, records))
    };
    // Without the identity no case opens; each row says so, as each case would.
    let summaries: Vec<(String, Result<_, CliError>)> = match ctx.identities() {
        Ok(ids) => ws.for_each_case(&slugs, ids, load),
        Err(e) => slugs
            .iter()
            .map(|slug| (slug.clone(), Err(CliError::user(e.message.clone()))))
            .collect(),
    };
    for (slug, summary) in summaries {
        let slug = &slug;
        match summary {
            Ok((meta, records_count, records)) => {
                let state = meta.state.clone().unwrap_or_default();
                let meeting = iepcase::prep::next_meeting(&records, now).map(|m| {
                    let when = match m.record.common.time {
                        Some(t) => format!("{} {t}", m.record.date()),
                        None => m.record.date().to_string(),
                    };
                    let text = format!("{when}  {}", m.record.title());
                    (text, NextMeetingJson::of(m))
                });
                let next = book.as_ref().and_then(|book| {
                    let facts = crate::cli::common::cases::CaseFacts {
                        slug: slug.clone(),
                        meta: meta.clone(),
                        records,
                        unreadable: Vec::new(),
                    };
                    next_deadline(crate::cli::common::cases::deadlines(
                        ctx, &facts, book, today,
                    ))
                });
                rows.push(vec![
                    mark(slug, current.as_deref()),
                    meta.child.clone(),
                    if state.is_empty() {
                        "-".into()
                    } else {
                        state.clone()
                    },
                    meta.status.to_string(),
                    records_count.to_string(),
                    next.as_ref()
                        .map_or("-".into(), |(d, more)| next_text(d, *more)),
                    meeting
                        .as_ref()
                        .map_or("-".into(), |(text, _)| text.clone()),
                ]);
                json_rows.push(Ok(Summary {
                    child: meta.child,
                    state,
                    status: meta.status.as_str(),
                    records: records_count,
                    next: next.map(|(d, _)| d),
                    meeting: meeting.map(|(_, m)| m),
                }));
            }
            Err(e) => {
                let why = if e.message.contains("not a member") {
                    "(no access)"
                } else {
                    "(unreadable)"
                };
                ctx.ui.warn(&format!("case `{slug}`: {}", e.message));
                failed.push(slug.clone());
                let mut row = vec![mark(slug, current.as_deref()), why.into()];
                row.extend(["-", "-", "-", "-", "-"].map(String::from));
                rows.push(row);
                json_rows.push(Err(e.message));
            }
        }
    }
    if ctx.ui.json {
        let rows: Vec<CaseRowJson<'_>> = slugs
            .iter()
            .zip(&json_rows)
            .map(|(slug, row)| row_json(slug, row, current.as_deref() == Some(slug.as_str())))
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

/// The CASE cell: the current case marked with `*` (the others indented to match) when there
/// is one.
fn mark(slug: &str, current: Option<&str>) -> String {
    match current {
        Some(c) if c == slug => format!("* {slug}"),
        Some(_) => format!("  {slug}"),
        None => slug.to_owned(),
    }
}

/// The deadline that needs attention first: the oldest overdue one, else the soonest open
/// one; with the number of other overdue deadlines.
fn next_deadline(deadlines: Vec<Deadline>) -> Option<(Deadline, usize)> {
    let key = |d: &Deadline| (d.due, d.rule.clone());
    let overdue: Vec<Deadline> = deadlines
        .iter()
        .filter(|d| d.status == Status::Overdue)
        .cloned()
        .collect();
    if let Some(first) = overdue.iter().min_by_key(|d| key(d)) {
        return Some((first.clone(), overdue.len() - 1));
    }
    deadlines
        .into_iter()
        .filter(|d| d.status == Status::Open)
        .min_by_key(key)
        .map(|d| (d, 0))
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

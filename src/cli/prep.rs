//! `iepcase prep [MEETING] [--all] [--days N] [--today D] [--format text|md] [--pdf FILE]
//! [--ics FILE]`: the checklist for the days before a meeting (SPEC section 11).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use iepcase::json::ChecklistJson;
use iepcase::ops::{self, prep::CaseChecklists, prep::Meetings};
use iepcase::prep::PrepError;
use iepcase::record::Date;

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::cases::{cases, rulebook, warn_fallback};

#[derive(Debug, Args)]
pub struct PrepArgs {
    /// The meeting (a unique prefix of its id); default: the case's next upcoming meeting
    #[arg(add = super::complete::record_ids())]
    pub meeting: Option<String>,
    /// Every open case of the workspace with a meeting in the next --days days
    #[arg(long, conflicts_with = "meeting")]
    pub all: bool,
    /// With --all: how many days ahead to look
    #[arg(long, value_name = "N", default_value_t = 14, requires = "all")]
    pub days: u32,
    /// Prepare as of the start of DATE instead of now
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// Print the checklist as text or as Markdown
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the checklist to FILE as a printable PDF
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// Also write the preparation dates to FILE as an iCalendar file, with reminders; `-`
    /// writes it to standard output instead of the checklist
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
    /// Overwrite the --pdf or --ics file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Md,
}

pub fn run(ctx: &Ctx, args: PrepArgs) -> Result<(), CliError> {
    let book = rulebook(ctx)?;
    let now = ctx.now_or(args.today);
    let today = Date(now.date());
    let ws = ctx.workspace()?;
    for (flag, path, example) in [
        ("--pdf", &args.pdf, "prep.pdf"),
        ("--ics", &args.ics, "prep.ics"),
    ] {
        if let Some(path) = path.as_ref().filter(|p| p.as_os_str() != "-") {
            crate::cli::common::files::check(ws, flag, &ctx.absolute(path), args.force, example)?;
        }
    }
    let (cases, failure) = cases(ctx, args.all)?;
    let meetings = match args.all {
        true => Meetings::Within(args.days),
        false => Meetings::One(args.meeting.as_deref()),
    };
    let lists = ops::prep::prepare(ws, &cases, &book, meetings, now);
    for case in &lists {
        if let Some(state) = &case.fallback_state {
            warn_fallback(ctx, &case.slug, state);
        }
        if let Err(e) = &case.checklists {
            return Err(prep_error(e, &case.slug, today));
        }
    }
    if let Some(path) = &args.ics {
        let ics = ops::prep::calendar(&lists, today);
        if path.as_os_str() == "-" {
            ctx.ui.out(&ics)?;
            return failure.map_or(Ok(()), Err);
        }
        write(
            ctx,
            path,
            ics.as_bytes(),
            "case slugs, preparation steps and dates, no child names",
        )?;
    }
    if let Some(path) = &args.pdf {
        let pdf = ops::prep::pdf(ws, &lists, today)
            .map_err(|e| CliError::user(format!("cannot typeset the checklist: {e}")))?;
        write(ctx, path, &pdf, "it names the child and the meeting")?;
    }
    show(ctx, &args, &lists)?;
    failure.map_or(Ok(()), Err)
}

/// `--ics FILE` or `--pdf FILE`, saying what its plaintext holds.
fn write(ctx: &Ctx, path: &Path, bytes: &[u8], holds: &str) -> Result<(), CliError> {
    let path = ctx.absolute(path);
    crate::cli::common::files::write(&path, bytes)?;
    ctx.ui
        .status(&format!("Wrote {} (plaintext: {holds})", path.display()));
    Ok(())
}

/// The checklists on standard output, as JSON, Markdown or text.
fn show(ctx: &Ctx, args: &PrepArgs, lists: &[CaseChecklists]) -> Result<(), CliError> {
    if ctx.ui.json {
        let rows: Vec<ChecklistJson<'_>> = ops::prep::ready(lists)
            .flat_map(|(case, lists)| {
                lists.iter().map(move |checklist| ChecklistJson {
                    case: &case.slug,
                    checklist,
                })
            })
            .collect();
        ctx.ui.json(&rows)?;
    } else {
        if args.all && ops::prep::ready(lists).next().is_none() {
            ctx.ui.status(&format!(
                "No meeting in the next {} days in any open case",
                args.days
            ));
        }
        let markdown = args.format == Format::Md;
        ctx.ui.out(&ops::prep::render(
            lists,
            args.all,
            markdown,
            ctx.ui.painter(),
        ))?;
        ctx.ui.status(
            "Not legal advice: periods marked as iepcase's default are suggestions, not the law.",
        );
    }
    Ok(())
}

/// Why case `slug` has no checklist, with what to do.
fn prep_error(error: &PrepError, slug: &str, today: Date) -> CliError {
    CliError::user(format!("case `{slug}`: {error}")).hint(ops::prep::hint(error, today))
}

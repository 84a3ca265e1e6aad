//! `iepcase deadlines [--all] [--today D] [--ics FILE]`: computed deadlines and open
//! obligations, grouped by urgency, with citations and confidence.

use std::path::PathBuf;

use clap::Args;
use iepcase::json::DeadlineJson;
use iepcase::ops;
use iepcase::record::Date;

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::cases::{cases, rulebook, today, warn_fallback};

#[derive(Debug, Args)]
pub struct DeadlinesArgs {
    /// Every open case of the workspace, not just the selected one
    #[arg(long)]
    pub all: bool,
    /// Compute as of DATE instead of today
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// Also write the deadlines to FILE as an iCalendar file (all-day events, met ones
    /// cancelled); `-` writes it to standard output instead of the table
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: DeadlinesArgs) -> Result<(), CliError> {
    let book = rulebook(ctx)?;
    let today = today(ctx, args.today);
    let (cases, failure) = cases(ctx, args.all)?;
    let computed = ops::check::deadlines(ctx.workspace()?, &cases, &book, today);
    for case in &computed {
        if let Some(state) = &case.fallback_state {
            warn_fallback(ctx, &case.slug, state);
        }
    }
    if let Some(path) = &args.ics {
        let text = ops::check::calendar(&computed, today);
        if path.as_os_str() == "-" {
            ctx.ui.out(&text)?;
            return failure.map_or(Ok(()), Err);
        }
        let path = ctx.absolute(path);
        if path.is_dir() {
            return Err(CliError::user(format!("{} is a folder", path.display()))
                .hint("give a file name, such as `--ics deadlines.ics`"));
        }
        crate::cli::common::files::write(&path, text.as_bytes())?;
        ctx.ui.status(&format!(
            "Wrote {} (plaintext: case slugs, rules and dates, no child names)",
            path.display()
        ));
    }
    if ctx.ui.json {
        let rows: Vec<DeadlineJson<'_>> = computed
            .iter()
            .flat_map(|c| {
                c.deadlines
                    .iter()
                    .map(move |d| DeadlineJson::new(&c.slug, d, c.inferred(d)))
            })
            .collect();
        ctx.ui.json(&rows)?;
    } else {
        let text =
            ops::urgency::render(&computed, args.all, today, ctx.ui.width(), ctx.ui.painter());
        ctx.ui.out(&text)?;
        ctx.ui.status(
            "Not legal advice: each deadline names its rule, citation and confidence (confirmed, \
             secondary or unconfirmed); check it against the law.",
        );
    }
    failure.map_or(Ok(()), Err)
}

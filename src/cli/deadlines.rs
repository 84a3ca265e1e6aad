//! `iepcase deadlines [--all] [--today D] [--ics FILE]`: computed deadlines and open
//! obligations, grouped by urgency, with citations and confidence.

use std::path::PathBuf;

use clap::Args;
use iepcase::json::DeadlineJson;
use iepcase::record::Date;
use iepcase::rules::Deadline;
use iepcase::rules::ics::{CaseDeadlines, render};

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::cases::{cases, rulebook, today};

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
    let mut links = Vec::new();
    let computed: Vec<(String, Vec<Deadline>)> = cases
        .iter()
        .map(|c| {
            let (linked, deadlines) =
                crate::cli::common::cases::linked_deadlines(ctx, c, &book, today);
            links.push(linked);
            (c.slug.clone(), deadlines)
        })
        .collect();
    if let Some(path) = &args.ics {
        let calendars: Vec<CaseDeadlines<'_>> = computed
            .iter()
            .map(|(case, deadlines)| CaseDeadlines { case, deadlines })
            .collect();
        let text = render(&calendars, today);
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
            .zip(&links)
            .flat_map(|((case, list), linked)| {
                list.iter()
                    .map(move |d| DeadlineJson::new(case, d, inferred(linked, d)))
            })
            .collect();
        ctx.ui.json(&rows)?;
    } else {
        ctx.ui.out(&crate::cli::common::deadlines::render(
            &ctx.ui, &computed, args.all, today,
        ))?;
        ctx.ui.status(
            "Not legal advice: each deadline names its rule, citation and confidence (confirmed, \
             secondary or unconfirmed); check it against the law.",
        );
    }
    failure.map_or(Ok(()), Err)
}

/// The link fields iepcase inferred on a deadline's trigger and on the record that met it,
/// which the deadline rests on.
fn inferred(linked: &iepcase::links::Linked, d: &Deadline) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = std::iter::once(&d.trigger)
        .chain(d.met.as_ref().map(|m| &m.by))
        .flat_map(|id| linked.inferred(id))
        .map(|l| l.field.as_str())
        .collect();
    fields.sort_unstable();
    fields.dedup();
    fields
}

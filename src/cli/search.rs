//! `iepcase search QUERY [--all]`: find a word in every field of the records of one case or
//! of every case.

use clap::Args;
use iepcase::ops;
use iepcase::ops::diagnosis::Diagnosis;
use iepcase::ops::tally::{self, Tally};
use iepcase::search::Hit;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The text to find (case does not matter)
    pub query: String,
    /// Search every case in the workspace
    #[arg(long)]
    pub all: bool,
}

pub fn run(ctx: &Ctx, args: SearchArgs) -> Result<(), CliError> {
    if args.query.trim().is_empty() {
        return Err(CliError::usage("the search text is empty"));
    }
    let ws = ctx.workspace()?;
    let slugs = ctx.case_slugs(args.all)?;
    let results = ws.for_each_case(&slugs, ctx.identities()?, |case| {
        ops::search::search(case, &args.query).map_err(Diagnosis::from)
    });
    let mut hits = Vec::new();
    // What could not be searched: the search still shows what it found, then exits 1 so a
    // script never takes a partial answer for a whole one.
    let mut failure = None;
    let mut tally = Tally::default();
    for (slug, result) in results {
        match result {
            Ok(found) => {
                hits.extend(found.hits);
                for id in &found.unreadable {
                    ctx.ui.warn(&format!(
                        "record {id} of case `{slug}` cannot be read and was not searched"
                    ));
                }
                if !found.unreadable.is_empty() && failure.is_none() {
                    failure = Some(tally::unreadable(&slug, &found.unreadable));
                }
            }
            Err(e) if args.all => ctx.ui.warn(&tally.fail(slug, &e, "was not searched")),
            Err(e) => return Err(e.into()),
        }
    }
    if !tally.failed.is_empty() {
        failure = Some(tally::cases_failed(&tally.failed, "could not be searched"));
    }
    let shown = show(ctx, &args, &hits);
    shown?;
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn show(ctx: &Ctx, args: &SearchArgs, hits: &[Hit]) -> Result<(), CliError> {
    if ctx.ui.json {
        return ctx.ui.json(&hits);
    }
    if !hits.is_empty() {
        ctx.ui
            .out(&ops::search::render(hits, args.all, ctx.ui.painter()))?;
    }
    ctx.ui.notice(&ops::search::found_notice(hits, &args.query));
    Ok(())
}

//! `iepcase search QUERY [--all]`: find a word in every field of the records of one case or
//! of every case.

use clap::Args;
use iepcase::crypto::Identities;
use iepcase::search::{Hit, search_record};
use iepcase::store::Case;
use rayon::prelude::*;

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
    let identities = ctx.identities()?;
    let results: Vec<(String, Result<Searched, CliError>)> = slugs
        .par_iter()
        .map(|slug| {
            (
                slug.clone(),
                search_case(&ws.case_dir(slug), slug, identities, &args.query),
            )
        })
        .collect();
    let mut hits = Vec::new();
    // What could not be searched: the search still shows what it found, then exits 1 so a
    // script never takes a partial answer for a whole one.
    let mut failure = None;
    let mut failed_cases = Vec::new();
    for (slug, result) in results {
        match result {
            Ok((found, unreadable)) => {
                hits.extend(found);
                for id in &unreadable {
                    ctx.ui.warn(&format!(
                        "record {id} of case `{slug}` cannot be read and was not searched"
                    ));
                }
                if !unreadable.is_empty() && failure.is_none() {
                    failure = Some(super::records::unreadable_error(&slug, &unreadable));
                }
            }
            Err(e) if args.all => {
                ctx.ui
                    .warn(&format!("case `{slug}` was not searched: {}", e.message));
                failed_cases.push(slug);
            }
            Err(e) => return Err(e),
        }
    }
    if !failed_cases.is_empty() {
        failure = Some(
            CliError::user(format!(
                "{} case{} could not be searched: {}",
                failed_cases.len(),
                if failed_cases.len() == 1 { "" } else { "s" },
                failed_cases.join(", ")
            ))
            .hint("see which with `iepcase case list`; a case you are not a member of needs `iepcase share` from a member"),
        );
    }
    let shown = show(ctx, &args, &hits);
    shown?;
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn show(ctx: &Ctx, args: &SearchArgs, hits: &[Hit]) -> Result<(), CliError> {
    if ctx.ui.json {
        return ctx.ui.json(&hits);
    }
    if hits.is_empty() {
        ctx.ui
            .status(&format!("No record mentions `{}`", args.query));
        return Ok(());
    }
    let mut out = String::new();
    for hit in hits {
        let case = if args.all {
            format!("{}  ", hit.case)
        } else {
            String::new()
        };
        let kind = ctx.ui.paint(anstyle::Style::new().dimmed(), &hit.kind);
        out.push_str(&format!(
            "{case}{}  {}  {kind}  {}\n",
            hit.id,
            hit.date,
            super::ui::printable(&hit.title)
        ));
        let (a, b) = hit.matched;
        let matched = ctx.ui.paint(
            anstyle::Style::new().bold().underline(),
            &super::ui::printable(&hit.snippet[a..b]),
        );
        out.push_str(&format!(
            "    {}: {}{matched}{}\n",
            hit.field,
            super::ui::printable(&hit.snippet[..a]),
            super::ui::printable(&hit.snippet[b..])
        ));
    }
    ctx.ui.out(&out)?;
    ctx.ui.status(&format!(
        "{} record{} found",
        hits.len(),
        if hits.len() == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// The hits in one case, and the records that could not be read.
type Searched = (Vec<Hit>, Vec<String>);

fn search_case(
    dir: &std::path::Path,
    slug: &str,
    ids: &Identities,
    query: &str,
) -> Result<Searched, CliError> {
    let case = Case::open(dir, slug, ids)?;
    let mut hits = Vec::new();
    let mut unreadable = Vec::new();
    for (id, text) in case.texts()? {
        match text {
            Ok(text) => hits.extend(search_record(slug, id.as_str(), &text, query)),
            Err(_) => unreadable.push(id.to_string()),
        }
    }
    hits.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
    Ok((hits, unreadable))
}

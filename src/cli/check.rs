//! `iepcase check [--all] [--today D]`: procedural findings with citations and next steps;
//! exits 3 when any finding is a warning or an error.

use clap::Args;

use iepcase::check::Severity;
use iepcase::json::FindingJson;
use iepcase::ops::{self, check::CaseFindings};
use iepcase::record::Date;

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::cases::{cases, rulebook, today, warn_fallback};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Every open case of the workspace, not just the selected one
    #[arg(long)]
    pub all: bool,
    /// Check as of DATE instead of today
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
}

pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<(), CliError> {
    let book = rulebook(ctx)?;
    let today = today(ctx, args.today);
    let (cases, failure) = cases(ctx, args.all)?;
    let results = ops::check::check(ctx.workspace()?, &cases, &book, today, !ctx.ui.json);
    for case in &results {
        if let Some(state) = &case.fallback_state {
            warn_fallback(ctx, &case.slug, state);
        }
    }
    let all = || {
        results
            .iter()
            .flat_map(|c| c.findings.iter().map(move |f| (&c.slug, f)))
    };
    if ctx.ui.json {
        let rows: Vec<FindingJson<'_>> = all().map(|(c, f)| FindingJson::new(c, f)).collect();
        ctx.ui.json(&rows)?;
    } else {
        show_text(ctx, &results, args.all, today)?;
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if all().any(|(_, f)| f.severity >= Severity::Warning) {
        return Err(CliError::found());
    }
    Ok(())
}

/// The findings as text, each with the facts its suggested letter still needs, and a count.
fn show_text(
    ctx: &Ctx,
    results: &[CaseFindings],
    all_cases: bool,
    today: Date,
) -> Result<(), CliError> {
    let out = ops::findings::render(results, all_cases, ctx.ui.width(), ctx.ui.painter());
    ctx.ui.out(&out)?;
    ctx.ui
        .status(&ops::check::summary(results, all_cases, today));
    ctx.ui.status(
        "Not legal advice: each finding names its citation and how sure the rule is; check \
         it against the law.",
    );
    Ok(())
}

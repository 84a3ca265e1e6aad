//! What `deadlines`, `check`, `prep` and `case list` share: the rule book (built in plus the
//! workspace's `rules/`), the day to compute for, and the cases to look at, read in parallel
//! by the library, with what could not be read told once, the same way everywhere.

use iepcase::ops::diagnosis::Diagnosis;
use iepcase::ops::tally::{self, Tally};
use iepcase::record::Date;
use iepcase::rules::Rulebook;

pub use iepcase::ops::cases::CaseFacts;

use super::super::context::Ctx;
use super::super::error::CliError;

/// Warns that case `slug`'s state has no rules of its own.
pub fn warn_fallback(ctx: &Ctx, slug: &str, state: &str) {
    ctx.ui.notices(&tally::fallback(slug, state));
}

/// The built-in rules with the workspace's `rules/*.toml` on top.
pub fn rulebook(ctx: &Ctx) -> Result<Rulebook, CliError> {
    Ok(ctx.workspace()?.rulebook()?)
}

/// `--today`, else today's date (from `IEPCASE_NOW` when set).
pub fn today(ctx: &Ctx, flag: Option<Date>) -> Date {
    flag.unwrap_or_else(|| ctx.today())
}

/// The selected case, or with `all` every open case of the workspace (closed ones are left
/// out). With `all`, cases that cannot be read are reported and skipped; records that cannot
/// be read are left out. The second value is the error to end with, after the output.
pub fn cases(ctx: &Ctx, all: bool) -> Result<(Vec<CaseFacts>, Option<CliError>), CliError> {
    if !all {
        let case = ctx.open_case()?;
        let facts = CaseFacts::read(&case, false)?;
        let failure = (!facts.unreadable.is_empty()).then(|| {
            ctx.ui.warn(&format!(
                "case `{}`: {} record(s) cannot be read and are left out",
                facts.slug,
                facts.unreadable.len(),
            ));
            let ids: Vec<String> = facts.unreadable.iter().map(|id| id.to_string()).collect();
            tally::unreadable(&facts.slug, &ids).into()
        });
        return Ok((vec![facts], failure));
    }
    let ws = ctx.workspace()?;
    let read = iepcase::ops::cases::read_open(ws, &ws.case_slugs()?, ctx.identities()?);
    let mut tally = Tally::default();
    let cases = read
        .into_iter()
        .filter_map(|(slug, outcome)| {
            let (facts, warning) = tally.take(slug, outcome.map_err(Diagnosis::from), "skipped");
            if let Some(warning) = warning {
                ctx.ui.warn(&warning);
            }
            facts
        })
        .collect();
    Ok((cases, tally.failure().map(CliError::from)))
}

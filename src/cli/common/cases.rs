//! What `deadlines`, `check`, `prep` and `case list` share: the rule book (built in plus the
//! workspace's `rules/`), the day to compute for, and the cases to look at, read in parallel
//! by the library, with what could not be read told once, the same way everywhere.

use iepcase::record::Date;
use iepcase::rules::Rulebook;

pub use iepcase::ops::cases::CaseFacts;

use super::super::context::Ctx;
use super::super::error::CliError;

/// Warns that case `slug`'s state has no rules of its own.
pub fn warn_fallback(ctx: &Ctx, slug: &str, state: &str) {
    ctx.ui.warn(&format!(
        "case `{slug}`: iepcase has no rules for state {state}; using the federal rules only"
    ));
    ctx.ui
        .hint("add them as rules/<state>.toml in the workspace (see docs/deadlines.md)");
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
            super::records::unreadable_error(&facts.slug, &ids)
        });
        return Ok((vec![facts], failure));
    }
    let ws = ctx.workspace()?;
    let read = iepcase::ops::cases::read_open(ws, &ws.case_slugs()?, ctx.identities()?);
    let mut tally = Tally::default();
    let cases = read
        .into_iter()
        .filter_map(|(slug, outcome)| {
            tally.take(ctx, slug, outcome.map_err(CliError::from), "skipped")
        })
        .collect();
    Ok((cases, tally.error()))
}

/// What a command over every case could not do: the cases it could not open, and those it
/// could open only in part (some records unreadable).
#[derive(Default)]
pub struct Tally {
    pub failed: Vec<String>,
    pub partial: Vec<String>,
}

impl Tally {
    /// Keeps a case's facts, or warns that the case was `skipped` ("skipped", "not searched")
    /// and notes it; a case with unreadable records is warned about and noted as partial.
    pub fn take(
        &mut self,
        ctx: &Ctx,
        slug: String,
        outcome: Result<CaseFacts, CliError>,
        skipped: &str,
    ) -> Option<CaseFacts> {
        match outcome {
            Ok(facts) => {
                let broken = facts.unreadable.len();
                if broken > 0 {
                    ctx.ui.warn(&format!(
                        "case `{slug}`: {broken} record(s) cannot be read and are left out; \
                         run `iepcase -c {slug} fsck`"
                    ));
                    self.partial.push(slug);
                }
                Some(facts)
            }
            Err(e) => {
                self.fail(ctx, slug, &e, skipped);
                None
            }
        }
    }

    /// Warns that case `slug` was `skipped` because of `error`, and notes it.
    pub fn fail(&mut self, ctx: &Ctx, slug: String, error: &CliError, skipped: &str) {
        ctx.ui
            .warn(&format!("case `{slug}` {skipped}: {}", error.message));
        self.failed.push(slug);
    }

    /// The error to end with, if anything could not be read.
    pub fn error(&self) -> Option<CliError> {
        if !self.failed.is_empty() {
            Some(cases_failed(&self.failed, "could not be read"))
        } else if !self.partial.is_empty() {
            Some(
                CliError::user(format!(
                    "some records of {} could not be read and were left out: {}",
                    count(self.partial.len()),
                    self.partial.join(", ")
                ))
                .hint(format!(
                    "run `iepcase -c {} fsck` to check every file",
                    self.partial[0]
                )),
            )
        } else {
            None
        }
    }
}

/// "1 case could not be read: a", with how to find out why.
pub fn cases_failed(slugs: &[String], what: &str) -> CliError {
    CliError::user(format!(
        "{} {what}: {}",
        count(slugs.len()),
        slugs.join(", ")
    ))
    .hint(
        "see which with `iepcase case list`; a case you are not a member of needs \
         `iepcase share` from a member",
    )
}

/// "1 case", "2 cases".
fn count(n: usize) -> String {
    if n == 1 {
        "1 case".to_owned()
    } else {
        format!("{n} cases")
    }
}

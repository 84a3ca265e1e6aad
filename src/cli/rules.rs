//! What `deadlines`, `check` and `case list` share: the rule book (built in plus the
//! workspace's `rules/`), the day to compute for, and the cases to look at, read in parallel.

use iepcase::record::{CaseMeta, CaseStatus, Date};
use iepcase::rules::{Deadline, RuleSet, Rulebook};
use iepcase::store::{Case, StoredRecord};
use rayon::prelude::*;

use super::context::Ctx;
use super::error::CliError;

/// One case, read: its records, metadata and the rules it is judged by.
pub struct CaseFacts {
    pub slug: String,
    pub meta: CaseMeta,
    /// The readable records; unreadable ones are warned about and left out.
    pub records: Vec<StoredRecord>,
}

impl CaseFacts {
    /// The case's state, else the workspace's default state.
    pub fn state<'a>(&'a self, ctx: &'a Ctx) -> Option<&'a str> {
        self.meta.state.as_deref().or_else(|| {
            ctx.workspace()
                .ok()
                .and_then(|ws| ws.config.state.as_deref())
        })
    }

    /// The rule set for this case, warning when its state has none of its own.
    pub fn rules<'b>(&self, ctx: &Ctx, book: &'b Rulebook) -> &'b RuleSet {
        let state = self.state(ctx);
        let selection = book.select(state);
        if selection.fallback {
            ctx.ui.warn(&format!(
                "case `{}`: iepcase has no rules for state {}; using the federal rules only",
                self.slug,
                state.unwrap_or_default()
            ));
            ctx.ui
                .hint("add them as rules/<state>.toml in the workspace (see docs/deadlines.md)");
        }
        selection.set
    }

    /// The case's deadlines on `today`.
    pub fn deadlines(&self, ctx: &Ctx, book: &Rulebook, today: Date) -> Vec<Deadline> {
        iepcase::rules::deadlines(&self.records, &self.meta, self.rules(ctx, book), today)
    }

    /// The case's links ([`iepcase::links`]) and its deadlines on `today` computed from them.
    pub fn linked_deadlines(
        &self,
        ctx: &Ctx,
        book: &Rulebook,
        today: Date,
    ) -> (iepcase::links::Linked, Vec<Deadline>) {
        let linked = iepcase::links::link(&self.records);
        let deadlines =
            iepcase::rules::deadlines_of(&linked, &self.meta, self.rules(ctx, book), today);
        (linked, deadlines)
    }
}

/// The built-in rules with the workspace's `rules/*.toml` on top.
pub fn rulebook(ctx: &Ctx) -> Result<Rulebook, CliError> {
    let ws = ctx.workspace()?;
    Ok(Rulebook::load(&ws.root.join("rules"))?)
}

/// `--today`, else today's date (from `IEPCASE_NOW` when set).
pub fn today(ctx: &Ctx, flag: Option<Date>) -> Date {
    flag.unwrap_or_else(|| ctx.today())
}

/// Reads one open case; the error says which records could not be read (they are left out).
fn read(ctx: &Ctx, case: &Case) -> Result<(CaseFacts, Option<CliError>), CliError> {
    let (_, meta) = case.meta()?;
    let loaded = case.records()?;
    let failure = (!loaded.broken.is_empty()).then(|| {
        ctx.ui.warn(&format!(
            "case `{}`: {} record(s) cannot be read and are left out",
            case.slug(),
            loaded.broken.len(),
        ));
        let ids: Vec<String> = loaded.broken.iter().map(|b| b.id.to_string()).collect();
        super::records::unreadable_error(case.slug(), &ids)
    });
    let facts = CaseFacts {
        slug: case.slug().to_owned(),
        meta,
        records: loaded.records,
    };
    Ok((facts, failure))
}

/// A case read in parallel: metadata, readable records, and how many could not be read.
type Loaded = Result<(CaseMeta, Vec<StoredRecord>, usize), CliError>;

/// The selected case, or with `all` every open case of the workspace. With `all`, cases that
/// cannot be read are reported and skipped, and the second value is the error to end with.
pub fn cases(ctx: &Ctx, all: bool) -> Result<(Vec<CaseFacts>, Option<CliError>), CliError> {
    if !all {
        let case = ctx.open_case()?;
        let (facts, failure) = read(ctx, &case)?;
        return Ok((vec![facts], failure));
    }
    let ws = ctx.workspace()?;
    let slugs = ws.case_slugs()?;
    let ids = ctx.identities()?;
    let opened: Vec<(String, Loaded)> = slugs
        .par_iter()
        .map(|slug| {
            let result = Case::open(&ws.case_dir(slug), slug, ids)
                .map_err(CliError::from)
                .and_then(|case| {
                    let (_, meta) = case.meta()?;
                    if meta.status == CaseStatus::Closed {
                        return Ok((meta, Vec::new(), 0));
                    }
                    let loaded = case.records()?;
                    Ok((meta, loaded.records, loaded.broken.len()))
                });
            (slug.clone(), result)
        })
        .collect();
    let mut cases = Vec::new();
    let mut failed = Vec::new();
    let mut partial = Vec::new();
    for (slug, result) in opened {
        match result {
            Ok((meta, _, _)) if meta.status == CaseStatus::Closed => {}
            Ok((meta, records, broken)) => {
                if broken > 0 {
                    ctx.ui.warn(&format!(
                        "case `{slug}`: {broken} record(s) cannot be read and are left out; \
                         run `iepcase -c {slug} fsck`"
                    ));
                    partial.push(slug.clone());
                }
                cases.push(CaseFacts {
                    slug,
                    meta,
                    records,
                });
            }
            Err(e) => {
                ctx.ui
                    .warn(&format!("case `{slug}` skipped: {}", e.message));
                failed.push(slug);
            }
        }
    }
    let error = if !failed.is_empty() {
        Some(
            CliError::user(format!(
                "{} case(s) could not be read: {}",
                failed.len(),
                failed.join(", ")
            ))
            .hint("see which with `iepcase case list`; a case you are not a member of needs `iepcase share` from a member"),
        )
    } else if !partial.is_empty() {
        Some(
            CliError::user(format!(
                "some records of {} case(s) could not be read and were left out: {}",
                partial.len(),
                partial.join(", ")
            ))
            .hint(format!(
                "run `iepcase -c {} fsck` to check every file",
                partial[0]
            )),
        )
    } else {
        None
    };
    Ok((cases, error))
}

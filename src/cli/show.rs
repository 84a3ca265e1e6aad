//! `iepcase show ID [--rev REV]`: print a record as TOML, or JSON with `--json`, and point out
//! sync conflict copies left beside it.

use clap::Args;
use iepcase::record::RecordId;
use iepcase::store::Case;

use super::context::Ctx;
use super::error::CliError;
use super::records::record_json;

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Show it as it was at revision REV (a commit id from `iepcase log`, or HEAD~1)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let stored = match &args.rev {
        None => case.read_record(&case.resolve(&args.id)?)?,
        Some(rev) => {
            let id = match case.resolve(&args.id) {
                Ok(id) => id,
                // A record removed since then is named by its full id.
                Err(_) => iepcase::record::RecordId::parse(&args.id).ok_or_else(|| {
                    CliError::user(format!("no record matches `{}`", args.id))
                        .hint("give the full id of a removed record")
                })?,
            };
            case.read_record_at(&id, rev)?
        }
    };
    if args.rev.is_none() && !stored.id.is_conflict() {
        conflict_notice(ctx, &case, &stored.id)?;
    }
    if ctx.ui.json {
        return ctx.ui.json(&record_json(&stored));
    }
    if stored.id.is_conflict() {
        ctx.ui.warn(&format!(
            "{} is a sync conflict copy of {}; settle it with `iepcase resolve {} --keep local|remote|{}`",
            stored.id,
            stored.id.base(),
            stored.id.base(),
            stored.id
        ));
    }
    ctx.ui.out(&stored.text)?;
    if !stored.text.ends_with('\n') {
        ctx.ui.out("\n")?;
    }
    Ok(())
}

/// Warns when a sync left conflict copies of `id` beside it (SPEC section 9).
fn conflict_notice(ctx: &Ctx, case: &Case, id: &RecordId) -> Result<(), CliError> {
    let copies: Vec<String> = case
        .record_ids()?
        .into_iter()
        .map(|(copy, _)| copy)
        .filter(|copy| copy.is_conflict() && copy.base() == id.as_str())
        .map(|copy| copy.to_string())
        .collect();
    let Some(first) = copies.first() else {
        return Ok(());
    };
    ctx.ui.warn(&format!(
        "{id} has a sync conflict: the other side's version is in {}",
        copies.join(", ")
    ));
    // `--keep remote` only works when there is a single copy.
    let keep = match copies.as_slice() {
        [one] => format!("local|remote|{one}"),
        many => format!("local|{}", many.join("|")),
    };
    ctx.ui.hint(&format!(
        "compare with `iepcase diff {id} {first}`, settle with `iepcase resolve {id} --keep {keep}`"
    ));
    Ok(())
}

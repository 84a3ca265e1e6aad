//! `iepcase show ID [--rev REV]`: print a record as TOML, or JSON with `--json`, and point out
//! sync conflict copies left beside it.

use clap::Args;
use iepcase::ops;
use iepcase::record::RecordId;

use super::context::Ctx;
use super::error::CliError;

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
    let shown = ops::records::show(&case, &args.id, args.rev.as_deref())?;
    let (stored, links, unlinked) = (&shown.stored, &shown.inferred, &shown.unlinked);
    conflict_notice(ctx, &stored.id, &shown.conflict_copies);
    if ctx.ui.json {
        let json = iepcase::json::record(stored, links);
        return ctx.ui.json(&json);
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
    for (field, target, about) in links {
        ctx.ui.out(&format!(
            "# inferred by iepcase, not stored: {field} = \"{target}\"  # {about}\n"
        ))?;
    }
    if let Some((field, target, _)) = links.first() {
        ctx.ui.hint(&format!(
            "to make an inferred link part of the record: `iepcase edit {} --set {field}={target}`",
            stored.id
        ));
    }
    if let Some(u) = unlinked {
        let candidates: Vec<String> = u.candidates.iter().map(|c| c.to_string()).collect();
        ctx.ui.warn(&format!(
            "iepcase cannot tell which record this one's `{}` is: {}",
            u.field,
            candidates.join(" or ")
        ));
        ctx.ui.hint(&format!(
            "say which with `iepcase edit {} --set {}={}`",
            stored.id,
            u.field,
            candidates.first().map_or("ID", String::as_str)
        ));
    }
    Ok(())
}

/// Warns when a sync left conflict copies of `id` beside it (SPEC section 9).
fn conflict_notice(ctx: &Ctx, id: &RecordId, copies: &[RecordId]) {
    let copies: Vec<String> = copies.iter().map(ToString::to_string).collect();
    let Some(first) = copies.first() else {
        return;
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
}

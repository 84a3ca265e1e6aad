//! `iepcase show ID [--rev REV]`: print a record as TOML, or JSON with `--json`, and point out
//! sync conflict copies left beside it.

use clap::Args;
use iepcase::links::{LinkField, Unlinked};
use iepcase::record::RecordId;
use iepcase::store::Case;

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::records::record_json;

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
    // Links the record leaves out, as `check` and `deadlines` infer them (not for an old
    // revision: the case then was another case).
    // Only a record whose link field is empty has links to infer: the others are shown
    // without reading the rest of the case.
    let missing_link = matches!(iepcase::links::link_field(&stored.record), Some((_, None)));
    let found = match args.rev.is_none() && !stored.id.is_conflict() && missing_link {
        true => Some(inferred(&case, &stored.id)?),
        false => None,
    };
    let (links, unlinked) = found.unwrap_or_default();
    if ctx.ui.json {
        let mut json = record_json(&stored);
        if let Some(obj) = json.as_object_mut()
            && !links.is_empty()
        {
            for (field, target, _) in &links {
                obj.insert(field.as_str().into(), target.as_str().into());
            }
            let fields: Vec<&str> = links.iter().map(|(f, _, _)| f.as_str()).collect();
            obj.insert("inferred".into(), fields.into());
        }
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
    for (field, target, about) in &links {
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

/// A link iepcase inferred: the field, the record it points to, and that record described.
type InferredLink = (LinkField, RecordId, String);

/// The links of record `id` that iepcase infers from the case, and why it could not link it,
/// if it could not.
fn inferred(case: &Case, id: &RecordId) -> Result<(Vec<InferredLink>, Option<Unlinked>), CliError> {
    let loaded = case.records()?;
    let linked = iepcase::links::link(&loaded.records);
    let links = linked
        .inferred(id)
        .iter()
        .map(|l| {
            let about = linked.get(l.target.as_str()).map_or(String::new(), |r| {
                format!(
                    "{} of {}, \"{}\"",
                    r.record.kind(),
                    r.record.date(),
                    r.record.title()
                )
            });
            (l.field, l.target.clone(), about)
        })
        .collect();
    let unlinked = linked.unlinked.iter().find(|u| &u.record == id).cloned();
    Ok((links, unlinked))
}

/// Warns when a sync left conflict copies of `id` beside it (SPEC section 9).
fn conflict_notice(ctx: &Ctx, case: &Case, id: &RecordId) -> Result<(), CliError> {
    let copies: Vec<String> = case
        .conflict_copies(id)?
        .into_iter()
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

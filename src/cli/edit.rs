//! `iepcase edit ID`: change a record in the editor, or with `--set`/`--unset`.

use clap::Args;
use iepcase::record::schema::record_shape;
use iepcase::record::{edit, parse_record};
use iepcase::store::Case;

use super::context::Ctx;
use super::editor;
use super::error::CliError;
use crate::cli::common::records::{LinkProblem, full_links, warn_dangling_references};

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Set FIELD to VALUE without an editor, e.g. title="…" or goals[1].text="…" (can be repeated)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Remove FIELD (can be repeated)
    #[arg(long = "unset", value_name = "FIELD")]
    pub unset: Vec<String>,
}

pub fn run(ctx: &Ctx, args: EditArgs) -> Result<(), CliError> {
    // Held through the editor session, so nothing changes the record underneath.
    let (case, lock) = ctx.open_case_locked("edit")?;
    let id = case.resolve(&args.id)?;
    let stored = case.read_record(&id)?;
    let kind = stored.record.kind();
    let text = if args.set.is_empty() && args.unset.is_empty() {
        match edit_in_editor(&case, &stored.text, &id.to_string())? {
            Some(text) => text,
            None => {
                ctx.ui.status("Nothing changed");
                return Ok(());
            }
        }
    } else {
        let mut text = stored.text.clone();
        for assignment in &args.set {
            let (path, value) = edit::split_assignment(assignment)?;
            text = edit::set(&text, path, value, record_shape(kind))?;
        }
        for path in &args.unset {
            text = edit::unset(&text, path)?;
        }
        // `--set refuses=6zcy`: a unique prefix is stored as the full id.
        full_links(&case, &text, &format!("record {id}"), None)?
    };
    let record = parse_record(&text, &format!("record {id}"))?;
    check_attachments(&case, &record)?;
    let mut tx = case.transaction(&lock);
    if !tx.put_record(&id, &text)? {
        ctx.ui.status("Nothing changed");
        return Ok(());
    }
    tx.commit(&format!("edit record {id}"), &ctx.commit_context()?)?;
    warn_dangling_references(ctx, &case, &record);
    ctx.ui.status(&format!(
        "Updated {} {id}: {}",
        record.kind(),
        record.title()
    ));
    Ok(())
}

/// Edits until valid; `None` when the user saved nothing new. Link values written as id
/// prefixes are stored as full ids.
fn edit_in_editor(case: &Case, original: &str, id: &str) -> Result<Option<String>, CliError> {
    let mut shown = original.to_owned();
    let origin = format!("record {id}");
    loop {
        let edited = editor::edit(&shown, &format!("{id}.toml"))?;
        let cleaned = editor::strip_notes(&edited);
        if edited == shown || cleaned == original {
            return Ok(None);
        }
        let full = match full_links(case, &cleaned, &origin, None) {
            Ok(full) => full,
            Err(LinkProblem::Record(e)) => {
                shown = editor::with_problems(&cleaned, &e, "record");
                continue;
            }
            Err(problem) => return Err(problem.into()),
        };
        match parse_record(&full, &origin) {
            Ok(_) => return Ok(Some(full)),
            Err(e) => shown = editor::with_problems(&cleaned, &e, "record"),
        }
    }
}

/// Attachment entries must point at files the case holds.
fn check_attachments(case: &Case, record: &iepcase::record::Record) -> Result<(), CliError> {
    for attachment in &record.common.attachments {
        let present = match &attachment.blob {
            Some(blob) => case.has_attachment(blob)?,
            None => false,
        };
        if !present {
            return Err(CliError::user(format!(
                "attachment `{}` is not in the case",
                attachment.name
            ))
            .hint(
                "add files with `iepcase attach ID FILE` and remove them with `iepcase detach ID NAME`; \
                 do not write [[attachments]] by hand",
            ));
        }
    }
    Ok(())
}

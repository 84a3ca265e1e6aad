//! `iepcase edit ID`: change a record in the editor, or with `--set`/`--unset`.

use clap::Args;
use iepcase::ops::{self, OpsError};
use iepcase::record::parse_record;
use iepcase::store::Case;

use super::context::Ctx;
use super::editor;
use super::error::CliError;

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
    let text = if args.set.is_empty() && args.unset.is_empty() {
        match edit_in_editor(&case, &stored.text, &id.to_string())? {
            Some(text) => text,
            None => {
                ctx.ui.status("Nothing changed");
                return Ok(());
            }
        }
    } else {
        ops::records::changed_text(&case, &stored, &args.set, &args.unset)?
    };
    let Some(saved) = ops::records::save(&case, &lock, &id, &text, &ctx.commit_context()?)? else {
        ctx.ui.status("Nothing changed");
        return Ok(());
    };
    ctx.ui.notices(&saved.notices("Updated", None));
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
        let full = match ops::records::full_links(case, &cleaned, &origin, None) {
            Ok(full) => full,
            Err(OpsError::Record(e)) => {
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

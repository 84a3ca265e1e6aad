//! `iepcase new KIND`: write a record in the editor from a template, re-opening it with the
//! problems listed until it is valid or abandoned.

use clap::Args;
use iepcase::ops::{self, OpsError};
use iepcase::record::template::{strip_template_comments, template};
use iepcase::record::{Kind, parse_record};

use super::context::Ctx;
use super::editor;
use super::error::CliError;
use crate::cli::common::records::parse_kind;

#[derive(Debug, Args)]
#[command(after_help = crate::cli::common::records::KINDS_HELP)]
pub struct NewArgs {
    /// The kind of record to write
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
}

pub fn run(ctx: &Ctx, args: NewArgs) -> Result<(), CliError> {
    // Open the case first: a missing key should stop us before any typing. This copy is
    // read while the editor is open (ids for link prefixes); the write takes the lock.
    let preview = ctx.open_case()?;
    let start = template(args.kind, ctx.today());
    let mut shown = start.clone();
    let text = loop {
        let edited = editor::edit(&shown, &format!("new-{}.toml", args.kind))?;
        if edited == shown || edited.trim().is_empty() {
            ctx.ui.status("Nothing added");
            return Ok(());
        }
        // Checked as shown, so the problems' line numbers are the editor's; link values
        // written as id prefixes are stored as full ids.
        let body = editor::strip_notes(&edited);
        let full = match ops::records::full_links(&preview, &body, "the new record", None) {
            Ok(full) => full,
            Err(OpsError::Record(e)) => {
                shown = editor::with_problems(&body, &e, "record");
                continue;
            }
            Err(problem) => return Err(problem.into()),
        };
        match parse_record(&full, "the new record") {
            Ok(_) => break strip_template_comments(&full, &start),
            Err(e) => shown = editor::with_problems(&body, &e, "record"),
        }
    };
    let (case, lock) = ctx.open_case_locked("new")?;
    let new = ops::records::NewRecord {
        text,
        attach: &[],
        max_size: None,
        allow_duplicate: true,
    };
    let added = ops::records::add(&case, &lock, new, &ctx.commit_context()?)?;
    ctx.ui.notices(&added.notices("Added", None));
    ctx.ui.line(added.id.as_str())
}

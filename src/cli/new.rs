//! `iepcase new KIND`: write a record in the editor from a template, re-opening it with the
//! problems listed until it is valid or abandoned.

use clap::Args;
use iepcase::record::template::{strip_template_comments, template};
use iepcase::record::{Kind, RecordId, parse_record};

use super::context::Ctx;
use super::editor;
use super::error::CliError;
use crate::cli::common::records::{LinkProblem, full_links, parse_kind, warn_dangling_references};

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
        let full = match full_links(&preview, &body, "the new record", None) {
            Ok(full) => full,
            Err(LinkProblem::Record(e)) => {
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
    let record = parse_record(&text, "the new record")?;
    let (case, lock) = ctx.open_case_locked("new")?;
    let id = RecordId::generate();
    let mut tx = case.transaction(&lock);
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), &ctx.commit_context()?)?;
    warn_dangling_references(ctx, &case, &record);
    ctx.ui
        .status(&format!("Added {} {id}: {}", record.kind(), record.title()));
    ctx.ui.line(id.as_str())
}

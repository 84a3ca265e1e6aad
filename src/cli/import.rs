//! `iepcase import FILE…`: e-mails, mbox files, PDFs and images as records, all in one commit.

use std::path::PathBuf;

use clap::Args;
use iepcase::import::{Draft, Options};
use iepcase::record::{Date, Kind, parse_record};

use super::context::Ctx;
use super::editor;
use super::error::CliError;
use crate::cli::common::records::parse_kind;
use iepcase::ops;

#[derive(Debug, Args)]
#[command(after_help = crate::cli::common::records::KINDS_HELP)]
pub struct ImportArgs {
    /// E-mails (.eml), mbox files, PDFs or images
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// The kind of record a PDF or image becomes (e-mails become communication records)
    #[arg(long, value_parser = parse_kind, default_value = "communication", value_name = "KIND")]
    pub kind: Kind,
    /// Date the records DATE instead of the date found in them
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// Title the records TITLE instead of the subject or file name
    #[arg(long)]
    pub title: Option<String>,
    /// Set FIELD to VALUE in every record, e.g. type=iee (can be repeated)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Open each record in your editor before it is added
    #[arg(long)]
    pub edit: bool,
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let options = Options {
        kind: args.kind,
        date: args.date,
        title: args.title.clone(),
        sets: args.set.clone(),
        my_addresses: ws.my_addresses(),
        today: ctx.today(),
    };
    let files: Vec<PathBuf> = args.files.iter().map(|f| ctx.absolute(f)).collect();
    let (case, lock) = ctx.open_case_locked("import")?;
    let progress = ctx.ui.progress("Reading", 0, true);
    let plan = ops::import::plan(&case, &files, &options, &mut |done, total| {
        progress.update(done, total)
    });
    progress.finish();
    let plan = plan?;
    ctx.ui.notices(&ops::import::plan_notices(&plan));
    if plan.drafts.is_empty() {
        ctx.ui.status("Nothing to import");
        return Ok(());
    }
    if ops::import::kind_unused(&plan, args.kind) {
        ctx.ui
            .warn("--kind applies to PDFs and images; e-mails become communication records");
    }
    let drafts = if args.edit {
        edit_drafts(ctx, plan.drafts)?
    } else {
        ops::import::check(&plan.drafts)?;
        plan.drafts
    };
    if drafts.is_empty() {
        ctx.ui.status("Nothing added");
        return Ok(());
    }
    let saved = ops::import::save(&case, &lock, &drafts, &ctx.commit_context()?)?;
    ctx.ui
        .notices(&ops::import::saved_notices(&saved, &drafts, args.edit));
    for written in saved {
        ctx.ui.line(written.id.as_str())?;
    }
    Ok(())
}

/// The drafts to add, each opened in the editor; an emptied one is left out.
fn edit_drafts(ctx: &Ctx, found: Vec<Draft>) -> Result<Vec<Draft>, CliError> {
    let mut drafts = Vec::new();
    for mut draft in found {
        match edit_draft(&draft)? {
            Some(text) => draft.text = text,
            None => {
                ctx.ui.status(&format!(
                    "Left out {} (emptied in the editor)",
                    draft.origin
                ));
                continue;
            }
        }
        drafts.push(draft);
    }
    Ok(drafts)
}

/// Opens a draft in the editor until it is valid; `None` when the user emptied it.
fn edit_draft(draft: &Draft) -> Result<Option<String>, CliError> {
    let mut notes = format!("{} from {}\n", editor::NOTE, draft.origin);
    for guess in &draft.guesses {
        notes.push_str(&format!("{} guessed: {guess}\n", editor::NOTE));
    }
    notes.push_str(&format!(
        "{} Save to add it as it is; empty the file to leave it out.\n",
        editor::NOTE
    ));
    let mut shown = match draft.validate() {
        Ok(_) => format!("{notes}{}", draft.text),
        Err(e) => editor::with_problems(&draft.text, &e, "record"),
    };
    let name = format!("import-{}.toml", draft.kind);
    loop {
        let edited = editor::strip_notes(&editor::edit(&shown, &name)?);
        if edited.trim().is_empty() {
            return Ok(None);
        }
        match parse_record(&edited, &draft.origin) {
            Ok(_) => return Ok(Some(edited)),
            Err(e) => shown = editor::with_problems(&edited, &e, "record"),
        }
    }
}

//! `iepcase attach ID FILE…` and `iepcase extract ID [--out DIR]`.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::ops;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Files to attach: PDFs, images, e-mails, recordings
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Take files up to SIZE (such as 500M or 4G; default 1G)
    #[arg(long, value_name = "SIZE", value_parser = crate::cli::common::args::parse_size)]
    pub max_size: Option<u64>,
}

#[derive(Debug, Args)]
pub struct DetachArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// The attachment: its file name, or its number (1 is the first, in the order
    /// `iepcase show` lists them)
    #[arg(value_name = "NAME|N")]
    pub attachment: String,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Folder to write the files into (default: the current folder)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite files that already exist
    #[arg(long)]
    pub force: bool,
}

pub fn run_attach(ctx: &Ctx, args: AttachArgs) -> Result<(), CliError> {
    for file in &args.files {
        if !ctx.absolute(file).is_file() {
            return Err(CliError::user(format!("{} is not a file", file.display())));
        }
    }
    let (case, lock) = ctx.open_case_locked("attach")?;
    let files: Vec<PathBuf> = args.files.iter().map(|f| ctx.absolute(f)).collect();
    let context = ctx.commit_context()?;
    let attached =
        ops::attachments::attach(&case, &lock, &args.id, &files, args.max_size, &context)?;
    ctx.ui.notices(&attached.notices());
    if !attached.added.is_empty() {
        let id = Some(attached.id.as_str());
        crate::cli::common::records::warn_unbindable(ctx, id, &args.files)?;
    }
    Ok(())
}

pub fn run_detach(ctx: &Ctx, args: DetachArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("detach")?;
    let context = ctx.commit_context()?;
    let (id, name) = ops::attachments::detach(&case, &lock, &args.id, &args.attachment, &context)?;
    ctx.ui
        .notice(&ops::attachments::detached_notice(&id, &name));
    Ok(())
}

pub fn run_extract(ctx: &Ctx, args: ExtractArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let id = case.resolve(&args.id)?;
    let stored = case.read_record(&id)?;
    let attachments = &stored.record.common.attachments;
    if attachments.is_empty() {
        ctx.ui.status(&format!("{id} has no attachments"));
        return Ok(());
    }
    let dir = ctx.absolute(args.out.as_deref().unwrap_or(Path::new(".")));
    let written = ops::attachments::extract(&case, &id, attachments, &dir, args.force)?;
    for path in written {
        ctx.ui.line(&path.display().to_string())?;
    }
    ctx.ui
        .warn("these files are decrypted: delete them when you are done");
    Ok(())
}

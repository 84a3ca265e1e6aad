//! `iepcase export --out DIR`: a decrypted copy of a case, as TOML and the original files.

use std::path::PathBuf;

use clap::Args;
use iepcase::ops;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Folder to write into; it must not exist or be empty
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let out = ctx.absolute(&args.out);
    let exported = ops::export::export(&case, &out)?;
    ctx.ui
        .notices(&ops::export::exported_notices(case.slug(), &exported, &out));
    Ok(())
}

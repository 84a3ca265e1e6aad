//! Remote addresses as commands keep them.

use super::super::context::Ctx;
use super::super::error::CliError;

/// A remote address as it is kept (see `ops::remotes::stored_url`), a folder with nothing
/// in it yet pointed out.
pub fn stored_url(ctx: &Ctx, url: &str) -> Result<String, CliError> {
    let (url, notices) = iepcase::ops::remotes::stored_url(&ctx.cwd, url)?;
    ctx.ui.notices(&notices);
    Ok(url)
}

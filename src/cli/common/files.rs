//! Where `letter --out` and `--pdf` write: checked before the letter is drafted, so a bad path
//! is told in the user's own words (never a temporary file's name) and plaintext never lands
//! in a case folder.

use std::path::Path;

use iepcase::letters::Format;
use iepcase::ops::output::{check_target, write_private};
use iepcase::record::Date;
use iepcase::workspace::Workspace;

use super::super::context::Ctx;
use super::super::error::CliError;

/// The letter's format (see [`iepcase::ops::letters::choose_format`]).
pub fn format(
    ctx: &Ctx,
    given: Option<&str>,
    out: Option<&Path>,
    template: &str,
    date: Date,
) -> Result<Format, CliError> {
    let to_terminal = ctx.ui.stdout_is_terminal();
    Ok(iepcase::ops::letters::choose_format(
        given,
        out,
        to_terminal,
        template,
        date,
    )?)
}

/// Checks that `path` (absolute, given with `flag`) can take the letter (see
/// [`check_target`]), with what to do instead. `example` is a file name for hints.
pub fn check(
    ws: &Workspace,
    flag: &str,
    path: &Path,
    force: bool,
    example: &str,
) -> Result<(), CliError> {
    check_target(ws, path, force).map_err(|e| {
        let hint = e.hint(flag, example);
        CliError::user(e.to_string()).hint(hint)
    })
}

/// Writes `data` to `path` atomically (mode 0600), naming `path` if it fails.
pub fn write(path: &Path, data: &[u8]) -> Result<(), CliError> {
    Ok(write_private(path, data)?)
}

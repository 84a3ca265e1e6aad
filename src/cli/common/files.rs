//! Where `letter --out` and `--pdf` write: checked before the letter is drafted, so a bad path
//! is told in the user's own words (never a temporary file's name) and plaintext never lands
//! in a case folder.

use std::path::Path;

use iepcase::letters::Format;
use iepcase::ops::output::{TargetError, check_target};
use iepcase::record::Date;
use iepcase::workspace::Workspace;

use super::super::context::Ctx;
use super::super::error::CliError;

/// The letter's format: `--format`, else the `--out` file's extension, else Markdown. A
/// `--format` the `--out` file's extension contradicts, or a binary format for a terminal, is
/// refused.
pub fn format(
    ctx: &Ctx,
    given: Option<&str>,
    out: Option<&Path>,
    template: &str,
    date: Date,
) -> Result<Format, CliError> {
    let format =
        Format::choose(given.and_then(Format::from_name), out).map_err(|(format, ext)| {
            let path = out.expect("an extension comes from --out");
            CliError::user(format!(
                "--format {} writes {}, but --out {} names a .{} file",
                format.name(),
                format.describe(),
                path.display(),
                ext.name()
            ))
            .hint(format!(
                "name the file {}, or leave out --format",
                path.with_extension(format.name()).display()
            ))
        })?;
    if out.is_none() && format.is_binary() && ctx.ui.stdout_is_terminal() {
        return Err(CliError::user(format!(
            "{} cannot be shown in a terminal",
            capitalized(format.describe())
        ))
        .hint(format!(
            "write it to a file: `--out {template}-{date}.{}`",
            format.name()
        )));
    }
    Ok(format)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
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
        let hint = match &e {
            TargetError::InsideCases { .. } => {
                format!("write the letter somewhere else: `{flag} ~/letters/{example}`")
            }
            TargetError::Folder { path } => {
                format!("give a file name in it: `{}`", path.join(example).display())
            }
            TargetError::ParentIsFile { .. } => {
                "pick an existing folder, and a file name in it".to_owned()
            }
            TargetError::NoFolder { parent, .. } => format!(
                "pick an existing folder, or create this one first: `mkdir -p {}`",
                parent.display()
            ),
            TargetError::Exists { .. } => {
                "pass --force to overwrite it, or write somewhere else".to_owned()
            }
        };
        CliError::user(e.to_string()).hint(hint)
    })
}

/// Writes `data` to `path` atomically (mode 0600), naming `path` if it fails.
pub fn write(path: &Path, data: &[u8]) -> Result<(), CliError> {
    iepcase::atomic::write(path, data, Some(0o600)).map_err(|e| {
        // The error may name the temporary file beside `path`; the OS reason alone is clearer.
        let reason = match path.parent() {
            Some(dir) if !dir.is_dir() => format!("the folder {} does not exist", dir.display()),
            _ => e.raw_os_error().map_or_else(
                || e.kind().to_string(),
                |code| std::io::Error::from_raw_os_error(code).to_string(),
            ),
        };
        CliError::user(format!("cannot write {}", path.display()))
            .cause(reason)
            .hint("pick a folder you can write to, and a file name in it")
    })
}

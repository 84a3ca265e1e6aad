//! Shell completion: `iepcase completions SHELL` prints the script a shell sources, which
//! calls back into iepcase (with `IEPCASE_COMPLETE` set) for each completion, so case slugs
//! and record ids are completed from the workspace as it is at that moment. Only file names
//! are read: nothing is decrypted and no passphrase is asked for.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::{EnvCompleter, Shells};
use iepcase::workspace::Workspace;

use super::context::Ctx;
use super::error::CliError;

/// The variable that turns a run of iepcase into a completion request.
pub const COMPLETE_VAR: &str = "IEPCASE_COMPLETE";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_parser = ["bash", "zsh", "fish", "powershell", "elvish"])]
    pub shell: String,
}

/// Prints the completion script for a shell.
pub fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<(), CliError> {
    let shells = Shells::builtins();
    let shell: &dyn EnvCompleter = shells
        .completer(&args.shell)
        .expect("clap only lets known shells through");
    let mut script = Vec::new();
    shell
        .write_registration(
            COMPLETE_VAR,
            "iepcase",
            "iepcase",
            &completer(),
            &mut script,
        )
        .map_err(|e| CliError::user(format!("cannot write the script: {e}")))?;
    ctx.ui.out(&String::from_utf8_lossy(&script))
}

/// The program the script calls back: this one, by its path when it was run by one.
fn completer() -> String {
    let arg0: PathBuf = std::env::args_os()
        .next()
        .unwrap_or_else(|| OsString::from("iepcase"))
        .into();
    if arg0.components().count() > 1 {
        std::path::absolute(&arg0)
            .unwrap_or(arg0)
            .to_string_lossy()
            .into_owned()
    } else {
        "iepcase".to_owned()
    }
}

/// The workspace a completion runs in: `IEPCASE_WORKSPACE`, else found from the current folder.
fn workspace() -> Option<Workspace> {
    let cwd = std::env::current_dir().ok()?;
    let explicit = std::env::var_os("IEPCASE_WORKSPACE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    Workspace::discover(explicit.as_deref(), &cwd).ok()
}

/// Completes case slugs.
pub fn case_slugs() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        workspace()
            .and_then(|ws| ws.case_slugs().ok())
            .unwrap_or_default()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// Completes the record ids of the case a command would work on (from `IEPCASE_CASE`, the
/// folder, the current case or the only case).
pub fn record_ids() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        let ids = || -> Option<Vec<String>> {
            let ws = workspace()?;
            let cwd = std::env::current_dir().ok()?;
            let explicit = std::env::var("IEPCASE_CASE").ok().filter(|c| !c.is_empty());
            let slug = ws.select_case(explicit.as_deref(), &cwd).ok()?;
            // Records sit in `records/` (format 2) or two folders below it (format 3).
            let mut ids = Vec::new();
            let mut folders = vec![(ws.case_dir(&slug).join("records"), 0)];
            while let Some((folder, depth)) = folders.pop() {
                for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
                    let Ok(name) = entry.file_name().into_string() else {
                        continue;
                    };
                    if depth < 2 && entry.file_type().is_ok_and(|t| t.is_dir()) {
                        folders.push((entry.path(), depth + 1));
                    } else if let Some(id) = name
                        .strip_suffix(".age")
                        .filter(|id| iepcase::record::RecordId::parse(id).is_some())
                    {
                        ids.push(id.to_owned());
                    }
                }
            }
            ids.sort();
            Some(ids)
        };
        ids()
            .unwrap_or_default()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    })
}

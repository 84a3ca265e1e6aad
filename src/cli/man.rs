//! `iepcase man [--out DIR]`: manual pages, made from the same definitions as `--help`.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write a page for every command into DIR (such as ~/.local/share/man/man1) instead of
    /// printing iepcase(1)
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: ManArgs) -> Result<(), CliError> {
    let mut command = super::Cli::command().disable_help_subcommand(true);
    command.build();
    let Some(dir) = &args.out else {
        return ctx.ui.out(&render(&command)?);
    };
    let dir = ctx.absolute(dir);
    fs_err::create_dir_all(&dir)
        .map_err(|e| CliError::user(e.to_string()).hint("give a folder you can write to"))?;
    let mut pages = Vec::new();
    collect(&command, &mut pages);
    for page in &pages {
        let name = clap_mangen::Man::new(page.clone()).get_filename();
        let path = dir.join(&name);
        iepcase::atomic::write(&path, render(page)?.as_bytes(), None)
            .map_err(|e| CliError::user(format!("cannot write {}: {e}", path.display())))?;
    }
    ctx.ui.status(&format!(
        "Wrote {} manual pages to {}",
        pages.len(),
        dir.display()
    ));
    ctx.ui.hint(&format!(
        "read them with `man -M {} iepcase`, or put that folder on MANPATH",
        dir.parent().unwrap_or(&dir).display()
    ));
    Ok(())
}

/// `command` and every subcommand under it (hidden ones left out).
fn collect(command: &clap::Command, out: &mut Vec<clap::Command>) {
    out.push(command.clone());
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, out);
    }
}

fn render(command: &clap::Command) -> Result<String, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| CliError::user(format!("cannot write the manual page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

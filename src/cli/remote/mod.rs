//! `iepcase remote add|list|remove|trust`: the private git remotes of a case.

mod all;
mod trust;

use clap::Subcommand;
use iepcase::json::RemoteJson;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Add a remote: a private git repository (ssh, https or a local path)
    Add {
        /// A short name, such as origin
        name: String,
        /// Where it is: git@host:me/case-2026-01.git, https://host/me/case.git, /mnt/backup/case.git;
        /// with --all, a template where {slug} stands for each case's slug
        url: String,
        /// Add the remote to every case of the workspace, `{slug}` in URL naming each one
        #[arg(long)]
        all: bool,
    },
    /// List the remotes of the case
    List,
    /// Remove a remote (nothing on the remote is deleted)
    Remove {
        /// The remote's name
        name: String,
    },
    /// Trust an SSH server's host key, once you have compared its fingerprint
    Trust(trust::TrustArgs),
}

pub fn run(ctx: &Ctx, command: RemoteCommand) -> Result<(), CliError> {
    match command {
        RemoteCommand::Add {
            name,
            url,
            all: true,
        } => all::add(ctx, &name, &url),
        RemoteCommand::Add { name, url, .. } => add(ctx, &name, &url),
        RemoteCommand::List => list(ctx),
        RemoteCommand::Remove { name } => remove(ctx, &name),
        RemoteCommand::Trust(args) => trust::run(ctx, args),
    }
}

fn add(ctx: &Ctx, name: &str, url: &str) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let url = stored_url(ctx, url)?;
    iepcase::sync::add_remote(case.repo(), name, &url)?;
    ctx.ui
        .status(&format!("Added remote `{name}` to case `{}`", case.slug()));
    ctx.ui.hint("send the case there with `iepcase sync`");
    Ok(())
}

fn list(ctx: &Ctx) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let remotes = iepcase::sync::remotes(case.repo())?;
    if ctx.ui.json {
        let rows: Vec<RemoteJson<'_>> = remotes
            .iter()
            .map(|(name, url)| RemoteJson {
                name,
                url: hide_secret(url),
            })
            .collect();
        return ctx.ui.json(&rows);
    }
    if remotes.is_empty() {
        ctx.ui.status("No remotes");
        ctx.ui.hint("add one with `iepcase remote add origin URL`");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = remotes
        .iter()
        .map(|(n, u)| vec![n.clone(), hide_secret(u)])
        .collect();
    ctx.ui.out(&ctx.ui.fitted(&["NAME", "URL"], &[1], &rows))
}

fn remove(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    iepcase::sync::remove_remote(case.repo(), name)?;
    ctx.ui.status(&format!(
        "Removed remote `{name}` (the remote repository itself is untouched)"
    ));
    Ok(())
}

/// A remote address as it is kept: checked, and a folder made absolute because sync runs from
/// wherever the user stands. A folder with nothing in it yet is pointed out.
pub fn stored_url(ctx: &Ctx, url: &str) -> Result<String, CliError> {
    Ok(match iepcase::sync::check_remote_url(url)? {
        iepcase::sync::UrlKind::Path => {
            let path = absolute_folder(ctx, url);
            if !path.exists() {
                ctx.ui.warn(&format!(
                    "there is nothing at {} yet",
                    super::ui::printable(&path.display().to_string())
                ));
                ctx.ui.hint(&format!(
                    "make an empty repository there with `git init --bare {}` before `iepcase sync`",
                    path.display()
                ));
            }
            path.display().to_string()
        }
        _ => url.to_owned(),
    })
}

/// A folder address made absolute, without `.` and `..` steps.
pub fn absolute_folder(ctx: &Ctx, url: &str) -> std::path::PathBuf {
    tidy(&ctx.absolute(std::path::Path::new(url)))
}

/// `path` without `.` and `..` steps, worked out on the text (the folder may not exist yet).
fn tidy(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A URL with any password or token replaced by `***`.
pub fn hide_secret(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_hidden() {
        assert_eq!(
            super::hide_secret("https://pat:ghp_123@host/x.git"),
            "https://pat:***@host/x.git"
        );
        assert_eq!(super::hide_secret("git@host:me/x.git"), "git@host:me/x.git");
        assert_eq!(super::hide_secret("/srv/x.git"), "/srv/x.git");
    }
}

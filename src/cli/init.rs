//! `iepcase init [DIR]`: create a workspace, and an identity when the user has none.

use std::path::PathBuf;

use clap::Args;
use iepcase::ops;
use iepcase::workspace::{Author, Config, Workspace};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the workspace (default: the current folder)
    pub dir: Option<PathBuf>,
    /// Default two-letter state for new cases, such as MS
    #[arg(long, value_name = "XX")]
    pub state: Option<String>,
    /// Your name, for commits (default: git's user.name)
    #[arg(long)]
    pub name: Option<String>,
    /// Your e-mail, for commits (default: git's user.email)
    #[arg(long)]
    pub email: Option<String>,
}

pub fn run(ctx: &Ctx, args: InitArgs) -> Result<(), CliError> {
    let root = ctx.absolute(args.dir.as_deref().unwrap_or(&ctx.cwd));
    let state = args
        .state
        .as_deref()
        .map(crate::cli::common::args::state_code)
        .transpose()?;
    let (git_name, git_email) = iepcase::git::user_identity();
    let config = Config {
        state,
        author: Author {
            name: args.name.or(git_name),
            email: args.email.or(git_email),
        },
        ..Config::default()
    };
    let ws = Workspace::create(&root, &config)?;
    ctx.ui
        .status(&format!("Created workspace in {}", ws.root.display()));

    let identity = iepcase::workspace::resolve_identity_path(Some(&ws), &ctx.key_env);
    let prompt = super::context::TerminalPrompt;
    let created = ctx.now.to_string();
    let chosen = ops::keys::identity_for_workspace(&identity, &prompt, &created)?;
    ctx.ui.notices(&chosen.notices(&identity));
    ctx.ui.line(chosen.public())?;
    ctx.ui.notices(&ops::keys::workspace_hints());
    Ok(())
}

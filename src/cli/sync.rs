//! `iepcase sync [--all]` and `iepcase clone URL [SLUG]`.

use clap::Args;
use iepcase::ops;
use iepcase::ops::sync::Ending;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Sync every case of the workspace that has a remote
    #[arg(long)]
    pub all: bool,
    /// The remote to use (default: the only one, or origin)
    #[arg(long)]
    pub remote: Option<String>,
    /// How many cases sync at the same time, each with one connection open (default 8)
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
}

/// Cases synced at the same time by default: enough to hide network latency, few enough
/// that a server (sshd's MaxStartups, a host's rate limits) does not turn connections away.
const DEFAULT_JOBS: u16 = 8;

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// Where the case is: git@host:me/case.git, https://…, or a local path
    pub url: String,
    /// The case's slug here (default: the repository's name)
    pub slug: Option<String>,
}

pub fn sync(ctx: &Ctx, args: SyncArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let slugs = ctx.case_slugs(args.all)?;
    let access = crate::cli::common::access::access()?;
    let context = ops::sync::Context {
        identities: ctx.identities()?,
        commit: &ctx.commit_context()?,
        access: &access,
    };
    let options = ops::sync::Options {
        remote: args.remote.as_deref(),
        all: args.all,
        jobs: usize::from(args.jobs.unwrap_or(DEFAULT_JOBS)),
        lock_timeout: ctx.lock_timeout(),
    };
    let progress = if args.all && slugs.len() > 1 {
        ctx.ui.progress("Syncing", slugs.len() as u64, false)
    } else {
        super::ui::Progress::hidden()
    };
    let outcomes =
        ops::sync::sync_cases(ws, &slugs, &context, options, &|slug| progress.step(slug))?;
    progress.finish();
    let synced = ops::sync::Synced::of(outcomes, args.all);
    if ctx.ui.json {
        ctx.ui.json(&synced.json_rows())?;
    } else {
        let table = synced.render(ctx.ui.width(), ctx.ui.painter());
        if !table.is_empty() {
            ctx.ui.out(&table)?;
        }
        ctx.ui.notices(&synced.notices());
    }
    let ending = synced.ending();
    ctx.ui.notices(&ending.notices());
    match ending {
        Ending::Clean => Ok(()),
        Ending::Found { .. } => Err(CliError::found()),
        Ending::Failed { diagnosis, .. } => Err(diagnosis.into()),
    }
}

pub fn clone(ctx: &Ctx, args: CloneArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let slug = ops::sync::clone_slug(&args.url, args.slug)?;
    let (url, notices) = ops::remotes::clone_url(&ctx.cwd, &args.url)?;
    ctx.ui.notices(&notices);
    let identities = ctx.identities()?;
    let access = crate::cli::common::access::access()?;
    let (case, records) = ops::sync::clone(ws, &url, &slug, identities, &access)
        .map_err(|e| CliError::from(ops::sync::clone_failure(e, &slug)))?;
    ctx.ui
        .notices(&ops::sync::cloned_notices(&slug, records, case.root()));
    Ok(())
}

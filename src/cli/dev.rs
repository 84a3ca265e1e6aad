//! `iepcase dev …`: hidden commands for developers (docs/benchmarks.md).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use iepcase::crypto::Recipient;
use iepcase::store::Case;
use iepcase::synth::{self, Plan};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Create a case of synthetic records (no real person in it), as the benchmarks measure
    Synth(SynthArgs),
    /// Pack the git objects of the case folder DIR (started in the background after commands
    /// that write, when due; see docs/benchmarks.md)
    Pack {
        /// The case folder
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// The new case's slug
    pub slug: String,
    /// Records of every kind, written in one commit
    #[arg(long, default_value_t = 1_000)]
    pub records: usize,
    /// Weekly service logs of one IEP service, in the same commit
    #[arg(long, default_value_t = 0)]
    pub service_logs: usize,
    /// Further commits of one record each
    #[arg(long, default_value_t = 0)]
    pub commits: usize,
    /// The generator's seed (the same seed gives the same texts)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(ctx: &Ctx, command: DevCommand) -> Result<(), CliError> {
    match command {
        DevCommand::Synth(args) => synth(ctx, args),
        DevCommand::Pack { dir } => pack(ctx, &ctx.absolute(&dir)),
    }
}

fn pack(ctx: &Ctx, dir: &Path) -> Result<(), CliError> {
    if !dir.join(".git").is_dir() {
        return Err(
            CliError::user(format!("{} is not a case folder", dir.display()))
                .hint("give the folder of a case, such as cases/SLUG"),
        );
    }
    match iepcase::store::pack::pack(dir) {
        Ok(Some(report)) => {
            ctx.ui.status(&format!(
                "Packed {} objects; removed {} loose files and {} old packs",
                report.packed, report.loose_removed, report.packs_removed
            ));
            Ok(())
        }
        Ok(None) => {
            ctx.ui.status("Another packer is at work on this case");
            Ok(())
        }
        Err(e) => Err(
            CliError::user(format!("cannot pack {}: {}", dir.display(), e.message())).hint(
                "nothing was lost: every object is still where it was; `iepcase fsck` checks",
            ),
        ),
    }
}

/// Loose objects that make packing due after a command: `IEPCASE_PACK_LOOSE` sets another
/// number (tests and benchmarks, docs/benchmarks.md).
pub fn loose_limit() -> usize {
    std::env::var("IEPCASE_PACK_LOOSE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(iepcase::store::pack::LOOSE_LIMIT)
}

/// Starts `iepcase dev pack DIR` in the background, detached from this command and its
/// terminal, so the user never waits for it.
pub fn start_packing(dir: &Path) {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(exe);
    command
        .args(["dev", "pack"])
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: Ctrl-C in the terminal does not reach it.
        command.process_group(0);
    }
    let _ = command.spawn();
}

fn synth(ctx: &Ctx, args: SynthArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    iepcase::workspace::validate_slug(&args.slug)?;
    let root = ws.case_dir(&args.slug);
    if root.exists() {
        return Err(
            CliError::user(format!("case `{}` already exists", args.slug))
                .hint("synthetic cases are made new: pick another slug"),
        );
    }
    let me = ctx.identities()?.primary_public().parse::<Recipient>()?;
    let state = ws.config.state.as_deref().unwrap_or("MS");
    let meta = format!("child = \"Synthetic Child\"\nstate = \"{state}\"\n");
    let context = ctx.commit_context()?;
    Case::create(&root, &args.slug, &meta, &[(me, None)], &context)?;
    let (case, lock) = ctx.open_slug_locked(&args.slug, "dev synth")?;
    let plan = Plan {
        records: args.records,
        service_logs: args.service_logs,
        commits: args.commits,
        seed: args.seed,
    };
    let progress = ctx.ui.progress("Writing", 1 + args.commits as u64, false);
    let commits = synth::fill(&case, &lock, &plan, &context, &mut |done, total| {
        progress.update(done as u64, total as u64)
    })?;
    progress.finish();
    ctx.ui.status(&format!(
        "Created case `{}`: {} records in {commits} commits",
        args.slug,
        args.records + args.service_logs + usize::from(args.service_logs > 0) + args.commits
    ));
    Ok(())
}

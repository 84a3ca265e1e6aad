//! `iepcase dev …`: hidden commands for developers (docs/benchmarks.md).

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
    }
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

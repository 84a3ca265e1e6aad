//! `iepcase fsck [--all]`: check that every file decrypts and validates; exit 3 on problems.

use clap::Args;
use iepcase::ops::fsck::{self, CaseFsck, Repair, Step};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct FsckArgs {
    /// Check every case in the workspace
    #[arg(long)]
    pub all: bool,
    /// First restore the files beside .git from the last commit (history is never changed)
    #[arg(long)]
    pub repair: bool,
}

pub fn run(ctx: &Ctx, args: FsckArgs) -> Result<(), CliError> {
    let slugs = ctx.case_slugs(args.all)?;
    let commit = ctx.commit_context()?;
    let waiting = |slug: &str, holder: &str| ctx.waiting(slug, holder);
    let repair = args.repair.then(|| Repair {
        commit: &commit,
        lock_timeout: ctx.lock_timeout(),
        on_wait: &waiting,
    });
    if args.repair {
        for slug in &slugs {
            ctx.will_change(slug)?;
        }
    }
    let options = fsck::Options {
        all: args.all,
        repair,
    };
    let mut checked = Vec::new();
    for step in fsck::fsck(ctx.workspace()?, &slugs, || ctx.try_identities(), options) {
        match step? {
            Step::Repaired { slug, report } => {
                ctx.ui.notices(&fsck::repaired_notices(&slug, &report))
            }
            Step::Checked(case) if ctx.ui.json => checked.push(case),
            Step::Checked(case) => {
                for line in case.lines() {
                    ctx.ui.line(&line)?;
                }
                ctx.ui.notices(&case.notices());
                checked.push(case);
            }
        }
    }
    if ctx.ui.json {
        let rows: Vec<_> = checked.iter().map(CaseFsck::json).collect();
        ctx.ui.json(&rows)?;
    }
    if checked.iter().any(|c| !c.problems.is_empty()) {
        return Err(CliError::found());
    }
    Ok(())
}

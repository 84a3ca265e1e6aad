//! `iepcase fsck [--all]`: check that every file decrypts and validates; exit 3 on problems.

use clap::Args;
use iepcase::json::FsckJson;
use iepcase::ops::fsck::{self, CaseFsck, Repair, Step};
use iepcase::store::RepairReport;

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
            Step::Repaired { slug, report } => show_repair(ctx, &slug, &report),
            Step::Checked(case) if ctx.ui.json => checked.push(case),
            Step::Checked(case) => {
                show_text(ctx, &case)?;
                checked.push(case);
            }
        }
    }
    if ctx.ui.json {
        let rows: Vec<FsckJson<'_>> = checked.iter().map(json_row).collect();
        ctx.ui.json(&rows)?;
    }
    if checked.iter().any(|c| !c.problems.is_empty()) {
        return Err(CliError::found());
    }
    Ok(())
}

fn json_row(case: &CaseFsck) -> FsckJson<'_> {
    FsckJson {
        case: &case.slug,
        ok: case.problems.is_empty(),
        records: case.checked.map(|c| c.0),
        attachments: case.checked.map(|c| c.1),
        problems: &case.problems,
        notes: &case.notes,
    }
}

/// One case's problems and notes, and what was checked.
fn show_text(ctx: &Ctx, case: &CaseFsck) -> Result<(), CliError> {
    let slug = &case.slug;
    let problems = &case.problems;
    for problem in problems {
        ctx.ui
            .line(&format!("{slug}: {}: {}", problem.path, problem.message))?;
    }
    for note in &case.notes {
        ctx.ui.status(&format!("note: {slug}: {note}"));
    }
    match case.checked {
        Some((records, attachments)) => ctx.ui.status(&format!(
            "Checked case `{slug}`: {records} records, {attachments} attachments, {} problem{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        )),
        None => ctx.ui.status(&format!("Could not check case `{slug}`")),
    }
    Ok(())
}

/// What `--repair` did to case `slug`.
fn show_repair(ctx: &Ctx, slug: &str, report: &RepairReport) {
    for path in &report.restored {
        ctx.ui.status(&format!(
            "{slug}: put back {path} as the members last wrote it"
        ));
    }
    for path in &report.reencrypted {
        ctx.ui.status(&format!(
            "{slug}: re-encrypted {path} to the current case key"
        ));
    }
    ctx.ui.status(&format!(
        "Restored the files of case `{slug}` from its last commit"
    ));
    if report.commit.is_some() {
        ctx.ui.hint("push the repair with `iepcase sync`");
    }
}

//! `iepcase fsck [--all]`: check that every file decrypts and validates; exit 3 on problems.

use clap::Args;
use iepcase::json::FsckJson;
use iepcase::store::{Case, Problem, StoreError};

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
    let mut total_problems = 0;
    let mut json_out = Vec::new();
    for slug in &slugs {
        if args.repair {
            repair(ctx, slug)?;
        }
        let (problems, notes, counts) = match open(ctx, slug) {
            Ok(case) => {
                let report = case.fsck()?;
                (
                    report.problems,
                    report.notes,
                    Some((report.records, report.attachments)),
                )
            }
            // A key that is not a member cannot check anything else.
            Err(Unopened {
                error,
                not_member: true,
            }) if !args.all => return Err(error),
            Err(Unopened { error, .. }) => (vec![key_problem(&error)], Vec::new(), None),
        };
        total_problems += problems.len();
        if ctx.ui.json {
            json_out.push((slug, problems, notes, counts));
            continue;
        }
        show_text(ctx, slug, &problems, &notes, counts)?;
    }
    if ctx.ui.json {
        let rows: Vec<FsckJson<'_>> = json_out
            .iter()
            .map(|(slug, problems, notes, counts)| FsckJson {
                case: slug,
                ok: problems.is_empty(),
                records: counts.map(|c| c.0),
                attachments: counts.map(|c| c.1),
                problems,
                notes,
            })
            .collect();
        ctx.ui.json(&rows)?;
    }
    if total_problems > 0 {
        return Err(CliError::found());
    }
    Ok(())
}

/// One case's problems and notes, and what was checked.
fn show_text(
    ctx: &Ctx,
    slug: &str,
    problems: &[iepcase::store::Problem],
    notes: &[String],
    counts: Option<(usize, usize)>,
) -> Result<(), CliError> {
    for problem in problems {
        ctx.ui
            .line(&format!("{slug}: {}: {}", problem.path, problem.message))?;
    }
    for note in notes {
        ctx.ui.status(&format!("note: {slug}: {note}"));
    }
    match counts {
        Some((records, attachments)) => ctx.ui.status(&format!(
            "Checked case `{slug}`: {records} records, {attachments} attachments, {} problem{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        )),
        None => ctx.ui.status(&format!("Could not check case `{slug}`")),
    }
    Ok(())
}

/// A case that could not be opened, as a problem with its key.
/// Why a case did not open, telling a key that is not one of its members apart.
struct Unopened {
    error: CliError,
    not_member: bool,
}

/// Opens case `slug`; without a workspace or an identity, as when its key does not open,
/// the case is reported with that problem.
fn open(ctx: &Ctx, slug: &str) -> Result<Case, Unopened> {
    let other = |error| Unopened {
        error,
        not_member: false,
    };
    let ws = ctx.workspace().map_err(other)?;
    let ids = ctx.identities().map_err(other)?;
    Case::open(&ws.case_dir(slug), slug, ids).map_err(|e| Unopened {
        not_member: matches!(e, StoreError::NotAMember { .. }),
        error: e.into(),
    })
}

fn key_problem(e: &CliError) -> Problem {
    Problem {
        path: ".iepcase/case-key.age".to_owned(),
        record: None,
        message: e.message.clone(),
    }
}

/// `--repair`: puts back what the members wrote, re-encrypts what an earlier key opens, and
/// restores the files beside `.git`.
fn repair(ctx: &Ctx, slug: &str) -> Result<(), CliError> {
    let (case, lock) = ctx.open_slug_locked(slug, "fsck --repair")?;
    let report = case.repair(&lock, &ctx.commit_context()?)?;
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
    Ok(())
}

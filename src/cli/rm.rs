//! `iepcase rm ID`: remove a record; history keeps it.

use clap::Args;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
}

pub fn run(ctx: &Ctx, args: RmArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("rm")?;
    let id = case.resolve(&args.id)?;
    let title = case
        .read_record(&id)
        .map(|r| r.record.title().to_owned())
        .unwrap_or_default();
    let referrers: Vec<String> = case
        .records()?
        .records
        .iter()
        .filter(|r| r.record.references().iter().any(|x| x.0 == id.as_str()))
        .map(|r| r.id.to_string())
        .collect();
    let mut tx = case.transaction(&lock);
    tx.remove_record(&id);
    let commit = tx.commit(&format!("remove record {id}"), &ctx.commit_context()?)?;
    ctx.ui.status(&format!("Removed {id}: {title}"));
    if !referrers.is_empty() {
        ctx.ui.warn(&format!(
            "these records still refer to it: {}",
            referrers.join(", ")
        ));
    }
    if let Some(commit) = commit {
        let short = &commit.to_string()[..10];
        ctx.ui.hint(&format!(
            "history keeps it: `iepcase show {id} --rev {short}~1`"
        ));
    }
    Ok(())
}

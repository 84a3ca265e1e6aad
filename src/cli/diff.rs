//! `iepcase diff ID [ID2] [--rev REV] [--rev2 REV]`: what changed between two records, or
//! between two versions of one record.

use clap::{Args, ValueEnum};
use iepcase::diff::render;
use iepcase::diff::{RecordDiff, diff_records};
use iepcase::record::RecordId;
use iepcase::store::{Case, StoredRecord};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// A second record to compare with (default: the same record's previous version)
    #[arg(add = super::complete::record_ids())]
    pub id2: Option<String>,
    /// Take the first side at revision REV (a commit from `iepcase log`, or HEAD~2)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Take the second side at revision REV (default: the latest)
    #[arg(long, value_name = "REV")]
    pub rev2: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
}

pub fn run(ctx: &Ctx, args: DiffArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let first = resolve(&case, &args.id)?;
    let mut same_record = true;
    let (before, after) = match (&args.id2, &args.rev, &args.rev2) {
        (Some(id2), rev, rev2) => {
            let second = resolve(&case, id2)?;
            same_record = second == first;
            (
                load(&case, &first, rev.as_deref())?,
                load(&case, &second, rev2.as_deref())?,
            )
        }
        (None, Some(rev), rev2) => (
            load(&case, &first, Some(rev))?,
            load(&case, &first, rev2.as_deref())?,
        ),
        (None, None, rev2) => {
            let after = load(&case, &first, rev2.as_deref())?;
            (previous_version(&case, &first, rev2.as_deref())?, after)
        }
    };
    // One record whose kind was changed by an edit compares field by field, kind included.
    if !same_record && before.1.record.kind() != after.1.record.kind() {
        return Err(CliError::user(format!(
            "cannot compare {} `{}` record with {} `{}` record",
            iepcase::record::article(before.1.record.kind().as_str()),
            before.1.record.kind(),
            iepcase::record::article(after.1.record.kind().as_str()),
            after.1.record.kind()
        ))
        .hint("diff compares two records of one kind, or one record across its revisions"));
    }
    let diff = RecordDiff {
        from: label(&before),
        to: label(&after),
        changes: diff_records(
            (&before.1.text, &before.1.record),
            (&after.1.text, &after.1.record),
        ),
    };
    if ctx.ui.json {
        return ctx.ui.json(&diff);
    }
    match args.format {
        DiffFormat::Md => ctx.ui.out(&render::to_markdown(&diff)),
        DiffFormat::Text if ctx.ui.colored() => {
            ctx.ui.out(&crate::cli::common::render::paint(ctx, &diff))
        }
        DiffFormat::Text => ctx.ui.out(&super::ui::printable(&render::to_text(&diff))),
    }
}

/// A record as loaded for one side: the revision it came from (if not the latest) and it.
type Side = (Option<String>, StoredRecord);

fn resolve(case: &Case, prefix: &str) -> Result<RecordId, CliError> {
    match case.resolve(prefix) {
        Ok(id) => Ok(id),
        // A record removed since is found in the history, by a unique prefix too.
        Err(e) => match RecordId::parse(prefix) {
            Some(id) => Ok(id),
            None => case.resolve_in_history(prefix)?.ok_or_else(|| e.into()),
        },
    }
}

fn load(case: &Case, id: &RecordId, rev: Option<&str>) -> Result<Side, CliError> {
    Ok(match rev {
        Some(rev) => (Some(rev.to_owned()), case.read_record_at(id, rev)?),
        None => (None, case.read_record(id)?),
    })
}

/// The version of `id` before its last change (as of `rev`, or now). The history is walked
/// from `rev` back only until that change.
fn previous_version(case: &Case, id: &RecordId, rev: Option<&str>) -> Result<Side, CliError> {
    let from = match rev {
        Some(rev) => Some(case.commit_of(rev)?),
        None => None,
    };
    let mut found = None;
    case.walk_history(Some(id), from, &mut |entry| {
        let edited = entry
            .records
            .iter()
            .any(|(_, _, before, after)| before.is_some() && after.is_some());
        if edited {
            found = Some(entry.commit.id.to_string());
        }
        !edited
    })?;
    let Some(commit) = found else {
        return Err(CliError::user(format!("record {id} has only one version"))
            .hint(format!("compare it with another record (`iepcase diff {id} OTHER`) or see `iepcase log {id}`")));
    };
    let rev = format!("{commit}~1");
    Ok((
        Some(commit[..10].to_owned() + "~1"),
        case.read_record_at(id, &rev)?,
    ))
}

fn label((rev, stored): &Side) -> String {
    match rev {
        Some(rev) => format!("{} at {rev} ({})", stored.id, stored.record.date()),
        None => format!("{} ({})", stored.id, stored.record.date()),
    }
}

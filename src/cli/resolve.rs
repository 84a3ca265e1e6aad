//! `iepcase resolve ID --keep local|remote|CONFLICT_ID`: settle a sync conflict.

use clap::Args;
use iepcase::record::RecordId;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The record with a conflict (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Which version to keep: `local`, `remote`, or a conflict copy's id (k3f9a2bq7x.conflict-2)
    #[arg(long, value_name = "WHICH")]
    pub keep: String,
}

pub fn run(ctx: &Ctx, args: ResolveArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("resolve")?;
    let named = case.resolve(&args.id)?;
    let base = RecordId::parse(named.base()).expect("a base id is a record id");
    let copies: Vec<RecordId> = case
        .record_ids()?
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| id.is_conflict() && id.base() == base.as_str())
        .collect();
    if copies.is_empty() {
        return Err(
            CliError::user(format!("record {base} has no sync conflict"))
                .hint("conflicts show in `iepcase list` and `iepcase fsck`"),
        );
    }
    let winner: Option<RecordId> = match args.keep.as_str() {
        "local" => None,
        "remote" => match copies.as_slice() {
            [one] => Some(one.clone()),
            many => {
                let names: Vec<String> = many.iter().map(ToString::to_string).collect();
                return Err(CliError::user(format!(
                    "record {base} has {} conflict copies",
                    many.len()
                ))
                .cause(format!("copies: {}", names.join(", ")))
                .hint(format!(
                    "name the one to keep: `iepcase resolve {base} --keep {}`",
                    names[0]
                )));
            }
        },
        other => {
            let chosen = copies.iter().find(|c| c.as_str() == other).cloned();
            Some(chosen.ok_or_else(|| {
                CliError::usage(format!(
                    "`{other}` is not `local`, `remote` or a conflict copy of {base}"
                ))
                .hint(format!(
                    "copies: {}",
                    copies
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?)
        }
    };
    let mut tx = case.transaction(&lock);
    if let Some(winner) = &winner {
        let text = case.read_record(winner)?.text;
        tx.put_record(&base, &text)?;
    }
    for copy in &copies {
        tx.remove_record(copy);
    }
    tx.commit(&format!("resolve record {base}"), &ctx.commit_context()?)?;
    let kept = winner.map_or("the local version".to_owned(), |w| {
        format!("the version from {w}")
    });
    ctx.ui.status(&format!(
        "Resolved {base}: kept {kept}; the other versions stay in history"
    ));
    Ok(())
}

//! `iepcase show ID [--rev REV]`: print a record as TOML, or JSON with `--json`.

use clap::Args;

use super::context::Ctx;
use super::error::CliError;
use super::records::record_json;

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The record (a unique prefix of its id is enough)
    pub id: String,
    /// Show it as it was at revision REV (a commit id from `iepcase log`, or HEAD~1)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let stored = match &args.rev {
        None => case.read_record(&case.resolve(&args.id)?)?,
        Some(rev) => {
            let id = match case.resolve(&args.id) {
                Ok(id) => id,
                // A record removed since then is named by its full id.
                Err(_) => iepcase::record::RecordId::parse(&args.id).ok_or_else(|| {
                    CliError::user(format!("no record matches `{}`", args.id))
                        .hint("give the full id of a removed record")
                })?,
            };
            case.read_record_at(&id, rev)?
        }
    };
    if ctx.ui.json {
        return ctx.ui.json(&record_json(&stored));
    }
    if stored.id.is_conflict() {
        ctx.ui.warn(&format!(
            "{} is a sync conflict copy of {}; settle it with `iepcase resolve`",
            stored.id,
            stored.id.base()
        ));
    }
    ctx.ui.out(&stored.text)?;
    if !stored.text.ends_with('\n') {
        ctx.ui.out("\n")?;
    }
    Ok(())
}

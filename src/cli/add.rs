//! `iepcase add`: add records from flags or from TOML files, all in one commit.

use std::path::PathBuf;

use clap::Args;
use iepcase::ops::{self, OpsError};
use iepcase::record::{Date, Kind, parse_record};

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::records::{parse_kind, warn_dangling};

#[derive(Debug, Args)]
#[command(after_help = crate::cli::common::records::KINDS_HELP)]
pub struct AddArgs {
    /// The kind of record to add (see the list below)
    #[arg(value_parser = parse_kind, required_unless_present = "file")]
    pub kind: Option<Kind>,
    /// When it happened (default: today)
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// Time of day, such as 16:00, to order events on the same day
    #[arg(long, value_name = "HH:MM")]
    pub time: Option<String>,
    /// One-line title
    #[arg(long)]
    pub title: Option<String>,
    /// Set FIELD to VALUE, e.g. type=evaluation or extra.school_year=2026-27 (can be repeated)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Attach a file (can be repeated)
    #[arg(long = "attach", value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Take attached files up to SIZE (such as 500M or 4G; default 1G)
    #[arg(long, value_name = "SIZE", value_parser = crate::cli::common::args::parse_size, requires = "attach")]
    pub max_size: Option<u64>,
    /// Add the records in TOML files (`--file a.toml b.toml`, or the flag repeated); `-`
    /// reads standard input
    #[arg(short = 'f', long = "file", value_name = "FILE", num_args = 1..,
          conflicts_with_all = ["kind", "date", "time", "title", "set", "attach"])]
    pub file: Vec<PathBuf>,
    /// Add the record even when one saying exactly the same is already in the case
    #[arg(long)]
    pub duplicate: bool,
}

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<(), CliError> {
    if !args.file.is_empty() {
        return add_files(ctx, &args.file, args.duplicate);
    }
    let kind = args.kind.expect("clap requires a kind without --file");
    let title = args.title.as_deref().ok_or_else(|| {
        CliError::usage("--title is required").hint(format!(
            "iepcase add {kind} --title \"One line saying what it is\""
        ))
    })?;
    let date = args.date.unwrap_or_else(|| {
        ctx.ui.status(&format!(
            "Dated today, {} (use --date to change)",
            ctx.today()
        ));
        ctx.today()
    });
    let text = ops::records::draft(kind, date, title, args.time.as_deref(), &args.set)?;
    let hint =
        || format!("give fields with --set FIELD=VALUE; `iepcase new {kind}` shows every field");
    // A record that does not parse may name links by id prefix: those need the case.
    let needs_links = parse_record(&text, "the new record")
        .err()
        .map(CliError::from);
    for file in &args.attach {
        if !file.is_file() {
            return Err(CliError::user(format!("{} is not a file", file.display())));
        }
    }

    let (case, lock) = match ctx.open_case_locked("add") {
        Ok(opened) => opened,
        Err(e) => return Err(needs_links.map_or(e, |invalid| invalid.hint(hint()))),
    };
    let attach: Vec<PathBuf> = args.attach.iter().map(|f| ctx.absolute(f)).collect();
    let new = ops::records::NewRecord {
        text,
        attach: &attach,
        max_size: args.max_size,
        allow_duplicate: args.duplicate,
    };
    let added = match ops::records::add(&case, &lock, new, &ctx.commit_context()?) {
        Ok(added) => added,
        Err(OpsError::Record(e)) => return Err(CliError::from(e).hint(hint())),
        Err(e) => return Err(e.into()),
    };
    let id = &added.id;
    warn_dangling(ctx, &added.dangling);
    ctx.ui.status(&format!("Added {kind} {id}: {title}"));
    crate::cli::common::records::warn_unbindable(ctx, Some(id.as_str()), &args.attach)?;
    ctx.ui.line(id.as_str())
}

fn add_files(ctx: &Ctx, files: &[PathBuf], duplicate: bool) -> Result<(), CliError> {
    let batch = ops::add::Batch {
        files,
        cwd: &ctx.cwd,
        allow_duplicate: duplicate,
    };
    let open = || -> Result<_, CliError> {
        let (case, lock) = ctx.open_case_locked("add")?;
        let context = ctx.commit_context()?;
        Ok(ops::add::Target {
            case,
            lock,
            context,
        })
    };
    let added = ops::add::add_files(batch, &mut std::io::stdin(), open)?;
    for (origin, written) in &added {
        ctx.ui.notices(&written.notices("Added", Some(origin)));
    }
    for (_, written) in &added {
        ctx.ui.line(written.id.as_str())?;
    }
    Ok(())
}

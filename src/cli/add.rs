//! `iepcase add`: add records from flags or from TOML files, all in one commit.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::ops::{self, OpsError};
use iepcase::record::parse::read_limited;
use iepcase::record::refs::{BatchFile, prepare_batch};
use iepcase::record::{Date, Kind, RecordId, parse_record};
use iepcase::store::{Case, CaseLock};

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
    let (read, mut bad) = read_files(ctx, files)?;
    // The case is opened (and locked, before its key is read) only when a file needs it
    // for its links.
    let mut locked: Option<(Case, CaseLock)> = None;
    let prepared = prepare_batch(read, RecordId::generate, || {
        locked = ctx.open_case_locked("add").ok();
        let ids = locked.as_ref()?.0.record_ids().ok()?;
        Some(ids.into_iter().map(|(id, _)| id).collect())
    });
    let mut batch = Vec::new();
    for p in prepared {
        match p.outcome {
            Ok((_, record)) if !record.common.attachments.is_empty() => {
                let e = CliError::user(format!(
                    "{} lists [[attachments]]; attach files with `--attach` or `iepcase attach`",
                    p.origin
                ));
                bad.push((p.origin, e));
            }
            Ok((text, record)) => batch.push(ops::records::Prepared {
                id: p.id,
                origin: p.origin,
                text,
                record,
            }),
            Err(e) => bad.push((p.origin, e.into())),
        }
    }
    if !bad.is_empty() {
        return Err(invalid_files(&bad));
    }
    let (case, lock) = match locked {
        Some(locked) => locked,
        None => ctx.open_case_locked("add")?,
    };
    let added = ops::records::add_batch(&case, &lock, batch, duplicate, &ctx.commit_context()?)?;
    for (origin, written) in &added {
        warn_dangling(ctx, &written.dangling);
        ctx.ui.status(&format!(
            "Added {} {} from {origin}: {}",
            written.record.kind(),
            written.id,
            written.record.title()
        ));
    }
    for (_, written) in &added {
        ctx.ui.line(written.id.as_str())?;
    }
    Ok(())
}

/// The files' texts, and the files that could not be read; standard input (`-`) may be
/// given once, and failing to read it stops everything.
fn read_files(ctx: &Ctx, files: &[PathBuf]) -> Result<(Vec<BatchFile>, Vec<Bad>), CliError> {
    let mut read: Vec<BatchFile> = Vec::new();
    let mut bad: Vec<Bad> = Vec::new();
    let mut stdin_used = false;
    for file in files {
        if file.as_os_str() == "-" {
            if stdin_used {
                return Err(CliError::usage(
                    "standard input (`-`) can be given only once",
                ));
            }
            stdin_used = true;
            // `file:` names in standard input are relative to the current folder.
            let path = ctx.absolute(Path::new("<stdin>"));
            let origin = "<stdin>".to_owned();
            match read_limited(std::io::stdin().lock()) {
                Ok(Ok(text)) => read.push(BatchFile { origin, path, text }),
                Ok(Err(_)) => return Err(too_large("standard input")),
                Err(e) => {
                    return Err(CliError::user(format!("cannot read standard input: {e}")));
                }
            }
        } else {
            let path = ctx.absolute(file);
            let origin = file.display().to_string();
            match fs_err::File::open(&path).and_then(read_limited) {
                Ok(Ok(text)) => read.push(BatchFile { origin, path, text }),
                Ok(Err(_)) => bad.push((origin.clone(), too_large(&origin))),
                Err(e) => bad.push((origin, CliError::user(e.to_string()))),
            }
        }
    }
    Ok((read, bad))
}

/// A file that is not a valid record, and why.
type Bad = (String, CliError);

/// The error for files that are not valid records, with what is wrong with each.
fn invalid_files(bad: &[Bad]) -> CliError {
    let names: Vec<&str> = bad.iter().map(|(origin, _)| origin.as_str()).collect();
    let mut detail = String::new();
    for (_, e) in bad {
        match &e.detail {
            Some(d) => detail.push_str(d),
            None => detail.push_str(&format!("{}\n", e.message)),
        }
    }
    let noun = if bad.len() == 1 {
        "file is"
    } else {
        "files are"
    };
    CliError::user(format!(
        "{} {noun} not a valid record: {}",
        bad.len(),
        names.join(", ")
    ))
    .detail(detail)
    .hint("nothing was added: fix the file and run the same command again")
}

/// The error for a record file over the size limit.
fn too_large(origin: &str) -> CliError {
    CliError::user(format!(
        "{origin} is larger than a record may be ({} KiB)",
        iepcase::record::parse::MAX_RECORD_BYTES / 1024
    ))
    .hint("a record is a short TOML text; attach long documents with `--attach FILE`")
}

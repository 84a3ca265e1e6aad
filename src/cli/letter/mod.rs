//! `iepcase letter TEMPLATE`: draft a letter from the case and record it; `letter --list`.

mod list;

use std::path::PathBuf;

use clap::Args;
use iepcase::letters;
use iepcase::ops;
use iepcase::record::{Date, Kind, Time};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// The letter to write (see `iepcase letter --list`)
    #[arg(required_unless_present = "list")]
    pub template: Option<String>,
    /// List the letter templates
    #[arg(long, conflicts_with = "template")]
    pub list: bool,
    /// The letter's date (default: today)
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// Who the letter goes to
    #[arg(long, value_name = "WHO")]
    pub to: Option<String>,
    /// A fact the letter uses, such as reason="…" or issue="…" (can be repeated)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// The record the letter answers (a refusal, a meeting, an evaluation)
    #[arg(long = "for", value_name = "ID", add = crate::cli::complete::record_ids())]
    pub for_id: Option<String>,
    /// Write the letter to FILE instead of standard output (it is not encrypted there)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The letter's format: md (Markdown), txt (plain text, 72 columns), docx (Word) or pdf
    /// [default: from the --out file's extension, else md]
    #[arg(long, value_name = "FORMAT", value_parser = letters::Format::NAMES)]
    pub format: Option<String>,
    /// Also typeset the letter as a PDF into FILE (attached to the record too)
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// Who signs: parent, advocate, or on-behalf (the advocate, for the parent, with a signed
    /// release on file) [default: the case's parent when it names one, else you]
    #[arg(long, value_name = "WHO", value_parser = ["parent", "advocate", "on-behalf"])]
    pub signer: Option<String>,
    /// Someone the letter is copied to: a `cc:` line after the signature (can be repeated)
    #[arg(long, value_name = "NAME")]
    pub cc: Vec<String>,
    /// The certified-mail number the letter goes with: printed under the date and recorded
    /// on the request (implies --set method=certified-mail)
    #[arg(long, value_name = "NUMBER")]
    pub tracking: Option<String>,
    /// Overwrite the --out or --pdf file if it exists
    #[arg(long)]
    pub force: bool,
    /// Do not record the letter in the case
    #[arg(long)]
    pub no_record: bool,
}

pub fn run(ctx: &Ctx, args: LetterArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    if args.list {
        return list::list(ctx, &ws.root);
    }
    let name = args
        .template
        .as_deref()
        .expect("clap requires a template without --list");
    let template = letters::template(name, Some(&ws.root))?;
    let date = args.date.unwrap_or_else(|| ctx.today());
    let (out, pdf_path, format) = targets(ctx, &args, name, date)?;
    let facts = ops::letters::facts(&args.set, args.tracking.as_deref())?;
    let case = ctx.open_case()?;
    let request = ops::letters::Request {
        template: &template,
        date,
        time: time_of_writing(ctx, date),
        to: args.to.clone(),
        facts,
        for_id: args.for_id.as_deref(),
        signer: args
            .signer
            .as_deref()
            .map(|s| s.parse().expect("clap checks it")),
        cc: args.cc.clone(),
        format,
        pdf: pdf_path.is_some(),
        record: !args.no_record,
    };
    let drafted = ops::letters::draft(ws, &case, request)?;
    ctx.ui.notices(&drafted.notes.signing_notices());
    write(ctx, out.as_deref(), format, &drafted.main)?;
    if let (Some(path), Some(bytes)) = (&pdf_path, &drafted.pdf) {
        crate::cli::common::files::write(path, bytes)?;
        ctx.ui.status(&format!(
            "Wrote the letter as a PDF to {} (not encrypted)",
            path.display()
        ));
    }
    ctx.ui.notices(&drafted.notes.notices(&template.name));
    match drafted.record {
        None => {
            ctx.ui.status("Not recorded (--no-record)");
            Ok(())
        }
        Some((text, sent)) => record(ctx, case.slug(), &text, sent, template.spec.record),
    }
}

/// Records the letter sent in case `slug`: a new `kind` record with the letter attached.
fn record(
    ctx: &Ctx,
    slug: &str,
    text: &str,
    sent: ops::letters::Sent,
    kind: Kind,
) -> Result<(), CliError> {
    let (case, lock) = ctx.open_slug_locked(slug, "letter")?;
    let id = ops::letters::record(&case, &lock, text, sent, &ctx.commit_context()?)?;
    ctx.ui.status(&format!(
        "Recorded the letter, attached to a new {kind} record: {id}"
    ));
    Ok(())
}

/// Where the letter goes: `--out` (absolute), `--pdf` (absolute) and the format, each checked
/// before anything is drafted.
fn targets(
    ctx: &Ctx,
    args: &LetterArgs,
    name: &str,
    date: Date,
) -> Result<(Option<PathBuf>, Option<PathBuf>, letters::Format), CliError> {
    let ws = ctx.workspace()?;
    let out = args.out.as_deref().map(|p| ctx.absolute(p));
    let format =
        crate::cli::common::files::format(ctx, args.format.as_deref(), out.as_deref(), name, date)?;
    let pdf = args.pdf.as_deref().map(|p| ctx.absolute(p));
    for (flag, path, ext) in [("--out", &out, format.name()), ("--pdf", &pdf, "pdf")] {
        if let Some(path) = path {
            let example = format!("{name}-{date}.{ext}");
            crate::cli::common::files::check(ws, flag, path, args.force, &example)?;
        }
    }
    Ok((out, pdf, format))
}

/// The letter to `--out`, else to standard output.
fn write(
    ctx: &Ctx,
    out: Option<&std::path::Path>,
    format: letters::Format,
    bytes: &[u8],
) -> Result<(), CliError> {
    match out {
        Some(path) => {
            crate::cli::common::files::write(path, bytes)?;
            ctx.ui.status(&format!(
                "Wrote the letter to {} (not encrypted)",
                path.display()
            ));
            Ok(())
        }
        None if format.is_binary() => ctx.ui.out_bytes(bytes),
        None => ctx.ui.out(&String::from_utf8_lossy(bytes)),
    }
}

/// The time now, when the letter is dated today: a notice counts its hours from it.
fn time_of_writing(ctx: &Ctx, date: Date) -> Option<Time> {
    let now = ctx.now.to_zoned_datetime(jiff::tz::TimeZone::system());
    (Date(now.date()) == date).then(|| Time(now.time()))
}

//! `iepcase letter TEMPLATE`: draft a letter from the case and record it; `letter --list`.

mod list;
pub(super) mod output;
mod warnings;

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use iepcase::letters::{self, LetterInput};
use iepcase::record::{Date, RecordId, Time, edit, parse_record};
use iepcase::store::Case;
use iepcase::workspace::{Advocate, Workspace};

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
    /// Write the Markdown letter to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also typeset the letter as a PDF into FILE (attached to the record too)
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
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
    let out = args.out.as_deref().map(|p| ctx.absolute(p));
    let pdf_path = args.pdf.as_deref().map(|p| ctx.absolute(p));
    let targets = [("--out", &out, "md"), ("--pdf", &pdf_path, "pdf")];
    for (flag, path, ext) in targets {
        if let Some(path) = path {
            output::check(ws, flag, path, args.force, &format!("{name}-{date}.{ext}"))?;
        }
    }
    let case = ctx.open_case()?;
    let (_, meta) = case.meta()?;
    let about = match &args.for_id {
        Some(prefix) => Some(case.read_record(&case.resolve(prefix)?)?),
        None => None,
    };
    // A recording notice needs the notice period; other letters state the case's periods
    // when the rule files can be read.
    let book = match template.is_recording_notice() {
        true => Some(super::rules::rulebook(ctx)?),
        false => super::rules::rulebook(ctx).ok(),
    };
    let input = LetterInput {
        date,
        time: time_of_writing(ctx, date),
        to: args.to.clone(),
        facts: facts(&args.set)?,
        for_record: about.as_ref(),
        meta: &meta,
        sender: sender(ctx, ws),
        rules: book.as_ref().map(|b| b.select(meta.state.as_deref()).set),
    };
    let letter = template.render(&input)?;
    let pdf = match &pdf_path {
        Some(_) => {
            let author = input.sender.name.clone().unwrap_or_default();
            Some(letters::letter_pdf(
                &letter,
                &template.spec.title,
                &author,
                input.date,
            )?)
        }
        None => None,
    };
    let record = if args.no_record {
        None
    } else {
        Some(letters::record_text(&template, &input, &letter)?)
    };
    match &out {
        Some(path) => {
            output::write(path, letter.as_bytes())?;
            ctx.ui.status(&format!(
                "Wrote the letter to {} (not encrypted)",
                path.display()
            ));
        }
        None => ctx.ui.out(&letter)?,
    }
    if let (Some(path), Some(bytes)) = (&pdf_path, &pdf) {
        output::write(path, bytes)?;
        ctx.ui.status(&format!(
            "Wrote the letter as a PDF to {} (not encrypted)",
            path.display()
        ));
    }
    warnings::warn(ctx, &template, &input)?;
    let Some(text) = record else {
        ctx.ui.status("Not recorded (--no-record)");
        return Ok(());
    };
    let attachments = [(format!("{name}-{date}.md"), letter.into_bytes())]
        .into_iter()
        .chain(pdf.map(|bytes| (format!("{name}-{date}.pdf"), bytes)));
    let id = record_letter(ctx, &case, text, attachments)?;
    ctx.ui.status(&format!(
        "Recorded the letter, attached to a new {} record: {id}",
        template.spec.record
    ));
    Ok(())
}

/// `--set NAME=VALUE` facts; a name given several times is a list.
fn facts(assignments: &[String]) -> Result<BTreeMap<String, Vec<String>>, CliError> {
    let mut facts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for assignment in assignments {
        let (key, value) = edit::split_assignment(assignment)?;
        facts
            .entry(key.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    Ok(facts)
}

/// The sender from the workspace's `[advocate]` table, else the commit author's name.
pub(super) fn advocate(ws: &Workspace) -> Advocate {
    let mut sender = ws.config.advocate.clone().unwrap_or_default();
    sender.name = sender.name.or_else(|| ws.config.author.name.clone());
    sender
}

/// [`advocate`], with a warning (and a placeholder name) when the letter would go unsigned.
fn sender(ctx: &Ctx, ws: &Workspace) -> Advocate {
    let mut sender = advocate(ws);
    if sender
        .name
        .as_deref()
        .is_none_or(|n| n.trim().is_empty() || n == "iepcase user")
    {
        ctx.ui
            .warn("your name is not set, so the letter is not properly signed");
        ctx.ui.hint(
            "add an [advocate] table to iepcase.toml with your name, e-mail, phone and address",
        );
        sender.name = Some(sender.name.unwrap_or_else(|| "iepcase user".into()));
    }
    sender
}

/// The time now, when the letter is dated today: a notice counts its hours from it.
fn time_of_writing(ctx: &Ctx, date: Date) -> Option<Time> {
    let now = ctx.now.to_zoned_datetime(jiff::tz::TimeZone::system());
    (Date(now.date()) == date).then(|| Time(now.time()))
}

/// Records the letter: a new record with the letter attached, in one commit.
fn record_letter(
    ctx: &Ctx,
    case: &Case,
    mut text: String,
    files: impl Iterator<Item = (String, Vec<u8>)>,
) -> Result<RecordId, CliError> {
    let (case, lock) = ctx.open_slug_locked(case.slug(), "letter")?;
    let id = RecordId::generate();
    let mut tx = case.transaction(&lock);
    let mut attachments = Vec::new();
    for (name, bytes) in files {
        attachments.push(tx.add_attachment_bytes(&name, &bytes)?);
    }
    text = edit::append_attachments(&text, &attachments)?;
    parse_record(&text, "the letter's record")?;
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), &ctx.commit_context()?)?;
    Ok(id)
}

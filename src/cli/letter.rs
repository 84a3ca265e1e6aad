//! `iepcase letter TEMPLATE`: draft a letter from the case and record it; `letter --list`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::letters::{self, LetterInput};
use iepcase::record::{Date, RecordId, edit, parse_record};
use serde_json::json;

use super::context::Ctx;
use super::error::CliError;
use super::ui::table;

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
    #[arg(long = "for", value_name = "ID")]
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
        return list(ctx, &ws.root);
    }
    let name = args
        .template
        .as_deref()
        .expect("clap requires a template without --list");
    let template = letters::template(name, Some(&ws.root))?;
    let out = args.out.as_deref().map(|p| ctx.absolute(p));
    let pdf_path = args.pdf.as_deref().map(|p| ctx.absolute(p));
    if let Some(path) = out
        .iter()
        .chain(&pdf_path)
        .find(|p| p.exists() && !args.force)
    {
        return Err(CliError::user(format!("{} already exists", path.display()))
            .hint("pass --force to overwrite it, or write somewhere else"));
    }
    let case = ctx.open_case()?;
    let (_, meta) = case.meta()?;
    let about = match &args.for_id {
        Some(prefix) => Some(case.read_record(&case.resolve(prefix)?)?),
        None => None,
    };
    let mut facts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for assignment in &args.set {
        let (key, value) = edit::split_assignment(assignment)?;
        facts
            .entry(key.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    let mut sender = ws.config.advocate.clone().unwrap_or_default();
    sender.name = sender.name.or_else(|| ws.config.author.name.clone());
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
    let input = LetterInput {
        date: args.date.unwrap_or_else(|| ctx.today()),
        to: args.to.clone(),
        facts,
        for_record: about.as_ref(),
        meta: &meta,
        sender,
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
            iepcase::atomic::write(path, letter.as_bytes(), Some(0o600))?;
            ctx.ui.status(&format!(
                "Wrote the letter to {} (not encrypted)",
                path.display()
            ));
        }
        None => ctx.ui.out(&letter)?,
    }
    if let (Some(path), Some(bytes)) = (&pdf_path, &pdf) {
        iepcase::atomic::write(path, bytes, Some(0o600))?;
        ctx.ui.status(&format!(
            "Wrote the letter as a PDF to {} (not encrypted)",
            path.display()
        ));
    }
    if template.spec.confidence != "confirmed" {
        ctx.ui.warn(&format!(
            "this letter relies on a rule marked {}: check it before sending",
            template.spec.confidence
        ));
    }
    let Some(mut text) = record else {
        ctx.ui.status("Not recorded (--no-record)");
        return Ok(());
    };
    let lock = ctx.lock(&case, "letter")?;
    let id = RecordId::generate();
    let mut tx = case.transaction(&lock);
    let file_name = format!("{}-{}.md", template.name, input.date);
    let mut attachments = vec![tx.add_attachment_bytes(&file_name, letter.as_bytes())?];
    if let Some(bytes) = &pdf {
        let pdf_name = format!("{}-{}.pdf", template.name, input.date);
        attachments.push(tx.add_attachment_bytes(&pdf_name, bytes)?);
    }
    text = edit::append_attachments(&text, &attachments)?;
    parse_record(&text, "the letter's record")?;
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), &ctx.commit_context()?)?;
    ctx.ui.status(&format!(
        "Recorded the letter, attached to a new {} record: {id}",
        template.spec.record
    ));
    Ok(())
}

fn list(ctx: &Ctx, root: &Path) -> Result<(), CliError> {
    let all = letters::catalog(Some(root))?;
    if ctx.ui.json {
        let rows: Vec<serde_json::Value> = all
            .iter()
            .map(|l| match &l.template {
                Ok(t) => json!({
                    "name": l.name, "description": t.spec.description,
                    "record": t.spec.record.as_str(), "type": t.spec.record_type,
                    "cite": t.spec.cite, "confidence": t.spec.confidence,
                    "builtin": l.builtin, "origin": l.origin,
                }),
                Err(e) => json!({
                    "name": l.name, "builtin": l.builtin, "origin": l.origin, "error": e.to_string(),
                }),
            })
            .collect();
        return ctx.ui.json(&serde_json::Value::Array(rows));
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|l| {
            let source = if l.builtin {
                "built in".to_owned()
            } else {
                l.origin.clone()
            };
            let writes = match &l.template {
                Ok(t) => t.spec.description.clone(),
                Err(e) => format!("(does not parse: {e})"),
            };
            vec![l.name.clone(), writes, source]
        })
        .collect();
    ctx.ui.out(&table(&["TEMPLATE", "WRITES", "FROM"], &rows))?;
    if all.iter().any(|l| l.template.is_err()) {
        ctx.ui
            .warn("some templates do not parse; `iepcase letter NAME` shows where");
    }
    Ok(())
}

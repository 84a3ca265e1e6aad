//! `iepcase attach ID FILE…` and `iepcase extract ID [--out DIR]`.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::record::edit;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Files to attach: PDFs, images, e-mails, recordings
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Take files up to SIZE (such as 500M or 4G; default 1G)
    #[arg(long, value_name = "SIZE", value_parser = crate::cli::common::args::parse_size)]
    pub max_size: Option<u64>,
}

#[derive(Debug, Args)]
pub struct DetachArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// The attachment: its file name, or its number (1 is the first, in the order
    /// `iepcase show` lists them)
    #[arg(value_name = "NAME|N")]
    pub attachment: String,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// Folder to write the files into (default: the current folder)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite files that already exist
    #[arg(long)]
    pub force: bool,
}

pub fn run_attach(ctx: &Ctx, args: AttachArgs) -> Result<(), CliError> {
    for file in &args.files {
        if !ctx.absolute(file).is_file() {
            return Err(CliError::user(format!("{} is not a file", file.display())));
        }
    }
    let (case, lock) = ctx.open_case_locked("attach")?;
    let id = case.resolve(&args.id)?;
    let stored = case.read_record(&id)?;
    let mut tx = case.transaction(&lock);
    if let Some(max) = args.max_size {
        tx.limit_attachments(max);
    }
    let mut added = Vec::new();
    for file in &args.files {
        let attachment = tx.add_attachment(&ctx.absolute(file))?;
        if stored
            .record
            .common
            .attachments
            .iter()
            .any(|a| a.sha256 == attachment.sha256 && a.name == attachment.name)
        {
            ctx.ui
                .status(&format!("{} is already attached", attachment.name));
            continue;
        }
        added.push(attachment);
    }
    if added.is_empty() {
        return Ok(());
    }
    let text = edit::append_attachments(&stored.text, &added)?;
    tx.put_record(&id, &text)?;
    tx.commit(&format!("attach to record {id}"), &ctx.commit_context()?)?;
    for a in &added {
        ctx.ui.status(&format!(
            "Attached {} ({} bytes) to {id}",
            a.name,
            a.size.unwrap_or(0)
        ));
    }
    crate::cli::common::records::warn_unbindable(ctx, Some(id.as_str()), &args.files)?;
    Ok(())
}

pub fn run_detach(ctx: &Ctx, args: DetachArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("detach")?;
    let id = case.resolve(&args.id)?;
    let stored = case.read_record(&id)?;
    let attachments = &stored.record.common.attachments;
    let listed = || {
        attachments
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{} {}", i + 1, a.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if attachments.is_empty() {
        return Err(CliError::user(format!("record {id} has no attachments"))
            .hint(format!("`iepcase show {id}` shows the record")));
    }
    let wanted = args.attachment.trim();
    let by_name: Vec<usize> = attachments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name == wanted)
        .map(|(i, _)| i)
        .collect();
    let index = match (by_name.as_slice(), wanted.parse::<usize>()) {
        ([one], _) => *one,
        ([], Ok(n)) if (1..=attachments.len()).contains(&n) => n - 1,
        ([], Ok(n)) => {
            return Err(CliError::user(format!(
                "record {id} has no attachment {n}: it has {} ({})",
                attachments.len(),
                listed()
            ))
            .hint(format!(
                "give a number from 1 to {}: `iepcase detach {id} 1`",
                attachments.len()
            )));
        }
        ([], Err(_)) => {
            return Err(CliError::user(format!(
                "record {id} has no attachment named `{wanted}`: it has {}",
                listed()
            ))
            .hint(format!(
                "give the name exactly, or its number: `iepcase detach {id} 1`"
            )));
        }
        (several, _) => {
            let numbers: Vec<String> = several.iter().map(|i| (i + 1).to_string()).collect();
            return Err(CliError::user(format!(
                "record {id} has {} attachments named `{wanted}` (numbers {})",
                several.len(),
                numbers.join(", ")
            ))
            .hint(format!(
                "say which by number: `iepcase detach {id} {}`",
                numbers[0]
            )));
        }
    };
    let name = attachments[index].name.clone();
    let text = edit::remove_attachment(&stored.text, index)?;
    let mut tx = case.transaction(&lock);
    tx.put_record(&id, &text)?;
    tx.commit(
        &format!("detach {name} from record {id}"),
        &ctx.commit_context()?,
    )?;
    ctx.ui.status(&format!(
        "Detached {name} from {id} (the case's history keeps it: `iepcase show {id} --rev HEAD~1`)"
    ));
    Ok(())
}

pub fn run_extract(ctx: &Ctx, args: ExtractArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let id = case.resolve(&args.id)?;
    let stored = case.read_record(&id)?;
    let attachments = &stored.record.common.attachments;
    if attachments.is_empty() {
        ctx.ui.status(&format!("{id} has no attachments"));
        return Ok(());
    }
    let dir = ctx.absolute(args.out.as_deref().unwrap_or(Path::new(".")));
    fs_err::create_dir_all(&dir)?;
    let mut used = std::collections::HashSet::new();
    for attachment in attachments {
        let name = unique_name(&safe_file_name(&attachment.name), &mut used);
        let path = dir.join(&name);
        if path.exists() && !args.force {
            return Err(CliError::user(format!("{} already exists", path.display()))
                .hint("pass --force to overwrite, or --out to pick another folder"));
        }
        // Streamed into a private temporary file beside the target, renamed when whole.
        let mut temp = tempfile::Builder::new()
            .prefix(".iepcase-extract-")
            .tempfile_in(&dir)?;
        let _guard = iepcase::atomic::remove_on_interrupt(temp.path());
        {
            let mut out = std::io::BufWriter::new(temp.as_file_mut());
            case.extract_attachment(&id, attachment, &mut out)?;
            std::io::Write::flush(&mut out)?;
        }
        temp.as_file().sync_all()?;
        temp.persist(&path).map_err(|e| CliError::from(e.error))?;
        ctx.ui.line(&path.display().to_string())?;
    }
    ctx.ui
        .warn("these files are decrypted: delete them when you are done");
    Ok(())
}

/// A file name that cannot escape the output folder.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    match cleaned.trim_start_matches('.') {
        "" => "attachment".into(),
        s => s.to_owned(),
    }
}

fn unique_name(name: &str, used: &mut std::collections::HashSet<String>) -> String {
    let mut candidate = name.to_owned();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.to_owned(), String::new()),
    };
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{stem}-{n}{ext}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_cannot_escape() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("..\\x.pdf"), "x.pdf");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        let mut used = Default::default();
        assert_eq!(unique_name("a.pdf", &mut used), "a.pdf");
        assert_eq!(unique_name("a.pdf", &mut used), "a-2.pdf");
    }
}

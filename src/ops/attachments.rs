//! `attach`, `detach` and `extract`: a record's files, added and removed in one commit each,
//! or decrypted into a folder the user names.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::git::CommitContext;
use crate::record::{Attachment, RecordId, edit};
use crate::store::{Case, CaseLock};

use super::{Notice, OpsError};

/// Files attached to a record.
#[derive(Debug)]
pub struct Attached {
    pub id: RecordId,
    /// The files attached now.
    pub added: Vec<Attachment>,
    /// The names of files the record already had (same name and content): left as they are.
    pub already: Vec<String>,
}

impl Attached {
    /// What attaching did: each file the record already had, then each file attached.
    pub fn notices(&self) -> Vec<Notice> {
        let already = self
            .already
            .iter()
            .map(|name| format!("{name} is already attached"));
        let added = self.added.iter().map(|a| {
            let size = a.size.unwrap_or(0);
            format!("Attached {} ({size} bytes) to {}", a.name, self.id)
        });
        already.chain(added).map(Notice::Status).collect()
    }
}

/// That the file `name` was detached from record `id`, and where it still is.
pub fn detached_notice(id: &RecordId, name: &str) -> Notice {
    Notice::Status(format!(
        "Detached {name} from {id} (the case's history keeps it: `iepcase show {id} --rev HEAD~1`)"
    ))
}

/// When the file at `path` (absolute) is one a bundle cannot show (see [`unbindable`]),
/// a warning that it is attached all the same and a hint to attach a PDF instead to record
/// `id` (`ID` when it has none yet). `given` is the path as the user gave it.
pub fn unbindable_notices(
    id: Option<&str>,
    path: &Path,
    given: &Path,
) -> Result<Vec<Notice>, OpsError> {
    let name = given.file_name().map_or_else(
        || given.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let Some(what) = unbindable(path, &name)? else {
        return Ok(Vec::new());
    };
    let id = id.unwrap_or("ID");
    let word = super::output::shell_word(&name);
    Ok(vec![
        Notice::Warning(format!(
            "{name} is {what}, which a bundle cannot show: it is attached all the same, but a \
             bundle can only name it"
        )),
        Notice::Hint(format!(
            "convert it to PDF and attach that instead: `iepcase attach {id} FILE.pdf`, then \
             `iepcase detach {id} {word}`"
        )),
    ])
}

/// Attaches `files` (absolute paths) to the record `prefix` names, taking files up to
/// `max_size` bytes when given, in one commit. A file the record already has (same name and
/// content) is not attached twice.
pub fn attach(
    case: &Case,
    lock: &CaseLock,
    prefix: &str,
    files: &[PathBuf],
    max_size: Option<u64>,
    context: &CommitContext,
) -> Result<Attached, OpsError> {
    let id = case.resolve(prefix)?;
    let stored = case.read_record(&id)?;
    let mut tx = case.transaction(lock);
    if let Some(max) = max_size {
        tx.limit_attachments(max);
    }
    let mut added = Vec::new();
    let mut already = Vec::new();
    for file in files {
        let attachment = tx.add_attachment(file)?;
        let has = |a: &Attachment| a.sha256 == attachment.sha256 && a.name == attachment.name;
        if stored.record.common.attachments.iter().any(has) {
            already.push(attachment.name);
        } else {
            added.push(attachment);
        }
    }
    if !added.is_empty() {
        let text = edit::append_attachments(&stored.text, &added)?;
        tx.put_record(&id, &text)?;
        tx.commit(&format!("attach to record {id}"), context)?;
    }
    Ok(Attached { id, added, already })
}

/// What the file at `path` is when a bundle cannot show it (told by its content, see
/// [`crate::bundle::unbindable`]): it can be attached all the same, but a bundle can only
/// name it. `name` is the file's name.
pub fn unbindable(path: &Path, name: &str) -> Result<Option<String>, OpsError> {
    use std::io::Read as _;
    let mut head = Vec::with_capacity(4096);
    fs_err::File::open(path)
        .and_then(|file| file.take(4096).read_to_end(&mut head))
        .map_err(OpsError::File)?;
    // A TIFF scan is told convertible by decoding it whole.
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        head = fs_err::read(path).map_err(OpsError::File)?;
    }
    Ok(crate::bundle::unbindable(name, &head))
}

/// Why an attachment could not be told from what was given.
#[derive(Debug, thiserror::Error)]
pub enum DetachError {
    #[error("record {id} has no attachments")]
    NoAttachments { id: RecordId },
    #[error("record {id} has no attachment {number}: it has {} ({})", names.len(), listed(names))]
    NoNumber {
        id: RecordId,
        number: usize,
        names: Vec<String>,
    },
    #[error(
        "record {id} has no attachment named `{wanted}`: it has {}",
        listed(names)
    )]
    NoName {
        id: RecordId,
        wanted: String,
        names: Vec<String>,
    },
    #[error("record {id} has {} attachments named `{wanted}` (numbers {})", numbers.len(), numbers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        id: RecordId,
        wanted: String,
        numbers: Vec<usize>,
    },
}

/// "1 a.pdf, 2 b.png".
fn listed(names: &[String]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{} {name}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which attachment of `attachments` `wanted` names: its exact file name, else its number
/// (1 is the first).
fn which(id: &RecordId, attachments: &[Attachment], wanted: &str) -> Result<usize, DetachError> {
    let names = || attachments.iter().map(|a| a.name.clone()).collect();
    if attachments.is_empty() {
        return Err(DetachError::NoAttachments { id: id.clone() });
    }
    let by_name: Vec<usize> = attachments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name == wanted)
        .map(|(i, _)| i)
        .collect();
    match (by_name.as_slice(), wanted.parse::<usize>()) {
        ([one], _) => Ok(*one),
        ([], Ok(n)) if (1..=attachments.len()).contains(&n) => Ok(n - 1),
        ([], Ok(number)) => Err(DetachError::NoNumber {
            id: id.clone(),
            number,
            names: names(),
        }),
        ([], Err(_)) => Err(DetachError::NoName {
            id: id.clone(),
            wanted: wanted.to_owned(),
            names: names(),
        }),
        (several, _) => Err(DetachError::Ambiguous {
            id: id.clone(),
            wanted: wanted.to_owned(),
            numbers: several.iter().map(|i| i + 1).collect(),
        }),
    }
}

/// Removes from the record `prefix` names the attachment `wanted` names (its file name or
/// number), in one commit; the case's history keeps the file. Returns the record and the
/// file's name.
pub fn detach(
    case: &Case,
    lock: &CaseLock,
    prefix: &str,
    wanted: &str,
    context: &CommitContext,
) -> Result<(RecordId, String), OpsError> {
    let id = case.resolve(prefix)?;
    let stored = case.read_record(&id)?;
    let attachments = &stored.record.common.attachments;
    let index = which(&id, attachments, wanted.trim())?;
    let name = attachments[index].name.clone();
    let text = edit::remove_attachment(&stored.text, index)?;
    let mut tx = case.transaction(lock);
    tx.put_record(&id, &text)?;
    tx.commit(&format!("detach {name} from record {id}"), context)?;
    Ok((id, name))
}

/// Decrypts every attachment of record `id` into folder `dir` (created if need be), each
/// under a name that cannot leave it; an existing file is replaced only with `force`. Each
/// file is written whole or not at all. Returns the files written.
pub fn extract(
    case: &Case,
    id: &RecordId,
    attachments: &[Attachment],
    dir: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, OpsError> {
    let io = |source| OpsError::Io {
        path: dir.to_owned(),
        source,
    };
    fs_err::create_dir_all(dir).map_err(io)?;
    let mut used = HashSet::new();
    let mut written = Vec::new();
    for attachment in attachments {
        let name = unique_name(&safe_file_name(&attachment.name), &mut used);
        let path = dir.join(&name);
        if path.exists() && !force {
            return Err(OpsError::Exists { path });
        }
        // Streamed into a private temporary file beside the target, renamed when whole.
        let mut temp = tempfile::Builder::new()
            .prefix(".iepcase-extract-")
            .tempfile_in(dir)
            .map_err(io)?;
        let _guard = crate::atomic::remove_on_interrupt(temp.path());
        {
            let mut out = std::io::BufWriter::new(temp.as_file_mut());
            case.extract_attachment(id, attachment, &mut out)?;
            std::io::Write::flush(&mut out).map_err(io)?;
        }
        temp.as_file().sync_all().map_err(io)?;
        temp.persist(&path).map_err(|e| io(e.error))?;
        written.push(path);
    }
    Ok(written)
}

/// A file name that cannot escape the output folder.
pub(crate) fn safe_file_name(name: &str) -> String {
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

/// `name`, or `name-2`, `name-3`… when an earlier file took it.
pub(crate) fn unique_name(name: &str, used: &mut HashSet<String>) -> String {
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
    fn a_file_a_bundle_cannot_show_is_told_by_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let pdf = write("scan.docx", b"%PDF-1.7\n");
        assert_eq!(unbindable(&pdf, "scan.docx").unwrap(), None);
        let docx = write("iep.pdf", b"PK\x03\x04rest");
        let what = unbindable(&docx, "iep.pdf").unwrap().expect("unbindable");
        assert!(what.contains("Word .docx"), "{what}");
        let notices =
            unbindable_notices(Some("k3f9a2bq7x"), &docx, Path::new("my iep.pdf")).unwrap();
        assert_eq!(notices.len(), 2);
        assert!(
            matches!(&notices[0], Notice::Warning(w) if w.starts_with("my iep.pdf is ")
                && w.ends_with(", which a bundle cannot show: it is attached all the same, but \
                                a bundle can only name it")),
            "{notices:?}"
        );
        assert_eq!(
            notices[1],
            Notice::Hint(
                "convert it to PDF and attach that instead: `iepcase attach k3f9a2bq7x \
                 FILE.pdf`, then `iepcase detach k3f9a2bq7x 'my iep.pdf'`"
                    .into()
            )
        );
        assert!(unbindable_notices(None, &pdf, &pdf).unwrap().is_empty());
        let missing = dir.path().join("missing.pdf");
        assert!(matches!(
            unbindable(&missing, "missing.pdf"),
            Err(OpsError::File(_))
        ));
    }

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

    fn attachment(name: &str) -> Attachment {
        Attachment {
            name: name.to_owned(),
            media_type: None,
            size: None,
            sha256: String::new(),
            blob: None,
        }
    }

    #[test]
    fn an_attachment_is_named_by_its_file_name_or_its_number() {
        let id = RecordId::parse("k3f9a2bq7x").unwrap();
        let files = [attachment("a.pdf"), attachment("2"), attachment("c.pdf")];
        assert_eq!(which(&id, &files, "c.pdf").unwrap(), 2);
        assert_eq!(which(&id, &files, "1").unwrap(), 0);
        // A file named like a number is taken by its name first.
        assert_eq!(which(&id, &files, "2").unwrap(), 1);
        let err = which(&id, &files, "4").unwrap_err().to_string();
        assert_eq!(
            err,
            "record k3f9a2bq7x has no attachment 4: it has 3 (1 a.pdf, 2 2, 3 c.pdf)"
        );
        assert!(matches!(
            which(&id, &files, "b.pdf"),
            Err(DetachError::NoName { .. })
        ));
        let twice = [attachment("scan.pdf"), attachment("scan.pdf")];
        assert_eq!(
            which(&id, &twice, "scan.pdf").unwrap_err().to_string(),
            "record k3f9a2bq7x has 2 attachments named `scan.pdf` (numbers 1, 2)"
        );
        assert!(matches!(
            which(&id, &[], "1"),
            Err(DetachError::NoAttachments { .. })
        ));
    }

    #[test]
    fn attaching_and_detaching_say_what_they_did() {
        let id = RecordId::parse("k3f9a2bq7x").unwrap();
        let file = |name: &str| Attachment {
            name: name.into(),
            media_type: None,
            size: Some(12),
            sha256: String::new(),
            blob: None,
        };
        let attached = Attached {
            id: id.clone(),
            added: vec![file("b.pdf")],
            already: vec!["a.pdf".into()],
        };
        assert_eq!(
            attached.notices(),
            vec![
                Notice::Status("a.pdf is already attached".into()),
                Notice::Status("Attached b.pdf (12 bytes) to k3f9a2bq7x".into()),
            ]
        );
        assert_eq!(
            detached_notice(&id, "b.pdf"),
            Notice::Status(
                "Detached b.pdf from k3f9a2bq7x (the case's history keeps it: `iepcase show \
                 k3f9a2bq7x --rev HEAD~1`)"
                    .into()
            )
        );
    }
}

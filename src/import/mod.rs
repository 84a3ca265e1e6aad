//! `import`: the user's own files turned into records. An e-mail (`.eml`, or each message of
//! an mbox) becomes a `communication` record with its files and the original message
//! attached; a PDF or an image becomes a record of the kind asked for, with the file attached
//! and the date read from the PDF's text when one is evident.
//!
//! [`plan`] reads the files and drafts the records, skipping what the case already holds
//! (same `Message-ID`, or same file); [`save`] encrypts the drafts and their files into a
//! [`Transaction`]. Nothing is written anywhere else: the files themselves are only read.

pub mod dates;
mod document;
mod email;
pub(crate) mod pdf_text;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::record::edit::{self, EditError};
use crate::record::schema::record_shape;
use crate::record::{Date, Kind, Record, RecordError, RecordId, parse_record};
use crate::store::{StoreError, StoredRecord, Transaction};

/// The field of `[extra]` that keeps an imported message's `Message-ID`.
pub const MESSAGE_ID_FIELD: &str = "message_id";

/// The largest PDF or image `import` reads (it is attached whole).
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// The kind of the records PDFs and images become.
    pub kind: Kind,
    /// The date of every record, instead of the one found.
    pub date: Option<Date>,
    /// The title of every record, instead of the subject or file name.
    pub title: Option<String>,
    /// `FIELD=VALUE` settings applied to every record.
    pub sets: Vec<String>,
    /// The user's own e-mail addresses: messages from them were sent, not received.
    pub my_addresses: Vec<String>,
    /// Today, for records with no date to be found.
    pub today: Date,
}

/// Why a file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a file", path.display())]
    NotAFile { path: PathBuf },
    #[error("{} is not an e-mail, an mbox, a PDF or an image", path.display())]
    Unsupported { path: PathBuf },
    #[error("{} is an Outlook .msg file, which iepcase cannot read", path.display())]
    OutlookMsg { path: PathBuf },
    #[error("{} holds no e-mail message", path.display())]
    NoMessages { path: PathBuf },
    #[error("{} is too large to import ({size} bytes; the limit is {limit})", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("--set {assignment}: {source}")]
    Set {
        assignment: String,
        source: EditError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Edit(#[from] EditError),
}

impl ImportError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
        move |source| ImportError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// A file to attach to a drafted record.
#[derive(Clone, Debug)]
pub enum DraftFile {
    /// Bytes taken out of a message (or the message itself).
    Bytes { name: String, data: Vec<u8> },
    /// A file of the user's, read again when it is encrypted.
    Path(PathBuf),
}

/// A record to be added.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Where it came from: `letter.pdf`, `district.mbox, message 3`.
    pub origin: String,
    /// The record's TOML, without `[[attachments]]` (added by [`save`]).
    pub text: String,
    pub kind: Kind,
    pub files: Vec<DraftFile>,
    /// What was guessed rather than read, in words, for the user to check.
    pub guesses: Vec<String>,
}

impl Draft {
    /// Checks the drafted record.
    pub fn validate(&self) -> Result<Record, RecordError> {
        parse_record(&self.text, &self.origin)
    }
}

/// Where an earlier copy of a skipped message or file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Earlier {
    /// In a record of the case.
    Record(RecordId),
    /// Earlier in this same import.
    ThisImport(String),
}

/// A message or file left out because the case already holds it.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub origin: String,
    pub earlier: Earlier,
    /// `true` when the `Message-ID` matched, `false` when the content did.
    pub same_message_id: bool,
}

/// What an import will do.
#[derive(Debug, Default)]
pub struct Plan {
    pub drafts: Vec<Draft>,
    pub skipped: Vec<Skipped>,
    /// What the user should know: messages of an mbox that could not be read, files a
    /// bundle cannot print.
    pub warnings: Vec<String>,
}

/// What the case already holds: message ids and attachment checksums, by record.
#[derive(Clone, Debug, Default)]
pub struct Known {
    message_ids: HashMap<String, Earlier>,
    contents: HashMap<String, Earlier>,
}

impl Known {
    /// Collects the message ids and attachment checksums of `records`.
    pub fn from_records(records: &[StoredRecord]) -> Known {
        let mut known = Known::default();
        for stored in records {
            let earlier = Earlier::Record(stored.id.clone());
            if let Some(id) = stored
                .record
                .common
                .extra
                .as_ref()
                .and_then(|extra| extra.get(MESSAGE_ID_FIELD))
                .and_then(|v| v.as_str())
            {
                known.message_ids.insert(id.to_owned(), earlier.clone());
            }
            for attachment in &stored.record.common.attachments {
                known
                    .contents
                    .insert(attachment.sha256.to_ascii_lowercase(), earlier.clone());
            }
        }
        known
    }

    /// The earlier copy of a message or file, if any; else remembers this one.
    fn check(
        &mut self,
        origin: &str,
        message_id: Option<&str>,
        sha256: &str,
    ) -> Option<(Earlier, bool)> {
        if let Some(earlier) = message_id.and_then(|id| self.message_ids.get(id)) {
            return Some((earlier.clone(), true));
        }
        if let Some(earlier) = self.contents.get(sha256) {
            return Some((earlier.clone(), false));
        }
        let here = Earlier::ThisImport(origin.to_owned());
        if let Some(id) = message_id {
            self.message_ids.insert(id.to_owned(), here.clone());
        }
        self.contents.insert(sha256.to_owned(), here);
        None
    }
}

/// Reads `files` and drafts their records. `progress` is told how many of the files' bytes
/// have been read, out of how many.
pub fn plan(
    files: &[PathBuf],
    options: &Options,
    known: &Known,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Plan, ImportError> {
    let mut sizes = Vec::new();
    for path in files {
        let meta = fs_err::metadata(path).map_err(ImportError::io(path))?;
        if !meta.is_file() {
            return Err(ImportError::NotAFile { path: path.clone() });
        }
        sizes.push(meta.len());
    }
    let total: u64 = sizes.iter().sum();
    let mut done = 0;
    let mut known = known.clone();
    let mut plan = Plan::default();
    for (path, size) in files.iter().zip(sizes) {
        let name = display_name(path);
        match detect(path)? {
            Detected::Mbox => {
                email::plan_mbox(path, &name, options, &mut known, &mut plan, &mut |read| {
                    progress(done + read, total)
                })?
            }
            Detected::Email => {
                let raw = read_limited(path, crate::mail::MAX_MESSAGE_BYTES as u64)?;
                email::plan_message(&raw, &name, &name, options, &mut known, &mut plan)
                    .ok_or_else(|| ImportError::NoMessages { path: path.clone() })??;
            }
            Detected::Document => {
                document::plan_document(path, &name, options, &mut known, &mut plan)?;
            }
        }
        done += size;
        progress(done, total);
    }
    for draft in &mut plan.drafts {
        apply_sets(draft, &options.sets)?;
    }
    Ok(plan)
}

/// Stages each draft (its files encrypted, `[[attachments]]` added) in `tx`; returns the new
/// ids with their records, in order.
pub fn save(
    tx: &mut Transaction<'_>,
    drafts: &[Draft],
) -> Result<Vec<(RecordId, Record)>, ImportError> {
    let mut saved = Vec::new();
    for draft in drafts {
        let mut attachments = Vec::new();
        for file in &draft.files {
            attachments.push(match file {
                DraftFile::Bytes { name, data } => tx.add_attachment_bytes(name, data)?,
                DraftFile::Path(path) => tx.add_attachment(path)?,
            });
        }
        let text = if attachments.is_empty() {
            draft.text.clone()
        } else {
            edit::append_attachments(&draft.text, &attachments)?
        };
        let id = RecordId::generate();
        tx.put_record(&id, &text)?;
        let record = parse_record(&text, &draft.origin).map_err(StoreError::from)?;
        saved.push((id, record));
    }
    Ok(saved)
}

fn apply_sets(draft: &mut Draft, sets: &[String]) -> Result<(), ImportError> {
    for assignment in sets {
        let set = |text: &str| {
            let (path, value) = edit::split_assignment(assignment)?;
            edit::set(text, path, value, record_shape(draft.kind))
        };
        draft.text = set(&draft.text).map_err(|source| ImportError::Set {
            assignment: assignment.clone(),
            source,
        })?;
    }
    Ok(())
}

/// What a file holds.
enum Detected {
    Email,
    Mbox,
    Document,
}

/// Recognises a file by its first bytes, then its name.
fn detect(path: &Path) -> Result<Detected, ImportError> {
    let mut head = [0u8; 1024];
    let mut file = fs_err::File::open(path).map_err(ImportError::io(path))?;
    let mut len = 0;
    while len < head.len() {
        let n = file.read(&mut head[len..]).map_err(ImportError::io(path))?;
        if n == 0 {
            break;
        }
        len += n;
    }
    let head = &head[..len];
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if document::is_document(head) {
        return Ok(Detected::Document);
    }
    if crate::mail::is_mbox(head) {
        return Ok(Detected::Mbox);
    }
    if ext == "msg" || head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        return Err(ImportError::OutlookMsg {
            path: path.to_owned(),
        });
    }
    if ext == "eml" || looks_like_headers(head) {
        return Ok(Detected::Email);
    }
    Err(ImportError::Unsupported {
        path: path.to_owned(),
    })
}

/// Whether text starts with e-mail headers (`Name: value` lines including a `From` or
/// `Date`).
fn looks_like_headers(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut saw_mail_header = false;
    for line in text.lines().take(40) {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        saw_mail_header |= ["from", "date", "subject", "message-id", "to"]
            .contains(&name.to_ascii_lowercase().as_str());
    }
    saw_mail_header
}

/// Reads a whole file, refusing one over `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ImportError> {
    let size = fs_err::metadata(path).map_err(ImportError::io(path))?.len();
    if size > limit {
        return Err(ImportError::TooLarge {
            path: path.to_owned(),
            size,
            limit,
        });
    }
    fs_err::read(path).map_err(ImportError::io(path))
}

/// The file's name, for messages and `origin`.
fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A record being drafted: fields set as typed values, kept in the order they are set.
struct Fields {
    doc: toml_edit::DocumentMut,
}

impl Fields {
    /// `kind`, `date`, `time` (when given) and `title`, in that order.
    fn new(kind: Kind, date: Date, time: Option<crate::record::Time>, title: &str) -> Fields {
        let mut doc: toml_edit::DocumentMut = edit::new_document(kind, date, title)
            .parse()
            .expect("a new document is valid TOML");
        if let Some(time) = time {
            let title = doc.remove("title");
            let t = time.0;
            let text = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
            if let Ok(value) = text.parse::<toml_edit::Datetime>() {
                doc.insert("time", toml_edit::value(value));
            }
            if let Some(title) = title {
                doc.insert("title", title);
            }
        }
        Fields { doc }
    }

    /// Sets a text field, unless `value` is empty.
    fn text(&mut self, name: &str, value: &str) {
        if !value.trim().is_empty() {
            self.doc.insert(name, toml_edit::value(value));
        }
    }

    /// Sets a field of `[extra]`.
    fn extra(&mut self, name: &str, value: &str) {
        let extra = self.doc.entry("extra").or_insert_with(toml_edit::table);
        if let Some(table) = extra.as_table_like_mut() {
            table.insert(name, toml_edit::value(value));
        }
    }

    fn finish(self) -> String {
        self.doc.to_string()
    }
}

impl ImportError {
    /// What to do about the error; `None` when another layer's error carries the advice.
    pub fn hint(&self) -> Option<&'static str> {
        use ImportError as I;
        match self {
            I::Store(_) | I::Edit(_) => None,
            I::Io { .. } | I::NotAFile { .. } => {
                Some("check the file name and that you may read it")
            }
            I::Unsupported { .. } => Some(
                "import reads e-mails (.eml, mbox), PDFs and images; add records written in \
                 TOML with `iepcase add --file FILE`, and attach other files with \
                 `iepcase add KIND --attach FILE` or `iepcase attach ID FILE`",
            ),
            I::OutlookMsg { .. } => Some(
                "save or forward the message as .eml (or export the folder as mbox) and import that",
            ),
            I::NoMessages { .. } => Some("check that it is the e-mail or mailbox you meant"),
            I::TooLarge { .. } => Some(
                "split the mailbox, or attach the file to a record with `iepcase attach ID FILE`",
            ),
            I::Set { .. } => Some("paths look like `type`, `extra.school_year` or `goals[2].text`"),
        }
    }
}

#[cfg(test)]
mod tests;

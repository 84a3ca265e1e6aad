//! Writing records: `add` (from flags or files), `edit`, `new`. Each change is checked as a
//! whole (fields, links, attachments, duplicates) before one commit makes it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::git::CommitContext;
use crate::record::refs::{self, Batch};
use crate::record::schema::record_shape;
use crate::record::{Date, Kind, Record, RecordId, edit, parse_record};
use crate::store::{Case, CaseLock, ContentIndex, StoredRecord};

use super::OpsError;

/// `text` with its link values (unique id prefixes, and in a batch `file:` names) turned
/// into full ids; `batch` is the batch and the file `text` comes from. A value naming no
/// record, or several, is an [`OpsError::Record`] located in the text.
pub fn full_links(
    case: &Case,
    text: &str,
    origin: &str,
    batch: Option<(&Batch, &Path)>,
) -> Result<String, OpsError> {
    // The case's ids are listed only when the text has a link to look up: most records have
    // none, and listing costs more the bigger the case.
    let ids: std::cell::OnceCell<Vec<RecordId>> = std::cell::OnceCell::new();
    let failed = std::cell::RefCell::new(None);
    let resolved = refs::resolve_links(text, origin, |target| {
        let ids = ids.get_or_init(|| match case.record_ids() {
            Ok(all) => all.into_iter().map(|(id, _)| id).collect(),
            Err(e) => {
                *failed.borrow_mut() = Some(e);
                Vec::new()
            }
        });
        refs::lookup(
            target,
            ids,
            batch.map(|(b, _)| b),
            batch.map(|(_, from)| from),
        )
    });
    if let Some(e) = failed.into_inner() {
        return Err(e.into());
    }
    Ok(resolved?)
}

/// A warning for each record in `dangling` that a record refers to but the case lacks.
pub fn dangling_notices(dangling: &[String]) -> impl Iterator<Item = super::Notice> + '_ {
    dangling.iter().map(|reference| {
        super::Notice::Warning(format!(
            "this record refers to {reference}, which is not in the case"
        ))
    })
}

/// The records `record` refers to that are not in the case.
pub fn dangling(case: &Case, record: &Record) -> Vec<String> {
    if record.references().is_empty() {
        return Vec::new();
    }
    let Ok(ids) = case.record_ids() else {
        return Vec::new();
    };
    record
        .references()
        .iter()
        .filter(|reference| !ids.iter().any(|(id, _)| id.as_str() == reference.0))
        .map(ToString::to_string)
        .collect()
}

/// Attachment entries must point at files the case holds.
pub fn check_attachments(case: &Case, record: &Record) -> Result<(), OpsError> {
    for attachment in &record.common.attachments {
        let present = match &attachment.blob {
            Some(blob) => case.has_attachment(blob)?,
            None => false,
        };
        if !present {
            return Err(OpsError::MissingAttachment {
                name: attachment.name.clone(),
            });
        }
    }
    Ok(())
}

/// Refuses records that say exactly what a record of the case (or an earlier one of the
/// same batch) already says. `new` holds each record's origin (for the message) and the
/// record. Only the sealed index of content hashes is read: no record is decrypted again.
pub fn refuse_duplicates(case: &Case, new: &[(String, &Record)]) -> Result<ContentIndex, OpsError> {
    let in_case = case.content_index()?;
    let mut in_batch: HashMap<String, &str> = HashMap::new();
    for (origin, record) in new {
        let hash = record.content_hash();
        let same_as = match (in_case.get(hash.as_str()), in_batch.get(&hash)) {
            (Some(id), _) => Some(SameAs::Record(id)),
            (None, Some(file)) => Some(SameAs::File((*file).to_owned())),
            (None, None) => None,
        };
        if let Some(same_as) = same_as {
            return Err(OpsError::Duplicate(Box::new(Duplicate {
                origin: origin.clone(),
                same_as,
                kind: record.kind(),
                date: record.date(),
                title: record.title().to_owned(),
            })));
        }
        in_batch.insert(hash, origin);
    }
    Ok(in_case)
}

/// A record refused because another already says exactly the same.
#[derive(Debug)]
pub struct Duplicate {
    /// Where the refused record came from ("the new record", a file name).
    pub origin: String,
    pub same_as: SameAs,
    pub kind: Kind,
    pub date: Date,
    pub title: String,
}

/// What a refused record repeats.
#[derive(Debug)]
pub enum SameAs {
    /// A record of the case.
    Record(RecordId),
    /// An earlier file of the same batch.
    File(String),
}

impl std::fmt::Display for SameAs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SameAs::Record(id) => write!(f, "record {id}"),
            SameAs::File(name) => write!(f, "the file {name}"),
        }
    }
}

/// A record written.
#[derive(Debug)]
pub struct Written {
    pub id: RecordId,
    pub record: Record,
    /// The records it refers to that are not in the case.
    pub dangling: Vec<String>,
}

/// The text of a new record of `kind` from flags: its date, title, time of day (`HH:MM`)
/// and `FIELD=VALUE` settings.
pub fn draft(
    kind: Kind,
    date: Date,
    title: &str,
    time: Option<&str>,
    sets: &[String],
) -> Result<String, OpsError> {
    let shape = record_shape(kind);
    let mut text = edit::new_document(kind, date, title);
    if let Some(time) = time {
        text = edit::set(&text, "time", time, shape)?;
    }
    for assignment in sets {
        let (path, value) = edit::split_assignment(assignment)?;
        text = edit::set(&text, path, value, shape)?;
    }
    Ok(text)
}

/// A new record from flags: its text, files to attach (absolute paths) and whether a
/// duplicate is wanted.
pub struct NewRecord<'a> {
    pub text: String,
    pub attach: &'a [PathBuf],
    /// Take attached files up to this many bytes.
    pub max_size: Option<u64>,
    pub allow_duplicate: bool,
}

/// Adds one record with its attachments in one commit. Links given as id prefixes become
/// full ids.
pub fn add(
    case: &Case,
    lock: &CaseLock,
    new: NewRecord<'_>,
    context: &CommitContext,
) -> Result<Written, OpsError> {
    const ORIGIN: &str = "the new record";
    let mut text = new.text;
    if parse_record(&text, ORIGIN).is_err() {
        text = full_links(case, &text, ORIGIN, None)?;
        parse_record(&text, ORIGIN)?;
    }
    let id = RecordId::generate();
    let mut tx = case.transaction(lock);
    if let Some(max) = new.max_size {
        tx.limit_attachments(max);
    }
    let mut attachments = Vec::new();
    for file in new.attach {
        attachments.push(tx.add_attachment(file)?);
    }
    if !attachments.is_empty() {
        text = edit::append_attachments(&text, &attachments)?;
    }
    let record = parse_record(&text, ORIGIN)?;
    let index = (!new.allow_duplicate)
        .then(|| refuse_duplicates(case, &[(ORIGIN.to_owned(), &record)]))
        .transpose()?;
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), context)?;
    if let Some(index) = index {
        case.content_added(index, &[(id.clone(), record.content_hash())]);
    }
    let dangling = dangling(case, &record);
    Ok(Written {
        id,
        record,
        dangling,
    })
}

/// A record of a batch, read and checked.
pub struct Prepared {
    pub id: RecordId,
    /// The file it came from.
    pub origin: String,
    pub text: String,
    pub record: Record,
}

/// Adds the records of a batch in one commit.
pub fn add_batch(
    case: &Case,
    lock: &CaseLock,
    batch: Vec<Prepared>,
    allow_duplicate: bool,
    context: &CommitContext,
) -> Result<Vec<(String, Written)>, OpsError> {
    let index = if allow_duplicate {
        None
    } else {
        let records: Vec<(String, &Record)> = batch
            .iter()
            .map(|p| (p.origin.clone(), &p.record))
            .collect();
        Some(refuse_duplicates(case, &records)?)
    };
    let mut tx = case.transaction(lock);
    for p in &batch {
        tx.put_record(&p.id, &p.text)?;
    }
    let message = match batch.as_slice() {
        [one] => format!("add record {}", one.id),
        many => format!("add {} records", many.len()),
    };
    tx.commit(&message, context)?;
    if let Some(index) = index {
        let added: Vec<(RecordId, String)> = batch
            .iter()
            .map(|p| (p.id.clone(), p.record.content_hash()))
            .collect();
        case.content_added(index, &added);
    }
    Ok(batch
        .into_iter()
        .map(|p| {
            let dangling = dangling(case, &p.record);
            let written = Written {
                id: p.id,
                record: p.record,
                dangling,
            };
            (p.origin, written)
        })
        .collect())
}

/// `stored`'s text with `--set FIELD=VALUE` and `--unset FIELD` applied; link values given
/// as id prefixes become full ids.
pub fn changed_text(
    case: &Case,
    stored: &StoredRecord,
    set: &[String],
    unset: &[String],
) -> Result<String, OpsError> {
    let shape = record_shape(stored.record.kind());
    let mut text = stored.text.clone();
    for assignment in set {
        let (path, value) = edit::split_assignment(assignment)?;
        text = edit::set(&text, path, value, shape)?;
    }
    for path in unset {
        text = edit::unset(&text, path)?;
    }
    full_links(case, &text, &format!("record {}", stored.id), None)
}

/// Replaces record `id` with `text` in one commit, once it parses and its attachments are
/// in the case. `None` when the text is what the case already holds.
pub fn save(
    case: &Case,
    lock: &CaseLock,
    id: &RecordId,
    text: &str,
    context: &CommitContext,
) -> Result<Option<Written>, OpsError> {
    let record = parse_record(text, &format!("record {id}"))?;
    check_attachments(case, &record)?;
    let mut tx = case.transaction(lock);
    if !tx.put_record(id, text)? {
        return Ok(None);
    }
    tx.commit(&format!("edit record {id}"), context)?;
    let dangling = dangling(case, &record);
    Ok(Some(Written {
        id: id.clone(),
        record,
        dangling,
    }))
}

/// Which version of a record in conflict to keep (`resolve --keep`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The version this copy had.
    Local,
    /// The one version from the remote.
    Remote,
    /// A conflict copy named by its id.
    Copy(String),
}

impl Keep {
    /// `local`, `remote`, or a conflict copy's id.
    pub fn parse(text: &str) -> Keep {
        match text {
            "local" => Keep::Local,
            "remote" => Keep::Remote,
            other => Keep::Copy(other.to_owned()),
        }
    }
}

/// A sync conflict, resolved.
#[derive(Debug)]
pub struct Resolved {
    /// The record, as it is now.
    pub base: RecordId,
    /// The copy whose version was kept; `None` for the local version.
    pub kept: Option<RecordId>,
}

impl Resolved {
    /// What to tell of the conflict settled: the version kept.
    pub fn notices(&self) -> Vec<super::Notice> {
        let kept = self
            .kept
            .as_ref()
            .map_or("the local version".to_owned(), |w| {
                format!("the version from {w}")
            });
        vec![super::Notice::Status(format!(
            "Resolved {}: kept {kept}; the other versions stay in history",
            self.base
        ))]
    }
}

/// Why a conflict could not be resolved as asked.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("record {base} has no sync conflict")]
    NoConflict { base: RecordId },
    #[error("record {base} has {} conflict copies", copies.len())]
    SeveralCopies {
        base: RecordId,
        copies: Vec<RecordId>,
    },
    #[error("`{given}` is not `local`, `remote` or a conflict copy of {base}")]
    UnknownCopy {
        given: String,
        base: RecordId,
        copies: Vec<RecordId>,
    },
}

/// Resolves the sync conflict of the record `prefix` names (the record or one of its
/// copies): keeps the version `keep` says and removes every conflict copy, in one commit.
/// The other versions stay in history.
pub fn resolve_conflict(
    case: &Case,
    lock: &CaseLock,
    prefix: &str,
    keep: &Keep,
    context: &CommitContext,
) -> Result<Resolved, OpsError> {
    let named = case.resolve(prefix)?;
    let base = RecordId::parse(named.base()).expect("a base id is a record id");
    let copies = case.conflict_copies(&base)?;
    if copies.is_empty() {
        return Err(ResolveError::NoConflict { base }.into());
    }
    let kept = match keep {
        Keep::Local => None,
        Keep::Remote => match copies.as_slice() {
            [one] => Some(one.clone()),
            _ => return Err(ResolveError::SeveralCopies { base, copies }.into()),
        },
        Keep::Copy(given) => match copies.iter().find(|c| c.as_str() == given) {
            Some(copy) => Some(copy.clone()),
            None => {
                return Err(ResolveError::UnknownCopy {
                    given: given.clone(),
                    base,
                    copies,
                }
                .into());
            }
        },
    };
    let mut tx = case.transaction(lock);
    if let Some(kept) = &kept {
        let text = case.read_record(kept)?.text;
        tx.put_record(&base, &text)?;
    }
    for copy in &copies {
        tx.remove_record(copy);
    }
    tx.commit(&format!("resolve record {base}"), context)?;
    Ok(Resolved { base, kept })
}

/// A link iepcase infers for a record: the field, the record it points to, and that record
/// described ("refusal of 2026-03-02, \"…\"").
pub type InferredLink = (crate::links::LinkField, RecordId, String);

/// A record to show, with what the case says about it.
#[derive(Debug)]
pub struct Shown {
    pub stored: StoredRecord,
    /// Sync conflict copies beside it (none for an old revision or a copy itself).
    pub conflict_copies: Vec<RecordId>,
    /// Links the record leaves out, as `check` and `deadlines` infer them.
    pub inferred: Vec<InferredLink>,
    /// Why a link could not be inferred, when it could not.
    pub unlinked: Option<crate::links::Unlinked>,
}

/// Why `show --rev` found no record.
#[derive(Debug, thiserror::Error)]
#[error("no record matches `{given}`")]
pub struct NoSuchRecord {
    pub given: String,
}

/// The record `prefix` names, now or at revision `rev`. A record removed since `rev` is named
/// by its full id. Links are inferred only for the record as it is now (the case at an old
/// revision was another case), and only when its link field is empty: the others are shown
/// without reading the rest of the case.
pub fn show(case: &Case, prefix: &str, rev: Option<&str>) -> Result<Shown, OpsError> {
    let stored = match rev {
        None => case.read_record(&case.resolve(prefix)?)?,
        Some(rev) => {
            let id = match case.resolve(prefix) {
                Ok(id) => id,
                Err(_) => RecordId::parse(prefix).ok_or_else(|| NoSuchRecord {
                    given: prefix.to_owned(),
                })?,
            };
            case.read_record_at(&id, rev)?
        }
    };
    let now = rev.is_none() && !stored.id.is_conflict();
    let conflict_copies = match now {
        true => case.conflict_copies(&stored.id)?,
        false => Vec::new(),
    };
    let missing_link = matches!(crate::links::link_field(&stored.record), Some((_, None)));
    let (inferred, unlinked) = match now && missing_link {
        true => inferred_links(case, &stored.id)?,
        false => Default::default(),
    };
    Ok(Shown {
        stored,
        conflict_copies,
        inferred,
        unlinked,
    })
}

/// The links of record `id` that iepcase infers from the case, and why it could not link it,
/// if it could not.
fn inferred_links(
    case: &Case,
    id: &RecordId,
) -> Result<(Vec<InferredLink>, Option<crate::links::Unlinked>), OpsError> {
    let loaded = case.records()?;
    let found = case.inference(&loaded);
    let linked = crate::links::link_into(loaded.records, found);
    let links = linked
        .inferred(id)
        .iter()
        .map(|l| {
            let about = linked.get(l.target.as_str()).map_or(String::new(), |r| {
                format!(
                    "{} of {}, \"{}\"",
                    r.record.kind(),
                    r.record.date(),
                    r.record.title()
                )
            });
            (l.field, l.target.clone(), about)
        })
        .collect();
    let unlinked = linked.unlinked.iter().find(|u| &u.record == id).cloned();
    Ok((links, unlinked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolved_conflict_names_the_version_kept() {
        let base = RecordId::parse("k3f9a2bq7x").unwrap();
        let local = Resolved {
            base: base.clone(),
            kept: None,
        };
        assert_eq!(
            local.notices(),
            [super::super::Notice::Status(
                "Resolved k3f9a2bq7x: kept the local version; the other versions stay in history"
                    .into()
            )]
        );
        let copy = RecordId::parse("k3f9a2bq7x.conflict-2").unwrap();
        let remote = Resolved {
            base,
            kept: Some(copy),
        };
        assert!(
            matches!(&remote.notices()[0], super::super::Notice::Status(s) if s.contains("kept the version from k3f9a2bq7x.conflict-2"))
        );
    }
}

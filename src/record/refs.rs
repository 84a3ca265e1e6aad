//! Link fields as people write them: a full record id, a unique prefix of one (4 or more
//! characters, like git), or, inside one `add --file` batch, `file:NAME`, another file of the
//! batch. Before a record is validated and saved, each is replaced by the full id it names,
//! so stored records only ever hold full ids (SPEC section 11, "Links").
//!
//! The fields are `related` (any kind), `refuses` (refusal), `responds_to` (response, pwn,
//! decision) and `meeting` (notice; an IEP's `meeting` is a date). What a value names is for
//! the caller to say ([`Target`]); this module finds the values, asks, and rewrites the text
//! where they are, keeping everything else as written.

use std::path::{Component, Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::parse::{Diagnostic, RecordError, parse_record};
use super::{IdError, Kind, Record, RecordId};

/// What a link value names, before it is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// An id or a prefix of one.
    Id(&'a str),
    /// `file:NAME`: another file of the same `add --file` batch.
    File(&'a str),
}

/// Why a value names no record: the message, and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub message: String,
    pub help: Option<String>,
}

/// The link fields of a record of `kind`.
fn link_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Refusal => &["related", "refuses"],
        Kind::Response | Kind::Pwn | Kind::Decision => &["related", "responds_to"],
        Kind::Notice => &["related", "meeting"],
        _ => &["related"],
    }
}

/// `text` (a record of `kind`, or of the kind its `kind` line names) with every link value
/// that is not a full id replaced by the full id `resolve` finds for it. Problems are
/// located in the text, like validation errors. Text that does not parse is returned as it
/// is: validation then says what is wrong with it.
pub fn resolve_links(
    text: &str,
    origin: &str,
    resolve: impl Fn(Target<'_>) -> Result<RecordId, Unresolved>,
) -> Result<String, RecordError> {
    let Ok(root) = DeTable::parse(text) else {
        return Ok(text.to_owned());
    };
    let table = root.get_ref();
    let kind = table.get("kind").and_then(|k| match k.get_ref() {
        DeValue::String(name) => name.parse::<Kind>().ok(),
        _ => None,
    });
    let Some(kind) = kind else {
        return Ok(text.to_owned());
    };
    // Each value to replace: its span and the text that replaces it.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut problems = Vec::new();
    let mut visit = |field: &str, value: &str, span: std::ops::Range<usize>| {
        let target = match value.trim().strip_prefix("file:") {
            Some(name) => Target::File(name.trim()),
            None if RecordId::is_valid(value) => return,
            None => Target::Id(value.trim()),
        };
        match resolve(target) {
            Ok(id) => edits.push((span, format!("\"{id}\""))),
            Err(e) => {
                let mut d = Diagnostic::at(text, span, format!("`{field}`: {}", e.message));
                d.help = e.help;
                problems.push(d);
            }
        }
    };
    for field in link_fields(kind) {
        let Some(value) = table.get(*field) else {
            continue;
        };
        match value.get_ref() {
            DeValue::String(s) => visit(field, s, value.span()),
            DeValue::Array(items) => {
                for item in items {
                    if let DeValue::String(s) = item.get_ref() {
                        visit(field, s, item.span());
                    }
                }
            }
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Err(RecordError::Invalid {
            origin: origin.to_owned(),
            what: "record",
            diagnostics: problems,
        });
    }
    let mut out = text.to_owned();
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    for (span, id) in edits {
        out.replace_range(span, &id);
    }
    Ok(out)
}

/// The files of one `add --file` batch and the ids they will get.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Each file's absolute path (as given, made absolute) and its id.
    pub files: Vec<(PathBuf, RecordId)>,
}

/// `path` with `.` and `..` worked out without touching the disk.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Batch {
    /// The id of the batch file `name` names, seen from the file at `from` (a name is
    /// relative to the folder of the file it is written in).
    fn find(&self, name: &str, from: Option<&Path>) -> Result<RecordId, Unresolved> {
        let base = from.and_then(Path::parent).unwrap_or(Path::new(""));
        let wanted = lexical(&base.join(name));
        if from.is_some_and(|f| lexical(f) == wanted) {
            return Err(Unresolved {
                message: format!("`file:{name}` is this file itself"),
                help: Some("name another file of the batch".into()),
            });
        }
        match self.files.iter().find(|(path, _)| lexical(path) == wanted) {
            Some((_, id)) => Ok(id.clone()),
            None => {
                let names: Vec<String> = self
                    .files
                    .iter()
                    .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .collect();
                Err(Unresolved {
                    message: format!(
                        "`file:{name}` is not one of the files of this `iepcase add --file` batch"
                    ),
                    help: Some(format!(
                        "the batch holds {}; a name is relative to the folder of the file it is \
                         written in",
                        names.join(", ")
                    )),
                })
            }
        }
    }
}

/// What `target` names among the case's records `ids` and, for `file:`, the files of
/// `batch` as seen from the file at `from`.
pub fn lookup(
    target: Target<'_>,
    ids: &[RecordId],
    batch: Option<&Batch>,
    from: Option<&Path>,
) -> Result<RecordId, Unresolved> {
    match (target, batch) {
        (Target::File(name), Some(batch)) => batch.find(name, from),
        (Target::File(name), None) => Err(Unresolved {
            message: format!(
                "`file:{name}` names a file, which only works between the files of one \
                 `iepcase add --file …`"
            ),
            help: Some("give the record's id, or a unique prefix of 4 or more characters".into()),
        }),
        (Target::Id(prefix), _) => RecordId::resolve(prefix, ids).map_err(|e| {
            let help = match &e {
                IdError::Ambiguous { .. } => "give more characters of the id",
                IdError::NotFound(_) => "see the records and their ids with `iepcase list`",
                IdError::TooShort(_) => {
                    "give at least 4 characters of the id, as `iepcase list` shows it"
                }
                IdError::Malformed(_) => {
                    "give a record id or a unique prefix of one; inside `iepcase add --file`, \
                     `file:NAME` names another file of the batch"
                }
            };
            Unresolved {
                message: e.to_string(),
                help: Some(help.into()),
            }
        }),
    }
}

/// One file of an `add --file` batch, read.
#[derive(Clone, Debug)]
pub struct BatchFile {
    /// How errors name it: the path as given, or `<stdin>`.
    pub origin: String,
    /// Its absolute path (for standard input, a name in the current folder).
    pub path: PathBuf,
    pub text: String,
}

/// A file of a batch, prepared: its id, and its text with full ids and the record, or why
/// it is not a valid record.
#[derive(Debug)]
pub struct Prepared {
    pub id: RecordId,
    pub origin: String,
    pub outcome: Result<(String, Record), RecordError>,
}

/// Gives each file of a batch its id (from `new_id`), turns its link values (prefixes of the
/// case's ids, `file:` names of the batch) into full ids, and validates it. `case_ids` is
/// asked once, and only when some file does not validate as written; when it gives none (the
/// case cannot be read), the files are judged as written.
pub fn prepare_batch(
    files: Vec<BatchFile>,
    mut new_id: impl FnMut() -> RecordId,
    case_ids: impl FnOnce() -> Option<Vec<RecordId>>,
) -> Vec<Prepared> {
    let batch = Batch {
        files: files.iter().map(|f| (f.path.clone(), new_id())).collect(),
    };
    let mut case_ids = Some(case_ids);
    let mut ids: Option<Vec<RecordId>> = None;
    let mut out = Vec::new();
    for (file, (_, id)) in files.into_iter().zip(&batch.files) {
        let outcome = match parse_record(&file.text, &file.origin) {
            Ok(record) => Ok((file.text, record)),
            Err(error) => {
                if let Some(ask) = case_ids.take() {
                    ids = ask();
                }
                match &ids {
                    None => Err(error),
                    Some(ids) => resolve_links(&file.text, &file.origin, |t| {
                        lookup(t, ids, Some(&batch), Some(&file.path))
                    })
                    .and_then(|full| {
                        parse_record(&full, &file.origin).map(|record| (full, record))
                    }),
                }
            }
        };
        out.push(Prepared {
            id: id.clone(),
            origin: file.origin,
            outcome,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(target: Target<'_>) -> Result<RecordId, Unresolved> {
        match target {
            Target::Id("6zcy") => Ok(RecordId::parse("6zcyhq27et").unwrap()),
            Target::File("01-request.toml") => Ok(RecordId::parse("k3f9a2bq7x").unwrap()),
            Target::Id(other) | Target::File(other) => Err(Unresolved {
                message: format!("no record matches `{other}`"),
                help: Some("see `iepcase list`".into()),
            }),
        }
    }

    #[test]
    fn prefixes_and_batch_files_become_full_ids_and_nothing_else_changes() {
        let text = "kind = \"refusal\"  # the third\ndate = 2026-03-06\ntitle = \"No\"\n\
                    refuses = \"6zcy\"\nrelated = [\"file:01-request.toml\", \"ttna5necv1\"]\n";
        let out = resolve_links(text, "r.toml", resolver).unwrap();
        assert_eq!(
            out,
            "kind = \"refusal\"  # the third\ndate = 2026-03-06\ntitle = \"No\"\n\
             refuses = \"6zcyhq27et\"\nrelated = [\"k3f9a2bq7x\", \"ttna5necv1\"]\n"
        );
        // An IEP's meeting is a date, a request has no `refuses`: left to validation.
        let iep = "kind = \"iep\"\ndate = 2026-03-06\ntitle = \"t\"\nmeeting = \"6zcy\"\n";
        assert_eq!(resolve_links(iep, "i.toml", resolver).unwrap(), iep);
    }

    #[test]
    fn lookups_name_the_candidates_or_the_batch() {
        let ids: Vec<RecordId> = ["k3f9a2bq7x", "k3f9zzzzzz", "m0m0m0m0m0"]
            .iter()
            .map(|s| RecordId::parse(s).unwrap())
            .collect();
        assert_eq!(
            lookup(Target::Id("m0m0"), &ids, None, None)
                .unwrap()
                .as_str(),
            "m0m0m0m0m0"
        );
        let err = lookup(Target::Id("k3f9"), &ids, None, None).unwrap_err();
        assert!(err.message.contains("k3f9a2bq7x, k3f9zzzzzz"), "{err:?}");
        let batch = Batch {
            files: vec![
                (PathBuf::from("/cases/prep/01-request.toml"), ids[0].clone()),
                (PathBuf::from("/cases/prep/02-refusal.toml"), ids[2].clone()),
            ],
        };
        let from = Path::new("/cases/prep/02-refusal.toml");
        let found = lookup(
            Target::File("01-request.toml"),
            &ids,
            Some(&batch),
            Some(from),
        );
        assert_eq!(found.unwrap(), ids[0]);
        let up = lookup(
            Target::File("../prep/./01-request.toml"),
            &ids,
            Some(&batch),
            Some(from),
        );
        assert_eq!(up.unwrap(), ids[0]);
        let missing = lookup(Target::File("03.toml"), &ids, Some(&batch), Some(from)).unwrap_err();
        assert!(
            missing
                .help
                .unwrap()
                .contains("01-request.toml, 02-refusal.toml")
        );
        let itself = lookup(
            Target::File("02-refusal.toml"),
            &ids,
            Some(&batch),
            Some(from),
        );
        assert!(itself.unwrap_err().message.contains("this file itself"));
        assert!(lookup(Target::File("01-request.toml"), &ids, None, None).is_err());
    }

    #[test]
    fn a_value_naming_nothing_is_an_error_at_its_place() {
        let text =
            "kind = \"response\"\ndate = 2026-03-06\ntitle = \"t\"\nresponds_to = \"zzzz\"\n";
        let err = resolve_links(text, "r.toml", resolver).unwrap_err();
        let shown = err.render();
        assert!(
            shown.starts_with("r.toml:4:15: `responds_to`: no record matches `zzzz`"),
            "{shown}"
        );
        assert!(shown.contains("see `iepcase list`"), "{shown}");
    }
}

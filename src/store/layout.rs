//! What a case's git tree may hold, checked for every tree that arrives from a remote (and by
//! `fsck`) before anything is written (SPEC sections 2 and 11).
//!
//! Only this layout passes, entry by entry: `.iepcase/format`, `.iepcase/recipients`,
//! `.iepcase/case-key.age`, `.iepcase/manifest`, `case.age`, `records/<id>.age` (and the
//! `<id>.conflict-<n>.age` copies of a sync conflict), `attachments/<64 hex>.age`. Files must
//! be regular, non-executable blobs within their size limit, folders real trees, entries in
//! git's strict order. Names are lowercase ASCII from fixed patterns, so `.`, `..`, `.git`,
//! `.GIT`, a `/` inside a name, and names that differ only by case or by Unicode
//! normalisation cannot occur.

use std::collections::HashSet;

use git2::{ObjectType, Oid, Repository, Tree};

use super::{
    ATTACHMENTS_DIR, CASE_FILE, CASE_KEY_FILE, FORMAT_FILE, MANIFEST_FILE, RECIPIENTS_FILE,
    RECORDS_DIR,
};
use crate::record::RecordId;
/// The first format this iepcase reads: v1 cases (no manifest) are read and upgraded.
pub const OLDEST_FORMAT: u32 = 1;
/// The format this iepcase writes.
pub const CURRENT_FORMAT: u32 = 2;

use crate::record::parse::MAX_RECORD_BYTES;
/// Room for age's header and per-chunk tags around a record's text.
const AGE_OVERHEAD: usize = 64 * 1024;
/// The largest attachment blob a case may hold, encrypted (a remote cannot make a clone
/// swallow more than this per file).
pub const MAX_ATTACHMENT_BLOB: usize = 16 << 30;

const TREE_MODE: i32 = 0o040000;
const FILE_MODE: i32 = 0o100644;

/// A tree entry that breaks the layout.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{path}`: {reason}")]
pub struct Violation {
    /// The path of the entry, as far as it could be read (lossy UTF-8).
    pub path: String,
    pub reason: String,
}

/// What `.iepcase/format` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A format this iepcase reads.
    Known(u32),
    /// A well-formed, newer format: upgrade iepcase.
    Newer(u32),
}

/// Parses `.iepcase/format`: exactly `iepcase-case N` and a newline.
pub fn parse_format(bytes: &[u8]) -> Result<Format, Violation> {
    let bad = || Violation {
        path: FORMAT_FILE.into(),
        reason: "is not `iepcase-case N` on one line".into(),
    };
    let text = std::str::from_utf8(bytes).map_err(|_| bad())?;
    let line = text.strip_suffix('\n').unwrap_or(text);
    let number = line.strip_prefix("iepcase-case ").ok_or_else(bad)?;
    if number.is_empty() || number.len() > 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u32 = number.parse().map_err(|_| bad())?;
    match n {
        0 => Err(bad()),
        n if n <= CURRENT_FORMAT => Ok(Format::Known(n)),
        n => Ok(Format::Newer(n)),
    }
}

/// The format line iepcase writes.
pub fn format_line(n: u32) -> String {
    format!("iepcase-case {n}\n")
}

/// What an entry is allowed to be, with its size limit for files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Class {
    Root,
    Meta,
    Records,
    Attachments,
    File(usize),
}

/// Checks trees against the layout, remembering what it already checked so a walk over many
/// commits checks each tree and file once.
pub struct Validator<'r> {
    repo: &'r Repository,
    checked: HashSet<(Oid, Class)>,
}

impl<'r> Validator<'r> {
    pub fn new(repo: &'r Repository) -> Self {
        Validator {
            repo,
            checked: HashSet::new(),
        }
    }

    /// Checks a case's root tree: the layout, and that the files every case needs are there.
    pub fn check_root(&mut self, tree: &Tree<'_>) -> Result<(), Violation> {
        self.check_tree(tree.id(), Class::Root, "")?;
        for required in [FORMAT_FILE, RECIPIENTS_FILE, CASE_KEY_FILE, CASE_FILE] {
            if tree.get_path(std::path::Path::new(required)).is_err() {
                return Err(Violation {
                    path: required.into(),
                    reason: "is missing".into(),
                });
            }
        }
        Ok(())
    }

    fn check_tree(&mut self, oid: Oid, class: Class, prefix: &str) -> Result<(), Violation> {
        if !self.checked.insert((oid, class)) {
            return Ok(());
        }
        let tree = self.repo.find_tree(oid).map_err(|e| Violation {
            path: folder_name(prefix),
            reason: format!("is not a readable folder ({})", e.message()),
        })?;
        let mut previous: Option<Vec<u8>> = None;
        for entry in tree.iter() {
            let name = entry.name_bytes();
            let path = format!("{prefix}{}", String::from_utf8_lossy(name));
            let violation = |reason: &str| Violation {
                path: path.clone(),
                reason: reason.to_owned(),
            };
            let mode = entry.filemode_raw();
            let is_tree = mode == TREE_MODE;
            let key = sort_key(name, is_tree);
            if previous.as_ref().is_some_and(|p| *p >= key) {
                return Err(violation(
                    "is out of order or a duplicate: the folder was not written by git",
                ));
            }
            previous = Some(key);
            let Some(child) = allowed(class, name) else {
                return Err(violation("is not a file iepcase writes"));
            };
            match (child, mode) {
                (Class::File(_), FILE_MODE) => {}
                (Class::File(_), TREE_MODE) => return Err(violation("is a folder, not a file")),
                (Class::File(_), 0o100755) => return Err(violation("is executable")),
                (Class::File(_), 0o120000) => return Err(violation("is a symbolic link")),
                (_, 0o160000) => return Err(violation("is a submodule")),
                (Class::File(_), _) => return Err(violation("is not a regular file")),
                (_, TREE_MODE) => {}
                _ => return Err(violation("is a file, not a folder")),
            }
            if let Class::File(limit) = child {
                self.check_blob(entry.id(), child, limit, &path)?;
            } else {
                self.check_tree(entry.id(), child, &format!("{path}/"))?;
            }
        }
        if tree.is_empty() && class != Class::Root {
            return Err(Violation {
                path: folder_name(prefix),
                reason: "is an empty folder, which git cannot hold".into(),
            });
        }
        Ok(())
    }

    fn check_blob(
        &mut self,
        oid: Oid,
        class: Class,
        limit: usize,
        path: &str,
    ) -> Result<(), Violation> {
        if !self.checked.insert((oid, class)) {
            return Ok(());
        }
        let odb = self.repo.odb().map_err(|e| Violation {
            path: path.to_owned(),
            reason: format!("cannot be read ({})", e.message()),
        })?;
        let (size, kind) = odb.read_header(oid).map_err(|_| Violation {
            path: path.to_owned(),
            reason: "names a file the remote did not send".into(),
        })?;
        if kind != ObjectType::Blob {
            return Err(Violation {
                path: path.to_owned(),
                reason: format!("is a {kind}, not a file"),
            });
        }
        if size > limit {
            return Err(Violation {
                path: path.to_owned(),
                reason: format!("is {size} bytes, over the limit of {limit} for this file"),
            });
        }
        Ok(())
    }
}

fn folder_name(prefix: &str) -> String {
    if prefix.is_empty() {
        "(the case's top folder)".into()
    } else {
        prefix.trim_end_matches('/').to_owned()
    }
}

/// Git orders entries by name, comparing a folder's name as if it ended in `/`.
fn sort_key(name: &[u8], is_tree: bool) -> Vec<u8> {
    let mut key = name.to_vec();
    if is_tree {
        key.push(b'/');
    }
    key
}

/// What the entry `name` inside a folder of class `parent` may be.
fn allowed(parent: Class, name: &[u8]) -> Option<Class> {
    let name = std::str::from_utf8(name).ok()?;
    let record_limit = MAX_RECORD_BYTES + AGE_OVERHEAD;
    match parent {
        Class::Root => match name {
            ".iepcase" => Some(Class::Meta),
            RECORDS_DIR => Some(Class::Records),
            ATTACHMENTS_DIR => Some(Class::Attachments),
            CASE_FILE => Some(Class::File(record_limit)),
            _ => None,
        },
        Class::Meta => {
            let file = |path: &str| path.strip_prefix(".iepcase/") == Some(name);
            if file(FORMAT_FILE) {
                Some(Class::File(64))
            } else if file(RECIPIENTS_FILE) {
                Some(Class::File(256 * 1024))
            } else if file(CASE_KEY_FILE) || file(MANIFEST_FILE) {
                Some(Class::File(1024 * 1024))
            } else {
                None
            }
        }
        Class::Records => {
            let id = name.strip_suffix(".age")?;
            RecordId::parse(id).map(|_| Class::File(record_limit))
        }
        Class::Attachments => {
            let mac = name.strip_suffix(".age")?;
            (mac.len() == 64 && mac.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
                .then_some(Class::File(MAX_ATTACHMENT_BLOB))
        }
        Class::File(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_line_is_exact() {
        assert_eq!(parse_format(b"iepcase-case 1\n"), Ok(Format::Known(1)));
        assert_eq!(parse_format(b"iepcase-case 2"), Ok(Format::Known(2)));
        assert_eq!(parse_format(b"iepcase-case 7\n"), Ok(Format::Newer(7)));
        for bad in [
            &b"iepcase-case 2\nextra\n"[..],
            b"iepcase-case 2\n\n",
            b"iepcase-case\n",
            b"iepcase-case -1\n",
            b"iepcase-case 0\n",
            b"iepcase-case 99999999999\n",
            b" iepcase-case 2\n",
            b"\xff",
        ] {
            assert!(parse_format(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_the_layout_s_names_are_allowed() {
        let root = Class::Root;
        assert_eq!(allowed(root, b".iepcase"), Some(Class::Meta));
        for bad in [
            &b".git"[..],
            b".GIT",
            b"..",
            b".",
            b"Records",
            b"case.age/x",
            b"notes.txt",
        ] {
            assert_eq!(allowed(root, bad), None, "{bad:?}");
        }
        assert!(allowed(Class::Records, b"k3f9a2bq7x.age").is_some());
        assert!(allowed(Class::Records, b"k3f9a2bq7x.conflict-2.age").is_some());
        for bad in [
            &b"K3F9A2BQ7X.age"[..],
            b"k3f9a2bq7x",
            b"../k3f9a2bq7x.age",
            b"k3f9a2bq7x.age.age",
            "k3f9a2bq7\u{0301}.age".as_bytes(),
        ] {
            assert_eq!(allowed(Class::Records, bad), None, "{bad:?}");
        }
        let mac = "a".repeat(64);
        assert!(allowed(Class::Attachments, format!("{mac}.age").as_bytes()).is_some());
        assert!(
            allowed(
                Class::Attachments,
                format!("{}.age", "A".repeat(64)).as_bytes()
            )
            .is_none()
        );
        assert_eq!(allowed(Class::Meta, b"format"), Some(Class::File(64)));
        assert_eq!(allowed(Class::Meta, b"hooks"), None);
    }
}

//! What a case's git tree may hold, checked for every tree that arrives from a remote (and by
//! `fsck`) before anything is written (SPEC sections 2 and 11).
//!
//! Only this layout passes, entry by entry: `.iepcase/format`, `.iepcase/recipients`,
//! `.iepcase/case-key.age`, `.iepcase/manifest`, `case.age`, `records/k/3/<id>.age` (and the
//! `<id>.conflict-<n>.age` copies of a sync conflict), `attachments/7/c/<64 hex>.age`, each
//! in the folders of its first two characters (format 3; formats 1 and 2 kept them directly
//! in `records/` and `attachments/`, and a tree of those formats must do so). Files must
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
/// The format this iepcase writes: 2 added manifests, 3 records and attachments in folders
/// of their first two characters.
pub const CURRENT_FORMAT: u32 = 3;
/// The first format that keeps records and attachments in folders by their first characters.
pub const NESTED_FORMAT: u32 = 3;

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
    /// `records/` (`nested`: format 3) and the folders below it, by the characters so far.
    Records {
        nested: bool,
        prefix: Prefix,
    },
    Attachments {
        nested: bool,
        prefix: Prefix,
    },
    File(usize),
}

/// The first characters a folder of records or attachments stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
struct Prefix {
    len: u8,
    chars: [u8; 2],
}

impl Prefix {
    fn push(self, c: u8) -> Prefix {
        let mut next = self;
        next.chars[self.len as usize] = c;
        next.len += 1;
        next
    }

    fn as_bytes(&self) -> &[u8] {
        &self.chars[..self.len as usize]
    }
}

/// Checks trees against the layout, remembering what it already checked so a walk over many
/// commits checks each tree and file once.
pub struct Validator<'r> {
    repo: &'r Repository,
    checked: HashSet<(Oid, Class)>,
    /// Whether the tree being checked keeps records in folders (format 3).
    nested: bool,
}

impl<'r> Validator<'r> {
    pub fn new(repo: &'r Repository) -> Self {
        Validator {
            repo,
            checked: HashSet::new(),
            nested: true,
        }
    }

    /// The format a root tree declares (a missing or malformed one is a violation).
    fn format_of(&self, tree: &Tree<'_>) -> Result<u32, Violation> {
        let missing = || Violation {
            path: FORMAT_FILE.into(),
            reason: "is missing".into(),
        };
        let entry = tree
            .get_path(std::path::Path::new(FORMAT_FILE))
            .map_err(|_| missing())?;
        let blob = self.repo.find_blob(entry.id()).map_err(|_| missing())?;
        match parse_format(blob.content())? {
            Format::Known(n) | Format::Newer(n) => Ok(n),
        }
    }

    /// Checks a case's root tree: the layout, and that the files every case needs are there.
    pub fn check_root(&mut self, tree: &Tree<'_>) -> Result<(), Violation> {
        let nested = self.format_of(tree)? >= NESTED_FORMAT;
        self.nested = nested;
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
            let Some(child) = allowed(class, name, self.nested) else {
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

/// What the entry `name` inside a folder of class `parent` may be; `nested` says whether
/// the tree keeps records and attachments in folders by their first characters.
fn allowed(parent: Class, name: &[u8], nested: bool) -> Option<Class> {
    let name = std::str::from_utf8(name).ok()?;
    let record_limit = MAX_RECORD_BYTES + AGE_OVERHEAD;
    let folders = if nested { 2 } else { 0 };
    match parent {
        Class::Root => match name {
            ".iepcase" => Some(Class::Meta),
            RECORDS_DIR => Some(Class::Records {
                nested,
                prefix: Prefix::default(),
            }),
            ATTACHMENTS_DIR => Some(Class::Attachments {
                nested,
                prefix: Prefix::default(),
            }),
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
        Class::Records { nested, prefix } if (prefix.len as usize) < folders => {
            let [c] = name.as_bytes() else { return None };
            RecordId::is_id_char(*c).then_some(Class::Records {
                nested,
                prefix: prefix.push(*c),
            })
        }
        Class::Records { prefix, .. } => {
            let id = name.strip_suffix(".age")?;
            (RecordId::parse(id).is_some() && id.as_bytes().starts_with(prefix.as_bytes()))
                .then_some(Class::File(record_limit))
        }
        Class::Attachments { nested, prefix } if (prefix.len as usize) < folders => {
            let [c] = name.as_bytes() else { return None };
            matches!(c, b'0'..=b'9' | b'a'..=b'f').then_some(Class::Attachments {
                nested,
                prefix: prefix.push(*c),
            })
        }
        Class::Attachments { prefix, .. } => {
            let mac = name.strip_suffix(".age")?;
            (mac.len() == 64
                && mac.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                && mac.as_bytes().starts_with(prefix.as_bytes()))
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
        assert_eq!(allowed(root, b".iepcase", true), Some(Class::Meta));
        for bad in [
            &b".git"[..],
            b".GIT",
            b"..",
            b".",
            b"Records",
            b"case.age/x",
            b"notes.txt",
        ] {
            assert_eq!(allowed(root, bad, true), None, "{bad:?}");
        }
        let records = |nested| Class::Records {
            nested,
            prefix: Prefix::default(),
        };
        // Format 3: two folders of one character, then the record, which must match them.
        let k = allowed(records(true), b"k", true).unwrap();
        let k3 = allowed(k, b"3", true).unwrap();
        assert!(allowed(k3, b"k3f9a2bq7x.age", true).is_some());
        assert!(allowed(k3, b"k3f9a2bq7x.conflict-2.age", true).is_some());
        assert_eq!(
            allowed(k3, b"x3f9a2bq7x.age", true),
            None,
            "in the wrong folder"
        );
        assert_eq!(allowed(records(true), b"k3f9a2bq7x.age", true), None);
        assert_eq!(allowed(records(true), b"K", true), None);
        assert_eq!(allowed(records(true), b"kk", true), None);
        // Formats 1 and 2: directly in records/.
        let flat = records(false);
        assert!(allowed(flat, b"k3f9a2bq7x.age", false).is_some());
        assert!(allowed(flat, b"k3f9a2bq7x.conflict-2.age", false).is_some());
        for bad in [
            &b"K3F9A2BQ7X.age"[..],
            b"k3f9a2bq7x",
            b"../k3f9a2bq7x.age",
            b"k3f9a2bq7x.age.age",
            "k3f9a2bq7\u{0301}.age".as_bytes(),
            b"k",
        ] {
            assert_eq!(allowed(flat, bad, false), None, "{bad:?}");
        }
        let mac = "a".repeat(64);
        let attachments = Class::Attachments {
            nested: true,
            prefix: Prefix::default(),
        };
        let a = allowed(attachments, b"a", true).unwrap();
        let aa = allowed(a, b"a", true).unwrap();
        assert!(allowed(aa, format!("{mac}.age").as_bytes(), true).is_some());
        assert!(allowed(aa, format!("b{}.age", &mac[1..]).as_bytes(), true).is_none());
        assert_eq!(allowed(Class::Meta, b"format", true), Some(Class::File(64)));
        assert_eq!(allowed(Class::Meta, b"hooks", true), None);
    }
}

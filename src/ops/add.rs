//! `add --file`: the records of TOML files (or of standard input) added in one commit, or
//! none of them when any file is not a valid record. Records from flags are
//! [`super::records::add`].

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::git::CommitContext;
use crate::record::parse::{MAX_RECORD_BYTES, read_limited};
use crate::record::refs::{BatchFile, prepare_batch};
use crate::record::{RecordError, RecordId};
use crate::store::{Case, CaseLock};

use super::OpsError;
use super::records::{Prepared, Written, add_batch};

/// How standard input is named, and the file name its `file:` links are relative to.
const STDIN: &str = "<stdin>";

/// Record files to add.
pub struct Batch<'a> {
    /// The files as given, `-` for standard input; relative ones are in `cwd`.
    pub files: &'a [PathBuf],
    pub cwd: &'a Path,
    /// Add a record even when one saying exactly the same is already in the case.
    pub allow_duplicate: bool,
}

/// The case a batch goes to, open and locked, with who commits.
pub struct Target {
    pub case: Case,
    pub lock: CaseLock,
    pub context: CommitContext,
}

/// Why a batch was refused before anything was added.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("standard input (`-`) can be given only once")]
    StdinTwice,
    #[error("standard input is larger than a record may be ({} KiB)", MAX_RECORD_BYTES / 1024)]
    StdinTooLarge,
    #[error("cannot read standard input: {source}")]
    Stdin { source: std::io::Error },
    /// Files that are not valid records, each with why.
    #[error(
        "{} not a valid record: {}",
        if .0.len() == 1 { "1 file is".to_owned() } else { format!("{} files are", .0.len()) },
        .0.iter().map(BadFile::origin).collect::<Vec<_>>().join(", ")
    )]
    Invalid(Vec<BadFile>),
}

impl BatchError {
    /// What to do about the error.
    pub fn hints(&self) -> Vec<String> {
        match self {
            BatchError::StdinTooLarge => vec![
                "a record is a short TOML text; attach long documents with `--attach FILE`".into(),
            ],
            BatchError::Invalid(_) => {
                vec!["nothing was added: fix the file and run the same command again".into()]
            }
            BatchError::StdinTwice | BatchError::Stdin { .. } => Vec::new(),
        }
    }
}

/// A file of a batch that is not a valid record, and why.
#[derive(Debug, thiserror::Error)]
pub enum BadFile {
    #[error("{source}")]
    Unreadable {
        origin: String,
        source: std::io::Error,
    },
    #[error("{origin} is larger than a record may be ({} KiB)", MAX_RECORD_BYTES / 1024)]
    TooLarge { origin: String },
    #[error("{source}")]
    Invalid { origin: String, source: RecordError },
    /// Attachments are added with files, never written by hand.
    #[error("{origin} lists [[attachments]]; attach files with `--attach` or `iepcase attach`")]
    ListsAttachments { origin: String },
}

impl BadFile {
    /// The file, as given.
    pub fn origin(&self) -> &str {
        match self {
            BadFile::Unreadable { origin, .. }
            | BadFile::TooLarge { origin }
            | BadFile::Invalid { origin, .. }
            | BadFile::ListsAttachments { origin } => origin,
        }
    }
}

/// Adds the records of `batch` in one commit to the case `open` opens (when a file names
/// links by id prefix, before the files are judged; else once they all are valid), reading
/// `-` from `stdin`. Returns each record with the file it came from, in the order given.
pub fn add_files<E: From<OpsError>>(
    batch: Batch<'_>,
    stdin: &mut dyn Read,
    mut open: impl FnMut() -> Result<Target, E>,
) -> Result<Vec<(String, Written)>, E> {
    let (read, mut bad) = read_files(batch.files, batch.cwd, stdin).map_err(OpsError::from)?;
    // The case is opened (and locked, before its key is read) only when a file needs it
    // for its links; a case that does not open leaves the files to be judged as written.
    let mut target: Option<Target> = None;
    let prepared = prepare_batch(read, RecordId::generate, || {
        target = open().ok();
        let ids = target.as_ref()?.case.record_ids().ok()?;
        Some(ids.into_iter().map(|(id, _)| id).collect())
    });
    let mut records = Vec::new();
    for p in prepared {
        let origin = p.origin;
        match p.outcome {
            Ok((_, record)) if !record.common.attachments.is_empty() => {
                bad.push(BadFile::ListsAttachments { origin });
            }
            Ok((text, record)) => records.push(Prepared {
                id: p.id,
                origin,
                text,
                record,
            }),
            Err(source) => bad.push(BadFile::Invalid { origin, source }),
        }
    }
    if !bad.is_empty() {
        return Err(OpsError::from(BatchError::Invalid(bad)).into());
    }
    let target = match target {
        Some(target) => target,
        None => open()?,
    };
    let Target {
        case,
        lock,
        context,
    } = &target;
    Ok(add_batch(
        case,
        lock,
        records,
        batch.allow_duplicate,
        context,
    )?)
}

/// The files' texts, and the files that could not be read; standard input may be given once,
/// and failing to read it stops everything.
fn read_files(
    files: &[PathBuf],
    cwd: &Path,
    stdin: &mut dyn Read,
) -> Result<(Vec<BatchFile>, Vec<BadFile>), BatchError> {
    let mut read = Vec::new();
    let mut bad = Vec::new();
    let mut stdin_used = false;
    for file in files {
        if file.as_os_str() == "-" {
            if std::mem::replace(&mut stdin_used, true) {
                return Err(BatchError::StdinTwice);
            }
            // `file:` names in standard input are relative to the current folder.
            let path = cwd.join(STDIN);
            match read_limited(&mut *stdin) {
                Ok(Ok(text)) => read.push(BatchFile {
                    origin: STDIN.to_owned(),
                    path,
                    text,
                }),
                Ok(Err(_)) => return Err(BatchError::StdinTooLarge),
                Err(source) => return Err(BatchError::Stdin { source }),
            }
        } else {
            let path = cwd.join(file);
            let origin = file.display().to_string();
            match fs_err::File::open(&path).and_then(read_limited) {
                Ok(Ok(text)) => read.push(BatchFile { origin, path, text }),
                Ok(Err(_)) => bad.push(BadFile::TooLarge { origin }),
                Err(source) => bad.push(BadFile::Unreadable { origin, source }),
            }
        }
    }
    Ok((read, bad))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::fixture::Workspace as Fixture;
    use crate::store::fixture::{context, note};

    /// Adds `files` of `dir` to case `c1` of `fx`, with `stdin` as standard input.
    fn add(
        fx: &Fixture,
        dir: &Path,
        files: &[&str],
        stdin: &str,
        allow_duplicate: bool,
    ) -> Result<Vec<(String, Written)>, OpsError> {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        let batch = Batch {
            files: &files,
            cwd: dir,
            allow_duplicate,
        };
        add_files(batch, &mut stdin.as_bytes(), || {
            let (case, lock) = fx.open("c1");
            Ok(Target {
                case,
                lock,
                context: context(),
            })
        })
    }

    fn records(fx: &Fixture) -> usize {
        fx.open("c1").0.record_ids().unwrap().len()
    }

    #[test]
    fn files_and_standard_input_are_added_in_the_order_given() {
        let fx = Fixture::new(&["c1"]);
        let dir = fx.root();
        std::fs::write(dir.join("a.toml"), note("First", "One.")).unwrap();
        let added = add(&fx, &dir, &["a.toml", "-"], &note("Second", "Two."), false).unwrap();
        let origins: Vec<&str> = added.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(origins, ["a.toml", "<stdin>"]);
        assert_eq!(added[1].1.record.title(), "Second");
        assert_eq!(records(&fx), 2);
    }

    #[test]
    fn a_record_the_case_already_has_is_refused_unless_wanted() {
        let fx = Fixture::new(&["c1"]);
        let dir = fx.root();
        std::fs::write(dir.join("a.toml"), note("Call", "Yes.")).unwrap();
        add(&fx, &dir, &["a.toml"], "", false).unwrap();
        let again = add(&fx, &dir, &["a.toml"], "", false);
        assert!(matches!(again, Err(OpsError::Duplicate(_))), "{again:?}");
        assert_eq!(records(&fx), 1);
        add(&fx, &dir, &["a.toml"], "", true).unwrap();
        assert_eq!(records(&fx), 2);
    }

    #[test]
    fn one_bad_file_adds_nothing_and_every_bad_file_is_named() {
        let fx = Fixture::new(&["c1"]);
        let dir = fx.root();
        std::fs::write(dir.join("good.toml"), note("Call", "Yes.")).unwrap();
        std::fs::write(dir.join("bad.toml"), "kind = \"note\"\n").unwrap();
        let listed = format!("{}[[attachments]]\nname = \"x.pdf\"\n", note("Scan", "A."));
        std::fs::write(dir.join("listed.toml"), listed).unwrap();
        let files = ["good.toml", "bad.toml", "missing.toml", "listed.toml"];
        let refused = add(&fx, &dir, &files, "", false);
        let Err(OpsError::Batch(BatchError::Invalid(bad))) = &refused else {
            panic!("{refused:?}")
        };
        let names: Vec<&str> = bad.iter().map(BadFile::origin).collect();
        assert_eq!(names, ["missing.toml", "bad.toml", "listed.toml"]);
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .starts_with("3 files are not a valid record: missing.toml")
        );
        assert_eq!(records(&fx), 0);
    }

    #[test]
    fn standard_input_given_twice_is_refused_and_nothing_is_added() {
        let fx = Fixture::new(&["c1"]);
        let refused = add(&fx, &fx.root(), &["-", "-"], &note("A", "B."), false);
        assert!(matches!(
            refused,
            Err(OpsError::Batch(BatchError::StdinTwice))
        ));
        assert_eq!(records(&fx), 0);
    }
}

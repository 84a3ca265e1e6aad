//! Where plaintext a user asked for (letters, bundles, reports) may be written: never inside a
//! case folder, however the path is spelled.

use std::path::{Component, Path, PathBuf};

use crate::workspace::Workspace;

/// `path` with symbolic links and `..` resolved as far as it exists, so that a path into a
/// case folder is recognised however it is spelled.
pub fn resolved(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return path.to_owned(),
        }
    }
}

/// Whether `path` lies inside the workspace's `cases/` folder: `depth` 1 for a file anywhere
/// in a case folder, 0 to include `cases/` itself.
pub fn inside_cases(ws: &Workspace, path: &Path, depth: usize) -> bool {
    resolved(path)
        .strip_prefix(resolved(&ws.cases_dir()))
        .is_ok_and(|inside| inside.components().count() > depth)
}

/// Why a file the user named cannot take what a command writes there.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// Plaintext would land in a case folder.
    #[error("{} is inside the case folder, which holds only encrypted files", path.display())]
    InsideCases { path: PathBuf },
    #[error("{} is a folder, not a file", path.display())]
    Folder { path: PathBuf },
    #[error("cannot write {}: {} is a file, not a folder", path.display(), parent.display())]
    ParentIsFile { path: PathBuf, parent: PathBuf },
    #[error("cannot write {}: the folder {} does not exist", path.display(), parent.display())]
    NoFolder { path: PathBuf, parent: PathBuf },
    /// The file exists and may not be replaced.
    #[error("{} already exists", path.display())]
    Exists { path: PathBuf },
}

impl TargetError {
    /// What to do instead, for a file given with `flag`; `example` is a file name to show.
    pub fn hint(&self, flag: &str, example: &str) -> String {
        match self {
            TargetError::InsideCases { .. } => {
                format!("write the letter somewhere else: `{flag} ~/letters/{example}`")
            }
            TargetError::Folder { path } => {
                format!("give a file name in it: `{}`", path.join(example).display())
            }
            TargetError::ParentIsFile { .. } => {
                "pick an existing folder, and a file name in it".to_owned()
            }
            TargetError::NoFolder { parent, .. } => format!(
                "pick an existing folder, or create this one first: `mkdir -p {}`",
                parent.display()
            ),
            TargetError::Exists { .. } => {
                "pass --force to overwrite it, or write somewhere else".to_owned()
            }
        }
    }
}

/// A file the user asked for could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    /// Why, in the user's words: never the name of the temporary file beside `path`.
    pub reason: String,
}

/// Writes `data` to `path` atomically, readable only by the user (mode 0600).
pub fn write_private(path: &Path, data: &[u8]) -> Result<(), WriteError> {
    crate::atomic::write(path, data, Some(0o600)).map_err(|e| {
        // The error may name the temporary file beside `path`; the OS reason alone is clearer.
        let reason = match path.parent() {
            Some(dir) if !dir.is_dir() => format!("the folder {} does not exist", dir.display()),
            _ => e.raw_os_error().map_or_else(
                || e.kind().to_string(),
                |code| std::io::Error::from_raw_os_error(code).to_string(),
            ),
        };
        WriteError {
            path: path.to_owned(),
            reason,
        }
    })
}

/// Checks that `path` (absolute) can take a new file: a file name, in an existing folder,
/// outside every case folder, and new unless `force`. Checked before any work is done, so a
/// bad path is told in the user's own words (never a temporary file's name).
pub fn check_target(ws: &Workspace, path: &Path, force: bool) -> Result<(), TargetError> {
    let path_buf = || path.to_owned();
    if inside_cases(ws, path, 1) {
        return Err(TargetError::InsideCases { path: path_buf() });
    }
    if path.is_dir() {
        return Err(TargetError::Folder { path: path_buf() });
    }
    let parent = path.parent().unwrap_or(Path::new("/")).to_owned();
    if parent.exists() && !parent.is_dir() {
        return Err(TargetError::ParentIsFile {
            path: path_buf(),
            parent,
        });
    }
    if !parent.is_dir() {
        return Err(TargetError::NoFolder {
            path: path_buf(),
            parent,
        });
    }
    if path.exists() && !force {
        return Err(TargetError::Exists { path: path_buf() });
    }
    Ok(())
}

/// `word` as one shell word, for a command the user is told to run: as it is when it is
/// safe, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+,=@%/:".contains(c));
    if safe {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_a_missing_folder_is_refused_in_the_users_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nowhere/letter.pdf");
        let e = write_private(&path, b"%PDF").unwrap_err();
        assert_eq!(e.path, path);
        assert_eq!(
            e.reason,
            format!(
                "the folder {} does not exist",
                dir.path().join("nowhere").display()
            )
        );
        let here = dir.path().join("letter.pdf");
        write_private(&here, b"%PDF").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&here).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn each_refused_target_says_what_to_do_instead() {
        let (dir, ws) = workspace();
        let hint = |path: &Path, force| {
            check_target(&ws, path, force)
                .unwrap_err()
                .hint("--out", "letter.pdf")
        };
        assert_eq!(
            hint(&dir.path().join("cases/alex/x.pdf"), true),
            "write the letter somewhere else: `--out ~/letters/letter.pdf`"
        );
        let out = dir.path().join("out");
        assert_eq!(
            hint(&out, true),
            format!(
                "give a file name in it: `{}`",
                out.join("letter.pdf").display()
            )
        );
        let missing = dir.path().join("missing");
        assert_eq!(
            hint(&missing.join("x.pdf"), true),
            format!(
                "pick an existing folder, or create this one first: `mkdir -p {}`",
                missing.display()
            )
        );
        std::fs::write(out.join("x.pdf"), "").unwrap();
        assert_eq!(
            hint(&out.join("x.pdf"), false),
            "pass --force to overwrite it, or write somewhere else"
        );
    }

    /// A workspace with a case folder `cases/alex` and a folder `out` beside it.
    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace {
            root: dir.path().to_owned(),
            config: Default::default(),
        };
        std::fs::create_dir_all(dir.path().join("cases/alex")).unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        (dir, ws)
    }

    #[test]
    fn a_path_into_a_case_is_recognised_through_dot_dot_and_links() {
        let (dir, ws) = workspace();
        let sneaky = dir.path().join("out/../cases/alex/letter.md");
        assert!(inside_cases(&ws, &sneaky, 1));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("cases"), dir.path().join("link")).unwrap();
            assert!(inside_cases(&ws, &dir.path().join("link/alex/x.pdf"), 1));
            assert!(inside_cases(&ws, &dir.path().join("link/new-bundle"), 0));
        }
        assert!(!inside_cases(&ws, &dir.path().join("out/letter.md"), 0));
        assert!(!inside_cases(&ws, &dir.path().join("cases/bundle"), 1));
    }

    #[test]
    fn a_target_must_be_a_new_file_in_an_existing_folder_outside_the_cases() {
        let (dir, ws) = workspace();
        std::fs::write(dir.path().join("out/old.md"), "x").unwrap();
        let check = |path: &str, force| check_target(&ws, &dir.path().join(path), force);
        assert!(check("out/new.md", false).is_ok());
        assert!(check("out/old.md", true).is_ok());
        assert!(matches!(
            check("cases/alex/letter.md", true),
            Err(TargetError::InsideCases { .. })
        ));
        assert!(matches!(
            check("out", true),
            Err(TargetError::Folder { .. })
        ));
        assert!(matches!(
            check("out/old.md/x.md", true),
            Err(TargetError::ParentIsFile { parent, .. }) if parent.ends_with("out/old.md")
        ));
        assert!(matches!(
            check("nowhere/x.md", true),
            Err(TargetError::NoFolder { parent, .. }) if parent.ends_with("nowhere")
        ));
        assert!(matches!(
            check("out/old.md", false),
            Err(TargetError::Exists { .. })
        ));
    }
}

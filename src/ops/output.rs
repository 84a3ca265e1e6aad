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
    fn a_path_into_a_case_is_recognised_through_dot_dot_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace {
            root: dir.path().to_owned(),
            config: Default::default(),
        };
        std::fs::create_dir_all(dir.path().join("cases/alex")).unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
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
}

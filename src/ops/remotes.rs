//! `remote add`: where a case's remote is kept, and one remote for every case at once.

use std::path::{Path, PathBuf};

use crate::sync::{RemoteAdded, SyncError, UrlKind};
use crate::workspace::Workspace;

use super::OpsError;

/// A folder address made absolute against `cwd`, without `.` and `..` steps: sync runs from
/// wherever the user stands. Worked out on the text, as the folder may not exist yet.
pub fn absolute_folder(cwd: &Path, url: &str) -> PathBuf {
    crate::record::refs::lexical(&cwd.join(url))
}

/// What adding a remote did to one case.
#[derive(Debug)]
pub struct Added {
    pub slug: String,
    /// The case's address: the template with its slug, a folder made absolute.
    pub url: String,
    pub result: Result<RemoteAdded, SyncError>,
}

/// Adds remote `name` to every case of the workspace, at `template` with `{slug}` replaced
/// by each case's slug; a case that already has it at that address is left as it is, and
/// one that fails does not stop the others.
pub fn add_all(
    ws: &Workspace,
    name: &str,
    template: &str,
    cwd: &Path,
) -> Result<Vec<Added>, OpsError> {
    if !template.contains("{slug}") {
        return Err(OpsError::NoSlugInTemplate {
            template: template.to_owned(),
        });
    }
    let slugs = ws.case_slugs()?;
    if slugs.is_empty() {
        return Err(OpsError::NoCases);
    }
    Ok(slugs
        .into_iter()
        .map(|slug| {
            let mut url = template.replace("{slug}", &slug);
            if let Ok(UrlKind::Path) = crate::sync::check_remote_url(&url) {
                url = absolute_folder(cwd, &url).display().to_string();
            }
            let result = crate::sync::add_remote_in(&ws.case_dir(&slug), name, &url);
            Added { slug, url, result }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_made_absolute_without_dot_steps() {
        let cwd = Path::new("/home/me/work");
        assert_eq!(
            absolute_folder(cwd, "../backup/./c1.git"),
            PathBuf::from("/home/me/backup/c1.git")
        );
        assert_eq!(
            absolute_folder(cwd, "/srv/git/c1.git"),
            PathBuf::from("/srv/git/c1.git")
        );
    }

    #[test]
    fn a_template_without_slug_is_refused_before_any_case_is_touched() {
        let ws = Workspace {
            root: PathBuf::from("/nonexistent"),
            config: Default::default(),
        };
        let refused = add_all(&ws, "origin", "git@host:team/all.git", Path::new("/"));
        assert!(matches!(refused, Err(OpsError::NoSlugInTemplate { .. })));
    }
}

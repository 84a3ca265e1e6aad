//! `keys new` and `init`: writing a new identity file, and the identity a new workspace uses.

use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};

use crate::crypto::{Identities, PassphrasePrompt};

use super::{Notice, OpsError};

/// Writes a new identity to `path` and returns its public key: protected by `passphrase`
/// when given, the file private to its owner (mode 0600, a new folder 0700), written whole.
/// `created` is an RFC 3339 time for the file's comment line.
pub fn write_identity(
    path: &Path,
    created: &str,
    passphrase: Option<SecretString>,
) -> Result<String, OpsError> {
    let identity = crate::crypto::generate_identity(created);
    let content = match passphrase {
        Some(secret) => crate::crypto::protect_with_passphrase(&identity.file, secret)?,
        None => identity.file.expose_secret().as_bytes().to_vec(),
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.exists()) {
        fs_err::create_dir_all(dir).map_err(OpsError::File)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    crate::atomic::write(path, &content, Some(0o600)).map_err(|source| {
        OpsError::WriteIdentity {
            path: path.to_owned(),
            source,
        }
    })?;
    Ok(identity.public)
}

/// The identity a new workspace uses, by its public key.
#[derive(Debug, PartialEq, Eq)]
pub enum WorkspaceIdentity {
    /// The identity file at the path was there already.
    Existing(String),
    /// A new identity was written there, unprotected.
    Created(String),
}

impl WorkspaceIdentity {
    /// Its public key.
    pub fn public(&self) -> &str {
        match self {
            WorkspaceIdentity::Existing(public) | WorkspaceIdentity::Created(public) => public,
        }
    }

    /// What to tell of the identity at `path`: used as it was, or created (and to be backed
    /// up).
    pub fn notices(&self, path: &Path) -> Vec<Notice> {
        match self {
            WorkspaceIdentity::Existing(_) => vec![Notice::Status(format!(
                "Using your identity {}",
                path.display()
            ))],
            WorkspaceIdentity::Created(_) => vec![
                Notice::Status(format!("Created your identity {}", path.display())),
                Notice::Warning(BACK_UP.into()),
            ],
        }
    }
}

/// The warning given with every new identity file.
const BACK_UP: &str = "back this file up somewhere safe: without it you cannot open your cases";

/// What to tell once `keys new` wrote an identity to `path`.
pub fn written_notices(path: &Path) -> Vec<Notice> {
    vec![
        Notice::Status(format!("Created identity {}", path.display())),
        Notice::Warning(BACK_UP.into()),
    ]
}

/// What to tell after a new workspace's public key: what it is for, and the next step.
pub fn workspace_hints() -> Vec<Notice> {
    vec![
        Notice::Hint(
            "that is your public key; share it with people who will share cases with you".into(),
        ),
        Notice::Hint(
            "next: `iepcase case new SLUG --child NAME` (pick a slug that is not the child's name)"
                .into(),
        ),
    ]
}

/// The identity at `path` (unlocked with `prompt` to show its public key), else a new one
/// written there.
pub fn identity_for_workspace(
    path: &Path,
    prompt: &dyn PassphrasePrompt,
    created: &str,
) -> Result<WorkspaceIdentity, OpsError> {
    if path.exists() {
        let ids = Identities::load(path, prompt)?;
        return Ok(WorkspaceIdentity::Existing(ids.primary_public().to_owned()));
    }
    write_identity(path, created, None).map(WorkspaceIdentity::Created)
}

/// What to tell when the identity file at `path` can be read by other users of this
/// computer: it gives away every case it opens. Nothing when it is private, or cannot be
/// read at all (loading it says why).
pub fn exposure_notices(path: &Path) -> Vec<Notice> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            return vec![
                super::Notice::Warning(format!(
                    "identity file {} can be read by other users of this computer (mode {:o})",
                    path.display(),
                    meta.permissions().mode() & 0o777
                )),
                super::Notice::Hint(format!("make it private: `chmod 600 {}`", path.display())),
            ];
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::NoPrompt;

    #[test]
    fn a_new_identity_is_private_and_opens_to_its_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("identity.txt");
        let public = write_identity(&path, "2026-01-01T00:00:00Z", None).unwrap();
        let ids = Identities::load(&path, &NoPrompt).unwrap();
        assert_eq!(ids.primary_public(), public);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_identity_others_can_read_is_warned_about_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.txt");
        write_identity(&path, "2026-01-01T00:00:00Z", None).unwrap();
        assert!(exposure_notices(&path).is_empty());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let told = exposure_notices(&path);
        assert!(
            matches!(&told[0], super::super::Notice::Warning(w) if w.ends_with("(mode 644)")),
            "{told:?}"
        );
        assert_eq!(
            told[1],
            super::super::Notice::Hint(format!("make it private: `chmod 600 {}`", path.display()))
        );
        assert!(exposure_notices(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn a_workspace_keeps_an_identity_it_finds_and_makes_one_it_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("identity.txt");
        let made = identity_for_workspace(&path, &NoPrompt, "2026-01-01T00:00:00Z").unwrap();
        let WorkspaceIdentity::Created(public) = made else {
            panic!("no identity was there: {made:?}");
        };
        assert_eq!(
            identity_for_workspace(&path, &NoPrompt, "2026-02-01T00:00:00Z").unwrap(),
            WorkspaceIdentity::Existing(public)
        );
    }

    #[test]
    fn a_created_identity_is_to_be_backed_up_and_an_existing_one_is_just_used() {
        let path = Path::new("/home/me/.config/iepcase/identity.txt");
        let created = WorkspaceIdentity::Created("age1new".into());
        assert_eq!(created.public(), "age1new");
        assert_eq!(
            created.notices(path),
            [
                Notice::Status(
                    "Created your identity /home/me/.config/iepcase/identity.txt".into()
                ),
                Notice::Warning(
                    "back this file up somewhere safe: without it you cannot open your cases"
                        .into()
                ),
            ]
        );
        assert_eq!(
            WorkspaceIdentity::Existing("age1old".into()).notices(path),
            [Notice::Status(
                "Using your identity /home/me/.config/iepcase/identity.txt".into()
            )]
        );
        assert_eq!(written_notices(path)[1], created.notices(path)[1]);
        assert_eq!(workspace_hints().len(), 2);
    }
}

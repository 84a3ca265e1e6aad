//! Writing a bundle folder: every file goes into a private temporary folder beside the
//! target, which is renamed into place only when complete, so a failed or interrupted build
//! leaves no half-written bundle (and no stray plaintext).
//!
//! An earlier bundle in the target folder is replaced only when the caller asks (`--force`):
//! its manifest hash may already have been disclosed. A folder holding anything else is
//! always refused.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::folder::MANIFEST;
use super::manifest::{Manifest, ManifestFile};
use super::{Bundle, BundleError, Content};
use crate::crypto::{Sha256Writer, sha256_hex};
use crate::store::Case;

/// Writes `bundle` into `out` (attachments copied from `case`) and returns its manifest,
/// complete with the hash of every file. An earlier bundle in `out` is replaced only with
/// `replace`.
pub fn write(
    bundle: &Bundle,
    case: &Case,
    out: &Path,
    replace: bool,
) -> Result<Manifest, BundleError> {
    let previous = check_target(out, replace)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(BundleError::io(parent))?;
    let temp = tempfile::Builder::new()
        .prefix(".iepcase-bundle-")
        .tempdir_in(parent)
        .map_err(BundleError::io(parent))?;
    let _guard = crate::atomic::remove_on_interrupt(temp.path());
    let mut files = Vec::with_capacity(bundle.files.len());
    for file in &bundle.files {
        files.push(write_file(case, temp.path(), &file.path, &file.content)?);
    }
    let mut manifest = bundle.manifest.clone();
    manifest.set_files(files);
    let manifest_path = temp.path().join(MANIFEST);
    private_file(&manifest_path)
        .and_then(|mut f| f.write_all(manifest.to_json().as_bytes()))
        .map_err(BundleError::io(&manifest_path))?;
    private_dir_mode(temp.path()).map_err(BundleError::io(temp.path()))?;
    swap_into_place(temp.keep(), out, previous)?;
    Ok(manifest)
}

fn write_file(
    case: &Case,
    root: &Path,
    relative: &str,
    content: &Content,
) -> Result<ManifestFile, BundleError> {
    let path = root.join(relative);
    if let Some(dir) = path.parent() {
        private_dirs(root, dir).map_err(BundleError::io(dir))?;
    }
    match content {
        Content::Bytes(bytes) => {
            private_file(&path)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(BundleError::io(&path))?;
            Ok(ManifestFile {
                path: relative.to_owned(),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            })
        }
        Content::Attachment { record, attachment } => {
            let file = private_file(&path).map_err(BundleError::io(&path))?;
            let mut writer = Sha256Writer::new(std::io::BufWriter::new(file));
            let size = case.extract_attachment(record, attachment, &mut writer)?;
            writer.flush().map_err(BundleError::io(&path))?;
            Ok(ManifestFile {
                path: relative.to_owned(),
                sha256: writer.finish(),
                size,
            })
        }
    }
}

/// Creates a file only its owner can read (0600): a bundle is the child's records in
/// plaintext.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Creates `dir` and the folders above it up to `root`, each only its owner can open (0700).
fn private_dirs(root: &Path, dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    // DirBuilder's mode passes through the umask, which may only take permissions away.
    let mut current = dir;
    while current != root {
        private_dir_mode(current)?;
        match current.parent() {
            Some(parent) => current = parent,
            None => break,
        }
    }
    Ok(())
}

/// Sets `dir` to 0700.
fn private_dir_mode(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Whether `out` may be written: missing, empty, or (with `replace`) an earlier bundle,
/// returned so it can be replaced once the new one is complete.
fn check_target(out: &Path, replace: bool) -> Result<Option<PathBuf>, BundleError> {
    if !out.exists() {
        return Ok(None);
    }
    let mut entries = std::fs::read_dir(out).map_err(BundleError::io(out))?;
    if entries.next().is_none() {
        return Ok(Some(out.to_owned()));
    }
    let listed = super::folder::listed_files(out).map_err(|_| BundleError::OutNotEmpty {
        path: out.to_owned(),
    })?;
    let present = super::folder::files_under(out)?;
    let strangers = present
        .iter()
        .any(|p| p != MANIFEST && !listed.iter().any(|l| l == p));
    if strangers {
        return Err(BundleError::OutNotEmpty {
            path: out.to_owned(),
        });
    }
    if !replace {
        return Err(BundleError::EarlierBundle {
            path: out.to_owned(),
        });
    }
    Ok(Some(out.to_owned()))
}

/// Renames the finished folder `done` to `out`, moving an earlier bundle aside first and
/// removing it afterwards.
fn swap_into_place(
    done: PathBuf,
    out: &Path,
    previous: Option<PathBuf>,
) -> Result<(), BundleError> {
    let _critical = crate::atomic::critical_section();
    let aside = match previous {
        Some(old) => {
            let aside = done.with_extension("old");
            std::fs::rename(&old, &aside).map_err(BundleError::io(&old))?;
            Some(aside)
        }
        None => None,
    };
    if let Err(source) = std::fs::rename(&done, out) {
        if let Some(aside) = &aside {
            let _ = std::fs::rename(aside, out);
        }
        let _ = std::fs::remove_dir_all(&done);
        return Err(BundleError::Io {
            path: out.to_owned(),
            source,
        });
    }
    if let Some(aside) = aside {
        std::fs::remove_dir_all(&aside).map_err(BundleError::io(&aside))?;
    }
    Ok(())
}

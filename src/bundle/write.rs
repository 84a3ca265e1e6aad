//! Writing a bundle folder: every file goes into a private temporary folder beside the
//! target, which is renamed into place only when complete, so a failed or interrupted build
//! leaves no half-written bundle (and no stray plaintext).
//!
//! An earlier bundle in the target folder is replaced; a folder holding anything else is
//! refused.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::manifest::{Manifest, ManifestFile};
use super::{Bundle, BundleError, Content};
use crate::crypto::{Sha256Writer, sha256_hex};
use crate::store::Case;

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";

/// Writes `bundle` into `out` (attachments copied from `case`) and returns its manifest,
/// complete with the hash of every file.
pub fn write(bundle: &Bundle, case: &Case, out: &Path) -> Result<Manifest, BundleError> {
    let previous = check_target(out)?;
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
    std::fs::write(&manifest_path, manifest.to_json()).map_err(BundleError::io(&manifest_path))?;
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
        std::fs::create_dir_all(dir).map_err(BundleError::io(dir))?;
    }
    match content {
        Content::Bytes(bytes) => {
            std::fs::write(&path, bytes).map_err(BundleError::io(&path))?;
            Ok(ManifestFile {
                path: relative.to_owned(),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            })
        }
        Content::Attachment { record, attachment } => {
            let file = std::fs::File::create(&path).map_err(BundleError::io(&path))?;
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

/// Whether `out` may be written: missing, empty, or an earlier bundle (returned so it can be
/// replaced once the new one is complete).
fn check_target(out: &Path) -> Result<Option<PathBuf>, BundleError> {
    if !out.exists() {
        return Ok(None);
    }
    let mut entries = std::fs::read_dir(out).map_err(BundleError::io(out))?;
    if entries.next().is_none() {
        return Ok(Some(out.to_owned()));
    }
    let listed = super::verify::listed_files(out).map_err(|_| BundleError::OutNotEmpty {
        path: out.to_owned(),
    })?;
    let present = super::verify::files_under(out)?;
    let strangers = present
        .iter()
        .any(|p| p != MANIFEST && !listed.iter().any(|l| l == p));
    if strangers {
        return Err(BundleError::OutNotEmpty {
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

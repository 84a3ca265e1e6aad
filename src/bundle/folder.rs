//! A bundle's folder on disk: its manifest's name, what the manifest lists, and the files
//! actually there. Writing a bundle and verifying one both start from these.

use std::path::Path;

use serde::Deserialize;

use super::BundleError;
use super::manifest::ManifestFile;

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";

/// The part of a manifest verification reads; later fields may be added freely.
#[derive(Deserialize)]
pub(super) struct Listing {
    pub format: String,
    pub case: String,
    pub source_commit: String,
    pub files: Vec<ManifestFile>,
}

pub(super) fn read_listing(dir: &Path) -> Result<Listing, BundleError> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BundleError::NotABundle {
                path: dir.to_owned(),
            });
        }
        Err(source) => return Err(BundleError::Io { path, source }),
    };
    let listing: Listing =
        serde_json::from_slice(&text).map_err(|source| BundleError::BadManifest {
            path: path.clone(),
            source,
        })?;
    if !listing.format.starts_with("iepcase-bundle ") {
        return Err(BundleError::NotABundle {
            path: dir.to_owned(),
        });
    }
    Ok(listing)
}

/// The paths an existing bundle's manifest lists.
pub(super) fn listed_files(dir: &Path) -> Result<Vec<String>, BundleError> {
    Ok(read_listing(dir)?
        .files
        .into_iter()
        .map(|f| f.path)
        .collect())
}

/// Every file under `dir`, as `/`-separated relative paths, sorted.
pub(super) fn files_under(dir: &Path) -> Result<Vec<String>, BundleError> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), BundleError> {
        for entry in std::fs::read_dir(dir).map_err(BundleError::io(dir))? {
            let entry = entry.map_err(BundleError::io(dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(BundleError::io(&path))?;
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// The SHA-256 of the `manifest.json` in `dir`, as it is on disk.
pub fn manifest_hash(dir: &Path) -> Result<String, BundleError> {
    let path = dir.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(BundleError::io(&path))?;
    Ok(crate::crypto::sha256_hex(&bytes))
}

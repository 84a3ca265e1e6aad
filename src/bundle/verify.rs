//! `bundle verify DIR`: re-hashes every file a bundle's manifest lists and reports each file
//! that changed, went missing, or was added.

use std::path::{Component, Path};

use serde::Deserialize;

use super::BundleError;
use super::manifest::ManifestFile;
use super::write::MANIFEST;

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files that match the manifest.
    pub intact: Vec<String>,
    /// Files whose content differs from the manifest.
    pub changed: Vec<String>,
    /// Files the manifest lists that are gone.
    pub missing: Vec<String>,
    /// Files in the folder the manifest does not list.
    pub extra: Vec<String>,
    /// The case and commit the bundle says it was built from.
    pub case: String,
    pub source_commit: String,
}

impl VerifyReport {
    /// Whether the bundle is exactly as built.
    pub fn is_intact(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// The part of a manifest verification reads; later fields may be added freely.
#[derive(Deserialize)]
struct Listing {
    format: String,
    case: String,
    source_commit: String,
    files: Vec<ManifestFile>,
}

fn read_listing(dir: &Path) -> Result<Listing, BundleError> {
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

/// A manifest path that stays inside the bundle folder.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// The SHA-256 of the `manifest.json` in `dir`, as it is on disk.
pub fn manifest_hash(dir: &Path) -> Result<String, BundleError> {
    let path = dir.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(BundleError::io(&path))?;
    Ok(crate::crypto::sha256_hex(&bytes))
}

/// Checks the bundle in `dir` against its manifest.
pub fn verify(dir: &Path) -> Result<VerifyReport, BundleError> {
    let listing = read_listing(dir)?;
    let mut report = VerifyReport {
        case: listing.case,
        source_commit: listing.source_commit,
        ..VerifyReport::default()
    };
    for file in &listing.files {
        if !safe_relative(&file.path) {
            report.changed.push(file.path.clone());
            continue;
        }
        let path = dir.join(&file.path);
        match std::fs::File::open(&path) {
            Ok(mut f) => {
                let mut hasher = crate::crypto::Sha256Writer::new(std::io::sink());
                std::io::copy(&mut f, &mut hasher).map_err(BundleError::io(&path))?;
                if hasher.finish() == file.sha256 {
                    report.intact.push(file.path.clone());
                } else {
                    report.changed.push(file.path.clone());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.missing.push(file.path.clone())
            }
            Err(source) => return Err(BundleError::Io { path, source }),
        }
    }
    for present in files_under(dir)? {
        if present != MANIFEST && !listing.files.iter().any(|f| f.path == present) {
            report.extra.push(present);
        }
    }
    Ok(report)
}

//! `bundle verify DIR`: re-hashes every file a bundle's manifest lists and reports each file
//! that changed, went missing, or was added.

use std::path::{Component, Path};

use super::BundleError;
use super::folder::{MANIFEST, files_under, read_listing};

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

/// A manifest path that stays inside the bundle folder.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
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

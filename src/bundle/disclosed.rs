//! The record of a disclosure: a `communication` saying which bundle went to whom and when,
//! identified by the SHA-256 of its `manifest.json`, and the lookup `bundle verify` makes
//! to find the disclosure of a bundle in its case.

use super::{Manifest, Purpose};
use crate::crypto::sha256_hex;
use crate::record::StoredRecord;
use crate::record::{Body, Date};

/// The tag every disclosure record carries.
pub const TAG: &str = "bundle-disclosure";

/// The SHA-256 of a bundle's `manifest.json`, as written.
pub fn manifest_sha256(manifest: &Manifest) -> String {
    sha256_hex(manifest.to_json().as_bytes())
}

/// The text of the `communication` record saying that the bundle of `manifest` was
/// disclosed to `with` on `date`.
pub fn record_text(manifest: &Manifest, with: &str, date: Date) -> String {
    let purpose = manifest
        .options
        .purpose
        .parse::<Purpose>()
        .map_or("Evidence", |p| p.describe());
    let count = manifest.exhibits.len();
    let exhibits = if count == 1 { "exhibit" } else { "exhibits" };
    let labels = match (manifest.exhibits.first(), manifest.exhibits.last()) {
        (Some(a), Some(b)) if count > 1 => format!(", {} to {}", a.label, b.label),
        (Some(a), _) => format!(", {}", a.label),
        _ => String::new(),
    };
    let hash = manifest_sha256(manifest);
    let body = format!(
        "Disclosed the evidence bundle for: {purpose} ({count} {exhibits}{labels}, {} pages), \
         built from commit {} of case {}.\n\nmanifest.json SHA-256: {hash}\n\n\
         `iepcase bundle verify FOLDER` checks the bundle's files against that manifest and \
         names this record when the hashes match.\n",
        manifest.pages, manifest.source_commit, manifest.case
    );
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("kind", toml_edit::value("communication"));
    doc.insert(
        "date",
        toml_edit::value(
            date.to_string()
                .parse::<toml_edit::Datetime>()
                .expect("dates print as TOML"),
        ),
    );
    doc.insert(
        "title",
        toml_edit::value(format!(
            "Evidence bundle disclosed to {with} ({count} {exhibits})"
        )),
    );
    doc.insert("direction", toml_edit::value("sent"));
    doc.insert("with", toml_edit::value(with));
    doc.insert(
        "subject",
        toml_edit::value(format!("Evidence bundle: {purpose}")),
    );
    doc.insert("body", toml_edit::value(body));
    let mut tags = toml_edit::Array::new();
    tags.push(TAG);
    doc.insert("tags", toml_edit::value(tags));
    doc.to_string()
}

/// The communications of `records` that record the disclosure of the bundle whose
/// `manifest.json` has SHA-256 `hash`, in date order.
pub fn find<'a>(records: &'a [StoredRecord], hash: &str) -> Vec<&'a StoredRecord> {
    let mut found: Vec<&StoredRecord> = records
        .iter()
        .filter(|r| !r.id.is_conflict())
        .filter(|r| match &r.record.body {
            Body::Communication(c) => c.body.as_deref().is_some_and(|b| b.contains(hash)),
            _ => false,
        })
        .collect();
    found.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    found
}

//! `bundle verify`: what checking a bundle against its manifest tells, and the disclosures
//! of that very bundle (its manifest's SHA-256) on record in its case.

use crate::bundle::{VerifyReport, disclosed};
use crate::store::Case;

use super::{Notice, OpsError};

/// A recorded disclosure of the bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The communication record that says so.
    pub record: String,
    pub date: String,
    /// Whom it went to, when the record names them.
    pub with: Option<String>,
}

/// The disclosures recorded in `case` of the bundle whose manifest hashes to `hash`.
pub fn disclosures(case: &Case, hash: &str) -> Result<Vec<Found>, OpsError> {
    let loaded = case.records()?;
    Ok(disclosed::find(&loaded.records, hash)
        .into_iter()
        .map(|r| Found {
            record: r.id.to_string(),
            date: r.record.date().to_string(),
            with: match &r.record.body {
                crate::record::Body::Communication(c) => c.with.clone(),
                _ => None,
            },
        })
        .collect())
}

/// What to tell of the disclosures `found` in case `slug`; nothing when the case could not
/// be read here (`None`), which is no fault of a bundle someone received.
pub fn disclosure_notices(slug: &str, found: Option<&[Found]>) -> Vec<Notice> {
    match found {
        None => Vec::new(),
        Some([]) => vec![Notice::Status(format!(
            "No disclosure of this bundle is recorded in case `{slug}` (its manifest.json \
             SHA-256 is in no communication record)"
        ))],
        Some(found) => (found.iter())
            .map(|f| {
                Notice::Status(format!(
                    "Disclosed on {} to {}: recorded in communication {} (the manifest.json \
                     SHA-256 matches)",
                    f.date,
                    f.with.as_deref().unwrap_or("(no one named)"),
                    f.record
                ))
            })
            .collect(),
    }
}

/// The files of a bundle that do not match its manifest, a line each: `changed`, `missing`
/// or `extra`, then the file's path in the bundle folder.
pub fn mismatch_lines(report: &VerifyReport) -> String {
    let mut out = String::new();
    for (what, paths) in [
        ("changed", &report.changed),
        ("missing", &report.missing),
        ("extra", &report.extra),
    ] {
        for path in paths {
            out.push_str(&format!("{what:<8} {path}\n"));
        }
    }
    out
}

/// What the check of a bundle tells: that it is intact, or what does not match and how to
/// get a good copy.
pub fn verdict_notices(report: &VerifyReport) -> Vec<Notice> {
    let checked = report.intact.len() + report.changed.len() + report.missing.len();
    if report.is_intact() {
        return vec![Notice::Status(format!(
            "Bundle intact: {checked} files match the manifest (case `{}`, commit {})",
            report.case,
            short(&report.source_commit)
        ))];
    }
    vec![
        Notice::Warning(format!(
            "the bundle does not match its manifest: {} changed, {} missing, {} extra",
            report.changed.len(),
            report.missing.len(),
            report.extra.len()
        )),
        Notice::Hint(format!(
            "rebuild it from commit {} with the options in manifest.json, or find the \
             original copy",
            short(&report.source_commit)
        )),
    ]
}

/// A commit as the user reads it: its first 12 characters.
fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> VerifyReport {
        VerifyReport {
            intact: vec!["bundle.pdf".into(), "index.html".into()],
            case: "eq-2025".into(),
            source_commit: "0123456789abcdef0123".into(),
            ..VerifyReport::default()
        }
    }

    #[test]
    fn an_intact_bundle_counts_its_files_and_names_its_commit() {
        assert_eq!(
            verdict_notices(&report()),
            [Notice::Status(
                "Bundle intact: 2 files match the manifest (case `eq-2025`, commit 0123456789ab)"
                    .into()
            )]
        );
    }

    #[test]
    fn a_changed_bundle_says_what_differs_and_how_to_rebuild_it() {
        let mut changed = report();
        changed.changed.push("bundle.pdf".into());
        changed.extra.push("notes.txt".into());
        let told = verdict_notices(&changed);
        assert_eq!(
            told[0],
            Notice::Warning(
                "the bundle does not match its manifest: 1 changed, 0 missing, 1 extra".into()
            )
        );
        assert!(
            matches!(&told[1], Notice::Hint(h) if h.starts_with("rebuild it from commit 0123456789ab "))
        );
    }

    #[test]
    fn disclosures_are_told_only_when_the_case_could_be_read() {
        assert!(disclosure_notices("eq", None).is_empty());
        assert!(matches!(&disclosure_notices("eq", Some(&[]))[..],
            [Notice::Status(s)] if s.starts_with("No disclosure of this bundle")));
        let found = Found {
            record: "ttnaq2b4kd".into(),
            date: "2026-12-01".into(),
            with: None,
        };
        assert_eq!(
            disclosure_notices("eq", Some(&[found])),
            [Notice::Status(
                "Disclosed on 2026-12-01 to (no one named): recorded in communication \
                 ttnaq2b4kd (the manifest.json SHA-256 matches)"
                    .into()
            )]
        );
    }

    #[test]
    fn each_file_that_does_not_match_is_a_line() {
        assert_eq!(mismatch_lines(&report()), "");
        let broken = VerifyReport {
            changed: vec!["bundle.pdf".into()],
            missing: vec!["exhibits/P-001.pdf".into()],
            extra: vec!["notes.txt".into()],
            ..report()
        };
        assert_eq!(
            mismatch_lines(&broken),
            "changed  bundle.pdf\nmissing  exhibits/P-001.pdf\nextra    notes.txt\n"
        );
    }
}

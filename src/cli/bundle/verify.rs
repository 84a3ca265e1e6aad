//! `iepcase bundle verify DIR`: exit 0 when every file matches the manifest, 3 naming each
//! changed, missing or extra file. In a workspace holding the bundle's case, it also says
//! whether a disclosure of this very bundle (its manifest's SHA-256) is on record.

use std::path::Path;

use iepcase::bundle::disclosed;
use iepcase::json::{DisclosureJson, VerifyJson};

use super::super::context::Ctx;
use super::super::error::CliError;

/// A recorded disclosure of the bundle, as `verify` reports it.
struct Found {
    record: String,
    date: String,
    with: Option<String>,
}

/// The disclosures of the bundle with manifest hash `hash` in case `slug`: `None` when no
/// case can be read here (no workspace, no such case, no key), which is not an error for
/// the other side checking a bundle it received.
fn disclosures(ctx: &Ctx, slug: &str, hash: &str) -> Option<Vec<Found>> {
    let slug = match &ctx.global.case {
        Some(_) => ctx.case_slug().ok()?,
        None => slug.to_owned(),
    };
    let ws = ctx.workspace().ok()?;
    if !ws.case_dir(&slug).exists() {
        return None;
    }
    let case = ctx.open_case_slug(&slug).ok()?;
    let loaded = case.records().ok()?;
    Some(
        disclosed::find(&loaded.records, hash)
            .into_iter()
            .map(|r| Found {
                record: r.id.to_string(),
                date: r.record.date().to_string(),
                with: match &r.record.body {
                    iepcase::record::Body::Communication(c) => c.with.clone(),
                    _ => None,
                },
            })
            .collect(),
    )
}

pub fn run(ctx: &Ctx, dir: &Path) -> Result<(), CliError> {
    let dir = ctx.absolute(dir);
    let report = iepcase::bundle::verify(&dir)?;
    let hash = iepcase::bundle::manifest_hash(&dir)?;
    let found = disclosures(ctx, &report.case, &hash);
    if ctx.ui.json {
        let disclosures = found.as_ref().map(|found| {
            found
                .iter()
                .map(|f| DisclosureJson {
                    record: &f.record,
                    date: &f.date,
                    with: f.with.as_deref(),
                })
                .collect()
        });
        ctx.ui.json(&VerifyJson::new(&report, &hash, disclosures))?;
    } else {
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
        ctx.ui.out(&out)?;
    }
    report_disclosures(ctx, &report.case, found.as_deref());
    let checked = report.intact.len() + report.changed.len() + report.missing.len();
    if report.is_intact() {
        ctx.ui.status(&format!(
            "Bundle intact: {checked} files match the manifest (case `{}`, commit {})",
            report.case,
            short(&report.source_commit)
        ));
        Ok(())
    } else {
        ctx.ui.warn(&format!(
            "the bundle does not match its manifest: {} changed, {} missing, {} extra",
            report.changed.len(),
            report.missing.len(),
            report.extra.len()
        ));
        ctx.ui.hint(&format!(
            "rebuild it from commit {} with the options in manifest.json, or find the \
             original copy",
            short(&report.source_commit)
        ));
        Err(CliError::found())
    }
}

fn report_disclosures(ctx: &Ctx, slug: &str, found: Option<&[Found]>) {
    match found {
        None => {}
        Some([]) => ctx.ui.status(&format!(
            "No disclosure of this bundle is recorded in case `{slug}` (its manifest.json \
             SHA-256 is in no communication record)"
        )),
        Some(found) => {
            for f in found {
                ctx.ui.status(&format!(
                    "Disclosed on {} to {}: recorded in communication {} (the manifest.json \
                     SHA-256 matches)",
                    f.date,
                    f.with.as_deref().unwrap_or("(no one named)"),
                    f.record
                ));
            }
        }
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

//! `iepcase bundle verify DIR`: exit 0 when every file matches the manifest, 3 naming each
//! changed, missing or extra file. In a workspace holding the bundle's case, it also says
//! whether a disclosure of this very bundle (its manifest's SHA-256) is on record.

use std::path::Path;

use iepcase::json::{DisclosureJson, VerifyJson};
use iepcase::ops::verify::{self, Found};

use super::super::context::Ctx;
use super::super::error::CliError;

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
    verify::disclosures(&case, hash).ok()
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
        ctx.ui.out(&verify::mismatch_lines(&report))?;
    }
    ctx.ui
        .notices(&verify::disclosure_notices(&report.case, found.as_deref()));
    ctx.ui.notices(&verify::verdict_notices(&report));
    if report.is_intact() {
        Ok(())
    } else {
        Err(CliError::found())
    }
}

//! `iepcase bundle verify DIR`: exit 0 when every file matches the manifest, 3 naming each
//! changed, missing or extra file.

use std::path::Path;

use super::super::context::Ctx;
use super::super::error::CliError;

pub fn run(ctx: &Ctx, dir: &Path) -> Result<(), CliError> {
    let dir = ctx.absolute(dir);
    let report = iepcase::bundle::verify(&dir)?;
    if ctx.ui.json {
        ctx.ui.json(&serde_json::json!({
            "case": report.case,
            "source_commit": report.source_commit,
            "intact": report.is_intact(),
            "files": report.intact.len() + report.changed.len() + report.missing.len(),
            "changed": report.changed,
            "missing": report.missing,
            "extra": report.extra,
        }))?;
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

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

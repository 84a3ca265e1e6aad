//! `bundle … --disclosed-to WHO [--on DATE]`: once the bundle is written, a `communication`
//! record of the disclosure, carrying the manifest's SHA-256, committed like any record.

use iepcase::bundle::{Manifest, disclosed};
use iepcase::record::{Date, RecordId, parse_record};
use iepcase::store::Case;

use super::super::context::Ctx;
use super::super::error::CliError;

/// The disclosure recorded for a bundle; serialized, the `disclosure` of `bundle --json`.
#[derive(serde::Serialize)]
pub struct Recorded {
    #[serde(rename = "record", serialize_with = "iepcase::json::display")]
    pub id: RecordId,
    pub with: String,
    #[serde(serialize_with = "iepcase::json::display")]
    pub date: Date,
    pub manifest_sha256: String,
}

/// Checks `--disclosed-to` before anything is built: one line naming someone.
pub fn check(who: Option<&str>) -> Result<Option<String>, CliError> {
    let Some(who) = who else { return Ok(None) };
    let who = who.trim();
    if who.is_empty() || who.chars().any(char::is_control) {
        return Err(CliError::usage(
            "--disclosed-to needs one line naming who received the bundle",
        )
        .hint("for example: --disclosed-to \"District counsel\""));
    }
    Ok(Some(who.to_owned()))
}

/// Records that the bundle of `manifest` was disclosed to `with` on `date`.
pub fn record(
    ctx: &Ctx,
    case: &Case,
    manifest: &Manifest,
    with: String,
    date: Date,
) -> Result<Recorded, CliError> {
    let text = disclosed::record_text(manifest, &with, date);
    parse_record(&text, "the disclosure's record")?;
    let (case, lock) = ctx.open_slug_locked(case.slug(), "bundle")?;
    let id = RecordId::generate();
    let mut tx = case.transaction(&lock);
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), &ctx.commit_context()?)?;
    Ok(Recorded {
        id,
        with,
        date,
        manifest_sha256: disclosed::manifest_sha256(manifest),
    })
}

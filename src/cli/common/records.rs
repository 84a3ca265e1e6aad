//! What the record commands share: reading a kind argument, and warnings about references to
//! records that do not exist, unreadable records and files a bundle cannot show.

use std::path::PathBuf;

use iepcase::ops::attachments::unbindable_notices;
use iepcase::record::{Kind, parse::did_you_mean};

use super::super::context::Ctx;
use super::super::error::CliError;

/// The kinds, for help text.
pub const KINDS_HELP: &str = "Kinds: iep, request, refusal, response, pwn, notice, consent, meeting, evaluation, \
eligibility, progress-report, service-log, communication, complaint, decision, discipline, note";

/// Parses a kind argument, suggesting the closest kind on a typo.
pub fn parse_kind(text: &str) -> Result<Kind, String> {
    text.parse::<Kind>().map_err(|_| {
        let names = Kind::ALL.iter().map(|k| k.as_str());
        match did_you_mean(text, names.clone()) {
            Some(best) => format!("unknown kind `{text}` (did you mean `{best}`?)"),
            None => {
                let kinds: Vec<&str> = names.collect();
                format!("unknown kind `{text}`; kinds: {}", kinds.join(", "))
            }
        }
    })
}

/// Warns about references to records that are not in the case.
pub fn warn_dangling(ctx: &Ctx, dangling: &[String]) {
    iepcase::ops::records::dangling_notices(dangling).for_each(|n| ctx.ui.notice(&n));
}

/// Warns about each file a bundle cannot show (told by its content): it is attached all the
/// same, and the warning says what to do.
pub fn warn_unbindable(ctx: &Ctx, id: Option<&str>, files: &[PathBuf]) -> Result<(), CliError> {
    for file in files {
        let notices = unbindable_notices(id, &ctx.absolute(file), file)?;
        ctx.ui.notices(&notices);
    }
    Ok(())
}

//! Wording several commands share.

use iepcase::store::RecordSummary;

use super::super::context::Ctx;

/// The innermost reason of a store error, for one-line warnings.
pub fn describe(error: &iepcase::store::StoreError) -> String {
    if let iepcase::store::StoreError::CorruptObject { source, .. } = error {
        return format!("git's copy of it is damaged ({})", source.message());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text = e.to_string();
        source = e.source();
    }
    text
}

/// "Next meeting: …; prepare with `iepcase prep`".
pub fn next_meeting_status(ctx: &Ctx, m: &RecordSummary) {
    let when = match m.time {
        Some(t) => format!("{} {t}", m.date),
        None => m.date.to_string(),
    };
    ctx.ui.status(&format!(
        "Next meeting: {when}, {} ({}); prepare with `iepcase prep`",
        m.title, m.id
    ));
}

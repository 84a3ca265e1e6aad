//! Wording and painting several commands share.

use iepcase::diff::RecordDiff;
use iepcase::diff::render::{self, Style};
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

pub fn paint(ctx: &Ctx, diff: &RecordDiff) -> String {
    use anstyle::AnsiColor;
    let mut out = String::new();
    for line in render::lines(diff) {
        for (style, text) in line {
            let text = super::super::ui::printable(&text).into_owned();
            let painted = match style {
                Style::Plain => text,
                Style::Heading => ctx.ui.paint(anstyle::Style::new().bold(), &text),
                Style::Label => ctx.ui.paint(AnsiColor::Cyan.on_default(), &text),
                Style::Added => ctx.ui.paint(AnsiColor::Green.on_default(), &text),
                Style::Removed => ctx
                    .ui
                    .paint(AnsiColor::Red.on_default().strikethrough(), &text),
            };
            out.push_str(&painted);
        }
        out.push('\n');
    }
    out
}

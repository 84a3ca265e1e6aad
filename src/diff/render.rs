//! Diffs as lines of styled pieces (for the terminal), plain text, and Markdown (for bundles).

use serde_json::Value;

use super::generic::FIELDS;
use super::{Change, Op, RecordDiff, Segment, SegmentKind};
use crate::text::{Paint, Tone, printable};

/// How a piece of a line should look; the terminal maps these to colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Heading,
    Label,
    Added,
    Removed,
}

impl Style {
    /// The tone a piece is painted in.
    pub fn tone(self) -> Option<Tone> {
        match self {
            Style::Plain => None,
            Style::Heading => Some(Tone::Strong),
            Style::Label => Some(Tone::Label),
            Style::Added => Some(Tone::Good),
            Style::Removed => Some(Tone::Removed),
        }
    }
}

/// One line of output as styled pieces.
pub type Line = Vec<(Style, String)>;

/// The diff as lines of styled pieces, one change per line.
pub fn lines(diff: &RecordDiff) -> Vec<Line> {
    let mut out = vec![
        vec![(Style::Heading, format!("--- {}", diff.from))],
        vec![(Style::Heading, format!("+++ {}", diff.to))],
    ];
    if diff.changes.is_empty() {
        out.push(vec![(Style::Plain, "no changes".into())]);
    }
    for change in &diff.changes {
        out.push(change_line(change));
    }
    out
}

/// The `section: item: field` label of a change (`fields` is left out).
fn label(change: &Change) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if change.section != FIELDS {
        parts.push(&change.section);
    }
    parts.extend(change.item.as_deref());
    parts.extend(change.field.as_deref());
    parts.join(": ")
}

/// The label a change's line starts with. A whole item added or removed that is just text
/// (an accommodation) is named by its value alone, so only its section is the label; a table
/// (a goal, a service) is named by its item.
fn line_label(change: &Change) -> String {
    let value = if change.op == Op::Added {
        &change.after
    } else {
        &change.before
    };
    match (change.op, value, &change.field) {
        (Op::Added | Op::Removed, Some(Value::String(_)), None) if change.section != FIELDS => {
            change.section.clone()
        }
        _ => label(change),
    }
}

fn change_line(change: &Change) -> Line {
    let mut line: Line = Vec::new();
    match change.op {
        Op::Added => line.push((Style::Added, "+ ".into())),
        Op::Removed => line.push((Style::Removed, "- ".into())),
        Op::Changed => {}
    }
    let label = line_label(change);
    line.push((Style::Label, format!("{label}: ")));
    match (change.op, &change.words) {
        (Op::Changed, Some(words)) => {
            for segment in words {
                let style = match segment.kind {
                    SegmentKind::Same => Style::Plain,
                    SegmentKind::Added => Style::Added,
                    SegmentKind::Removed => Style::Removed,
                };
                line.push((style, one_line(&segment.text)));
            }
        }
        (Op::Changed, None) => {
            line.push((Style::Removed, show(change.before.as_ref())));
            line.push((Style::Plain, " → ".into()));
            line.push((Style::Added, show(change.after.as_ref())));
        }
        (Op::Added, _) => line.push((Style::Added, show(change.after.as_ref()))),
        (Op::Removed, _) => line.push((Style::Removed, show(change.before.as_ref()))),
    }
    line.retain(|(_, text)| !text.is_empty());
    line
}

/// Plain text: word changes marked `[-old-]{+new+}` as `git diff --word-diff` does.
pub fn to_text(diff: &RecordDiff) -> String {
    let mut out = String::new();
    for line in lines(diff).into_iter().take(2) {
        out.push_str(&line.iter().map(|(_, t)| t.as_str()).collect::<String>());
        out.push('\n');
    }
    if diff.changes.is_empty() {
        out.push_str("no changes\n");
    }
    for change in &diff.changes {
        for (style, text) in change_line(change) {
            match (style, change.words.is_some()) {
                (Style::Added, true) => out.push_str(&format!("{{+{text}+}}")),
                (Style::Removed, true) => out.push_str(&format!("[-{text}-]")),
                _ => out.push_str(&text),
            }
        }
        out.push('\n');
    }
    out
}

/// The diff for a terminal: coloured pieces when `paint` colours (removals red and struck
/// through), else the plain text of [`to_text`]; control characters are escaped either way.
pub fn for_terminal(diff: &RecordDiff, paint: Paint) -> String {
    if paint.colored() {
        painted(diff, paint)
    } else {
        printable(&to_text(diff)).into_owned()
    }
}

/// The diff's lines with each piece painted in its style's tone, control characters escaped.
fn painted(diff: &RecordDiff, paint: Paint) -> String {
    let mut out = String::new();
    for line in lines(diff) {
        for (style, text) in line {
            let text = printable(&text).into_owned();
            match style.tone() {
                None => out.push_str(&text),
                Some(tone) => out.push_str(&paint.paint(tone, &text)),
            }
        }
        out.push('\n');
    }
    out
}

/// Markdown: a heading and a bullet per change, deletions struck through, insertions bold.
pub fn to_markdown(diff: &RecordDiff) -> String {
    let mut out = format!(
        "### {} → {}\n\n",
        crate::markdown::escape(&diff.from),
        crate::markdown::escape(&diff.to)
    );
    if diff.changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    for change in &diff.changes {
        let label = crate::markdown::escape(&line_label(change));
        let body = match (change.op, &change.words) {
            (Op::Changed, Some(words)) => md_words(words),
            (Op::Changed, None) => format!(
                "~~{}~~ → **{}**",
                crate::markdown::escape(&show(change.before.as_ref())),
                crate::markdown::escape(&show(change.after.as_ref()))
            ),
            (Op::Added, _) => format!(
                "added: **{}**",
                crate::markdown::escape(&show(change.after.as_ref()))
            ),
            (Op::Removed, _) => format!(
                "removed: ~~{}~~",
                crate::markdown::escape(&show(change.before.as_ref()))
            ),
        };
        out.push_str(&format!("- **{label}**: {body}\n"));
    }
    out
}

fn md_words(words: &[Segment]) -> String {
    words
        .iter()
        .map(|s| {
            let text = crate::markdown::escape(&one_line(&s.text));
            let trimmed = text.trim();
            if trimmed.is_empty() {
                return text;
            }
            match s.kind {
                SegmentKind::Same => text,
                SegmentKind::Added => text.replace(trimmed, &format!("**{trimmed}**")),
                SegmentKind::Removed => text.replace(trimmed, &format!("~~{trimmed}~~")),
            }
        })
        .collect()
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

/// A JSON value as a short readable string.
fn show(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(s)) => one_line(s),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| show(Some(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Object(obj)) => summary(obj),
        Some(other) => other.to_string(),
    }
}

/// A table (a goal, a service, an issue) in one line.
fn summary(obj: &serde_json::Map<String, Value>) -> String {
    let get = |k: &str| obj.get(k).and_then(Value::as_str);
    if let (Some(name), Some(minutes), Some(per)) = (get("name"), obj.get("minutes"), get("per")) {
        let per = per.parse::<crate::record::Per>().ok();
        let minutes = minutes.as_u64().and_then(|m| u32::try_from(m).ok());
        if let (Some(m), Some(p)) = (minutes, per) {
            let _ = name;
            return super::iep::describe_minutes(m, p);
        }
    }
    if let Some(text) = get("text") {
        return one_line(text);
    }
    obj.iter()
        .map(|(k, v)| format!("{k} = {}", show(Some(v))))
        .collect::<Vec<_>>()
        .join("; ")
}

//! Word-level diffs of long prose (present levels, parent concerns, goal text).

use similar::{Algorithm, ChangeTag};

/// How a piece of a word diff changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    Same,
    Added,
    Removed,
}

/// A run of text in a word diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub text: String,
}

/// The word-level diff of `old` and `new`, readable: a changed stretch of words shows as one
/// removal followed by one addition, not word by word.
pub fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    let raw: Vec<(SegmentKind, &str)> = similar::utils::diff_words(Algorithm::Myers, old, new)
        .into_iter()
        .map(|(tag, text)| {
            let kind = match tag {
                ChangeTag::Equal => SegmentKind::Same,
                ChangeTag::Insert => SegmentKind::Added,
                ChangeTag::Delete => SegmentKind::Removed,
            };
            (kind, text)
        })
        .collect();
    let mut out: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i].0 == SegmentKind::Same {
            push(&mut out, SegmentKind::Same, raw[i].1);
            i += 1;
            continue;
        }
        // A stretch of changes, with the white space between them, up to the next real word
        // both sides share.
        let mut end = i;
        while end < raw.len()
            && (raw[end].0 != SegmentKind::Same
                || (raw[end].1.trim().is_empty()
                    && raw.get(end + 1).is_some_and(|n| n.0 != SegmentKind::Same)))
        {
            end += 1;
        }
        let (mut removed, mut added) = (String::new(), String::new());
        for (kind, text) in &raw[i..end] {
            match kind {
                SegmentKind::Removed => removed.push_str(text),
                SegmentKind::Added => added.push_str(text),
                SegmentKind::Same => {
                    removed.push_str(text);
                    added.push_str(text);
                }
            }
        }
        push(&mut out, SegmentKind::Removed, &removed);
        push(&mut out, SegmentKind::Added, &added);
        i = end;
    }
    out.retain(|s| !s.text.is_empty());
    out
}

fn push(out: &mut Vec<Segment>, kind: SegmentKind, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => out.push(Segment {
            kind,
            text: text.to_owned(),
        }),
    }
}

/// Whether a word diff helps: when most words changed, before and after read better whole.
pub fn worth_word_diff(old: &str, new: &str) -> bool {
    similarity(old, new) >= 0.5
}

/// How alike two texts are, word by word, from 0 (nothing shared) to 1 (equal).
pub fn similarity(a: &str, b: &str) -> f32 {
    similar::TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_words(a, b)
        .ratio()
}

/// Whether a text is long enough to show as a word diff rather than before and after.
pub fn is_prose(text: &str) -> bool {
    text.contains('\n') || text.chars().count() > 80
}

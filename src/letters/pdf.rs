//! A letter as a typeset PDF: the Markdown letter split into paragraphs, lists and bold runs,
//! handed to Typst as data (never as markup), with fonts from the binary.

use serde_json::{Value, json};

use crate::record::Date;

const TEMPLATE: &str = include_str!("letter.typ");

/// Typesets `markdown` (a rendered letter); the same letter gives the same bytes.
pub fn letter_pdf(
    markdown: &str,
    title: &str,
    author: &str,
    date: Date,
) -> Result<Vec<u8>, crate::bundle::BundleError> {
    let data = json!({ "title": title, "author": author, "blocks": blocks(markdown) });
    let bytes = serde_json::to_vec(&data).expect("JSON values serialize");
    let ident = format!("iepcase-letter-{title}-{date}");
    crate::bundle::pdf::typeset(TEMPLATE, bytes, &ident, date.utc_seconds_at(12))
}

/// Paragraphs (blank-line separated), `- ` and `1. ` lists, `#` headings; `\` at a line's end
/// is a line break, other line ends are spaces.
fn blocks(markdown: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for chunk in markdown
        .split("\n\n")
        .map(|c| c.trim_matches('\n'))
        .filter(|c| !c.trim().is_empty())
    {
        let lines: Vec<&str> = chunk.lines().collect();
        let bullet = |l: &str| l.strip_prefix("- ").map(str::to_owned);
        let number = |l: &str| {
            let (n, rest) = l.split_once(". ")?;
            n.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| rest.to_owned())
        };
        if let Some(items) = list_items(&lines, bullet) {
            out.push(json!({ "kind": "bullets", "items": items.iter().map(|i| spans(i)).collect::<Vec<_>>() }));
        } else if let Some(items) = list_items(&lines, number) {
            out.push(json!({ "kind": "numbers", "items": items.iter().map(|i| spans(i)).collect::<Vec<_>>() }));
        } else if let Some(heading) = chunk.strip_prefix('#') {
            out.push(json!({ "kind": "heading", "lines": [spans(heading.trim_start_matches('#').trim())] }));
        } else {
            out.push(json!({ "kind": "paragraph", "lines": paragraph_lines(&lines) }));
        }
    }
    out
}

/// The items of a list whose every item starts with a marker; continuation lines join the
/// item before them.
fn list_items(lines: &[&str], marker: impl Fn(&str) -> Option<String>) -> Option<Vec<String>> {
    let mut items: Vec<String> = Vec::new();
    for line in lines {
        match marker(line) {
            Some(item) => items.push(item),
            None if !items.is_empty() && line.starts_with(' ') => {
                let last = items.last_mut().expect("checked not empty");
                last.push(' ');
                last.push_str(line.trim());
            }
            None => return None,
        }
    }
    (!items.is_empty()).then_some(items)
}

fn paragraph_lines(lines: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in lines {
        let (text, hard_break) = match line.strip_suffix('\\') {
            Some(text) => (text, true),
            None => (*line, false),
        };
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(text.trim());
        if hard_break {
            out.push(spans(&current));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(spans(&current));
    }
    out
}

/// Text split into runs, `**bold**` marked.
fn spans(text: &str) -> Value {
    let runs: Vec<Value> = text
        .split("**")
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| json!({ "text": t.replace('\\', ""), "bold": i % 2 == 1 }))
        .collect();
    Value::Array(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_typeset() {
        // The letter template once named its loop variable `block`, hiding Typst's `block`
        // function, so any heading failed to typeset.
        let date = Date::new(2026, 11, 28).unwrap();
        let pdf = letter_pdf(
            "# Before the meeting\n\n## 1. Drafts\n\nDone.\n",
            "t",
            "a",
            date,
        );
        assert!(pdf.is_ok_and(|bytes| bytes.starts_with(b"%PDF")));
    }

    #[test]
    fn markdown_becomes_blocks() {
        let md = "Dear team,\n\nPlease include:\n\n1. a description;\n2. an explanation\n   that wraps.\n\n- one\n- two\n\n**Bold** start and end.\n\nSincerely,\n\nPat\\\nAdvocate\n";
        let b = blocks(md);
        assert_eq!(b[0]["kind"], "paragraph");
        assert_eq!(b[2]["kind"], "numbers");
        assert_eq!(b[2]["items"][1][0]["text"], "an explanation that wraps.");
        assert_eq!(b[3]["kind"], "bullets");
        assert_eq!(b[4]["lines"][0][0], json!({"text": "Bold", "bold": true}));
        assert_eq!(
            b[6]["lines"].as_array().unwrap().len(),
            2,
            "a hard line break"
        );
    }
}

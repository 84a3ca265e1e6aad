//! A rendered letter's Markdown as typed blocks (letterhead, date, addressee, subject, body
//! paragraphs and lists, closing, signature, copies), which the PDF, Word and plain-text
//! outputs each set in their own way.
//!
//! The parts iepcase writes itself (the letterhead, the delivery line, the signature block) are
//! recognised by their text; the rest by the shape every letter has: a date line, `To:` and
//! `From:` lines, a `Re:` subject. A template of one's own that leaves them out is set as plain
//! paragraphs.

use serde::Serialize;

use super::LetterInput;
use super::context::long_date;

/// What a block of a letter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    Letterhead,
    Date,
    Delivery,
    /// `To:` and `From:` lines.
    Address,
    /// The `Re:` line and its authority.
    Subject,
    Heading,
    Paragraph,
    Bullets,
    Numbers,
    /// "Sincerely,": the paragraph before the signature.
    Closing,
    Signature,
    /// The line an advocate signing for the parent adds.
    Release,
    Copies,
}

/// A run of text, bold or not.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    pub text: String,
    pub bold: bool,
}

/// A block: its lines (hard line breaks between them), or for a list its items.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    pub kind: Part,
    pub lines: Vec<Vec<Span>>,
}

impl Block {
    /// A line's text without its bold marks.
    pub fn line_text(line: &[Span]) -> String {
        line.iter().map(|s| s.text.as_str()).collect()
    }
}

/// The parts of a letter iepcase writes, to recognise them in the Markdown.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub letterhead: Option<String>,
    pub date: Option<String>,
    pub delivery: Option<String>,
    pub signature: Option<String>,
    pub release: Option<String>,
    pub copies: Option<String>,
}

impl Frame {
    /// The frame of a letter written from `input`.
    pub fn of(input: &LetterInput<'_>) -> Frame {
        let cc = input.signing.cc_lines();
        Frame {
            letterhead: input.signing.letterhead(),
            date: long_date(&input.date.to_string()),
            delivery: input.delivery(),
            signature: Some(input.signing.signature_lines().join("\\\n")),
            release: input.signing.release_line(),
            copies: (!cc.is_empty()).then(|| cc.join("\\\n")),
        }
    }

    fn part(&self, chunk: &str) -> Option<Part> {
        let is = |text: &Option<String>| text.as_deref() == Some(chunk);
        if is(&self.letterhead) {
            Some(Part::Letterhead)
        } else if is(&self.date) {
            Some(Part::Date)
        } else if is(&self.delivery) {
            Some(Part::Delivery)
        } else if is(&self.signature) {
            Some(Part::Signature)
        } else if is(&self.release) {
            Some(Part::Release)
        } else if is(&self.copies) || chunk.lines().all(|l| l.starts_with("cc: ")) {
            Some(Part::Copies)
        } else if chunk.starts_with("To: ") || chunk.starts_with("From: ") {
            Some(Part::Address)
        } else if chunk.starts_with("Re: ") {
            Some(Part::Subject)
        } else {
            None
        }
    }
}

/// The blocks of `markdown`: paragraphs (blank-line separated), `- ` and `1. ` lists, `#`
/// headings; `\` at a line's end is a line break, other line ends are spaces.
pub fn blocks(markdown: &str, frame: &Frame) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for chunk in markdown
        .split("\n\n")
        .map(|c| c.trim_matches('\n'))
        .filter(|c| !c.trim().is_empty())
    {
        let lines: Vec<&str> = chunk.lines().collect();
        let bullet = |l: &str| l.strip_prefix("- ").map(str::to_owned);
        let number = |l: &str| {
            let (n, rest) = l.split_once(". ")?;
            (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then(|| rest.to_owned())
        };
        let block = if let Some(kind) = frame.part(chunk) {
            if kind == Part::Signature
                && let Some(last) = out.last_mut()
                && last.kind == Part::Paragraph
            {
                last.kind = Part::Closing;
            }
            Block {
                kind,
                lines: paragraph_lines(&lines),
            }
        } else if let Some(items) = list_items(&lines, bullet) {
            Block {
                kind: Part::Bullets,
                lines: items.iter().map(|i| spans(i)).collect(),
            }
        } else if let Some(items) = list_items(&lines, number) {
            Block {
                kind: Part::Numbers,
                lines: items.iter().map(|i| spans(i)).collect(),
            }
        } else if let Some(heading) = chunk.strip_prefix('#') {
            Block {
                kind: Part::Heading,
                lines: vec![spans(heading.trim_start_matches('#').trim())],
            }
        } else {
            Block {
                kind: Part::Paragraph,
                lines: paragraph_lines(&lines),
            }
        };
        out.push(block);
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

fn paragraph_lines(lines: &[&str]) -> Vec<Vec<Span>> {
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

/// Text split into runs, `**bold**` marked; no backslash of Markdown is left.
fn spans(text: &str) -> Vec<Span> {
    text.split("**")
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Span {
            text: t.replace('\\', ""),
            bold: i % 2 == 1,
        })
        .collect()
}

/// The letter as plain text: no Markdown marks, paragraphs wrapped at `width` columns, list
/// items with a hanging indent.
pub fn plain_text(blocks: &[Block], width: usize) -> String {
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block.kind {
            Part::Bullets | Part::Numbers => {
                for (i, item) in block.lines.iter().enumerate() {
                    let marker = match block.kind {
                        Part::Bullets => "- ".to_owned(),
                        _ => format!("{}. ", i + 1),
                    };
                    wrap_into(&mut out, &Block::line_text(item), width, &marker);
                }
            }
            Part::Heading => {
                for line in &block.lines {
                    wrap_into(&mut out, &Block::line_text(line).to_uppercase(), width, "");
                }
            }
            _ => {
                for line in &block.lines {
                    wrap_into(&mut out, &Block::line_text(line), width, "");
                }
            }
        }
    }
    out
}

/// The words of `text` as a line may be broken between them: a citation or a time is one
/// word ("34 CFR 300.322(a)", "§ 37-23-31", "9:00 a.m."), as in the letter's PDF.
pub fn unbreakable_words(text: &str) -> Vec<String> {
    unbreakable_spans(text)
        .into_iter()
        .map(|span| text[span].split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// `text` with the spaces inside a citation or a time made non-breaking, so that a word
/// processor keeps each on one line; every other character stays as it was.
pub fn with_unbreakable_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for span in unbreakable_spans(text) {
        out.push_str(&text[copied..span.start]);
        let mut in_space = false;
        for c in text[span.clone()].chars() {
            match (c.is_whitespace(), in_space) {
                (true, false) => out.push('\u{a0}'),
                (true, true) => {}
                (false, _) => out.push(c),
            }
            in_space = c.is_whitespace();
        }
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Where each unbreakable word of `text` lies ([`unbreakable_words`]).
fn unbreakable_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                tokens.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    let word = |i: usize| tokens.get(i).map_or("", |&(_, t)| t);
    let digit_start = |t: &str| t.starts_with(|c: char| c.is_ascii_digit());
    let number = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let clock = |t: &str| {
        let (h, m) = t.split_once(':').unwrap_or_default();
        (1..=2).contains(&h.len()) && number(h) && m.len() == 2 && number(m)
    };
    let meridiem = |t: &str| t.starts_with("a.m.") || t.starts_with("p.m.");
    let mut spans = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        // An opening bracket or quotation mark before a citation does not change it.
        let t = word(i).trim_start_matches(['(', '[', '"', '“']);
        let (next, after) = (word(i + 1), word(i + 2));
        let take = if number(t) && (next == "CFR" || next == "U.S.C.") {
            if digit_start(after) { 3 } else { 2 }
        } else if (t == "§" || t == "§§") && digit_start(next) || clock(t) && meridiem(next) {
            2
        } else {
            1
        };
        let last = (i + take).min(tokens.len()) - 1;
        let (end_start, end_word) = tokens[last];
        spans.push(tokens[i].0..end_start + end_word.len());
        i = last + 1;
    }
    spans
}

/// Appends `text` wrapped at `width`, the first line after `marker`, the others indented to
/// line up with it.
fn wrap_into(out: &mut String, text: &str, width: usize, marker: &str) {
    use unicode_width::UnicodeWidthStr;
    let indent = " ".repeat(marker.width());
    let mut line = marker.to_owned();
    let mut empty = true;
    for word in unbreakable_words(text) {
        let word = word.as_str();
        if !empty && line.width() + 1 + word.width() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_blocks() {
        let md = "Dear team,\n\nPlease include:\n\n1. a description;\n2. an explanation\n   that wraps.\n\n- one\n- two\n\n**Bold** start and end.\n\nSincerely,\n\nPat\\\nAdvocate\n";
        let frame = Frame {
            signature: Some("Pat\\\nAdvocate".into()),
            ..Frame::default()
        };
        let b = blocks(md, &frame);
        assert_eq!(b[0].kind, Part::Paragraph);
        assert_eq!(b[2].kind, Part::Numbers);
        assert_eq!(
            Block::line_text(&b[2].lines[1]),
            "an explanation that wraps."
        );
        assert_eq!(b[3].kind, Part::Bullets);
        assert_eq!(
            b[4].lines[0][0],
            Span {
                text: "Bold".into(),
                bold: true
            }
        );
        assert_eq!(b[5].kind, Part::Closing);
        assert_eq!(b[6].kind, Part::Signature);
        assert_eq!(b[6].lines.len(), 2, "a hard line break");
    }

    #[test]
    fn plain_text_has_no_markdown_and_fits_72_columns() {
        let md = "Re: A subject\\\nAuthority: 34 CFR 300.503\n\n**1. Statement (300.153(b)(1)).** The district has violated requirements of Part B of the Individuals with Disabilities Education Act.\n\n1. a first item that is long enough to wrap past the seventy-two column limit of plain text\n\nPat\\\nAdvocate\n";
        let text = plain_text(&blocks(md, &Frame::default()), 72);
        assert!(
            !text.contains("**") && !text.contains('\\') && !text.contains('#'),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 72), "{text}");
        assert!(
            text.contains("Re: A subject\nAuthority: 34 CFR 300.503\n"),
            "{text}"
        );
        assert!(
            text.contains("column\n   limit of plain text"),
            "a hanging indent: {text}"
        );
        assert!(text.ends_with("Pat\nAdvocate\n"), "{text}");
    }

    #[test]
    fn a_citation_or_a_time_is_never_broken_across_lines() {
        assert_eq!(
            unbreakable_words(
                "under 34 CFR 300.322(a), at 9:00 a.m., § 37-23-31 and 20 U.S.C. 1415. \
                 (34 CFR 300.304(c)(4)) (§ 1)"
            ),
            [
                "under",
                "34 CFR 300.322(a),",
                "at",
                "9:00 a.m.,",
                "§ 37-23-31",
                "and",
                "20 U.S.C. 1415.",
                "(34 CFR 300.304(c)(4))",
                "(§ 1)"
            ]
        );
        assert_eq!(unbreakable_words("34 CFR"), ["34 CFR"]);
        assert_eq!(unbreakable_words("room 9:00"), ["room", "9:00"]);
        assert_eq!(
            with_unbreakable_spaces(" as 34 CFR 300.503(b) requires "),
            " as 34\u{a0}CFR\u{a0}300.503(b) requires "
        );
        assert_eq!(with_unbreakable_spaces("plain words "), "plain words ");
        assert_eq!(
            with_unbreakable_spaces("two  spaces\tand 34  CFR 1"),
            "two  spaces\tand 34\u{a0}CFR\u{a0}1",
            "only the spaces inside a citation change"
        );
        // Wherever the width falls, each stays whole on one line.
        let text = "The meeting on December 8, 2026 at 9:00 a.m. must follow 34 CFR 300.322(a) and § 37-23-31 of the state code.";
        for width in 20..=72 {
            let blocks = vec![Block {
                kind: Part::Paragraph,
                lines: vec![vec![Span {
                    text: text.into(),
                    bold: false,
                }]],
            }];
            let plain = plain_text(&blocks, width);
            for whole in ["9:00 a.m.", "34 CFR 300.322(a)", "§ 37-23-31"] {
                assert!(
                    plain.lines().any(|l| l.contains(whole)),
                    "width {width}: {whole:?} broken:\n{plain}"
                );
            }
        }
    }
}

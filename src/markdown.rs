//! Markdown that iepcase writes (letters, diffs, the timeline, a bundle's index): user text
//! escaped so it is shown and never read as markup, and hard line breaks no reader sees.

/// The characters Markdown may read as markup.
const SPECIAL: &str = "\\`*_[]<>#|~";

/// Escapes Markdown so record text is shown, never interpreted.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if SPECIAL.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`escape`] on one line, as a table cell or a list item needs: line breaks become spaces.
pub fn escape_inline(text: &str) -> String {
    escape(text).replace('\n', " ")
}

/// Markdown's hard line break written with a backslash at the end of a line, written instead
/// with two trailing spaces, Markdown's other way: the backslash is markup a reader should
/// never see (`District\`), the spaces are invisible.
pub fn invisible_hard_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        match hard_break(body) {
            Some(kept) => {
                out.push_str(kept.trim_end());
                out.push_str("  ");
            }
            None => out.push_str(body),
        }
        out.push_str(newline);
    }
    out
}

/// The line without its Markdown hard break (a backslash, or two spaces, at its end), if it
/// ends with one. An even run of backslashes is escaped backslashes, not a break.
pub(crate) fn hard_break(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.ends_with("  ") && !line.trim().is_empty() {
        return Some(line.trim_end());
    }
    let trailing = line.len() - line.trim_end_matches('\\').len();
    (trailing % 2 == 1).then(|| &line[..line.len() - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_user_text_is_shown_as_written() {
        assert_eq!(escape_inline("a|b [c](d)"), "a\\|b \\[c\\](d)");
        assert_eq!(
            escape("*bold* ~~gone~~ <b>"),
            "\\*bold\\* \\~\\~gone\\~\\~ \\<b\\>"
        );
        assert_eq!(escape_inline("two\nlines"), "two lines");
        assert_eq!(escape("two\nlines"), "two\nlines");
    }
}

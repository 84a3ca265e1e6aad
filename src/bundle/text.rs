//! Small text helpers shared by the renderers: human names for enum values, prose split into
//! paragraphs, control characters removed, and safe file names.

/// Words written in capitals wherever an enum value shows them.
const ACRONYMS: &[&str] = &[
    "iep", "pwn", "iee", "iss", "oss", "iaes", "fba", "esy", "lre", "slp", "ot", "mde", "sld",
    "fape", "bip", "ard",
];

/// `due-process` → `Due process`, `iep-meeting` → `IEP meeting`.
pub fn humanize(value: &str) -> String {
    value
        .split('-')
        .enumerate()
        .map(|(i, word)| {
            if ACRONYMS.contains(&word) {
                word.to_ascii_uppercase()
            } else if i == 0 {
                let mut chars = word.chars();
                chars.next().map_or(String::new(), |c| {
                    c.to_uppercase().chain(chars).collect::<String>()
                })
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `yes` or `no`.
pub fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

/// Removes control characters (keeping newlines), turns tabs into spaces and CRLF into LF.
pub fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// Whether a line starts a list item (`- `, `* `, `• `, `1. `, `2) `).
fn starts_item(line: &str) -> bool {
    if ["- ", "* ", "• "].iter().any(|m| line.starts_with(m)) {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
}

/// Splits prose into paragraphs of lines: blank lines separate paragraphs, list items start
/// a line of their own, and other line breaks (hard wrapping) become spaces.
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let text = clean(text);
    let mut out: Vec<Vec<String>> = Vec::new();
    for block in text.split("\n\n") {
        let mut lines: Vec<String> = Vec::new();
        // After a Markdown hard break (`District\`), the next line starts a line of its own.
        let mut broken = false;
        for raw in block.lines() {
            let ends_line = crate::markdown::hard_break(raw);
            let line = ends_line.unwrap_or(raw).trim();
            let after_break = std::mem::replace(&mut broken, ends_line.is_some());
            if line.is_empty() {
                continue;
            }
            let indented = raw.starts_with(' ');
            match lines.last_mut() {
                Some(last)
                    if !after_break && !starts_item(line) && (indented || !starts_item(last)) =>
                {
                    last.push(' ');
                    last.push_str(line);
                }
                _ => lines.push(line.to_owned()),
            }
        }
        if !lines.is_empty() {
            out.push(lines);
        }
    }
    out
}

/// A file name safe on every system: the last path component of `name`, with anything but
/// letters, digits, `.`, `_` and `-` turned into `-`, at most 80 characters.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut out = String::new();
    for c in base.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.replace("-.", ".");
    let mut safe = out
        .trim_start_matches(['.', '-'])
        .trim_end_matches('-')
        .to_owned();
    if safe.len() > 80 {
        let ext = safe
            .rsplit_once('.')
            .map(|(_, e)| e.to_owned())
            .filter(|e| e.len() <= 8)
            .unwrap_or_default();
        safe.truncate(80 - ext.len() - 1);
        safe = format!("{}.{ext}", safe.trim_end_matches(['.', '-']));
    }
    if safe.is_empty() {
        "attachment".into()
    } else {
        safe
    }
}

/// A byte count as people read it.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_read_as_words() {
        assert_eq!(humanize("due-process"), "Due process");
        assert_eq!(humanize("iep-meeting"), "IEP meeting");
        assert_eq!(humanize("facilitated-iep"), "Facilitated IEP");
        assert_eq!(humanize("iss"), "ISS");
        // An [extra] key's acronyms too: `sld_areas` labels its value "SLD areas".
        assert_eq!(humanize("sld-areas"), "SLD areas");
        assert_eq!(humanize("fape-denied"), "FAPE denied");
    }

    #[test]
    fn prose_keeps_paragraphs_and_list_items_and_rejoins_wrapped_lines() {
        let text = "First line\nwrapped here.\n\n- item one\n  continues\n- item two\n\nEnd.";
        assert_eq!(
            paragraphs(text),
            vec![
                vec!["First line wrapped here.".to_owned()],
                vec!["- item one continues".to_owned(), "- item two".to_owned()],
                vec!["End.".to_owned()],
            ]
        );
        assert_eq!(paragraphs("a\u{7}b\r\nc"), vec![vec!["ab c".to_owned()]]);
    }

    #[test]
    fn markdown_hard_breaks_are_line_breaks_without_their_backslash() {
        let letter = "Ms. Jones\\\nDirector\\\nHarbor District\n\nDear Ms. Jones,\nthanks.";
        assert_eq!(
            paragraphs(letter),
            vec![
                vec![
                    "Ms. Jones".to_owned(),
                    "Director".to_owned(),
                    "Harbor District".to_owned()
                ],
                vec!["Dear Ms. Jones, thanks.".to_owned()],
            ]
        );
        assert_eq!(
            crate::markdown::invisible_hard_breaks("a\\\nb\\\\\nc\\"),
            "a  \nb\\\\\nc  "
        );
        assert_eq!(
            paragraphs("A  \nB\nC"),
            vec![vec!["A".to_owned(), "B C".to_owned()]]
        );
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(
            safe_file_name("../x/Meeting audio (1).wav"),
            "Meeting-audio-1.wav"
        );
        assert_eq!(safe_file_name("..."), "attachment");
        assert_eq!(safe_file_name("a\\b\\c.eml"), "c.eml");
        let long = format!("{}.pdf", "x".repeat(200));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= 80 && safe.ends_with(".pdf"), "{safe}");
    }
}

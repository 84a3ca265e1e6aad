//! Text for people to read: the tones output is coloured in, tables laid out to fit a
//! width, and text made safe to print on a terminal. Nothing here writes anywhere; the
//! command line decides where text goes and whether colour is wanted.

mod table;

use std::borrow::Cow;

use anstyle::{AnsiColor, Style};

pub use table::Table;

/// What a piece of text is, for the colour it is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    /// A title or the word that matters most: bold.
    Strong,
    /// Ids, commit hashes, citations and other reference text: dimmed.
    Dim,
    /// A search match: bold and underlined.
    Match,
    /// Done, added, in time: green.
    Good,
    /// To do soon, a warning: yellow.
    Caution,
    /// Late, an error: red.
    Bad,
    /// Text taken out: red and struck through.
    Removed,
    /// Not needed: grey.
    Quiet,
    /// A field's label: cyan.
    Label,
    /// An error's group heading: bold red.
    Alarm,
    /// A warning's group heading: bold yellow.
    Alert,
    /// A notice's group heading: bold cyan.
    Notice,
}

impl Tone {
    /// The terminal style of the tone.
    pub fn style(self) -> Style {
        match self {
            Tone::Strong => Style::new().bold(),
            Tone::Dim => Style::new().dimmed(),
            Tone::Match => Style::new().bold().underline(),
            Tone::Good => AnsiColor::Green.on_default(),
            Tone::Caution => AnsiColor::Yellow.on_default(),
            Tone::Bad => AnsiColor::Red.on_default(),
            Tone::Removed => AnsiColor::Red.on_default().strikethrough(),
            Tone::Quiet => AnsiColor::BrightBlack.on_default(),
            Tone::Label => AnsiColor::Cyan.on_default(),
            Tone::Alarm => AnsiColor::Red.on_default().bold(),
            Tone::Alert => AnsiColor::Yellow.on_default().bold(),
            Tone::Notice => AnsiColor::Cyan.on_default().bold(),
        }
    }
}

/// Whether text is coloured: a renderer takes one and paints through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paint {
    color: bool,
}

impl Paint {
    /// Colours when `color`, else leaves text as it is.
    pub fn new(color: bool) -> Paint {
        Paint { color }
    }

    /// Plain text, for files and pipes.
    pub fn plain() -> Paint {
        Paint { color: false }
    }

    /// Whether text is coloured.
    pub fn colored(self) -> bool {
        self.color
    }

    /// `text` in `tone`, or as it is without colour.
    pub fn paint(self, tone: Tone, text: &str) -> String {
        if self.color {
            let style = tone.style();
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }
}

/// Text safe to print on a terminal: control characters (which could move the cursor or
/// change colours) are shown as `\u{1b}`-style escapes; new lines and tabs are kept.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Lays out rows in aligned columns, whatever the width; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut table = Table::new(header);
    for row in rows {
        table.row(row.clone());
    }
    table.render(None, Paint::plain())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_added_only_when_asked_for() {
        assert_eq!(Paint::plain().paint(Tone::Bad, "late"), "late");
        assert_eq!(
            Paint::new(true).paint(Tone::Bad, "late"),
            "\u{1b}[31mlate\u{1b}[0m"
        );
    }

    #[test]
    fn control_characters_are_escaped_and_lines_kept() {
        assert_eq!(printable("a\u{1b}[2Jb\nc\td"), "a\\u{1b}[2Jb\nc\td");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
    }
}

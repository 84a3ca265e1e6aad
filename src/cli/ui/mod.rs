//! All terminal output: data on stdout, status, warnings and hints on stderr, colour, tables
//! and JSON. A closed stdout (`iepcase list | head`) ends the command quietly.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use super::error::{CliError, Exit};

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// The terminal.
pub struct Ui {
    color_out: bool,
    color_err: bool,
    pub json: bool,
}

/// A write to stdout failed because the reader went away: exit quietly.
pub fn broken_pipe() -> CliError {
    CliError {
        exit: Exit::Ok,
        ..CliError::user("")
    }
}

fn out_error(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        broken_pipe()
    } else {
        CliError::user(format!("cannot write output: {e}"))
    }
}

impl Ui {
    /// Sets up colour from `--color`, `NO_COLOR` and whether the streams are terminals.
    pub fn new(color: ColorWhen, json: bool, no_color_env: bool) -> Ui {
        let decide = |tty: bool| match color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => tty && !no_color_env,
        };
        Ui {
            color_out: decide(io::stdout().is_terminal()),
            color_err: decide(io::stderr().is_terminal()),
            json,
        }
    }

    /// Whether stdout gets colour.
    pub fn colored(&self) -> bool {
        self.color_out
    }

    /// Writes data to stdout.
    pub fn out(&self, text: &str) -> Result<(), CliError> {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
            .map_err(out_error)
    }

    /// Writes a line of data to stdout.
    pub fn line(&self, text: &str) -> Result<(), CliError> {
        self.out(&format!("{text}\n"))
    }

    /// Writes `value` as pretty JSON to stdout.
    pub fn json(&self, value: &serde_json::Value) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(value).expect("JSON values serialize");
        self.line(&text)
    }

    /// Styles `text` for stdout.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.color_out {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    fn paint_err(&self, style: Style, text: &str) -> String {
        if self.color_err {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    fn err(&self, text: &str) {
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
    }

    /// A status line on stderr ("Added request k3f9a2bq7x").
    pub fn status(&self, text: &str) {
        self.err(&format!("{text}\n"));
    }

    /// A warning on stderr.
    pub fn warn(&self, text: &str) {
        let label = self.paint_err(AnsiColor::Yellow.on_default().bold(), "warning");
        self.err(&format!("{label}: {text}\n"));
    }

    /// A hint on stderr, usually the next command to run.
    pub fn hint(&self, text: &str) {
        let label = self.paint_err(AnsiColor::Cyan.on_default().bold(), "hint");
        self.err(&format!("{label}: {text}\n"));
    }

    /// Prints an error on stderr.
    pub fn error(&self, error: &CliError) {
        let text = super::error::render(error);
        if self.color_err {
            let styled = text
                .replacen(
                    "error:",
                    &self.paint_err(AnsiColor::Red.on_default().bold(), "error:"),
                    1,
                )
                .replace(
                    "\nhint:",
                    &format!(
                        "\n{}",
                        self.paint_err(AnsiColor::Cyan.on_default().bold(), "hint:")
                    ),
                );
            self.err(&styled);
        } else {
            self.err(&text);
        }
    }
}

/// Text safe to print on a terminal: control characters (which could move the cursor or
/// change colours) are shown as `\u{1b}`-style escapes; new lines and tabs are kept.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Lays out rows in aligned columns; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| printable(cell).replace(['\n', '\t'], " "))
                .collect()
        })
        .collect();
    let rows = &rows;
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: Vec<&str>| {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(header.to_vec());
    for row in rows {
        push_row(row.iter().map(String::as_str).collect());
    }
    out
}

/// Style for headers and ids.
pub fn dim() -> Style {
    Style::new().dimmed()
}

//! All terminal output: data on stdout (through a pager when it is long and stdout is a
//! terminal), status, warnings, hints and progress on stderr, colour, tables that fit the
//! terminal, and JSON. A closed stdout (`iepcase list | head`) ends the command quietly.

mod pager;
mod progress;

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};

use iepcase::text::{Paint, Tone};

use super::error::{CliError, Exit};
pub use iepcase::text::{printable, table};
pub use progress::Progress;

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What the terminal is and what the user asked of it, read once.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub color: ColorWhen,
    pub json: bool,
    /// `NO_COLOR` is set (and not empty).
    pub no_color_env: bool,
    /// `--no-pager`.
    pub no_pager: bool,
}

/// The terminal.
pub struct Ui {
    color_out: bool,
    color_err: bool,
    pub json: bool,
    /// The width tables fit in: `COLUMNS`, else the terminal's; none when not a terminal.
    width: Option<usize>,
    /// The terminal's height, when stdout is a terminal and paging is allowed.
    page_height: Option<usize>,
    pager: RefCell<Option<pager::Pager>>,
    progress_allowed: bool,
    stdout_tty: bool,
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
    /// Sets up colour from `--color` and `NO_COLOR`, table width from `COLUMNS` and the
    /// terminal, and paging from `--no-pager`, depending on which streams are terminals.
    pub fn new(settings: Settings) -> Ui {
        let decide = |tty: bool| match settings.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => tty && !settings.no_color_env,
        };
        let stdout_tty = io::stdout().is_terminal();
        let size = if stdout_tty {
            terminal_size::terminal_size_of(io::stdout())
        } else {
            None
        };
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0);
        Ui {
            color_out: decide(stdout_tty),
            color_err: decide(io::stderr().is_terminal()),
            json: settings.json,
            width: columns.or(size.map(|(w, _)| usize::from(w.0))),
            page_height: size
                .filter(|_| !settings.no_pager)
                .map(|(_, h)| usize::from(h.0)),
            pager: RefCell::new(None),
            progress_allowed: io::stderr().is_terminal() && !settings.json,
            stdout_tty,
        }
    }

    /// How text for stdout is painted.
    pub fn painter(&self) -> Paint {
        Paint::new(self.color_out)
    }

    /// The width tables and wrapped text fit in, if any.
    pub fn width(&self) -> Option<usize> {
        self.width
    }

    /// Writes data to stdout, starting the pager when the text is longer than the screen.
    pub fn out(&self, text: &str) -> Result<(), CliError> {
        let mut pager = self.pager.borrow_mut();
        if pager.is_none()
            && let Some(height) = self.page_height
            && text.lines().count() >= height
        {
            *pager = pager::Pager::start();
        }
        if let Some(pager) = pager.as_mut() {
            return pager.write(text.as_bytes()).map_err(out_error);
        }
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
            .map_err(out_error)
    }

    /// Whether stdout is a terminal (where a binary file must not go).
    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_tty
    }

    /// Writes bytes to stdout as they are, never through the pager (a file piped on).
    pub fn out_bytes(&self, bytes: &[u8]) -> Result<(), CliError> {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(bytes)
            .and_then(|_| stdout.flush())
            .map_err(out_error)
    }

    /// Starts the pager now, for output that is written in pieces and known to be long
    /// (the pager prints what fits one screen as is); only on a terminal, unless turned off.
    pub fn page(&self) {
        let mut pager = self.pager.borrow_mut();
        if pager.is_none() && self.page_height.is_some() {
            *pager = pager::Pager::start();
        }
    }

    /// Waits for the pager, if one was started, to be closed.
    pub fn finish(&self) {
        if let Some(mut pager) = self.pager.borrow_mut().take() {
            pager.finish();
        }
    }

    /// A progress bar on stderr (when it is a terminal and the output is not JSON).
    pub fn progress(&self, message: &str, total: u64, bytes: bool) -> Progress {
        if self.progress_allowed {
            Progress::bar(message, total, bytes)
        } else {
            Progress::hidden()
        }
    }

    /// A spinner on stderr (when it is a terminal and the output is not JSON).
    pub fn spinner(&self, message: &str) -> Progress {
        if self.progress_allowed {
            Progress::spinner(message)
        } else {
            Progress::hidden()
        }
    }

    /// Writes a line of data to stdout.
    pub fn line(&self, text: &str) -> Result<(), CliError> {
        self.out(&format!("{text}\n"))
    }

    /// Writes `value` as pretty JSON to stdout.
    pub fn json(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        // Views and reports hold strings, numbers and string-keyed maps only.
        let text = serde_json::to_string_pretty(value).expect("JSON documents serialize");
        self.line(&text)
    }

    fn paint_err(&self, tone: Tone, text: &str) -> String {
        Paint::new(self.color_err).paint(tone, text)
    }

    fn err(&self, text: &str) {
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
    }

    /// A status line on stderr ("Added request k3f9a2bq7x").
    pub fn status(&self, text: &str) {
        self.err(&format!("{}\n", printable(text)));
    }

    /// A warning on stderr.
    pub fn warn(&self, text: &str) {
        let label = self.paint_err(Tone::Alert, "warning");
        self.err(&format!("{label}: {}\n", printable(text)));
    }

    /// A hint on stderr, usually the next command to run.
    pub fn hint(&self, text: &str) {
        let label = self.paint_err(Tone::Notice, "hint");
        self.err(&format!("{label}: {}\n", printable(text)));
    }

    /// A use case's notice on stderr, as a status, warning or hint.
    pub fn notice(&self, notice: &iepcase::ops::Notice) {
        use iepcase::ops::Notice;
        match notice {
            Notice::Status(text) => self.status(text),
            Notice::Warning(text) => self.warn(text),
            Notice::Hint(text) => self.hint(text),
        }
    }

    /// A use case's notices on stderr, in order.
    pub fn notices(&self, notices: &[iepcase::ops::Notice]) {
        for notice in notices {
            self.notice(notice);
        }
    }

    /// Prints an error on stderr.
    pub fn error(&self, error: &CliError) {
        let text = super::error::render(error);
        if self.color_err {
            let styled = text
                .replacen("error:", &self.paint_err(Tone::Alarm, "error:"), 1)
                .replace(
                    "\nhint:",
                    &format!("\n{}", self.paint_err(Tone::Notice, "hint:")),
                );
            self.err(&styled);
        } else {
            self.err(&text);
        }
    }
}

//! `iepcase log [ID]`: the history of the case or of one record.

use clap::Args;
use iepcase::ops::history;
use iepcase::text::Paint;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only the history of this record
    #[arg(add = super::complete::record_ids())]
    pub id: Option<String>,
    /// Show what each commit changed in each record, field by field
    #[arg(short = 'p', long = "patch")]
    pub patch: bool,
}

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let id = match &args.id {
        None => None,
        Some(prefix) => Some(history::resolve(&case, prefix)?),
    };
    // Streamed newest first, so the first page shows at once even on years of history.
    let mut out = Output::new(ctx);
    let mut failed = None;
    case.walk_history(id.as_ref(), None, &mut |entry| {
        let text = if ctx.ui.json {
            history::entry_json(&case, &entry, args.patch)
        } else {
            history::entry_text(&case, &entry, args.patch, Paint::new(ctx.ui.colored()))
        };
        match out.push(text) {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    out.finish()
}

/// Output written in chunks as history is read: text lines, or the items of a JSON array
/// printed exactly as a whole array would be.
struct Output<'c> {
    ctx: &'c Ctx,
    buffer: String,
    entries: usize,
    flushed: bool,
}

impl<'c> Output<'c> {
    /// How many entries make the first chunk (a screenful) and every later one.
    const FIRST: usize = 60;
    const CHUNK: usize = 500;

    fn new(ctx: &'c Ctx) -> Output<'c> {
        Output {
            ctx,
            buffer: String::new(),
            entries: 0,
            flushed: false,
        }
    }

    fn push(&mut self, entry: String) -> Result<(), CliError> {
        if self.ctx.ui.json {
            self.buffer
                .push_str(if self.entries == 0 { "[\n" } else { ",\n" });
            for line in entry.lines() {
                self.buffer.push_str("  ");
                self.buffer.push_str(line);
                self.buffer.push('\n');
            }
            // Keep the separator's place: the last line ends without its newline.
            self.buffer.pop();
        } else {
            self.buffer.push_str(&entry);
        }
        self.entries += 1;
        let chunk = if self.flushed {
            Self::CHUNK
        } else {
            Self::FIRST
        };
        if self.entries.is_multiple_of(chunk) {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), CliError> {
        if !self.flushed {
            // Long history goes through the pager, like `git log`.
            self.ctx.ui.page();
        }
        self.flushed = true;
        let text = std::mem::take(&mut self.buffer);
        self.ctx.ui.out(&text)
    }

    fn finish(mut self) -> Result<(), CliError> {
        if self.ctx.ui.json {
            self.buffer
                .push_str(if self.entries == 0 { "[]\n" } else { "\n]\n" });
        } else if self.entries == 0 {
            self.ctx.ui.status("No history");
            return Ok(());
        }
        if self.flushed {
            self.flush()
        } else {
            let text = std::mem::take(&mut self.buffer);
            self.ctx.ui.out(&text)
        }
    }
}

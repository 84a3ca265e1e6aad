//! `iepcase log [ID]`: the history of the case or of one record.

use clap::Args;
use iepcase::json::LogEntryJson;

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
        Some(prefix) => Some(iepcase::ops::history::resolve(&case, prefix)?),
    };
    // Streamed newest first, so the first page shows at once even on years of history.
    let mut out = Output::new(ctx);
    let mut failed = None;
    case.walk_history(id.as_ref(), None, &mut |entry| {
        let text = if ctx.ui.json {
            entry_json(&case, &entry, args.patch)
        } else {
            entry_text(ctx, &case, &entry, args.patch)
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

/// One commit as pretty JSON.
fn entry_json(
    case: &iepcase::store::Case,
    entry: &iepcase::store::HistoryEntry,
    patch: bool,
) -> String {
    let value = LogEntryJson::new(entry, |touched| {
        patch.then(|| {
            iepcase::ops::history::patch(case, touched)
                .changes
                .unwrap_or_default()
        })
    });
    serde_json::to_string_pretty(&value).expect("log entries serialize")
}

/// One commit as a line, with its changes under it for `--patch`.
fn entry_text(
    ctx: &Ctx,
    case: &iepcase::store::Case,
    entry: &iepcase::store::HistoryEntry,
    patch_too: bool,
) -> String {
    let commit = entry.commit.id.to_string();
    let mut out = format!(
        "{}  {}  {}  {}\n",
        ctx.ui.paint(super::ui::dim(), &commit[..10]),
        timestamp(entry.commit.time),
        super::ui::printable(&entry.commit.author),
        super::ui::printable(&entry.commit.message)
    );
    if patch_too {
        for touched in &entry.records {
            out.push_str(&patch(ctx, case, touched));
        }
        out.push('\n');
    }
    out
}

/// The field-level changes one commit made to one record, indented.
fn patch(ctx: &Ctx, case: &iepcase::store::Case, touched: &iepcase::store::Touched) -> String {
    let (id, change, ..) = touched;
    let patch = iepcase::ops::history::patch(case, touched);
    let mut out = format!("    {} {id}: {}\n", change.as_str(), patch.title);
    if let Some(changes) = patch.changes {
        let diff = iepcase::diff::RecordDiff {
            from: String::new(),
            to: String::new(),
            changes,
        };
        let text = if ctx.ui.colored() {
            crate::cli::common::render::paint(ctx, &diff)
        } else {
            iepcase::diff::render::to_text(&diff)
        };
        for line in text.lines().skip(2) {
            out.push_str(&format!("        {line}\n"));
        }
    }
    out
}

/// A commit time as `2026-11-28 15:04 UTC`.
fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

//! `iepcase timeline`: the case in date order, with deadlines interleaved.

use clap::{Args, ValueEnum};
use iepcase::record::Date;
use iepcase::timeline::{self, Filter};

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Only entries on or after this date
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// Only entries on or before this date
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
    /// Only entries of this kind, or `deadline` (can be repeated)
    #[arg(long, value_name = "KIND", value_parser = parse_timeline_kind)]
    pub kind: Vec<String>,
    /// Compute the deadlines' status as of this date (default: today)
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
    /// Output format (`--json` is the same as `--format json`)
    #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
    pub format: TimelineFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimelineFormat {
    Text,
    Md,
    Csv,
    Json,
}

fn parse_timeline_kind(text: &str) -> Result<String, String> {
    let names = timeline::kind_names();
    if names.contains(&text) {
        return Ok(text.to_owned());
    }
    Err(
        match iepcase::record::parse::did_you_mean(text, names.iter().copied()) {
            Some(best) => format!("unknown kind `{text}` (did you mean `{best}`?)"),
            None => format!("unknown kind `{text}`; kinds: {}", names.join(", ")),
        },
    )
}

pub fn run(ctx: &Ctx, args: TimelineArgs) -> Result<(), CliError> {
    crate::cli::common::args::check_range(args.from, args.to)?;
    let case = ctx.open_case()?;
    let book = crate::cli::common::cases::rulebook(ctx)?;
    let filter = Filter {
        from: args.from,
        to: args.to,
        kinds: args.kind,
    };
    let today = args.today.unwrap_or_else(|| ctx.today());
    let now = ctx.now_or(args.today);
    let found =
        iepcase::ops::timeline::timeline(ctx.workspace()?, &case, &book, &filter, today, now)?;
    ctx.ui.notices(&found.warnings());
    let entries = &found.entries;
    let format = if ctx.ui.json {
        TimelineFormat::Json
    } else {
        args.format
    };
    let shown = match format {
        TimelineFormat::Json => ctx.ui.json(entries),
        TimelineFormat::Csv => ctx.ui.out(&timeline::to_csv(entries)),
        TimelineFormat::Md => ctx.ui.out(&timeline::to_markdown(entries)),
        TimelineFormat::Text if entries.is_empty() => Ok(()),
        TimelineFormat::Text => ctx.ui.out(&found.text(ctx.ui.width(), ctx.ui.painter())),
    };
    if format == TimelineFormat::Text {
        ctx.ui.notices(&found.text_notices());
    }
    shown?;
    match found.failure(case.slug()) {
        Some(failure) => Err(failure.into()),
        None => Ok(()),
    }
}

//! `iepcase diff ID [ID2] [--rev REV] [--rev2 REV]`: what changed between two records, or
//! between two versions of one record.

use clap::{Args, ValueEnum};
use iepcase::diff::render;
use iepcase::ops;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The record (a unique prefix of its id is enough)
    #[arg(add = super::complete::record_ids())]
    pub id: String,
    /// A second record to compare with (default: the same record's previous version)
    #[arg(add = super::complete::record_ids())]
    pub id2: Option<String>,
    /// Take the first side at revision REV (a commit from `iepcase log`, or HEAD~2)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Take the second side at revision REV (default: the latest)
    #[arg(long, value_name = "REV")]
    pub rev2: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
}

pub fn run(ctx: &Ctx, args: DiffArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let sides = ops::history::Sides {
        id: &args.id,
        id2: args.id2.as_deref(),
        rev: args.rev.as_deref(),
        rev2: args.rev2.as_deref(),
    };
    let diff = ops::history::diff(&case, sides)?;
    if ctx.ui.json {
        return ctx.ui.json(&diff);
    }
    match args.format {
        DiffFormat::Md => ctx.ui.out(&render::to_markdown(&diff)),
        DiffFormat::Text => ctx.ui.out(&render::for_terminal(&diff, ctx.ui.painter())),
    }
}

//! `iepcase list`: records in date order, with filters.

use clap::Args;
use iepcase::ops::list::{self, Filter};
use iepcase::record::{Date, Kind};

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::records::parse_kind;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only records of this kind (can be repeated)
    #[arg(long, value_parser = parse_kind, value_name = "KIND")]
    pub kind: Vec<Kind>,
    /// Only records on or after this date
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// Only records on or before this date
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
}

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<(), CliError> {
    crate::cli::common::args::check_range(args.from, args.to)?;
    let case = ctx.open_case()?;
    let filter = Filter {
        kinds: args.kind,
        from: args.from,
        to: args.to,
    };
    let listing = list::list(&case, &filter, ctx.local_now())?;
    if ctx.ui.json {
        ctx.ui.json(&listing.records)?;
    } else if !listing.is_empty() {
        ctx.ui
            .out(&listing.text(ctx.ui.width(), ctx.ui.painter()))?;
    }
    ctx.ui.notices(&listing.notices(!ctx.ui.json));
    match listing.failure(case.slug()) {
        Some(failure) => Err(failure.into()),
        None => Ok(()),
    }
}

//! `iepcase bundle`: build an evidence bundle (`bundle --purpose P --out DIR`) or check one
//! against its manifest (`bundle verify DIR`).

mod build;
mod verify;

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use iepcase::bundle::Purpose;
use iepcase::record::{Date, Kind};

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::records::parse_kind;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BundleArgs {
    #[command(subcommand)]
    pub command: Option<BundleCommand>,
    #[command(flatten)]
    pub build: BuildArgs,
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Check a bundle folder against its manifest: every file re-hashed, none missing or added
    Verify {
        /// The bundle folder (the one holding manifest.json)
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// What the bundle is for; decides what it may hold and the cover note
    #[arg(
        long,
        required = true,
        value_name = "PURPOSE",
        value_parser = PossibleValuesParser::new(Purpose::ALL.iter().map(|p| p.as_str()))
            .map(|s| s.parse::<Purpose>().expect("clap checked the value")),
    )]
    pub purpose: Option<Purpose>,
    /// Folder to write into: new or empty (an earlier bundle only with --force)
    #[arg(long, required = true, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Only records on or after this date
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// Only records on or before this date
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
    /// Only records of this kind (can be repeated)
    #[arg(long = "kind", value_parser = parse_kind, value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Exhibit prefix: P for a parent's exhibits, D or B for a district's
    #[arg(long, default_value = "P", value_name = "P")]
    pub exhibit_prefix: String,
    /// Stamp Bates numbers with PREFIX (default: the case's bates_prefix, when it has one)
    #[arg(long, value_name = "PREFIX", conflicts_with = "no_bates")]
    pub bates: Option<String>,
    /// Stamp no Bates numbers, even when the case has a bates_prefix
    #[arg(long)]
    pub no_bates: bool,
    /// Make this record exhibit 1 (often the disputed IEP); the rest stay in date order
    #[arg(long, value_name = "ID", add = crate::cli::complete::record_ids())]
    pub first: Option<String>,
    /// Include privileged records (advocate work product), left out by default
    #[arg(long)]
    pub include_privileged: bool,
    /// Put a placeholder page for an attachment that cannot be placed, and leave out
    /// records that cannot be read, instead of stopping
    #[arg(long)]
    pub skip_broken: bool,
    /// Replace an earlier bundle in --out (its manifest hash may already have been disclosed)
    #[arg(long)]
    pub force: bool,
    /// Print the child as initials (the case's `initials`) wherever iepcase writes the name
    #[arg(long)]
    pub initials: bool,
    /// Group the exhibits by kind, each group behind a divider page
    #[arg(long)]
    pub sections: bool,
    /// Record, once the bundle is written, that it was disclosed to WHO (a communication
    /// record carrying the manifest's SHA-256)
    #[arg(long, value_name = "WHO")]
    pub disclosed_to: Option<String>,
    /// The day of the disclosure (default: today)
    #[arg(long, value_name = "DATE", requires = "disclosed_to")]
    pub on: Option<Date>,
}

pub fn run(ctx: &Ctx, args: BundleArgs) -> Result<(), CliError> {
    match args.command {
        Some(BundleCommand::Verify { dir }) => verify::run(ctx, &dir),
        None => build::run(ctx, args.build),
    }
}

//! `iepcase case new SLUG --child NAME`: create a case repository.

use clap::Args;
use iepcase::ops::{self, cases::NewCase};
use iepcase::record::Date;
use iepcase::workspace::validate_slug;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

#[derive(Debug, Args)]
pub struct CaseNewArgs {
    /// Short folder name for the case; visible on remotes, so not the child's name
    pub slug: String,
    /// The child's name (stored encrypted)
    #[arg(long)]
    pub child: String,
    /// Two-letter state, such as MS (default: the workspace's)
    #[arg(long, value_name = "XX")]
    pub state: Option<String>,
    /// School district
    #[arg(long)]
    pub district: Option<String>,
    /// School
    #[arg(long)]
    pub school: Option<String>,
    /// Date of birth (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub born: Option<Date>,
    /// Grade
    #[arg(long)]
    pub grade: Option<String>,
    /// Where the dispute is heard, for the caption of bundles (e.g. the state's office of
    /// special education)
    #[arg(long)]
    pub forum: Option<String>,
    /// The docket or complaint number, for the caption of bundles
    #[arg(long)]
    pub docket: Option<String>,
}

pub fn run(ctx: &Ctx, args: CaseNewArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    validate_slug(&args.slug)?;
    ctx.ui
        .notices(&ops::cases::slug_notices(&args.slug, &args.child));
    let new = NewCase {
        state: args
            .state
            .as_deref()
            .map(crate::cli::common::args::state_code)
            .transpose()?,
        slug: args.slug,
        child: args.child,
        district: args.district,
        school: args.school,
        born: args.born,
        grade: args.grade,
        forum: args.forum,
        docket: args.docket,
    };
    let me = ctx.identities()?.primary_public();
    let created = ops::cases::create(ws, &new, me, ctx.today(), &ctx.commit_context()?)?;
    ctx.ui
        .notices(&ops::cases::created_notices(&new.slug, &created));
    Ok(())
}

//! `iepcase case new SLUG --child NAME`: create a case repository.

use clap::Args;
use iepcase::crypto::Recipient;
use iepcase::record::Date;
use iepcase::store::Case;
use iepcase::workspace::{slug_looks_like_name, validate_slug};

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
    if args.child.trim().is_empty() {
        return Err(CliError::usage("--child is empty"));
    }
    if slug_looks_like_name(&args.slug, &args.child) {
        ctx.ui.warn(&format!(
            "the slug `{}` looks like it contains the child's name; slugs are visible on remotes",
            args.slug
        ));
        ctx.ui
            .hint("an opaque slug such as `case-2026-04` or initials keeps the child private");
    }
    let state = match &args.state {
        Some(text) => Some(crate::cli::common::args::state_code(text)?),
        None => ws.config.state.as_deref().map(str::to_ascii_uppercase),
    };
    let root = ws.case_dir(&args.slug);
    if root.exists() {
        return Err(
            CliError::user(format!("case `{}` already exists", args.slug))
                .hint("pick another slug, or see `iepcase case list`"),
        );
    }
    let ids = ctx.identities()?;
    let meta = meta_text(&args, state.as_deref(), ctx.today());
    iepcase::record::parse_case_meta(&meta, "the new case's details")?;

    let me = ids.primary_public().parse::<Recipient>()?;
    let my_label = ws
        .config
        .author
        .name
        .clone()
        .map(|n| format!("{n} (created the case)"));
    let mut members = vec![(me, my_label)];
    for text in &ws.config.recipients {
        let recipient: Recipient = text.parse()?;
        if !members.iter().any(|(r, _)| *r == recipient) {
            members.push((recipient, Some("workspace default recipient".into())));
        }
    }
    Case::create(&root, &args.slug, &meta, &members, &ctx.commit_context()?)?;
    ctx.ui.status(&format!(
        "Created case `{}` in {}",
        args.slug,
        root.display()
    ));
    if state.is_none() {
        ctx.ui.warn("no state set: deadlines use federal rules only (set one with `case edit --set state=MS`)");
    }
    ctx.ui.hint(&format!(
        "add a record: `iepcase -c {} add request --title \"…\" --set type=evaluation`",
        args.slug
    ));
    Ok(())
}

fn meta_text(args: &CaseNewArgs, state: Option<&str>, today: Date) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("child", toml_edit::value(&args.child));
    let date = |d: Date| {
        toml_edit::value(
            d.to_string()
                .parse::<toml_edit::Datetime>()
                .expect("dates print as TOML"),
        )
    };
    if let Some(born) = args.born {
        doc.insert("born", date(born));
    }
    for (key, value) in [
        ("state", state.map(String::from)),
        ("district", args.district.clone()),
        ("school", args.school.clone()),
        ("grade", args.grade.clone()),
        ("forum", args.forum.clone()),
        ("docket", args.docket.clone()),
    ] {
        if let Some(value) = value {
            doc.insert(key, toml_edit::value(value));
        }
    }
    doc.insert("opened", date(today));
    doc.to_string()
}

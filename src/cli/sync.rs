//! `iepcase sync [--all]` and `iepcase clone URL [SLUG]`.

use clap::Args;
use iepcase::json::SyncRowJson;
use iepcase::ops;
use iepcase::ops::diagnosis::Diagnosis;
use iepcase::ops::sync::Ending;
use iepcase::sync::SyncReport;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Sync every case of the workspace that has a remote
    #[arg(long)]
    pub all: bool,
    /// The remote to use (default: the only one, or origin)
    #[arg(long)]
    pub remote: Option<String>,
    /// How many cases sync at the same time, each with one connection open (default 8)
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
}

/// Cases synced at the same time by default: enough to hide network latency, few enough
/// that a server (sshd's MaxStartups, a host's rate limits) does not turn connections away.
const DEFAULT_JOBS: u16 = 8;

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// Where the case is: git@host:me/case.git, https://…, or a local path
    pub url: String,
    /// The case's slug here (default: the repository's name)
    pub slug: Option<String>,
}

/// One case's outcome, its error as the user is told it.
struct Outcome {
    slug: String,
    result: Result<SyncReport, Diagnosis>,
}

pub fn sync(ctx: &Ctx, args: SyncArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let slugs = ctx.case_slugs(args.all)?;
    let access = crate::cli::common::access::access()?;
    let context = ops::sync::Context {
        identities: ctx.identities()?,
        commit: &ctx.commit_context()?,
        access: &access,
    };
    let options = ops::sync::Options {
        remote: args.remote.as_deref(),
        all: args.all,
        jobs: usize::from(args.jobs.unwrap_or(DEFAULT_JOBS)),
        lock_timeout: ctx.lock_timeout(),
    };
    let progress = if args.all && slugs.len() > 1 {
        ctx.ui.progress("Syncing", slugs.len() as u64, false)
    } else {
        super::ui::Progress::hidden()
    };
    let outcomes =
        ops::sync::sync_cases(ws, &slugs, &context, options, &|slug| progress.step(slug))?;
    progress.finish();
    let totals = ops::sync::Totals::of(&outcomes);
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|o| Outcome {
            slug: o.slug,
            result: o.result.map_err(Diagnosis::from),
        })
        .collect();
    show(ctx, &outcomes, &totals, args.all)?;
    verdict(ctx, outcomes, &totals, args.all)
}

/// The table of cases synced (or its JSON rows), and what each sync has to tell.
fn show(
    ctx: &Ctx,
    outcomes: &[Outcome],
    totals: &ops::sync::Totals,
    all: bool,
) -> Result<(), CliError> {
    if ctx.ui.json {
        let rows: Vec<SyncRowJson<'_>> = outcomes.iter().map(json_row).collect();
        return ctx.ui.json(&rows);
    }
    let rows: Vec<Vec<String>> = outcomes.iter().map(text_row).collect();
    if rows.is_empty() {
        ctx.ui.status("No case has a remote");
    } else {
        let header = [
            "CASE",
            "REMOTE",
            "FETCHED",
            "MERGED",
            "PUSHED",
            "CONFLICTS",
            "ERROR",
        ];
        ctx.ui.out(&ctx.ui.fitted(&header, &[6, 1], &rows))?;
    }
    for outcome in outcomes {
        if let Ok(report) = &outcome.result {
            ctx.ui.notices(&ops::sync::notices(&outcome.slug, report));
        }
    }
    if all || outcomes.len() > 1 {
        ctx.ui.status(&totals.to_string());
    }
    Ok(())
}

/// How the command ends: the one case's own error, the failures counted with their hints
/// given once, or exit 3 for a rewound remote or conflicts to settle.
fn verdict(
    ctx: &Ctx,
    outcomes: Vec<Outcome>,
    totals: &ops::sync::Totals,
    all: bool,
) -> Result<(), CliError> {
    let failures: Vec<(String, Diagnosis)> = outcomes
        .into_iter()
        .filter_map(|o| o.result.err().map(|e| (o.slug, e)))
        .collect();
    match ops::sync::ending(failures, totals, all) {
        Ending::Clean => Ok(()),
        Ending::Found { hint } => {
            if let Some(hint) = hint {
                ctx.ui.hint(hint);
            }
            Err(CliError::found())
        }
        Ending::Failed { hints, diagnosis } => {
            for hint in &hints {
                ctx.ui.hint(hint);
            }
            Err(diagnosis.into())
        }
    }
}

fn text_row(outcome: &Outcome) -> Vec<String> {
    match &outcome.result {
        Ok(r) => vec![
            outcome.slug.clone(),
            r.remote.clone(),
            r.fetched.to_string(),
            r.merge.updated.to_string(),
            r.pushed.to_string(),
            r.merge.conflicts.len().to_string(),
            String::new(),
        ],
        Err(e) => vec![
            outcome.slug.clone(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            e.message.clone(),
        ],
    }
}

fn json_row(outcome: &Outcome) -> SyncRowJson<'_> {
    match &outcome.result {
        Ok(r) => SyncRowJson::synced(&outcome.slug, r),
        Err(e) => SyncRowJson::Failed {
            case: &outcome.slug,
            error: &e.message,
        },
    }
}

pub fn clone(ctx: &Ctx, args: CloneArgs) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let slug = ops::sync::clone_slug(&args.url, args.slug)?;
    let url = match iepcase::sync::check_remote_url(&args.url)? {
        iepcase::sync::UrlKind::Path if !std::path::Path::new(&args.url).is_absolute() => {
            crate::cli::common::remote::stored_url(ctx, &args.url)?
        }
        _ => args.url.clone(),
    };
    let identities = ctx.identities()?;
    let access = crate::cli::common::access::access()?;
    let (case, records) = ops::sync::clone(ws, &url, &slug, identities, &access)
        .map_err(|e| CliError::from(ops::sync::clone_failure(e, &slug)))?;
    ctx.ui.status(&format!(
        "Cloned case `{slug}` ({records} records) into {}",
        case.root().display()
    ));
    ctx.ui.hint(&format!(
        "work on it with `iepcase -c {slug} list`; `iepcase -c {slug} sync` exchanges changes"
    ));
    Ok(())
}

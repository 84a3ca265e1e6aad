//! `iepcase sync [--all]` and `iepcase clone URL [SLUG]`.

use clap::Args;
use iepcase::json::SyncRowJson;
use iepcase::ops;
use iepcase::sync::SyncReport;

use super::context::Ctx;
use super::error::{CliError, Exit};

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

/// One case's outcome, its error as the user sees it.
struct Outcome {
    slug: String,
    result: Result<SyncReport, CliError>,
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
            result: o.result.map_err(CliError::from),
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
            notes(ctx, &outcome.slug, report);
        }
    }
    if all || outcomes.len() > 1 {
        ctx.ui.status(&totals_line(totals));
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
    let failures: Vec<(String, CliError)> = outcomes
        .into_iter()
        .filter_map(|o| o.result.err().map(|e| (o.slug, e)))
        .collect();
    if failures.len() == 1 && !all {
        let (_, e) = failures.into_iter().next().expect("one failure");
        return Err(CliError { detail: None, ..e });
    }
    if !failures.is_empty() {
        hint_once(ctx, &failures);
        let alarm = failures.iter().any(|(_, e)| e.exit == Exit::Found);
        return Err(CliError {
            exit: if alarm { Exit::Found } else { Exit::User },
            ..CliError::user(format!(
                "{} of {} cases did not sync",
                failures.len(),
                totals.cases
            ))
        });
    }
    if totals.rewound {
        return Err(CliError::found());
    }
    if totals.conflicts > 0 {
        ctx.ui.hint("see them with `iepcase list`, compare with `iepcase diff ID ID.conflict-1`, settle with `iepcase resolve ID --keep local|remote`");
        return Err(CliError::found());
    }
    Ok(())
}

/// One line per distinct hint, with the cases it is for: a hundred cases on one unreachable
/// server need the advice once.
fn hint_once(ctx: &Ctx, failures: &[(String, CliError)]) {
    let mut hints: Vec<(&str, Vec<&str>)> = Vec::new();
    for (slug, e) in failures {
        for hint in &e.hints {
            match hints.iter_mut().find(|(h, _)| h == hint) {
                Some((_, slugs)) => slugs.push(slug),
                None => hints.push((hint, vec![slug])),
            }
        }
    }
    for (hint, slugs) in hints {
        let which = match slugs.as_slice() {
            [one] => (*one).to_owned(),
            few if few.len() <= 3 => few.join(", "),
            many => format!("{} cases", many.len()),
        };
        ctx.ui.hint(&format!("{which}: {hint}"));
    }
}

/// `100 cases: 98 synced, 2 failed; 37 commits fetched, 12 pushed, 0 conflicts`.
fn totals_line(t: &ops::sync::Totals) -> String {
    format!(
        "{} cases: {} synced, {} failed; {} commits fetched, {} pushed, {} conflicts",
        t.cases, t.synced, t.failed, t.fetched, t.pushed, t.conflicts
    )
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

fn notes(ctx: &Ctx, slug: &str, report: &SyncReport) {
    if let Some((now, before)) = &report.rewound {
        ctx.ui.warn(&format!(
            "{slug}: the remote had been moved back to an earlier state of the case (commit {}, \
             before commit {} it held when this copy last synced); this sync put it forward again",
            &now.to_string()[..10],
            &before.to_string()[..10]
        ));
        ctx.ui.hint(&format!(
            "someone with write access to the remote rewound it: tell the case's members and check \
             who can push to `{slug}`'s remote"
        ));
    }
    for id in &report.merge.kept {
        ctx.ui.status(&format!(
            "{slug}: kept {id}: it was removed on one side and edited on the other"
        ));
    }
    for (id, copy, fields) in &report.merge.conflicts {
        ctx.ui.warn(&format!(
            "{slug}: {id} changed on both sides ({}); the remote's version is {copy}",
            fields.join(", ")
        ));
    }
    if !report.merge.meta_conflict.is_empty() {
        ctx.ui.warn(&format!(
            "{slug}: the case details changed on both sides ({}); yours were kept, the remote's are in `iepcase log`",
            report.merge.meta_conflict.join(", ")
        ));
    }
    if report.merge.membership_conflict {
        ctx.ui.warn(&format!("{slug}: the members changed on both sides; yours were kept: check `iepcase recipients` and share again if needed"));
    }
    for key in &report.merge.members_added {
        ctx.ui
            .warn(&format!("{slug}: the remote added a member: {key}"));
    }
    if !report.merge.members_added.is_empty() {
        ctx.ui.hint(&format!(
            "check with whoever shared `{slug}`, then run `iepcase -c {slug} recipients accept`"
        ));
    }
    for key in &report.merge.members_removed {
        ctx.ui
            .status(&format!("{slug}: the remote removed a member: {key}"));
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
    let (case, records) =
        ops::sync::clone(ws, &url, &slug, identities, &access).map_err(|e| {
            let not_member = e.is_not_a_member();
            let mut err = CliError::from(e);
            if not_member {
                // Nothing was cloned, so there is nothing to sync yet: the clone is what to redo.
                err.hints = vec![
                    format!(
                        "send your public key to a member; once they run `iepcase -c {slug} share <your public key>` and `iepcase -c {slug} sync`, run this clone again"
                    ),
                    "if you have another identity file, point IEPCASE_IDENTITY at it".into(),
                ];
            }
            err
        })?;
    ctx.ui.status(&format!(
        "Cloned case `{slug}` ({records} records) into {}",
        case.root().display()
    ));
    ctx.ui.hint(&format!(
        "work on it with `iepcase -c {slug} list`; `iepcase -c {slug} sync` exchanges changes"
    ));
    Ok(())
}

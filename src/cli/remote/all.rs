//! `iepcase remote add NAME --all URL-TEMPLATE`: one remote for every case, `{slug}` in the
//! template naming each case's repository.

use iepcase::json::RemoteAddedJson;
use iepcase::sync::RemoteAdded;

use crate::cli::common::remote::hide_secret;
use crate::cli::context::Ctx;
use crate::cli::error::CliError;

/// One case: its slug, its remote's address, and what adding it did.
type Row = (String, String, Result<RemoteAdded, CliError>);

pub fn add(ctx: &Ctx, name: &str, template: &str) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let rows: Vec<Row> = iepcase::ops::remotes::add_all(ws, name, template, &ctx.cwd)?
        .into_iter()
        .map(|a| (a.slug, a.url, a.result.map_err(CliError::from)))
        .collect();
    if ctx.ui.json {
        let out: Vec<RemoteAddedJson<'_>> = rows
            .iter()
            .map(|(slug, url, result)| RemoteAddedJson {
                case: slug,
                url: hide_secret(url),
                status: status(result),
            })
            .collect();
        ctx.ui.json(&out)?;
    }
    let failed: Vec<&CliError> = rows
        .iter()
        .filter_map(|(_, _, r)| r.as_ref().err())
        .collect();
    if !ctx.ui.json {
        let lines: Vec<Vec<String>> = rows
            .iter()
            .map(|(slug, url, result)| vec![slug.clone(), hide_secret(url), status(result)])
            .collect();
        ctx.ui
            .out(&ctx.ui.fitted(&["CASE", "URL", "STATUS"], &[1, 2], &lines))?;
        ctx.ui.status(&format!(
            "Remote `{name}` set for {} of {} cases",
            rows.len() - failed.len(),
            rows.len()
        ));
    }
    if let Some(first) = failed.first() {
        let mut err = CliError::user(format!(
            "{} of {} cases did not get remote `{name}`",
            failed.len(),
            rows.len()
        ));
        err.hints = first.hints.clone();
        return Err(err);
    }
    ctx.ui
        .hint("send every case there with `iepcase sync --all` (the repositories must exist on the server)");
    Ok(())
}

/// What happened to one case, as the STATUS column says it.
fn status(result: &Result<RemoteAdded, CliError>) -> String {
    match result {
        Ok(RemoteAdded::New) => "added".to_owned(),
        Ok(RemoteAdded::AlreadyThere) => "already there".to_owned(),
        Err(e) => e.message.clone(),
    }
}

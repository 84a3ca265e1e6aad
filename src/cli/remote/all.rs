//! `iepcase remote add NAME --all URL-TEMPLATE`: one remote for every case, `{slug}` in the
//! template naming each case's repository.

use iepcase::json::RemoteAddedJson;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

/// What adding the remote did to one case.
enum Outcome {
    New,
    /// The case already had this remote, at this address.
    AlreadyThere,
    Failed(CliError),
}

pub fn add(ctx: &Ctx, name: &str, template: &str) -> Result<(), CliError> {
    if !template.contains("{slug}") {
        return Err(CliError::usage(format!(
            "`{template}` has no {{slug}} for each case's name"
        ))
        .hint("for example `iepcase remote add origin --all 'git@git.example.org:team/{slug}.git'`"));
    }
    let ws = ctx.workspace()?;
    let slugs = ws.case_slugs()?;
    if slugs.is_empty() {
        return Err(CliError::user("the workspace has no cases yet")
            .hint("create one with `iepcase case new SLUG --child NAME`"));
    }
    let mut rows = Vec::new();
    for slug in &slugs {
        let mut url = template.replace("{slug}", slug);
        // A folder is kept absolute, as `remote add` keeps it: sync runs from anywhere.
        if let Ok(iepcase::sync::UrlKind::Path) = iepcase::sync::check_remote_url(&url) {
            url = crate::cli::common::remote::absolute_folder(ctx, &url)
                .display()
                .to_string();
        }
        let outcome = add_one(&ws.case_dir(slug), name, &url);
        rows.push((slug.clone(), url, outcome));
    }
    let failed = rows
        .iter()
        .filter(|(_, _, o)| matches!(o, Outcome::Failed(_)))
        .count();
    let status = |o: &Outcome| match o {
        Outcome::New => "added".to_owned(),
        Outcome::AlreadyThere => "already there".to_owned(),
        Outcome::Failed(e) => e.message.clone(),
    };
    if ctx.ui.json {
        let out: Vec<RemoteAddedJson<'_>> = rows
            .iter()
            .map(|(slug, url, o)| RemoteAddedJson {
                case: slug,
                url: crate::cli::common::remote::hide_secret(url),
                status: status(o),
            })
            .collect();
        ctx.ui.json(&out)?;
    } else {
        let lines: Vec<Vec<String>> = rows
            .iter()
            .map(|(slug, url, o)| {
                vec![
                    slug.clone(),
                    crate::cli::common::remote::hide_secret(url),
                    status(o),
                ]
            })
            .collect();
        ctx.ui
            .out(&ctx.ui.fitted(&["CASE", "URL", "STATUS"], &[1, 2], &lines))?;
        ctx.ui.status(&format!(
            "Remote `{name}` set for {} of {} cases",
            rows.len() - failed,
            rows.len()
        ));
    }
    if failed > 0 {
        let mut err = CliError::user(format!(
            "{failed} of {} cases did not get remote `{name}`",
            rows.len()
        ));
        if let Some((_, _, Outcome::Failed(first))) = rows
            .iter()
            .find(|(_, _, o)| matches!(o, Outcome::Failed(_)))
        {
            err.hints = first.hints.clone();
        }
        return Err(err);
    }
    ctx.ui
        .hint("send every case there with `iepcase sync --all` (the repositories must exist on the server)");
    Ok(())
}

fn add_one(case_dir: &std::path::Path, name: &str, url: &str) -> Outcome {
    match iepcase::sync::add_remote_in(case_dir, name, url) {
        Ok(iepcase::sync::RemoteAdded::New) => Outcome::New,
        Ok(iepcase::sync::RemoteAdded::AlreadyThere) => Outcome::AlreadyThere,
        Err(e) => Outcome::Failed(e.into()),
    }
}

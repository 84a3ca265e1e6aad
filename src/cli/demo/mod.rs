//! `iepcase demo [DIR]`: a throwaway workspace with its own identity and the example case,
//! and a due-process evidence bundle of it.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::ops::demo::{self, Tour};
use iepcase::workspace::Workspace;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the demo workspace (default: ./iepcase-demo); an earlier demo there is replaced
    pub dir: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: DemoArgs) -> Result<(), CliError> {
    let root = ctx.absolute(args.dir.as_deref().unwrap_or(Path::new("iepcase-demo")));
    demo::prepare_folder(&root)?;
    let case = demo::create(&root, ctx.now)?;
    let shown = display_path(ctx, &root);
    let bundle_dir = root.join("bundle");
    let options = demo::bundle_options(&case)?;
    let ws = Workspace::open(&root)?;
    let request = iepcase::ops::bundle::Request {
        options: &options,
        out: &bundle_dir,
        replace: false,
    };
    let (_, manifest) = crate::cli::common::bundle::make(ctx, &ws, &case, &request)?;
    let identity_set = ctx.key_env.identity.is_some();
    let (exhibits, pages) = (manifest.exhibits.len(), manifest.pages);
    let told = demo::built_notices(&root, &bundle_dir, exhibits, pages, identity_set);
    ctx.ui.notices(&told);
    let tour = demo::tour(&root, &case)?;
    let w = format!("iepcase -w {shown}");
    let mut out = tour.highlights(&w);
    out.push_str(&clocks(&tour, &w));
    out.push_str(&findings(&tour, &w));
    out.push('\n');
    out.push_str(&demo::tries_text(&w, &shown));
    ctx.ui.out(&out)?;
    Ok(())
}

/// `root` as the user can type it: relative to the current folder when inside it.
fn display_path(ctx: &Ctx, root: &Path) -> String {
    match root.strip_prefix(&ctx.cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => root.display().to_string(),
    }
}

/// The deadlines overdue or due soon, and how many others there are.
fn clocks(tour: &Tour, w: &str) -> String {
    let today = tour.today;
    let mut out = format!(
        "The clocks running on the story's today, {today} ({w} deadlines --today {today}):\n"
    );
    let soon = tour.soon();
    let rows: Vec<Vec<String>> = soon
        .iter()
        .map(|d| {
            vec![
                d.due.to_string(),
                iepcase::ops::urgency::when(d, today),
                d.label.clone(),
                d.cite.clone(),
            ]
        })
        .collect();
    for line in super::ui::table(&["DUE", "WHEN", "DEADLINE", "CITATION"], &rows).lines() {
        out.push_str(&format!("  {line}\n"));
    }
    let later = tour.evaluation.deadlines.len() - soon.len();
    if later > 0 {
        out.push_str(&format!(
            "  and {later} more: later, met, ended or waiting\n"
        ));
    }
    out
}

/// What `check` finds, counted by code, and what is still to do before the next meeting.
fn findings(tour: &Tour, w: &str) -> String {
    let today = tour.today;
    let counts = tour.finding_counts();
    let mut out = format!(
        "\nWhat the district failed to do ({w} check --today {today}): {} error(s), {} \
         warning(s), {} note(s)\n",
        counts.errors, counts.warnings, counts.notes
    );
    let rows: Vec<Vec<String>> = counts
        .codes
        .iter()
        .map(|(severity, code, n)| {
            vec![
                severity.as_str().to_owned(),
                format!("{n}×"),
                code.to_string(),
                code.describe().to_owned(),
            ]
        })
        .collect();
    for line in super::ui::table(&["SEVERITY", "", "FINDING", "WHAT IT MEANS"], &rows)
        .lines()
        .skip(1)
    {
        out.push_str(&format!("  {line}\n"));
    }
    if !counts.preparation.is_empty() {
        out.push_str(&format!(
            "\nStill to do before the next meeting ({w} prep --today {today}):\n"
        ));
        for message in &counts.preparation {
            out.push_str(&format!("  {message}\n"));
        }
    }
    out
}

//! `iepcase demo [DIR]`: a throwaway workspace with its own identity and the example case,
//! and a due-process evidence bundle of it.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::ops::demo::{self, SLUG as DEMO_SLUG, Tour};
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
    let count = iepcase::example::records().len();
    ctx.ui.status(&format!(
        "Built a demo workspace in {} with case `{DEMO_SLUG}` ({count} records)",
        root.display()
    ));
    ctx.ui.status(
        "It tells a fictional Mississippi dispute, from an annual IEP to a due-process complaint.",
    );
    ctx.ui
        .status("Everything in it is encrypted to the demo's own identity, demo-identity.txt.");
    ctx.ui.status(&format!(
        "It holds a due-process evidence bundle of the case ({} exhibits, {} pages, not \
         encrypted) in {}\n",
        manifest.exhibits.len(),
        manifest.pages,
        bundle_dir.display()
    ));
    if ctx.key_env.identity.is_some() {
        ctx.ui
            .warn("IEPCASE_IDENTITY is set: unset it to open the demo with its own identity");
    }
    let w = format!("iepcase -w {shown}");
    let tour = demo::tour(&root, &case)?;
    let mut out = highlights(&tour, &w);
    out.push_str(&clocks(&tour, &w));
    out.push_str(&findings(&tour, &w));
    out.push('\n');
    out.push_str(&tries(&w, &shown));
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

/// A first look at the case: what the amended IEP changed, and the latest events.
fn highlights(tour: &Tour, w: &str) -> String {
    let mut out = format!("What the amended IEP changed ({w} diff x760 0sah):\n");
    for line in tour.amended_lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(&format!("\nThe latest events ({w} timeline):\n"));
    for row in iepcase::timeline::rows(&tour.latest) {
        out.push_str(&format!("  {:<17} {:<22} {}\n", row[0], row[1], row[2]));
    }
    out.push('\n');
    out
}

/// The commands to try next, each with what it shows.
fn tries(w: &str, shown: &str) -> String {
    let mut out = String::from("Try:\n");
    for (command, what) in demo::tries(w, shown) {
        out.push_str(&format!("  {command:<58} # {what}\n"));
    }
    out.push_str("\nFrom the source tree, run them as `cargo run --release -- -w ");
    out.push_str(&format!("{shown} list` and so on.\n"));
    out.push_str(&format!(
        "\nThe evidence bundle: {shown}/bundle/bundle.pdf, indexed in {shown}/bundle/index.html\n"
    ));
    out
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

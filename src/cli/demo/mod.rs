//! `iepcase demo [DIR]`: a throwaway workspace with its own identity and the example case,
//! and a due-process evidence bundle of it.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::ops::demo::{self, SLUG as DEMO_SLUG, STORY_TODAY, Tour};
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
    out.push_str(&clocks(&tour.evaluation.deadlines, tour.today, &w));
    out.push_str(&findings(&tour.evaluation.findings, tour.today, &w));
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
    let diff = iepcase::diff::RecordDiff {
        from: String::new(),
        to: String::new(),
        changes: tour.amended.clone(),
    };
    let mut out = format!("What the amended IEP changed ({w} diff x760 0sah):\n");
    for line in iepcase::diff::render::to_text(&diff)
        .lines()
        .skip(2)
        .filter(|l| l.starts_with("services") || l.contains("accommodations"))
    {
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
    let tries = [
        (format!("{w} list"), "every record, in date order"),
        (
            format!("{w} show x760"),
            "the annual IEP, as its TOML record",
        ),
        (format!("{w} list --kind refusal"), "the three refusals"),
        (
            format!("{w} diff x760 0sah"),
            "what the amended IEP changed",
        ),
        (
            format!("{w} timeline --today {STORY_TODAY}"),
            "the whole story, deadlines included",
        ),
        (
            format!("{w} deadlines --today {STORY_TODAY}"),
            "the clocks running on the story's today",
        ),
        (
            format!("{w} check --today {STORY_TODAY}"),
            "what the district failed to do, and next steps",
        ),
        (
            format!("{w} prep --today {STORY_TODAY}"),
            "the checklist for the December 8 IEP meeting",
        ),
        (
            format!("{w} letter pwn-request --for ttna --no-record"),
            "draft a letter",
        ),
        (
            format!("{w} search beagle"),
            "full-text search in decrypted records",
        ),
        (format!("{w} log"), "the case's history"),
        (format!("{w} fsck"), "check that every file decrypts"),
        (
            format!("ls {shown}/cases/{DEMO_SLUG}/records"),
            "what a remote would see: random ids, ciphertext",
        ),
        (
            format!("{w} bundle verify {shown}/bundle"),
            "check the evidence bundle against its manifest",
        ),
    ];
    let mut out = String::from("Try:\n");
    for (command, what) in &tries {
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
fn clocks(deadlines: &[iepcase::rules::Deadline], today: iepcase::record::Date, w: &str) -> String {
    let mut out = format!(
        "The clocks running on the story's today, {today} ({w} deadlines --today {today}):\n"
    );
    // Overdue and due soon: the first two groups of `deadlines`.
    let mut soon: Vec<_> = deadlines
        .iter()
        .filter(|d| crate::cli::common::deadlines::group(d) <= 1)
        .collect();
    soon.sort_by_key(|d| (d.due, d.due_time));
    let rows: Vec<Vec<String>> = soon
        .iter()
        .map(|d| {
            vec![
                d.due.to_string(),
                crate::cli::common::deadlines::when(d, today),
                d.label.clone(),
                d.cite.clone(),
            ]
        })
        .collect();
    for line in super::ui::table(&["DUE", "WHEN", "DEADLINE", "CITATION"], &rows).lines() {
        out.push_str(&format!("  {line}\n"));
    }
    let later = deadlines.len() - soon.len();
    if later > 0 {
        out.push_str(&format!(
            "  and {later} more: later, met, ended or waiting\n"
        ));
    }
    out
}

/// What `check` finds, counted by code, and what is still to do before the next meeting.
fn findings(findings: &[iepcase::check::Finding], today: iepcase::record::Date, w: &str) -> String {
    use iepcase::check::Severity;

    let (preparation, findings): (Vec<_>, Vec<_>) =
        findings.iter().partition(|f| f.code.is_preparation());
    let mut out = String::new();
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    out.push_str(&format!(
        "\nWhat the district failed to do ({w} check --today {today}): {} error(s), {} \
         warning(s), {} note(s)\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    ));
    let mut codes: Vec<(Severity, iepcase::check::Code, usize)> = Vec::new();
    for f in &findings {
        match codes.iter_mut().find(|(_, c, _)| *c == f.code) {
            Some(entry) => entry.2 += 1,
            None => codes.push((f.severity, f.code, 1)),
        }
    }
    codes.sort_by_key(|c| std::cmp::Reverse(c.0));
    let rows: Vec<Vec<String>> = codes
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
    if !preparation.is_empty() {
        out.push_str(&format!(
            "\nStill to do before the next meeting ({w} prep --today {today}):\n"
        ));
        for f in &preparation {
            out.push_str(&format!("  {}\n", f.message));
        }
    }
    out
}

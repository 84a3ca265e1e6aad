//! `iepcase demo [DIR]`: a throwaway workspace with its own identity and the example case,
//! and a due-process evidence bundle of it.

mod setup;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::Args;
use iepcase::bundle::{Options, Purpose};
use iepcase::record::RecordId;
use iepcase::store::Case;
use iepcase::workspace::Workspace;

use super::context::Ctx;
use super::error::CliError;

/// The demo case's slug: initials and a year, never a name.
pub const DEMO_SLUG: &str = "eq-2025";
/// The amended IEP the example dispute is about: exhibit 1 of the demo bundle.
const DISPUTED_IEP: &str = "0sahk8ww6n";
/// "Today" in the example case's story (examples/README.md).
const STORY_TODAY: &str = "2026-11-28";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the demo workspace (default: ./iepcase-demo); an earlier demo there is replaced
    pub dir: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: DemoArgs) -> Result<(), CliError> {
    let root = ctx.absolute(args.dir.as_deref().unwrap_or(Path::new("iepcase-demo")));
    setup::prepare_folder(&root)?;
    let case = setup::build(ctx, &root)?;
    let shown = display_path(ctx, &root);
    let bundle_dir = root.join("bundle");
    let mut options = Options::new(Purpose::DueProcess);
    options.bates = case.meta()?.1.bates_prefix;
    options.first = RecordId::parse(DISPUTED_IEP);
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
    let mut out = highlights(&case, &w)?;
    out.push_str(&clocks_and_findings(&case, &root, &w)?);
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
fn highlights(case: &Case, w: &str) -> Result<String, CliError> {
    let mut out = String::new();
    let (old, new) = (RecordId::parse("x760srq3ep"), RecordId::parse("0sahk8ww6n"));
    if let (Some(old), Some(new)) = (old, new) {
        let (a, b) = (case.read_record(&old)?, case.read_record(&new)?);
        let changes = iepcase::diff::diff_records((&a.text, &a.record), (&b.text, &b.record));
        let diff = iepcase::diff::RecordDiff {
            from: String::new(),
            to: String::new(),
            changes,
        };
        out.push_str(&format!(
            "What the amended IEP changed ({w} diff x760 0sah):\n"
        ));
        for line in iepcase::diff::render::to_text(&diff)
            .lines()
            .skip(2)
            .filter(|l| l.starts_with("services") || l.contains("accommodations"))
        {
            out.push_str(&format!("  {line}\n"));
        }
    }
    let loaded = case.records()?;
    let entries = iepcase::timeline::build(&loaded.records, &[], &Default::default());
    out.push_str(&format!("\nThe latest events ({w} timeline):\n"));
    let latest = &entries[entries.len().saturating_sub(6)..];
    for row in iepcase::timeline::rows(latest) {
        out.push_str(&format!("  {:<17} {:<22} {}\n", row[0], row[1], row[2]));
    }
    out.push('\n');
    Ok(out)
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

/// The clocks running on the story's today and what `check` finds, in short.
fn clocks_and_findings(case: &Case, root: &Path, w: &str) -> Result<String, CliError> {
    let today = iepcase::record::Date::from_str(STORY_TODAY)
        .map_err(|e| CliError::user(format!("the demo's date: {e}")))?;
    let ws = Workspace::open(root)?;
    let book = ws.rulebook()?;
    let facts = iepcase::ops::cases::CaseFacts::read(case, false)?;
    let rules = ws.rules_for(&facts.meta, &book).set;
    let evaluation = iepcase::ops::check::evaluate(&facts, rules, today);
    let mut out = clocks(&evaluation.deadlines, today, w);
    out.push_str(&findings(evaluation.findings, today, w));
    out.push('\n');
    Ok(out)
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
fn findings(
    findings: Vec<iepcase::check::Finding>,
    today: iepcase::record::Date,
    w: &str,
) -> String {
    use iepcase::check::Severity;

    let (preparation, findings): (Vec<_>, Vec<_>) =
        findings.into_iter().partition(|f| f.code.is_preparation());
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

//! `iepcase demo [DIR]`: a throwaway workspace with its own identity and the example case.

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::crypto::Recipient;
use iepcase::record::RecordId;
use iepcase::store::{Case, CaseLock};
use iepcase::workspace::{Advocate, Author, Config, Workspace};

use super::context::Ctx;
use super::error::CliError;

/// The file that marks a folder as a demo iepcase may replace.
const MARKER: &str = ".iepcase-demo";
/// The demo case's slug: initials and a year, never a name.
pub const DEMO_SLUG: &str = "eq-2025";
/// "Today" in the example case's story (examples/README.md).
const STORY_TODAY: &str = "2026-11-28";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the demo workspace (default: ./iepcase-demo); an earlier demo there is replaced
    pub dir: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: DemoArgs) -> Result<(), CliError> {
    let root = ctx.absolute(args.dir.as_deref().unwrap_or(Path::new("iepcase-demo")));
    prepare_folder(&root)?;
    let case = build(ctx, &root)?;
    let shown = display_path(ctx, &root);
    let count = iepcase::example::records().len();
    ctx.ui.status(&format!(
        "Built a demo workspace in {} with case `{DEMO_SLUG}` ({count} records)",
        root.display()
    ));
    ctx.ui.status(
        "It tells a fictional Mississippi dispute, from an annual IEP to a due-process complaint.",
    );
    ctx.ui
        .status("Everything in it is encrypted to the demo's own identity, demo-identity.txt.\n");
    if ctx.key_env.identity.is_some() {
        ctx.ui
            .warn("IEPCASE_IDENTITY is set: unset it to open the demo with its own identity");
    }
    let w = format!("iepcase -w {shown}");
    let mut out = highlights(&case, &w)?;
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
            format!("{w} timeline --format md"),
            "the whole story, as a Markdown table",
        ),
        (
            format!("{w} search beagle"),
            "full-text search in decrypted records",
        ),
        (
            format!("{w} deadlines --today {STORY_TODAY}"),
            "the clocks running on the story's today",
        ),
        (
            format!("{w} check --today {STORY_TODAY}"),
            "what the district failed to do, and next steps",
        ),
        (format!("{w} log"), "the case's history"),
        (format!("{w} fsck"), "check that every file decrypts"),
        (
            format!("ls {shown}/cases/{DEMO_SLUG}/records"),
            "what a remote would see: random ids, ciphertext",
        ),
    ];
    out.push_str("Try:\n");
    for (command, what) in &tries {
        out.push_str(&format!("  {command:<58} # {what}\n"));
    }
    out.push_str("\nFrom the source tree, run them as `cargo run --release -- -w ");
    out.push_str(&format!("{shown} list` and so on.\n"));
    ctx.ui.out(&out)
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

/// Makes `root` ready: created, or an earlier demo cleared; anything else is refused.
fn prepare_folder(root: &Path) -> Result<(), CliError> {
    if root.exists() {
        let empty = fs_err::read_dir(root)?.next().is_none();
        if root.join(MARKER).exists() {
            fs_err::remove_dir_all(root)?;
        } else if !empty {
            return Err(CliError::user(format!(
                "{} exists and is not an earlier demo",
                root.display()
            ))
            .hint("pass an empty or new folder: `iepcase demo /tmp/iepcase-demo`"));
        }
    }
    fs_err::create_dir_all(root)?;
    fs_err::write(
        root.join(MARKER),
        "This folder was made by `iepcase demo` and is replaced by the next one.\n",
    )?;
    Ok(())
}

fn build(ctx: &Ctx, root: &Path) -> Result<Case, CliError> {
    let config = Config {
        state: Some("MS".into()),
        identity: Some("demo-identity.txt".into()),
        author: Author {
            name: Some("Delphine Akerwood".into()),
            email: Some("advocate@example.org".into()),
        },
        advocate: Some(Advocate {
            name: Some("Delphine Akerwood".into()),
            role: Some("Parent advocate".into()),
            organization: Some("Gulf Coast Family Advocacy (fictional)".into()),
            email: Some("advocate@example.org".into()),
            phone: Some("(601) 555-0142".into()),
            address: Some("P.O. Box 1200, Jackson, MS 39201".into()),
        }),
        ..Config::default()
    };
    let ws = Workspace::create(root, &config)?;
    let identity_path = root.join("demo-identity.txt");
    let public = super::keys::write_identity(ctx, &identity_path, false)?;
    let identities = iepcase::crypto::Identities::load(&identity_path, &iepcase::crypto::NoPrompt)?;
    let author = iepcase::git::CommitContext {
        name: config.author.name.clone().unwrap_or_default(),
        email: config.author.email.clone().unwrap_or_default(),
        time: ctx.now.as_second(),
    };
    let members = vec![(
        public.parse::<Recipient>()?,
        Some("Demo advocate".to_owned()),
    )];
    let case_dir = ws.case_dir(DEMO_SLUG);
    let first = iepcase::example::records().first().map(|r| r.text);
    let opened = first
        .and_then(|t| iepcase::record::parse_record(t, "x").ok())
        .map_or(author.time, |r| r.common.date.utc_seconds_at(16));
    let created = iepcase::git::CommitContext {
        time: opened,
        ..author.clone()
    };
    Case::create(
        &case_dir,
        DEMO_SLUG,
        iepcase::example::meta(),
        &members,
        &created,
    )?;
    let case = Case::open(&case_dir, DEMO_SLUG, &identities)?;
    let lock = CaseLock::acquire(
        &case_dir,
        DEMO_SLUG,
        "demo",
        std::time::Duration::ZERO,
        &mut |_| {},
    )?;
    iepcase::example::import(&case, &lock, &author)?;
    Ok(case)
}

/// `root` as the user can type it: relative to the current folder when inside it.
fn display_path(ctx: &Ctx, root: &Path) -> String {
    match root.strip_prefix(&ctx.cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => root.display().to_string(),
    }
}

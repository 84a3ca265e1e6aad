//! `iepcase demo [DIR]`: a throwaway workspace with its own identity and the example case,
//! and a due-process evidence bundle of it.

mod setup;

use std::path::{Path, PathBuf};

use clap::Args;
use iepcase::bundle::{Options, Purpose};
use iepcase::record::RecordId;
use iepcase::workspace::Workspace;

use super::context::Ctx;
use super::error::CliError;

/// The demo case's slug: initials and a year, never a name.
pub const DEMO_SLUG: &str = "eq-2025";
/// The amended IEP the example dispute is about: exhibit 1 of the demo bundle.
const DISPUTED_IEP: &str = "0sahk8ww6n";

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
    let config = Workspace::open(&root)?.config;
    let (_, manifest) = super::bundle::build::make(&case, &config, &options, &bundle_dir)?;
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
    let tries = [
        (format!("{w} list"), "every record, in date order"),
        (
            format!("{w} show x760"),
            "the annual IEP, as its TOML record",
        ),
        (format!("{w} list --kind refusal"), "the three refusals"),
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

//! Setting up the demo folder: clearing an earlier demo, creating the workspace, its
//! identity and the example case.

use std::path::Path;

use iepcase::crypto::Recipient;
use iepcase::store::Case;
use iepcase::workspace::{Advocate, Author, Config, Workspace};

use super::super::context::Ctx;
use super::super::error::CliError;
use super::DEMO_SLUG;

/// The file that marks a folder as a demo iepcase may replace.
const MARKER: &str = ".iepcase-demo";

/// Makes `root` ready: created, or an earlier demo cleared; anything else is refused.
pub fn prepare_folder(root: &Path) -> Result<(), CliError> {
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

/// Builds the demo workspace and returns its case, open.
pub fn build(ctx: &Ctx, root: &Path) -> Result<Case, CliError> {
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
    let public = crate::cli::common::identity::write_identity(ctx, &identity_path, false)?;
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
    let (case, lock) = Case::open_locked(
        &case_dir,
        DEMO_SLUG,
        &identities,
        "demo",
        std::time::Duration::ZERO,
        &mut |_| {},
        &created,
    )?;
    iepcase::example::import(&case, &lock, &author)?;
    drop(lock);
    Ok(case)
}

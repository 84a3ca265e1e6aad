//! `demo`: a throwaway workspace with an identity of its own and the example case, and what
//! a first look at that case shows.

use std::path::Path;

use crate::check::{Code, Severity};
use crate::crypto::{Identities, NoPrompt, Recipient};
use crate::diff::Change;
use crate::git::CommitContext;
use crate::record::{Date, RecordId};
use crate::rules::Deadline;
use crate::store::Case;
use crate::timeline::Entry;
use crate::workspace::{Advocate, Author, Config, Workspace};

use super::check::Evaluation;
use super::urgency::Urgency;
use super::{Notice, OpsError};

/// The demo case's slug: initials and a year, never a name.
pub const SLUG: &str = "eq-2025";
/// The annual IEP and its amendment, which the example dispute is about; the amendment is
/// exhibit 1 of the demo bundle.
pub const ANNUAL_IEP: &str = "x760srq3ep";
pub const DISPUTED_IEP: &str = "0sahk8ww6n";
/// "Today" in the example case's story (examples/README.md).
pub const STORY_TODAY: &str = "2026-11-28";
/// The identity file of the demo, inside its folder.
pub const IDENTITY: &str = "demo-identity.txt";

/// The file that marks a folder as a demo iepcase may replace.
const MARKER: &str = ".iepcase-demo";

/// Makes `root` ready for a demo: created, or an earlier demo cleared; a folder with anything
/// else in it is refused.
pub fn prepare_folder(root: &Path) -> Result<(), OpsError> {
    if root.exists() {
        let empty = fs_err::read_dir(root)
            .map_err(OpsError::File)?
            .next()
            .is_none();
        if root.join(MARKER).exists() {
            fs_err::remove_dir_all(root).map_err(OpsError::File)?;
        } else if !empty {
            return Err(OpsError::NotADemo {
                path: root.to_owned(),
            });
        }
    }
    fs_err::create_dir_all(root).map_err(OpsError::File)?;
    fs_err::write(
        root.join(MARKER),
        "This folder was made by `iepcase demo` and is replaced by the next one.\n",
    )
    .map_err(OpsError::File)
}

/// The demo workspace's settings: Mississippi, and a fictional advocate who signs.
fn config() -> Config {
    Config {
        state: Some("MS".into()),
        identity: Some(IDENTITY.into()),
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
    }
}

/// Creates the demo workspace in `root` (made ready by [`prepare_folder`]) with its identity
/// and the example case, opened on the day of its first record and filled at `now`; returns
/// the case, open.
pub fn create(root: &Path, now: jiff::Timestamp) -> Result<Case, OpsError> {
    let ws = Workspace::create(root, &config())?;
    let identity_path = root.join(IDENTITY);
    let public = super::keys::write_identity(&identity_path, &now.to_string(), None)?;
    let identities = Identities::load(&identity_path, &NoPrompt)?;
    let author = ws.commit_context(now.as_second());
    let members = vec![(
        public.parse::<Recipient>()?,
        Some("Demo advocate".to_owned()),
    )];
    let case_dir = ws.case_dir(SLUG);
    let first = crate::example::records().first().map(|r| r.text);
    let opened = first
        .and_then(|t| crate::record::parse_record(t, "x").ok())
        .map_or(author.time, |r| r.common.date.utc_seconds_at(16));
    let created = CommitContext {
        time: opened,
        ..author.clone()
    };
    Case::create(&case_dir, SLUG, crate::example::meta(), &members, &created)?;
    let (case, lock) = Case::open_locked(
        &case_dir,
        SLUG,
        &identities,
        "demo",
        std::time::Duration::ZERO,
        &mut |_| {},
        &created,
    )?;
    crate::example::import(&case, &lock, &author)?;
    drop(lock);
    Ok(case)
}

/// The demo's evidence bundle: for due process, from the disputed IEP on, Bates-numbered
/// with the case's prefix.
pub fn bundle_options(case: &Case) -> Result<crate::bundle::Options, OpsError> {
    let mut options = crate::bundle::Options::new(crate::bundle::Purpose::DueProcess);
    options.bates = case.meta()?.1.bates_prefix;
    options.first = RecordId::parse(DISPUTED_IEP);
    Ok(options)
}

/// What a first look at the demo case shows.
pub struct Tour {
    /// What the amended IEP changed from the annual one.
    pub amended: Vec<Change>,
    /// The last events of the timeline, oldest first.
    pub latest: Vec<Entry>,
    /// The story's today, and the case's deadlines and findings on it.
    pub today: Date,
    pub evaluation: Evaluation,
}

/// How many events [`Tour::latest`] holds.
const LATEST: usize = 6;

/// The first look at the demo case of the workspace in `root`.
pub fn tour(root: &Path, case: &Case) -> Result<Tour, OpsError> {
    let ids = |id| RecordId::parse(id).expect("the example's ids are valid");
    let (a, b) = (
        case.read_record(&ids(ANNUAL_IEP))?,
        case.read_record(&ids(DISPUTED_IEP))?,
    );
    let amended = crate::diff::diff_records((&a.text, &a.record), (&b.text, &b.record));
    let loaded = case.records()?;
    let mut latest = crate::timeline::build(&loaded.records, &[], &Default::default());
    latest.drain(..latest.len().saturating_sub(LATEST));
    let today: Date = STORY_TODAY.parse().expect("the story's today is a date");
    let ws = Workspace::open(root)?;
    let book = ws.rulebook()?;
    let facts = super::cases::CaseFacts::read(case, false)?;
    let rules = ws.rules_for(&facts.meta, &book).set;
    Ok(Tour {
        amended,
        latest,
        today,
        evaluation: super::check::evaluate(&facts, rules, today),
    })
}

/// What `check` finds on the story's today, counted for the tour.
#[derive(Debug, PartialEq, Eq)]
pub struct FindingCounts<'a> {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Each code found, with its severity and how often, the most severe first.
    pub codes: Vec<(Severity, Code, usize)>,
    /// What is still to do before the next meeting, one line each.
    pub preparation: Vec<&'a str>,
}

impl Tour {
    /// What the amended IEP changed that the tour shows: its services and accommodations,
    /// as `diff` words them.
    pub fn amended_lines(&self) -> Vec<String> {
        let diff = crate::diff::RecordDiff {
            from: String::new(),
            to: String::new(),
            changes: self.amended.clone(),
        };
        crate::diff::render::to_text(&diff)
            .lines()
            .skip(2)
            .filter(|l| l.starts_with("services") || l.contains("accommodations"))
            .map(str::to_owned)
            .collect()
    }

    /// The deadlines overdue or due soon on the story's today, earliest first; the others
    /// are counted, not shown.
    pub fn soon(&self) -> Vec<&Deadline> {
        let mut soon: Vec<&Deadline> = (self.evaluation.deadlines.iter())
            .filter(|d| Urgency::of(d) <= Urgency::DueSoon)
            .collect();
        soon.sort_by_key(|d| (d.due, d.due_time));
        soon
    }

    /// The findings counted by severity and by code, apart from what is still to do before
    /// the next meeting.
    pub fn finding_counts(&self) -> FindingCounts<'_> {
        let (preparation, findings): (Vec<_>, Vec<_>) =
            (self.evaluation.findings.iter()).partition(|f| f.code.is_preparation());
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        let mut codes: Vec<(Severity, Code, usize)> = Vec::new();
        for f in &findings {
            match codes.iter_mut().find(|(_, c, _)| *c == f.code) {
                Some(entry) => entry.2 += 1,
                None => codes.push((f.severity, f.code, 1)),
            }
        }
        codes.sort_by_key(|c| std::cmp::Reverse(c.0));
        FindingCounts {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Info),
            codes,
            preparation: preparation.iter().map(|f| f.message.as_str()).collect(),
        }
    }
}

/// What `demo` tells on stderr once the workspace is built in `root`: what it holds, its
/// bundle of `exhibits` exhibits and `pages` pages in `bundle_dir`, and, when an identity
/// is set from outside (`identity_set`), that it must be unset to open the demo.
pub fn built_notices(
    root: &Path,
    bundle_dir: &Path,
    exhibits: usize,
    pages: usize,
    identity_set: bool,
) -> Vec<Notice> {
    let count = crate::example::records().len();
    let mut told = vec![
        Notice::Status(format!(
            "Built a demo workspace in {} with case `{SLUG}` ({count} records)",
            root.display()
        )),
        Notice::Status(
            "It tells a fictional Mississippi dispute, from an annual IEP to a due-process \
             complaint."
                .into(),
        ),
        Notice::Status(
            "Everything in it is encrypted to the demo's own identity, demo-identity.txt.".into(),
        ),
        Notice::Status(format!(
            "It holds a due-process evidence bundle of the case ({exhibits} exhibits, {pages} \
             pages, not encrypted) in {}\n",
            bundle_dir.display()
        )),
    ];
    if identity_set {
        told.push(Notice::Warning(
            "IEPCASE_IDENTITY is set: unset it to open the demo with its own identity".into(),
        ));
    }
    told
}

impl Tour {
    /// A first look at the case as text: what the amended IEP changed, and the latest
    /// events; `w` starts each command (`iepcase -w FOLDER`).
    pub fn highlights(&self, w: &str) -> String {
        let mut out = format!("What the amended IEP changed ({w} diff x760 0sah):\n");
        for line in self.amended_lines() {
            out.push_str(&format!("  {line}\n"));
        }
        out.push_str(&format!("\nThe latest events ({w} timeline):\n"));
        for row in crate::timeline::rows(&self.latest) {
            out.push_str(&format!("  {:<17} {:<22} {}\n", row[0], row[1], row[2]));
        }
        out.push('\n');
        out
    }
}

/// The commands to try next as text, each with what it shows, then where the bundle is;
/// `w` starts each command and `shown` is the folder as the user can type it.
pub fn tries_text(w: &str, shown: &str) -> String {
    let mut out = String::from("Try:\n");
    for (command, what) in tries(w, shown) {
        out.push_str(&format!("  {command:<58} # {what}\n"));
    }
    out.push_str("\nFrom the source tree, run them as `cargo run --release -- -w ");
    out.push_str(&format!("{shown} list` and so on.\n"));
    out.push_str(&format!(
        "\nThe evidence bundle: {shown}/bundle/bundle.pdf, indexed in {shown}/bundle/index.html\n"
    ));
    out
}

/// The commands to try next in the demo, each with what it shows; `w` starts each command
/// (`iepcase -w FOLDER`) and `shown` is the folder as the user can type it.
pub fn tries(w: &str, shown: &str) -> Vec<(String, &'static str)> {
    vec![
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
            format!("ls {shown}/cases/{SLUG}/records"),
            "what a remote would see: random ids, ciphertext",
        ),
        (
            format!("{w} bundle verify {shown}/bundle"),
            "check the evidence bundle against its manifest",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_replaces_only_an_earlier_demo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("demo");
        prepare_folder(&root).unwrap();
        std::fs::write(root.join("left-over"), "x").unwrap();
        prepare_folder(&root).unwrap();
        assert!(!root.join("left-over").exists());
        let mine = dir.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        prepare_folder(&mine).unwrap();
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("thesis.txt"), "mine").unwrap();
        assert!(matches!(
            prepare_folder(&other),
            Err(OpsError::NotADemo { .. })
        ));
        assert!(other.join("thesis.txt").exists());
    }

    #[test]
    fn the_demo_bundle_starts_at_the_disputed_iep_with_the_cases_bates_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("demo");
        prepare_folder(&root).unwrap();
        let case = create(&root, "2026-11-28T12:00:00Z".parse().unwrap()).unwrap();
        let options = bundle_options(&case).unwrap();
        assert_eq!(
            options.first.as_ref().map(RecordId::as_str),
            Some(DISPUTED_IEP)
        );
        assert_eq!(options.bates.as_deref(), Some("EQ"));
    }

    #[test]
    fn the_demo_case_tells_the_story_up_to_its_today() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("demo");
        prepare_folder(&root).unwrap();
        let now: jiff::Timestamp = "2026-11-28T12:00:00Z".parse().unwrap();
        let case = create(&root, now).unwrap();
        assert_eq!(case.slug(), SLUG);
        let tour = tour(&root, &case).unwrap();
        assert!(!tour.amended.is_empty());
        assert_eq!(tour.latest.len(), LATEST);
        assert!(tour.latest.windows(2).all(|w| w[0].date <= w[1].date));
        assert!(!tour.evaluation.findings.is_empty());

        // The first look: services and accommodations the amendment changed, the clocks
        // that press, and the findings counted.
        let lines = tour.amended_lines();
        assert!(!lines.is_empty());
        assert!(
            lines
                .iter()
                .all(|l| l.starts_with("services") || l.contains("accommodations")),
            "{lines:?}"
        );
        let soon = tour.soon();
        assert!(!soon.is_empty());
        assert!(soon.iter().all(|d| Urgency::of(d) <= Urgency::DueSoon));
        assert!(
            soon.windows(2)
                .all(|w| (w[0].due, w[0].due_time) <= (w[1].due, w[1].due_time))
        );
        assert!(soon.len() < tour.evaluation.deadlines.len());
        let counts = tour.finding_counts();
        let counted: usize = counts.codes.iter().map(|c| c.2).sum();
        assert_eq!(counts.errors + counts.warnings + counts.notes, counted);
        assert_eq!(
            counted + counts.preparation.len(),
            tour.evaluation.findings.len()
        );
        assert!(counts.codes.windows(2).all(|w| w[0].0 >= w[1].0));
        assert!(counts.codes.iter().all(|c| !c.1.is_preparation()));

        // The tour's text begins with the amendment and ends with the commands to try.
        let text = tour.highlights("iepcase -w demo");
        assert!(
            text.starts_with(&format!(
                "What the amended IEP changed (iepcase -w demo diff x760 0sah):\n  {}\n",
                lines[0]
            )),
            "{text}"
        );
        assert!(text.contains("\n\nThe latest events (iepcase -w demo timeline):\n  20"));
        assert!(text.ends_with("\n\n"));
    }

    #[test]
    fn the_commands_to_try_are_aligned_and_the_bundle_named() {
        let text = tries_text("iepcase -w demo", "demo");
        assert!(text.starts_with("Try:\n  iepcase -w demo list  "), "{text}");
        let first = text.lines().nth(1).unwrap();
        assert_eq!(first.find(" # "), Some(60), "{first}");
        assert!(text.ends_with(
            "\n\nThe evidence bundle: demo/bundle/bundle.pdf, indexed in demo/bundle/index.html\n"
        ));
    }

    #[test]
    fn the_built_demo_is_described_and_an_outside_identity_warned_about() {
        let root = Path::new("demo");
        let told = built_notices(root, &root.join("bundle"), 34, 48, false);
        assert_eq!(told.len(), 4);
        assert_eq!(
            told[3],
            Notice::Status(
                "It holds a due-process evidence bundle of the case (34 exhibits, 48 pages, not \
                 encrypted) in demo/bundle\n"
                    .into()
            )
        );
        let told = built_notices(root, &root.join("bundle"), 34, 48, true);
        assert!(matches!(&told[4], Notice::Warning(w) if w.starts_with("IEPCASE_IDENTITY is set")));
    }

    #[test]
    fn every_try_starts_with_the_workspace_or_lists_its_files() {
        let tries = tries("iepcase -w demo", "demo");
        assert_eq!(tries.len(), 14);
        assert!(
            tries
                .iter()
                .all(|(command, _)| command.starts_with("iepcase -w demo ")
                    || command == "ls demo/cases/eq-2025/records")
        );
    }
}

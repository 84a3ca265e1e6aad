//! Evidence bundles (SPEC section 8): a case turned into the binder a hearing officer,
//! mediator or state investigator expects.
//!
//! ```text
//! <out>/bundle.pdf          cover, exhibit index, every exhibit with its attachments, stamped
//! <out>/index.html          the index as a self-contained page linking to the files
//! <out>/index.md            the index as Markdown
//! <out>/exhibits/P-001.pdf  one file per exhibit, plus copies of audio, video and other files
//! <out>/manifest.json       what was built from what, and the SHA-256 of every file
//! ```
//!
//! The flow is one way: [`plan`] picks and numbers the exhibits (pure), [`build`] reads what
//! the plan needs from the case and renders every file in memory, [`write`] puts them on disk
//! in one rename, and [`verify`] checks a bundle against its manifest later. Bundles are
//! deterministic: dates come from the source commit, never from the clock, and the same
//! commit and options give byte-identical files. This module never prints; the command line
//! reports what it returns.

mod advice;
mod attach;
pub mod disclosed;
mod folder;
mod index;
mod manifest;
mod notes;
pub mod pdf;
pub mod plan;
pub mod redact;
pub(crate) mod text;
mod verify;
mod view;
mod write;

use crate::record::enums::string_enum;
use crate::record::{CaseMeta, Date, Kind, RecordId};
use crate::store::{Case, StoreError};

pub use attach::{AttachmentProblem, unbindable};
pub use folder::manifest_hash;
pub use manifest::{Manifest, ManifestExhibit, ManifestFile, ManifestInitials, NotRewritten};
pub use notes::Disclosure;
pub use plan::{BundlePlan, Excluded, Exclusion, PlannedExhibit, plan};
pub use verify::{VerifyReport, verify};
pub use write::write;

/// The manifest's format line.
pub const FORMAT: &str = "iepcase-bundle 1";

string_enum! {
    /// What a bundle is for; decides what it may hold and the cover note.
    Purpose {
        Facilitation = "facilitation",
        IepMeeting = "iep-meeting",
        Mediation = "mediation",
        StateComplaint = "state-complaint",
        DueProcess = "due-process",
    }
}

impl Purpose {
    /// How the cover names the purpose.
    pub fn describe(self) -> &'static str {
        match self {
            Purpose::Facilitation => "Facilitated IEP meeting",
            Purpose::IepMeeting => "IEP meeting",
            Purpose::Mediation => "Mediation",
            Purpose::StateComplaint => "State complaint",
            Purpose::DueProcess => "Due process hearing",
        }
    }

    /// Whether mediation-confidential records may be in a bundle for this purpose: only in
    /// one for the mediation itself (34 CFR 300.506(b)(6)-(8)).
    pub fn admits_mediation(self) -> bool {
        self == Purpose::Mediation
    }
}

/// What to put in a bundle and how to number it.
#[derive(Clone, Debug)]
pub struct Options {
    pub purpose: Purpose,
    /// Only records dated on or after this day.
    pub from: Option<Date>,
    /// Only records dated on or before this day.
    pub to: Option<Date>,
    /// Only records of these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// The exhibit prefix: `P` for a parent, `D` or `B` for a district.
    pub exhibit_prefix: String,
    /// The Bates prefix; no Bates numbers when `None`.
    pub bates: Option<String>,
    /// The record pinned as exhibit 1.
    pub first: Option<RecordId>,
    pub include_privileged: bool,
    /// Put a placeholder page for an attachment that cannot be placed instead of failing,
    /// and leave out records that cannot be read.
    pub skip_broken: bool,
    /// Print the child as initials (`--initials`).
    pub initials: bool,
    /// Group the exhibits by kind behind divider pages (`--sections`).
    pub sections: bool,
}

impl Options {
    /// The defaults for `purpose`: everything, prefix `P`, no Bates numbers.
    pub fn new(purpose: Purpose) -> Options {
        Options {
            purpose,
            from: None,
            to: None,
            kinds: Vec::new(),
            exhibit_prefix: "P".into(),
            bates: None,
            first: None,
            include_privileged: false,
            skip_broken: false,
            initials: false,
            sections: false,
        }
    }

    /// Checks the prefixes, which end up in stamps and file names.
    pub fn validate(&self) -> Result<(), BundleError> {
        let ok = |p: &str, max: usize| {
            !p.is_empty()
                && p.len() <= max
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        if !ok(&self.exhibit_prefix, 8) {
            return Err(BundleError::BadPrefix {
                what: "an exhibit",
                prefix: self.exhibit_prefix.clone(),
                max: 8,
            });
        }
        if let Some(bates) = &self.bates
            && !ok(bates, 16)
        {
            return Err(BundleError::BadPrefix {
                what: "a Bates",
                prefix: bates.clone(),
                max: 16,
            });
        }
        Ok(())
    }
}

/// Where a bundle comes from: the case at one commit, and who prepared it.
#[derive(Clone, Debug)]
pub struct Source {
    pub slug: String,
    /// The full id of the commit the bundle is built from.
    pub commit: String,
    /// The commit's time, seconds since the Unix epoch: the bundle's date.
    pub time: i64,
    /// The name on the cover's "Prepared by" line.
    pub prepared_by: Option<String>,
}

/// Something the user should know about a bundle that was built all the same.
#[derive(Debug)]
pub enum Notice {
    /// An attachment replaced by a placeholder page (`--skip-broken`).
    Skipped {
        id: RecordId,
        name: String,
        problem: AttachmentProblem,
    },
    /// An attachment of a type that cannot be printed, copied beside the bundle.
    Copied {
        id: RecordId,
        name: String,
        file: String,
    },
    /// The pinned record lies outside `--from`, `--to` or `--kind` and was kept.
    FirstOutsideFilters { id: RecordId },
    /// `--initials` without an `initials` field in the case: these were derived from the name.
    InitialsDerived { initials: String },
    /// `--initials`: an attachment iepcase does not rewrite, bound as it is, which may still
    /// show the child's name (a picture, a scan, a copied file).
    MayNameChild { id: RecordId, name: String },
    /// `--initials`: an attached PDF whose text names the child, replaced by a placeholder
    /// page.
    NamesChild { id: RecordId, name: String },
}

/// What goes into one output file.
#[derive(Clone, Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    /// An attachment, decrypted from the case while writing (media can be large).
    Attachment {
        record: RecordId,
        attachment: crate::record::Attachment,
    },
}

/// One output file, by its path relative to the bundle folder.
#[derive(Clone, Debug)]
pub struct OutputFile {
    pub path: String,
    pub content: Content,
}

/// A rendered bundle, ready to write.
#[derive(Debug)]
pub struct Bundle {
    pub manifest: Manifest,
    /// Every file but `manifest.json`, sorted by path.
    pub files: Vec<OutputFile>,
    pub excluded: Vec<Excluded>,
    pub filtered_out: usize,
    pub notices: Vec<Notice>,
    /// For a due-process bundle with a hearing on record: the last day to disclose it.
    pub disclosure: Option<Disclosure>,
    /// Meetings still to come, listed on the cover instead of bound: id, date and title.
    pub upcoming: Vec<(RecordId, Date, String)>,
}

/// Errors building, writing or verifying a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("`{prefix}` cannot be {what} prefix: use 1 to {max} letters, digits or `_`")]
    BadPrefix {
        what: &'static str,
        prefix: String,
        max: usize,
    },
    #[error("--from {from} is after --to {to}")]
    EmptyRange { from: Date, to: Date },
    #[error("record {id} cannot be read, so the bundle would be incomplete")]
    BrokenRecord { id: RecordId },
    #[error("record {id} is not in this case")]
    FirstNotFound { id: RecordId },
    #[error("record {id} cannot be exhibit 1 of a {purpose} bundle: it is {}", why.reason(*purpose))]
    FirstExcluded {
        id: RecordId,
        why: Exclusion,
        purpose: Purpose,
    },
    #[error(
        "no records to bundle for {purpose} ({excluded} left out by rule, {filtered_out} by \
         --from, --to or --kind)"
    )]
    NothingToBundle {
        purpose: Purpose,
        excluded: usize,
        filtered_out: usize,
    },
    #[error("attachment `{name}` of record {id} cannot be placed in the bundle: {problem}")]
    Attachment {
        id: RecordId,
        name: String,
        problem: AttachmentProblem,
    },
    #[error("typesetting the bundle failed: {}", messages.join("; "))]
    Typeset { messages: Vec<String> },
    #[error("{} is not empty and holds no earlier bundle", path.display())]
    OutNotEmpty { path: std::path::PathBuf },
    #[error("{} already holds a bundle, which is never replaced unasked", path.display())]
    EarlierBundle { path: std::path::PathBuf },
    #[error("cannot read or write {}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{} holds no bundle manifest", path.display())]
    NotABundle { path: std::path::PathBuf },
    #[error("{} is not a bundle manifest iepcase can read", path.display())]
    BadManifest {
        path: std::path::PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "record {id} cannot be bound with its confidential fields or the child's name withheld"
    )]
    Withhold { id: RecordId },
    #[error("the case has no commit to build a bundle from")]
    NoCommit { source: git2::Error },
}

impl From<crate::typeset::TypesetError> for BundleError {
    fn from(e: crate::typeset::TypesetError) -> Self {
        BundleError::Typeset {
            messages: e.messages,
        }
    }
}

impl BundleError {
    fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
        move |source| BundleError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// About how many pages a bundle will have: a page per exhibit, the pages of its PDFs and
/// a page per other attachment, plus the cover and index.
fn estimated_pages(prepared: &attach::Prepared, exhibits: usize) -> usize {
    let attachments: usize = prepared
        .parts
        .iter()
        .flatten()
        .map(|part| match &part.kind {
            attach::PartKind::Pdf { pages, .. } => pages.len(),
            attach::PartKind::Images { pages } => pages.len(),
            _ => 1,
        })
        .sum();
    2 + exhibits + attachments
}

/// The source of a bundle of `case` at HEAD, prepared by `prepared_by`.
pub fn source(case: &Case, prepared_by: Option<&str>) -> Result<Source, BundleError> {
    let commit = case
        .repo()
        .head()
        .and_then(|head| head.peel_to_commit())
        .map_err(|source| BundleError::NoCommit { source })?;
    Ok(Source {
        slug: case.slug().to_owned(),
        commit: commit.id().to_string(),
        time: commit.time().seconds(),
        prepared_by: prepared_by
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    })
}

/// Where a bundle being built has got to, for progress displays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Decrypting and checking the attachments of this many exhibits.
    Preparing { exhibits: usize },
    /// Typesetting about this many pages.
    Typesetting { pages: usize },
}

/// Builds the bundle of `case` at HEAD with `options`, every file rendered in memory except
/// the attachments copied as they are. Dates on the cover (the disclosure date before a
/// hearing, the look-back limit) come from `rules`, the case's rule set, like `deadlines`.
pub fn build(
    case: &Case,
    options: &Options,
    source: &Source,
    rules: &crate::rules::RuleSet,
) -> Result<Bundle, BundleError> {
    build_with_progress(case, options, source, rules, &mut |_| {})
}

/// [`build`], telling `on_stage` where it has got to.
pub fn build_with_progress(
    case: &Case,
    options: &Options,
    source: &Source,
    rules: &crate::rules::RuleSet,
    on_stage: &mut dyn FnMut(Stage),
) -> Result<Bundle, BundleError> {
    options.validate()?;
    let (_, meta) = case.meta()?;
    let loaded = case.records()?;
    let broken: Vec<RecordId> = loaded.broken.iter().map(|b| b.id.clone()).collect();
    // Exhibit pages show links as `check` and `deadlines` see them, inferred ones marked.
    let linked = case.linked(&loaded);
    let now = jiff::Timestamp::from_second(source.time)
        .ok()
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).datetime());
    // Every renderer works from the withheld copies, so none can show what another hides.
    let names = options.initials.then(|| redact::Names::new(&meta));
    let needs_copies = names.is_some()
        || linked
            .records
            .iter()
            .any(|r| !r.record.common.confidential_fields.is_empty());
    let copies = needs_copies
        .then(|| {
            linked
                .records
                .iter()
                .map(|r| redact::record(r, names.as_ref()))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let records = copies.as_deref().unwrap_or(&linked.records);
    let mut plan = plan::plan(records, &broken, options, now)?;
    for exhibit in &mut plan.exhibits {
        exhibit.inferred = linked
            .inferred(&exhibit.record.id)
            .iter()
            .map(|l| l.field)
            .collect();
    }
    let mut notices = Vec::new();
    if let Some(names) = names.as_ref().filter(|n| n.derived) {
        notices.push(Notice::InitialsDerived {
            initials: names.initials.clone(),
        });
    }
    if plan.first_outside_filters
        && let Some(first) = plan.exhibits.first()
    {
        notices.push(Notice::FirstOutsideFilters {
            id: first.record.id.clone(),
        });
    }
    on_stage(Stage::Preparing {
        exhibits: plan.exhibits.len(),
    });
    let mut prepared = attach::prepare(
        case,
        &plan,
        options.skip_broken,
        names.as_ref(),
        &mut notices,
    )?;
    on_stage(Stage::Typesetting {
        pages: estimated_pages(&prepared, plan.exhibits.len()),
    });
    let shown = match &names {
        Some(names) => CaseMeta {
            child: names.initials.clone(),
            ..meta.clone()
        },
        None => meta.clone(),
    };
    let cover = notes::cover(&shown, rules, &plan, &linked.records, options, source);
    let files = std::mem::take(&mut prepared.files);
    let rendered = pdf::render(&plan, &prepared, files, &cover, options, source)?;
    let mut manifest = manifest::Manifest::new(
        &plan,
        &prepared,
        &rendered.layout,
        rendered.pages,
        options,
        source,
    );
    manifest.initials = names.as_ref().map(|n| manifest::ManifestInitials {
        initials: n.initials.clone(),
        not_rewritten: notices
            .iter()
            .filter_map(|notice| match notice {
                Notice::MayNameChild { id, name } => Some(manifest::NotRewritten {
                    record: id.to_string(),
                    name: name.clone(),
                    bound: true,
                }),
                Notice::NamesChild { id, name } => Some(manifest::NotRewritten {
                    record: id.to_string(),
                    name: name.clone(),
                    bound: false,
                }),
                _ => None,
            })
            .collect(),
    });
    let index = index::Index::new(&manifest, &cover);
    let mut files = rendered.files;
    files.extend(prepared.copies.iter().cloned());
    files.push(OutputFile {
        path: "index.html".into(),
        content: Content::Bytes(index.html().into_bytes()),
    });
    files.push(OutputFile {
        path: "index.md".into(),
        content: Content::Bytes(index.markdown().into_bytes()),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Bundle {
        manifest,
        files,
        excluded: plan.excluded.clone(),
        filtered_out: plan.filtered_out,
        notices,
        disclosure: cover.disclosure.clone(),
        upcoming: plan
            .upcoming
            .iter()
            .map(|r| (r.id.clone(), r.record.date(), r.record.title().to_owned()))
            .collect(),
    })
}

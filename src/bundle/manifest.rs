//! `manifest.json`: what a bundle was built from (tool, case, commit, options), its exhibits
//! with their pages and Bates numbers, and the SHA-256 of every other file in the folder.
//!
//! The shape is documented in `docs/json.md` and is stable: `bundle verify` of a later
//! iepcase reads manifests of earlier ones.

use serde::{Deserialize, Serialize};

use super::attach::Prepared;
use super::notes::commit_date;
use super::pdf::Layout;
use super::plan::BundlePlan;
use super::{FORMAT, Options, Source};

/// The tool that built a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The options a bundle was built with, as given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestOptions {
    pub purpose: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub kinds: Vec<String>,
    pub exhibit_prefix: String,
    pub bates: Option<String>,
    pub first: Option<String>,
    pub include_privileged: bool,
    pub skip_broken: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub initials: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sections: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Where a part of `bundle.pdf` (the index, the chronology) lies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPart {
    pub pages: [usize; 2],
    pub bates: Option<[String; 2]>,
}

/// A section divider of a bundle built with `--sections`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSection {
    pub number: usize,
    pub kind: String,
    pub title: String,
    /// The divider's page in `bundle.pdf`.
    pub page: usize,
    pub bates: Option<String>,
    /// The labels of the section's first and last exhibit.
    pub exhibits: [String; 2],
}

/// What `--initials` did, and what it could not do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestInitials {
    /// The initials printed for the child.
    pub initials: String,
    /// Attachments iepcase does not rewrite: bound as they are (`bound`), so they may still
    /// show the child's name, or left out because their text names the child.
    pub not_rewritten: Vec<NotRewritten>,
}

/// One attachment `--initials` could not rewrite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotRewritten {
    pub record: String,
    pub name: String,
    pub bound: bool,
}

/// One attachment of an exhibit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestAttachment {
    pub name: String,
    /// SHA-256 of the original file.
    pub sha256: String,
    /// Where the original is copied in the bundle folder, for files not printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// One exhibit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestExhibit {
    pub number: usize,
    pub label: String,
    pub record: String,
    pub date: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub record_type: Option<String>,
    pub title: String,
    /// First and last page in `bundle.pdf`.
    pub pages: [usize; 2],
    /// First and last Bates number, when the bundle has them.
    pub bates: Option<[String; 2]>,
    /// The exhibit's own PDF, `exhibits/P-003.pdf`.
    pub file: String,
    /// SHA-256 of that file.
    pub sha256: String,
    pub attachments: Vec<ManifestAttachment>,
    /// The fields withheld from this exhibit (`confidential_fields`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<String>,
}

/// One file of the bundle folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// The whole manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub tool: Tool,
    pub case: String,
    pub source_commit: String,
    /// The source commit's time (UTC), which dates the bundle.
    pub source_time: String,
    pub options: ManifestOptions,
    /// Pages in `bundle.pdf`.
    pub pages: usize,
    /// The exhibit index's pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<ManifestPart>,
    /// The chronology's pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronology: Option<ManifestPart>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<ManifestSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initials: Option<ManifestInitials>,
    pub exhibits: Vec<ManifestExhibit>,
    /// Every file but `manifest.json`, sorted by path; filled in as they are written.
    pub files: Vec<ManifestFile>,
}

/// `EQ-000042`.
pub fn bates_number(prefix: &str, page: usize) -> String {
    format!("{prefix}-{page:06}")
}

impl Manifest {
    /// The manifest of a planned and rendered bundle, without its file list yet.
    pub fn new(
        plan: &BundlePlan<'_>,
        prepared: &Prepared,
        layout: &Layout,
        pages: usize,
        options: &Options,
        source: &Source,
    ) -> Manifest {
        let exhibits = plan
            .exhibits
            .iter()
            .zip(&layout.exhibits)
            .zip(&prepared.parts)
            .map(|((exhibit, &(first, last)), parts)| {
                let record = &exhibit.record.record;
                ManifestExhibit {
                    number: exhibit.number,
                    label: exhibit.label.clone(),
                    record: exhibit.record.id.to_string(),
                    date: record.date().to_string(),
                    kind: record.kind().to_string(),
                    record_type: record.type_name().map(str::to_owned),
                    title: record.title().to_owned(),
                    pages: [first, last],
                    bates: options
                        .bates
                        .as_ref()
                        .map(|p| [bates_number(p, first), bates_number(p, last)]),
                    file: format!("exhibits/{}.pdf", exhibit.file_stem),
                    sha256: String::new(),
                    attachments: parts
                        .iter()
                        .map(|p| ManifestAttachment {
                            name: p.name.clone(),
                            sha256: p.sha256.clone(),
                            file: p.copied_to.clone(),
                        })
                        .collect(),
                    withheld: record.common.confidential_fields.clone(),
                }
            })
            .collect();
        let part = |(first, last): (usize, usize)| ManifestPart {
            pages: [first, last],
            bates: options
                .bates
                .as_ref()
                .map(|p| [bates_number(p, first), bates_number(p, last)]),
        };
        let time = jiff::Timestamp::from_second(source.time)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| commit_date(source.time).to_string());
        Manifest {
            format: FORMAT.into(),
            tool: Tool {
                name: "iepcase".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            case: source.slug.clone(),
            source_commit: source.commit.clone(),
            source_time: time,
            options: ManifestOptions {
                purpose: options.purpose.to_string(),
                from: options.from.map(|d| d.to_string()),
                to: options.to.map(|d| d.to_string()),
                kinds: options.kinds.iter().map(|k| k.to_string()).collect(),
                exhibit_prefix: options.exhibit_prefix.clone(),
                bates: options.bates.clone(),
                first: options.first.as_ref().map(|id| id.to_string()),
                include_privileged: options.include_privileged,
                skip_broken: options.skip_broken,
                initials: options.initials,
                sections: options.sections,
            },
            pages,
            index: Some(part(layout.index)),
            chronology: Some(part(layout.chronology)),
            sections: super::plan::sections(plan)
                .into_iter()
                .zip(&layout.dividers)
                .enumerate()
                .map(|(i, (kind, &page))| {
                    let labels: Vec<&str> = plan
                        .exhibits
                        .iter()
                        .filter(|e| e.section == Some(kind))
                        .map(|e| e.label.as_str())
                        .collect();
                    ManifestSection {
                        number: i + 1,
                        kind: kind.to_string(),
                        title: super::pdf::section_title(kind).to_owned(),
                        page,
                        bates: options.bates.as_ref().map(|p| bates_number(p, page)),
                        exhibits: [
                            labels.first().copied().unwrap_or_default().to_owned(),
                            labels.last().copied().unwrap_or_default().to_owned(),
                        ],
                    }
                })
                .collect(),
            initials: None,
            exhibits,
            files: Vec::new(),
        }
    }

    /// Records the written files, and each exhibit's file hash.
    pub fn set_files(&mut self, files: Vec<ManifestFile>) {
        for exhibit in &mut self.exhibits {
            if let Some(file) = files.iter().find(|f| f.path == exhibit.file) {
                exhibit.sha256 = file.sha256.clone();
            }
        }
        self.files = files;
    }

    /// The manifest as written: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("manifests serialize");
        text.push('\n');
        text
    }
}

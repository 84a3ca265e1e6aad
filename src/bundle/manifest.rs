//! `manifest.json`: what a bundle was built from (tool, case, commit, options), its exhibits
//! with their pages and Bates numbers, and the SHA-256 of every other file in the folder.
//!
//! The shape is documented in `docs/json.md` and is stable: `bundle verify` of a later
//! iepcase reads manifests of earlier ones.

use serde::{Deserialize, Serialize};

use super::attach::Prepared;
use super::notes::commit_date;
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
        ranges: &[(usize, usize)],
        pages: usize,
        options: &Options,
        source: &Source,
    ) -> Manifest {
        let exhibits = plan
            .exhibits
            .iter()
            .zip(ranges)
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
                }
            })
            .collect();
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
            },
            pages,
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

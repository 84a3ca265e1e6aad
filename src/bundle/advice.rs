//! What to do about a bundle error, with the exact command or flag that fixes it.

use super::{BundleError, Exclusion};
use crate::ops::output::shell_word;

impl BundleError {
    /// The advice for the user; none for an error of the store underneath, which carries its
    /// own.
    pub fn hints(&self) -> Vec<String> {
        let hints: &[&str] = match self {
            BundleError::BadPrefix { .. } => {
                &["prefixes go into stamps and file names: `--exhibit-prefix P --bates EQ`"]
            }
            BundleError::EmptyRange { .. } => &["swap the dates, or drop one of them"],
            BundleError::BrokenRecord { .. } => &[
                "run `iepcase fsck` to see what is wrong",
                "or pass --skip-broken to build the bundle without it",
            ],
            BundleError::FirstNotFound { .. } => &["see the ids with `iepcase list`"],
            BundleError::FirstExcluded {
                why: Exclusion::Privileged,
                ..
            } => &["add --include-privileged if it is meant for the other side"],
            BundleError::FirstExcluded { .. } => {
                &["pick another record for exhibit 1, or drop --first"]
            }
            BundleError::NothingToBundle {
                excluded: 0,
                filtered_out: 0,
                ..
            } => &["the case holds no records yet: add them with `iepcase add` first"],
            BundleError::NothingToBundle {
                filtered_out: 0, ..
            } => &[
                "every record was left out for this purpose; `iepcase list` shows what the case \
                 holds",
            ],
            BundleError::NothingToBundle { .. } => {
                &["widen --from/--to or --kind; `iepcase list` shows what the case holds"]
            }
            BundleError::Attachment { id, name, .. } => {
                return vec![
                    format!(
                        "replace the file: `iepcase extract {id}`, fix or convert `{name}`, \
                         `iepcase attach {id} FILE`, then `iepcase detach {id} {}`",
                        shell_word(name)
                    ),
                    "or pass --skip-broken to put a placeholder page in its place".to_owned(),
                ];
            }
            BundleError::OutNotEmpty { .. } => {
                &["write into a new or empty folder: `--out ~/bundles/NEW-NAME`"]
            }
            BundleError::EarlierBundle { .. } => &[
                "its manifest hash may already have been disclosed: write into a new folder \
                 (`--out ~/bundles/NEW-NAME`)",
                "or pass --force to replace the earlier bundle",
            ],
            BundleError::NotABundle { .. } | BundleError::BadManifest { .. } => {
                &["give the folder that holds the bundle's manifest.json"]
            }
            BundleError::Typeset { .. } => {
                &["this is likely a bug in iepcase: please report it with the command you ran"]
            }
            _ => &[],
        };
        hints.iter().map(|h| (*h).to_owned()).collect()
    }
}

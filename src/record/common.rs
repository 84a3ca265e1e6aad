//! Fields every record has, whatever its kind, and attachment metadata.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Kind;
use super::enums::{Confidentiality, Method};
use super::value::{Date, RecordRef, Time};

/// The fields shared by every kind (SPEC section 4, "Common fields").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Common {
    pub kind: Kind,
    /// The record format version.
    #[serde(default = "default_schema", skip_serializing_if = "is_default_schema")]
    pub schema: u32,
    /// When it happened: sent, held, filed or issued.
    pub date: Date,
    /// Orders events on the same day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// One line saying what this is.
    #[schemars(length(min = 1), regex(pattern = r"^[^\n\r]*\S[^\n\r]*$"))]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Who sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Who received it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// When the recipient got it; clocks that run from receipt use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<Date>,
    /// Links to other records in this case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RecordRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Advocate work product: never bundled unless asked. Defaults to true for notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// `mediation`: never in a due-process or state-complaint bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidential: Option<Confidentiality>,
    /// Fields withheld from every bundle: the record is bound (the fact of it), these fields
    /// are not. Any field of the kind but `kind`, `date`, `title` and the required ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confidential_fields: Vec<String>,
    /// Files attached with `iepcase attach`; set by iepcase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Any fields of your own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub extra: Option<toml::Table>,
}

fn default_schema() -> u32 {
    1
}

fn is_default_schema(schema: &u32) -> bool {
    *schema == 1
}

/// Metadata of one attached file; the file itself is `attachments/<blob>.age`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The file's original name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// SHA-256 of the plaintext, lowercase hex.
    pub sha256: String,
    /// The keyed name of the encrypted file under `attachments/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
}

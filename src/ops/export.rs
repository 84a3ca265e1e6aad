//! `export`: a case decrypted into a new private folder: `case.toml`, `records/ID.toml` and
//! `attachments/ID/NAME`, each file readable by its owner only.

use std::collections::HashSet;
use std::path::Path;

use crate::record::RecordId;
use crate::store::Case;

use super::{Notice, OpsError};

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    pub records: usize,
    pub attachments: usize,
}

/// Why an export did not start.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} is not empty", path.display())]
    NotEmpty { path: std::path::PathBuf },
    #[error("record {id} cannot be read, so the export would be incomplete")]
    Unreadable { id: RecordId },
}

/// What to tell once case `slug` is `exported` into `out`: what was written, and that it is
/// not encrypted.
pub fn exported_notices(slug: &str, exported: &Exported, out: &Path) -> Vec<Notice> {
    vec![
        Notice::Status(format!(
            "Exported case `{slug}`: {} records and {} attachments to {}",
            exported.records,
            exported.attachments,
            out.display()
        )),
        Notice::Warning(
            "the export is NOT encrypted: keep it on an encrypted disk and delete it when done"
                .into(),
        ),
    ]
}

/// Exports `case` into folder `out`, which must be new or empty: nothing is ever overwritten,
/// and nothing is written while a record cannot be read.
pub fn export(case: &Case, out: &Path) -> Result<Exported, OpsError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| OpsError::Io { path, source }
    };
    if out.exists() && std::fs::read_dir(out).map_err(io(out))?.next().is_some() {
        return Err(ExportError::NotEmpty {
            path: out.to_owned(),
        }
        .into());
    }
    let loaded = case.records()?;
    if let Some(broken) = loaded.broken.first() {
        return Err(ExportError::Unreadable {
            id: broken.id.clone(),
        }
        .into());
    }
    let private_dir = |path: &Path| -> Result<(), OpsError> {
        std::fs::create_dir_all(path).map_err(io(path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
                .map_err(io(path))?;
        }
        Ok(())
    };
    let write =
        |path: &Path, data: &[u8]| crate::atomic::write(path, data, Some(0o600)).map_err(io(path));
    private_dir(out)?;
    private_dir(&out.join("records"))?;
    let (meta, _) = case.meta()?;
    write(&out.join("case.toml"), meta.as_bytes())?;
    let mut attachments = 0;
    for stored in &loaded.records {
        let path = out.join("records").join(format!("{}.toml", stored.id));
        write(&path, stored.text.as_bytes())?;
        let files = &stored.record.common.attachments;
        if files.is_empty() {
            continue;
        }
        let dir = out.join("attachments").join(stored.id.as_str());
        private_dir(&dir)?;
        // Two files of one record may share a name: the second becomes `name-2`.
        let mut used = HashSet::new();
        for attachment in files {
            let name = super::attachments::unique_name(
                &super::attachments::safe_file_name(&attachment.name),
                &mut used,
            );
            let mut data = Vec::new();
            case.extract_attachment(&stored.id, attachment, &mut data)?;
            write(&dir.join(name), &data)?;
            attachments += 1;
        }
    }
    Ok(Exported {
        records: loaded.records.len(),
        attachments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_says_what_it_wrote_and_that_it_is_not_encrypted() {
        let exported = Exported {
            records: 3,
            attachments: 1,
        };
        let notices = exported_notices("eq", &exported, Path::new("/tmp/out"));
        assert_eq!(
            notices[0],
            Notice::Status("Exported case `eq`: 3 records and 1 attachments to /tmp/out".into())
        );
        assert!(matches!(&notices[1], Notice::Warning(w) if w.contains("NOT encrypted")));
    }
}

//! `iepcase export --out DIR`: a decrypted copy of a case, as TOML and the original files.

use std::path::PathBuf;

use clap::Args;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Folder to write into; it must not exist or be empty
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let out = ctx.absolute(&args.out);
    if out.exists() && fs_err::read_dir(&out)?.next().is_some() {
        return Err(CliError::user(format!("{} is not empty", out.display()))
            .hint("export into a new folder; nothing is ever overwritten"));
    }
    let loaded = case.records()?;
    if let Some(broken) = loaded.broken.first() {
        return Err(CliError::user(format!(
            "record {} cannot be read, so the export would be incomplete",
            broken.id
        ))
        .hint(format!(
            "run `iepcase -c {} fsck` to see what is wrong",
            case.slug()
        )));
    }
    let private_dir = |path: &std::path::Path| -> Result<(), CliError> {
        fs_err::create_dir_all(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs_err::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    };
    private_dir(&out)?;
    private_dir(&out.join("records"))?;
    let write = |path: PathBuf, data: &[u8]| iepcase::atomic::write(&path, data, Some(0o600));
    let (meta, _) = case.meta()?;
    write(out.join("case.toml"), meta.as_bytes())?;
    let mut files = 0;
    for stored in &loaded.records {
        write(
            out.join("records").join(format!("{}.toml", stored.id)),
            stored.text.as_bytes(),
        )?;
        for attachment in &stored.record.common.attachments {
            let dir = out.join("attachments").join(stored.id.as_str());
            private_dir(&dir)?;
            let name = attachment
                .name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("attachment")
                .trim_start_matches('.');
            let name = if name.is_empty() { "attachment" } else { name };
            let mut data = Vec::new();
            case.extract_attachment(&stored.id, attachment, &mut data)?;
            write(dir.join(name), &data)?;
            files += 1;
        }
    }
    ctx.ui.status(&format!(
        "Exported case `{}`: {} records and {files} attachments to {}",
        case.slug(),
        loaded.records.len(),
        out.display()
    ));
    ctx.ui
        .warn("the export is NOT encrypted: keep it on an encrypted disk and delete it when done");
    Ok(())
}

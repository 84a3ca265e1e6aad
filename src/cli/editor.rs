//! Editing text in `$VISUAL`/`$EDITOR`. The only place plaintext touches disk without being
//! asked: a 0600 file in a 0700 folder, on /dev/shm when present, removed afterwards, also on
//! error and Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::CliError;

static EDITOR_RUNNING: AtomicBool = AtomicBool::new(false);
/// A signal arrived while the editor ran; acted on once it returns.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether an editor is running (Ctrl-C then belongs to it). A `terminating` signal is
/// noted, so the command stops, cleanly, as soon as the editor returns.
pub fn editor_running(terminating: bool) -> bool {
    let running = EDITOR_RUNNING.load(Ordering::SeqCst);
    if running && terminating {
        INTERRUPTED.store(true, Ordering::SeqCst);
    }
    running
}

/// The file in a scratch folder naming the process that owns it.
const OWNER: &str = "owner.pid";

/// Removes scratch folders whose process is gone (killed before it could clean up).
fn remove_abandoned(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with("iepcase-");
        let Ok(pid) = std::fs::read_to_string(path.join(OWNER)) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.trim()).exists();
        if ours && !alive {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The marker of lines iepcase adds to text it opens in the editor; they are removed after.
pub const NOTE: &str = "# iepcase:";

/// The editor command, from `$VISUAL` then `$EDITOR`.
fn editor_command() -> Result<String, CliError> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            CliError::user("no editor is set").hint(
                "set EDITOR (for example `export EDITOR=nano`), or change fields with `--set FIELD=VALUE`",
            )
        })
}

fn scratch_base() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() && tempfile::tempdir_in(shm).is_ok() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    }
}

/// Opens `text` in the editor and returns what was saved.
pub fn edit(text: &str, file_name: &str) -> Result<String, CliError> {
    let editor = editor_command()?;
    let mut builder = tempfile::Builder::new();
    builder.prefix("iepcase-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let base = scratch_base();
    if Path::new("/proc/self").exists() {
        remove_abandoned(&base);
    }
    let dir = builder.tempdir_in(&base).map_err(|e| {
        CliError::user(format!(
            "cannot create a private folder in {}: {e}",
            base.display()
        ))
    })?;
    let _cleanup = iepcase::atomic::remove_on_interrupt(dir.path());
    let path = dir.path().join(file_name);
    std::fs::write(dir.path().join(OWNER), std::process::id().to_string())?;
    iepcase::atomic::write(&path, text.as_bytes(), Some(0o600))?;

    EDITOR_RUNNING.store(true, Ordering::SeqCst);
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("iepcase-editor")
        .arg(&path)
        .status();
    EDITOR_RUNNING.store(false, Ordering::SeqCst);

    if INTERRUPTED.swap(false, Ordering::SeqCst) {
        return Err(CliError::user(
            "interrupted while the editor was open; nothing was changed",
        ));
    }
    let status =
        status.map_err(|e| CliError::user(format!("cannot start the editor `{editor}`: {e}")))?;
    if !status.success() {
        return Err(CliError::user(format!(
            "the editor `{editor}` failed ({status}); nothing was changed"
        )));
    }
    let edited = fs_err::read_to_string(&path)
        .map_err(|e| CliError::user(format!("cannot read back the edited text: {e}")))?;
    Ok(edited)
}

/// Removes iepcase's own note lines from edited text.
pub fn strip_notes(text: &str) -> String {
    let mut out: String = text
        .lines()
        .filter(|line| !line.starts_with(NOTE))
        .map(|line| format!("{line}\n"))
        .collect();
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Puts the problems found at the top of the text, as note lines.
pub fn with_problems(text: &str, error: &iepcase::record::RecordError, action: &str) -> String {
    // The problems are numbered by the lines of the text as it will be shown, below them.
    let note_lines = 2 + error
        .render()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let problems = error.shifted(note_lines).render();
    let mut out = format!("{NOTE} this {action} has problems; fix them, save and close.\n");
    out.push_str(&format!("{NOTE} To cancel, close without saving.\n"));
    for line in problems.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("{NOTE}   {line}\n"));
    }
    out.push_str(text);
    out
}

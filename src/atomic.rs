//! Atomic file writes (temp file in the same directory, fsync, rename) and the registry of
//! temporary paths to remove if the user presses Ctrl-C.
//!
//! A reader never sees a half-written file: either the old content or the new one.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Held while a commit and its working-tree update run; the interrupt handler waits for it.
static CRITICAL: Mutex<()> = Mutex::new(());

/// Enters a section that Ctrl-C must not cut short.
pub fn critical_section() -> std::sync::MutexGuard<'static, ()> {
    CRITICAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Set once this process has committed a change: an interrupt after it loses nothing, and
/// running the command again would repeat the change.
static SAVED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records that a change is committed.
pub fn note_saved() {
    SAVED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether this process has committed a change.
pub fn saved() -> bool {
    SAVED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Temporary paths that must not outlive the process (editor files, half-written temps).
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Registers `path` for removal on interrupt; returns a guard that unregisters it.
pub fn remove_on_interrupt(path: &Path) -> CleanupGuard {
    if let Ok(mut list) = CLEANUP.lock() {
        list.push(path.to_owned());
    }
    CleanupGuard {
        path: path.to_owned(),
    }
}

/// Removes every registered path; called by the interrupt handler before exiting.
pub fn cleanup_registered() {
    if let Ok(list) = CLEANUP.lock() {
        for path in list.iter() {
            if path.is_dir() {
                let _ = std::fs::remove_dir_all(path);
            } else {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Unregisters its path when dropped (the owner removes the file itself).
pub struct CleanupGuard {
    path: PathBuf,
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        if let Ok(mut list) = CLEANUP.lock() {
            list.retain(|p| p != &self.path);
        }
    }
}

/// Writes `data` to `path` atomically; `mode` sets Unix permissions (e.g. 0o600 for keys).
pub fn write(path: &Path, data: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    write_in(dir, path, data, mode)
}

/// Like [`write`], with the temporary file in `dir` (which must be on the same file system).
pub fn write_in(dir: &Path, path: &Path, data: &[u8], mode: Option<u32>) -> io::Result<()> {
    write_inner(dir, path, data, mode, true)
}

/// Like [`write_in`], without waiting for the disk: for copies of what git already holds
/// durably (the working files, the caches). After a power loss such a file is whole, missing
/// or empty, never a mix; iepcase notices and writes it again.
pub fn write_copy_in(dir: &Path, path: &Path, data: &[u8], mode: Option<u32>) -> io::Result<()> {
    write_inner(dir, path, data, mode, false)
}

fn write_inner(
    dir: &Path,
    path: &Path,
    data: &[u8],
    mode: Option<u32>,
    sync: bool,
) -> io::Result<()> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".iepcase-tmp-");
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut temp = builder.tempfile_in(dir)?;
    let _guard = remove_on_interrupt(temp.path());
    temp.write_all(data)?;
    if sync {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_with_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.txt");
        write(&path, b"first", Some(0o600)).unwrap();
        write(&path, b"second", Some(0o600)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files remain");
    }
}

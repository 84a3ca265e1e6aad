//! The per-case lock that serialises iepcase commands changing one case.
//!
//! An OS file lock on `.git/iepcase/lock`: released by the OS when the process ends, even on
//! a crash, so a lock can never be left stale. The file records who holds it, for the message
//! the next command shows while it waits.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;

/// A held case lock; dropping it releases the lock.
#[derive(Debug)]
pub struct CaseLock {
    file: File,
    path: PathBuf,
}

impl CaseLock {
    /// Takes the lock of the case at `root`, waiting up to `timeout`; `on_wait` is told once
    /// who holds it.
    pub fn acquire(
        root: &Path,
        slug: &str,
        command: &str,
        timeout: Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<CaseLock, StoreError> {
        let dir = super::local_dir(root);
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| StoreError::Io { path, source }
        };
        fs_err::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join("lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(&path))?;
        let start = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let holder = read_holder(&mut file);
                    if start.elapsed() >= timeout {
                        return Err(StoreError::Locked {
                            case: slug.to_owned(),
                            holder,
                        });
                    }
                    if !told {
                        on_wait(&holder);
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::Error(source)) => return Err(StoreError::Io { path, source }),
            }
        }
        let info = format!("iepcase {command} (process {})\n", std::process::id());
        file.set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(info.as_bytes()))
            .map_err(io(&path))?;
        Ok(CaseLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for CaseLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|_| file.read_to_string(&mut text));
    let text = text.trim();
    if text.is_empty() {
        "another iepcase command".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_waits_then_gives_up_naming_the_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let first =
            CaseLock::acquire(dir.path(), "c", "edit", Duration::ZERO, &mut |_| {}).unwrap();
        let mut seen = String::new();
        let err = CaseLock::acquire(
            dir.path(),
            "c",
            "add",
            Duration::from_millis(120),
            &mut |h| seen = h.to_owned(),
        )
        .unwrap_err();
        assert!(seen.contains("iepcase edit"), "{seen}");
        assert!(matches!(err, StoreError::Locked { ref holder, .. } if holder.contains("edit")));
        drop(first);
        CaseLock::acquire(dir.path(), "c", "add", Duration::ZERO, &mut |_| {}).unwrap();
    }
}

//! Long output on a terminal goes through a pager, as git does: `$PAGER` (else `less`), with
//! `LESS=FRX` unless set, so output that fits one screen is printed as is.

use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};

/// A running pager.
pub struct Pager {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Pager {
    /// Starts the pager; `None` when paging is turned off (`PAGER` empty or `cat`) or the
    /// pager cannot start (output then goes to the terminal as usual).
    pub fn start() -> Option<Pager> {
        let command = match std::env::var("PAGER") {
            Ok(p) if p.trim().is_empty() || p.trim() == "cat" => return None,
            Ok(p) => p,
            Err(_) => "less".to_owned(),
        };
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(&command).stdin(Stdio::piped());
        if std::env::var_os("LESS").is_none() {
            cmd.env("LESS", "FRX");
        }
        if std::env::var_os("LV").is_none() {
            cmd.env("LV", "-c");
        }
        let mut child = cmd.spawn().ok()?;
        let stdin = child.stdin.take();
        Some(Pager { child, stdin })
    }

    /// Writes to the pager.
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.stdin {
            Some(stdin) => stdin.write_all(bytes).and_then(|_| stdin.flush()),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    /// Closes the pager's input and waits for the user to leave it.
    pub fn finish(&mut self) {
        self.stdin.take();
        let _ = self.child.wait();
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        self.finish();
    }
}

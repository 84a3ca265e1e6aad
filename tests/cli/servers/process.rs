//! A server process a test starts, and stops whatever happens to the test.
//!
//! Each server runs in a process group of its own; dropping the guard (at the end of the test,
//! or while a panic unwinds) kills the whole group, so nothing the server forked keeps serving
//! a deleted folder. If the test process dies without unwinding (killed, aborted), the kernel
//! kills the server too: it is started with a parent-death signal.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server, killed with its process group when dropped.
pub struct Guard {
    child: Child,
    pub name: String,
    /// Where the server's own log goes, to show when a test fails.
    pub log: PathBuf,
}

impl Guard {
    /// Starts `cmd` in a new process group, with its output in `log`.
    pub fn spawn(name: &str, mut cmd: Command, log: PathBuf) -> Guard {
        let out = std::fs::File::create(&log).expect("server log");
        let err = out.try_clone().expect("server log");
        cmd.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl took effect.
                if libc::getppid() == 1 {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Guard {
            child,
            name: name.to_owned(),
            log,
        }
    }

    /// The process id of the server (also its process group).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the server accepts connections on `port`, or fails with its log.
    pub fn wait_for_port(&mut self, port: u16) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before listening:\n{}",
                    self.name,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "{} is not listening on port {port} after 10 s:\n{}",
            self.name,
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// Stops the server now (and everything it forked).
    pub fn stop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        // SAFETY: signals our own child's process group.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether a process with id `pid` still runs (a zombie counts as gone).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        })
        .unwrap_or(false)
}

/// `program` when it is installed. When it is not, the test is skipped with a note, unless
/// `IEPCASE_REQUIRE_SERVERS` is set (as CI does): then it fails.
pub fn require(program: &str) -> Option<PathBuf> {
    let found = if program.starts_with('/') {
        Some(PathBuf::from(program)).filter(|p| p.exists())
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .chain(["/usr/sbin".into(), "/sbin".into()])
                .map(|dir| dir.join(program))
                .find(|p| p.is_file())
        })
    };
    if found.is_none() {
        assert!(
            std::env::var_os("IEPCASE_REQUIRE_SERVERS").is_none(),
            "IEPCASE_REQUIRE_SERVERS is set but `{program}` is not installed"
        );
        eprintln!("note: skipping: `{program}` is not installed");
    }
    found
}

/// A program of git's own (`git-daemon`, `git-http-backend`), run directly so that it is
/// the process the guard watches.
pub fn git_program(name: &str) -> PathBuf {
    let out = Command::new("git")
        .arg("--exec-path")
        .output()
        .expect("git --exec-path");
    let dir = String::from_utf8(out.stdout).expect("utf-8 path");
    PathBuf::from(dir.trim()).join(name)
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

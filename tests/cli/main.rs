//! Command-line tests in a hermetic environment: an empty environment, a temporary HOME,
//! no global git config, a fixed author and a clock that advances one minute per command.

mod bad_input;
mod binder;
mod bundle;
mod crash;
mod deadlines;
mod editor;
mod gitolite;
mod history;
mod hostile;
mod https;
mod import;
mod json;
mod letters;
mod limits;
mod links;
mod maintenance;
mod next_steps;
mod pdf_layout;
mod pdf_text;
mod prep;
mod privacy;
mod records;
mod servers;
mod shell;
mod ssh;
mod sync;
mod terminal;
mod transcripts;
mod workspace;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary home and workspace, and a way to run iepcase in them.
pub struct TestEnv {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
    pub ws: PathBuf,
    minute: Cell<u32>,
    pub extra_env: Vec<(String, String)>,
}

impl TestEnv {
    /// A home with no workspace yet.
    pub fn bare() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        let ws = dir.path().join("ws");
        std::fs::create_dir_all(&home).unwrap();
        TestEnv {
            _dir: dir,
            home,
            ws,
            minute: Cell::new(0),
            extra_env: Vec::new(),
        }
    }

    /// A workspace with an identity and one case `c1` (state MS).
    pub fn with_case() -> TestEnv {
        let env = TestEnv::bare();
        env.run(&[
            "init",
            env.ws.to_str().unwrap(),
            "--state",
            "MS",
            "--name",
            "Test Advocate",
            "--email",
            "t@example.org",
        ]);
        env.run(&[
            "case",
            "new",
            "c1",
            "--child",
            "Zephyrine Okonkwo-Bramble",
            "--school",
            "Larkspur Bayou School",
        ]);
        env
    }

    /// The root of the temporary tree.
    pub fn root(&self) -> &Path {
        self._dir.path()
    }

    /// The case folder of `slug`.
    pub fn case_dir(&self, slug: &str) -> PathBuf {
        self.ws.join("cases").join(slug)
    }

    /// A command with the hermetic environment, run in the workspace.
    pub fn cmd(&self, args: &[&str]) -> Command {
        Command::from_std(self.std_cmd(args))
    }

    /// The same, as a plain process command (for spawning in the background).
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("iepcase"));
        let minute = self.minute.get();
        self.minute.set(minute + 1);
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TZ", "UTC")
            .env(
                "IEPCASE_NOW",
                format!("2026-11-28T{:02}:{:02}:00Z", 9 + minute / 60, minute % 60),
            )
            .env("IEPCASE_LOCK_TIMEOUT", "2")
            .current_dir(if self.ws.exists() {
                &self.ws
            } else {
                self.root()
            })
            .args(args);
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs and expects success; returns stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().expect("run iepcase");
        assert!(
            out.status.success(),
            "iepcase {args:?} failed:\n{}",
            describe(&out)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs with `stdin` and expects success.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> String {
        let out = self
            .cmd(args)
            .write_stdin(stdin)
            .output()
            .expect("run iepcase");
        assert!(
            out.status.success(),
            "iepcase {args:?} failed:\n{}",
            describe(&out)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs and expects exit `code`; returns stderr.
    pub fn fail(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd(args).output().expect("run iepcase");
        assert_eq!(
            out.status.code(),
            Some(code),
            "iepcase {args:?}:\n{}",
            describe(&out)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// Runs without a controlling terminal (in a session of its own), so nothing can ask on
    /// the terminal even when the tests run in one; returns the output.
    pub fn without_terminal(&self, args: &[&str]) -> Output {
        use std::os::unix::process::CommandExt;
        let mut cmd = self.std_cmd(args);
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        cmd.output().expect("run iepcase")
    }

    /// Runs in a pseudo-terminal (through `script`), typing `input` once iepcase asks for a
    /// passphrase; returns what the terminal showed as stdout.
    pub fn in_terminal(&self, args: &[&str], input: &str) -> Output {
        use std::io::{Read, Write};
        let inner = self.std_cmd(args);
        let quote =
            |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', "'\\''"));
        let line: Vec<String> = std::iter::once(inner.get_program())
            .chain(inner.get_args())
            .map(quote)
            .collect();
        let mut cmd = std::process::Command::new("script");
        cmd.env_clear().args(["-qec", &line.join(" "), "/dev/null"]);
        for (key, value) in inner.get_envs() {
            if let Some(value) = value {
                cmd.env(key, value);
            }
        }
        if let Some(dir) = inner.get_current_dir() {
            cmd.current_dir(dir);
        }
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("script");
        let mut stdout = child.stdout.take().unwrap();
        let screen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let reader = {
            let screen = screen.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stdout.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    screen.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(30) {
            let shown = String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
            if shown.contains("Passphrase for") {
                break;
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input.as_bytes());
        let _ = stdin.flush();
        let status = child.wait().expect("script ends");
        drop(stdin);
        reader.join().unwrap();
        let mut stderr = Vec::new();
        let _ = child.stderr.take().unwrap().read_to_end(&mut stderr);
        let stdout = screen.lock().unwrap().clone();
        Output {
            status,
            stdout,
            stderr,
        }
    }

    /// Writes a file under the temporary root and returns its path.
    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.root().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Adds a note and returns its id.
    pub fn add_note(&self, title: &str) -> String {
        self.run(&["add", "note", "--date", "2026-01-15", "--title", title])
            .trim()
            .to_owned()
    }

    /// The number of commits in case `slug`.
    pub fn commits(&self, slug: &str) -> usize {
        let repo = git2::Repository::open(self.case_dir(slug).join(".git")).unwrap();
        let mut walk = repo.revwalk().unwrap();
        walk.push_head().unwrap();
        walk.count()
    }
}

/// The variable that stops the iepcase under test at a named point of a commit
/// (src/store/failpoint.rs). Only a build with the `failpoints` feature reads it, and the
/// README's test command turns that on; without it a crash test fails here, saying so.
pub fn failpoint_var() -> &'static str {
    #[cfg(not(feature = "failpoints"))]
    panic!("this test stops iepcase mid-command: run `cargo test --locked --features failpoints`");
    #[cfg(feature = "failpoints")]
    "IEPCASE_FAILPOINT"
}

/// Where record `id` lives in a case, relative to the case folder: `records/k/3/k3f9….age`.
pub fn record_rel(id: &str) -> String {
    format!("records/{}/{}/{id}.age", &id[..1], &id[1..2])
}

/// The file of record `id` beside `.git` in the case folder `case`.
pub fn record_file(case: &Path, id: &str) -> PathBuf {
    case.join(record_rel(id))
}

/// Every file under `dir`, however deep, as paths relative to `base`.
pub fn files_below(base: &Path, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![base.join(dir)];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

/// Files beside `.git` that differ from HEAD (missing, changed or extra `.age` files).
pub fn working_files_differing(case: &Path) -> Vec<String> {
    let repo = git2::Repository::open(case.join(".git")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let mut differing = Vec::new();
    let mut in_head = std::collections::HashSet::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            let rel = format!("{dir}{}", entry.name().unwrap());
            let blob = repo.find_blob(entry.id()).unwrap();
            if std::fs::read(case.join(&rel)).ok().as_deref() != Some(blob.content()) {
                differing.push(rel.clone());
            }
            in_head.insert(rel);
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    for dir in ["records", "attachments"] {
        for rel in files_below(case, dir) {
            if !in_head.contains(&rel) {
                differing.push(rel);
            }
        }
    }
    differing
}

/// Stdout and stderr of a finished command, for assertion messages.
pub fn describe(out: &Output) -> String {
    format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

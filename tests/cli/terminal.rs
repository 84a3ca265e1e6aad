//! Output on a terminal: tables fit its width, long output goes through the pager, progress
//! is drawn on stderr only when it is a terminal, and colour follows `--color` and
//! `NO_COLOR`. Terminals are pseudo-terminals opened for each test.

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;

use unicode_width::UnicodeWidthStr;

use crate::TestEnv;

/// Which streams of the command go to the terminal.
#[derive(Clone, Copy)]
struct OnTerminal {
    stdout: bool,
    stderr: bool,
}

/// What a command run on a terminal left: what the terminal showed, what went to the pipes.
struct Ran {
    code: Option<i32>,
    terminal: String,
    stdout: String,
    stderr: String,
}

/// Runs iepcase with some streams on a `cols`×`rows` terminal.
fn on_terminal(env: &TestEnv, args: &[&str], streams: OnTerminal, cols: u16, rows: u16) -> Ran {
    let (mut master, slave) = open_pty(cols, rows);
    let mut cmd = env.std_cmd(args);
    // As a terminal window sets it (progress bars are not drawn without it).
    cmd.env("TERM", "xterm-256color");
    cmd.stdin(Stdio::null());
    cmd.stdout(if streams.stdout {
        Stdio::from(slave.try_clone().unwrap())
    } else {
        Stdio::piped()
    });
    cmd.stderr(if streams.stderr {
        Stdio::from(slave.try_clone().unwrap())
    } else {
        Stdio::piped()
    });
    let mut child = cmd.spawn().expect("run iepcase");
    // The terminal reports its end only once no process holds it open.
    drop(cmd);
    drop(slave);
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        // Reading ends with an error once the command has closed the terminal.
        let _ = master.read_to_end(&mut seen);
        String::from_utf8_lossy(&seen).into_owned()
    });
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).unwrap();
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).unwrap();
    }
    let status = child.wait().unwrap();
    Ran {
        code: status.code(),
        terminal: reader.join().unwrap(),
        stdout,
        stderr,
    }
}

/// A pseudo-terminal of the given size: the master side as a file, the slave side's fd.
fn open_pty(cols: u16, rows: u16) -> (std::fs::File, OwnedFd) {
    let mut master = 0;
    let mut slave = 0;
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two file descriptors it opened, which are then owned here.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: both descriptors were just opened by openpty and are not used elsewhere.
    unsafe {
        (
            std::fs::File::from(OwnedFd::from_raw_fd(master)),
            OwnedFd::from_raw_fd(slave),
        )
    }
}

const STDOUT: OnTerminal = OnTerminal {
    stdout: true,
    stderr: false,
};
const STDERR: OnTerminal = OnTerminal {
    stdout: false,
    stderr: true,
};

/// A case with `n` notes whose titles are long, added in one command.
fn case_with_notes(n: usize) -> TestEnv {
    let env = TestEnv::with_case();
    let files: Vec<String> = (0..n)
        .map(|i| {
            env.write(
                &format!("n{i}.toml"),
                &format!(
                    "kind = \"note\"\ndate = 2026-01-{:02}\ntitle = \"Phone call {i} with the \
                     principal about the speech-language evaluation and its timeline\"\n",
                    i + 1
                ),
            )
            .to_string_lossy()
            .into_owned()
        })
        .collect();
    let mut args = vec!["add", "--file"];
    args.extend(files.iter().map(String::as_str));
    env.run(&args);
    env
}

#[test]
fn tables_fit_80_columns_with_ids_whole() {
    let env = case_with_notes(3);
    let ids: Vec<String> = serde_json::from_str::<serde_json::Value>(&env.run(&["list", "--json"]))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let ran = on_terminal(&env, &["list"], STDOUT, 80, 50);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let lines: Vec<&str> = ran.terminal.lines().collect();
    for line in &lines {
        assert!(
            line.trim_end_matches('\r').width() <= 80,
            "{line:?} is wider than 80"
        );
    }
    for id in &ids {
        assert!(
            lines.iter().any(|l| l.starts_with(id.as_str())),
            "{id} starts a line: {}",
            ran.terminal
        );
    }
    assert!(
        ran.terminal.contains("[privileged] Phone call 0"),
        "{}",
        ran.terminal
    );
    assert!(
        ran.terminal.contains("timeline"),
        "the title wraps, it is not lost"
    );

    // Piped, the same table keeps each record on one line, for scripts.
    let piped = env.run(&["list"]);
    assert_eq!(piped.lines().count(), 4, "{piped}");
    // COLUMNS sets the width where there is no terminal to ask.
    let mut env = env;
    env.extra_env.push(("COLUMNS".into(), "60".into()));
    let narrow = env.run(&["list"]);
    assert!(narrow.lines().all(|l| l.width() <= 60), "{narrow}");
    assert!(narrow.lines().count() > 4, "{narrow}");
}

#[test]
fn long_output_goes_through_the_pager_unless_no_pager() {
    let mut env = case_with_notes(8);
    let paged = env.root().join("paged.txt");
    env.extra_env
        .push(("PAGER".into(), format!("cat > {}", paged.display())));
    let ran = on_terminal(&env, &["list"], STDOUT, 200, 6);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let through_pager = std::fs::read_to_string(&paged).expect("the pager ran");
    assert!(through_pager.contains("Phone call 7"), "{through_pager}");
    assert!(!ran.terminal.contains("Phone call"), "{}", ran.terminal);

    std::fs::remove_file(&paged).unwrap();
    let ran = on_terminal(&env, &["--no-pager", "list"], STDOUT, 200, 6);
    assert!(ran.terminal.contains("Phone call 7"), "{}", ran.terminal);
    assert!(!paged.exists(), "--no-pager starts no pager");

    // Output that fits the screen, and output that is not on a terminal, is not paged.
    let ran = on_terminal(&env, &["list", "--kind", "iep"], STDOUT, 200, 6);
    assert_eq!(ran.code, Some(0));
    assert!(!paged.exists());
    assert!(env.run(&["list"]).contains("Phone call 7"));
    assert!(!paged.exists());
}

#[test]
fn progress_is_drawn_on_a_terminal_only() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scheduling-thread.mbox");
    let fixture = fixture.to_str().unwrap();
    let env = TestEnv::with_case();
    let ran = on_terminal(&env, &["import", fixture], STDERR, 100, 30);
    assert_eq!(ran.code, Some(0), "{}", ran.terminal);
    assert!(ran.terminal.contains("Reading"), "{:?}", ran.terminal);
    assert_eq!(
        ran.stdout.lines().count(),
        2,
        "the ids, and only them, on stdout"
    );

    // Piped stderr, or JSON output, gets no progress.
    let env = TestEnv::with_case();
    let out = env.cmd(&["import", fixture]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Reading") && !stderr.contains('\r'),
        "{stderr}"
    );
    let env = TestEnv::with_case();
    let ran = on_terminal(&env, &["--json", "import", fixture], STDERR, 100, 30);
    assert!(!ran.terminal.contains("Reading"), "{:?}", ran.terminal);
}

/// A demo workspace, for its overdue deadlines.
fn demo(env: &TestEnv) -> String {
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    dir.to_str().unwrap().to_owned()
}

#[test]
fn colour_is_consistent_and_can_be_turned_off() {
    let mut env = TestEnv::bare();
    let w = demo(&env);
    let red = "\u{1b}[1m\u{1b}[31m";
    let yellow = "\u{1b}[1m\u{1b}[33m";
    let deadlines = on_terminal(
        &env,
        &["-w", &w, "deadlines", "--today", "2027-01-05"],
        STDOUT,
        200,
        500,
    );
    assert!(
        deadlines.terminal.contains(&format!("{red}Overdue")),
        "overdue deadlines are red, as check's errors: {:?}",
        deadlines.terminal
    );
    assert!(
        deadlines
            .terminal
            .contains(&format!("{yellow}Due within 14 days")),
        "deadlines due soon are yellow, as check's warnings: {:?}",
        deadlines.terminal
    );
    let check = on_terminal(
        &env,
        &["-w", &w, "check", "--today", "2026-11-28"],
        STDOUT,
        200,
        500,
    );
    assert!(
        check.terminal.contains(&format!("{red}error")),
        "{:?}",
        check.terminal
    );
    assert!(
        check.terminal.contains(&format!("{yellow}warning")),
        "{:?}",
        check.terminal
    );

    // --color never and NO_COLOR turn it off on a terminal, for data, errors and help alike.
    for args in [
        vec![
            "--color",
            "never",
            "-w",
            &w,
            "deadlines",
            "--today",
            "2026-11-28",
        ],
        vec!["--color", "never", "-w", &w, "list"],
        vec!["--color", "never", "-w", &w, "show", "nope"],
        vec!["--color", "never", "--help"],
    ] {
        let ran = on_terminal(
            &env,
            &args,
            OnTerminal {
                stdout: true,
                stderr: true,
            },
            200,
            500,
        );
        assert!(
            !ran.terminal.contains('\u{1b}'),
            "{args:?}: {:?}",
            ran.terminal
        );
    }
    env.extra_env.push(("NO_COLOR".into(), "1".into()));
    for args in [
        vec!["-w", &w, "deadlines", "--today", "2026-11-28"],
        vec!["-w", &w, "check", "--today", "2026-11-28"],
        vec!["-w", &w, "show", "nope"],
        vec!["list", "--bogus"],
    ] {
        let ran = on_terminal(
            &env,
            &args,
            OnTerminal {
                stdout: true,
                stderr: true,
            },
            200,
            500,
        );
        assert!(
            !ran.terminal.contains('\u{1b}'),
            "{args:?}: {:?}",
            ran.terminal
        );
    }
    // --color always wins over NO_COLOR.
    let ran = on_terminal(
        &env,
        &[
            "--color",
            "always",
            "-w",
            &w,
            "deadlines",
            "--today",
            "2027-01-05",
        ],
        STDOUT,
        200,
        500,
    );
    assert!(ran.terminal.contains(red), "{:?}", ran.terminal);
}

#[test]
fn sync_all_shows_progress_over_the_cases() {
    let env = TestEnv::with_case();
    env.run(&["case", "new", "c2", "--child", "Other Child"]);
    for slug in ["c1", "c2"] {
        let remote = env.root().join(format!("{slug}.git"));
        git2::Repository::init_bare(&remote).unwrap();
        env.run(&[
            "-c",
            slug,
            "remote",
            "add",
            "origin",
            remote.to_str().unwrap(),
        ]);
    }
    let ran = on_terminal(&env, &["sync", "--all"], STDERR, 100, 30);
    assert_eq!(ran.code, Some(0), "{}", ran.terminal);
    assert!(ran.terminal.contains("Syncing"), "{:?}", ran.terminal);
    assert!(
        ran.stdout.contains("c1") && ran.stdout.contains("c2"),
        "{}",
        ran.stdout
    );
    let out = env.cmd(&["sync", "--all"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Syncing"));
}

#[test]
fn a_binary_letter_is_never_written_to_a_terminal() {
    let env = TestEnv::with_case();
    for format in ["docx", "pdf"] {
        let ran = on_terminal(
            &env,
            &[
                "letter",
                "records-request",
                "--format",
                format,
                "--no-record",
            ],
            STDOUT,
            100,
            40,
        );
        assert_eq!(ran.code, Some(1), "{format}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("cannot be shown in a terminal")
                && ran
                    .stderr
                    .contains(&format!("--out records-request-2026-11-28.{format}")),
            "{format}: {}",
            ran.stderr
        );
        assert!(
            !ran.terminal.contains("PK") && !ran.terminal.contains("%PDF"),
            "{}",
            ran.terminal
        );
    }
    // Text formats still go to the terminal.
    let ran = on_terminal(
        &env,
        &[
            "letter",
            "records-request",
            "--format",
            "txt",
            "--no-record",
        ],
        STDOUT,
        100,
        200,
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.terminal.contains("Request for education records"),
        "{}",
        ran.terminal
    );
}

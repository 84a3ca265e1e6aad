//! Transcripts of help and error texts, so every change of wording is a reviewed diff of
//! `tests/cli/snapshots/`. The commands are found by walking the help from the top: a new
//! command fails here until its help is accepted (`cargo insta review`, or run the tests with
//! `INSTA_UPDATE=always` and read the diff).

use crate::TestEnv;

/// What a command printed, as a transcript: the exit code, then stdout and stderr, with the
/// temporary folder written as `[ROOT]`.
fn transcript(env: &TestEnv, args: &[&str]) -> String {
    render(env, args, env.cmd(args).output().expect("run iepcase"))
}

/// The transcript of `out`, the output of `iepcase ARGS`.
fn render(env: &TestEnv, args: &[&str], out: std::process::Output) -> String {
    let mut transcript = format!(
        "{}\nexit: {}\n",
        format!("$ iepcase {}", args.join(" ")).trim_end(),
        out.status.code().map_or("signal".into(), |c| c.to_string())
    );
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if !bytes.is_empty() {
            transcript.push_str(&format!("--- {name}\n{}", String::from_utf8_lossy(bytes)));
        }
    }
    transcript.replace(&env.root().display().to_string(), "[ROOT]")
}

/// The subcommands a help text lists under `Commands:`, `help` left out.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.is_empty())
        // A description too long for one line goes on under it, indented further.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

/// Every command and subcommand, as the words that name it (`["case", "new"]`).
fn command_paths(env: &TestEnv) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = env.run(&args);
        for name in subcommands(&help) {
            let mut sub = path.clone();
            sub.push(name);
            todo.push(sub);
        }
        if !path.is_empty() {
            paths.push(path);
        }
    }
    paths.sort();
    paths
}

#[test]
fn the_top_level_help() {
    let env = TestEnv::bare();
    insta::assert_snapshot!("help", transcript(&env, &["--help"]));
}

#[test]
fn the_help_of_every_command() {
    let env = TestEnv::bare();
    let paths = command_paths(&env);
    // The walk found the commands, and the groups' subcommands.
    for expected in [
        &["add"][..],
        &["case", "new"],
        &["remote", "add"],
        &["bundle"],
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected:?} missing from {paths:?}"
        );
    }
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = transcript(&env, &args);
        let mut asked: Vec<&str> = vec!["help"];
        asked.extend(path.iter().map(String::as_str));
        let via_help = env.run(&asked);
        assert!(
            help.ends_with(&via_help),
            "`iepcase help {0}` and `iepcase {0} --help` differ",
            path.join(" ")
        );
        insta::assert_snapshot!(format!("help-{}", path.join("-")), help);
    }
}

/// A workspace with case `c1` and a record file to add, named `name`, holding `text`.
fn add_file(env: &TestEnv, name: &str, text: &str) -> String {
    let file = env.write(name, text);
    transcript(env, &["add", "--file", &file.display().to_string()])
}

#[test]
fn usage_errors() {
    let env = TestEnv::with_case();
    insta::assert_snapshot!("error-unknown-command", transcript(&env, &["frobnicate"]));
    insta::assert_snapshot!(
        "error-unknown-flag",
        transcript(&env, &["list", "--sideways"])
    );
    insta::assert_snapshot!("error-no-command", transcript(&env, &[]));
}

#[test]
fn errors_naming_what_is_missing() {
    let env = TestEnv::with_case();
    insta::assert_snapshot!(
        "error-missing-case",
        transcript(&env, &["-c", "nosuch", "list"])
    );
    insta::assert_snapshot!(
        "error-unknown-record",
        transcript(&env, &["show", "zzzzzzzzzz"])
    );
    insta::assert_snapshot!("error-malformed-id", transcript(&env, &["show", "il!"]));
    let bare = TestEnv::bare();
    insta::assert_snapshot!("error-no-workspace", transcript(&bare, &["list"]));
}

#[test]
fn errors_in_record_files() {
    let env = TestEnv::with_case();
    insta::assert_snapshot!(
        "error-malformed-toml",
        add_file(
            &env,
            "bad.toml",
            "kind = \"note\"\ndate = 2026-01-15\ntitle = \"unclosed\n"
        )
    );
    insta::assert_snapshot!(
        "error-unknown-field",
        add_file(
            &env,
            "typo.toml",
            "kind = \"request\"\ndate = 2026-01-15\ntitle = \"x\"\ntpye = \"evaluation\"\n"
        )
    );
    insta::assert_snapshot!(
        "error-wrong-type",
        add_file(
            &env,
            "type.toml",
            "kind = \"note\"\ndate = 2026-01-15\ntitle = 5\n"
        )
    );
    insta::assert_snapshot!(
        "error-bad-date-in-file",
        add_file(
            &env,
            "date.toml",
            "kind = \"note\"\ndate = 2026-02-30\ntitle = \"x\"\n"
        )
    );
}

#[test]
fn errors_in_flags() {
    let env = TestEnv::with_case();
    insta::assert_snapshot!(
        "error-bad-date",
        transcript(
            &env,
            &["add", "note", "--date", "2026-13-45", "--title", "x"]
        )
    );
    insta::assert_snapshot!(
        "error-unknown-kind",
        transcript(&env, &["add", "memo", "--title", "x"])
    );
}

#[test]
fn errors_of_keys_and_passphrases() {
    let mut env = TestEnv::with_case();
    let other = env.root().join("other-key.txt");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), other.display().to_string()));
    insta::assert_snapshot!("error-no-identity", transcript(&env, &["list"]));
    env.run(&["keys", "new"]);
    let text = transcript(&env, &["list"]);
    // The key is new each run: only its place in the message is checked.
    let public = env.run(&["keys", "show"]);
    insta::assert_snapshot!(
        "error-not-a-member",
        text.replace(public.trim(), "[PUBLIC KEY]")
    );

    let mut env = TestEnv::bare();
    let locked = env.root().join("locked.age");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), locked.display().to_string()));
    env.extra_env
        .push(("IEPCASE_PASSPHRASE".into(), "correct horse".into()));
    env.run(&["keys", "new", "--passphrase"]);
    env.run(&["init", env.ws.to_str().unwrap()]);
    env.run(&["case", "new", "c1", "--child", "Someone"]);
    env.extra_env.retain(|(k, _)| k != "IEPCASE_PASSPHRASE");
    env.extra_env
        .push(("IEPCASE_PASSPHRASE".into(), "wrong".into()));
    insta::assert_snapshot!("error-wrong-passphrase", transcript(&env, &["list"]));
    env.extra_env.retain(|(k, _)| k != "IEPCASE_PASSPHRASE");
    // No terminal to ask on, whether or not the tests run in one.
    let out = env.without_terminal(&["list"]);
    insta::assert_snapshot!("error-no-passphrase", render(&env, &["list"], out));
}

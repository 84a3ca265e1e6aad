//! Every kind of bad input gets a clear error, the right exit code, and loses nothing.

use crate::TestEnv;

fn add_file(env: &TestEnv, name: &str, text: &str) -> String {
    let file = env.write(name, text);
    env.fail(&["add", "--file", file.to_str().unwrap()], 1)
}

#[test]
fn malformed_toml_names_file_line_and_column() {
    let env = TestEnv::with_case();
    let err = add_file(
        &env,
        "bad.toml",
        "kind = \"note\"\ndate = 2026-01-15\ntitle = \"unclosed\n",
    );
    assert!(err.contains("bad.toml:3:"), "{err}");
    assert!(
        err.contains("title = \"unclosed"),
        "shows the offending text: {err}"
    );
}

#[test]
fn misspelt_field_suggests_the_right_one() {
    let env = TestEnv::with_case();
    let err = add_file(
        &env,
        "typo.toml",
        "kind = \"request\"\ndate = 2026-01-15\ntitle = \"x\"\ntpye = \"evaluation\"\n",
    );
    assert!(err.contains("typo.toml:4:1: unknown field `tpye`"), "{err}");
    assert!(err.contains("did you mean `type`?"), "{err}");
}

#[test]
fn wrong_type_and_missing_field_and_bad_enum() {
    let env = TestEnv::with_case();
    let err = add_file(
        &env,
        "type.toml",
        "kind = \"iep\"\ndate = 2026-01-15\ntitle = \"x\"\nlre_percent = \"most\"\n",
    );
    assert!(
        err.contains("type.toml:4:") && err.contains("lre_percent = \"most\""),
        "{err}"
    );
    let err = add_file(
        &env,
        "missing.toml",
        "kind = \"meeting\"\ndate = 2026-01-15\ntitle = \"x\"\n",
    );
    assert!(err.contains("missing required field `type`"), "{err}");
    let err = add_file(
        &env,
        "enum.toml",
        "kind = \"meeting\"\ndate = 2026-01-15\ntitle = \"x\"\ntype = \"iepp\"\n",
    );
    assert!(err.contains("valid values: iep, eligibility"), "{err}");
    let err = add_file(
        &env,
        "date.toml",
        "kind = \"note\"\ndate = 2026-02-30\ntitle = \"x\"\n",
    );
    assert!(err.contains("date.toml:2:"), "{err}");
}

#[test]
fn unknown_kind_in_a_file_and_on_the_command_line() {
    let env = TestEnv::with_case();
    let err = add_file(
        &env,
        "kind.toml",
        "kind = \"refussal\"\ndate = 2026-01-15\ntitle = \"x\"\n",
    );
    assert!(
        err.contains("unknown kind `refussal`") && err.contains("did you mean `refusal`"),
        "{err}"
    );
    let err = env.fail(&["add", "refussal", "--title", "x"], 2);
    assert!(err.contains("did you mean `refusal`"), "{err}");
}

#[test]
fn a_batch_with_one_bad_file_adds_nothing_and_names_it() {
    let env = TestEnv::with_case();
    let good = env.write(
        "good.toml",
        "kind = \"note\"\ndate = 2026-01-15\ntitle = \"fine\"\n",
    );
    let bad = env.write(
        "broken.toml",
        "kind = \"note\"\ndate = 2026-01-15\ntitel = \"oops\"\n",
    );
    let commits = env.commits("c1");
    let err = env.fail(
        &[
            "add",
            "--file",
            good.to_str().unwrap(),
            "--file",
            bad.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("broken.toml") && !err.contains("good.toml:"),
        "{err}"
    );
    assert!(err.contains("nothing was added"), "{err}");
    assert_eq!(env.commits("c1"), commits);
    assert!(env.run(&["list", "--json"]).trim() == "[]");
}

#[test]
fn unknown_and_ambiguous_ids() {
    let env = TestEnv::with_case();
    let err = env.fail(&["show", "zzzzzz"], 1);
    assert!(
        err.contains("no record matches `zzzzzz`") && err.contains("iepcase list"),
        "{err}"
    );
    let err = env.fail(&["show", "ab"], 1);
    assert!(err.contains("at least 4 characters"), "{err}");
    // Make two records share a prefix: commit a copy of one under an id that shares it.
    let a = env.add_note("one");
    let case = env.case_dir("c1");
    let twin = format!(
        "{}{}",
        &a[..6],
        if a.ends_with("zzzz") { "yyyy" } else { "zzzz" }
    );
    let bytes = std::fs::read(crate::record_file(&case, &a)).unwrap();
    let twin_file = crate::record_file(&case, &twin);
    commit_bytes(&env, &twin_file, &bytes);
    let err = env.fail(&["show", &a[..6]], 1);
    assert!(
        err.contains("matches 2 records") && err.contains(&a) && err.contains(&twin),
        "{err}"
    );
    assert!(env.run(&["show", &a]).contains("title = \"one\""));
}

#[test]
fn a_folder_that_is_not_a_case() {
    let env = TestEnv::with_case();
    let fake = env.case_dir("fake");
    std::fs::create_dir_all(fake.join(".git")).unwrap();
    let err = env.fail(&["-c", "fake", "list"], 1);
    assert!(err.contains("is not an iepcase case"), "{err}");
}

#[test]
fn wrong_identity_says_so_and_shows_the_public_key() {
    let mut env = TestEnv::with_case();
    env.add_note("private");
    let other = env.root().join("other.txt");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), other.display().to_string()));
    let public = env.run(&["keys", "new"]);
    let err = env.fail(&["list"], 1);
    assert!(
        err.contains("your key is not a member of case `c1`"),
        "{err}"
    );
    assert!(err.contains(public.trim()), "shows the public key: {err}");
    assert!(
        err.contains("iepcase share"),
        "says how to get access: {err}"
    );
}

#[test]
fn a_case_whose_key_is_not_yours_is_no_access_in_the_list_and_stops_fsck() {
    let mut env = TestEnv::with_case();
    env.add_note("private");
    let other = env.root().join("other.txt");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), other.display().to_string()));
    env.run(&["keys", "new"]);
    env.run(&["case", "new", "theirs", "--child", "Someone Else"]);
    env.extra_env.pop();
    // A case of this key whose repository is damaged is unreadable, not "no access".
    env.run(&["case", "new", "broken", "--child", "Someone Else"]);
    std::fs::write(env.case_dir("broken").join(".git/HEAD"), "garbage\n").unwrap();

    let out = env.cmd(&["case", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let row = |slug: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(slug))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row("theirs").contains("(no access)"), "{table}");
    assert!(row("broken").contains("(unreadable)"), "{table}");
    assert!(!row("c1").contains('('), "{table}");

    // fsck of the one case stops at the key (exit 1); fsck --all reports it as a problem of
    // the case, like the damaged one, and goes on (exit 3).
    let err = env.fail(&["-c", "theirs", "fsck"], 1);
    assert!(
        err.contains("your key is not a member of case `theirs`"),
        "{err}"
    );
    let out = env.cmd(&["fsck", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(
        all.contains("theirs") && all.contains("broken"),
        "{}",
        crate::describe(&out)
    );
}

#[test]
fn search_all_reports_a_case_it_could_not_open_and_exits_1() {
    let mut env = TestEnv::with_case();
    env.add_note("Bus was late");
    let other = env.root().join("other.txt");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), other.display().to_string()));
    env.run(&["keys", "new"]);
    env.run(&["case", "new", "theirs", "--child", "Someone Else"]);
    env.run(&["-c", "theirs", "add", "note", "--title", "Bus pass"]);
    env.extra_env.pop();

    let out = env.cmd(&["search", "bus", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("Bus was late"),
        "the readable case is still searched: {stdout}"
    );
    assert!(
        stderr.contains("1 case could not be searched: theirs"),
        "{stderr}"
    );
}

#[test]
fn a_stray_folder_under_cases_is_not_taken_for_the_only_case() {
    let env = TestEnv::with_case();
    let stray = env.case_dir("scans");
    std::fs::create_dir_all(&stray).unwrap();
    let out = env.cmd(&["list"]).current_dir(&stray).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no case `scans`"), "{stderr}");
}

fn first_record_file(env: &TestEnv) -> std::path::PathBuf {
    let case = env.case_dir("c1");
    case.join(&crate::files_below(&case, "records")[0])
}

/// Replaces a record's blob in HEAD with `bytes`, as a corrupted clone or a bad actor would.
fn commit_bytes(env: &TestEnv, path: &std::path::Path, bytes: &[u8]) {
    commit_bytes_in(env, "c1", path, bytes);
}

/// Commits `bytes` at `path` of case `slug`, bypassing iepcase.
pub fn commit_bytes_in(env: &TestEnv, slug: &str, path: &std::path::Path, bytes: &[u8]) {
    let repo = git2::Repository::open(env.case_dir(slug).join(".git")).unwrap();
    let rel = path
        .strip_prefix(env.case_dir(slug))
        .unwrap()
        .to_str()
        .unwrap();
    std::fs::write(path, bytes).unwrap();
    let blob = repo.blob(bytes).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert(rel, blob, git2::FileMode::Blob);
    let tree = repo
        .find_tree(update.create_updated(&repo, &head.tree().unwrap()).unwrap())
        .unwrap();
    let sig = git2::Signature::now("x", "x@example.org").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "tamper", &tree, &[&head])
        .unwrap();
}

#[test]
fn tampered_and_truncated_records_are_named_and_others_stay_readable() {
    let env = TestEnv::with_case();
    let victim = env.add_note("will be tampered");
    let survivor = env.add_note("stays readable");
    let path = crate::record_file(&env.case_dir("c1"), &victim);
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n - 5] ^= 0x40;
    commit_bytes(&env, &path, &bytes);

    let out = env.cmd(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("stays readable"), "{stdout}");
    assert!(
        stderr.contains(&victim) && stderr.contains("fsck"),
        "{stderr}"
    );
    // Timeline, search and deadlines show what they can, name the damaged record, and exit 1:
    // a script must not take a partial answer (or a missing clock) for a whole one.
    let partial: [(&[&str], &str); 4] = [
        (&["timeline"], "stays readable"),
        (&["search", "readable"], "stays readable"),
        (&["deadlines"], "Deadlines as of"),
        (&["deadlines", "--all"], "Deadlines as of"),
    ];
    for (args, shown) in partial {
        let out = env.cmd(args).output().unwrap();
        let what = format!("{args:?}: {}", crate::describe(&out));
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(shown),
            "{what}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("fsck"), "{what}");
        // With --all the case is named; for one case, the record.
        let named = if args.contains(&"--all") {
            "c1"
        } else {
            victim.as_str()
        };
        assert!(stderr.contains(named), "{what}");
    }
    assert!(env.run(&["show", &survivor]).contains("stays readable"));
    let err = env.fail(&["show", &victim], 1);
    assert!(
        err.contains(&format!("record {victim}")) && err.contains("altered or corrupted"),
        "{err}"
    );
    let report = env.cmd(&["fsck"]).output().unwrap();
    assert_eq!(
        report.status.code(),
        Some(3),
        "{}",
        crate::describe(&report)
    );
    assert!(String::from_utf8_lossy(&report.stdout).contains(&victim));

    // Truncation too.
    let _ = first_record_file(&env);
    let path = crate::record_file(&env.case_dir("c1"), &survivor);
    let bytes = std::fs::read(&path).unwrap();
    commit_bytes(&env, &path, &bytes[..bytes.len() / 2]);
    let err = env.fail(&["show", &survivor], 1);
    assert!(err.contains(&survivor), "{err}");
    env.fail(&["fsck"], 3);
}

#[test]
fn plaintext_slipped_into_the_repository_is_flagged() {
    let env = TestEnv::with_case();
    env.add_note("fine");
    let path = env.case_dir("c1").join("notes.txt");
    commit_bytes(&env, &path, b"Zephyrine had a bad day");
    let report = env.cmd(&["fsck"]).output().unwrap();
    assert_eq!(report.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&report.stdout).contains("notes.txt: unexpected file"),
        "{}",
        crate::describe(&report)
    );
}

#[test]
fn a_damaged_file_beside_git_is_found_and_repaired() {
    let env = TestEnv::with_case();
    let id = env.add_note("a note");
    let path = crate::record_file(&env.case_dir("c1"), &id);
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let stray = crate::record_file(&env.case_dir("c1"), "zzzzzzzzzz");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(stray, b"stray").unwrap();
    let out = env.cmd(&["fsck"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(&format!(
            "{}: the file beside .git differs",
            crate::record_rel(&id)
        )),
        "{report}"
    );
    assert!(
        report.contains("records/z/z/zzzzzzzzzz.age: a file beside .git that is in no commit"),
        "{report}"
    );
    env.run(&["fsck", "--repair"]);
    assert!(crate::working_files_differing(&env.case_dir("c1")).is_empty());
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let env = TestEnv::with_case();
    let err = env.fail(&["add", "note", "--title", "nul\u{1}ctrl\u{1b}[31mred"], 1);
    assert!(err.contains("control character"), "{err}");
    // A record that carries one anyway (written by hand, or arriving by sync) is shown escaped.
    let file = env.write(
        "x.toml",
        "kind = \"note\"\ndate = 2026-01-01\ntitle = \"plain\"\nsummary = \"evil \\u001b[2J\"\n",
    );
    let id = env
        .run(&["add", "--file", file.to_str().unwrap()])
        .trim()
        .to_owned();
    env.run(&["edit", &id, "--set", "summary=fine"]);
    let diff = env.run(&["diff", &id]);
    assert!(!diff.contains('\u{1b}'), "{diff:?}");
    assert!(diff.contains("\\u{1b}"), "{diff:?}");
    env.run(&["add", "--file", file.to_str().unwrap()]);
    let hits = env.run(&["search", "evil"]);
    assert!(
        hits.contains("evil \\u{1b}[2J") && !hits.contains('\u{1b}'),
        "{hits:?}"
    );
}

#[test]
fn case_list_names_a_case_it_cannot_open_and_exits_1() {
    let env = TestEnv::with_case();
    env.run(&["case", "new", "c2", "--child", "Second Child"]);
    let path = env.case_dir("c2").join("case.age");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes.truncate(n / 2);
    commit_bytes_in(&env, "c2", &path, &bytes);
    let out = env.cmd(&["case", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("c1") && stdout.contains("(unreadable)"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("case `c2`") && stderr.contains("iepcase -c c2 fsck"),
        "{stderr}"
    );
}

#[test]
fn us_dates_in_a_record_file_say_how_to_write_them() {
    let env = TestEnv::with_case();
    let err = add_file(
        &env,
        "us.toml",
        "kind = \"note\"\ndate = 04/02/2026\ntitle = \"x\"\nreceived = 4/3/2026\n",
    );
    assert!(
        err.contains("us.toml:2:8: `04/02/2026` is not a date"),
        "{err}"
    );
    assert!(
        err.contains("write dates as YYYY-MM-DD, e.g. 2026-04-02"),
        "{err}"
    );
    assert!(
        err.contains("us.toml:4:12: `4/3/2026` is not a date"),
        "{err}"
    );
    assert!(err.contains("e.g. 2026-04-03"), "{err}");
    // The same words as --date gives.
    let err = env.fail(&["add", "note", "--title", "x", "--date", "04/02/2026"], 2);
    assert!(
        err.contains("write dates as YYYY-MM-DD, e.g. 2026-04-02"),
        "{err}"
    );
}

#[test]
fn every_error_of_a_record_file_is_reported_together() {
    let env = TestEnv::with_case();
    let err = add_file(
        &env,
        "many.toml",
        "kind = \"request\"\ndate = 2026-01-15\ntitle = 5\ntype = \"evaluation\"\n\
         methd = \"email\"\nresponse_due = \"soon\"\n",
    );
    assert!(
        err.contains("many.toml:3:9: found integer `5`, expected text in quotes"),
        "the type error is not hidden behind the others: {err}"
    );
    assert!(
        err.contains("many.toml:5:1: unknown field `methd`"),
        "{err}"
    );
    assert!(
        err.contains("many.toml:6:16: `soon` is not a date"),
        "{err}"
    );
    assert_eq!(
        err.matches("many.toml:").count(),
        3,
        "three problems, each once: {err}"
    );
}

#[test]
fn iepcase_now_takes_a_plain_date() {
    let mut env = TestEnv::with_case();
    env.extra_env
        .push(("IEPCASE_NOW".into(), "2027-02-01".into()));
    let out = env
        .cmd(&["add", "note", "--title", "dated today"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Dated today, 2027-02-01"),
        "{}",
        crate::describe(&out)
    );
    let log: serde_json::Value = serde_json::from_str(&env.run(&["log", "--json"])).unwrap();
    assert_eq!(log[0]["date"], "2027-02-01T12:00:00Z");
    env.extra_env.clear();
    env.extra_env
        .push(("IEPCASE_NOW".into(), "Feb 1 2027".into()));
    let err = env.fail(&["list"], 1);
    assert!(
        err.contains("IEPCASE_NOW=`Feb 1 2027`") && err.contains("2026-11-28"),
        "{err}"
    );
}

#[test]
fn fsck_calls_a_cut_short_case_file_damaged_not_sealed_to_an_earlier_key() {
    let env = TestEnv::with_case();
    let path = env.case_dir("c1").join("case.age");
    let mut bytes = std::fs::read(&path).unwrap();
    // Cut inside the age header, where the key stanzas are.
    bytes.truncate(60);
    commit_bytes_in(&env, "c1", &path, &bytes);
    let out = env.cmd(&["fsck"]).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("case.age"), "{all}");
    assert!(!all.contains("earlier case key"), "{all}");
}

//! Workspaces, identities and cases.

use crate::TestEnv;

#[test]
fn init_creates_an_identity_once_with_private_permissions() {
    let env = TestEnv::bare();
    let public = env.run(&["init", env.ws.to_str().unwrap()]);
    assert!(public.trim().starts_with("age1"), "{public}");
    let identity = env.home.join(".config/iepcase/identity.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&identity).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert_eq!(
        env.run(&["keys", "show"]),
        public,
        "keys show prints the same public key"
    );
    // A second workspace reuses the identity.
    let other = env.root().join("ws2");
    assert_eq!(env.run(&["init", other.to_str().unwrap()]), public);
    let err = env.fail(&["keys", "new"], 1);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn passphrase_identity_is_asked_for_once() {
    let mut env = TestEnv::bare();
    env.extra_env
        .push(("IEPCASE_PASSPHRASE".into(), "correct horse".into()));
    let key = env.root().join("locked.age");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), key.display().to_string()));
    let public = env.run(&["keys", "new", "--passphrase"]);
    let content = std::fs::read_to_string(&key).unwrap();
    assert!(
        content.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{content}"
    );
    assert!(!content.contains("AGE-SECRET-KEY"));
    env.run(&["init", env.ws.to_str().unwrap()]);
    env.run(&["case", "new", "c1", "--child", "Someone"]);
    env.add_note("first");
    assert_eq!(env.run(&["keys", "show"]), public);
    env.extra_env.retain(|(k, _)| k != "IEPCASE_PASSPHRASE");
    env.extra_env
        .push(("IEPCASE_PASSPHRASE".into(), "wrong".into()));
    let err = env.fail(&["list"], 1);
    assert!(err.contains("wrong passphrase"), "{err}");
}

#[test]
fn cases_are_created_listed_shown_edited_and_closed() {
    let env = TestEnv::with_case();
    let err = env.fail(
        &[
            "case",
            "new",
            "zephyrine-2026",
            "--child",
            "Zephyrine Okonkwo-Bramble",
        ],
        0,
    );
    assert!(
        err.contains("looks like it contains the child's name"),
        "{err}"
    );
    let list = env.run(&["case", "list"]);
    assert!(
        list.contains("c1") && list.contains("Zephyrine Okonkwo-Bramble") && list.contains("MS"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["case", "list", "--json"])).unwrap();
    assert_eq!(json[0]["slug"], "c1");
    assert_eq!(json[0]["records"], 0);

    let shown = env.run(&["-c", "c1", "case", "show"]);
    assert!(
        shown.contains("child = \"Zephyrine Okonkwo-Bramble\""),
        "{shown}"
    );
    env.run(&[
        "-c",
        "c1",
        "case",
        "edit",
        "--set",
        "grade=5",
        "--set",
        "district=Marsh County",
    ]);
    let shown = env.run(&["-c", "c1", "case", "show", "--json"]);
    assert!(
        shown.contains("\"grade\": \"5\"") && shown.contains("Marsh County"),
        "{shown}"
    );
    let err = env.fail(&["-c", "c1", "case", "edit", "--set", "grde=5"], 1);
    assert!(err.contains("did you mean `grade`"), "{err}");
    env.run(&["-c", "c1", "case", "close"]);
    assert!(
        env.run(&["-c", "c1", "case", "show"])
            .contains("status = \"closed\"")
    );
}

#[test]
fn case_selection_by_flag_env_and_folder() {
    let mut env = TestEnv::with_case();
    env.run(&["case", "new", "c2", "--child", "Other Child"]);
    let err = env.fail(&["list"], 1);
    assert!(
        err.contains("no case selected") && err.contains("c1, c2"),
        "{err}"
    );
    let err = env.fail(&["-c", "c3", "list"], 1);
    assert!(
        err.contains("did you mean `c1`") || err.contains("no case `c3`"),
        "{err}"
    );
    env.run(&["-c", "c2", "add", "note", "--title", "in c2"]);
    let inside = env
        .cmd(&["list"])
        .current_dir(env.case_dir("c2").join("records"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&inside.stdout).contains("in c2"),
        "{}",
        crate::describe(&inside)
    );
    env.extra_env.push(("IEPCASE_CASE".into(), "c2".into()));
    assert!(env.run(&["list"]).contains("in c2"));
}

#[test]
fn workspace_is_found_upward_or_explicitly() {
    let env = TestEnv::with_case();
    let elsewhere = env.root().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = env
        .cmd(&["case", "list"])
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no iepcase workspace found"));
    let out = env
        .cmd(&["-w", env.ws.to_str().unwrap(), "case", "list"])
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let bad = env.fail(&["-w", elsewhere.to_str().unwrap(), "list"], 1);
    assert!(bad.contains("is not an iepcase workspace"), "{bad}");
}

#[test]
fn a_malformed_workspace_config_names_file_and_line() {
    let env = TestEnv::with_case();
    std::fs::write(
        env.ws.join("iepcase.toml"),
        "state = \"MS\"\n[author]\nnmae = \"x\"\n",
    )
    .unwrap();
    let err = env.fail(&["list"], 1);
    assert!(
        err.contains("iepcase.toml:3:1") && err.contains("did you mean `name`"),
        "{err}"
    );
}

#[test]
fn a_state_that_does_not_exist_is_refused_before_anything_is_written() {
    let env = TestEnv::bare();
    let err = env.fail(&["init", env.ws.to_str().unwrap(), "--state", "ZZ"], 2);
    assert!(
        err.contains("`ZZ` is not the code of a US state or territory") && err.contains("MS or TX"),
        "{err}"
    );
    assert!(!env.ws.exists(), "no workspace was made");

    let env = TestEnv::with_case();
    let err = env.fail(
        &[
            "case",
            "new",
            "c2",
            "--child",
            "A",
            "--state",
            "Mississippi",
        ],
        2,
    );
    assert!(err.contains("not a two-letter state code"), "{err}");
    assert!(!env.case_dir("c2").exists());
    // Lower case is fine and stored in capitals.
    env.run(&["case", "new", "c3", "--child", "B", "--state", "tx"]);
    assert!(env.run(&["-c", "c3", "case", "show"]).contains("TX"));
}

#[test]
fn help_and_usage_errors_exit_2() {
    let env = TestEnv::bare();
    let out = env.cmd(&["--help"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Encrypted, git-backed case files"));
    let err = env.fail(&["add", "requst", "--title", "x"], 2);
    assert!(err.contains("did you mean `request`"), "{err}");
    env.fail(&["frobnicate"], 2);
}

fn ssh_keygen(env: &TestEnv, kind: &str, passphrase: &str) -> std::path::PathBuf {
    let path = env.root().join(format!("id_{kind}"));
    let mut cmd = std::process::Command::new("ssh-keygen");
    cmd.args(["-q", "-t", kind, "-N", passphrase, "-C", "pat@laptop", "-f"])
        .arg(&path);
    if kind == "rsa" {
        cmd.args(["-b", "2048"]);
    }
    assert!(cmd.status().expect("ssh-keygen runs").success());
    path
}

#[test]
fn openssh_keys_work_as_identities_and_recipients() {
    for (kind, passphrase) in [("ed25519", ""), ("rsa", ""), ("ed25519", "s3cret")] {
        let mut env = TestEnv::bare();
        let key = ssh_keygen(&env, kind, passphrase);
        env.extra_env
            .push(("IEPCASE_IDENTITY".into(), key.display().to_string()));
        if !passphrase.is_empty() {
            env.extra_env
                .push(("IEPCASE_PASSPHRASE".into(), passphrase.into()));
        }
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        let shown = env.run(&["keys", "show"]);
        let expected: Vec<&str> = public.split_whitespace().take(2).collect();
        assert_eq!(
            shown.trim(),
            expected.join(" "),
            "{kind}: the public key without its comment"
        );
        env.run(&["init", env.ws.to_str().unwrap()]);
        env.run(&["case", "new", "c1", "--child", "Someone"]);
        let recipients =
            std::fs::read_to_string(env.case_dir("c1").join(".iepcase/recipients")).unwrap();
        assert!(
            recipients.contains(expected[1]) && !recipients.contains("pat@laptop"),
            "{recipients}"
        );
        let id = env.add_note("readable with an ssh key");
        assert!(
            env.run(&["show", &id]).contains("readable with an ssh key"),
            "{kind}"
        );
    }
}

#[test]
fn workspace_default_recipients_can_read_new_cases() {
    let mut env = TestEnv::bare();
    let colleague = ssh_keygen(&env, "ed25519", "");
    let colleague_public = std::fs::read_to_string(colleague.with_extension("pub")).unwrap();
    env.run(&["init", env.ws.to_str().unwrap()]);
    let config = std::fs::read_to_string(env.ws.join("iepcase.toml")).unwrap();
    let config = config.replace(
        "# recipients = [\"age1…\"]",
        &format!("recipients = [{:?}]", colleague_public.trim()),
    );
    std::fs::write(env.ws.join("iepcase.toml"), config).unwrap();
    env.run(&["case", "new", "c1", "--child", "Someone"]);
    let id = env.add_note("shared by default");
    env.extra_env
        .push(("IEPCASE_IDENTITY".into(), colleague.display().to_string()));
    assert!(
        env.run(&["show", &id]).contains("shared by default"),
        "the colleague can read it"
    );
}

#[test]
fn init_inside_a_workspace_cases_folder_is_refused() {
    let env = TestEnv::with_case();
    let inside = env.case_dir("c1");
    let err = env.fail(&["init", inside.to_str().unwrap()], 1);
    assert!(
        err.contains("inside the cases folder") && err.contains("iepcase -w"),
        "{err}"
    );
    assert!(!inside.join("iepcase.toml").exists());
    // The case is still selected by standing in it.
    let out = env
        .std_cmd(&["list"])
        .current_dir(&inside)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
}

#[test]
fn a_bad_case_slug_is_a_usage_error_with_an_example() {
    let env = TestEnv::with_case();
    let err = env.fail(&["case", "new", "Bad Slug!", "--child", "X"], 2);
    assert!(
        err.contains("`Bad Slug!` cannot name a case") && err.contains("eq-2025"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn an_identity_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::with_case();
    let identity = env.home.join(".config/iepcase/identity.txt");
    let quiet = env.cmd(&["list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("chmod"));
    std::fs::set_permissions(&identity, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cmd(&["list"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("can be read by other users") && stderr.contains("chmod 600"),
        "{stderr}"
    );
}

#[test]
fn the_current_case_is_used_when_nothing_else_names_one() {
    let mut env = TestEnv::with_case();
    env.run(&["case", "new", "c2", "--child", "Other Child"]);
    env.run(&["-c", "c2", "add", "note", "--title", "in c2"]);
    env.fail(&["list"], 1);
    let out = env.cmd(&["case", "use", "c2"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(env.run(&["list"]).contains("in c2"));
    assert_eq!(env.run(&["case", "use"]).trim(), "c2");
    // It is a small local file beside iepcase.toml, holding the slug only.
    let file = std::fs::read_to_string(env.ws.join(".current-case")).unwrap();
    assert!(
        file.lines().any(|l| l == "c2") && !file.contains("Other Child"),
        "{file}"
    );
    let list = env.run(&["case", "list"]);
    assert!(list.contains("* c2") && list.contains("  c1"), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["case", "list", "--json"])).unwrap();
    assert_eq!(json[1]["current"], true);
    // -c, IEPCASE_CASE and the folder still win.
    assert!(!env.run(&["-c", "c1", "list"]).contains("in c2"));
    let inside = env
        .cmd(&["list"])
        .current_dir(env.case_dir("c1"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&inside.stdout).contains("in c2"));
    env.extra_env.push(("IEPCASE_CASE".into(), "c1".into()));
    assert!(!env.run(&["list"]).contains("in c2"));
    env.extra_env.clear();

    env.run(&["case", "use", "--clear"]);
    assert!(!env.ws.join(".current-case").exists());
    env.fail(&["list"], 1);
    let err = env.fail(&["case", "use", "nope"], 1);
    assert!(err.contains("no case `nope`"), "{err}");
}

#[test]
fn a_unique_start_of_a_slug_is_enough() {
    let mut env = TestEnv::with_case();
    for slug in ["eq-2025", "eq-2026", "mq-2026"] {
        env.run(&["case", "new", slug, "--child", "A Child"]);
    }
    env.run(&["-c", "mq-2026", "add", "note", "--title", "in mq"]);
    assert!(env.run(&["-c", "mq", "list"]).contains("in mq"));
    assert!(
        !env.run(&["-c", "c", "list"]).contains("in mq"),
        "`c` is c1"
    );
    let err = env.fail(&["-c", "eq", "list"], 1);
    assert!(
        err.contains("`eq` is the start of several cases: eq-2025, eq-2026"),
        "{err}"
    );
    assert!(err.contains("give more of the slug"), "{err}");
    env.extra_env.push(("IEPCASE_CASE".into(), "mq".into()));
    assert!(env.run(&["list"]).contains("in mq"));
    env.extra_env.clear();
    env.run(&["case", "use", "mq"]);
    assert_eq!(env.run(&["case", "use"]).trim(), "mq-2026");
}

#[test]
fn a_case_is_renamed_and_says_what_remotes_keep() {
    let env = TestEnv::bare();
    env.run(&["init", env.ws.to_str().unwrap(), "--state", "MS"]);
    env.run(&[
        "case",
        "new",
        "zephyrine-26",
        "--child",
        "Zephyrine Okonkwo-Bramble",
    ]);
    let id = env.add_note("kept");
    env.run(&["case", "use", "zephyrine-26"]);
    let remote = env.root().join("remote.git");
    git2::Repository::init_bare(&remote).unwrap();
    env.run(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let commits = env.commits("zephyrine-26");

    let out = env
        .cmd(&["case", "rename", "zeph", "zo-2026"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Renamed case `zephyrine-26` to `zo-2026`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("remote `origin`") && stderr.contains("keeps its address"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cloned before keep the old name"),
        "{stderr}"
    );
    assert!(!env.case_dir("zephyrine-26").exists());
    // The records, the history and the current case follow it.
    assert!(env.run(&["show", &id]).contains("kept"));
    assert_eq!(env.commits("zo-2026"), commits, "a rename is not a commit");
    assert_eq!(env.run(&["case", "use"]).trim(), "zo-2026");
    assert!(
        env.run(&["-c", "zo-2026", "remote", "list"])
            .contains("origin")
    );

    // A slug that names the child is warned about; an existing or bad slug is refused.
    let err = env.fail(&["case", "rename", "zo-2026", "okonkwo-b"], 0);
    assert!(
        err.contains("looks like it contains the child's name"),
        "{err}"
    );
    env.run(&["case", "new", "other", "--child", "Other Child"]);
    let err = env.fail(&["case", "rename", "okonkwo-b", "other"], 1);
    assert!(err.contains("case `other` already exists"), "{err}");
    let err = env.fail(&["case", "rename", "okonkwo-b", "Bad Slug"], 2);
    assert!(err.contains("cannot name a case"), "{err}");
}

#[test]
fn case_list_takes_a_date_for_its_next_deadlines() {
    let env = TestEnv::with_case();
    env.run(&[
        "add",
        "request",
        "--date",
        "2026-03-02",
        "--title",
        "Records request",
        "--set",
        "type=records",
    ]);
    let early: serde_json::Value =
        serde_json::from_str(&env.run(&["case", "list", "--json", "--today", "2026-03-03"]))
            .unwrap();
    let late: serde_json::Value =
        serde_json::from_str(&env.run(&["case", "list", "--json", "--today", "2026-11-28"]))
            .unwrap();
    assert_eq!(early[0]["next_deadline"]["status"], "open", "{early}");
    assert_eq!(late[0]["next_deadline"]["status"], "overdue", "{late}");
}

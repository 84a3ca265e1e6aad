//! `new` and `edit` through an editor, and the editor's temporary file.

#![cfg(unix)]

use crate::TestEnv;
use crate::crash::make_executable;

/// An editor script: records the file path and its permissions, then runs `body`.
fn editor(env: &TestEnv, body: &str) -> std::path::PathBuf {
    let log = env.root().join("editor.log");
    let script = format!(
        "#!/bin/sh\necho \"$1\" >> {log}\nstat -c %a \"$1\" >> {log}\nstat -c %a \"$(dirname \"$1\")\" >> {log}\n{body}\n",
        log = log.display()
    );
    let path = env.write("editor.sh", &script);
    make_executable(&path);
    path
}

fn editor_log(env: &TestEnv) -> Vec<String> {
    std::fs::read_to_string(env.root().join("editor.log"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn new_record_through_the_editor_with_a_retry_after_errors() {
    let mut env = TestEnv::with_case();
    // First save: a misspelt field. Second save (after the problems are shown): fixed.
    let count = env.root().join("count");
    let body = format!(
        "n=$(cat {count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {count}\n\
         if [ $n = 1 ]; then sed -i 's/^title = \"\"/titel = \"Call with the principal\"/' \"$1\";\n\
         else cp \"$1\" {seen}; sed -i 's/^titel =/title =/' \"$1\"; fi",
        count = count.display(),
        seen = env.root().join("second-view.toml").display()
    );
    let script = editor(&env, &body);
    env.extra_env
        .push(("EDITOR".into(), script.display().to_string()));
    let id = env.run(&["new", "note"]).trim().to_owned();
    let second = std::fs::read_to_string(env.root().join("second-view.toml")).unwrap();
    assert!(
        second.contains("unknown field `titel`") && second.contains("did you mean `title`"),
        "{second}"
    );
    // The line number in the note is the line of `titel` in the text as the editor shows it.
    let note = second
        .lines()
        .find(|l| l.contains("unknown field `titel`"))
        .unwrap();
    let line: usize = note.split(':').nth(2).unwrap().parse().unwrap();
    assert!(
        second.lines().nth(line - 1).unwrap().starts_with("titel"),
        "{note}\n{second}"
    );
    let shown = env.run(&["show", &id]);
    assert!(
        shown.contains("title = \"Call with the principal\""),
        "{shown}"
    );
    assert!(!shown.contains("# iepcase:"), "notes are stripped: {shown}");
    let log = editor_log(&env);
    assert_eq!(log[1], "600", "the file is private");
    assert_eq!(log[2], "700", "its folder is private");
    assert!(
        !std::path::Path::new(&log[0]).exists(),
        "the plaintext file is gone"
    );
}

#[test]
fn closing_without_saving_adds_nothing() {
    let mut env = TestEnv::with_case();
    let script = editor(&env, "true");
    env.extra_env
        .push(("EDITOR".into(), script.display().to_string()));
    let commits = env.commits("c1");
    let out = env.cmd(&["new", "request"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing added"));
    assert_eq!(env.commits("c1"), commits);
}

#[test]
fn edit_through_the_editor_and_a_failing_editor_changes_nothing() {
    let mut env = TestEnv::with_case();
    let id = env.add_note("old title");
    let script = editor(&env, "sed -i 's/old title/new title/' \"$1\"");
    env.extra_env
        .push(("EDITOR".into(), script.display().to_string()));
    env.run(&["edit", &id]);
    assert!(env.run(&["show", &id]).contains("new title"));

    let failing = editor(&env, "exit 3");
    env.extra_env.retain(|(k, _)| k != "EDITOR");
    env.extra_env
        .push(("EDITOR".into(), failing.display().to_string()));
    let commits = env.commits("c1");
    let err = env.fail(&["edit", &id], 1);
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(env.commits("c1"), commits);
    for line in editor_log(&env).iter().filter(|l| l.starts_with('/')) {
        assert!(
            !std::path::Path::new(line).exists(),
            "{line} was left behind"
        );
    }
}

#[test]
fn no_editor_points_to_set() {
    let env = TestEnv::with_case();
    let id = env.add_note("x");
    let err = env.fail(&["edit", &id], 1);
    assert!(
        err.contains("no editor is set") && err.contains("--set"),
        "{err}"
    );
}

#[test]
fn a_termination_signal_during_the_editor_changes_nothing_and_leaves_nothing() {
    let mut env = TestEnv::with_case();
    let id = env.add_note("keep me");
    let script = editor(&env, "sleep 2\nsed -i 's/keep me/changed/' \"$1\"");
    env.extra_env
        .push(("EDITOR".into(), script.display().to_string()));
    let commits = env.commits("c1");
    let child = env
        .std_cmd(&["edit", &id])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(env.commits("c1"), commits, "nothing committed");
    assert!(env.run(&["show", &id]).contains("keep me"));
    for line in editor_log(&env).iter().filter(|l| l.starts_with('/')) {
        assert!(
            !std::path::Path::new(line).exists(),
            "{line} was left behind"
        );
    }
}

#[test]
fn scratch_folders_of_killed_processes_are_removed() {
    let mut env = TestEnv::with_case();
    let id = env.add_note("x");
    // A folder as a process killed with SIGKILL would leave it, owned by a pid that is gone.
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let stale = base.join(format!("iepcase-stale-test-{}", std::process::id()));
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("owner.pid"), "4194303").unwrap();
    std::fs::write(stale.join("record.toml"), "plaintext").unwrap();
    let script = editor(&env, "true");
    env.extra_env
        .push(("EDITOR".into(), script.display().to_string()));
    env.run(&["edit", &id]);
    assert!(!stale.exists(), "the abandoned plaintext was removed");
}

//! Crashes, Ctrl-C and two commands at once: no half-written file, no half commit.

use std::process::Stdio;
use std::time::Duration;

use crate::TestEnv;

fn record_files(env: &TestEnv) -> Vec<String> {
    crate::files_below(&env.case_dir("c1"), "records")
}

#[test]
fn a_crash_before_the_commit_changes_nothing() {
    let env = TestEnv::with_case();
    env.add_note("before");
    let commits = env.commits("c1");
    let files = record_files(&env);
    let out = env
        .cmd(&["add", "note", "--title", "lost in the crash"])
        .env(crate::failpoint_var(), "before-commit")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(env.commits("c1"), commits);
    assert_eq!(record_files(&env), files, "no half-written record file");
    assert!(!env.run(&["list"]).contains("lost in the crash"));
    env.add_note("after");
    env.run(&["fsck"]);
}

#[test]
fn a_crash_after_the_commit_is_finished_by_the_next_command() {
    for point in ["after-commit", "mid-checkout"] {
        let env = TestEnv::with_case();
        let pdf = env.write("a.pdf", "%PDF pretend");
        let out = env
            .cmd(&[
                "add",
                "note",
                "--title",
                "committed",
                "--attach",
                pdf.to_str().unwrap(),
            ])
            .env(crate::failpoint_var(), point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}");
        // The commit happened whole: the record is there.
        assert!(env.run(&["list"]).contains("committed"), "{point}");
        env.add_note("next");
        let files = record_files(&env);
        assert_eq!(
            files.len(),
            2,
            "{point}: the working tree was repaired: {files:?}"
        );
        let differing = crate::working_files_differing(&env.case_dir("c1"));
        assert!(
            differing.is_empty(),
            "{point}: the working files match HEAD: {differing:?}"
        );
        env.run(&["fsck"]);
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_before_the_commit_leaves_nothing_behind() {
    let env = TestEnv::with_case();
    let big = env.root().join("recording.wav");
    std::fs::write(&big, vec![7u8; 3 << 20]).unwrap();
    let commits = env.commits("c1");
    let child = env
        .std_cmd(&[
            "add",
            "note",
            "--title",
            "interrupted",
            "--attach",
            big.to_str().unwrap(),
        ])
        .env(crate::failpoint_var(), "pause-before-commit")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the attachment is encrypted and staged, then interrupt.
    let case = env.case_dir("c1");
    let out = interrupt_once(child, || {
        !crate::files_below(&case, "attachments").is_empty()
            || !crate::files_below(&case, ".git/iepcase/tmp").is_empty()
    });
    assert_eq!(out.status.code(), Some(130), "{}", crate::describe(&out));
    assert_eq!(env.commits("c1"), commits, "no commit");
    let left = crate::files_below(&case, "attachments").len()
        + crate::files_below(&case, ".git/iepcase/tmp").len();
    assert_eq!(left, 0, "no temporary attachment file is left");
    assert!(!env.run(&["list"]).contains("interrupted"));
}

#[cfg(unix)]
#[test]
fn a_second_command_waits_for_the_lock_and_says_who_holds_it() {
    let env = TestEnv::with_case();
    let id = env.add_note("locked record");
    let editor = env.write("slow-editor.sh", "#!/bin/sh\nsleep 4\n");
    make_executable(&editor);
    let mut holder = env.std_cmd(&["edit", &id]);
    holder.env("EDITOR", &editor);
    let holder = holder
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let err = env.fail(&["add", "note", "--title", "blocked"], 1);
    assert!(err.contains("Waiting for case `c1`"), "{err}");
    assert!(err.contains("case `c1` is busy: iepcase edit"), "{err}");
    let out = holder.wait_with_output().unwrap();
    assert!(out.status.success());
    env.add_note("now it works");
}

#[test]
fn concurrent_adds_are_serialised_and_both_land() {
    let env = TestEnv::with_case();
    let mut a = env.std_cmd(&["add", "note", "--title", "first"]);
    let mut b = env.std_cmd(&["add", "note", "--title", "second"]);
    a.env("IEPCASE_LOCK_TIMEOUT", "20");
    b.env("IEPCASE_LOCK_TIMEOUT", "20");
    let a = a
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let b = b
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}\n{}",
        crate::describe(&a),
        crate::describe(&b)
    );
    let list = env.run(&["list"]);
    assert!(list.contains("first") && list.contains("second"), "{list}");
    env.run(&["fsck"]);
}

#[cfg(unix)]
pub fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Ctrl-C after the commit: the change is kept, and the message says so, so that nobody
/// adds the same records twice by running the command again.
#[cfg(unix)]
#[test]
fn ctrl_c_after_the_commit_says_the_change_was_saved() {
    let env = TestEnv::with_case();
    let commits = env.commits("c1");
    let child = env
        .std_cmd(&["add", "note", "--title", "kept"])
        .env(crate::failpoint_var(), "pause-after-commit")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = interrupt_once(child, || env.commits("c1") > commits);
    assert_eq!(out.status.code(), Some(130), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("after the change was saved") && stderr.contains("iepcase log"),
        "{stderr}"
    );
    assert_eq!(env.commits("c1"), commits + 1);
    assert!(env.run(&["list"]).contains("kept"));
}

/// Waits (up to 5 s) until `ready`, lets the command settle at its failpoint, sends it
/// SIGINT and returns its output.
#[cfg(unix)]
fn interrupt_once(child: std::process::Child, ready: impl Fn() -> bool) -> std::process::Output {
    for _ in 0..100 {
        if ready() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

/// Starts `args` paused just before its commit (holding the case lock), and waits until it
/// holds the lock.
fn paused_before_commit(env: &TestEnv, args: &[&str]) -> std::process::Child {
    let child = env
        .std_cmd(args)
        .env(crate::failpoint_var(), "pause-before-commit")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock = env.case_dir("c1").join(".git/iepcase/lock");
    for _ in 0..200 {
        if std::fs::read_to_string(&lock).is_ok_and(|t| t.contains(args[0])) {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    child
}

#[test]
fn an_add_that_waits_for_an_unshare_is_encrypted_to_the_new_key() {
    let p = crate::sync::pair();
    let bob_key = crate::sync::public_key(&p.bob);
    let before = p.alice.commits("c1");
    let unshare = paused_before_commit(&p.alice, &["unshare", &bob_key]);
    let add = p
        .alice
        .cmd(&["add", "note", "--title", "written during the unshare"])
        .env("IEPCASE_LOCK_TIMEOUT", "30")
        .output()
        .unwrap();
    let unshare = unshare.wait_with_output().unwrap();
    assert!(unshare.status.success(), "{}", crate::describe(&unshare));
    assert!(add.status.success(), "{}", crate::describe(&add));
    assert_eq!(
        p.alice.commits("c1"),
        before + 2,
        "the add came after the unshare"
    );

    // With Bob's identity, the case key from before the unshare opens, and nothing at HEAD.
    let bob_identity = p.bob.home.join(".config/iepcase/identity.txt");
    let bob = iepcase::crypto::Identities::load(&bob_identity, &iepcase::crypto::NoPrompt).unwrap();
    let repo = git2::Repository::open(p.alice.case_dir("c1").join(".git")).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let before_unshare = head.parent(0).unwrap().parent(0).unwrap().tree().unwrap();
    let wrapped = before_unshare
        .get_path(std::path::Path::new(".iepcase/case-key.age"))
        .unwrap()
        .to_object(&repo)
        .unwrap()
        .peel_to_blob()
        .unwrap();
    let old_key = iepcase::crypto::CaseKey::unwrap(wrapped.content(), &bob).unwrap();
    let tree = head.tree().unwrap();
    let mut records = 0;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if dir.starts_with("records/") && entry.kind() == Some(git2::ObjectType::Blob) {
            let blob = repo.find_blob(entry.id()).unwrap();
            assert!(
                old_key.decrypt(blob.content(), "record").is_err(),
                "{:?} opens with the key Bob had",
                entry.name()
            );
            records += 1;
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    assert!(records > 0);
    p.alice.run(&["fsck"]);
}

#[test]
fn an_edit_that_waits_for_a_rotation_reads_with_the_new_key() {
    let env = TestEnv::with_case();
    let id = env.add_note("to be edited");
    let rotate = paused_before_commit(&env, &["rotate"]);
    let edit = env
        .cmd(&["edit", &id, "--set", "summary=edited during the rotation"])
        .env("IEPCASE_LOCK_TIMEOUT", "30")
        .output()
        .unwrap();
    let rotate = rotate.wait_with_output().unwrap();
    assert!(rotate.status.success(), "{}", crate::describe(&rotate));
    assert!(edit.status.success(), "{}", crate::describe(&edit));
    assert!(
        env.run(&["show", &id])
            .contains("edited during the rotation")
    );
    env.run(&["fsck"]);
}

#[test]
fn an_intact_record_under_another_key_is_never_called_damaged() {
    let env = TestEnv::with_case();
    let id = env.add_note("intact");
    let path = crate::record_file(&env.case_dir("c1"), &id);
    let other = iepcase::crypto::CaseKey::generate();
    let foreign = other
        .encrypt(
            b"kind = \"note\"\ndate = 2026-01-01\ntitle = \"x\"\n",
            "record",
        )
        .unwrap();
    crate::bad_input::commit_bytes_in(&env, "c1", &path, &foreign);
    let err = env.fail(&["show", &id], 1);
    assert!(!err.contains("remove the record"), "{err}");
    assert!(err.contains(&id), "{err}");
}

//! Sharing and sync between two workspaces with two identities, through a local bare
//! repository and through a git daemon on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::TestEnv;

/// Alice with case `c1` pushed to a bare remote, and Bob with an identity of his own.
pub struct Pair {
    pub alice: TestEnv,
    pub bob: TestEnv,
    pub remote: PathBuf,
}

pub fn public_key(env: &TestEnv) -> String {
    env.run(&["keys", "show"]).trim().to_owned()
}

pub fn bare_repo(path: &Path) {
    let status = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn pair() -> Pair {
    let alice = TestEnv::with_case();
    let bob = TestEnv::bare();
    bob.run(&[
        "init",
        bob.ws.to_str().unwrap(),
        "--name",
        "Bob",
        "--email",
        "bob@example.org",
    ]);
    let remote = alice.root().join("remote.git");
    bare_repo(&remote);
    alice.run(&["remote", "add", "origin", remote.to_str().unwrap()]);
    alice.run(&["share", &public_key(&bob), "--label", "co-advocate"]);
    alice.run(&["sync"]);
    Pair { alice, bob, remote }
}

impl Pair {
    pub fn bob_clone(&self) {
        self.bob
            .run(&["clone", self.remote.to_str().unwrap(), "c1"]);
    }
}

fn id_of(out: &str) -> String {
    out.trim().to_owned()
}

/// Runs `sync` after `args` (such as `-c c1`) and returns the commits it fetched and pushed.
fn sync_counts(env: &TestEnv, args: &[&str]) -> (u64, u64) {
    let args: Vec<&str> = ["--json"]
        .iter()
        .chain(args)
        .chain(&["sync"])
        .copied()
        .collect();
    let rows: serde_json::Value = serde_json::from_str(&env.run(&args)).unwrap();
    let row = &rows[0];
    (
        row["fetched"].as_u64().unwrap(),
        row["pushed"].as_u64().unwrap(),
    )
}

/// The commit at the head of `c1`.
fn head(env: &TestEnv) -> git2::Oid {
    let repo = git2::Repository::open(env.case_dir("c1").join(".git")).unwrap();
    repo.head().unwrap().peel_to_commit().unwrap().id()
}

/// Both sides sync until neither has anything to exchange: Alice takes what Bob pushed, and
/// then a sync on either side is a no-op.
fn assert_in_step(p: &Pair) {
    p.alice.run(&["sync"]);
    assert_eq!(sync_counts(&p.bob, &["-c", "c1"]), (0, 0), "Bob is in step");
    assert_eq!(sync_counts(&p.alice, &[]), (0, 0), "Alice is in step");
    assert_eq!(head(&p.alice), head(&p.bob));
    p.alice.run(&["fsck"]);
    p.bob.run(&["-c", "c1", "fsck"]);
}

#[test]
fn share_clone_and_merge_different_fields() {
    let p = pair();
    let id = id_of(&p.alice.run(&[
        "add",
        "note",
        "--date",
        "2026-02-01",
        "--title",
        "Shared note",
    ]));
    p.alice.run(&["sync"]);
    p.bob_clone();
    // The clone leaves its caches filled, so the first listing decrypts nothing.
    let caches = std::fs::read_dir(p.bob.case_dir("c1").join(".git/iepcase/cache"))
        .unwrap()
        .count();
    assert!(caches >= 2, "{caches} cache files after the clone");
    assert!(
        p.bob
            .run(&["-c", "c1", "show", &id])
            .contains("Shared note")
    );
    // Concurrent edits of different fields.
    p.bob
        .run(&["-c", "c1", "edit", &id, "--set", "summary=Bob's summary"]);
    p.bob.run(&["-c", "c1", "sync"]);
    p.alice.run(&["edit", &id, "--set", "tags=[\"alice\"]"]);
    let table = p.alice.run(&["sync"]);
    assert!(table.contains("c1") && table.contains("origin"), "{table}");
    let merged = p.alice.run(&["show", &id]);
    assert!(
        merged.contains("Bob's summary") && merged.contains("alice"),
        "{merged}"
    );
    p.alice.run(&["fsck"]);
    // And back to Bob.
    p.bob.run(&["-c", "c1", "sync"]);
    assert!(p.bob.run(&["-c", "c1", "show", &id]).contains("alice"));
}

#[test]
fn the_same_field_changed_on_both_sides_keeps_both_until_resolved() {
    let p = pair();
    let id = id_of(
        &p.alice
            .run(&["add", "note", "--date", "2026-02-01", "--title", "Original"]),
    );
    p.alice.run(&["sync"]);
    p.bob_clone();
    p.bob.run(&[
        "-c",
        "c1",
        "edit",
        &id,
        "--set",
        "title=Bob's title",
        "--set",
        "summary=Bob's summary",
    ]);
    p.bob.run(&["-c", "c1", "sync"]);
    p.alice.run(&["edit", &id, "--set", "title=Alice's title"]);
    let out = p.alice.cmd(&["sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{id} changed on both sides (title)")),
        "{stderr}"
    );
    let shown = p.alice.cmd(&["show", &id]).output().unwrap();
    assert!(shown.status.success(), "{}", crate::describe(&shown));
    let notice = String::from_utf8_lossy(&shown.stderr);
    assert!(
        notice.contains(&format!("{id} has a sync conflict"))
            && notice.contains(&format!("{id}.conflict-1"))
            && notice.contains(&format!(
                "iepcase resolve {id} --keep local|remote|{id}.conflict-1"
            )),
        "show points at the conflict copy: {notice}"
    );
    let ours = String::from_utf8_lossy(&shown.stdout);
    assert!(ours.contains("Alice's title"), "ours is kept: {ours}");
    assert!(
        ours.contains("Bob's summary"),
        "their change to another field is taken in: {ours}"
    );
    let diff = p
        .alice
        .run(&["diff", &id[..5], &format!("{}.conflict-1", &id[..5])]);
    assert!(
        diff.contains("title: Alice's title → Bob's title"),
        "{diff}"
    );
    let copy = format!("{id}.conflict-1");
    assert!(
        p.alice.run(&["show", &copy]).contains("Bob's title"),
        "theirs is kept beside it"
    );
    assert!(p.alice.run(&["list"]).contains("[sync conflict]"));
    let hits = p.alice.run(&["search", "Bob's title"]);
    assert!(hits.contains(&copy), "{hits}");
    let fsck = p.alice.cmd(&["fsck"]).output().unwrap();
    assert_eq!(fsck.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&fsck.stdout).contains("unresolved sync conflict"));
    let wrong = p
        .alice
        .cmd(&["resolve", &id, "--keep", "theirs"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2), "{}", crate::describe(&wrong));
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        said.contains(&format!(
            "`theirs` is not `local`, `remote` or a conflict copy of {id}"
        )) && said.contains(&copy),
        "the copies are named: {said}"
    );
    p.alice.run(&["resolve", &id, "--keep", "remote"]);
    let again = p
        .alice
        .cmd(&["resolve", &id, "--keep", "local"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "{}", crate::describe(&again));
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains(&format!("record {id} has no sync conflict")),
        "{}",
        crate::describe(&again)
    );
    let shown = p.alice.cmd(&["show", &id]).output().unwrap();
    assert!(String::from_utf8_lossy(&shown.stdout).contains("Bob's title"));
    assert!(
        !String::from_utf8_lossy(&shown.stderr).contains("conflict"),
        "no notice once resolved: {}",
        crate::describe(&shown)
    );
    p.alice.run(&["fsck"]);
    p.alice.run(&["sync"]);
    p.bob.run(&["-c", "c1", "sync"]);
    assert!(
        p.bob
            .run(&["-c", "c1", "list"])
            .lines()
            .all(|l| !l.contains("conflict"))
    );
}

#[test]
fn a_record_deleted_on_one_side_and_edited_on_the_other_is_kept() {
    let p = pair();
    let id = id_of(
        &p.alice
            .run(&["add", "note", "--date", "2026-02-01", "--title", "Keep me"]),
    );
    p.alice.run(&["sync"]);
    p.bob_clone();
    p.bob
        .run(&["-c", "c1", "edit", &id, "--set", "summary=edited by Bob"]);
    p.bob.run(&["-c", "c1", "sync"]);
    p.alice.run(&["rm", &id]);
    let out = p.alice.cmd(&["sync"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("kept {id}")),
        "the person who removed it is told: {stderr}"
    );
    assert!(p.alice.run(&["show", &id]).contains("edited by Bob"));
}

#[test]
fn the_same_edit_on_both_sides_syncs_without_getting_stuck() {
    let p = pair();
    let id = id_of(
        &p.alice
            .run(&["add", "note", "--date", "2026-02-01", "--title", "Original"]),
    );
    p.alice.run(&["sync"]);
    p.bob_clone();
    p.alice.run(&["edit", &id, "--set", "title=both"]);
    p.alice.run(&["sync"]);
    p.bob.run(&["-c", "c1", "edit", &id, "--set", "title=both"]);
    let out = p.bob.cmd(&["-c", "c1", "sync"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("changed on both sides"),
        "the same change is no conflict: {}",
        crate::describe(&out)
    );
    assert_in_step(&p);
    for env in [&p.alice, &p.bob] {
        assert!(
            env.run(&["-c", "c1", "show", &id])
                .contains("title = \"both\"")
        );
        assert!(
            !env.run(&["-c", "c1", "list"]).contains("conflict"),
            "no conflict copy"
        );
    }
}

#[test]
fn a_record_edited_after_the_other_side_pushed_its_removal_is_kept() {
    let p = pair();
    let id = id_of(
        &p.alice
            .run(&["add", "note", "--date", "2026-02-01", "--title", "Keep me"]),
    );
    p.alice.run(&["sync"]);
    p.bob_clone();
    p.alice.run(&["rm", &id]);
    p.alice.run(&["sync"]);
    p.bob
        .run(&["-c", "c1", "edit", &id, "--set", "summary=edited by Bob"]);
    let out = p.bob.cmd(&["-c", "c1", "sync"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("kept {id}")), "{stderr}");
    assert_in_step(&p);
    for env in [&p.alice, &p.bob] {
        assert!(
            env.run(&["-c", "c1", "show", &id])
                .contains("edited by Bob")
        );
    }
}

#[test]
fn unshare_rotates_and_the_removed_member_cannot_clone() {
    let p = pair();
    let secret = id_of(
        &p.alice
            .run(&["add", "note", "--date", "2026-02-01", "--title", "Before"]),
    );
    p.alice.run(&["sync"]);
    p.bob_clone();
    let out = p
        .alice
        .cmd(&["unshare", &public_key(&p.bob)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stays readable to them"));
    assert!(
        p.alice.run(&["show", &secret]).contains("Before"),
        "Alice still reads everything"
    );
    p.alice.run(&["fsck"]);
    p.alice.run(&["sync"]);
    // A fresh clone by Bob fails clearly and leaves nothing behind.
    let err = p
        .bob
        .fail(&["clone", p.remote.to_str().unwrap(), "again"], 1);
    assert!(
        err.contains("your key is not a member of case `again`"),
        "{err}"
    );
    assert!(
        err.contains("run this clone again") && !err.contains("then `iepcase sync`"),
        "the hint fits a clone, which left nothing to sync: {err}"
    );
    assert!(!p.bob.case_dir("again").exists());
    // His old clone cannot follow either.
    let err = p.bob.fail(&["-c", "c1", "sync"], 1);
    assert!(err.contains("no longer a member"), "{err}");
    // Alice cannot lock herself out.
    let err = p.alice.fail(&["unshare", &public_key(&p.alice)], 1);
    assert!(err.contains("lock you out"), "{err}");
}

#[test]
fn members_added_on_a_remote_must_be_accepted() {
    let p = pair();
    p.bob_clone();
    let carol = TestEnv::bare();
    carol.run(&["init", carol.ws.to_str().unwrap()]);
    p.bob.run(&[
        "-c",
        "c1",
        "share",
        &public_key(&carol),
        "--label",
        "attorney",
    ]);
    p.bob.run(&["-c", "c1", "sync"]);
    let out = p.alice.cmd(&["sync"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the remote added a member") && stderr.contains("recipients accept"),
        "{stderr}"
    );
    assert!(p.alice.run(&["recipients"]).contains("pending"));
    let err = p.alice.fail(&["rotate"], 1);
    assert!(err.contains("not accepted yet"), "{err}");
    p.alice.run(&["recipients", "accept"]);
    p.alice.run(&["rotate"]);
    p.alice.run(&["sync"]);
    carol.run(&["clone", p.remote.to_str().unwrap(), "c1"]);
    assert!(carol.run(&["-c", "c1", "recipients"]).contains("attorney"));
}

#[test]
fn a_rotation_on_one_side_merges_with_edits_on_the_other() {
    let p = pair();
    let pdf = p.alice.write("letter.pdf", "%PDF letter");
    let id = id_of(&p.alice.run(&[
        "add",
        "note",
        "--date",
        "2026-02-01",
        "--title",
        "With a letter",
        "--attach",
        pdf.to_str().unwrap(),
    ]));
    p.alice.run(&["sync"]);
    p.bob_clone();
    p.bob
        .run(&["-c", "c1", "edit", &id, "--set", "summary=Bob edits"]);
    let photo = p.bob.write("photo.png", "not really a png");
    let bobs = id_of(&p.bob.run(&[
        "-c",
        "c1",
        "add",
        "note",
        "--title",
        "Bob's new note",
        "--attach",
        photo.to_str().unwrap(),
    ]));
    p.bob.run(&["-c", "c1", "sync"]);
    p.alice.run(&["rotate"]);
    p.alice.run(&["sync"]);
    assert!(p.alice.run(&["show", &id]).contains("Bob edits"));
    assert!(p.alice.run(&["show", &bobs]).contains("Bob's new note"));
    p.alice.run(&["fsck"]);
    let out = p.alice.root().join("out");
    p.alice
        .run(&["extract", &bobs, "--out", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(out.join("photo.png")).unwrap(),
        b"not really a png"
    );
    p.bob.run(&["-c", "c1", "sync"]);
    p.bob.run(&["-c", "c1", "fsck"]);
}

#[test]
fn the_remote_sees_no_child_data() {
    let p = pair();
    p.alice.run(&[
        "add",
        "note",
        "--title",
        "About Zephyrine at Larkspur Bayou School",
    ]);
    p.alice.run(&["sync"]);
    let repo = git2::Repository::open_bare(&p.remote).unwrap();
    let odb = repo.odb().unwrap();
    let mut objects = 0;
    odb.foreach(|oid| {
        let data = odb.read(*oid).unwrap();
        let text = String::from_utf8_lossy(data.data()).to_lowercase();
        for secret in ["zephyrine", "okonkwo", "larkspur", "bayou"] {
            assert!(!text.contains(secret), "`{secret}` in object {oid}");
        }
        objects += 1;
        true
    })
    .unwrap();
    assert!(objects > 5);
}

#[test]
fn a_recipients_file_changed_without_a_rewrap_is_flagged() {
    let p = pair();
    let carol = TestEnv::bare();
    carol.run(&["init", carol.ws.to_str().unwrap()]);
    let recipients = p.alice.case_dir("c1").join(".iepcase/recipients");
    let mut text = std::fs::read_to_string(&recipients).unwrap();
    text.push_str(&format!("{}\n", public_key(&carol)));
    crate::bad_input::commit_bytes_in(&p.alice, "c1", &recipients, text.as_bytes());
    let out = p.alice.cmd(&["fsck"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("case key is wrapped to 2 keys but the recipients file lists 3")
    );
}

#[test]
fn errors_are_told_apart() {
    let env = TestEnv::with_case();
    let err = env.fail(&["sync"], 1);
    assert!(
        err.contains("has no remote") && err.contains("iepcase remote add origin URL"),
        "{err}"
    );
    env.run(&[
        "remote",
        "add",
        "origin",
        env.root().join("nowhere.git").to_str().unwrap(),
    ]);
    let err = env.fail(&["sync"], 1);
    assert!(err.contains("there is no repository at"), "{err}");
    env.run(&["remote", "remove", "origin"]);
    let port = free_port();
    env.run(&[
        "remote",
        "add",
        "origin",
        &format!("git://127.0.0.1:{port}/c1.git"),
    ]);
    let err = env.fail(&["sync"], 1);
    assert!(err.contains("cannot reach the remote"), "{err}");
    let err = env.fail(&["remote", "add", "origin", "/x"], 1);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn remote_addresses_are_checked_and_folders_made_absolute() {
    let env = TestEnv::with_case();
    let err = env.fail(
        &[
            "remote",
            "add",
            "origin",
            "htps://git.example.org/me/c1.git",
        ],
        1,
    );
    assert!(
        err.contains("is not a remote iepcase can use") && err.contains("hint: for example"),
        "{err}"
    );
    assert!(env.run(&["--json", "remote", "list"]).contains("[]"));

    // A relative folder is kept as an absolute path, and a missing one is pointed out.
    let out = env
        .cmd(&["remote", "add", "backup", "../backup/c1.git"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("there is nothing at") && stderr.contains("git init --bare"),
        "{stderr}"
    );
    let list = env.run(&["remote", "list"]);
    let expected = env.root().join("backup/c1.git");
    assert!(list.contains(expected.to_str().unwrap()), "{list}");

    // A clone from a relative folder keeps it absolute too, so its sync works from anywhere.
    bare_repo(&expected);
    env.run(&["sync"]);
    env.run(&["clone", "../backup/c1.git", "copy"]);
    let list = env.run(&["-c", "copy", "remote", "list"]);
    assert!(list.contains(expected.to_str().unwrap()), "{list}");
    let out = env
        .cmd(&["-c", "copy", "sync"])
        .current_dir(env.case_dir("copy"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
}

pub use crate::servers::process::free_port;

/// A git daemon serving `base` on 127.0.0.1, stopped with everything it forked when dropped
/// (also when the test panics, and by the kernel if the test process dies).
pub struct Daemon {
    guard: crate::servers::process::Guard,
    port: u16,
}

impl Daemon {
    pub fn start(base: &Path) -> Daemon {
        let port = free_port();
        let mut cmd = Command::new(crate::servers::process::git_program("git-daemon"));
        cmd.args([
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.display()))
        .arg(base);
        let log = base.with_extension("daemon.log");
        let mut guard = crate::servers::process::Guard::spawn("git daemon", cmd, log);
        guard.wait_for_port(port);
        Daemon { guard, port }
    }

    pub fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }

    /// The daemon's process id.
    pub fn pid(&self) -> u32 {
        self.guard.pid()
    }
}

#[test]
fn sync_over_a_real_network_transport() {
    let alice = TestEnv::with_case();
    let bob = TestEnv::bare();
    bob.run(&["init", bob.ws.to_str().unwrap()]);
    let served = alice.root().join("served");
    std::fs::create_dir_all(&served).unwrap();
    bare_repo(&served.join("c1.git"));
    let daemon = Daemon::start(&served);
    alice.run(&["remote", "add", "origin", &daemon.url("c1.git")]);
    alice.run(&["share", &public_key(&bob)]);
    let id = id_of(&alice.run(&["add", "note", "--title", "Over the wire"]));
    alice.run(&["sync"]);
    bob.run(&["clone", &daemon.url("c1.git"), "c1"]);
    assert!(
        bob.run(&["-c", "c1", "show", &id])
            .contains("Over the wire")
    );
    bob.run(&["-c", "c1", "edit", &id, "--set", "summary=from Bob"]);
    bob.run(&["-c", "c1", "sync"]);
    alice.run(&["sync"]);
    assert!(alice.run(&["show", &id]).contains("from Bob"));
    // A push the server refuses is an error.
    let hook = served.join("c1.git/hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'no pushes today' >&2\nexit 1\n").unwrap();
    crate::crash::make_executable(&hook);
    alice.run(&["add", "note", "--title", "Refused"]);
    let err = alice.fail(&["sync"], 1);
    assert!(err.contains("refused the push"), "{err}");
    assert!(
        err.contains("remote: no pushes today"),
        "the server's message is shown: {err}"
    );
    assert!(
        !err.contains("someone pushed in between") && err.contains("the server's own rules"),
        "a refusal is not a race: {err}"
    );
    let err = bob.fail(&["clone", &daemon.url("missing.git"), "m"], 1);
    assert!(err.contains("there is no repository at"), "{err}");
}

#[test]
fn history_stays_readable_after_a_rotation() {
    let env = TestEnv::with_case();
    let id = id_of(&env.run(&[
        "add",
        "note",
        "--date",
        "2026-02-01",
        "--title",
        "Before the rotation",
    ]));
    env.run(&["edit", &id, "--set", "title=Renamed"]);
    env.run(&["rotate"]);
    env.run(&["rotate"]);
    // Three commits back, under a key replaced twice since.
    assert!(
        env.run(&["show", &id, "--rev", "HEAD~3"])
            .contains("Before the rotation")
    );
    let diff = env.run(&["diff", &id, "--rev", "HEAD~3"]);
    assert!(
        diff.contains("title: Before the rotation → Renamed"),
        "{diff}"
    );
    let log = env.run(&["log", "-p", &id]);
    assert!(
        log.contains("title: Before the rotation → Renamed"),
        "{log}"
    );
    // The wrapped key lists the earlier keys after the current one.
    let key = env.case_dir("c1").join(".iepcase/case-key.age");
    assert!(
        std::fs::read(&key)
            .unwrap()
            .starts_with(b"age-encryption.org/v1")
    );
    env.run(&["fsck"]);
}

#[test]
fn a_member_slipped_into_the_recipients_file_can_be_rejected() {
    let p = pair();
    p.bob_clone();
    let mallory = TestEnv::bare();
    mallory.run(&["init", mallory.ws.to_str().unwrap()]);
    let intruder = public_key(&mallory);

    // By hand, in the file: no member's manifest vouches for it, so nothing uses it, and
    // `fsck --repair` takes it out again.
    let recipients = p.alice.case_dir("c1").join(".iepcase/recipients");
    let original = std::fs::read_to_string(&recipients).unwrap();
    let text = format!("{original}# not really a colleague\n{intruder}\n");
    crate::bad_input::commit_bytes_in(&p.alice, "c1", &recipients, text.as_bytes());
    let err = p.alice.fail(&["recipients"], 1);
    assert!(err.contains("not authenticated"), "{err}");
    let err = p.alice.fail(&["rotate"], 1);
    assert!(err.contains("fsck --repair"), "{err}");
    p.alice.run(&["fsck", "--repair"]);
    assert!(!p.alice.run(&["recipients"]).contains(&intruder));
    p.alice.run(&["fsck"]);
    p.alice.run(&["sync"]);

    // Through a member's iepcase: it arrives pending, and can be rejected.
    p.bob.run(&[
        "-c",
        "c1",
        "share",
        &intruder,
        "--label",
        "not really a colleague",
    ]);
    p.bob.run(&["-c", "c1", "sync"]);
    p.alice.run(&["sync"]);
    assert!(p.alice.run(&["recipients"]).contains("pending"));
    let out = p.alice.cmd(&["recipients", "reject"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let members = p.alice.run(&["recipients"]);
    assert!(
        !members.contains(&intruder) && !members.contains("pending"),
        "{members}"
    );
    p.alice.run(&["fsck"]);
    // Other changes are no longer blocked.
    p.alice.run(&["rotate"]);
}

/// Alice and Bob through a git daemon whose pre-receive hook, the first `races` times it runs,
/// moves `main` to the next of Bob's prepared commits: as if Bob pushed while Alice's push was
/// on its way.
#[cfg(unix)]
fn racing_server(races: usize) -> (TestEnv, TestEnv, Daemon, PathBuf) {
    let alice = TestEnv::with_case();
    let bob = TestEnv::bare();
    bob.run(&["init", bob.ws.to_str().unwrap()]);
    let served = alice.root().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let repo = served.join("c1.git");
    bare_repo(&repo);
    let daemon = Daemon::start(&served);
    alice.run(&["remote", "add", "origin", &daemon.url("c1.git")]);
    alice.run(&["share", &public_key(&bob)]);
    alice.run(&["sync"]);
    bob.run(&["clone", &daemon.url("c1.git"), "c1"]);
    for n in 1..=races {
        bob.run(&[
            "-c",
            "c1",
            "add",
            "note",
            "--title",
            &format!("Bob's note {n}"),
        ]);
        let status = Command::new("git")
            .arg("--git-dir")
            .arg(bob.case_dir("c1").join(".git"))
            .args(["push", "-q"])
            .arg(&repo)
            .arg(format!("main:refs/heads/side-{n}"))
            .status()
            .unwrap();
        assert!(status.success());
    }
    let hook = repo.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\ncat >/dev/null\nn=$(cat race-count 2>/dev/null || echo 0)\n\
             if [ \"$n\" -lt {races} ]; then\n  n=$((n+1)); echo $n > race-count\n  \
             env -u GIT_QUARANTINE_PATH git update-ref refs/heads/main refs/heads/side-$n\nfi\nexit 0\n"
        ),
    )
    .unwrap();
    crate::crash::make_executable(&hook);
    alice.run(&["add", "note", "--title", "Alice's note"]);
    (alice, bob, daemon, repo)
}

#[cfg(unix)]
#[test]
fn a_push_that_loses_a_race_is_retried() {
    let (alice, bob, _daemon, _) = racing_server(1);
    let out = alice.cmd(&["sync"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    // The second round fetched Bob's push and merged it before pushing.
    assert!(alice.run(&["list"]).contains("Bob's note 1"));
    assert_eq!(sync_counts(&alice, &[]), (0, 0), "the remote has it all");
    bob.run(&["-c", "c1", "sync"]);
    assert!(bob.run(&["-c", "c1", "list"]).contains("Alice's note"));
    alice.run(&["fsck"]);
}

#[cfg(unix)]
#[test]
fn a_push_that_keeps_losing_says_someone_pushed_at_the_same_moment() {
    let (alice, _bob, _daemon, _) = racing_server(4);
    let err = alice.fail(&["sync"], 1);
    assert!(
        err.contains("someone pushed at the same moment") && !err.contains("server's own rules"),
        "{err}"
    );
    assert!(err.contains("run `iepcase sync` again"), "{err}");
    // Nothing was lost: the next sync, with no one racing, lands everything.
    alice.run(&["sync"]);
    assert!(alice.run(&["list"]).contains("Bob's note 4"));
    alice.run(&["fsck"]);
}
